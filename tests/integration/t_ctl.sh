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
# t_ctl.sh: xennetctl(8) and the control socket on a simulated host with
# two guests.  The socket is root's, mode 0600; show vifs and show stats
# in table, JSON (checked by jq) and Prometheus form (checked line by
# line and by the prometheus_client parser); show stats -w refreshes; a
# tx batch of 8 set while iperf3 runs through a guest takes effect (no
# pass of 16 or more packets after it, where there were before) and
# traffic goes on; capture 100 packets (tcpdump -r reads exactly 100, in
# both directions), by seconds, until capture stop, and until the daemon
# stops; bad requests (unknown verbs, bad numbers, unknown vifs, a
# request too long, bytes that are not text) get errors while the daemon
# keeps serving; reload and log level answer; xennetctl says so when no
# daemon runs.

. "$top_srcdir/tests/lib.sh"
need_netns
for c in xenstore-read iperf3 tcpdump jq python3; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null ||
    skip_all "python3-prometheus-client not installed"
. "$top_srcdir/tests/sim/simenv.sh"
# the configuration: where captures named without a path go, and with
# privilege separation (xennetd(8)) where every capture goes
CAPD=$(mktemp -d /tmp/xennetd-cap.XXXXXX)
printf 'capture-dir "%s"\n' "$CAPD" > "$CAPD/xennetd.conf"
trap 'simenv_stop; rm -rf "$CAPD"' EXIT
CTLBIN=$top_builddir/xennetctl/xennetctl

XND_ARGS="-w 2 -f $CAPD/xennetd.conf" simenv_start
ok $? "xenstored-sim and xennetd started"
SOCK=$XENNET_SIM_DIR/xennetd.sock
CTL="$CTLBIN -s $SOCK"
simenv_guest g1 1 2
ok $? "guest g1 (domid 1) connected"
simenv_guest g2 2 3
ok $? "guest g2 (domid 2) connected"
simenv_guest g3 3 4 --queues 2
ok $? "guest g3 (domid 3, 2 queues) connected"

# ---- the socket ----
is "the control socket is in the sim run directory, a socket" socket \
    "$(stat -c %F "$SOCK" 2>&1 | sed 's/^.*socket$/socket/')"
is "its mode is 0600" 600 "$(stat -c %a "$SOCK" 2>&1)"
is "it is root's" "root root" "$(stat -c '%U %G' "$SOCK" 2>&1)"

# raw BYTES: send BYTES (printf(1) escapes) on a connection of our own,
# print every reply line until the daemon closes it or 2 s pass
raw() {
	python3 - "$SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
data = sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
s.sendall(data)
s.settimeout(2)
buf = b''
try:
    while True:
        b = s.recv(65536)
        if not b:
            buf += b'<closed>\n'
            break
        buf += b
except socket.timeout:
    pass
except ConnectionResetError:
    buf += b'<reset>\n'
sys.stdout.write(buf.decode('utf-8', 'replace'))
PY
}

# ---- show vifs ----
out=$($CTL show vifs 2>&1)
ok $? "show vifs exits 0"
diag "$(echo "$out" | head -4)"
echo "$out" | head -1 | grep -q '^VIF *DOMAIN *HANDLE *STATE *MAC *PORT'
ok $? "show vifs: a table with a header"
echo "$out" | grep -Eq '^vif1\.0 +1 +0 +Connected +00:16:3e:00:00:02 +tap vif1\.0 +64/64/64 +1 +sg,'
ok $? "show vifs: vif1.0's row: domain, handle, state, MAC, port, batch, queues, features"
echo "$out" | grep -Eq '^vif2\.0 +2 +0 +Connected +00:16:3e:00:00:03 '
ok $? "show vifs: vif2.0's row"
# the columns line up: every row has "Connected" where the header has STATE
col=$(echo "$out" | head -1 | awk '{ print index($0, "STATE") }')
is "show vifs: the columns are aligned" "$col $col $col" \
    "$(echo "$out" | grep '^vif' | awk '{ printf("%s%d", (NR > 1 ? " " : ""), index($0, "Connected")) }')"
