# t_logopts: how child output is logged (spec 3.1, 6.6): capture mode, the
# DEBG copies in the main log, strip_ansi, the main log on stdout under -n,
# pass-through targets (/dev/stdout, /dev/stderr, /proc/self/fd/1) with a
# slow reader, an AUTO log replaced by a symlink, SIGUSR2
. tests/lib.sh

need "${HOSTCC:-cc}"
${HOSTCC:-cc} -O -o "$T/flood" tests/flood.c || { fail "flood builds" "cc failed"; exit 1; }

# cap: text around a capture whose END token comes in two writes, then a
# last line with no newline just before exit
script cap <<'EOF'
printf 'before<!--XSUPERVISOR:BEGIN-->captured<!--XSUPERVISOR:EN'
sleep 0.3
printf 'D-->after\n'
sleep 0.3
printf 'a line after the capture, longer than a token\n'
sleep 0.3
printf 'short'
EOF
# tick NAME: "NAME 00001", "NAME 00002", ... one line every 50 ms
script tick <<'EOF'
i=0
while :; do
	i=$((i + 1))
	printf '%s %05d\n' "$1" $i
	sleep 0.05
done
EOF

# level LEVEL [EXTRA-SUPERVISORD-LINES]: conf_base at another loglevel
level() {
	conf_base "$2"
	sed -i "s/^loglevel=debug\$/loglevel=$1/" "$CONF"
}
# after_line ERE: the main-log line that follows the first line matching ERE
after_line() { awk -v re="$1" 'hit { print; exit } $0 ~ re { hit = 1 }' "$LOG"; }
# in_order NAME FILE: "ok" when FILE's lines of tick NAME count 1, 2, ...
# (more than 5 of them), else the first one out of place
in_order() {
	grep "^$1 " "$2" | awk '$2 + 0 != NR { print "line " NR ": " $0; bad = 1; exit }
		END { if (!bad) print (NR > 5 ? "ok" : "only " NR " lines") }'
}
size() { wc -c <"$1" 2>/dev/null | tr -d ' '; }

# ---- capture mode, DEBG copies, strip_ansi, -s, AUTO log safety --------

conf_base 'strip_ansi=true'
conf <<'EOF'
[program:cap]
command=%(here)s/cap
stdout_logfile=%(here)s/cap.log
stdout_capture_maxbytes=1MB
startsecs=0
autorestart=false

[program:hello]
command=/bin/sh -c 'echo hello-debug; exec sleep 100'
stdout_logfile=%(here)s/hello.log

[program:bad]
command=/bin/sh -c 'printf "\377bad\n"; exec sleep 100'
stdout_logfile=%(here)s/bad.log

[program:ansi]
command=/bin/sh -c 'printf "\033[31mred\033[0m\n"; exec sleep 100'
stdout_logfile=%(here)s/ansi.log

[program:sym]
command=/bin/sh -c 'echo sym-run; exec sleep 100'

[program:tk]
command=%(here)s/tick tk
EOF
start_daemon -s || exit 1

wait_state cap EXITED
until_ok 5 grep -q 'a line after' "$T/cap.log"
expect_eq "capture: text around the capture logged, tokens and capture not" \
	"beforeafter
a line after the capture, longer than a token" "$(head -n 2 "$T/cap.log")"
expect_eq "capture: nothing captured in the log" 0 "$(grep -c captured "$T/cap.log")"
expect_eq "capture: no token in the log" 0 "$(grep -c XSUPERVISOR "$T/cap.log")"
expect_file_contains "capture: the comm event, DEBG" "$LOG" "${TS}DEBG 'cap' stdout emitted a comm event$"
if is_supervise; then
	# supervisord holds up to a token's length back, and loses it at exit
	ends_short() { [ "$(tail -c 5 "$T/cap.log")" = short ]; }
	expect_true "capture: the last bytes, no newline, are logged at exit" until_ok 5 ends_short
	expect_eq "capture: the whole log" "beforeafter
a line after the capture, longer than a token
short" "$(cat "$T/cap.log")"
fi

wait_state hello RUNNING
wait_log "DEBG 'hello' stdout output:$" 5
expect_file_contains "loglevel=debug: the DEBG header" "$LOG" "${TS}DEBG 'hello' stdout output:$"
expect_eq "loglevel=debug: the text on the next line" "hello-debug" \
	"$(after_line "DEBG 'hello' stdout output:$")"
