#!/bin/bash
# tests/e2e/t_xen.sh: end-to-end test of xennetd on real Xen (TAP).
#
# Boots Xen 4.17 + Debian's Linux as PV dom0 under QEMU (TCG), with xennetd
# installed from this build tree (make install DESTDIR=<stage>), and lets the
# dom0 run lab/test.sh: /etc/init.d/xennetd start (XENNETD_OPTS=-v in
# /etc/default/xennetd), xl create of a PV domU (real xen-netfront, stock
# vif-bridge), ping and iperf3 both ways, the guest's network columns in
# xentop, network-detach and -attach, xl destroy, a 2-vCPU domU with 2 queues
# carrying traffic on both, SIGUSR1, stop through the script while a guest is
# connected and start again, the hostile frontends of
# tests/sim/hostile-cases.sh played by netfront-sim --xen (copied from the
# build tree into the domU initrd) in domUs without xen-netfront while the
# honest domU's traffic goes on, the daemon log.  The dom0 prints
# "LAB: CHECK <id> ok|fail|skip <text>" lines; this script turns them into TAP.
#
# env: E2E_BACKEND=xennetd|kernel  kernel: the same test against the kernel
#                                  xen-netback (baseline, proves the harness)
#      IPERF_T=10                  iperf3 seconds per direction
#      E2E_BUILD=DIR               cache (downloads, logs), default
#                                  $top_srcdir/tests/e2e/build if writable,
#                                  else $top_builddir/tests/e2e/build
#      E2E_TIMEOUT=1800            QEMU hard limit, seconds
#      E2E_DESTROY_MAX=10          limit for `xl destroy` (libxl's own), s
#      E2E_HOSTILE=all             the hostile frontends on real Xen: all
#                                  of hostile-cases.sh (3 domUs, 5-10 min),
#                                  or the first batch (13, one domU)
#      E2E_HOSTILE_BATCH=13        hostile cases (vifs) per domU, 1-64: the
#                                  control path with many vifs at once
#      E2E_PHASES=all              (development) only these optional phases
#                                  of lab/test.sh, e.g. "hostile,map"
#                                  (traffic restart replug hostile mq jumbo
#                                  bpf rate map vhost); the checks of the others
#                                  are then skipped
# Skips only when QEMU cannot run or the Debian packages cannot be had.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
E2E=$top_srcdir/tests/e2e
# the cache lives in the source tree (tests/e2e/build, ignored by git) so
# that it survives a new build directory; in the build tree if read-only
if [ -z "${E2E_BUILD:-}" ]; then
	E2E_BUILD=$top_srcdir/tests/e2e/build
	mkdir -p "$E2E_BUILD" 2> /dev/null && [ -w "$E2E_BUILD" ] ||
	    E2E_BUILD=$top_builddir/tests/e2e/build
fi
B=$E2E_BUILD
BACKEND=${E2E_BACKEND:-xennetd}
IPERF_T=${IPERF_T:-10}
DESTROY_MAX=${E2E_DESTROY_MAX:-10}
PHASES=${E2E_PHASES:-all}
HOSTILE=${E2E_HOSTILE:-all}
case $HOSTILE in
first|all) ;;
*) echo "E2E_HOSTILE: first or all" >&2; exit 2;;
esac
HBATCH=${E2E_HOSTILE_BATCH:-13}
case $HBATCH in
[1-9]|[1-5][0-9]|6[0-4]) ;;
*) echo "E2E_HOSTILE_BATCH: 1 to 64 vifs a domU" >&2; exit 2;;
esac
case $PHASES in
*[!a-z,]*) echo "E2E_PHASES: names separated by commas" >&2; exit 2;;
esac
export E2E_BUILD=$B
# (the hostile frontends' domUs take 10 minutes of it under TCG)
export TIMEOUT=${E2E_TIMEOUT:-1800}
# the dom0's checks, in the order lab/test.sh reports them
CHECKS="xennetd_start privsep xl_create vif_bridge ping_dom0_domU ping_domU_dom0
iperf_dom0_domU iperf_domU_dom0 xentop_nets xentop_dir counters
restart_kill restart_helper restart_iperf restart_ping restart_vif net_detach
net_attach ping_attach_dom0_domU ping_attach_domU_dom0
hostile_create $(. "$top_srcdir/tests/sim/hostile-cases.sh" &&
    hostile_list | sed 's/ .*//; s/^/hostile_/') hostile_destroy
