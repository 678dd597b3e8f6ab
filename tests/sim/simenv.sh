# A simulated Xen host for the demo and the integration tests: source it.
#
#   simenv_start                 dom0 network namespace with bridge xenbr0
#                                (10.0.0.1/24, fd00::1/64), xenstored-sim
#                                (extra args: $XSD_ARGS), xennetd in sim
#                                mode (extra args: $XND_ARGS)
#                                (SE_XS_PROXY=1: through tests/sim/
#                                xs-proxy.py, pid $SE_PROXY_PID)
#   simenv_daemon LOG [ARGS]    (another) xennetd as simenv_start starts
#                                it, ARGS added, logging to LOG
#   simenv_guest NAME DOMID N    xl-sim create + netfront-sim guest stack in
#                                namespace $SE_PFX-NAME, eth0 10.0.0.N/24,
#                                fd00::N/64, mac 00:16:3e:00:00:N(hex);
#                                waits until it pings dom0 (SE_GUEST_WAIT=0:
#                                does not wait); more xl vif options in
#                                $SE_VIF_OPTS (e.g. rate=10Mb/s)
#   simenv_frontend NAME DOMID N its second half: the netfront-sim alone
#   simenv_attach NAME DOMID     xl-sim network-attach of a second vif
#                                (devid 1, mac 00:16:3e:00:01:02) and its
#                                netfront-sim as eth1, 10.0.1.2/24;
#                                its pid in $SE_ATTACH_PID
#   in_dom0 CMD / in_guest NAME CMD
#   se_icmp NS FIELD             Icmp counter FIELD (InEchos...) of
#                                namespace NS (dom0 or a guest's NAME)
#   se_ping_lost GUEST N COUNT INTERVAL
#                                COUNT pings from dom0 to GUEST
#                                (10.0.0.N): "lost replies failed", the
#                                frames the path lost, the replies dom0
#                                got, those the guest could not build
#   se_xfer GUEST N FROM         8 MiB over TCP between dom0 and GUEST
#                                (10.0.0.N), from FROM (dom0|guest):
#                                "sent received" as sha256/size;
#                                se_same "$r": the two are equal;
#   se_xfer_ok GUEST N           both ways, a TAP line each
#   xnd_fds, xnd_rss, xnd_threads, xnd_maps [DOMID]
#                                the daemon's open fds, VmRSS (kB), threads,
#                                mappings (of DOMID's memory if given)
#   xnd_fdlist                   what its fds are (socket:[], a path...)
#   xnd_stat VIF JQ              a value of VIF's entry in xennetctl's
#                                show stats -j (needs jq)
#   iperf_gbps JSON [DIGITS]     the received rate of an iperf3 -J run
#   iperf_ok JSON DESCRIPTION    a TAP line for it (needs tests/lib.sh)
#   se_traffic GUEST N PORT WHAT pings both ways (4000 octets from dom0)
#                                and iperf3 $IPERF_T s both ways (server
#                                in dom0 on PORT) with GUEST (10.0.0.N):
#                                a TAP line each, WHAT in the iperf3 ones
#   xnd_stop_leaks               SIGTERM to the daemon, wait for its exit
#                                and TAP lines: it exited 0, and (in an
#                                ASan build) LeakSanitizer, which
#                                simenv_start turned on for it, found
#                                nothing (needs tests/lib.sh)
#   simenv_stop                  kill everything, remove namespaces and files
#
# Needs: $top_builddir (built tree), root, iproute2.  Names are unique per
# process ($SE_PFX) so several runs can coexist.
SE_PFX=xn$$
SE_DIR=
SE_NS0=$SE_PFX-dom0
SE_PIDS=""
SE_GUESTS=""
: "${SIM:=$top_builddir/tests/sim}"
XENNETD=$top_builddir/daemon/xennetd
# SE_PRIVSEP: 1 if the daemon runs with privilege separation (xennetd.8):
# where the user _xennetd exists, but not in an ASan build, where
# LeakSanitizer stops the daemon's threads with ptrace at its exit, which
# the sandbox refuses: there the daemon runs with -Z so that its leaks
# are checked.  A test of the sandbox itself (t_privsep) sets
# SE_PRIVSEP=1 before, to have it anyway.
if [ -z "${SE_PRIVSEP:-}" ]; then
	SE_PRIVSEP=0
	id _xennetd > /dev/null 2>&1 && SE_PRIVSEP=1
	grep -q '^XN_CFLAGS = .*-fsanitize=address' "$top_builddir/Makefile" \
	    2> /dev/null && SE_PRIVSEP=0
