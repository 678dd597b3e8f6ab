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
# t_faults.sh: faults around a running daemon (issue 14, item 5), while an
# honest guest (g1) pings dom0 the whole time; after each fault g1 must
# still reach dom0 without a loss (its loss over the whole run is shown:
# on a loaded machine the simulated guests themselves stall):
#   - a guest destroyed in the middle of traffic, FAULT_CYCLES times
#     (default 100): the daemon's fds, threads, mappings and memory are
#     measured after a warm-up and again at the end and must not grow;
#   - a vif's tap deleted under the daemon while traffic runs: the vif is
#     given up with its reason in the error node, not spun on; the
#     daemon and g1 go on;
#   - the bridge of a vif removed: its guest is cut off, the daemon says
#     so once (it watches its taps through rtnetlink) and leaves the vif
#     connected; with the tap on a bridge again, that is said and the
#     guest's traffic flows again, without a reconnection;
#   - a tap that refuses the guest's frames with ENOBUFS (injected: a
#     tap never does; --enable-debug builds, daemon/fault.c): the
#     frames are dropped and counted (port tx_nobufs), one log line
#     says so, not one a frame; the guest recovers when the tap takes
#     frames again; g1 is not affected;
#   - the xenstore connection dropped (tests/sim/xs-proxy.py; xenstored
#     keeps its data, as across a live update): traffic goes on, the
#     daemon reconnects, and a guest created meanwhile is served;
#   - at the end a clean SIGTERM, and in an ASan build LeakSanitizer
#     finds no leak in the daemon (tests/ci.sh --enable-asan).

. "$top_srcdir/tests/lib.sh"
need_netns
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap simenv_stop EXIT
CYCLES=${FAULT_CYCLES:-100}
BE=/local/domain/0/backend/vif

# Under ASan, freed memory waits in a quarantine (256 MB) before reuse:
# RSS would grow with every cycle without a leak.  A small one keeps the
# memory check about the daemon.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
# the fault injection's switches (daemon/fault.c): a file per tap
FAULTS=$(grep -q -- -DXENNET_FAULTS "$top_builddir/Makefile" && echo 1)
export XENNET_FAULT_ENOBUFS=/tmp/xennetd-faults.$$
mkdir -p "$XENNET_FAULT_ENOBUFS"
trap 'simenv_stop; rm -rf "$XENNET_FAULT_ENOBUFS"' EXIT
SE_XS_PROXY=1 XND_ARGS="-w 1" simenv_start
ok $? "xennetd started"
CTL="$top_builddir/xennetctl/xennetctl -s $XENNET_SIM_DIR/xennetd.sock"
simenv_guest g1 1 2
ok $? "honest guest g1 connected"
# not through in_guest: $! must be ping itself (ip execs it); -w: a bound
ip netns exec "$SE_PFX-g1" ping -i 0.1 -W 2 -w 1200 10.0.0.1 \
    > "$SE_DIR/ping-g1" 2>&1 &
PING=$!
SE_PIDS="$SE_PIDS $PING"

# cycle: g2 created, sent 200 frames/s from dom0, destroyed while they
# run (not a ping -f: once g2 is gone the bridge floods its frames to
# every port, g1's too, and a flood there would be the test's own doing)
cycle() {
	local fl
	simenv_guest g2 2 3 || return 1
	in_dom0 ping -i 0.005 -s 1400 -w 5 10.0.0.3 > /dev/null 2>&1 &
	fl=$!
	sleep 0.2
	in_dom0 "$SIM/xl-sim" destroy g2 >> "$SE_DIR/xl-destroy.log" 2>&1
	local rc=$?
	kill $fl 2> /dev/null
	wait $fl 2> /dev/null
	return $rc
}
# g1_ok PHASE: g1 reaches dom0, 3 pings out of 3
g1_ok() {
	in_guest g1 ping -c 3 -i 0.2 -W 2 10.0.0.1 > /dev/null
	ok $? "$1: g1 still reaches dom0 (3/3)"
}
# stat_line: fds threads mappings rss
stat_line() { echo "$(xnd_fds) $(xnd_threads) $(xnd_maps) $(xnd_rss)"; }

for i in 1 2 3; do cycle || break; done
ok $? "warm-up: 3 create/flood/destroy cycles of g2"
set -- $(stat_line)
fd0=$1 th0=$2 mp0=$3 rs0=$4
failed=0
for i in $(seq "$CYCLES"); do
	cycle || { failed=$i; break; }
done
is "$CYCLES cycles of g2 destroyed in the middle of a flood" 0 "$failed"
if [ "$failed" != 0 ]; then
	diag "xl-sim: $(tail -n 3 "$SE_DIR/xl-g2.log" "$SE_DIR/xl-destroy.log" | tr '\n' ' ')"
	diag "netfront-sim: $(tail -n 3 "$SE_DIR/nf-g2.log" | tr '\n' ' ')"
	grep "vif2\.0\|warn" "$SE_DIR/xennetd.log" | tail -n 8 | sed 's/^/# /'
