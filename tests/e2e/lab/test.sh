# tests/e2e/lab/test.sh: the dom0 side of the real-Xen end-to-end test.
# Sourced by dom0-init.sh (busybox sh) once xenstored and xenbr0 are up, with
# BACKEND (xennetd, or kernel for the xen-netback baseline), IPERF_T,
# DESTROY_MAX (xl destroy limit, s), PHASES (which of the optional
# phases to run: "all" or their names, see e2e_phase), up() and lab() set.  /lab/env (written
# by t_xen.sh) sets XENNETD and INITD, the paths of the installed daemon and
# init script.  Reports, parsed by t_xen.sh:
#   LAB: CHECK <id> ok|fail|skip <text>   one per check, in a fixed order
#   LAB: NOTE <id> <text>                 diagnostics, always shown
#   LAB: LOG <id> <text>                  log excerpts, shown if <id> failed
#   LAB: METRIC <name>=<value>            numbers for the summary line
# xennetd is started and stopped by its init script ($INITD), with
# XENNETD_OPTS="-v" from /etc/default/xennetd; it logs to syslog, which
# dom0-init.sh files in /var/log/xennetd.log with a dom0 uptime stamp on
# every line.

# Lines of the xennetd log that match 'error|warn' (any case) but are
# expected; an extended regular expression, empty for none.
XN_ALLOW=''
XNLOG=/var/log/xennetd.log
MAC=00:16:3e:00:00:02
DOMU_IP=10.0.0.2
BEVIF=/local/domain/0/backend/vif
XNPID=""
DOMID=""
# where pings and iperf3 to the domU run from (the bpf part: a namespace)
# and the console log its own pings are in
E2E_IN=""
CONSOLE=/var/log/xen/console/guest-domu1.log
[ -r /lab/env ] && . /lab/env

e2e_check() {		# ID ok|fail|skip TEXT
	local id=$1 res=$2
	shift 2
	lab "CHECK $id $res $*"
}
e2e_note() {		# ID TEXT
	local id=$1
	shift
	lab "NOTE $id $*"
}
e2e_log() {		# ID FILE [LINES]: tail of FILE for the host
	tail -n "${3:-25}" "$2" 2>/dev/null | sed "s|^|LAB: LOG $1 |"
}
e2e_dt() {		# T0 T1: seconds between two up() values
	echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'
}
e2e_wait() {		# SECONDS CMD...: poll CMD every 0.1 s until it succeeds,
			# for SECONDS of dom0's clock (not a count of tries: a
			# CMD that is slow itself, a dozen xenstore-reads on a
			# loaded dom0, once made a 20 s wait last 490 s)
	local end
	end=$(echo "$(up) $1" | awk '{ print $1 + $2 }')
	shift
	while :; do
		"$@" 2> /dev/null && return 0
		echo "$(up) $end" | awk '{ exit !($1 < $2) }' || return 1
		sleep 0.1
	done
}
e2e_xl() {		# NAME ARGS...: timeout 60 xl -vv ARGS, output with
			# dom0 uptime stamps in /tmp/xl-NAME.log, status in E2E_RC
	local name=$1
	shift
	{ timeout 60 xl -vv "$@"; echo $? > /tmp/xl-$name.rc; } 2>&1 |
	    e2e_stamp > /tmp/xl-$name.log
	read -r E2E_RC < /tmp/xl-$name.rc
}
e2e_stamp() {		# copy stdin to stdout, each line after the dom0 uptime
	local u l
	while IFS= read -r l; do
		read -r u _ < /proc/uptime
		echo "$u $l"
	done
}
e2e_watch_log() {	# stamp xenstore-watch output; add state values
	local u l v
	while IFS= read -r l; do
		read -r u _ < /proc/uptime
		case $l in
		*/state|*/online|*/hotplug-status)
			v=$(xenstore-read "$l" 2> /dev/null || echo "(gone)");;
		*)	v="";;
		esac
		echo "$u $l $v"
	done
}
e2e_watch_start() {	# NAME: log xenstore events (/local/domain, domain
			# deaths) with uptime stamps to /tmp/watch-NAME.log
	local k
	: > /tmp/watch-$1.log
	for k in /local/domain @releaseDomain; do
		( xenstore-watch $k & echo $! >> /tmp/watch.pids; wait ) |
		    e2e_watch_log >> /tmp/watch-$1.log &
	done
	sleep 0.2
}
e2e_watch_stop() {	# stop the watchers
	sleep 0.2
	kill $(cat /tmp/watch.pids) 2> /dev/null
	rm -f /tmp/watch.pids
}
e2e_xs_dump() {		# ID: backend and frontend vif trees, xennetd log tail
	xenstore-ls -fp $BEVIF 2>&1 | sed "s|^|LAB: LOG $1 xs |"
	[ -n "$DOMID" ] && xenstore-ls -fp /local/domain/$DOMID/device/vif \
	    2>&1 | sed "s|^|LAB: LOG $1 xs |"
	[ "$BACKEND" = xennetd ] && e2e_log "$1" $XNLOG
}
e2e_xennetd_only() {	# ID TEXT: skip a daemon check in kernel mode
	local id=$1
	shift
	[ "$BACKEND" = xennetd ] && return 0
	e2e_check "$id" skip "$* # SKIP kernel netback baseline"
	return 1
}
e2e_alive() {		# xennetd runs (a zombie does not count: not reaped yet)
	local st
	[ -n "$XNPID" ] || return 1
	st=$(sed 's/.*) //' /proc/$XNPID/stat 2> /dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ]
}
e2e_dead() { ! e2e_alive; }
e2e_daemons() {		# the pids pidof gives for xennetd, but the daemons'
			# privileged helpers (xennetd.8, PRIVILEGE SEPARATION:
			# their command line says what they are)
	local p out=
	for p in $(pidof xennetd); do
		tr '\0' ' ' < /proc/$p/cmdline 2> /dev/null |
		    grep -q '^xennetd: privileged helper' ||
		    out="$out${out:+ }$p"
	done
	echo "$out"
}
e2e_helper() {		# PID: the pids of PID's children: its helper
	local s
	for s in /proc/[0-9]*/stat; do
		[ "$(sed 's/.*) //' "$s" 2> /dev/null | cut -d' ' -f2)" = "$1" ] ||
		    continue
		s=${s%/stat}
		echo "${s#/proc/}"
	done
}
e2e_user() {		# PID: the user name PID runs as (its real uid's)
	local uid
	uid=$(awk '/^Uid:/ { print $2 }' /proc/$1/status 2> /dev/null)
	awk -F: -v u="$uid" '$3 == u { print $1; exit }' /etc/passwd
}
e2e_initd() {		# ACTION: $INITD ACTION, its output in
			# /tmp/initd-ACTION.log, its status in E2E_RC
	"$INITD" "$1" > /tmp/initd-$1.log 2>&1
	E2E_RC=$?
}
e2e_xnpid() {		# the pid $INITD status names, if it says 0
	e2e_initd status
	[ $E2E_RC = 0 ] || return 1
	sed -n 's/.*running (pid \([0-9]*\)).*/\1/p' /tmp/initd-status.log
}
e2e_domu_said() {	# PATTERN: the domU console log has a matching line
	grep -q "$1" $CONSOLE
}
e2e_bridged() {		# TAP: TAP exists and is a port of xenbr0
	[ -e "/sys/class/net/xenbr0/brif/$1" ]
}
e2e_gone() {		# DEVID: backend dir and tap of vif DOMID.DEVID gone
	! xenstore-exists $BEVIF/$DOMID/$1 && [ ! -e /sys/class/net/vif$DOMID.$1 ]
}
e2e_fe_connected() {	# DEVID: frontend in state 4
	[ "$(xenstore-read /local/domain/$DOMID/device/vif/$1/state)" = 4 ]
}
e2e_ping() {		# ID WAIT: ping the domU until a reply (<= WAIT s), then 10
	local id=$1 i=0 t0 first=no rx
	t0=$(up)
	while [ $i -lt "$2" ]; do
		i=$((i + 1))
		$E2E_IN ping -c 1 -W 1 $DOMU_IP > /dev/null 2>&1 &&
		    { first=yes; break; }
	done
	E2E_PING_T=$(up)
	$E2E_IN ping -c 10 -i 0.2 -W 2 $DOMU_IP > /tmp/ping.$id 2>&1
	rx=$(awk '/transmitted/ { print $4 }' /tmp/ping.$id)
	if [ $first = yes ] && [ "${rx:-0}" -ge 9 ]; then
		e2e_check $id ok "ping dom0->domU: $rx/10 replies, first" \
		    "after $(e2e_dt "$t0" "$E2E_PING_T") s"
		e2e_note $id "$(grep round-trip /tmp/ping.$id)"
		return 0
	fi
	e2e_check $id fail "ping dom0->domU: first reply: $first" \
	    "(waited $(e2e_dt "$t0" "$E2E_PING_T") s), then ${rx:-0}/10"
	e2e_log $id /tmp/ping.$id
	ip neigh show | sed "s|^|LAB: LOG $id neigh |"
	e2e_xs_dump $id
	return 1
}
e2e_domu_ping() {	# ID N WAIT: the domU's ping#N to dom0 succeeded
	local id=$1 line
	e2e_wait "$3" e2e_domu_said "ping#$2 "
	line=$(grep "ping#$2 " $CONSOLE)
	case $line in
	*first=ok*received=5/5*|*first=ok*received=4/5*)
		e2e_check $id ok "ping domU->dom0 #$2: ${line#*dom0 }";;
	*)
		e2e_check $id fail "ping domU->dom0 #$2:" \
		    "${line:-no report from the domU in $3 s}"
		e2e_log $id $CONSOLE 40;;
	esac
}
e2e_iperf() {		# ID DIRECTION-FLAG: iperf3 from dom0 to the domU's server
	local id=$1 rc mbps
	$E2E_IN timeout $((IPERF_T + 30)) iperf3 -c $DOMU_IP -t "$IPERF_T" \
	    -f m $2 \
	    --connect-timeout 5000 > /tmp/iperf.$id 2>&1
	rc=$?
	# with -P, the [SUM] line comes last
	mbps=$(awk '/receiver/ { for (i = 1; i < NF; i++)
	    if ($(i + 1) == "Mbits/sec") v = $i } END { print v }' \
	    /tmp/iperf.$id)
	lab "METRIC ${id}_mbps=${mbps:-0}"
	if [ $rc = 0 ] && [ -n "$mbps" ]; then
		e2e_check $id ok "iperf3 $IPERF_T s ${3}: $mbps Mbit/s"
	else
		e2e_check $id fail "iperf3 $IPERF_T s ${3}: rc=$rc"
		e2e_log $id /tmp/iperf.$id
		[ "$BACKEND" = xennetd ] && e2e_log $id $XNLOG
	fi
	# MBytes at the receiver, for e2e_xentop_dir (iperf3 says KBytes
	# below one MByte: a slow run under TCG)
	E2E_IPERF_MB=$(awk '/receiver/ { for (i = 1; i < NF; i++) {
	    if ($(i + 1) == "KBytes") v = $i / 1024
	    if ($(i + 1) == "MBytes") v = $i
	    if ($(i + 1) == "GBytes") v = $i * 1024 } }
	    END { printf "%.3f\n", v + 0 }' /tmp/iperf.$id)
	if grep -q '^\[SUM\]' /tmp/iperf.$id; then
		grep -E '^\[SUM\].*(sender|receiver)' /tmp/iperf.$id
	else
		grep -E 'sender|receiver' /tmp/iperf.$id
	fi | sed "s|^|LAB: NOTE $id |"
}
e2e_iperf2() {		# PREFIX WHAT: iperf3 -t $IPERF_T/2 each way, checks
			# PREFIX_dom0_domU and PREFIX_domU_dom0
	local it=$IPERF_T
	IPERF_T=$(((it + 1) / 2))
	e2e_iperf ${1}_dom0_domU "" "dom0->domU, $2"
	e2e_iperf ${1}_domU_dom0 -R "domU->dom0, $2"
	IPERF_T=$it
}
e2e_counters() {	# ID: SIGUSR1 to xennetd; echo the lines it logged
	local n0 n1
	n0=$(wc -l < $XNLOG)
	kill -USR1 "$XNPID" 2> /dev/null
	sleep 1
	n1=$(wc -l < $XNLOG)
	tail -n $((n1 - n0)) $XNLOG | sed "s|^|LAB: NOTE $1 |"
	[ "$n1" -gt "$n0" ]
}


