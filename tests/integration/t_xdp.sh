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
# t_xdp.sh: feature-xdp-headroom.  The backend offers it; a frontend
# (netfront-sim --xdp-headroom, as Linux netfront when an XDP program is
# attached) writes xdp-headroom and goes Reconfiguring once connected:
# the backend goes Reconfigured, then both Connected again, and every
# frame after that starts that far into its first rx buffer (the
# frontend checks each response's offset), intact: pings, 8 MiB both
# ways.  4000 octets of headroom (most of the first page) still carries
# frames, with and without feature-sg.  A headroom that leaves no room
# (4096) or is over netif.h's limit disconnects that vif only.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v jq > /dev/null || skip_all "jq not installed"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT
CTLBIN=$top_builddir/xennetctl/xennetctl
BE=/local/domain/0/backend/vif

# nfstat GUEST NAME: a counter of its netfront-sim (SIGUSR1 dump)
nfstat() {
	local pid n
	eval "pid=\$SE_NFPID_$1"
	n=$(grep -c "^stats: " "$SE_DIR/nf-$1.log")
	kill -USR1 "$pid"
	se_wait 10 sh -c "[ \$(grep -c '^stats: ' '$SE_DIR/nf-$1.log') -gt $n ]"
	grep "^stat $2 " "$SE_DIR/nf-$1.log" | tail -n 1 | cut -d' ' -f3
}
# pingloss WHERE DST SIZE: loss % of 10 pings of SIZE octets
pingloss() {
	if [ "$1" = dom0 ]; then
		in_dom0 ping -q -c 10 -i 0.05 -W 3 -s "$3" "$2"
	else
		in_guest "$1" ping -q -c 10 -i 0.05 -W 3 -s "$3" "$2"
	fi > "$SE_DIR/ping-$1-$2-$3" 2>&1
	ping_loss "$SE_DIR/ping-$1-$2-$3"
}
# state DOMID END: the backend's (be) or frontend's (fe) xenbus state
state() {
	if [ "$2" = be ]; then
		xenstore-read "$BE/$1/0/state"
	else
		xenstore-read "/local/domain/$1/device/vif/0/state"
	fi
}

simenv_start
ok $? "xennetd started"
LOG=$SE_DIR/xennetd.log
CTL="$CTLBIN -s $XENNET_SIM_DIR/xennetd.sock"
simenv_guest g1 1 2 --xdp-headroom 256
ok $? "guest g1 connected, asks for xdp-headroom 256"
is "the backend offers feature-xdp-headroom" 1 \
    "$(xenstore-read $BE/1/0/feature-xdp-headroom)"
se_wait 10 grep -q "xdp-headroom 256 in force" "$SE_DIR/nf-g1.log"
ok $? "the backend went Reconfigured: the frontend has its headroom"
se_wait 10 grep -q "vif1.0: state Reconfigured -> Connected" "$LOG" &&
    grep -q "vif1.0: state Connected -> Reconfigured" "$LOG"
ok $? "backend: Connected -> Reconfigured -> Connected"
is "both ends Connected again" "4 4" "$(state 1 be) $(state 1 fe)"
se_wait 10 grep -q "vif1.0: xdp-headroom 0 -> 256" "$LOG"
ok $? "the daemon applies the new headroom (written after Reconfiguring)"
is "show vifs -j: xdp_headroom 256" 256 \
    "$($CTL -j show vifs | jq '.vifs[] | select(.name == "vif1.0") |
    .features.xdp_headroom')"
is "pings dom0 -> g1 of 56, 1472 and 8000 octets: no loss" "0 0 0" \
    "$(pingloss dom0 10.0.0.2 56) $(pingloss dom0 10.0.0.2 1472) \
$(pingloss dom0 10.0.0.2 8000)"
se_xfer_ok g1 2
n=$(nfstat g1 rx_headroom)
[ "${n:-0}" -gt 100 ]
ok $? "the frontend saw its headroom in $n frames' first buffer"
is "and no frame without it" 0 "$(nfstat g1 rx_err_headroom)"
is "no response past its page" 0 "$(nfstat g1 rx_err_offset)"

# most of the page as headroom: the first buffer holds 96 octets
simenv_guest g2 2 3 --xdp-headroom 4000
ok $? "guest g2 connected, asks for xdp-headroom 4000"
se_wait 10 grep -q "xdp-headroom 4000 in force" "$SE_DIR/nf-g2.log" &&
    se_wait 10 grep -q "vif2.0: xdp-headroom 0 -> 4000" "$LOG"
ok $? "it has it"
is "pings of 56, 1472 and 8000 octets to g2: no loss" "0 0 0" \
    "$(pingloss dom0 10.0.0.3 56) $(pingloss dom0 10.0.0.3 1472) \
$(pingloss dom0 10.0.0.3 8000)"
se_xfer_ok g2 3
is "g2: no frame without its headroom" 0 "$(nfstat g2 rx_err_headroom)"

# without feature-sg a frame must fit in what the headroom leaves
simenv_guest g3 3 4 --xdp-headroom 256 --no-sg
ok $? "guest g3 (no feature-sg) connected, asks for xdp-headroom 256"
se_wait 10 grep -q "xdp-headroom 256 in force" "$SE_DIR/nf-g3.log" &&
    se_wait 10 grep -q "vif3.0: xdp-headroom 0 -> 256" "$LOG"
ok $? "it has it"
is "1472-octet pings to g3 (1514-octet frames): no loss" 0 \
    "$(pingloss dom0 10.0.0.4 1472)"
[ "$(nfstat g3 rx_headroom)" -gt 10 ] &&
    [ "$(nfstat g3 rx_err_headroom)" = 0 ]
ok $? "each with its headroom"

# a headroom that leaves no room, one over netif.h's limit
SE_GUEST_WAIT=0 simenv_guest g4 4 5 --xdp-headroom 4096
SE_GUEST_WAIT=0 simenv_guest g5 5 6 --xdp-headroom 40000
se_wait 20 grep -q "vif4.0: frontend xdp-headroom 4096 leaves no room" "$LOG"
ok $? "xdp-headroom 4096 is refused"
se_wait 20 grep -q "vif5.0: frontend xdp-headroom is" "$LOG"
ok $? "xdp-headroom 40000 is refused"
e=$(xenstore-read /local/domain/0/error/backend/vif/4/0/error 2>/dev/null)
case $e in *"leaves no room"*) r=0 ;; *) r=1 ;; esac
ok $r "the error node says why ($e)"
is "vif4.0 and vif5.0 are not Connected" "no no" \
    "$([ "$(state 4 be)" = 4 ] && echo yes || echo no) \
$([ "$(state 5 be)" = 4 ] && echo yes || echo no)"
is "the others are unaffected" "0 0" \
    "$(pingloss dom0 10.0.0.2 1472) $(pingloss dom0 10.0.0.3 1472)"
kill -0 "$XND_PID"
ok $? "xennetd still runs"
done_testing
