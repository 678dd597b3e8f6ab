# tests/bench/lib-sim.sh: measurements in the simulator for the sections
# of tests/bench/run, on tests/sim/simenv.sh's simulated host.  Sourced
# after lib.sh.
#
#   s_host HCALL_NS ARGS...   a fresh simulated host, xennetd ARGS, each
#                             counted hypercall of xennetd (only) costing
#                             HCALL_NS ns of busy wait
#   s_dom NAME DOMID MAC [VIFOPTS]   xl-sim create, one vif on xenbr0
#   s_nf NAME DOMID ARGS...   netfront-sim without a stack (generator or
#                             sink), pid in S_PID, output S_TMP/NAME.out
#   s_snap                    xennetd's counters now, summed over vifs
#   s_flow SIZE SECS [QUEUES] generator (domain 2) -> xennetd -> xenbr0
#                             -> xennetd -> sink (domain 3)
. "$top_srcdir/tests/sim/simenv.sh"

S_TMP=$(mktemp -d /tmp/xennetd-bench.XXXXXX) || exit 1
S_MAC_GEN=00:16:3e:00:00:02
S_MAC_SINK=00:16:3e:00:00:03

# s_host HCALL_NS ARGS...
s_host() {
	local ns=$1
	shift
	rm -f "$S_TMP"/*.out "$S_TMP"/*.err
	XND_ARGS="$*" XENNET_SIM_HCALL_NS=$ns simenv_start ||
	    { b_log "simenv_start failed (xennetd $*)"; return 1; }
}

# s_dom NAME DOMID MAC [VIFOPTS]
s_dom() {
	in_dom0 "$SIM/xl-sim" create -n "$1" -d "$2" \
	    --vif "mac=$3,bridge=xenbr0${4:+,$4}" >> "$S_TMP/xl.log" 2>&1 &&
	    return 0
	b_log "xl-sim create $1 failed: $(tail -n 2 "$S_TMP/xl.log")"
	return 1
}

# s_nf NAME DOMID ARGS...
s_nf() {
	local name=$1 domid=$2
	shift 2
	env -u XENNET_SIM_HCALL_NS "$SIM/netfront-sim" --xs "$XENSTORED_PATH" \
	    --simdir "$XENNET_SIM_DIR" --domid "$domid" "$@" \
	    > "$S_TMP/$name.out" 2> "$S_TMP/$name.err" &
	S_PID=$!
	SE_PIDS="$SE_PIDS $S_PID"
}

# s_field FILE PREFIX KEY: KEY's value on FILE's "PREFIX: k=v ..." line
s_field() {
	sed -n "s/^$2: \(.* \)\{0,1\}$3=\([^ ]*\).*/\2/p" "$1" | tail -n 1
}

# s_gone PID: PID has exited
s_gone() { ! kill -0 "$1" 2>/dev/null; }

# s_snap: SIGUSR1 to xennetd; once every vif has answered, print the sums
# over the vifs: "copy notify tap-syscalls packets bytes" (packets and
# bytes: guest-tx plus guest-rx)
s_snap() {
	local log=$SE_DIR/xennetd.log mark nvif
	nvif=$(in_dom0 ip -o link show 2>/dev/null | grep -c ' vif[0-9]')
	mark=$(wc -l < "$log")
	kill -USR1 "$XND_PID" || return 1
	se_wait 5 sh -c "[ \$(tail -n +$((mark + 1)) '$log' |
	    grep -c ': tap: ') -ge $nvif ]" ||
	    { b_log "no counters from xennetd"; return 1; }
	tail -n +$((mark + 1)) "$log" | awk '
	/: hypercalls: / { for (i = 1; i < NF; i++) {
		if ($i == "copy") c += $(i + 1)
		if ($i == "notify") n += $(i + 1) } }
	/: tap: / { for (i = 1; i < NF; i++) if ($i == "tap:") s += $(i + 1) }
	/ guest-tx .* guest-rx / && !/queue [0-9]/ {
		for (i = 1; i < NF; i++) {
			if ($i == "guest-tx" || $i == "guest-rx") {
				p += $(i + 1); b += $(i + 3) } } }
	END { print c + 0, n + 0, s + 0, p + 0, b + 0 }'
}

# s_delta "SNAP0" "SNAP1": the difference of two s_snap lines
s_delta() {
	echo "$1 $2" | awk '{ print $6 - $1, $7 - $2, $8 - $3, $9 - $4,
	    $10 - $5 }'
}

# s_flow SIZE SECS [QUEUES [MTU]]: one generator -> sink run on the
# current host (domains 2 and 3, QUEUES queues each).  Prints
# "pps gbps sent recvd lat_p50_us lat_p99_us cpu_s copy notify tapsys
# pkts" (copy, notify, tapsys: xennetd's, during the run; pkts: frames
# through xennetd, both vifs).  Frames above 1514 octets get an MTU of
# their size on both vifs and the bridge.
s_flow() {
	local size=$1 secs=$2 q=${3:-1} mtu="" sink gen c0 c1 n0 n1 rc
	[ "$size" -gt 1514 ] && mtu=mtu=$((size - 14))
	s_dom bgen 2 $S_MAC_GEN $mtu && s_dom bsink 3 $S_MAC_SINK $mtu ||
	    return 1
	# the sink never transmits: tell the bridge where its MAC is
	in_dom0 bridge fdb replace $S_MAC_SINK dev vif3.0 master static ||
	    return 1
	s_nf sink 3 --sink --queues "$q"
	sink=$S_PID
	se_wait 20 grep -q "connected:" "$S_TMP/sink.err" ||
	    { b_log "sink did not connect"; return 1; }
	[ -n "$mtu" ] && in_dom0 ip link set xenbr0 mtu $((size - 14))
	n0=$(s_snap) || return 1
	c0=$(cpu_ticks "$XND_PID")
	s_nf gen 2 --gen --size "$size" --duration "$secs" --rate 0 \
	    --dst-mac $S_MAC_SINK --queues "$q"
	gen=$S_PID
	se_wait $((secs + 30)) s_gone "$gen" ||
	    { b_log "generator did not finish"; return 1; }
	c1=$(cpu_ticks "$XND_PID")
	wait "$gen"
	rc=$?
	[ $rc = 0 ] || { b_log "generator failed ($rc):" \
	    "$(tail -n 3 "$S_TMP/gen.err")"; return 1; }
	sleep 0.3	# frames in flight reach the sink
	n1=$(s_snap) || return 1
	kill "$sink"
	wait "$sink"
	grep -q "^sink: " "$S_TMP/sink.out" ||
	    { b_log "no sink summary"; return 1; }
	set -- $(s_delta "$n0" "$n1")
	echo "$(s_field "$S_TMP/sink.out" sink pps)" \
	    "$(s_field "$S_TMP/sink.out" sink gbps)" \
	    "$(s_field "$S_TMP/gen.out" gen packets)" \
	    "$(s_field "$S_TMP/sink.out" sink packets)" \
	    "$(s_field "$S_TMP/sink.out" sink lat_us_p50)" \
	    "$(s_field "$S_TMP/sink.out" sink lat_us_p99)" \
	    "$(b_cpus "$c0" "$c1") $1 $2 $3 $4"
}

# s_cleanup: the simulated host and our files
s_cleanup() {
	simenv_stop
	rm -rf "$S_TMP"
}
