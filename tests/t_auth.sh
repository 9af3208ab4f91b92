# t_auth: [unix_http_server] username/password: the client's credentials
# from [supervisorctl] or -u/-p, "Server requires authentication" without
# them, {SHA} passwords, the raw protocol's "auth" request, and no password
# in the main log
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
