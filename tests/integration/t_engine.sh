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
# t_engine.sh: the map+memcpy copy engine (-m map, lib/hv-mapcopy.c)
# carries a guest's traffic like grant copy does: ping both ways (small
# and 4000-octet frames), iperf3 TCP both ways, and the vif's counters
# show map and unmap calls and not one grant-copy call.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 > /dev/null || skip_all "iperf3 not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap simenv_stop EXIT
IPERF_T=${IPERF_T:-3}

XND_ARGS="-m map -w 1" simenv_start
ok $? "xennetd -m map started"
grep -q "copy-engine map" "$SE_DIR/xennetd.log"
ok $? "its start line names the engine"
simenv_guest g1 2 2
ok $? "guest g1 connected"

se_traffic g1 2 5203 "over map+memcpy"

kill -USR1 $XND_PID
se_wait 5 grep -q "vif2.0: hypercalls:" "$SE_DIR/xennetd.log"
line=$(grep "vif2.0: hypercalls:" "$SE_DIR/xennetd.log" | tail -n 1)
diag "$line"
copy=$(echo "$line" | sed -n 's/.*hypercalls: copy \([0-9]*\) .*/\1/p')
map=$(echo "$line" | sed -n 's/.* map \([0-9]*\) unmap.*/\1/p')
unmap=$(echo "$line" | sed -n 's/.* unmap \([0-9]*\) .*/\1/p')
is "no grant-copy call with -m map" 0 "$copy"
# every batch's map is undone; the two ring pages stay mapped while
# the vif is connected
[ "${map:-0}" -gt 100 ] && [ "$map" = "$((unmap + 2))" ]
ok $? "map and unmap calls carried it, each map undone (map $map = unmap $unmap + the 2 rings)"
done_testing
