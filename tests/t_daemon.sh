# t_daemon: daemonizing without -n: the parent returns 0 once the socket is
# bound; pidfile; [supervisord] umask and directory apply only then
. tests/lib.sh

mkdir "$T/home"
conf_base 'umask=027
directory=%(here)s/home'
script envdump.sh <<'EOF'
{ pwd; umask; } >"$1.tmp"; mv "$1.tmp" "$1"
exec sleep 100
EOF
conf <<'EOF'
[program:dump]
command=%(here)s/envdump.sh %(here)s/dump.out
EOF
cp "$CONF" "$T/bad.conf"
printf '[program:bad]\ncommand=/bin/true\nautostart=maybe\n' >>"$T/bad.conf"

timeout 10 "$SUPERVISE" -c "$T/bad.conf" >"$T/bad.out" 2>&1
expect_eq "bad config: the parent exits 2" 2 "$?"
expect_match "bad config: the error reaches the terminal" \
	"^Error: not a valid boolean value: 'maybe'" "$(cat "$T/bad.out")"

timeout 10 "$SUPERVISE" -c "$CONF" >"$T/parent.out" 2>&1
expect_eq "daemonize: the parent exits 0" 0 "$?"
expect_true "daemonize: socket bound when the parent returns" test -S "$SOCK"
expect_true "daemonize: pidfile written" until_ok 5 test -s "$PIDFILE"
DPID=$(cat "$PIDFILE")
expect_true "daemonize: the pidfile's pid is alive" alive "$DPID"
expect_eq "daemonize: own session (setsid)" "$DPID" \
	"$(sed 's/.*) //' /proc/$DPID/stat | awk '{ print $4 }')"
expect_eq "daemonize: stdin is /dev/null" /dev/null "$(readlink /proc/$DPID/fd/0)"
expect_true "daemonize: the program runs" wait_state dump RUNNING
expect_file_contains "daemonize: logged" "$LOG" "${TS}INFO daemonizing the supervisord process$"
expect_file_contains "daemonize: started line" "$LOG" "${TS}INFO supervisord started with pid $DPID$"
wait_file "$T/dump.out" . 5
expect_eq "daemonize: [supervisord] directory is the child's cwd" "$T/home" \
	"$(sed -n 1p "$T/dump.out")"
expect_match "daemonize: [supervisord] umask applies" "^0*27$" "$(sed -n 2p "$T/dump.out")"

ctl shutdown
expect_eq "shutdown of a daemon" "Shut down" "$OUT"
expect_true "daemon gone" wait_dead "$DPID" 15
expect_true "pidfile removed" until_ok 5 test ! -e "$PIDFILE"
DPID=

# with -n neither umask nor directory of [supervisord] apply
rm -f "$T/dump.out"
start_daemon || exit 1
wait_file "$T/dump.out" . 5
expect_eq "-n: the inherited cwd stays" "$PWD" "$(sed -n 1p "$T/dump.out")"
expect_match "-n: the inherited umask stays" "^0*$(umask | sed 's/^0*//')\$" "$(sed -n 2p "$T/dump.out")"
