# t_fifo: [supervisord] control_fifo= (ours; supervisord ignores it): the
# daemon makes the FIFO, runs each line written to it as a command, logs the
# command and each reply line, survives empty writers without spinning, and
# removes the FIFO at exit
. tests/lib.sh

if ! is_supervise; then
	echo "SKIP $TEST: control_fifo is supervise's own option"
	exit 0
fi

FIFO=$T/supervise.ctl
conf_base 'control_fifo=%(here)s/supervise.ctl'
conf <<'EOF'
[program:web]
command=/bin/sleep 100

[program:a]
command=/bin/sleep 100

[program:b]
command=/bin/sleep 100
EOF

"$SUPERVISE" -t -c "$CONF" >"$T/t.out" 2>&1
expect_eq "-t accepts control_fifo" 0 "$?"
expect_true "-t does not create the FIFO" test ! -e "$FIFO"

start_daemon || exit 1
wait_state web RUNNING
wait_state a RUNNING
wait_state b RUNNING

expect_true "FIFO exists at start" test -p "$FIFO"
expect_eq "FIFO mode 0600" 600 "$(stat -c %a "$FIFO")"

# fifo_write TEXT: write to the FIFO, never blocking the test for long
fifo_write() { timeout 5 sh -c 'printf "%s" "$1" >"$2"' sh "$1" "$FIFO"; }

fifo_write 'stop web
'
expect_true "stop web: web stops" wait_state web STOPPED
expect_file_contains "stop web: command logged" "$LOG" \
	"${TS}INFO control_fifo: stop web\$"
expect_file_contains "stop web: reply logged" "$LOG" \
	"${TS}INFO control_fifo: web: stopped\$"
expect_eq "stop web: command logged once" 1 "$(log_count 'INFO control_fifo: stop web$')"
expect_eq "stop web: reply logged once" 1 "$(log_count 'INFO control_fifo: web: stopped$')"

fifo_write 'start web
'
expect_true "start web: web runs" wait_state web RUNNING
expect_file_contains "start web: command logged" "$LOG" "${TS}INFO control_fifo: start web\$"
expect_file_contains "start web: reply logged" "$LOG" "${TS}INFO control_fifo: web: started\$"

# several commands in one write
fifo_write 'stop a
stop b
'
expect_true "two commands in one write: a stops" wait_state a STOPPED
expect_true "two commands in one write: b stops" wait_state b STOPPED
expect_file_contains "two commands: stop a logged" "$LOG" "INFO control_fifo: stop a\$"
expect_file_contains "two commands: stop b logged" "$LOG" "INFO control_fifo: stop b\$"
expect_file_contains "two commands: a's reply logged" "$LOG" "INFO control_fifo: a: stopped\$"
expect_file_contains "two commands: b's reply logged" "$LOG" "INFO control_fifo: b: stopped\$"

# a command with several reply lines: one log line each
fifo_write 'status
'
until_ok 5 log_atleast 1 'INFO control_fifo: status$'
expect_true "status: one log line per reply line" until_ok 5 eval \
	"log_atleast 1 'INFO control_fifo: web +RUNNING' && log_atleast 1 'INFO control_fifo: a +STOPPED' && log_atleast 1 'INFO control_fifo: b +STOPPED'"

# garbage
fifo_write 'garbage
'
expect_file_contains "garbage: Unknown syntax logged" "$LOG" \
	"${TS}[A-Z]+ control_fifo: \*\*\* Unknown syntax: garbage\$"
expect_true "garbage: daemon still answers" state_is web RUNNING

# a writer that opens and closes without writing
timeout 5 sh -c ': >"$1"' sh "$FIFO"
expect_eq "empty writer: open/close returns" 0 "$?"
expect_true "empty writer: daemon alive" alive "$DPID"
expect_true "empty writer: socket answers" state_is web RUNNING
t0=$(awk '{ print $14 + $15 }' "/proc/$DPID/stat")
sleep 1
t1=$(awk '{ print $14 + $15 }' "/proc/$DPID/stat")
expect_true "empty writer: no spinning (cpu ticks $t0 -> $t1 over 1 s)" test $((t1 - t0)) -lt 20
fifo_write 'start a
'
expect_true "after an empty writer: commands still run" wait_state a RUNNING

# what streams (maintail -f, tail -f, fg) has nobody to stream to here: it
# is refused, and the FIFO takes the next command (it took none after a
# follow; found by fuzz/request)
fifo_write 'maintail -f
tail -f a
fg a
stop a
'
for c in 'maintail -f' 'tail -f' fg; do
	expect_file_contains "$c: refused" "$LOG" \
		"${TS}INFO control_fifo: ERROR: $c streams to a client: use supervisectl, not the control FIFO\$"
done
expect_true "after them: the next command runs" wait_state a STOPPED

stop_daemon
expect_true "FIFO removed at exit" test ! -e "$FIFO"

# a FIFO in a directory that does not exist
conf_base 'control_fifo=%(here)s/nodir/supervise.ctl'
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/nodir.out" 2>&1
expect_eq "missing directory: exit 2" 2 "$?"
expect_match "missing directory: message" \
	"The directory named as part of the path $T/nodir/supervise.ctl does not exist" \
	"$(cat "$T/nodir.out")"
"$SUPERVISE" -t -c "$CONF" >"$T/nodir-t.out" 2>&1
expect_eq "missing directory: -t exit 2" 2 "$?"
expect_true "missing directory: daemon did not run" test ! -e "$SOCK"
