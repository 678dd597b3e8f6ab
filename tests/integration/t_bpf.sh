#!/bin/bash
# Integration: a vif on the bpf port (xennetd -P bpf:IFNAME), in network
# namespaces (nothing leaves the machine).  One end of a veth pair is the
# interface the daemon attaches the guest to, in the simulated dom0; the
# other is the "LAN", a namespace with 10.0.1.1/24.  The guest (domid 1,
# netfront-sim, eth0 10.0.1.2/24, hotplug script vif-xennetd) must then:
# ping and be pinged, IPv4 and IPv6, up to 8000 octets; move iperf3 TCP
# both ways, its guest kernel sending checksum-offloaded and GSO frames
# (cut and completed in software) and the LAN's veth sending TSO frames
# with partial checksums (cut and completed towards the guest); carry a
# byte stream intact both ways (SHA-256 at both ends); hear nothing for
# other MACs and nothing of its own frames; and the port's counters show
# all that in the SIGUSR1 log.  No tap is created; one queue is offered.
# Last, a port on an interface that does not exist fails the vif alone,
# with the reason where xenbus drivers leave theirs.
. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 >/dev/null || skip_all "iperf3 not installed"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
IPERF_T=${IPERF_T:-5}
VETH=xb$$
MAC=00:16:3e:00:00:02
OTHER=02:00:00:00:00:99
LAN=$SE_PFX-lan
SCRIPT=$top_srcdir/etc/hotplug/vif-xennetd
in_lan() { ip netns exec "$LAN" "$@"; }
be=/local/domain/0/backend/vif/1/0

XND_ARGS="-P bpf:$VETH" simenv_start
ok $? "xenstored-sim and xennetd -P bpf:$VETH started"

# The LAN: a veth from the simulated dom0 into its own namespace.
ip netns add "$LAN" && SE_GUESTS="$SE_GUESTS lan" &&
    in_dom0 ip link add "$VETH" type veth peer name lan0 &&
    in_dom0 ip link set lan0 netns "$LAN" &&
    in_dom0 ip link set "$VETH" up &&
    in_lan ip link set lo up &&
    in_lan ip addr add 10.0.1.1/24 dev lan0 &&
    in_lan ip -6 addr add fd01::1/64 dev lan0 nodad &&
    in_lan ip link set lan0 up
ok $? "veth $VETH in dom0, its peer lan0 in namespace $LAN (10.0.1.1/24)"

in_dom0 "$SIM/xl-sim" create -n g1 -d 1 --vif "mac=$MAC,script=$SCRIPT" \
    > "$SE_DIR/xl-g1.log" 2>&1
ok $? "xl-sim create with vif 'mac=$MAC,script=vif-xennetd'"
"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
    --domid 1 --queues 4 --netns "$SE_PFX-g1" --ip 10.0.1.2/24 \
    --ip6 fd01::2/64 > "$SE_DIR/nf-g1.log" 2>&1 &
SE_PIDS="$SE_PIDS $!"
SE_GUESTS="$SE_GUESTS g1"
se_wait 20 in_guest g1 ping -c 1 -W 1 10.0.1.1
ok $? "the guest reaches the LAN through $VETH"
is "backend Connected" 4 "$(xenstore-read $be/state 2>&1)"
is "hotplug-status written by vif-xennetd" connected \
    "$(xenstore-read $be/hotplug-status 2>&1)"
is "one queue offered (multi-queue-max-queues)" 1 \
    "$(xenstore-read $be/multi-queue-max-queues 2>&1)"
nq=$(xenstore-read /local/domain/1/device/vif/0/multi-queue-num-queues \
    2>/dev/null || echo 1)
is "the guest, which would take 4 queues, uses 1" 1 "$nq"
! in_dom0 ip link show vif1.0 >/dev/null 2>&1
ok $? "no tap vif1.0 in dom0"
grep -q "vif1.0: no tap: on $VETH through bpf" "$SE_DIR/xennetd.log"
ok $? "the log says where the vif is"

# Watch the guest's eth0 for what must never come in: frames for another
# MAC, and its own frames echoed back.
in_guest g1 timeout 120 tcpdump -n -p -l -Q in -i eth0 \
    "ether dst $OTHER or ether src $MAC" > "$SE_DIR/echo.txt" \
    2> "$SE_DIR/echo.err" &
TD1=$!
in_dom0 timeout 120 tcpdump -n -p -l -Q in -i "$VETH" "ether dst $OTHER" \
    > "$SE_DIR/other.txt" 2> "$SE_DIR/other.err" &
TD2=$!
se_wait 5 grep -q listening "$SE_DIR/echo.err"
se_wait 5 grep -q listening "$SE_DIR/other.err"

