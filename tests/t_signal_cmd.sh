# t_signal_cmd: the `signal` command: its output lines, exit codes, and that
# the program really receives the signal
. tests/lib.sh

conf_base
# catch NAME: records every HUP / USR1 / USR2 it gets in $T/got.NAME
script catch <<'EOF'
f=$(dirname "$0")/got.$1
: >"$f"
trap 'echo HUP >>"$f"' HUP
trap 'echo USR1 >>"$f"' USR1
trap 'echo USR2 >>"$f"' USR2
while :; do sleep 0.1; done
EOF
conf <<'EOF'
[program:catcher]
command=%(here)s/catch catcher

[program:idle]
command=%(here)s/catch idle
autostart=false

[program:a]
command=%(here)s/catch a

[program:b]
command=%(here)s/catch b

[program:c]
command=%(here)s/catch c
autostart=false

[group:g]
programs=a,b,c
EOF
start_daemon || exit 1
wait_state catcher RUNNING
wait_state g:a RUNNING
wait_state g:b RUNNING
until_ok 5 test -f "$T/got.catcher"
until_ok 5 test -f "$T/got.a"
until_ok 5 test -f "$T/got.b"

lines() { printf '%s\n' "$OUT" | sort | tr '\n' '|'; }
got() { tr '\n' ' ' <"$T/got.$1"; }

help='signal <signal name> <name>		Signal a process
signal <signal name> <gname>:*		Signal all processes in a group
signal <signal name> <name> <name>	Signal multiple processes or groups
signal <signal name> all		Signal all processes'

# argument errors
ctl signal
expect_eq "no arguments: error and help" "Error: signal requires a signal name and a process name
$help" "$OUT"
expect_eq "no arguments: exit 1" 1 "$RC"
ctl signal HUP
expect_eq "only a signal: error and help" "Error: signal requires a signal name and a process name
$help" "$OUT"
expect_eq "only a signal: exit 1" 1 "$RC"
ctl help signal
expect_eq "help signal" "$help" "$OUT"

# one process
pid=$(pidof_prog catcher)
ctl signal HUP catcher
expect_eq "HUP: NAME: signalled" "catcher: signalled" "$OUT"
expect_eq "HUP: exit 0" 0 "$RC"
expect_true "HUP: the program got it" wait_file "$T/got.catcher" '^HUP$'
expect_true "HUP: the program keeps running" state_is catcher "RUNNING +pid $pid,"
ctl signal usr1 catcher
expect_eq "lower-case name: signalled" "catcher: signalled" "$OUT"
expect_true "lower-case name: the program got USR1" wait_file "$T/got.catcher" '^USR1$'
ctl signal SIGUSR2 catcher
expect_eq "SIG prefix: signalled" "catcher: signalled" "$OUT"
expect_true "SIG prefix: the program got USR2" wait_file "$T/got.catcher" '^USR2$'
: >"$T/got.catcher"
ctl signal 1 catcher
expect_eq "number: signalled" "catcher: signalled" "$OUT"
expect_eq "number: exit 0" 0 "$RC"
expect_true "number 1: the program got HUP" wait_file "$T/got.catcher" '^HUP$'

ctl signal FOO catcher
expect_eq "bad signal name" "catcher: ERROR (bad signal name)" "$OUT"
expect_eq "bad signal name: exit 1" 1 "$RC"
ctl signal 999 catcher
expect_eq "bad signal number" "catcher: ERROR (bad signal name)" "$OUT"
expect_eq "bad signal number: exit 1" 1 "$RC"
ctl signal HUP idle
expect_eq "stopped process: not running" "idle: ERROR (not running)" "$OUT"
expect_eq "stopped process: exit 7" 7 "$RC"
ctl signal FOO idle
expect_eq "bad signal beats not running" "idle: ERROR (bad signal name)" "$OUT"
ctl signal HUP nosuch
expect_eq "unknown process" "nosuch: ERROR (no such process)" "$OUT"
expect_eq "unknown process: exit 1" 1 "$RC"
ctl signal HUP nog:*
expect_eq "unknown group" "nog: ERROR (no such group)" "$OUT"
expect_eq "unknown group: exit 1" 1 "$RC"
ctl signal HUP g:nosuch
expect_eq "unknown process in a group" "g:nosuch: ERROR (no such process)" "$OUT"

# several names: one line each, in order, the last error wins
ctl signal HUP idle nosuch
expect_eq "several names: lines in order" "idle: ERROR (not running)
nosuch: ERROR (no such process)" "$OUT"
expect_eq "several names: last error wins (1)" 1 "$RC"
ctl signal HUP nosuch idle
expect_eq "several names: last error wins (7)" 7 "$RC"
ctl signal HUP idle catcher
expect_eq "error then success: both lines" "idle: ERROR (not running)
catcher: signalled" "$OUT"
expect_eq "error then success: exit stays 7" 7 "$RC"

# group members
: >"$T/got.a"
ctl signal HUP g:a
expect_eq "G:P: signalled" "g:a: signalled" "$OUT"
expect_true "G:P: that program got it" wait_file "$T/got.a" '^HUP$'
ctl signal HUP g:c
expect_eq "G:P stopped: not running" "g:c: ERROR (not running)" "$OUT"
expect_eq "G:P stopped: exit 7" 7 "$RC"

: >"$T/got.a"; : >"$T/got.b"
ctl signal USR1 g:*
expect_eq "G:*: a line per running process only" "g:a: signalled|g:b: signalled|" "$(lines)"
expect_eq "G:*: exit 0" 0 "$RC"
expect_true "G:*: a got it" wait_file "$T/got.a" '^USR1$'
expect_true "G:*: b got it" wait_file "$T/got.b" '^USR1$'
ctl signal USR1 g:
expect_eq "G:: same as G:*" "g:a: signalled|g:b: signalled|" "$(lines)"
ctl signal FOO g:*
expect_eq "G:* bad signal: a line per running process" "g:a: ERROR (bad signal name)|g:b: ERROR (bad signal name)|" "$(lines)"
expect_eq "G:* bad signal: exit 1" 1 "$RC"

: >"$T/got.catcher"
ctl signal USR1 all
expect_eq "all: a line per running process only" "catcher: signalled|g:a: signalled|g:b: signalled|" "$(lines)"
expect_eq "all: exit 0" 0 "$RC"
expect_true "all: catcher got it" wait_file "$T/got.catcher" '^USR1$'
expect_true "all: stopped programs untouched" test ! -e "$T/got.idle"
ctl signal USR1 nosuch all
expect_eq "all anywhere: other names ignored" "catcher: signalled|g:a: signalled|g:b: signalled|" "$(lines)"
expect_eq "all anywhere: exit 0" 0 "$RC"

ctl stop all
ctl signal HUP all
expect_eq "all, nothing running: no output" "" "$OUT"
expect_eq "all, nothing running: exit 0" 0 "$RC"
ctl signal HUP g:*
expect_eq "G:*, nothing running: no output" "" "$OUT"
expect_eq "G:*, nothing running: exit 0" 0 "$RC"
