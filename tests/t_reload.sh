# t_reload: reload by client and SIGHUP, a broken config on reload, SIGUSR1
. tests/lib.sh

conf_base
conf <<'EOF'
[program:sleeper]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false
EOF
start_daemon || exit 1
wait_state sleeper RUNNING
ctl start idle
expect_eq "pidfile holds the daemon's pid" "$DPID" "$(cat "$PIDFILE")"

pid=$(pidof_prog sleeper)
idlepid=$(pidof_prog idle)
ctl reload
expect_eq "reload: output" "Restarted supervisord" "$OUT"
expect_eq "reload: exit 0" 0 "$RC"
expect_true "reload: old process stopped" wait_dead "$pid" 10
expect_true "reload: autostart program running again" wait_state sleeper RUNNING 15
expect_true "reload: new pid" test "$(pidof_prog sleeper)" != "$pid"
expect_true "reload: autostart=false program was stopped" wait_dead "$idlepid"
ctl status idle
expect_match "reload: autostart=false program stays stopped" "^idle +STOPPED +Not started$" "$OUT"
expect_true "reload: same daemon process" alive "$DPID"

# SIGHUP reloads and reads the changed config
conf <<'EOF'

[program:newprog]
command=/bin/sleep 100
EOF
pid=$(pidof_prog sleeper)
kill -HUP "$DPID"
expect_true "SIGHUP: logged" wait_log "${TS}WARN received SIGHUP indicating restart request$"
expect_true "SIGHUP: old process stopped" wait_dead "$pid" 10
expect_true "SIGHUP: new program from the config runs" wait_state newprog RUNNING 15
expect_true "SIGHUP: sleeper restarted" wait_state sleeper RUNNING
expect_true "SIGHUP: sleeper has a new pid" test "$(pidof_prog sleeper)" != "$pid"

# SIGUSR1 is harmless (it kills supervisord)
if is_supervise; then
	pid=$(pidof_prog sleeper)
	kill -USR1 "$DPID"
	sleep 0.5
	expect_true "SIGUSR1: daemon still alive" alive "$DPID"
	expect_true "SIGUSR1: children untouched" state_is sleeper "RUNNING +pid $pid,"
fi

# a broken config on reload keeps the old one running (supervisord exits)
# (the client reads the file too, and refuses a broken one: give it a copy)
pid=$(pidof_prog sleeper)
cp "$CONF" "$T/good.conf"
CTLCONF=$T/good.conf
printf 'garbage line here\n' >>"$CONF"
kill -HUP "$DPID"
if is_supervise; then
	sleep 1
	expect_true "broken reload: daemon still alive" alive "$DPID"
	# (the client parses the broken file too, as supervisorctl does: look at the pid)
	expect_true "broken reload: program untouched" alive "$pid"
	expect_true "broken reload: error in the main log" wait_log "garbage line here"
	cp "$T/good.conf" "$CONF"
	kill -HUP "$DPID"
	expect_true "fixed config reloads again" wait_dead "$pid" 10
	expect_true "fixed config: sleeper runs" wait_state sleeper RUNNING 15
else
	wait_dead "$DPID" 20
	wait "$DPID"
	expect_eq "broken reload: supervisord exits 2" 2 "$?"
	expect_true "broken reload: supervisord stopped the program" dead "$pid"
	DPID=
fi
