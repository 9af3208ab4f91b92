# t_update: avail, reread, update, update GROUP, add and remove: their exact
# lines and exit codes, and what they do to the running programs (an
# unchanged group keeps its pid, a changed group restarts as a whole,
# removed groups stop, new groups follow autostart, a broken config changes
# nothing)
. tests/lib.sh

# glibc fills what is freed with this byte: a use after free in the daemon
# shows as a crash, not as old data that still looks right
MALLOC_PERTURB_=165
export MALLOC_PERTURB_

# the programs every version of the config has
common() {
	conf <<'EOF'
[program:keep]
command=/bin/sleep 100

[program:alpha]
command=/bin/sleep 100

[group:zg]
programs=alpha
priority=7

EOF
}

# version 1
conf_v1() {
	conf_base
	common
	conf <<'EOF'
[program:chg]
command=/bin/sleep 100

[program:gone]
command=/bin/sleep 100

[program:manual]
command=/bin/sleep 100
autostart=false
priority=5

[program:x]
command=/bin/sleep 100

[program:y]
command=/bin/sleep 100

[group:grp]
programs=x,y
EOF
}

# version 2: chg changed, gone removed, y (so grp) changed, new and newman added
conf_v2() {
	conf_base
	common
	conf <<'EOF'
[program:chg]
command=/bin/sleep 101

[program:manual]
command=/bin/sleep 100
autostart=false
priority=5

[program:x]
command=/bin/sleep 100

[program:y]
command=/bin/sleep 101

[group:grp]
programs=x,y

[program:new]
command=/bin/sleep 100

[program:newman]
command=/bin/sleep 100
autostart=false
EOF
}

conf_v1
start_daemon || exit 1
for p in keep zg:alpha chg gone grp:x grp:y; do wait_state "$p" RUNNING; done

lines() { printf '%s\n' "$OUT" | tr '\n' '|'; }
# av NAME INUSE AUTOSTART PRIORITY: one line of avail, by its template
av() { printf '%-32s %-9s %-9s %s' "$1" "$2" "$3" "$4"; }
pid_same() { test "$(pidof_prog "$1")" = "$2"; }

keep=$(pidof_prog keep)
alpha=$(pidof_prog zg:alpha)
chg=$(pidof_prog chg)
gone=$(pidof_prog gone)
x=$(pidof_prog grp:x)
y=$(pidof_prog grp:y)

# ---- argument errors and help -------------------------------------------

ctl avail extra
expect_eq "avail with an argument: error + help" "Error: avail accepts no arguments
avail			Display all configured processes" "$OUT"
expect_eq "avail with an argument: exit 1" 1 "$RC"
ctl reread extra
expect_eq "reread with an argument: error + help" "Error: reread accepts no arguments
reread 			Reload the daemon's configuration files without add/remove" "$OUT"
expect_eq "reread with an argument: exit 1" 1 "$RC"
ctl help update
expect_eq "help update" "update			Reload config and add/remove as necessary, and will restart affected programs
update all		Reload config and add/remove as necessary, and will restart affected programs
update <gname> [...]	Update specific groups" "$OUT"
ctl help add
expect_eq "help add" "add <name> [...]	Activates any updates in config for process/group" "$OUT"
ctl help remove
expect_eq "help remove" "remove <name> [...]	Removes process/group from active config" "$OUT"

# ---- nothing changed -------------------------------------------------------

ctl avail
expect_eq "avail: template, sorted by process name" "$(av zg:alpha 'in use' auto 7:999)
$(av chg 'in use' auto 999:999)
$(av gone 'in use' auto 999:999)
$(av keep 'in use' auto 999:999)
$(av manual 'in use' manual 5:5)
$(av grp:x 'in use' auto 999:999)
$(av grp:y 'in use' auto 999:999)" "$OUT"
expect_eq "avail: exit 0" 0 "$RC"
ctl reread
expect_eq "reread, nothing changed" "No config updates to processes" "$OUT"
expect_eq "reread, nothing changed: exit 0" 0 "$RC"
ctl update
expect_eq "update, nothing changed: no output" "" "$OUT"
expect_eq "update, nothing changed: exit 0" 0 "$RC"
ctl update all
expect_eq "update all, nothing changed: no output" "" "$OUT"
expect_eq "update all, nothing changed: exit 0" 0 "$RC"
printf '; only a comment\n' >>"$CONF"
ctl reread
expect_eq "reread, only a comment added" "No config updates to processes" "$OUT"
expect_true "nothing changed: keep has the same pid" pid_same keep "$keep"

# ---- add / remove on the active config ------------------------------------

