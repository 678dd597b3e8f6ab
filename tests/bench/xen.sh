#!/bin/bash
# tests/bench/xen.sh: xennetd against the kernel's xen-netback on real Xen
# 4.17 (the e2e lab under QEMU TCG), side by side in one boot, the variants
# alternating round by round.  Prints a Markdown table of medians, spreads
# and ratios to the kernel, and writes it with the raw CSV under
# tests/bench/results/.
#
# usage: tests/bench/xen.sh [ROUNDS [SECONDS]]      (root; built tree)
# env:   VARIANTS="kernel xennetd: xennetd:-i+syscall"  (xennetd:ARGS, the
#        arguments joined by +)
#        top_builddir (default ./build), E2E_BUILD as in tests/e2e/t_xen.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
ROUNDS=${1:-3}
SECS=${2:-8}
VARIANTS=${VARIANTS:-"kernel xennetd: xennetd:-i+syscall"}
E2E=$top_srcdir/tests/e2e
export E2E_BUILD=${E2E_BUILD:-$E2E/build}
OUTDIR=$top_srcdir/tests/bench/results
mkdir -p "$E2E_BUILD/logs" "$OUTDIR" || exit 1
"$E2E/setup.sh" > /dev/null 2>&1 || { echo "setup.sh failed" >&2; exit 1; }
LOCK=${XENNETD_E2E_LOCK:-/tmp/xennetd-e2e.lock}	# as t_xen.sh
exec 9> "$LOCK"
flock -w 1800 9 || { echo "cannot lock $LOCK" >&2; exit 1; }
WORK=$(mktemp -d "$E2E_BUILD/bench.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/stage
mkdir -p "$STAGE/lab"
env -u MAKEFLAGS make -C "$top_builddir" install DESTDIR="$STAGE" \
    > "$WORK/install.log" 2>&1 || { tail "$WORK/install.log"; exit 1; }
XN=$(cd "$STAGE" && find . -path '*/sbin/xennetd' -type f | head -n 1)
echo "XENNETD=${XN#.}" > "$STAGE/lab/env"
cp "$top_srcdir/tests/bench/xen/lab/test.sh" "$STAGE/lab/test.sh"
printf 'ROUNDS=%s\nBENCH_T=%s\nVARIANTS="%s"\n' "$ROUNDS" "$SECS" \
    "$VARIANTS" > "$STAGE/lab/bench.env"
"$E2E/build.sh" "$WORK/img" "$STAGE" > "$WORK/build.log" 2>&1 ||
    { tail "$WORK/build.log"; exit 1; }
nv=$(echo $VARIANTS | wc -w)
LOG=$E2E_BUILD/logs/bench-$(date +%Y%m%d-%H%M%S).log
TIMEOUT=$((ROUNDS * nv * (4 * (SECS + 8) + 40) + 120)) \
    "$E2E/boot.sh" "$WORK/img" "$LOG" "e2e.backend=bench"
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
commit=$(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null)
CSV=$OUTDIR/xen-$(date -u +%Y%m%d-%H%M).csv
echo "round,variant,test,value,unit,dom0_cpu_pct" > "$CSV"
sed -n 's/^ *[0-9.]* LAB: BENCH //p' "$LOG" | tr ' ' ',' >> "$CSV"
sed -n 's/^ *[0-9.]* LAB: NOTE /# note: /p' "$LOG"
grep -q 'LAB: DONE bench' "$LOG" || echo "# the run did not finish: $LOG"
MD=${CSV%.csv}.md
{
echo "## Real Xen 4.17 under QEMU TCG: kernel xen-netback vs xennetd"
echo
echo "$stamp, commit $commit, $ROUNDS alternating rounds of ${SECS} s," \
    "1-vCPU PV domU, iperf3 from dom0.  Median (min-max) of the rounds;"
echo "CPU: all of dom0, % of its vCPUs' time; ratio: to the kernel's median."
echo
awk -F, -v variants="$VARIANTS" '
function med(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR > 1 { k = $3 SUBSEP $2; v[k] = v[k] " " $4; c[k] = c[k] " " $6;
	 unit[$3] = $5; if (!($3 in seen)) { seen[$3] = 1; tests[++nt] = $3 } }
END {
	nvar = split(variants, var, " ")
	printf "| test | variant | value | dom0 CPU %% | ratio | CPU ratio |\n"
	printf "|---|---|---|---|---|---|\n"
	for (i = 1; i <= nt; i++) {
		t = tests[i]
		kv = med(v[t SUBSEP "kernel"]); kc = med(c[t SUBSEP "kernel"])
		for (j = 1; j <= nvar; j++) {
			k = t SUBSEP var[j]
			if (!(k in v)) continue
			m = med(v[k]); l = lo; h = hi
			cm = med(c[k])
			name = var[j]; sub(/:$/, "", name); gsub(/[+]/, " ", name)
			r = "-"
			if (kv > 0)
				r = sprintf("%.2f", m / kv)
			rc = "-"
			if (kc > 0)
				rc = sprintf("%.2f", cm / kc)
			printf "| %s | %s | %g %s (%g-%g) | %.1f | %s | %s |\n",
			    t, name, m, unit[t], l, h, cm, r, rc
		}
	}
}' "$CSV"
} > "$MD"
cat "$MD"
echo
echo "written: $MD $CSV (log $LOG)"
