#!/bin/bash
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
# t_privsep.sh: privilege separation (xennetd(8), PRIVILEGE SEPARATION)
# on a simulated host.  The daemon runs as _xennetd and every thread of it
# has no_new_privs and a seccomp filter, and no capability but
# CAP_DAC_OVERRIDE (the simulator's files); its one child, the helper,
# runs as root without a filter.  In a --enable-debug build each worker
# tries, once sandboxed, to open /etc/passwd, to create a tap
# (TUNSETIFF), a netlink and a packet socket: all refused, and the daemon
# goes on.  A guest gets a tap the helper made and traffic flows; a vif
# attached later too, and detached its tap goes; capture writes a file
# in capture-dir (made by the helper: root's, 0600) and refuses one
# elsewhere; SIGHUP rereads the configuration through the helper, which
# refuses a file not read at startup; at the end the helper removes the
# pid file and the control socket and goes too.  A user that does not
# exist, or root, is refused with a message.

. "$top_srcdir/tests/lib.sh"
need_netns
for c in xenstore-read tcpdump; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
id _xennetd >/dev/null 2>&1 ||
    skip_all "no user _xennetd (tests/bootstrap.sh creates it)"
# the sandbox under ASan too (simenv.sh would run it with -Z there)
SE_PRIVSEP=1
. "$top_srcdir/tests/sim/simenv.sh"
CAPD=$(mktemp -d /tmp/xennetd-cap.XXXXXX)
CONF=$CAPD/xennetd.conf
printf 'capture-dir "%s"\n' "$CAPD" > "$CONF"
trap 'simenv_stop; rm -rf "$CAPD" /tmp/xennetd-privsep-out.$$.pcap' EXIT
debug=0
grep -q '^#define XN_DEBUG 1' "$top_builddir/config.h" && debug=1

XENNETD_SANDBOX_TRY=1 XND_ARGS="-w 2 -f $CONF" simenv_start
ok $? "xenstored-sim and xennetd started"
LOG=$SE_DIR/xennetd.log
CTL="$top_builddir/xennetctl/xennetctl -s $XENNET_SIM_DIR/xennetd.sock"
uid=$(id -u _xennetd)

# ---- the processes ----
is "the daemon runs as _xennetd" _xennetd \
    "$(ps -o user= -p "$XND_PID" | tr -d ' ')"
helper=$(priv_helper "$XND_PID")
is "it has one child, the helper" 1 "$(echo "$helper" | grep -c .)"
is "the helper runs as root, named xennetd-priv" "root xennetd-priv" \
    "$(ps -o user=,comm= -p "${helper:-0}" | tr -s ' ')"
is "the helper has no seccomp filter" 0 \
    "$(awk '/^Seccomp:/ { print $2 }' /proc/"${helper:-0}"/status)"
ntask=$(ls /proc/"$XND_PID"/task | wc -l)
ok $(test "$ntask" -ge 3; echo $?) \
    "the daemon has $ntask threads (main, 2 workers, libxenstore's)"
bad=
for t in /proc/"$XND_PID"/task/*; do
	st=$(cat "$t/status")
	echo "$st" | grep -q "^Uid:[[:space:]]*$uid[[:space:]]*$uid[[:space:]]*$uid[[:space:]]*$uid$" &&
	    echo "$st" | grep -q '^NoNewPrivs:[[:space:]]*1$' &&
	    echo "$st" | grep -q '^Seccomp:[[:space:]]*2$' &&
	    echo "$st" | grep -q '^CapEff:[[:space:]]*0000000000000002$' &&
	    echo "$st" | grep -q '^CapPrm:[[:space:]]*0000000000000002$' ||
	    bad="$bad ${t##*/}"
done
is "every thread: uid $uid, NoNewPrivs 1, Seccomp 2, CAP_DAC_OVERRIDE only" \
    "" "$bad"
grep -q "sandbox: running as uid $uid" "$LOG"
ok $? "the daemon said how it runs"

# ---- what a worker may not do (a --enable-debug build) ----
if [ "$debug" = 1 ]; then
	wait_for 5 test "$(grep -c 'sandbox try: worker' "$LOG")" -ge 8
	for w in 0 1; do
		l=$(grep "sandbox try: worker $w: open /etc/passwd:" "$LOG")
		ok $(echo "$l" | grep -q 'Permission denied'; echo $?) \
		    "worker $w cannot open /etc/passwd (${l##*: })"
		l=$(grep "sandbox try: worker $w: ioctl TUNSETIFF:" "$LOG")
		ok $(echo "$l" | grep -q 'Permission denied'; echo $?) \
		    "worker $w cannot create a tap (${l##*: })"
		for f in AF_NETLINK AF_PACKET; do
			l=$(grep "sandbox try: worker $w: socket $f:" "$LOG")
			ok $(echo "$l" | grep -q 'Operation not permitted'
			    echo $?) "worker $w cannot make an $f socket (${l##*: })"
		done
	done
	kill -0 "$XND_PID" 2>/dev/null
	ok $? "the daemon lives on after the refusals"
