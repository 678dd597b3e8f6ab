# tests/bench/lib-seed.sh: section "seed" of tests/bench/run: the founding
# measurement (../shared/seed/) redone in the simulator: iperf3 TCP
# through the guests' network stacks guest->dom0, dom0->guest and
# guest->guest, batching off (xennetd -U) before batching on (defaults),
# the two alternating round by round.

# seed_iperf FROM TO PORT: iperf3 TCP from namespace FROM to TO (dom0 or a
# guest name); prints Mbit/s at the receiver (0 if it failed)
seed_iperf() {
	local from=$1 to=$2 port=$3 ip srv out
	case $to in
	dom0) ip=10.0.0.1 ;;
	g2) ip=10.0.0.2 ;;
	g3) ip=10.0.0.3 ;;
	esac
	if [ "$to" = dom0 ]; then
		in_dom0 iperf3 -s -1 -p "$port" > /dev/null 2>&1 &
	else
		in_guest "$to" iperf3 -s -1 -p "$port" > /dev/null 2>&1 &
	fi
	srv=$!
	sleep 0.3
	if [ "$from" = dom0 ]; then
		out=$(in_dom0 timeout $((B_IPERF + 20)) iperf3 -c "$ip" \
		    -p "$port" -t "$B_IPERF" -f m 2>&1)
	else
		out=$(in_guest "$from" timeout $((B_IPERF + 20)) iperf3 \
		    -c "$ip" -p "$port" -t "$B_IPERF" -f m 2>&1)
	fi
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	out=$(echo "$out" | awk '/receiver/ { print $7 }')
	echo "${out:-0}"
}

# seed_case ROUND BATCHING: one host, both guests, the three paths
seed_case() {
	local r=$1 b=$2 args="" path from to n0 n1 c0 c1 mbit cpu port=5300
	[ "$b" = off ] && args=-U
	s_host 0 $args || return 1
	simenv_guest g2 2 2 && simenv_guest g3 3 3 ||
	    { b_log "seed: a guest did not come up"; return 1; }
	for path in guest-dom0 dom0-guest guest-guest; do
		case $path in
		guest-dom0) from=g2; to=dom0 ;;
		dom0-guest) from=dom0; to=g2 ;;
		guest-guest) from=g2; to=g3 ;;
		esac
		port=$((port + 1))
		n0=$(s_snap) || return 1
		c0=$(cpu_ticks "$XND_PID")
		mbit=$(seed_iperf $from $to $port)
		c1=$(cpu_ticks "$XND_PID")
		n1=$(s_snap) || return 1
		cpu=$(b_cpus "$c0" "$c1")
		set -- $(s_delta "$n0" "$n1")
		# GB: what iperf3 moved; packets: through xennetd, all vifs
		b_row "$r" "$b" "$path" "$(b_calc "$mbit / 1000")" "$cpu" \
		    "$(b_calc "$cpu / ($mbit * $B_IPERF / 8000)")" \
		    "$(b_calc "$1 / $4")" "$(b_calc "$2 / $4")" \
		    "$(b_calc "$3 / $4")" "$4"
	done
	simenv_stop
}

sec_seed() {
	local r b
	b_files seed
	b_row round batching path gbps cpu_s cpu_s_per_gb copy_per_pkt \
	    notify_per_pkt tapsys_per_pkt pkts
	for r in $(seq 1 "$B_ROUNDS"); do
		for b in off on; do
			b_log "seed: round $r, batching $b"
			seed_case "$r" "$b" || return 1
		done
	done
	b_md_start "The seed's table redone in the simulator" \
	    "iperf3 TCP, ${B_IPERF} s a path, through the guests' network
stacks (netfront-sim guests in namespaces, the dom0 end in the simulated
dom0's namespace on xenbr0).  Batching off: \`xennetd -U\` (1 packet a
pass, 1 copy segment a call, a notification a packet) — the seed's
\"before\"; on: xennetd's defaults — \"after\".  Alternating, $B_ROUNDS
round(s); median (min–max).  CPU: xennetd's utime+stime
(/proc/PID/stat) over the iperf3 run, per GB iperf3 moved; per packet:
xennetd's SIGUSR1 counters (copy hypercalls, notifications, tap system
calls) over the frames through all its vifs (guest-tx + guest-rx)."
	{
		echo "In the seed's format (medians):"
		echo
		echo "| path | before (off) Gbit/s | after (on) Gbit/s |" \
		    "ratio | CPU s/GB off | on | copy calls/pkt off | on |" \
		    "notifications/pkt off | on | tap syscalls/pkt off | on |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		b_tsv -v keys=path,batching \
		    -v vals=gbps,cpu_s_per_gb,copy_per_pkt,notify_per_pkt,tapsys_per_pkt |
		    awk -F'\t' '{ k = $1; m[k, $2] = $4 " " $7 " " $10 " " $13 \
			" " $16; if (!(k in s)) { s[k] = 1; o[++n] = k } }
		    END { for (i = 1; i <= n; i++) { k = o[i]
			split(m[k, "off"], a, " "); split(m[k, "on"], b, " ")
			printf "| %s | %.2f | %.2f | %s | %.3g | %.3g | %.3g |" \
			    " %.3g | %.3g | %.3g | %.3g | %.3g |\n", k, a[1],
			    b[1], (a[1] > 0 ? sprintf("%.2f", b[1] / a[1]) : "-"),
			    a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5] } }'
		echo
		echo "Every run (median (min–max)), ratio: on / off:"
		echo
	} >> "$B_MD"
	b_summary -v keys=path,batching -v ref=batching=off \
	    -v vals=gbps,cpu_s_per_gb,copy_per_pkt,notify_per_pkt,tapsys_per_pkt
	b_md_end
}
