#!/bin/bash
# tests/bench/xen.sh: xennetd against the kernel's xen-netback on real Xen
# 4.17 (the e2e lab under QEMU TCG), side by side in one boot, the variants
# alternating round by round.  Prints a Markdown table of medians, spreads
# and ratios to the kernel, and writes it with the raw CSV under
# tests/bench/results/ (tests/bench/run's section xen runs it).
#
# usage: tests/bench/xen.sh [ROUNDS [SECONDS]]      (root; built tree)
#        tests/bench/xen.sh --table CSV   (the table of an earlier run's
#                                         CSV, written next to it)
# env:   VARIANTS="kernel xennetd: xennetd:-i+syscall"  (xennetd:ARGS, the
#        arguments joined by +)
#        XEN_VCPUS=1|2 (the domU's vCPUs, default 1), XEN_CSV (the CSV
#        file; the table goes next to it as .md), XEN_LOCK_WAIT (seconds
#        to wait for the lab, default 1800), XEN_HEADER (lines put first
#        in both files)
#        XEN_PROFILE=1 (after the rounds, one TCP run each way per variant
#        under perf record -a in dom0: a second table, where dom0's CPU
#        goes; needs perf, Debian linux-perf, on this host: it is copied
#        into the dom0)
#        top_builddir (default ./build), E2E_BUILD as in tests/e2e/t_xen.sh
# Exit 77 when the lab cannot run here (setup failed, lab busy).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"

# xen_table CSV: the Markdown table of CSV's runs, into CSV's .md: its
# "#" header, the method, medians grouped by test, ratios to the kernel
xen_table() {
	local csv=$1 md=${1%.csv}.md info
	info=$(sed -n 's/^# xen: //p' "$csv")
	{
	echo "## Real Xen 4.17 under QEMU TCG: kernel xen-netback vs xennetd"
	echo
	sed -n 's/^# \([a-z]*: \)/- \1/p' "$csv" | grep -v '^- xen: '
	echo
	echo "$info.  iperf3 from dom0 to the domU, TCP (tcp4: 4 streams," \
	    "-P 4), UDP 64-byte datagrams (-l 64 -b 0, packets/s received)."
	echo "Median (min–max) of the rounds; CPU: all of dom0 (/proc/stat), %" \
	    "of its vCPUs' time; ratios: to the kernel's median in this run."
	echo
	awk -F, '/^#/ { next } !h { h = 1; print; next } { print | \
	    "sort -s -t, -k3,3" }' "$csv" |
	    awk -F, -v keys=test,unit,variant -v vals=value,dom0_cpu_pct \
	    -v ref=variant=kernel -f "$top_srcdir/tests/bench/summary.awk" |
	    sed 's/| xennetd: |/| xennetd |/; s/| xennetd:\([^ |]*\) |/| xennetd \1 |/
		s/\(| xennetd [^|]*\)+/\1 /g'
	echo
	sed -n 's/^# \(the run did not finish.*\)/Note: \1./p' "$csv"
	echo
	xen_profile_table "${csv%.csv}-profile.csv"
	} > "$md"
}

# XEN_BUCKETS: (awk) bucket(), the part of a dom0's network path a line
# of the profile (comm, dso, symbol) belongs to; the first rule that
# matches wins.  Every hypercall enters Xen through one stub
# (xen_hypercall_pv in Linux 6.1): the process tells what it was for.
XEN_BUCKETS='
function bucket(comm, dso, sym) {
	if (comm ~ /^swapper/ && sym ~ /hypercall|sched_op|safe_halt|idle/)
		return "idle (the idle task blocked in Xen)"
	if (comm ~ /^xennetd/ && dso !~ /kernel/)
		return "xennetd: its own code and libraries"
	if (comm ~ /^xennetd/ && sym ~ /hypercall/)
		return "xennetd: hypercalls (grant copies and event channels)"
	if (comm ~ /^xennetd/)
		return "xennetd: other kernel work in its context (system calls/tun/bridge)"
	if (comm ~ /^vhost/)
		return "vhost-net worker (the tap I/O of xennetd -i vhost)"
	if (comm ~ /^vif/ && sym ~ /hypercall/)
		return "netback threads: hypercalls (grant copies and event channels)"
	if (comm ~ /^vif/)
		return "netback threads: other"
	if (comm ~ /^iperf3/)
		return "iperf3 in dom0 (the traffic end)"
	if (sym ~ /hypercall/)
		return "hypercalls in softirqs/interrupts/other tasks"
	if (comm ~ /^ksoftirq|^kworker|^swapper/)
		return "softirq/kworkers/interrupts (network stack and bridge)"
	return "other"
}'

