# t_state: the state machine of spec 2.2-2.4 and its main-log lines
. tests/lib.sh

conf_base
conf <<'EOF'
[program:ok]
command=/bin/sleep 100
startsecs=1

[program:quick0]
command=/bin/true
startsecs=3
startretries=0

[program:fail]
command=/bin/sh -c 'echo failing;exit 1'
startsecs=3
startretries=3

[program:nocmd]
command=nosuchcmd_xyz
startretries=0

[program:baddir]
command=/bin/sleep 10
directory=/nonexistent_dir_xyz
startretries=0
redirect_stderr=true
stdout_logfile=%(here)s/baddir.log

[program:ar_true]
command=/bin/sh -c 'sleep 1.5'
autorestart=true

[program:ar_false]
command=/bin/sh -c 'sleep 1.5;exit 1'
autorestart=false

[program:ar_exp]
command=/bin/sh -c 'sleep 1.5;exit 2'
exitcodes=0,2

[program:ar_unexp]
command=/bin/sh -c 'sleep 1.5;exit 3'
exitcodes=0,2

[program:killed]
command=/bin/sleep 100

[program:racy]
command=/bin/false
startsecs=1
startretries=2

[program:spin]
command=/bin/false
startsecs=0
autorestart=true
EOF
start_daemon || exit 1

# STOPPED -> STARTING -> RUNNING
expect_true "ok reaches RUNNING" wait_state ok RUNNING
expect_match "spawned line (INFO, quoted name)" \
	"${TS}INFO spawned: 'ok' with pid [0-9]+$" "$(cat "$LOG")"
expect_match "success line after startsecs" \
	"${TS}INFO success: ok entered RUNNING state, process has stayed up for > than 1 seconds \(startsecs\)$" \
	"$(cat "$LOG")"
if is_supervise; then   # exact timers: no 1-second tick
	t0=$(log_ms "supervisord started with pid")
	t1=$(log_ms "spawned: 'ok'")
	t2=$(log_ms "success: ok ")
	# valgrind takes longer to run the first spawn than the tick this tells from
	if [ -z "$VALGRIND" ]; then
		expect_true "first spawns at once, not a tick later" test $((t1 - t0)) -lt 500
	fi
	expect_true "RUNNING when startsecs is due" test $((t2 - t1)) -ge 900 -a $((t2 - t1)) -lt 1500
fi

# an exit within startsecs is a failed start, even with an expected code
wait_log "gave up: quick0 " 15
expect_match "exit 0 within startsecs is not expected (WARN)" \
	"${TS}WARN exited: quick0 \(exit status 0; not expected\)$" "$(cat "$LOG")"
expect_match "startretries=0: gave up after one attempt (INFO)" \
	"${TS}INFO gave up: quick0 entered FATAL state, too many start retries too quickly$" "$(cat "$LOG")"
expect_eq "startretries=0: one spawn" 1 "$(log_count "spawned: 'quick0'")"
expect_true "quick0 is FATAL" state_is quick0 FATAL

# BACKOFF between attempts, FATAL after startretries+1 of them
expect_true "fail is in BACKOFF between attempts" wait_state fail BACKOFF
expect_match "BACKOFF shows the spawn error" \
	"^fail +BACKOFF +Exited too quickly \(process log may have details\)$" "$OUT"
expect_true "fail ends FATAL" wait_state fail FATAL 30
expect_match "FATAL shows the spawn error" \
	"^fail +FATAL +Exited too quickly \(process log may have details\)$" "$OUT"
expect_eq "startretries=3: four spawns" 4 "$(log_count "spawned: 'fail'")"
expect_eq "each failed start logged WARN" 4 \
	"$(log_count "${TS}WARN exited: fail \(exit status 1; not expected\)$")"
expect_match "fail gave up" "${TS}INFO gave up: fail entered FATAL" "$(cat "$LOG")"

