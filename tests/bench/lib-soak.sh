# tests/bench/lib-soak.sh: section "soak" of tests/bench/run, run only
# when asked (--only soak; never in the default run or in CI): 24
# simulated guests for --minutes M (default 10).  12 of them generate
# (netfront-sim --gen, frames of 64, 590 and 1514 octets in turn, at
# SOAK_PPS each, default 500) to the other 12 (--sink, one each), through
# xennetd (guest tx ring, tap), xenbr0 and xennetd again (tap, guest rx
# ring).  Each sink checks every frame (sequence and payload pattern,
# tests/sim/nf-gen.c): lost, late and corrupt must all be 0 and every
# frame sent must arrive.  xennetd's RSS is sampled every 10 s: the
# table, with its first, last and largest sample, shows whether its
# memory stays flat.

SOAK_PAIRS=12
SOAK_SIZES=64,590,1514
SOAK_EVERY=10	# s between RSS samples

# soak_mac KIND PAIR: the MAC of pair PAIR's generator (g) or sink (s)
soak_mac() {
	printf '00:16:3e:%s:00:%02x' "$([ "$1" = g ] && echo 05 || echo 06)" \
	    "$2"
}

sec_soak() {
	local mins=${B_SOAK_MIN:-10} pps=${SOAK_PPS:-500} secs p t0 now
	local gpids="" spids="" rss hwm ok=1 n first last max
	secs=$((mins * 60))
	b_files soak
	b_row t_s rss_kib hwm_kib cpu_s
	s_host 0 || return 1
	for p in $(seq 1 $SOAK_PAIRS); do
		s_dom "sg$p" $((10 + p)) "$(soak_mac g "$p")" &&
		    s_dom "ss$p" $((40 + p)) "$(soak_mac s "$p")" || return 1
		# a sink never transmits: the bridge learns its port so
		in_dom0 bridge fdb replace "$(soak_mac s "$p")" \
		    dev vif$((40 + p)).0 master static || return 1
	done
	for p in $(seq 1 $SOAK_PAIRS); do
		s_nf "ss$p" $((40 + p)) --sink
		spids="$spids $S_PID"
	done
	for p in $(seq 1 $SOAK_PAIRS); do
		se_wait 30 grep -q "connected:" "$S_TMP/ss$p.err" ||
		    { b_log "soak: sink $p did not connect"; return 1; }
	done
	b_log "soak: $SOAK_PAIRS pairs, $pps frames/s each, sizes" \
	    "$SOAK_SIZES, $mins min"
	t0=$SECONDS
	for p in $(seq 1 $SOAK_PAIRS); do
		s_nf "sg$p" $((10 + p)) --gen --sizes $SOAK_SIZES \
		    --rate "$pps" --duration "$secs" \
		    --dst-mac "$(soak_mac s "$p")"
		gpids="$gpids $S_PID"
	done
	# RSS every SOAK_EVERY s while the generators run, from the end of
	# the first interval: by then every queue has its buffers
	while sleep $SOAK_EVERY; do
		now=$((SECONDS - t0))
		set -- $(b_rss "$XND_PID")
		b_row "$now" "$1" "$2" "$(b_cpus 0 "$(cpu_ticks "$XND_PID")")"
		n=0
		for p in $gpids; do s_gone "$p" || n=$((n + 1)); done
		[ $n = 0 ] && break
		[ $now -gt $((secs + 60)) ] &&
		    { b_log "soak: generators did not finish"; return 1; }
	done
	for p in $gpids; do
		wait "$p" || { b_log "soak: a generator failed"; ok=0; }
	done
	sleep 1		# frames in flight reach their sinks
	# where frames were dropped, if any: the kernel's queue of each
	# sink's tap (full when xennetd or the sink did not keep up) and
	# xennetd's own drops (every reason, both directions)
	for p in $(seq 1 $SOAK_PAIRS); do
		in_dom0 cat /sys/class/net/vif$((40 + p)).0/statistics/tx_dropped
	done > "$S_TMP/soak.tapdrops"
	"$top_builddir/xennetctl/xennetctl" -s "$XENNET_SIM_DIR/xennetd.sock" \
	    -j show stats > "$S_TMP/soak.stats" 2>&1
	for p in $spids; do kill "$p"; wait "$p"; done
	b_md_start "Soak: $((SOAK_PAIRS * 2)) guests for $mins minutes (simulator)" \
	    "$SOAK_PAIRS generator guests (netfront-sim --gen, frames of
$SOAK_SIZES octets in turn, $pps frames/s each) send to $SOAK_PAIRS sink
guests (--sink, one each) through xennetd (guest tx ring -> tap), xenbr0
and xennetd again (tap -> guest rx ring) for $mins minutes.  Every sink
checks every frame: its sequence (lost, late) and its payload pattern
(corrupt).  Required: nothing lost, late or corrupt, every frame sent
received.  xennetd's VmRSS and VmHWM (KiB) and CPU seconds sampled every
$SOAK_EVERY s from the start of the traffic (the first sample after the
first $SOAK_EVERY s: its queues have their buffers by then)."
	{
		echo "| pair | sent | received | lost | late | corrupt |" \
		    "sink tap: kernel drops |"
		echo "|---|---|---|---|---|---|---|"
	} >> "$B_MD"
	for p in $(seq 1 $SOAK_PAIRS); do
		set -- "$(s_field "$S_TMP/sg$p.out" gen packets)" \
		    "$(s_field "$S_TMP/ss$p.out" sink packets)" \
		    "$(s_field "$S_TMP/ss$p.out" sink lost)" \
		    "$(s_field "$S_TMP/ss$p.out" sink late)" \
		    "$(s_field "$S_TMP/ss$p.out" sink corrupt)"
		echo "| $p | $1 | $2 | $3 | $4 | $5 |" \
		    "$(sed -n "${p}p" "$S_TMP/soak.tapdrops") |" >> "$B_MD"
		[ -n "$1" ] && [ "$1" -gt 0 ] && [ "$1" = "$2" ] &&
		    [ "$3" = 0 ] && [ "$4" = 0 ] && [ "$5" = 0 ] || ok=0
	done
	echo >> "$B_MD"
	echo "xennetd's own drops, every vif, both directions (xennetctl):" \
	    "$(jq '[.. | objects | select(has("total")) | .total.drops[]] | add' \
	    "$S_TMP/soak.stats" 2>/dev/null)" >> "$B_MD"
	{
		echo
		echo "| t (s) | RSS (KiB) | peak RSS (KiB) | CPU (s) |"
		echo "|---|---|---|---|"
		grep -v '^#' "$B_CSV" | tail -n +2 |
		    awk -F, '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }'
		echo
	} >> "$B_MD"
	set -- $(grep -v '^#' "$B_CSV" | tail -n +2 | awk -F, '
	    NR == 1 { f = $2 } { l = $2; if ($2 > m) m = $2 }
	    END { print f + 0, l + 0, m + 0 }')
	first=$1 last=$2 max=$3
	echo "RSS: first $first KiB, last $last KiB, max $max KiB" \
	    "(last - first: $((last - first)) KiB)." >> "$B_MD"
	echo >> "$B_MD"
	# the samples came late: the host did not run the bench (or more)
	grep -v '^#' "$B_CSV" | tail -n +2 | awk -F, -v e=$SOAK_EVERY '
	    NR > 1 && $1 - t > e + 5 { printf "Stall: the sample after %s s" \
		" came at %s s.\n", t, $1 } { t = $1 }' >> "$B_MD"
	if [ $ok = 1 ]; then
		echo "Result: every frame arrived intact (0 lost, 0 late," \
		    "0 corrupt)." >> "$B_MD"
	else
		echo "Result: FAILED: frames lost, late, corrupt or missing" \
		    "(see the table: a loss the sink tap's kernel drops" \
		    "account for is frames xennetd did not read from the tap" \
		    "in time, its queue full)." >> "$B_MD"
	fi
	b_md_end
	[ $ok = 1 ]
}
