# t_tail: tail, tail -f, maintail, maintail -f and clear: their exact output
# (the extra trailing newline, the byte counts), errors and exit codes
. tests/lib.sh

conf_base
# talk: 300 lines on stdout (9 bytes each, 2700 bytes), 3 on stderr; then one
# more stdout line per HUP
script talk <<'EOF'
i=1
while [ $i -le 300 ]; do printf 'line-%03d\n' $i; i=$((i + 1)); done
printf 'err-1\nerr-2\nerr-3\n' >&2
echo $$ >"$(dirname "$0")/talk.pid"
trap 'echo after-hup' HUP
while :; do sleep 0.1; done
EOF
# share: stdout and stderr into one file; a line on each per HUP
script share <<'EOF'
echo first
echo $$ >"$(dirname "$0")/share.pid"
trap 'echo hup-out; echo hup-err >&2' HUP
while :; do sleep 0.1; done
EOF
conf <<'EOF'
[program:talker]
command=%(here)s/talk
stdout_logfile=%(here)s/talker.out
stderr_logfile=%(here)s/talker.err

[program:nolog]
command=/bin/sleep 100
stdout_logfile=NONE

[program:merged]
command=/bin/sh -c 'echo merged-out; echo merged-err >&2; exec sleep 100'
redirect_stderr=true
stdout_logfile=%(here)s/merged.out

[program:quick]
command=/bin/sh -c 'echo quick-out; echo quick-err >&2'
stdout_logfile=%(here)s/quick.out
stderr_logfile=%(here)s/quick.err
startsecs=0
autorestart=false

[program:shared]
command=%(here)s/share
stdout_logfile=%(here)s/shared.log
stderr_logfile=%(here)s/shared.log

[program:idle]
command=/bin/sleep 100
autostart=false

[program:never]
command=/bin/sleep 100
stdout_logfile=%(here)s/never.out
autostart=false

[program:a]
command=/bin/sh -c 'echo a-out; exec sleep 100'
stdout_logfile=%(here)s/a.out

[group:g]
programs=a
EOF
start_daemon || exit 1
wait_state talker RUNNING
wait_state merged RUNNING
wait_state g:a RUNNING
wait_state quick EXITED
until_ok 5 test -s "$T/talk.pid"
until_ok 5 grep -q '^err-3$' "$T/talker.err"
until_ok 5 grep -q '^merged-err$' "$T/merged.out"
until_ok 5 grep -q '^a-out$' "$T/a.out"
TALKPID=$(cat "$T/talk.pid")

# raw ARGS...: the client's exact stdout in $T/raw (nothing stripped), status in RC
raw() {
	"$SUPERVISECTL" -c "$CTLCONF" "$@" >"$T/raw" 2>"$T/raw.err"
	RC=$?
}
# same_as FILE: $T/expect and $T/raw are byte for byte the same
same() { cmp -s "$T/expect" "$T/raw"; }
shown() { od -c "$T/raw" | head -n 20; }

# ---- tail --------------------------------------------------------------

raw tail talker
{ tail -c 1600 "$T/talker.out"; echo; } >"$T/expect"
if same; then pass "tail: last 1600 bytes and an extra newline"
else fail "tail: last 1600 bytes and an extra newline" "$(shown)"; fi
expect_eq "tail: exit 0" 0 "$RC"
expect_eq "tail: output size" 1601 "$(wc -c <"$T/raw" | tr -d ' ')"

raw tail -95 talker
{ tail -c 95 "$T/talker.out"; echo; } >"$T/expect"
if same; then pass "tail -95: last 95 bytes and an extra newline"
else fail "tail -95: last 95 bytes and an extra newline" "$(shown)"; fi
expect_eq "tail -95: starts in the middle of a line" "-290" "$(head -n 1 "$T/raw")"
expect_eq "tail -95: exit 0" 0 "$RC"

raw tail -0 talker
{ cat "$T/talker.out"; echo; } >"$T/expect"
if same; then pass "tail -0: the whole file (quirk)"
else fail "tail -0: the whole file (quirk)" "$(shown)"; fi
expect_eq "tail -0: exit 0" 0 "$RC"

raw tail -5000 talker
{ cat "$T/talker.out"; echo; } >"$T/expect"
if same; then pass "tail -N larger than the file: the whole file"
else fail "tail -N larger than the file: the whole file" "$(shown)"; fi

