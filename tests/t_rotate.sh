# t_rotate: log rotation (spec 3.2) of child logs and the main log, stdout
# and stderr rotating one shared file, the rotate command (ours), and logs
# rotated by others: logrotate's create + SIGUSR2, a deleted log, and
# copytruncate
. tests/lib.sh

need "${HOSTCC:-cc}"
${HOSTCC:-cc} -O -o "$T/flood" tests/flood.c || { fail "flood builds" "cc failed"; exit 1; }

# idle: how the signal-driven scripts below end: they wait for a sleep that
# a trapped signal interrupts (no polling), and end it when they are stopped
idle() {
	cat
	cat <<'EOF'
sleep 1000 & sp=$!
trap 'kill $sp; exit' TERM
while kill -0 $sp 2>/dev/null; do wait $sp; done
EOF
}
# steps: each SIGUSR1 writes the next 20 lines in flood's format (100 bytes
# each, one write per line), so a test knows every byte that is in the log
idle <<'EOF' | script steps
x=$(printf '%087d' 0 | tr 0 x)
n=0
step() {
	k=0
	while [ $k -lt 20 ]; do
		n=$((n + 1)); k=$((k + 1))
		printf '%011d %s\n' $n "$x"
	done
}
trap step USR1
EOF
# pair: out-00001 .. out-00600 on stdout and err-00001 .. on stderr, by turns,
# one write per line, a pause every 20 lines (so the daemon reads small chunks)
script pair <<'EOF'
i=1
while [ $i -le 600 ]; do
	printf 'out-%05d\n' $i
	printf 'err-%05d\n' $i >&2
	[ $((i % 20)) = 0 ] && sleep 0.01
	i=$((i + 1))
done
EOF
# tick: a numbered 60-byte line every 20 ms
script tick <<'EOF'
pad=---------------------------------------------
i=0
while :; do
	i=$((i + 1))
	printf 'tick %08d %s\n' $i "$pad"
	sleep 0.02
done
EOF
# talk NAME: one line on each stream, then one more on stdout per HUP and
# one more on stderr per USR1
idle <<'EOF' | script talk
i=0
echo "$1-out-0"
echo "$1-err-0" >&2
trap 'i=$((i + 1)); echo "$1-out-$i"' HUP
trap 'i=$((i + 1)); echo "$1-err-$i" >&2' USR1
EOF

# size FILE: its size in bytes (empty when it does not exist)
size() { wc -c <"$1" 2>/dev/null | tr -d ' '; }
is_size() { [ "$(size "$1")" = "$2" ]; }
# names BASE: the files of $T whose name is BASE or starts with BASE.
names() { (cd "$T" && ls -d "$1" "$1".* 2>/dev/null | tr '\n' ' ' | sed 's/ $//'); }
# oldest_first PATH: PATH.N .. PATH.1 PATH, those that exist
oldest_first() {
	_i=40 _l=
	while [ $_i -ge 1 ]; do
		[ -e "$1.$_i" ] && _l="$_l $1.$_i"
		_i=$((_i - 1))
	done
	[ -e "$1" ] && _l="$_l $1"
	echo $_l
}
# fcheck FILES...: flood's verdict on the files read as one stream
fcheck() { "$T/flood" -c "$@" 2>&1; }
fcheck_is() { _w=$1; shift; [ "$(fcheck "$@")" = "$_w" ]; }
# run_of PREFIX: the stdin lines that start with PREFIX and a number must
# count up by one: "first N last M count K", or where they do not
run_of() {
	awk -v p="$1" 'index($0, p) == 1 {
		n = substr($0, length(p) + 1) + 0
		if (c && n != last + 1) { print "after " last " came " n; bad = 1; exit }
		if (!c) first = n
		last = n; c++
	}
	END { if (!bad) print "first " first " last " last " count " c }'
}
# no_nul FILE: the file holds no NUL byte (no hole left by a stale offset)
no_nul() {
	cp "$1" "$T/snap"
	[ "$(tr -d '\000' <"$T/snap" | wc -c)" = "$(size "$T/snap")" ]
}
# sizes_from MIN MAX FILES...: every file's size is in [MIN, MAX]
sizes_from() {
	_lo=$1 _hi=$2; shift 2
	for _f in "$@"; do
		_s=$(size "$_f")
		[ -n "$_s" ] && [ "$_s" -ge "$_lo" ] && [ "$_s" -le "$_hi" ] || return 1
	done
}
sizes_of() { for _f in "$@"; do printf '%s=%s ' "${_f##*/}" "$(size "$_f")"; done; }

