# t_stop: stopsignal, SIGKILL after stopwaitsecs, stopasgroup/killasgroup
. tests/lib.sh

conf_base
script usr1.sh <<EOF
trap 'echo got USR1 >"$T/usr1.mark"; exit 0' USR1
while :; do sleep 0.1; done
EOF
script stubborn.sh <<'EOF'
trap '' TERM
while :; do sleep 0.1; done
EOF
script exit7.sh <<'EOF'
trap 'exit 7' TERM
while :; do sleep 0.1; done
EOF
# $1: where to write the grandchild's pid; $2: "ignore" to ignore SIGTERM
script forker.sh <<'EOF'
[ "$2" = ignore ] && trap '' TERM
sleep 1000 &
echo $! >"$1"
wait
EOF
conf <<'EOF'
[program:plain]
command=/bin/sleep 100

[program:sig]
command=%(here)s/usr1.sh
stopsignal=USR1

[program:ex7]
command=%(here)s/exit7.sh

[program:stubborn]
command=%(here)s/stubborn.sh
stopwaitsecs=1

[program:grp]
command=%(here)s/forker.sh %(here)s/grp_gc.pid
stopasgroup=true

[program:nogrp]
command=%(here)s/forker.sh %(here)s/nogrp_gc.pid

[program:kgrp]
command=%(here)s/forker.sh %(here)s/kgrp_gc.pid ignore
killasgroup=true
stopwaitsecs=1

[program:bo]
command=/bin/false
startsecs=3
startretries=100

[program:quick]
command=/bin/sleep 100
autostart=false
startsecs=0
stopasgroup=true
stopwaitsecs=60
EOF
start_daemon || exit 1
for p in plain sig ex7 stubborn grp nogrp kgrp; do
	wait_state $p RUNNING || fail "$p reaches RUNNING" "$OUT"
done

pid=$(pidof_prog plain)
ctl stop plain
expect_eq "stop: output" "plain: stopped" "$OUT"
expect_eq "stop: exit 0" 0 "$RC"
expect_true "stop: process gone" wait_dead "$pid"
expect_match "stop: killing line (DEBG)" \
	"${TS}DEBG killing plain \(pid $pid\) with signal SIGTERM$" "$(cat "$LOG")"
expect_match "stop: death by SIGTERM is WARN" \
	"${TS}WARN stopped: plain \(terminated by SIGTERM\)$" "$(cat "$LOG")"
expect_true "stop: STOPPED" state_is plain STOPPED

ctl stop sig
expect_eq "stopsignal=USR1: stopped" "sig: stopped" "$OUT"
expect_file_contains "stopsignal=USR1: the program got USR1" "$T/usr1.mark" "got USR1"
expect_match "stopsignal=USR1: killing line" \
	"${TS}DEBG killing sig \(pid [0-9]+\) with signal SIGUSR1$" "$(cat "$LOG")"
expect_match "exit 0 on stop is INFO" "${TS}INFO stopped: sig \(exit status 0\)$" "$(cat "$LOG")"

ctl stop ex7
expect_match "exit status not in exitcodes on stop is WARN" \
	"${TS}WARN stopped: ex7 \(exit status 7\)$" "$(cat "$LOG")"

pid=$(pidof_prog stubborn)
t0=$(date +%s)
ctl stop stubborn
t1=$(date +%s)
expect_eq "SIGKILL after stopwaitsecs: stopped" "stubborn: stopped" "$OUT"
expect_true "SIGKILL after stopwaitsecs: process gone" wait_dead "$pid"
expect_match "SIGKILL line (WARN, quoted name)" \
	"${TS}WARN killing 'stubborn' \($pid\) with SIGKILL$" "$(cat "$LOG")"
expect_match "stopped by SIGKILL (WARN)" \
	"${TS}WARN stopped: stubborn \(terminated by SIGKILL\)$" "$(cat "$LOG")"
if is_supervise; then
	expect_true "SIGKILL after stopwaitsecs=1, not later" test $((t1 - t0)) -le 2
fi

gc=$(cat "$T/grp_gc.pid")
ctl stop grp
expect_eq "stopasgroup: stopped" "grp: stopped" "$OUT"
expect_true "stopasgroup: grandchild gone" wait_dead "$gc"
expect_match "stopasgroup: signals the process group" \
	"${TS}DEBG killing grp \(pid [0-9]+\) process group with signal SIGTERM$" "$(cat "$LOG")"

gc=$(cat "$T/nogrp_gc.pid")
ctl stop nogrp
expect_eq "no stopasgroup: stopped" "nogrp: stopped" "$OUT"
sleep 0.3
expect_true "no stopasgroup: grandchild survives" alive "$gc"

gc=$(cat "$T/kgrp_gc.pid")
ctl stop kgrp
expect_eq "killasgroup: stopped" "kgrp: stopped" "$OUT"
expect_true "killasgroup: grandchild killed" wait_dead "$gc"
expect_match "killasgroup: SIGKILL line" "${TS}WARN killing 'kgrp' \([0-9]+\) with SIGKILL$" "$(cat "$LOG")"

# stop of a BACKOFF process: nothing runs, it just becomes STOPPED
until_ok 15 log_atleast 3 "spawned: 'bo'"
wait_state bo BACKOFF 5
ctl stop bo
expect_eq "stop in BACKOFF: stopped" "bo: stopped" "$OUT"
expect_match "stop in BACKOFF: log line" \
	"${TS}DEBG Attempted to kill bo, which is in BACKOFF state\.$" "$(cat "$LOG")"
expect_true "stop in BACKOFF: STOPPED" state_is bo STOPPED

# stopasgroup, a stop right behind the start (one write on one connection,
# microseconds after the fork): the signal reaches the new process group,
# not ESRCH and a SIGKILL stopwaitsecs later (found by fuzz/request)
if is_supervise; then
	build_rawclient
	out=$(for i in 1 2 3 4 5; do printf 'start quick\nstop quick\n'; done |
		timeout 60 "$RAW" send "$SOCK" 5000 2>&1)
	expect_eq "stopasgroup, stop right after start: stopped each time" 5 \
		"$(printf '%s\n' "$out" | grep -c '^quick: stopped$')"
	expect_eq "stopasgroup, stop right after start: by SIGTERM, never SIGKILL" 5 \
		"$(log_count 'WARN stopped: quick \(terminated by SIGTERM\)$')"
fi
