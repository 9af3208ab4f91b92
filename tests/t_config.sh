# t_config: config errors, -v, -h, and supervise's -t, -T, --sample-config
. tests/lib.sh

# run_sv ARGS...: the daemon in the foreground; stderr in ERR, stdout in OUT
run_sv() {
	OUT=$(timeout 10 "$SUPERVISE" "$@" 2>"$T/err")
	RC=$?
	ERR=$(cat "$T/err")
}

HELP="For help, use $SUPERVISE_ARGV0 -h"

# expect_err NAME FIRST-LINE: ERR starts with FIRST-LINE (supervisord's
# text) and ends with the help line; supervise may add file:line between
expect_err() {
	expect_eq "$1" "$2" "$(printf '%s\n' "$ERR" | head -n 1)"
	expect_eq "$1: help line" "$HELP" "$(printf '%s\n' "$ERR" | tail -n 1)"
}

# a config that is fine, to be broken in several ways
conf_base
conf <<EOF
[program:x]
command=/bin/sleep 100
stdout_logfile=%(here)s/x.log
EOF
cp "$CONF" "$T/good.conf"

run_sv -n -c "$T/nope.conf"
expect_eq "missing -c file: exit 2" 2 "$RC"
expect_err "missing -c file: message" \
	"Error: could not find config file $T/nope.conf"

printf '[foo]\nbar=1\n' >"$T/nosup.conf"
run_sv -n -c "$T/nosup.conf"
expect_eq "no [supervisord]: exit 2" 2 "$RC"
expect_err "no [supervisord]: message" \
	"Error: .ini file does not include supervisord section"

printf '[supervisord]\n[program:x]\ncommand=/bin/true\ngarbage here\n' >"$T/garbage.conf"
run_sv -n -c "$T/garbage.conf"
expect_eq "line without delimiter: exit 2" 2 "$RC"
expect_err "line without delimiter: message" \
	"Error: Source contains parsing errors: '$T/garbage.conf'"
expect_eq "line without delimiter: the bad line" \
	"	[line  4]: 'garbage here\\n'" "$(printf '%s\n' "$ERR" | sed -n 2p)"

printf 'foo=bar\n[supervisord]\n' >"$T/nohead.conf"
run_sv -n -c "$T/nohead.conf"
expect_eq "key before any section: exit 2" 2 "$RC"
expect_match "key before any section: message" \
	"^Error: File contains no section headers\.$" "$ERR"

printf '[supervisord]\n[program:x]\nautostart=true\n' >"$T/nocmd.conf"
run_sv -n -c "$T/nocmd.conf"
expect_eq "program without command: exit 2" 2 "$RC"
expect_err "program without command: message" \
	"Error: program section program:x does not specify a command in section 'program:x' (file: '$T/nocmd.conf')"

printf '[supervisord]\n[program:x]\ncommand=/bin/true\nautostart=maybe\n' >"$T/bool.conf"
run_sv -n -c "$T/bool.conf"
expect_eq "bad boolean: exit 2" 2 "$RC"
expect_err "bad boolean: message" \
	"Error: not a valid boolean value: 'maybe' in section 'program:x' (file: '$T/bool.conf')"

printf '[supervisord]\n[program:x]\ncommand=/bin/true\nstartsecs=ten\n' >"$T/int.conf"
run_sv -n -c "$T/int.conf"
expect_err "bad integer: message" \
	"Error: invalid literal for int() with base 10: 'ten' in section 'program:x' (file: '$T/int.conf')"

printf '[supervisord]\nloglevel=warning\n' >"$T/level.conf"
run_sv -n -c "$T/level.conf"
expect_eq "loglevel warning is invalid: exit 2" 2 "$RC"
expect_match "loglevel warning is invalid: message" \
	"^Error: bad logging level name 'warning'$" "$ERR"

