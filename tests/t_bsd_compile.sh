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
# t_bsd_compile.sh: what NetBSD and FreeBSD build compiles with their
# macros: daemon/osdep-bsd.c (their code only) and every other file of
# the daemon, the library and xennetctl as those hosts build them (no
# liburing, no Linux headers), with __NetBSD__ and then __FreeBSD__
# defined and __linux__ not (tests/bsd-shim/bsd-shim.h does it), the
# project's warnings as errors, against tests/bsd-shim: the BSD-only
# names, declared with placeholder values.  A compile check only:
# nothing of this runs here (README.md, "BSD").

. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

[ -f "$top_builddir/config.h" ] || skip_all "not configured"
# configure's compiler, result and flags, without what Linux has and the
# BSDs have not
mkvar() { sed -n "s/^$1 = //p" "$top_builddir/Makefile"; }
CC=$(mkvar CC)
command -v "${CC%% *}" > /dev/null || skip_all "no C compiler $CC"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v 'HAVE_LIBURING\|HAVE_LIBSYSTEMD\|HAVE_LINUX_VHOST_H' "$top_builddir/config.h" \
    > "$tmp/config.h"
cflags="$(mkvar XN_CFLAGS) -Werror $(mkvar JSONC_CFLAGS) $(mkvar PCAP_CFLAGS)"
for v in EVENT_CFLAGS EVENT_PTHREADS_CFLAGS XENCTRL_CFLAGS XENEVTCHN_CFLAGS \
    XENGNTTAB_CFLAGS XENSTORE_CFLAGS; do
	cflags="$cflags $(mkvar $v)"
done
# the files of the BSD build (Makefile.am: osdep-bsd.c for osdep-linux.c,
# vhost.c and linkmon.c)
files=
for f in "$top_srcdir"/daemon/*.c "$top_srcdir"/lib/*.c \
    "$top_srcdir"/xennetctl/*.c; do
	# Linux only: the tap driver, vhost-net, rtnetlink, privilege separation
	case $f in
	*/osdep-linux.c|*/vhost.c|*/linkmon.c|*/priv.c|*/sandbox.c|*/parse.c)
		continue ;;
	esac
	files="$files ${f#"$top_srcdir"/}"
done
# the system headers they include, first (bsd-shim.h says why): not
# Xen's (which want their order) nor those of Linux only
# shellcheck disable=SC2086
(cd "$top_srcdir" && grep -h '^#include <' $files daemon/*.h lib/*.h \
    xennetctl/*.h) | sed 's|[[:space:]]*/\*.*||' |
    grep -v 'liburing\|<linux/\|systemd\|<xen' | sort -u > "$tmp/sys.h"

# bsdcc OS FILE OUT: compile FILE for OS (NetBSD, FreeBSD) into OUT
bsdcc() {
	# shellcheck disable=SC2086
	$CC -c -o "$3" "-DXN_SHIM_$(echo "$1" | tr '[:lower:]' '[:upper:]')" \
	    -DSYSCONFDIR='"/etc"' -DRUNSTATEDIR='"/var/run"' \
	    -include "$tmp/config.h" -I"$top_srcdir/tests/bsd-shim" \
	    -include "$tmp/sys.h" \
	    -include "$top_srcdir/tests/bsd-shim/bsd-shim.h" \
	    -I"$top_srcdir/lib" -I"$top_srcdir/daemon" \
	    -I"$top_builddir/daemon" $cflags "$2" 2> "$tmp/err"
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -20
	return $rc
}

for os in NetBSD FreeBSD; do
	nfail=0
	for f in $files; do
		o=$tmp/$(basename "$f" .c).o
		bsdcc $os "$top_srcdir/$f" "$o" || nfail=$((nfail + 1))
	done
	n=$(echo "$files" | wc -w)
	# the grammar's C: made in the build tree, or the tarball's
	for p in "$top_builddir/daemon/parse.c" "$top_srcdir/daemon/parse.c"; do
		[ -f "$p" ] || continue
		bsdcc $os "$p" "$tmp/parse.o" || nfail=$((nfail + 1))
		n=$((n + 1))
		break
	done
	ok $((nfail != 0)) "$os: $n files of daemon/, lib/, xennetctl/ \
compile with -Werror ($nfail failed)"
	# what was compiled is the BSD code, not Linux's
	nm "$tmp/osdep-bsd.o" 2> /dev/null | grep -q ' T osdep_tap_fd$'
	ok $? "$os: osdep-bsd.o defines osdep_tap_fd"
	nm "$tmp/osdep-bsd.o" 2> /dev/null | grep -q ' U if_nameindex$'
	ok $? "$os: and looks for the kernel netback's interfaces"
	nm -u "$tmp"/*.o 2> /dev/null | grep -q 'io_uring'
	ok $((! $?)) "$os: nothing uses io_uring"
	rm -f "$tmp"/*.o
done

# Linux headers only where Linux alone builds them
# shellcheck disable=SC2086
bad=$(cd "$top_srcdir" && grep -l '^#include <linux/' $files)
ok $((${#bad} != 0)) "no file of the BSD build includes <linux/...>${bad:+: }$bad"
awk '/^#ifdef HAVE_LIBURING/ { g = 1 } /^#endif/ { g = 0 }
    /^#include <liburing.h>/ && !g { bad = 1 } END { exit bad }' \
    "$top_srcdir/daemon/portio.c"
ok $? "portio.c includes <liburing.h> only with HAVE_LIBURING"

# osdep-bsd.c refuses to be built for Linux
$CC -c -o "$tmp/x.o" -include "$tmp/config.h" -I"$top_srcdir/lib" \
    -I"$top_srcdir/daemon" "$top_srcdir/daemon/osdep-bsd.c" \
    > /dev/null 2>&1
ok $((! $?)) "osdep-bsd.c is not built without __NetBSD__ or __FreeBSD__"

done_testing
