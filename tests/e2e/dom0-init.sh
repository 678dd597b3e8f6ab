#!/bin/busybox sh
# /init of the e2e PV dom0 (initramfs only, no disk).  Brings up what a Xen
# dom0 needs (syslog, modules, xenfs, xenstored, xen-init-dom0, xenconsoled)
# and the bridge xenbr0 10.0.0.1/24, then sources /lab/test.sh (from the
# overlay, see build.sh) and powers off.  Reports are "LAB: ..." lines on the
# console.  Syslog: busybox syslogd; every line gets the dom0 uptime in front
# (like the xl logs of lab/test.sh); xennetd's go to /var/log/xennetd.log,
# the others to /var/log/messages.
# Kernel command line: e2e.backend=xennetd|kernel e2e.iperf_t=SECONDS
# e2e.destroy_max=SECONDS (xl destroy limit) e2e.deadline=SECONDS (watchdog:
# power off after that many seconds) e2e.phases=all|NAME,NAME... (the
# optional phases of lab/test.sh to run).
/bin/busybox --install -s
export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/log/xen/console /var/lock \
    /tmp
ln -s /run /var/run
up() { cut -d' ' -f1 /proc/uptime; }
lab() { echo "LAB: $*"; }
syslog_split() {	# stamp the lines of syslogd -O -, file them
	local u l
	while IFS= read -r l; do
		read -r u _ < /proc/uptime
		case $l in
		*" xennetd["*) echo "$u $l" >> /var/log/xennetd.log ;;
		*) echo "$u $l" >> /var/log/messages ;;
		esac
	done
}
syslogd -n -O - | syslog_split &
i=0
until [ -S /dev/log ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
BACKEND=xennetd
IPERF_T=10
DESTROY_MAX=10
DEADLINE=250
PHASES=all
HOSTILE=all
HOSTILE_BATCH=13
for a in $(cat /proc/cmdline); do
	case $a in
	e2e.backend=*) BACKEND=${a#*=};;
	e2e.iperf_t=*) IPERF_T=${a#*=};;
	e2e.destroy_max=*) DESTROY_MAX=${a#*=};;
	e2e.deadline=*) DEADLINE=${a#*=};;
	e2e.phases=*) PHASES=$(echo "${a#*=}" | tr , ' ');;
	e2e.hostile=*) HOSTILE=${a#*=};;
	e2e.hostile_batch=*) HOSTILE_BATCH=${a#*=};;
	esac
done
lab "DOM0_INIT uptime=$(up) backend=$BACKEND kernel=$(uname -r)"
# watchdog: never leave the VM running
( sleep "$DEADLINE"; lab "DEADLINE ${DEADLINE}s hit, powering off"
  poweroff -f ) &

for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs bridge tun \
    vhost_net; do
	modprobe $m || lab "modprobe $m FAILED"
done
mkdir -p /proc/xen
mount -t xenfs xenfs /proc/xen || lab "mount xenfs FAILED"
xenstored --no-fork --pid-file /run/xenstored.pid \
    > /var/log/xen/xenstored.out 2>&1 &
i=0
until xenstore-exists / 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
xen-init-dom0 > /var/log/xen/xen-init-dom0.log 2>&1 ||
    lab "xen-init-dom0 FAILED: $(cat /var/log/xen/xen-init-dom0.log)"
xenconsoled -i --log=guest --log-dir=/var/log/xen/console \
    > /var/log/xen/xenconsoled.out 2>&1 &
lab "XENSTORED_UP uptime=$(up) dom0name=$(xenstore-read /local/domain/0/name)"

brctl addbr xenbr0
echo 0 > /sys/class/net/xenbr0/bridge/stp_state
echo 0 > /sys/class/net/xenbr0/bridge/forward_delay
ip addr add 10.0.0.1/24 dev xenbr0
ip link set xenbr0 up
ip link set lo up

if [ -r /lab/test.sh ]; then
	. /lab/test.sh
else
	lab "NO_TEST no /lab/test.sh in the overlay"
fi
timeout 30 xl destroy domu1 > /dev/null 2>&1
timeout 30 xl destroy domu2 > /dev/null 2>&1
lab "DONE uptime=$(up)"
sync
poweroff -f