j=$($CTL -j show vifs 2>&1)
echo "$j" | python3 -m json.tool >/dev/null 2>&1
ok $? "show vifs -j: valid JSON"
is "show vifs -j: three vifs" 3 "$(echo "$j" | jq '.vifs | length')"
is "show vifs -j: vif3.0 has 2 queues" 2 \
    "$(echo "$j" | jq '.vifs[] | select(.name == "vif3.0") | .queues')"
is "show vifs -j: vif1.0 state, mac, queues, port" \
    "Connected 00:16:3e:00:00:02 1 tap vif1.0" \
    "$(echo "$j" | jq -r '.vifs[] | select(.name == "vif1.0") | "\(.state) \(.mac) \(.queues) \(.port.type) \(.port.interface)"')"
is "show vifs -j: negotiated features" "true true true" \
    "$(echo "$j" | jq -r '.vifs[0].features | "\(.sg) \(.gso_tcpv4) \(.rx_notify)"')"
is "show vifs -o json is -j" "$(echo "$j" | jq -c .)" \
    "$($CTL -o json show vifs | jq -c .)"

# ---- show stats ----
in_guest g1 ping -c 20 -i 0.01 -q 10.0.0.1 >/dev/null 2>&1
out=$($CTL show stats 2>&1)
ok $? "show stats exits 0"
diag "$(echo "$out" | head -3)"
echo "$out" | head -1 | grep -q '^VIF *STATE *TX-PKTS *TX-BYTES *TX-PPS *TX-BIT/S *RX-PKTS *RX-BYTES *RX-PPS *RX-BIT/S *DROPS *COPY/PKT *NTFY/PKT'
ok $? "show stats: a table of packets, bytes, rates, drops, copies and notifications per packet"
tx=$(echo "$out" | awk '$1 == "vif1.0" { print $3; exit }')
ok $([ "${tx:-0}" -ge 20 ]; echo $?) "show stats: vif1.0 sent the 20 pings (tx packets $tx)"
# every reason the engine counts (ring_drop_name), each 0 here
echo "$out" | grep -Eq '^  drops:( [a-z_]+ 0)+$' &&
    echo "$out" | grep -q '^  drops: tx_slots 0 .*rx_offload 0'
ok $? "show stats: drops by reason"
echo "$out" | grep -Eq '^  tx batches \(size:passes\): 1:[0-9]+ 2:[0-9]+ 4:[0-9]+ 8:[0-9]+ 16:[0-9]+ 32:[0-9]+ 64:[0-9]+ 128:[0-9]+ 256:[0-9]+$'
ok $? "show stats: the tx batch histogram"
out1=$($CTL show stats vif2.0 2>&1)
is "show stats vif2.0: only that vif" "vif2.0" \
    "$(echo "$out1" | awk 'NR > 1 && /^vif/ && $1 !~ /:$/ { print $1 }')"
j=$($CTL -j show stats 2>&1)
echo "$j" | python3 -m json.tool >/dev/null 2>&1
ok $? "show stats -j: valid JSON"
n=$(echo "$j" | jq '.vifs[] | select(.name == "vif1.0") | .total.tx_packets')
ok $([ "${n:-0}" -ge 20 ]; echo $?) "show stats -j: vif1.0 total.tx_packets $n"
is "show stats -j: per-queue counters add up to the total" \
    "$(echo "$j" | jq '.vifs[0].total.rx_bytes')" \
    "$(echo "$j" | jq '[.vifs[0].queues[].rx_bytes] | add')"
is "show stats -j: every worker answered" "true true true" \
    "$(echo "$j" | jq -r '[.vifs[].answered] | join(" ")')"
is "show stats -j: nine batch histogram buckets" 9 \
    "$(echo "$j" | jq '.vifs[0].total.tx_hist | length')"