# xen_profile_table CSV: (if CSV exists) the profile's tables: per test,
# each bucket's share of dom0's samples for every variant, and the top
# lines of each run
xen_profile_table() {
	[ -f "$1" ] || return 0
	echo "### Where dom0's CPU goes (perf record -a, one more run each)"
	echo
	echo "One TCP run of ${SECS:-?} s each way per variant after the" \
	    "measured rounds, under \`perf record -a -F 499\` in dom0 (all" \
	    "of its vCPUs, kernel and user, idle included): % of the samples" \
	    "(lines under 0.05 % left out).  The buckets: XEN_BUCKETS in" \
	    "tests/bench/xen.sh; every line: \`${1##*/}\`."
	echo
	awk -F, "$XEN_BUCKETS"'
	    /^#/ || !n++ { next }
	    { k = $2 SUBSEP bucket($4, $5, $6)
	      if (!(k in seen)) { seen[k] = 1; order[++no] = k }
	      if (!($1 in vs)) { vs[$1] = 1; vl[++nv] = $1 }
	      v[$1, k] += $3 }
	    END { printf "0 | test | bucket |"
		for (i = 1; i <= nv; i++) printf " %s |", vl[i]
		printf "\n1 |---|---|"
		for (i = 1; i <= nv; i++) printf "---:|"
		printf "\n"
		# rows by test, the buckets of a test by their first share
		for (o = 1; o <= no; o++) { split(order[o], a, SUBSEP)
		    printf "2 %s %08.2f | %s | %s |", a[1],
			1000 - v[vl[1], order[o]], a[1], a[2]
		    for (i = 1; i <= nv; i++)
			printf " %.1f |", v[vl[i], order[o]]
		    printf "\n" } }' "$1" | sort -k1,1n -k2,2 -k3,3 |
	    sed 's/^[01] //; s/^2 [^ ]* [^ ]* //' |
	    sed 's/| xennetd: |/| xennetd |/g; s/| xennetd:\([^ |]*\) |/| xennetd \1 |/g
		s/\(| xennetd [^|]*\)+/\1 /g'
	echo
	echo "The top lines of each run:"
	echo
	echo '```'
	awk -F, '/^#/ || !n++ { next }
	    { k = $1 " " $2; if (c[k]++ < 6) printf "%-28s %6s%%  %-16s %s\n",
		k, $3, $4, $6 }' "$1"
	echo '```'
	echo
}
if [ "${1:-}" = --table ]; then
	[ -f "${2:-}" ] || { echo "usage: xen.sh --table CSV" >&2; exit 2; }
	xen_table "$2"
	cat "${2%.csv}.md"
	exit 0
fi
ROUNDS=${1:-3}
SECS=${2:-8}
VARIANTS=${VARIANTS:-"kernel xennetd: xennetd:-i+syscall xennetd:-i+vhost"}
E2E=$top_srcdir/tests/e2e
export E2E_BUILD=${E2E_BUILD:-$E2E/build}
XEN_VCPUS=${XEN_VCPUS:-1}
case $XEN_VCPUS in
1) DOMU="domU.cfg domu1" ;;
2) DOMU="domU-2vcpu.cfg domu2" ;;
*) echo "XEN_VCPUS: 1 or 2" >&2; exit 1 ;;
esac
CSV=${XEN_CSV:-$top_srcdir/tests/bench/results/xen-$(date -u +%Y%m%d-%H%M).csv}
mkdir -p "$E2E_BUILD/logs" "$(dirname "$CSV")" || exit 1
command -v qemu-system-x86_64 > /dev/null ||
    { echo "no qemu-system-x86_64" >&2; exit 77; }
