#!/bin/bash
# Integration: the control ring (netif.h "Control ring") with a simulated
# frontend (netfront-sim --ctrl FILE; Linux netfront uses no control
# ring, so only the simulator drives it).  xennetd advertises
# feature-ctrl-ring; a 2-queue guest sets the Toeplitz key, the hash
# types and a mapping table that sends every flow to queue 1: the
# daemon's per-queue counters show queue 1 receiving the guest's
# traffic, with a hash extra on each frame that the simulator checks
# against netif.h's own Toeplitz function.  A new table moves the flows
# to queue 0.  Malformed requests get the error statuses netif.h gives
# them and the vif keeps working; a frontend that publishes an
# impossible control ring index loses its vif (Closing, the reason in
# the error node), the other guests do not notice.
. "$top_srcdir/tests/lib.sh"
need_netns
for c in xenstore-read iperf3 jq; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
XND_ARGS="-w 2 -q 4"
BE=/local/domain/0/backend/vif
CTLBIN=$top_builddir/xennetctl/xennetctl

simenv_start; ok $? "xenstored-sim and xennetd -w 2 -q 4 started"
CTL="$CTLBIN -s $XENNET_SIM_DIR/xennetd.sock"
CF=$SE_DIR/ctrl-g1
cat > "$CF" <<'CMDS'
alg toeplitz
flags 15
key ms
mapsize 8
map 1,1,1,1,1,1,1,1
CMDS
simenv_guest g1 1 2 --queues 2 --ctrl "$CF"
ok $? "guest g1 (2 queues, a control ring) connected, reaches dom0"
simenv_guest g2 2 3 --queues 2
ok $? "guest g2 (2 queues, no control ring) connected"

for k in feature-ctrl-ring feature-multicast-control \
    feature-dynamic-multicast-control; do
	is "backend advertises $k" 1 "$(xenstore-read $BE/1/0/$k)"
done
FE1=/local/domain/1/device/vif/0
xenstore-read $FE1/ctrl-ring-ref >/dev/null &&
    xenstore-read $FE1/event-channel-ctrl >/dev/null
ok $? "g1 wrote ctrl-ring-ref and event-channel-ctrl"

# nfstat GUEST NAME: a counter of netfront-sim (SIGUSR1 prints them)
nfstat() {
	local pid
	eval "pid=\$SE_NFPID_$1"
	kill -USR1 "$pid"
	sleep 0.3
	grep "^stat $2 " "$SE_DIR/nf-$1.log" | tail -n 1 | awk '{ print $3 }'
}
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].ctrl.requests)\" = 5 ]"
ok $? "the 5 set-up requests were answered ($(xnd_stat vif1.0 .ctrl.requests))"
is "all of them SUCCESS" 0 "$(xnd_stat vif1.0 .ctrl.errors)"
is "the simulator got every status it expected" 0 \
    "$(nfstat g1 ctrl_unexpected)"
is "vif1.0's connected control ring is in show stats" true \
    "$(xnd_stat vif1.0 .ctrl.connected)"
is "vif2.0 has no control ring" false "$(xnd_stat vif2.0 .ctrl.connected)"
grep -A3 "vif1.0: connected: 2 queues" "$SE_DIR/xennetd.log" |
    grep "queue [01]: rings" | awk '{ print $NF }' | sort -u | wc -l |
    grep -qx 1
ok $? "vif1.0's two queues run on one worker (frames move between them)"

# rxq VIF Q: guest-rx packets of queue Q
rxq() { xnd_stat "$1" ".queues[$2].rx_packets"; }
# traffic GUEST IP: dom0 -> guest, 4 TCP flows for 2 s
traffic() {
	in_guest "$1" iperf3 -s -D -1 -p 5201 -I "$SE_DIR/iperf-$1.pid"
	sleep 0.5
	in_dom0 timeout 30 iperf3 -c "$2" -t 2 -P 4 -J \
	    > "$SE_DIR/iperf.json" 2>&1
}
a0=$(rxq vif1.0 0); a1=$(rxq vif1.0 1)
traffic g1 10.0.0.2
iperf_ok "$SE_DIR/iperf.json" "iperf3 -P 4 dom0 -> g1"
b0=$(rxq vif1.0 0); b1=$(rxq vif1.0 1)
d0=$((b0 - a0)); d1=$((b1 - a1))
[ "$d1" -gt 1000 ] && [ "$d0" -le 20 ]
ok $? "a table of queue 1 only: queue 1 receives the flows (queue 0 $d0, queue 1 $d1 frames)"
h=$(xnd_stat vif1.0 .total.rx_hash)
[ "$h" -ge "$d1" ]
ok $? "each frame carried a hash extra ($h)"
ok=$(nfstat g1 rx_hash_ok); bad=$(nfstat g1 rx_hash_bad)
[ "${ok:-0}" -gt 1000 ] && [ "${bad:-1}" = 0 ]
ok $? "the simulator checked them against netif.h's Toeplitz: $ok right, $bad wrong"
diag "frames the daemon moved to their hash's queue: $(xnd_stat vif1.0 .total.rx_steered)"