# ---- Prometheus ----
P=$SE_DIR/metrics.prom
J1=$($CTL -j show stats)
$CTL -o prometheus show stats > "$P" 2>&1
ok $? "show stats -o prometheus exits 0"
# every line a comment or a sample; HELP then TYPE before a family's
# samples, each family once
bad=$(awk '
	/^# HELP / { if (help[$3]++) { print "HELP twice: " $3 } ; h = $3; next }
	/^# TYPE / { if ($3 != h || ($4 != "counter" && $4 != "gauge")) print "bad TYPE: " $0; typed[$3] = 1; next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [0-9]+(\.[0-9]+)?$/ {
		m = $0; sub(/[{ ].*/, "", m)
		if (!typed[m]) print "no HELP/TYPE before: " $0
		next }
	{ print "bad line: " $0 }' "$P")
is "prometheus: HELP and TYPE before every family, well-formed samples" "" "$bad"
/usr/bin/python3 - "$P" <<'PY' >/dev/null 2>&1
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))
assert len(fams) >= 10, fams
assert all(len(f.samples) > 0 for f in fams)
PY
ok $? "prometheus: the prometheus_client parser reads it"
J2=$($CTL -j show stats)
n=$(sed -n 's/^xennetd_vif_packets_total{vif="vif1.0",domid="1",handle="0",direction="tx"} //p' "$P")
n1=$(echo "$J1" | jq '.vifs[] | select(.name == "vif1.0") | .total.tx_packets')
n2=$(echo "$J2" | jq '.vifs[] | select(.name == "vif1.0") | .total.tx_packets')
ok $([ "${n:-0}" -ge "$n1" ] && [ "${n:-0}" -le "$n2" ]; echo $?) \
    "prometheus: vif1.0's tx packets ($n) as show stats -j says before ($n1) and after ($n2)"
for m in up drops_total batches_total copy_hypercalls_total notifications_sent_total batch_limit; do
	grep -q "^xennetd_vif_$m{vif=\"vif1.0\"" "$P"
	ok $? "prometheus: xennetd_vif_$m"
done
$CTL -o prometheus show vifs | grep -q '^xennetd_vif_info{vif="vif1.0",domid="1",handle="0",state="Connected",mac="00:16:3e:00:00:02",port="tap",interface="vif1.0"} 1$'
ok $? "show vifs -o prometheus: xennetd_vif_info"

# ---- set batch tx 8 while iperf3 runs ----
# hist16 JSON: tx passes of 16 packets or more of vif1.0
hist16() { echo "$1" | jq '.vifs[] | select(.name == "vif1.0") | .total.tx_hist | [."16", ."32", ."64", ."128", ."256"] | add'; }
hist8() { echo "$1" | jq '.vifs[] | select(.name == "vif1.0") | .total.tx_hist | [."1", ."2", ."4", ."8"] | add'; }
in_dom0 iperf3 -s -D -1 >/dev/null 2>&1
sleep 0.5
S0=$($CTL -j show stats vif1.0)
in_guest g1 iperf3 -c 10.0.0.1 -t 8 -P 8 -J > "$SE_DIR/iperf.json" 2>&1 &
IPERF=$!
sleep 3.5
S1=$($CTL -j show stats vif1.0)
out=$($CTL set batch tx 8 vif1.0 2>&1)
ok $? "set batch tx 8 vif1.0 while iperf3 runs: exit 0"
is "set batch: it says so" "vif1.0: tx batch 8 on 1 of 1 queues" "$out"
S2=$($CTL -j show stats vif1.0)
wait $IPERF
ok $? "iperf3 through g1 completes"
bps=$(jq '.end.sum_received.bits_per_second | floor' "$SE_DIR/iperf.json" 2>/dev/null)
ok $([ "${bps:-0}" -gt 0 ]; echo $?) "traffic went on: iperf3 received $bps bit/s"
S3=$($CTL -j show stats vif1.0)
a=$(( $(hist16 "$S1") - $(hist16 "$S0") ))
ok $([ "$a" -gt 0 ]; echo $?) "with tx batch 64: $a tx passes of 16 packets or more"
b=$(( $(hist16 "$S3") - $(hist16 "$S2") ))
is "after set batch tx 8: no tx pass of 16 packets or more" 0 "$b"
c=$(( $(hist8 "$S3") - $(hist8 "$S2") ))
ok $([ "$c" -gt 0 ]; echo $?) "after set batch tx 8: $c tx passes of 1..15 packets"
is "show stats -j reports tx batch 8" 8 "$(echo "$S3" | jq '.vifs[0].batch.tx')"
is "show vifs: vif1.0 batch 8/64/64, vif2.0 unchanged" "8/64/64 64/64/64" \
    "$($CTL show vifs | awk '/^vif1.0/ { a = $8 } /^vif2.0/ { b = $8 } END { print a, b }')"
