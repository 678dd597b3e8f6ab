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
# t_vhost.sh: -i vhost (daemon/vhost.c) in the simulator.  Where the
# kernel has vhost-net, the taps' frames go through it: ping and iperf3
# both ways, 8 MiB each way intact, and the counters show vhost batches
# and fewer system calls than frames.  Where it has not (this project's
# sandbox: no vhost_net module), the daemon says once why and uses
# read/writev, and the guest's traffic flows all the same.  The real-Xen lab shows the vhost path
# (tests/e2e: the vhost phase).

. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 > /dev/null || skip_all "iperf3 not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap simenv_stop EXIT
IPERF_T=${IPERF_T:-3}

have=0
[ -c /dev/vhost-net ] && have=1
diag "/dev/vhost-net: $([ $have = 1 ] && echo present || echo absent)"

XND_ARGS="-i vhost -w 1" simenv_start
ok $? "xennetd -i vhost started"
grep -q "port-io vhost" "$SE_DIR/xennetd.log"
ok $? "its start line names the port I/O"
simenv_guest g1 2 2
ok $? "guest g1 connected"
if [ $have = 1 ]; then
	grep -q "port I/O: vhost-net: the kernel's vhost worker" \
	    "$SE_DIR/xennetd.log"
	ok $? "the log says vhost-net is in use"
else
	n=$(grep -c "port I/O: .*vhost-net.*; using read/writev" \
	    "$SE_DIR/xennetd.log")
	is "no vhost-net here: said once, read/writev used" 1 "$n"
fi

se_traffic g1 2 5207 "through the port I/O"
se_xfer_ok g1 2

kill -USR1 $XND_PID
se_wait 5 grep -q "vif2.0: tap:" "$SE_DIR/xennetd.log"
tap=$(grep "vif2.0: tap:" "$SE_DIR/xennetd.log" | tail -n 1)
diag "$tap"
sys=$(echo "$tap" | sed -n 's/.*tap: \([0-9]*\) system calls.*/\1/p')
frames=$(echo "$tap" | sed -n 's/.* \([0-9]*\) frames read.*/\1/p')
vh=$(grep "vif2.0: vhost-net:" "$SE_DIR/xennetd.log" | tail -n 1)
if [ $have = 1 ]; then
	diag "$vh"
	rxb=$(echo "$vh" | sed -n 's/.*rx batches \([0-9]*\),.*/\1/p')
	txb=$(echo "$vh" | sed -n 's/.*tx batches \([0-9]*\) .*/\1/p')
	[ "${rxb:-0}" -gt 0 ] && [ "${txb:-0}" -gt 0 ]
	ok $? "vhost batches both ways (rx $rxb, tx $txb)"
	[ "${sys:-0}" -lt "${frames:-0}" ]
	ok $? "fewer system calls ($sys) than frames read ($frames)"
else
	[ -z "$vh" ]
	ok $? "no vhost-net counters line: no queue used it"
	[ "${sys:-0}" -ge "${frames:-1}" ] && [ "${frames:-0}" -gt 0 ]
	ok $? "read/writev: a system call per frame at least ($sys for $frames)"
fi

kill -TERM $XND_PID
se_wait 10 sh -c "! kill -0 $XND_PID 2>/dev/null"
ok $? "the daemon stops"
done_testing
