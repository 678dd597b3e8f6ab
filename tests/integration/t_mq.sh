#!/bin/bash
# Integration: multi-queue.  xennetd in sim mode with 2 workers offers 4
# queues; a guest with 2 queues and one with 4 connect (ring refs and
# event channels under queue-N/, one tap queue each, a guest's queues on
# both workers), ping each other and dom0, move iperf3 traffic with 4
# parallel streams, and SIGUSR1 shows packets both ways on every queue.
# A guest that reconnects with another queue count gets it (tap queues
# attached and detached to match).  A guest that breaks the protocol on
# one queue loses the whole vif (every queue unmapped) until its driver
# reloads.  Frontends asking for more queues than offered, for 0, or for
# garbage are refused with the reason in the error node; the others are
# not disturbed.  A destroyed 4-queue guest leaves nothing behind.
. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 >/dev/null || skip_all "iperf3 not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
IPERF_T=${IPERF_T:-5}
XND_ARGS="-w 2 -q 4"
BE=/local/domain/0/backend/vif

simenv_start; ok $? "xenstored-sim and xennetd -w 2 -q 4 started"
simenv_guest g1 1 2 --queues 2
ok $? "guest g1 (domid 1, 2 queues) created and reaches dom0"
simenv_guest g2 2 3 --queues 4
ok $? "guest g2 (domid 2, 4 queues) created and reaches dom0"

[ "$(xenstore-read $BE/1/0/multi-queue-max-queues)" = 4 ]
ok $? "backend advertises multi-queue-max-queues = 4 (-q 4)"

# fe_keys DOMID NQ: the frontend wrote NQ queues under queue-N/
fe_keys() {
	local fe=/local/domain/$1/device/vif/0 q k
	[ "$(xenstore-read $fe/multi-queue-num-queues)" = "$2" ] || return 1
	for q in $(seq 0 $(($2 - 1))); do
		for k in tx-ring-ref rx-ring-ref event-channel-tx \
		    event-channel-rx; do
			xenstore-read "$fe/queue-$q/$k" >/dev/null 2>&1 ||
			    return 1
		done
	done
}
# tapq TAP: how many tx queues the tap has (one per attached tap queue)
tapq() { in_dom0 sh -c "ls -d /sys/class/net/$1/queues/tx-*" 2>/dev/null | wc -l; }
# workers VIF: the workers of its queues, as logged at its last connect
workers() {
	awk -v v="$1:" '$0 ~ v " connected: " { delete w; n = 0 }
	    $0 ~ v " queue [0-9]+: rings " { w[n++] = $NF }
	    END { for (i = 0; i < n; i++) printf "%s ", w[i] }' \
	    "$SE_DIR/xennetd.log"
}
for g in "1 2" "2 4"; do
	set -- $g
	fe_keys $1 $2
	ok $? "vif$1.0: frontend wrote $2 queues, keys under queue-N/"
	grep -q "vif$1.0: connected: $2 queues" "$SE_DIR/xennetd.log"
	ok $? "vif$1.0: xennetd connected $2 queues"
	[ "$(tapq vif$1.0)" = $2 ]
	ok $? "vif$1.0: the tap has $2 queues attached ($(tapq vif$1.0))"
	w=$(workers vif$1.0)
	echo "$w" | tr ' ' '\n' | grep -q '^0$' &&
	    echo "$w" | tr ' ' '\n' | grep -q '^1$'
	ok $? "vif$1.0: its queues run on both workers (workers: $w)"
done

# --- ping every pair, IPv4 and IPv6 ---
for size in 56 8000; do
	for pair in "dom0 10.0.0.2" "dom0 10.0.0.3" "g1 10.0.0.3" \
	    "g2 10.0.0.2"; do
		set -- $pair
		if [ "$1" = dom0 ]; then run=in_dom0; else run="in_guest $1"; fi
		$run ping -c 2 -i 0.2 -W 2 -s $size "$2" >/dev/null 2>&1
		ok $? "ping $1 -> $2 size $size"
	done
	for pair in "dom0 fd00::2" "g2 fd00::2"; do
		set -- $pair
		if [ "$1" = dom0 ]; then run=in_dom0; else run="in_guest $1"; fi
		$run ping -6 -c 2 -i 0.2 -W 2 -s $size "$2" >/dev/null 2>&1
		ok $? "ping6 $1 -> $2 size $size"
	done
done

# --- iperf3, 4 parallel streams ---
# The guests' frontends pick a flow's queue from a hash of its addresses
# and ports, as Linux does; with consecutive client ports (--cport) the
# 4 streams fall on 4 different queues, so every queue carries traffic.
in_dom0 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-dom0.pid"
in_guest g1 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-g1.pid"
sleep 0.5
for t in "g1 10.0.0.1 guest->dom0" "g1 10.0.0.1 dom0->guest -R" \
    "g2 10.0.0.1 guest->dom0" "g2 10.0.0.1 dom0->guest -R" \
    "g2 10.0.0.2 guest->guest"; do
	set -- $t
	in_guest "$1" timeout $((IPERF_T + 30)) iperf3 -c "$2" -t "$IPERF_T" \
	    -P 4 --cport 50000 -J $4 > "$SE_DIR/iperf.json" 2>&1
	iperf_ok "$SE_DIR/iperf.json" "iperf3 -P 4 ${IPERF_T}s $1 $3"
	sleep 1		# the client ports are free again
