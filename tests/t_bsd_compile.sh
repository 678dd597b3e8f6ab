#!/bin/bash
#
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
# t_bsd_compile.sh: the code that only NetBSD and FreeBSD build
# (daemon/osdep-bsd.c) and the shared files of the tap port as those
# hosts build them (no liburing, no Linux headers) compile, warnings as
# errors, with __NetBSD__ and then __FreeBSD__ defined and __linux__ not
# (tests/bsd-shim/bsd-shim.h does it), against tests/bsd-shim: the
# BSD-only names, declared with placeholder values.
# A compile check only: nothing of this runs here (README.md, "BSD").

. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

CC=${CC:-cc}
command -v "$CC" > /dev/null || skip_all "no C compiler $CC"
[ -f "$top_builddir/config.h" ] || skip_all "not configured"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# configure's result, without what Linux has and the BSDs have not
grep -v 'HAVE_LIBURING\|HAVE_LIBSYSTEMD' "$top_builddir/config.h" \
    > "$tmp/config.h"
warn="-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
-Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual -Wsign-compare \
-Wdeclaration-after-statement -Wformat=2 -Wundef -Wno-unused-parameter"
xen=$(pkg-config --cflags xengnttab xenevtchn xencontrol xenstore 2>/dev/null)
# daemon files the BSDs build in place of, or differently from, Linux
files="daemon/osdep-bsd.c daemon/port-tap.c daemon/portio.c \
daemon/ifname.c daemon/osdep.c"
# the system headers they include, first (bsd-shim.h says why): not
# those of Linux only, which must not be needed
(cd "$top_srcdir" && grep -h '^#include <' $files daemon/xennetd.h \
    daemon/ctlreq.h lib/*.h) | grep -v 'liburing\|<linux/' | sort -u \
    > "$tmp/sys.h"

for os in NetBSD FreeBSD; do
	shim=XN_SHIM_$(echo $os | tr a-z A-Z)
	for f in $files; do
		o=$tmp/$(basename "$f" .c).o
		# shellcheck disable=SC2086
		$CC -c -o "$o" -D$shim -DSYSCONFDIR='"/etc"' \
		    -DRUNSTATEDIR='"/var/run"' -include "$tmp/config.h" \
		    -I"$top_srcdir/tests/bsd-shim" -include "$tmp/sys.h" \
		    -include "$top_srcdir/tests/bsd-shim/bsd-shim.h" \
		    -I"$top_srcdir/lib" \
		    -I"$top_srcdir/daemon" $xen $warn "$top_srcdir/$f" \
		    2> "$tmp/err"
		rc=$?
		[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err"
		ok $rc "$os: $f compiles (-Wall -Wextra -Werror)"
	done
	# what was compiled is the BSD code, not Linux's
	nm "$tmp/osdep-bsd.o" 2> /dev/null | grep -q ' T osdep_tap_fd$'
	ok $? "$os: osdep-bsd.o defines osdep_tap_fd"
	nm "$tmp/portio.o" 2> /dev/null | grep -q 'io_uring'
	ok $((! $?)) "$os: portio.o uses no io_uring"
done

# osdep-bsd.c refuses to be built for Linux
$CC -c -o "$tmp/x.o" -include "$tmp/config.h" -I"$top_srcdir/lib" \
    -I"$top_srcdir/daemon" $xen "$top_srcdir/daemon/osdep-bsd.c" \
    > /dev/null 2>&1
ok $((! $?)) "osdep-bsd.c is not built without __NetBSD__ or __FreeBSD__"

done_testing
