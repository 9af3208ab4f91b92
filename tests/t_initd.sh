#!/bin/sh
# t_initd: init.d/supervise, the SysV / LSB / BusyBox init script, run for
# real against the daemon, which the script starts itself.  Every action,
# its effect and its exit status, once under dash with Red Hat style output
# (a stand-in for /etc/rc.d/init.d/functions) and the pidfile read from the
# config, once under busybox sh with only BusyBox's applets on PATH, plain
# output, the pidfile set in the settings file and the script installed as
# S95supervise.  The settings file is in $T, so nothing under /etc is read.
# Then the headers chkconfig and insserv read, and the systemd unit.

. tests/lib.sh
need dash
need busybox

INIT=$PWD/init.d/supervise
UNIT=$PWD/init.d/supervise.service

# The script starts the daemons, so lib's trap does not know their pids:
# every pid a pidfile showed is remembered, and at exit each one still alive
# is stopped by its pid (TERM, then KILL) before lib's cleanup.
DAEMONS=
on_exit() {
	saw_daemon
	for _d in $DAEMONS; do
		alive "$_d" && { DPID=$_d; stop_daemon; }
	done
	cleanup
}
trap on_exit EXIT

# saw_daemon: remember the pid in the current pidfile
saw_daemon() {
	_p=$(cat "$DPIDFILE" 2>/dev/null)
	case $_p in ''|*[!0-9]*) return 0 ;; esac
	case " $DAEMONS " in *" $_p "*) ;; *) DAEMONS="$DAEMONS $_p" ;; esac
}

# initd ACTION...: run the script as service(8) does, in a clean environment;
# output (stdout and stderr) in OUT, status in RC.  $SH, $SCRIPT, $IPATH,
# $FUNCS and $DPIDFILE say how (see the suites below).
initd() {
	# shellcheck disable=SC2086  # SH may be "busybox sh"
	OUT=$(env -i PATH="$IPATH" SUPERVISE_DEFAULTS="$T/defaults" \
		SUPERVISE_FUNCTIONS="$FUNCS" $SH "$SCRIPT" "$@" 2>&1)
	RC=$?
	saw_daemon
}

daemon() { cat "$DPIDFILE" 2>/dev/null; }

# pid_of NAME: the pid a test program wrote for itself
pid_of() { cat "$T/$1.pid" 2>/dev/null; }

# ready NAME: print the pid of program NAME once it runs and has written its
# pid (after setting its trap); uses ctl, so OUT and RC change
ready() { until_ok 10 ready_now "$1"; pid_of "$1"; }
ready_now() { _s=$(pidof_prog "$1"); [ -n "$_s" ] && [ "$_s" = "$(pid_of "$1")" ]; }

not() { ! "$@"; }

# the test programs: "prog NAME" sleeps; "slow SECONDS" takes SECONDS to
# stop after SIGTERM.  Each writes its pid into $T (lib's trap kills those).
script prog <<'EOF'
echo $$ >"${0%/*}/$1.pid"
exec sleep 1000
EOF
script slow <<'EOF'
trap 'sleep "$1"; exit 0' TERM
echo $$ >"${0%/*}/slow.pid"
while :; do sleep 0.1; done
EOF

# write_conf SLOW-SECONDS: the config, with a slow program unless 0
write_conf() {
	conf_base
	conf <<EOF
[program:steady]
command=%(here)s/prog steady
startsecs=0
EOF
	[ "$1" -gt 0 ] && conf <<EOF

[program:slow]
command=%(here)s/slow $1
startsecs=0
EOF
	cp "$CONF" "$T/good.conf"
}

# break_conf / mend_conf: a program with no command, which -t refuses
break_conf() { printf '\n[program:broken]\n' >>"$CONF"; }
mend_conf() { cp "$T/good.conf" "$CONF"; }

# write_defaults [MORE-LINES]: the settings file; PIDFILE empty (the
# config's pidfile) unless MORE-LINES set it
write_defaults() {
	mkdir -p "$T/lock"
	cat >"$T/defaults" <<EOF
SUPERVISE=$SUPERVISE
SUPERVISECTL=$SUPERVISECTL
CONFIG=$CONF
PIDFILE=
LOCKFILE=$T/lock/supervise
$1
EOF
}

# ---- every action, its effect, its exit status ------------------------------

