# tests/bench/lib-hcall.sh: section "hcall" of tests/bench/run: the
# simulator's synthetic hypercall cost (XENNET_SIM_HCALL_NS, a busy wait
# per counted hypercall, paid by xennetd only) against throughput, with
# batching on (defaults) and off (-U), alternating.

sec_hcall() {
	local r ns b costs out
	case $B_MODE in
	full) costs="0 500 1000 2000 5000" ;;
	quick) costs="0 1000 5000" ;;
	smoke) costs="0 1000" ;;
	esac
	b_files hcall
	b_row round hcall_ns batching pps gbps cpu_s copy_per_pkt \
	    notify_per_pkt
	for r in $(seq 1 "$B_ROUNDS"); do
		for ns in $costs; do
			for b in on off; do
				b_log "hcall: round $r, ${ns} ns, batching $b"
				s_host "$ns" $([ $b = off ] && echo -U) ||
				    return 1
				out=$(s_flow 1514 "$B_SECS") || return 1
				simenv_stop
				set -- $out
				b_row "$r" "$ns" "$b" "$1" "$2" "$7" \
				    "$(b_calc "$8 / ${11}")" \
				    "$(b_calc "$9 / ${11}")"
			done
		done
	done
	b_md_start "Hypercall cost sweep (simulator)" \
	    "netfront-sim --gen -> xennetd -> xenbr0 -> xennetd -> netfront-sim
--sink, 1514-byte frames, ${B_SECS} s, each counted hypercall of xennetd
(grant copy, notify, map...) costing XENNET_SIM_HCALL_NS of busy wait
(a real one costs ~1 µs; under a PV dom0 more).  Batching on: xennetd's
defaults; off: \`-U\`.  $B_ROUNDS round(s), alternating; median (min–max);
ratio: on / off at the same cost."
	b_summary -v keys=hcall_ns,batching -v ref=batching=off \
	    -v vals=pps,gbps,cpu_s,copy_per_pkt,notify_per_pkt
	b_tsv -v keys=hcall_ns,batching -v vals=gbps |
	    awk -v d="$S_TMP" -F'\t' '{ print > (d "/hcall-" $2 ".tsv") }'
	b_plot "$B_PNG.png" "throughput against hypercall cost" \
	    "synthetic hypercall cost (us)" "Gbit/s (1514-byte frames)" 0 \
	    "plot '$S_TMP/hcall-on.tsv' using (\$1/1000):4:5:6 \\" \
	    "    with yerrorlines title 'batching on (defaults)', \\" \
	    "  '$S_TMP/hcall-off.tsv' using (\$1/1000):4:5:6 \\" \
	    "    with yerrorlines title 'batching off (-U)'"
	b_md_end
}
