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
# t_conf.sh: xennetd.conf(5) on a simulated host.  Blocks by domain id,
# by domain name (xenstore's), by vif and by MAC give each vif its batch
# sizes, in the documented precedence, under a command-line option that
# overrides the file's global setting (startup log, SIGUSR1 dump).
# SIGHUP with a new tx-batch while iperf3 runs from a guest: the worker
# switches between two passes, iperf3 completes with throughput, a ping
# beside it loses nothing, and the dump and the batch histogram show the
# new size; a new mtu applies to the tap at once, and a vif created after
# the reload gets the new settings.  A broken file on
# SIGHUP: every error logged as file:line, the running settings stay.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v iperf3 >/dev/null || skip_all "iperf3 not installed"
command -v xenstore-read >/dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
trap simenv_stop EXIT
C=$(mktemp /tmp/xennetd-conf.XXXXXX)
trap 'simenv_stop; rm -f "$C"' EXIT
LOG=

# conf TX1: the configuration, domain 1's tx-batch TX1
conf() {
	cat > "$C" <<EOF
# the configuration of t_conf.sh
copy-batch 48		# -c 40 on the command line wins
rx-batch 64
domain 1 {
	tx-batch $1
	rx-batch 32
}
domain "g2" {
	tx-batch 8
	mtu ${2:-1500}
}
vif 1.1 {
	tx-batch 4
	copy-batch 128
}
vif mac 00:16:3e:00:00:03 { notify packet  rx-batch 16 }
EOF
}

# settings VIF: the vif's last "settings:" line of a SIGUSR1 dump
settings() {
	grep "$1: settings: " "$LOG" | tail -n 1 | sed 's/.*settings: //'
}
# usr1: a SIGUSR1 dump, waited for (its lines follow the marker count)
usr1() {
	local n
	n=$(grep -c ": settings: " "$LOG")
	kill -USR1 "$XND_PID"
	se_wait 10 sh -c "[ \$(grep -c ': settings: ' '$LOG') -gt $n ]"
}
# hist VIF: the tx batch histogram of the vif's last dump, "1:n 2:n ..."
hist() {
	grep "$1: batches: " "$LOG" | tail -n 1 |
	    sed 's/.*batches: tx passes [0-9]* \[\([^]]*\)\].*/\1/'
}
# hsum HIST LO HI: the passes of sizes LO..HI in HIST
hsum() {
	echo "$1" | tr ' ' '\n' | awk -F: -v lo="$2" -v hi="$3" \
	    '$1 >= lo && $1 <= hi { s += $2 } END { print s + 0 }'
}

conf 16
XND_ARGS="-f $C -c 40" simenv_start
ok $? "xennetd -f $C -c 40 started"
LOG=$SE_DIR/xennetd.log
grep -q "configuration $C" "$LOG"
ok $? "it names its configuration file"
simenv_guest g1 1 2
ok $? "guest g1 (domid 1) connected"
simenv_guest g2 2 3
ok $? "guest g2 (domid 2, mac 00:16:3e:00:00:03) connected"
simenv_attach g1 1
ok $? "xl-sim network-attach g1 (vif 1.1)"
se_wait 20 sh -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/vif/1/1/state)\" = 4 ]"
ok $? "vif1.1 Connected"

# ---- the blocks, at creation and in the dump ----
w1="tx-batch 16 rx-batch 32 copy-batch 40 notify batch"
w11="tx-batch 4 rx-batch 32 copy-batch 128 notify batch"
w2="tx-batch 8 rx-batch 16 copy-batch 40 notify packet"
grep -q "vif1.0: $w1, port tap, mtu the toolstack's, rate none, \
rx-stall-timeout 60000 (from $C:4)" "$LOG"
ok $? "vif1.0 created with domain 1's block over -c 40 over the file"
grep -q "vif1.1: $w11, port tap, .* (from $C:4, $C:12)" "$LOG"
ok $? "vif1.1: domain 1's block, then vif 1.1's"
grep -q "vif2.0: $w2, port tap, mtu 1500, .* (from $C:8, $C:16)" "$LOG"
ok $? "vif2.0: domain \"g2\" (xenstore's name), then its MAC's block"
usr1
ok $? "SIGUSR1 dump"
is "vif1.0 runs with its settings" "$w1" "$(settings vif1.0 | cut -d, -f1)"
is "vif1.1 runs with its settings" "$w11" "$(settings vif1.1 | cut -d, -f1)"
is "vif2.0 runs with its settings" "$w2" "$(settings vif2.0 | cut -d, -f1)"

