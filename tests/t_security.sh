# t_security (root only): the control socket has its mode and owner from
# the moment it exists; no file the daemon creates, appends to or reads back
# is opened through a symlink another user planted in a sticky
# world-writable directory, while legitimate links keep working; commands
# never pass through a shell; user= leaves none of root's supplementary
# groups behind
. tests/lib.sh
need strace
need setpriv

need_nobody "chown, user=, links made by another user"

# as_nobody CMD...: run CMD as nobody with nobody's groups only
as_nobody() {
	setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --init-groups -- "$@"
}

# ids PID FIELD: the Uid/Gid/Groups values of /proc/PID/status, sorted for
# Groups, one space between them
ids() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' '\n' |
		grep . | { [ "$2" = Groups ] && sort -n || cat; } | tr '\n' ' ' | sed 's/ $//'
}

four() { echo "$1 $1 $1 $1"; }

# ---- the socket: mode and owner from its first moment ----------------------

# Under the daemon's umask 0 the socket is 0700 all the same.
conf_base
umask 0
start_daemon || exit 1
umask 077
expect_eq "socket: chmod 0700 by default (daemon's umask 0)" 700 "$(stat -c %a "$SOCK")"
expect_eq "socket: owned by the daemon's user" root "$(stat -c %U "$SOCK")"
stop_daemon

# chmod= is the mode whatever the umask (as chmod(2) in supervisord); the
# socket gets it and chown= at bind, at its temporary name: strace shows the
# umask around bind, a chown that follows no link, and no chmod at all.
conf_base
sed -i "s|^file=%(here)s/supervise.sock\$|&\\nchmod=0660\\nchown=nobody:$NOBODY_GROUP|" "$CONF"
if [ -z "$QEMU" ]; then     # strace would trace qemu, not the daemon
	# LeakSanitizer cannot run under ptrace: no leak check for this one run
	start_cmd env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:detect_leaks=0}" \
		strace -o "$T/trace" -e trace=%file,umask,bind "$SUPERVISE" -n -c "$CONF" || exit 1
	track "$DPID"                       # strace
	DPID=$(daemon_pid "$PIDFILE")       # the daemon
	tr=$(grep -E '^umask|supervise\.sock' "$T/trace")
	around=$(printf '%s\n' "$tr" | grep -A2 -E '^umask\(0?117\)')
	expect_match "strace: umask 0117 (chmod=0660) before bind" '^umask\(0?117\) += 0?[0-7]+$' \
		"$(printf '%s\n' "$around" | sed -n 1p)"
	expect_match "strace: then bind at the temporary name" \
		"^bind\\([0-9]+, \\{sa_family=AF_UNIX, sun_path=\"$SOCK\\.[0-9]+\"\\}, [0-9]+\\) = 0\$" \
		"$(printf '%s\n' "$around" | sed -n 2p)"
	expect_match "strace: then the umask back" '^umask\(0?[0-7]+\) += 0?117$' \
		"$(printf '%s\n' "$around" | sed -n 3p)"
	expect_nomatch "strace: the socket is never chmod-ed" '^f?chmod(at2?)?\(.*supervise\.sock' "$tr"
	expect_match "strace: chown= by lchown or fchownat(AT_SYMLINK_NOFOLLOW), at the temporary name" \
		"^(lchown\\(\"$SOCK\\.[0-9]+\", $NOBODY_UID, $NOBODY_GID\\)|fchownat\\(AT_FDCWD, \"$SOCK\\.[0-9]+\", $NOBODY_UID, $NOBODY_GID, AT_SYMLINK_NOFOLLOW\\)) = 0\$" "$tr"
	expect_nomatch "strace: no chown that follows a link" '^(f?chown|fchownat)\(.*supervise\.sock' \
		"$(printf '%s\n' "$tr" | grep -v AT_SYMLINK_NOFOLLOW)"
	expect_match "strace: then linked into place" \
		"^link(at)?\\((AT_FDCWD, )?\"$SOCK\\.[0-9]+\", (AT_FDCWD, )?\"$SOCK\"(, 0)?\\) = 0\$" "$tr"
else
	umask 077
	start_daemon || exit 1
