#!/bin/bash
# tests/bench/t_bench_smoke.sh: the benchmark driver still works.  Runs
# tests/bench/run --smoke (tiny runs, no real Xen) into a temporary
# directory and checks that every section wrote its table, its CSV with
# the expected columns and numeric data, and its plots.  Speeds are not
# checked: they depend on the machine.
. "$(dirname "$0")/../lib.sh"
need_netns
command -v iperf3 > /dev/null || skip_all "needs iperf3"

OUT=$(mktemp -d /tmp/xennetd-bench-smoke.XXXXXX) || exit 1
trap 'rm -rf "$OUT"' EXIT

"$top_srcdir/tests/bench/run" --smoke --out "$OUT" --build "$top_builddir" \
    > "$OUT/stdout" 2> "$OUT/stderr"
rc=$?
ok $rc "run --smoke exits 0"
[ $rc = 0 ] || sed 's/^/# /' "$OUT/stderr" | tail -n 30

# one FILE: the single file of $OUT matching the glob pattern
one() {
	local f
	f=$(ls "$OUT"/$1 2>/dev/null)
	[ -n "$f" ] && [ "$(echo "$f" | wc -l)" = 1 ] && echo "$f"
}

# csv_ok SECTION-GLOB COLUMNS LABELS: the CSV's header is COLUMNS, it has
# data rows, and every column not in LABELS holds a number in each row
csv_ok() {
	local f
	f=$(one "$1") || { diag "no single $1"; return 1; }
	grep -q '^# command: tests/bench/run --smoke' "$f" &&
	    grep -q '^# machine: ' "$f" && grep -q '^# commit: ' "$f" ||
	    { diag "$f: no header"; return 1; }
	awk -F, -v cols="$2" -v labels="$3" '
	/^#/ { next }
	!h { h = 1; if ($0 != cols) { print "# columns: " $0; bad = 1 }
	     n = split(labels, l, ","); for (i = 1; i <= n; i++) lab[l[i]] = 1
	     for (i = 1; i <= NF; i++) name[i] = $i
	     next }
	{ rows++
	  for (i = 1; i <= NF; i++)
		if (!(name[i] in lab) && $i !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) {
			print "# not a number: " name[i] "=" $i; bad = 1 } }
	END { if (rows == 0) print "# no data rows"; exit (bad || rows == 0) }
	' "$f"
}

# md_ok GLOB HEADER-LINE-PATTERN: the table is there, with a data row,
# and went to stdout too
md_ok() {
	local f
	f=$(one "$1") || { diag "no single $1"; return 1; }
	grep -q -- "$2" "$f" || { diag "$f: no '$2'"; return 1; }
	grep -A 2 -- "$2" "$f" | tail -n 1 | grep -q '^| [0-9a-z-]' ||
	    { diag "$f: no data row after '$2'"; return 1; }
	grep -q -- "$2" "$OUT/stdout" || { diag "not printed: $2"; return 1; }
}

# png_ok GLOB: a PNG image, linked from its table
png_ok() {
	local f
	f=$(one "$1") || { diag "no single $1"; return 1; }
	[ "$(head -c 4 "$f" | tail -c 3)" = PNG ] ||
	    { diag "$f: not a PNG"; return 1; }
	grep -q "(${f##*/})" "$OUT"/*.md || { diag "${f##*/}: not linked"; return 1; }
}

check "xen: skipped, not failed" grep -q '^## xen: skipped' "$(one 'xen-*.md')"

check "seed: CSV" csv_ok 'seed-*.csv' \
    round,batching,path,gbps,cpu_s,cpu_s_per_gb,copy_per_pkt,notify_per_pkt,tapsys_per_pkt,pkts \
    batching,path
check "seed: the seed's table" md_ok 'seed-*.md' \
    '^| path | before (off) Gbit/s | after (on) Gbit/s | ratio |'
check "seed: all runs with ratios" md_ok 'seed-*.md' \
    '^| path | batching | runs | gbps | .* | gbps / off |'

check "rates: CSV" csv_ok 'rates-2*.csv' \
    round,size,pps,gbps,cpu_s,pps_per_core,gbps_per_core,copy_per_pkt,loss_pct,lat_p99_us ""
