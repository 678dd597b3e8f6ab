# tests/bench/lib-sweep.sh: section "sweep" of tests/bench/run: xennetd's
# batch sizes, notify policy, poll budget and queue count against
# throughput, calls per packet and request/response latency, in the
# simulator.

# sweep_case ROUND KNOB VALUE: one run; KNOB: batch (-t -r -c together),
# tx, rx, copy, notify, poll (-b: busy-poll budget, µs) or queues
sweep_case() {
	local r=$1 k=$2 v=$3 args q=1 out n lat pct
	case $k in
	batch) args="-t $v -r $v -c $v" ;;
	tx) args="-t $v" ;;
	rx) args="-r $v" ;;
	copy) args="-c $v" ;;
	notify) args="-N $v" ;;
	poll) args="-b $v" ;;
	queues) args="-q 4"; q=$v ;;
	esac
	s_host 0 $args || return 1
	# the latency probe: a guest with a stack pinging dom0 during the run
	simenv_guest lat 4 4 || { b_log "sweep: no probe guest"; return 1; }
	n=$((B_SECS * 400))
	in_guest lat ping -n -q -i 0.01 -c 3 10.0.0.1 > /dev/null 2>&1
	in_guest lat ping -n -i 0.002 -c "$n" -w $((B_SECS + 5)) 10.0.0.1 \
	    > "$S_TMP/ping" 2>&1 &
	lat=$!
	out=$(s_flow 1514 "$B_SECS" "$q") || return 1
	wait "$lat"
	pct=$(b_pct "$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' \
	    "$S_TMP/ping" | awk '{ printf "%.1f ", $1 * 1000 }')")
	simenv_stop
	set -- $out $pct
	# $1 pps $2 gbps $7 cpu_s $8 copy $9 notify $10 tapsys $11 pkts
	b_row "$r" "$k" "$v" "$1" "$2" "$7" "$(b_calc "$8 / ${11}")" \
	    "$(b_calc "$9 / ${11}")" "$(b_calc "${10} / ${11}")" "${12}" \
	    "${13}"
}

sec_sweep() {
	local r k v batches polls cases="" c
	case $B_MODE in
	full) batches="1 4 16 64 256"; polls="0 10 50 200 1000" ;;
	quick) batches="1 16 256"; polls="0 50 200" ;;
	smoke) batches="4 64"; polls="0 50" ;;
	esac
	for v in $batches; do cases="$cases batch:$v"; done
	if [ "$B_MODE" = full ]; then
		for k in tx rx copy; do
			for v in $batches; do cases="$cases $k:$v"; done
		done
	fi
	cases="$cases notify:batch notify:packet"
	for v in $polls; do cases="$cases poll:$v"; done
	cases="$cases queues:1 queues:2"
	[ "$B_MODE" = smoke ] || cases="$cases queues:4"
	b_files sweep
	b_row round knob value pps gbps cpu_s copy_per_pkt notify_per_pkt \
	    tapsys_per_pkt rtt_p50_us rtt_p99_us
	for r in $(seq 1 "$B_ROUNDS"); do
		for c in $cases; do
			b_log "sweep: round $r, ${c%%:*} ${c#*:}"
			sweep_case "$r" "${c%%:*}" "${c#*:}" || return 1
		done
	done
	b_md_start "Sweeps: batches, notify policy, poll budget, queues (sim)" \
	    "Throughput: netfront-sim --gen -> xennetd -> xenbr0 -> xennetd ->
netfront-sim --sink, 1514-byte frames, ${B_SECS} s (as in section rates).
knob batch: \`-t N -r N -c N\` together; tx, rx, copy: that one alone, the
others at their defaults (64); notify: \`-N\`; poll: \`-b\` (busy-poll
budget, µs); queues: \`-q 4\` and a
generator and sink negotiating that many queues.  Calls per packet:
xennetd's SIGUSR1 counters over the frames through its vifs.  Latency:
request/response, \`ping -i 0.002\` from a third guest's network stack
(netfront-sim in a namespace, its own vif) to dom0 while the generator
runs, round-trip p50/p99 in µs.  $B_ROUNDS round(s), the cases in turn;
median (min–max)."
	b_summary -v keys=knob,value \
	    -v vals=pps,gbps,cpu_s,copy_per_pkt,notify_per_pkt,tapsys_per_pkt,rtt_p50_us,rtt_p99_us
	b_tsv -v keys=knob,value -v vals=gbps,copy_per_pkt,rtt_p99_us |
	    awk -F'\t' '$1 == "batch"' > "$S_TMP/batch.tsv"
	b_plot "$B_PNG-batch.png" "batch size (-t -r -c) sweep" \
	    "batch size" "Gbit/s, copy calls/pkt x10, p99 RTT ms" 1 \
	    "plot '$S_TMP/batch.tsv' using 2:4:5:6 \\" \
	    "    with yerrorlines title 'Gbit/s', \\" \
	    "  '' using 2:(\$7*10) with linespoints title 'copy calls/pkt x10', \\" \
	    "  '' using 2:(\$10/1000) with linespoints title 'RTT p99 (ms)'"
	b_md_end
}
