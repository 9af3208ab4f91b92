# t_fault_sigstop: the daemon stopped (SIGSTOP) for 5 s while its children
# exit, expectedly or not, within startsecs, while being stopped, or killed
# from outside; then continued (SIGCONT).  Every child is accounted for:
# reaped (no zombie), logged once, restarted or not as its settings say,
# never twice; the deadlines that passed during the pause act once, in
# order (an exit reaped before a SIGKILL that was due), and the backoff
# delays go on from there without a burst.
#
# The children that exit during the pause wait for the file "go", which
# the test makes once the daemon is stopped, so they exit then and only
# then.  An exit the daemon could not see while stopped counts at the time
# it sees it.
. tests/lib.sh

conf_base
conf <<'EOF'
[program:expected]
command=/bin/sh -c 'until test -e %(here)s/go; do sleep 0.05; done; exit 0'
startsecs=0

[program:unexpected]
command=/bin/sh -c 'test -e %(here)s/unexpected.ran && exec sleep 1000; touch %(here)s/unexpected.ran; until test -e %(here)s/go; do sleep 0.05; done; exit 3'
startsecs=0

[program:quick]
command=/bin/sh -c 'test -e %(here)s/quick.ran && exec sleep 1000; touch %(here)s/quick.ran; until test -e %(here)s/go; do sleep 0.05; done; exit 0'
startsecs=60

[program:late]
command=/bin/sleep 1000
startsecs=2
autostart=false

[program:killed]
command=/bin/sleep 1000
startsecs=0

[program:stopexit]
command=/bin/sh -c 'trap "until test -e %(here)s/go; do sleep 0.05; done; exit 0" TERM; while :; do sleep 0.1; done'
startsecs=0
stopwaitsecs=4

[program:stopkill]
command=/bin/sh -c 'trap "" TERM; exec sleep 1000'
startsecs=0
stopwaitsecs=4

[program:flaky]
command=/bin/false
startsecs=1
startretries=4
EOF
start_daemon || exit 1

# children STATE-ERE: the pids of the daemon's children whose state matches
children() {
	for _s in /proc/[0-9]*/stat; do
		sed -n "s/^\([0-9]*\) (.*) \($1\) $DPID .*/\1/p" "$_s" 2>/dev/null
	done
}
count_children() { children "$1" | wc -l | tr -d ' '; }
is_zombie() { sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null | grep -q Z; }
spawns() { log_count "INFO spawned: '$1' with pid"; }
stopped_daemon() { sed -n 's/.*) \(.\) .*/\1/p' "/proc/$DPID/stat" | grep -q T; }

for p in expected unexpected killed stopexit stopkill; do
	expect_true "$p RUNNING" wait_state $p RUNNING
done
expect_true "quick STARTING" wait_state quick STARTING
"$SUPERVISECTL" -c "$CONF" start late >"$T/start.out" 2>&1 &
STARTER=$!
track "$STARTER"
expect_true "late STARTING" wait_state late STARTING
for p in expected unexpected quick killed stopexit stopkill; do
	eval "pid_$p=\$(pidof_prog $p)"
done
# one client each: one stop command stops its names one after the other
"$SUPERVISECTL" -c "$CONF" stop stopexit >"$T/stopexit.out" 2>&1 &
STOPPER1=$!
"$SUPERVISECTL" -c "$CONF" stop stopkill >"$T/stopkill.out" 2>&1 &
STOPPER2=$!
track "$STOPPER1" "$STOPPER2"
expect_true "stopexit STOPPING" wait_state stopexit STOPPING
expect_true "stopkill STOPPING" wait_state stopkill STOPPING

# ---- the pause: 5 s -------------------------------------------------------
kill -STOP "$DPID"
expect_true "the daemon is stopped" until_ok 5 stopped_daemon
"$SUPERVISECTL" -c "$CONF" status >"$T/status.out" 2>&1 &
ASKER=$!
track "$ASKER"
touch "$T/go"
kill -KILL "$pid_killed"
zombies_wait() {
	for _p in $pid_expected $pid_unexpected $pid_quick $pid_killed $pid_stopexit; do
		is_zombie "$_p" || return 1
	done
}
expect_true "during the pause: the children that exit stay zombies" until_ok 5 zombies_wait
sleep 4     # past stopexit's and stopkill's SIGKILL deadlines
expect_true "during the pause: still stopped" stopped_daemon
kill -CONT "$DPID"