raw tail talker stderr
printf 'err-1\nerr-2\nerr-3\n\n' >"$T/expect"
if same; then pass "tail NAME stderr: the stderr log"
else fail "tail NAME stderr: the stderr log" "$(shown)"; fi
expect_eq "tail NAME stderr: exit 0" 0 "$RC"
ctl tail talker STDERR
expect_eq "tail NAME STDERR: channel is case-insensitive" "err-1
err-2
err-3" "$OUT"
ctl tail -6 talker stderr
expect_eq "tail -N NAME stderr" "err-3" "$OUT"
ctl tail -9 talker stdout
expect_eq "tail -N NAME stdout" "line-300" "$OUT"
ctl tail talker junk stderr
expect_eq "three words: the first is the name, the last the channel" "err-1
err-2
err-3" "$OUT"
ctl tail -9 talker junk stdout
expect_match "four words with a modifier: too many" "^Error: too many arguments$" "$OUT"

ctl tail -9 g:a
expect_eq "tail G:P" "a-out" "$OUT"
ctl tail merged
expect_eq "redirect_stderr: both streams in stdout" "merged-out
merged-err" "$OUT"
ctl tail merged stderr
expect_eq "redirect_stderr: no stderr log" "merged: ERROR (no log file)" "$OUT"
expect_eq "redirect_stderr: exit 1" 1 "$RC"
ctl tail quick
expect_eq "tail of an exited process" "quick-out" "$OUT"

ctl tail nolog
expect_eq "stdout_logfile=NONE: no log file" "nolog: ERROR (no log file)" "$OUT"
expect_eq "stdout_logfile=NONE: exit 1" 1 "$RC"
ctl tail never
expect_eq "never started, log file not created yet: no log file" "never: ERROR (no log file)" "$OUT"
expect_eq "never started: exit 1" 1 "$RC"
# an AUTO log file is created (empty) when the config is read
raw tail idle
printf '\n' >"$T/expect"
if same; then pass "never started, AUTO log: empty, just the newline"
else fail "never started, AUTO log: empty, just the newline" "$(shown)"; fi
expect_eq "never started, AUTO log: exit 0" 0 "$RC"
ctl tail nosuch
expect_eq "unknown process" "nosuch: ERROR (no such process name)" "$OUT"
expect_eq "unknown process: exit 1" 1 "$RC"
ctl tail g:*
expect_eq "G:* is not supported" "g:*: ERROR (no such process name)" "$OUT"
expect_eq "G:*: exit 1" 1 "$RC"

help='tail [-f] <name> [stdout|stderr] (default stdout)
Ex:
tail -f <name>		Continuous tail of named process stdout
			Ctrl-C to exit.
tail -100 <name>	last 100 *bytes* of process stdout
tail <name> stderr	last 1600 *bytes* of process stderr'
ctl tail
expect_eq "no arguments: too few + help" "Error: too few arguments
$help" "$OUT"
expect_eq "no arguments: exit 1" 1 "$RC"
ctl tail -f talker stdout extra
expect_eq "four arguments: too many + help" "Error: too many arguments
$help" "$OUT"
expect_eq "four arguments: exit 1" 1 "$RC"
ctl tail talker foo
expect_eq "bad channel" "Error: bad channel 'foo'" "$OUT"
expect_eq "bad channel: exit 1" 1 "$RC"
ctl tail talker FOO
expect_eq "bad channel: shown lower-cased" "Error: bad channel 'foo'" "$OUT"
ctl tail -x talker
expect_eq "bad modifier" "Error: bad argument -x" "$OUT"
expect_eq "bad modifier: exit 1" 1 "$RC"
ctl tail -f
expect_eq "only a modifier" "Error: tail requires process name" "$OUT"
expect_eq "only a modifier: exit 1" 1 "$RC"
ctl tail -5
expect_eq "only a number" "Error: tail requires process name" "$OUT"
ctl help tail
expect_eq "help tail" "$help" "$OUT"

# ---- tail -f -----------------------------------------------------------

follow tf tail -f talker
expect_true "tail -f: shows the tail" wait_file "$T/tf.out" '^line-300$'
expect_eq "tail -f: banner first" "==> Press Ctrl-C to exit <==" "$(head -n 1 "$T/tf.out")"
{ echo "==> Press Ctrl-C to exit <=="; tail -c 1024 "$T/talker.out"; } >"$T/expect"
if cmp -s "$T/expect" "$T/tf.out"; then pass "tail -f: banner then the last 1024 bytes"
else fail "tail -f: banner then the last 1024 bytes" "$(od -c "$T/tf.out" | head -n 5)"; fi
kill -HUP "$TALKPID"
expect_true "tail -f: new output follows" wait_file "$T/tf.out" '^after-hup$'
expect_true "tail -f: still running" alive "$FPID"
interrupt
expect_eq "tail -f: SIGINT ends it with exit 0" 0 "$RC"
expect_eq "tail -f: SIGINT prints an empty line last" "" "$(tail -n 1 "$T/tf.out")"

