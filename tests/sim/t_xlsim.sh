#!/bin/sh
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
# t_xlsim.sh: xl-sim against xenstored-sim, with a fake backend played by
# a shell loop (xenstore-watch + xenstore-read/-write) and tests/sim/vif-sim
# as the hotplug script.  Checks the keys and permissions libxl writes,
# the hotplug call, attach/detach/destroy/shutdown, libxl's timeouts
# (one real 10 s + 10 s failure: ~20 s), and, as root with network
# namespaces, Xen's stock vif-bridge script run by xl-sim.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

XLSIM=$SIM/xl-sim
XSD=$SIM/xenstored-sim
SRC=$top_srcdir/tests/sim
[ -x "$XLSIM" ] || skip_all "xl-sim is not built"
[ -x "$XSD" ] || skip_all "xenstored-sim is not built"
for t in xenstore-read xenstore-write xenstore-ls xenstore-watch \
    xenstore-list xenstore-exists; do
	command -v $t >/dev/null 2>&1 ||
	    skip_all "$t not found (Debian package xenstore-utils)"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/t_xlsim.XXXXXX") || exit 1
PIDS=""
NS=""
cleanup() {
	for p in $PIDS $(cat "$T"/*.wpid "$T"/ns/*.wpid 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -f "$T/xs.pid" ] && kill "$(cat "$T/xs.pid")" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

export XENSTORED_PATH="$T/xs.sock"
export XENNET_SIM_DIR="$T/sim"
export VIF_SIM_LOG="$T/hp.log"
export VIF_SIM_NOLINK=1
XL="$XLSIM --scripts $SRC"
BEV=/local/domain/0/backend/vif

# skip DESCRIPTION: a test that cannot run here
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $*"
}
# like DESCRIPTION FIXED-STRING FILE: FILE contains the string
like() {
	if grep -qF -- "$2" "$3"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "no \"$2\" in $3:"
		sed 's/^/#   /' "$3" | tail -15
	fi
}
xsr() { xenstore-read "$1" 2>/dev/null; }
gone() { ! xenstore-exists "$1" 2>/dev/null; }
# xls DIR: xenstore-ls -fp DIR, sorted, blanks squeezed
xls() { xenstore-ls -fp "$1" 2>&1 | sed 's/" *(/" (/' | LC_ALL=C sort; }
# run NAME CMD...: run CMD with stdout+stderr to $T/NAME.out, status in $rc
run() {
	local name=$1
	shift
	"$@" > "$T/$name.out" 2>&1
	rc=$?
}
secs() { date +%s; }

# The fake backend: a netback reduced to its xenstore protocol.  Backend
# state 1 -> features + InitWait (2); 5 (toolstack) -> Closed (6); frontend
# Closing (5) -> backend Closing (5), then as above.  Files in its
# directory change it: be.no2 / be.no6 (do not answer), be.tap (create a
# tap vif<d>.<n> first, or the name in be.tapname).
cat > "$T/fakebe.sh" <<'EOF'
#!/bin/sh
D=$1
BEV=/local/domain/0/backend/vif
rm -f "$D/fakebe.fifo"
mkfifo "$D/fakebe.fifo" || exit 1
xenstore-watch /local/domain > "$D/fakebe.fifo" &
echo $! > "$D/fakebe.wpid"
while read -r p; do
	[ -e "$D/fakebe.ready" ] || : > "$D/fakebe.ready"
	case $p in
	$BEV/*/*/state)
		be=${p%/state}
		st=$(xenstore-read "$p" 2>/dev/null) || continue
		case $st in
		1)	[ -e "$D/be.no2" ] && continue
			if [ -e "$D/be.tap" ]; then
				n=${be#$BEV/}
				tap=vif${n%/*}.${n#*/}
				[ -e "$D/be.tapname" ] && tap=$(cat "$D/be.tapname")
				ip tuntap add dev "$tap" mode tap
			fi
			xenstore-write "$be/feature-sg" 1 "$be/feature-rx-copy" 1 \
			    "$be/feature-rx-flip" 0 \
			    "$be/feature-split-event-channels" 1 \
			    "$be/multi-queue-max-queues" 1 "$be/state" 2 ;;
		5)	[ -e "$D/be.no6" ] && continue
			xenstore-write "$p" 6 ;;
		esac ;;
	/local/domain/*/device/vif/*/state)
		st=$(xenstore-read "$p" 2>/dev/null) || continue
		be=$(xenstore-read "${p%/state}/backend" 2>/dev/null) || continue
		[ "$st" = 5 ] && xenstore-write "$be/state" 5 ;;
	esac