fi

in_dom0() { ip netns exec "$SE_NS0" "$@"; }
in_guest() { local g=$1; shift; ip netns exec "$SE_PFX-$g" "$@"; }

# se_wait SECONDS CMD...: poll CMD every 0.1 s
se_wait() {
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; t=$((t - 1))
	done
	return 1
}

simenv_start() {
	SE_DIR=$(mktemp -d /tmp/xennetd-sim.XXXXXX)
	export XENNET_SIM_DIR=$SE_DIR/sim
	export XENSTORED_PATH=$SE_DIR/xs.sock
	mkdir -p "$XENNET_SIM_DIR"
	ip netns add "$SE_NS0" || return 1
	in_dom0 ip link set lo up
	in_dom0 ip link add xenbr0 address 02:00:00:00:00:01 type bridge
	in_dom0 ip link set xenbr0 type bridge stp_state 0 forward_delay 0 2>/dev/null
	in_dom0 ip addr add 10.0.0.1/24 dev xenbr0
	in_dom0 ip -6 addr add fd00::1/64 dev xenbr0 nodad
	in_dom0 ip link set xenbr0 up
	"$SIM/xenstored-sim" ${XSD_ARGS:-} -s "$XENSTORED_PATH" \
	    > "$SE_DIR/xenstored.log" 2>&1 &
	SE_PIDS="$SE_PIDS $!"
	se_wait 10 test -S "$XENSTORED_PATH" || return 1
	se_wait 10 xenstore-read /local/domain/0/domid || return 1
	# SE_XS_PROXY=1: the daemon reaches xenstored through
	# xs-proxy.py ($SE_PROXY_PID), which can drop its connection
	SE_XS_DAEMON=$XENSTORED_PATH
	if [ -n "${SE_XS_PROXY:-}" ]; then
		SE_XS_DAEMON=$SE_DIR/xs-proxy.sock
		python3 "$top_srcdir/tests/sim/xs-proxy.py" "$SE_XS_DAEMON" \
		    "$XENSTORED_PATH" > "$SE_DIR/xs-proxy.log" 2>&1 &
		SE_PROXY_PID=$!
		SE_PIDS="$SE_PIDS $!"
		se_wait 10 test -S "$SE_XS_DAEMON" || return 1
	fi
	simenv_daemon "$SE_DIR/xennetd.log"
}

# simenv_daemon LOG [ARGS...]: (another) xennetd in dom0 as simenv_start
# starts it, extra ARGS after $XND_ARGS, logging to LOG; its pid in
# $XND_PID; waits until it has started.
simenv_daemon() {
	local log=$1; shift
	# not through in_dom0: $! must be xennetd itself (ip execs it)
	# under ASan, LeakSanitizer checks the daemon's memory at exit
	# (xnd_stop_leaks): whatever ASAN_OPTIONS says, for it alone
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
	XENSTORED_PATH=$SE_XS_DAEMON ip netns exec "$SE_NS0" "$XENNETD" -d -v \
	    -S -s "$XENNET_SIM_DIR" $([ "$SE_PRIVSEP" = 1 ] || echo -Z) \
	    ${XND_ARGS:-} "$@" > "$log" 2>&1 &
	XND_PID=$!
	SE_PIDS="$SE_PIDS $XND_PID"
	se_wait 10 grep -q started "$log"
}

