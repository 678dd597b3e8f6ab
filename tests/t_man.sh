#!/bin/bash
# The manual pages are clean for mandoc -Tlint (warnings and worse);
# xennetd.8 documents every option that xennetd -h prints, long and
# short; xennetd.conf.5 documents every keyword of the configuration
# grammar (the keyword table of daemon/parse.y, not a list of our own).
# xennetctl.8 documents every option and command of xennetctl's usage.
. "$top_srcdir/tests/lib.sh"
for m in "$top_srcdir"/man/*.[0-9]; do
	out=$(mandoc -Tlint -W warning "$m" 2>&1)
	ok $? "mandoc -Tlint $(basename "$m") ${out:+($out)}"
done
help=$("$top_builddir/daemon/xennetd" -h 2>&1)
for opt in $(echo "$help" | grep -o -- '--[a-z-]*' | sort -u); do
	grep -q -- "-${opt#--}" "$top_srcdir/man/xennetd.8"
	ok $? "xennetd.8 documents $opt"
done
# the short options of the usage lines: [-dhn], [-c copy-batch]
shorts=$(echo "$help" | sed -n '/^usage:/,/^  -/p' | grep -o '\[-[A-Za-z]*' |
    sed 's/\[-//' | fold -w 1 | sort -u)
ok $(test "$(echo "$shorts" | wc -l)" -ge 15; echo $?) \
    "the usage shows $(echo $shorts | wc -w) short options"
for o in $shorts; do
	grep -q "^\.It Fl $o\( \|$\)" "$top_srcdir/man/xennetd.8"
	ok $? "xennetd.8 documents -$o"
done
kws=$(conf_keywords)
ok $(test "$(echo "$kws" | wc -l)" -ge 20; echo $?) \
    "parse.y's keyword table has $(echo $kws | wc -w) keywords"
for k in $kws; do
	grep -q "\(Ic\|Cm\) \(.* \)\?$k\( \|$\)" \
	    "$top_srcdir/man/xennetd.conf.5"
	ok $? "xennetd.conf.5 documents $k"
done
help=$("$top_builddir/xennetctl/xennetctl" 2>&1)
for opt in $(echo "$help" | sed -n 1p | grep -o -- '-[a-z]' | sort -u); do
	grep -q -- "^\.Op Fl ${opt#-}" "$top_srcdir/man/xennetctl.8" &&
	    grep -q -- "^\.It Fl ${opt#-}" "$top_srcdir/man/xennetctl.8"
	ok $? "xennetctl.8 documents $opt"
done
# each command: its leading keywords (up to its first argument) head an
# item of the command list
echo "$help" | sed '1,2d' | while read -r line; do
	cmd=$(echo "$line" | awk '{ c = $1; for (i = 2; i <= NF; i++) {
	    if ($i !~ /^[a-z]+$/ || $i == "vif" || $i == "file") break
	    c = c " " $i }; print c }')
	grep -q -- "^\.It Cm $cmd\>" "$top_srcdir/man/xennetctl.8"
	echo "$?|xennetctl.8 documents the command $cmd"
done > "${TMPDIR:-/tmp}/t_man.$$"
while IFS='|' read -r rc what; do
	ok "$rc" "$what"
done < "${TMPDIR:-/tmp}/t_man.$$"
rm -f "${TMPDIR:-/tmp}/t_man.$$"
done_testing
