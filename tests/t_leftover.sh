# t_leftover: a daemon killed with SIGKILL and started again on the same
# config stops what the killed one left running (found in <pidfile>.state)
# before it starts anything, so no program ever runs twice; a pid that
# another process took, a file from another boot, the children of a daemon
# that still runs, a link, another user's file are left alone; the file
# follows spawns, reaps, update and reload, belongs to the daemon's user=,
# survives a failing or read-only disk (said once), and is gone after a
# clean exit.  Ours: supervisord leaves the orphans running.
. tests/lib.sh

is_supervise || { echo "SKIP $TEST: supervise only (supervisord leaves orphans)"; exit 0; }

STATE=$PIDFILE.state
BOOT=$(cat /proc/sys/kernel/random/boot_id)

conf_base
# web: stops on its stopsignal (INT) only, and says so
script web.sh <<EOF
trap '' TERM
trap 'echo INT >"$T/web.int"; exit 0' INT
echo \$\$ >"$T/web.pid"
while :; do sleep 0.1; done
EOF
script stubborn.sh <<EOF
trap '' TERM
echo \$\$ >"$T/stubborn.pid"
while :; do sleep 0.1; done
EOF
# forker and orphaner: a child in their process group
for n in forker orphaner; do
	script $n.sh <<EOF
sleep 1000 &
echo \$! >"$T/${n}_child.pid"
echo \$\$ >"$T/$n.pid"
wait
EOF
done
script gone.sh <<EOF
echo \$\$ >"$T/gone.pid"
exec sleep 1000
EOF
cp "$CONF" "$T/base.conf"
conf <<'EOF'
[program:web]
command=%(here)s/web.sh
stopsignal=INT
stopwaitsecs=30

[program:stubborn]
command=%(here)s/stubborn.sh
stopwaitsecs=2

[program:forker]
command=%(here)s/forker.sh

[program:orphaner]
command=%(here)s/orphaner.sh
EOF
cp "$CONF" "$T/four.conf"
conf <<'EOF'

[program:gone]
command=%(here)s/gone.sh
EOF

PROGS="web stubborn forker orphaner"

# start_time PID: field 22 of /proc/PID/stat
start_time() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

