#!/bin/bash
# The manual pages are clean for mandoc -Tlint (warnings and worse) and
# mention every option that xennetd -h prints.
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
done_testing