done < "$D/fakebe.fifo"
EOF

# start_backend DIR [ip netns exec NS]: run the fake backend
start_backend() {
	local d=$1
	shift
	rm -f "$d/fakebe.ready"
	"$@" sh "$T/fakebe.sh" "$d" > "$d/fakebe.log" 2>&1 &
	PIDS="$PIDS $!"
	BEPID=$!
	wait_for 5 test -e "$d/fakebe.ready"
}
stop_backend() {
	kill "$(cat "$1/fakebe.wpid")" "$BEPID" 2>/dev/null
	wait "$BEPID" 2>/dev/null
	rm -f "$1/fakebe.wpid"
}

# ---- start xenstored-sim, watchers, the fake backend -------------------
if ! "$XSD" -s "$XENSTORED_PATH" -p "$T/xs.pid" 2> "$T/xsd.err"; then
	cat "$T/xsd.err" >&2
	skip_all "xenstored-sim does not start"
fi
xenstore-watch / > "$T/watch.log" 2>&1 &
PIDS="$PIDS $!"
xenstore-watch @releaseDomain > "$T/release.log" 2>&1 &
PIDS="$PIDS $!"
xenstore-watch @introduceDomain > "$T/intro.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 5 grep -q '^@releaseDomain' "$T/release.log"
wait_for 5 grep -q '^@introduceDomain' "$T/intro.log"
wait_for 5 grep -q . "$T/watch.log"
start_backend "$T"
ok $? "fake backend is up"

# ---- create ------------------------------------------------------------
t0=$(secs)
run create1 $XL create -n g1 --vif mac=00:16:3e:01:02:03,script=vif-sim,bridge=br-sim
is "create g1 exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/create1.out"
ok $(( $(secs) - t0 > 3 )) "create with a backend is quick"
is "domain 1 named g1" g1 "$(xsr /local/domain/1/name)"
is "domid key" 1 "$(xsr /local/domain/1/domid)"
ok $(test -d "$XENNET_SIM_DIR/dom1"; echo $?) "simulated domain 1 exists"
VM=$(xsr /local/domain/1/vm)
is "vm path holds name and uuid" "g1 /vm/$(xsr "$VM/uuid")" \
    "$(xsr "$VM/name") $VM"
is "domain dir is dom0's, readable by the guest" \
    '/local/domain/1 = "" (n0,r1)' \
    "$(xls /local/domain | grep '^/local/domain/1 =')"
is "control/shutdown is the guest's" \
    '/local/domain/1/control/shutdown = "" (n1)' \
    "$(xls /local/domain/1/control | grep '/shutdown =')"
is "/libxl/1 is dom0's only, type pv" '/libxl/1 = "" (n0) pv' \
    "$(xls /libxl | grep '^/libxl/1 =') $(xsr /libxl/1/type)"
ok $(test "$(grep -c . "$T/intro.log")" -ge 2; echo $?) \
    "@introduceDomain fired"
is "introduced domain: guest socket exists" yes \
    "$(test -S "$XENSTORED_PATH.d1" && echo yes)"

