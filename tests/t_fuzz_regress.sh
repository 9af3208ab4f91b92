# t_fuzz_regress: every seed of fuzz/corpus and every regression input of
# fuzz/regress goes through its fuzz target once more, built with the normal
# compiler (fuzz/<target>-replay, which make check builds): what a fuzzer
# once broke stays fixed, on every build, musl and qemu ones included.
. tests/lib.sh

if ! is_supervise; then
	echo "SKIP $TEST: the fuzz targets are supervise's own code"
	exit 0
fi

for t in config request split; do
	bin=$PWD/fuzz/$t-replay
	if [ ! -x "$bin" ]; then
		fail "$t: replay" "$bin is not built (make check builds it)"
		continue
	fi
	for d in corpus regress; do
		dir=$PWD/fuzz/$d/$t
		[ -d "$dir" ] || continue
		n=$(ls "$dir" | wc -l)
		# in $T: the targets' temp dirs go there, and with the test's
		# cleanup even when a target aborts
		out=$(cd "$T" && TMPDIR=$T $QEMU "$bin" "$dir" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx "replayed $n inputs"; then
			pass "$t: the $n inputs of fuzz/$d/$t"
		else
			fail "$t: the $n inputs of fuzz/$d/$t" "exit $rc at $(printf '%s\n' "$out" |
				sed -n 's/^replay: //p' | tail -n 1): $(printf '%s\n' "$out" | tail -n 3)"
		fi
	done
done