# a command that is not found never forks
wait_log "gave up: nocmd " 10
expect_match "can't find command: spawnerr line" \
	"${TS}INFO spawnerr: can't find command 'nosuchcmd_xyz'$" "$(cat "$LOG")"
expect_eq "can't find command: no spawned line" 0 "$(log_count "spawned: 'nocmd'")"
expect_true "nocmd is FATAL" wait_state nocmd FATAL
expect_match "FATAL shows can't find command" \
	"^nocmd +FATAL +can't find command 'nosuchcmd_xyz'$" "$OUT"

# a chdir failure is reported by the child, which exits 127
expect_file_contains "couldn't chdir: message in the child's log" "$T/baddir.log" \
	"^supervisor: couldn't chdir to /nonexistent_dir_xyz: ENOENT$"
expect_file_contains "couldn't chdir: child process was not spawned" "$T/baddir.log" \
	"^supervisor: child process was not spawned$"
expect_match "couldn't chdir: exit status 127" \
	"${TS}WARN exited: baddir \(exit status 127; not expected\)$" "$(cat "$LOG")"

# autorestart and exitcodes (these programs run 1.5 s, past startsecs)
wait_log "exited: ar_true " 10
expect_match "autorestart=true: expected exit (INFO)" \
	"${TS}INFO exited: ar_true \(exit status 0; expected\)$" "$(cat "$LOG")"
expect_true "autorestart=true: restarted" until_ok 5 \
	log_atleast 2 "spawned: 'ar_true'"

wait_log "exited: ar_false " 10
expect_match "autorestart=false: unexpected exit (WARN)" \
	"${TS}WARN exited: ar_false \(exit status 1; not expected\)$" "$(cat "$LOG")"
wait_log "exited: ar_exp " 10
expect_match "exitcodes=0,2: exit 2 is expected" \
	"${TS}INFO exited: ar_exp \(exit status 2; expected\)$" "$(cat "$LOG")"
wait_log "exited: ar_unexp " 10
expect_match "exitcodes=0,2: exit 3 is not expected" \
	"${TS}WARN exited: ar_unexp \(exit status 3; not expected\)$" "$(cat "$LOG")"
expect_true "autorestart=unexpected: unexpected exit restarts" until_ok 5 \
	log_atleast 2 "spawned: 'ar_unexp'"
sleep 1
expect_eq "autorestart=false: not restarted" 1 "$(log_count "spawned: 'ar_false'")"
expect_true "autorestart=false: EXITED" state_is ar_false EXITED
expect_eq "autorestart=unexpected: expected exit not restarted" 1 \
	"$(log_count "spawned: 'ar_exp'")"
expect_true "expected exit: EXITED" state_is ar_exp EXITED

# death by a signal is unexpected and restarted
expect_true "killed reaches RUNNING" wait_state killed RUNNING
pid=$(pidof_prog killed)
kill -KILL "$pid"
wait_log "exited: killed " 10
expect_match "killed by a signal (WARN)" \
	"${TS}WARN exited: killed \(terminated by SIGKILL; not expected\)$" "$(cat "$LOG")"
expect_true "killed: restarted" wait_state killed RUNNING
expect_true "killed: new pid" test "$(pidof_prog killed)" != "$pid"

# children are reaped before transitions: a quick exit is never RUNNING
if is_supervise; then
	wait_log "gave up: racy " 15
	expect_eq "quick exit within startsecs=1 never RUNNING" 0 "$(log_count "success: racy ")"
	expect_eq "quick exits: startretries+1 spawns" 3 "$(log_count "spawned: 'racy'")"
fi

# a startsecs=0 program that exits at once is not spawned in a tight loop
# (supervisord's loop wakes on the pipe's EOF and spawns about twice a second)
if is_supervise; then
	n1=$(log_count "spawned: 'spin'")
	sleep 3
	n2=$(log_count "spawned: 'spin'")
	expect_true "startsecs=0 crash loop: at most 1 spawn a second" \
		test $((n2 - n1)) -ge 2 -a $((n2 - n1)) -le 4
fi
