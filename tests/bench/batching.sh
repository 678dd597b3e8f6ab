#!/bin/bash
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
# batching.sh: what xennetd's batching saves, measured in the simulator.
#
# Two simulated guests on one simulated host (tests/sim/simenv.sh):
# netfront-sim --gen in domain 2 sends as fast as its tx ring allows to
# netfront-sim --sink in domain 3, so every frame goes
#
#	guest A tx ring -> xennetd -> vif2.0 -> xenbr0 -> vif3.0 -> xennetd
#	    -> guest B rx ring
#
# For each simulated hypercall cost ($XENNET_SIM_HCALL_NS, paid by
# xennetd only), each frame size and each of xennetd's defaults
# ("batched": tx/rx/copy batch 64, one notify per pass) and xennetd -U
# ("unbatched": 1/1/1, notify per packet), a fresh host is set up and
# run for BENCH_DURATION seconds.  Printed (stdout, markdown) and saved
# to tests/bench/results.md: packets/s and Gbit/s at the sink, loss
# (sent - received), one-way latency p50/p99, grant-copy and notify
# hypercalls per delivered packet (both vifs, from xennetd's SIGUSR1
# counters), xennetd CPU seconds per million delivered packets, then
# batched/unbatched ratios.  Nothing is asserted: numbers depend on the
# machine and its load.
#
# Usage: make bench, or
#	top_srcdir=SRC top_builddir=BUILD tests/bench/batching.sh
# Environment: BENCH_DURATION (s, default 5), BENCH_COSTS (ns, default
# "0 1000"), BENCH_SIZES (default "64 1500 64,576,1500"), BENCH_OUT
# (results file, default $top_srcdir/tests/bench/results.md; "-" for
# none), BENCH_LOGS (a directory: keep every case's logs there).
# Needs root and network namespaces; use a build without ASan.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
SIM=$top_builddir/tests/sim
DUR=${BENCH_DURATION:-5}
COSTS=${BENCH_COSTS:-0 1000}
SIZES=${BENCH_SIZES:-64 1500 64,576,1500}
OUT=${BENCH_OUT:-$top_srcdir/tests/bench/results.md}
MAC_A=00:16:3e:00:00:02
MAC_B=00:16:3e:00:00:03
MODES="batched unbatched"