S=$SRC/vif-sim
is "libxl copy: exactly libxl's keys" "$(LC_ALL=C sort <<EOF
/libxl/1/device/vif/0/backend = "$BEV/1/0" (n0)
/libxl/1/device/vif/0/bridge = "br-sim" (n0)
/libxl/1/device/vif/0/frontend = "/local/domain/1/device/vif/0" (n0)
/libxl/1/device/vif/0/frontend-id = "1" (n0)
/libxl/1/device/vif/0/handle = "0" (n0)
/libxl/1/device/vif/0/hotplug-status = "" (n0)
/libxl/1/device/vif/0/mac = "00:16:3e:01:02:03" (n0)
/libxl/1/device/vif/0/online = "1" (n0)
/libxl/1/device/vif/0/script = "$S" (n0)
/libxl/1/device/vif/0/state = "1" (n0)
/libxl/1/device/vif/0/type = "vif" (n0)
EOF
)" "$(xls /libxl/1/device/vif/0)"
is "frontend: keys and perms (mtu read-only to the guest)" \
    "$(LC_ALL=C sort <<EOF
/local/domain/1/device/vif/0/backend = "$BEV/1/0" (n1,r0)
/local/domain/1/device/vif/0/backend-id = "0" (n1,r0)
/local/domain/1/device/vif/0/handle = "0" (n1,r0)
/local/domain/1/device/vif/0/mac = "00:16:3e:01:02:03" (n1,r0)
/local/domain/1/device/vif/0/mtu = "1500" (n0,r1)
/local/domain/1/device/vif/0/state = "1" (n1,r0)
/local/domain/1/device/vif/0/trusted = "1" (n1,r0)
EOF
)" "$(xls /local/domain/1/device/vif/0)"
is "frontend dir owned by the guest, read by dom0" \
    '/local/domain/1/device/vif/0 = "" (n1,r0)' \
    "$(xls /local/domain/1/device/vif | grep 'vif/0 =')"
is "backend: libxl's keys (+ backend's features, state 2, connected)" \
    "$(LC_ALL=C sort <<EOF
$BEV/1/0/bridge = "br-sim" (n0,r1)
$BEV/1/0/frontend = "/local/domain/1/device/vif/0" (n0,r1)
$BEV/1/0/frontend-id = "1" (n0,r1)
$BEV/1/0/handle = "0" (n0,r1)
$BEV/1/0/hotplug-status = "connected" (n0,r1)
$BEV/1/0/mac = "00:16:3e:01:02:03" (n0,r1)
$BEV/1/0/online = "1" (n0,r1)
$BEV/1/0/script = "$S" (n0,r1)
$BEV/1/0/state = "2" (n0,r1)
$BEV/1/0/type = "vif" (n0,r1)
EOF
)" "$(xls $BEV/1/0 | grep -v '/feature-\|/multi-queue')"
is "backend dir is dom0's, readable by the guest" \
    "$BEV/1/0 = \"\" (n0,r1)" "$(xls $BEV/1 | grep 'vif/1/0 =')"

# the hotplug script: arguments and environment
is "hotplug: called once, online" 1 "$(grep -c '^online argv=' "$T/hp.log")"
like "hotplug: argv online type_if=vif" "online argv=[online type_if=vif]" \
    "$T/hp.log"
like "hotplug: script= absolute" "online script=$S" "$T/hp.log"
like "hotplug: XENBUS_TYPE" "online XENBUS_TYPE=vif" "$T/hp.log"
like "hotplug: XENBUS_PATH" "online XENBUS_PATH=backend/vif/1/0" "$T/hp.log"
like "hotplug: XENBUS_BASE_PATH" "online XENBUS_BASE_PATH=backend" \
    "$T/hp.log"
like "hotplug: netdev set and empty" "online netdev=" "$T/hp.log"
grep -q '^online netdev=UNSET' "$T/hp.log"
ok $((! $?)) "hotplug: netdev is not unset"
like "hotplug: vif=vif1.0" "online vif=vif1.0" "$T/hp.log"
like "hotplug: XENSTORED_PATH inherited" \
    "online XENSTORED_PATH=$XENSTORED_PATH" "$T/hp.log"
