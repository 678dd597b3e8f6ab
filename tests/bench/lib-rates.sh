# tests/bench/lib-rates.sh: section "rates" of tests/bench/run: generator
# -> xennetd -> sink in the simulator for each frame size, per core of
# xennetd's CPU, next to what one core of this machine can do at best
# (tests/bench/limits.c, measured in the same run).

RATES_SIZES="64 512 1514 9000 65535"

# rates_limits FILE: tests/bench/bench-limits in a namespace of its own
rates_limits() {
	local ns=xnb$$-lim rc
	ip netns add "$ns" || return 1
	ip netns exec "$ns" "$top_builddir/tests/bench/bench-limits" \
	    -t "$([ "$B_MODE" = full ] && echo 5 || echo 2)" $RATES_SIZES \
	    > "$1"
	rc=$?
	ip netns del "$ns"
	return $rc
}

sec_rates() {
	local r size lim out csv
	b_files rates
	lim=$B_OUT/rates-limits-$B_STAMP.csv
	b_row round size pps gbps cpu_s pps_per_core gbps_per_core \
	    copy_per_pkt loss_pct lat_p99_us
	b_log "rates: the machine's limits"
	rates_limits "$S_TMP/limits" || { b_log "bench-limits failed"; return 1; }
	{
		b_header
		echo "size,memcpy_ops,memcpy_gbps,tapwrite_pps,tapread_pps,bound_pps"
		awk '{ v[$1, $2] = $3; g[$1, $2] = $4; if (!($2 in s)) {
			s[$2] = 1; o[++n] = $2 } }
		    END { for (i = 1; i <= n; i++) { z = o[i]
			m = v["memcpy", z]; w = v["tapwrite", z]
			rd = v["tapread", z]
			b = 0
			if (m > 0 && w > 0 && rd > 0)
				b = 1 / (2 / m + 1 / w + 1 / rd)
			printf "%s,%s,%s,%s,%s,%.0f\n", z, m, g["memcpy", z],
			    w, rd, b } }' "$S_TMP/limits"
	} > "$lim"
	for r in $(seq 1 "$B_ROUNDS"); do
		for size in $RATES_SIZES; do
			b_log "rates: round $r, $size-byte frames"
			s_host 0 || return 1
			out=$(s_flow "$size" "$B_SECS") || return 1
			simenv_stop
			set -- $out
			# $1 pps $2 gbps $3 sent $4 recvd $7 cpu_s $8 copy $11 pkts
			b_row "$r" "$size" "$1" "$2" "$7" \
			    "$(b_calc "$1 / ($7 / $B_SECS)")" \
			    "$(b_calc "$2 / ($7 / $B_SECS)")" \
			    "$(b_calc "$8 / ${11}")" \
			    "$(b_calc "100 * ($3 - $4) / $3")" "$6"
		done
	done
	b_md_start "Rates against the machine's limits (simulator)" \
	    "netfront-sim --gen (domain 2, --rate 0, ${B_SECS} s) -> xennetd
(defaults) -> vif2.0 -> xenbr0 -> vif3.0 -> xennetd -> netfront-sim --sink
(domain 3); frames above 1514 octets with an MTU to match on both vifs and
the bridge.  65535: one 64 KiB frame each (netfront-sim's generator sends
no GSO extra: the same copies and tap I/O as a 64 KiB GSO frame without
the segmentation metadata).  Per core: the sink's rate divided by
xennetd's CPU (utime+stime from /proc/PID/stat, in cores, over the run).
$B_ROUNDS round(s), sizes in turn; median (min–max)." \
	    "Limits, one core, measured in this run (tests/bench/limits.c):
memcpy between 64 MiB arenas (a grant copy at best), write(2) of a frame
into a tap, read(2) of a frame out of a tap (the queue filled first).
Every frame costs xennetd two copies (guest A's tx, guest B's rx), one
tap write and one tap read, so one core's bound is 1 / (2/memcpy +
1/write + 1/read) frames/s.  That bound assumes a system call a frame:
xennetd's io_uring port I/O (the default) makes fewer system calls than
frames (tapsys_per_pkt in sections seed and sweep), so a ratio above 1 is
possible; on a loaded machine the limits are noisy too."
	b_summary -v keys=size \
	    -v vals=pps,gbps,cpu_s,pps_per_core,gbps_per_core,copy_per_pkt,loss_pct,lat_p99_us
	{
		echo "Against the limits (medians; ratio: xennetd per core /"
		echo "the bound):"
		echo
		echo "| size | memcpy Mops/s | tap write kpps | tap read kpps |" \
		    "bound kpps/core | xennetd kpps/core | ratio |" \
		    "xennetd Gbit/s/core | bound Gbit/s |"
		echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		b_tsv -v keys=size -v vals=pps_per_core,gbps_per_core |
		    awk -F'\t' 'NR == FNR { if ($1 ~ /^[0-9]/) {
			m[$1] = $2; w[$1] = $4; rd[$1] = $5; b[$1] = $6 }
			next }
		    { z = $1; printf "| %s | %.2f | %.0f | %.0f | %.0f |" \
			" %.0f | %s | %.3g | %.3g |\n", z, m[z] / 1e6,
			w[z] / 1e3, rd[z] / 1e3, b[z] / 1e3, $3 / 1e3,
			(b[z] > 0 ? sprintf("%.2f", $3 / b[z]) : "-"), $6,
			b[z] * z * 8 / 1e9 }' FS=, "$lim" FS='\t' -
		echo
		echo "Limits: $lim."
		echo
	} >> "$B_MD"
	b_tsv -v keys=size -v vals=pps_per_core > "$S_TMP/rates.tsv"
	awk -F, '!/^#/ && NR > 1 && $1 ~ /^[0-9]/ { print $1, $6 }' "$lim" \
	    > "$S_TMP/bound.dat"
	b_plot "$B_PNG.png" "xennetd packets/s per core vs the bound" \
	    "frame size (bytes)" "packets/s per core" 1 \
	    "plot '$S_TMP/rates.tsv' using 1:3:4:5 \\" \
	    "    with yerrorlines title 'xennetd', \\" \
	    "  '$S_TMP/bound.dat' using 1:2 with linespoints title 'machine bound'"
	b_md_end
}
