# t_signals: SIGINT and SIGQUIT shut down like SIGTERM; SIGHUP during a
# shutdown is ignored with a line; signals supervisord leaves at their
# default (and dies of) are harmless to supervise.
. tests/lib.sh

program() {
	conf_base
	conf <<'EOF2'
[program:sleeper]
command=/bin/sh -c 'trap "sleep 1; exit 0" TERM; while :; do sleep 0.1; done'
EOF2
}

for sig in INT QUIT; do
	program
	: >"$LOG"
	start_daemon || exit 1
	wait_state sleeper RUNNING
	pid=$(pidof_prog sleeper)
	kill -"$sig" "$DPID"
	expect_true "SIG$sig: logged" wait_log "${TS}WARN received SIG$sig indicating exit request$"
	if [ "$sig" = INT ]; then
		kill -HUP "$DPID"       # the program takes a second to stop
		expect_true "SIGHUP during shutdown: ignored" \
			wait_log "${TS}WARN ignored SIGHUP indicating restart request \(shutdown in progress\)$"
	fi
	expect_true "SIG$sig: daemon exits" wait_dead "$DPID" 15
	wait "$DPID"
	expect_eq "SIG$sig: exit status 0" 0 "$?"
	expect_true "SIG$sig: program stopped" dead "$pid"
	DPID=
done

# supervisord dies of these and orphans its children; supervise does not
if is_supervise; then
	program
	start_daemon || exit 1
	wait_state sleeper RUNNING
	pid=$(pidof_prog sleeper)
	# RTMIN+3: musl keeps the first three real-time signals for itself
	for sig in USR1 ALRM VTALRM PROF TTIN TTOU PWR IO STKFLT RTMIN+3 RTMAX; do
		kill -s "$sig" "$DPID" 2>/dev/null || continue   # not on this system
		nap
		expect_true "SIG$sig: daemon alive" alive "$DPID"
	done
	expect_true "stray signals: program untouched" state_is sleeper "RUNNING +pid $pid,"
	expect_true "stray signals: daemon still answers" answers
fi