e2e_start() {		# 1. the backend: xennetd, or xen-netback (baseline)
	local rc
	if [ "$BACKEND" = kernel ]; then
		if modprobe xen-netback && grep -q '^xen_netback ' /proc/modules
		then
			e2e_check xennetd_start ok "kernel xen-netback loaded" \
			    "(baseline run)"
			return 0
		fi
		e2e_check xennetd_start fail "modprobe xen-netback failed"
		return 1
	fi
	if [ -z "${XENNETD:-}" ] || [ ! -x "$XENNETD" ]; then
		e2e_check xennetd_start fail "xennetd is not installed in the" \
		    "dom0 (no daemon/xennetd in the build tree?)"
		return 1
	fi
	if [ -z "${INITD:-}" ] || [ ! -x "$INITD" ]; then
		e2e_check xennetd_start fail "no init script installed" \
		    "(etc/init.d/xennetd in make install's tree)"
		return 1
	fi
	e2e_initd start
	rc=$E2E_RC
	XNPID=$(e2e_xnpid)
	if [ $rc != 0 ] || [ -z "$XNPID" ] || ! e2e_alive ||
	    [ "$(e2e_daemons)" != "$XNPID" ]; then
		e2e_check xennetd_start fail "$INITD start: status $rc, then" \
		    "status says: $(cat /tmp/initd-status.log), running:" \
		    "$(e2e_daemons)"
		e2e_log xennetd_start /tmp/initd-start.log
		e2e_log xennetd_start $XNLOG
		return 1
	fi
	e2e_note xennetd_start "$(cat /tmp/initd-start.log)"
	# a second start: LSB's 0, and no second daemon
	e2e_initd start
	rc=$E2E_RC
	if [ $rc = 0 ] && [ "$(e2e_daemons)" = "$XNPID" ] &&
	    grep -q "xennetd\[$XNPID\]: started" $XNLOG; then
		e2e_check xennetd_start ok "$INITD start: 0, xennetd" \
		    "(pid $XNPID) serves, status says so; a second start: 0," \
		    "the same single daemon"
		return 0
	fi
	e2e_check xennetd_start fail "second $INITD start: status $rc," \
	    "running: $(e2e_daemons) (first: $XNPID), or no start line" \
	    "in the log"
	e2e_log xennetd_start $XNLOG
	return 1
}

e2e_create() {		# 2. xl create with the stock vif-bridge
	local t0 t1 rc
	t0=$(up)
	e2e_xl create create /etc/xen/domU.cfg
	rc=$E2E_RC
	t1=$(up)
	E2E_CREATE_T=$t0
	DOMID=$(xl domid domu1 2> /dev/null)
	TAP=vif$DOMID.0
	lab "METRIC xl_create_s=$(e2e_dt $t0 $t1)"
	if [ $rc = 0 ] && [ -n "$DOMID" ]; then
		e2e_check xl_create ok "xl create (stock vif-bridge): domid" \
		    "$DOMID in $(e2e_dt $t0 $t1) s"
		return 0
	fi
	e2e_check xl_create fail "xl create: rc=$rc after $(e2e_dt $t0 $t1) s"
	grep -iE 'error|fail|timed out|hotplug|wanted state' \
	    /tmp/xl-create.log | tail -n 30 |
	    sed 's|^|LAB: LOG xl_create |'
	e2e_xs_dump xl_create
	return 1
}

e2e_xentop() {		# NAME: "NETS NETTX(k) NETRX(k)" of domain NAME in the
			# last of two rounds of xentop in batch mode
	timeout 30 xentop -b -i 2 -d 1 > /tmp/xentop.out 2> /tmp/xentop.err
	# columns counted from the end of the header: a value may have a
	# space (MAXMEM "no limit"), the columns after NETRX(k) do not
	awk -v n="$1" '
	$1 == "NAME" { for (i = 1; i <= NF; i++) if ($i == "NETS") c = NF - i }
	$1 == n && c { v = $(NF - c) " " $(NF - c + 1) " " $(NF - c + 2) }
	END { print v }' /tmp/xentop.out
}
e2e_xentop_sample() {	# N: domu1's xentop network columns into E2E_XT<N>
	local v
	v=$(e2e_xentop domu1)
	eval "E2E_XT$1=\"${v:-- - -}\""
	cp /tmp/xentop.out /tmp/xentop.$1
	e2e_note xentop_nets "sample $1: NETS NETTX(k) NETRX(k) = ${v:-none}"
}
e2e_xentop_check() {	# xentop_nets, xentop_dir from the three samples:
			# before the iperf3 runs, after dom0->domU (E2E_MB1
			# MBytes), after domU->dom0 (E2E_MB2).  libxenstat reads
			# dom0's /proc/net/dev for vif<domid>.<handle>: NETTX
			# is what dom0 sent the guest, NETRX what it got
	local n0 t0 r0 n1 t1 r1 n2 t2 r2 res
	set -- $E2E_XT0 $E2E_XT1 $E2E_XT2
	n0=$1 t0=$2 r0=$3 n1=$4 t1=$5 r1=$6 n2=$7 t2=$8 r2=$9
	lab "METRIC xentop_tx1=${t1:-none} xentop_rx1=${r1:-none}"
	lab "METRIC xentop_tx2=${t2:-none} xentop_rx2=${r2:-none}"
	if [ "$n0 $n1 $n2" = "1 1 1" ] && [ "${t2:-0}" -gt 0 ] &&
	    [ "${r2:-0}" -gt 0 ]; then
		e2e_check xentop_nets ok "xentop -b: domu1 NETS 1, NETTX" \
		    "${t2}k NETRX ${r2}k after traffic"
	else
		e2e_check xentop_nets fail "xentop -b: domu1 NETS/NETTX/NETRX" \
		    "[$E2E_XT0] [$E2E_XT1] [$E2E_XT2], want NETS 1 and" \
		    "counts > 0"
		e2e_log xentop_nets /tmp/xentop.out
		e2e_log xentop_nets /tmp/xentop.err
		grep vif /proc/net/dev | sed 's|^|LAB: LOG xentop_nets |'
		return
	fi
	# each run's bytes at the receiver (95%: MBytes are rounded) show
	# in one column, more than in the other (the acks)
	res=$(echo "$t0 $r0 $t1 $r1 $t2 $r2 ${E2E_MB1:-0} ${E2E_MB2:-0}" |
	    awk '{ dt1 = $3 - $1; dr1 = $4 - $2; dt2 = $5 - $3; dr2 = $6 - $4
		ok = dt1 >= 0.95 * $7 * 1024 && dt1 > dr1 &&
		    dr2 >= 0.95 * $8 * 1024 && dr2 > dt2 && $7 > 0 && $8 > 0
		printf "%s dom0->domU (%s MBytes): NETTX +%dk NETRX +%dk; " \
		    "domU->dom0 (%s MBytes): NETTX +%dk NETRX +%dk\n",
		    ok ? "ok" : "fail", $7, dt1, dr1, $8, dt2, dr2 }')
	e2e_check xentop_dir ${res%% *} "xentop: what dom0 sends the guest" \
	    "is NETTX, what it gets NETRX: ${res#* }"
	[ "${res%% *}" = ok ] || { e2e_log xentop_dir /tmp/xentop.1
	    e2e_log xentop_dir /tmp/xentop.2; }
}

e2e_traffic() {		# 3, 4. bridge port, ping both ways, iperf3 both ways
	local w
	if e2e_wait 10 e2e_bridged $TAP; then
		e2e_check vif_bridge ok "$TAP is a port of xenbr0"
	else
		e2e_check vif_bridge fail "$TAP is not a port of xenbr0" \
		    "(ports: $(ls /sys/class/net/xenbr0/brif | tr '\n' ' '))"
		e2e_xs_dump vif_bridge
	fi
	if e2e_ping ping_dom0_domU 60; then w=60; else w=5; fi
	lab "METRIC first_ping_s=$(e2e_dt $E2E_CREATE_T $E2E_PING_T)"
	e2e_domu_ping ping_domU_dom0 1 $w
	e2e_xentop_sample 0
	e2e_iperf iperf_dom0_domU "" "dom0->domU"
	E2E_MB1=$E2E_IPERF_MB
	e2e_xentop_sample 1
	e2e_iperf iperf_domU_dom0 -R "domU->dom0"
	E2E_MB2=$E2E_IPERF_MB
	e2e_xentop_sample 2
	e2e_xentop_check
	e2e_xennetd_only counters "SIGUSR1 logs counters" || return 0
	if e2e_counters counters; then
		e2e_check counters ok "SIGUSR1: xennetd logged its counters"
	else
		e2e_check counters fail "SIGUSR1: xennetd logged nothing"
	fi
}