conf_base
sed -i 's/^loglevel=debug$/loglevel=info/' "$CONF"
echo "old" >"$T/rstop.out"
conf <<'EOF'
[program:steps]
command=%(here)s/steps
stdout_logfile=%(here)s/steps.log
stdout_logfile_maxbytes=4000
stdout_logfile_backups=2

[program:trunc]
command=%(here)s/steps
stdout_logfile=%(here)s/trunc.log
stdout_logfile_maxbytes=4000
stdout_logfile_backups=0

[program:flood]
command=%(here)s/flood 20000
stdout_logfile=%(here)s/flood.log
stdout_logfile_maxbytes=50KB
stdout_logfile_backups=3
startsecs=0
autorestart=false

[program:never]
command=%(here)s/flood 3000
stdout_logfile=%(here)s/never.log
stdout_logfile_maxbytes=0
startsecs=0
autorestart=false

[program:both]
command=%(here)s/pair
stdout_logfile=%(here)s/both.log
stderr_logfile=%(here)s/both.log
stdout_logfile_maxbytes=500
stderr_logfile_maxbytes=500
stdout_logfile_backups=30
stderr_logfile_backups=30
startsecs=0
autorestart=false

[program:window]
command=%(here)s/pair
stdout_logfile=%(here)s/window.log
stderr_logfile=%(here)s/window.log
stdout_logfile_maxbytes=500
stderr_logfile_maxbytes=500
stdout_logfile_backups=2
stderr_logfile_backups=2
startsecs=0
autorestart=false

[program:lr]
command=%(here)s/tick
stdout_logfile=%(here)s/lr.log
autostart=false
startsecs=0

[program:rm1]
command=%(here)s/tick
stdout_logfile=%(here)s/rm1.log
stdout_logfile_maxbytes=1000
stdout_logfile_backups=1
autostart=false
startsecs=0

[program:rm2]
command=%(here)s/tick
stdout_logfile=%(here)s/rm2.log
stdout_logfile_maxbytes=0
autostart=false
startsecs=0

[program:ct]
command=%(here)s/tick
stdout_logfile=%(here)s/ct.log
stdout_logfile_maxbytes=3000
stdout_logfile_backups=1
autostart=false
startsecs=0
EOF
if is_supervise; then
	# the rotate command is ours; rdev never runs under supervisord: as
	# root, its rotation would rename /dev/stdout
	conf <<'EOF'
[program:rp]
command=%(here)s/talk rp
stdout_logfile=%(here)s/rp.out
stderr_logfile=%(here)s/rp.err
stdout_logfile_backups=2
stderr_logfile_backups=2

[program:rz]
command=%(here)s/talk rz
stdout_logfile=%(here)s/rz.out
stdout_logfile_backups=0
stderr_logfile=NONE

[program:rnone]
command=%(here)s/talk rnone
stdout_logfile=NONE
stderr_logfile=NONE

[program:rstop]
command=%(here)s/talk rstop
stdout_logfile=%(here)s/rstop.out
stderr_logfile=NONE
autostart=false

[program:ga]
command=%(here)s/talk ga
stdout_logfile=%(here)s/ga.out
stderr_logfile=NONE

[program:gb]
command=%(here)s/talk gb
stdout_logfile=NONE
stderr_logfile=NONE

[group:g]
programs=ga,gb

[program:rdev]
command=%(here)s/talk rdev
stdout_logfile=/dev/stdout
stderr_logfile=NONE
EOF
fi
start_daemon || exit 1
wait_state steps RUNNING
wait_state trunc RUNNING

# ---- rotation at maxbytes, step by step --------------------------------