like "hotplug: stdin is /dev/null" "online stdin=/dev/null" "$T/hp.log"

# acceptance: the stock tools see what xl-sim wrote
xenstore-ls -f / > "$T/ls.out" 2>&1
like "xenstore-ls -f / lists the domain" '/local/domain/1/name = "g1"' \
    "$T/ls.out"
like "xenstore-ls -f / lists the backend" "$BEV/1/0/mac = \"00:16:3e:01:02:03\"" \
    "$T/ls.out"
like "xenstore-watch saw the backend dir" "$BEV/1/0/hotplug-status" \
    "$T/watch.log"
like "xenstore-watch saw the libxl copy" "/libxl/1/device/vif/0/script" \
    "$T/watch.log"
is "relative path (stock scripts use it)" 0 \
    "$(xenstore-read backend/vif/1/0/handle 2>&1)"

run list $XL list
like "list shows g1" "g1" "$T/list.out"

# ---- network-attach / network-detach ------------------------------------
: > "$T/hp.log"
run att $XL network-attach g1 mac=00:16:3e:01:02:04 script=vif-sim
is "network-attach g1 exits 0" 0 "$rc"
is "devid 1 added" "1 00:16:3e:01:02:04 2" "$(xsr $BEV/1/1/handle) \
$(xsr /local/domain/1/device/vif/1/mac) $(xsr $BEV/1/1/state)"
like "attach: hotplug for vif1.1" "online XENBUS_PATH=backend/vif/1/1" \
    "$T/hp.log"
run nl $XL network-list 1
is "network-list shows 2 vifs" 2 "$(grep -c '/local/domain/0/backend' \
"$T/nl.out")"

: > "$T/hp.log"
run det $XL network-detach 1 1
is "network-detach 1 1 exits 0" 0 "$rc"
ok $( (gone $BEV/1/1 && gone /local/domain/1/device/vif/1 &&
    gone /libxl/1/device/vif/1) ; echo $?) "detach removed all its nodes"
ok $(xenstore-exists $BEV/1/0; echo $?) "vif 0 stays"
like "detach: offline script" "offline XENBUS_PATH=backend/vif/1/1" \
    "$T/hp.log"
like "detach: online=0 written" "$BEV/1/1/online" "$T/watch.log"
run det2 $XL network-detach g1 00:16:3e:99:99:99
is "detach of an unknown MAC fails" "1 Unknown device 00:16:3e:99:99:99." \
    "$rc $(cat "$T/det2.out")"

run dupdev $XL network-attach g1 devid=0 script=vif-sim
is "attach of an existing devid fails" 1 "$rc"
like "... with libxl's message" "device already exists in xenstore" \
    "$T/dupdev.out"

# bad specs
run bad1 $XL network-attach g1 foo=bar
ok $((rc == 0)) "unknown vif key: attach fails"
like "unknown vif key: xl's message" "unrecognized argument \`foo=bar'" \
    "$T/bad1.out"
run bad2 $XL create -n bad --vif mac=00:16:zz:00:00:01
ok $((rc == 0)) "bad mac: create fails"
like "bad mac: xl's message" "Invalid parameter \`mac'." "$T/bad2.out"
run bad3 $XL create -n bad --vif script=vif-sim,rate=fast
like "bad rate: libxlu's message" "invalid rate in \`fast'" "$T/bad3.out"
is "no domain made by bad specs" "" "$(xenstore-list /local/domain |
    grep -v '^[01]$')"
run dup $XL create -n g1 --vif script=vif-sim
is "duplicate name: rc 3" 3 "$rc"
like "duplicate name: libxl's message" 'Domain with name "g1" already exists.' \
    "$T/dup.out"