done

# --- SIGUSR1: packets on every queue ---
kill -USR1 $XND_PID
se_wait 5 grep -q "vif2.0: queue 3 " "$SE_DIR/xennetd.log"
ok $? "SIGUSR1 logs a line per queue"
# qstat VIF Q FIELD: the last SIGUSR1 value of guest-tx or guest-rx pkts
qstat() {
	grep "$1: queue $2 (" "$SE_DIR/xennetd.log" | tail -n 1 |
	    sed -n "s/.*$3 \([0-9]*\) pkts.*/\1/p"
}
# total VIF FIELD: the vif's total, from its "state" line
total() {
	grep "$1: state " "$SE_DIR/xennetd.log" | tail -n 1 |
	    sed -n "s/.*$2 \([0-9]*\) pkts.*/\1/p"
}
for g in "1 2" "2 4"; do
	set -- $g
	r=0; s=""; sumtx=0; sumrx=0
	for q in $(seq 0 $(($2 - 1))); do
		tx=$(qstat vif$1.0 $q guest-tx); rx=$(qstat vif$1.0 $q guest-rx)
		s="$s q$q ${tx:-?}/${rx:-?}"
		[ "${tx:-0}" -gt 100 ] && [ "${rx:-0}" -gt 100 ] || r=1
		sumtx=$((sumtx + ${tx:-0})); sumrx=$((sumrx + ${rx:-0}))
	done
	ok $r "vif$1.0: packets both ways on each of its $2 queues (tx/rx:$s)"
	[ "$(total vif$1.0 guest-tx)" = $sumtx ] &&
	    [ "$(total vif$1.0 guest-rx)" = $sumrx ]
	ok $? "vif$1.0: its totals are the sums of its queues ($sumtx/$sumrx)"
done

# --- reconnect with another queue count ---
# maps DOMID: xennetd's mappings of the domain's files (its workers keep
# some while they know the domain; ring pages come and go with its vifs)
maps() { grep -c "$XENNET_SIM_DIR/dom$1/" /proc/$XND_PID/maps; }
# reload_g1 NQ [OPTION...]: g1's driver goes and comes back asking for
# NQ queues; G1_IDLE_MAPS: maps 1 while it was gone
reload_g1() {
	local nq=$1; shift
	kill -TERM "$SE_NFPID_g1"
	se_wait 15 sh -c "! kill -0 $SE_NFPID_g1 2>/dev/null" || return 1
	se_wait 5 sh -c "[ \"\$(xenstore-read $BE/1/0/state)\" = 6 ]" ||
	    return 1
	G1_IDLE_MAPS=$(maps 1)
	"$SIM/netfront-sim" --xs "$XENSTORED_PATH" \
	    --simdir "$XENNET_SIM_DIR" --domid 1 --netns "$SE_PFX-g1" \
	    --ip 10.0.0.2/24 --ip6 fd00::2/64 --queues "$nq" "$@" \
	    >> "$SE_DIR/nf-g1-$nq.log" 2>&1 &
	SE_NFPID_g1=$!
	SE_PIDS="$SE_PIDS $!"
	se_wait 20 in_guest g1 ping -c 1 -W 1 10.0.0.3
}
reload_g1 4
ok $? "g1 reloaded with 4 queues, reconnected, reaches g2"
fe_keys 1 4 && [ "$(tapq vif1.0)" = 4 ] &&
    [ "$(grep -c 'vif1.0: connected: 4 queues' "$SE_DIR/xennetd.log")" = 1 ]
ok $? "vif1.0 now has 4 queues, and 4 tap queues attached ($(tapq vif1.0))"
in_guest g1 timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -t 2 -P 4 \
    --cport 50000 -J > "$SE_DIR/iperf.json" 2>&1
iperf_ok "$SE_DIR/iperf.json" "iperf3 -P 4 2s over g1's 4 queues"
sleep 1
reload_g1 1
ok $? "g1 reloaded with 1 queue, reconnected, reaches g2"
fe=/local/domain/1/device/vif/0
[ "$(xenstore-read $fe/multi-queue-num-queues)" = 1 ] &&
    xenstore-read $fe/tx-ring-ref >/dev/null && [ "$(tapq vif1.0)" = 1 ] &&
    tail -n 20 "$SE_DIR/xennetd.log" | grep -q "vif1.0: connected: rings"
ok $? "vif1.0 now has 1 queue (keys at the top), 1 tap queue ($(tapq vif1.0))"
in_guest g1 ping -c 3 -i 0.2 -W 2 -s 8000 10.0.0.1 >/dev/null
ok $? "g1 with 1 queue still reaches dom0 with 8000-byte pings"

