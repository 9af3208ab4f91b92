# t_shutdown: priorities, SIGTERM shutdown order, `shutdown`, client errors
# once the daemon is gone
. tests/lib.sh

conf_base
conf <<'EOF'
[program:p3]
command=/bin/sleep 100
priority=300

[program:p1]
command=/bin/sleep 100
priority=100

[program:p2]
command=/bin/sleep 100
priority=200
EOF
start_daemon || exit 1
wait_state p1 RUNNING; wait_state p2 RUNNING; wait_state p3 RUNNING

order() { grep -Eo "$1: '?p[0-9]" "$LOG" | sed "s/.*'\{0,1\}\(p[0-9]\)/\1/" | tr '\n' ' '; }
expect_eq "spawned in ascending priority" "p1 p2 p3 " "$(order spawned)"

pids="$(pidof_prog p1) $(pidof_prog p2) $(pidof_prog p3)"
kill -TERM "$DPID"
expect_true "SIGTERM: daemon exits" wait_dead "$DPID" 20
wait "$DPID"
expect_eq "SIGTERM: exit status 0" 0 "$?"
DPID=
expect_match "SIGTERM: logged" "${TS}WARN received SIGTERM indicating exit request$" "$(cat "$LOG")"
expect_eq "SIGTERM: stopped in descending priority" "p3 p2 p1 " "$(order stopped)"
for p in $pids; do
	expect_true "SIGTERM: child $p gone" dead "$p"
done
expect_true "SIGTERM: socket removed" test ! -e "$SOCK"
expect_true "SIGTERM: pidfile removed" test ! -e "$PIDFILE"

# shutdown through the client
start_daemon || exit 1
wait_state p1 RUNNING
pid=$(pidof_prog p1)
ctl shutdown
expect_eq "shutdown: output" "Shut down" "$OUT"
expect_eq "shutdown: exit 0" 0 "$RC"
expect_true "shutdown: daemon exits" wait_dead "$DPID" 20
wait "$DPID"
expect_eq "shutdown: daemon exit status 0" 0 "$?"
DPID=
expect_true "shutdown: children gone" dead "$pid"
expect_true "shutdown: socket removed" test ! -e "$SOCK"
expect_true "shutdown: pidfile removed" test ! -e "$PIDFILE"

# the client once nothing listens
ctl status
expect_eq "no daemon: status says no such file" "unix://$SOCK no such file" "$OUT"
expect_eq "no daemon: status exit 4" 4 "$RC"
ctl stop p1
expect_eq "no daemon: stop says no such file" "unix://$SOCK no such file" "$OUT"
expect_eq "no daemon: stop exit 7" 7 "$RC"
ctl shutdown
expect_eq "no daemon: shutdown" "ERROR: unix://$SOCK no such file (already shut down?)" "$OUT"
expect_eq "no daemon: shutdown exit 1" 1 "$RC"
