# t_syslog: stdout_syslog/stderr_syslog, the deprecated stdout_logfile=syslog
# and the main log's logfile=syslog reach libc's syslog(), read here by
# BusyBox syslogd.  The test runs in a mount namespace of its own with a
# private /dev, so /dev/log of this machine (and its syslog) is never touched.
command -v busybox >/dev/null 2>&1 || { echo "SKIP t_syslog: busybox not installed"; exit 0; }
. tests/privdev.sh
. tests/lib.sh

MSGS=$T/messages
busybox syslogd -n -O "$MSGS" &
track $!
until_ok 5 test -S /dev/log || { fail "syslogd starts" "no /dev/log"; exit 1; }

conf_base
conf <<'EOF'
[program:both]
command=sh -c 'printf "to-file-and-syslog\nsecond line\n\nafter-empty\n"; printf "err-line\n" >&2; exec sleep 100'
stdout_logfile=%(here)s/both.log
stdout_syslog=true
stderr_syslog=true

[program:old]
command=sh -c 'echo old-style; exec sleep 100'
stdout_logfile=syslog
EOF
start_daemon || exit 1
wait_state both RUNNING
wait_state old RUNNING

# BusyBox writes "Nov 24 06:45:12 host user.info supervise: both to-file..."
expect_file_contains "stdout_syslog: a line, facility user, priority info" "$MSGS" \
	' user\.info [^ ]+: both to-file-and-syslog$'
expect_file_contains "stdout_syslog: each line a record of its own" "$MSGS" \
	' user\.info [^ ]+: both second line$'
expect_file_contains "stdout_syslog: an empty line inside a chunk is a record" "$MSGS" \
	' user\.info [^ ]+: both $'
expect_file_contains "stdout_syslog: after the empty line" "$MSGS" ': both after-empty$'
expect_file_contains "stderr_syslog" "$MSGS" ': both err-line$'
expect_file_contains "stdout_syslog also writes the file" "$T/both.log" '^to-file-and-syslog$'
expect_file_contains "stdout_logfile=syslog (deprecated) goes to syslog" "$MSGS" ': old old-style$'
expect_true "stdout_logfile=syslog is no file" test ! -e "$T/syslog"
expect_file_contains "stdout_logfile=syslog warns in the main log" "$LOG" \
	'WARN For \[program:old\], stdout_logfile=syslog but this is deprecated'
expect_eq "tail of a syslog-only stream: no log file" "old: ERROR (no log file)" \
	"$(ctl tail old; echo "$OUT")"
stop_daemon

# the main log in syslog: every line of a message is a record with the
# timestamp and level in front
conf_base
sed -i 's|^logfile=.*|logfile=syslog|' "$CONF"
conf <<'EOF'
[program:quiet]
command=sh -c 'printf "one\ntwo\n"; exec sleep 100'
stdout_logfile=NONE
EOF
start_daemon || exit 1
wait_state quiet RUNNING
expect_file_contains "logfile=syslog: main log lines with timestamp and level" "$MSGS" \
	'user\.info [^ ]+: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8},[0-9]{3} INFO spawned: .quiet. with pid [0-9]+$'
expect_file_contains "logfile=syslog: a multi-line message, line by line" "$MSGS" \
	'[0-9:]{8},[0-9]{3} DEBG two$'
expect_true "logfile=syslog: no file named syslog" test ! -e "$T/syslog"
ctl maintail
expect_eq "logfile=syslog: maintail has no log file" "supervisord: ERROR (no log file)" "$OUT"

# a reload to a config without syslog lets go of /dev/log: the daemon keeps
# its control socket only
sed -i 's|^logfile=syslog$|logfile=%(here)s/supervise.log|' "$CONF"
ctl reload
sockets() { ls -l "/proc/$DPID/fd" 2>/dev/null | grep -c 'socket:'; }
one_socket() { [ "$(sockets)" = 1 ]; }
until_ok 10 one_socket
expect_eq "reload without syslog: /dev/log let go, the control socket kept" 1 "$(sockets)"