# usr1 NAME: make a steps program write its next 20 lines
usr1() { kill -USR1 "$(pidof_prog "$1")"; }
F=$T/steps.log
usr1 steps
expect_true "steps 1: 2000 bytes logged" until_ok 5 is_size "$F" 2000
expect_eq "steps 1: below maxbytes, not rotated" "steps.log" "$(names steps.log)"
expect_eq "steps 1: the lines" "first 1 last 20 count 20" "$(fcheck "$F")"
usr1 steps
expect_true "steps 2: reaching maxbytes rotates to .1" \
	until_ok 5 eval 'test -e "$F.1" && is_size "$F" 0'
expect_eq "steps 2: F.1 holds everything so far" "first 1 last 40 count 40" "$(fcheck "$F.1")"
expect_eq "steps 2: F reopened empty" "0" "$(size "$F")"
usr1 steps
expect_true "steps 3: F written again" until_ok 5 is_size "$F" 2000
expect_eq "steps 3: F has only the new lines" "first 41 last 60 count 20" "$(fcheck "$F")"
usr1 steps
expect_true "steps 4: second rotation makes .2" \
	until_ok 5 eval 'test -e "$F.2" && is_size "$F" 0'
expect_eq "steps 4: F.1 moved to F.2" "first 1 last 40 count 40" "$(fcheck "$F.2")"
expect_eq "steps 4: F moved to F.1" "first 41 last 80 count 40" "$(fcheck "$F.1")"
usr1 steps
until_ok 5 is_size "$F" 2000
usr1 steps
expect_true "steps 6: third rotation" \
	until_ok 5 eval 'fcheck_is "first 81 last 120 count 40" "$F.1" && is_size "$F" 0'
expect_eq "steps 6: the oldest backup is dropped" "first 41 last 80 count 40" "$(fcheck "$F.2")"
expect_eq "steps 6: never more than backups=2 files" "steps.log steps.log.1 steps.log.2" \
	"$(names steps.log)"

# backups=0: truncated in place
F=$T/trunc.log
usr1 trunc
until_ok 5 is_size "$F" 2000
ino=$(stat -c %i "$F")
usr1 trunc
expect_true "backups=0: reaching maxbytes empties the file" until_ok 5 is_size "$F" 0
expect_eq "backups=0: no .1" "trunc.log" "$(names trunc.log)"
expect_eq "backups=0: the same file, truncated in place" "$ino" "$(stat -c %i "$F")"
usr1 trunc
expect_true "backups=0: written again" until_ok 5 is_size "$F" 2000
expect_eq "backups=0: only the new lines" "first 41 last 60 count 20" "$(fcheck "$F")"

# ---- rotation under a flood --------------------------------------------

F=$T/flood.log
wait_state flood EXITED 20
until_ok 10 eval 'fcheck $(oldest_first "$F") | grep -q " last 20000 "'
expect_eq "flood: backups .1 .. .3 only" "flood.log flood.log.1 flood.log.2 flood.log.3" \
	"$(names flood.log)"
verdict=$(fcheck $(oldest_first "$F"))
expect_match "flood: the kept lines run on to the last, each once" \
	'^first [0-9]+ last 20000 count [0-9]+$' "$verdict"
first=$(echo "$verdict" | sed -n 's/^first \([0-9]*\) .*/\1/p')
expect_true "flood: the oldest output is gone ($verdict)" test "${first:-1}" -gt 1
expect_true "flood: every backup reached maxbytes, by at most one read ($(sizes_of "$F".*))" \
	sizes_from 51200 $((51200 + 131072)) "$F.1" "$F.2" "$F.3"
expect_true "flood: the live file is below maxbytes ($(sizes_of "$F"))" \
	test "$(size "$F")" -lt 51200

wait_state never EXITED 20
expect_true "maxbytes=0: all 300000 bytes in one file" until_ok 5 is_size "$T/never.log" 300000
expect_eq "maxbytes=0: never rotated" "never.log" "$(names never.log)"
expect_eq "maxbytes=0: every line" "first 1 last 3000 count 3000" "$(fcheck "$T/never.log")"

# ---- stdout and stderr into one rotating file --------------------------

wait_state both EXITED 10
wait_state window EXITED 10
F=$T/both.log
until_ok 5 eval 'cat $(oldest_first "$F") | grep -c "^err-" | grep -qx 600'
expect_true "one file for both: backups named .1 .. .30 only ($(names both.log))" \
	eval 'test -z "$(names both.log | tr " " "\n" | grep -Ev "^both\.log(\.([1-9]|[12][0-9]|30))?$")"'
