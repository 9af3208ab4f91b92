# t_socket: a second daemon on a live socket refuses to start; a stale
# socket is reclaimed
. tests/lib.sh

conf_base
conf <<'EOF'
[program:sleeper]
command=/bin/sleep 100
EOF
start_daemon || exit 1
wait_state sleeper RUNNING
pid=$(pidof_prog sleeper)
track "$pid"

timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/second.out" 2>"$T/second.err"
expect_eq "second daemon: exit 2" 2 "$?"
expect_eq "second daemon: message" \
	"Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.
For help, use $SUPERVISE_ARGV0 -h" "$(cat "$T/second.err")"
expect_true "second daemon: the first still answers" state_is sleeper "RUNNING +pid $pid,"
expect_eq "second daemon: pidfile untouched" "$DPID" "$(cat "$PIDFILE")"

# kill -9 leaves the socket file behind; the next daemon reclaims it
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DPID=
expect_true "killed daemon leaves a stale socket" test -S "$SOCK"
: >"$T/daemon.out"
start_daemon || exit 1
expect_match "stale socket: Unlinking stale socket" \
	"^Unlinking stale socket $SOCK\$" "$(cat "$T/daemon.out")"
expect_true "stale socket: new daemon runs the program" wait_state sleeper RUNNING
expect_true "stale socket: a new process" test "$(pidof_prog sleeper)" != "$pid"
