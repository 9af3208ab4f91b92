#!/bin/sh
# tests/run.sh - run the unit tests and every tests/t_*.sh, count the lines
# they print (PASS / FAIL / SKIP) and close with "N passed, N failed".
#
#   sh tests/run.sh              everything
#   sh tests/run.sh t_status     only the tests whose name contains t_status
#   REQUIRE_ALL=1 sh tests/run.sh   a SKIP counts as a failure (CI)
#   QEMU="qemu-arm-static -L /usr/arm-linux-gnueabihf" sh tests/run.sh
#                                the binaries are a cross build: run them so
#
# It builds nothing: `make check` does.  Each test runs in its own temp dir
# (tests/lib.sh makes it) under a hard timeout.

cd "$(dirname "$0")/.." || exit 1
TESTTIMEOUT=${TESTTIMEOUT:-120}
SUPERVISE=${SUPERVISE:-$PWD/supervise}
SUPERVISECTL=${SUPERVISECTL:-$PWD/supervisectl}
export SUPERVISE SUPERVISECTL QEMU

out=$(mktemp "${TMPDIR:-/tmp}/svrun.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

# QEMU="qemu-arm-static -L /usr/arm-linux-gnueabihf" (make check sets it for
# a cross build): the binaries under test run through it, behind wrappers
if [ -n "$QEMU" ]; then
	wrap=$(mktemp -d "${TMPDIR:-/tmp}/svqemu.XXXXXX") || exit 1
	chmod 755 "$wrap"           # tests run the daemon as nobody too
	trap 'rm -f "$out"; rm -rf "$wrap"' EXIT
	for _b in "$SUPERVISE" "$SUPERVISECTL"; do
		printf '#!/bin/sh\nexec %s -0 "$0" %s "$@"\n' "$QEMU" "$_b" >"$wrap/$(basename "$_b")"
		chmod +x "$wrap/$(basename "$_b")"
	done
	SUPERVISE=$wrap/$(basename "$SUPERVISE")
	SUPERVISECTL=$wrap/$(basename "$SUPERVISECTL")
	TESTTIMEOUT=${TESTTIMEOUT_QEMU:-300}
fi
: >"$out"

selected() {
	[ $# -eq 0 ] && return 0
	for _f in "$@"; do
		case $name in *"$_f"*) return 0 ;; esac
	done
	return 1
}

# run_one NAME CMD...: run a test, keep its PASS/FAIL/SKIP lines, and turn
# a crash or a timeout into a FAIL line of its own
run_one() {
	_name=$1; shift
	_log=$(mktemp "${TMPDIR:-/tmp}/svtest.XXXXXX") || exit 1
	timeout -k 20 "$TESTTIMEOUT" "$@" >"$_log" 2>&1
	_rc=$?
	grep -aE '^(PASS|FAIL|SKIP) ' "$_log" >>"$out"
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		echo "FAIL $_name: timed out after ${TESTTIMEOUT}s" >>"$out"
	elif [ $_rc -ne 0 ] && ! grep -q '^FAIL ' "$_log"; then
		echo "FAIL $_name: exited $_rc: $(tail -n 3 "$_log" | tr '\n' '|')" >>"$out"
	elif [ $_rc -eq 0 ] && ! grep -Eq '^(PASS|FAIL|SKIP) ' "$_log"; then
		if [ "$_name" = unit ]; then    # a unit binary may print only a summary
			echo "PASS unit: all unit tests" >>"$out"
		else
			echo "FAIL $_name: printed no result" >>"$out"
		fi
	fi
	[ -n "$VERBOSE" ] && cat "$_log"
	rm -f "$_log"
}

name=unit
if [ -x tests/unit ] && selected "$@"; then
	run_one unit $QEMU tests/unit </dev/null
fi
for t in tests/t_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	selected "$@" || continue
	start=$(date +%s)
	run_one "$name" sh "$t" </dev/null
	[ -n "$TIMES" ] && echo "$name: $(( $(date +%s) - start ))s" >&2
done

passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
skipped=$(grep -c '^SKIP ' "$out")
grep '^FAIL ' "$out"
if [ "${REQUIRE_ALL:-0}" = 1 ] && [ "$skipped" -gt 0 ]; then
	grep '^SKIP ' "$out" | sed 's/^SKIP /FAIL /; s/$/ (REQUIRE_ALL=1)/'
	failed=$((failed + skipped))
	skipped=0
fi
if [ "$skipped" -gt 0 ]; then
	grep '^SKIP ' "$out"
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