expect_true "one file for both: it rotated" test -e "$F.1"
expect_eq "one file for both: every stdout line, once" "first 1 last 600 count 600" \
	"$(cat $(oldest_first "$F") | sort | run_of out-)"
expect_eq "one file for both: every stderr line, once" "first 1 last 600 count 600" \
	"$(cat $(oldest_first "$F") | sort | run_of err-)"
expect_eq "one file for both: nothing else" 1200 "$(cat $(oldest_first "$F") | wc -l)"
F=$T/window.log
expect_eq "one file for both, backups=2: no more than 2 backups" \
	"window.log window.log.1 window.log.2" "$(names window.log)"
if is_supervise; then
	# one file, one descriptor: the streams stay in order across the files
	F=$T/both.log
	expect_eq "one file for both: stdout in order across the files" \
		"first 1 last 600 count 600" "$(cat $(oldest_first "$F") | run_of out-)"
	expect_eq "one file for both: stderr in order across the files" \
		"first 1 last 600 count 600" "$(cat $(oldest_first "$F") | run_of err-)"
	expect_true "one file for both: every backup reached maxbytes ($(sizes_of "$F".*))" \
		sizes_from 500 $((500 + 131072)) "$F".*
	expect_true "one file for both: the live file is below maxbytes" test "$(size "$F")" -lt 500
	F=$T/window.log
	expect_match "one file for both, backups=2: stdout kept up to the end, each once" \
		'^first [0-9]+ last 600 count [0-9]+$' "$(cat $(oldest_first "$F") | run_of out-)"
	expect_match "one file for both, backups=2: stderr kept up to the end, each once" \
		'^first [0-9]+ last 600 count [0-9]+$' "$(cat $(oldest_first "$F") | run_of err-)"
	expect_true "one file for both, backups=2: the oldest lines are gone" \
		test "$(cat $(oldest_first "$F") | wc -l)" -lt 1200
fi

# ---- logrotate: move, then SIGUSR2; a deleted log ----------------------

ctl start lr rm1 rm2
wait_file "$T/lr.log" '^tick 00000010 ' 5
wait_file "$T/rm2.log" '^tick 00000010 ' 5
until_ok 5 test -e "$T/rm1.log.1"
rm -f "$T/rm1.log"
expect_true "deleted log: recreated at the next rotation" until_ok 5 test -e "$T/rm1.log"
expect_file_contains "deleted log: the new file is written" "$T/rm1.log" '^tick '
rm -f "$T/rm2.log"
sleep 0.3
expect_true "deleted log, maxbytes=0: not recreated by itself" test ! -e "$T/rm2.log"
mv "$T/lr.log" "$T/lr.log.old"
kill -USR2 "$DPID"
expect_file_contains "SIGUSR2: logged as received" "$LOG" \
	"${TS}INFO received SIGUSR2 indicating log reopen request$"
expect_file_contains "SIGUSR2: logreopen" "$LOG" "${TS}INFO supervisord logreopen$"
expect_file_contains "SIGUSR2: a fresh log at the path" "$T/lr.log" '^tick '
expect_file_contains "SIGUSR2: a deleted log is recreated" "$T/rm2.log" '^tick '
n_old=$(size "$T/lr.log.old")
sleep 0.3
expect_eq "SIGUSR2: the moved log gets nothing new" "$n_old" "$(size "$T/lr.log.old")"
ctl stop lr rm1 rm2
expect_match "SIGUSR2: no line lost or doubled across the reopen" '^first 1 last [0-9]+ count [0-9]+$' \
	"$(cat "$T/lr.log.old" "$T/lr.log" | run_of "tick ")"

# ---- copytruncate: copy, then truncate in place ------------------------

