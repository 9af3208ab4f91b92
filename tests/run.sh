#!/bin/sh
# tests/run.sh - run the unit tests and every tests/t_*.sh, count the lines
# they print (PASS / FAIL / SKIP) and close with "N passed, N failed".
#
#   sh tests/run.sh              everything
#   sh tests/run.sh t_status     only the tests whose name contains t_status
#   REQUIRE_ALL=1 sh tests/run.sh   a SKIP counts as a failure (CI)
#   QEMU="qemu-arm-static -L /usr/arm-linux-gnueabihf" sh tests/run.sh
#                                the binaries are a cross build: run them so
#   SANITIZE=1 sh tests/run.sh   the binaries carry ASan and UBSan (make
#                                check SANITIZE=1 builds them so)
#   VALGRIND=1 sh tests/run.sh   the daemon (and unit) run under valgrind
#
# It builds nothing: `make check` does.  Each test runs in its own temp dir
# (tests/lib.sh makes it) under a hard timeout.  With SANITIZE or VALGRIND,
# every report a binary writes while a test runs is a FAIL line of that test.

cd "$(dirname "$0")/.." || exit 1
TESTTIMEOUT=${TESTTIMEOUT:-120}
SUPERVISE=${SUPERVISE:-$PWD/supervise}
SUPERVISECTL=${SUPERVISECTL:-$PWD/supervisectl}
SUPERVISE_ARGV0=$SUPERVISE    # what the daemon calls itself in messages
export SUPERVISE SUPERVISECTL SUPERVISE_ARGV0 QEMU SANITIZE VALGRIND
if [ -n "$VALGRIND" ] && [ -n "$QEMU$SANITIZE" ]; then
	echo "run.sh: VALGRIND runs native binaries built without SANITIZE" >&2
	exit 2
fi

# $work holds the output of every test, the wrappers (below) and the
# reports of sanitizers and valgrind (in reports/, which the daemon run as
# nobody must be able to write too)
work=$(mktemp -d "${TMPDIR:-/tmp}/svrun.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
out=$work/out
wrap=$work/bin
reports=$work/reports
mkdir "$wrap" "$reports"
chmod 755 "$wrap"
chmod 1777 "$reports"
: >"$out"

# wrapper BINARY CMD: $wrap/BINARY's name runs CMD with the wrapper's
# arguments; SUPERVISE or SUPERVISECTL naming BINARY names the wrapper then
wrapper() {
	_w=$wrap/$(basename "$1")
	printf '#!/bin/sh\nexec %s "$@"\n' "$2" >"$_w"
	chmod 755 "$_w"
	[ "$SUPERVISE" = "$1" ] && SUPERVISE=$_w
	[ "$SUPERVISECTL" = "$1" ] && SUPERVISECTL=$_w
}

# QEMU="qemu-arm-static -L /usr/arm-linux-gnueabihf" (make check sets it for
# a cross build): the binaries under test run through it, behind wrappers
if [ -n "$QEMU" ]; then
	for _b in "$SUPERVISE" "$SUPERVISECTL"; do
		wrapper "$_b" "$QEMU -0 \"\$0\" $_b"
	done
	SUPERVISE_ARGV0=$SUPERVISE
	TESTTIMEOUT=${TESTTIMEOUT_QEMU:-300}
fi

# Sanitizers write their reports into files named after the binary and the
# pid (san.supervise.1234), whichever user the binary runs as
if [ -n "$SANITIZE" ]; then
	ASAN_OPTIONS="log_path=$reports/san:log_exe_name=1:detect_leaks=1"
	UBSAN_OPTIONS="log_path=$reports/san:log_exe_name=1:print_stacktrace=1"
	export ASAN_OPTIONS UBSAN_OPTIONS
fi

# valgrind memcheck runs the daemon by its real path, so messages name that
# path (SUPERVISE_ARGV0); one log per pid (vg.supervise.1234).  The children
# between fork and exec stay silent: they exit on purpose with the daemon's
# fds open.  No gdb server: its fifos in /tmp outlive a daemon run as nobody.
if [ -n "$VALGRIND" ]; then
	VG=$(command -v valgrind) || { echo "run.sh: valgrind not installed" >&2; exit 2; }
	VG="$VG -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --track-fds=yes \
		--child-silent-after-fork=yes --vgdb=no --num-callers=16"
	wrapper "$SUPERVISE" "$VG --log-file=$reports/vg.supervise.%p $SUPERVISE"
	TESTTIMEOUT=${TESTTIMEOUT_VALGRIND:-300}
fi

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
	_log=$work/log
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
}