"$E2E/setup.sh" > /dev/null 2>&1 || { echo "setup.sh failed" >&2; exit 77; }
LOCK=${XENNETD_E2E_LOCK:-/tmp/xennetd-e2e.lock}	# as t_xen.sh
exec 9> "$LOCK"
flock -w "${XEN_LOCK_WAIT:-1800}" 9 ||
    { echo "the lab is busy (lock $LOCK)" >&2; exit 77; }
WORK=$(mktemp -d "$E2E_BUILD/bench.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/stage
mkdir -p "$STAGE/lab"
env -u MAKEFLAGS make -C "$top_builddir" install DESTDIR="$STAGE" \
    > "$WORK/install.log" 2>&1 || { tail "$WORK/install.log"; exit 1; }
XN=$(cd "$STAGE" && find . -path '*/sbin/xennetd' -type f | head -n 1)
echo "XENNETD=${XN#.}" > "$STAGE/lab/env"
cp "$top_srcdir/tests/bench/xen/lab/test.sh" "$STAGE/lab/test.sh"
PROFILE=0
if [ "${XEN_PROFILE:-0}" = 1 ]; then
	# build.sh copies the libraries of every ELF file of the overlay
	if command -v perf > /dev/null &&
	    install -D -m 755 "$(command -v perf)" "$STAGE/usr/bin/perf"; then
		PROFILE=1
	else
		echo "XEN_PROFILE: no perf here (Debian linux-perf)" >&2
	fi
fi
printf 'ROUNDS=%s\nBENCH_T=%s\nVARIANTS="%s"\nDOMU="%s"\nPROFILE=%s\n' \
    "$ROUNDS" "$SECS" "$VARIANTS" "$DOMU" "$PROFILE" > "$STAGE/lab/bench.env"
"$E2E/build.sh" "$WORK/img" "$STAGE" > "$WORK/build.log" 2>&1 ||
    { tail "$WORK/build.log"; exit 1; }
nv=$(echo $VARIANTS | wc -w)
LOG=$E2E_BUILD/logs/bench-$(date +%Y%m%d-%H%M%S).log
# what runs, taken before the run (the tree may move on meanwhile)
START="$(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$top_srcdir" \
    rev-parse --short HEAD 2>/dev/null)"
# per variant: 6 tests, xl create (a 2-vCPU domU under TCG on a loaded
# host: up to 2 minutes), destroy, backend up and down
TIMEOUT=$(((ROUNDS + PROFILE) * nv * (6 * (SECS + 8) + 150) + 120)) \
    "$E2E/boot.sh" "$WORK/img" "$LOG" "e2e.backend=bench"
{
	[ -n "${XEN_HEADER:-}" ] && echo "$XEN_HEADER"
	echo "# xen: started $START, $ROUNDS alternating rounds of ${SECS} s," \
	    "${XEN_VCPUS}-vCPU PV domU"
	echo "round,variant,test,value,unit,dom0_cpu_pct"
} > "$CSV"
sed -n 's/^ *[0-9.]* LAB: BENCH //p' "$LOG" | tr ' ' ',' >> "$CSV"
if [ "$PROFILE" = 1 ]; then
	# variant,test,pct,comm,dso,symbol: every line of perf report
	{
		echo "# xen: profile of the run started $START"
		echo "variant,test,pct,comm,dso,symbol"
		sed -n 's/^ *[0-9.]* LAB: PROFRAW //p' "$LOG" |
		    awk '{ s = $0	# the symbol: what follows the 5th field
			for (i = 1; i <= 5; i++) sub(/^[^ ]+ +/, "", s)
			gsub(/,/, ";", s)
			print $1 "," $2 "," $3 "," $4 "," $5 "," s }'
	} > "${CSV%.csv}-profile.csv"
fi
sed -n 's/^ *[0-9.]* LAB: NOTE /# note: /p' "$LOG"
grep -q 'LAB: DONE bench' "$LOG" ||
    echo "# the run did not finish (QEMU's time limit): $LOG" | tee -a "$CSV"
xen_table "$CSV"
cat "${CSV%.csv}.md"
echo
echo "written: ${CSV%.csv}.md $CSV (log $LOG)"
grep -q 'LAB: BENCH' "$LOG"