F=$T/ct.log
ctl start ct
wait_file "$F" '^tick 00000005 ' 5
cp "$F" "$T/ct.copy"
: >"$F"
expect_true "copytruncate: truncated before the first rotation" test ! -e "$F.1"
expect_true "copytruncate: output goes on in the file" until_ok 5 eval 'test "$(size "$F")" -gt 300'
expect_true "copytruncate: no hole of NULs at the start" no_nul "$F"
expect_match "copytruncate: the file starts with a whole line" '^tick [0-9]{8} -+$' "$(head -n 1 "$F")"
until_ok 10 test -e "$F.1"
expect_true "copytruncate: the next rotation at the real size, maxbytes ($(sizes_of "$F.1"))" \
	sizes_from 3000 3600 "$F.1"
expect_true "copytruncate: the rotated file has no NULs" no_nul "$F.1"
expect_match "copytruncate: the rotated file runs on" '^first [0-9]+ last [0-9]+ count [0-9]+$' \
	"$(run_of "tick " <"$F.1")"
if is_supervise; then
	# supervisord writes at its own offset after a rotation ('wb'): holes
	first1=$(head -n 1 "$F.1")
	wait_file "$F" '^tick ' 5
	cp "$F" "$T/ct.copy"
	: >"$F"
	expect_true "copytruncate after a rotation: output goes on in the file" \
		until_ok 5 eval 'test "$(size "$F")" -gt 300'
	expect_true "copytruncate after a rotation: no hole of NULs" no_nul "$F"
	until_ok 10 eval 'test "$(head -n 1 "$F.1")" != "$first1"'
	expect_true "copytruncate after a rotation: next rotation at maxbytes ($(sizes_of "$F.1"))" \
		sizes_from 3000 3600 "$F.1"
	expect_true "copytruncate after a rotation: no NULs in the backup" no_nul "$F.1"
fi
ctl stop ct

# ---- rotate NAME|GROUP:*|all (ours) ------------------------------------

if is_supervise; then
	wait_state rp RUNNING
	wait_state g:ga RUNNING
	wait_file "$T/rp.out" '^rp-out-0$'
	wait_file "$T/rp.err" '^rp-err-0$'
	wait_file "$T/rz.out" '^rz-out-0$'
	wait_file "$T/ga.out" '^ga-out-0$'
	RP=$(pidof_prog rp)

	ctl rotate rp
	expect_eq "rotate NAME: rotated" "rp: rotated" "$OUT"
	expect_eq "rotate NAME: exit 0" 0 "$RC"
	expect_eq "rotate NAME: stdout to .1" "rp-out-0" "$(cat "$T/rp.out.1")"
	expect_eq "rotate NAME: stderr to .1" "rp-err-0" "$(cat "$T/rp.err.1")"
	expect_true "rotate NAME: stdout reopened empty" test -f "$T/rp.out" -a ! -s "$T/rp.out"
	expect_true "rotate NAME: stderr reopened empty" test -f "$T/rp.err" -a ! -s "$T/rp.err"
	kill -HUP "$RP"
	expect_file_contains "rotate NAME: new output to the new file" "$T/rp.out" '^rp-out-1$'
	expect_eq "rotate NAME: .1 gets nothing new" "rp-out-0" "$(cat "$T/rp.out.1")"
	ctl rotate rp
	expect_eq "rotate twice: .2 .1" "rp-out-0 rp-out-1" \
		"$(cat "$T/rp.out.2" "$T/rp.out.1" | tr '\n' ' ' | sed 's/ $//')"
	kill -HUP "$RP"
	wait_file "$T/rp.out" '^rp-out-2$'
	ctl rotate rp
	expect_eq "rotate, backups=2: the oldest dropped" "rp-out-1 rp-out-2" \
		"$(cat "$T/rp.out.2" "$T/rp.out.1" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "rotate, backups=2: no .3" "rp.out rp.out.1 rp.out.2" "$(names rp.out)"
	ctl rotate rp
	expect_eq "rotate, both logs empty: nothing to rotate" \
		"rp: ERROR (no log file to rotate)" "$OUT"
	expect_eq "rotate, both logs empty: exit 1" 1 "$RC"
	expect_eq "rotate, both logs empty: backups untouched" "rp-out-1 rp-out-2" \
		"$(cat "$T/rp.out.2" "$T/rp.out.1" | tr '\n' ' ' | sed 's/ $//')"
	kill -USR1 "$RP"
	wait_file "$T/rp.err" '^rp-err-[0-9]+$'
	ctl rotate rp
	expect_eq "rotate, only stderr written: rotated" "rp: rotated" "$OUT"
	expect_match "rotate, only stderr written: stderr to .1" '^rp-err-[0-9]+$' "$(cat "$T/rp.err.1")"
	expect_eq "rotate, only stderr written: the empty stdout log left alone" "rp-out-2" \
		"$(cat "$T/rp.out.1")"

	ino=$(stat -c %i "$T/rz.out")
	ctl rotate rz
	expect_eq "rotate, backups=0: rotated" "rz: rotated" "$OUT"
	expect_true "rotate, backups=0: truncated" test -f "$T/rz.out" -a ! -s "$T/rz.out"
	expect_eq "rotate, backups=0: in place, no .1" "rz.out $ino" \
		"$(names rz.out) $(stat -c %i "$T/rz.out")"

	ctl rotate rnone
	expect_eq "rotate, NONE logs" "rnone: ERROR (no log file to rotate)" "$OUT"
	expect_eq "rotate, NONE logs: exit 1" 1 "$RC"
	ctl rotate rdev
	expect_eq "rotate, /dev/stdout" "rdev: ERROR (no log file to rotate)" "$OUT"
	expect_eq "rotate, /dev/stdout: exit 1" 1 "$RC"
	expect_true "rotate, /dev/stdout: still the symlink" test -L /dev/stdout
	expect_true "rotate, /dev/stdout: no /dev/stdout.1" test ! -e /dev/stdout.1

	ctl rotate nosuch
	expect_eq "rotate unknown" "nosuch: ERROR (no such process)" "$OUT"
	expect_eq "rotate unknown: exit 1" 1 "$RC"
	ctl rotate nog:*
	expect_eq "rotate unknown group" "nog: ERROR (no such group)" "$OUT"
	expect_eq "rotate unknown group: exit 1" 1 "$RC"
	kill -HUP "$(pidof_prog rz)"
	wait_file "$T/rz.out" '^rz-out-1$'
	ctl rotate rz nosuch
	expect_eq "rotate several: one line each" "rz: rotated
