#!/bin/sh
# bench/throughput.sh - measure the log throughput budget: one program
# writes 256 MiB of 100-byte lines to stdout as fast as it can; with 1 MiB x
# 10 rotation the daemon sustains >= 80% of the rate of the same writer
# piped into `cat > file`, spending at most twice that cat's CPU.  Not a
# test: it prints figures.  Run from the top of the checkout after `make`.
#
#   sh bench/throughput.sh              3 runs of each, medians
#   REPS=5 sh bench/throughput.sh       more runs
#   STRACE=1 sh bench/throughput.sh     then one more supervise run under
#                                       `strace -c -p`, for the syscall mix
#
# The writer is tests/flood.c, built here.  Side by side, REPS times each:
#   cat          flood | cat > file: wall time of the pipeline; cat's CPU
#                from `times` in the subshell that ran it
#   supervise    the program started with `supervisectl start` on a daemon
#   supervisord  the same config under /usr/bin/supervisord 4.2.5 (SKIP if
#                it is not installed)
# A daemon's wall time runs from its own "spawned:" log line to its
# "exited:" line (ms resolution), so how often this script polls the log
# does not count; its CPU is utime + stime from /proc/PID/stat read once the
# socket answers and again after "exited:".  The program is started by hand
# (autostart=false) so that the daemon's start-up, a good part of a second
# for Python, stays out of the figure.  After each supervise run, flood -c
# checks that the retained window (flood.log.10 ... flood.log.1, flood.log)
# is whole and ends with the last line.

cd "$(dirname "$0")/.." || exit 1
SUPERVISE=${SUPERVISE:-$PWD/supervise}
SUPERVISECTL=${SUPERVISECTL:-$PWD/supervisectl}
SUPERVISORD=${SUPERVISORD:-/usr/bin/supervisord}
SUPERVISORCTL=${SUPERVISORCTL:-/usr/bin/supervisorctl}
REPS=${REPS:-3}
RUNTIMEOUT=${RUNTIMEOUT:-120}   # seconds, for each run
NLINES=2684355                  # 256 MiB of 100-byte lines
BYTES=$((NLINES * 100))
HZ=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/svthru.XXXXXX") || exit 1
DPID=
FLOODPID=

# stop: TERM the daemon by its pid (KILL after 15 s), then the program if a
# timed-out run left it behind
stop() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -TERM "$DPID"
		i=0
		while kill -0 "$DPID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$DPID" 2>/dev/null
	fi
	[ -n "$DPID" ] && wait "$DPID" 2>/dev/null
	if [ -n "$FLOODPID" ] && kill -0 "$FLOODPID" 2>/dev/null; then
		kill -KILL "$FLOODPID"
	fi
	DPID=
	FLOODPID=
}
trap 'stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

now_ns() { date +%s%N; }

# settle: write back what the last run left dirty, so that its writeback
# (and the discards of its deleted files) does not land on the next run
settle() { timeout 60 sync -f "$T" 2>/dev/null || timeout 60 sync; sleep 0.2; }