check "rates: limits CSV" csv_ok 'rates-limits-*.csv' \
    size,memcpy_ops,memcpy_gbps,tapwrite_pps,tapread_pps,bound_pps ""
check "rates: table" md_ok 'rates-*.md' '^| size | runs | pps | gbps |'
check "rates: against the limits" md_ok 'rates-*.md' \
    '^| size | memcpy Mops/s | tap write kpps | tap read kpps | bound'
check "rates: every size" sh -c "for s in 64 512 1514 9000 65535; do
    grep -q \"^| \$s | 1 | [0-9]\" $(one 'rates-*.md') || exit 1; done"
check "rates: plot" png_ok 'rates-*.png'

check "sweep: CSV" csv_ok 'sweep-*.csv' \
    round,knob,value,pps,gbps,cpu_s,copy_per_pkt,notify_per_pkt,tapsys_per_pkt,rtt_p50_us,rtt_p99_us \
    knob,value
check "sweep: table" md_ok 'sweep-*.md' '^| knob | value | runs | pps |'
check "sweep: batch, notify, poll and queue cases" sh -c "f=$(one 'sweep-*.md');
    grep -q '^| batch | 4 |' \$f && grep -q '^| notify | packet |' \$f &&
    grep -q '^| poll | 50 |' \$f && grep -q '^| queues | 2 |' \$f"
check "sweep: plot" png_ok 'sweep-*-batch.png'

check "hcall: CSV" csv_ok 'hcall-*.csv' \
    round,hcall_ns,batching,pps,gbps,cpu_s,copy_per_pkt,notify_per_pkt batching
check "hcall: table with ratios" md_ok 'hcall-*.md' \
    '^| hcall_ns | batching | runs | pps | .* | pps / off |'
check "hcall: plot" png_ok 'hcall-*.png'

check "scale: CSV" csv_ok 'scale-*.csv' \
    round,kind,n,agg_pps,agg_pps_wall,agg_gbps,min_pps,max_pps,fairness,cpu_pct,rss_kib,hwm_kib,initwait_ms,connected_ms,initwait_all_per_vif_ms,connected_all_per_vif_ms \
    kind
check "scale: data path table" md_ok 'scale-*.md' '^| n | runs | agg_pps | agg_pps_wall |'
check "scale: control path table" md_ok 'scale-*.md' \
    '^| n | runs | initwait_ms | connected_ms |'
check "scale: throughput plot" png_ok 'scale-*[0-9a-f].png'
check "scale: control path plot" png_ok 'scale-*-control.png'

# profile: only when asked for, and only with perf (linux-perf)
if command -v perf > /dev/null && perf record -q -o "$OUT/probe.data" \
    true > /dev/null 2>&1; then
	"$top_srcdir/tests/bench/run" --smoke --only profile --out "$OUT" \
	    --build "$top_builddir" >> "$OUT/stdout" 2> "$OUT/stderr.profile"
	rc=$?
	ok $rc "run --smoke --only profile exits 0"
	[ $rc = 0 ] || sed 's/^/# /' "$OUT/stderr.profile" | tail -n 20
	check "profile: CSV" csv_ok 'profile-*[0-9a-f].csv' size,bucket,pct bucket
	check "profile: every symbol with its bucket" sh -c "f=$(one 'profile-*-symbols.csv');
	    head -n 1 \$f | grep -qx 'size,pct,object,bucket,symbol' &&
	    [ \$(grep -c '^64,[0-9.]*,' \$f) -gt 0 ] &&
	    [ \$(grep -c '^1514,[0-9.]*,' \$f) -gt 0 ]"
	check "profile: buckets for 64 and 1514 octets" sh -c "f=$(one 'profile-*.md');
	    grep -q '^### 64-octet' \$f && grep -q '^### 1514-octet' \$f"
	check "profile: a bucket table" md_ok 'profile-*.md' \
	    '^| bucket | % of xennetd'"'"'s samples |'
	check "profile: top symbols" md_ok 'profile-*.md' '^| % | object | symbol |'
else
	echo "ok $((T_N += 1)) # SKIP profile: no usable perf"
fi
done_testing
