# t_user: running as another user (root only): -u/--user and [supervisord]
# user= drop the daemon's privileges; program user= drops a child's (groups
# from the group database, HOME and USER untouched); [unix_http_server]
# chmod and chown of the socket file
. tests/lib.sh

need_nobody "user=, -u and chown"

# status_ids PID FIELD: the Uid/Gid/Groups values of /proc/PID/status, one
# space between them, sorted for Groups
status_ids() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' '\n' |
		grep . | { [ "$2" = Groups ] && sort -n || cat; } | tr '\n' ' ' | sed 's/ $//'
}

# ---- program user= --------------------------------------------------------
conf_base
conf <<'EOF'
[program:asnobody]
command=/bin/sleep 100
user=nobody

[program:asroot]
command=/bin/sleep 100
EOF
mkdir -p "$T/home"
HOME=$T/home USER=tester
export HOME USER
start_daemon || exit 1
wait_state asnobody RUNNING
P=$(pidof_prog asnobody)
until_ok 10 runs "$P" /bin/sleep 100
expect_eq "program user=: uid" "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" "$(status_ids "$P" Uid)"
expect_eq "program user=: gid is the primary group" \
	"$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" "$(status_ids "$P" Gid)"
expect_eq "program user=: supplementary groups from the group database" \
	"$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" "$(status_ids "$P" Groups)"
expect_true "program user=: HOME not changed" environ_has "$P" "HOME=$T/home"
expect_true "program user=: USER not changed" environ_has "$P" "USER=tester"
expect_eq "no user=: the child runs as root" "0 0 0 0" "$(status_ids "$(pidof_prog asroot)" Uid)"
expect_eq "[unix_http_server] chmod default 0700" 700 "$(stat -c %a "$SOCK")"
expect_file_contains "root without user=: CRIT line" "$LOG" \
	"${TS}CRIT Supervisor is running as root\\.  Privileges were not dropped"
stop_daemon

# ---- program user=nosuch -------------------------------------------------
conf_base
conf <<'EOF'
[program:x]
command=/bin/sleep 100
user=nosuch
EOF
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/bad.out" 2>&1
expect_eq "user=nosuch: exit 2" 2 "$?"
expect_match "user=nosuch: message" \
	"^Error: Invalid user name nosuch in section 'program:x' \\(file: '$CONF'\\)$" "$(cat "$T/bad.out")"
expect_true "user=nosuch: nothing started" test ! -S "$SOCK"

# ---- bad users for the daemon --------------------------------------------
conf_base 'user=nosuchuser'
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/bad.out" 2>&1
expect_eq "[supervisord] user=nosuchuser: exit 2" 2 "$?"
expect_match "[supervisord] user=nosuchuser: message" "^Error: Invalid user name nosuchuser$" "$(cat "$T/bad.out")"
conf_base
timeout 10 "$SUPERVISE" -n -c "$CONF" -u nosuchuser >"$T/bad.out" 2>&1
expect_eq "-u nosuchuser: exit 2" 2 "$?"
expect_match "-u nosuchuser: message" "^Error: Invalid user name nosuchuser$" "$(cat "$T/bad.out")"
timeout 10 "$SUPERVISE" -n -c "$CONF" --user=99999 >"$T/bad.out" 2>&1
expect_match "--user=99999 (no such uid): message" "^Error: Invalid user id 99999$" "$(cat "$T/bad.out")"

# ---- [unix_http_server] chmod=0770 chown=nobody:GROUP ---------------------
conf_base
sed -i "s|^file=%(here)s/supervise.sock\$|&\\nchmod=0770\\nchown=nobody:$NOBODY_GROUP|" "$CONF"
start_daemon || exit 1
expect_eq "[unix_http_server] chmod=0770" 770 "$(stat -c %a "$SOCK")"
expect_eq "[unix_http_server] chown=nobody:$NOBODY_GROUP" "nobody:$NOBODY_GROUP" "$(stat -c %U:%G "$SOCK")"
stop_daemon

# ---- the daemon itself as nobody: -u / --user / user= ---------------------
# everything it writes lives in a directory nobody may write
chmod 711 "$T"
mkdir -p "$T/u"
chmod 777 "$T/u"
SOCK=$T/u/supervise.sock
LOG=$T/u/supervise.log
PIDFILE=$T/u/supervise.pid
conf_user() {
	cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/u/supervise.sock

[supervisord]
logfile=%(here)s/u/supervise.log
pidfile=%(here)s/u/supervise.pid
childlogdir=%(here)s/u
$1

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/u/supervise.sock

[program:child]
command=/bin/sleep 100
EOF
	chmod 644 "$CONF"
}

run_u() {
	m=$1; shift
	rm -f "$LOG"
	start_cmd "$SUPERVISE" "$@" || return 1
	expect_eq "$m: the daemon's uid" "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" \
		"$(status_ids "$DPID" Uid)"
	expect_eq "$m: the daemon's gid" "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" \
		"$(status_ids "$DPID" Gid)"
	expect_file_contains "$m: logged" "$LOG" "${TS}INFO Set uid to user $NOBODY_UID succeeded$"
	expect_eq "$m: no running-as-root line" 0 "$(grep -c 'running as root' "$LOG")"
	expect_eq "$m: the main log belongs to nobody" nobody "$(stat -c %U "$LOG")"
	wait_state child RUNNING
	expect_eq "$m: the children run as nobody too" \
		"$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" "$(status_ids "$(pidof_prog child)" Uid)"
	stop_daemon
}
conf_user 'user=root'
run_u "-u nobody overrides user=root" -n -c "$CONF" -u nobody
run_u "--user=$NOBODY_UID overrides user=root" -n -c "$CONF" --user="$NOBODY_UID"
conf_user 'user=nobody'
run_u "user=nobody" -n -c "$CONF"
chmod 700 "$T"
