#!/bin/sh
# fuzz/harvest.sh - (re)make the seed corpora fuzz/corpus/<target>/ from
# what the tests already know:
#
#   config   every config a test writes: conf_base plus the conf heredocs
#            that follow it (a seed after each), other heredocs and printf
#            formats that hold an INI section header; the configs in
#            tests/unit.c's strings; examples/supervise.conf; the output
#            of supervise --sample-config when ./supervise is built
#   split    the command= and environment= values of those configs, and the
#            strings tests/unit.c splits (split(...), the environment table)
#   request  typical request lines of every command, against the names the
#            request target's config defines, alone and in sessions
#
# Seeds are named by their cksum, so running it again adds only what is
# new.  Run from the top of the tree: sh fuzz/harvest.sh
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/harvest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/config" "$tmp/split" "$tmp/request"

# The config conf_base writes, with $1 left as the marker @ARG@.
base=$(awk '/^conf_base\(\)/ { f = 1 } f && /<<EOF/ { b = 1; next }
	b && /^EOF$/ { exit } b { sub(/\$1/, "@ARG@"); print }' tests/lib.sh)

# tests/*.sh: heredocs and printf formats.  $T becomes a plausible path.
for t in tests/t_*.sh; do
	BASE=$base awk -v out="$tmp/config/$(basename "$t" .sh)" '
	function emit(text) { n++; f = out "." n; printf "%s", text > f; close(f) }
	function ini(text) { return text ~ /(^|\n)\[[^]\n]+\]/ }
	BEGIN { base = ENVIRON["BASE"] }
	inarg {                                 # a conf_base argument on lines
		arg = arg "\n" $0
		if (index($0, "\047")) { inarg = 0; sub(/\047.*/, "", arg); cur = setbase(arg) }
		next
	}
	function setbase(a,   b) { b = base; gsub(/@ARG@/, a, b); return b "\n" }
	inbody {
		if ($0 ~ "^[ \t]*" term "$") {
			inbody = 0
			if (isconf) { cur = cur body; emit(cur) }
			else if (ini(body)) emit(body)
			body = ""
			next
		}
		line = $0; gsub(/\$\{?T\}?/, "/tmp/svtest", line)
		body = body line "\n"; next
	}
	/^[ \t]*conf_base([ \t]|$)/ {
		a = $0; sub(/^[ \t]*conf_base[ \t]*/, "", a)
		if (a ~ /^\047/ && gsub(/\047/, "\047", a) == 1) { inarg = 1; arg = substr(a, 2); next }
		gsub(/^\047|\047$|^"|"$/, "", a)
		cur = setbase(a); next
	}
	/<<-?[ \t]*[\\\047"]?[A-Za-z_]+/ {
		term = $0; sub(/.*<<-?[ \t]*/, "", term); gsub(/[\047"\\]/, "", term); sub(/[ \t;].*/, "", term)
		isconf = $0 ~ /(^|[ \t])conf[ \t]*<</
		inbody = 1; body = ""; next
	}
	/printf \047\[/ {
		f = $0; sub(/.*printf \047/, "", f); sub(/\047.*/, "", f)
		n++; printf "%s\n", f > (out ".p" n); close(out ".p" n)
	}' "$t"
done
# the printf formats, expanded by printf itself
for f in "$tmp"/config/*.p*; do
	[ -f "$f" ] || continue
	# shellcheck disable=SC2059
	printf "$(cat "$f")" >"$f.conf" 2>/dev/null || true
	rm -f "$f"
done

# tests/unit.c: C string literals, adjacent ones (on one line or across
# lines) joined; those with a section header are configs, the arguments
# of split() and the first column of the environment table are for split
awk -v out="$tmp" '
function unq(s,   r, c, i) {
	r = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") {
			c = substr(s, ++i, 1)
			c = c == "n" ? "\n" : c == "t" ? "\t" : c == "r" ? "\r" : c
		}
		r = r c
	}
	return r
}
function first(s) { return match(s, /"([^"\\]|\\.)*"/) ? unq(substr(s, RSTART + 1, RLENGTH - 2)) : "" }
function save(dir, text) { n++; printf "%s", text > (out "/" dir "/unit." n); close(out "/" dir "/unit." n) }
# the runs of adjacent literals that hold a section header are configs
function flush(   k, parts, i) {
	k = split(run, parts, "\001")
	for (i = 1; i <= k; i++)
		if (parts[i] ~ /(^|\n)\[(supervisord|program:|group:|include|unix_http|inet_http|eventlistener|supervisorctl)/)
			save("config", parts[i])
	run = ""
}
{
	cont = last && $0 ~ /^[ \t]*"/
	if (!cont)
		flush()
	rest = $0; last = 0
	while (match(rest, /"([^"\\]|\\.)*"/)) {
		glued = substr(rest, 1, RSTART - 1) ~ /^[ \t]*$/ && (last || cont)
		run = run (glued ? "" : "\001") unq(substr(rest, RSTART + 1, RLENGTH - 2))
		rest = substr(rest, RSTART + RLENGTH)
		last = 1
	}
	last = last && rest ~ /^[ \t]*$/
}
/split\("/ { s = $0; sub(/.*split\(/, "", s); save("split", first(s)) }
envtab && /^\t\t\{"/ { save("split", first($0)) }
/const char \*in, \*out; int mangled;/ { envtab = 1 }
/^\t\};/ { envtab = 0 }
END { flush() }' tests/unit.c

cp examples/supervise.conf "$tmp/config/examples.conf"
if [ -x ./supervise ]; then
	./supervise --sample-config >"$tmp/config/sample.conf"
fi

# split: the values of command= and environment= in every config seed
for f in "$tmp"/config/*; do
	sed -n 's/^[ \t]*\(command\|environment\)[ \t]*[=:][ \t]*//p' "$f"
done | sort -u | awk -v out="$tmp/split/conf" '{ n++; printf "%s", $0 > (out "." n); close(out "." n) }'

# request: one seed per line here; "|" separates the lines of one seed
while IFS= read -r r; do
	printf '%s\n' "$r" | tr '|' '\n' >"$tmp/request/$(printf '%s' "$r" | cksum | cut -d' ' -f1)"
done <<'EOF'
status
status all
status cat grp:* multi: nosuch
status grp:a nosuch:x
start cat
start all
start grp:*
start multi:multi_0 true false missing
start ev gone
stop cat
stop all
stop grp:
restart cat
restart all
restart true
pid
pid all
pid cat
pid nosuch
version
signal HUP cat
signal TERM all
signal 9 grp:*
signal NOPE cat
signal USR1
clear cat
clear all
clear grp:*
rotate cat
rotate multi:*
rotate all
tail cat
tail -100 cat stderr
tail -f cat
tail -f multi:multi_0 stdout
tail cat bogus
maintail
maintail -500
maintail -f
avail
reread
add gone
remove gone
update
update all
update changing new
fg cat|hello|<!--XSUPERVISOR:BEGIN-->x<!--XSUPERVISOR:END-->
fg multi:multi_1|data
reload
shutdown
auth user secret
auth user wrong
@1|auth user secret|status|start cat|tail cat
@2|auth user secret|stop all
@1|status
@0|start cat|fg cat|line one|line two
@0|start all|status|stop all|@4|reread|avail|update|status
@4|reread|remove gone|add new|update
@3|start cat|status|stop cat
@3|tail -f cat
@0|start cat|@0|reload|@0|status|shutdown
@0|start multi:*|stop multi:*|start multi:*|stop multi:*
start cat|stop cat|start cat|stop cat|restart cat
@0&|start cat|stop cat|@0|status|pid all
@0&|start changing|restart changing|@4|update|@0|avail
@1&|auth user secret|start grp:*|stop grp:*|@0&|stop grp:a|@4|remove grp|update
@0!|start cat|stop cat
@0|start changing|@4&!|update|@0|status
start false|start true|status
EOF

# each into the corpus, named by its cksum; nothing empty, nothing twice
for t in config split request; do
	mkdir -p "fuzz/corpus/$t"
	for f in "$tmp/$t"/*; do
		[ -s "$f" ] || continue
		cp "$f" "fuzz/corpus/$t/$(cksum <"$f" | cut -d' ' -f1)"
	done
	echo "fuzz/corpus/$t: $(ls "fuzz/corpus/$t" | wc -l) seeds, $(cat "fuzz/corpus/$t"/* | wc -c) bytes"
done
