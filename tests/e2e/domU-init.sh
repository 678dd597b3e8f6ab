#!/bin/busybox sh
# /init of the e2e PV domU: Linux xen-netfront, iperf3 server, and for every
# network device that appears (the first one, and again after
# `xl network-detach` + `xl network-attach`): address 10.0.0.2/24, ping dom0,
# report "LAB-DOMU: ping#N ..." on the console (dom0 reads the console log).
# With lab_mtu=M on the command line (domU-jumbo.cfg) the interface gets
# MTU M and, after the ping, the guest's side of lab/test.sh's jumbo
# checks (jumbo below); with lab_xdp=1 it then attaches an XDP program.
# With lab_hostile=FIRST (the hostile domUs of lab/test.sh) it loads no
# xen-netfront at all and plays hostile frontends instead (hostile below).
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "LAB-DOMU: $*"; }
say "init uptime=$(up)"
MTU=$(sed -n 's/.*lab_mtu=\([0-9]*\).*/\1/p' /proc/cmdline)
XDP=$(sed -n 's/.*lab_xdp=\([0-9]*\).*/\1/p' /proc/cmdline)
# wait_url SECONDS URL: until dom0's httpd serves URL (dom0's go-ahead)
wait_url() {
	local i=0
	while [ $i -lt "$1" ]; do
		wget -q -O /tmp/url.out "$2" 2> /dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
# jumbo DEV: unfragmented pings of the MTU to dom0; 8 MiB served to dom0
# (httpd) and fetched from it (wget), their sha256 reported; then, with
# lab_xdp, once dom0 serves /xdp, MTU 1500 and an XDP program attached
# in driver mode (xen-netfront asks for xdp-headroom), and pings again
jumbo() {
	local dev=$1 rx rc
	iping -c 5 -i 0.2 -W 2 -M do -s $((MTU - 28)) 10.0.0.1 \
	    > /tmp/jping.out 2>&1
	rx=$(awk '/transmitted/ { print $4 }' /tmp/jping.out)
	say "jping domU->dom0 size=$((MTU - 28)) received=${rx:-0}/5"
	mkdir -p /tmp/www
	dd if=/dev/urandom of=/tmp/www/blob bs=1024 count=8192 2> /dev/null
	say "blob sha256=$(sha256sum < /tmp/www/blob | cut -c1-64)"
	httpd -p 8080 -h /tmp/www
	if wait_url 120 http://10.0.0.1:8080/blob; then
		say "got sha256=$(sha256sum < /tmp/url.out | cut -c1-64)" \
		    "size=$(wc -c < /tmp/url.out)"
	else
		say "got nothing from dom0"
	fi
	[ "$XDP" = 1 ] || return 0
	wait_url 300 http://10.0.0.1:8080/xdp || { say "xdp: no go"; return; }
	ip link set "$dev" mtu 1500
	if [ -e /xdp-pass.o ]; then
		ip-full link set dev "$dev" xdpdrv obj /xdp-pass.o sec xdp \
		    > /tmp/xdp.out 2>&1
		rc=$?
	else
		echo "no XDP object in the image" > /tmp/xdp.out
		rc=none
	fi
	say "xdp attach rc=$rc $(ip-full link show "$dev" | grep -o 'xdp[a-z]*' |
	    head -n 1) $(tr '\n' ' ' < /tmp/xdp.out)"
	sleep 2
	ping -c 5 -i 0.2 -W 2 10.0.0.1 > /tmp/xping.out 2>&1
	rx=$(awk '/transmitted/ { print $4 }' /tmp/xping.out)
	say "xping domU->dom0 received=${rx:-0}/5"
}
# hostile FIRST: no kernel netfront: each vif N is driven by a
# netfront-sim --xen playing case FIRST + N of hostile-cases.sh, from
# boot on, until the dom0 writes "stop" in data/hostile: then all are
# stopped (SIGTERM, then SIGKILL) and each reports "LAB-DOMU: hostile FIRST+N
# CASE ..." (what netfront-sim printed).  Once a case is in place
# (netfront-sim's "hostile: CASE in place", or at once for the cases
# played by options) it says "LAB-DOMU: hostile acted FIRST+N CASE": the
# dom0 starts the batch's traffic when all have.
hostile() {
	local d c k args
	# nothing may load xen-netfront behind our back
	echo /bin/false > /proc/sys/kernel/modprobe
	modprobe xen-evtchn && modprobe xen-gntdev &&
	    modprobe xen-gntalloc limit=16384 ||
	    say "hostile: cannot load the xen device modules"
	. /hostile-cases.sh
	hostile_list > /tmp/cases
	say "hostile ready domid=$(xenstore-read domid) first=$1" \
	    "vifs=$(xenstore-list device/vif | wc -l)"
	while [ "$(xenstore-read data/hostile 2> /dev/null)" != stop ]; do
		for d in $(xenstore-list device/vif 2> /dev/null); do
			[ -e /tmp/nf-$d.pid ] && continue
			k=$(($1 + d))
			c=$(sed -n "$((k + 1))p" /tmp/cases)
			c=${c%% *}
			args=$(hostile_args "$c" /tmp/ctrl-$d)
			netfront-sim --xen --handle "$d" $args \
			    > /tmp/nf-$d.log 2>&1 &
			echo $! > /tmp/nf-$d.pid
			echo "$k $c" > /tmp/nf-$d.case
			# a case played by options rather than --hostile is
			# in place from the start
			case " $args " in
			*" --hostile "*) ;;
			*) touch /tmp/nf-$d.acted
			   say "hostile acted $k $c";;
			esac
			sleep 0.3	# a few xenstore transactions at once
		done
		for d in $(ls /tmp/nf-*.case 2> /dev/null | sed 's/[^0-9]//g'); do
			[ -e /tmp/nf-$d.acted ] && continue
			grep -q '^netfront-sim: hostile: .* in place' \
			    /tmp/nf-$d.log || continue
			touch /tmp/nf-$d.acted
			say "hostile acted $(cat /tmp/nf-$d.case)"
		done
		sleep 0.5
	done
	hostile_stop
	while :; do
		sleep 60
	done
}
hostile_stop() {	# stop every netfront-sim (SIGTERM, after 3 s SIGKILL), report
	local d pid i=0 alive devs
	devs=$(ls /tmp/nf-*.pid | sed 's/[^0-9]//g')
	for d in $devs; do
		kill "$(cat /tmp/nf-$d.pid)" 2> /dev/null
	done
	while [ $i -lt 30 ]; do
		alive=0
		for d in $devs; do
			kill -0 "$(cat /tmp/nf-$d.pid)" 2> /dev/null && alive=1
		done
		[ $alive = 1 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	for d in $devs; do
		read -r pid < /tmp/nf-$d.pid
		kill -9 "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
		say "hostile $(cat /tmp/nf-$d.case): $(grep '^hostile:' \
		    /tmp/nf-$d.log | tr '\n' ' ')log: $(grep -v \
		    '^hostile:' /tmp/nf-$d.log | tail -n 3 | tr '\n' ' ')"
	done
}
H=$(sed -n 's/.*lab_hostile=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$H" ] && hostile "$H"
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
	[ -n "$MTU" ] && ip link set "$dev" mtu "$MTU"
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
	[ -n "$MTU" ] && [ $n = 1 ] && jumbo "$dev"
	while [ -e /sys/class/net/$dev ]; do
		sleep 0.2
	done
	say "dev#$n $dev gone uptime=$(up)"
	n=$((n + 1))
done
