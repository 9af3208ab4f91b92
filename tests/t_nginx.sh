# t_nginx: the real nginx (Debian's nginx-light) as the tutorials run it:
# -g 'daemon off;', priority=1000, autorestart=true, startretries=3.  It
# listens on a free loopback port; its pid, logs and temp files stay in $T.
. tests/lib.sh

NGINX=/usr/sbin/nginx
[ -x $NGINX ] || skip nginx
need nc

# http_get PORT: the response to GET / (nc from netcat-openbsd)
http_get() { printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' | nc -N -w 3 127.0.0.1 "$1" 2>/dev/null; }
answers_http() { http_get "$PORT" | grep -q "^hello from nginx under supervise"; }

port=$((20000 + $$ % 20000))
while nc -z 127.0.0.1 $port 2>/dev/null; do port=$((port + 1)); done
PORT=$port

mkdir -p "$T/www" "$T/ngtmp"
echo "hello from nginx under supervise" >"$T/www/index.html"
cat >"$T/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 64; }
http {
	access_log $T/nginx-access.log;
	client_body_temp_path $T/ngtmp/body;
	proxy_temp_path $T/ngtmp/proxy;
	fastcgi_temp_path $T/ngtmp/fastcgi;
	uwsgi_temp_path $T/ngtmp/uwsgi;
	scgi_temp_path $T/ngtmp/scgi;
	server {
		listen 127.0.0.1:$PORT;
		root $T/www;
	}
}
EOF
conf_base
conf <<'EOF'
[program:nginx]
command=/usr/sbin/nginx -g 'daemon off;' -c %(here)s/nginx.conf
priority=1000
autostart=true
autorestart=true
startretries=3
stdout_logfile=%(here)s/nginx.out
stderr_logfile=%(here)s/nginx.err
EOF
start_daemon || exit 1

expect_true "nginx: RUNNING" wait_state nginx RUNNING 15
pid=$(pidof_prog nginx)
expect_true "nginx: answers HTTP while RUNNING" until_ok 10 answers_http
expect_file_contains "nginx: its pid file is the supervised pid" "$T/nginx.pid" "^$pid$"
expect_match "nginx: 200 OK" "^HTTP/1.1 200 OK" "$(http_get $PORT)"
expect_file_contains "nginx: request in its access log" "$T/nginx-access.log" '"GET / HTTP/1.0" 200'

# kill -9 of the master: supervise restarts it.  The master's workers
# outlive it (nginx does not tie them to the master) and keep the port, so
# the test ends them too, by pid, as an admin would.
workers=$(cat /proc/$pid/task/*/children 2>/dev/null)
track $workers
kill -KILL "$pid"
kill -KILL $workers 2>/dev/null
expect_match "nginx: the kill is logged" \
	"${TS}WARN exited: nginx \(terminated by SIGKILL; not expected\)$" "$(wait_log 'exited: nginx' 10; cat "$LOG")"
expect_true "nginx: restarted" until_ok 15 log_atleast 2 "spawned: 'nginx'"
expect_true "nginx: RUNNING again" wait_state nginx RUNNING 15
new=$(pidof_prog nginx)
expect_true "nginx: a new master" test -n "$new" -a "$new" != "$pid"
expect_true "nginx: answers HTTP after the restart" until_ok 10 answers_http

ctl stop nginx
expect_eq "nginx: stop" "nginx: stopped" "$OUT"
expect_true "nginx: master gone" wait_dead "$new"
expect_true "nginx: port closed after stop" until_ok 5 eval "! nc -z 127.0.0.1 $PORT"