e2e_privsep() {		# 1b. privilege separation: the daemon runs as
			# _xennetd (the init script made the user), its one
			# child, the helper, as root; pidof sees both
	local h u hu
	e2e_xennetd_only privsep "privilege separation" || return 0
	h=$(e2e_helper "$XNPID")
	u=$(e2e_user "$XNPID")
	hu=$(e2e_user "${h:-0}")
	if [ "$u" = _xennetd ] && [ -n "$h" ] && [ "$hu" = root ] &&
	    tr '\0' ' ' < /proc/$h/cmdline |
	    grep -q '^xennetd: privileged helper' &&
	    grep -q "xennetd\[$XNPID\]: sandbox: running as uid" $XNLOG; then
		e2e_check privsep ok "xennetd (pid $XNPID) runs as $u under" \
		    "its sandbox, its helper (pid $h) as $hu; pidof xennetd:" \
		    "$(pidof xennetd)"
		return 0
	fi
	e2e_check privsep fail "xennetd (pid $XNPID) runs as ${u:-?}," \
	    "helper ${h:-none} as ${hu:-?}, or no sandbox line in the log"
	e2e_log privsep $XNLOG
}
e2e_restart() {		# 4b. xennetd killed (SIGKILL) while the domU moves
			# traffic, started again by the init script: it adopts
			# the vif; the iperf3 run and the ping go on
	local t0 tk tr idx0 idx1 rc rx loss st res it=30 ping_n=150 old
	local oldh hgone newh
	e2e_xennetd_only restart_kill "kill -9 and restart of xennetd" || {
		for id in restart_helper restart_iperf restart_ping \
		    restart_vif; do
			e2e_xennetd_only $id "restart"
		done
		return 0; }
	idx0=$(cat /sys/class/net/$TAP/ifindex 2> /dev/null)
	e2e_watch_start restart
	t0=$(up)
	timeout $((it + 40)) iperf3 -c $DOMU_IP -t $it -i 1 -f m \
	    --connect-timeout 5000 > /tmp/iperf.restart 2>&1 &
	local ip=$!
	ping -c $ping_n -i 0.2 -W 1 $DOMU_IP > /tmp/ping.restart 2>&1 &
	local pp=$!
	sleep 5
	old=$XNPID
	oldh=$(e2e_helper "$XNPID")
	tk=$(up)
	kill -KILL "$XNPID"
	e2e_wait 5 e2e_dead
	# the helper goes with its daemon: the new one starts its own
	e2e_wait 5 sh -c "! kill -0 ${oldh:-0} 2> /dev/null"
	hgone=$?
	sleep 1
	e2e_initd start
	rc=$E2E_RC
	tr=$(up)
	XNPID=$(e2e_xnpid)
	if [ $rc = 0 ] && [ -n "$XNPID" ] && [ "$XNPID" != "$old" ] &&
	    e2e_alive; then
		e2e_check restart_kill ok "kill -9 of xennetd (pid $old) with" \
		    "iperf3 and ping running, $INITD start: 0 after" \
		    "$(e2e_dt $tk $tr) s, new pid $XNPID"
	else
		e2e_check restart_kill fail "after kill -9 of pid $old:" \
		    "$INITD start: status $rc, pid ${XNPID:-none}"
		e2e_log restart_kill /tmp/initd-start.log
		e2e_log restart_kill $XNLOG
	fi
	newh=$(e2e_helper "$XNPID")
	if [ -n "$oldh" ] && [ $hgone = 0 ] && [ -n "$newh" ] &&
	    [ "$newh" != "$oldh" ] && [ "$(e2e_user "$XNPID")" = _xennetd ]
	then
		e2e_check restart_helper ok "the helper (pid $oldh) exited" \
		    "with its daemon; the new daemon runs as _xennetd with" \
		    "its own (pid $newh)"
	else
		e2e_check restart_helper fail "helper before ${oldh:-none}" \
		    "(gone: $([ $hgone = 0 ] && echo yes || echo no)), after" \
		    "${newh:-none}, new daemon's user $(e2e_user "$XNPID")"
	fi
	wait $ip
	rc=$?
	wait $pp
	e2e_watch_stop
	# the rate before the kill and after the resumption (the intervals
	# of the client: [  5] a.00-b.00 sec X MBytes Y Mbits/sec ...)
	res=$(awk -v k=$(e2e_dt $t0 $tk) '!/sender|receiver/ {
		iv = v = ""
		for (i = 2; i <= NF; i++) {
			if ($i == "sec") iv = $(i - 1)
			if ($i == "Mbits/sec") v = $(i - 1)
		}
		if (iv == "" || v == "") next
		split(iv, t, "-")
		if (t[2] + 0 <= k) { b += v; nb++ }
		else if (v > 0 && r == "" && t[1] + 0 >= k) r = t[1] + 0
		if (r != "" && t[1] + 0 >= r + 1) { a += v; na++ } }
	    END { printf "%.1f %.1f %.1f", nb ? b / nb : 0, na ? a / na : 0,
		r == "" ? -1 : r - k }' /tmp/iperf.restart)
	set -- $res
	lab "METRIC restart_mbps_before=$1 restart_mbps_after=$2"
	lab "METRIC restart_iperf_resume_s=$3"
	# completed: its TCP sessions (data and control) survived; the rate
	# after is 0 when the restart took most of the run (a loaded host)
	if [ $rc = 0 ] && grep -q receiver /tmp/iperf.restart; then
		e2e_check restart_iperf ok "the iperf3 run ($it s) across the" \
		    "restart completed: $1 Mbit/s before, $2 after, data again" \
		    "$3 s after the kill (-1: not within the run)"
	else
		e2e_check restart_iperf fail "the iperf3 run across the" \
		    "restart: rc=$rc, $1 Mbit/s before, $2 after"
		e2e_log restart_iperf /tmp/iperf.restart 40
		e2e_log restart_iperf $XNLOG
	fi
	grep -E 'sender|receiver' /tmp/iperf.restart |
	    sed "s|^|LAB: NOTE restart_iperf |"
	rx=$(awk '/transmitted/ { print $4 }' /tmp/ping.restart)
	loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' /tmp/ping.restart)
	# the first reply after the kill: seq s left at about 0.2 s * s
	res=$(awk -v k=$(e2e_dt $t0 $tk) '/seq=/ { s = $0
	    sub(/.*seq=/, "", s); s += 0
	    if (s * 0.2 > k + 0.2 && r == "") r = s * 0.2 - k }
	    END { printf "%.1f", r == "" ? -1 : r }' /tmp/ping.restart)
	lab "METRIC restart_ping_loss=${loss:-100} restart_ping_resume_s=$res"
	# it recovered within the run (the loss depends on how long the
	# restart took: seconds under a loaded TCG host), and answers now
	if [ "${rx:-0}" -gt 0 ] && [ "$res" != "-1.0" ] &&
	    ping -c 3 -i 0.2 -W 2 $DOMU_IP > /dev/null 2>&1; then
		e2e_check restart_ping ok "ping dom0->domU across the restart:" \
		    "${rx}/$ping_n replies (${loss}% loss), replies again" \
		    "about $res s after the kill; it answers now"
	else
		e2e_check restart_ping fail "ping dom0->domU across the" \
		    "restart: ${rx:-0}/$ping_n replies, or none now"
		e2e_log restart_ping /tmp/ping.restart
		e2e_xs_dump restart_ping
	fi
	idx1=$(cat /sys/class/net/$TAP/ifindex 2> /dev/null)
	# any state the backend or frontend vif wrote meanwhile but 4
	st=$(awk -v be=$BEVIF/$DOMID/0/state \
	    -v fe=/local/domain/$DOMID/device/vif/0/state \
	    '($2 == be || $2 == fe) && $3 != 4 { printf "%s=%s ", $2, $3 }' \
	    /tmp/watch-restart.log)
	if e2e_bridged $TAP && [ -n "$idx0" ] && [ "$idx0" = "$idx1" ] &&
	    [ -z "$st" ] && [ "$(xenstore-read $BEVIF/$DOMID/0/state)" = 4 ] &&
	    grep -q "$TAP: adopted the connection" $XNLOG; then
		e2e_check restart_vif ok "$TAP stayed on xenbr0 (ifindex" \
		    "$idx0), the vif stayed Connected (4) throughout, the new" \
		    "xennetd adopted it"
	else
		e2e_check restart_vif fail "$TAP on xenbr0: $(e2e_bridged $TAP \
		    && echo yes || echo no), ifindex $idx0 -> ${idx1:-gone}," \
		    "states written meanwhile: ${st:-only 4}"
		e2e_log restart_vif /tmp/watch-restart.log 40
		e2e_log restart_vif $XNLOG
	fi
	grep -E "$TAP: (joined|adopted)" $XNLOG | sed "s|^|LAB: NOTE restart_vif |"
}

e2e_replug() {		# 5. network-detach, network-attach, traffic again
	local t0 t1 rc gone devid tap2 w
	e2e_watch_start detach
	t0=$(up)
	e2e_xl detach network-detach domu1 0
	rc=$E2E_RC
	e2e_wait 10 e2e_gone 0
	gone=$?
	t1=$(up)
	e2e_watch_stop
	lab "METRIC detach_s=$(e2e_dt $t0 $t1)"
	if [ $rc = 0 ] && [ $gone = 0 ]; then
		e2e_check net_detach ok "xl network-detach: backend dir and" \
		    "$TAP gone after $(e2e_dt $t0 $t1) s"
	else
		e2e_check net_detach fail "xl network-detach: rc=$rc, left:" \
		    "$(xenstore-exists $BEVIF/$DOMID/0 2> /dev/null &&
		    echo backend/vif/$DOMID/0) $(ls -d /sys/class/net/$TAP \
		    2> /dev/null)"
		e2e_log net_detach /tmp/xl-detach.log
		e2e_xs_dump net_detach
	fi
	e2e_wait 5 e2e_domu_said "dev#1 .* gone" && e2e_note net_detach \
	    "$(grep -o 'dev#1 .* gone.*' /var/log/xen/console/guest-domu1.log)"
	t0=$(up)
	e2e_xl attach network-attach domu1 mac=$MAC bridge=xenbr0
	rc=$E2E_RC
	devid=$(xl network-list domu1 2> /dev/null | awk 'NR == 2 { print $1 }')
	tap2=vif$DOMID.$devid
	e2e_note net_attach "xl network-attach: rc=$rc in" \
	    "$(e2e_dt $t0 $(up)) s, new devid ${devid:-none}"
	lab "METRIC devid_after_attach=${devid:-none}"
	if [ $rc = 0 ] && [ -n "$devid" ] &&
	    e2e_wait 20 e2e_fe_connected "$devid" &&
	    e2e_wait 5 e2e_bridged $tap2; then
		t1=$(up)
		e2e_check net_attach ok "xl network-attach: devid $devid" \
		    "connected, $tap2 on xenbr0 after $(e2e_dt $t0 $t1) s"
	else
		t1=$(up)
		e2e_check net_attach fail "xl network-attach: rc=$rc devid" \
		    "${devid:-none}, frontend state $(xenstore-read \
		    /local/domain/$DOMID/device/vif/$devid/state 2>&1)"
		e2e_log net_attach /tmp/xl-attach.log
		e2e_xs_dump net_attach
	fi
	lab "METRIC attach_s=$(e2e_dt $t0 $t1)"
	if e2e_ping ping_attach_dom0_domU 30; then w=60; else w=5; fi
	e2e_domu_ping ping_attach_domU_dom0 2 $w
}

e2e_clean() {		# nothing left of the domain's vifs (of any vif if
			# the domain never got an id)
	[ -z "$(xenstore-list $BEVIF/$DOMID 2> /dev/null)" ] &&
	    ! ls -d /sys/class/net/vif$DOMID* > /dev/null 2>&1
}

