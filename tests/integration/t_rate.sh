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
# t_rate.sh: the guest transmit rate limit (the backend's `rate' key,
# written by xl-sim from rate= in the vif line as libxl does).  Guest
# g1 starts at 20 Mbit/s: iperf3 guest -> dom0 stays under 1.1 times
# that, the rate-limited counter grows, and the daemon, waiting on a
# timer, uses little CPU; the key changed live to 40 Mbit/s: the rate
# follows (under 1.1 times, and above the first); a malformed key is
# logged once and lifts the limit.  Guest g3's key says 100 Mbit/s but
# the configuration file's 5 Mbit/s wins, also when the key changes.
# Upper bounds only: no speed floor is asserted.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 > /dev/null || skip_all "iperf3 not installed"
command -v xenstore-write > /dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
C=$(mktemp /tmp/xennetd-rate.XXXXXX)
trap 'simenv_stop; rm -f "$C"' EXIT
IPERF_T=${IPERF_T:-4}
BE=/local/domain/0/backend/vif
LOG=

cat > "$C" <<CONF
# t_rate.sh: domain 3's rate is the operator's, not the toolstack's
domain 3 {
	rate 62500 per 100000	# 5 Mbit/s
}
CONF

# mbps GUEST PORT: guest -> dom0 iperf3 run, its received Mbit/s (empty
# if it failed)
mbps() {
	in_guest "$1" timeout $((IPERF_T + 30)) iperf3 -c 10.0.0.1 -p "$2" \
	    -t "$IPERF_T" -J > "$SE_DIR/iperf-$1.json" 2>&1
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
if "error" in d: sys.exit(1)
print("%.2f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' \
	    "$SE_DIR/iperf-$1.json" 2>/dev/null
}
# le A B: A <= B (decimals)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a <= b) }'; }
# waits VIF: its rate-limited tx passes in a fresh SIGUSR1 dump
waits() {
	local n
	n=$(grep -c "$1: rate: " "$LOG")
	kill -USR1 "$XND_PID"
	se_wait 10 sh -c "[ \$(grep -c '$1: rate: ' '$LOG') -gt $n ]"
	grep "$1: rate: " "$LOG" | tail -n 1 |
	    sed 's/.*stopped for credit \([0-9]*\),.*/\1/'
}

XND_ARGS="-f $C" simenv_start
ok $? "xennetd -f $C started"
LOG=$SE_DIR/xennetd.log
SE_VIF_OPTS="rate=20Mb/s" simenv_guest g1 1 2
ok $? "guest g1 (vif rate=20Mb/s) connected"
is "xl-sim wrote libxl's rate key (bytes per 50 ms)" "125000,50000" \
    "$(xenstore-read $BE/1/0/rate)"
grep -q "vif1.0: guest transmit limited to 125000 bytes per 50000 us" "$LOG"
ok $? "the daemon read it at connect"

in_dom0 iperf3 -s -D -p 5210 -I "$SE_DIR/iperf-dom0.pid"
sleep 0.5
w0=$(waits vif1.0)
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$XND_PID")
s0=$(date +%s%N)
r1=$(mbps g1 5210)
t1=$(cpu_ticks "$XND_PID")
s1=$(date +%s%N)
le "$r1" 22 && le 0.01 "$r1"
ok $? "guest -> dom0 at 20 Mbit/s: ${r1:-failed} Mbit/s (<= 22, > 0)"
w1=$(waits vif1.0)
[ "${w1:-0}" -gt "${w0:-0}" ]
ok $? "the rate-limited counter grew ($w0 -> $w1 passes)"
# the waiting is a timer: the daemon's CPU over the run, in % of one CPU
cpu=$(( (t1 - t0) * 100 * 1000000000 / hz / (s1 - s0) ))
[ "$cpu" -lt 30 ]
ok $? "daemon CPU while rate-limited: $cpu % of one CPU (< 30 %)"

xenstore-write $BE/1/0/rate "250000,50000"
se_wait 10 grep -q "vif1.0: guest transmit limited to 250000 bytes" "$LOG"
ok $? "the key changed live to 40 Mbit/s: the daemon follows"
r2=$(mbps g1 5210)
le "$r2" 44 && le "$r1" "$r2" && [ "$r1" != "$r2" ]
ok $? "guest -> dom0 at 40 Mbit/s: ${r2:-failed} Mbit/s (<= 44, above $r1)"

# a malformed key: no limit, said once (not again when it is rewritten)
xenstore-write $BE/1/0/rate "125000,fifty"
se_wait 10 grep -q "vif1.0: guest transmit no longer limited" "$LOG"
ok $? "a malformed key lifts the limit"
xenstore-write $BE/1/0/rate "125000,fifty"
sleep 1
is "the malformed key is logged once" 1 \
    "$(grep -c 'vif1.0: backend rate "125000,fifty" is not' "$LOG")"
w2=$(waits vif1.0)
r3=$(mbps g1 5210)
w3=$(waits vif1.0)
is "no pass waits for credit without a limit (${r3:-failed} Mbit/s)" \
    "$w2" "$w3"

# the configuration file's rate wins over the key
SE_VIF_OPTS="rate=100Mb/s" simenv_guest g3 3 3
ok $? "guest g3 (vif rate=100Mb/s, domain 3 rate 5 Mbit/s) connected"
grep -q "vif3.0: guest transmit limited to 62500 bytes per 100000 us" "$LOG"
ok $? "the configuration file's rate is the one in force"
r4=$(mbps g3 5210)
le "$r4" 5.5 && le 0.01 "$r4"
ok $? "guest g3 -> dom0: ${r4:-failed} Mbit/s (<= 5.5, > 0)"
xenstore-write $BE/3/0/rate "12500000,50000"
sleep 1
is "a key change does not override it" 1 \
    "$(grep -c 'vif3.0: guest transmit limited' "$LOG")"
kill -0 "$XND_PID"
ok $? "xennetd still runs"
done_testing
