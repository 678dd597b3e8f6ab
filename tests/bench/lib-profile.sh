# tests/bench/lib-profile.sh: section "profile" of tests/bench/run, run
# only when asked (--only profile; needs perf): where xennetd's CPU goes
# in the simulator's generator -> xennetd -> sink run (section rates) for
# 64- and 1514-octet frames, the two sizes whose per-core targets of
# issue 16 are not reached.  perf samples xennetd's threads (cpu-clock,
# user and kernel, PROFILE_HZ a second) over the whole run; the table
# puts each sample in one of a few buckets by its symbol and object, and
# lists the top symbols.  What the buckets say is the profile the issue
# asks for: which part of a frame's path costs what.

PROFILE_SIZES="64 1514"
: "${PROFILE_HZ:=999}"
PROFILE_TOP=15

# PROFILE_BUCKETS: (awk) bucket(), the bucket of a "overhead dso symbol" line of
# perf report --sort dso,sym (no commas: a CSV field); the first rule
# that matches wins
PROFILE_BUCKETS='
function bucket(dso, sym) {
	if (dso !~ /kernel/)
		return ubucket(dso, sym)
	if (sym ~ /_raw_spin|queued_spin|rcu_read|_spin_lock|_spin_unlock/)
		return "kernel locks and RCU (irq-off time lands here)"
	if (sym ~ /^unix_|^__unix_/)
		return "kernel simulated event channels (AF_UNIX)"
	if (sym ~ /tun_|tap_|skb|netif_|napi|neigh|^ip_|eth_|nf_|gro_|dev_|br_|fdb_|sock_|sch_|qdisc|xmit|features_check|page_frag/)
		return "kernel network stack (tun/bridge)"
	if (sym ~ /io_uring|^io_|^__io_/)
		return "kernel io_uring"
	if (sym ~ /copy_user|_copy_|memcpy|memmove|rep_movs|clear_user|copy_page|copy_iovec/)
		return "kernel copies to/from xennetd"
	if (sym ~ /kmem_cache|slab|kmalloc|kfree|free_pages|alloc_pages|memcg/)
		return "kernel memory allocation (skbs)"
	if (sym ~ /entry_SYSCALL|syscall|__x64_sys|__sys_|ksys_|fget|fput|fdget|kiocb|rw_verify|security_|permission|check_object|check_stack|iovec|exit_to_user|virt_addr_valid/)
		return "kernel system calls (entry/fd lookup/checks)"
	if (sym ~ /ep_|epoll|eventfd|poll|wake|schedule|futex|finish_task|pick_next|hrtimer|tick|timer|read_tsc|ktime/)
		return "kernel wakeups/epoll/scheduling"
	return "kernel other"
}
function ubucket(dso, sym) {
	if (sym ~ /memcpy|memmove|memset/)
		return "memcpy (the simulator grant copies)"
	if (sym ~ /^hv_|hv_sim|hv_mem|simdom/)
		return "hv layer (simulated hypercalls and event channels)"
	if (sym ~ /^ring_|^pkt_|^soft_|^toeplitz/)
		return "ring engine (requests/responses/layout)"
	if (sym ~ /^port|^tap_|^rp_|^portio|uring/)
		return "port I/O (tap/io_uring) in xennetd"
	if (sym ~ /^event_|^evmap|^evutil|^epoll_|libevent/ || dso ~ /libevent/)
		return "libevent"
	if (sym ~ /^worker_|^poll_|^throttle/)
		return "worker loop"
	if (dso ~ /libc/)
		return "libc other"
	return "other"
}'