# a log truncated in place while followed
follow tft tail -f talker
wait_file "$T/tft.out" '^after-hup$'
: >"$T/talker.out"
if is_supervise; then
	# supervise follows what it writes (no polling): the truncation is
	# noticed, and announced, with the next output
	kill -HUP "$TALKPID"
	expect_true "tail -f: a file truncated in place is announced" \
		wait_file "$T/tft.out" '^==> File truncated <==$'
	expect_true "tail -f: output after the truncation follows" \
		until_ok 5 lines_in "$T/tft.out" 2 '^after-hup$'
	interrupt
	expect_eq "tail -f after a truncation: SIGINT, exit 0" 0 "$RC"
else
	# supervisord 4.2.5 hits a TypeError and drops the connection
	follow_ends
	expect_eq "tail -f, truncated log: supervisord drops it, exit 0" 0 "$RC"
fi

follow tfe tail -f talker stderr
expect_true "tail -f NAME stderr" wait_file "$T/tfe.out" '^err-3$'
interrupt
expect_eq "tail -f NAME stderr: exit 0" 0 "$RC"

follow tfn tail -f nosuch
follow_ends
expect_eq "tail -f unknown: the client ends, exit 0" 0 "$RC"
expect_eq "tail -f unknown: 404 on stderr" \
	"unix://$SOCK/logtail/nosuch/stdout Cannot read, status code 404" "$(cat "$T/tfn.errout")"
expect_eq "tail -f unknown: banner on stdout" "==> Press Ctrl-C to exit <==" "$(cat "$T/tfn.out")"
follow tfl tail -f nolog
follow_ends
expect_eq "tail -f no log file: exit 0" 0 "$RC"
expect_eq "tail -f no log file: 404 on stderr" \
	"unix://$SOCK/logtail/nolog/stdout Cannot read, status code 404" "$(cat "$T/tfl.errout")"

# one file for both streams: tail -f of either shows what both write
follow tfs tail -f shared
expect_true "tail -f, one file for both streams: the banner" \
	wait_file "$T/tfs.out" '^==> Press Ctrl-C to exit <==$'
first=$FPID
follow tfs2 tail -f shared stderr
expect_true "tail -f NAME stderr of the same file: the banner" \
	wait_file "$T/tfs2.out" '^==> Press Ctrl-C to exit <==$'
until_ok 5 test -s "$T/share.pid"
kill -HUP "$(cat "$T/share.pid")"
expect_true "tail -f NAME, one file: the stderr line too" wait_file "$T/tfs.out" '^hup-err$'
expect_true "tail -f NAME stderr, one file: the stdout line too" wait_file "$T/tfs2.out" '^hup-out$'
interrupt
FPID=$first
interrupt

# ---- maintail ----------------------------------------------------------

# the main log only grows when something happens; retry if it moved meanwhile
maintail_is() {
	raw maintail "$@"
	case ${1:-} in
	'') { tail -c 1600 "$LOG"; echo; } >"$T/expect" ;;
	-0) { cat "$LOG"; echo; } >"$T/expect" ;;
	*) { tail -c "${1#-}" "$LOG"; echo; } >"$T/expect" ;;
	esac
	same
}
expect_true "maintail: last 1600 bytes and an extra newline" until_ok 5 maintail_is
expect_eq "maintail: exit 0" 0 "$RC"
expect_eq "maintail: output size" 1601 "$(wc -c <"$T/raw" | tr -d ' ')"
expect_true "maintail -200: last 200 bytes" until_ok 5 maintail_is -200
expect_eq "maintail -200: output size" 201 "$(wc -c <"$T/raw" | tr -d ' ')"
expect_true "maintail -0: the whole main log (quirk)" until_ok 5 maintail_is -0

mhelp='maintail -f 	Continuous tail of supervisor main log file (Ctrl-C to exit)
maintail -100	last 100 *bytes* of supervisord main log file
maintail	last 1600 *bytes* of supervisor main log file
'
raw maintail -f extra
printf 'Error: too many arguments\n%s\n' "$mhelp" >"$T/expect"
if same; then pass "maintail, two arguments: too many + help (ends in a blank line)"
else fail "maintail, two arguments: too many + help (ends in a blank line)" "$(shown)"; fi
expect_eq "maintail, two arguments: exit 1" 1 "$RC"
ctl maintail foo
expect_eq "maintail foo: bad argument" "Error: bad argument foo" "$OUT"
expect_eq "maintail foo: exit 1" 1 "$RC"
ctl maintail -x
expect_eq "maintail -x: bad argument" "Error: bad argument -x" "$OUT"
expect_eq "maintail -x: exit 1" 1 "$RC"
raw help maintail
printf '%s\n' "$mhelp" >"$T/expect"
if same; then pass "help maintail"
else fail "help maintail" "$(shown)"; fi