out=$($CTL set batch rx 32 2>&1)
ok $? "set batch rx 32 (every vif)"
echo "$out" | grep -q "^vif3.0: rx batch 32 on 2 of 2 queues$"
ok $? "set batch rx 32: on both queues of vif3.0"
is "set batch rx 32: every vif took it" "4 32 32 32" \
    "$(echo "$out" | wc -l) $($CTL -j show vifs | jq -r '[.vifs[].batch.rx] | join(" ")')"
out=$($CTL set batch copy 513 2>&1)
is "set batch copy 513: refused" "1 xennetctl: copy: \"513\" is not a number in 1..512" "$? $out"

# ---- show stats -w ----
in_guest g1 ping -c 80 -i 0.05 -q 10.0.0.1 >/dev/null 2>&1 &
PING=$!
out=$(timeout -s INT --preserve-status 3.5 $CTL show stats vif1.0 -w 1 2>&1)
is "show stats -w 1: ^C ends it with status 0" 0 "$?"
wait $PING
nb=$(echo "$out" | grep -c '^xennetctl: every 1 s')
ok $([ "$nb" -ge 3 ]; echo $?) "show stats -w 1: refreshed every second ($nb screens in 3.5 s)"
# The first screen counts since the vif connected (the iperf3 above), the
# next ones the last interval (20 pings a second, fewer on a loaded
# machine), their rates over it.
set -- $(echo "$out" | awk '$1 == "vif1.0" { n++ } $1 == "vif1.0" && n <= 2 { print $3, $5, $NF }')
diag "show stats -w: first screen $1 packets, second $4 packets, $5/s over $6 s"
ok $([ "${4:-0}" -gt 0 ] && [ "${4:-0}" -le 30 ] && [ "${1:-0}" -gt 1000 ]; echo $?) \
    "show stats -w: the second screen counts the last interval"
# (SECONDS is shown to 0.1 s, the rate to the packet)
ok $(awk -v p="$4" -v r="$5" -v t="$6" 'BEGIN { exit !(t > 0.5 && t < 2 &&
    r >= p / (t + 0.05) - 1 && r <= p / (t - 0.05) + 1) }'; echo $?) \
    "show stats -w: its rate is over the interval"

# ---- capture ----
C100=$CAPD/c100.pcap
in_guest g1 ping -c 200 -i 0.01 -q 10.0.0.1 >/dev/null 2>&1 &
PING=$!
out=$($CTL capture vif1.0 "$C100" count 100 2>&1)
ok $? "capture vif1.0 FILE count 100: exit 0 ($out)"
se_wait 10 sh -c "! $CTL -j show vifs | jq -e '.vifs[0].capture' >/dev/null"
ok $? "the capture ends by itself after 100 frames"
wait $PING
grep -q "vif1.0: capture to $C100 stopped (count reached)" "$SE_DIR/xennetd.log"
ok $? "the daemon logged why it stopped"
is "the file is 0600" 600 "$(stat -c %a "$C100" 2>&1)"
tcpdump -r "$C100" -n > "$SE_DIR/c100.txt" 2>/dev/null
ok $? "tcpdump -r reads it"
is "tcpdump -r: exactly 100 packets" 100 "$(wc -l < "$SE_DIR/c100.txt")"
n1=$(grep -c 'IP 10.0.0.2 > 10.0.0.1: ICMP echo request' "$SE_DIR/c100.txt")
n2=$(grep -c 'IP 10.0.0.1 > 10.0.0.2: ICMP echo reply' "$SE_DIR/c100.txt")
ok $([ "$n1" -gt 30 ] && [ "$n2" -gt 30 ]; echo $?) \
    "both directions: $n1 requests from the guest, $n2 replies to it"