fi
expect_eq "socket: chmod=0660 (daemon's umask 077)" 660 "$(stat -c %a "$SOCK")"
expect_eq "socket: chown=nobody:$NOBODY_GROUP" "nobody:$NOBODY_GROUP" "$(stat -c %U:%G "$SOCK")"
expect_true "socket: the temporary name is gone" eval "! ls '$T' | grep -q 'supervise\\.sock\\.'"
stop_daemon
umask 022

# ---- symlinks planted by another user --------------------------------------

# $T/pub is a sticky world-writable directory (like /tmp) where nobody
# plants links to $T/secret, a file of root's; $T/rootdir is a directory
# of root's that nobody must not get us to write into.
chmod 711 "$T"
mkdir -p "$T/pub" "$T/rootdir" "$T/data"
chmod 1777 "$T/pub"
printf 'precious\n' >"$T/secret"
chmod 600 "$T/secret"
SUM=$(cksum <"$T/secret")
KEEP=app-stdout---supervisor-keepme.log     # what AUTO log cleanup would delete
: >"$T/rootdir/$KEEP"
plant() { as_nobody ln -s "$1" "$2"; }
plant "$T/secret" "$T/pub/main.log"
plant "$T/secret" "$T/pub/app.log"
plant "$T/secret" "$T/pub/supervise.pid"
plant "$T/rootdir" "$T/pub/autodir"
plant "$T/rootdir" "$T/pub/fifodir"
expect_eq "planted: the link belongs to nobody" nobody "$(stat -c %U "$T/pub/app.log")"
# legitimate links: root's in the sticky directory, and nobody's in a
# directory of nobody's own that others may not write
ln -s "$T/data/root.log" "$T/pub/rootlink.log"
mkdir -p "$T/nobodys"
chown nobody "$T/nobodys"
chmod 755 "$T/nobodys"
plant "$T/data/own.log" "$T/nobodys/own.log"
# a sticky world-writable directory of nobody's: its owner's links count
mkdir -p "$T/pub2"
chown nobody "$T/pub2"
chmod 1777 "$T/pub2"
plant "$T/data/owner.log" "$T/pub2/owner.log"

cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/supervise.sock

[supervisord]
logfile=%(here)s/pub/main.log
pidfile=%(here)s/pub/supervise.pid
childlogdir=%(here)s/pub/autodir
control_fifo=%(here)s/supervise.ctl
loglevel=debug

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervise.sock

[program:app]
command=sh -c 'echo app-output; exec sleep 100'
stdout_logfile=%(here)s/pub/app.log

[program:auto]
command=sh -c 'echo auto-output; exec sleep 100'

[program:rootlink]
command=sh -c 'echo through-roots-link; exec sleep 100'
stdout_logfile=%(here)s/pub/rootlink.log

[program:own]
command=sh -c 'echo through-own-dir; exec sleep 100'
stdout_logfile=%(here)s/nobodys/own.log

[program:owner]
command=sh -c 'echo through-dir-owners-link; exec sleep 100'
stdout_logfile=%(here)s/pub2/owner.log

[program:stdout]
command=sh -c 'echo to-dev-stdout; exec sleep 100'
stdout_logfile=/dev/stdout

[program:procfd]
command=sh -c 'echo to-proc-self-fd-1; exec sleep 100'
stdout_logfile=/proc/self/fd/1

[program:rot]
command=sh -c 'echo rot-output; exec sleep 100'
stdout_logfile=%(here)s/pub/rot.log
stdout_logfile_backups=2
EOF
start_daemon || exit 1
for p in app auto rootlink own owner stdout procfd rot; do wait_state $p RUNNING; done
OUTTXT=$(cat "$T/daemon.out")
planted_re() {   # the refusal for the link at $1, made by nobody in $2
	printf '%s is a symlink that uid %s made in the sticky world-writable directory %s: not followed' \
		"$1" "$NOBODY_UID" "$2"
}
expect_match "main log: refused, said on stderr" \
	"^supervise: cannot write $T/pub/main.log: $(planted_re "$T/pub/main.log" "$T/pub")" "$OUTTXT"
expect_match "main log: the message says what to do" \
	"remove it, or make it as uid 0 \\(this daemon\\) or as the directory's owner \\(uid 0\\)\$" "$OUTTXT"
expect_match "pidfile: supervisord's CRIT line" \
	"${TS}CRIT could not write pidfile $T/pub/supervise.pid\$" "$OUTTXT"