# simenv_guest NAME DOMID N [netfront-sim options...]
simenv_guest() {
	local name=$1 domid=$2 n=$3 mac
	mac=$(printf '00:16:3e:00:00:%02x' "$n")
	in_dom0 "$SIM/xl-sim" create -n "$name" -d "$domid" \
	    --vif "mac=$mac,bridge=xenbr0${SE_VIF_OPTS:+,$SE_VIF_OPTS}" \
	    > "$SE_DIR/xl-$name.log" 2>&1 ||
	    return 1
	simenv_frontend "$@"
}

# simenv_frontend NAME DOMID N [netfront-sim options...]: the netfront of
# a guest xl-sim created (simenv_guest's second half)
simenv_frontend() {
	local name=$1 domid=$2 n=$3; shift 3
	"$SIM/netfront-sim" --xs "$XENSTORED_PATH" --simdir "$XENNET_SIM_DIR" \
	    --domid "$domid" --netns "$SE_PFX-$name" --ip "10.0.0.$n/24" \
	    --ip6 "fd00::$n/64" "$@" > "$SE_DIR/nf-$name.log" 2>&1 &
	SE_PIDS="$SE_PIDS $!"
	SE_GUESTS="$SE_GUESTS $name"
	eval "SE_NFPID_$name=$!"
	[ "${SE_GUEST_WAIT:-1}" = 0 ] && return 0
	se_wait 20 in_guest "$name" ping -c 1 -W 1 10.0.0.1
}

# se_icmp NS FIELD: the Icmp counter FIELD of /proc/net/snmp in namespace
# NS (dom0, or a guest's name)
se_icmp() {
	local ns=$SE_PFX-$1
	[ "$1" = dom0 ] && ns=$SE_NS0
	ip netns exec "$ns" awk -v f="$2" '$1 == "Icmp:" && n { print $c }
	    $1 == "Icmp:" && !n { for (i = 2; i <= NF; i++) if ($i == f) c = i
	    n = 1 }' /proc/net/snmp
}

# se_ping_lost GUEST N COUNT INTERVAL: COUNT pings from dom0 to GUEST
# (10.0.0.N), INTERVAL s apart; prints "lost replies failed": lost are
# the echo requests the guest's stack did not receive plus the replies
# it sent that dom0's did not get (what xennetd, the taps or the bridge
# lost), replies those dom0 got, failed those the guest's kernel could
# not build (IcmpOutErrors).  ping's own loss is no measure of the path
# on a loaded host: since Linux 6.0 the kernel builds echo replies on
# per-CPU ICMP sockets shared by every namespace, so another test's
# backlog of replies fills their send buffer and ours are not sent (up
# to 15 of 20 seen), and ping waits only twice the slowest round trip
# after the last request.  The two stacks' counters get 10 s to settle.
se_ping_lost() {
	local g=$1 n=$2 c=$3 in0 out0 err0 rep0 in out err rep t=100
	in0=$(se_icmp "$g" InEchos); out0=$(se_icmp "$g" OutEchoReps)
	err0=$(se_icmp "$g" OutErrors); rep0=$(se_icmp dom0 InEchoReps)
	in_dom0 ping -q -c "$c" -i "$4" "10.0.0.$n" > "$SE_DIR/ping-$g.$c" 2>&1
	while :; do
		in=$(( $(se_icmp "$g" InEchos) - in0 ))
		out=$(( $(se_icmp "$g" OutEchoReps) - out0 ))
		err=$(( $(se_icmp "$g" OutErrors) - err0 ))
		rep=$(( $(se_icmp dom0 InEchoReps) - rep0 ))
		[ "$in" -ge "$c" ] && [ "$rep" -ge "$out" ] && break
		t=$((t - 1)); [ $t -gt 0 ] || break
		sleep 0.1
	done
	in=$(( c - in )); out=$(( out - rep ))
	echo "$(( (in > 0 ? in : 0) + (out > 0 ? out : 0) )) $(( rep )) $err"
}