# a vif with 2 queues on 2 workers: one file
CM=$CAPD/mq.pcap
in_dom0 iperf3 -s -D -1 >/dev/null 2>&1
sleep 0.5
M0=$($CTL -j show stats vif3.0)
# consecutive client ports: the frontend hashes the 4 flows onto both
# queues (as in t_mq.sh)
in_guest g3 iperf3 -c 10.0.0.1 -t 4 -P 4 --cport 50000 >/dev/null 2>&1 &
IPERF=$!
sleep 0.5
$CTL capture vif3.0 "$CM" count 300 >/dev/null 2>&1
ok $? "capture vif3.0 (2 queues) FILE count 300 while iperf3 -P 4 runs"
wait $IPERF
ok $? "iperf3 through g3 completes"
M1=$($CTL -j show stats vif3.0)
se_wait 10 grep -q "vif3.0: capture to $CM stopped (count reached)" "$SE_DIR/xennetd.log"
ok $? "the capture ends after 300 frames"
tcpdump -r "$CM" -n -tt > "$SE_DIR/mq.txt" 2>/dev/null
ok $? "tcpdump -r reads it"
is "tcpdump -r: exactly 300 packets" 300 "$(wc -l < "$SE_DIR/mq.txt")"
is "both queues carried packets meanwhile (tx, each queue)" "true true" \
    "$(jq -n --argjson a "$M0" --argjson b "$M1" '[range(2) as $q | $b.vifs[0].queues[$q].tx_packets > $a.vifs[0].queues[$q].tx_packets] | map(tostring) | join(" ")' -r)"
is "the frames are in time order" "" \
    "$(awk '$1 < last { print NR ": " $1 " < " last; exit } { last = $1 }' "$SE_DIR/mq.txt")"
n1=$(grep -c 'IP 10.0.0.4\.[0-9]* > 10.0.0.1\.' "$SE_DIR/mq.txt")
n2=$(grep -c 'IP 10.0.0.1\.[0-9]* > 10.0.0.4\.' "$SE_DIR/mq.txt")
ok $([ "$n1" -gt 30 ] && [ "$n2" -gt 30 ]; echo $?) \
    "both directions: $n1 frames from the guest, $n2 to it"

CS=$CAPD/secs.pcap
in_guest g1 ping -c 60 -i 0.05 -q 10.0.0.1 >/dev/null 2>&1 &
PING=$!
$CTL capture vif1.0 "$CS" seconds 1 >/dev/null 2>&1
ok $? "capture vif1.0 FILE seconds 1"
is "show vifs shows it running" "$CS" \
    "$($CTL -j show vifs | jq -r '.vifs[0].capture.file')"
se_wait 5 grep -q "vif1.0: capture to $CS stopped (time is up)" "$SE_DIR/xennetd.log"
ok $? "it stops after its second"
wait $PING
# 60 pings 0.05 s apart (3 s, 120 frames): a second of them is about 40
# frames, fewer on a loaded host; the time limit, not the pings' end,
# stopped it if some but not all are there
n=$(tcpdump -r "$CS" -n 2>/dev/null | wc -l)
ok $([ "$n" -ge 1 ] && [ "$n" -lt 120 ]; echo $?) \
    "tcpdump -r reads part of the pings: $n frames of 120 (~40 expected)"

CU=$CAPD/stop.pcap
$CTL capture vif2.0 "$CU" >/dev/null 2>&1
ok $? "capture vif2.0 FILE (no limit)"
out=$($CTL capture vif2.0 "$CAPD/again.pcap" 2>&1)
is "a second capture on the same vif is refused" \
    "1 xennetctl: vif2.0: a capture to $CU runs already" "$? $out"
rcvd=$(in_guest g2 ping -c 10 -i 0.01 -q 10.0.0.1 2>&1 |
    sed -n 's/.* transmitted, \([0-9]*\) received.*/\1/p')
out=$($CTL -j capture stop vif2.0 2>&1)
ok $? "capture stop vif2.0"
n=$(echo "$out" | jq '.frames_tx + .frames_rx')
tcpdump -r "$CU" -n > "$SE_DIR/stop.txt" 2>/dev/null
is "tcpdump -r reads as many frames as capture stop reported" "$n" \
    "$(wc -l < "$SE_DIR/stop.txt")"
n1=$(grep -c 'IP 10.0.0.3 > 10.0.0.1: ICMP echo request' "$SE_DIR/stop.txt")
n2=$(grep -c 'IP 10.0.0.1 > 10.0.0.3: ICMP echo reply' "$SE_DIR/stop.txt")
ok $([ "${rcvd:-0}" -gt 0 ] && [ "$n1" -ge "$rcvd" ] && [ "$n2" -ge "$rcvd" ]; echo $?) \
    "each ping answered is in it both ways ($rcvd answered; $n1 requests, $n2 replies)"