else
	ok 0 "# SKIP the sandbox tries need a --enable-debug build"
fi

# ---- taps from the helper ----
simenv_guest g1 1 2
ok $? "guest g1 connected: ping through its tap"
is "tap vif1.0 exists" 0 "$(in_dom0 ip link show vif1.0 >/dev/null 2>&1
    echo $?)"
ls -l /proc/"$XND_PID"/fd 2>/dev/null | grep -q /dev/net/tun
ok $? "the daemon holds the tap's descriptors"
simenv_attach g1 1
ok $? "a second vif attached to g1"
wait_for 20 in_dom0 ip link show vif1.1 >/dev/null 2>&1
ok $? "its tap vif1.1 was made"
in_dom0 "$SIM/xl-sim" network-detach g1 1 > "$SE_DIR/xl-detach.log" 2>&1
ok $? "xl-sim network-detach g1 1"
wait_for 20 sh -c "! ip netns exec $SE_NS0 ip link show vif1.1" \
    >/dev/null 2>&1
ok $? "its tap went"

# ---- capture ----
in_guest g1 ping -c 30 -i 0.1 10.0.0.1 > /dev/null 2>&1 &
pp=$!
out=$($CTL capture vif1.0 cap.pcap count 10 2>&1)
ok $? "capture vif1.0 cap.pcap count 10 ($out)"
wait_for 10 test -s "$CAPD/cap.pcap"
wait $pp
n=$(tcpdump -n -r "$CAPD/cap.pcap" 2>/dev/null | wc -l)
is "tcpdump reads 10 frames from it" 10 "$n"
is "the file is root's, 0600 (the helper made it)" "root 600" \
    "$(stat -c '%U %a' "$CAPD/cap.pcap")"
out=$($CTL capture vif1.0 /tmp/xennetd-privsep-out.$$.pcap count 1 2>&1)
ok $(test $? -ne 0 && echo "$out" | grep -q capture-dir; echo $?) \
    "a capture outside capture-dir is refused ($out)"
ok $(test ! -e /tmp/xennetd-privsep-out.$$.pcap; echo $?) \
    "and no file was made"

# ---- reload ----
printf 'capture-dir "%s"\ntx-batch 8\n' "$CAPD" > "$CONF"
kill -HUP "$XND_PID"
wait_for 10 grep -q 'reload: tx-batch 8' "$LOG"
ok $? "SIGHUP: the configuration was read again (tx-batch 8)"
printf 'tx-batch 4\n' > "$CAPD/new.conf"
printf 'capture-dir "%s"\ninclude "%s"\n' "$CAPD" "$CAPD/new.conf" > "$CONF"
kill -HUP "$XND_PID"
wait_for 10 grep -q 'refused to open .*new.conf' "$LOG"
ok $? "SIGHUP: an include not read at startup is refused"
grep -q 'reload: tx-batch 4' "$LOG"
ok $(test $? -ne 0; echo $?) "and the running configuration stays"
kill -0 "$XND_PID" 2>/dev/null
ok $? "the daemon runs on"

# ---- the end ----
kill -TERM "$XND_PID"
wait_for 20 sh -c "! kill -0 $XND_PID" 2>/dev/null
ok $? "SIGTERM: the daemon exited"
wait_for 5 sh -c "! kill -0 ${helper:-0}" 2>/dev/null
ok $? "the helper is gone too"
ok $(test ! -e "$XENNET_SIM_DIR/xennetd.pid"; echo $?) "the pid file is gone"
ok $(test ! -e "$XENNET_SIM_DIR/xennetd.sock"; echo $?) \
    "the control socket is gone"
grep -q 'exiting' "$LOG"
ok $? "it exited cleanly"

# ---- the user ----
mkdir "$CAPD/sim"
out=$($XENNETD -d -S -s "$CAPD/sim" -u xennetd-no-such-user 2>&1)
is "-u a user that does not exist: exit 1" 1 "$?"
ok $(echo "$out" | grep -q 'user xennetd-no-such-user does not exist: create it'
    echo $?) "and it says how to make one"
out=$($XENNETD -d -S -s "$CAPD/sim" -u root 2>&1)
is "-u root: exit 1" "1 xennetd: fatal: user root is root: privilege separation needs another (or -Z to run without)" "$? $out"
done_testing