# copies NAME: how many live processes run $T/NAME.sh (the grep itself,
# among them, does not match its own [.])
copies() {
	grep -l -- "$T/$1[.]sh" /proc/[0-9]*/cmdline 2>/dev/null | while read -r _f; do
		_p=${_f#/proc/}
		alive "${_p%/cmdline}" && echo
	done | wc -l
}

# state_lines: the state file's entries as "PID START NAME", sorted
state_lines() { sed 1d "$STATE" 2>/dev/null | sort; }

# running_lines NAME...: what the state file should hold for the programs
running_lines() {
	for _n in "$@"; do
		_p=$(pidof_prog "$_n")
		[ -n "$_p" ] && echo "$_p $(start_time "$_p") $_n"
	done | sort
}

# state_is_running NAME...: the state file lists exactly these programs
state_is_running() { [ "$(state_lines)" = "$(running_lines "$@")" ]; }

wait_all_running() {
	for _n in "$@"; do
		wait_state "$_n" RUNNING 20 || fail "$_n reaches RUNNING" "$OUT"
	done
}

# loud: the main log's lines above INFO, but for what every start as root
# without a password says
loud() {
	grep -E "$TS(WARN|ERRO|CRIT) " "$LOG" | grep -Ev 'running as root|without any HTTP auth'
}

# kill_daemon: SIGKILL, as the OOM killer or a careless script would
kill_daemon() {
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
}

# ---- a first daemon, killed -------------------------------------------------

start_daemon || exit 1
wait_all_running $PROGS gone
expect_true "state file: one line per child, with its start time" \
	until_ok 5 state_is_running $PROGS gone
expect_match "state file: header (daemon pid, session, boot id)" \
	"^supervise-state 1 $DPID [0-9]+ $BOOT\$" "$(head -n 1 "$STATE")"
ino=$(ls -i "$STATE")
sleep 1.5
expect_eq "state file: not written while nothing is spawned or reaped" "$ino" "$(ls -i "$STATE")"

for n in $PROGS gone; do eval "old_$n=\$(cat \"\$T/$n.pid\")"; done
old_forker_child=$(cat "$T/forker_child.pid")
old_orphaner_child=$(cat "$T/orphaner_child.pid")
track $old_forker_child $old_orphaner_child

kill_daemon
expect_true "SIGKILL leaves the programs running" alive "$old_web"
# orphaner's leader dies too: its child lives on in the process group
kill -KILL "$old_orphaner"
wait_dead "$old_orphaner"
expect_true "orphaner's child outlives its leader" alive "$old_orphaner_child"
# gone is no longer configured when the next daemon starts
cp "$T/four.conf" "$CONF"

# a process that took a pid the file names: another start time
sleep 1000 &
impostor=$!
track "$impostor"
echo "$impostor 12345 impostor" >>"$STATE"

# ---- the next daemon stops them before it starts anything -------------------

: >"$LOG"
start_daemon || exit 1
wait_all_running $PROGS
for n in $PROGS gone; do
	eval "p=\$old_$n"
	expect_true "old $n (pid $p) is gone" dead "$p"
done
expect_true "old forker's child is gone" dead "$old_forker_child"
expect_true "old orphaner's child (its leader gone before) is gone" dead "$old_orphaner_child"
for n in $PROGS; do
	expect_eq "exactly one copy of $n runs" 1 "$(copies $n)"
done
expect_true "the process that took a pid is untouched" alive "$impostor"
expect_true "web stopped by its stopsignal" test -s "$T/web.int"
expect_match "log: web stopped with its stopsignal" \
	"${TS}WARN stopping leftover 'web' \(pid $old_web\) of a previous supervise that did not exit cleanly: SIGINT to its process group$" \
	"$(cat "$LOG")"
expect_match "log: stopped" "${TS}INFO stopped leftover 'web' \(pid $old_web\)$" "$(cat "$LOG")"
expect_match "log: stubborn SIGKILLed after its stopwaitsecs" \
	"${TS}WARN killing leftover 'stubborn' \(pid $old_stubborn\) with SIGKILL$" "$(cat "$LOG")"
expect_match "log: a program no longer configured gets SIGTERM" \
	"${TS}WARN stopping leftover 'gone' \(pid $old_gone\) of a previous supervise that did not exit cleanly: SIGTERM to its process group$" \
	"$(cat "$LOG")"
expect_match "log: orphaner's group stopped" \
	"${TS}WARN stopping leftover 'orphaner' \(pid $old_orphaner\)" "$(cat "$LOG")"
expect_nomatch "log: nothing said of the impostor above debug" \
	"(WARN|ERRO|CRIT).*impostor" "$(cat "$LOG")"
expect_true "leftovers stopped before the first spawn" test \
	"$(log_ms "stopped leftover 'stubborn'")" -le "$(log_ms "spawned: ")"
expect_true "state file: the new children only" until_ok 5 state_is_running $PROGS

# ---- update and reload keep the file right ----------------------------------

cp "$CONF" "$T/five.conf"
sed '/^\[program:forker\]/,/^$/d' "$T/five.conf" >"$CONF"
printf '\n[program:gone]\ncommand=%%(here)s/gone.sh\n' >>"$CONF"
ctl update
wait_all_running web stubborn orphaner gone
expect_true "update: the file follows (forker out, gone in)" \
	until_ok 5 state_is_running web stubborn orphaner gone
ctl stop gone
expect_true "stop: the file follows" until_ok 5 state_is_running web stubborn orphaner
ctl start gone
cp "$T/five.conf" "$CONF"
ctl reload
until_ok 20 log_atleast 2 "supervisord started with pid"
wait_all_running $PROGS
expect_true "reload: the file lists the new children" until_ok 5 state_is_running $PROGS

# ---- killed again, started as a daemon: the parent returns when they are gone

for n in $PROGS; do eval "old_$n=\$(cat \"\$T/$n.pid\")"; done
kill_daemon
: >"$LOG"
timeout 60 "$SUPERVISE" -c "$CONF" >"$T/parent.out" 2>&1
expect_eq "daemonizing: the parent exits 0" 0 "$?"
DPID=$(cat "$PIDFILE")
for n in $PROGS; do
	eval "p=\$old_$n"
	expect_true "daemonizing: old $n is gone when the parent returns" dead "$p"
done
wait_all_running $PROGS
for n in $PROGS; do
	expect_eq "daemonizing: exactly one copy of $n runs" 1 "$(copies $n)"
done
expect_eq "daemonizing: one stopping line per program" 4 \
	"$(log_count "WARN stopping leftover '[^']*' \(pid [0-9]+\) of a previous supervise")"

