# t_fault_clients: every hostile client of t_hostile at once (over-long
# lines, binary bytes and NULs, lines byte by byte, a pipelining client that
# never reads, hundreds of clients, connect/disconnect churn) while 8
# processes exit every 100 ms and are restarted: the daemon lives, every
# client that reads gets complete and correct replies, the restarts go on,
# and the daemon's fds come back to where they were.
. tests/lib.sh

if ! is_supervise; then
	echo "SKIP $TEST: the line protocol is supervise's own"
	exit 0
fi
need nc
need "${HOSTCC:-cc}"

build_rawclient || exit 1

NP=20                   # long-running programs: their status lines must not change
NC=8                    # processes that exit every 100 ms
# under valgrind a fork costs the daemon some 170 ms: 8 spawns a second
# would be all it does, and no client would be served in time
[ -n "$VALGRIND" ] && NC=2
SECS=10                 # how long the hostile clients keep at it
conf_base
i=0
while [ $i -lt $NP ]; do
	printf '[program:p%s]\ncommand=/bin/sleep 1000\n\n' "$i"
	i=$((i + 1))
done | conf
conf <<EOF
[program:churn]
command=/bin/sh -c 'sleep 0.1; test -e %(here)s/calm && exec sleep 1000; exit 1'
process_name=churn_%(process_num)d
numprocs=$NC
autostart=false
autorestart=true
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE
EOF
start_daemon --loglevel=info || exit 1

fds() { ls "/proc/$DPID/fd" 2>/dev/null | wc -l; }
fds_back() { [ "$(fds)" -eq "$1" ]; }
# complete TEXT: a whole, correct status: every program once, the long
# ones RUNNING, the others in a state of their restart cycle
complete() {
	[ "$(printf '%s\n' "$1" | grep -Ec '^p[0-9]+ +RUNNING +pid [0-9]+, uptime ')" = $NP ] &&
		[ "$(printf '%s\n' "$1" | grep -Ec '^churn:churn_[0-9] +(STARTING|RUNNING|EXITED|BACKOFF) ')" = $NC ] &&
		[ "$(printf '%s\n' "$1" | wc -l)" = $((NP + NC)) ]
}
spawns() { log_count "INFO spawned: 'churn_$1' with pid"; }
all_p_running() { ctl status; [ "$(printf '%s\n' "$OUT" | grep -Ec '^p[0-9]+ +RUNNING ')" = $NP ]; }

expect_true "all $NP programs RUNNING" until_ok 20 all_p_running
sleep 1
BASE=$(fds)
ctl start 'churn:*'
expect_eq "churn started" 0 "$RC"
S0=$(spawns '[0-9]')

# ---- the hostile clients, in the background -------------------------------
pad() { head -c "$1" /dev/zero | tr '\0' x; }
mkdir "$T/slow"
end=$(( $(date +%s) + SECS ))
( while [ "$(date +%s)" -lt $end ]; do
	{ pad 5000; printf '\nstatus\n'; } | timeout 10 "$RAW" send "$SOCK" 3000 >/dev/null 2>&1
	printf 'sta\001\377\033[2Jtus\n\000\000\nversion\000x\n' | timeout 5 nc -N -U "$SOCK" >/dev/null 2>&1
  done ) &
H1=$!
( k=0
  while [ "$(date +%s)" -lt $end ]; do
	{ for c in s t a t u s; do printf '%s' "$c"; sleep 0.2; done; printf '\n'; sleep 0.3; } |
		timeout 30 nc -N -U "$SOCK" >"$T/slow/$k" 2>&1
	k=$((k + 1))
  done ) &
H2=$!
timeout 60 "$RAW" noread "$SOCK" 2000 8000 3000 >"$T/noread.out" 2>&1 &
H3=$!
timeout 90 "$RAW" many "$SOCK" 300 status 60000 >"$T/many.out" 2>&1 &
H4=$!
timeout 60 "$RAW" churn "$SOCK" 2000 >"$T/churn.out" 2>&1 &
H5=$!
track $H1 $H2 $H3 $H4 $H5

