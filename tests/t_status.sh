# t_status: the status line format, its order and its exit codes
. tests/lib.sh

LONG=a_program_name_that_is_forty_chars_long_
conf_base
conf <<EOF
[program:sleeper]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false

[program:slow]
command=/bin/sleep 100
startsecs=60

[program:$LONG]
command=/bin/sleep 100
autostart=false

[program:multi]
command=/bin/sleep 100
process_name=%(program_name)s_%(process_num)02d
numprocs=2

[program:a]
command=/bin/sleep 100

[program:b]
command=/bin/sleep 100

[group:g]
programs=a,b
EOF
start_daemon || exit 1
wait_state sleeper RUNNING
wait_state multi:multi_01 RUNNING
wait_state g:b RUNNING

pid=$(pidof_prog sleeper)
ctl status sleeper
expect_match "RUNNING: name padded to 33, state to 10, pid and uptime" \
	"^sleeper {26}RUNNING   pid $pid, uptime 0:00:0[0-9]\$" "$OUT"
expect_eq "RUNNING: exit 0" 0 "$RC"

ctl status idle
expect_eq "never started: Not started" "idle                             STOPPED   Not started" "$OUT"
expect_eq "a stopped process: exit 3" 3 "$RC"

ctl status slow
expect_eq "STARTING: empty description, trailing spaces" \
	"slow                             STARTING  " "$OUT"
expect_eq "STARTING counts as running: exit 0" 0 "$RC"

ctl status idle $LONG
expect_eq "a long name widens the column for every line" \
	"$(printf '%-43s%-10s%s\n%-43s%-10s%s' idle STOPPED 'Not started' $LONG STOPPED 'Not started')" "$OUT"

ctl status
names=$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')
expect_eq "status: all processes sorted by group then name" \
	"$LONG g:a g:b idle multi:multi_00 multi:multi_01 sleeper slow " "$names"
expect_eq "status: exit 3 when any is stopped" 3 "$RC"
expect_match "numprocs names GROUP:NAME_NN" "^multi:multi_00 +RUNNING +pid [0-9]+, uptime" "$OUT"
expect_match "[group:g] names g:a" "^g:a +RUNNING +pid [0-9]+, uptime" "$OUT"

ctl status g:*
expect_eq "status g:*: the group's processes" "g:a g:b " \
	"$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')"
expect_eq "status g:*: exit 0" 0 "$RC"

ctl status nosuch
expect_eq "unknown name: error line" "nosuch: ERROR (no such process)" "$OUT"
expect_eq "unknown name: exit 4" 4 "$RC"

ctl status sleeper nosuch
expect_eq "errors come before status lines" "nosuch: ERROR (no such process)" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "unknown and running: exit 4" 4 "$RC"

ctl status nosuch idle
expect_eq "unknown and stopped: exit 3" 3 "$RC"

ctl status nog:*
expect_eq "unknown group: error line" "nog: ERROR (no such group)" "$OUT"
expect_eq "unknown group: exit 4" 4 "$RC"

ctl stop sleeper
ctl status sleeper
expect_match "STOPPED after a run: the stop time" \
	"^sleeper {26}STOPPED   [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} [AP]M\$" "$OUT"