# ---- a write that fails is said once and harms nobody ------------------------

mkdir "$STATE.tmp"
ctl restart web
expect_true "write failure: the program runs" wait_state web RUNNING
expect_true "write failure: said once" until_ok 5 log_atleast 1 "WARN cannot write $STATE:"
ctl restart web
wait_state web RUNNING
expect_eq "write failure: said only once" 1 "$(log_count "cannot write $STATE:")"
expect_true "write failure: the daemon goes on" state_is stubborn RUNNING
rmdir "$STATE.tmp"
ctl restart web
expect_true "write failure: works again" until_ok 5 log_atleast 1 "INFO $STATE works again$"
expect_true "write failure: the file is right again" until_ok 5 state_is_running $PROGS

# ---- a clean exit removes it --------------------------------------------------

for n in $PROGS; do eval "old_$n=\$(cat \"\$T/$n.pid\")"; done
ctl shutdown
wait_dead "$DPID" 20
DPID=
expect_true "clean exit: state file removed" test ! -e "$STATE"
expect_true "clean exit: no temp file left" test ! -e "$STATE.tmp"

# ---- what is not ours to stop -----------------------------------------------

cp "$T/base.conf" "$CONF"
conf <<'EOF'
[program:web]
command=%(here)s/web.sh
stopsignal=INT
EOF

# a file from before a reboot: its pid now names another process, even one
# with the same start time
printf 'supervise-state 1 1234 1234 %s\n%s %s web\n' \
	00000000-0000-0000-0000-000000000000 "$impostor" "$(start_time "$impostor")" >"$STATE"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_true "other boot: the process is untouched" alive "$impostor"
expect_eq "other boot: nothing said above debug" "" "$(loud)"
stop_daemon

# pids that are not alive any more: nothing happens, nothing is said
sleep 0 & dead1=$!
wait "$dead1"
printf 'supervise-state 1 1234 1234 %s\n%s 777 web\n' "$BOOT" "$dead1" >"$STATE"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_eq "stale file: nothing said above debug" "" "$(loud)"
stop_daemon

# the children of a supervise that still runs (two sharing a pidfile): the
# test shell stands in for it, the impostor is its child
printf 'supervise-state 1 %s %s %s\n%s %s web\n' $$ "$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f4)" \
	"$BOOT" "$impostor" "$(start_time "$impostor")" >"$STATE"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_true "live daemon: its child is untouched" alive "$impostor"
expect_match "live daemon: said" \
	"${TS}WARN leaving 'web' \(pid $impostor\) alone: it belongs to supervise pid $$, which still runs" \
	"$(cat "$LOG")"
stop_daemon

# a file that is not ours to read: said, nothing done
printf 'pid file of something else\n%s %s web\n' "$impostor" "$(start_time "$impostor")" >"$STATE"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_true "not a state file: nothing done" alive "$impostor"
expect_match "not a state file: said" \
	"${TS}WARN ignoring $STATE: not a state file of supervise\$" "$(cat "$LOG")"