expect_match "pidfile: then why" "${TS}CRIT $(planted_re "$T/pub/supervise.pid" "$T/pub")" "$OUTTXT"
expect_match "stdout_logfile: refused, in the log" \
	"${TS}ERRO cannot write $T/pub/app.log: $(planted_re "$T/pub/app.log" "$T/pub")" "$OUTTXT"
expect_match "AUTO log through a planted directory link: refused" \
	"${TS}ERRO cannot create log file in $T/pub/autodir: $(planted_re "$T/pub/autodir" "$T/pub")" "$OUTTXT"
expect_eq "the target is unchanged" "$SUM" "$(cksum <"$T/secret")"
expect_eq "the target's directory: nothing made, nothing deleted" "$KEEP" "$(ls -A "$T/rootdir")"
expect_eq "the planted links are still links to it" "$T/secret $T/secret" \
	"$(readlink "$T/pub/app.log") $(readlink "$T/pub/main.log")"
ctl tail app
expect_eq "tail through the planted link: no log file, nothing of the target" \
	"app: ERROR (no log file)" "$OUT"
expect_true "the daemon keeps running" alive "$DPID"
expect_true "the daemon answers" state_is app RUNNING
expect_file_contains "a link root made in the sticky directory is followed" \
	"$T/data/root.log" '^through-roots-link$'
expect_file_contains "a link in a directory others may not write is followed" \
	"$T/data/own.log" '^through-own-dir$'
expect_file_contains "a link by the sticky directory's owner is followed" \
	"$T/data/owner.log" '^through-dir-owners-link$'
expect_file_contains "stdout_logfile=/dev/stdout works" "$T/daemon.out" '^to-dev-stdout$'
expect_file_contains "stdout_logfile=/proc/self/fd/1 works" "$T/daemon.out" '^to-proc-self-fd-1$'
ctl tail rootlink
expect_eq "tail through root's link works" "through-roots-link" "$OUT"

# rotation: planted links at the backup names are moved aside by rename,
# never written through; a link planted where logrotate moved the file
# away is refused at the reopen (SIGUSR2)
plant "$T/secret" "$T/pub/rot.log.1"
plant "$T/secret" "$T/pub/rot.log.2"
ctl rotate rot
expect_eq "rotate with links planted at the backup names" "rot: rotated" "$OUT"
expect_eq "rotate: the target is unchanged" "$SUM" "$(cksum <"$T/secret")"
expect_true "rotate: the log was moved to .1" grep -q '^rot-output$' "$T/pub/rot.log.1"
mv "$T/pub/rot.log" "$T/data/rot.log.moved"
plant "$T/secret" "$T/pub/rot.log"
kill -USR2 "$DPID"
ctl restart rot
expect_true "reopen: refused" wait_file "$T/daemon.out" \
	"${TS}ERRO cannot write $T/pub/rot.log: $(planted_re "$T/pub/rot.log" "$T/pub")"
expect_eq "reopen: the target is unchanged" "$SUM" "$(cksum <"$T/secret")"
expect_true "reopen: the daemon keeps running" state_is rot RUNNING
stop_daemon

# a control FIFO or a socket in a planted directory: supervise refuses to
# start, having made nothing there
sed -i "s|^control_fifo=.*|control_fifo=%(here)s/pub/fifodir/ctl|" "$CONF"
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/fifo.out" 2>&1
expect_eq "control_fifo in a planted directory: exit 2" 2 "$?"
expect_match "control_fifo in a planted directory: why" \
	"^Error: cannot make control_fifo $T/pub/fifodir/ctl: $(planted_re "$T/pub/fifodir" "$T/pub")" \
	"$(cat "$T/fifo.out")"
sed -i "s|^control_fifo=.*||; s|^file=.*|file=%(here)s/pub/fifodir/s.sock|" "$CONF"
timeout 10 "$SUPERVISE" -n -c "$CONF" >"$T/sock.out" 2>&1
expect_eq "socket in a planted directory: exit 2" 2 "$?"
expect_match "socket in a planted directory: why" \
	"^Error: Cannot open an HTTP server: $(planted_re "$T/pub/fifodir" "$T/pub")" \
	"$(cat "$T/sock.out")"
expect_eq "nothing made in the target directory" "$KEEP" "$(ls -A "$T/rootdir")"
expect_eq "the target is still unchanged" "$SUM" "$(cksum <"$T/secret")"

# ---- commands never pass through a shell ------------------------------------