wait_log "DEBG 'bad' stdout output:$" 5
expect_eq "loglevel=debug: undecodable output as Python's repr" "Undecodable: b'\\xffbad\\n'" \
	"$(after_line "DEBG 'bad' stdout output:$")"
expect_eq "undecodable output: the raw bytes in the child log" "$(printf '\377bad')" "$(cat "$T/bad.log")"

wait_file "$T/ansi.log" red 5
expect_eq "strip_ansi=true: the escapes are gone" "red" "$(cat "$T/ansi.log")"
expect_eq "strip_ansi=true: the DEBG copy too" "red" "$(after_line "DEBG 'ansi' stdout output:$")"

expect_true "-s: no main-log line on stdout" no_ts "$T/daemon.out"

# an AUTO log replaced by a symlink to a victim while the program runs
wait_state sym RUNNING
auto=$(ls "$T"/log/sym-stdout---supervisor-*.log)
wait_file "$auto" '^sym-run$' 5
echo "victim" >"$T/victim"
rm -f "$auto"
ln -s "$T/victim" "$auto"
ctl restart sym
wait_state sym RUNNING
ctl restart sym
wait_state sym RUNNING
if is_supervise; then
	expect_file_contains "AUTO log through a symlink: refused, said" "$LOG" \
		"${TS}[A-Z]{4} cannot write $auto: "
	sleep 0.3
	expect_eq "AUTO log through a symlink: the victim gets nothing" "victim" "$(cat "$T/victim")"
	expect_eq "AUTO log through a symlink: said once" 1 "$(log_count "cannot write $auto: ")"
	expect_true "AUTO log through a symlink: the link is left alone" test -L "$auto"
fi

# SIGUSR2: a log moved away gets nothing more, its path gets a fresh file
tkauto=$(ls "$T"/log/tk-stdout---supervisor-*.log)
wait_file "$tkauto" '^tk 00005$' 5
mv "$tkauto" "$T/tk.old"
kill -USR2 "$DPID"
expect_file_contains "SIGUSR2: logged" "$LOG" "${TS}INFO received SIGUSR2 indicating log reopen request$"
expect_file_contains "SIGUSR2: logreopen" "$LOG" "${TS}INFO supervisord logreopen$"
expect_file_contains "SIGUSR2: an AUTO log reopened at its path" "$tkauto" '^tk [0-9]+$'
n_old=$(size "$T/tk.old")
sleep 0.3
expect_eq "SIGUSR2: the moved AUTO log gets nothing new" "$n_old" "$(size "$T/tk.old")"
stop_daemon

# ---- pass-through: /dev/stdout and friends, the daemon's stdout a pipe --


level info
conf <<'EOF'
[program:pt0]
command=%(here)s/tick pt0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:pterr]
command=%(here)s/tick pterr
stdout_logfile=/dev/stderr
stdout_logfile_maxbytes=0

[program:ptfd]
command=%(here)s/tick ptfd
stdout_logfile=/proc/self/fd/1
stdout_logfile_maxbytes=0

[program:ptdevfd]
command=%(here)s/tick ptdevfd
stdout_logfile=/dev/fd/1
stdout_logfile_maxbytes=0
EOF
if is_supervise; then
	# supervisord fails here: it tries to rotate a pipe ("Illegal seek")
	conf <<'EOF'
[program:pt50]
command=%(here)s/tick pt50
stdout_logfile=/dev/stdout
EOF
fi
start_piped "cat >'$T/out.txt'" || exit 1
wait_state pt0 RUNNING
expect_true "/dev/stdout: the lines reach the daemon's stdout" \
	wait_file "$T/out.txt" '^pt0 00005$' 5
expect_true "/proc/self/fd/1: the lines reach the daemon's stdout" \
	wait_file "$T/out.txt" '^ptfd 00005$' 5
expect_true "/dev/fd/1: the lines reach the daemon's stdout" \
	wait_file "$T/out.txt" '^ptdevfd 00005$' 5
expect_true "/dev/stderr: the lines reach the daemon's stderr" \
	wait_file "$T/daemon.err" '^pterr 00005$' 5
