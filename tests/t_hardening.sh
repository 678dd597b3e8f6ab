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
#
# t_hardening.sh: the programs that run in dom0 are built hardened
# (configure.ac): position-independent (ASLR), relocations read-only and
# bound at startup (RELRO, BIND_NOW), stack protector, fortified libc
# calls.  Read from the binaries themselves with readelf.

. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

command -v readelf > /dev/null || skip_all "no readelf (Debian package binutils)"
for p in daemon/xennetd; do
	b=$top_builddir/$p
	[ -x "$b" ] || { ok 1 "$p: built"; continue; }
	readelf -h "$b" | grep -q 'Type:.*DYN'
	ok $? "$p: position-independent executable"
	readelf -lW "$b" | grep -q GNU_RELRO
	ok $? "$p: RELRO segment"
	readelf -d "$b" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'
	ok $? "$p: bound at startup (full RELRO)"
	readelf -sW --dyn-syms "$b" | grep -q __stack_chk_fail
	ok $? "$p: stack protector"
	readelf -sW --dyn-syms "$b" | grep -Eq '__[a-z]+_chk@'
	ok $? "$p: fortified libc calls (_FORTIFY_SOURCE)"
done
done_testing
