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
# t_mtu.sh: jumbo frames.  A guest whose vif line says mtu=9000 (xl-sim
# writes the key as libxl does) gets a tap of MTU 9000; unfragmented
# 9000-octet pings go both ways, and 8 MiB of random data cross intact
# both ways over TCP (sha256 and size on each side); the frontend offers
# no GSO, so the frames on the rings are 9000-octet ones.  The toolstack changes
# the key while the guest is connected: the tap follows (4000: the big
# pings are lost, 4000-octet ones go; 9000 again: they go), a bad value
# is logged once and changes nothing.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v xenstore-write > /dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
BE=/local/domain/0/backend/vif

# tapmtu VIF: the tap's MTU as dom0 sees it
tapmtu() { in_dom0 cat "/sys/class/net/$1/mtu"; }
# pings WHERE DST SIZE: loss % of 5 unfragmented pings of SIZE octets
pings() {
	local w=$1 d=$2 s=$3
	if [ "$w" = dom0 ]; then
		in_dom0 ping -q -c 5 -i 0.1 -W 1 -M do -s "$s" "$d"
	else
		in_guest "$w" ping -q -c 5 -i 0.1 -W 1 -M do -s "$s" "$d"
	fi > "$SE_DIR/ping-$w-$s" 2>&1
	ping_loss "$SE_DIR/ping-$w-$s"
}

simenv_start
ok $? "xennetd started"
LOG=$SE_DIR/xennetd.log
SE_VIF_OPTS="mtu=9000" simenv_guest g1 1 2 --no-gso
ok $? "guest g1 (vif mtu=9000, no GSO: frames of the MTU) connected"
is "xl-sim wrote the mtu key" 9000 "$(xenstore-read $BE/1/0/mtu)"
is "the tap has MTU 9000" 9000 "$(tapmtu vif1.0)"
is "the guest's eth0 has MTU 9000 (its frontend's mtu key)" 9000 \
    "$(in_guest g1 cat /sys/class/net/eth0/mtu)"
in_dom0 ip link set xenbr0 mtu 9000
is "dom0 -> guest: 9000-octet frames, unfragmented, no loss" 0 \
    "$(pings dom0 10.0.0.2 8972)"
is "guest -> dom0: 9000-octet frames, unfragmented, no loss" 0 \
    "$(pings g1 10.0.0.1 8972)"
is "IPv6 both ways with 9000-octet frames" "0 0" \
    "$(pings dom0 fd00::2 8952) $(pings g1 fd00::1 8952)"

# bulk data, 9000-octet frames on the ring (no GSO either way)
se_xfer_ok g1 2
kill -USR1 "$XND_PID"
se_wait 10 grep -q "vif1.0: batches:" "$LOG"
line=$(grep "vif1.0: state .*guest-tx" "$LOG" | tail -n 1)
diag "$line"
# "guest-tx P pkts B bytes (gso G), guest-rx P pkts B bytes (gso G)"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) {
	if ($i == "pkts") { p[++n] = $(i - 1); b[n] = $(i + 1) }
	if ($i == "(gso") g += $(i + 1) }
	exit !(n == 2 && g == 0 && b[1] / p[1] > 4096 && b[2] / p[2] > 4096) }'
ok $? "no GSO, and frames of more than a page on average both ways"


# the toolstack changes the key while the guest is connected
xenstore-write $BE/1/0/mtu 4000
se_wait 10 grep -q "vif1.0: mtu 9000 -> 4000" "$LOG"
ok $? "mtu key 4000 written live: the daemon follows"
is "the tap has MTU 4000" 4000 "$(tapmtu vif1.0)"
is "9000-octet frames to the guest no longer pass" 100 \
    "$(pings dom0 10.0.0.2 8972)"
is "4000-octet frames do" 0 "$(pings dom0 10.0.0.2 3972)"
xenstore-write $BE/1/0/mtu 9000
se_wait 10 grep -q "vif1.0: mtu 4000 -> 9000" "$LOG"
ok $? "back to 9000"
is "9000-octet frames pass again" 0 "$(pings dom0 10.0.0.2 8972)"

# a bad key: logged once, the MTU in force stays
xenstore-write $BE/1/0/mtu 12x
se_wait 10 grep -q 'vif1.0: ignoring invalid mtu "12x"' "$LOG"
ok $? "a malformed mtu key is logged"
xenstore-write $BE/1/0/mtu 12x
xenstore-write $BE/1/0/mtu 20
se_wait 10 grep -q 'vif1.0: ignoring invalid mtu "20"' "$LOG"
ok $? "so is one under 68"
is "each once" 1 "$(grep -c 'vif1.0: ignoring invalid mtu "12x"' "$LOG")"
is "the tap keeps MTU 9000" 9000 "$(tapmtu vif1.0)"
is "traffic goes on" 0 "$(pings dom0 10.0.0.2 8972)"
kill -0 "$XND_PID"
ok $? "xennetd still runs"
done_testing