follow mf maintail -f
expect_true "maintail -f: banner" wait_file "$T/mf.out" '^==> Press Ctrl-C to exit <==$'
expect_true "maintail -f: shows the log" wait_file "$T/mf.out" "success: talker entered RUNNING state"
ctl start idle
expect_true "maintail -f: new lines follow" wait_file "$T/mf.out" "${TS}INFO success: idle entered RUNNING state"
interrupt
expect_eq "maintail -f: SIGINT ends it with exit 0" 0 "$RC"
expect_eq "maintail -f: SIGINT prints an empty line last" "" "$(tail -n 1 "$T/mf.out")"

# the main log moved away: no log file, as logfile=syslog has none
mv "$LOG" "$LOG.away"
ctl maintail
expect_eq "maintail, no log file: error" "supervisord: ERROR (no log file)" "$OUT"
expect_eq "maintail, no log file: exit 1" 1 "$RC"
follow mfn maintail -f
follow_ends
expect_eq "maintail -f, no log file: the client ends, exit 0" 0 "$RC"
expect_eq "maintail -f, no log file: 404 on stderr" \
	"unix://$SOCK/mainlogtail Cannot read, status code 404" "$(cat "$T/mfn.errout")"
expect_eq "maintail -f, no log file: banner on stdout" "==> Press Ctrl-C to exit <==" \
	"$(cat "$T/mfn.out")"
mv "$LOG.away" "$LOG"

# ---- clear -------------------------------------------------------------

chelp="clear <name>		Clear a process' log files.
clear <name> <name>	Clear multiple process' log files
clear all		Clear all process' log files"
ctl clear
expect_eq "clear, no names: error + help" "Error: clear requires a process name
$chelp" "$OUT"
expect_eq "clear, no names: exit 1" 1 "$RC"
ctl help clear
expect_eq "help clear" "$chelp" "$OUT"

ctl clear talker
expect_eq "clear running: NAME: cleared" "talker: cleared" "$OUT"
expect_eq "clear running: exit 0" 0 "$RC"
expect_true "clear running: stdout log emptied" test -f "$T/talker.out" -a ! -s "$T/talker.out"
expect_true "clear running: stderr log emptied" test -f "$T/talker.err" -a ! -s "$T/talker.err"
raw tail talker
printf '\n' >"$T/expect"
if same; then pass "tail after clear: just the newline"
else fail "tail after clear: just the newline" "$(shown)"; fi
kill -HUP "$TALKPID"
expect_true "clear running: the log is written again" wait_file "$T/talker.out" '^after-hup$'
ctl tail talker
expect_eq "tail after clear: only new output" "after-hup" "$OUT"

ctl clear quick
expect_eq "clear exited: still NAME: cleared" "quick: cleared" "$OUT"
expect_eq "clear exited: exit 0" 0 "$RC"
expect_eq "clear exited: the log is kept (quirk)" "quick-out" "$(cat "$T/quick.out")"

ctl clear nosuch
expect_eq "clear unknown" "nosuch: ERROR (no such process)" "$OUT"
expect_eq "clear unknown: exit 1" 1 "$RC"
ctl clear g:*
expect_eq "clear G:*: quirk" "g:None: ERROR (no such process)" "$OUT"
expect_eq "clear G:*: exit 1" 1 "$RC"
ctl clear g:a nosuch merged
expect_eq "clear several: one line each, in order" "g:a: cleared
nosuch: ERROR (no such process)
merged: cleared" "$OUT"
expect_eq "clear several: the error sets the exit" 1 "$RC"
expect_true "clear G:P: emptied" test -f "$T/a.out" -a ! -s "$T/a.out"

printf 'x\n' >>"$T/merged.out"
ctl clear all
expect_eq "clear all: every process, sorted, all cleared" "g:a: cleared
idle: cleared
merged: cleared
never: cleared
nolog: cleared
quick: cleared
shared: cleared
talker: cleared" "$OUT"
expect_eq "clear all: exit 0" 0 "$RC"
expect_true "clear all: running process emptied" test ! -s "$T/merged.out"
expect_eq "clear all: exited process kept" "quick-out" "$(cat "$T/quick.out")"
