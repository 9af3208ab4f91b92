# tests/lib.sh - what every tests/t_*.sh sources.
#
# A test makes a temp dir $T holding supervise.conf (conf_base writes the
# sections every config needs; the test appends its programs with conf),
# starts the daemon with start_daemon, drives it with ctl and reports one
# line per assertion:
#
#   PASS <name>
#   FAIL <name>: <detail>
#   SKIP <test>: <tool> not installed
#
# SUPERVISE and SUPERVISECTL name the binaries under test; pointing them at
# /usr/bin/supervisord and /usr/bin/supervisorctl runs the same tests
# against supervisord 4.2.5, which proves the expectations.  Checks of the
# differences on purpose are wrapped in `if is_supervise`.
#
# Every wait is bounded.  On exit the trap stops the daemon by its pid, then
# kills the pids the test recorded with track (or that programs wrote into
# $T/*.pid), and removes $T.  Nothing is ever killed by name.

TEST=$(basename "$0" .sh)
SUPERVISE=${SUPERVISE:-./supervise}
SUPERVISECTL=${SUPERVISECTL:-./supervisectl}
case $SUPERVISE in /*) ;; *) SUPERVISE=$PWD/$SUPERVISE ;; esac
case $SUPERVISECTL in /*) ;; *) SUPERVISECTL=$PWD/$SUPERVISECTL ;; esac
# the path the daemon names itself by in messages ("For help, use ... -h"):
# $SUPERVISE, unless that is run.sh's valgrind wrapper of the real binary
SUPERVISE_ARGV0=${SUPERVISE_ARGV0:-$SUPERVISE}
case $SUPERVISE_ARGV0 in /*) ;; *) SUPERVISE_ARGV0=$PWD/$SUPERVISE_ARGV0 ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/sv.XXXXXX") || exit 1
CONF=$T/supervise.conf
CTLCONF=$CONF           # the client's -c; a test that breaks CONF points it elsewhere
SOCK=$T/supervise.sock
PIDFILE=$T/supervise.pid
LOG=$T/supervise.log
DPID=
TRACKED=
# the timestamp that starts every main-log line: 2026-11-23 19:34:55,910
TS='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} '
OUT=
RC=

# is_supervise: true unless the binary under test is supervisord itself
is_supervise() {
	case $(basename "$SUPERVISE") in supervisord*) return 1 ;; esac
	return 0
}

pass() { echo "PASS $TEST: $1"; }

# fail NAME DETAIL: newlines in DETAIL are shown as \n so a FAIL is one line
fail() {
	printf 'FAIL %s: %s: %s\n' "$TEST" "$1" \
		"$(printf '%s' "$2" | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')"
}

skip() { echo "SKIP $TEST: $1 not installed"; exit 0; }

# need TOOL: skip the whole test when TOOL is missing
need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || skip "$1"; }

# need_nobody WHY: skip the whole test unless run as root with a user
# nobody (WHY: what root is for); sets NOBODY_UID, NOBODY_GID, NOBODY_GROUP
need_nobody() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP $TEST: needs root ($1)"
		exit 0
	fi
	getent passwd nobody >/dev/null 2>&1 || { echo "SKIP $TEST: no user nobody"; exit 0; }
	NOBODY_UID=$(id -u nobody)
	NOBODY_GID=$(id -g nobody)
	NOBODY_GROUP=$(id -gn nobody)
}

# build_rawclient: tests/rawclient.c as $RAW, built for this host
build_rawclient() {
	RAW=$T/rawclient
	${HOSTCC:-cc} -O -o "$RAW" tests/rawclient.c || { fail "rawclient builds" "cc failed"; return 1; }
}

# ---- assertions ----------------------------------------------------------

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1" "expected [$2], got [$3]"; fi
}

# expect_match NAME ERE TEXT: some line of TEXT matches the extended regex
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"
	else fail "$1" "no line matches /$2/ in [$3]"; fi
}

# expect_nomatch NAME ERE TEXT: no line of TEXT matches
expect_nomatch() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then fail "$1" "/$2/ matched in [$3]"
	else pass "$1"; fi
}

# expect_file_contains NAME FILE ERE [timeout]: waits for the line to appear
expect_file_contains() {
	if wait_file "$2" "$3" "${4:-5}"; then pass "$1"
	else fail "$1" "no line matches /$3/ in $2: [$(cat "$2" 2>/dev/null | tail -n 20)]"; fi
}

# expect_true NAME CMD...: the command succeeds
expect_true() {
	_n=$1; shift
	if "$@"; then pass "$_n"; else fail "$_n" "failed: $*"; fi
}

# ---- waiting -------------------------------------------------------------

# SLOW: the factor for bounds on how soon the daemon starts, answers or
# acts: 2 under valgrind (VALGRIND=1, see run.sh), which slows it down
SLOW=1
[ -n "$VALGRIND" ] && SLOW=2

# NOFILE: prlimit's option for a daemon whose minfds=1000 raises its soft fd
# limit from 512.  valgrind keeps fds of its own above the soft limit it
# starts with and lets no program raise it: under valgrind the limit starts
# at 1024, and the raise is checked by the runs without it (VALGRIND unset).
NOFILE=--nofile=512:
[ -n "$VALGRIND" ] && NOFILE=--nofile=1024:

# nap: 20 ms (POSIX sleep takes whole seconds; every sleep here takes less)
nap() { sleep 0.02 2>/dev/null || sleep 1; }

# until_ok SECONDS CMD...: run CMD every ~20 ms until it succeeds or time is up
until_ok() {
	_end=$(( $(date +%s) + $1 + 1 )); shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		nap
	done
}

# wait_file FILE ERE [timeout]
wait_file() { until_ok "${3:-5}" grep -Eq -- "$2" "$1" 2>/dev/null; }

# wait_log ERE [timeout]: a line of the main log matches
wait_log() { wait_file "$LOG" "$1" "${2:-10}"; }

# log_count ERE: how many lines of the main log match
log_count() { grep -Ec -- "$1" "$LOG" 2>/dev/null || true; }

# log_ms ERE: the time of the first main-log line matching ERE, in ms since
# midnight (for comparing two lines of one run)
log_ms() {
	grep -E -m 1 -- "$1" "$LOG" 2>/dev/null |
		awk '{ split($2, t, /[:,]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}

# log_atleast N ERE: at least N lines of the main log match (for until_ok)
log_atleast() { [ "$(log_count "$2")" -ge "$1" ]; }

# lines_in FILE N ERE: exactly N lines of FILE match (for until_ok)
lines_in() { [ "$(grep -Ec -- "$3" "$1" 2>/dev/null)" = "$2" ]; }

# dir_has DIR ERE: a file name in DIR matches (for until_ok)
dir_has() { ls "$1" 2>/dev/null | grep -Eq -- "$2"; }

# ---- processes -----------------------------------------------------------

# alive PID: the process exists and is not a zombie
alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in Z*|X*|'') return 1 ;; esac
	return 0
}

dead() { ! alive "$1"; }

# wait_dead PID [timeout]
wait_dead() { until_ok "${2:-5}" dead "$1"; }

# runs PID WORD...: PID has exec'd the command line WORD... (a child under
# valgrind takes its time between fork and exec)
runs() {
	_p=$1; shift
	[ -n "$_p" ] && [ "$(tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null)" = "$* " ]
}

# track PID...: remember pids that the trap kills at exit
track() { TRACKED="$TRACKED $*"; }

# pidof_prog NAME: the pid status shows for NAME, or empty
pidof_prog() {
	ctl status "$1"
	printf '%s\n' "$OUT" | sed -n 's/.* pid \([0-9]*\),.*/\1/p' | head -n 1
}