nosuch: ERROR (no such process)" "$OUT"
	expect_eq "rotate several: an error sets the exit" 1 "$RC"

	ctl rotate rstop
	expect_eq "rotate a never-started process" "rstop: rotated" "$OUT"
	expect_eq "rotate a never-started process: exit 0" 0 "$RC"
	expect_eq "rotate a never-started process: old content to .1" "old" "$(cat "$T/rstop.out.1")"
	expect_true "rotate a never-started process: F empty" test ! -s "$T/rstop.out"
	sums() { for _f in "$@"; do cksum <"$_f" 2>/dev/null || echo none; done | tr '\n' ' '; }
	echo "extra" >>"$T/flood.log"     # the last write may have left it empty
	before=$(sums "$T/flood.log" "$T/flood.log.1" "$T/flood.log.2")
	ctl rotate flood
	expect_eq "rotate an exited process" "flood: rotated" "$OUT"
	expect_eq "rotate an exited process: every file moves up one" "$before" \
		"$(sums "$T/flood.log.1" "$T/flood.log.2" "$T/flood.log.3")"
	expect_eq "rotate an exited process: backups=3 kept" \
		"flood.log flood.log.1 flood.log.2 flood.log.3" "$(names flood.log)"
	echo "extra" >>"$T/both.log"
	before=$(sums "$T/both.log" "$T/both.log.1")
	ctl rotate both
	expect_eq "rotate, stdout and stderr in one file" "both: rotated" "$OUT"
	expect_eq "rotate, stdout and stderr in one file: moved up once, not twice" "$before" \
		"$(sums "$T/both.log.1" "$T/both.log.2")"

	ctl rotate g:*
	expect_eq "rotate G:*: members with a log, as G:NAME" "g:ga: rotated" "$OUT"
	expect_eq "rotate G:*: exit 0" 0 "$RC"
	expect_eq "rotate G:*: ga.out to .1" "ga-out-0" "$(cat "$T/ga.out.1")"
	ctl rotate g:*
	expect_eq "rotate G:*, nothing to rotate: silent" "" "$OUT"
	expect_eq "rotate G:*, nothing to rotate: exit 0" 0 "$RC"
	ctl rotate g:gb
	expect_eq "rotate G:NAME without logs" "g:gb: ERROR (no log file to rotate)" "$OUT"
	kill -HUP "$(pidof_prog g:ga)"
	wait_file "$T/ga.out" '^ga-out-1$'
	ctl rotate g:ga
	expect_eq "rotate G:NAME" "g:ga: rotated" "$OUT"

	kill -HUP "$RP"
	kill -HUP "$(pidof_prog g:ga)"
	wait_file "$T/rp.out" '^rp-out-[0-9]+$'
	wait_file "$T/ga.out" '^ga-out-2$'
	ctl rotate all
	expect_match "rotate all: a process with output" '^rp: rotated$' "$OUT"
	expect_match "rotate all: a group member with output" '^g:ga: rotated$' "$OUT"
	expect_nomatch "rotate all: the rest skipped silently" 'ERROR|rnone|rdev|gb|rstop|rz' "$OUT"
	expect_eq "rotate all: exit 0" 0 "$RC"
	expect_eq "rotate all: rotated the file" "ga-out-2" "$(cat "$T/ga.out.1")"

	rhelp="rotate <name>		Rotate a process' log files now
