# t_inet: [inet_http_server] port=127.0.0.1:PORT: the client over TCP
# (-s http://...), the raw protocol over TCP, username/password on the TCP
# server, a second daemon on a busy port, an out-of-range port
. tests/lib.sh
need nc

port=$((20000 + ($$ + 7919) % 20000))
while nc -z 127.0.0.1 $port 2>/dev/null; do port=$((port + 1)); done
PORT=$port
URL=http://127.0.0.1:$PORT

# inet_conf [USERNAME PASSWORD]: the base config plus an [inet_http_server]
inet_conf() {
	conf_base
	{
		printf '[inet_http_server]\nport=127.0.0.1:%s\n' "$PORT"
		[ $# -eq 2 ] && printf 'username=%s\npassword=%s\n' "$1" "$2"
		cat <<'EOF'

[program:web]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false
EOF
	} | conf
}

# tcp ARGS...: the client over TCP, no config credentials
tcp() {
	OUT=$(timeout 20 "$SUPERVISECTL" -c "$T/tcp.conf" -s "$URL" "$@" 2>&1)
	RC=$?
}
printf '[supervisorctl]\nserverurl=%s\n' "$URL" >"$T/tcp.conf"

inet_conf
start_daemon || exit 1
wait_state web RUNNING
expect_true "listens on the port" nc -z 127.0.0.1 "$PORT"

tcp status
expect_match "-s http://: status" "^web +RUNNING +pid [0-9]+," "$OUT"
expect_match "-s http://: status shows idle" "^idle +STOPPED " "$OUT"
expect_eq "-s http://: status exit 3 (idle stopped)" 3 "$RC"
tcp start idle
expect_eq "-s http://: start" "idle: started" "$OUT"
expect_eq "-s http://: start exit 0" 0 "$RC"
expect_true "-s http://: idle RUNNING after start" state_is idle RUNNING
tcp stop idle
expect_eq "-s http://: stop" "idle: stopped" "$OUT"
expect_eq "-s http://: stop exit 0" 0 "$RC"
expect_true "-s http://: idle STOPPED after stop" state_is idle STOPPED
OUT=$(timeout 20 "$SUPERVISECTL" -c "$T/tcp.conf" status web 2>&1)
expect_match "serverurl=http:// in [supervisorctl]: status" "^web +RUNNING " "$OUT"
expect_file_contains "no auth: CRIT line for inet_http_server" "$LOG" \
	"CRIT Server 'inet_http_server' running without any HTTP authentication checking"
tcp tail -f nosuch
expect_eq "-s http://: tail -f of no such log: the banner, then the 404 under that URL" \
	"==> Press Ctrl-C to exit <==
$URL/logtail/nosuch/stdout Cannot read, status code 404" "$OUT"
expect_eq "-s http://: tail -f of no such log: exit 0" 0 "$RC"

if is_supervise; then
	out=$(printf 'status\n' | timeout 5 nc -N 127.0.0.1 "$PORT" 2>&1)
	expect_match "raw over TCP: the status" "^web +RUNNING +pid [0-9]+," "$out"
	expect_match "raw over TCP: idle" "^idle +STOPPED " "$out"
	expect_eq "raw over TCP: end line .3" ".3" "$(printf '%s\n' "$out" | tail -n 1)"
	out=$(printf 'status web\nstatus web\n' | timeout 5 nc -N 127.0.0.1 "$PORT" 2>&1)
	expect_eq "raw over TCP: two requests, two end lines" 2 \
		"$(printf '%s\n' "$out" | grep -c '^\.0$')"
fi

# a second daemon (its own unix socket) on the same TCP port
mkdir "$T/second"
sed -e "s|%(here)s/supervise|$T/second/supervise|" \
	-e "s|%(here)s/log|$T/second|" "$CONF" >"$T/second/supervise.conf"
timeout 10 "$SUPERVISE" -n -c "$T/second/supervise.conf" >"$T/second.out" 2>"$T/second.err"
expect_eq "second daemon on the port: exit 2" 2 "$?"
expect_eq "second daemon on the port: message" \
	"Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord." \
	"$(head -n 1 "$T/second.err")"
expect_true "second daemon on the port: the first still answers" state_is web RUNNING
tcp status web
expect_match "second daemon on the port: TCP still served" "^web +RUNNING " "$OUT"

stop_daemon
expect_true "port closed after the daemon exits" until_ok 5 eval "! nc -z 127.0.0.1 $PORT"
tcp status
expect_eq "nothing listening: refused connection" "$URL refused connection" "$OUT"
expect_eq "nothing listening: status exit 4" 4 "$RC"

# username/password on the TCP server
rm -f "$LOG"
inet_conf u pw-inet-9x
start_daemon || exit 1
wait_state web RUNNING
tcp status
expect_eq "inet auth, no credentials: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "inet auth, no credentials: exit 1" 1 "$RC"
tcp -u u -p wrong status
expect_eq "inet auth, wrong password: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "inet auth, wrong password: exit 1" 1 "$RC"
tcp -u u -p pw-inet-9x status web
expect_match "inet auth, -u -p: status" "^web +RUNNING " "$OUT"
expect_eq "inet auth, -u -p: exit 0" 0 "$RC"
ctl status web
expect_match "inet auth: the open unix socket still answers" "^web +RUNNING " "$OUT"
expect_nomatch "inet auth: no CRIT line for inet_http_server" \
	"Server 'inet_http_server' running without" "$(cat "$LOG")"
expect_true "inet auth: no password in the main log" eval "! grep -qF pw-inet-9x '$LOG'"
if is_supervise; then
	out=$(printf 'status\n' | timeout 5 nc -N 127.0.0.1 "$PORT" 2>&1)
	expect_eq "raw over TCP, no auth: refused" "Server requires authentication
.1" "$out"
	out=$(printf 'auth u pw-inet-9x\nstatus web\n' | timeout 5 nc -N 127.0.0.1 "$PORT" 2>&1)
	expect_match "raw over TCP, auth: the status" "^web +RUNNING " "$out"
fi
stop_daemon

# a port out of range is a config error
conf_base
conf <<'EOF'
[inet_http_server]
port=127.0.0.1:70000
EOF
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/big.out" 2>"$T/big.err"
expect_eq "port=70000: exit 2" 2 "$?"
expect_eq "port=70000: message" "Error: 70000 is above upper bound (65535)" \
	"$(head -n 1 "$T/big.err")"
expect_match "port=70000: help line" "^For help, use $SUPERVISE_ARGV0 -h\$" "$(cat "$T/big.err")"
expect_true "port=70000: nothing started" test ! -e "$SOCK"
if is_supervise; then
	"$SUPERVISE" -t -c "$CONF" >"$T/t.out" 2>&1
	expect_eq "port=70000: -t exit 2" 2 "$?"
	expect_match "port=70000: -t message" "^Error: 70000 is above upper bound \(65535\)$" \
		"$(cat "$T/t.out")"
fi