# state_is NAME STATE: `status NAME` shows STATE (an ERE) for NAME
state_is() {
	ctl status "$1"
	printf '%s\n' "$OUT" | grep -Eq "^$1 +($2)( |\$)"
}

# wait_state NAME STATE [timeout]: poll status until NAME is in STATE
wait_state() { until_ok "${3:-10}" state_is "$1" "$2"; }

# ---- following clients (tail -f, maintail -f) ------------------------------

# follow NAME ARGS...: the client in the background (SIGINT not ignored),
# stdout in $T/NAME.out, stderr in $T/NAME.errout, pid in FPID
follow() {
	_f=$1; shift
	env --default-signal=INT "$SUPERVISECTL" -c "$CTLCONF" "$@" \
		>"$T/$_f.out" 2>"$T/$_f.errout" &
	FPID=$!
	track "$FPID"
}
# interrupt: SIGINT the follower; RC is its exit status (or "running")
interrupt() {
	kill -INT "$FPID" 2>/dev/null
	if wait_dead "$FPID" 5; then wait "$FPID"; RC=$?
	else RC=running; kill -KILL "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null; fi
}
# follow_ends: the follower ends by itself within 5 s; RC is its exit
# status, or "running" (and it is interrupted) if it does not
follow_ends() {
	if until_ok 5 dead "$FPID"; then wait "$FPID"; RC=$?; else RC=running; interrupt; fi
}