is "duplicate name: nothing left" "0 1" "$(xenstore-list /local/domain |
    tr '\n' ' ' | sed 's/ $//')"

# hotplug failure, hotplug timeout, forced detach (short timeouts)
: > "$T/hp.log"
run hpf env VIF_SIM_FAIL="no such bridge" $XL network-attach g1 \
    script=vif-sim
is "failing hotplug script: attach exits 1" 1 "$rc"
like "failing hotplug: exit status reported" \
    "$S online [" "$T/hpf.out"
like "failing hotplug: exit status 1" "exited with error status 1" \
    "$T/hpf.out"
like "failing hotplug: hotplug-error reported" "script: no such bridge" \
    "$T/hpf.out"
like "failing hotplug: Unable to add nic" "Unable to add nic with id 1" \
    "$T/hpf.out"
ok $(xenstore-exists $BEV/1/1; echo $?) \
    "failed attach leaves its nodes, as libxl does"
run hpfd $XL network-detach g1 1
is "... and detach removes them" "0 yes" "$rc $(gone $BEV/1/1 && echo yes)"

t0=$(secs)
run hpt env VIF_SIM_SLEEP=10 $XLSIM --scripts "$SRC" --timeouts 10,10,1 \
    network-attach g1 script=vif-sim
is "hotplug timeout: attach exits 1" 1 "$rc"
like "hotplug timeout: libxl's message" "because of timeout" "$T/hpt.out"
ok $(( $(secs) - t0 > 4 )) "hotplug timeout: script killed in time"
run hptd $XL network-detach g1 1
is "... detach cleans up" 0 "$rc"

$XL network-attach g1 script=vif-sim > "$T/att3.out" 2>&1
: > "$T/be.no6"
t0=$(secs)
run fdet $XLSIM --scripts "$SRC" --timeouts 10,1,40 network-detach g1 1
rm -f "$T/be.no6"
is "detach without Closed: exits 1" 1 "$rc"
like "detach without Closed: unable to remove" \
    "unable to remove device with path $BEV/1/1" "$T/fdet.out"
like "detach without Closed: nic_del failed" "libxl_device_nic_del failed." \
    "$T/fdet.out"
ok $( (gone $BEV/1/1 && gone /local/domain/1/device/vif/1); echo $?) \
    "forced removal took the nodes"
d=$(( $(secs) - t0 ))
ok $(( d < 1 || d > 4 )) "two 1 s waits (AUTO then forced): ${d} s"

# ---- a config file ------------------------------------------------------
cat > "$T/g2.cfg" <<EOF
# an xl config
name = "g2"
memory = 64
kernel = "/nonexistent"   # ignored
vif = [ 'mac=00:16:3e:02:00:01, script=vif-sim',
        "script=vif-sim,vifname=web0,mtu=9000,ip=10.0.0.5,rate=10Mb/s@20ms" ]
EOF
: > "$T/hp.log"
run cfg $XL create "$T/g2.cfg"
is "create from a config file exits 0" 0 "$rc"
like "xl's Parsing message" "Parsing config from $T/g2.cfg" "$T/cfg.out"
is "g2 is domain 2 with two vifs" "g2 0 1" "$(xsr /local/domain/2/name) \
$(xsr $BEV/2/0/handle) $(xsr $BEV/2/1/handle)"
is "memory = 64" 65536 "$(xsr /local/domain/2/memory/static-max)"
is "vifname, mtu, ip, rate in the backend" "web0 9000 10.0.0.5 25000,20000" \
    "$(xsr $BEV/2/1/vifname) $(xsr $BEV/2/1/mtu) $(xsr $BEV/2/1/ip) \
$(xsr $BEV/2/1/rate)"
is "no mtu key in the backend at the default" "" "$(xsr $BEV/2/0/mtu)"
is "frontend mtu" "1500 9000" "$(xsr /local/domain/2/device/vif/0/mtu) \
$(xsr /local/domain/2/device/vif/1/mtu)"
like "vif env stays vif<d>.<n> with a vifname" "online vif=vif2.1" \
    "$T/hp.log"

