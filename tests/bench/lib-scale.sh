# tests/bench/lib-scale.sh: section "scale" of tests/bench/run: many
# simulated guests at once (aggregate throughput, fairness, xennetd's CPU
# and memory), and the control path: toolstack's backend directory to
# the backend's InitWait and Connected for many vifs added at once.

SCALE_DOM0=1	# first domain id of the guests
SCALE_BRMAC=02:00:00:00:00:01	# xenbr0 (simenv.sh): frames end in dom0

# scale_data ROUND N: N generator guests at once, each sending to dom0
scale_data() {
	local r=$1 n=$2 i d pids="" c0 c1 t0 t1 rss
	s_host 0 || return 1
	for i in $(seq 1 "$n"); do
		d=$((SCALE_DOM0 + i))
		s_dom "sg$d" "$d" "$(printf '00:16:3e:02:%02x:%02x' \
		    $((d / 256)) $((d % 256)))" || return 1
	done
	c0=$(cpu_ticks "$XND_PID")
	t0=$(date +%s.%N)
	for i in $(seq 1 "$n"); do
		d=$((SCALE_DOM0 + i))
		s_nf "sg$d" "$d" --gen --size 1514 --duration "$B_SECS" \
		    --rate 0 --dst-mac $SCALE_BRMAC
		pids="$pids $S_PID"
	done
	for i in $pids; do
		wait "$i" || { b_log "scale: a generator failed"; return 1; }
	done
	c1=$(cpu_ticks "$XND_PID")
	t1=$(date +%s.%N)
	rss=$(b_rss "$XND_PID")
	for i in $(seq 1 "$n"); do
		d=$((SCALE_DOM0 + i))
		s_field "$S_TMP/sg$d.out" gen pps
	done > "$S_TMP/scale.pps"
	simenv_stop
	for i in $(seq 1 "$n"); do
		s_field "$S_TMP/sg$((SCALE_DOM0 + i)).out" gen packets
	done > "$S_TMP/scale.pkts"
	set -- $rss
	b_row "$r" data "$n" "$(awk '{ s += $1 } END { printf "%.0f", s }' \
	    "$S_TMP/scale.pps")" \
	    "$(awk -v t="$(b_calc "$t1 - $t0")" '{ s += $1 }
		END { printf "%.0f", s / t }' "$S_TMP/scale.pkts")" \
	    "$(awk '{ s += $1 } END { printf "%.4g", s * 1514 * 8 / 1e9 }' \
	    "$S_TMP/scale.pps")" \
	    "$(sort -g "$S_TMP/scale.pps" | head -n 1)" \
	    "$(sort -g "$S_TMP/scale.pps" | tail -n 1)" \
	    "$(awk '{ if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { printf "%.3f", (hi > 0 ? lo / hi : 0) }' "$S_TMP/scale.pps")" \
	    "$(b_calc "100 * $(b_cpus "$c0" "$c1") / ($t1 - $t0)")" "$1" "$2" \
	    0 0 0 0
}

# scale_ctl ROUND N: N guests created at once (N xl-sim create in
# parallel, one vif each); each guest's netfront-sim starts once its
# xl-sim create returns, as a guest's netfront starts once libxl has set
# up its devices and unpaused it (toolstack timeouts raised to 60 s: on a
# loaded host many vifs take longer than libxl's 10)
scale_ctl() {
	local r=$1 n=$2 i d ct mac
	s_host 0 || return 1
	in_dom0 "$top_builddir/tests/bench/bench-ctltime" \
	    $((SCALE_DOM0 + 1)) "$n" 120 > "$S_TMP/ct.out" \
	    2> "$S_TMP/ct.err" &
	ct=$!
	se_wait 10 grep -q ready "$S_TMP/ct.out" ||
	    { b_log "bench-ctltime: $(cat "$S_TMP/ct.err")"; return 1; }
	for i in $(seq 1 "$n"); do
		d=$((SCALE_DOM0 + i))
		mac=$(printf '00:16:3e:03:%02x:%02x' $((d / 256)) $((d % 256)))
		(
			in_dom0 "$SIM/xl-sim" --timeouts 60,10,60 create \
			    -n "cg$d" -d "$d" --vif "mac=$mac,bridge=xenbr0" \
			    > "$S_TMP/xl-$d.log" 2>&1 &&
			exec env -u XENNET_SIM_HCALL_NS "$SIM/netfront-sim" \
			    --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
			    --domid "$d" > "$S_TMP/cg$d.out" 2> "$S_TMP/cg$d.err"
		) &
		SE_PIDS="$SE_PIDS $!"
	done
	wait "$ct" || { b_log "scale: not every vif Connected in 120 s:" \
	    "$(awk '$5 < 0' "$S_TMP/ct.out" | head -n 3)"; return 1; }
	simenv_stop
	# per vif: its own directory -> InitWait / Connected; all: the
	# first directory -> the last InitWait / Connected
	b_row "$r" control "$n" 0 0 0 0 0 0 0 0 0 $(awk '$1 == "vif" {
		iw[NR] = $4 - $3; cn[NR] = $5 - $3
		if ($4 > aiw) aiw = $4; if ($5 > acn) acn = $5; n++ }
	    function med(a,   i, j, t, k, b) { k = 0
		for (i in a) b[++k] = a[i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
		return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2 }
	    END { printf "%.1f %.1f %.2f %.2f", med(iw), med(cn), aiw / n,
		acn / n }' "$S_TMP/ct.out")
}

sec_scale() {
	local r n guests vifs
	case $B_MODE in
	full) guests="1 2 4 8 16 32"; vifs="1 8 32 64" ;;
	quick) guests="1 2 4 8"; vifs="1 8 32 64" ;;
	smoke) guests="1 2"; vifs="1 8" ;;
	esac
	b_files scale
	b_row round kind n agg_pps agg_pps_wall agg_gbps min_pps max_pps fairness \
	    cpu_pct rss_kib hwm_kib initwait_ms connected_ms \
	    initwait_all_per_vif_ms connected_all_per_vif_ms
	for r in $(seq 1 "$B_ROUNDS"); do
		for n in $guests; do
			b_log "scale: round $r, $n guests"
			scale_data "$r" "$n" || return 1
		done
		for n in $vifs; do
			b_log "scale: round $r, $n vifs added at once"
			scale_ctl "$r" "$n" || return 1
		done
	done
	b_md_start "Scale: many guests, many vifs (simulator)" \
	    "Data: N guests at once, each netfront-sim --gen of 1514-byte