stop_daemon

# lines that are not what supervise writes are skipped
printf 'supervise-state 1 1234 1234 %s\nx %s web\n%s\n0 1 init\n-%s %s web\n' "$BOOT" \
	"$(start_time "$impostor")" "$impostor" "$impostor" "$(start_time "$impostor")" >"$STATE"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_true "bad lines: nothing done" alive "$impostor"
expect_eq "bad lines: nothing said above debug" "" "$(loud)"
stop_daemon

# a link in place of the file is not followed
ln -s "$T/elsewhere" "$STATE"
printf 'supervise-state 1 1234 1234 %s\n%s %s web\n' "$BOOT" "$impostor" \
	"$(start_time "$impostor")" >"$T/elsewhere"
: >"$LOG"
start_daemon || exit 1
wait_state web RUNNING
expect_true "symlink: not followed" alive "$impostor"
expect_match "symlink: said" "${TS}WARN cannot read $STATE: " "$(cat "$LOG")"
stop_daemon
expect_true "symlink: replaced by our own file, then removed at exit" test ! -e "$STATE"
expect_true "symlink: its target untouched" test -s "$T/elsewhere"

# ---- two daemons sharing one pidfile (two configs without pidfile= started
# in one directory): neither touches what the other runs

# ctl_in DIR CMD...: supervisectl on DIR's daemon; output in OUT
ctl_in() { _d=$1; shift; OUT=$("$SUPERVISECTL" -c "$T/$_d/supervise.conf" "$@" 2>&1); }
ctl_in_pid() { ctl_in "$1" status "$2"; printf '%s\n' "$OUT" | sed -n 's/.* pid \([0-9]*\),.*/\1/p'; }
ctl_in_running() { ctl_in "$1" status "$2"; printf '%s\n' "$OUT" | grep -q RUNNING; }
# start_in DIR: daemonize DIR's supervise and wait for its program; both
# pids are tracked
start_in() {
	"$SUPERVISE" -c "$T/$1/supervise.conf" >>"$T/$1/daemon.out" 2>&1 ||
		fail "$1: daemon starts" "$(cat "$T/$1/daemon.out")"
	ctl_in "$1" pid
	track "$OUT"
	until_ok 10 ctl_in_running "$1" "$1"
	track "$(ctl_in_pid "$1" "$1")"
}
for d in a b; do
	mkdir -p "$T/$d/log"
	sed "s|^pidfile=.*|pidfile=$T/shared.pid|" "$T/base.conf" >"$T/$d/supervise.conf"
	printf '[program:%s]\ncommand=/bin/sleep 1000\n' "$d" >>"$T/$d/supervise.conf"
done
start_in a
ctl_in a pid; A=$OUT
a=$(ctl_in_pid a a)
start_in b
ctl_in b pid; B=$OUT
b=$(ctl_in_pid b b)
kill -KILL "$B"
start_in b
expect_true "shared pidfile: b's leftover stopped" dead "$b"
expect_true "shared pidfile: a's program untouched" alive "$a"
ctl_in a restart a                  # a's daemon writes the file last
until_ok 10 ctl_in_running a a
a=$(ctl_in_pid a a)
track "$a"
ctl_in b pid; B=$OUT
b=$(ctl_in_pid b b)
track "$b"
kill -KILL "$B"
start_in b
expect_true "shared pidfile: a's program untouched by b's next daemon" alive "$a"
expect_match "shared pidfile: said" \
	"${TS}WARN leaving 'a' \(pid $a\) alone: it belongs to supervise pid $A, which still runs with pidfile $T/shared.pid; give each supervise its own pidfile$" \
	"$(cat "$T/b/supervise.log")"