# ---- destroy -------------------------------------------------------------
nrel=$(grep -c . "$T/release.log")
: > "$T/hp.log"
VM2=$(xsr /local/domain/2/vm)
t0=$(secs)
run des $XLSIM -v --scripts "$SRC" destroy g2
is "destroy g2 exits 0" 0 "$rc"
like "destroy -v prints the time" "destroy of domain 2 took" "$T/des.out"
ok $(( $(secs) - t0 > 3 )) "destroy with an answering backend is quick"
ok $( (gone /local/domain/2 && gone /libxl/2 && gone $BEV/2 && gone "$VM2")
    echo $?) "destroy removed the domain's nodes"
wait_for 5 test "$(grep -c . "$T/release.log")" -gt "$nrel"
ok $? "@releaseDomain fired"
ok $(test ! -e "$XENNET_SIM_DIR/dom2"; echo $?) "simulated domain 2 is gone"
is "destroy: offline for both vifs" 2 "$(grep -c '^offline argv' "$T/hp.log")"
run des2 $XL destroy 77
is "destroy of no domain" "1 destroy failed (rc=-21)" \
    "$rc $(grep '^destroy' "$T/des2.out")"
run des3 $XL destroy nosuch
like "destroy of an unknown name" "nosuch is an invalid domain identifier" \
    "$T/des3.out"

# ---- shutdown (the guest closes its frontend first) --------------------
xenstore-write /local/domain/1/device/vif/0/state 4 $BEV/1/0/state 4
: > "$T/hp.log"
t0=$(secs)
run shut $XL shutdown g1
is "shutdown g1 exits 0" 0 "$rc"
like "xl's message" "Shutting down domain 1" "$T/shut.out"
ok $(( $(secs) - t0 > 3 )) "clean shutdown is quick"
like "control/shutdown written" "/local/domain/1/control/shutdown" \
    "$T/watch.log"
like "then offline" "offline XENBUS_PATH=backend/vif/1/0" "$T/hp.log"
ok $( (gone /local/domain/1 && gone /libxl/1 && gone $BEV/1)
    echo $?) "shutdown removed the domain's nodes"

# ---- no backend: libxl's 10 s + 10 s -----------------------------------
stop_backend "$T"
: > "$T/hp.log"
t0=$(secs)
run nobe $XL create -n g3 --vif script=vif-sim
d=$(( $(secs) - t0 ))
is "no backend: create exits 3" 3 "$rc"
like "no backend: unable to add device" \
    "unable to add device with path $BEV/1/0" "$T/nobe.out"
like "no backend: unable to add vif devices" "unable to add vif devices" \
    "$T/nobe.out"
like "no backend: removal timed out too" \
    "unable to remove device with path $BEV/1/0" "$T/nobe.out"
ok $(( d < 19 || d > 25 )) "no backend: 10 s + 10 s (${d} s)"
like "no backend: online=0 was written" "$BEV/1/0/online" "$T/watch.log"
ok $( (gone /local/domain/1 && gone /libxl/1 && gone $BEV/1 &&
    test ! -e "$XENNET_SIM_DIR/dom1"); echo $?) "no backend: cleaned up"
is "no backend: no hotplug call" "" "$(cat "$T/hp.log")"

# ---- Xen's stock vif-bridge, in a network namespace ----------------------
STOCK=/etc/xen/scripts/vif-bridge
if [ "$(id -u)" != 0 ]; then
	why="needs root"
elif [ ! -x "$STOCK" ]; then
	why="no $STOCK (Debian package xen-utils-common)"
elif ! command -v bash > /dev/null || ! command -v unshare > /dev/null; then
	why="needs bash and unshare"
elif ! ip netns add "xlsim$$" 2>/dev/null; then
	why="cannot create network namespaces"