# report_lines FILE: a sanitizer's or valgrind's report as one line: its
# first lines (the error, then where), without pids and addresses.  Of what
# valgrind says at exit, the fds still open count only if the daemon opened
# them itself, and only after daemon_exit, which closes the signal pipe that
# main made (pipe, cloexec_pipe, main): a process that exits with that pipe
# open is the parent that daemonizing leaves (its child carries on with
# every fd) or a start that failed, and exit closes the fds on purpose.
report_lines() {
	awk '
	{ sub(/^(==[^= ]*)?==[0-9]+== ?/, ""); sub(/^ +/, ""); gsub(/ ?0x[0-9A-Fa-f]+:?( in)?/, "") }
	/^=*$/ && vg { if (rec != "") keep(); rec = ""; n = 0; next }
	/^=*$/ { next }          # a sanitizer report is one record
	/^FILE DESCRIPTORS:/ { next }
	/^Open .* [0-9]+:/ { if (rec != "") keep(); rec = ""; n = 0 }
	/^by main \(/ && prev ~ /^by cloexec_pipe \(/ && rec ~ /^Open / { sigpipe = 1 }
	{ if (n++ < 6) rec = rec (rec == "" ? "" : " | ") $0; text = text "\n" $0; prev = $0 }
	function keep() {
		if (text ~ /<inherited from parent>/) { text = ""; return }
		if (rec ~ /^Open /) fds[++nfd] = rec
		else if (first == "") first = rec
		text = ""
	}
	END {
		if (rec != "") keep()
		if (first == "" && !sigpipe && nfd) first = "fd left open at exit: " fds[1]
		if (first != "") print first
	}' vg="$(case ${1##*/} in vg.*) echo 1 ;; esac)" "$1"
}

# report_fails NAME: the reports written since the last call are FAIL
# lines of test NAME, one for each kind (a leak in the client reports in
# every run of it); the first report of each kind goes to stderr whole
report_fails() {
	: >"$work/kinds"
	for _r in "$reports"/*; do
		[ -f "$_r" ] || continue
		_l=$(report_lines "$_r")
		_k=${_r%.*}
		_k=${_k##*/}
		case $_k in
		vg.*) _k="${_k#vg.} (valgrind): $_l" ;;
		*) _k="${_k#san.}: $_l" ;;
		esac
		if [ -n "$_l" ] && ! grep -qxF -- "$_k" "$work/kinds"; then
			{ echo "---- $1: ${_r##*/}"; cat "$_r"; } >&2
		fi
		[ -n "$_l" ] && printf '%s\n' "$_k" >>"$work/kinds"
		rm -f "$_r"
	done
	sort "$work/kinds" | uniq -c | while read -r _n _k; do
		[ "$_n" -gt 1 ] && _k="$_k (in $_n processes)"
		echo "FAIL $1: $_k"
	done >>"$out"
}

name=unit
if [ -x tests/unit ] && selected "$@"; then
	run_one unit $QEMU ${VALGRIND:+$VG --log-file=$reports/vg.unit.%p} tests/unit </dev/null
	report_fails unit
fi
for t in tests/t_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	selected "$@" || continue
	start=$(date +%s)
	run_one "$name" sh "$t" </dev/null
	report_fails "$name"
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
