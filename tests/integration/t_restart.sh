#!/bin/bash
# Integration: xennetd restarts without dropping its guests (xennetd.8,
# RESTART).  Two simulated guests move traffic (an iperf3 TCP run from
# g1 to g2, a ping from g1 to dom0) while the daemon is killed with
# SIGKILL and started again: the same iperf3 run completes (its TCP
# session survived), the ping's loss is bounded and it recovers, both
# vifs (one of 1 queue, one of 2) stay Connected in xenstore
# throughout (backend and frontend never leave state 4) and their taps keep their ifindex and bridge.
# Then the upgrade path: SIGTERM to a daemon started with -k leaves the
# guests connected for the next one, the same way; a plain SIGTERM
# still tears them down (Closed, taps gone).  Last, what a daemon dying
# leaves in other states: the tap of a vif removed while no daemon ran
# is removed at the next start, and a vif that was mid-handshake
# (InitWait, no frontend yet) is served by the new daemon.  With
# privilege separation (SE_PRIVSEP, tests/sim/simenv.sh) the helper of a
# daemon killed with SIGKILL exits too, and the new daemon runs as
# _xennetd with a helper of its own, which joins the taps for it.
#
# The numbers (ping loss, time to resume, iperf3 rate before and after)
# are printed as diagnostics and appended to $RESTART_RESULTS if set.
. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 >/dev/null || skip_all "iperf3 not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'kill $MON_PID 2>/dev/null; simenv_stop' EXIT
IPERF_T=${IPERF_T:-12}		# seconds; the restart comes at 4 s
BE=/local/domain/0/backend/vif
FE1=/local/domain/1/device/vif/0
FE2=/local/domain/2/device/vif/0

XND_ARGS="-w 2" simenv_start; ok $? "xenstored-sim and xennetd started"
XND_ARGS="-w 2"
simenv_guest g1 1 2; ok $? "guest g1 (domid 1) created and reaches dom0"
simenv_guest g2 2 3 --queues 2
ok $? "guest g2 (domid 2, 2 queues) created and reaches dom0"
in_guest g2 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf-g2.pid"
sleep 0.5

# tapinfo: "ifindex master" of both vifs' taps
tapinfo() {
	local t
	for t in vif1.0 vif2.0; do
		in_dom0 ip -o link show "$t" 2>/dev/null |
		    sed -n 's/^\([0-9]*\): .* master \([^ ]*\) .*/\1 \2/p'
	done | tr '\n' ' '
}
taps0=$(tapinfo)
echo "$taps0" | grep -q '^[0-9]* xenbr0 [0-9]* xenbr0 $'
ok $? "both taps are on xenbr0: $taps0"

# monitor: the four states (be/fe of both vifs) every 20 ms, a line
# each time they change, into $SE_DIR/states-$1
monitor() {
	local last= now
	while :; do
		now=$(xenstore-read $BE/1/0/state $FE1/state $BE/2/0/state \
		    $FE2/state 2>/dev/null | tr '\n' ' ')
		[ "$now" != "$last" ] && echo "$now" >> "$SE_DIR/states-$1"
		last=$now
		sleep 0.02
	done
}

