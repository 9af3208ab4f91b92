# t_env: what a child gets: environment, directory, umask, fds 0-2 only,
# its own process group, SIGPIPE and SIGXFSZ ignored
. tests/lib.sh

conf_base 'environment=GLOBAL_X="g1",SHARED_X="from-supervisord"'
mkdir "$T/wd"
script envdump.sh <<'EOF'
env >"$1.tmp"; pwd >>"$1.tmp"; umask >>"$1.tmp"; mv "$1.tmp" "$1"
exec sleep 100
EOF
conf <<'EOF'
[program:e]
command=%(here)s/envdump.sh %(here)s/e.env
environment=FOO="bar baz",SHARED_X="from-program",JAVA_HOME="/opt/x"
directory=%(here)s/wd
umask=077

[program:plain]
command=%(here)s/envdump.sh %(here)s/plain.env

[program:ga]
command=%(here)s/envdump.sh %(here)s/ga.env
[group:g]
programs=ga

[program:url]
command=%(here)s/envdump.sh %(here)s/url.env
serverurl=http://127.0.0.1:1/custom

[program:bare]
command=/bin/sleep 100
EOF
TEST_INHERITED_X=from-shell
export TEST_INHERITED_X
start_daemon || exit 1
for f in e plain ga url; do wait_file "$T/$f.env" . 10; done
E=$(cat "$T/e.env")

expect_match "SUPERVISOR_ENABLED=1" "^SUPERVISOR_ENABLED=1$" "$E"
expect_match "SUPERVISOR_PROCESS_NAME" "^SUPERVISOR_PROCESS_NAME=e$" "$E"
expect_match "SUPERVISOR_GROUP_NAME" "^SUPERVISOR_GROUP_NAME=e$" "$E"
expect_match "SUPERVISOR_SERVER_URL is the unix socket" "^SUPERVISOR_SERVER_URL=unix://$SOCK\$" "$E"
expect_match "environment=: quoted value with a space" "^FOO=bar baz$" "$E"
expect_match "environment=: JAVA_HOME" "^JAVA_HOME=/opt/x$" "$E"
expect_match "[supervisord] environment reaches the child" "^GLOBAL_X=g1$" "$E"
expect_match "program environment wins over [supervisord]'s" "^SHARED_X=from-program$" "$E"
expect_match "the daemon's environment is inherited" "^TEST_INHERITED_X=from-shell$" "$E"
expect_match "directory=" "^$T/wd\$" "$E"
expect_match "umask=077" "^0*77$" "$E"

P=$(cat "$T/plain.env")
expect_match "[supervisord] environment without program override" "^SHARED_X=from-supervisord$" "$P"
expect_match "no directory=: the daemon's cwd" "^$PWD\$" "$P"
expect_match "no umask=: the daemon's umask" "^0*$(umask | sed 's/^0*//')\$" "$P"

G=$(cat "$T/ga.env")
expect_match "[group:g]: SUPERVISOR_GROUP_NAME=g" "^SUPERVISOR_GROUP_NAME=g$" "$G"
expect_match "[group:g]: SUPERVISOR_PROCESS_NAME=ga" "^SUPERVISOR_PROCESS_NAME=ga$" "$G"
expect_match "serverurl= sets SUPERVISOR_SERVER_URL" \
	"^SUPERVISOR_SERVER_URL=http://127.0.0.1:1/custom$" "$(cat "$T/url.env")"

wait_state bare RUNNING
pid=$(pidof_prog bare)
expect_eq "only fds 0-2 are open" "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')"
expect_match "stdin is a pipe" "^pipe:" "$(readlink /proc/$pid/fd/0)"
expect_eq "own process group (pgid = pid)" "$pid" \
	"$(sed 's/.*) //' /proc/$pid/stat | awk '{ print $3 }')"
# signals 1-31 only: libc reserves 32 and 33, and GNU make starts its
# commands with them ignored, which no program can undo
sigmask() { echo $(( 0x$(awk "/^$1:/ { print \$2 }" /proc/$pid/status) & 0x7fffffff )); }
expect_eq "SIGPIPE and SIGXFSZ ignored, nothing else" $((0x01001000)) "$(sigmask SigIgn)"
expect_eq "no signal blocked" 0 "$(sigmask SigBlk)"
