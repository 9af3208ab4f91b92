# t_hostile: clients that misbehave on the control socket: an over-long
# request line, binary bytes and NUL, a line sent byte by byte, a client
# that pipelines requests and never reads, hundreds of clients at once,
# connect/disconnect churn.  The daemon keeps serving everybody and gets
# its fds back.
. tests/lib.sh

if ! is_supervise; then
	echo "SKIP $TEST: the line protocol is supervise's own"
	exit 0
fi
need nc
need "${HOSTCC:-cc}"

build_rawclient || exit 1

# 50 programs: a status reply is ~3 KB, so 2000 unread replies are well
# past the daemon's per-client output bound plus the socket buffers
NPROG=50
conf_base
i=0
while [ $i -lt $NPROG ]; do
	printf '[program:p%s]\ncommand=/bin/sleep 100\n\n' "$i"
	i=$((i + 1))
done | conf
start_daemon || exit 1
all_running() { ctl status; [ "$(printf '%s\n' "$OUT" | grep -c ' RUNNING ')" = $NPROG ]; }
expect_true "all $NPROG programs RUNNING" until_ok 15 all_running

# raw TEXT: TEXT (printf format) over a fresh connection, half-closed after it
raw() { printf "$1" | timeout 5 nc -N -U "$SOCK" 2>&1; }
# serves: a new connection gets a complete status reply
serves() {
	_o=$(raw 'status\n')
	[ "$(printf '%s\n' "$_o" | grep -Ec '^p[0-9]+ +RUNNING ')" = $NPROG ] &&
		[ "$(printf '%s\n' "$_o" | tail -n 1)" = .0 ]
}
fds() { ls "/proc/$DPID/fd" 2>/dev/null | wc -l; }
# fds_back N: the daemon's fd count is back to N (for until_ok)
fds_back() { [ "$(fds)" -le "$1" ]; }
# timed CMD...: run CMD; MS is how long it took in ms
timed() { _t0=$(date +%s%N); "$@"; _rc=$?; MS=$(( ($(date +%s%N) - _t0) / 1000000 )); return $_rc; }

expect_true "baseline: raw status served" serves
BASE=$(fds)

# ---- an over-long request line -------------------------------------------
pad() { head -c "$1" /dev/zero | tr '\0' x; }
{ pad 5000; printf '\nstatus\n'; } | timeout 10 "$RAW" send "$SOCK" 3000 >"$T/long.out" 2>&1
rc=$?
expect_match "long line: error reply" "Error: request longer than 4096 bytes" "$(cat "$T/long.out")"
expect_eq "long line: the daemon closes the connection" 0 "$rc"
expect_nomatch "long line: nothing served after it" "^p[0-9] " "$(cat "$T/long.out")"
expect_match "long line: the reply ends with an end line" '^\.[1-9][0-9]*$' "$(tail -n 1 "$T/long.out")"
expect_true "long line: a new connection is served" serves
{ pad 10000; } | timeout 10 "$RAW" send "$SOCK" 3000 >"$T/long2.out" 2>&1
expect_eq "long line, no newline at all: closed" 0 "$?"
expect_match "long line, no newline at all: error reply" "Error: request longer than 4096 bytes" \
	"$(cat "$T/long2.out")"
# the limit counts the newline: 4095 bytes + newline is a request, 4096 + newline is not
out=$({ printf 'status '; pad 4088; printf '\n'; } | timeout 10 "$RAW" send "$SOCK" 1000 2>&1)
expect_nomatch "4096 bytes with the newline: accepted" "request longer than" "$out"
expect_match "4096 bytes with the newline: answered" '^\.[0-9]+$' "$out"
out=$({ printf 'status '; pad 4089; printf '\n'; } | timeout 10 "$RAW" send "$SOCK" 3000 2>&1)
expect_match "4097 bytes with the newline: refused" "Error: request longer than 4096 bytes" "$out"
expect_true "after long lines: daemon alive" alive "$DPID"

# ---- binary bytes, NUL ----------------------------------------------------
out=$(raw 'sta\001\377\033[2Jtus\n')
expect_match "binary bytes: Unknown syntax" '\*\*\* Unknown syntax' "$out"
expect_match "binary bytes: an end line" '^\.[0-9]+$' "$(printf '%s\n' "$out" | tail -n 1)"
out=$(raw 'version\000garbage\n')
expect_match "NUL in a line: an error reply" '\*\*\* Unknown syntax' "$out"
expect_nomatch "NUL in a line: not cut at the NUL (taken as version)" '^4\.2\.5$' "$out"
out=$(raw '\000\000\000\n')
expect_match "NULs only: an end line" '^\.[0-9]+$' "$(printf '%s\n' "$out" | tail -n 1)"
out=$(raw '\377\376garbage\200\nstatus p1\n')
expect_match "binary line then status: the status still served" "^p1 +RUNNING " "$out"
expect_true "after binary: daemon alive and serving" serves