xl_destroy
destroy_close xennetd_alive cleanup
mq_create mq_ping mq_iperf_dom0_domU mq_iperf_domU_dom0 mq_counters
xennetd_stop xennetd_restart mq_destroy
jumbo_create jumbo_ping_dom0_domU jumbo_ping_domU_dom0 jumbo_iperf_dom0_domU
jumbo_iperf_domU_dom0 jumbo_data_dom0_domU jumbo_data_domU_dom0
jumbo_mtu_live jumbo_xdp jumbo_destroy
bpf_start bpf_create bpf_ping bpf_ping_domU bpf_iperf_lan_domU
bpf_iperf_domU_lan bpf_counters bpf_destroy
rate_start rate_create rate_ping rate_iperf_domU_dom0 rate_counters
rate_iperf_unlimited rate_limit rate_destroy
map_start map_create map_ping map_iperf_dom0_domU map_iperf_domU_dom0
map_destroy
vhost_start vhost_create vhost_in_use vhost_ping vhost_ping_domU
vhost_iperf_dom0_domU vhost_iperf_domU_dom0 vhost_data_dom0_domU
vhost_data_domU_dom0 vhost_counters vhost_restart vhost_detach vhost_attach
vhost_destroy
xennetd_stop_end xennetd_log xennetd_refuse"
T_START=$SECONDS

case $BACKEND in
xennetd|kernel) ;;
*) echo "E2E_BACKEND must be xennetd or kernel" >&2; exit 2;;
esac
mkdir -p "$B/logs" || exit 1
# one QEMU at a time on this machine, whatever tree it runs from: it
# takes both cores and its timings mean nothing while another runs
LOCK=${XENNETD_E2E_LOCK:-/tmp/xennetd-e2e.lock}
exec 9> "$LOCK"
flock -w 1800 9 || { echo "cannot lock $LOCK" >&2; exit 1; }
WORK=$(mktemp -d "$B/run.XXXXXX") || exit 1
BOOTPID=""
# t_xen_cleanup: stop a QEMU still running, remove the work dir
t_xen_cleanup() {
	[ -n "$BOOTPID" ] && kill -- -"$BOOTPID" 2> /dev/null
	rm -rf "$WORK"
}
trap t_xen_cleanup EXIT
trap 'exit 1' INT TERM HUP

# diag_file FILE [LINES]: the tail of FILE as TAP diagnostics
diag_file() {
	tail -n "${2:-20}" "$1" | sed 's/^/#   /'
}

# 1. packages and QEMU
"$E2E/setup.sh" > "$WORK/setup.log" 2>&1
case $? in
0)	;;
2)	skip_all "cannot get the Debian packages:" \
	    "$(tail -n 1 "$WORK/setup.log")";;
*)	ok 1 "setup: download and unpack Xen and Linux"
	diag_file "$WORK/setup.log"
	done_testing;;
esac
timeout 3 qemu-system-x86_64 -accel tcg -machine none -nodefaults \
    -no-user-config -display none -monitor none -serial none \
    > "$WORK/qemu-probe.log" 2>&1
[ $? = 124 ] || skip_all "QEMU cannot run: $(head -n 1 "$WORK/qemu-probe.log")"
ok 0 "setup: Xen 4.17 and Linux $(cat "$B/kver") in $B"

# 2. the daemon, installed into the overlay of the dom0 root
STAGE=$WORK/stage
mkdir -p "$STAGE/lab"
cp "$E2E/lab/test.sh" "$STAGE/lab/test.sh"
cp "$top_srcdir/tests/sim/hostile-cases.sh" "$STAGE/lab/"
# the hostile domU's: netfront-sim (--xen) and the cases
DOMU=$WORK/domu
mkdir -p "$DOMU/usr/bin"
cp "$top_srcdir/tests/sim/hostile-cases.sh" "$DOMU/"
cp "$top_builddir/tests/sim/netfront-sim" "$DOMU/usr/bin/" 2> /dev/null ||
    echo "no $top_builddir/tests/sim/netfront-sim: hostile cases will fail"
# install TARGET: make TARGET DESTDIR=$STAGE in the build tree
install() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -C "$top_builddir" "$1" DESTDIR="$STAGE" \
	    > "$WORK/install.log" 2>&1
}
# find_installed PATTERN: the path of an installed file inside the stage
find_installed() {
	(cd "$STAGE" && find . -path "$1" -type f | head -n 1)
}
if [ "$BACKEND" = xennetd ]; then
	install install
	rc=$?
	XN=$(find_installed '*/sbin/xennetd')
	INITD=$(find_installed '*/init.d/xennetd')
	if [ $rc = 0 ] && [ -n "$XN" ] && [ -n "$INITD" ]; then
		ok 0 "make install DESTDIR=stage: ${XN#.}, ${INITD#.}"
	else
		ok 1 "make install DESTDIR=stage: status $rc, daemon" \
		    "${XN:-missing}, init script ${INITD:-missing}"
		diag_file "$WORK/install.log" 10
	fi
	# the bpf port's hotplug script, where make install put it
	VS=$(find_installed '*/xen/scripts/vif-xennetd')
	printf '%s\n' "XENNETD=${XN#.}" "INITD=${INITD#.}" \
	    "VIF_XENNETD=${VS#.}" > "$STAGE/lab/env"
	# what the init script reads: the daemon's debug lines too
	mkdir -p "$STAGE/etc/default"
	echo 'XENNETD_OPTS="-v"' > "$STAGE/etc/default/xennetd"