for size in 56 1472 8000; do
	in_guest g1 ping -c 3 -i 0.2 -W 2 -s $size 10.0.1.1 >/dev/null 2>&1
	ok $? "ping guest -> LAN size $size"
	in_lan ping -c 3 -i 0.2 -W 2 -s $size 10.0.1.2 >/dev/null 2>&1
	ok $? "ping LAN -> guest size $size"
	in_guest g1 ping -6 -c 3 -i 0.2 -W 2 -s $size fd01::1 >/dev/null 2>&1
	ok $? "ping6 guest -> LAN size $size"
	in_lan ping -6 -c 3 -i 0.2 -W 2 -s $size fd01::2 >/dev/null 2>&1
	ok $? "ping6 LAN -> guest size $size"
done
in_guest g1 ping -b -c 3 -i 0.2 -W 1 10.0.1.255 >/dev/null 2>&1
diag "a broadcast ping from the guest (the LAN ignores those: status $?)"

# Frames for a MAC that is not the guest's: the LAN sends them, the
# interface sees them, the guest must not.
in_lan ip neigh replace 10.0.1.99 lladdr "$OTHER" dev lan0 nud permanent
in_lan ping -c 20 -i 0.05 -W 1 10.0.1.99 >/dev/null 2>&1

# --- iperf3 TCP both ways ---
iperf_mbps() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
if "error" in d: sys.exit(1)
print("%.0f" % (d["end"]["sum_received"]["bits_per_second"]/1e6))' "$1"
}
in_lan iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-lan.pid"
in_guest g1 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-g1.pid"
sleep 0.5
for t in "g1 10.0.1.1 guest->LAN" "g1 10.0.1.1 LAN->guest -R" \
    "lan fd01::2 LAN->guest(IPv6)" "lan fd01::2 guest->LAN(IPv6) -R"; do
	set -- $t
	if [ "$1" = lan ]; then run=in_lan; else run="in_guest $1"; fi
	$run timeout $((IPERF_T + 30)) iperf3 -c "$2" -t "$IPERF_T" -J $4 \
	    > "$SE_DIR/iperf.json" 2>&1
	m=$(iperf_mbps "$SE_DIR/iperf.json" 2>/dev/null)
	ok $? "iperf3 TCP ${IPERF_T}s $3: ${m:-failed} Mbit/s"
done

# --- a byte stream checked end to end (TCP checksums alone would not
# catch segments cut from the wrong place: they are computed after) ---
stream() { # NS-CMD... : serve once on 5301, print the SHA-256 of what came
	"$@" python3 -c '
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5301)); s.listen(1); s.settimeout(60)
c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256()
while True:
	b = c.recv(1 << 16)
	if not b: break
	h.update(b)
print(h.hexdigest())' "$ADDR"
}
send() { # DEST NS-CMD... : send 24 MiB of seeded random bytes, print SHA-256
	local dst=$1; shift
	"$@" python3 -c '
import hashlib, random, socket, sys, time
r = random.Random(13); h = hashlib.sha256()
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
for i in range(50):
	try:
		s = socket.create_connection((sys.argv[1], 5301), 10); break
	except OSError:
		time.sleep(0.1)
for i in range(96):
	b = r.randbytes(1 << 18); h.update(b); s.sendall(b)
s.close(); print(h.hexdigest())' "$dst"
}
for t in "10.0.1.1 lan g1 guest->LAN" "10.0.1.2 g1 lan LAN->guest" \
    "fd01::2 g1 lan LAN->guest(IPv6)"; do
	set -- $t
	ADDR=$1
	if [ "$2" = lan ]; then rs=in_lan; else rs="in_guest $2"; fi
	if [ "$3" = lan ]; then rc=in_lan; else rc="in_guest $3"; fi
	stream $rs > "$SE_DIR/sum.recv" 2>&1 &
	SP=$!
	sleep 0.5
	sent=$(send "$1" $rc 2>&1)
	wait $SP
	got=$(cat "$SE_DIR/sum.recv")
	is "24 MiB $4 arrive intact (SHA-256)" "$sent" "$got"
done

sleep 1
kill $TD1 $TD2 2>/dev/null
wait $TD1 $TD2 2>/dev/null
n_other=$(grep -c . "$SE_DIR/other.txt")
[ "$n_other" -ge 20 ]
ok $? "$VETH received $n_other frames for $OTHER"
n_echo=$(grep -c . "$SE_DIR/echo.txt")
is "none of them reached the guest, nor any of its own frames" 0 "$n_echo"
[ "$n_echo" = 0 ] || diag "$(head -5 "$SE_DIR/echo.txt")"

