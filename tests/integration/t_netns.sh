#!/bin/bash
# Integration: xennetd in sim mode serving two simulated guests with real
# network stacks, all in network namespaces (nothing leaves the machine):
# ping every pair (IPv4, IPv6, up to 8000 bytes), iperf3 both ways
# guest<->dom0 and guest<->guest, a second vif attached and detached while
# traffic runs on the first, a guest destroyed in the middle of an iperf3
# run while the other's run completes; then nothing of the dead guest is
# left (backend dir, tap, mappings) and the daemon's fds and memory are
# back where they were.
. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 >/dev/null || skip_all "iperf3 not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
IPERF_T=${IPERF_T:-10}

simenv_start; ok $? "xenstored-sim and xennetd started"
simenv_guest g1 1 2; ok $? "guest g1 (domid 1) created and reaches dom0"
simenv_guest g2 2 3; ok $? "guest g2 (domid 2) created and reaches dom0"

# --- ping every pair, IPv4 and IPv6, sizes up to 8000 ---
pingv() { # NS-CMD... -- DEST SIZE
	"$@" >/dev/null 2>&1
}
for size in 56 1472 8000; do
	for pair in "dom0 10.0.0.2" "dom0 10.0.0.3" "g1 10.0.0.1" "g1 10.0.0.3" \
	    "g2 10.0.0.1" "g2 10.0.0.2"; do
		set -- $pair
		if [ "$1" = dom0 ]; then run=in_dom0; else run="in_guest $1"; fi
		$run ping -c 2 -i 0.2 -W 2 -s $size "$2" >/dev/null 2>&1
		ok $? "ping $1 -> $2 size $size"
	done
	for pair in "dom0 fd00::2" "g1 fd00::3" "g2 fd00::1"; do
		set -- $pair
		if [ "$1" = dom0 ]; then run=in_dom0; else run="in_guest $1"; fi
		$run ping -6 -c 2 -i 0.2 -W 2 -s $size "$2" >/dev/null 2>&1
		ok $? "ping6 $1 -> $2 size $size"
	done
done

# --- a frontend xennetd must refuse: no request-rx-copy (page flipping) ---
in_dom0 "$SIM/xl-sim" create -n g3 -d 3 --vif "mac=00:16:3e:00:00:04,bridge=xenbr0" \
    > "$SE_DIR/xl-g3.log" 2>&1
ok $? "guest g3 (domid 3) created"
"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
    --domid 3 --no-rx-copy --persist > "$SE_DIR/nf-g3.log" 2>&1 &
SE_PIDS="$SE_PIDS $!"
se_wait 10 sh -c '[ "$(xenstore-read /local/domain/0/backend/vif/3/0/state)" -ge 5 ]'
ok $? "xennetd refused g3's vif (backend Closing/Closed)"
err=$(xenstore-read /local/domain/0/error/backend/vif/3/0/error 2>&1)
echo "$err" | grep -q "request-rx-copy"
ok $? "the reason is in error/backend/vif/3/0/error: $err"
in_guest g1 ping -c 2 -i 0.2 -W 2 10.0.0.3 >/dev/null
ok $? "g1 and g2 unaffected"
in_dom0 "$SIM/xl-sim" destroy g3 > "$SE_DIR/xl-g3-destroy.log" 2>&1
ok $? "g3 destroyed"
! xenstore-exists /local/domain/0/error/backend/vif/3/0
ok $? "its error node went with the vif"

# --- guest driver reload: the frontend closes, a new instance reconnects ---
kill -TERM "$SE_NFPID_g1"
se_wait 15 sh -c "! kill -0 $SE_NFPID_g1 2>/dev/null"
ok $? "g1's netfront closed its device and exited"
be1=/local/domain/0/backend/vif/1/0
se_wait 5 sh -c "[ \"\$(xenstore-read $be1/state)\" = 6 ]"
ok $? "xennetd answered with Closed (6)"
"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
    --domid 1 --netns "$SE_PFX-g1" --ip 10.0.0.2/24 --ip6 fd00::2/64 \
    > "$SE_DIR/nf-g1-reload.log" 2>&1 &
SE_PIDS="$SE_PIDS $!"
se_wait 20 in_guest g1 ping -c 1 -W 1 10.0.0.3
ok $? "reloaded g1 frontend reconnected (Initialising -> InitWait -> Connected), reaches g2"
[ "$(xenstore-read $be1/state)" = 4 ]
ok $? "backend vif1.0 Connected again"

# --- iperf3 ---
in_dom0 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-dom0.pid"
in_guest g2 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-g2.pid"
in_dom0 iperf3 -s -D -p 5202 -I "$SE_DIR/iperf-dom0b.pid"
sleep 0.5
for t in "g1 10.0.0.1 guest->dom0" "g1 10.0.0.1 dom0->guest -R" \
    "g1 10.0.0.3 guest->guest" "g1 10.0.0.3 guest<-guest -R"; do
	set -- $t
	in_guest "$1" timeout $((IPERF_T + 30)) iperf3 -c "$2" -t "$IPERF_T" \
	    -J $4 > "$SE_DIR/iperf.json" 2>&1
	iperf_ok "$SE_DIR/iperf.json" "iperf3 TCP ${IPERF_T}s $3"
done

