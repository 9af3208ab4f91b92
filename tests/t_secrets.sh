# t_secrets: the control password never leaves the config file: at
# loglevel=blather, after logins that work and logins that fail (client,
# raw protocol, control FIFO), it is in no main log (file or syslog), no
# child log, not on the daemon's stdout or stderr, in no environment or
# command line, in nothing the client prints, and -T hides it.  syslog is
# read by BusyBox syslogd in a private /dev, as in t_syslog.
command -v busybox >/dev/null 2>&1 || { echo "SKIP t_secrets: busybox not installed"; exit 0; }
. tests/privdev.sh
. tests/lib.sh
need nc
if ! is_supervise; then
	echo "SKIP $TEST: the raw protocol, control_fifo and -T are supervise's"
	exit 0
fi

PW=pw-Hx71qz           # distinctive: grepping for it means something
TPW=tpw-Ms40re         # the TCP server's
BADPW=bad-Lw93nc
MSGS=$T/messages
busybox syslogd -n -O "$MSGS" &
track $!
until_ok 5 test -S /dev/log || { fail "syslogd starts" "no /dev/log"; exit 1; }
port=$((20000 + ($$ + 6007) % 20000))
while nc -z 127.0.0.1 $port 2>/dev/null; do port=$((port + 1)); done

# secrets_conf LOGFILE: both servers with logins, a program that shows its
# environment on stdout (to syslog too) and stderr
secrets_conf() {
	conf_base 'control_fifo=%(here)s/supervise.ctl'
	sed -i "s|^file=%(here)s/supervise.sock\$|&\\nusername=u\\npassword=$PW|; s|^logfile=.*|logfile=$1|; s|^loglevel=.*|loglevel=blather|" "$CONF"
	printf 'username=u\npassword=%s\nhistory_file=%%(here)s/history\n\n' "$PW" >>"$CONF"
	conf <<EOF
[inet_http_server]
port=127.0.0.1:$port
username=u
password=$TPW

[program:envdump]
command=sh -c 'env; env >&2; exec sleep 100'
stdout_syslog=true
EOF
	cat >"$T/nocred.conf" <<EOF
[supervisorctl]
serverurl=unix://$SOCK
history_file=$T/history
EOF
}

# logins: every way in, right and wrong; what the clients print goes to
# $T/client.out
logins() {
	{
		"$SUPERVISECTL" -c "$CONF" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -u u -p "$PW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -u u -p "$BADPW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -u "$PW" -p "$PW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -s "http://127.0.0.1:$port" -u u -p "$TPW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -s "http://127.0.0.1:$port" -u u -p "$BADPW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -s "http://127.0.0.1:$port" -u u -p "$PW" status
		"$SUPERVISECTL" -c "$T/nocred.conf" -u u -p "$BADPW" tail -f envdump
		"$SUPERVISECTL" -c "$T/nocred.conf" -u u -p "$BADPW" maintail -f
		printf 'u\n%s\nstatus\nu\n%s\nstatus\nexit\n' "$BADPW" "$PW" |
			"$SUPERVISECTL" -c "$T/nocred.conf"
		printf 'auth u %s\nstatus\nauth u %s\nstatus\n' "$BADPW" "$PW" | timeout 5 nc -N -U "$SOCK"
		printf 'auth u %s\nauth u %s\nstatus\n' "$TPW" "$BADPW" |
			timeout 5 nc -N 127.0.0.1 "$port"
		timeout 5 sh -c 'printf "auth u %s\nauth u %s\n" "$1" "$2" >"$3"' sh "$PW" "$BADPW" \
			"$T/supervise.ctl"
	} >"$T/client.out" 2>&1 </dev/null
	"$SUPERVISECTL" -c "$CONF" pid >/dev/null          # the FIFO's lines are done
}

# leaks WHERE FILE...: none of the secrets is in the files
leaks() {
	_w=$1; shift
	for _s in "$PW" "$TPW" "$BADPW" "auth u"; do
		if cat "$@" 2>/dev/null | grep -qF -- "$_s"; then
			fail "$_w: no '$_s'" "$(cat "$@" | grep -F -- "$_s" | head -n 3)"
		else
			pass "$_w: no '$_s'"
		fi
	done
}

secrets_conf "%(here)s/supervise.log"
start_daemon || exit 1
wait_state envdump RUNNING
logins
CHILD=$(pidof_prog envdump)
expect_match "the logins were tried and worked" "^envdump +RUNNING " "$(cat "$T/client.out")"
expect_match "the wrong ones were refused" "^Server requires authentication$" "$(cat "$T/client.out")"
expect_file_contains "the FIFO's auth line is logged without its arguments" "$LOG" \
	"${TS}INFO control_fifo: auth \\.\\.\\.\$"
expect_file_contains "blather: child output is logged (DEBG)" "$LOG" "DEBG 'envdump' stdout output:"
expect_file_contains "syslog got the child's output" "$MSGS" ': envdump SUPERVISOR_SERVER_URL='
leaks "main log" "$LOG"
leaks "child logs" "$T"/log/*
leaks "the daemon's stdout and stderr" "$T/daemon.out"
leaks "syslog" "$MSGS"
leaks "what the clients printed" "$T/client.out"
tr '\0' '\n' <"/proc/$DPID/environ" >"$T/daemon.env"
tr '\0' '\n' <"/proc/$CHILD/environ" >"$T/child.env"
tr '\0' ' ' <"/proc/$DPID/cmdline" >"$T/daemon.cmdline"
leaks "the daemon's environment and command line" "$T/daemon.env" "$T/daemon.cmdline"
leaks "the child's environment" "$T/child.env"
expect_true "SUPERVISOR_SERVER_URL: the socket, no login in it" \
	environ_has "$CHILD" "SUPERVISOR_SERVER_URL=unix://$SOCK"
expect_true "the history file, if any" eval "! grep -qF -- '$PW' '$T/history' 2>/dev/null"
"$SUPERVISE" -T -c "$CONF" >"$T/dump.out" 2>&1
expect_eq "-T: password = (not shown), both servers" "password = (not shown)
password = (not shown)" "$(grep '^password' "$T/dump.out")"
leaks "-T" "$T/dump.out"
stop_daemon

# the main log in syslog
: >"$MSGS"
secrets_conf syslog
start_daemon || exit 1
wait_state envdump RUNNING
logins
expect_true "logfile=syslog: the main log is there" wait_file "$MSGS" "INFO control_fifo: auth \\.\\.\\.\$"
expect_file_contains "logfile=syslog: child output too" "$MSGS" "DEBG 'envdump' stdout output:"
leaks "logfile=syslog: syslog" "$MSGS"
leaks "logfile=syslog: the daemon's stdout and stderr" "$T/daemon.out"
