# t_options_file: the [supervisord] options of the file (spec 1.6), [include],
# SIGUSR2 log reopening, the parse warnings of the main log, and a pidfile
# that cannot be written
. tests/lib.sh

need prlimit

# conf_sections SUPERVISORD-LINES: the whole header; programs are appended
conf_sections() {
	cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/supervise.sock

[supervisord]
$1

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervise.sock

EOF
}

script ansi.sh <<'EOF'
printf '\033[31mred\033[0m\n'
exec sleep 100
EOF
script chatty.sh <<'EOF'
while :; do
	echo "chatty line 0123456789 0123456789 0123456789 0123456789 0123456789"
	sleep 0.02
done
EOF
script tick.sh <<'EOF'
i=0
while :; do
	i=$((i + 1))
	echo "tick $i"
	sleep 0.05
done
EOF
ESC=$(printf '\033')

# ---- F: foreground by nodaemon=true, silent, logfile, loglevel, pidfile,
# minfds, minprocs, nocleanup, childlogdir, identifier, strip_ansi,
# environment --------------------------------------------------------------
mkdir -p "$T/flogs"
: >"$T/flogs/old-stdout---fid-abcdefgh.log"
conf_sections 'logfile=%(here)s/f.log
loglevel=debug
pidfile=%(here)s/f.pid
nodaemon=true
silent=true
minfds=1000
minprocs=1000
nocleanup=true
childlogdir=%(here)s/flogs
identifier=fid
strip_ansi=true
environment=FROMFILE="file value",SHARED="from supervisord"'
conf <<'EOF'
[program:ansi]
command=%(here)s/ansi.sh
environment=SHARED="from program"
EOF
start_cmd prlimit $NOFILE --nproc=500: "$SUPERVISE" -c "$CONF" || exit 1
wait_state ansi RUNNING
ctl pid
expect_eq "nodaemon=true: the daemon stays in the foreground" "$DPID" "$OUT"
expect_eq "pidfile=: written" "$DPID" "$(daemon_pid "$T/f.pid")"
expect_file_contains "logfile=: the main log at the path" "$T/f.log" \
	"${TS}INFO supervisord started with pid $DPID$"
expect_true "silent=true: nothing copied to stdout" no_ts "$T/daemon.out"
expect_file_contains "loglevel=debug: DEBG lines" "$T/f.log" "${TS}DEBG 'ansi' stdout output:$"
if [ -z "$VALGRIND" ]; then
	expect_file_contains "minfds=: RLIMIT_NOFILE raised" "$T/f.log" \
		"${TS}INFO Increased RLIMIT_NOFILE limit to 1000$"
fi
expect_file_contains "minprocs=: RLIMIT_NPROC raised" "$T/f.log" "${TS}INFO Increased RLIMIT_NPROC limit to 1000$"
expect_true "nocleanup=true: the old AUTO log stays" test -e "$T/flogs/old-stdout---fid-abcdefgh.log"
expect_true "childlogdir= identifier=: AUTO log name" \
	dir_has "$T/flogs" '^ansi-stdout---fid-[A-Za-z0-9_]{8}\.log$'
alog=$(ls "$T"/flogs/ansi-stdout---fid-*.log 2>/dev/null | head -n 1)
expect_file_contains "strip_ansi=true: the child log has the text" "$alog" '^red$'
expect_eq "strip_ansi=true: no escape left" 0 "$(grep -c "$ESC" "$alog")"
expect_file_contains "strip_ansi=true: the DEBG copy is stripped too" "$T/f.log" '^red$'
APID=$(pidof_prog ansi)
expect_true "environment=: reaches the child" environ_has "$APID" "FROMFILE=file value"
expect_true "environment=: the program's key wins" environ_has "$APID" "SHARED=from program"
stop_daemon
expect_true "pidfile=: removed at exit" test ! -e "$T/f.pid"