e2e_destroy_timeline() {	# T0 T1: where the time of xl destroy went, from
				# the watch events and the xennetd log stamps;
				# sets E2E_ASK, E2E_CLOSED and E2E_GONE
				# (uptimes, or "")
	E2E_CLOSED=""
	[ "$BACKEND" = xennetd ] && E2E_CLOSED=$(awk -v t0=$1 \
	    '$1 >= t0 && /-> Closed$/ { print $1; exit }' $XNLOG)
	set -- $1 $2 $(awk -v t0=$1 -v be=$BEVIF/$DOMID/0 '
	function p(t) { return (t == "" ? "-" : t) }
	$1 < t0 { next }
	first == "" && $2 ~ "^/local/domain/" { first = $1 }
	ask == "" && ($2 == be "/state" || $2 == be "/online") { ask = $1 }
	gone == "" && $2 == be { gone = $1 }
	$2 == "@releaseDomain" { rel = $1 }
	END { print p(first), p(ask), p(gone), p(rel) }' /tmp/watch-destroy.log)
	E2E_ASK=${4#-}
	E2E_GONE=${5#-}
	echo "$@ ${E2E_CLOSED:--}" | awk '
	function at(t) { return (t == "-" ? "?" : sprintf("+%.2f", t - $1)) }
	{
		printf "timeline (s after xl destroy started): first xenstore " \
		    "change %s, libxl closes the vif %s, ", at($3), at($4)
		if ($7 != "-")
			printf "xennetd Closed %s, ", at($7)
		printf "backend dir removed %s (vif-bridge offline ran " \
		    "before), domain released %s, xl exited %s\n", at($5),
		    at($6), at($2)
	}'
}

e2e_destroy() {		# 6. xl destroy and what is left behind
	local t0 t1 rc dt script own
	[ "$BACKEND" = xennetd ] && e2e_counters counters_end > /dev/null
	e2e_watch_start destroy
	t0=$(up)
	e2e_xl destroy destroy domu1
	rc=$E2E_RC
	t1=$(up)
	e2e_watch_stop
	e2e_destroy_timeline $t0 $t1 > /tmp/destroy.timeline
	e2e_note xl_destroy "$(cat /tmp/destroy.timeline)"
	dt=$(e2e_dt $t0 $t1)
	lab "METRIC xl_destroy_s=$dt"
	# The stock vif-bridge offline script runs between the backend's
	# Closed and the removal of its directory; under QEMU TCG it alone
	# takes 1.4-3 s, with the kernel netback as with xennetd.  What the
	# backend owes libxl is the rest: it must come before libxl gives up
	# on the device (DESTROY_MAX, libxl's 10 s).  How long it took is a
	# METRIC, not a check: a loaded host stretches it.
	script=$(echo "$E2E_CLOSED $E2E_GONE" | awk 'NF == 2 {
	    printf "%.2f", $2 - $1 }')
	own=$(echo "$dt ${script:-0}" | awk '{ printf "%.2f", $1 - $2 }')
	lab "METRIC xl_destroy_script_s=${script:-?} xl_destroy_own_s=$own"
	if [ $rc = 0 ] && [ -n "$script" ] &&
	    [ "$(echo $own $DESTROY_MAX | awk '{ print ($1 < $2) }')" = 1 ]
	then
		e2e_check xl_destroy ok "xl destroy in $dt s: $own s without" \
		    "the $script s of the stock vif-bridge offline script" \
		    "(limit $DESTROY_MAX s)"
	else
		e2e_check xl_destroy fail "xl destroy: rc=$rc in $dt s, $own s" \
		    "without the vif-bridge script (${script:-not seen} s)" \
		    "(limit $DESTROY_MAX s)"
		e2e_log xl_destroy /tmp/xl-destroy.log
		e2e_log xl_destroy /tmp/watch-destroy.log 40
		e2e_xs_dump xl_destroy
	fi
	if e2e_xennetd_only destroy_close "xennetd answers libxl's close" \
	    "before libxl gives up"; then
		dt=$(echo "$E2E_ASK $E2E_CLOSED" | awk 'NF == 2 {
		    printf "%.2f", $2 - $1 }')
		lab "METRIC destroy_close_s=${dt:-?}"
		if [ -n "$dt" ] && [ "$(echo $dt $DESTROY_MAX |
		    awk '{ print ($1 < $2) }')" = 1 ]; then
			e2e_check destroy_close ok "xennetd went Closed" \
			    "$dt s after libxl closed the vif"
		else
			e2e_check destroy_close fail "xennetd did not go Closed" \
			    "within $DESTROY_MAX s of libxl's request" \
			    "(${dt:-no Closed/request seen})"
			e2e_log destroy_close /tmp/watch-destroy.log 40
			e2e_log destroy_close $XNLOG
		fi
	fi
	if e2e_xennetd_only xennetd_alive "xennetd still running"; then
		sleep 0.5
		if e2e_alive; then
			e2e_check xennetd_alive ok "xennetd still running" \
			    "after xl destroy"
		else
			e2e_check xennetd_alive fail "xennetd died"
			e2e_log xennetd_alive $XNLOG
		fi
	fi
	if e2e_wait 2 e2e_clean; then
		e2e_check cleanup ok "backend/vif/$DOMID empty, no" \
		    "vif$DOMID* interface left"
	else
		e2e_check cleanup fail "left: backend/vif/$DOMID: [$(xenstore-list \
		    $BEVIF/$DOMID 2>&1 | tr '\n' ' ')] interfaces: [$(cd \
		    /sys/class/net && ls -d vif$DOMID* 2>&1 | tr '\n' ' ')]"
		e2e_xs_dump cleanup
	fi
}

e2e_qstat() {		# Q FIELD: queue Q of vif$DOMID.0 in the last SIGUSR1
			# report: FIELD (guest-tx, guest-rx) pkts, or worker
	grep "vif$DOMID.0: queue $1 (" $XNLOG | tail -n 1 | if [ $2 = worker ]
	then
		sed -n 's/.*(worker \([0-9]*\)).*/\1/p'
	else
		sed -n "s/.*$2 \([0-9]*\) pkts.*/\1/p"
	fi
}

e2e_mq() {		# 7. a 2-vCPU domU: its netfront asks for 2 queues,
			# both carry traffic both ways, on two workers
	local t0 rc nq max fe q tx rx w it r=0 s=""
	t0=$(up)
	e2e_xl create_mq create /etc/xen/domU-2vcpu.cfg
	rc=$E2E_RC
	DOMID=$(xl domid domu2 2> /dev/null)
	fe=/local/domain/$DOMID/device/vif/0
	if [ $rc = 0 ] && [ -n "$DOMID" ] && e2e_wait 60 e2e_fe_connected 0
	then
		nq=$(xenstore-read $fe/multi-queue-num-queues 2> /dev/null)
		max=$(xenstore-read $BEVIF/$DOMID/0/multi-queue-max-queues \
		    2> /dev/null)
		lab "METRIC mq_queues=${nq:-none}"
		if [ "$nq" = 2 ] && xenstore-exists $fe/queue-1/tx-ring-ref
		then
			e2e_check mq_create ok "2-vCPU domU (domid $DOMID)" \
			    "connected with multi-queue-num-queues=2, keys" \
			    "under queue-N/ (backend offers $max) after" \
			    "$(e2e_dt $t0 $(up)) s"
		else
			e2e_check mq_create fail "2-vCPU domU connected with" \
			    "multi-queue-num-queues=${nq:-none}, not 2" \
			    "(backend offers ${max:-none})"
			e2e_xs_dump mq_create
		fi
		[ "$BACKEND" = xennetd ] &&
		    grep -E "vif$DOMID.0: (connected|queue [0-9]+: rings)" \
		    $XNLOG | sed "s|^|LAB: NOTE mq_create |"
		e2e_ping mq_ping 60
		# half as long as the first domU's runs: this one only has
		# to show that both queues carry traffic
		it=$IPERF_T
		IPERF_T=$(((it + 1) / 2))
		e2e_iperf mq_iperf_dom0_domU "-P 8" "dom0->domU, 8 streams"
		e2e_iperf mq_iperf_domU_dom0 "-P 8 -R" "domU->dom0, 8 streams"
		IPERF_T=$it
		if e2e_xennetd_only mq_counters "SIGUSR1: packets on both" \
		    "queues"; then
			e2e_counters mq_counters > /dev/null
			for q in 0 1; do
				tx=$(e2e_qstat $q guest-tx)
				rx=$(e2e_qstat $q guest-rx)
				w=$(e2e_qstat $q worker)
				s="$s queue $q (worker ${w:-?}) tx ${tx:-?}"
				s="$s rx ${rx:-?} pkts;"
				[ "${tx:-0}" -gt 0 ] && [ "${rx:-0}" -gt 0 ] ||
				    r=1
				lab "METRIC mq_q${q}_tx=${tx:-0}"
				lab "METRIC mq_q${q}_rx=${rx:-0}"
			done
			[ "$(e2e_qstat 0 worker)" != "$(e2e_qstat 1 worker)" ] ||
			    r=1
			if [ $r = 0 ]; then
				e2e_check mq_counters ok "SIGUSR1: both queues" \
				    "carry packets both ways, on two workers:$s"
			else
				e2e_check mq_counters fail "SIGUSR1: a queue" \
				    "without packets, or one worker:$s"
				grep "vif$DOMID.0: " $XNLOG | tail -n 12 |
				    sed "s|^|LAB: LOG mq_counters |"
			fi
		fi
	else
		e2e_check mq_create fail "xl create of the 2-vCPU domU: rc=$rc," \
		    "domid ${DOMID:-none}, frontend state $(xenstore-read \
		    $fe/state 2>&1)"
		e2e_log mq_create /tmp/xl-create_mq.log
		e2e_xs_dump mq_create
	fi
	e2e_stop_connected
	e2e_destroy_other mq_destroy domu2 "the 2-vCPU domU"
}

J_CON=/var/log/xen/console/guest-domu3.log
e2e_con_line() {	# CONSOLE PATTERN: its last line matching PATTERN
	grep "$2" "$1" 2> /dev/null | tail -n 1
}
e2e_con_said() { [ -n "$(e2e_con_line "$1" "$2")" ]; }
e2e_j_line() { e2e_con_line $J_CON "$1"; }	# domu3's
e2e_j_said() { e2e_con_said $J_CON "$1"; }
e2e_data() {		# PREFIX CONSOLE SUM: 8 MiB each way over HTTP, sha256
			# and size compared: dom0's /tmp/www/blob (SUM) fetched
			# by the domU (lab_mtu on its command line), the
			# domU's fetched by dom0; checks PREFIX_dom0_domU and
			# PREFIX_domU_dom0
	local line dsum gsum
	e2e_wait 120 e2e_con_said $2 "got "
	line=$(e2e_con_line $2 "got ")
	case $line in
	*"got sha256=$3 size=8388608"*)
		e2e_check ${1}_dom0_domU ok "8 MiB dom0->domU (wget):" \
		    "sha256 and size match";;
	*)	e2e_check ${1}_dom0_domU fail "8 MiB dom0->domU: sent" \
		    "$3, the domU says: ${line:-nothing}";;
	esac
	e2e_wait 60 e2e_con_said $2 "blob sha256="
	dsum=$(e2e_con_line $2 "blob sha256=" | sed 's/.*blob sha256=//' |
	    cut -c1-64)
	wget -q -O /tmp/dblob http://$DOMU_IP:8080/blob 2> /dev/null
	gsum=$(sha256sum < /tmp/dblob | cut -c1-64)
	if [ -n "$dsum" ] && [ "$gsum" = "$dsum" ] &&
	    [ "$(wc -c < /tmp/dblob)" = 8388608 ]; then
		e2e_check ${1}_domU_dom0 ok "8 MiB domU->dom0 (wget):" \
		    "sha256 and size match"
	else
		e2e_check ${1}_domU_dom0 fail "8 MiB domU->dom0: the" \
		    "domU has ${dsum:-nothing}, dom0 got $gsum ($(wc -c \
		    < /tmp/dblob) octets)"
	fi
}
e2e_j_mtu() {		# MTU: the tap of domu3 has it
	[ "$(cat /sys/class/net/vif$DOMID.0/mtu 2> /dev/null)" = "$1" ]
}
e2e_j_rx() {		# ARGS...: iping ARGS to the domU: replies of 5
	iping -c 5 -i 0.2 -W 2 "$@" $DOMU_IP > /tmp/jping.dom0 2>&1
	awk '/transmitted/ { print $4 }' /tmp/jping.dom0
}

e2e_jumbo() {		# 8. jumbo frames, the mtu key live, xdp-headroom:
			# a domU whose vif says mtu=9000 (domU-jumbo.cfg)
	local t0 rc tap sum line it big small r
	mkdir -p /tmp/www
	dd if=/dev/urandom of=/tmp/www/blob bs=1024 count=8192 2> /dev/null
	sum=$(sha256sum < /tmp/www/blob | cut -c1-64)
	httpd -p 8080 -h /tmp/www
	t0=$(up)
	e2e_xl create_jumbo create /etc/xen/domU-jumbo.cfg
	rc=$E2E_RC
	DOMID=$(xl domid domu3 2> /dev/null)
	tap=vif$DOMID.0
	if [ $rc = 0 ] && [ -n "$DOMID" ] &&
	    e2e_wait 60 e2e_fe_connected 0 && e2e_wait 10 e2e_bridged $tap
	then
		ip link set xenbr0 mtu 9000
		if e2e_j_mtu 9000 &&
		    [ "$(xenstore-read $BEVIF/$DOMID/0/mtu)" = 9000 ]; then
			e2e_check jumbo_create ok "domU with vif mtu=9000" \
			    "(domid $DOMID) connected after $(e2e_dt $t0 \
			    $(up)) s; $tap has MTU 9000"
		else
			e2e_check jumbo_create fail "$tap has MTU $(cat \
			    /sys/class/net/$tap/mtu), the mtu key says" \
			    "$(xenstore-read $BEVIF/$DOMID/0/mtu 2>&1)"
		fi
	else
		e2e_check jumbo_create fail "xl create of the jumbo domU:" \
		    "rc=$rc, domid ${DOMID:-none}, frontend state" \
		    "$(xenstore-read /local/domain/$DOMID/device/vif/0/state \
		    2>&1)"
		e2e_log jumbo_create /tmp/xl-create_jumbo.log
		e2e_xs_dump jumbo_create
		return 1
	fi
	e2e_wait 60 sh -c "ping -c 1 -W 1 $DOMU_IP > /dev/null"
	r=$(e2e_j_rx -M do -s 8972)
	if [ "${r:-0}" -ge 4 ]; then
		e2e_check jumbo_ping_dom0_domU ok "dom0->domU: 9000-octet" \
		    "pings, don't fragment: $r/5 replies"
	else
		e2e_check jumbo_ping_dom0_domU fail "dom0->domU: 9000-octet" \
		    "pings, don't fragment: ${r:-0}/5 replies"
		e2e_log jumbo_ping_dom0_domU /tmp/jping.dom0
	fi
	e2e_wait 60 e2e_j_said "jping "
	line=$(e2e_j_line "jping ")
	case $line in
	*received=5/5*|*received=4/5*)
		e2e_check jumbo_ping_domU_dom0 ok "${line#*LAB-DOMU: }";;
	*)	e2e_check jumbo_ping_domU_dom0 fail \
		    "${line:-no jping report from the domU}"
		e2e_log jumbo_ping_domU_dom0 $J_CON 20;;
	esac
	it=$IPERF_T
	IPERF_T=$(((it + 1) / 2))
	e2e_iperf jumbo_iperf_dom0_domU "" "dom0->domU, MTU 9000"
	e2e_iperf jumbo_iperf_domU_dom0 "-R" "domU->dom0, MTU 9000"
	IPERF_T=$it
	e2e_data jumbo_data $J_CON "$sum"
	e2e_jumbo_live
	e2e_jumbo_xdp
	e2e_destroy_other jumbo_destroy domu3 "the jumbo domU"
	kill $(pidof httpd) 2> /dev/null
	ip link set xenbr0 mtu 1500
}