ctl add keep
expect_eq "add an active group" "ERROR: process group already active" "$OUT"
expect_eq "add an active group: exit 0" 0 "$RC"
ctl add nosuch
expect_eq "add unknown" "ERROR: no such process/group: nosuch" "$OUT"
expect_eq "add unknown: exit 1" 1 "$RC"
ctl add
expect_eq "add, no names: no output" "" "$OUT"
expect_eq "add, no names: exit 0" 0 "$RC"
ctl add nosuch keep
expect_eq "add several: one line each" "ERROR: no such process/group: nosuch
ERROR: process group already active" "$OUT"
expect_eq "add several: the error's exit stays" 1 "$RC"
ctl remove keep
expect_eq "remove a running group" "ERROR: process/group still running: keep" "$OUT"
expect_eq "remove a running group: exit 1" 1 "$RC"
expect_true "remove a running group: it keeps running" pid_same keep "$keep"
ctl remove nosuch
expect_eq "remove unknown" "ERROR: no such process/group: nosuch" "$OUT"
expect_eq "remove unknown: exit 1" 1 "$RC"
ctl remove
expect_eq "remove, no names: no output" "" "$OUT"
expect_eq "remove, no names: exit 0" 0 "$RC"

ctl remove manual
expect_eq "remove a stopped group" "manual: removed process group" "$OUT"
expect_eq "remove a stopped group: exit 0" 0 "$RC"
ctl status manual
expect_eq "removed group: status does not know it" "manual: ERROR (no such process)" "$OUT"
ctl avail
expect_match "removed group: avail shows it as avail" "^$(av manual avail manual 5:5)\$" "$OUT"
ctl reread
expect_eq "removed group: reread shows it available" "manual: available" "$OUT"
ctl add manual
expect_eq "add it back" "manual: added process group" "$OUT"
expect_eq "add it back: exit 0" 0 "$RC"
expect_true "added back: autostart=false stays stopped" state_is manual STOPPED
ctl stop grp:*
ctl remove grp zg
expect_eq "remove: a stopped group, then a running one" "grp: removed process group
ERROR: process/group still running: zg" "$OUT"
expect_eq "remove: exit 1" 1 "$RC"
ctl add grp
expect_eq "add a [group:]" "grp: added process group" "$OUT"
expect_true "added group: its autostart programs start" wait_state grp:x RUNNING
expect_true "added group: all of them" wait_state grp:y RUNNING
x=$(pidof_prog grp:x)
y=$(pidof_prog grp:y)
expect_true "add/remove: keep untouched" pid_same keep "$keep"

# ---- reread: reports, changes nothing --------------------------------------

conf_v2
ctl add new
expect_eq "add before reread: the daemon's config is the old one" "ERROR: no such process/group: new" "$OUT"
expect_eq "add before reread: exit 1" 1 "$RC"
ctl reread
expect_eq "reread: one line per group, sorted" "chg: changed
gone: disappeared
grp: changed
new: available
newman: available" "$OUT"
expect_eq "reread: exit 0" 0 "$RC"
expect_true "reread: changed program untouched" pid_same chg "$chg"
expect_true "reread: removed program still runs" pid_same gone "$gone"
expect_true "reread: changed group untouched" pid_same grp:y "$y"
ctl status new
expect_eq "reread: new program not added" "new: ERROR (no such process)" "$OUT"
ctl reread
expect_eq "reread again: the same report" "chg: changed
gone: disappeared
grp: changed
new: available
newman: available" "$OUT"
ctl avail
expect_eq "avail after reread: the new config" "$(av zg:alpha 'in use' auto 7:999)
$(av chg 'in use' auto 999:999)
$(av keep 'in use' auto 999:999)
$(av manual 'in use' manual 5:5)
$(av new avail auto 999:999)
$(av newman avail manual 999:999)
$(av grp:x 'in use' auto 999:999)
$(av grp:y 'in use' auto 999:999)" "$OUT"

# ---- update GROUP: only those groups --------------------------------------

ctl update chg
expect_eq "update G: changed group" "chg: stopped
chg: updated process group" "$OUT"
expect_eq "update G: exit 0" 0 "$RC"
expect_true "update G: the changed program runs again" wait_state chg RUNNING
expect_true "update G: with a new pid" test "$(pidof_prog chg)" != "$chg"
expect_true "update G: removed group not touched" pid_same gone "$gone"
expect_true "update G: other changed group not touched" pid_same grp:y "$y"
ctl status new
expect_eq "update G: new group not added" "new: ERROR (no such process)" "$OUT"
expect_true "update G: keep untouched" pid_same keep "$keep"