# ---- config and daemon ---------------------------------------------------

# conf_base [EXTRA-SUPERVISORD-LINES]: the sections every test config needs
conf_base() {
	mkdir -p "$T/log"
	cat >"$CONF" <<EOF
[unix_http_server]
file=%(here)s/supervise.sock

[supervisord]
logfile=%(here)s/supervise.log
pidfile=%(here)s/supervise.pid
childlogdir=%(here)s/log
loglevel=debug
$1

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervise.sock

EOF
}

# conf: append stdin to the config
conf() { cat >>"$CONF"; }

# script NAME: write stdin to $T/NAME as an executable sh script
script() {
	{ echo '#!/bin/sh'; cat; } >"$T/$1"
	chmod +x "$T/$1"
}

# ctl ARGS...: run the client; output (stdout and stderr) in OUT, status in RC
ctl() {
	OUT=$("$SUPERVISECTL" -c "$CTLCONF" "$@" 2>&1)
	RC=$?
}

# answers: the control socket answers a status request
answers() {
	[ -S "$SOCK" ] || return 1
	"$SUPERVISECTL" -c "$CTLCONF" pid >/dev/null 2>&1
}

# start_cmd CMD...: run CMD (a daemon command line) in the background and
# wait until the socket answers
start_cmd() {
	"$@" >>"$T/daemon.out" 2>&1 &
	DPID=$!
	if until_ok $((10 * SLOW)) answers_or_died && alive "$DPID"; then return 0; fi
	fail "daemon starts" "socket did not answer within $((10 * SLOW)) s: $(tail -n 5 "$T/daemon.out")"
	return 1
}

# start_daemon [ARGS...]: the daemon in the foreground (-n), in the background
start_daemon() { start_cmd "$SUPERVISE" -n -c "$CONF" "$@"; }

# start_piped READER: the daemon in the foreground, its stdout piped into the
# shell command READER; DPID from the pidfile, PIPELINE the reader's pid
start_piped() {
	rm -f "$PIDFILE"
	"$SUPERVISE" -n -c "$CONF" 2>>"$T/daemon.err" | sh -c "$1" &
	PIPELINE=$!
	track "$PIPELINE"
	DPID=$(daemon_pid "$PIDFILE")
	track "$DPID"
	if [ -n "$DPID" ] && until_ok $((10 * SLOW)) answers_or_died && alive "$DPID"; then return 0; fi
	fail "daemon starts" "no pidfile or socket within $((10 * SLOW)) s: $(tail -n 5 "$T/daemon.err")"
	return 1
}

# daemon_pid FILE: the pid in a pidfile once it is written
daemon_pid() {
	until_ok $((5 * SLOW)) test -s "$1"
	cat "$1" 2>/dev/null
}

# umask_of PID: the Umask line of /proc/PID/status
umask_of() { sed -n 's/^Umask:[[:space:]]*//p' "/proc/$1/status"; }

# no_ts FILE: the file has no main-log line
no_ts() { ! grep -Eq "$TS" "$1" 2>/dev/null; }

# environ_has PID VAR=VALUE: the process's environment holds the pair
environ_has() { tr '\0' '\n' <"/proc/$1/environ" | grep -qxF -- "$2"; }

answers_or_died() { dead "$DPID" || answers; }

# stop_daemon: TERM the daemon, KILL it if it is still there after 15 s
stop_daemon() {
	[ -n "$DPID" ] || return 0
	if alive "$DPID"; then
		kill -TERM "$DPID" 2>/dev/null
		wait_dead "$DPID" 15 || kill -KILL "$DPID" 2>/dev/null
	fi
	wait "$DPID" 2>/dev/null
	DPID=
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop_daemon
	for _f in "$T"/*.pid; do
		[ -f "$_f" ] && TRACKED="$TRACKED $(cat "$_f" 2>/dev/null)"
	done
	for _p in $TRACKED; do
		case $_p in *[!0-9]*|'') continue ;; esac
		[ "$_p" -gt 1 ] && alive "$_p" && kill -KILL "$_p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
