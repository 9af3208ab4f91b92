# t_streams: logs that are streams (/dev/stdout, the container pattern)
# under load: many programs into one pipe lose nothing, a late reader still
# gets everything at shutdown, a child's chunks and main-log lines never cut
# each other, rotate and clear of a program that never ran leave
# /dev/stdout alone, and /dev/null tails as empty.  In a private /dev: a bug
# here could rename /dev/stdout for the whole machine.
. tests/privdev.sh
. tests/lib.sh

need "${HOSTCC:-cc}"
${HOSTCC:-cc} -O -o "$T/flood" tests/flood.c || { fail "flood builds" "cc failed"; exit 1; }

# wait_gone: the daemon has exited (it is no child of this shell), then the
# reader has read all
wait_gone() { until_ok 15 dead "$DPID" && DPID= && wait "$PIPELINE"; }

# well-formed flood lines in FILE
flood_lines() { grep -Ec '^[0-9]{11} x{87}$' "$1"; }

# ---- 40 programs into one /dev/stdout, a reader that keeps up -------------
conf_base 'silent=true'
sed -i 's/^loglevel=debug$/loglevel=info/' "$CONF"
conf <<'EOF'
[program:many]
command=%(here)s/flood 20000
process_name=%(program_name)s_%(process_num)02d
numprocs=40
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
startsecs=0
autorestart=false
EOF
start_piped "cat > \"$T/many.out\"" || exit 1
all_exited() { ctl status; [ "$(printf '%s\n' "$OUT" | grep -c ' EXITED ')" = 40 ]; }
expect_true "40 programs into /dev/stdout: all exit" until_ok 60 all_exited
kill -TERM "$DPID"
wait_gone
# chunks of different programs interleave where the reads end, as in
# supervisord; every byte arrives once
expect_eq "40 programs into /dev/stdout: every byte arrives" 80000000 "$(wc -c <"$T/many.out")"
expect_eq "40 programs into /dev/stdout: every line" 800000 "$(wc -l <"$T/many.out")"
expect_eq "40 programs into /dev/stdout: nothing said lost" 0 "$(log_count 'lost')"

# ---- a reader that starts late gets everything, even at shutdown ---------
conf_base
sed -i 's/^loglevel=debug$/loglevel=info/' "$CONF"
conf <<'EOF'
[program:burst]
command=sh -c '%(here)s/flood 5000; exec sleep 100'
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
EOF
# the reader starts once the flood is over (burst's shell has become the
# sleep) and the daemon is told to stop, within the 2 s the daemon gives its
# output at exit.  supervisord, blocked in write() until the reader reads,
# answers nothing before: its reader starts after 2 s.
rm -f "$T/go"
is_supervise || { sleep 2; touch "$T/go"; } &
start_piped "{ until [ -e '$T/go' ]; do sleep 0.1; done; cat > \"$T/late.out\"; }" || exit 1
burst_done() { runs "$(pidof_prog burst)" sleep 100; }
if is_supervise; then until_ok 10 burst_done; else sleep 1; fi
kill -TERM "$DPID"
touch "$T/go"
wait_gone
# supervisord exits with what the pipe did not take yet (README, difference 9)
if is_supervise; then
	expect_eq "late reader: every line of the program" 5000 "$(flood_lines "$T/late.out")"
fi
expect_file_contains "late reader: the shutdown's main-log lines too" "$T/late.out" \
	"${TS}WARN stopped: burst \(terminated by SIGTERM\)$" 1

# ---- a child's chunk and a main-log line never cut each other ------------
# Lines that span several reads may still meet a main-log line between two
# reads, as in supervisord; what is checked is that neither is cut.
conf_base
sed -i 's/^loglevel=debug$/loglevel=info/' "$CONF"
conf <<'EOF'
[program:wide]
command=sh -c 'sleep 0.3; %(here)s/flood 200 3000; exec sleep 100'
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:crashy]
command=sh -c 'sleep 0.2; exit 3'
startretries=100
EOF
# the reader stalls until the flood is over, crashy has exited and the
# daemon is told to stop, as above (3 s for supervisord)
rm -f "$T/go"
is_supervise || { sleep 3; touch "$T/go"; } &
start_piped "{ until [ -e '$T/go' ]; do sleep 0.1; done; cat > \"$T/splice.out\"; }" || exit 1
wide_done() { runs "$(pidof_prog wide)" sleep 100 && wait_log 'exited: crashy'; }
if is_supervise; then until_ok 10 wide_done; else sleep 1.5; fi
kill -TERM "$DPID"
touch "$T/go"
wait_gone
# supervisord loses what a full pipe does not take at shutdown
if is_supervise; then
	expect_eq "chunks whole: every 3000-byte line of the child" 200 \
		"$(awk 'length($0) == 2999 && /^[0-9]+ xx*$/' "$T/splice.out" | wc -l)"
fi
n=$(grep -c 'exited: crashy' "$T/splice.out")
expect_true "chunks whole: main-log lines arrived meanwhile ($n)" test "$n" -gt 0
expect_eq "chunks whole: no main-log line is cut" "$n" \
	"$(grep -Ec "${TS#^}WARN exited: crashy \(exit status 3; not expected\)$" "$T/splice.out")"

# ---- rotate and clear of a program that never ran --------------------------
conf_base
conf <<'EOF'
[program:web]
command=sleep 100
autostart=false
stdout_logfile=/dev/stdout

[program:quiet]
command=sh -c 'echo nobody-sees-this; exec sleep 100'
stdout_logfile=/dev/null
EOF
"$SUPERVISE" -n -c "$CONF" >"$T/regular.out" 2>&1 &
DPID=$!
until_ok 10 answers || { fail "daemon starts" "$(cat "$T/regular.out")"; exit 1; }
if is_supervise; then          # rotate is ours
	ctl rotate web
	expect_eq "rotate of a never-run /dev/stdout program" "web: ERROR (no log file to rotate)" "$OUT"
fi
expect_true "rotate: /dev/stdout is still the link" test -L /dev/stdout
expect_true "rotate: no /dev/stdout.1" test ! -e /dev/stdout.1
ctl clear web
expect_eq "clear of a never-run /dev/stdout program" "web: cleared" "$OUT"
expect_true "clear: /dev/stdout is still the link" test -L /dev/stdout
wait_state quiet RUNNING
ctl tail quiet
expect_eq "tail of /dev/null: empty, as in supervisord" "0 " "$RC $OUT"

# ---- remove and add while an exited program's output still waits ----------
# The program exits at once, its background writer goes on into the pipe,
# and /dev/stdout is not read for 2 s; remove frees the process in the same
# turn of the loop as its pipe is ready (a use after free, once).
stop_daemon
conf_base
sed -i 's/^loglevel=debug$/loglevel=info/' "$CONF"
conf <<'EOF2'
[program:flood]
command=sh -c 'head -c 300000 /dev/zero | tr "\0" x; yes & exit 0'
startsecs=0
autorestart=false
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
EOF2
start_piped "{ sleep 2; exec cat >/dev/null; }" || exit 1
sleep 3
# (an AddressSanitizer build reports it in about one run of two)
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	ctl remove flood
	[ "$OUT" = "flood: removed process group" ] && ok=$((ok + 1))
	ctl add flood
	[ "$OUT" = "flood: added process group" ] && ok=$((ok + 1))
	sleep 0.3
done
expect_eq "remove and add, 10 times each, with output waiting" 20 "$ok"
expect_true "the daemon lives through every remove and add" alive "$DPID"
ctl remove flood
stop_daemon