ctl update nosuchg
expect_eq "update unknown group" "ERROR: no such group: nosuchg" "$OUT"
expect_eq "update unknown group: exit 1" 1 "$RC"
expect_true "update unknown group: nothing else touched" pid_same gone "$gone"

ctl update new
expect_eq "update G, G new in the file" "new: added process group" "$OUT"
expect_eq "update new G: exit 0" 0 "$RC"
expect_true "update new G: autostart program starts" wait_state new RUNNING

ctl update nosuchg gone
expect_eq "update: unknown and removed group" "ERROR: no such group: nosuchg
gone: stopped
gone: removed process group" "$OUT"
expect_eq "update: the unknown group's exit 1 stays" 1 "$RC"
expect_true "update: the removed group's program stopped" wait_dead "$gone"
ctl status gone
expect_eq "update: removed group is gone" "gone: ERROR (no such process)" "$OUT"

# ---- update: the rest -------------------------------------------------------

ctl update
expect_eq "update: changed then added" "grp: stopped
grp: updated process group
newman: added process group" "$OUT"
expect_eq "update: exit 0" 0 "$RC"
expect_true "update: changed group's old x stopped" wait_dead "$x"
expect_true "update: changed group's old y stopped" wait_dead "$y"
expect_true "update: the unchanged program of a changed group restarts" wait_state grp:x RUNNING
expect_true "update: the changed program restarts" wait_state grp:y RUNNING
expect_true "update: x has a new pid" test "$(pidof_prog grp:x)" != "$x"
ctl status newman
expect_match "update: autostart=false new program stays stopped" "^newman +STOPPED +Not started$" "$OUT"
expect_true "update: keep has the same pid" pid_same keep "$keep"
expect_true "update: zg has the same pid" pid_same zg:alpha "$alpha"
ctl update
expect_eq "update again: no output" "" "$OUT"
expect_eq "update again: exit 0" 0 "$RC"
ctl reread
expect_eq "reread after update" "No config updates to processes" "$OUT"

# ---- one update that removes, changes and adds ------------------------------

ctl start manual
manual=$(pidof_prog manual)
conf_base
conf <<'EOF'
[program:keep]
command=/bin/sleep 100

[program:chg]
command=/bin/sleep 101

[program:manual]
command=/bin/sleep 102
autostart=false
priority=5

[program:x]
command=/bin/sleep 100

[program:y]
command=/bin/sleep 101

[group:grp]
programs=x,y

[program:new]
command=/bin/sleep 100

[program:newman]
command=/bin/sleep 100
autostart=false

[program:late]
command=/bin/sleep 100
EOF
ctl update
expect_eq "update: removed, then changed, then added" "zg: stopped
zg: removed process group
manual: stopped
manual: updated process group
late: added process group" "$OUT"
expect_eq "update: exit 0" 0 "$RC"
expect_true "update: removed group's program stopped" wait_dead "$alpha"
expect_true "update: changed autostart=false program stopped" wait_dead "$manual"
expect_true "update: and stays stopped" state_is manual STOPPED
expect_true "update: added program starts" wait_state late RUNNING
expect_true "update: keep still has the same pid" pid_same keep "$keep"

# ---- a broken config changes nothing ---------------------------------------

cp "$CONF" "$T/good.conf"
CTLCONF=$T/good.conf
conf <<'EOF'

[program:broken]
autostart=false

[program:extra]
command=/bin/sleep 100
EOF
msg="program section program:broken does not specify a command in section 'program:broken' (file: '$CONF')"
ctl reread
expect_eq "reread, broken config: the fault" "ERROR: CANT_REREAD: $msg" "$OUT"
expect_eq "reread, broken config: exit 1" 1 "$RC"
ctl update
if is_supervise; then
	expect_match "update, broken config: a one-line error" "^(error|ERROR): .*CANT_REREAD: " "$OUT"
	expect_eq "update, broken config: one line" 1 "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')"
else
	expect_match "update, broken config: the raw fault" \
		"^error: <class 'xmlrpc.client.Fault'>, <Fault 92: .CANT_REREAD: program section program:broken " "$OUT"
fi
expect_eq "update, broken config: exit 1" 1 "$RC"
ctl status extra
expect_eq "broken config: nothing added" "extra: ERROR (no such process)" "$OUT"
expect_true "broken config: keep still has the same pid" pid_same keep "$keep"
ctl avail
expect_nomatch "broken config: avail still shows the last good config" "^extra " "$OUT"
printf 'garbage line here\n' >>"$CONF"
ctl reread
expect_match "reread, unparsable config: CANT_REREAD" "^ERROR: CANT_REREAD: " "$OUT"
expect_match "reread, unparsable config: names the line" "garbage line here" "$OUT"
expect_eq "reread, unparsable config: exit 1" 1 "$RC"
expect_true "unparsable config: keep still has the same pid" pid_same keep "$keep"