# --- a new table moves the flows ---
printf 'map 0,0,0,0,0,0,0,0\n' > "$CF"
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].ctrl.requests)\" = 6 ]"
ok $? "SIGHUP: the simulator sent the new table"
a0=$(rxq vif1.0 0); a1=$(rxq vif1.0 1)
traffic g1 10.0.0.2
iperf_ok "$SE_DIR/iperf.json" "iperf3 -P 4 dom0 -> g1 again"
d0=$(($(rxq vif1.0 0) - a0)); d1=$(($(rxq vif1.0 1) - a1))
[ "$d0" -gt 1000 ] && [ "$d1" -le 20 ]
ok $? "a table of queue 0 only: the flows move to queue 0 (queue 0 $d0, queue 1 $d1 frames)"

# --- garbage: every request answered with its error status ---
# raw TYPE D0 D1 D2 STATUS (1 NOT_SUPPORTED, 2 INVALID_PARAMETER,
# 3 BUFFER_OVERFLOW); the simulator counts answers it did not expect
cat > "$CF" <<'CMDS'
raw 0 0 0 0 1
raw 999 1 2 3 1
raw 7 5 0 0 2
raw 2 4096 0 0 2
raw 3 0 41 0 3
raw 3 99999 16 0 2
raw 5 129 0 0 2
raw 6 0 200 0 3
raw 6 0 4 6 2
raw 6 99999 4 0 2
raw 8 2 0 0 2
raw 9 0 0 1 1
raw 10 0 0 1 1
raw 1 0 0 7 2
mapsize 4
map 1,1,0,1
CMDS
kill -HUP "$SE_NFPID_g1"
se_wait 10 sh -c "[ \"\$($CTL -j show stats vif1.0 | jq .vifs[0].ctrl.requests)\" = 22 ]"
ok $? "SIGHUP: 16 more requests answered ($(xnd_stat vif1.0 .ctrl.requests))"
is "each got the status netif.h gives it (simulator: unexpected answers)" 0 \
    "$(nfstat g1 ctrl_unexpected)"
is "the daemon counts 14 errors" 14 "$(xnd_stat vif1.0 .ctrl.errors)"
is "  of them not_supported 4, invalid_parameter 8, buffer_overflow 2" \
    "4 8 2" "$(xnd_stat vif1.0 '.ctrl | "\(.not_supported) \(.invalid_parameter) \(.buffer_overflow)"')"
is "vif1.0 is still Connected" 4 "$(xenstore-read $BE/1/0/state)"
in_dom0 ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null
ok $? "and g1 still answers pings"

# --- an impossible control ring index: only that vif goes ---
printf 'bad-index\n' > "$SE_DIR/ctrl-g3"
SE_GUEST_WAIT=0 simenv_guest g3 3 4 --queues 2 --ctrl "$SE_DIR/ctrl-g3"
se_wait 10 sh -c "[ \"\$(xenstore-read $BE/3/0/state)\" -ge 5 ]"
ok $? "g3 published a control req_prod beyond the ring: vif3.0 Closing"
err=$(xenstore-read /local/domain/0/error/backend/vif/3/0/error)
echo "$err" | grep -q "control ring: ctrl req_prod beyond the ring"
ok $? "the reason is in the error node: $err"
is "index faults counted" 1 "$(xnd_stat vif3.0 .ctrl.index_faults)"
in_dom0 ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null &&
    in_dom0 ping -c 2 -i 0.2 -W 2 10.0.0.3 >/dev/null
ok $? "g1 and g2 unaffected"

kill -USR1 $XND_PID
se_wait 5 grep -q "vif1.0: control ring: connected, requests 22" \
    "$SE_DIR/xennetd.log"
ok $? "SIGUSR1 logs the control ring's counters"
kill -0 $XND_PID
ok $? "xennetd still running"
! grep -iE "error|warn|sanitizer" "$SE_DIR/xennetd.log" |
    grep -v "vif3\.0: frontend broke the netif protocol (control ring: "
ok $? "xennetd log has no errors (but vif3.0's)"
[ -n "${XN_KEEP_LOGS:-}" ] && cp -r "$SE_DIR" "$XN_KEEP_LOGS"
done_testing