e2e_jumbo_live() {	# the toolstack rewrites the mtu key while the guest
			# is connected: xennetd sets the tap's MTU (the
			# kernel netback does not watch the key)
	local big small back
	e2e_xennetd_only jumbo_mtu_live "the mtu key changed live" ||
	    return 0
	xenstore-write $BEVIF/$DOMID/0/mtu 4000
	if e2e_wait 10 e2e_j_mtu 4000; then
		big=$(e2e_j_rx -M do -s 8972)
		small=$(e2e_j_rx -M do -s 3972)
	fi
	xenstore-write $BEVIF/$DOMID/0/mtu 9000
	e2e_wait 10 e2e_j_mtu 9000 && back=$(e2e_j_rx -M do -s 8972)
	if [ "${big:-x}" = 0 ] && [ "${small:-0}" -ge 4 ] &&
	    [ "${back:-0}" -ge 4 ]; then
		e2e_check jumbo_mtu_live ok "mtu key 4000 live: the tap" \
		    "follows, 9000-octet pings 0/5, 4000-octet $small/5;" \
		    "back to 9000: $back/5"
	else
		e2e_check jumbo_mtu_live fail "mtu key 4000 then 9000: tap" \
		    "MTU now $(cat /sys/class/net/vif$DOMID.0/mtu), pings" \
		    "big ${big:-none} small ${small:-none} back ${back:-none}"
		grep "vif$DOMID.0: mtu" $XNLOG | sed "s|^|LAB: LOG jumbo_mtu_live |"
	fi
}

e2e_jumbo_xdp() {	# the domU attaches an XDP program (MTU 1500 first):
			# its netfront writes xdp-headroom, goes
			# Reconfiguring; the backend Reconfigured, both
			# Connected again, and pings still pass
	local fe=/local/domain/$DOMID/device/vif/0 line xl hr be fst r
	xenstore-write $BEVIF/$DOMID/0/mtu 1500
	touch /tmp/www/xdp
	e2e_wait 120 e2e_j_said "xping "
	line=$(e2e_j_line "xdp attach")
	xl=$(e2e_j_line "xping ")
	hr=$(xenstore-read $fe/xdp-headroom 2> /dev/null)
	be=$(xenstore-read $BEVIF/$DOMID/0/state 2> /dev/null)
	fst=$(xenstore-read $fe/state 2> /dev/null)
	case $line in
	*"rc=none"*|"")
		e2e_check jumbo_xdp skip "XDP: ${line:-no report} # SKIP" \
		    "the domU image has no XDP program (clang -target bpf)"
		return 0;;
	esac
	if [ "$BACKEND" = xennetd ] &&
	    ! grep -q "vif$DOMID.0: xdp-headroom 0 -> $hr" $XNLOG; then
		r=1
	else
		r=0
	fi
	case "$line $xl" in
	*"rc=0 xdp"*received=5/5*|*"rc=0 xdp"*received=4/5*) ;;
	*) r=1;;
	esac
	if [ $r = 0 ] && [ "${hr:-0}" -gt 0 ] && [ "$be" = 4 ] &&
	    [ "$fst" = 4 ]; then
		e2e_check jumbo_xdp ok "XDP attached in the domU" \
		    "(${line#*rc=0 }): xdp-headroom $hr, backend and" \
		    "frontend Connected again; ${xl#*LAB-DOMU: }"
	else
		e2e_check jumbo_xdp fail "XDP: ${line#*LAB-DOMU: };" \
		    "xdp-headroom ${hr:-none}, states $be/$fst;" \
		    "${xl#*LAB-DOMU: }"
		e2e_log jumbo_xdp $J_CON 20
		[ "$BACKEND" = xennetd ] &&
		    grep "vif$DOMID.0: " $XNLOG | tail -n 10 |
		    sed "s|^|LAB: LOG jumbo_xdp |"
	fi
}

e2e_destroy_other() {	# ID NAME TEXT: xl destroy of a domU after the first;
			# nothing of its vifs left, xennetd (if) still running
	e2e_xl destroy_$2 destroy $2
	if [ $E2E_RC = 0 ] && e2e_wait 5 e2e_clean &&
	    { [ "$BACKEND" != xennetd ] || e2e_alive; }; then
		e2e_check $1 ok "xl destroy of $3: backend/vif/$DOMID empty," \
		    "no vif$DOMID* interface left$([ "$BACKEND" = xennetd ] &&
		    echo ", xennetd still running")"
	else
		e2e_check $1 fail "xl destroy of $3: rc=$E2E_RC, left:" \
		    "[$(xenstore-list $BEVIF/$DOMID 2>&1 | tr '\n' ' ')]," \
		    "xennetd $(e2e_alive && echo running || echo gone)"
		e2e_log $1 /tmp/xl-destroy_$2.log
		[ "$BACKEND" = xennetd ] && e2e_log $1 $XNLOG
	fi
}

e2e_xn_opts() {		# ID OPTIONS: xennetd again through $INITD, with
			# XENNETD_OPTS=OPTIONS in /etc/default/xennetd
	local id=$1 old=$XNPID
	shift
	e2e_initd stop
	echo "XENNETD_OPTS=\"$*\"" > /etc/default/xennetd
	e2e_initd start
	XNPID=$(e2e_xnpid)
	if [ $E2E_RC = 0 ] && [ -n "$XNPID" ] && [ "$XNPID" != "$old" ] &&
	    e2e_alive; then
		e2e_note $id "$INITD restarted xennetd with XENNETD_OPTS=\"$*\"" \
		    "(pid $XNPID)"
		return 0
	fi
	e2e_check $id fail "$INITD restart with XENNETD_OPTS=\"$*\":" \
	    "status $E2E_RC, pid ${XNPID:-none} (was $old)"
	e2e_log $id /tmp/initd-start.log
	e2e_log $id $XNLOG
	return 1
}

e2e_domu_cfg() {	# NAME VIF [EXTRA]: /etc/xen/domU.cfg as domU NAME with
			# vif line VIF (and EXTRA on its kernel command
			# line), in /tmp/NAME.cfg
	sed -e "s/^name .*/name = \"$1\"/" -e "s|^vif .*|vif = [ '$2' ]|" \
	    -e "s|^\(extra *= *\"[^\"]*\)\"|\1${3:+ $3}\"|" \
	    /etc/xen/domU.cfg > /tmp/$1.cfg
}

IP2=/usr/libexec/e2e/ip	# iproute2's (build.sh): busybox's has no netns
e2e_bpf_lan() {		# the LAN of the bpf port: veth bpf0 in dom0, its
			# peer lan0 in namespace lan with dom0's 10.0.0.1/24
			# (what the domU's /init pings)
	modprobe veth &&
	    $IP2 link add bpf0 type veth peer name lan0 &&
	    $IP2 netns add lan &&
	    $IP2 link set lan0 netns lan &&
	    $IP2 link set bpf0 up &&
	    $IP2 -n lan link set lo up &&
	    $IP2 -n lan addr add 10.0.0.1/24 dev lan0 &&
	    $IP2 -n lan link set lan0 up
}

e2e_bpf() {		# 8. the bpf port: xennetd -P bpf:bpf0 and a domU
			# whose vif uses vif-xennetd: no tap, no bridge
	local t0 rc fe line id w it
	e2e_xennetd_only bpf_start "xennetd -P bpf:bpf0" || {
		for id in bpf_create bpf_ping bpf_ping_domU bpf_iperf_lan_domU \
		    bpf_iperf_domU_lan bpf_counters bpf_destroy; do
			e2e_check $id skip "bpf port # SKIP kernel netback" \
			    "baseline"
		done
		return 0
	}
	if ! e2e_bpf_lan; then
		e2e_check bpf_start fail "cannot make veth bpf0 and" \
		    "namespace lan"
		$IP2 link 2>&1 | sed 's|^|LAB: LOG bpf_start |'
		return 1
	fi
	e2e_xn_opts bpf_start -v -P bpf:bpf0 || return 1
	e2e_check bpf_start ok "xennetd -v -P bpf:bpf0 through $INITD" \
	    "(pid $XNPID), veth bpf0 to namespace lan"
	# the installed hotplug script, by its path (a --sysconfdir=/etc
	# install puts it in /etc/xen/scripts, where script=vif-xennetd
	# finds it)
	e2e_domu_cfg domu6 "mac=00:16:3e:00:00:06,script=$VIF_XENNETD"
	t0=$(up)
	e2e_xl create_bpf create /tmp/domu6.cfg
	rc=$E2E_RC
	DOMID=$(xl domid domu6 2> /dev/null)
	fe=/local/domain/$DOMID/device/vif/0
	if [ $rc = 0 ] && [ -n "$DOMID" ] && e2e_wait 60 e2e_fe_connected 0 &&
	    [ ! -e /sys/class/net/vif$DOMID.0 ]; then
		e2e_check bpf_create ok "xl create with" \
		    "script=vif-xennetd: domid $DOMID connected after" \
		    "$(e2e_dt $t0 $(up)) s, no tap, hotplug-status" \
		    "$(xenstore-read $BEVIF/$DOMID/0/hotplug-status)"
	else
		e2e_check bpf_create fail "xl create with script=vif-xennetd:" \
		    "rc=$rc domid ${DOMID:-none}, frontend state" \
		    "$(xenstore-read $fe/state 2>&1), tap:" \
		    "$(ls -d /sys/class/net/vif$DOMID.0 2>&1)"
		e2e_log bpf_create /tmp/xl-create_bpf.log
		e2e_xs_dump bpf_create
	fi
	E2E_IN="$IP2 netns exec lan"
	CONSOLE=/var/log/xen/console/guest-domu6.log
	if e2e_ping bpf_ping 60; then w=60; else w=5; fi
	e2e_domu_ping bpf_ping_domU 1 $w
	it=$IPERF_T
	IPERF_T=$(((it + 1) / 2))
	e2e_iperf bpf_iperf_lan_domU "" "LAN->domU through bpf0"
	e2e_iperf bpf_iperf_domU_lan -R "domU->LAN through bpf0"
	IPERF_T=$it
	E2E_IN=""
	CONSOLE=/var/log/xen/console/guest-domu1.log
	e2e_counters bpf_counters > /tmp/bpf.counters
	line=$(grep "vif$DOMID.0: bpf on bpf0: " /tmp/bpf.counters | tail -n 1)
	e2e_note bpf_counters "${line#*vif}"
	if echo "$line" | grep -q "captured [1-9].*injected [1-9]"; then
		e2e_check bpf_counters ok "SIGUSR1: the bpf port captured and" \
		    "injected frames"
	else
		e2e_check bpf_counters fail "SIGUSR1: no bpf counters, or" \
		    "nothing captured or injected"
		e2e_log bpf_counters /tmp/bpf.counters
	fi
	e2e_destroy_other bpf_destroy domu6 "the bpf domU"
}

