# t_options: every command-line option of the daemon (spec 5.1) overrides
# the [supervisord] value of the file, in its short and its long --opt=value
# form; the errors for bad options
. tests/lib.sh

need prlimit

# conf_file EXTRA: a config whose [supervisord] values the command line
# overrides (the file never names the paths the checks look at)
conf_file() {
	mkdir -p "$T/filelogs" "$T/filedir"
	cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/supervise.sock

[supervisord]
logfile=%(here)s/file.log
pidfile=%(here)s/file.pid
childlogdir=%(here)s/filelogs
directory=%(here)s/filedir
umask=022
identifier=fileid
nodaemon=false
silent=false
logfile_maxbytes=0
logfile_backups=10
$1

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervise.sock

[program:talk]
command=%(here)s/talk.sh
startsecs=0

[program:ansi]
command=%(here)s/ansi.sh
startsecs=0
EOF
}

script talk.sh <<'EOF'
echo "hello from talk"
exec sleep 100
EOF
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
ESC=$(printf '\033')

# ---- A: -n -s -l -e debug -j -i -q -a --minprocs --strip_ansi ------------
run_a() {
	m=$1
	mkdir -p "$T/cli-$m"
	rm -f "$T"/file.log "$T"/file.pid "$T"/filelogs/*
	: >"$T/cli-$m/old-stdout---cli$m-abcdefgh.log"
	: >"$T/cli-$m/old-stdout---fileid-abcdefgh.log"
	conf_file 'loglevel=error
minfds=100
minprocs=100'
	if [ "$m" = short ]; then
		set -- -c "$CONF" -n -s -l "$T/cli-$m.log" -e debug -j "$T/cli-$m.pid" \
			-i "cli$m" -q "$T/cli-$m" -a 1000 --minprocs 1000 --strip_ansi
	else
		set -- --configuration="$CONF" --nodaemon --silent --logfile="$T/cli-$m.log" \
			--loglevel=debug --pidfile="$T/cli-$m.pid" --identifier="cli$m" \
			--childlogdir="$T/cli-$m" --minfds=1000 --minprocs=1000 --strip_ansi
	fi
	start_cmd prlimit $NOFILE --nproc=500: "$SUPERVISE" "$@" || return 1
	wait_state talk RUNNING; wait_state ansi RUNNING
	ctl pid
	expect_eq "$m -n: the daemon stays in the foreground" "$DPID" "$OUT"
	expect_file_contains "$m -l: the main log is at the given path" "$T/cli-$m.log" \
		"${TS}INFO supervisord started with pid $DPID$"
	expect_true "$m -l: the file's logfile is not used" test ! -e "$T/file.log"
	expect_true "$m -s: the main log is not copied to stdout" no_ts "$T/daemon.out"
	expect_file_contains "$m -e debug: child output copied to the main log" \
		"$T/cli-$m.log" "${TS}DEBG 'talk' stdout output:$"
	expect_eq "$m -j: the pidfile is at the given path" "$DPID" "$(daemon_pid "$T/cli-$m.pid")"
	expect_true "$m -j: the file's pidfile is not written" test ! -e "$T/file.pid"
	expect_true "$m -q -i: AUTO log in the given childlogdir, named with the identifier" \
		until_ok 5 dir_has "$T/cli-$m" "^talk-stdout---cli$m-[A-Za-z0-9_]{8}\\.log\$"
	expect_eq "$m -q: nothing in the file's childlogdir" "" "$(ls "$T/filelogs")"
	expect_true "$m cleanup: the old AUTO log of this identifier is deleted" \
		test ! -e "$T/cli-$m/old-stdout---cli$m-abcdefgh.log"
	expect_true "$m cleanup: an AUTO log of another identifier stays" \
		test -e "$T/cli-$m/old-stdout---fileid-abcdefgh.log"
	if [ -z "$VALGRIND" ]; then
		expect_file_contains "$m -a: RLIMIT_NOFILE raised" "$T/cli-$m.log" \
			"${TS}INFO Increased RLIMIT_NOFILE limit to 1000$"
		expect_match "$m -a: the daemon's soft fd limit" '^Max open files +1000 ' \
			"$(cat /proc/$DPID/limits)"
	fi
	expect_file_contains "$m --minprocs: RLIMIT_NPROC raised" "$T/cli-$m.log" \
		"${TS}INFO Increased RLIMIT_NPROC limit to 1000$"
	alog=$(ls "$T/cli-$m"/ansi-stdout---cli$m-*.log 2>/dev/null | head -n 1)
	expect_file_contains "$m --strip_ansi: escapes removed from the child log" "$alog" '^red$'
	ctl stop talk
	expect_file_contains "$m -e debug: the kill is logged" "$T/cli-$m.log" \
		"${TS}DEBG killing talk \\(pid [0-9]+\\) with signal SIGTERM$"
	stop_daemon
}
run_a short
run_a long

# smaller_than BYTES FILE: FILE exists and holds fewer than BYTES
smaller_than() { _s=$(wc -c <"$2" 2>/dev/null) && [ "$_s" -lt "$1" ]; }

# ---- B: -y -z rotation; without -s the log goes to stdout -----------------
run_b() {
	m=$1
	conf_file 'loglevel=debug'
	conf <<'EOF'
[program:chatty]
command=%(here)s/chatty.sh
EOF
	if [ "$m" = short ]; then
		set -- -n -c "$CONF" -l "$T/rot-$m.log" -y 1500 -z 2
	else
		set -- --nodaemon --configuration="$CONF" --logfile="$T/rot-$m.log" \
			--logfile_maxbytes=1500 --logfile_backups=2
	fi
	start_cmd "$SUPERVISE" "$@" || return 1
	expect_true "$m -y: the main log rotates to .1" until_ok 10 test -e "$T/rot-$m.log.1"
	expect_true "$m -z 2: the main log rotates to .2" until_ok 10 test -e "$T/rot-$m.log.2"
	sleep 1.5
	expect_true "$m -z 2: no .3" test ! -e "$T/rot-$m.log.3"
	# (read where it exists: a rotation renames it, then makes it anew)
	expect_true "$m -y: the live log stays small" until_ok 2 smaller_than 20000 "$T/rot-$m.log"
	expect_file_contains "$m no -s: the main log is copied to stdout" "$T/daemon.out" \
		"${TS}INFO supervisord started with pid $DPID$"
	stop_daemon
}
run_b short
run_b long

# ---- C: -e error hides INFO; -k keeps old AUTO logs; -m ignored with -n ---
run_c() {
	m=$1
	rm -rf "$T/keep"; mkdir -p "$T/keep"
	: >"$T/keep/old-stdout---supervisor-abcdefgh.log"
	conf_file 'loglevel=debug
nocleanup=false'
	sed -i -e 's/^identifier=.*/identifier=supervisor/' "$CONF"
	if [ "$m" = short ]; then
		set -- -n -c "$CONF" -l "$T/err-$m.log" -e error -k -q "$T/keep" -m 077
	else
		set -- -n -c "$CONF" --logfile="$T/err-$m.log" --loglevel=error --nocleanup \
			--childlogdir="$T/keep" --umask=077
	fi
	start_cmd "$SUPERVISE" "$@" || return 1
	wait_state talk RUNNING; wait_state ansi RUNNING
	wait_file "$T/err-$m.log" "CRIT" 5
	expect_file_contains "$m -e error: CRIT lines are logged" "$T/err-$m.log" \
		"${TS}CRIT Server 'unix_http_server' running without any HTTP authentication checking$"
	expect_eq "$m -e error: no INFO or DEBG lines" "0" \
		"$(grep -Ec "${TS}(INFO|DEBG|WARN) " "$T/err-$m.log")"
	expect_true "$m -k: the old AUTO log stays" test -e "$T/keep/old-stdout---supervisor-abcdefgh.log"
	expect_eq "$m -m with -n: the inherited umask stays" "$(umask_of $$)" \
		"$(umask_of "$(pidof_prog talk)")"
	alog=$(ls "$T"/keep/ansi-stdout---supervisor-*.log 2>/dev/null | head -n 1)
	expect_file_contains "$m no --strip_ansi: the escapes stay" "$alog" "^${ESC}\\[31mred"
	stop_daemon
}
run_c short
run_c long