frames at full speed for ${B_SECS} s to dom0 (xenbr0's own MAC: xennetd
reads each guest's tx ring and writes its tap).  Aggregate: the sum of the
generators' packets/s, each over its own run (they start within a
fraction of a second of each other: an upper bound); agg_pps_wall: all
their packets over the wall time from the first start to the last end
(a lower bound); fairness: the slowest guest's rate / the
fastest's; CPU: xennetd's utime+stime over the run, % of one core; RSS
and its peak (VmRSS, VmHWM) at the end." \
	    "Control path: N guests created at once (N \`xl-sim create\` in
parallel, one vif each; a guest's netfront-sim starts when its xl-sim
create returns, as a netfront starts once libxl unpaused the domain),
timed by tests/bench/ctltime.c watching xenstore: per vif, from its backend
directory showing (the toolstack's transaction) to the backend's
InitWait and to Connected (median over the vifs); all: from the first
directory to the last vif's InitWait / Connected, divided by N (flat:
the daemon's cost per vif does not grow with N).  $B_ROUNDS round(s);
median (min–max)."
	# the control rows have no data columns and the data rows no
	# control columns: one table each
	awk -F, '/^#/ || $2 != "control"' "$B_CSV" > "$S_TMP/data.csv"
	awk -F, '/^#/ || $2 != "data"' "$B_CSV" > "$S_TMP/ctl.csv"
	awk -F, -v keys=n \
	    -v vals=agg_pps,agg_pps_wall,agg_gbps,min_pps,max_pps,fairness,cpu_pct,rss_kib,hwm_kib \
	    -f "$top_srcdir/tests/bench/summary.awk" "$S_TMP/data.csv" \
	    > "$S_TMP/data.md"
	awk -F, -v keys=n \
	    -v vals=initwait_ms,connected_ms,initwait_all_per_vif_ms,connected_all_per_vif_ms \
	    -f "$top_srcdir/tests/bench/summary.awk" "$S_TMP/ctl.csv" \
	    > "$S_TMP/ctl.md"
	{
		echo "Data path:"
		echo
		cat "$S_TMP/data.md"
		echo
		echo "Control path (ms):"
		echo
		cat "$S_TMP/ctl.md"
		echo
	} >> "$B_MD"
	awk -F, -v keys=n -v vals=agg_gbps,fairness -v fmt=tsv \
	    -f "$top_srcdir/tests/bench/summary.awk" "$S_TMP/data.csv" \
	    > "$S_TMP/data.tsv"
	awk -F, -v keys=n -v fmt=tsv \
	    -v vals=initwait_all_per_vif_ms,connected_all_per_vif_ms \
	    -f "$top_srcdir/tests/bench/summary.awk" "$S_TMP/ctl.csv" \
	    > "$S_TMP/ctl.tsv"
	b_plot "$B_PNG.png" "aggregate throughput and fairness" \
	    "guests" "Gbit/s; fairness x10" 1 \
	    "plot '$S_TMP/data.tsv' using 1:3:4:5 \\" \
	    "    with yerrorlines title 'aggregate Gbit/s', \\" \
	    "  '' using 1:(\$6*10) with linespoints title 'fairness (min/max) x10'"
	b_plot "$B_PNG-control.png" "control path per vif, vifs added at once" \
	    "vifs" "ms per vif" 1 \
	    "plot '$S_TMP/ctl.tsv' using 1:3:4:5 \\" \
	    "    with yerrorlines title 'to InitWait', \\" \
	    "  '' using 1:6:7:8 with yerrorlines title 'to Connected'"
	b_md_end
}
