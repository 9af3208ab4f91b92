# t_man: the manual pages are clean under mandoc -Tlint and groff -ww, and
# name every option and command the binaries have
. tests/lib.sh

need mandoc
for m in man/supervise.8 man/supervisectl.1 man/supervise.conf.5; do
	expect_eq "mandoc -Tlint $m" "" "$(mandoc -Tlint -W warning "$m" 2>&1)"
	if command -v groff >/dev/null 2>&1; then
		expect_eq "groff -man -ww $m" "" "$(groff -man -ww -z "$m" 2>&1)"
	fi
done
# every long option of supervise --help is in supervise(8)
for o in $("$SUPERVISE" --help | sed -n 's/^-.\/--\([a-z_-]*\).*/\1/p'); do
	expect_true "supervise(8) names --$o" grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" man/supervise.8
done
# every command of supervisectl help is in supervisectl(1)
for c in $("$SUPERVISECTL" help | sed -n '/^===/,$p' | sed 1d); do
	[ "$c" = EOF ] && continue
	expect_true "supervisectl(1) has an entry for $c" grep -Eq "^\.B[IR]? ($c( |\$)|.*, $c\$)" man/supervisectl.1
done
expect_true "supervise.conf(5) names control_fifo" grep -q control_fifo man/supervise.conf.5