# ---- R: logfile_maxbytes / logfile_backups rotate the main log -----------
conf_sections 'logfile=%(here)s/r.log
logfile_maxbytes=1500
logfile_backups=2
loglevel=debug
pidfile=%(here)s/r.pid
childlogdir=%(here)s/flogs'
conf <<'EOF'
[program:chatty]
command=%(here)s/chatty.sh
EOF
start_daemon || exit 1
expect_true "logfile_maxbytes: the main log rotates to .1" until_ok 10 test -e "$T/r.log.1"
expect_true "logfile_backups=2: rotates to .2" until_ok 10 test -e "$T/r.log.2"
sleep 1
expect_true "logfile_backups=2: no .3" test ! -e "$T/r.log.3"
expect_true "logfile_maxbytes: the live log stays small" test "$(wc -c <"$T/r.log")" -lt 20000
stop_daemon

# ---- G: daemonized: umask, directory, loglevel=error, cleanup ------------
mkdir -p "$T/gdir" "$T/glogs"
: >"$T/glogs/old-stdout---supervisor-abcdefgh.log"
: >"$T/glogs/old-stdout---supervisor-abcdefgh.log.1"
conf_sections 'logfile=%(here)s/g.log
loglevel=error
pidfile=%(here)s/g.pid
childlogdir=%(here)s/glogs
umask=027
directory=%(here)s/gdir'
conf <<'EOF'
[program:ansi]
command=%(here)s/ansi.sh
EOF
timeout 10 "$SUPERVISE" -c "$CONF" >"$T/parent.out" 2>&1
expect_eq "daemonized: the parent exits 0" 0 "$?"
DPID=$(daemon_pid "$T/g.pid")
wait_state ansi RUNNING
expect_eq "umask=: the child's umask" "0027" "$(umask_of "$(pidof_prog ansi)")"
expect_eq "directory=: the daemon's cwd" "$T/gdir" "$(readlink "/proc/$DPID/cwd")"
expect_true "nocleanup=false: the old AUTO log is deleted" test ! -e "$T/glogs/old-stdout---supervisor-abcdefgh.log"
expect_true "nocleanup=false: its backup too" test ! -e "$T/glogs/old-stdout---supervisor-abcdefgh.log.1"
expect_file_contains "loglevel=error: CRIT logged" "$T/g.log" "${TS}CRIT "
expect_eq "loglevel=error: no INFO lines" 0 "$(grep -Ec "${TS}(INFO|DEBG|WARN) " "$T/g.log")"
alog=$(ls "$T"/glogs/ansi-stdout---supervisor-*.log 2>/dev/null | head -n 1)
expect_file_contains "strip_ansi default false: the escapes stay" "$alog" "^${ESC}\\[31mred"
stop_daemon

