# t_fg: fg NAME: its errors, the output of the process and its stdin,
# Exiting foreground at the end of the input, Process got killed
. tests/lib.sh

conf_base
conf <<'EOF'
[program:echo]
command=/bin/sh -c 'while read l; do echo "got $l"; done'
autorestart=false

[program:idle]
command=/bin/sleep 100
autostart=false

[program:once]
command=/bin/sh -c 'read l; echo "got $l"; exec <&-; sleep 1'
autostart=false
autorestart=false
startsecs=0
EOF
start_daemon || exit 1
wait_state echo RUNNING

ctl fg
expect_eq "fg, no name: error" "ERROR: no process name supplied" "$(printf '%s\n' "$OUT" | head -n 1)"
expect_match "fg, no name: help follows" "^fg <process>" "$OUT"
expect_eq "fg, no name: exit 1" 1 "$RC"
ctl fg echo idle
expect_eq "fg, two names: error" "ERROR: too many process names supplied" "$OUT"
expect_eq "fg, two names: exit 1" 1 "$RC"
ctl fg nosuch
expect_eq "fg, unknown: error" "ERROR: bad process name supplied" "$OUT"
expect_eq "fg, unknown: exit 1" 1 "$RC"
ctl fg idle
expect_eq "fg, stopped: error" "ERROR: process not running" "$OUT"
expect_eq "fg, stopped: exit 1" 1 "$RC"

# the check comes before any input is read: with stdin already at EOF the
# error still wins, every time (a client that races stdin against the
# daemon's answer prints "Exiting foreground" and exits 0 now and then)
n=50
is_supervise || n=3
bad=0
i=0
while [ $i -lt $n ]; do
	out=$("$SUPERVISECTL" -c "$CTLCONF" fg idle </dev/null 2>&1)
	rc=$?
	[ "$out" = "ERROR: process not running" ] && [ $rc = 1 ] || bad=$((bad + 1))
	out=$("$SUPERVISECTL" -c "$CTLCONF" fg nosuch </dev/null 2>&1)
	rc=$?
	[ "$out" = "ERROR: bad process name supplied" ] && [ $rc = 1 ] || bad=$((bad + 1))
	i=$((i + 1))
done
expect_eq "fg errors, stdin at EOF: the error and exit 1 in all $((2 * n)) runs (wrong: $bad)" 0 "$bad"

# the input ends: Exiting foreground.  supervisorctl prints the line but its
# log thread keeps it from exiting, so only supervise's exit is checked; its
# log thread is also slow to start, so it gets 3 s after the input line
# (with 1 s it misses "got hello" about one run in four).
FGWAIT=1
is_supervise || FGWAIT=3
t0=$(date +%s%N)
( { sleep 0.5; echo hello; sleep $FGWAIT; } |
	timeout 10 "$SUPERVISECTL" -c "$CTLCONF" fg echo >"$T/fg.out" 2>&1
  echo $? >"$T/fg.rc" ) &
until_ok 15 test -s "$T/fg.rc"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "fg: banner first" "==> Press Ctrl-C to exit <==" "$(head -n 1 "$T/fg.out")"
expect_match "fg: stdin reaches the process, its output comes back" "^got hello$" "$(cat "$T/fg.out")"
expect_eq "fg: Exiting foreground last" "Exiting foreground" "$(tail -n 1 "$T/fg.out")"
expect_eq "fg: output is these three lines" "==> Press Ctrl-C to exit <==|got hello|Exiting foreground|" \
	"$(tr '\n' '|' <"$T/fg.out")"
if is_supervise; then
	expect_eq "fg: end of input: exit 0" 0 "$(cat "$T/fg.rc")"
	expect_true "fg: end of input: client exits at once (${ms} ms for 1.5 s of input)" \
		test "$ms" -lt 3000
fi
expect_true "fg: the process keeps running after fg" state_is echo RUNNING

# the process dies during fg.  stdin comes from a FIFO this shell holds open
# (so no EOF); supervisorctl notices the death only at the next input line.
mkfifo "$T/in"
exec 3<>"$T/in"
( timeout 15 "$SUPERVISECTL" -c "$CTLCONF" fg echo <"$T/in" >"$T/kill.out" 2>&1
  echo $? >"$T/kill.rc" ) &
until_ok 5 grep -q 'Press Ctrl-C' "$T/kill.out"
echo first >&3
expect_file_contains "fg, kill: output before the kill" "$T/kill.out" '^got first$'
pid=$(pidof_prog echo)
kill -KILL "$pid"
expect_true "fg, kill: process gone" wait_dead "$pid"
if is_supervise; then
	expect_file_contains "fg, kill: Process got killed, no input needed" "$T/kill.out" \
		'^Process got killed$' 5
else
	wait_state echo EXITED
	echo second >&3
fi
expect_file_contains "fg, kill: Process got killed" "$T/kill.out" '^Process got killed$' 5
expect_file_contains "fg, kill: then Exiting foreground" "$T/kill.out" '^Exiting foreground$' 5
expect_eq "fg, kill: the last two lines" "Process got killed|Exiting foreground|" \
	"$(tail -n 2 "$T/kill.out" | tr '\n' '|')"
if is_supervise; then
	until_ok 5 test -s "$T/kill.rc"
	expect_eq "fg, kill: client exits (status 0, as supervisorctl's return)" 0 "$(cat "$T/kill.rc" 2>/dev/null)"
fi
exec 3>&-
until_ok 20 test -s "$T/kill.rc"

# what the user types once the process reads no more was meant for it: no
# request, and the connection ends with fg, so the shell's next command gets
# its own reply (it got the reply of the line typed into fg)
if is_supervise; then
	ctl start once
	dpid=$(cat "$PIDFILE")
	{ echo 'fg once'; echo first; sleep 0.5; echo status; sleep 2.5; echo pid; } |
		timeout 15 "$SUPERVISECTL" -c "$CTLCONF" >"$T/typed.out" 2>&1
	expect_match "fg, typed after the process stopped reading: fg ends" \
		'^Exiting foreground$' "$(cat "$T/typed.out")"
	expect_eq "fg, typed after the process stopped reading: the next command's own reply" \
		"supervisor> $dpid" "$(sed -n '/^Exiting foreground$/{n;p;}' "$T/typed.out")"
fi