# ---- a stream asked for behind a wait, by a client whose input has ended:
# the reader is gone (as for an end during the stream), so it ends
printf 'stop p4\nstart p4\nfg p4\nstatus p5\n' | timeout 10 nc -N -U "$SOCK" >"$T/fgend.out" 2>&1
rc=$?
expect_true "fg after the input ended: the connection ends (timeout exit $rc)" test "$rc" != 124
expect_match "fg after the input ended: the start answered first" "^p4: started" "$(cat "$T/fgend.out")"
expect_nomatch "fg after the input ended: nothing after it taken as a request" "^p5 " \
	"$(cat "$T/fgend.out")"
expect_true "after fg on an ended input: daemon alive and serving" serves

# ---- a partial line, byte by byte ----------------------------------------
{ for c in s t a t u s ' ' p 3; do printf '%s' "$c"; sleep 0.2; done; printf '\n'; sleep 0.3; } |
	timeout 10 nc -N -U "$SOCK" >"$T/slow.out" 2>&1 &
slowpid=$!
track "$slowpid"
sleep 0.5
timed ctl status p2
expect_match "during a slow line: others served" "^p2 +RUNNING " "$OUT"
expect_true "during a slow line: at once (${MS} ms)" test "$MS" -lt $((1000 * SLOW))
wait "$slowpid"
expect_match "slow line: served once the newline arrives" "^p3 +RUNNING " "$(cat "$T/slow.out")"
expect_eq "slow line: end line" ".0" "$(tail -n 1 "$T/slow.out")"

# ---- a client that pipelines 2000 requests and never reads ---------------
timeout 60 "$RAW" noread "$SOCK" 2000 8000 3000 >"$T/noread.out" 2>&1 &
nrpid=$!
track "$nrpid"
sleep 1
timed ctl status
expect_match "never-reading client: others get status" "^p49 +RUNNING " "$OUT"
expect_true "never-reading client: within $((2 * SLOW)) s (${MS} ms)" test "$MS" -lt $((2000 * SLOW))
sleep 2
timed ctl status p0
expect_true "never-reading client, later: still within $((2 * SLOW)) s (${MS} ms)" \
	test "$MS" -lt $((2000 * SLOW))
expect_true "never-reading client: raw status served" serves
cpu0=$(awk '{ print $14 + $15 }' "/proc/$DPID/stat")
sleep 1
cpu1=$(awk '{ print $14 + $15 }' "/proc/$DPID/stat")
expect_true "never-reading client: daemon not spinning (ticks $cpu0 -> $cpu1)" \
	test $((cpu1 - cpu0)) -lt 30
wait "$nrpid"
expect_match "never-reading client: dropped ($(cat "$T/noread.out"))" "dropped=1" "$(cat "$T/noread.out")"
expect_nomatch "never-reading client: not served all 2000" "endlines=2000 " "$(cat "$T/noread.out")"
expect_true "after the never-reading client: fds back to baseline" until_ok 5 fds_back "$BASE"

# ---- 200 clients at once --------------------------------------------------
mkdir "$T/c"
pids=
i=0
while [ $i -lt 200 ]; do
	printf 'status\n' | timeout 20 nc -N -U "$SOCK" >"$T/c/$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
track $pids
for p in $pids; do wait "$p"; done
complete=0
for f in "$T"/c/*; do
	[ "$(grep -Ec '^p[0-9]+ +RUNNING ' "$f")" = $NPROG ] && [ "$(tail -n 1 "$f")" = .0 ] &&
		complete=$((complete + 1))
done
expect_eq "200 nc clients: all complete replies" 200 "$complete"
timeout 30 "$RAW" many "$SOCK" 200 status >"$T/many.out" 2>&1
expect_eq "200 clients connected first, then status: all complete" \
	"connected=200 complete=200 of 200" "$(cat "$T/many.out")"
timeout 30 "$RAW" many "$SOCK" 500 'status p5' >"$T/many2.out" 2>&1
expect_eq "500 clients connected at once: all complete" \
	"connected=500 complete=500 of 500" "$(cat "$T/many2.out")"
expect_true "after many clients: fds back to baseline ($BASE)" until_ok 5 fds_back "$BASE"
expect_true "after many clients: serving" serves

# ---- connect and disconnect, 500 times ------------------------------------
timeout 30 "$RAW" churn "$SOCK" 500 >"$T/churn.out" 2>&1
expect_eq "churn: 500 connects" "ok=500" "$(cat "$T/churn.out")"
expect_true "churn: daemon alive" alive "$DPID"
expect_true "churn: serving" serves
expect_true "churn: fds back to baseline ($BASE)" until_ok 5 fds_back "$BASE"

# a client that half-closes before sending anything, and one that sends a
# request and closes without reading the reply
out=$(printf '' | timeout 5 nc -N -U "$SOCK" 2>&1)
expect_eq "half-close with nothing sent: empty reply" "" "$out"
i=0
while [ $i -lt 50 ]; do
	printf 'status\n' | timeout 5 "$RAW" send "$SOCK" 0 >/dev/null 2>&1
	i=$((i + 1))
done
expect_true "50 clients gone before the reply: serving" serves
expect_true "50 clients gone before the reply: fds back ($BASE)" until_ok 5 fds_back "$BASE"
ctl status
expect_eq "end: supervisectl status exit 0" 0 "$RC"