# restart_run NAME HOW: iperf3 g1->g2 and ping g1->dom0 while HOW
# ("kill": SIGKILL, "term": SIGTERM to a -k daemon) stops the daemon at
# 4 s and a new one (args $NEXT_ARGS) starts 1 s later; checks it all.
restart_run() {
	local name=$1 how=$2 t0 tk tr states helper h
	monitor "$name" & MON_PID=$!
	in_guest g1 iperf3 -c 10.0.0.3 -p 5201 -t "$IPERF_T" -i 0.5 -J \
	    > "$SE_DIR/iperf-$name.json" 2>&1 & local ip=$!
	in_guest g1 ping -D -i 0.05 -W 1 -w "$((IPERF_T - 1))" 10.0.0.1 \
	    > "$SE_DIR/ping-$name.out" 2>&1 & local pp=$!
	t0=$(date +%s.%N)
	sleep 4
	helper=$(priv_helper "$XND_PID")
	tk=$(date +%s.%N)
	if [ "$how" = kill ]; then
		kill -9 "$XND_PID"
	else
		kill -TERM "$XND_PID"
	fi
	se_wait 10 sh -c "! kill -0 $XND_PID 2>/dev/null"
	ok $? "$name: the daemon is gone (SIG$( [ "$how" = kill ] &&
	    echo KILL || echo TERM))"
	wait "$XND_PID" 2>/dev/null
	if [ "$SE_PRIVSEP" = 1 ]; then
		se_wait 5 sh -c "! kill -0 ${helper:-0} 2>/dev/null"
		ok $? "$name: its privileged helper (${helper:-none}) exited too"
	fi
	sleep 1
	tr=$(date +%s.%N)
	simenv_daemon "$SE_DIR/xennetd-$name.log" $NEXT_ARGS
	ok $? "$name: a new xennetd started"
	if [ "$SE_PRIVSEP" = 1 ]; then
		h=$(priv_helper "$XND_PID")
		is "$name: it runs as _xennetd, with a helper of its own" \
		    "_xennetd 1 xennetd: privileged helper" \
		    "$(ps -o user= -p "$XND_PID" | tr -d ' ') $(echo "$h" |
		    grep -c .) $(ps -o args= -p "${h:-0}")"
	fi
	wait $ip; ok $? "$name: iperf3 exited 0"
	wait $pp
	kill $MON_PID; wait $MON_PID 2>/dev/null
	iperf_ok "$SE_DIR/iperf-$name.json" \
	    "$name: the iperf3 run that was going on completed"
	# the rate before the stop, after it resumed, and when it resumed
	read -r before after resume <<EOF
$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); k=float(sys.argv[2]); r=float(sys.argv[3])
iv=[(i["sum"]["start"], i["sum"]["end"], i["sum"]["bytes"]) for i in d["intervals"]]
pre=[b*8/(e-s)/1e9 for s,e,b in iv if e<=k]
res=[s for s,e,b in iv if s>=r and b>0]
post=[b*8/(e-s)/1e9 for s,e,b in iv if res and s>=res[0]+1]
print("%.2f %.2f %.1f" % (sum(pre)/max(len(pre),1), sum(post)/max(len(post),1),
    (res[0]-k) if res else -1))' "$SE_DIR/iperf-$name.json" \
	    "$(echo "$tk - $t0" | bc)" "$(echo "$tr - $t0" | bc)")
EOF
	ok $(awk -v a="$after" 'BEGIN { exit !(a > 0) }'; echo $?) \
	    "$name: iperf3 moves data after the restart: $before Gbit/s before, $after after"
	loss=$(ping_loss "$SE_DIR/ping-$name.out")
	# the longest time without a reply
	gap=$(awk '/bytes from/ { t = substr($1, 2, length($1) - 2)
	    if (p != "" && t - p > g) g = t - p; p = t }
	    END { printf "%.2f", g }' "$SE_DIR/ping-$name.out")
	ok $(awk -v l="${loss:-100}" 'BEGIN { exit !(l < 50) }'; echo $?) \
	    "$name: ping loss ${loss:-?}% (< 50%), longest time without a reply ${gap} s"
	in_guest g1 ping -c 3 -i 0.2 -W 1 10.0.0.1 >/dev/null
	ok $? "$name: ping g1 -> dom0 recovered"
	in_guest g2 ping -c 3 -i 0.2 -W 1 10.0.0.2 >/dev/null
	ok $? "$name: ping g2 -> g1 recovered"
	states=$(sort -u "$SE_DIR/states-$name" | tr '\n' '|')
	[ "$states" = "4 4 4 4 |" ]
	ok $? "$name: backends and frontends stayed Connected throughout ($states)"
	taps=$(tapinfo)
	[ "$taps" = "$taps0" ]
	ok $? "$name: the taps kept their ifindex and bridge: $taps"
	grep -q "vif1.0: adopted the connection .* (1 queue)" \
	    "$SE_DIR/xennetd-$name.log" &&
	    grep -q "vif2.0: adopted the connection .* (2 queues)" \
	    "$SE_DIR/xennetd-$name.log"
	ok $? "$name: the new daemon adopted both vifs (1 and 2 queues)"
	diag "$name: ping loss $loss%, longest time without a reply $gap s," \
	    "iperf3 resumed $resume s after the stop, $before Gbit/s before," \
	    "$after after"
	[ -n "${RESTART_RESULTS:-}" ] && echo "sim $name: ping loss $loss%," \
	    "no reply for ${gap}s, iperf3 resumed ${resume}s, before $before" \
	    "Gbit/s, after $after Gbit/s" >> "$RESTART_RESULTS"
	return 0
}

