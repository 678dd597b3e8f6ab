#!/bin/bash
# tests/bench/sim-iperf.sh: xennetd variants side by side in the simulator,
# iperf3 TCP through a simulated guest's network stack, both directions,
# the variants alternating round by round.  Prints a Markdown table: median
# (min-max) Gbit/s, and tap system calls and copy hypercalls per frame
# (from SIGUSR1) of the last round.
#
# usage: tests/bench/sim-iperf.sh [ROUNDS [SECONDS]]   (root; built tree)
# env:   VARIANTS="-i+uring -i+syscall -U" (xennetd arguments, joined by +)
#        top_builddir (default ./build)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
ROUNDS=${1:-3}
SECS=${2:-4}
VARIANTS=${VARIANTS:-"-i+uring -i+syscall -U"}
. "$top_srcdir/tests/sim/simenv.sh"
OUT=$(mktemp -d /tmp/sim-iperf.XXXXXX)
trap 'simenv_stop; rm -rf "$OUT"' EXIT
port=5400
# run VARIANT ROUND: one daemon, one guest, iperf3 both ways
run() {
	local v=$1 r=$2 dir out
	XND_ARGS=$(echo "$v" | tr '+' ' ')
	simenv_start && simenv_guest g 2 3 || { echo "# $v: no guest"; return; }
	for dir in up down; do
		port=$((port + 1))
		in_dom0 iperf3 -s -D -1 -p $port > /dev/null 2>&1
		sleep 0.3
		out=$(in_guest g iperf3 -c 10.0.0.1 -p $port -t "$SECS" -f m \
		    $([ $dir = down ] && echo -R) 2>&1 | awk '/receiver/ { print $7 }')
		echo "$v $dir ${out:-0}" >> "$OUT/res"
	done
	kill -USR1 "$XND_PID"; sleep 0.5
	awk -v v="$v" '{ for (i = 1; i < NF; i++) {
		if ($i == "copy" && $(i - 1) == "hypercalls:") c = $(i + 1)
		if ($i == "tap:") s = $(i + 1)
		if ($i == "guest-tx") t = $(i + 1)
		if ($i == "guest-rx") r = $(i + 1) } }
	    END { if (t + r > 0) printf "%s %.3f %.3f\n", v, s / (t + r),
		c / (t + r) }' "$SE_DIR/xennetd.log" >> "$OUT/calls"
	simenv_stop
}
r=1
while [ $r -le $ROUNDS ]; do
	for v in $VARIANTS; do run "$v" $r; done
	r=$((r + 1))
done
echo "## Simulator, iperf3 TCP ${SECS} s through a guest's stack" \
    "($ROUNDS alternating rounds, $(date -u +%Y-%m-%d),"
echo "commit $(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null)," \
    "$(nproc) CPUs)"
echo
echo "| xennetd | guest->dom0 Gbit/s | dom0->guest Gbit/s |" \
    "tap syscalls/frame | copy calls/frame |"
echo "|---|---|---|---|---|"
for v in $VARIANTS; do
	for dir in up down; do
		awk -v v="$v" -v d=$dir '$1 == v && $2 == d { print $3 }' \
		    "$OUT/res" | sort -n | awk '{ a[NR] = $1 }
		    END { printf "%.2f (%.2f-%.2f)\n", a[int((NR + 1) / 2)] / 1000,
		    a[1] / 1000, a[NR] / 1000 }' > "$OUT/$dir"
	done
	c=$(awk -v v="$v" '$1 == v { s = $2; h = $3 } END { print s, h }' \
	    "$OUT/calls")
	echo "| $(echo "$v" | tr '+' ' ') | $(cat "$OUT/up") |" \
	    "$(cat "$OUT/down") | ${c% *} | ${c#* } |"
done