# ---- every child accounted for --------------------------------------------
expect_true "no zombie left" until_ok 5 test "$(count_children Z)" = 0
expect_true "the status asked during the pause is answered" until_ok 10 dead "$ASKER"
expect_match "... completely" "^stopkill +" "$(cat "$T/status.out")"

expect_true "expected: EXITED" wait_state expected EXITED
expect_eq "expected: exit logged once, expected" 1 \
	"$(log_count 'INFO exited: expected \(exit status 0; expected\)$')"
expect_eq "expected: not restarted" 1 "$(spawns expected)"

expect_true "unexpected: restarted, RUNNING" wait_state unexpected RUNNING
expect_eq "unexpected: exit logged once, not expected" 1 \
	"$(log_count 'WARN exited: unexpected \(exit status 3; not expected\)$')"
expect_eq "unexpected: spawned twice" 2 "$(spawns unexpected)"

expect_eq "quick: its exit within startsecs is a failed start" 1 \
	"$(log_count 'WARN exited: quick \(exit status 0; not expected\)$')"
expect_true "quick: retried after the backoff delay" until_ok 5 log_atleast 2 "INFO spawned: 'quick' with pid"
expect_true "quick: STARTING again" state_is quick STARTING
expect_eq "quick: no success line" 0 "$(log_count 'success: quick ')"

expect_true "late: RUNNING at once" until_ok 3 state_is late RUNNING
expect_eq "late: one success line" 1 "$(log_count 'INFO success: late entered RUNNING state')"
expect_true "late: the start waiting since the pause is answered" until_ok 5 dead "$STARTER"
expect_eq "late: start says started" "late: started" "$(cat "$T/start.out")"

expect_true "killed: restarted, RUNNING" wait_state killed RUNNING
expect_eq "killed: exit logged once" 1 \
	"$(log_count 'WARN exited: killed \(terminated by SIGKILL; not expected\)$')"
expect_eq "killed: spawned twice" 2 "$(spawns killed)"

expect_true "stopexit: STOPPED" wait_state stopexit STOPPED
expect_eq "stopexit: stopped by its own exit" 1 "$(log_count 'INFO stopped: stopexit \(exit status 0\)$')"
# supervisord evaluates its deadlines before it reaps: it sends the SIGKILL
# that was due to the zombie, and logs it
if is_supervise; then
	expect_eq "stopexit: reaped before its SIGKILL deadline is looked at" 0 \
		"$(log_count "killing 'stopexit'")"
fi
expect_true "stopkill: STOPPED" wait_state stopkill STOPPED
expect_eq "stopkill: one SIGKILL" 1 "$(log_count "WARN killing 'stopkill' \([0-9]+\) with SIGKILL$")"
expect_eq "stopkill: stopped by it" 1 "$(log_count 'WARN stopped: stopkill \(terminated by SIGKILL\)$')"
expect_true "stopexit: the stop waiting since the pause is answered" until_ok 5 dead "$STOPPER1"
expect_eq "stopexit: stop says stopped" "stopexit: stopped" "$(cat "$T/stopexit.out")"
expect_true "stopkill: the stop waiting since the pause is answered" until_ok 5 dead "$STOPPER2"
expect_eq "stopkill: stop says stopped" "stopkill: stopped" "$(cat "$T/stopkill.out")"

expect_true "flaky: FATAL" wait_state flaky FATAL 30
expect_eq "flaky: 5 attempts (startretries=4)" 5 "$(spawns flaky)"
expect_eq "flaky: 5 failed starts" 5 "$(log_count 'WARN exited: flaky \(exit status 1; not expected\)$')"
expect_eq "flaky: gave up once" 1 "$(log_count 'INFO gave up: flaky entered FATAL state')"
# the attempts come one backoff delay after another (1 s, 2 s, ...); the
# one due during the pause comes at the continue, and the next a full
# delay after it: never two within 900 ms
gaps=$(grep -E "spawned: 'flaky'" "$LOG" |
	awk '{ split($2, t, /[:,]/); ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
	       if (NR > 1) printf "%d ", ms - last; last = ms }')
echo "flaky: ms between attempts: $gaps"
expect_true "flaky: no burst of attempts after the pause ($gaps)" \
	awk -v g="$gaps" 'BEGIN { n = split(g, a, " "); for (i = 1; i <= n; i++) if (a[i] < 900) exit 1 }'

# one child per running program, none else
expect_eq "no second copy: 4 live children (unexpected quick late killed)" 4 "$(count_children '[^Z]')"
expect_true "daemon alive" alive "$DPID"
