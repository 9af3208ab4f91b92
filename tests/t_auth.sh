# t_auth: [unix_http_server] username/password: the client's credentials
# from [supervisorctl] or -u/-p, "Server requires authentication" without
# them, {SHA} passwords, the raw protocol's "auth" request, and no password
# in the main log; every request of the protocol refused before auth on the
# socket and the TCP port (alone, pipelined, after a failed auth), passwords
# with spaces, and empty usernames and passwords as supervisord has them
. tests/lib.sh
is_supervise && need nc

PW=pw-Zq81xv           # distinctive, so grepping the log for it means something
BADPW=bad-Kp27wm

# auth_conf PASSWORD-IN-SERVER PASSWORD-IN-CLIENT: the config, with the
# credentials on both sides (the harness's own client calls need them)
auth_conf() {
	conf_base
	sed -i "s|^file=%(here)s/supervise.sock\$|&\nusername=u\npassword=$1|" "$CONF"
	printf 'username=u\npassword=%s\n\n' "$2" >>"$CONF"   # into [supervisorctl]
	conf <<'EOF'
[program:web]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false
EOF
	# a client config with no credentials at all
	cat >"$T/nocred.conf" <<EOF
[supervisorctl]
serverurl=unix://$SOCK
EOF
}

# nocred ARGS...: the client without credentials in its config
nocred() {
	OUT=$("$SUPERVISECTL" -c "$T/nocred.conf" "$@" 2>&1)
	RC=$?
}

auth_conf "$PW" "$PW"
expect_true "config: username and password in [unix_http_server]" \
	grep -q "^password=$PW\$" "$CONF"
start_daemon || exit 1
wait_state web RUNNING

# credentials from [supervisorctl]
ctl status web
expect_match "[supervisorctl] credentials: status works" "^web +RUNNING +pid [0-9]+," "$OUT"
expect_eq "[supervisorctl] credentials: status exit 0" 0 "$RC"
ctl start idle
expect_eq "[supervisorctl] credentials: start works" "idle: started" "$OUT"
expect_eq "[supervisorctl] credentials: start exit 0" 0 "$RC"

# credentials on the command line
nocred -u u -p "$PW" status web
expect_match "-u -p: status works" "^web +RUNNING +pid [0-9]+," "$OUT"
expect_eq "-u -p: status exit 0" 0 "$RC"
nocred -u u -p "$PW" stop idle
expect_eq "-u -p: stop works" "idle: stopped" "$OUT"

# no credentials
nocred status
expect_eq "no credentials: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "no credentials: exit 1" 1 "$RC"
nocred start idle
expect_eq "no credentials, start: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "no credentials, start: exit 1" 1 "$RC"
expect_true "no credentials, start: idle not started" state_is idle STOPPED
if is_supervise; then
	nocred status
	expect_eq "no credentials: nothing but the one line" "Server requires authentication" "$OUT"
fi

# wrong password; a wrong user
nocred -u u -p "$BADPW" status
expect_eq "wrong password: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "wrong password: exit 1" 1 "$RC"
expect_nomatch "wrong password: no status" "^web " "$OUT"
nocred -u x -p "$PW" status
expect_eq "wrong user: first line" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "wrong user: exit 1" 1 "$RC"
nocred -u u -p "${PW}x" status
expect_eq "password with a suffix: refused" 1 "$RC"
nocred -u u -p "$(printf '%s' "$PW" | cut -c 1-5)" status
expect_eq "password prefix: refused" 1 "$RC"

# the raw protocol
if is_supervise; then
	raw() { printf "$1" | timeout 5 nc -N -U "$SOCK" 2>&1; }
	out=$(raw 'status\n')
	expect_eq "raw, no auth: refused with .1" "Server requires authentication
.1" "$out"
	out=$(raw "auth u $PW\\nstatus web\\n")
	expect_eq "raw, auth: .0 first" ".0" "$(printf '%s\n' "$out" | head -n 1)"
	expect_match "raw, auth: then the status" "^web +RUNNING +pid [0-9]+," "$out"
	expect_eq "raw, auth: status ends with .0" ".0" "$(printf '%s\n' "$out" | tail -n 1)"
	expect_eq "raw, auth: three lines" 3 "$(printf '%s\n' "$out" | wc -l)"
	out=$(raw "auth u $BADPW\\nstatus\\n")
	expect_nomatch "raw, wrong password: no status lines" "^web " "$out"
	expect_match "raw, wrong password: refused" "^Server requires authentication$" "$out"
	expect_nomatch "raw, wrong password: no .0" "^\\.0$" "$out"
	out=$(raw "auth u\\nstatus\\n")
	expect_nomatch "raw, auth without password: no status lines" "^web " "$out"
	out=$(raw "status\\nauth u $PW\\nstatus\\n")
	expect_match "raw, status before auth: refused" "^Server requires authentication$" "$out"