# --- SIGKILL mid-transfer; the new daemon is started with -k ---
NEXT_ARGS=-k restart_run kill kill

# --- upgrade: SIGTERM to the -k daemon leaves the guests ---
NEXT_ARGS= restart_run upgrade term
grep -q "guests stay connected" "$SE_DIR/xennetd-kill.log"
ok $? "the -k daemon said it leaves the guests connected"

# --- a plain SIGTERM still disconnects the guests and removes the taps ---
monitor term & MON_PID=$!
kill -TERM "$XND_PID"
se_wait 10 sh -c "! kill -0 $XND_PID 2>/dev/null"
ok $? "plain SIGTERM: the daemon exited"
sleep 0.3
kill $MON_PID; wait $MON_PID 2>/dev/null
[ "$(xenstore-read $BE/1/0/state)" = 6 ] &&
    [ "$(xenstore-read $BE/2/0/state)" = 6 ]
ok $? "plain SIGTERM: both backends Closed (6)"
grep -q "^5 " "$SE_DIR/states-term" ||
    grep -q "state Connected -> Closing" "$SE_DIR/xennetd-upgrade.log"
ok $? "plain SIGTERM: through Closing (5)"
! in_dom0 ip link show vif1.0 >/dev/null 2>&1 &&
    ! in_dom0 ip link show vif2.0 >/dev/null 2>&1
ok $? "plain SIGTERM: the taps are gone"

# --- left in other states: a vif removed meanwhile, one mid-handshake ---
simenv_daemon "$SE_DIR/xennetd-4.log"; ok $? "xennetd started again"
simenv_guest g3 3 4; ok $? "guest g3 (domid 3) created and reaches dom0"
mac=00:16:3e:00:00:05
in_dom0 "$SIM/xl-sim" create -n g4 -d 4 --vif "mac=$mac,bridge=xenbr0" \
    > "$SE_DIR/xl-g4.log" 2>&1
ok $? "guest g4 (domid 4) created, no frontend yet"
[ "$(xenstore-read $BE/4/0/state)" = 2 ] &&
    [ "$(xenstore-read $BE/4/0/hotplug-status)" = connected ]
ok $? "g4's vif waits in InitWait, its hotplug script ran"
kill -9 "$XND_PID"; wait "$XND_PID" 2>/dev/null
in_dom0 "$SIM/xl-sim" --timeouts 10,2,10 destroy g3 \
    > "$SE_DIR/xl-g3-destroy.log" 2>&1
! xenstore-exists $BE/3/0
ok $? "g3 destroyed while no xennetd ran (its backend directory is gone)"
in_dom0 ip link show vif3.0 >/dev/null 2>&1
ok $? "its tap was left behind (persistent)"
simenv_daemon "$SE_DIR/xennetd-5.log"; ok $? "xennetd started again"
! in_dom0 ip link show vif3.0 >/dev/null 2>&1
ok $? "the tap of the vanished vif was removed at startup"
grep -q "vif3.0: removed the tap vif3.0 an earlier xennetd left" \
    "$SE_DIR/xennetd-5.log"
ok $? "and that was logged"
simenv_frontend g4 4 5
ok $? "g4's frontend, started now, connects through the new daemon and reaches dom0"
grep -q "vif4.0: joined the tap an earlier xennetd left" \
    "$SE_DIR/xennetd-5.log"
ok $? "on the tap the earlier daemon made for it"
done_testing