out=$($CTL capture stop vif2.0 2>&1)
is "capture stop with none running: an error" \
    "1 xennetctl: no capture runs on vif2.0" "$? $out"
out=$($CTL -j capture vif1.0 rel.pcap count 4 2>&1)
is "capture to a plain name: a file in capture-dir" "$CAPD/rel.pcap" \
    "$(echo "$out" | jq -r '.file')"
in_guest g1 ping -c 5 -i 0.05 -q 10.0.0.1 >/dev/null 2>&1
se_wait 10 grep -q "vif1.0: capture to $CAPD/rel.pcap stopped (count reached)" \
    "$SE_DIR/xennetd.log"
ok $? "it stops after its 4 frames"
is "tcpdump -r reads the 4" 4 "$(tcpdump -r "$CAPD/rel.pcap" -n 2>/dev/null | wc -l)"
out=$($CTL capture vif1.0 sub/x.pcap 2>&1)
is "capture to a relative path with a '/': refused" \
    "1 xennetctl: sub/x.pcap: a capture file is an absolute path or a name in capture-dir $CAPD, without '/'" \
    "$? $out"
mkdir "$CAPD/dir"
out=$($CTL capture vif1.0 "$CAPD/dir" 2>&1)
is "capture into a directory: refused" "1 xennetctl: $CAPD/dir: not a regular file" "$? $out"
mkfifo "$CAPD/fifo"
out=$(timeout 5 $CTL capture vif1.0 "$CAPD/fifo" 2>&1)
is "capture into a FIFO: refused, without blocking the daemon" \
    "1 xennetctl: $CAPD/fifo: not a regular file" "$? $out"

# ---- bad requests ----
t() { out=$($CTL "$@" 2>&1); echo "$? $out"; }
is "unknown verb" '1 xennetctl: unknown command "frobnicate": not show, set, capture, reload or log' \
    "$(t frobnicate)"
is "show nothing" "1 xennetctl: usage: show vifs | show stats [vif]" "$(t show)"
is "set batch tx with a bad number" '1 xennetctl: tx: "8x" is not a number in 1..256' \
    "$(t set batch tx 8x)"
is "set batch tx 0" '1 xennetctl: tx: "0" is not a number in 1..256' \
    "$(t set batch tx 0)"
is "set batch with a bad kind" '1 xennetctl: set batch: "big" is not tx, rx or copy' \
    "$(t set batch big 8)"
is "capture count 0" '1 xennetctl: count: "0" is not a number in 1..1000000000' \
    "$(t capture vif1.0 /tmp/x.pcap count 0)"
is "log level 10" '1 xennetctl: log level: "10" is not a number in 0..9' \
    "$(t log level 10)"
is "unknown vif (the daemon says so)" "1 xennetctl: no vif called vif9.0" \
    "$(t show stats vif9.0)"
is "set batch on an unknown vif" "1 xennetctl: no vif called vif9.0" \
    "$(t set batch tx 8 vif9.0)"
is "capture on an unknown vif" "1 xennetctl: no vif called vif9.0" \
    "$(t capture vif9.0 /tmp/x.pcap)"
is "a bad output format" "1 xennetctl: -o: \"xml\" is not table, json or prometheus" \
    "$(t -o xml show vifs)"
is "-w outside show stats" "1 xennetctl: -w is for show stats only" \
    "$(t show vifs -w 1)"
# the daemon's own checks, past xennetctl
r=$(raw 'frobnicate\n')
is "raw: unknown verb: a JSON error" false "$(echo "$r" | jq '.ok')"
r=$(raw 'set batch tx 99999999999999999999999\n')
is "raw: a number out of range" \
    '{"ok":false,"error":"tx: \"99999999999999999999999\" is not a number in 1..256"}' "$r"
r=$(raw '\x01\xff\x00garbage\nshow vifs\n')
is "raw: bytes that are not text get an error, the next request an answer" \
    '{"ok":false,"error":"request has byte 0x01 at 1: only printable ASCII is allowed"} true' \
    "$(echo "$r" | head -1) $(echo "$r" | sed -n 2p | jq '.ok')"
