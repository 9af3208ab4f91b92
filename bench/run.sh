#!/bin/sh
# bench/run.sh - measure supervise against its budgets (issue 2).  Not a
# test: it prints figures.  Run from the top of the checkout after `make`.
#
#   sh bench/run.sh             everything
#   IDLE_SECS=10 sh bench/run.sh   a shorter idle window (the budget is 60 s)
#
# Figures: idle wake-ups, PSS and RSS with 10 programs, PSS with 100 and
# 1000 programs, restart latency after kill -9, time to bring 1000
# startsecs=0 programs to RUNNING, time of `supervisectl status` with 1000,
# stripped size of an -Os build.  SUPERVISE and SUPERVISECTL name other
# binaries, e.g. the static musl build for its RSS budget.

cd "$(dirname "$0")/.." || exit 1
SUPERVISE=${SUPERVISE:-$PWD/supervise}
SUPERVISECTL=${SUPERVISECTL:-$PWD/supervisectl}
IDLE_SECS=${IDLE_SECS:-60}
T=$(mktemp -d "${TMPDIR:-/tmp}/svbench.XXXXXX") || exit 1
DPID=

cleanup() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -TERM "$DPID"
		i=0
		while kill -0 "$DPID" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$DPID" 2>/dev/null
	fi
	DPID=
}
trap 'cleanup; rm -rf "$T"' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# config NPROGS STARTSECS: NPROGS sleeping programs
config() {
	cat >"$T/b.conf" <<EOF
[supervisord]
logfile=$T/b.log
pidfile=$T/b.pid
childlogdir=$T
loglevel=info
minfds=4096
[unix_http_server]
file=$T/b.sock
[supervisorctl]
serverurl=unix://$T/b.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:p]
command=/bin/sleep 100000
numprocs=$1
process_name=p%(process_num)04d
startsecs=$2
stdout_logfile=NONE
stderr_logfile=NONE
autorestart=true
EOF
}

# start: run the daemon in the foreground, wait for its socket
start() {
	: >"$T/b.log"
	"$SUPERVISE" -n -c "$T/b.conf" >/dev/null 2>&1 &
	DPID=$!
	i=0
	while [ ! -S "$T/b.sock" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
}

# wait_running N: until N programs are RUNNING (bounded, 60 s)
wait_running() {
	i=0
	while [ "$("$SUPERVISECTL" -c "$T/b.conf" status | grep -c ' RUNNING ')" -lt "$1" ] \
	      && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
ctxsw() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status"; }

echo "== binary size (-Os, stripped, built apart from the checkout's binaries)"
F="-std=c99 -Os -I. -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables"
${CC:-cc} $F -Wl,--gc-sections -o "$T/s" supervise.c && strip "$T/s"
${CC:-cc} $F -DSUPERVISE_NO_MAIN -Wno-unused-function -c -o "$T/lib.o" supervise.c
${CC:-cc} $F -Wl,--gc-sections -o "$T/c" ctl.c "$T/lib.o" && strip "$T/c"
echo "supervise    $(wc -c <"$T/s") bytes (budget 65536)"
echo "supervisectl $(wc -c <"$T/c") bytes (budget 32768)"

echo "== idle: 10 programs RUNNING, no client, ${IDLE_SECS} s"
config 10 1
start
wait_running 10
sleep 1
before=$(ctxsw "$DPID")
sleep "$IDLE_SECS"
after=$(ctxsw "$DPID")
echo "voluntary context switches in ${IDLE_SECS} s: $((after - before)) (budget 0)"
echo "PSS with 10 programs: $(pss_kib "$DPID") KiB"
echo "RSS with 10 programs: $(awk '/^VmRSS/ { print $2 }' "/proc/$DPID/status") KiB" \
	"(budget 200 KiB for the static musl build: SUPERVISE=... sh bench/run.sh)"
cleanup

for n in 100 1000; do
	echo "== $n programs, startsecs=0"
	config "$n" 0
	t0=$(ms)
	start
	wait_running "$n"
	t1=$(ms)
	echo "all $n RUNNING after $((t1 - t0)) ms from start (budget 500 ms for 1000; includes polling)"
	first=$(grep -m1 'supervisord started' "$T/b.log" | cut -c12-23)
	last=$(grep 'success:' "$T/b.log" | tail -n 1 | cut -c12-23)
	echo "main log: started at $first, last success at $last"
	echo "PSS: $(pss_kib "$DPID") KiB (budget 512 KiB at 100, 1536 KiB at 1000)"
	t0=$(ms)
	for i in 1 2 3 4 5 6 7 8 9 10; do "$SUPERVISECTL" -c "$T/b.conf" status >/dev/null; done
	t1=$(ms)
	echo "status of $n: $(( (t1 - t0) / 10 )) ms per call, client start-up included (budget 10 ms)"
	cleanup
done

echo "== restart after kill -9 of a program that ran > 1 s"
config 1 1
start
wait_running 1
sleep 1.5
pid=$("$SUPERVISECTL" -c "$T/b.conf" pid p:p0000)
t0=$(date +%s%N)
kill -9 "$pid"
i=0
while ! grep -q "spawned: 'p0000' with pid" "$T/b.log.tail" 2>/dev/null && [ $i -lt 200 ]; do
	grep "spawned: 'p0000'" "$T/b.log" | tail -n 1 >"$T/b.log.tail"
	[ "$(grep -c "spawned: 'p0000'" "$T/b.log")" -ge 2 ] && break
	sleep 0.01; i=$((i + 1))
done
spawned=$(grep "spawned: 'p0000'" "$T/b.log" | tail -n 1 | cut -c1-23)
t1=$(date -d "$(echo "$spawned" | tr , .)" +%s%N)
echo "kill -9 to spawned: about $(( (t1 - t0) / 1000 )) us (log has ms resolution; budget 2 ms)"
cleanup

echo "== 200 clients at once, each running status 10 times (100 programs)"
config 100 0
start
wait_running 100
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DPID/status"; }
before=$(rss)
i=0
pids=
while [ $i -lt 200 ]; do
	( n=0; while [ $n -lt 10 ]; do
		"$SUPERVISECTL" -c "$T/b.conf" status >"$T/c$i.out" 2>&1
		[ "$(grep -c RUNNING "$T/c$i.out")" = 100 ] || echo bad >>"$T/bad"
		n=$((n + 1)); done ) &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids      # not a bare wait: the daemon is a background job too
sleep 1
echo "incomplete replies: $(cat "$T/bad" 2>/dev/null | wc -l) of 2000"
echo "daemon RSS before $before KiB, after $(rss) KiB"
cleanup