fi
sleep 1
set -- $(stat_line)
diag "before: fds $fd0 threads $th0 mappings $mp0 VmRSS $rs0 kB"
diag "after:  fds $1 threads $2 mappings $3 VmRSS $4 kB"
[ "$1" -le "$fd0" ]
ok $? "fds did not grow ($fd0 -> $1)"
is "threads back where they were" "$th0" "$2"
[ "$3" -le $((mp0 + 4)) ]
ok $? "mappings did not grow ($mp0 -> $3; malloc may add an arena or two)"
[ $(($4 - rs0)) -lt 4096 ]
ok $? "memory did not grow by 4 MiB or more ($rs0 -> $4 kB)"
[ "$(xnd_maps 2)" = 0 ]
ok $? "nothing of g2's memory is mapped"
! xenstore-exists $BE/2
ok $? "no backend directory of g2 left"
g1_ok "after $CYCLES destroys"

# --- the tap deleted under the daemon ---
simenv_guest g3 3 4
ok $? "guest g3 connected"
in_dom0 ping -i 0.005 -s 1400 -w 8 10.0.0.4 > /dev/null 2>&1 &
FL=$!
sleep 0.5
cpu0=$(awk '{ print $14 + $15 }' /proc/$XND_PID/stat)
in_dom0 ip link del vif3.0
ok $? "tap vif3.0 deleted under the daemon"
se_wait 10 sh -c "[ \"\$(xenstore-read $BE/3/0/state 2>/dev/null)\" -ge 5 ]"
ok $? "vif3.0 given up: Closing or Closed ($(xenstore-read $BE/3/0/state 2>/dev/null))"
err=$(xenstore-read /local/domain/0/error/backend/vif/3/0/error 2>/dev/null)
[ -n "$err" ]
ok $? "the reason is in its error node: $err"
sleep 3
cpu1=$(awk '{ print $14 + $15 }' /proc/$XND_PID/stat)
hz=$(getconf CLK_TCK)
# 3 s with a flood at a gone tap: a spinning worker would use 3 s
[ $((cpu1 - cpu0)) -lt $((hz * 3 / 2)) ]
ok $? "the daemon does not spin on the lost tap ($(( (cpu1 - cpu0) * 1000 / hz )) ms of CPU in ~4 s)"
kill $FL 2> /dev/null
wait $FL 2> /dev/null
grep -c "vif3.0" "$SE_DIR/xennetd.log" > "$SE_DIR/n3"
[ "$(cat "$SE_DIR/n3")" -lt 20 ]
ok $? "a few log lines about it, not one per frame ($(cat "$SE_DIR/n3"))"
in_dom0 "$SIM/xl-sim" destroy g3 > /dev/null 2>&1
ok $? "g3 destroyed"
g1_ok "after the lost tap"

# --- the bridge of a vif removed ---
simenv_guest g4 4 5
ok $? "guest g4 connected"
in_dom0 ip link add xenbr1 type bridge
in_dom0 ip link set xenbr1 up
in_dom0 ip link set vif4.0 nomaster
in_dom0 ip link set vif4.0 master xenbr1
sleep 0.5	# the daemon's reports of these moves come before n0
n0=$(wc -l < "$SE_DIR/xennetd.log")
in_dom0 ip link del xenbr1
ok $? "g4's vif moved to bridge xenbr1, which was then removed"
! in_guest g4 ping -c 2 -W 1 10.0.0.1 > /dev/null 2>&1
ok $? "g4 is cut off"
se_wait 5 grep -q "vif4.0: tap vif4.0 left bridge xenbr1" "$SE_DIR/xennetd.log"
ok $? "the daemon says the tap left bridge xenbr1"
[ "$(xenstore-read $BE/4/0/state)" = 4 ]
ok $? "vif4.0 still Connected: no bridge is not a fault of the vif"
g1_ok "after the removed bridge"
in_dom0 ip link set vif4.0 master xenbr0
se_wait 5 grep -q "vif4.0: tap vif4.0 on bridge xenbr0 again" "$SE_DIR/xennetd.log"
ok $? "the tap put on xenbr0: the daemon says it is on a bridge again"
se_wait 10 in_guest g4 ping -c 1 -W 1 10.0.0.1
ok $? "g4 reaches dom0 again, on the same connection"
tail -n +$((n0 + 1)) "$SE_DIR/xennetd.log" |
    grep -E "vif4.0: tap vif4.0 (left|on) bridge" > "$SE_DIR/br4"