# cpu_ticks PID: utime + stime of the process (fields 14 and 15 of stat,
# counted after the command name, which may hold spaces)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# log_ms FILE ERE: the time of the first line matching ERE, ms since midnight
log_ms() {
	grep -E -m 1 -- "$2" "$1" |
		awk '{ split($2, t, /[:,]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}

# median: the middle one of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# mibs SECONDS: the rate of BYTES in that time
mibs() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", (s > 0 ? b / 1048576 / s : 0) }'; }

# record KIND SECONDS CPU: one run's figures, printed and kept for the medians
record() {
	printf '%-12s run %d: %7.3f s  %7s MiB/s  CPU %6.2f s%s\n' "$1" "$rep" "$2" \
		"$(mibs "$2")" "$3" "$4"
	echo "$2" >>"$T/$1.wall"
	echo "$3" >>"$T/$1.cpu"
}

echo "== building tests/flood.c"
${CC:-cc} -std=c99 -O2 -o "$T/flood" tests/flood.c || exit 1

# run_cat: flood | cat > file; the subshell around cat reports its children's
# times, which is cat alone
run_cat() {
	rm -f "$T/cat.out"
	settle
	t0=$(now_ns)
	timeout "$RUNTIMEOUT" "$T/flood" "$NLINES" | { cat >"$T/cat.out"; times >"$T/times"; }
	t1=$(now_ns)
	size=$(wc -c <"$T/cat.out")
	[ "$size" -eq "$BYTES" ] || echo "cat: wrote $size bytes of $BYTES"
	cpu=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m")
		printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$T/times")
	record cat "$(awk -v d=$((t1 - t0)) 'BEGIN { print d / 1e9 }')" "$cpu"
	rm -f "$T/cat.out"
}

# conf DIR: one program, flood, with 1 MiB x 10 rotation of its stdout
conf() {
	cat >"$1/d.conf" <<EOF
[unix_http_server]
file=$1/d.sock

[supervisord]
logfile=$1/d.log
pidfile=$1/d.pid
childlogdir=$1/log
loglevel=info

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$1/d.sock

[program:flood]
command=$T/flood $NLINES
autostart=false
autorestart=false
startsecs=0
stdout_logfile=$1/log/flood.log
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=10
EOF
}

# answers CTL CONF: the daemon's socket answers with its pid
answers() { [ "$("$1" -c "$2" pid 2>/dev/null)" = "$DPID" ]; }

# bounded WAITSECS CMD...: run CMD every 20 ms until it succeeds or time is up
bounded() {
	_end=$(( $(date +%s) + $1 + 1 )); shift
	until "$@"; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.02
	done
}

# check_window DIR: flood -c over the retained stdout files, oldest first
check_window() {
	_d=$1
	set --
	for i in 10 9 8 7 6 5 4 3 2 1; do
		[ -f "$_d/log/flood.log.$i" ] && set -- "$@" "$_d/log/flood.log.$i"
	done
	"$T/flood" -c "$@" "$_d/log/flood.log"
}

# run_daemon KIND DAEMON CTL: start the daemon, read its CPU, start flood,
# wait for "exited:", read its CPU again, stop it, check the window.  With
# TRACE set, strace -c watches the daemon meanwhile and its summary is shown.
run_daemon() {
	D=$T/$1.$rep
	mkdir -p "$D/log"
	conf "$D"
	"$2" -n -c "$D/d.conf" >"$D/out" 2>&1 &
	DPID=$!
	if ! bounded 10 answers "$3" "$D/d.conf"; then
		echo "$1: the daemon did not answer within 10 s: $(tail -n 3 "$D/out")"
		stop
		return 1
	fi
	spid=
	if [ -n "$TRACE" ]; then
		strace -c -p "$DPID" -o "$D/strace" 2>/dev/null &
		spid=$!
		sleep 0.5       # let it attach
	fi
	settle
	c0=$(cpu_ticks "$DPID")
	t0=$(now_ns)
	if ! "$3" -c "$D/d.conf" start flood >"$D/start.out" 2>&1; then
		echo "$1: start failed: $(cat "$D/start.out")"
		[ -n "$spid" ] && kill -INT "$spid"
		stop
		return 1
	fi
	FLOODPID=$(sed -n "s/.*spawned: 'flood' with pid \([0-9]*\).*/\1/p" "$D/d.log")
	if ! bounded "$RUNTIMEOUT" grep -q 'exited: flood' "$D/d.log"; then
		echo "$1: flood did not exit within $RUNTIMEOUT s"
		[ -n "$spid" ] && kill -INT "$spid"
		stop
		return 1
	fi
	t1=$(now_ns)
	c1=$(cpu_ticks "$DPID")
	if [ -n "$spid" ]; then
		kill -INT "$spid"
		wait "$spid"
	fi
	ms=$(( $(log_ms "$D/d.log" 'exited: flood') - $(log_ms "$D/d.log" "spawned: 'flood'") ))
	[ $ms -lt 0 ] && ms=$((ms + 86400000))      # past midnight
	[ $ms -eq 0 ] && ms=1
	record "$1" "$(awk -v m=$ms 'BEGIN { print m / 1000 }')" \
		"$(awk -v c=$((c1 - c0)) -v hz="$HZ" 'BEGIN { printf "%.2f", c / hz }')" \
		"  (start to seen: $(( (t1 - t0) / 1000000 )) ms)"
	[ -n "$spid" ] && cat "$D/strace"
	stop
	# supervisord may log "exited:" with the last 64 KiB still in the pipe:
	# check the window once the daemon is gone
	win=$(check_window "$D" 2>&1)
	printf '%-12s run %d: retained window: %s\n' "$1" "$rep" "$win"
	case $win in
	*" last $NLINES "*) ;;
	*) echo "$1 run $rep: the retained window does not end with line $NLINES" ;;
	esac
	grep ' ERRO ' "$D/d.log"
	rm -rf "$D"
}

have_supervisord=
[ -x "$SUPERVISORD" ] && [ -x "$SUPERVISORCTL" ] && have_supervisord=1

echo "== $NLINES lines of 100 bytes ($((BYTES / 1048576)) MiB), $REPS runs each"
rep=1
while [ $rep -le "$REPS" ]; do
	run_cat
	run_daemon supervise "$SUPERVISE" "$SUPERVISECTL"
	[ -n "$have_supervisord" ] && run_daemon supervisord "$SUPERVISORD" "$SUPERVISORCTL"
	rep=$((rep + 1))
done
[ -n "$have_supervisord" ] || echo "SKIP supervisord: $SUPERVISORD not installed"

echo "== medians"
cwall=$(median <"$T/cat.wall")
ccpu=$(median <"$T/cat.cpu")
printf '%-12s %9s %8s %9s %8s\n' "" "MiB/s" "CPU s" "rate/cat" "CPU/cat"
for k in cat supervise supervisord; do
	[ -s "$T/$k.wall" ] || continue
	wall=$(median <"$T/$k.wall")
	cpu=$(median <"$T/$k.cpu")
	awk -v k=$k -v w="$wall" -v c="$cpu" -v cw="$cwall" -v cc="$ccpu" -v r="$(mibs "$wall")" \
		'BEGIN { printf "%-12s %9s %8.2f %9.2f %8s\n", k, r, c, cw / w,
			(cc > 0 ? sprintf("%.2f", c / cc) : "-") }'
done
echo "budget: rate/cat >= 0.80 and CPU/cat <= 2.00 (for supervise)"

if [ -n "$STRACE" ]; then
	if command -v strace >/dev/null 2>&1; then
		echo "== one more supervise run under strace -c -p (slower; not in the table)"
		TRACE=1
		rep=1
		run_daemon supervise+strace "$SUPERVISE" "$SUPERVISECTL"
		TRACE=
	else
		echo "SKIP strace: not installed"
	fi
fi
