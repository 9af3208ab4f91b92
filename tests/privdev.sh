# tests/privdev.sh - sourced first by a test that needs /dev to itself (its
# own /dev/log, or /dev/stdout that a bug could rename): the test runs again
# in a mount namespace of its own over a fresh /dev, so this machine's /dev
# is never touched.  Without root or unshare it says SKIP.
if [ -z "$SV_PRIVATE_DEV" ]; then
	_t=$(basename "$0" .sh)
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP $_t: needs root (a private /dev)"
		exit 0
	fi
	command -v unshare >/dev/null 2>&1 || { echo "SKIP $_t: unshare not installed"; exit 0; }
	SV_PRIVATE_DEV=1 exec unshare -m sh "$0" "$@"
fi
mount -t tmpfs -o size=64k,mode=755 tmpfs /dev || { echo "FAIL $(basename "$0" .sh): private /dev: mount failed"; exit 1; }
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