e2e_domu_up() {		# ID NAME VIF [EXTRA]: xl create of domU NAME with vif
			# line VIF (e2e_domu_cfg), on the bridge; DOMID set
	local t0 rc
	e2e_domu_cfg $2 "$3" "${4:-}"
	t0=$(up)
	e2e_xl create_$2 create /tmp/$2.cfg
	rc=$E2E_RC
	DOMID=$(xl domid $2 2> /dev/null)
	if [ $rc = 0 ] && [ -n "$DOMID" ] && e2e_wait 60 e2e_fe_connected 0 &&
	    e2e_wait 10 e2e_bridged vif$DOMID.0; then
		e2e_check $1 ok "xl create of $2 ($3): domid $DOMID" \
		    "connected after $(e2e_dt $t0 $(up)) s, on xenbr0"
		return 0
	fi
	e2e_check $1 fail "xl create of $2 ($3): rc=$rc domid" \
	    "${DOMID:-none}, frontend state $(xenstore-read \
	    /local/domain/$DOMID/device/vif/0/state 2>&1)"
	e2e_log $1 /tmp/xl-create_$2.log
	e2e_xs_dump $1
	return 1
}

RATE_MBPS=10		# the rate= of the rate domU, Mbit/s
e2e_rate_window() {	# IF: Mbit/s of the octets IF received from 3 s to
			# 8 s from now (the frames a guest sent, on its vif)
	local f=/sys/class/net/$1/statistics/rx_bytes b0 b1 t0 t1
	sleep 3
	read -r t0 _ < /proc/uptime
	b0=$(cat $f 2> /dev/null)
	sleep 5
	read -r t1 _ < /proc/uptime
	b1=$(cat $f 2> /dev/null)
	awk -v b0="${b0:-0}" -v b1="${b1:-0}" -v t0=$t0 -v t1=$t1 \
	    'BEGIN { printf "%.2f\n", (b1 - b0) * 8 / (t1 - t0) / 1e6 }'
}
e2e_rate() {		# 9. a domU whose vif has rate=10Mb/s: what it sends
			# is limited (xennetd's credit scheduler on guest
			# transmit; with the kernel backend, xen-netback's)
	local mbps free line waits
	if e2e_xennetd_only rate_start "xennetd with the grant-copy engine"
	then
		e2e_xn_opts rate_start -v || return 1
		e2e_check rate_start ok "xennetd -v through $INITD" \
		    "(pid $XNPID)"
	fi
	e2e_domu_up rate_create domu4 \
	    "mac=00:16:3e:00:00:04,bridge=xenbr0,rate=${RATE_MBPS}Mb/s"
	e2e_note rate_create "backend rate key" \
	    "$(xenstore-read $BEVIF/$DOMID/0/rate 2>&1)"
	e2e_ping rate_ping 60
	# what the limit counts is the guest's frames: measured as the
	# octets its vif hands dom0 (the tap's rx_bytes) over 5 s in the
	# middle of the run, not iperf3's goodput, whose receiver side also
	# counts the slow end of the test under TCG
	e2e_rate_window vif$DOMID.0 > /tmp/rate.window &
	e2e_iperf rate_iperf_domU_dom0 -R "domU->dom0 at rate=${RATE_MBPS}Mb/s"
	wait $!
	mbps=$(cat /tmp/rate.window)
	lab "METRIC rate_limited_mbps=$mbps"
	e2e_note rate_iperf_domU_dom0 "frames from the guest, 3 s to 8 s" \
	    "into the run: $mbps Mbit/s"
	if e2e_xennetd_only rate_counters "SIGUSR1 rate counters"; then
		e2e_counters rate_counters > /tmp/rate.counters
		line=$(grep "vif$DOMID.0: rate: " /tmp/rate.counters |
		    tail -n 1)
		waits=$(echo "$line" | sed -n 's/.*for credit \([0-9]*\).*/\1/p')
		if [ "${waits:-0}" -gt 0 ]; then
			e2e_check rate_counters ok "SIGUSR1: $waits passes" \
			    "stopped for credit"
		else
			e2e_check rate_counters fail "SIGUSR1: no pass stopped" \
			    "for credit: ${line:-no rate line}"
			e2e_log rate_counters /tmp/rate.counters
		fi
	fi
	# the key removed while connected: no limit from then on (live, as
	# xen-netback's watch does), and what the path itself carries
	xenstore-rm $BEVIF/$DOMID/0/rate
	sleep 1
	e2e_iperf rate_iperf_unlimited -R "domU->dom0, rate key removed"
	free=$(awk '/receiver/ { for (i = 1; i < NF; i++)
	    if ($(i + 1) == "Mbits/sec") v = $i } END { print v + 0 }' \
	    /tmp/iperf.rate_iperf_unlimited)
	# 9.5-10.5 Mbit/s (the issue's bound).  Above it always fails.
	# Below it, when the path without a limit carries less than 5 times
	# the limit (a loaded host under TCG: 17-21 Mbit/s seen, against
	# 700-900 on a quiet one), the guest's own pace cannot be told from
	# the limiter's in a 5 s window: say so rather than time the host
	if awk -v m="$mbps" -v r=$RATE_MBPS \
	    'BEGIN { exit !(m >= r * 0.95 && m <= r * 1.05) }'; then
		e2e_check rate_limit ok "rate=${RATE_MBPS}Mb/s: the guest sent" \
		    "$mbps Mbit/s (within 5 %); $free Mbit/s once removed"
	elif awk -v m="$mbps" -v r=$RATE_MBPS -v f="$free" \
	    'BEGIN { exit !(m < r * 0.95 && f < r * 5) }'; then
		e2e_check rate_limit skip "rate=${RATE_MBPS}Mb/s: the guest" \
		    "sent $mbps Mbit/s, and $free Mbit/s without the limit:" \
		    "the lab's path is too slow to test it # SKIP loaded host"
	else
		e2e_check rate_limit fail "rate=${RATE_MBPS}Mb/s: the guest" \
		    "sent $mbps Mbit/s, not within 5 % ($free Mbit/s without" \
		    "the limit)"
	fi
	e2e_destroy_other rate_destroy domu4 "the rate domU"
}

e2e_map() {		# 10. xennetd -m map: map+memcpy instead of grant copy
	local id
	e2e_xennetd_only map_start "xennetd -m map" || {
		for id in map_create map_ping map_iperf_dom0_domU \
		    map_iperf_domU_dom0 map_destroy; do
			e2e_check $id skip "map engine # SKIP kernel netback" \
			    "baseline"
		done
		return 0
	}
	e2e_xn_opts map_start -v -m map || return 1
	if grep "xennetd\[$XNPID\]: started" $XNLOG |
	    grep -q "copy-engine map"; then
		e2e_check map_start ok "xennetd -v -m map through $INITD" \
		    "(pid $XNPID): copy-engine map"
	else
		e2e_check map_start fail "xennetd -m map: no 'copy-engine" \
		    "map' in its start line"
		e2e_log map_start $XNLOG
	fi
	e2e_domu_up map_create domu5 "mac=00:16:3e:00:00:05,bridge=xenbr0"
	e2e_ping map_ping 60
	e2e_iperf2 map_iperf "map engine"
	e2e_counters map_counters | grep "vif$DOMID.0: hypercalls"
	e2e_destroy_other map_destroy domu5 "the map-engine domU"
}

VH_IDS="vhost_create vhost_in_use vhost_ping vhost_ping_domU
vhost_iperf_dom0_domU vhost_iperf_domU_dom0 vhost_data_dom0_domU
vhost_data_domU_dom0 vhost_counters vhost_restart vhost_detach vhost_attach
vhost_destroy"
e2e_vh_line() {		# IF FILE: the last "IF: vhost-net:" counters line
	grep "$1: vhost-net: " "$2" | tail -n 1
}
e2e_vh_batches() {	# LINE: vhost batches both ways in a counters line
	echo "$1" | grep -q "rx batches [1-9][0-9]*, tx batches [1-9]"
}
e2e_vhost() {		# 12. xennetd -i vhost: the taps' frames moved by the
			# kernel's vhost-net worker (vhost_net.ko)
	local id line tap sum w rc devid old t0
	local con=/var/log/xen/console/guest-domu7.log
	e2e_xennetd_only vhost_start "xennetd -i vhost" || {
		for id in $VH_IDS; do
			e2e_check $id skip "vhost-net # SKIP kernel netback" \
			    "baseline"
		done
		return 0
	}
	[ -c /dev/vhost-net ] || modprobe vhost_net ||
	    e2e_note vhost_start "modprobe vhost_net failed"
	e2e_xn_opts vhost_start -v -i vhost || return 1
	if grep "xennetd\[$XNPID\]: started" $XNLOG | grep -q "port-io vhost"
	then
		e2e_check vhost_start ok "xennetd -v -i vhost through $INITD" \
		    "(pid $XNPID): port-io vhost; /dev/vhost-net" \
		    "$([ -c /dev/vhost-net ] && echo present || echo missing)"
	else
		e2e_check vhost_start fail "xennetd -i vhost: no 'port-io" \
		    "vhost' in its start line"
		e2e_log vhost_start $XNLOG
	fi
	# dom0's side of the 8 MiB exchange (lab_mtu=1500: the domU's)
	[ -s /tmp/www/blob ] || { mkdir -p /tmp/www; dd if=/dev/urandom \
	    of=/tmp/www/blob bs=1024 count=8192 2> /dev/null; }
	sum=$(sha256sum < /tmp/www/blob | cut -c1-64)
	httpd -p 8080 -h /tmp/www
	e2e_domu_up vhost_create domu7 "mac=00:16:3e:00:00:07,bridge=xenbr0" \
	    lab_mtu=1500
	tap=vif$DOMID.0
	line=$(grep "xennetd\[$XNPID\]: port I/O" $XNLOG | tail -n 1)
	case $line in
	*"vhost-net: the kernel's vhost worker"*)
		e2e_check vhost_in_use ok "${line#*: port I/O: }";;
	*)	e2e_check vhost_in_use fail "not in use: ${line:-no port I/O" \
		    "line}";;
	esac
	CONSOLE=$con
	if e2e_ping vhost_ping 60; then w=60; else w=5; fi
	e2e_domu_ping vhost_ping_domU 1 $w
	e2e_iperf2 vhost_iperf vhost-net
	e2e_data vhost_data $con "$sum"
	e2e_counters vhost_counters > /tmp/vhost.counters
	line=$(e2e_vh_line $tap /tmp/vhost.counters)
	e2e_note vhost_counters "$(grep "$tap: tap: " /tmp/vhost.counters |
	    tail -n 1 | sed 's/.*: tap: /tap: /')"
	if e2e_vh_batches "$line"; then
		e2e_check vhost_counters ok "SIGUSR1: ${line#*: vhost-net: }"
	else
		e2e_check vhost_counters fail "SIGUSR1: no vhost batches both" \
		    "ways: ${line:-no vhost-net line}"
		e2e_log vhost_counters /tmp/vhost.counters
	fi
	# killed and started again: the new daemon adopts the vif and
	# gives its tap to a vhost-net device of its own
	old=$XNPID
	t0=$(up)
	kill -KILL "$XNPID"
	sleep 1
	e2e_initd start
	rc=$E2E_RC
	XNPID=$(e2e_xnpid)
	if [ $rc = 0 ] && [ -n "$XNPID" ] && [ "$XNPID" != "$old" ] &&
	    e2e_wait 20 sh -c "grep -q \"xennetd\[$XNPID\]: $tap: adopted\" \
	    $XNLOG" && e2e_wait 30 sh -c "ping -c 1 -W 1 $DOMU_IP" &&
	    grep "xennetd\[$XNPID\]: port I/O" $XNLOG | tail -n 1 |
	    grep -q "vhost-net: the kernel's"; then
		e2e_check vhost_restart ok "kill -9, $INITD start: xennetd" \
		    "$XNPID adopted $tap, vhost-net again, the domU answers" \
		    "after $(e2e_dt $t0 $(up)) s"
	else
		e2e_check vhost_restart fail "kill -9, $INITD start: status" \
		    "$rc, pid ${XNPID:-none} (was $old); adopted, vhost-net," \
		    "ping: not all within 30 s"
		e2e_log vhost_restart $XNLOG 30
	fi
	# detach and attach again: the vhost device goes and comes with it
	t0=$(up)
	e2e_xl vdetach network-detach domu7 0
	rc=$E2E_RC
	if [ $rc = 0 ] && e2e_wait 10 e2e_gone 0 && e2e_alive; then
		e2e_check vhost_detach ok "xl network-detach: backend dir" \
		    "and $tap gone after $(e2e_dt $t0 $(up)) s, xennetd" \
		    "running"
	else
		e2e_check vhost_detach fail "xl network-detach: rc=$rc," \
		    "xennetd $(e2e_alive && echo running || echo gone)"
		e2e_log vhost_detach /tmp/xl-vdetach.log
		e2e_xs_dump vhost_detach
	fi
	e2e_xl vattach network-attach domu7 mac=00:16:3e:00:00:07 bridge=xenbr0
	rc=$E2E_RC
	devid=$(xl network-list domu7 2> /dev/null | awk 'NR == 2 { print $1 }')
	tap=vif$DOMID.$devid
	if [ $rc = 0 ] && [ -n "$devid" ] &&
	    e2e_wait 20 e2e_fe_connected "$devid" &&
	    e2e_wait 5 e2e_bridged $tap &&
	    e2e_wait 60 e2e_domu_said "ping#2 .*first=ok" &&
	    e2e_wait 30 sh -c "ping -c 1 -W 1 $DOMU_IP" &&
	    e2e_counters vhost_attach > /tmp/vhost.counters2 &&
	    e2e_vh_batches "$(e2e_vh_line $tap /tmp/vhost.counters2)"; then
		e2e_check vhost_attach ok "xl network-attach: $tap" \
		    "connected, pings both ways, vhost batches again:" \
		    "$(e2e_vh_line $tap /tmp/vhost.counters2 |
		    sed 's/.*vhost-net: //')"
	else
		e2e_check vhost_attach fail "xl network-attach: rc=$rc devid" \
		    "${devid:-none}; $(grep "ping#2 " $con);" \
		    "$(e2e_vh_line $tap /tmp/vhost.counters2 2> /dev/null)"
		e2e_log vhost_attach /tmp/xl-vattach.log
		e2e_xs_dump vhost_attach
	fi
	CONSOLE=/var/log/xen/console/guest-domu1.log
	e2e_destroy_other vhost_destroy domu7 "the vhost-net domU"
	kill $(pidof httpd) 2> /dev/null
}

