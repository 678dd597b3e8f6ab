#!/bin/bash
# t_netfront.sh: netfront-sim against the minimal test backend
# (t_nf_backend: toolstack + loopback/cross-connect netback) through
# xenstored-sim and the sim hypervisor: handshake keys, reconnect,
# removal, domain destruction, feature refusal, generator -> sink data
# with multi-slot and mixed sizes, no-sg / no-split / no-rx-notify paths,
# two guests, and (root + netns) a guest network stack with ping-free
# TCP (iperf3) over IPv4 and IPv6 using TSO and checksum offload.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

NF=$SIM/netfront-sim
BE=$SIM/t_nf_backend
XSD=$SIM/xenstored-sim
for p in "$NF" "$BE" "$XSD"; do
	[ -x "$p" ] || skip_all "$p not built"
done
command -v xenstore-read >/dev/null || skip_all "xenstore-read missing (xenstore-utils)"

T=$(mktemp -d /tmp/t_netfront.XXXXXX)
XS=$T/xs.sock
PIDS=""
NETNS=""
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -f "$T/xsd.pid" ] && kill "$(cat "$T/xsd.pid")" 2>/dev/null
	for p in $NETNS; do ip netns del "$p" 2>/dev/null; done
	if [ -n "$T_KEEP" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$XSD" -s "$XS" -p "$T/xsd.pid" || skip_all "xenstored-sim does not start"
mkdir "$T/sim"

xsr() { XENSTORED_PATH=$XS xenstore-read "$@" 2>/dev/null; }
xs_is() { [ "$(xsr "$1")" = "$2" ]; }
fe() { echo "/local/domain/$1/device/vif/0"; }
be() { echo "/local/domain/0/backend/vif/$1/0"; }

# start_be NAME BACKEND-OPTS... DOMIDS: backend + toolstack, ctl FIFO
start_be() {
	local n=$1; shift
	mkfifo "$T/$n.ctl"
	"$BE" --xs "$XS" --simdir "$T/sim" --ctl "$T/$n.ctl" "$@" \
	    >"$T/$n.out" 2>"$T/$n.err" &
	BEPID=$!
	PIDS="$PIDS $BEPID"
}
# ctl NAME CMD: send a command to backend NAME
ctl() { echo "$2" >"$T/$1.ctl"; }
# start_nf NAME DOMID OPTS...: netfront-sim in the background
start_nf() {
	local n=$1 d=$2; shift 2
	"$NF" --xs "$XS" --simdir "$T/sim" --domid "$d" --stats "$@" \
	    >"$T/$n.out" 2>"$T/$n.err" &
	NFPID=$!
	PIDS="$PIDS $NFPID"
}
# stat FILE NAME: a counter from a --stats dump (last one)
stat() { awk -v k="$2" '$1 == "stat" && $2 == k { v = $3 } END { print v + 0 }' "$1"; }
# bestat FILE DOMID NAME: a backend counter (last dump)
bestat() { awk -v d="$2" -v k="$3" '$1 == "be" && $2 == d && $3 == k { v = $4 } END { print v + 0 }' "$1"; }
# field FILE PREFIX KEY: key=value from the gen:/sink: summary line
field() { sed -n "s/^$2:.* $3=\([^ ]*\).*/\1/p" "$1" | tail -1; }
# wait_exit PID SECONDS: wait for a process, its status in $RC (124: timeout)
wait_exit() {
	local t=$(( $2 * 10 ))
	while kill -0 "$1" 2>/dev/null && [ $t -gt 0 ]; do
		sleep 0.1; t=$((t - 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill "$1"; wait "$1" 2>/dev/null; RC=124
	else
		wait "$1"; RC=$?
	fi
}
stop_be() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
show() { diag "--- $1"; sed 's/^/# /' "$T/$1" | tail -20; }

# ---- 1. handshake with two queues, reconnect, removal ----
start_be b1 --max-queues 4 5
B1=$BEPID
start_nf n1 5 --queues 2
N1=$NFPID
wait_for 10 xs_is "$(be 5)/state" 4
ok $? "backend reaches Connected with netfront-sim"
F=$(fe 5)
xs_is "$F/state" 4; ok $? "frontend state Connected"
xs_is "$F/multi-queue-num-queues" 2; ok $? "multi-queue-num-queues = 2 (asked 2, backend max 4)"
r=0
for q in 0 1; do
	for k in tx-ring-ref rx-ring-ref event-channel-tx event-channel-rx; do
		v=$(xsr "$F/queue-$q/$k")
		case $v in ''|*[!0-9]*) r=1; diag "queue-$q/$k = '$v'";; esac
	done
done
ok $r "per-queue ring refs and split event channels under queue-N/"
[ -z "$(xsr "$F/tx-ring-ref")" ] && [ -z "$(xsr "$F/event-channel")" ]
ok $? "no top-level ring keys with two queues"
r=0
for k in request-rx-copy feature-rx-notify feature-sg feature-gso-tcpv4 \
    feature-gso-tcpv6 feature-ipv6-csum-offload; do
	xs_is "$F/$k" 1 || { r=1; diag "$k = '$(xsr "$F/$k")'"; }
done
ok $r "frontend features written (rx-copy, rx-notify, sg, gso v4/v6, ipv6 csum)"
[ -z "$(xsr "$F/feature-no-csum-offload")" ]
ok $? "feature-no-csum-offload not written by default"

ctl b1 "cycle 5"
wait_for 10 grep -q "reconnecting" "$T/n1.err"
ok $? "backend Closing -> frontend Closed -> backend InitWait -> reconnect"
wait_for 10 xs_is "$(be 5)/state" 4
ok $? "connected again after the cycle"
kill -USR1 "$N1"
wait_for 5 grep -q "^stat connects 2" "$T/n1.out"
ok $? "SIGUSR1 prints stats: connects = 2"
grep -q "backend closing: disconnecting" "$T/n1.err"
ok $? "frontend disconnected on backend Closing"

ctl b1 "remove 5"
wait_exit "$N1" 10
ok $RC "device removed: netfront-sim exits 0"
grep -q "exiting: device removed" "$T/n1.err"; ok $? "says device removed"
stop_be "$B1"

# ---- 1b. --persist: the device goes away and comes back ----
start_be b1p 16
B1P=$BEPID
start_nf n1p 16 --persist
N1P=$NFPID
wait_for 10 xs_is "$(be 16)/state" 4
ctl b1p "remove 16"
wait_for 5 grep -q "waiting for it to come back" "$T/n1p.err"
ok $? "--persist: survives the removal of its device"
ctl b1p "add 16"
wait_for 10 xs_is "$(be 16)/state" 4
ok $? "--persist: connects to the re-added device"
kill "$N1P"; wait_exit "$N1P" 10
ok $RC "--persist: SIGTERM exits 0"
[ "$(stat "$T/n1p.out" connects)" = 2 ]; ok $? "two connections counted"
stop_be "$B1P"

# ---- 1c. a backend slow to unmap: EBUSY retried; close timeout ----
start_be b1d --unmap-delay 400 18
B1D=$BEPID
start_nf n1d 18
N1D=$NFPID
wait_for 10 xs_is "$(be 18)/state" 4
ctl b1d "cycle 18"
wait_for 10 grep -q "reconnecting" "$T/n1d.err" &&
    wait_for 10 xs_is "$(be 18)/state" 4
ok $? "reconnects after waiting for the backend to unmap"
kill "$N1D"; wait_exit "$N1D" 10
ok $RC "shutdown waits for the unmap too, exits 0"
[ "$(stat "$T/n1d.out" revoke_busy)" -gt 0 ]
ok $? "revocation met EBUSY and was retried ($(stat "$T/n1d.out" revoke_busy))"
! grep -q "going Closed anyway" "$T/n1d.err"; ok $? "no close timeout"
stop_be "$B1D"

start_be b1e --unmap-delay 60000 19
B1E=$BEPID
start_nf n1e 19 --close-timeout 1 -v
N1E=$NFPID
wait_for 10 xs_is "$(be 19)/state" 4
ctl b1e "cycle 19"
wait_for 10 grep -q "going Closed anyway" "$T/n1e.err"
ok $? "--close-timeout 1: Closed although the backend still maps"
wait_for 10 grep -q "revoked .* leftover grants, 0 still mapped" "$T/n1e.err"
ok $? "leftover grants revoked once the backend unmapped"
wait_for 10 xs_is "$(be 19)/state" 4; ok $? "and connected again"
kill "$N1E"; wait_exit "$N1E" 70
stop_be "$B1E"

# ---- 2. loopback generator -> sink, mixed sizes up to 64 KiB ----
start_be b2 6
B2=$BEPID
N=20000
timeout 30 "$NF" --xs "$XS" --simdir "$T/sim" --domid 6 --gen --sink \
    --count $N --sizes 60,1514,9000,65535 --tx-offset 2 --stats \
    >"$T/n2.out" 2>"$T/n2.err"
ok $? "gen+sink loopback run exits 0"
p=$(field "$T/n2.out" sink packets)
[ "$p" = $N ]; ok $? "sink received all $N frames ($p)"
[ "$(field "$T/n2.out" sink lost)" = 0 ] &&
    [ "$(field "$T/n2.out" sink corrupt)" = 0 ]
ok $? "no loss, no corruption (pattern verified)"
[ "$(stat "$T/n2.out" tx_slots)" -gt "$(stat "$T/n2.out" tx_packets)" ]
ok $? "multi-slot tx packets (tx_slots > tx_packets)"
[ "$(stat "$T/n2.out" rx_slots)" -gt "$(stat "$T/n2.out" rx_packets)" ]
ok $? "multi-slot rx packets assembled"
r=0
for k in rx_id_mismatch rx_err_offset rx_err_slots rx_drop_status \
    tx_rsp_error tx_rsp_bad_id rx_partial; do
	v=$(stat "$T/n2.out" $k)
	[ "$v" = 0 ] || { r=1; diag "$k = $v"; }
done
ok $r "no protocol errors counted"
grep -q "lat_us_p99=" "$T/n2.out"; ok $? "sink reports latency percentiles"
[ "$(stat "$T/n2.out" tx_notify)" -lt "$N" ]
ok $? "tx notifications coalesced ($(stat "$T/n2.out" tx_notify) for $N frames)"
grep -q "exiting: done" "$T/n2.err"; ok $? "clean shutdown after the run"
wait_for 5 xs_is "$(fe 6)/state" 6; ok $? "frontend Closed on exit"
ctl b2 stats
wait_for 5 grep -q "^be 6 fwd_packets $N" "$T/b2.out"
ok $? "backend forwarded $N packets"
stop_be "$B2"

# ---- 2b. paced generator: --rate and --duration ----
start_be b2r 17
B2R=$BEPID
timeout 20 "$NF" --xs "$XS" --simdir "$T/sim" --domid 17 --gen --sink \
    --rate 2000 --duration 1 --size 200 >"$T/n2r.out" 2>"$T/n2r.err"
ok $? "--rate 2000 --duration 1 run exits 0"
p=$(field "$T/n2r.out" gen packets)
s=$(field "$T/n2r.out" gen seconds)
[ "${p:-0}" -ge 1800 ] && [ "${p:-0}" -le 2200 ]
ok $? "about 2000 frames sent in 1 s ($p in $s s)"
[ "$(field "$T/n2r.out" sink packets)" = "$p" ]; ok $? "sink got them all"
stop_be "$B2R"

# ---- 2c. --tx-flood: the tx ring kept full, responses counted ----
# (the peer, domain d + 10, never connects: the backend drops what it
# takes, so nothing waits for the flooding guest's rx ring)
d=20
for kind in runt valid; do
	start_be b2f $d $((d + 10))
	B2F=$BEPID
	timeout 20 "$NF" --xs "$XS" --simdir "$T/sim" --domid $d \
	    --tx-flood $kind --duration 2 --stats \
	    >"$T/n2f-$kind.out" 2>"$T/n2f-$kind.err"
	ok $? "--tx-flood $kind --duration 2 exits 0"
	O=$T/n2f-$kind.out
	[ "$(grep -c '^flood: t=' "$O")" -ge 2 ]
	ok $? "--tx-flood $kind: a line per second ($(grep -c '^flood: t=' "$O"))"
	r=$(field "$O" flood responses)
	[ "${r:-0}" -gt 1000 ] && [ "$r" = "$(field "$O" flood posted)" ] &&
	    [ "$r" = "$(stat "$O" tx_rsp)" ] &&
	    [ "$r" = "$(stat "$O" tx_packets)" ]
	ok $? "--tx-flood $kind: every request answered ($r, $(field "$O" flood rsp_per_s)/s)"
	[ "$(stat "$O" tx_slots)" = "$r" ]; ok $? "--tx-flood $kind: one slot each"
	[ "$(stat "$O" tx_rsp_bad_id)" = 0 ] &&
	    [ "$(stat "$O" tx_rsp_overflow)" = 0 ]
	ok $? "--tx-flood $kind: no bad response"
	ctl b2f stats
	wait_for 5 grep -q "^be $d tx_packets $r\$" "$T/b2f.out"
	ok $? "--tx-flood $kind: the backend took $r packets"
	if [ $kind = runt ]; then
		b=$(stat "$O" tx_bytes)
		[ "$b" -gt "$r" ] && [ "$b" -lt $(( r * 10 )) ]
		ok $? "runts of 1 and 10 octets ($b bytes in $r)"
	else
		[ "$(stat "$O" tx_bytes)" = $(( r * 60 )) ]
		ok $? "valid frames of 60 octets ($(stat "$O" tx_bytes) bytes)"
	fi
	stop_be "$B2F"
	rm -f "$T/b2f.ctl"
	d=$((d + 1))
done
"$NF" --xs "$XS" --simdir "$T/sim" --domid 22 --tx-flood runt --gen \
    >/dev/null 2>&1
[ $? = 1 ]; ok $? "--tx-flood with --gen refused"

# ---- 3. no scatter-gather: large frames dropped locally ----
start_be b3 7
B3=$BEPID
timeout 30 "$NF" --xs "$XS" --simdir "$T/sim" --domid 7 --gen --sink \
    --count 3000 --sizes 60,1514,9000 --no-sg --stats \
    >"$T/n3.out" 2>"$T/n3.err"
ok $? "--no-sg run exits 0"
[ "$(field "$T/n3.out" gen dropped)" = 1000 ] &&
    [ "$(stat "$T/n3.out" tx_drop_nosg)" = 1000 ]
ok $? "9000-octet frames dropped without sg (tx_drop_nosg = 1000)"
[ "$(field "$T/n3.out" sink packets)" = 2000 ]
ok $? "the 2000 single-slot frames arrive"
[ "$(stat "$T/n3.out" tx_slots)" = 2000 ]; ok $? "one slot per packet"
stop_be "$B3"

# ---- 4. shared event channel, backend without rx-notify support ----
start_be b4 --no-split 8
B4=$BEPID
start_nf n4 8 --no-rx-notify --gen --sink --count 5000 --size 1514
N4=$NFPID
wait_for 10 xs_is "$(be 8)/state" 4
F=$(fe 8)
[ -n "$(xsr "$F/event-channel")" ] && [ -z "$(xsr "$F/event-channel-tx")" ]
ok $? "one event-channel without feature-split-event-channels"
[ -z "$(xsr "$F/feature-rx-notify")" ]
ok $? "--no-rx-notify: feature-rx-notify not written"
wait_exit "$N4" 20
ok $RC "shared-channel, polled-rx run exits 0"
[ "$(field "$T/n4.out" sink packets)" = 5000 ]
ok $? "all frames through a shared channel and a polled rx ring"
[ "$(stat "$T/n4.out" rx_notify)" = 0 ]; ok $? "no rx notifications sent"
stop_be "$B4"

# ---- 5. refusals ----
start_be b5 --no-rx-copy 9
B5=$BEPID
start_nf n5 9
N5=$NFPID
wait_exit "$N5" 10
[ "$RC" = 1 ]; ok $? "backend without feature-rx-copy: exit status 1"
grep -q "feature-rx-copy" "$T/n5.err"; ok $? "clear message about feature-rx-copy"
xs_is "$(fe 9)/state" 6; ok $? "frontend Closed after refusing"
stop_be "$B5"

start_be b6 10
B6=$BEPID
start_nf n6 10 --no-rx-copy --no-csum
N6=$NFPID
wait_for 10 grep -q "does not request rx-copy" "$T/b6.err"
ok $? "request-rx-copy=0: backend refuses"
wait_for 10 xs_is "$(fe 10)/state" 6; ok $? "frontend follows to Closed"
xs_is "$(fe 10)/feature-no-csum-offload" 1
ok $? "--no-csum writes feature-no-csum-offload=1"
kill "$N6"; wait_exit "$N6" 5
ok $RC "SIGTERM while closed: exit 0"
stop_be "$B6"

# ---- 6. domain destroyed ----
start_be b7 11
B7=$BEPID
start_nf n7 11 --sink
N7=$NFPID
wait_for 10 xs_is "$(be 11)/state" 4
ctl b7 "destroy 11"
wait_exit "$N7" 10
ok $RC "domain destroyed: exit 0"
grep -q "exiting: domain destroyed" "$T/n7.err"; ok $? "says domain destroyed"
grep -q "^sink: packets=0 " "$T/n7.out"; ok $? "sink summary printed at exit"
stop_be "$B7"

# ---- 7. two guests, two queues each: 12 -> 13 ----
start_be b8 12 13
B8=$BEPID
start_nf n8s 13 --queues 2 --sink --count 8000
N8S=$NFPID
wait_for 10 xs_is "$(be 13)/state" 4
timeout 30 "$NF" --xs "$XS" --simdir "$T/sim" --domid 12 --queues 2 --gen \
    --count 8000 --sizes 128,4000,20000 --dst-mac 00:16:3e:00:00:0d \
    --stats >"$T/n8g.out" 2>"$T/n8g.err"
ok $? "generator guest exits 0"
wait_exit "$N8S" 15
ok $RC "sink guest exits 0 after --count frames"
[ "$(field "$T/n8s.out" sink packets)" = 8000 ] &&
    [ "$(field "$T/n8s.out" sink lost)" = 0 ]
ok $? "guest 13 received 8000 frames from guest 12, none lost"
[ "$(stat "$T/n8g.out" events_tx)" -gt 0 ] &&
    [ "$(stat "$T/n8s.out" events_rx)" -gt 0 ]
ok $? "tx events at the sender, rx events at the receiver"
stop_be "$B8"

# ---- 8. guest network stack in namespaces (root) ----
if [ "$(id -u)" = 0 ] && ip netns add "nfprobe.$$" 2>/dev/null; then
	ip netns del "nfprobe.$$"
	A=nfA.$$ B=nfB.$$
	NETNS="$A $B"
	start_be b9 14 15
	B9=$BEPID
	start_nf n9a 14 --netns "$A" --ip 10.77.0.1/24 --ip6 fd77::1/64 \
	    --queues 2
	N9A=$NFPID
	start_nf n9b 15 --netns "$B" --ip 10.77.0.2/24 --ip6 fd77::2/64 \
	    --ifname eth7
	N9B=$NFPID
	wait_for 10 xs_is "$(be 14)/state" 4 && wait_for 10 xs_is "$(be 15)/state" 4
	ok $? "two guests with a network stack connected"
	wait_for 5 sh -c "ip -n $A link show eth0 | grep -q 'link/ether 00:16:3e:00:00:0e'"
	ok $? "eth0 in netns $A carries the vif's MAC"
	wait_for 5 sh -c "ip -n $A link show eth0 | grep -q 'state UP'"
	ok $? "eth0 carrier up once connected"
	ip -n "$B" link show eth7 >/dev/null 2>&1
	ok $? "--ifname eth7: the tap in netns $B is eth7"
	if command -v iperf3 >/dev/null; then
		ip netns exec "$B" iperf3 -s -D -1 -p 5201 \
		    --pidfile "$T/iperf4.pid" >/dev/null 2>&1
		ip netns exec "$B" iperf3 -s -D -1 -p 5202 \
		    --pidfile "$T/iperf6.pid" >/dev/null 2>&1
		sleep 0.3
		timeout 15 ip netns exec "$A" iperf3 -c 10.77.0.2 -p 5201 \
		    -t 1 >"$T/iperf4.out" 2>&1
		ok $? "TCP over IPv4 guest A -> guest B (iperf3)"
		timeout 15 ip netns exec "$A" iperf3 -c fd77::2 -p 5202 \
		    -t 1 -R >"$T/iperf6.out" 2>&1
		ok $? "TCP over IPv6 guest B -> guest A (iperf3 -R)"
		grep -h 'receiver' "$T/iperf4.out" "$T/iperf6.out" |
		    sed 's/^/# iperf3: /'
		kill -USR1 "$N9A" "$N9B"
		sleep 0.3
		[ "$(stat "$T/n9a.out" tx_gso)" -gt 0 ] &&
		    [ "$(stat "$T/n9b.out" rx_gso)" -gt 0 ]
		ok $? "TSO frames sent with a GSO extra and received as GSO"
		[ "$(stat "$T/n9a.out" tx_csum_blank)" -gt 0 ] &&
		    [ "$(stat "$T/n9b.out" rx_csum_blank)" -gt 0 ]
		ok $? "checksum offload both ways (csum_blank)"
		[ "$(stat "$T/n9a.out" rx_err_csum)" = 0 ] &&
		    [ "$(stat "$T/n9b.out" rx_err_gso)" = 0 ]
		ok $? "no csum/gso errors"
	else
		diag "iperf3 missing: TCP part skipped"
	fi
	kill "$N9A"
	wait_exit "$N9A" 10
	ok $RC "guest A shuts down cleanly on SIGTERM"
	xs_is "$(fe 14)/state" 6; ok $? "its frontend is Closed"
	! ip -n "$A" link show eth0 >/dev/null 2>&1
	ok $? "eth0 disappears with the process"
	kill "$N9B"; wait_exit "$N9B" 10
	stop_be "$B9"
else
	diag "not root or no netns: guest stack part skipped"
fi

[ "$T_FAILED" -eq 0 ] || for f in n1 n2 n4 n8s n8g b1 b8; do
	[ -f "$T/$f.err" ] && show "$f.err"
done
done_testing