is "one report each way, not more" 2 "$(wc -l < "$SE_DIR/br4")"
[ "$(wc -l < "$SE_DIR/br4")" = 2 ] || sed 's/^/# /' "$SE_DIR/br4"
in_dom0 "$SIM/xl-sim" destroy g4 > /dev/null 2>&1
ok $? "g4 destroyed"

# --- ENOBUFS from a tap (injected: a real tap never refuses so) ---
if [ -n "$FAULTS" ]; then
	simenv_guest g6 6 7
	ok $? "guest g6 connected"
	touch "$XENNET_FAULT_ENOBUFS/vif6.0"
	sleep 0.2	# the daemon looks at the switch every 50 ms
	in_guest g6 ping -c 20 -i 0.1 -W 1 10.0.0.1 > "$SE_DIR/ping-nobufs" 2>&1
	is "while vif6.0's tap refuses frames (ENOBUFS), g6 gets no reply" \
	    100 "$(ping_loss "$SE_DIR/ping-nobufs")"
	g1_ok "while vif6.0's tap refuses frames"
	n=$($CTL -j show stats vif6.0 | jq '[.. | objects |
	    select(has("tx_nobufs")) | .tx_nobufs] | max')
	[ "${n:-0}" -ge 20 ] 2> /dev/null
	ok $? "counted: port tx_nobufs $n (20 pings and more)"
	is "one log line about it in those 2 s (rate limited), not one a frame" \
	    1 "$(grep -c "vif6.0: the host refused.*ENOBUFS" "$SE_DIR/xennetd.log")"
	rm "$XENNET_FAULT_ENOBUFS/vif6.0"
	sleep 0.2
	se_wait 10 in_guest g6 ping -c 1 -W 1 10.0.0.1
	ok $? "the tap takes frames again: g6 reaches dom0 (recovered)"
	in_guest g6 ping -c 10 -i 0.1 -W 2 10.0.0.1 > "$SE_DIR/ping-nobufs2" 2>&1
	is "and without a loss" 0 "$(ping_loss "$SE_DIR/ping-nobufs2")"
	[ "$(xenstore-read $BE/6/0/state)" = 4 ]
	ok $? "vif6.0 stayed Connected"
	in_dom0 "$SIM/xl-sim" destroy g6 > /dev/null 2>&1
	ok $? "g6 destroyed"
else
	diag "no fault injection in this build (configure --enable-debug): ENOBUFS not tried"
fi

# --- the xenstore connection dropped ---
kill -USR2 $SE_PROXY_PID	# refuse new connections for a while
kill -USR1 $SE_PROXY_PID	# and drop the daemon's
se_wait 5 grep -q "lost the xenstore connection" "$SE_DIR/xennetd.log"
ok $? "the daemon saw its xenstore connection go"
in_guest g1 ping -c 10 -i 0.2 -W 2 10.0.0.1 > "$SE_DIR/ping-xs" 2>&1
rc=$?
ok $rc "g1's traffic goes on without xenstore ($(grep -c 'bytes from' "$SE_DIR/ping-xs")/10 replies)"
if [ $rc != 0 ]; then
	diag "netfront-sim g1: $(tail -n 3 "$SE_DIR/nf-g1.log" | tr '\n' ' ')"
	tail -n 12 "$SE_DIR/xennetd.log" | sed 's/^/# /'
fi
in_dom0 "$SIM/xl-sim" create -n g5 -d 5 --vif "mac=00:16:3e:00:00:06,bridge=xenbr0" \
    > "$SE_DIR/xl-g5.log" 2>&1 &
XL5=$!
sleep 1
kill -USR2 $SE_PROXY_PID	# accept again
se_wait 10 grep -q "xenstore: connected again" "$SE_DIR/xennetd.log"
ok $? "the daemon reconnected ($(grep -o 'connected again after [0-9]* attempts*' "$SE_DIR/xennetd.log"))"
wait $XL5
ok $? "g5, created while the daemon was away, got its backend (xl-sim create returned 0)"
"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
    --domid 5 --netns "$SE_PFX-g5" --ip 10.0.0.6/24 > "$SE_DIR/nf-g5.log" 2>&1 &
SE_PIDS="$SE_PIDS $!"
SE_GUESTS="$SE_GUESTS g5"
se_wait 20 in_guest g5 ping -c 1 -W 1 10.0.0.1
ok $? "g5 connected and reaches dom0"
[ "$(xenstore-read $BE/1/0/state)" = 4 ]
ok $? "g1's vif still Connected"
g1_ok "after the xenstore reconnection"

kill -0 $XND_PID
ok $? "xennetd still running"
kill -INT $PING 2> /dev/null	# ping prints its summary on SIGINT
wait $PING 2> /dev/null
diag "g1's ping all along: $(grep 'packet loss' "$SE_DIR/ping-g1")"
xnd_stop_leaks
! grep -iE "sanitizer|runtime error" "$SE_DIR/xennetd.log"
ok $? "no sanitizer report"
done_testing
