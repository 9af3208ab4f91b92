# t_logs: child output reaches a path log, an AUTO log in childlogdir, or
# nowhere (NONE); stdout and stderr into one file; files are appended to
. tests/lib.sh

conf_base
script talk.sh <<'EOF'
echo "out-$1"
echo "err-$1" >&2
exec sleep 100
EOF
echo "previous content" >"$T/both.log"
conf <<'EOF'
[program:path]
command=%(here)s/talk.sh path
stdout_logfile=%(here)s/path.out
stderr_logfile=%(here)s/path.err

[program:auto]
command=%(here)s/talk.sh auto

[program:none]
command=%(here)s/talk.sh none
stdout_logfile=NONE
stderr_logfile=none

[program:both]
command=%(here)s/talk.sh both
stdout_logfile=%(here)s/both.log
stderr_logfile=%(here)s/both.log

[program:redir]
command=%(here)s/talk.sh redir
redirect_stderr=true
stdout_logfile=%(here)s/redir.log
stderr_logfile=%(here)s/redir-ignored.log

[program:pct]
command=%(here)s/talk.sh pct%(process_num)d
numprocs=2
process_name=%(program_name)s_%(process_num)d
stdout_logfile=%(here)s/%(group_name)s-%(program_name)s_%(process_num)d-%(ENV_LOGTAG)s.out
stderr_logfile=%(here)s/%(program_name)s-%(process_num)02d-%(host_node_name)s.err
EOF
LOGTAG=tagged
export LOGTAG
start_daemon || exit 1
wait_state path RUNNING; wait_state both RUNNING; wait_state redir RUNNING

expect_file_contains "stdout to a path" "$T/path.out" "^out-path$"
expect_file_contains "stderr to a path" "$T/path.err" "^err-path$"
expect_true "stdout log has no stderr" test "$(grep -c err-path "$T/path.out")" = 0

expect_true "AUTO stdout log in childlogdir" until_ok 5 \
	dir_has "$T/log" '^auto-stdout---supervisor-[A-Za-z0-9_]{8}\.log$'
expect_true "AUTO stderr log in childlogdir" until_ok 5 \
	dir_has "$T/log" '^auto-stderr---supervisor-[A-Za-z0-9_]{8}\.log$'
expect_file_contains "AUTO stdout log content" "$(ls "$T"/log/auto-stdout---supervisor-*.log)" "^out-auto$"
expect_file_contains "AUTO stderr log content" "$(ls "$T"/log/auto-stderr---supervisor-*.log)" "^err-auto$"
expect_eq "AUTO log mode 0600" "-rw-------" \
	"$(ls -l "$T"/log/auto-stdout---supervisor-*.log | cut -c1-10)"

expect_eq "NONE: no log file" "" "$(ls "$T/log" | grep '^none-')"

expect_file_contains "same file: stdout" "$T/both.log" "^out-both$"
expect_file_contains "same file: stderr" "$T/both.log" "^err-both$"
expect_eq "same file: appended to" "previous content" "$(head -n 1 "$T/both.log")"

expect_file_contains "redirect_stderr: stderr in the stdout log" "$T/redir.log" "^err-redir$"

# %-expansion in log names: each process of numprocs gets its own files
for n in 0 1; do
	expect_file_contains "%(...)s in stdout_logfile: process $n" \
		"$T/pct-pct_$n-tagged.out" "^out-pct$n$"
	expect_file_contains "%(...)s in stderr_logfile: process $n" \
		"$T/pct-0$n-$(uname -n).err" "^err-pct$n$"
done
expect_true "redirect_stderr: no stderr log" test ! -e "$T/redir-ignored.log"

ctl restart path
expect_true "restart appends to the log" until_ok 5 \
	lines_in "$T/path.out" 2 '^out-path$'

# AUTO logs are made anew with the group and the old ones (backups too)
# are deleted at every reload, unless nocleanup (spec 3.1)
old=$(ls "$T"/log/auto-stdout---supervisor-*.log)
: >"$old.1"
touch "$T/log/keep-me.log"
ctl reload
expect_true "reload: the old AUTO log is deleted" until_ok 10 test ! -e "$old"
expect_true "reload: its backup too" test ! -e "$old.1"
expect_true "reload: a new AUTO log is made" until_ok 10 \
	dir_has "$T/log" '^auto-stdout---supervisor-[A-Za-z0-9_]{8}\.log$'
expect_true "reload: a file that is no AUTO log stays" test -e "$T/log/keep-me.log"
wait_state auto RUNNING
expect_file_contains "reload: the new AUTO log gets the output" \
	"$(ls "$T"/log/auto-stdout---supervisor-*.log | head -n 1)" "^out-auto$"

# nocleanup=true in the config that the reload reads: the AUTO logs stay
old=$(ls "$T"/log/auto-stdout---supervisor-*.log)
sed -i 's/^\[supervisord\]$/&\nnocleanup=true/' "$CONF"
ctl reload
auto_logs() { [ "$(ls "$T"/log/auto-stdout---supervisor-*.log | wc -l)" -eq "$1" ]; }
expect_true "reload, nocleanup=true: a new AUTO log is made" until_ok 10 auto_logs 2
expect_true "reload, nocleanup=true: the old AUTO log stays" test -e "$old"

# one file for both streams, limits set on stdout only (stderr keeps the
# default 50MB): stdout's writes still rotate it at its own maxbytes
stop_daemon
conf_base
conf <<'EOF2'
[program:tomcat]
command=sh -c 'i=0; while [ $i -lt 1000 ]; do echo "out-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; echo "err-$i" >&2; i=$((i+1)); done; exec sleep 100'
stdout_logfile=%(here)s/catalina.out
stdout_logfile_maxbytes=20KB
stdout_logfile_backups=2
stderr_logfile=%(here)s/catalina.out
EOF2
start_daemon || exit 1
# supervisord keeps a handle per stream: stderr's goes on writing into the
# renamed file, wherever rotation moved it (README, difference 10)
if is_supervise; then
	expect_true "one file, limits on stdout: all written" until_ok 10 grep -q '^err-999$' \
		"$T/catalina.out" "$T/catalina.out.1"
	expect_true "one file, limits on stdout: rotated to .1 and .2" \
		test -s "$T/catalina.out.1" -a -s "$T/catalina.out.2"
	expect_true "one file, limits on stdout: no .3" test ! -e "$T/catalina.out.3"
	expect_true "one file, limits on stdout: the live file stays small" \
		test "$(wc -c <"$T/catalina.out")" -lt 40000
fi