# se_xfer GUEST N FROM: 8 MiB of random data over TCP between dom0
# (10.0.0.1) and guest GUEST (10.0.0.N), from FROM (dom0 or guest) to
# the other; prints "sent received", each as sha256/size (se_same)
se_xfer() {
	local g=$1 n=$2 src=$SE_DIR/xfer.$1.$3 dst=$SE_DIR/xfer.$1.$3.got
	local to from addr srv
	head -c 8388608 /dev/urandom > "$src"
	if [ "$3" = dom0 ]; then
		to="in_guest $g"; from=in_dom0; addr=10.0.0.$n
	else
		to=in_dom0; from="in_guest $g"; addr=10.0.0.1
	fi
	$to python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5300)); s.listen(1); s.settimeout(60)
c, _ = s.accept(); c.settimeout(30)
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b: break
        f.write(b)' "$addr" "$dst" &
	srv=$!
	sleep 0.5
	$from python3 -c '
import socket, sys, time
for i in range(200):	# the server may take a while to listen
    try:
        s = socket.create_connection((sys.argv[1], 5300), timeout=30)
        break
    except ConnectionRefusedError:
        time.sleep(0.1)
with open(sys.argv[2], "rb") as f: s.sendall(f.read())
s.close()' "$addr" "$src"
	wait "$srv"
	echo "$(sha256sum < "$src" | cut -c1-64)/$(stat -c %s "$src")" \
	    "$(sha256sum < "$dst" | cut -c1-64)/$(stat -c %s "$dst")"
}
# se_same "A B": 0 if se_xfer's two halves are equal
se_same() { [ "${1%% *}" = "${1##* }" ]; }
# se_xfer_ok GUEST N: se_xfer both ways, a TAP line each (tests/lib.sh)
se_xfer_ok() {
	local r d from to
	for d in dom0 guest; do
		from=$d to=$1
		[ "$d" = guest ] && from=$1 to=dom0
		r=$(se_xfer "$1" "$2" "$d")
		se_same "$r"
		ok $? "8 MiB $from -> $to over TCP arrive intact (${r%% *})"
		se_same "$r" || diag "received: ${r##* }"
	done
}

# simenv_attach NAME DOMID: see above; the status of xl-sim network-attach
simenv_attach() {
	local name=$1 domid=$2
	in_dom0 "$SIM/xl-sim" network-attach "$name" \
	    "mac=00:16:3e:00:01:02,bridge=xenbr0" > "$SE_DIR/xl-attach.log" 2>&1 ||
	    return 1
	"$SIM/netfront-sim" --xs "$XENSTORED_PATH" \
	    --simdir "$XENNET_SIM_DIR" --domid "$domid" --handle 1 \
	    --netns "$SE_PFX-$name" --ifname eth1 --ip 10.0.1.2/24 \
	    > "$SE_DIR/nf-$name-1.log" 2>&1 &
	SE_ATTACH_PID=$!
	SE_PIDS="$SE_PIDS $!"
}

# se_ours PID: PID is still a child of this shell.  A long test starts
# thousands of processes and the pid of one that ended long ago may be
# some other program's by now.
se_ours() { [ "$(awk '{ print $4 }' /proc/$1/stat 2>/dev/null)" = "$$" ]; }

simenv_stop() {
	local p g
	[ -n "$SE_DIR" ] || return 0
	for p in $SE_PIDS; do se_ours "$p" && kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $SE_PIDS; do se_ours "$p" && kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	# whatever still runs in our namespaces (iperf3 -D servers...)
	for g in $SE_GUESTS; do
		p=$(ip netns pids "$SE_PFX-$g" 2>/dev/null)
		[ -n "$p" ] && kill -9 $p 2>/dev/null
		ip netns del "$SE_PFX-$g" 2>/dev/null
	done
	p=$(ip netns pids "$SE_NS0" 2>/dev/null)
	[ -n "$p" ] && kill -9 $p 2>/dev/null
	ip netns del "$SE_NS0" 2>/dev/null
	rm -rf "$SE_DIR"
	SE_DIR=
}

