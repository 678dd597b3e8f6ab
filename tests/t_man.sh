#!/bin/bash
# The manual pages are clean for mandoc -Tlint (warnings and worse) and
# mention every option that xennetd -h prints; xennetctl.8 every option
# and command word of xennetctl's usage.
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