expect_file_contains "-n: main-log lines copied to stdout" "$T/out.txt" \
	"${TS}INFO spawned: 'pt0' with pid [0-9]+$"
# supervisord cannot seek a pipe: 'unknown error reading log', at once
OUT=$(timeout 5 "$SUPERVISECTL" -c "$CTLCONF" tail pt0 2>&1); RC=$?
expect_eq "/dev/stdout: tail cannot read a pipe" "pt0: ERROR (unknown error reading log)" "$OUT"
expect_eq "/dev/stdout: tail exits 1, never hangs" 1 "$RC"
OUT=$(timeout 5 "$SUPERVISECTL" -c "$CTLCONF" tail ptfd 2>&1); RC=$?
expect_eq "/proc/self/fd/1: tail fails at once, exit 1" \
	"ptfd: ERROR (unknown error reading log) 1" "$OUT $RC"
# /dev/stderr is the file daemon.err here: tail reads it
OUT=$(timeout 5 "$SUPERVISECTL" -c "$CTLCONF" tail -20 pterr 2>&1); RC=$?
expect_match "/dev/stderr to a file: tail reads the file" '^pterr [0-9]{5}$' "$OUT"
if is_supervise; then
	# clear on supervisord would delete /dev/stdout (we are root)
	expect_true "/dev/stdout, default maxbytes: the lines arrive" \
		wait_file "$T/out.txt" '^pt50 00005$' 5
	OUT=$(timeout 5 "$SUPERVISECTL" -c "$CTLCONF" tail pt50 2>&1); RC=$?
	expect_eq "/dev/stdout, default maxbytes: tail fails at once, exit 1" \
		"pt50: ERROR (unknown error reading log) 1" "$OUT $RC"
	ctl clear pt0
	expect_eq "/dev/stdout: clear" "pt0: cleared" "$OUT"
	expect_true "/dev/stdout: still a symlink after clear" test -L /dev/stdout
	ctl clear pt50 ptfd pterr
	expect_eq "clear of other pass-through targets" "pt50: cleared
ptfd: cleared
pterr: cleared" "$OUT"
	expect_true "/dev/stderr: still a symlink after clear" test -L /dev/stderr
	expect_true "/proc/self/fd/1: still there after clear" test -e /proc/self/fd/1
	n=$(grep -c '^pt0 ' "$T/out.txt")
	expect_true "/dev/stdout: output goes on after clear" \
		until_ok 5 eval 'test "$(grep -c "^pt0 " "$T/out.txt")" -gt "$n"'
	follow tf tail -f pt0
	expect_true "/dev/stdout: tail -f shows new output" wait_file "$T/tf.out" '^pt0 [0-9]+$' 5
	interrupt
	expect_eq "/dev/stdout: tail -f ends at SIGINT, exit 0" 0 "$RC"
	expect_eq "/dev/stdout: tail -f banner" "==> Press Ctrl-C to exit <==" "$(head -n 1 "$T/tf.out")"
fi
stop_daemon
expect_eq "/dev/stdout: every line, in order" "ok" \
	"$(in_order pt0 "$T/out.txt")"
expect_eq "/proc/self/fd/1: every line, in order" "ok" \
	"$(in_order ptfd "$T/out.txt")"
expect_eq "/dev/fd/1: every line, in order" "ok" \
	"$(in_order ptdevfd "$T/out.txt")"
expect_eq "/dev/stderr: every line, in order" "ok" \
	"$(in_order pterr "$T/daemon.err")"
if is_supervise; then
	expect_eq "/dev/stdout, default maxbytes: every line, in order" "ok" \
		"$(in_order pt50 "$T/out.txt")"
fi

# ---- a reader that stalls: the daemon answers, and nothing is lost ------
# (3 MB of output to /dev/stdout while the daemon's stdout is not read)

