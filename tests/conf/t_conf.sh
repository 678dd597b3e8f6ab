#!/bin/bash
#
# Copyright (c) 2026 The xennetd authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# t_conf.sh: golden tests of xennetd.conf(5).  Each tests/conf/NAME.conf
# goes through `xennetd -nv [NAME.args] -f NAME.conf` (run in tests/conf,
# so that file names are relative); its output, both streams, and then
# "exit N" must be NAME.out exactly: "configuration OK" and the settings
# for a good file, every error as file:line: message for a bad one.
# Then what the files cannot show: a missing -f file, a missing default
# file, bad -D, a daemon refusing to start on a bad file, the sample
# configuration, and that the good files use every keyword.

. "$top_srcdir/tests/lib.sh"
XENNETD=$top_builddir/daemon/xennetd
D=$top_srcdir/tests/conf
T=$(mktemp -d /tmp/xennetd-conf.XXXXXX)
trap 'rm -rf "$T"' EXIT

# run NAME: the -nv output of NAME.conf, then its exit status
run() {
	local args=
	[ -f "$D/$1.args" ] && args=$(cat "$D/$1.args")
	(cd "$D" && $XENNETD -nv $args -f "$1.conf" 2>&1; echo "exit $?")
}

for f in "$D"/*.conf; do
	n=$(basename "$f" .conf)
	run "$n" > "$T/$n.got"
	if [ ! -f "$D/$n.out" ]; then
		ok 1 "$n.conf: no $n.out"
		continue
	fi
	diff -u "$D/$n.out" "$T/$n.got" > "$T/$n.diff"
	ok $? "$n.conf: $(sed -n '1s/^# *//p' "$D/$n.conf" | cut -c1-70)"
	[ -s "$T/$n.diff" ] &&
	    sed 's/^/# /' "$T/$n.diff" | head -40 | cut -c1-200
done

# The settings -nv prints are a configuration file that gives them again.
for f in "$D"/*.out; do
	n=$(basename "$f" .out)
	tail -n 1 "$f" | grep -q "exit 0" || continue
	sed -e 1d -e '$d' "$f" > "$T/$n.again.conf"
	(cd "$T" && $XENNETD -nv -f "$n.again.conf" 2>&1; echo "exit $?") |
	    diff -u "$f" - > "$T/$n.again.diff"
	ok $? "$n.conf: what -nv prints reads back the same"
	[ -s "$T/$n.again.diff" ] && sed 's/^/# /' "$T/$n.again.diff" | head -20
done

# every file here goes into the tarball (Makefile.am lists them one by one)
if [ -f "$top_srcdir/Makefile.am" ]; then
	missing=
	for f in "$D"/*.conf "$D"/*.out "$D"/*.args "$D"/inc/*.conf; do
		n=tests/conf/${f#"$D"/}
		grep -q "[[:space:]]$n\([[:space:]]\|$\)" "$top_srcdir/Makefile.am" ||
		    missing="$missing $n"
	done
	is "Makefile.am's EXTRA_DIST lists every file of tests/conf" "" \
	    "$missing"
fi

# ---- what golden files cannot show ----
out=$(cd "$T" && $XENNETD -n -f nope.conf 2>&1)
is "a missing -f file: an error" \
    "nope.conf: No such file or directory, exit 1" "$out, exit $?"
out=$($XENNETD -n -f "$T" 2>&1)
is "-f a directory: an error" "$T: not a regular file, exit 1" \
    "$out, exit $?"
def=$($XENNETD -h 2>&1 | sed -n 's/.*configuration file (default \(.*\))$/\1/p')
ok $(test -n "$def"; echo $?) "-h names the default file ($def)"
if [ -e "$def" ]; then
	ok 0 "# SKIP $def exists here: cannot check that it may be missing"
else
	is "a missing default file: not an error" \
	    "configuration OK, exit 0" "$($XENNETD -n 2>&1), exit $?"
fi
out=$($XENNETD -n -D novalue -f "$D/empty.conf" 2>&1)
is "-D without =: an error" "1" "$?"
ok $(echo "$out" | grep -q "want name=value"; echo $?) "and it says why"
$XENNETD -n -D 'a-b=1' -f "$D/empty.conf" > /dev/null 2>&1
is "-D with a bad macro name: an error" "1" "$?"
out=$(cd "$D" && $XENNETD -d -S -s "$T/sim" -f bounds-out.conf 2>&1)
is "the daemon does not start on a bad file: exit 1" 1 "$?"
is "and says why, every error then the verdict" \
    "$(sed '$d' "$D/bounds-out.out")
xennetd: fatal: bounds-out.conf has errors: not starting" "$out"
out=$($XENNETD -n -f "$top_srcdir/etc/xennetd.conf" 2>&1)
is "the sample configuration is good" "configuration OK, exit 0" \
    "$out, exit $?"
sed -E -e '/^#include/d' -e 's/^#([a-z{}]|\t)/\1/' \
    "$top_srcdir/etc/xennetd.conf" > "$T/sample.conf"
out=$($XENNETD -n -f "$T/sample.conf" 2>&1)
is "and so are its commented-out settings and examples, uncommented" \
    "configuration OK, exit 0" "$out, exit $?"

# Every keyword of the grammar is used by a good file.
kws=$(conf_keywords)
ok $(test "$(echo "$kws" | wc -l)" -ge 20; echo $?) \
    "the keyword table of parse.y has $(echo "$kws" | wc -l) keywords"
good=
for f in "$D"/*.out; do
	tail -n 1 "$f" | grep -q "exit 0" &&
	    good="$good $D/$(basename "$f" .out).conf"
done
for k in $kws; do
	grep -qw -- "$k" $good $D/inc/*.conf
	ok $? "keyword $k is used in a good file"
done
done_testing
