#!/bin/bash
#
#
# Copyright (c) 2026 The xennetd authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
#
# t_carrier.sh: a guest that stops posting rx buffers (netfront-sim
# SIGTTIN) while frames wait for it stalls after rx-stall-timeout (1 s
# here, -T 1000): its tap shows NO-CARRIER, the frames that waited in the
# tap are dropped and counted (rx_carrier; the stall counted in SIGUSR1
# and xennetctl show stats), the other guest's traffic goes on; once it
# posts again (SIGTTOU) the carrier is back and pings flow.  A guest that
# only posts few buffers but keeps posting never stalls.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v jq > /dev/null || skip_all "jq not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
CTLBIN=$top_builddir/xennetctl/xennetctl

# carrier VIF: "no" if dom0 shows the tap NO-CARRIER, else "yes"
carrier() {
	if in_dom0 ip link show "$1" | grep -q NO-CARRIER; then
		echo no
	else
		echo yes
	fi
}
# answered REPLIES: "yes" if dom0 got replies (se_ping_lost), so that
# the way back was tried too
answered() { [ "${1:-0}" -gt 0 ] && echo yes || echo no; }
# replies LOST REPLIES FAILED: se_ping_lost's numbers for a TAP line
replies() { echo "($2 replies, $3 not built)"; }
# total VIF KEY: a counter of show stats -j, the vif's queues added up
total() {
	$CTL -j show stats "$1" | jq -r ".vifs[0].total.$2"
}

XND_ARGS="-T 1000" simenv_start
ok $? "xennetd -T 1000 (rx-stall-timeout 1 s) started"
LOG=$SE_DIR/xennetd.log
CTL="$CTLBIN -s $XENNET_SIM_DIR/xennetd.sock"
simenv_guest g1 1 2 --rx-post 16
ok $? "guest g1 (16 rx buffers posted) connected"
simenv_guest g2 2 3
ok $? "guest g2 connected"
grep -q "vif1.0: tx-batch .*, rx-stall-timeout 1000 (from" "$LOG"
ok $? "the vif's settings say rx-stall-timeout 1000"
is "vif1.0 has its carrier" yes "$(carrier vif1.0)"
is "show vifs -j: rx_stall_timeout_ms 1000, carrier true" "1000 true" \
    "$($CTL -j show vifs | jq -r '.vifs[] | select(.name == "vif1.0") |
    "\(.batch.rx_stall_timeout_ms) \(.carrier)"')"

# a frugal guest that keeps posting is never stalled
set -- $(se_ping_lost g1 2 200 0.005)
is "200 pings to g1 through 16 buffers: none lost $(replies "$@")" \
    "0 yes" "$1 $(answered "$2")"
is "no stall counted for it" 0 "$(total vif1.0 rx_carrier_off)"

# g1 stops posting; frames for it keep coming
kill -TTIN "$SE_NFPID_g1"
se_wait 5 grep -q "rx buffers: no more posted" "$SE_DIR/nf-g1.log"
ok $? "g1 posts no more rx buffers"
in_dom0 ping -q -i 0.02 -w 6 10.0.0.2 > "$SE_DIR/ping-stalled" 2>&1 &
PING=$!
se_wait 10 sh -c "ip netns exec $SE_NS0 ip link show vif1.0 | grep -q NO-CARRIER"
ok $? "after rx-stall-timeout vif1.0 shows NO-CARRIER"
grep -q "vif1.0: guest rx stalled (no rx buffers posted): carrier off" "$LOG"
ok $? "the stall is logged"
set -- $(se_ping_lost g2 3 20 0.05)
is "the other guest is unaffected: 20 pings to g2, none lost \
$(replies "$@")" \
    "0 yes" "$1 $(answered "$2")"
wait "$PING"
off=$(total vif1.0 rx_carrier_off)
drop=$(total vif1.0 drops.rx_carrier)
[ "${off:-0}" -ge 1 ]
ok $? "show stats counts the stall (rx_carrier_off $off)"
[ "${drop:-0}" -ge 1 ]
ok $? "the frames held for g1 were dropped and counted (rx_carrier $drop)"
is "show vifs -j: carrier false" false \
    "$($CTL -j show vifs | jq -r '.vifs[] | select(.name == "vif1.0") | .carrier')"
$CTL show vifs | grep -q "vif1.0 .*(no carrier)"
ok $? "show vifs says (no carrier)"
$CTL show stats vif1.0 | grep -q "carrier: off $off times"
ok $? "show stats prints the carrier line"
kill -USR1 "$XND_PID"
se_wait 10 grep -q "vif1.0: carrier off: off $off times" "$LOG"
ok $? "SIGUSR1 logs the carrier and its counters"
in_dom0 ping -q -c 5 -i 0.1 -W 1 10.0.0.2 > "$SE_DIR/ping-off" 2>&1
is "while stalled g1 gets nothing: 5 pings, all lost" 100 \
    "$(ping_loss "$SE_DIR/ping-off")"

# g1 posts again
kill -TTOU "$SE_NFPID_g1"
se_wait 10 sh -c "! ip netns exec $SE_NS0 ip link show vif1.0 | grep -q NO-CARRIER"
ok $? "g1 posts again: vif1.0 has its carrier back"
grep -q "vif1.0: guest rx ready again: carrier on" "$LOG"
ok $? "the recovery is logged"
[ "$(total vif1.0 rx_carrier_on)" -ge 1 ]
ok $? "show stats counts it (rx_carrier_on)"
se_wait 10 in_guest g1 ping -c 1 -W 1 10.0.0.1
set -- $(se_ping_lost g1 2 20 0.05)
is "traffic to g1 flows again: 20 pings, none lost $(replies "$@")" \
    "0 yes" "$1 $(answered "$2")"
kill -0 "$XND_PID"
ok $? "xennetd still runs"
done_testing
