# tests/bench/xen/lab/test.sh: the dom0 side of tests/bench/xen.sh.
# Sourced by the e2e dom0's /init (tests/e2e/dom0-init.sh) with xenstored
# and xenbr0 up.  For ROUNDS rounds, for each backend variant in VARIANTS
# (in turn, so that the variants alternate): bring the backend up, xl create
# the domU, measure, xl destroy, take the backend down.  Measures, each for
# BENCH_T seconds, from dom0 to the domU's iperf3 server: TCP dom0->domU,
# TCP domU->dom0 (-R), both again with 4 streams (-P 4), UDP 64-byte
# datagrams both ways; with the total dom0
# CPU (all its vCPUs, from /proc/stat) over each run.  Prints
#   LAB: BENCH <round> <variant> <test> <value> <unit> <dom0-cpu-%>
# /lab/env sets XENNETD; /lab/bench.env sets ROUNDS, BENCH_T, VARIANTS
# ("kernel" or "xennetd:ARGS", the arguments joined by +), DOMU (the
# domU's config in /etc/xen and its name), PROFILE (1: after the rounds,
# one more TCP run each way per variant under `perf record -a`, which
# prints "LAB: PROFRAW <variant> <test> <pct> <comm> <dso> <symbol>"
# lines: where dom0's CPU goes; not in the measured rounds, perf costs
# CPU too).
ROUNDS=3
BENCH_T=8
VARIANTS="kernel xennetd: xennetd:-i+syscall xennetd:-i+vhost"
DOMU="domU.cfg domu1"
PROFILE=0
[ -r /lab/env ] && . /lab/env
[ -r /lab/bench.env ] && . /lab/bench.env
DOMU_IP=10.0.0.2
DOMU_CFG=${DOMU% *}
DOMU_NAME=${DOMU#* }
XNPID=""

bench_wait() {		# SECONDS CMD...
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
bench_cpu() {		# busy and total jiffies of all dom0 CPUs
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}
bench_up() {		# VARIANT: start the backend; 0 if it runs
	case $1 in
	kernel)
		modprobe xen-netback;;
	xennetd:*)
		local args
		args=$(echo "${1#xennetd:}" | tr '+' ' ')
		# its unprivileged user (xennetd(8), PRIVILEGE SEPARATION),
		# as the init script makes it where busybox has no adduser
		# (this dom0): measured the way it runs for users, helper
		# and sandbox included
		if ! id _xennetd > /dev/null 2>&1; then
			echo "_xennetd:x:999:" >> /etc/group
			echo "_xennetd:x:999:999:xennetd:/nonexistent:/bin/false" \
			    >> /etc/passwd
		fi
		$XENNETD -d $args > /tmp/xennetd.log 2>&1 &
		XNPID=$!
		bench_wait 5 grep -q started /tmp/xennetd.log;;
	esac
}
bench_down() {		# VARIANT: stop the backend
	case $1 in
	kernel)
		bench_wait 20 timeout 5 rmmod xen-netback ||
		    lab "NOTE cannot rmmod xen-netback";;
	xennetd:*)
		kill -TERM $XNPID 2> /dev/null
		bench_wait 10 sh -c "! kill -0 $XNPID"
		kill -9 $XNPID 2> /dev/null
		XNPID="";;
	esac
}
bench_run() {		# ROUND VARIANT TEST IPERF-ARGS...: one measurement
	local r=$1 v=$2 t=$3 c0 c1 out val unit
	shift 3
	c0=$(bench_cpu)
	out=$(timeout $((BENCH_T + 20)) iperf3 -c $DOMU_IP -t $BENCH_T -f m \
	    "$@" 2>&1)
	c1=$(bench_cpu)
	case $t in
	tcp*)	# the last receiver line: the [SUM] one with -P
		val=$(echo "$out" | awk '/receiver/ {
		    v = $1 == "[SUM]" ? $6 : $7 } END { print v }')
		unit=Mbit/s;;
	udp*)	# receiver: lost/total datagrams; packets/s received
		val=$(echo "$out" | awk -v T=$BENCH_T '/receiver/ {
		    split($(NF-2), a, "/"); printf "%d", (a[2] - a[1]) / T }')
		unit=pps;;
	esac
	set -- $c0 $c1
	lab "BENCH $r $v $t ${val:-0} $unit" \
	    "$(awk -v b0=$1 -v t0=$2 -v b1=$3 -v t1=$4 \
	    'BEGIN { if (t1 > t0) printf "%.1f", 100 * (b1 - b0) / (t1 - t0);
	    else print 0 }')"
	[ -n "$val" ] || echo "$out" | tail -n 3 | sed "s|^|LAB: NOTE $v $t |"
}