# xnd_stop_leaks: see above.  A leak report makes the exit status 23
# (LSan's) too, and is shown.
xnd_stop_leaks() {
	local st t=0
	kill -TERM "$XND_PID"
	# LeakSanitizer's walk of the heap takes a while under ASan
	while se_ours "$XND_PID" && [ "$(awk '{ print $3 }' \
	    /proc/$XND_PID/stat 2>/dev/null)" != Z ] && [ $t -lt 300 ]; do
		sleep 0.1; t=$((t + 1))
	done
	wait "$XND_PID"
	st=$?
	is "xennetd exits 0 on SIGTERM" 0 "$st"
	! grep -q "LeakSanitizer" "$SE_DIR/xennetd.log"
	ok $? "no leak at exit (LeakSanitizer, in an ASan build)"
	grep -A12 "LeakSanitizer" "$SE_DIR/xennetd.log" | head -40 |
	    sed 's/^/# /'
}

# iperf_gbps JSON [DIGITS]: Gbit/s received in an iperf3 -J report (2
# decimals by default); exit 1 if the run failed.
iperf_gbps() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
if "error" in d: sys.exit(1)
print("%.*f" % (int(sys.argv[2]), d["end"]["sum_received"]["bits_per_second"]/1e9))' \
	    "$1" "${2:-2}" 2>/dev/null
}

# iperf_ok JSON DESCRIPTION: one TAP line with the rate, iperf3's error
# if it failed; the rate is also added to $SE_DIR/iperf-results.
iperf_ok() {
	local g rc
	g=$(iperf_gbps "$1")
	rc=$?
	ok $rc "$2: ${g:-failed} Gbit/s"
	[ $rc = 0 ] || diag "iperf3: $(python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get("error", "?"))
except Exception as e: print(open(sys.argv[1]).read()[:300])' "$1")"
	[ $rc = 0 ] && echo "$2 $g" >> "$SE_DIR/iperf-results"
	return $rc
}

se_traffic() {
	local g=$1 n=$2 port=$3 what=$4 d
	in_guest "$g" ping -c 3 -i 0.2 -W 2 10.0.0.1 > /dev/null
	ok $? "ping $g -> dom0"
	in_dom0 ping -c 3 -i 0.2 -W 2 -s 4000 "10.0.0.$n" > /dev/null
	ok $? "ping dom0 -> $g, 4000 octets (several slots)"
	in_dom0 iperf3 -s -D -p "$port" -I "$SE_DIR/iperf-$port.pid"
	sleep 0.5
	for d in "$g->dom0" "dom0->$g -R"; do
		set -- $d
		in_guest "$g" timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 \
		    -p "$port" -t "$IPERF_T" -J $2 > "$SE_DIR/iperf.json" 2>&1
		iperf_ok "$SE_DIR/iperf.json" "iperf3 ${IPERF_T}s $1 $what"
		sleep 1
	done
}

xnd_fds() { ls /proc/$XND_PID/fd | wc -l; }
xnd_fdlist() {		# what the daemon's fds are, one a line, sorted
	local f
	for f in /proc/$XND_PID/fd/*; do
		readlink "$f"
	done 2> /dev/null | sed 's/:\[[0-9]*\]$/:[]/' | sort
}
xnd_rss() { awk '/^VmRSS/ { print $2 }' /proc/$XND_PID/status; }
xnd_threads() { ls /proc/$XND_PID/task | wc -l; }
xnd_stat() {
	"$top_builddir/xennetctl/xennetctl" -s "$XENNET_SIM_DIR/xennetd.sock" \
	    -j show stats "$1" | jq -r ".vifs[0] | $2"
}
xnd_maps() {
	if [ -n "${1:-}" ]; then
		grep -c "$XENNET_SIM_DIR/dom$1/" /proc/$XND_PID/maps
	else
		wc -l < /proc/$XND_PID/maps
	fi
}