printf '[supervisord]\n[program:x]\ncommand=/bin/echo %%(foo)s\n' >"$T/expand.conf"
run_sv -n -c "$T/expand.conf"
expect_match "unknown %% name: message" \
	"^Error: Format string '/bin/echo %\(foo\)s' for 'program:x.command' contains names \('foo'\) which cannot be expanded\. Available names: .* in section 'program:x' \(file: '$T/expand.conf'\)$" "$ERR"

run_sv -n -e loud -c "$T/good.conf"
expect_eq "bad -e value: exit 2" 2 "$RC"
expect_err "bad -e value: message" \
	"Error: invalid value for -e 'loud': bad logging level name 'loud'"

run_sv --bogus
expect_eq "unknown option: exit 2" 2 "$RC"
expect_err "unknown option: message" "Error: option --bogus not recognized"

expect_true "config errors start nothing" test ! -e "$SOCK" -a ! -e "$LOG"

run_sv -v
expect_eq "-v: exit 0" 0 "$RC"
expect_eq "-v: prints the version" 4.2.5 "$OUT"

run_sv -h
expect_eq "-h: exit 0" 0 "$RC"
expect_match "-h: usage line" "^Usage: $SUPERVISE_ARGV0 \[options\]$" "$OUT"
expect_match "-h: lists -c" "^-c/--configuration FILENAME -- configuration file path \(searches if not given\)$" "$OUT"
expect_match "-h: lists -n" "^-n/--nodaemon -- run in the foreground \(same as 'nodaemon=true' in config file\)$" "$OUT"

if is_supervise; then
	run_sv -t -c "$T/good.conf"
	expect_eq "-t good config: exit 0" 0 "$RC"
	expect_match "-t good config: configuration OK" "configuration OK" "$OUT$ERR"
	expect_true "-t starts nothing" test ! -e "$SOCK" -a ! -e "$PIDFILE"

	run_sv -t -c "$T/bool.conf"
	expect_eq "-t bad config: exit 2" 2 "$RC"
	expect_match "-t bad config: names the error" "not a valid boolean value: 'maybe'" "$OUT$ERR"

	run_sv -t -c "$T/garbage.conf"
	expect_eq "-t unparsable config: exit 2" 2 "$RC"
	expect_match "-t unparsable config: names the line" "garbage here" "$OUT$ERR"

	# a typo of numprocs is refused at once, not built until memory runs
	# out (found by fuzz/config)
	printf '[supervisord]\n[program:x]\ncommand=/bin/true\nnumprocs=1000000000\nprocess_name=%%(process_num)d\n' \
		>"$T/numprocs.conf"
	run_sv -t -c "$T/numprocs.conf"
	expect_eq "-t numprocs=1000000000: exit 2" 2 "$RC"
	expect_match "-t numprocs=1000000000: says the limit" \
		"^Error: numprocs=1000000000 makes 1000000000 processes in all; supervise runs at most 10000 " "$ERR"

	run_sv -T -c "$T/good.conf"
	expect_eq "-T: exit 0" 0 "$RC"
	expect_match "-T: program section" '^\[program:x\]$' "$OUT"
	expect_match "-T: command" '^command ?= ?/bin/sleep 100$' "$OUT"
	expect_match "-T: %(here)s expanded" "^stdout_logfile ?= ?$T/x.log\$" "$OUT"
	expect_match "-T: defaults shown" '^startsecs ?= ?1$' "$OUT"
	expect_true "-T starts nothing" test ! -e "$SOCK" -a ! -e "$PIDFILE"

	run_sv --sample-config
	expect_eq "--sample-config: exit 0" 0 "$RC"
	expect_match "--sample-config: [supervisord]" '^\[supervisord\]' "$OUT"
	expect_match "--sample-config: [unix_http_server]" '^\[unix_http_server\]' "$OUT"
	printf '%s\n' "$OUT" >"$T/sample.conf"
	run_sv -t -c "$T/sample.conf"
	expect_eq "--sample-config output passes -t" 0 "$RC"
fi
