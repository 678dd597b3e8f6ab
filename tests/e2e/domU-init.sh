#!/bin/busybox sh
# /init of the e2e PV domU: Linux xen-netfront, iperf3 server, and for every
# network device that appears (the first one, and again after
# `xl network-detach` + `xl network-attach`): address 10.0.0.2/24, ping dom0,
# report "LAB-DOMU: ping#N ..." on the console (dom0 reads the console log).
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "LAB-DOMU: $*"; }
say "init uptime=$(up)"
modprobe xen-netfront
ip link set lo up
iperf3 -s > /dev/null 2>&1 &
n=1
while :; do
	dev=""
	while [ -z "$dev" ]; do
		for d in /sys/class/net/eth*; do
			[ -e "$d" ] && dev=${d##*/}
		done
		[ -n "$dev" ] || sleep 0.2
	done
	ip addr add 10.0.0.2/24 dev "$dev"
	ip link set "$dev" up
	say "dev#$n $dev up uptime=$(up) mac=$(cat /sys/class/net/$dev/address)"
	i=0
	r=FAIL
	while [ $i -lt 60 ] && [ -e /sys/class/net/$dev ]; do
		i=$((i + 1))
		ping -c 1 -W 1 10.0.0.1 > /dev/null 2>&1 && { r=ok; break; }
	done
	ping -c 5 -i 0.2 -W 2 10.0.0.1 > /tmp/ping.out 2>&1
	rx=$(awk '/transmitted/ { print $4 }' /tmp/ping.out)
	say "ping#$n domU->dom0 first=$r tries=$i received=${rx:-0}/5 uptime=$(up)"
	while [ -e /sys/class/net/$dev ]; do
		sleep 0.2
	done
	say "dev#$n $dev gone uptime=$(up)"
	n=$((n + 1))
done