bench_die() { echo "batching.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || bench_die "needs root (network namespaces, taps)"
for p in daemon/xennetd tests/sim/xenstored-sim tests/sim/xl-sim \
    tests/sim/netfront-sim; do
	[ -x "$top_builddir/$p" ] ||
	    bench_die "$top_builddir/$p not built (make all)"
done
command -v bridge >/dev/null || bench_die "needs bridge(8) (iproute2)"

# the simulator helpers of tests/bench/run (s_dom, s_nf, s_field...)
. "$top_srcdir/tests/lib.sh"		# cpu_ticks
. "$top_srcdir/tests/bench/lib.sh"
. "$top_srcdir/tests/bench/lib-sim.sh"
B_TMP=$S_TMP

# bench_cleanup: stop our guests, the simulated host and remove files.
bench_cleanup() {
	s_cleanup
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM

# counted N: xennetd has logged counters for N vifs
counted() {
	[ "$(grep -c ': hypercalls: ' "$SE_DIR/xennetd.log")" -ge "$1" ]
}

# hcalls KIND: sum over both vifs of xennetd's "hypercalls: KIND N"
hcalls() {
	sed -n "s/.*: hypercalls: .*$1 \([0-9]*\).*/\1/p" \
	    "$SE_DIR/xennetd.log" | awk '{ s += $1 } END { print s + 0 }'
}

# bench_keep NAME: copy the case's logs to $BENCH_LOGS/NAME.*
bench_keep() {
	local f
	mkdir -p "$BENCH_LOGS" || return 1
	cp "$SE_DIR/xennetd.log" "$BENCH_LOGS/$1.xennetd.log"
	in_dom0 ip -s link show > "$BENCH_LOGS/$1.links"
	for f in gen.out gen.err sink.out sink.err; do
		cp "$B_TMP/$f" "$BENCH_LOGS/$1.$f"
	done
}

# bench_logs: the end of every log of the current case, to stderr
bench_logs() {
	local f
	for f in "$SE_DIR"/*.log "$B_TMP"/*.log "$B_TMP"/*.out \
	    "$B_TMP"/*.err; do
		[ -f "$f" ] || continue
		echo "==== $f" >&2
		tail -n 20 "$f" >&2
	done
}

# bench_case MODE COST SIZES: one measurement on a fresh host; appends a
# line "mode cost size pps gbps sent recvd p50 p99 copy notify cpu_s"
# to $B_TMP/results
bench_case() {
	local mode=$1 cost=$2 sizes=$3 c0 c1 sent recvd copy notify
	local hz rc szopt=--size sink gen

	rm -f "$B_TMP"/*.out "$B_TMP"/*.err "$B_TMP"/xl.log
	# read by simenv_start
	XND_ARGS=""
	[ "$mode" = unbatched ] && XND_ARGS="-U"
	export XND_ARGS XENNET_SIM_HCALL_NS=$cost
	simenv_start || { echo "simenv_start failed" >&2; return 1; }
	s_dom bA 2 "$MAC_A" || return 1
	s_dom bB 3 "$MAC_B" || return 1
	# the sink never transmits: tell the bridge where its MAC is
	in_dom0 bridge fdb replace "$MAC_B" dev vif3.0 master static ||
	    return 1
	s_nf sink 3 --sink
	sink=$S_PID
	se_wait 20 grep -q "connected:" "$B_TMP/sink.err" ||
	    { echo "sink did not connect" >&2; return 1; }
	case $sizes in *,*) szopt=--sizes ;; esac
	c0=$(cpu_ticks "$XND_PID")
	s_nf gen 2 --gen "$szopt" "$sizes" --duration "$DUR" --rate 0 \
	    --dst-mac "$MAC_B"
	gen=$S_PID
	se_wait $((DUR + 30)) s_gone "$gen" ||
	    { echo "generator did not finish" >&2; return 1; }
	c1=$(cpu_ticks "$XND_PID")
	wait "$gen"
	rc=$?
	[ $rc = 0 ] || { echo "generator failed ($rc)" >&2; return 1; }
	sleep 0.3	# frames still in flight reach the sink
	kill "$sink"
	wait "$sink"
	grep -q "^sink: " "$B_TMP/sink.out" ||
	    { echo "no sink summary" >&2; return 1; }
	# both vifs are disconnected now: their counters are final
	kill -USR1 "$XND_PID"
	se_wait 5 counted 2 || { echo "no counters from xennetd" >&2;
	    return 1; }
	sent=$(s_field "$B_TMP/gen.out" gen packets)
	recvd=$(s_field "$B_TMP/sink.out" sink packets)
	copy=$(hcalls copy)
	notify=$(hcalls notify)
	hz=$(getconf CLK_TCK)
	echo "$mode $cost $sizes $(s_field "$B_TMP/sink.out" sink pps)" \
	    "$(s_field "$B_TMP/sink.out" sink gbps) $sent $recvd" \
	    "$(s_field "$B_TMP/sink.out" sink lat_us_p50)" \
	    "$(s_field "$B_TMP/sink.out" sink lat_us_p99) $copy $notify" \
	    "$(awk -v t=$((c1 - c0)) -v hz="$hz" \
	    'BEGIN { printf "%.3f", t / hz }')" >> "$B_TMP/results"
	[ -n "${BENCH_LOGS:-}" ] && bench_keep "$mode-$cost-$sizes"
	simenv_stop
	return 0
}

# report: the markdown tables from $B_TMP/results
report() {
	awk '
	function ratio(a, b) { return b > 0 ? sprintf("x%.2f", a / b) : "-" }
	{
		k = $2 " " $3; m = $1
		pps[k, m] = $4
		cp[k, m] = $7 > 0 ? $10 / $7 : 0
		nt[k, m] = $7 > 0 ? $11 / $7 : 0
		cpu[k, m] = $7 > 0 ? $12 / $7 * 1e6 : 0
		if (!(k in seen)) { seen[k] = 1; order[n++] = k }
		line[nl++] = sprintf("| %s | %s | %s | %.0f | %.3f | %.2f |" \
		    " %s | %s | %.3f | %.3f | %.2f |", $2, $3, m, $4, $5,
		    $6 > 0 ? 100 * ($6 - $7) / $6 : 0, $8, $9, cp[k, m],
		    nt[k, m], cpu[k, m])
	}
	END {
		print "| hcall ns | frame sizes | xennetd | pkts/s | Gbit/s |" \
		    " loss % | lat p50 us | lat p99 us | copy hc/pkt |" \
		    " notify hc/pkt | CPU s/Mpkt |"
		print "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (i = 0; i < nl; i++)
			print line[i]
		print ""
		print "Ratios, batched / unbatched:"
		print ""
		print "| hcall ns | frame sizes | throughput | copy hc/pkt |" \
		    " notify hc/pkt | all hc/pkt | CPU s/Mpkt |"
		print "|---:|---|---:|---:|---:|---:|---:|"
		b = "batched"; u = "unbatched"
		for (i = 0; i < n; i++) {
			k = order[i]; split(k, f, " ")
			printf "| %s | %s | %s | %s | %s | %s | %s |\n",
			    f[1], f[2], ratio(pps[k, b], pps[k, u]),
			    ratio(cp[k, b], cp[k, u]),
			    ratio(nt[k, b], nt[k, u]),
			    ratio(cp[k, b] + nt[k, b], cp[k, u] + nt[k, u]),
			    ratio(cpu[k, b], cpu[k, u])
		}
	}' "$B_TMP/results"
}

# header: what ran where
header() {
	local cflags asan=""

	cflags=$(sed -n 's/^CFLAGS = //p' "$top_builddir/Makefile" 2>/dev/null)
	grep -q '^XN_CFLAGS = .*fsanitize' "$top_builddir/Makefile" \
	    2>/dev/null && asan=" **(sanitizer build: numbers are not"`
	    `" representative)**"
	echo "# xennetd batching benchmark (simulator)"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' \
	    /proc/cpuinfo | head -n 1), Linux $(uname -r), load average"`
	    `" at start $B_LOAD"
	echo "- build: CFLAGS ${cflags:-?}$asan"
	echo "- each case: a fresh simulated host; netfront-sim --gen"
	echo "  (domain 2, --rate 0, --duration $DUR) -> xennetd -> vif2.0 ->"
	echo "  xenbr0 -> vif3.0 -> xennetd -> netfront-sim --sink (domain 3)"
	echo "- batched: xennetd defaults (tx/rx/copy batch 64, one notify"
	echo "  per pass); unbatched: xennetd -U (1/1/1, notify per packet)"
	echo "- hcall ns: \$XENNET_SIM_HCALL_NS, busy-wait per counted"
	echo "  hypercall, paid by xennetd only (1000 ~ a real hypercall)"
	echo "- loss: (sent - delivered) / sent; latency: one-way, at the"
	echo "  sink, with the rings full (mostly queueing)"
	echo "- hc/pkt: hypercalls of both vifs / packets delivered (a lost"
	echo "  frame's tx copy counts too); CPU s/Mpkt: xennetd"
	echo "  utime+stime while the generator ran, per million packets"
	echo "  delivered"
	echo "- one run per case on a shared machine: expect noise, loss in"
	echo "  particular (the receiving tap's queue overflowing) varies"
	echo
}

# ---- main ----
B_LOAD=$(cut -d ' ' -f 1-3 /proc/loadavg)
echo "batching.sh: costs ($COSTS) ns x sizes ($SIZES) x modes" \
    "($MODES), ${DUR}s each" >&2
for cost in $COSTS; do
	for sizes in $SIZES; do
		for mode in $MODES; do
			echo "batching.sh: hcall ${cost}ns, size $sizes," \
			    "$mode" >&2
			bench_case "$mode" "$cost" "$sizes" || {
				bench_logs
				bench_die "case failed: $mode $cost $sizes"
			}
		done
	done
done
{ header; report; } > "$B_TMP/table.md"
cat "$B_TMP/table.md"
if [ "$OUT" != - ]; then
	cp "$B_TMP/table.md" "$OUT" && echo "batching.sh: saved to $OUT" >&2
fi