fi

# the password never reaches the main log (nor a wrong one)
ctl status
expect_true "main log: exists" test -s "$LOG"
expect_true "main log: no password" eval "! grep -qF -- '$PW' '$LOG'"
expect_true "main log: no wrong password" eval "! grep -qF -- '$BADPW' '$LOG'"
if is_supervise; then
	expect_true "daemon output: no password" eval "! grep -qF -- '$PW' '$T/daemon.out'"
fi
expect_nomatch "main log: no CRIT 'running without any HTTP authentication'" \
	"running without any HTTP authentication" "$(cat "$LOG")"

# {SHA}: the sha1 hex of the password in the config
stop_daemon
rm -f "$LOG"
SHA=$(printf secret | sha1sum | cut -d ' ' -f 1)
auth_conf "{SHA}$SHA" secret
start_daemon || exit 1
wait_state web RUNNING
nocred -u u -p secret status web
expect_match "{SHA}: -p secret accepted" "^web +RUNNING " "$OUT"
expect_eq "{SHA}: -p secret exit 0" 0 "$RC"
nocred -u u -p wrong status web
expect_eq "{SHA}: -p wrong refused" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
expect_eq "{SHA}: -p wrong exit 1" 1 "$RC"
nocred -u u -p "{SHA}$SHA" status web
expect_eq "{SHA}: the hash itself is not the password" 1 "$RC"
nocred -u u -p "$SHA" status web
expect_eq "{SHA}: the bare hex is not the password" 1 "$RC"
expect_true "{SHA}: no password in the main log" eval "! grep -qF -- secret '$LOG'"

# the shell asks for a username and password on "Server requires
# authentication", then runs the command again (spec 4.4)
if is_supervise; then
	OUT=$(printf 'u\nsecret\nversion\nexit\n' | "$SUPERVISECTL" -c "$T/nocred.conf" 2>&1)
	expect_match "shell: the refusal first" "^Server requires authentication$" "$OUT"
	expect_match "shell: asks for the username and password" "^Username:Password:$" "$OUT"
	expect_match "shell: the command again, logged in" "^web +RUNNING " "$OUT"
	expect_match "shell: later commands logged in too" "^supervisor> 4\.2\.5$" "$OUT"
fi

# ---- every path refused before auth, on the unix socket and the TCP port ---
# The unix server's password holds spaces; the TCP server's is {SHA}.
stop_daemon
if is_supervise; then
	need timeout
	port=$((20000 + ($$ + 4241) % 20000))
	while nc -z 127.0.0.1 $port 2>/dev/null; do port=$((port + 1)); done
	SPW="pw with  spaces-Q3"
	conf_base
	sed -i "s|^file=%(here)s/supervise.sock\$|&\nusername=u\npassword=$SPW|" "$CONF"
	printf 'username=u\npassword=%s\n\n' "$SPW" >>"$CONF"
	conf <<EOF2
[inet_http_server]
port=127.0.0.1:$port
username=tcpuser
password={SHA}$SHA

[program:web]
command=/bin/sleep 100

[program:idle]
command=/bin/sleep 100
autostart=false
EOF2
	rm -f "$LOG"
	start_daemon || exit 1
	wait_state web RUNNING
	WEBPID=$(pidof_prog web)
	REFUSED="Server requires authentication
.1"
	# each command of the protocol, tail -f, maintail -f, fg, and one it
	# does not know
	REQS='status
