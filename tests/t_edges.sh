# t_edges: the corners a review found: start while a stop is under way,
# restart during a shutdown, startsecs=0 programs that exit at once, the
# priority order inside a [group:], start of a program whose binary is gone,
# the child's exec error, the uid line, a daemon started with fds 0-2 closed.
. tests/lib.sh

conf_base
mkdir -p "$T/bin"
printf '\177ELF not really\n' >"$T/bin/notelf"
chmod +x "$T/bin/notelf"
cp /bin/sleep "$T/bin/mysleep"
conf <<EOF
[program:slow]
command=/bin/sh -c 'trap "sleep 2; exit 0" TERM; while :; do sleep 0.1; done'
startsecs=0

[program:slow2]
command=/bin/sh -c 'trap "sleep 2; exit 0" TERM; while :; do sleep 0.1; done'
startsecs=0

[program:gone]
command=$T/bin/mysleep 100

[program:noexec]
command=notelf
environment=PATH="$T/bin"
autostart=false
startretries=0
stderr_logfile=%(here)s/noexec.err

[program:a]
command=/bin/sleep 100
priority=5
autostart=false
[program:b]
command=/bin/sleep 100
priority=1
autostart=false
[program:c]
command=/bin/sleep 100
priority=9
autostart=false
[group:g]
programs=a,b,c
EOF
for i in 0 1 2 3 4 5 6 7 8 9; do
	printf '[program:quick%s]\ncommand=/bin/true\nstartsecs=0\nautorestart=false\n' "$i" >>"$CONF"
done
start_daemon || exit 1
wait_state slow RUNNING
wait_state gone RUNNING

# every quick exit still visits RUNNING, and says so (supervisord logs the
# success line only when its tick comes before the reap)
if is_supervise; then
	expect_true "startsecs=0: ten success lines" until_ok 10 log_atleast 10 \
		"INFO success: quick[0-9] entered RUNNING state, process has stayed up for > than 0 seconds"
fi
expect_true "startsecs=0: ten exited lines" until_ok 10 log_atleast 10 \
	"INFO exited: quick[0-9] \(exit status 0; expected\)"

# start while the stop is still waiting for the child: no second child
"$SUPERVISECTL" -c "$CTLCONF" stop slow >"$T/stop.out" 2>&1 &
stopper=$!
sleep 0.5
ctl start slow
expect_eq "start while stopping: abnormal termination" "slow: ERROR (abnormal termination)" "$OUT"
expect_eq "start while stopping: exit 7" 7 "$RC"
wait "$stopper"
expect_eq "start while stopping: the stop still ends" "slow: stopped" "$(cat "$T/stop.out")"
expect_eq "start while stopping: one child only" 1 "$(log_count "spawned: 'slow' with pid")"
expect_true "start while stopping: already running warned" \
	wait_log "WARN process 'slow' already running"

# the order inside a group: start all by priority, stop all likewise
ctl start g:*
expect_eq "group start: by priority" "g:b: started g:a: started g:c: started" "$(echo $OUT)"
ctl stop g:*
expect_eq "group stop: by priority" "b a c" \
	"$(grep -E 'DEBG killing [abc] ' "$LOG" | sed 's/.*killing \([abc]\) .*/\1/' | tr '\n' ' ' | sed 's/ $//')"

# a program whose binary has gone: the command is checked first
rm -f "$T/bin/mysleep"
ctl start gone
expect_eq "binary gone: no such file" "gone: ERROR (no such file)" "$OUT"
expect_eq "binary gone: exit 1" 1 "$RC"

# exec failure names the command as written
ctl start noexec
expect_true "exec error: names argv[0]" \
	wait_file "$T/noexec.err" "^supervisor: couldn't exec notelf: ENOEXEC$"

# restart during a shutdown: the stop half runs, the start half does not
"$SUPERVISECTL" -c "$CTLCONF" restart slow2 >"$T/restart.out" 2>&1 &
restarter=$!
sleep 0.5
ctl shutdown
wait "$restarter"
expect_true "restart during shutdown: daemon exits" wait_dead "$DPID" 20
expect_eq "restart during shutdown: no new child" 1 "$(log_count "spawned: 'slow2' with pid")"
expect_match "restart during shutdown: the stop was reported" "^slow2: stopped$" \
	"$(cat "$T/restart.out")"
DPID=

# shutdown goes by descending priority inside the group
conf_base
conf <<EOF
[program:a]
command=/bin/sleep 100
priority=5
[program:b]
command=/bin/sleep 100
priority=1
[program:c]
command=/bin/sleep 100
priority=9
[group:g]
programs=a,b,c
EOF
: >"$LOG"
start_daemon || exit 1
wait_state g:c RUNNING
expect_eq "group startup: programs= order" "a b c" \
	"$(grep -E "spawned: '[abc]'" "$LOG" | sed "s/.*spawned: '\([abc]\)'.*/\1/" | tr '\n' ' ' | sed 's/ $//')"
stop_daemon
expect_eq "group shutdown: descending priority" "c a b" \
	"$(grep -E 'DEBG killing [abc] ' "$LOG" | sed 's/.*killing \([abc]\) .*/\1/' | tr '\n' ' ' | sed 's/ $//')"

# user= naming the user we already are still logs the uid line
if [ "$(id -u)" = 0 ]; then
	conf_base "user=root"
	: >"$LOG"
	start_daemon || exit 1
	expect_true "user=root as root: uid line" wait_log "INFO Set uid to user 0 succeeded$"
	expect_nomatch "user=root as root: no running-as-root line" "running as root" "$(cat "$LOG")"
	stop_daemon
fi

# started with fds 0-2 closed, daemonized: it neither spins nor goes deaf
# (supervisord cannot start that way at all)
is_supervise || exit 0
conf_base
: >"$LOG"
"$SUPERVISE" -c "$CONF" <&- >&- 2>&-
expect_true "fds closed: pidfile" until_ok 10 test -s "$PIDFILE"
dpid=$(cat "$PIDFILE")
track "$dpid"
sleep 1
ticks=$(awk '{ print $14 + $15 }' "/proc/$dpid/stat")
expect_true "fds closed: idle, not spinning (cpu ticks $ticks)" test "$ticks" -lt 50
kill -TERM "$dpid"
expect_true "fds closed: SIGTERM still stops it" wait_dead "$dpid" 10
