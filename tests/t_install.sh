# t_install: make install puts the binaries, man pages and init files under
# DESTDIR/PREFIX, nothing else and nothing enabled; make uninstall takes
# them all away again
. tests/lib.sh

need make
D=$T/root
# -o build-flags: install the binaries under test as they are.  Run.sh run
# straight, not by `make check`, has not the make variables that built them
# (SANITIZE=1, CROSS_COMPILE=...), and make would build them anew without.
if ! make -s -o build-flags install DESTDIR="$D" PREFIX=/opt/sv >"$T/install.out" 2>&1; then
	fail "make install" "$(tail -n 5 "$T/install.out")"
	exit 1
fi
for f in sbin/supervise bin/supervisectl share/man/man8/supervise.8 \
	share/man/man1/supervisectl.1 share/man/man5/supervise.conf.5 \
	share/supervise/supervise share/supervise/supervise.service share/supervise/supervise.default \
	share/supervise/supervise.conf; do
	expect_true "installed: $f" test -s "$D/opt/sv/$f"
done
expect_eq "supervise is executable" "-rwxr-xr-x" "$(ls -l "$D/opt/sv/sbin/supervise" | cut -c1-10)"
expect_eq "the init script is executable" "-rwxr-xr-x" \
	"$(ls -l "$D/opt/sv/share/supervise/supervise" | cut -c1-10)"
expect_eq "man pages are 0644" "-rw-r--r--" "$(ls -l "$D/opt/sv/share/man/man8/supervise.8" | cut -c1-10)"
expect_eq "nothing outside PREFIX, nothing enabled" "opt" "$(ls "$D")"
expect_true "the installed binary runs" $QEMU "$D/opt/sv/sbin/supervise" --version
make -s uninstall DESTDIR="$D" PREFIX=/opt/sv >"$T/uninstall.out" 2>&1
expect_eq "make uninstall leaves no file" "" "$(find "$D" -type f -o -type l)"