# --- a guest that breaks the protocol on one queue loses the whole vif ---
reload_g1 2 --break-queue 1
ok $? "g1 reloaded with 2 queues, reconnected"
[ "$(maps 1)" -gt "$G1_IDLE_MAPS" ]
ok $? "xennetd maps g1's rings ($(maps 1) mappings of g1, $G1_IDLE_MAPS without)"
kill -USR2 "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$(xenstore-read $BE/1/0/state)\" -ge 5 ]"
ok $? "g1 broke the protocol on queue 1: xennetd disconnected vif1.0"
err=$(xenstore-read /local/domain/0/error/backend/vif/1/0/error)
echo "$err" | grep -q "broke the netif protocol (queue 1: "
ok $? "the reason, naming the queue, is in the error node: $err"
se_wait 5 sh -c "[ \"\$(grep -c '$XENNET_SIM_DIR/dom1/' /proc/$XND_PID/maps)\" = $G1_IDLE_MAPS ]"
ok $? "both queues' rings are unmapped ($(maps 1) mappings of g1 left)"
[ "$(tapq vif1.0)" = 1 ]
ok $? "the tap is back to 1 queue attached ($(tapq vif1.0))"
in_guest g2 ping -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null
ok $? "g2 unaffected"
reload_g1 2
ok $? "g1's driver reloaded: reconnected with 2 queues, reaches g2"

# --- frontends xennetd must refuse ---
# refuse DOMID VALUE PATTERN: a frontend (written by hand) that asks for
# VALUE queues with every other key right: refused, the reason matches
refuse() {
	local fe=/local/domain/$1/device/vif/0 mac err
	mac=$(printf '00:16:3e:00:00:%02x' $(($1 + 1)))
	in_dom0 "$SIM/xl-sim" create -n g$1 -d $1 \
	    --vif "mac=$mac,bridge=xenbr0" > "$SE_DIR/xl-g$1.log" 2>&1 ||
	    return 1
	se_wait 10 sh -c "[ \"\$(xenstore-read $BE/$1/0/state)\" = 2 ]" ||
	    return 1
	for q in 0 1 2 3 4; do
		xenstore-write $fe/queue-$q/tx-ring-ref $((10 + q)) \
		    $fe/queue-$q/rx-ring-ref $((20 + q)) \
		    $fe/queue-$q/event-channel $((30 + q))
	done
	xenstore-write $fe/tx-ring-ref 8 $fe/rx-ring-ref 9 \
	    $fe/event-channel 7 $fe/request-rx-copy 1 \
	    $fe/multi-queue-num-queues "$2" $fe/state 4
	se_wait 10 sh -c "[ \"\$(xenstore-read $BE/$1/0/state)\" -ge 5 ]" ||
	    return 1
	err=$(xenstore-read /local/domain/0/error/backend/vif/$1/0/error)
	diag "error/backend/vif/$1/0/error: $err"
	echo "$err" | grep -q "$3"
}
refuse 3 5 "asks for 5 queues; multi-queue-max-queues is 4"
ok $? "a frontend asking for 5 queues (4 offered) is refused, the reason in the error node"
refuse 4 two "multi-queue-num-queues is not a number"
ok $? "a frontend with multi-queue-num-queues = two is refused, the reason in the error node"
refuse 5 0 "asks for 0 queues"
ok $? "a frontend asking for 0 queues is refused, the reason in the error node"
in_guest g1 ping -c 2 -i 0.2 -W 2 10.0.0.3 >/dev/null
ok $? "g1 and g2 unaffected"
for d in 3 4 5; do
	in_dom0 "$SIM/xl-sim" destroy g$d >> "$SE_DIR/xl-refused.log" 2>&1
done
! xenstore-exists /local/domain/0/error/backend/vif/3/0 &&
    ! xenstore-exists /local/domain/0/error/backend/vif/4/0 &&
    ! xenstore-exists /local/domain/0/error/backend/vif/5/0
ok $? "the refused guests destroyed, their error nodes gone"

# --- destroy the 4-queue guest in the middle of an iperf3 run ---
in_guest g2 timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -t "$IPERF_T" \
    -P 4 > /dev/null 2>&1 &
IP2=$!
sleep 2
[ "$(maps 2)" -gt 0 ]
ok $? "xennetd has g2's ring pages mapped ($(maps 2) mappings)"
in_dom0 "$SIM/xl-sim" destroy g2 > "$SE_DIR/xl-destroy.log" 2>&1
ok $? "xl-sim destroy g2 (4 queues) mid-iperf3"
wait $IP2
! xenstore-exists $BE/2 && ! in_dom0 ip link show vif2.0 >/dev/null 2>&1
ok $? "g2's backend directory and tap are gone"
[ "$(maps 2)" = 0 ]
ok $? "no mapping of g2's memory left in xennetd"
kill -0 $XND_PID
ok $? "xennetd still running"

! grep -iE "error|warn|sanitizer" "$SE_DIR/xennetd.log" |
    grep -v "vif[345]\.0: frontend \(asks for\|multi-queue-num-queues\)" |
    grep -v "vif1\.0: frontend broke the netif protocol (queue 1: "
ok $? "xennetd log has no errors (but the expected ones of g1, g3, g4, g5)"
[ -n "${XN_KEEP_LOGS:-}" ] && cp -r "$SE_DIR" "$XN_KEEP_LOGS"
done_testing