# ---- D: daemonized: -m umask for children, -d the daemon's cwd ------------
run_d() {
	m=$1
	mkdir -p "$T/clidir-$m"
	conf_file 'loglevel=info'
	if [ "$m" = short ]; then
		set -- -c "$CONF" -j "$T/d-$m.pid" -m 027 -d "$T/clidir-$m"
	else
		set -- --configuration="$CONF" --pidfile="$T/d-$m.pid" --umask=027 \
			--directory="$T/clidir-$m"
	fi
	timeout 10 "$SUPERVISE" "$@" >"$T/parent.out" 2>&1
	expect_eq "$m daemonize: the parent exits 0" 0 "$?"
	DPID=$(daemon_pid "$T/d-$m.pid")
	wait_state talk RUNNING
	expect_eq "$m -m: the child's umask" "0027" "$(umask_of "$(pidof_prog talk)")"
	expect_eq "$m -d: the daemon's cwd" "$T/clidir-$m" "$(readlink "/proc/$DPID/cwd")"
	stop_daemon
}
run_d short
run_d long

# ---- bad options -------------------------------------------------------
conf_file ''
bad() {
	timeout 5 "$SUPERVISE" "$@" >"$T/bad.out" 2>&1
	BRC=$?
	BOUT=$(cat "$T/bad.out")
}
bad -n -c "$CONF" -m 8
expect_eq "bad -m: exit 2" 2 "$BRC"
expect_match "bad -m: message" "^Error: invalid value for -m '8': 8 can not be converted to an octal type$" "$BOUT"
bad -n -c "$CONF" --umask=8
expect_match "bad --umask=: message" "^Error: invalid value for --umask '8': 8 can not be converted to an octal type$" "$BOUT"
bad -n -c "$CONF" --loglevel=loud
expect_match "bad --loglevel=: message" "^Error: invalid value for --loglevel 'loud': bad logging level name 'loud'$" "$BOUT"
bad -n -c "$CONF" -a abc
expect_match "bad -a: message" "^Error: invalid value for -a 'abc': invalid literal for int\\(\\) with base 10: 'abc'$" "$BOUT"
bad -n -c "$CONF" -e loud
expect_match "bad -e: message" "^Error: invalid value for -e 'loud': bad logging level name 'loud'$" "$BOUT"
bad -n -c "$CONF" foo
expect_eq "positional argument: exit 2" 2 "$BRC"
expect_match "positional argument: message" "^Error: positional arguments are not supported: \\['foo'\\]$" "$BOUT"
bad -n -c "$CONF" -c "$CONF"
expect_eq "conflicting option: exit 2" 2 "$BRC"
expect_match "conflicting option: message" "^Error: conflicting command line option '-c'$" "$BOUT"
bad -n -c "$CONF" -d /nonexistent-dir
expect_match "bad -d: message" "^Error: invalid value for -d '/nonexistent-dir': /nonexistent-dir is not an existing directory$" "$BOUT"
bad -n -c "$CONF" -q /nonexistent-dir
expect_match "bad -q: message" "^Error: invalid value for -q '/nonexistent-dir': /nonexistent-dir is not an existing directory$" "$BOUT"
bad -n -c "$CONF" -l /nonexistent-dir/x.log
expect_match "bad -l: message" "^Error: invalid value for -l '/nonexistent-dir/x.log': The directory named as part of the path /nonexistent-dir/x.log does not exist$" "$BOUT"
bad -n -c "$CONF" -j /nonexistent-dir/x.pid
expect_match "bad -j: message" "^Error: invalid value for -j '/nonexistent-dir/x.pid': The directory named as part of the path /nonexistent-dir/x.pid does not exist$" "$BOUT"
bad -c "$CONF" -d /nonexistent-dir -v
expect_eq "a bad value before -v: exit 2" 2 "$BRC"
expect_match "a bad value before -v: the error, not the version" "^Error: invalid value for -d '/nonexistent-dir'" "$BOUT"
bad -c "$CONF" --nodaemon=1
expect_eq "a flag with =value: exit 2" 2 "$BRC"
expect_match "a flag with =value: message" "^Error: option --nodaemon must not have an argument$" "$BOUT"
bad -c "$CONF" foo -s
expect_match "options after a positional argument are positional too" \
	"^Error: positional arguments are not supported: \\['foo', '-s'\\]$" "$BOUT"
bad -n -c "$CONF" --bogus
expect_match "unknown option: message" "^Error: option --bogus not recognized$" "$BOUT"
expect_match "errors: the help hint follows" "^For help, use .*-h$" "$BOUT"
expect_true "bad options: nothing started" test ! -S "$SOCK"

# ---- -a as non-root: the hard limit cannot be raised ---------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 711 "$T"; chmod 644 "$CONF"
	timeout 10 prlimit --nofile=512:512 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SUPERVISE" -n -c "$CONF" -a 1024 >"$T/minfds.out" 2>&1
	expect_eq "-a above the hard limit as non-root: exit 2" 2 "$?"
	expect_match "-a above the hard limit as non-root: message" \
		'^Error: The minimum number of file descriptors required to run this process is 1024 as per the "minfds" command-line argument or config file setting\. The current environment will only allow you to open 1024 file descriptors\.  Either raise the number of usable file descriptors in your environment \(see README\.rst\) or lower the minfds setting in the config file to allow the process to start\.$' \
		"$(cat "$T/minfds.out")"
	chmod 700 "$T"
else
	echo "t_options: -a as non-root not checked (needs root and setpriv)"
fi