r=$(raw "$(head -c 3000 /dev/zero | tr '\0' a)")
is "raw: a request too long: an error, then the connection closes" \
    '{"ok":false,"error":"request longer than 1023 bytes"} <closed>' \
    "$(echo $r)"
r=$(raw "show stats $(head -c 1100 /dev/zero | tr '\0' a)\\n")
is "raw: a long line with its newline: the same" \
    '{"ok":false,"error":"request longer than 1023 bytes"} <closed>' \
    "$(echo $r)"
r=$(raw '\n   \nshow vifs extra\n')
is "raw: empty requests and extra words" \
    '{"ok":false,"error":"empty request"} {"ok":false,"error":"empty request"} {"ok":false,"error":"usage: show vifs | show stats [vif]"}' \
    "$(echo $r)"
r=$(raw 'show vifs\r\nlog level +\nlog level -\n')
is "raw: several requests in one write, CRLF too: one answer each" \
    "true true true" "$(echo "$r" | jq -r '.ok' | tr '\n' ' ' | sed 's/ $//')"
# several clients at once: each is answered
CL=""
for i in 1 2 3 4 5 6; do
	raw 'show stats\n' > "$SE_DIR/cl.$i" &
	CL="$CL $!"
done
wait $CL
n=0
for i in 1 2 3 4 5 6; do
	jq -e '.ok and (.vifs | length) == 3' "$SE_DIR/cl.$i" >/dev/null && n=$((n + 1))
done
is "six clients at once: six answers" 6 "$n"
ok $(kill -0 "$XND_PID"; echo $?) "the daemon still runs"
in_guest g1 ping -c 1 -W 2 -q 10.0.0.3 >/dev/null 2>&1
ok $? "and moves traffic: g1 pings g2"

# ---- reload, log level ----
out=$($CTL reload 2>&1)
rc=$?
diag "reload: $out"
j=$($CTL -j reload 2>/dev/null)
if [ $rc = 0 ]; then
	is "reload: exit 0 and the daemon's result" "true" \
	    "$(echo "$j" | jq '.ok and (.result | length > 0)')"
else
	is "reload: exit 1 and the daemon's reason" "false" \
	    "$(echo "$j" | jq '.ok or (.error | length == 0)')"
fi
grep -q "reload requested through the control socket" "$SE_DIR/xennetd.log"
ok $? "the daemon logged the reload"
is "log level 2" "log level 2" "$($CTL log level 2 2>&1)"
is "log level +" "log level 3" "$($CTL log level + 2>&1)"
is "log level -" "log level 2" "$($CTL log level - 2>&1)"
is "log level 0 then -: stays 0" "log level 0" \
    "$($CTL log level 0 >/dev/null; $CTL log level - 2>&1)"
$CTL log level 1 >/dev/null

# ---- stopping ----
CD=$CAPD/down.pcap
$CTL capture vif1.0 "$CD" >/dev/null 2>&1
ok $? "a capture runs when the daemon stops"
in_guest g1 ping -c 5 -i 0.01 -q 10.0.0.1 >/dev/null 2>&1
kill -TERM "$XND_PID"
wait "$XND_PID"
is "SIGTERM: exit 0" 0 "$?"
grep -q "vif1.0: capture to $CD stopped (vif disconnected)" "$SE_DIR/xennetd.log"
ok $? "the capture stopped as its vif disconnected"
n=$(tcpdump -r "$CD" -n 2>/dev/null | wc -l)
ok $([ "$n" -ge 10 ]; echo $?) "its file is complete: tcpdump -r reads $n packets"
ok $(test ! -e "$SOCK"; echo $?) "the socket is removed"
is "no sanitizer report in the daemon's log (--enable-asan)" "" \
    "$(grep -E 'Sanitizer|runtime error' "$SE_DIR/xennetd.log" | head -5)"
out=$($CTL show vifs 2>&1)
is "xennetctl without a daemon: a clear message, exit 1" \
    "1 xennetctl: xennetd is not running (nothing listens on $SOCK: No such file or directory)" \
    "$? $out"
done_testing
