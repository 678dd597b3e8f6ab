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
# t_fuzz_smoke.sh: the libFuzzer harnesses still build (clang,
# --enable-fuzzing, in BUILDDIR/fuzz-build) and each one fuzzes for a few
# seconds (FUZZ_SMOKE_SECS, default 15) from its corpus without a
# finding, so that they cannot rot.  Long runs: tests/fuzz/run.sh.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

SECS=${FUZZ_SMOKE_SECS:-15}
command -v clang > /dev/null || skip_all "no clang (Debian package clang)"
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
    clang -fsanitize=fuzzer -x c - -o /dev/null 2> /dev/null ||
    skip_all "clang has no libFuzzer (Debian package libclang-rt-14-dev)"

FB=$top_builddir/fuzz-build
mkdir -p "$FB"
if [ ! -f "$FB/Makefile" ] ||
    [ "$top_srcdir/configure" -nt "$FB/Makefile" ]; then
	(cd "$FB" && CC=clang "$top_srcdir/configure" -q --enable-fuzzing) \
	    > "$FB/configure.out" 2>&1
	ok $? "configure CC=clang --enable-fuzzing"
fi
make -C "$FB" -j2 tests/fuzz/fuzz_tx tests/fuzz/fuzz_rx \
    tests/fuzz/fuzz_xsval tests/fuzz/fuzz_ctl tests/fuzz/fuzz_conf \
    > "$FB/make.out" 2>&1
st=$?
ok $st "the harnesses build with libFuzzer"
[ $st = 0 ] || { tail -20 "$FB/make.out" | sed 's/^/# /'; done_testing; }

out=$("$top_srcdir/tests/fuzz/run.sh" "$FB" "$SECS" 2>&1)
st=$?
echo "$out" | sed 's/^/# /'
for h in fuzz_tx fuzz_rx fuzz_xsval fuzz_ctl fuzz_conf; do
	line=$(echo "$out" | awk -v h=$h '$1 == h')
	execs=$(echo "$line" | awk '{ print $2 }')
	res=$(echo "$line" | awk '{ print $5 }')
	is "$h: ${SECS} s of fuzzing, no finding" ok "$res"
	[ "${execs:-0}" -gt 0 ] 2> /dev/null
	ok $? "$h: it ran inputs (${execs:-0})"
done
done_testing