# ---- H: [include], parse warnings, pidfile not writable, SIGUSR2 ---------
rm -f "$LOG"
mkdir -p "$T/conf.d" "$T/log"
conf_sections "logfile=%(here)s/supervise.log
pidfile=/proc/supervise-test-cannot-write.pid
childlogdir=%(here)s/log
loglevel=info"
conf <<'EOF'
[include]
files = conf.d/*.ini %(here)s/nomatch/*.conf

[program:auto]
command=%(here)s/ansi.sh
stdout_logfile_maxbytes=0

[program:redir]
command=%(here)s/ansi.sh
redirect_stderr=true
stdout_logfile=%(here)s/redir.log
stderr_logfile=%(here)s/redir-ignored.log

[program:sys]
command=%(here)s/ansi.sh
stdout_logfile=syslog

[program:tick]
command=%(here)s/tick.sh
stdout_logfile=%(here)s/tick.log
EOF
# b.ini redefines the program a.ini defines: the later file (sorted) wins
cat >"$T/conf.d/b.ini" <<'EOF'
[program:inc]
command=/bin/sleep 101
EOF
cat >"$T/conf.d/a.ini" <<'EOF'
[program:inc]
command=/bin/sleep 100
EOF
start_daemon || exit 1
wait_state inc RUNNING
expect_file_contains "include: logged for the first file" "$LOG" \
	"${TS}INFO Included extra file \"$T/conf.d/a.ini\" during parsing$"
expect_file_contains "include: logged for the second file" "$LOG" \
	"${TS}INFO Included extra file \"$T/conf.d/b.ini\" during parsing$"
expect_true "include: files read in sorted order" \
	test "$(grep -n 'conf.d/a.ini' "$LOG" | cut -d: -f1)" -lt "$(grep -n 'conf.d/b.ini' "$LOG" | cut -d: -f1)"
expect_file_contains "include: no match warned" "$LOG" \
	"${TS}WARN No file matches via include \"$T/nomatch/\\*\\.conf\"$"
IPID=$(pidof_prog inc)
expect_eq "include: the program of the last sorted file runs" "/bin/sleep 101" \
	"$(tr '\0' ' ' <"/proc/$IPID/cmdline" | sed 's/ $//')"
expect_file_contains "warning: AUTO without rollover" "$LOG" \
	"${TS}WARN For \\[program:auto\\], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally$"
expect_file_contains "warning: redirect_stderr with stderr_logfile" "$LOG" \
	"${TS}WARN For \\[program:redir\\], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored$"
expect_file_contains "warning: stdout_logfile=syslog deprecated" "$LOG" \
	"${TS}WARN For \\[program:sys\\], stdout_logfile=syslog but this is deprecated and will be removed\\.  Use stdout_syslog=true to enable syslog instead\\.$"
expect_file_contains "CRIT running as root" "$LOG" \
	"${TS}CRIT Supervisor is running as root\\.  Privileges were not dropped because no user is specified in the config file\\.  If you intend to run as root, you can set user=root in the config file to avoid this message\\.$"
expect_file_contains "CRIT no HTTP authentication" "$LOG" \
	"${TS}CRIT Server 'unix_http_server' running without any HTTP authentication checking$"
expect_file_contains "RPC interface initialized" "$LOG" \
	"${TS}INFO RPC interface 'supervisor' initialized$"
expect_true "parse messages: CRIT before WARN before INFO" test \
	"$(grep -n 'CRIT Supervisor is running as root' "$LOG" | cut -d: -f1)" -lt \
	"$(grep -n 'WARN For \[program:auto\]' "$LOG" | cut -d: -f1)" -a \
	"$(grep -n 'WARN For \[program:auto\]' "$LOG" | cut -d: -f1)" -lt \
	"$(grep -n 'INFO Included extra file' "$LOG" | head -n 1 | cut -d: -f1)"
expect_file_contains "pidfile not writable: CRIT" "$LOG" \
	"${TS}CRIT could not write pidfile /proc/supervise-test-cannot-write.pid$"
expect_true "pidfile not writable: the daemon keeps running" alive "$DPID"
ctl status inc
expect_match "pidfile not writable: the daemon answers" "^inc +RUNNING" "$OUT"

# SIGUSR2 after moving the main log and a child log away
wait_file "$T/tick.log" '^tick 3$' 5
mv "$LOG" "$T/supervise.log.old"
mv "$T/tick.log" "$T/tick.log.old"
kill -USR2 "$DPID"
expect_true "SIGUSR2: a new main log at the original path" until_ok 5 test -e "$LOG"
expect_file_contains "SIGUSR2: received line (in the moved file)" "$T/supervise.log.old" \
	"${TS}INFO received SIGUSR2 indicating log reopen request$"
expect_file_contains "SIGUSR2: logreopen line (in the moved file)" "$T/supervise.log.old" "${TS}INFO supervisord logreopen$"
expect_file_contains "SIGUSR2: a new child log at the original path" "$T/tick.log" '^tick [0-9]+$'
n_old=$(wc -l <"$T/tick.log.old")
sleep 0.5
expect_eq "SIGUSR2: the moved child log gets no more lines" "$n_old" "$(wc -l <"$T/tick.log.old")"
ctl stop tick
expect_file_contains "SIGUSR2: new main-log lines go to the new file" "$LOG" "${TS}[A-Z]{4} stopped: tick "
expect_eq "SIGUSR2: the moved main log gets no more lines" 0 \
	"$(grep -c 'stopped: tick' "$T/supervise.log.old")"
stop_daemon

# ---- supervise -t warns about a mangled environment= ---------------------
if is_supervise; then
	conf_sections 'logfile=%(here)s/t.log'
	conf <<'EOF'
[program:x]
command=/bin/sleep 10
environment=A=a b
EOF
	line=$(grep -n '^environment=A=a b' "$CONF" | cut -d: -f1)
	out=$(timeout 10 "$SUPERVISE" -t -c "$CONF" 2>&1)
	expect_eq "-t: exit 0 despite the warning" 0 "$?"
	expect_match "-t: mangled environment= warned with file and line" \
		"$CONF:$line: .*environment" "$out"
	expect_match "-t: configuration OK" "^configuration OK$" "$out"
fi