ctl_in a shutdown
ctl_in b shutdown
until_ok 15 dead "$A"
kill -KILL "$b" 2>/dev/null     # b's file was a's: this leftover was not found

# ---- [supervisord] user=: the file is the daemon user's; one of another
# user is not read (root only)
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null 2>&1; then
	chmod 711 "$T"
	mkdir -p "$T/u/log"
	chmod 777 "$T/u" "$T/u/log"
	SOCK=$T/u/supervise.sock
	LOG=$T/u/supervise.log
	PIDFILE=$T/u/supervise.pid
	STATE=$PIDFILE.state
	sed 's|%(here)s/|%(here)s/u/|; s|^\[supervisord\]$|&\nuser=nobody|' "$T/base.conf" >"$CONF"
	printf '[program:child]\ncommand=/bin/sleep 1000\n' >>"$CONF"
	chmod 644 "$CONF"
	start_daemon || exit 1
	wait_state child RUNNING
	old=$(pidof_prog child)
	track "$old"
	expect_true "user=: the file is written" until_ok 5 test -s "$STATE"
	expect_eq "user=: it belongs to the daemon's user" nobody "$(stat -c %U "$STATE")"
	kill_daemon
	: >"$LOG"
	start_daemon || exit 1
	wait_state child RUNNING
	expect_true "user=: the leftover is stopped" dead "$old"
	expect_match "user=: logged" "${TS}WARN stopping leftover 'child' \(pid $old\)" "$(cat "$LOG")"
	stop_daemon
	printf 'supervise-state 1 1234 1234 %s\n%s %s child\n' "$BOOT" "$impostor" \
		"$(start_time "$impostor")" >"$STATE"
	: >"$LOG"
	start_daemon || exit 1
	wait_state child RUNNING
	expect_true "another user's file: not read" alive "$impostor"
	expect_match "another user's file: said" \
		"${TS}WARN ignoring $STATE: not a regular file of uid $(id -u nobody)\$" "$(cat "$LOG")"
	stop_daemon
	chmod 700 "$T"
fi

# ---- a read-only disk under the pidfile (root only): said once, children
# and daemon go on; no file to remove is no error there
RO=$T/ro
mkdir -p "$RO/log"
ro_cleanup() {
	stop_daemon
	umount "$RO" 2>/dev/null || umount -l "$RO" 2>/dev/null
	cleanup
}
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m tmpfs "$RO" 2>/dev/null; then
	trap ro_cleanup EXIT
	SOCK=$T/supervise.sock
	LOG=$T/supervise.log
	PIDFILE=$RO/supervise.pid
	STATE=$PIDFILE.state
	sed "s|^pidfile=.*|pidfile=$PIDFILE|" "$T/base.conf" >"$CONF"
	printf '[program:child]\ncommand=/bin/sleep 1000\n' >>"$CONF"
	: >"$LOG"
	start_daemon || exit 1
	wait_state child RUNNING
	expect_true "read-only: written while it may be" until_ok 5 test -s "$STATE"
	mount -o remount,ro "$RO"
	ctl restart child
	expect_true "read-only: the program runs" wait_state child RUNNING
	expect_true "read-only: said" \
		until_ok 5 log_atleast 1 "WARN cannot write $STATE: Read-only file system;"
	ctl stop child
	ctl start child
	expect_eq "read-only: said once" 1 "$(log_count "cannot write $STATE")"
	mount -o remount,rw "$RO"
	ctl restart child
	expect_true "read-only: works again" until_ok 5 log_atleast 1 "INFO $STATE works again$"
	stop_daemon
	expect_true "read-only: removed at exit" test ! -e "$STATE"
	mount -o remount,ro "$RO"
	sed -i 's|^command=/bin/sleep 1000$|&\nautostart=false|' "$CONF"
	: >"$LOG"
	start_daemon || exit 1
	ctl status
	stop_daemon
	expect_eq "read-only, nothing to write: nothing said" 0 "$(log_count "$STATE")"
fi