# conf_flooder NAME: a program that writes 3 MB of numbered lines to /dev/stdout
conf_flooder() {
	conf <<EOF
[program:$1]
command=%(here)s/flood 30000
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
startsecs=0
autorestart=false
EOF
}
level info 'silent=true'
conf_flooder fl
# the reader stalls until $T/go appears: after the checks, or after 4 s
# for supervisord, which blocks in write() until the reader reads
rm -f "$T/go"
is_supervise || { sleep 4; touch "$T/go"; } &
start_piped "until [ -e '$T/go' ]; do sleep 0.1; done; exec cat >'$T/slow.txt'" || exit 1
if is_supervise; then
	# supervisord blocks in write() until the reader reads
	OUT=$(timeout "$SLOW" "$SUPERVISECTL" -c "$CTLCONF" status fl 2>&1); RC=$?
	expect_match "stalled reader: status answers within $SLOW s" '^fl +RUNNING ' "$OUT"
	sleep 1
	OUT=$(timeout "$SLOW" "$SUPERVISECTL" -c "$CTLCONF" status fl 2>&1); RC=$?
	# 3 MB is more than the pipes and one pending chunk hold
	expect_match "stalled reader: still answers; the writer waits, nothing piles up" \
		'^fl +RUNNING ' "$OUT"
fi
touch "$T/go"
until_ok 20 lines_in "$T/slow.txt" 1 '^00000030000 '
expect_eq "stalled reader: every line arrived, in order, once" "first 1 last 30000 count 30000" \
	"$("$T/flood" -c "$T/slow.txt" 2>&1)"
expect_true "silent=true: no main-log line on stdout" no_ts "$T/slow.txt"
wait_state fl EXITED 10
stop_daemon

# ---- reloads while stdout is stalled: what waits is dropped, no fd leaks
# (the main log's copy on stdout and a program's output both wait)

if is_supervise; then           # supervisord blocks in write() here
	level info
	conf_flooder fl2
	start_piped "sleep 30; exec cat >/dev/null" || exit 1
	reloaded() { [ "$(grep -c 'supervisord started with pid' "$LOG")" -ge "$1" ]; }
	kill -HUP "$DPID"
	until_ok 10 reloaded 2
	wait_state fl2 RUNNING
	n0=$(ls "/proc/$DPID/fd" | wc -l)
	for i in 3 4 5; do
		kill -HUP "$DPID"
		until_ok 10 reloaded $i
	done
	wait_state fl2 RUNNING
	n1=$(ls "/proc/$DPID/fd" | wc -l)
	expect_true "stalled stdout, 3 reloads: no more fds than after the first ($n0, $n1)" \
		test "$n1" -le "$n0"
	stop_daemon
fi

# ---- the container pattern: the daemon is pid 1 -------------------------
# (a pid namespace of its own, its stdout a pipe; the program logs to
# /proc/1/fd/1, the main log goes to /dev/stdout with the default maxbytes)

# supervisord dies at its first main-log line here: "Illegal seek"
is_supervise || exit 0
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
	skip "unshare (and root)"
fi
level info 'silent=true'
sed -i 's|^logfile=.*|logfile=/dev/stdout|' "$CONF"
conf <<'EOF'
[program:pid1]
command=%(here)s/tick pid1
stdout_logfile=/proc/1/fd/1
stdout_logfile_maxbytes=0
EOF
rm -f "$PIDFILE" "$T/unshare.pid"
sh -c 'echo $$ >"$1/unshare.pid"; exec unshare --pid --fork --mount-proc "$2" -n -c "$3"' \
	sh "$T" "$SUPERVISE" "$CONF" 2>>"$T/pid1.err" | cat >"$T/pid1.out" &
track $!
UPID=$(daemon_pid "$T/unshare.pid")
until_ok 10 answers
DPID=$(pgrep -P "$UPID")
track "$DPID"
expect_eq "pid 1: the daemon is pid 1 of its namespace" 1 "$(cat "$PIDFILE" 2>/dev/null)"
expect_true "/proc/1/fd/1: the lines reach the daemon's stdout" \
	wait_file "$T/pid1.out" '^pid1 00005$' 5
expect_file_contains "logfile=/dev/stdout: the main log reaches the daemon's stdout" \
	"$T/pid1.out" "${TS}INFO success: pid1 entered RUNNING state"
stop_daemon
expect_eq "/proc/1/fd/1: every line, in order" "ok" "$(in_order pid1 "$T/pid1.out")"
expect_file_contains "logfile=/dev/stdout: the last main-log line too" \
	"$T/pid1.out" "${TS}WARN stopped: pid1 \\(terminated by SIGTERM\\)$"
expect_nomatch "pid 1: no 'Illegal seek'" 'Illegal seek' "$(cat "$T/pid1.out" "$T/pid1.err")"