bench_profile() {	# VARIANT TEST IPERF-ARGS...: a run under perf
	local v=$1 t=$2 d=/tmp/perf-$1-$2.data pid
	shift 2
	perf record -q -a -F 499 -o "$d" -- sleep $BENCH_T \
	    > /tmp/perf.log 2>&1 &
	pid=$!
	timeout $((BENCH_T + 20)) iperf3 -c $DOMU_IP -t $BENCH_T "$@" \
	    > /dev/null 2>&1
	# only perf: /init, which sources this, has other children (xennetd)
	wait $pid || lab "NOTE perf record: $(tail -n 2 /tmp/perf.log)"
	# every line of at least 0.05 %: the host puts them in buckets
	perf report -i "$d" --stdio --no-children --sort comm,dso,sym \
	    -g none --percent-limit 0.05 2> /dev/null | awk '
	    $1 ~ /%$/ { p = $1; sub(/%/, "", p); comm = $2; dso = $3
		sym = $0; sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +/, "", sym)
		sub(/^\[[.k]\] /, "", sym)
		print p, comm, dso, sym }' | sed "s|^|LAB: PROFRAW $v $t |"
	rm -f "$d"
}

r=1
while [ $r -le $ROUNDS ]; do
	for v in $VARIANTS; do
		lab "STEP round $r $v uptime=$(cut -d' ' -f1 /proc/uptime)"
		if ! bench_up "$v"; then
			lab "NOTE $v: backend did not start"
			tail -n 5 /tmp/xennetd.log | sed "s|^|LAB: NOTE $v |"
			continue
		fi
		if ! timeout 60 xl create /etc/xen/$DOMU_CFG > /tmp/xl.log 2>&1 ||
		    ! bench_wait 60 ping -c 1 -W 1 $DOMU_IP; then
			lab "NOTE $v: domU unreachable"
			tail -n 5 /tmp/xl.log | sed "s|^|LAB: NOTE $v |"
		else
			sleep 1
			bench_run $r $v tcp_dom0_domU
			bench_run $r $v tcp_domU_dom0 -R
			bench_run $r $v tcp4_dom0_domU -P 4
			bench_run $r $v tcp4_domU_dom0 -P 4 -R
			bench_run $r $v udp64_dom0_domU -u -l 64 -b 0
			bench_run $r $v udp64_domU_dom0 -u -l 64 -b 0 -R
			# the port I/O in use (vhost-net, or why not), the
			# tap's and vhost's counters
			[ -n "$XNPID" ] && kill -USR1 $XNPID && sleep 0.5 && {
			    grep 'port I/O' /tmp/xennetd.log | tail -n 1
			    grep -E 'tap:|hypercalls|vhost-net:' \
				/tmp/xennetd.log | tail -n 3; } |
			    sed "s|^|LAB: NOTE $r $v |"
		fi
		timeout 30 xl destroy $DOMU_NAME > /dev/null 2>&1 ||
		    lab "NOTE $v: xl destroy failed"
		bench_wait 10 sh -c "! xenstore-exists /local/domain/0/backend/vif/\$(xl domid $DOMU_NAME 2>/dev/null || echo x)"
		bench_down "$v"
	done
	r=$((r + 1))
done
if [ "$PROFILE" = 1 ] && command -v perf > /dev/null; then
	for v in $VARIANTS; do
		lab "STEP profile $v uptime=$(cut -d' ' -f1 /proc/uptime)"
		bench_up "$v" || { lab "NOTE $v: backend did not start"; continue; }
		if timeout 60 xl create /etc/xen/$DOMU_CFG > /tmp/xl.log 2>&1 &&
		    bench_wait 60 ping -c 1 -W 1 $DOMU_IP; then
			sleep 1
			bench_profile "$v" tcp_dom0_domU
			bench_profile "$v" tcp_domU_dom0 -R
		else
			lab "NOTE $v: domU unreachable (profile)"
		fi
		timeout 30 xl destroy $DOMU_NAME > /dev/null 2>&1
		bench_wait 10 sh -c "! xenstore-exists /local/domain/0/backend/vif/\$(xl domid $DOMU_NAME 2>/dev/null || echo x)"
		bench_down "$v"
	done
elif [ "$PROFILE" = 1 ]; then
	lab "NOTE no perf in dom0: no profile"
fi
lab "DONE bench"