sec_profile() {
	local size out data rep pid
	b_files profile
	if ! command -v perf > /dev/null; then
		b_skip profile "no perf (Debian package linux-perf)"
		return 0
	fi
	b_row size bucket pct
	echo "size,pct,object,bucket,symbol" > "$B_PNG-symbols.csv"
	: > "$S_TMP/profile.top"
	for size in $PROFILE_SIZES; do
		b_log "profile: $size-byte frames, perf at $PROFILE_HZ Hz"
		s_host 0 || return 1
		data=$S_TMP/perf-$size.data
		perf record -q -e cpu-clock -F "$PROFILE_HZ" -g -p "$XND_PID" \
		    -o "$data" > "$S_TMP/perf-$size.log" 2>&1 &
		pid=$!
		sleep 0.5
		out=$(s_flow "$size" "$B_SECS") || { kill -INT $pid; return 1; }
		kill -INT $pid
		wait $pid
		simenv_stop
		set -- $out
		rep=$S_TMP/perf-$size.txt
		perf report -i "$data" --stdio --no-children --sort dso,sym \
		    -g none --percent-limit 0 2> /dev/null |
		    awk '$1 ~ /%$/ { pct = $1; sub(/%/, "", pct); dso = $2
			sym = $0; sub(/^ *[^ ]+ +[^ ]+ +/, "", sym)
			sub(/^\[[.k]\] /, "", sym)
			print pct "\t" dso "\t" sym }' > "$rep"
		[ -s "$rep" ] || { b_log "profile: perf recorded nothing" \
		    "($(tail -n 2 "$S_TMP/perf-$size.log"))"; return 1; }
		# every symbol with its bucket, for a closer look
		awk -F'\t' -v size="$size" "$PROFILE_BUCKETS"'
		    NR <= 300 { printf "%s,%s,%s,%s,%s\n", size, $1, $2,
			bucket($2, $3), $3 }' "$rep" >> "$B_PNG-symbols.csv"
		awk -F'\t' "$PROFILE_BUCKETS"'
		    { b[bucket($2, $3)] += $1 }
		    END { for (k in b) printf "%s\t%.1f\n", k, b[k] }' \
		    "$rep" | sort -t "$(printf '\t')" -k2,2 -g -r |
		    while IFS="$(printf '\t')" read -r k v; do
			b_row "$size" "$k" "$v"
		done
		{
			echo "### $size-octet frames: $1 frames/s at the sink," \
			    "xennetd $(b_calc "$7 / $B_SECS") cores," \
			    "$(b_calc "$1 / ($7 / $B_SECS)") frames/s per core"
			echo
			echo "| bucket | % of xennetd's samples |"
			echo "|---|---:|"
			awk -F, -v s="$size" '$1 == s && NR > 1 {
			    printf "| %s | %s |\n", $2, $3 }' \
			    "$B_CSV"
			echo
			echo "Top $PROFILE_TOP symbols:"
			echo
			echo "| % | object | symbol |"
			echo "|---:|---|---|"
			head -n "$PROFILE_TOP" "$rep" | awk -F'\t' '{
			    printf "| %s | %s | `%s` |\n", $1, $2, $3 }'
			echo
		} >> "$S_TMP/profile.top"
	done
	b_md_start "Where xennetd's CPU goes (simulator, perf)" \
	    "The rates section's run (netfront-sim --gen, domain 2, --rate 0,
${B_SECS} s -> xennetd (defaults) -> xenbr0 -> xennetd -> netfront-sim
--sink, domain 3) under \`perf record -e cpu-clock -F $PROFILE_HZ -g -p
<xennetd>\`: every thread of the daemon, user and kernel time.  Each
sample goes to one bucket by its symbol (tests/bench/lib-profile.sh);
the percentages are of xennetd's samples, not of the machine.  Every
symbol (the first 300 of each size) with its bucket:
\`${B_PNG##*/}-symbols.csv\`." \
	    "In the simulator a grant copy is a memcpy between shared
files and an event channel is a pipe, so the hv buckets stand for what
the hypervisor does on real Xen; the tap path (kernel network stack,
system calls, kernel copies) is the same as in a real dom0."
	cat "$S_TMP/profile.top" >> "$B_MD"
	b_md_end
}