# --- counters ---
kill -USR1 "$XND_PID"
se_wait 5 grep -q ": bpf on $VETH: " "$SE_DIR/xennetd.log"
ok $? "SIGUSR1: the bpf port's counters are logged"
line=$(grep ": bpf on $VETH: " "$SE_DIR/xennetd.log" | tail -1)
diag "${line#*: }"
num() { echo "$line" | sed -n "s/.*$1 \([0-9]*\).*/\1/p"; }
[ "$(num captured)" -gt 1000 ] && [ "$(num injected)" -gt 1000 ]
ok $? "frames captured ($(num captured)) and injected ($(num injected))"
[ "$(num "(segments")" -gt 0 ]
ok $? "the guest's GSO frames were cut: $(num "(segments") segments injected"
[ "$(num cut)" -gt 0 ] && [ "$(num into)" -gt "$(num cut)" ]
ok $? "the LAN's TSO frames were cut for the guest: $(num cut) into $(num into) segments"
[ "$(num "checksums completed")" -gt 0 ]
ok $? "partial checksums from the LAN completed: $(num "checksums completed")"
is "no failed capture, nothing truncated, no failed injection" "0 0 0" \
    "$(num "failed captures") $(num truncated) $(num failed)"

# --- the interface's queue drops: ENOBUFS, for real ---
# (a packet socket's send fails with ENOBUFS when the qdisc drops)
in_dom0 tc qdisc add dev "$VETH" root pfifo limit 0
ok $? "a qdisc that drops everything on $VETH (pfifo limit 0)"
in_guest g1 ping -c 10 -i 0.1 -W 1 10.0.1.1 > "$SE_DIR/ping-nobufs" 2>&1
is "the guest's frames are refused: no reply" 100 \
    "$(ping_loss "$SE_DIR/ping-nobufs")"
se_wait 5 grep -q "the host refused .*(ENOBUFS)" "$SE_DIR/xennetd.log"
is "one log line about it (rate limited), not one a frame" 1 \
    "$(grep -c "the host refused .*(ENOBUFS)" "$SE_DIR/xennetd.log")"
in_dom0 tc qdisc del dev "$VETH" root
se_wait 10 in_guest g1 ping -c 1 -W 1 10.0.1.1
ok $? "the qdisc gone, the guest reaches the LAN again (recovered)"
is "the vif stayed Connected" 4 "$(xenstore-read $be/state 2>&1)"
kill -USR1 "$XND_PID"
se_wait 5 sh -c "[ \$(grep -c ': bpf on $VETH: ' '$SE_DIR/xennetd.log') -ge 2 ]"
line=$(grep ": bpf on $VETH: " "$SE_DIR/xennetd.log" | tail -1)
[ "$(num "buffer space")" -ge 10 ] 2> /dev/null
ok $? "counted: $(num "buffer space") injections refused for no buffer space"

# --- the guest goes; the port with it ---
in_dom0 "$SIM/xl-sim" destroy g1 > "$SE_DIR/xl-destroy.log" 2>&1
ok $? "xl-sim destroy g1"
! xenstore-exists $be
ok $? "its backend directory is gone"
kill -0 "$XND_PID"
ok $? "xennetd still runs"

# --- a port on an interface that is not there fails that vif only ---
kill -TERM "$XND_PID"
se_wait 5 sh -c "! kill -0 $XND_PID"
ok $? "SIGTERM: xennetd exits"
! grep -q "Sanitizer" "$SE_DIR/xennetd.log"
ok $? "no sanitizer report in its log (--enable-asan builds)"
ip netns exec "$SE_NS0" "$XENNETD" -d -v -S -s "$XENNET_SIM_DIR" \
    $(xnd_nosandbox) -P bpf:nosuch$$ > "$SE_DIR/xennetd2.log" 2>&1 &
XND_PID=$!
SE_PIDS="$SE_PIDS $XND_PID"
se_wait 10 grep -q started "$SE_DIR/xennetd2.log"
ok $? "xennetd -P bpf:nosuch$$ started"
# xl-sim waits for InitWait, which never comes, then gives up and
# removes the vif: look while it waits
in_dom0 "$SIM/xl-sim" create -n g2 -d 2 --vif "mac=$MAC,script=$SCRIPT" \
    > "$SE_DIR/xl-g2.log" 2>&1 &
XL2=$!
errp=/local/domain/0/error/backend/vif/2/0/error
se_wait 10 xenstore-exists $errp
err=$(xenstore-read $errp 2>&1)
echo "$err" | grep -q "cannot open bpf port on nosuch$$"
ok $? "the vif is refused, the reason in error/backend/vif/2/0/error: $err"
wait $XL2
rc=$?
[ $rc != 0 ]
ok $? "xl-sim create fails (status $rc) as xl would"
! xenstore-exists /local/domain/0/backend/vif/2/0
ok $? "and the vif is gone"
kill -0 "$XND_PID"
ok $? "xennetd still runs"

done_testing
