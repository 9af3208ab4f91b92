# t_security (root only): the control socket has its mode and owner from
# the moment it exists
. tests/lib.sh
need strace

if [ "$(id -u)" != 0 ]; then
	echo "SKIP $TEST: needs root (chown)"
	exit 0
fi
getent passwd nobody >/dev/null 2>&1 || { echo "SKIP $TEST: no user nobody"; exit 0; }
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
NOBODY_GROUP=$(id -gn nobody)

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
	start_cmd strace -o "$T/trace" -e trace=%file,umask,bind "$SUPERVISE" -n -c "$CONF" || exit 1
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
