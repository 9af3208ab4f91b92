# t_fault_limits: the daemon out of processes (RLIMIT_NPROC) and out of
# file descriptors (RLIMIT_NOFILE), the limits lowered under it with
# prlimit: a start fails with the spawnerr of spec 2.6, BACKOFF then FATAL,
# the daemon serves status meanwhile, a client it cannot accept does not
# make it spin, and once the limit is raised again a start works.
#
# Root ignores RLIMIT_NPROC, so the daemon runs as a uid of its own (one
# that no account and no process has): the kernel's count for that uid is
# then the daemon and its children only.
. tests/lib.sh

[ "$(id -u)" = 0 ] || { echo "SKIP $TEST: needs root (a uid of its own for the daemon)"; exit 0; }
need setpriv
need prlimit
need nc

# free_uid: a uid without an account and without a process
free_uid() {
	_u=$((40000 + $$ % 20000))
	while getent passwd "$_u" >/dev/null ||
		grep -qs "^Uid:[[:space:]]*$_u[[:space:]]" /proc/[0-9]*/status; do
		_u=$((_u + 1))
	done
	echo "$_u"
}
U=$(free_uid)

conf_base
conf <<'EOF'
[program:idle]
command=/bin/sleep 1000

[program:forks]
command=/bin/sleep 1000
autostart=false
startsecs=0
startretries=2

[program:files]
command=/bin/sleep 1000
autostart=false
startsecs=0
startretries=2
stdout_logfile=NONE
stderr_logfile=NONE
EOF
chown -R "$U" "$T"
start_cmd setpriv --reuid="$U" --regid="$U" --clear-groups "$SUPERVISE" -n -c "$CONF" || exit 1
expect_true "idle RUNNING" wait_state idle RUNNING
IDLE=$(pidof_prog idle)
expect_eq "the daemon runs as uid $U" "$U" \
	"$(awk '/^Uid:/ { print $2 }' "/proc/$DPID/status")"

# cpu: the daemon's user + system time in clock ticks
cpu() { sed 's/.*) //' "/proc/$DPID/stat" | awk '{ print $12 + $13 }'; }
fds() { ls "/proc/$DPID/fd" 2>/dev/null | wc -l; }
# lowest_free: the daemon's lowest fd number not in use: the next it gets
lowest_free() {
	ls "/proc/$DPID/fd" | sort -n | awk 'BEGIN { n = 0 } $1 == n { n++ } END { print n }'
}
# soft RESOURCE [LIMIT]: print the daemon's soft limit, or set it.  prlimit
# runs as the daemon's uid: root without CAP_SYS_RESOURCE (a container) may
# not change another user's limits, the process's own user may lower and
# raise the soft limit up to the hard one
soft() {
	setpriv --reuid="$U" --regid="$U" --clear-groups \
		prlimit --pid "$DPID" "--$1${2:+=$2:}" --raw --noheadings -o SOFT
}
# spawn_fails NAME TEXT WHAT: start NAME fails, BACKOFF then FATAL with TEXT,
# and status answers in between
spawn_fails() {
	ctl start "$1"
	expect_match "$3: start says spawn error" "^$1: ERROR \(spawn error\)$" "$OUT"
	expect_eq "$3: start exits 7" 7 "$RC"
	ctl status
	expect_match "$3: status answers meanwhile" "^idle +RUNNING +pid $IDLE," "$OUT"
	expect_match "$3: BACKOFF with the reason" "^$1 +BACKOFF +$2$" "$OUT"
	expect_true "$3: FATAL after 3 attempts" wait_state "$1" FATAL 20
	ctl status "$1"
	expect_match "$3: FATAL with the reason" "^$1 +FATAL +$2$" "$OUT"
	expect_eq "$3: 3 spawnerr lines" 3 "$(log_count "INFO spawnerr: $2\$")"
	expect_eq "$3: no spawned line" 0 "$(log_count "spawned: '$1'")"
	expect_eq "$3: gave up" 1 "$(log_count "INFO gave up: $1 entered FATAL state, too many start retries too quickly\$")"
	expect_true "$3: daemon alive" alive "$DPID"
	expect_true "$3: idle still runs" alive "$IDLE"
}

# ---- no process left: fork fails with EAGAIN ------------------------------
NPROC0=$(soft nproc)
soft nproc 1
spawn_fails forks "Too many processes in process table to spawn 'forks'" "RLIMIT_NPROC"
soft nproc "$NPROC0"
ctl start forks
expect_eq "RLIMIT_NPROC raised again: start works" "forks: started" "$OUT"
expect_true "RLIMIT_NPROC raised again: RUNNING" wait_state forks RUNNING

# ---- one fd left: enough for a client, not for a process's pipes ----------
NOFILE0=$(soft nofile)
FD0=$(fds)
FREE=$(lowest_free)
soft nofile $((FREE + 1))
spawn_fails files "too many open files to spawn 'files'" "RLIMIT_NOFILE"

# ---- no fd left at all: clients wait, the daemon does not spin ------------
soft nofile "$FREE"
if is_supervise; then
	ctl status
	expect_match "no fd left: status answers (on the fd kept in reserve)" \
		"^idle +RUNNING +pid $IDLE," "$OUT"
fi
# clients that connect and say nothing take whatever the daemon has left
HOLDERS=
i=0
while [ $i -lt 3 ]; do
	sleep 60 | nc -U "$SOCK" >/dev/null 2>&1 &
	HOLDERS="$HOLDERS $!"
	i=$((i + 1))
done
track $HOLDERS
sleep 1
"$SUPERVISECTL" -c "$CONF" status >"$T/waiting.out" 2>&1 &
WAITER=$!
track "$WAITER"
sleep 1
c0=$(cpu)
sleep 3
c1=$(cpu)
echo "cpu while no fd is left: $((c1 - c0)) ticks in 3 s"
# supervisord 4.2.5 spins at 100% here: accept() fails, poll wakes at once
if is_supervise; then
	expect_true "no fd left: the daemon does not spin ($((c1 - c0)) ticks in 3 s)" \
		test $((c1 - c0)) -lt 60
	expect_eq "no fd left: said once in the main log" 1 \
		"$(log_count 'WARN cannot accept clients: [^;]+; they wait .* \(raise minfds in \[supervisord\]')"
fi
expect_true "no fd left: daemon alive" alive "$DPID"
expect_true "no fd left: a client still waits" alive "$WAITER"
soft nofile "$NOFILE0"
expect_true "limit raised: the waiting client is answered" until_ok 10 dead "$WAITER"
wait "$WAITER"
expect_eq "limit raised: the waiting status exits 3 (files is FATAL)" 3 "$?"
expect_match "limit raised: the waiting status is complete" "^idle +RUNNING " "$(cat "$T/waiting.out")"
if is_supervise; then
	expect_eq "limit raised: said in the main log" 1 "$(log_count 'INFO clients are accepted again$')"
fi
ctl start files
expect_eq "RLIMIT_NOFILE raised again: start works" "files: started" "$OUT"
expect_true "RLIMIT_NOFILE raised again: RUNNING" wait_state files RUNNING
ctl status
expect_eq "all RUNNING: status exits 0" 0 "$RC"
ctl stop files
for p in $HOLDERS; do kill "$p" 2>/dev/null; done
fds_back() { [ "$(fds)" -eq "$1" ]; }
# files logs nothing: stopped, it holds no fd
expect_true "fds back to where they were ($FD0)" until_ok 10 fds_back "$FD0"