# --- second vif attached to g1 and detached while g1's eth0 carries traffic ---
in_dom0 ip addr add 10.0.1.1/24 dev xenbr0
# Two NICs of one guest on one bridge: answer ARP only on the NIC that
# owns the address, or dom0 may learn eth1's MAC for 10.0.0.2 (ARP flux)
# and lose g1's traffic when eth1 goes.
in_guest g1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
    net.ipv4.conf.all.arp_announce=2
simenv_attach g1 1
ok $? "xl-sim network-attach g1 (devid 1)"
NF2=$SE_ATTACH_PID
se_wait 20 in_guest g1 ping -c 1 -W 1 -I eth1 10.0.1.1
ok $? "second vif vif1.1 carries traffic (ping over eth1)"
in_guest g1 timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -t "$IPERF_T" -J \
    > "$SE_DIR/iperf-detach.json" 2>&1 &
IP1=$!
sleep $((IPERF_T / 3))
in_dom0 "$SIM/xl-sim" network-detach g1 1 > "$SE_DIR/xl-detach.log" 2>&1
ok $? "xl-sim network-detach g1 1 while eth0 carries iperf3"
wait $IP1
iperf_ok "$SE_DIR/iperf-detach.json" \
    "iperf3 on vif1.0 completed across the detach of vif1.1"
! xenstore-exists /local/domain/0/backend/vif/1/1
ok $? "backend dir of vif1.1 removed"
! in_dom0 ip link show vif1.1 >/dev/null 2>&1
ok $? "tap vif1.1 removed"
se_wait 5 sh -c "! kill -0 $NF2 2>/dev/null"
ok $? "the guest's second netfront saw its device go"

# --- destroy g2 in the middle of two iperf3 runs; g1's must complete ---
fds() { ls /proc/$XND_PID/fd | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' /proc/$XND_PID/status; }
maps() { grep -c "$XENNET_SIM_DIR/dom$1" /proc/$XND_PID/maps; }
fd0=$(fds)
in_guest g1 timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -p 5201 -t "$IPERF_T" -J \
    > "$SE_DIR/iperf-g1.json" 2>&1 &
IP1=$!
in_guest g2 timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -p 5202 -t "$IPERF_T" -J \
    > "$SE_DIR/iperf-g2.json" 2>&1 &
IP2=$!
sleep $((IPERF_T / 3))
[ "$(maps 2)" -gt 0 ]
ok $? "xennetd has g2's ring pages mapped while it runs ($(maps 2) mappings)"
t0=$(date +%s%N)
in_dom0 "$SIM/xl-sim" destroy g2 > "$SE_DIR/xl-destroy.log" 2>&1
rc=$?
t1=$(date +%s%N)
ok $rc "xl-sim destroy g2 mid-iperf3 took $(( (t1 - t0) / 1000000 )) ms"
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ]
ok $? "destroy answered in under 2 s (no libxl timeout)"
wait $IP1
iperf_ok "$SE_DIR/iperf-g1.json" "g1's iperf3 run completed while g2 died"
wait $IP2
! xenstore-exists /local/domain/0/backend/vif/2
ok $? "g2's backend directory is gone"
! in_dom0 ip link show vif2.0 >/dev/null 2>&1
ok $? "tap vif2.0 is gone"
[ "$(maps 2)" = 0 ]
ok $? "no mapping of g2's memory left in xennetd"
kill -0 $XND_PID
ok $? "xennetd still running"
[ "$(fds)" -lt "$fd0" ]
ok $? "xennetd fd count dropped after destroy ($fd0 -> $(fds))"
in_guest g1 ping -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null
ok $? "g1 still reaches dom0"

# "Back where they were": the simulated hypervisor handles of the two
# workers open some files lazily (a map log, the peer's port table) the
# first time they serve a domain, so warm both up with one more
# create/destroy cycle, take the baseline, then run two more cycles: a
# per-vif leak of one fd or one ring buffer would show.
g2_cycle() {
	simenv_guest g2 2 3 &&
	in_guest g2 ping -c 20 -i 0.05 -s 8000 10.0.0.1 >/dev/null &&
	in_dom0 "$SIM/xl-sim" destroy g2 >> "$SE_DIR/xl-destroy2.log" 2>&1 &&
	sleep 0.5
}
g2_cycle; ok $? "g2 created, used and destroyed again (warm-up)"
fdb=$(fds); rssb=$(rss)
g2_cycle && g2_cycle; ok $? "two more create/use/destroy cycles of g2"
fda=$(fds); rssa=$(rss)
[ "$fda" = "$fdb" ]
ok $? "xennetd fd count back where it was ($fdb -> $fda)"
[ $((rssa - rssb)) -lt 2048 ]
ok $? "xennetd memory back where it was (VmRSS $rssb kB -> $rssa kB)"

kill -USR1 $XND_PID; sleep 0.3
grep -q "hypercalls: copy" "$SE_DIR/xennetd.log"
ok $? "SIGUSR1 logs per-vif counters"
diag "iperf3 (Gbit/s): $(tr '\n' ';' < "$SE_DIR/iperf-results")"
grep "vif1.0: \(guest\|hyper\|batches\|tap\)" "$SE_DIR/xennetd.log" | tail -4 |
    sed 's/^/# /'
! grep -iE "error|warn|sanitizer" "$SE_DIR/xennetd.log" |
    grep -v "vif2\.\|vif3\.0: frontend does not set request-rx-copy"
ok $? "xennetd log has no errors (but the expected ones of g2 and g3)"
[ -n "${XN_KEEP_LOGS:-}" ] && cp -r "$SE_DIR" "$XN_KEEP_LOGS"
done_testing