rotate <gname>:*	Rotate the log files of all processes in a group
rotate <name> <name>	Rotate the log files of multiple processes
rotate all		Rotate all process' log files"
	ctl rotate
	expect_eq "rotate, no name: error + help" "Error: rotate requires a process name
$rhelp" "$OUT"
	expect_eq "rotate, no name: exit 1" 1 "$RC"
	ctl help rotate
	expect_eq "help rotate" "$rhelp" "$OUT"
	ctl help
	expect_match "help lists rotate" '(^| )rotate( |$)' "$OUT"
fi
stop_daemon

# ---- the main log: logfile_maxbytes, logfile_backups -------------------

# feed: 10000 lines in flood's format, one write each, so every DEBG copy in
# the main log holds whole lines.  A read that fills the 128 KiB buffer may
# end inside a line (as in supervisord): a pause every 500 lines (50 KB)
# lets a slow daemon (valgrind, qemu, a busy machine) catch up first.
script feed <<'EOF'
x=$(printf '%087d' 0 | tr 0 x)
i=1
while [ $i -le 10000 ]; do
	printf '%011d %s\n' $i "$x"
	[ $((i % 500)) -eq 0 ] && sleep 0.1
	i=$((i + 1))
done
EOF
rm -f "$LOG" "$LOG".*
conf_base 'logfile_maxbytes=30000
logfile_backups=2'
conf <<'EOF'
[program:feed]
command=%(here)s/feed
stdout_logfile=NONE
startsecs=0
autorestart=false
EOF
start_daemon || exit 1
wait_state feed EXITED 20
# mainlines: the flood lines of the main log and its backups, oldest first
mainlines() { cat $(oldest_first "$LOG") | grep -E '^[0-9]{11} x+$' >"$T/main.lines"; }
until_ok 10 eval 'mainlines; tail -n 1 "$T/main.lines" | grep -q "^00000010000 "'
expect_eq "main log: backups .1 .. .2 only" "supervise.log supervise.log.1 supervise.log.2" \
	"$(names supervise.log)"
expect_true "main log: every backup reached maxbytes ($(sizes_of "$LOG".*))" \
	sizes_from 30000 $((30000 + 200000)) "$LOG.1" "$LOG.2"
expect_true "main log: the live file is below maxbytes ($(sizes_of "$LOG"))" \
	test "$(size "$LOG")" -lt 30000
mainlines
verdict=$(fcheck "$T/main.lines")
expect_match "main log: the kept output runs on to the last line, each once" \
	'^first [0-9]+ last 10000 count [0-9]+$' "$verdict"
first=$(echo "$verdict" | sed -n 's/^first \([0-9]*\) .*/\1/p')
expect_true "main log: the oldest lines are gone ($verdict)" test "${first:-1}" -gt 1
expect_match "main log: a backup starts with a whole line" "$TS" "$(head -n 1 "$LOG.2")"