# 11. hostile frontends on real Xen (issue 14): the cases of
# hostile-cases.sh, HOSTILE_BATCH at a time, each batch in a domU of its
# own ("domuh<FIRST>": lab_hostile=FIRST for domU-init.sh, whose kernel
# then loads no xen-netfront) with one vif per case (vif N: case
# FIRST + N; the installed vif-xennetd as hotplug script, the taps put
# on xenbr0 here), each played by netfront-sim --xen in the domU.  (One
# domU with a vif for every case misses libxl's 10 s InitWait deadline
# under TCG: 38 vifs at once.)  Each batch runs HOSTILE_RUN_S s while
# dom0 pings the honest domu1 and runs iperf3 to it (HOSTILE_MBPS) and
# sends broadcast frames that reach every offender's rx ring.  One check
# per case: what the table expects of it (hostile_judge), at most 2
# warnings about its vif, xennetd alive, the batch's honest ping without
# loss and iperf3 run complete, and xennetd's CPU over the batch within
# HOSTILE_CPU_MAX % of one CPU.  hostile_create and hostile_destroy sum
# up the batches' xl create and destroy.
HOSTILE_BATCH=${HOSTILE_BATCH:-13}	# e2e.hostile_batch (dom0-init.sh)
HOSTILE_RUN_S=6
HOSTILE_MBPS=20
HOSTILE_CPU_MAX=60
e2e_xn_cpu() {		# xennetd's user+system time, in clock ticks
	awk '{ print $14 + $15 }' /proc/$XNPID/stat 2> /dev/null
}
e2e_hostile_enslave() {	# H N: put the taps of domain H's N vifs that
			# exist on xenbr0; 0 once all are there
	local i=0 r=0
	while [ $i -lt $2 ]; do
		if [ -e /sys/class/net/vif$1.$i ] && ! e2e_bridged vif$1.$i
		then
			ip link set vif$1.$i up
			brctl addif xenbr0 vif$1.$i
		fi
		e2e_bridged vif$1.$i || r=1
		i=$((i + 1))
	done
	return $r
}
e2e_setup_ms() {	# H: xennetd's set-up time of domain H's vifs (its
			# -v line), total and the tap's part: median, max
	local f=/tmp/setup_ms.$1
	grep -o "vif$1\.[0-9]*: set up in [0-9]* ms (its tap [0-9]* ms)" \
	    $XNLOG | awk '{ print $5, $9 }' > $f
	if [ ! -s $f ]; then
		echo "no set-up times logged"
		return
	fi
	echo "set-up per vif $(e2e_median_max 1 < $f) ms, its tap" \
	    "$(e2e_median_max 2 < $f) ms"
}
e2e_median_max() {	# COLUMN: "M median, X max" of stdin's numbers
	cut -d' ' -f$1 | sort -n | awk '{ v[NR] = $1 } END {
	    printf "%d median, %d max", v[int((NR + 1) / 2)], v[NR] }'
}
e2e_hostile_up() {	# H N: domain H's N backends left InitWait
	local i=0 st
	while [ $i -lt $2 ]; do
		st=$(xenstore-read $BEVIF/$1/$i/state 2> /dev/null)
		[ "${st:-0}" -ge 4 ] || return 1
		i=$((i + 1))
	done
}
e2e_hostile_fail() {	# FIRST LAST TEXT: every case of the batch fails
	local i=$1
	while [ $i -le $2 ]; do
		read -r c _ < /tmp/hcase.$i
		e2e_check hostile_$c fail "$3"
		i=$((i + 1))
	done
}
e2e_hostile_traffic() {	# FIRST: the honest traffic of a batch; sets
			# H_OK (1: no ping lost, iperf3 complete), H_TEXT
	local tx rx mbps p1 p2 p3
	ping -c $((HOSTILE_RUN_S * 5)) -i 0.2 -w $((HOSTILE_RUN_S + 15)) \
	    $DOMU_IP > /tmp/hping.$1 2>&1 &
	p1=$!
	timeout $((HOSTILE_RUN_S + 30)) iperf3 -c $DOMU_IP -t $HOSTILE_RUN_S \
	    -b ${HOSTILE_MBPS}M > /tmp/hiperf.$1 2>&1 &
	p2=$!
	# broadcast echo requests (the honest domU ignores them): frames for
	# every offender's rx ring
	iping -b -q -i 0.1 -s 1000 -c $((HOSTILE_RUN_S * 10)) \
	    10.0.0.255 > /dev/null 2>&1 &
	p3=$!
	wait $p1 $p2 $p3
	tx=$(awk '/transmitted/ { print $1 }' /tmp/hping.$1)
	rx=$(awk '/transmitted/ { print $4 }' /tmp/hping.$1)
	mbps=$(awk '/receiver/ { for (i = 1; i < NF; i++)
	    if ($(i + 1) ~ /bits\/sec/) print $i, $(i + 1) }' /tmp/hiperf.$1)
	H_TEXT="honest domu1: ping ${rx:-0}/${tx:-0}, iperf3 ${mbps:-failed}"
	H_OK=0
	[ -n "$tx" ] && [ "$tx" = "$rx" ] && [ -n "$mbps" ] && H_OK=1
}
e2e_hostile_batch() {	# FIRST LAST: the cases FIRST..LAST in domU
			# domuh<FIRST>
	local first=$1 last=$2 n=$(($2 - $1 + 1)) name=domuh$1 h i j c
	local expect what st err w0 w1 t0 t1 c0 c1 cpu r secs k vifs con tc
	con=/var/log/xen/console/guest-$name.log
	vifs=""
	i=$first
	while [ $i -le $last ]; do
		vifs="$vifs${vifs:+, }'mac=00:16:3e:00:01:$(printf %02x $i),script=$VIF_XENNETD'"
		i=$((i + 1))
	done
	sed -e "s/^name .*/name = \"$name\"/" -e "s|^vif .*|vif = [ $vifs ]|" \
	    -e "s/^extra *= *\"\(.*\)\"/extra = \"\1 lab_hostile=$first\"/" \
	    /etc/xen/domU.cfg > /tmp/$name.cfg
	tc=$(up)
	e2e_xl create_$name create /tmp/$name.cfg
	r=$E2E_RC
	h=$(xl domid $name 2> /dev/null)
	if [ $r = 0 ] && [ -n "$h" ] && e2e_wait 60 e2e_hostile_enslave $h $n &&
	    e2e_wait 60 grep -q "LAB-DOMU: hostile ready" $con; then
		H_CREATE="$H_CREATE $name (domid $h, $n vifs): $(e2e_dt $tc \
		    $(up)) s, $(e2e_setup_ms $h), xennetd VmRSS $(awk \
		    '/^VmRSS/ { print $2 }' /proc/$XNPID/status) kB;"
	else
		H_CREATE_FAIL="$H_CREATE_FAIL $name: rc=$r domid ${h:-none}"
		[ -n "$h" ] && H_CREATE_FAIL="$H_CREATE_FAIL, $(e2e_setup_ms $h)"
		H_CREATE_FAIL="$H_CREATE_FAIL;"
		e2e_log hostile_create /tmp/xl-create_$name.log
		e2e_log hostile_create $con
		e2e_hostile_fail $first $last "no hostile domU $name"
		[ -n "$h" ] && timeout 30 xl destroy $name > /dev/null 2>&1
		return 1
	fi
	# what xennetd logs about the offenders' vifs is expected
	XN_ALLOW="${XN_ALLOW:+$XN_ALLOW|}vif$h\\."
	e2e_wait 20 e2e_hostile_up $h $n
	# and every case in place (the domU says so), else the traffic may
	# be over before a case that acts once connected has acted
	e2e_wait 30 sh -c "[ \$(grep -c 'LAB-DOMU: hostile acted' $con) \
	    -ge $n ]" || e2e_note hostile_create "$name: only $(grep -c \
	    'LAB-DOMU: hostile acted' $con) of $n cases in place after 30 s"
	i=$first
	while [ $i -le $last ]; do
		hostile_warnings $XNLOG vif$h.$((i - first)) > /tmp/hw0.$i
		i=$((i + 1))
	done
	t0=$(up)
	c0=$(e2e_xn_cpu)
	e2e_hostile_traffic $first
	t1=$(up)
	c1=$(e2e_xn_cpu)
	# ticks of 1/100 s per second: % of one CPU
	cpu=$(echo "${c0:-0} ${c1:-0} $t0 $t1" | awk '{
	    printf "%d", ($2 - $1) / ($4 - $3) }')
	[ "$cpu" -le $HOSTILE_CPU_MAX ] || H_OK=0
	# SIGUSR1: wait for the counters of the batch's last vif (its
	# batches line ends its block)
	k=$(grep -c "vif$h.$((n - 1)): batches:" $XNLOG)
	kill -USR1 "$XNPID"
	e2e_wait 10 sh -c "[ \$(grep -c 'vif$h.$((n - 1)): batches:' \
	    $XNLOG) -gt $k ]"
	# the cases run since the domU came up (flap's reconnects too)
	secs=$(echo "$tc $(up)" | awk '{ printf "%d", $2 - $1 + 2 }')
	i=$first
	while [ $i -le $last ]; do
		j=$((i - first))
		read -r c expect what < /tmp/hcase.$i
		st=$(xenstore-read $BEVIF/$h/$j/state 2> /dev/null)
		err=$(xenstore-read \
		    /local/domain/0/error/backend/vif/$h/$j/error 2> /dev/null)
		# (1: flap is slower than the throttle here, see hostile_judge)
		hostile_judge $XNLOG vif$h.$j "$expect" "$what" "$st" "$err" \
		    "$secs" 1
		r=$?
		w0=$(cat /tmp/hw0.$i)
		w1=$(hostile_warnings $XNLOG vif$h.$j)
		[ $((w1 - w0)) -le 2 ] || r=1
		e2e_alive || r=1
		[ $H_OK = 1 ] || r=1
		[ $r = 0 ] && r=ok || r=fail
		e2e_check hostile_$c $r "$HJ_TEXT; $((w1 - w0)) warnings;" \
		    "xennetd $(e2e_alive && echo alive || echo gone), CPU" \
		    "$cpu % over the batch (bound $HOSTILE_CPU_MAX); $H_TEXT"
		if [ $r = fail ]; then
			grep "vif$h.$j[: ]" $XNLOG | tail -n 15 |
			    sed "s|^|LAB: LOG hostile_$c |"
			e2e_log hostile_$c /tmp/hping.$first 3
			e2e_log hostile_$c /tmp/hiperf.$first 4
		fi
		i=$((i + 1))
	done
	# the netfront-sims stop and say what they did
	xenstore-write /local/domain/$h/data/hostile stop
	xenstore-chmod /local/domain/$h/data/hostile n$h
	e2e_wait 10 sh -c "[ \$(grep -c 'LAB-DOMU: hostile [0-9]' $con) \
	    -ge $n ]"
	i=$first
	while [ $i -le $last ]; do
		read -r c _ < /tmp/hcase.$i
		e2e_note hostile_$c "in the domU: $(grep \
		    "LAB-DOMU: hostile $i " $con | sed 's/.*LAB-DOMU: hostile //')"
		i=$((i + 1))
	done
	DOMID=$h
	e2e_xl destroy_$name destroy $name
	if [ $E2E_RC = 0 ] && e2e_wait 5 e2e_clean && e2e_alive; then
		H_DESTROY="$H_DESTROY $name;"
	else
		H_DESTROY_FAIL="$H_DESTROY_FAIL $name: rc=$E2E_RC, left:\
 [$(xenstore-list $BEVIF/$DOMID 2>&1 | tr '\n' ' ')], xennetd\
 $(e2e_alive && echo running || echo gone);"
		e2e_log hostile_destroy /tmp/xl-destroy_$name.log
	fi
}
e2e_hostile() {		# 11. hostile frontends in real domUs
	local n i c expect what t0 honest_domid=$DOMID
	. /lab/hostile-cases.sh
	hostile_list > /tmp/hcases
	n=$(wc -l < /tmp/hcases)
	if [ "$BACKEND" != xennetd ]; then
		for c in create $(cut -d' ' -f1 /tmp/hcases) destroy; do
			e2e_check hostile_$c skip "hostile frontends # SKIP" \
			    "kernel netback baseline"
		done
		return 0
	fi
	t0=$(up)
	i=0
	while read -r c expect what; do
		echo "$c $expect $what" > /tmp/hcase.$i
		i=$((i + 1))
	done < /tmp/hcases
	H_CREATE=""
	H_CREATE_FAIL=""
	H_DESTROY=""
	H_DESTROY_FAIL=""
	# E2E_HOSTILE=all (the default): every case, HOSTILE_BATCH a domU.
	# first: the first HOSTILE_FIRST cases of hostile-cases.sh, one of
	# most kinds, in one domU; the others are reported skipped.
	if [ "$HOSTILE" != all ]; then
		i=$HOSTILE_FIRST
		while [ $i -lt $n ]; do
			read -r c expect what < /tmp/hcase.$i
			e2e_check hostile_$c skip "# SKIP not in the first" \
			    "$HOSTILE_FIRST cases (E2E_HOSTILE=all runs it)"
			i=$((i + 1))
		done
		n=$HOSTILE_FIRST
	fi
	i=0
	while [ $i -lt $n ]; do
		e2e_hostile_batch $i $((i + HOSTILE_BATCH - 1 < n - 1 ?
		    i + HOSTILE_BATCH - 1 : n - 1))
		i=$((i + HOSTILE_BATCH))
	done
	DOMID=$honest_domid
	if [ -z "$H_CREATE_FAIL" ]; then
		e2e_check hostile_create ok "$n cases: domUs without" \
		    "xen-netfront, every tap on xenbr0, the domU ready:$H_CREATE"
	else
		e2e_check hostile_create fail "xl create:$H_CREATE_FAIL"
	fi
	if [ -z "$H_DESTROY_FAIL" ]; then
		e2e_check hostile_destroy ok "xl destroy: nothing left of" \
		    "their vifs, xennetd still running:$H_DESTROY"
	else
		e2e_check hostile_destroy fail "xl destroy:$H_DESTROY_FAIL"
	fi
	lab "METRIC hostile_s=$(e2e_dt $t0 $(up))"
}

