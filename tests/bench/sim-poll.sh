#!/bin/bash
# tests/bench/sim-poll.sh: the poll budget (-b) measured in the simulator:
# iperf3 TCP through a simulated guest's network stack both ways, the
# daemon's CPU while it runs, ping round trips; then guest to guest, a
# generator (netfront-sim --gen) sending 64-octet frames at RATE packets/s
# to a sink: one-way latency p50/p99 and the daemon's CPU; and event-
# channel reads and unmasks per packet over the whole run (SIGUSR1).
# One worker (-w 1); the variants alternate round by round.  Prints a
# Markdown table of medians (min-max for throughput).
#
# usage: tests/bench/sim-poll.sh [ROUNDS [SECONDS]]   (root; built tree)
# env:   RATE (generator packets/s, default 20000)
# env:   VARIANTS="base -b+0 -b+50 ..." (xennetd arguments joined by +;
#        "base" runs $BASE_XENNETD, an older build, with no arguments)
#        BASE_XENNETD, top_builddir (default ./build)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
ROUNDS=${1:-3}
SECS=${2:-4}
VARIANTS=${VARIANTS:-"-b+0 -b+20 -b+50 -b+200 -b+1000"}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sim/simenv.sh"
NEW_XENNETD=$XENNETD
HZ=$(getconf CLK_TCK)
OUT=$(mktemp -d /tmp/sim-poll.XXXXXX)
trap 'simenv_stop; rm -rf "$OUT"' EXIT
port=5500
RATE=${RATE:-20000}

ticks() { cpu_ticks "$XND_PID"; }
# med: the median of the numbers on stdin
med() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }
span() { sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%s-%s", a[1], a[NR] }'; }

# run VARIANT: one daemon, one guest; appends "VARIANT key value" lines
run() {
	local v=$1 dir mb t0 t1 rtt sink
	if [ "$v" = base ]; then
		XENNETD=$BASE_XENNETD; XND_ARGS="-w 1"
	else
		XENNETD=$NEW_XENNETD; XND_ARGS="-w 1 $(echo "$v" | tr '+' ' ')"
	fi
	simenv_start && simenv_guest g 2 3 || { echo "# $v: no guest" >&2; simenv_stop; return; }
	for dir in up down; do
		port=$((port + 1))
		in_dom0 iperf3 -s -D -1 -p $port > /dev/null 2>&1
		sleep 0.3
		t0=$(ticks)
		mb=$(in_guest g iperf3 -c 10.0.0.1 -p $port -t "$SECS" -f m \
		    $([ $dir = down ] && echo -R) 2>&1 |
		    awk '/receiver/ { print $7 }')
		t1=$(ticks)
		echo "$v $dir ${mb:-0}" >> "$OUT/res"
		# daemon CPU, percent of one CPU over the run
		echo "$v cpu_$dir $(( (t1 - t0) * 100 / (HZ * SECS) ))" >> "$OUT/res"
	done
	rtt=$(in_guest g ping -c 200 -i 0.005 -q 10.0.0.1 2>/dev/null |
	    sed -n 's/^rtt .* = [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
	echo "$v rtt_ms ${rtt:-0}" >> "$OUT/res"
	# guest to guest at a fixed rate: latency and CPU
	in_dom0 "$SIM/xl-sim" create -n a -d 4 \
	    --vif "mac=00:16:3e:00:00:0a,bridge=xenbr0" > /dev/null 2>&1
	in_dom0 "$SIM/xl-sim" create -n b -d 5 \
	    --vif "mac=00:16:3e:00:00:0b,bridge=xenbr0" > /dev/null 2>&1
	in_dom0 bridge fdb replace 00:16:3e:00:00:0b dev vif5.0 master static
	"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
	    --domid 5 --sink > "$OUT/sink.out" 2> "$OUT/sink.err" &
	sink=$!
	SE_PIDS="$SE_PIDS $sink"
	se_wait 20 grep -q "connected:" "$OUT/sink.err"
	t0=$(ticks)
	"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
	    --domid 4 --gen --size 64 --rate "$RATE" --duration "$SECS" \
	    --dst-mac 00:16:3e:00:00:0b > "$OUT/gen.out" 2> "$OUT/gen.err"
	t1=$(ticks)
	echo "$v cpu_gen $(( (t1 - t0) * 100 / (HZ * SECS) ))" >> "$OUT/res"
	kill -INT "$sink" 2>/dev/null
	se_wait 5 grep -q '^sink:' "$OUT/sink.out"
	sed -n 's/^sink: .*pps=\([0-9]*\) .*lat_us_p50=\([0-9.]*\) .*lat_us_p99=\([0-9.]*\) .*/\1 \2 \3/p' \
	    "$OUT/sink.out" | tail -1 | awk -v v="$v" '{ print v, "gen_pps", $1;
	    print v, "p50", $2; print v, "p99", $3 }' >> "$OUT/res"
	rm -f "$OUT/sink.out" "$OUT/gen.out"
	kill -USR1 "$XND_PID"; sleep 0.5
	# events taken (both binaries) and, new binary, device reads/unmasks
	awk -v v="$v" '
	    / queue 0 \(worker/ { for (i = 1; i < NF; i++) {
		if ($i == "guest-tx") t += $(i + 1)
		if ($i == "guest-rx") r += $(i + 1)
		if ($i == "received") e += $(i + 1) } }
	    /event channels: reads/ { for (i = 1; i < NF; i++) {
		if ($i == "reads" && $(i - 1) == "channels:") rd = $(i + 1)
		if ($i == "unmasks") um = $(i + 1) } }
	    END { p = t + r; if (p == 0) exit
		printf "%s ev_pkt %.4f\n", v, e / p
		if (rd != "") printf "%s rd_pkt %.4f\n%s um_pkt %.4f\n", v,
		    rd / p, v, um / p }' "$SE_DIR/xennetd.log" >> "$OUT/res"
	simenv_stop
}
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for v in $VARIANTS; do run "$v"; done
	r=$((r + 1))
done
col() { awk -v v="$1" -v k="$2" '$1 == v && $2 == k { print $3 }' "$OUT/res"; }
echo "## Poll budget in the simulator: iperf3 TCP ${SECS} s each way," \
    "one worker ($ROUNDS alternating rounds, $(date -u +%Y-%m-%d)," \
    "commit $(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null)," \
    "$(nproc) CPUs)"
echo
echo "| xennetd | guest->dom0 Mbit/s | daemon CPU % | dom0->guest Mbit/s |" \
    "daemon CPU % | ping rtt ms | gen $RATE pps: received | latency p50/p99 us |" \
    "daemon CPU % | events/pkt | evtchn reads/pkt | unmasks/pkt |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for v in $VARIANTS; do
	echo "| $( [ "$v" = base ] && echo "before (main)" || echo "$v" | tr '+' ' ') |" \
	    "$(col "$v" up | med) ($(col "$v" up | span)) |" \
	    "$(col "$v" cpu_up | med) |" \
	    "$(col "$v" down | med) ($(col "$v" down | span)) |" \
	    "$(col "$v" cpu_down | med) |" \
	    "$(col "$v" rtt_ms | med) |" \
	    "$(col "$v" gen_pps | med) | $(col "$v" p50 | med)/$(col "$v" p99 | med) |" \
	    "$(col "$v" cpu_gen | med) |" \
	    "$(col "$v" ev_pkt | med) |" \
	    "$(col "$v" rd_pkt | med) |" \
	    "$(col "$v" um_pkt | med) |"
done