# argv FILE ARGS...: the program writes each argument on a line, [in brackets]
script argv <<'EOF'
out=$1; shift
printf '[%s]\n' "$@" >"$out.tmp" && mv "$out.tmp" "$out"
exec sleep 100
EOF
META='a;b c|d $(touch %(here)s/pwned1) `touch %(here)s/pwned2` >%(here)s/pwned3 && touch %(here)s/pwned4 || %(here)s/*.conf ~ $HOME &'
conf_base
conf <<EOF
[program:meta]
command=%(here)s/argv %(here)s/prog.argv $META

[eventlistener:lst]
command=%(here)s/argv %(here)s/lst.argv $META
events=TICK_3600
EOF
start_daemon || exit 1
wait_state meta RUNNING
wait_state lst RUNNING
WANT="[a;b]
[c|d]
[\$(touch]
[$T/pwned1)]
[\`touch]
[$T/pwned2\`]
[>$T/pwned3]
[&&]
[touch]
[$T/pwned4]
[||]
[$T/*.conf]
[~]
[\$HOME]
[&]"
expect_true "program: argv written" until_ok 5 test -s "$T/prog.argv"
expect_eq "program: shell metacharacters reach it as literal words" "$WANT" "$(cat "$T/prog.argv")"
expect_true "eventlistener: argv written" until_ok 5 test -s "$T/lst.argv"
expect_eq "eventlistener: the same" "$WANT" "$(cat "$T/lst.argv")"
expect_eq "nothing else ran" "" "$(ls "$T" | grep pwned)"
stop_daemon

# ---- user= drops root's supplementary groups --------------------------------

# The daemon starts as root with groups 4 and 24 besides; a program with
# user=nobody has nobody's groups only, one without user= keeps root's.
NOBODY_GROUPS=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')
conf_base
conf <<'EOF'
[program:asnobody]
command=/bin/sleep 100
user=nobody

[program:asroot]
command=/bin/sleep 100
EOF
start_cmd setpriv --groups=4,24 -- "$SUPERVISE" -n -c "$CONF" || exit 1
wait_state asnobody RUNNING
wait_state asroot RUNNING
expect_eq "daemon started with groups 4 and 24" "4 24" "$(ids "$DPID" Groups)"
P=$(pidof_prog asnobody)
expect_eq "program user=nobody: Groups are nobody's only" "$NOBODY_GROUPS" "$(ids "$P" Groups)"
expect_eq "program user=nobody: Uid" "$(four "$NOBODY_UID")" "$(ids "$P" Uid)"
expect_eq "program user=nobody: Gid" "$(four "$NOBODY_GID")" "$(ids "$P" Gid)"
expect_eq "program without user=: root's groups, as the daemon's" "4 24" \
	"$(ids "$(pidof_prog asroot)" Groups)"
stop_daemon

# [supervisord] user=nobody: the daemon itself and its children
mkdir -p "$T/u"
chmod 777 "$T/u"
SOCK=$T/u/supervise.sock
PIDFILE=$T/u/supervise.pid
LOG=$T/u/supervise.log
cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/u/supervise.sock

[supervisord]
logfile=%(here)s/u/supervise.log
pidfile=%(here)s/u/supervise.pid
childlogdir=%(here)s/u
user=nobody

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/u/supervise.sock

[program:child]
command=/bin/sleep 100
EOF
chmod 644 "$CONF"
start_cmd setpriv --groups=4,24 -- "$SUPERVISE" -n -c "$CONF" || exit 1
wait_state child RUNNING
expect_eq "[supervisord] user=nobody: the daemon's Groups are nobody's only" \
	"$NOBODY_GROUPS" "$(ids "$DPID" Groups)"
expect_eq "[supervisord] user=nobody: the daemon's Uid" "$(four "$NOBODY_UID")" "$(ids "$DPID" Uid)"
expect_eq "[supervisord] user=nobody: the daemon's Gid" "$(four "$NOBODY_GID")" "$(ids "$DPID" Gid)"
P=$(pidof_prog child)
expect_eq "[supervisord] user=nobody: its child's Groups" "$NOBODY_GROUPS" "$(ids "$P" Groups)"
expect_eq "[supervisord] user=nobody: its child's Uid" "$(four "$NOBODY_UID")" "$(ids "$P" Uid)"
stop_daemon
chmod 700 "$T"