else
	why=""
	NS=xlsim$$
fi
if [ -n "$why" ]; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		skip "stock vif-bridge: $why"
	done
else
	# A private mount namespace keeps the script's log and lock files
	# (/var/log/xen, /run) out of the host.
	INNS() {
		ip netns exec "$NS" unshare -m sh -c \
		    'mount -t tmpfs none /var/log && mkdir /var/log/xen &&
		    mount -t tmpfs none /run && exec "$@"' sh "$@"
	}
	ip netns exec "$NS" ip link add xenbr0 type bridge
	ip netns exec "$NS" ip link set xenbr0 up
	mkdir -p "$T/ns"
	: > "$T/ns/be.tap"
	start_backend "$T/ns" ip netns exec "$NS"
	run st1 INNS $XLSIM create -n s1 --vif bridge=xenbr0
	is "stock vif-bridge: create exits 0" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/st1.out"
	is "stock vif-bridge: vif1.0 on xenbr0" yes \
	    "$(ip netns exec "$NS" test -e /sys/class/net/xenbr0/brif/vif1.0 &&
	    echo yes)"
	is "stock vif-bridge: hotplug-status connected" connected \
	    "$(xsr $BEV/1/0/hotplug-status)"
	ip netns exec "$NS" ip link show vif1.0 > "$T/st1.link" 2>&1
	like "stock vif-bridge: vif is up" ",UP" "$T/st1.link"
	run st2 INNS $XLSIM destroy s1
	is "stock vif-bridge: destroy exits 0" 0 "$rc"
	is "stock vif-bridge: offline took vif1.0 off the bridge" no \
	    "$(ip netns exec "$NS" test -e /sys/class/net/xenbr0/brif/vif1.0 &&
	    echo yes || echo no)"
	# vifname: the backend makes vif<d>.<n>, the script renames it
	run st3 INNS $XLSIM create -n s2 --vif bridge=xenbr0,vifname=web0
	is "stock vif-bridge + vifname: renamed and bridged" "0 yes" \
	    "$rc $(ip netns exec "$NS" test -e \
	    /sys/class/net/xenbr0/brif/web0 && echo yes)"
	# set_mtu derives the frontend path from the interface name
	is "stock vif-bridge + vifname: (script quirk) its mtu goes to \
/local/domain/web0/device/vif/web0" 1500 \
	    "$(xsr /local/domain/web0/device/vif/web0/mtu)"
	xenstore-rm /local/domain/web0 2>/dev/null
	INNS $XLSIM destroy s2 > /dev/null 2>&1
	# ... but a backend that names its tap after vifname breaks it
	echo web1 > "$T/ns/be.tapname"
	run st4 INNS $XLSIM --timeouts 10,1,40 create -n s3 \
	    --vif bridge=xenbr0,vifname=web1
	rm -f "$T/ns/be.tapname"
	is "stock vif-bridge + tap already named vifname: create fails" 3 \
	    "$rc"
	like "... with the script's error" "Cannot rename interface" \
	    "$T/st4.out"
	# tests/sim/vif-sim with links: onto the bridge and off again
	run vs1 INNS env -u VIF_SIM_NOLINK $XL create -n v1 \
	    --vif bridge=xenbr0,script=vif-sim
	is "vif-sim: vif1.0 on xenbr0, connected" "0 yes connected" \
	    "$rc $(ip netns exec "$NS" test -e \
	    /sys/class/net/xenbr0/brif/vif1.0 && echo yes) \
$(xsr $BEV/1/0/hotplug-status)"
	run vs2 INNS env -u VIF_SIM_NOLINK $XL destroy v1
	is "vif-sim: offline takes it off the bridge" "0 no" \
	    "$rc $(ip netns exec "$NS" test -e \
	    /sys/class/net/xenbr0/brif/vif1.0 && echo yes || echo no)"
	stop_backend "$T/ns"
fi

done_testing
