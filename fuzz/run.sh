#!/bin/sh
# fuzz/run.sh - what `make fuzz` runs: each target named for SECONDS
# seconds, one after another, seeded from fuzz/corpus/<target> and
# fuzz/regress/<target>.  What a run learns (new inputs), its log and any
# crash, leak or timeout go to fuzz/out/<target>/.
#
#   sh fuzz/run.sh SECONDS TARGET...
#
# Exits 1 if a target found anything, after naming the inputs that show it.
cd "$(dirname "$0")/.." || exit 1
secs=$1
shift
status=0
for t in "$@"; do
	case $t in
	config) len=8192 ;;
	*) len=4096 ;;
	esac
	out=fuzz/out/$t
	mkdir -p "$out/corpus"
	touch "$out/.start"
	seeds="fuzz/corpus/$t"
	[ -d "fuzz/regress/$t" ] && seeds="$seeds fuzz/regress/$t"
	# shellcheck disable=SC2086
	"./fuzz/$t-fuzz" -max_total_time="$secs" -timeout=30 -max_len=$len \
		-print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" $seeds \
		>"$out/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
	found=$(find "$out" -maxdepth 1 -newer "$out/.start" \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
		sort | tr '\n' ' ' | sed 's/ $//')
	if [ $rc -ne 0 ] || [ -n "$found" ]; then
		status=1
		echo "FAIL fuzz $t: exit $rc after ${runs:-?} runs; inputs: ${found:-none}; log: $out/log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:)' "$out/log" | head -n 5
	else
		echo "fuzz $t: ${runs:-?} runs in ${secs} s, nothing found"
	fi
done
exit $status
