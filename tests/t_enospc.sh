# t_enospc: a full disk under a program's log: the program runs on with its
# pid, the daemon answers and says once that output is lost, then once, with
# the count, that the log works again when there is room; a program whose
# own log fills the disk runs on too
. tests/lib.sh

need "${HOSTCC:-cc}"
SMALL=$T/small
mkdir "$SMALL"
# the daemon holds files in the tmpfs open: stop it, unmount (lazily if
# something still holds it), then lib.sh's cleanup removes $T
enospc_cleanup() {
	stop_daemon
	umount "$SMALL" 2>/dev/null || umount -l "$SMALL" 2>/dev/null
	cleanup
}
trap enospc_cleanup EXIT
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=1m tmpfs "$SMALL" 2>/dev/null; then
	echo "SKIP $TEST: needs root to mount a tmpfs"
	exit 0
fi
${HOSTCC:-cc} -O -o "$T/flood" tests/flood.c || { fail "flood builds" "cc failed"; exit 1; }

conf_base
# tick: a numbered 100-byte line every ~10 ms, forever
script tick <<'EOF'
i=0
while :; do
	i=$((i + 1))
	printf '%08d %s\n' $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
	sleep 0.01
done
EOF
conf <<'EOF'
[program:tick]
command=%(here)s/tick
stdout_logfile=%(here)s/small/tick.log
stdout_logfile_maxbytes=0
stderr_logfile=NONE

[program:hog]
command=%(here)s/flood 99999999999
autostart=false
autorestart=false
startsecs=0
stdout_logfile=%(here)s/small/hog.log
stdout_logfile_maxbytes=0
stderr_logfile=NONE
EOF
TICKLOG=$SMALL/tick.log
HOGLOG=$SMALL/hog.log
LOST="No space left on device; output is lost until it works again"
# at info: at debug the daemon copies every byte of output into the main
# log as well, and rotates that away too
start_daemon --loglevel=info || exit 1

# whole_lines: how many whole tick lines the tick log holds
whole_lines() { grep -Ec '^[0-9]{8} x{90}$' "$TICKLOG" 2>/dev/null || true; }
# more_lines N: the tick log holds more than N whole lines (for until_ok)
more_lines() { [ "$(whole_lines)" -gt "$1" ]; }
# status_of NAME: "STATE PID fast" from a status call, or "... slow (MS ms)"
# when the answer took 1 s or more
status_of() {
	_t0=$(date +%s%N)
	ctl status
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	printf '%s\n' "$OUT" | awk -v n="$1" -v ms="$_ms" '$1 == n {
		p = $3 == "pid" ? $4 : "-"; sub(/,$/, "", p)
		print $2, p, ms < 1000 ? "fast" : "slow (" ms " ms)" }'
}
# wchar PID: the bytes PID has written so far
wchar() { sed -n 's/^wchar: //p' "/proc/$1/io" 2>/dev/null; }

expect_true "tick: RUNNING" wait_state tick RUNNING
TPID=$(pidof_prog tick)
expect_true "tick: logging" until_ok 5 more_lines 5

# ---- the disk fills under the log -----------------------------------------
dd if=/dev/zero of="$SMALL/filler" bs=4k >/dev/null 2>&1
expect_eq "the tmpfs is full" 0 "$(df -k "$SMALL" | awk 'NR == 2 { print $4 }')"
if is_supervise; then   # the message is supervise's own: supervisord says nothing
	expect_true "full: ERRO in the main log" wait_log "${TS}ERRO cannot write $TICKLOG: $LOST\$" 5
fi
sleep 1                 # more lines fail meanwhile, and are not said again
if is_supervise; then
	expect_eq "full: said exactly once" 1 "$(log_count "ERRO cannot write $TICKLOG: $LOST\$")"
fi
expect_eq "full: tick RUNNING with its pid, status under 1 s" "RUNNING $TPID fast" "$(status_of tick)"
expect_true "full: daemon alive" alive "$DPID"

# ---- room again ----------------------------------------------------------
n=$(whole_lines)
rm -f "$SMALL/filler"
expect_true "room again: new lines logged (after $n)" until_ok 5 more_lines $((n + 5))
if is_supervise; then
	WORKS="${TS}WARN $TICKLOG works again; [1-9][0-9]* bytes of output were lost\$"
	expect_true "room again: WARN with the bytes lost" wait_log "$WORKS" 5
	sleep 0.5
	expect_eq "room again: said exactly once" 1 "$(log_count "$WORKS")"
	expect_eq "room again: the full disk still said once" 1 \
		"$(log_count "ERRO cannot write $TICKLOG: $LOST\$")"
fi
expect_eq "room again: tick RUNNING with its pid" "RUNNING $TPID fast" "$(status_of tick)"

# ---- a program whose own log fills the disk -------------------------------
ctl start hog
expect_true "hog: RUNNING" wait_state hog RUNNING
HPID=$(pidof_prog hog)
if is_supervise; then
	expect_true "hog fills the disk: ERRO for its log" \
		wait_log "${TS}ERRO cannot write $HOGLOG: $LOST\$" 5
fi
w0=$(wchar "$HPID")
sleep 1
w1=$(wchar "$HPID")
expect_true "hog fills the disk: it writes on ($(( (${w1:-0} - ${w0:-0}) / 1048576 )) MB in 1 s)" \
	test $(( ${w1:-0} - ${w0:-0} )) -ge 1048576
expect_eq "hog fills the disk: the tmpfs is full" 0 "$(df -k "$SMALL" | awk 'NR == 2 { print $4 }')"
expect_eq "hog fills the disk: hog RUNNING with its pid, status under 1 s" \
	"RUNNING $HPID fast" "$(status_of hog)"
expect_eq "hog fills the disk: tick RUNNING with its pid" "RUNNING $TPID fast" "$(status_of tick)"
expect_true "hog fills the disk: daemon alive" alive "$DPID"
ctl stop hog
expect_true "hog: stops" wait_state hog STOPPED 10
expect_true "at the end: daemon alive and answering" answers