e2e_stop_connected() {	# xennetd_stop, xennetd_restart: stop through the
			# init script while domu2 ($DOMID) is connected, then
			# start again (for its xl destroy)
	local t0 rc st fe old
	e2e_xennetd_only xennetd_stop "$INITD stop with a guest connected" ||
	    { e2e_xennetd_only xennetd_restart "$INITD start again"; return; }
	t0=$(up)
	e2e_initd stop
	rc=$E2E_RC
	st=$(xenstore-read $BEVIF/$DOMID/0/state 2>&1)
	# the log lines of this vif from the stop on, in order
	awk -v t0=$t0 -v v="vif$DOMID.0: state " '$1 >= t0 && index($0, v) {
	    sub(/.*: state /, ""); printf "%s; ", $0 }' $XNLOG > /tmp/stop.states
	if [ $rc = 0 ] && e2e_dead && [ "$st" = 6 ] &&
	    grep -q "Connected -> Closing; Closing -> Closed;" /tmp/stop.states &&
	    awk -v t0=$t0 '$1 >= t0' $XNLOG | grep -q "xennetd\[$XNPID\]: exiting"
	then
		e2e_check xennetd_stop ok "$INITD stop: 0 in $(e2e_dt $t0 \
		    $(up)) s, xennetd gone; vif$DOMID.0 went $(cat \
		    /tmp/stop.states)backend state $st"
	else
		e2e_check xennetd_stop fail "$INITD stop: status $rc, xennetd" \
		    "$(e2e_alive && echo still running || echo gone), backend" \
		    "state $st, vif$DOMID.0: $(cat /tmp/stop.states)"
		e2e_log xennetd_stop /tmp/initd-stop.log
		e2e_log xennetd_stop $XNLOG
	fi
	fe=/local/domain/$DOMID/device/vif/0/state
	e2e_wait 5 sh -c "[ \"\$(xenstore-read $fe)\" = 6 ]"
	e2e_note xennetd_stop "the netfront's state after:" \
	    "$(xenstore-read $fe 2>&1)"
	old=$XNPID
	e2e_initd start
	rc=$E2E_RC
	XNPID=$(e2e_xnpid)
	if [ $rc = 0 ] && [ -n "$XNPID" ] && [ "$XNPID" != "$old" ] &&
	    e2e_alive; then
		e2e_check xennetd_restart ok "$INITD start again: 0, xennetd" \
		    "pid $XNPID"
	else
		e2e_check xennetd_restart fail "$INITD start again: status" \
		    "$rc, pid ${XNPID:-none} (was $old)"
		e2e_log xennetd_restart /tmp/initd-start.log
		e2e_log xennetd_restart $XNLOG
	fi
}

e2e_stop() {		# stop at the end, the log, refusal beside xen-netback
	local rc n t0
	if e2e_xennetd_only xennetd_stop_end "$INITD stop without guests"
	then
		e2e_initd stop
		rc=$E2E_RC
		if [ $rc = 0 ] && e2e_dead; then
			e2e_initd status
			[ $E2E_RC = 3 ] && r=ok || r=fail
			e2e_check xennetd_stop_end $r "$INITD stop: 0, xennetd" \
			    "gone; status then says $E2E_RC (3: not running)"
		else
			e2e_check xennetd_stop_end fail "$INITD stop: status" \
			    "$rc, xennetd $(e2e_alive && echo still running ||
			    echo gone)"
			e2e_log xennetd_stop_end /tmp/initd-stop.log
			kill -KILL "$XNPID" 2> /dev/null
		fi
	fi
	if e2e_xennetd_only xennetd_log "xennetd log: no error/warn lines"
	then
		# the words, or syslog's levels (daemon.warn, .err, .crit...)
		grep -iE 'error|warn|daemon\.(err|crit|alert|emerg)' $XNLOG \
		    > /tmp/xnlog.bad
		if [ -n "$XN_ALLOW" ]; then
			grep -vE "$XN_ALLOW" /tmp/xnlog.bad > /tmp/xnlog.bad2
			mv /tmp/xnlog.bad2 /tmp/xnlog.bad
		fi
		n=$(wc -l < /tmp/xnlog.bad)
		if [ "$n" = 0 ]; then
			e2e_check xennetd_log ok "xennetd log: no unexpected" \
			    "error/warn lines ($(wc -l < $XNLOG) lines)"
		else
			e2e_check xennetd_log fail "xennetd log: $n error/warn" \
			    "lines"
			e2e_log xennetd_log /tmp/xnlog.bad
		fi
	fi
	if e2e_xennetd_only xennetd_refuse "xennetd refuses to run beside" \
	    "xen-netback"; then
		modprobe xen-netback
		t0=$(up)
		timeout 10 "$XENNETD" -d -v > /tmp/refuse.log 2>&1
		rc=$?
		if [ $rc != 0 ] && [ $rc != 124 ]; then
			e2e_check xennetd_refuse ok "with xen-netback loaded" \
			    "xennetd exits (status $rc, $(e2e_dt $t0 $(up)) s)"
			e2e_note xennetd_refuse "$(tail -n 1 /tmp/refuse.log)"
		else
			e2e_check xennetd_refuse fail "with xen-netback" \
			    "loaded: xennetd status $rc (124: still running" \
			    "after 10 s)"
			e2e_log xennetd_refuse /tmp/refuse.log
		fi
	fi
}

e2e_phase() {		# NAME: run phase NAME (PHASES: "all", or the names
			# of t_xen.sh's E2E_PHASES)
	case " $PHASES " in
	*" all "*|*" $1 "*) return 0;;
	esac
	return 1
}
if e2e_start; then
	e2e_privsep
	if e2e_create; then
		e2e_phase traffic && e2e_traffic
		e2e_phase restart && e2e_restart
		e2e_phase replug && e2e_replug
		e2e_phase hostile && e2e_hostile
	fi
	e2e_destroy
	e2e_phase mq && e2e_mq
	e2e_phase jumbo && e2e_jumbo
	e2e_phase bpf && e2e_bpf
	e2e_phase rate && e2e_rate
	e2e_phase map && e2e_map
	e2e_phase vhost && e2e_vhost
	e2e_stop
fi
# the xl logs, the whole daemon log and the domU console, for the run log
for f in /tmp/xl-*.log /tmp/watch-*.log /tmp/iperf.* /tmp/xentop.[0-9] \
    /tmp/initd-*.log; do
	[ -e "$f" ] && sed "s|^|LAB: XL ${f#/tmp/} |" "$f"
done
[ -e $XNLOG ] && sed 's|^|LAB: XNLOG |' $XNLOG
sed 's|^|LAB: DOMU |' /var/log/xen/console/guest-domu1.log 2> /dev/null
sed 's|^|LAB: DOMU3 |' $J_CON 2> /dev/null
sed 's|^|LAB: DOMU6 |' /var/log/xen/console/guest-domu6.log 2> /dev/null
sed 's|^|LAB: DOMU7 |' /var/log/xen/console/guest-domu7.log 2> /dev/null
for f in /var/log/xen/console/guest-domuh*.log; do
	[ -e "$f" ] && sed 's|^|LAB: DOMUH |' "$f"
done
