# t_ctl: start, stop and restart: their output lines and exit codes
. tests/lib.sh

conf_base
printf 'not a program\n' >"$T/notexec.txt"
conf <<'EOF'
[program:sleeper]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false

[program:notfound]
command=nosuchcmd_xyz
autostart=false

[program:notexec]
command=%(here)s/notexec.txt
autostart=false

[program:baddir]
command=/bin/sleep 100
directory=/nonexistent_dir_xyz
autostart=false
startretries=0

[program:a]
command=/bin/sleep 100

[program:b]
command=/bin/sleep 100

[group:g]
programs=a,b
EOF
start_daemon || exit 1
wait_state sleeper RUNNING
wait_state g:b RUNNING

lines() { printf '%s\n' "$OUT" | sort | tr '\n' '|'; }

ctl start idle
expect_eq "start: NAME: started" "idle: started" "$OUT"
expect_eq "start: exit 0" 0 "$RC"
expect_true "start: waits for RUNNING" state_is idle RUNNING
ctl start idle
expect_eq "start again: already started" "idle: ERROR (already started)" "$OUT"
expect_eq "start again: exit 0" 0 "$RC"
ctl start nosuch
expect_eq "start unknown: no such process" "nosuch: ERROR (no such process)" "$OUT"
expect_eq "start unknown: exit 1" 1 "$RC"
ctl start
expect_match "start without a name: error" "^Error: start requires a process name$" "$OUT"
expect_eq "start without a name: exit 2" 2 "$RC"
ctl start notfound
expect_eq "start, command not found: no such file" "notfound: ERROR (no such file)" "$OUT"
expect_eq "start, command not found: exit 1" 1 "$RC"
ctl start notexec
expect_eq "start, no x bit: not executable" "notexec: ERROR (file is not executable)" "$OUT"
expect_eq "start, no x bit: exit 1" 1 "$RC"
ctl start baddir
expect_eq "start, child fails: spawn error" "baddir: ERROR (spawn error)" "$OUT"
expect_eq "start, child fails: exit 7" 7 "$RC"

ctl stop idle
expect_eq "stop: NAME: stopped" "idle: stopped" "$OUT"
expect_eq "stop: exit 0" 0 "$RC"
ctl stop idle
expect_eq "stop again: not running" "idle: ERROR (not running)" "$OUT"
expect_eq "stop again: exit 0" 0 "$RC"
ctl stop nosuch
expect_eq "stop unknown: no such process" "nosuch: ERROR (no such process)" "$OUT"
expect_eq "stop unknown: exit 1" 1 "$RC"
ctl stop
expect_match "stop without a name: error" "^Error: stop requires a process name$" "$OUT"
expect_eq "stop without a name: exit 1" 1 "$RC"

pid=$(pidof_prog sleeper)
ctl restart sleeper
expect_eq "restart: stopped then started" "sleeper: stopped
sleeper: started" "$OUT"
expect_eq "restart: exit 0" 0 "$RC"
expect_true "restart: new pid" test "$(pidof_prog sleeper)" != "$pid"
ctl restart nosuch
expect_eq "restart unknown: the error twice" "nosuch: ERROR (no such process)
nosuch: ERROR (no such process)" "$OUT"
expect_eq "restart unknown: exit 1" 1 "$RC"

ctl stop g:*
expect_eq "stop g:*: one line per process" "g:a: stopped|g:b: stopped|" "$(lines)"
expect_eq "stop g:*: exit 0" 0 "$RC"
ctl start g:*
expect_eq "start g:*: one line per process" "g:a: started|g:b: started|" "$(lines)"
expect_eq "start g:*: exit 0" 0 "$RC"
ctl start g:*
expect_eq "start g:* all running: no output" "" "$OUT"
expect_eq "start g:* all running: exit 0" 0 "$RC"
ctl start nog:*
expect_eq "start unknown group: no such group" "nog: ERROR (no such group)" "$OUT"
expect_eq "start unknown group: exit 2" 2 "$RC"
ctl stop nog:*
expect_eq "stop unknown group: no such group" "nog: ERROR (no such group)" "$OUT"
expect_eq "stop unknown group: exit 1" 1 "$RC"
ctl start g:a
expect_eq "start g:a when running" "g:a: ERROR (already started)" "$OUT"

ctl stop all
expect_eq "stop all: the running processes" "g:a: stopped|g:b: stopped|sleeper: stopped|" "$(lines)"
expect_eq "stop all: exit 0" 0 "$RC"
ctl status
expect_eq "after stop all: status exit 3" 3 "$RC"
expect_nomatch "after stop all: nothing running" " RUNNING " "$OUT"

ctl start all
expect_match "start all: starts sleeper" "^sleeper: started$" "$OUT"
expect_match "start all: starts g:a" "^g:a: started$" "$OUT"
expect_match "start all: starts idle" "^idle: started$" "$OUT"
expect_match "start all: reports notfound" "^notfound: ERROR \(no such file\)$" "$OUT"
expect_match "start all: reports baddir" "^baddir: ERROR \(spawn error\)$" "$OUT"
expect_true "start all: errors give a non-zero exit" test "$RC" -ne 0