# ---- well-behaved clients meanwhile (5 rounds at least, however slow) -----
good=0 bad=0 n=0 badout= slowest=0
while [ "$(date +%s)" -lt $end ] || [ $n -lt 5 ]; do
	t0=$(date +%s%N)
	out=$(timeout 30 "$SUPERVISECTL" -c "$CONF" status 2>&1)
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ $ms -gt $slowest ] && slowest=$ms
	if { [ $rc = 0 ] || [ $rc = 3 ]; } && complete "$out"; then good=$((good + 1))
	else bad=$((bad + 1)); badout="rc=$rc: $out"; fi
	out=$(printf 'status\n' | timeout 30 nc -N -U "$SOCK" 2>&1)
	if complete "$(printf '%s\n' "$out" | sed '$d')" &&
		printf '%s\n' "$out" | tail -n 1 | grep -Eq '^\.[03]$'; then good=$((good + 1))
	else bad=$((bad + 1)); badout=$out; fi
	n=$((n + 1))
done
S1=$(spawns '[0-9]')
echo "well-behaved clients: $n rounds, the slowest status took $slowest ms"
expect_true "well-behaved clients: $good complete replies, $bad not" test $bad = 0 -a $good -ge 10
[ $bad = 0 ] || fail "an incomplete reply" "$badout"
expect_true "daemon alive" alive "$DPID"

for p in $H1 $H2 $H3 $H4 $H5; do wait "$p"; done
expect_eq "300 clients at once: every reply complete" "connected=300 complete=300 of 300" \
	"$(cat "$T/many.out")"
expect_eq "churn: 2000 connects" "ok=2000" "$(cat "$T/churn.out")"
expect_match "the never-reading client: done" "^written=[0-9]+ endlines=[0-9]+ dropped=[01]$" \
	"$(cat "$T/noread.out")"
slow=0 slowbad=0
for f in "$T"/slow/*; do
	if complete "$(sed '$d' "$f")" && tail -n 1 "$f" | grep -Eq '^\.[03]$'; then slow=$((slow + 1))
	else slowbad=$((slowbad + 1)); fi
done
expect_true "byte-by-byte clients: $slow complete, $slowbad not" test $slowbad = 0 -a $slow -ge 1

# each process restarts about once a second (the spawn throttle)
echo "churn spawns during ${SECS}+ s of hostile clients: $((S1 - S0))"
expect_true "restarts went on: $((S1 - S0)) spawns of $NC processes" test $((S1 - S0)) -ge $((NC * SECS / 3))
k=0
while [ $k -lt $NC ]; do
	s=$(spawns $k)
	expect_true "churn_$k restarts still ($s spawns)" until_ok 10 log_atleast $((s + 2)) "INFO spawned: 'churn_$k' with pid"
	k=$((k + 1))
done

# stop only stops a running process; one in EXITED would be restarted, as
# in supervisord: calm them down first
touch "$T/calm"
calm() { ctl status; [ "$(printf '%s\n' "$OUT" | grep -Ec '^churn:churn_[0-9] +RUNNING ')" = $NC ]; }
expect_true "churn: calm, all RUNNING" until_ok 10 calm
sleep 0.5
expect_true "churn: calm, all still RUNNING" calm
ctl stop 'churn:*'
expect_eq "churn stopped" 0 "$RC"
ctl status
expect_eq "after the storm: $NP programs RUNNING, $NC STOPPED" "$NP $NC" \
	"$(printf '%s\n' "$OUT" | grep -Ec '^p[0-9]+ +RUNNING ') $(printf '%s\n' "$OUT" | grep -Ec '^churn:churn_[0-9] +STOPPED ')"
expect_true "fds back to where they were ($BASE)" until_ok 10 fds_back "$BASE"
