#!/bin/bash
# Integration: many vifs added at once reach InitWait at a flat per-vif
# cost.  On real Xen, xl create of a guest with 18 or 19 vifs failed when
# the last of them was not in InitWait within libxl's 10 s: xennetd
# re-derived a vif on every watch event, and the toolstack writes a dozen
# keys per vif, so the work for one vif grew with how many came at once.
# For 1, 8, 32 and 64 vifs written at once (xl-sim create, as libxl does
# it: one transaction per vif, all in parallel, the real hotplug script)
# this asserts that every one reached InitWait and prints, as TAP
# comments, the time from its backend directory appearing to its
# InitWait (no timing assertion: speed is for benchmarks).
. "$top_srcdir/tests/lib.sh"
need_netns
. "$top_srcdir/tests/sim/simenv.sh"
trap 'simenv_stop' EXIT

simenv_start; ok $? "xenstored-sim and xennetd started"
be=/local/domain/0/backend/vif
# every event below $be with the time it was seen (us); both processes
# on SE_PIDS, so that simenv_stop ends them (a pipeline's $! is only its
# last one, and xenstore-watch spins once its xenstored is gone)
mkfifo "$SE_DIR/watch.fifo"
stdbuf -oL xenstore-watch "$be" > "$SE_DIR/watch.fifo" 2>/dev/null &
SE_PIDS="$SE_PIDS $!"
while read -r p; do
	echo "${EPOCHREALTIME/./} $p"
done < "$SE_DIR/watch.fifo" > "$SE_DIR/watch.log" &
SE_PIDS="$SE_PIDS $!"
se_wait 5 grep -q "$be" "$SE_DIR/watch.log"
ok $? "watching $be"

# initwait_times DOMID: per handle, ms from its first event to its
# second state event (the first is the toolstack's Initialising).
initwait_times() {
	awk -v d="$be/$1/" '
	index($2, d) == 1 {
		split(substr($2, length(d) + 1), c, "/")
		h = c[1]
		if (!(h in first)) first[h] = $1
		if (c[2] == "state" && ++ns[h] == 2) iw[h] = $1
	}
	END {
		for (h in first)
			if (h in iw) printf "%d %.1f\n", h, (iw[h] - first[h]) / 1000
			else printf "%d -\n", h
	}' "$SE_DIR/watch.log" | sort -n
}

# cpu_ms: xennetd's CPU time so far (user + system), ms
cpu_ms() { echo $(( $(cpu_ticks "$XND_PID") * 1000 / $(getconf CLK_TCK) )); }

domid=10
for n in 1 8 32 64; do
	specs=()
	for ((i = 0; i < n; i++)); do
		specs+=(--vif "mac=00:16:3e:02:$(printf %02x $domid):$(printf %02x $i),bridge=xenbr0")
	done
	c0=$(cpu_ms)
	t0=${EPOCHREALTIME/./}
	# libxl's 10 s InitWait deadline raised to 120 s: this asserts that
	# every vif gets there, the times say how fast (on a loaded host the
	# tap ioctls wait for the kernel's global rtnl lock)
	in_dom0 "$SIM/xl-sim" --timeouts 120,30,120 create -n many$domid \
	    -d $domid "${specs[@]}" \
	    > "$SE_DIR/xl-many$domid.log" 2>&1
	rc=$?
	t1=${EPOCHREALTIME/./}
	c1=$(cpu_ms)
	ok $rc "xl-sim create with $n vifs: $(( (t1 - t0) / 1000 )) ms (hotplug scripts included)"
	sleep 0.2
	inw=0
	for ((i = 0; i < n; i++)); do
		[ "$(xenstore-read $be/$domid/$i/state 2>/dev/null)" = 2 ] &&
		    inw=$((inw + 1))
	done
	is "all $n vifs in InitWait" "$n" "$inw"
	initwait_times $domid > "$SE_DIR/iw-$n"
	got=$(grep -vc -- ' -$' "$SE_DIR/iw-$n")
	is "the watch saw all $n reach InitWait" "$n" "$got"
	diag "$n vifs: ms from backend dir to InitWait, per vif (handle:ms):"
	awk '{ printf "%s%s:%s", (NR % 8 == 1 ? "" : " "), $1, $2;
	    if (NR % 8 == 0) printf "\n" } END { if (NR % 8) printf "\n" }' \
	    "$SE_DIR/iw-$n" | sed 's/^/#   /'
	diag "$n vifs: $(awk '$2 != "-" { s += $2; if ($2 > m) m = $2 }
	    END { printf "mean %.1f ms, max %.1f ms", s / NR, m }' "$SE_DIR/iw-$n");\
 xennetd CPU $((c1 - c0)) ms, $(( (c1 - c0) / n )) ms per vif"
	in_dom0 "$SIM/xl-sim" destroy many$domid > "$SE_DIR/xl-destroy$domid.log" 2>&1
	ok $? "xl-sim destroy of the $n-vif guest"
	domid=$((domid + 1))
done
kill -0 "$XND_PID"
ok $? "xennetd still running"
! grep -iE "warn|error|sanitizer" "$SE_DIR/xennetd.log"
ok $? "xennetd log has no warnings"
done_testing
