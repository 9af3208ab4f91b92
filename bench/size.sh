#!/bin/sh
# bench/size.sh - stripped sizes of every build this machine can make:
# native, static musl (musl-gcc), ARM and MIPS (Debian's cross compilers).
# `make size` runs it.  Each build happens in a temp copy of the sources,
# so the checkout's own binaries stay as they are.  Nothing built runs.

cd "$(dirname "$0")/.." || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/svsize.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# build NAME TOOL MAKE-ARGS...: one variant, if TOOL is installed
build() {
	_name=$1 _tool=$2
	shift 2
	if ! command -v "$_tool" >/dev/null 2>&1; then
		printf '%-8s %10s %12s   (%s not installed)\n' "$_name" - - "$_tool"
		return
	fi
	mkdir "$T/$_name"
	cp Makefile supervise.c supervise.h ctl.c "$T/$_name/"
	if ! make -s -C "$T/$_name" "$@" all >"$T/$_name.log" 2>&1; then
		printf '%-8s %10s %12s   (build failed)\n' "$_name" - -
		cat "$T/$_name.log" >&2
		failed=1
		return
	fi
	"${_cross}strip" -o "$T/$_name/s" "$T/$_name/supervise"
	"${_cross}strip" -o "$T/$_name/c" "$T/$_name/supervisectl"
	printf '%-8s %10d %12d\n' "$_name" "$(wc -c <"$T/$_name/s")" "$(wc -c <"$T/$_name/c")"
}

failed=0
printf '%-8s %10s %12s\n' build supervise supervisectl
_cross=
build native "${CC:-gcc}"
build static musl-gcc CC=musl-gcc "LDFLAGS=-Wl,--gc-sections -static"
_cross=arm-linux-gnueabihf-
build arm arm-linux-gnueabihf-gcc CROSS_COMPILE=arm-linux-gnueabihf-
_cross=mipsel-linux-gnu-
build mipsel mipsel-linux-gnu-gcc CROSS_COMPILE=mipsel-linux-gnu-
echo "budgets: static musl supervise <= 65536, supervisectl <= 32768"
exit "$failed"