status web
start idle
stop web
restart web
reload
shutdown
version
pid
pid web
signal HUP web
clear web
tail web
tail -f web
tail web stderr
maintail
maintail -f
avail
reread
add idle
remove idle
update
fg web
rotate web
nosuchcommand'
	n=$(printf '%s\n' "$REQS" | wc -l)
	for srv in unix tcp; do
		if [ $srv = unix ]; then raw() { printf "%s" "$1" | timeout 5 nc -N -U "$SOCK" 2>&1; }
		else raw() { printf "%s" "$1" | timeout 5 nc -N 127.0.0.1 "$port" 2>&1; }; fi
		printf '%s\n' "$REQS" | {
			bad=
			while IFS= read -r req; do
				[ "$(raw "$req
")" = "$REFUSED" ] || bad="$bad [$req]"
			done
			expect_eq "$srv: each of $n requests alone, before auth: refused, nothing else said" "" "$bad"
		}
		out=$(raw "$REQS
")
		expect_eq "$srv: all $n pipelined before auth: $n refusals, nothing else" \
			"$n $n" "$(printf '%s\n' "$out" | grep -c '^Server requires authentication$') $(printf '%s\n' "$out" | wc -l | awk '{ print $1 / 2 }')"
		expect_nomatch "$srv: pipelined: no status text" "^(web|idle) |RUNNING|STOPPED|4\\.2\\.5|^[0-9]+$" "$out"
	done
	expect_true "after it all: the daemon runs" alive "$DPID"
	expect_true "after it all: web is the same process" state_is web "RUNNING +pid $WEBPID,"
	expect_true "after it all: idle still stopped" state_is idle STOPPED
	expect_eq "after it all: web's log never cleared nor rotated" "" "$(ls "$T/log" | grep -E '\.log\.[0-9]')"

	raw() { printf "%s" "$1" | timeout 5 nc -N -U "$SOCK" 2>&1; }
	tcpraw() { printf "%s" "$1" | timeout 5 nc -N 127.0.0.1 "$port" 2>&1; }
	out=$(raw "auth u $SPW
version
")
	expect_eq "a password with spaces: the rest of the line" ".0
4.2.5
.0" "$out"
	out=$(raw "auth u pw with spaces-Q3
version
")
	expect_eq "a password with spaces: one space less is another password" "$REFUSED
$REFUSED" "$out"
	nocred -u u -p "$SPW" version
	expect_eq "a password with spaces from -p" "4.2.5" "$OUT"
	ctl version
	expect_eq "a password with spaces from [supervisorctl]" "4.2.5" "$OUT"
	out=$(raw "pid
version
auth u $SPW
version
")
	expect_eq "pipelined, auth third: refused twice, then served" "$REFUSED
$REFUSED
.0
4.2.5
.0" "$out"
	out=$(raw "auth u $BADPW
status
shutdown
auth x $SPW
version
auth u
status
auth u 
status
auth
status
auth u $SPW x
status
")
	expect_eq "after a failed auth, wrong user, no password, an empty one, none at all, a longer one: refused" \
		"$(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do printf '%s\n' "$REFUSED"; done)" "$out"
	out=$(raw "auth u $SPW
auth u $BADPW
version
")
	expect_eq "a failed auth undoes an earlier one" ".0
$REFUSED
$REFUSED" "$out"
	out=$(raw "auth u $SPW
")
	expect_eq "auth with CR LF (nc -C)" ".0" "$(printf 'auth u %s\r\nversion\r\n' "$SPW" | timeout 5 nc -N -U "$SOCK" 2>&1 | head -n 1)"
	out=$(tcpraw "auth tcpuser secret
version
")
	expect_eq "tcp, {SHA}: the password" ".0
4.2.5
.0" "$out"
	out=$(tcpraw "auth u $SPW
version
auth tcpuser $SHA
version
auth tcpuser {SHA}$SHA
version
")
	expect_eq "tcp: the unix server's login, the hash, {SHA}hash: refused" \
		"$(for i in 1 2 3 4 5 6; do printf '%s\n' "$REFUSED"; done)" "$out"

	# the client without credentials: streams end at once, refused
	for cmd in "tail -f web" "maintail -f" "fg web"; do
		OUT=$(timeout 10 "$SUPERVISECTL" -c "$T/nocred.conf" $cmd </dev/null 2>&1)
		RC=$?
		expect_eq "client, $cmd, no credentials: refused" "Server requires authentication" "$OUT"
		expect_eq "client, $cmd, no credentials: exit 1" 1 "$RC"
	done
	stop_daemon
fi

# An empty username checks nothing, an empty password is a password (both
# as supervisord 4.2.5 does)
conf_base
sed -i "s|^file=%(here)s/supervise.sock\$|&\nusername=\npassword=secret|" "$CONF"
conf <<'EOF'
[program:web]
command=/bin/sleep 100
EOF
rm -f "$LOG"
start_daemon || exit 1
wait_state web RUNNING
nocred status web
expect_match "username= (empty): no login needed" "^web +RUNNING " "$OUT"
expect_file_contains "username= (empty): the CRIT line" "$LOG" \
	"CRIT Server 'unix_http_server' running without any HTTP authentication checking"
stop_daemon
conf_base
sed -i "s|^file=%(here)s/supervise.sock\$|&\nusername=u\npassword=|" "$CONF"
printf 'username=u\npassword=\n\n' >>"$CONF"     # into [supervisorctl]
conf <<'EOF'
[program:web]
command=/bin/sleep 100
EOF
start_daemon || exit 1
wait_state web RUNNING
nocred -u u -p '' status web
expect_match "password= (empty): -p '' logs in" "^web +RUNNING " "$OUT"
nocred -u u -p x status web
expect_eq "password= (empty): -p x refused" "Server requires authentication" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
