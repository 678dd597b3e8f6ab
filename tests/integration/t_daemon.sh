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
# t_daemon.sh: the daemon's life on a simulated host.  One daemon per pid
# file: a second one on the same simulated machine (its pid file is in the
# run directory) refuses, names the first and exits 1, in the foreground
# and in the background; one on another machine (a parallel test run)
# starts; a pid file left by a killed daemon stops nobody.  SIGTERM
# disconnects every guest: each connected vif is written Closing, then
# Closed (seen in xenstored-sim's request log), the guests' netfronts see
# it, and the daemon exits 0 and removes its pid file.

. "$top_srcdir/tests/lib.sh"
need_netns
command -v xenstore-read >/dev/null || skip_all "xenstore-utils not installed"
. "$top_srcdir/tests/sim/simenv.sh"
OTHER_PIDS=""
trap 'for p in $OTHER_PIDS; do kill $p 2>/dev/null; done; simenv_stop' EXIT
BEV=/local/domain/0/backend/vif

# second ARGS...: a second daemon that should refuse; its output in
# $out, its exit status in $RC (it must not hang: it would serve our vifs)
second() {
	out=$(timeout 10 "$XENNETD" "$@" 2>&1)
	RC=$?
}

XSD_ARGS=-D simenv_start
ok $? "xenstored-sim and xennetd -d started"
PF=$XENNET_SIM_DIR/xennetd.pid
is "its pid file is in the sim run directory and names it" "$XND_PID" \
    "$(cat "$PF" 2>/dev/null)"

# ---- one daemon per pid file ----
want="xennetd: already running (pid $XND_PID, $PF)"
second -d -S -s "$XENNET_SIM_DIR"
is "a second daemon -d on the same sim dir exits 1" 1 "$RC"
is "and names the running one" "$want" "$out"
second -S -s "$XENNET_SIM_DIR"
is "a second daemon in the background exits 1" 1 "$RC"
is "and says the same" "$want" "$out"
second -d -S
is "the same with the sim dir from \$XENNET_SIM_DIR" "1 $want" "$RC $out"
second -d -s "$SE_DIR" -p "$PF"
is "the same with -p naming the pid file" "1 $want" "$RC $out"
ok $(kill -0 "$XND_PID"; echo $?) "the first daemon still runs"
is "its pid file is untouched" "$XND_PID" "$(cat "$PF" 2>/dev/null)"

O=$SE_DIR/other
mkdir -p "$O/sim"
"$SIM/xenstored-sim" -s "$O/xs.sock" > "$O/xenstored.log" 2>&1 &
OTHER_PIDS="$OTHER_PIDS $!"
se_wait 10 env XENSTORED_PATH="$O/xs.sock" xenstore-read /local/domain/0/domid
XENSTORED_PATH=$O/xs.sock "$XENNETD" -d -S $(xnd_nosandbox) -s "$O/sim" \
    > "$O/1.log" 2>&1 &
P=$!
OTHER_PIDS="$OTHER_PIDS $P"
se_wait 10 grep -q started "$O/1.log"
ok $? "a daemon on another simulated machine starts beside it"
is "with its own pid file" "$P" "$(cat "$O/sim/xennetd.pid" 2>/dev/null)"
kill -9 "$P"
wait "$P" 2>/dev/null
ok $(test -s "$O/sim/xennetd.pid"; echo $?) \
    "kill -9 leaves its pid file behind"
XENSTORED_PATH=$O/xs.sock "$XENNETD" -d -S $(xnd_nosandbox) -s "$O/sim" \
    > "$O/2.log" 2>&1 &
P=$!
OTHER_PIDS="$OTHER_PIDS $P"
se_wait 10 grep -q started "$O/2.log"
ok $? "which does not stop a new daemon (nobody holds its lock)"
is "the new daemon's pid is in it" "$P" \
    "$(cat "$O/sim/xennetd.pid" 2>/dev/null)"
kill "$P"
wait "$P"
is "SIGTERM without guests: exit 0" 0 "$?"
ok $(test ! -e "$O/sim/xennetd.pid"; echo $?) "and the pid file is removed"

# ---- SIGTERM disconnects every guest ----
simenv_guest g1 1 2
ok $? "guest g1 (domid 1) connected"
simenv_guest g2 2 3
ok $? "guest g2 (domid 2) connected"
simenv_attach g1 1
ok $? "xl-sim network-attach g1 (devid 1)"
VIFS="1/0 1/1 2/0"
for v in $VIFS; do
	se_wait 20 sh -c "[ \"\$(xenstore-read $BEV/$v/state)\" = 4 ]"
	ok $? "vif $v Connected"
done

kill -TERM "$XND_PID"
wait "$XND_PID"
is "SIGTERM: the daemon exits 0" 0 "$?"
for v in $VIFS; do
	d=${v%/*} h=${v#*/}
	# every state the store was asked to write for this vif, in order
	w=$(sed -n "s#.* > WRITE req .*\"$BEV/$v/state|\([0-9]*\)\"\$#\1#p" \
	    "$SE_DIR/xenstored.log" | tr '\n' ' ')
	last3=$(echo $w | awk 'NF >= 3 { print $(NF - 2), $(NF - 1), $NF }')
	is "vif$d.$h: states written: ... Connected, Closing, Closed" \
	    "4 5 6" "$last3"
	diag "vif$d.$h: states written: $w"
	is "vif$d.$h: the store says Closed" 6 \
	    "$(xenstore-read $BEV/$v/state 2>&1)"
	grep -q "vif$d.$h: state Connected -> Closing" "$SE_DIR/xennetd.log" &&
	    grep -A100 "vif$d.$h: state Connected -> Closing" \
	    "$SE_DIR/xennetd.log" | grep -q "vif$d.$h: state Closing -> Closed"
	ok $? "vif$d.$h: the daemon logged Connected -> Closing -> Closed"
done
ok $(grep -q "exiting" "$SE_DIR/xennetd.log"; echo $?) \
    "the daemon logged its clean exit"
ok $(test ! -e "$PF"; echo $?) "its pid file is removed"
for g in g1 g2; do
	se_wait 10 grep -q "disconnecting\|closed" "$SE_DIR/nf-$g.log"
	ok $? "$g's netfront saw its backend close"
done
done_testing