# fixed again: update applies it
cp "$T/good.conf" "$CONF"
conf <<'EOF'

[program:extra]
command=/bin/sleep 100
EOF
ctl update
expect_eq "fixed config: update adds" "extra: added process group" "$OUT"
expect_true "fixed config: the new program runs" wait_state extra RUNNING
expect_true "fixed config: keep still has the same pid" pid_same keep "$keep"

# ---- a stop and an update wait on the same process --------------------------

# one client stops slow, which takes stopwaitsecs (it ignores SIGTERM);
# meanwhile another client's update removes slow's group.  When slow dies
# the update goes on first and frees the group: the stop's answer must not
# read the freed process (the daemon crashed; found by fuzz/request)
cp "$CONF" "$T/noslow.conf"
script slow.sh <<'EOF2'
trap '' TERM
while :; do sleep 0.1; done
EOF2
conf <<'EOF2'

[program:slow]
command=%(here)s/slow.sh
stopwaitsecs=5
EOF2
ctl update
expect_true "slow: added and running" wait_state slow RUNNING
"$SUPERVISECTL" -c "$CTLCONF" stop slow >"$T/stop.out" 2>&1 &
STOPPER=$!
track "$STOPPER"
expect_true "slow: stopping" until_ok 5 state_is slow STOPPING
cp "$T/noslow.conf" "$CONF"
ctl update
wait "$STOPPER"
expect_eq "stop beside an update: exit 0" 0 "$?"
expect_eq "stop beside an update: its answer" "slow: stopped" "$(cat "$T/stop.out")"
expect_true "stop beside an update: the daemon lives on" alive "$DPID"
if is_supervise; then   # supervisord's update fails: STILL_RUNNING: slow
	expect_eq "update beside a stop: waits, then removes the group" "slow: stopped
slow: removed process group" "$OUT"
fi

# ---- other clients act while an update waits --------------------------------

# update replaces pair, whose pair_1 takes stopwaitsecs to stop; meanwhile
# another client starts pair_0 again and adds late2, which the update was
# about to add.  The update stops pair_0 again before it replaces the group
# (it was freed running: unsupervised, never stopped) and leaves late2
# alone (it was removed running and added again: two of it ran).
# supervisord's update fails with STILL_RUNNING here.
if is_supervise; then
	script pair.sh <<'EOF2'
[ "$1" = 1 ] && trap '' TERM
while :; do sleep 0.1; done
EOF2
	conf <<'EOF2'

[program:pair]
command=%(here)s/pair.sh %(process_num)d
numprocs=2
process_name=%(program_name)s_%(process_num)d
stopwaitsecs=5
startsecs=0
EOF2
	ctl update
	expect_true "pair: running" wait_state pair:pair_1 RUNNING
	sed 's|^command=%(here)s/pair\.sh %(process_num)d$|& v2|' "$CONF" >"$T/v3.conf"
	cp "$T/v3.conf" "$CONF"
	conf <<'EOF2'

[program:late2]
command=/bin/sleep 100
startsecs=0
EOF2
	"$SUPERVISECTL" -c "$CTLCONF" update >"$T/update.out" 2>&1 &
	UPDATER=$!
	track "$UPDATER"
	expect_true "update waits: pair_0 stopped, pair_1 stopping" \
		until_ok 5 eval 'state_is pair:pair_0 STOPPED && state_is pair:pair_1 STOPPING'
	ctl start pair:pair_0
	expect_eq "update waits: another client starts pair_0" "pair:pair_0: started" "$OUT"
	p0=$(pidof_prog pair:pair_0)
	ctl add late2
	expect_eq "update waits: another client adds late2" "late2: added process group" "$OUT"
	wait_state late2 RUNNING
	late2=$(pidof_prog late2)
	wait "$UPDATER"
	expect_eq "update beside start and add: its answer" "pair: stopped
pair: updated process group
late2: ERROR (process group already active)" "$(cat "$T/update.out")"
	expect_true "update beside a start: the process started meanwhile is stopped" wait_dead "$p0"
	expect_true "update beside a start: the new pair runs" wait_state pair:pair_0 RUNNING
	expect_true "update beside an add: late2 kept, same pid" pid_same late2 "$late2"
fi
