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
# t_fuzz_replay.sh: every committed fuzz corpus input goes through its
# harness (built with the replaying main() of tests/fuzz/replay.c, under
# the build's sanitizers) without a crash, a sanitizer report or a
# harness check failing.  The corpora hold the seeds and what fuzzing
# found worth keeping (tests/fuzz/README).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

for h in tx rx xsval ctl conf; do
	bin=$top_builddir/tests/fuzz/fuzz_$h
	corpus=$top_srcdir/tests/fuzz/corpus/$h
	if [ ! -x "$bin" ]; then
		ok 1 "fuzz_$h: built (make check builds it)"
		continue
	fi
	n=$(ls "$corpus" | wc -l)
	set -- "$corpus"
	if [ $h = conf ]; then	# the parser's test files are its seeds
		set -- "$@" "$top_srcdir"/tests/conf/*.conf
		n=$((n + $# - 1))
	fi
	out=$("$bin" "$@" 2>&1)
	st=$?
	ok $st "fuzz_$h: the $n inputs of corpus/$h replay cleanly"
	[ $st = 0 ] || echo "$out" | tail -20 | sed 's/^/# /'
	is "fuzz_$h: every input was run" "$n inputs replayed" \
	    "$(echo "$out" | tail -1)"
done
done_testing