else
	ok 0 "make install # SKIP kernel netback baseline"
fi

# 3. boot images
if ! "$E2E/build.sh" "$WORK/img" "$STAGE" "$DOMU" > "$WORK/build.log" 2>&1
then
	ok 1 "build the boot images"
	diag_file "$WORK/build.log"
	done_testing
fi
MIB=$(($(stat -c %s "$WORK/img/dom0.cpio") / 1048576))
ok 0 "build the boot images (dom0 initramfs $MIB MiB)"

# 4. boot and let the dom0 run the test
LOG=$B/logs/run-$BACKEND-$(date +%Y%m%d-%H%M%S).log
setsid "$E2E/boot.sh" "$WORK/img" "$LOG" "e2e.backend=$BACKEND" \
    "e2e.iperf_t=$IPERF_T" "e2e.destroy_max=$DESTROY_MAX" \
    "e2e.phases=$PHASES" "e2e.hostile=$HOSTILE" \
    "e2e.hostile_batch=$HBATCH" &
BOOTPID=$!
wait "$BOOTPID"
rc=$?
BOOTPID=""
ls -t "$B"/logs/run-*.log | tail -n +21 | xargs -r rm -f
sed -n 's/^ *[0-9.]* LAB: //p' "$LOG" > "$WORK/lab"
WALL=$(sed -n 's/^host: qemu rc=.* wall=\([0-9]*\)ms/\1/p' "$LOG")
WALL=$(( ${WALL:-0} / 1000 ))
if [ $rc = 0 ] && grep -q '^DONE ' "$WORK/lab"; then
	ok 0 "Xen and dom0 booted, dom0 test ran to its end (QEMU $WALL s)"
else
	BOOTED="Xen and dom0 booted, dom0 test ran to its end"
	ok 1 "$BOOTED: QEMU status $rc after $WALL s"
	grep -v ' LAB: \(XNLOG\|DOMU\) ' "$LOG" | diag_file /dev/stdin 30
fi

# 5. the dom0's checks
for id in $CHECKS; do
	line=$(grep -m 1 "^CHECK $id " "$WORK/lab")
	read -r _ _ res _ <<< "$line"
	text=${line#CHECK $id $res }
	case $res in
	ok|skip) ok 0 "$id: $text";;
	fail)	ok 1 "$id: $text"
		sed -n "s/^LOG $id /#   /p" "$WORK/lab";;
	*)	case $id in
		restart_*|hostile_*|mq_*|jumbo_*|bpf_*|rate_*|map_*|vhost_*)
			phase=${id%%_*};;
		*)	phase="";;
		esac
		if [ "$PHASES" != all ] && { [ -z "$phase" ] ||
		    ! echo ",$PHASES," | grep -q ",$phase,"; }; then
			ok 0 "$id # SKIP not in E2E_PHASES=$PHASES"
		else
			ok 1 "$id: no result from the dom0"
		fi;;
	esac
	sed -n "s/^NOTE $id /# /p" "$WORK/lab"
done

# metric NAME: a value the dom0 reported
metric() {
	local v
	v=$(sed -n "s/^METRIC $1=//p" "$WORK/lab" | tail -n 1)
	echo "${v:--}"
}
diag "summary: backend=$BACKEND" \
    "iperf3 ${IPERF_T}s dom0->domU $(metric iperf_dom0_domU_mbps) Mbit/s," \
    "domU->dom0 $(metric iperf_domU_dom0_mbps) Mbit/s;" \
    "xl create $(metric xl_create_s) s, first ping $(metric first_ping_s) s" \
    "after create, detach $(metric detach_s) s, attach $(metric attach_s) s" \
    "(devid $(metric devid_after_attach)), xl destroy" \
    "$(metric xl_destroy_s) s; 2-vCPU domU: $(metric mq_queues) queues," \
    "dom0->domU $(metric mq_iperf_dom0_domU_mbps) Mbit/s, domU->dom0" \
    "$(metric mq_iperf_domU_dom0_mbps) Mbit/s;" \
    "hostile phase $(metric hostile_s) s;" \
    "xentop NETTX/NETRX (k) after dom0->domU $(metric xentop_tx1)/$(metric \
    xentop_rx1), after domU->dom0 $(metric xentop_tx2)/$(metric xentop_rx2);" \
    "QEMU $WALL s, total $((SECONDS - T_START)) s"
diag "log: $LOG"
done_testing
