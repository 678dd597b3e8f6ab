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
# t_ctl_stuck.sh: the control socket when a worker does not answer.  The
# daemon runs with a synthetic cost of 1.5 s per hypercall
# ($XENNET_SIM_HCALL_NS, lib/hv.c; for the daemon only, not the guest), so
# that its one worker, moving a guest's pings, is busy for seconds at a
# time: longer than the 2 s a request waits for it.  show stats still
# answers, says that vif's worker did not answer and gives its earlier
# counters; set batch says the change did not take (yet); show vifs,
# which needs no worker, answers; the daemon goes on and stops cleanly.
# Nothing here is timed: timeout(1) only catches a hang.

. "$top_srcdir/tests/lib.sh"
need_netns
for c in xenstore-read jq; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
. "$top_srcdir/tests/sim/simenv.sh"
SLOW=$(mktemp /tmp/xennetd-slow.XXXXXX)
trap 'simenv_stop; rm -f "$SLOW"' EXIT
cat > "$SLOW" <<EOS
#!/bin/sh
XENNET_SIM_HCALL_NS=1500000000 exec "$XENNETD" "\$@"
EOS
chmod +x "$SLOW"
XENNETD=$SLOW
BEV=/local/domain/0/backend/vif

XND_ARGS="-w 1" simenv_start
ok $? "xennetd (1 worker, 1.5 s per hypercall) started"
CTL="$top_builddir/xennetctl/xennetctl -s $XENNET_SIM_DIR/xennetd.sock"
# Its first ping would take long: the state is what counts here.
SE_GUEST_WAIT=0 simenv_guest g1 1 2
se_wait 90 sh -c "[ \"\$(xenstore-read $BEV/1/0/state)\" = 4 ]"
ok $? "guest g1 connected"
# The main thread pays for its hypercalls too (one per xenstore event,
# to ask whether the domain is dying): wait until it has caught up.
se_wait 120 $CTL show vifs
ok $? "the main thread answers show vifs"
in_guest g1 ping -i 0.2 -c 300 -q 10.0.0.1 >/dev/null 2>&1 &
PING=$!
sleep 4		# the worker is busy with the pings now

j=$(timeout 30 $CTL -j show stats 2>/dev/null)
ok $([ $? != 124 ]; echo $?) "show stats: an answer, no hang"
is "show stats: ok, vif1.0 not answered, with a warning" \
    "true false a worker did not answer: counters of its queues are from before" \
    "$(echo "$j" | jq -r '"\(.ok) \(.vifs[0].answered) \(.vifs[0].warning)"')"
is "show stats: the queue says so too" false \
    "$(echo "$j" | jq '.vifs[0].queues[0].answered')"
out=$(timeout 30 $CTL show stats 2>/dev/null)
echo "$out" | grep -q '^vif1\.0 *Connected (no answer) '
ok $? "show stats (table): vif1.0 Connected (no answer)"
echo "$out" | grep -q '^  warning: a worker did not answer'
ok $? "show stats (table): the warning"
out=$(timeout 30 $CTL -o prometheus show stats 2>/dev/null)
echo "$out" | grep -q '^xennetd_vif_stale{vif="vif1.0",domid="1",handle="0"} 1$'
ok $? "show stats -o prometheus: xennetd_vif_stale 1"
j=$(timeout 30 $CTL -j set batch tx 8 2>/dev/null)
rc=$?
ok $([ $rc != 124 ]; echo $?) "set batch: an answer, no hang"
is "set batch: exit 1" 1 "$rc"
is "set batch: not taken, and why" \
    "false queue 0: its worker did not answer (the change may come later)" \
    "$(echo "$j" | jq -r '"\(.ok) \(.vifs[0].error)"')"
out=$(timeout 30 $CTL show vifs 2>&1)
echo "$out" | grep -q '^vif1\.0 .* Connected '
ok $? "show vifs answers (no worker needed)"
kill $PING 2>/dev/null
wait $PING 2>/dev/null
ok $(kill -0 "$XND_PID"; echo $?) "the daemon still runs"
kill -TERM "$XND_PID"
wait "$XND_PID"
is "SIGTERM: exit 0" 0 "$?"
grep -q "worker 0: no answer to snapshot for 2 s; its vifs: vif1.0" \
    "$SE_DIR/xennetd.log"
ok $? "the daemon logged the worker that did not answer"
done_testing