# suite LABEL OK-ERE FAIL-ERE RESTART-WHEN-RUNNING RESTART-WHEN-STOPPED
suite() {
	L=$1 OK=$2 FAILED=$3
	rm -f "$T/lock/supervise"

	initd status
	expect_eq "$L: status when stopped exits 3" 3 "$RC"
	expect_match "$L: status when stopped says so" '^supervise is stopped$' "$OUT"

	initd start
	expect_eq "$L: start exits 0" 0 "$RC"
	expect_match "$L: start says OK" "^Starting supervise: $OK\$" "$OUT"
	d1=$(daemon)
	expect_true "$L: start leaves the daemon running" alive "$d1"
	expect_true "$L: the daemon starts its programs" wait_state steady RUNNING
	expect_true "$L: start makes the lock file" test -f "$T/lock/supervise"

	initd start
	expect_eq "$L: start when running exits 0" 0 "$RC"
	expect_match "$L: start when running says so" "already running, pid $d1" "$OUT"
	expect_eq "$L: start when running keeps the daemon" "$d1" "$(daemon)"

	initd status
	expect_eq "$L: status when running exits 0" 0 "$RC"
	expect_match "$L: status names the daemon's pid" "^supervise \\(pid $d1\\) is running" "$OUT"
	expect_match "$L: status lists the programs" '^steady +RUNNING ' "$OUT"

	# a broken config: restart and reload refuse it, the daemon stays
	break_conf
	initd restart
	expect_eq "$L: restart with a broken config exits 6" 6 "$RC"
	expect_match "$L: restart with a broken config says why" 'broken.*command' "$OUT"
	expect_eq "$L: restart with a broken config keeps the daemon" "$d1" "$(daemon)"
	initd reload
	expect_eq "$L: reload with a broken config exits 6" 6 "$RC"
	expect_match "$L: reload with a broken config says so" \
		'has errors; the daemon keeps its running configuration' "$OUT"
	initd status
	expect_eq "$L: status with a broken config still finds the daemon" 0 "$RC"
	mend_conf
	expect_true "$L: the daemon is the same after all that" alive "$d1"

	# reload: the same daemon, the new config
	conf <<EOF

[program:added]
command=%(here)s/prog added
startsecs=0
EOF
	cp "$CONF" "$T/good.conf"
	initd reload
	expect_eq "$L: reload exits 0" 0 "$RC"
	expect_match "$L: reload says OK" "^Reloading supervise: $OK\$" "$OUT"
	expect_eq "$L: reload keeps the daemon" "$d1" "$(daemon)"
	expect_true "$L: reload applies the new config" wait_state added RUNNING 15
	wait_state steady RUNNING 10

	initd restart
	d2=$(daemon)
	expect_eq "$L: restart exits 0" 0 "$RC"
	expect_match "$L: restart stops then starts" \
		"^Stopping supervise: $OK\$" "$(printf '%s\n' "$OUT" | head -n 1)"
	expect_true "$L: restart starts a new daemon" test -n "$d2" -a "$d2" != "$d1"
	expect_true "$L: restart stops the old daemon" dead "$d1"
	expect_true "$L: restart leaves the new daemon running" alive "$d2"
	expect_true "$L: the new daemon starts its programs" wait_state added RUNNING

	initd "$4"
	d3=$(daemon)
	expect_eq "$L: $4 when running exits 0" 0 "$RC"
	expect_true "$L: $4 when running starts a new daemon" test -n "$d3" -a "$d3" != "$d2"
	expect_true "$L: $4 leaves the new daemon running" alive "$d3"

	# stop waits for the daemon, which waits ~2 s for the slow program
	steady=$(ready steady) slow=$(ready slow)
	t0=$(date +%s)
	initd stop
	t1=$(date +%s)
	expect_eq "$L: stop exits 0" 0 "$RC"
	expect_match "$L: stop says OK" "^Stopping supervise: $OK\$" "$OUT"
	expect_true "$L: the daemon is gone when stop returns" dead "$d3"
	expect_true "$L: its programs are gone when stop returns" dead "$steady"
	expect_true "$L: stop waited for the slow program" dead "$slow"
	expect_true "$L: stop took the slow program's 2 s" test $((t1 - t0)) -ge 2
	expect_true "$L: stop removes the pidfile" test ! -e "$DPIDFILE"
	expect_true "$L: stop removes the lock file" test ! -e "$T/lock/supervise"

	initd stop
	expect_eq "$L: stop when stopped exits 0" 0 "$RC"
	expect_match "$L: stop when stopped says so" 'not running' "$OUT"

	initd "$5"
	expect_eq "$L: $5 when stopped exits 0" 0 "$RC"
	initd status
	expect_eq "$L: $5 when stopped starts nothing" 3 "$RC"

	initd restart
	expect_eq "$L: restart when stopped exits 0" 0 "$RC"
	d4=$(daemon)
	expect_true "$L: restart when stopped starts the daemon" alive "$d4"
	initd force-reload
	expect_eq "$L: force-reload when running exits 0" 0 "$RC"
	expect_eq "$L: force-reload keeps the daemon" "$d4" "$(daemon)"
	initd stop
	expect_true "$L: then stop stops it" dead "$d4"

	initd reload
	expect_eq "$L: reload when stopped exits 7" 7 "$RC"
	expect_match "$L: reload when stopped says so" "^Reloading supervise: .*${FAILED}" "$OUT"
	initd force-reload
	expect_eq "$L: force-reload when stopped exits 7" 7 "$RC"

	# stale pidfiles: a dead pid, then a live process that is not the daemon
	sh -c 'exit 0' &
	gone=$!
	wait "$gone"
	echo "$gone" >"$DPIDFILE"
	initd status
	expect_eq "$L: status with a stale pidfile exits 1" 1 "$RC"
	expect_match "$L: status with a stale pidfile says so" 'dead but pid file exists' "$OUT"
	sleep 30 &
	other=$!
	track "$other"
	echo "$other" >"$DPIDFILE"
	initd status
	expect_eq "$L: a pidfile naming another program is stale" 1 "$RC"
	initd stop
	expect_eq "$L: stop with a stale pidfile exits 0" 0 "$RC"
	expect_true "$L: stop leaves the other program alone" alive "$other"
	expect_true "$L: stop removes a stale pidfile" test ! -e "$DPIDFILE"
	kill "$other"
	wait "$other" 2>/dev/null
	# a pidfile naming the script itself: its pid came round again
	# shellcheck disable=SC2086  # SH may be "busybox sh"
	OUT=$(env -i PATH="$IPATH" SUPERVISE_DEFAULTS="$T/defaults" SUPERVISE_FUNCTIONS="$FUNCS" \
		sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$DPIDFILE" $SH "$SCRIPT" status 2>&1)
	RC=$?
	expect_eq "$L: a pidfile naming the script itself is stale" 1 "$RC"
	rm -f "$DPIDFILE"

	: >"$T/lock/supervise"
	initd status
	expect_eq "$L: status with only the lock file exits 2" 2 "$RC"
	rm -f "$T/lock/supervise"

	initd bogus
	expect_eq "$L: an unknown action exits 2" 2 "$RC"
	expect_match "$L: an unknown action prints the usage" \
		"^Usage: $SCRIPT \\{start\\|stop\\|status\\|restart\\|condrestart\\|try-restart\\|reload\\|force-reload\\}\$" "$OUT"
	initd
	expect_eq "$L: no action exits 2" 2 "$RC"

	break_conf
	initd start
	expect_eq "$L: start with a broken config exits 6" 6 "$RC"
	expect_match "$L: start with a broken config says FAIL" "^Starting supervise: $FAILED" "$OUT"
	expect_match "$L: start with a broken config says why" \
		"$CONF has errors; nothing was started" "$OUT"
	expect_match "$L: ... and gives the config's error" 'broken.*command' "$OUT"
	expect_true "$L: start with a broken config starts no daemon" test ! -e "$DPIDFILE"
	expect_true "$L: ... nor answers on the socket" not answers
	mend_conf

	cp "$T/defaults" "$T/defaults.kept"
	echo "SUPERVISE=$T/nonexistent" >>"$T/defaults"
	initd start
	expect_eq "$L: start without the daemon's binary exits 5" 5 "$RC"
	expect_match "$L: ... and says which binary" "$T/nonexistent is not installed" "$OUT"
	mv "$T/defaults.kept" "$T/defaults"
}

# The script drives supervise's own -t and -T: against supervisord only its
# files are checked.
if is_supervise; then
	# dash, Red Hat's functions (a stand-in), the pidfile from the config
	cat >"$T/functions" <<'EOF'
success() { printf '[  OK  ]'; return 0; }
failure() { printf '[FAILED]'; return 1; }
EOF
	SH=dash SCRIPT=$INIT IPATH=$PATH FUNCS=$T/functions DPIDFILE=$PIDFILE
	write_conf 2
	write_defaults
	suite dash '\[  OK  \]' '\[FAILED\]' condrestart try-restart

	# stop gives up after STOP_TIMEOUT and kills the daemon alone, saying so
	write_conf 6
	write_defaults STOP_TIMEOUT=1
	FUNCS=''
	initd start
	d=$(daemon)
	slow=$(ready slow)
	t0=$(date +%s)
	initd stop
	t1=$(date +%s)
	expect_eq "dash: stop past STOP_TIMEOUT exits 1" 1 "$RC"
	expect_match "dash: stop past STOP_TIMEOUT says FAIL" '^Stopping supervise: FAIL$' "$OUT"
	expect_match "dash: stop past STOP_TIMEOUT says it killed the daemon" \
		'did not stop its programs within 1 s.*SIGKILL to the daemon only' "$OUT"
	expect_true "dash: stop past STOP_TIMEOUT is bounded" test $((t1 - t0)) -lt 6
	expect_true "dash: the daemon is gone after SIGKILL" dead "$d"
	expect_true "dash: the program it was stopping is not killed" alive "$slow"
	kill -KILL "$slow" 2>/dev/null
	write_conf 0
	initd start
	expect_eq "dash: start after a killed daemon exits 0" 0 "$RC"
	expect_true "dash: start after a killed daemon runs it" alive "$(daemon)"
	initd stop
	expect_eq "dash: then stop exits 0" 0 "$RC"

	# busybox sh with BusyBox's applets only, installed as S95supervise, plain
	# output, the pidfile from the settings file
	mkdir "$T/bb"
	busybox --install -s "$T/bb"
	# a cross build runs through qemu-user, named by $QEMU (see run.sh)
	[ -n "$QEMU" ] && ln -s "$(command -v "${QEMU%% *}")" "$T/bb/"
	ln -s "$INIT" "$T/S95supervise"
	SH="$(command -v busybox) sh" SCRIPT=$T/S95supervise IPATH=$T/bb FUNCS='' DPIDFILE=$T/init.pid
	write_conf 0
	write_defaults "PIDFILE=$T/init.pid"
	initd start
	expect_true "busybox: PIDFILE from the settings file is the daemon's (-j)" \
		test -s "$T/init.pid" -a ! -e "$T/supervise.pid"
	initd stop
	# with PIDFILE set, stop needs neither the config nor a lock file
	write_defaults "PIDFILE=$T/init.pid
LOCKFILE="
	initd start
	d=$(daemon)
	break_conf
	initd stop
	expect_eq "busybox: stop with a broken config and no lock file exits 0" 0 "$RC"
	expect_true "busybox: ... and stops the daemon" dead "$d"
	write_defaults "PIDFILE=$T/init.pid"
	write_conf 2
	suite busybox OK FAIL try-restart condrestart

	# [supervisord] user=nobody: the daemon drops root before it writes its
	# pidfile, in a directory only root may write (/var/run)
	if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null 2>&1; then
		chmod 711 "$T"
		mkdir -p "$T/u" "$T/run"
		chmod 777 "$T/u"
		cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/u/supervise.sock
[supervisord]
logfile=%(here)s/u/supervise.log
childlogdir=%(here)s/u
user=nobody
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://%(here)s/u/supervise.sock
[program:steady]
command=%(here)s/prog steady
startsecs=0
EOF
		chmod 644 "$CONF"
		SOCK=$T/u/supervise.sock DPIDFILE=$T/run/init.pid
		write_defaults "PIDFILE=$T/run/init.pid"
		initd start
		d=$(daemon)
		expect_eq "user=nobody: start exits 0" 0 "$RC"
		expect_true "user=nobody: the pidfile names the daemon" alive "$d"
		expect_eq "user=nobody: the daemon runs as nobody" nobody "$(ps -o user= -p "$d")"
		initd status
		expect_eq "user=nobody: status exits 0" 0 "$RC"
		initd stop
		expect_eq "user=nobody: stop exits 0" 0 "$RC"
		expect_true "user=nobody: stop stops the daemon" dead "$d"
		expect_true "user=nobody: stop removes the pidfile" test ! -e "$T/run/init.pid"
		chmod 700 "$T"
	fi
fi

# ---- the headers chkconfig and insserv read ---------------------------------

hdr() { grep -Exq -- "$1" "$INIT"; }
expect_eq "shebang is /bin/sh" '#!/bin/sh' "$(head -n 1 "$INIT")"
expect_true "chkconfig line" hdr '# chkconfig: - 95 04'
expect_true "description line" hdr '# description: .+'
expect_true "processname line" hdr '# processname: supervise'
expect_true "config line" hdr '# config: /etc/supervise.conf'
expect_true "pidfile line" hdr '# pidfile: /var/run/supervise.pid'
expect_true "the pidfile line is PIDFILE's default" \
	hdr 'PIDFILE=\$\{PIDFILE-/var/run/supervise.pid\}'
expect_true "LSB block begins" hdr '### BEGIN INIT INFO'
expect_true "LSB block ends" hdr '### END INIT INFO'
lsb=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$INIT")
expect_match "LSB Provides" '^# Provides: +supervise$' "$lsb"
expect_match "LSB Required-Start" '^# Required-Start: +\$local_fs \$remote_fs \$network \$syslog$' "$lsb"
expect_match "LSB Required-Stop" '^# Required-Stop: +\$local_fs \$remote_fs \$network \$syslog$' "$lsb"
expect_match "LSB Default-Start" '^# Default-Start: +2 3 4 5$' "$lsb"
expect_match "LSB Default-Stop" '^# Default-Stop: +0 1 6$' "$lsb"
expect_match "LSB Short-Description" '^# Short-Description: .+' "$lsb"
expect_match "LSB Description" '^# Description: .+' "$lsb"
# insserv: inside the block, a line is a field or a continuation ('#' and a
# tab or at least two spaces)
expect_eq "LSB block lines are all fields or continuations" "" \
	"$(printf '%s\n' "$lsb" | sed '1d;$d' | grep -Ev '^# [A-Z][A-Za-z-]*:( |$)|^#(	|  )')"
# chkconfig stops reading at the first description once it has levels, so
# its own "-" wins over Default-Start only when both come before the block
line_of() { grep -n -E -m 1 -- "$1" "$INIT" | cut -d: -f1; }
expect_true "chkconfig and description lines come before the LSB block" test \
	"$(line_of '^# chkconfig:')" -lt "$(line_of '^### BEGIN INIT INFO')" -a \
	"$(line_of '^# description:')" -lt "$(line_of '^### BEGIN INIT INFO')"

if command -v checkbashisms >/dev/null 2>&1; then
	expect_eq "checkbashisms finds nothing" "" "$(checkbashisms "$INIT" 2>&1)"
fi

# ---- the systemd unit -------------------------------------------------------

unit() { grep -Exq -- "$1" "$UNIT"; }
expect_true "unit: Type=forking" unit 'Type=forking'
expect_true "unit: the pidfile it gives the daemon is its PIDFile" \
	test "$(sed -n 's/^PIDFile=//p' "$UNIT")" = "$(sed -n 's/^ExecStart=.* -j \([^ ]*\) .*/\1/p' "$UNIT")"
expect_true "unit: ExecStartPre checks the config" unit 'ExecStartPre=[^ ]*/supervise -t .*'
expect_true "unit: ExecReload checks, then sends SIGHUP" \
	test "$(grep -c '^ExecReload=' "$UNIT")" = 2 -a -n "$(grep -x 'ExecReload=/bin/kill -HUP \$MAINPID' "$UNIT")"
expect_true "unit: KillMode=mixed" unit 'KillMode=mixed'
expect_true "unit: TimeoutStopSec is set" unit 'TimeoutStopSec=[0-9]+'
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s,/usr/local/sbin/supervise,$SUPERVISE," "$UNIT" >"$T/supervise.service"
	expect_eq "unit: systemd-analyze verify is silent" "" \
		"$(systemd-analyze verify --man=no "$T/supervise.service" 2>&1)"
fi