# ---- SIGHUP under traffic: tx-batch 16 -> 2 for domain 1 ----
in_dom0 iperf3 -s -D -p 5201 -I "$SE_DIR/iperf.pid"
sleep 0.5
in_guest g1 timeout 60 iperf3 -c 10.0.0.1 -t 8 -f m > "$SE_DIR/iperf.out" 2>&1 &
IP=$!
in_guest g1 ping -c 40 -i 0.2 -W 2 10.0.0.1 > "$SE_DIR/ping.out" 2>&1 &
PP=$!
sleep 2
conf 2 9000
kill -HUP "$XND_PID"
se_wait 10 grep -q "vif1.0: reload: tx-batch 2 " "$LOG"
ok $? "SIGHUP: vif1.0's tx-batch 2 applied live"
grep -q "vif1.0: reload: tx-batch 2 rx-batch 32 copy-batch 40 notify batch, \
.*1 queue changed live" "$LOG"
ok $? "on its queue, with -c 40 still over the file"
grep -q "vif2.0: mtu 1500 -> 9000" "$LOG"
ok $? "vif2.0's new mtu applies to its tap at once"
in_dom0 ip link show vif2.0 | grep -q " mtu 9000 "
ok $? "the tap has it"
grep -q "vif1.1: reload" "$LOG"
ok $(( ! $? )) "vif1.1, whose settings did not change, is left alone"
usr1
ha=$(hist vif1.0)
is "the dump shows vif1.0's new tx-batch" \
    "tx-batch 2 rx-batch 32 copy-batch 40 notify batch" \
    "$(settings vif1.0 | cut -d, -f1)"
sleep 3
usr1
hb=$(hist vif1.0)
diag "vif1.0 tx batches after the reload: $ha; 3 s later: $hb"
ok $(test "$(hsum "$hb" 1 2)" -gt "$(hsum "$ha" 1 2)"; echo $?) \
    "passes of 1-2 packets went on ($(hsum "$ha" 1 2) -> $(hsum "$hb" 1 2))"
is "and none of 4 or more since" "$(hsum "$ha" 4 256)" "$(hsum "$hb" 4 256)"
wait $IP
is "iperf3 completed" 0 $?
rate=$(awk '/receiver/ { for (i = 1; i < NF; i++)
	if ($(i + 1) ~ /bits\/sec/) print $i, $(i + 1) }' "$SE_DIR/iperf.out")
ok $(echo "$rate" | awk '{ exit !($1 > 0) }'; echo $?) \
    "with throughput across the reload: ${rate:-none}"
wait $PP
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$SE_DIR/ping.out")
is "ping beside it: 0% loss" 0 "$loss"

# ---- a vif created after the reload gets the new settings ----
in_dom0 "$SIM/xl-sim" network-detach g2 0 > "$SE_DIR/xl-detach.log" 2>&1
se_wait 20 grep -q "vif2.0: removed" "$LOG"
ok $? "vif2.0 detached"
in_dom0 "$SIM/xl-sim" network-attach g2 "mac=00:16:3e:00:00:03,bridge=xenbr0" \
    > "$SE_DIR/xl-attach2.log" 2>&1
w2new="tx-batch 8 rx-batch 16 copy-batch 40 notify packet, port tap, mtu 9000"
se_wait 20 sh -c "grep -q 'vif2.[0-9]: $w2new' '$LOG'"
ok $? "g2's new vif is created with mtu 9000"

# ---- a broken file on SIGHUP ----
printf 'tx-batch 32\nfrobnicate\ndomain 1 { tx-batch 999 }\n' > "$C"
kill -HUP "$XND_PID"
se_wait 10 grep -q "has errors: the running configuration stays" "$LOG"
ok $? "SIGHUP with a broken file: refused"
grep -q "$C:2: unknown keyword \"frobnicate\"" "$LOG" &&
    grep -q "$C:3: tx-batch 999 is out of range (1-256)" "$LOG"
ok $? "every error is logged as file:line"
usr1
is "vif1.0 keeps its settings" \
    "tx-batch 2 rx-batch 32 copy-batch 40 notify batch" \
    "$(settings vif1.0 | cut -d, -f1)"
in_guest g1 ping -c 5 -i 0.2 -W 2 10.0.0.1 > /dev/null 2>&1
ok $? "and its traffic goes on"
kill -0 "$XND_PID"
ok $? "the daemon runs on"
done_testing
