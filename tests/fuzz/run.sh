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
# run.sh: run every libFuzzer harness for SECONDS (default 60) on its
# committed corpus and dictionary, new inputs into a scratch corpus, and
# print a table: harness, executions, executions per second, corpus size,
# result.  Needs a build configured with CC=clang --enable-fuzzing.
#
# usage: tests/fuzz/run.sh BUILDDIR [SECONDS [HARNESS...]]
# env:   FUZZ_JOBS (default 1): parallel workers per harness (-fork=N)
#        FUZZ_RUNS=N: stop a harness after N executions (-runs) if that
#        comes before SECONDS
#        FUZZ_KEEP=DIR: keep the scratch corpora and crash files there
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:?usage: run.sh BUILDDIR [SECONDS [HARNESS...]]}" && pwd) || exit 2
SECS=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
HARNESSES=${*:-"fuzz_tx fuzz_rx fuzz_xsval fuzz_ctl fuzz_conf"}
JOBS=${FUZZ_JOBS:-1}
RUNS=${FUZZ_RUNS:--1}
W=${FUZZ_KEEP:-$(mktemp -d /tmp/xennet-fuzz-run.XXXXXX)}
mkdir -p "$W"
rc=0
printf '%-12s %14s %10s %8s %s\n' harness executions exec/s corpus result
for h in $HARNESSES; do
	bin=$B/tests/fuzz/$h
	name=${h#fuzz_}
	[ -x "$bin" ] || { echo "$h: not built in $B" >&2; rc=1; continue; }
	mkdir -p "$W/$name"
	log=$W/$h.log
	quiet=0
	case $name in
	xsval)	maxlen=256;;		# a xenstore value
	ctl)	maxlen=1100;;		# a control request
	conf)	maxlen=1024	# a few files of configuration: the lexer's
		# long-token paths are reached through macros, a longer
		# input only makes each run slower
		# the parser's test files are seeds too; its error messages
		# (stderr) are not wanted: libFuzzer's own still come
		cp "$top"/tests/conf/*.conf "$W/$name/"
		quiet=2;;
	*)	maxlen=70000;;		# a ring of slots and their pages
	esac
	t0=$(date +%s)
	(cd "$W" && "$bin" -max_total_time="$SECS" -runs="$RUNS" \
	    -print_final_stats=1 \
	    -dict="$top/tests/fuzz/$name.dict" -artifact_prefix="$W/$h-" \
	    -max_len=$maxlen -close_fd_mask=$quiet \
	    $([ "$JOBS" -gt 1 ] && echo -fork="$JOBS") \
	    "$W/$name" "$top/tests/fuzz/corpus/$name") > "$log" 2>&1
	st=$?
	secs=$(( $(date +%s) - t0 ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    awk '{ s += $1 } END { print s + 0 }')
	[ "$execs" -gt 0 ] || execs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' \
	    "$log" | tail -1)
	corp=$(ls "$W/$name" | wc -l)
	if [ $st = 0 ]; then res=ok; else res="FAILED (exit $st, $log)"; rc=1; fi
	printf '%-12s %14s %10s %8s %s\n' "$h" "${execs:-0}" \
	    "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "$corp" "$res"
	[ $st = 0 ] || grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/    /'
done
[ -n "${FUZZ_KEEP:-}" ] || rm -rf "$W"
exit $rc
