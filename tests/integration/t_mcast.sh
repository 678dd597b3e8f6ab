#!/bin/bash
# Integration: multicast control (netif.h "feature-multicast-control")
# with a simulated frontend (netfront-sim --mcast-control, its filter
# list amended by MCAST_ADD/DEL extras on dummy tx requests: --ctrl
# FILE's mcast-add/mcast-del; Linux netfront does neither).  A guest that
# requested multicast control gets only the groups it listed (broadcast
# always); the others are dropped and counted (rx_mcast); a guest that
# did not request it gets every group.  request-multicast-control is
# followed while connected (feature-dynamic-multicast-control); a group
# deleted is filtered again; the list holds 64 groups, and the 65th add
# is answered with an error as in Linux.  After a new xenstore connection the key is still followed.
. "$top_srcdir/tests/lib.sh"
need_netns
for c in xenstore-read jq tcpdump python3; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
XND_ARGS="-w 2"
BE=/local/domain/0/backend/vif
CTLBIN=$top_builddir/xennetctl/xennetctl

SE_XS_PROXY=1 simenv_start; ok $? "xenstored-sim and xennetd started"
CTL="$CTLBIN -s $XENNET_SIM_DIR/xennetd.sock"
CF=$SE_DIR/ctrl-g1
echo "mcast-add 01:00:5e:01:02:03" > "$CF"
simenv_guest g1 1 2 --mcast-control --ctrl "$CF"
ok $? "guest g1 (request-multicast-control, listing 224.1.2.3) connected"
simenv_guest g2 2 3
ok $? "guest g2 (no multicast control) connected"
is "g1 wrote request-multicast-control = 1" 1 \
    "$(xenstore-read /local/domain/1/device/vif/0/request-multicast-control)"

se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.groups)\" = 1 ]"
ok $? "vif1.0 lists one group"
is "vif1.0 filters" true "$(xnd_stat vif1.0 .multicast.filter)"
is "vif2.0 does not" false "$(xnd_stat vif2.0 .multicast.filter)"
is "the add was counted" 1 "$(xnd_stat vif1.0 .total.mcast_add)"

# send: from dom0, 10 UDP datagrams to each of 224.1.2.3 (listed),
# 224.1.2.4 (not) and the subnet's broadcast address; both guests
# capture them; seen GUEST DST: how many GUEST saw
send() {
	local g pids=""
	for g in g1 g2; do
		# not through in_guest: $! must be timeout itself (ip execs
		# it), which passes our SIGTERM on to tcpdump
		ip netns exec "$SE_PFX-$g" timeout 15 tcpdump -i eth0 -n -l \
		    udp port 5000 > "$SE_DIR/cap-$g" 2> "$SE_DIR/cap-$g.err" &
		pids="$pids $!"
	done
	for g in g1 g2; do
		se_wait 10 grep -q "listening on" "$SE_DIR/cap-$g.err"
	done
	sleep 0.2
	in_dom0 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
    socket.inet_aton("10.0.0.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for dst in ("224.1.2.3", "224.1.2.4", "10.0.0.255"):
    for i in range(10):
        s.sendto(b"x" * 64, (dst, 5000))
'
	sleep 1
	kill $pids 2>/dev/null
	wait $pids
}
seen() { grep -c "> $2.5000:" "$SE_DIR/cap-$1"; }

d0=$(xnd_stat vif1.0 .total.drops.rx_mcast)
send
is "g1 gets its group: 10 of 10 to 224.1.2.3" 10 "$(seen g1 224.1.2.3)"
is "g1 gets nothing of the other: 0 of 10 to 224.1.2.4" 0 \
    "$(seen g1 224.1.2.4)"
is "g1 gets the broadcasts: 10 of 10" 10 "$(seen g1 10.0.0.255)"
is "g2 (no filter) gets both groups and the broadcasts" "10 10 10" \
    "$(seen g2 224.1.2.3) $(seen g2 224.1.2.4) $(seen g2 10.0.0.255)"
d1=$(xnd_stat vif1.0 .total.drops.rx_mcast)
[ $((d1 - d0)) -ge 10 ]
ok $? "vif1.0 counted the dropped frames (rx_mcast $d0 -> $d1)"

# --- request-multicast-control changes while connected ---
echo "mcast-request 0" > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.filter)\" = false ]"
ok $? "g1 wrote request-multicast-control = 0: vif1.0 stops filtering"
send
is "every group reaches g1 now" "10 10" \
    "$(seen g1 224.1.2.3) $(seen g1 224.1.2.4)"
echo "mcast-request 1" > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.filter)\" = true ]"
ok $? "and = 1 again: it filters, with its list kept ($(xnd_stat vif1.0 .multicast.groups) group)"

# --- after a new xenstore connection the key is still followed ---
kill -USR1 $SE_PROXY_PID	# drop the daemon's connection
se_wait 10 grep -q "xenstore: connected again" "$SE_DIR/xennetd.log"
ok $? "the daemon lost its xenstore connection and reconnected"
echo "mcast-request 0" > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.filter)\" = false ]"
ok $? "request-multicast-control = 0 after the reconnection: vif1.0 stops filtering (the watch was registered again)"
echo "mcast-request 1" > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.filter)\" = true ]"
ok $? "and = 1: it filters again"

# --- MCAST_DEL ---
echo "mcast-del 01:00:5e:01:02:03" > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].multicast.groups)\" = 0 ]"
ok $? "MCAST_DEL: the list is empty"
send
is "224.1.2.3 is filtered again, broadcast still passes" "0 0 10" \
    "$(seen g1 224.1.2.3) $(seen g1 224.1.2.4) $(seen g1 10.0.0.255)"

# --- the list holds 64; the 65th add is refused (ERROR, as Linux) ---
for i in $(seq 1 65); do
	printf 'mcast-add 01:00:5e:00:01:%02x\n' $i
done > "$CF"
echo "mcast-add 00:16:3e:00:00:09" >> "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].total.mcast_refused)\" = 2 ]"
ok $? "65 groups and a unicast address: 2 adds refused ($(xnd_stat vif1.0 .total.mcast_refused))"
is "the list holds 64" 64 "$(xnd_stat vif1.0 .multicast.groups)"
kill -USR1 "$SE_NFPID_g1"
sleep 0.3
is "the frontend got 2 error responses" 2 \
    "$(grep '^stat tx_rsp_error ' "$SE_DIR/nf-g1.log" | tail -n 1 | awk '{ print $3 }')"
in_dom0 ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null
ok $? "g1 still answers pings"

kill -USR1 $XND_PID
se_wait 5 grep -q "vif1.0: multicast: filter on, 64 of 64 groups" \
    "$SE_DIR/xennetd.log"
ok $? "SIGUSR1 logs the multicast filter"
kill -0 $XND_PID
ok $? "xennetd still running"
! grep -iE "error|warn|sanitizer" "$SE_DIR/xennetd.log" |
    grep -v "lost the xenstore connection; guests keep running"
ok $? "xennetd log has no errors"
[ -n "${XN_KEEP_LOGS:-}" ] && cp -r "$SE_DIR" "$XN_KEEP_LOGS"
done_testing
