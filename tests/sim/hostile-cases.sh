# tests/sim/hostile-cases.sh: the hostile frontends of issue 14 and what
# the backend must do with each, shared by the simulator's suite
# (tests/integration/t_hostile.sh, bash) and the real-Xen one (the dom0's
# tests/e2e/lab/test.sh and the hostile domU's /init, busybox sh): POSIX
# sh only.  Source it.
#
# Each case runs a netfront-sim that breaks, or strains, the netif
# protocol one way (--hostile CASE, tests/sim/nf-hostile.c; --tx-flood
# runt for a ring that never runs dry; --rx-post 0 for a frontend that
# never posts an rx buffer; --ctrl FILE for the control ring cases).
# What the backend must do (hostile_judge):
#
#   keep COUNTER   the offender's vif stays Connected (error responses
#                  or nothing: the rule it strains is not broken), no
#                  error node, and COUNTER (SIGUSR1 counters) is > 0
#   close PATTERN  only the offender's vif goes Closing/Closed, its
#                  error node says PATTERN, its "faults" counter is > 0
#   throttle       the offender reconnects as fast as it can: no error
#                  node, some reconnects were made to wait (throttled >
#                  0) and it connected at most 4 + 1 per second times
#
# The real-Xen suite runs the first HOSTILE_FIRST cases (one domU: the
# control ring, tx slots, sizes and indexes, rx indexes) unless asked for
# all (E2E_HOSTILE=all: three domUs, ~10 minutes under TCG).
#
# case               expect  counter or reason
HOSTILE_FIRST=13
HOSTILE_CASES='
ctrl-garbage         keep    ctrl_errors
tx-bad-gref          keep    tx_copy
tx-foreign-gref      keep    tx_copy
tx-cross-page        close   crosses a page
tx-zero-size         keep    tx_size
tx-oversize          keep    tx_packets
tx-19-slots          keep    tx_slots
tx-20-slots          keep    tx_slots
tx-1000-slots        close   more than 20 slots
more-data-forever    keep    rx_packets
req-prod-ahead       close   tx req_prod beyond the ring
req-prod-back        close   tx req_prod beyond the ring
rx-req-prod-ahead    close   rx req_prod beyond the ring
scribble-rsp         keep    rx_packets
extra-unknown        keep    tx_packets
extra-dup            keep    tx_offload
extra-misplaced      close   extra-info of type NONE
extra-chain          close   too many tx extra-info slots
gso-silly            keep    tx_offload
storm                keep    events
never-dry            keep    tx_size
rx-bad-gref          keep    rx_bad_grant
rx-readonly          keep    rx_bad_grant
rx-revoked           keep    rx_bad_grant
rx-none              keep    rx_stall
flap                 throttle connects
xs-nonnumeric-ref    close   tx-ring-ref is not a number
xs-huge-ref          close   tx-ring-ref is not a number
xs-missing-key       close   rx-ring-ref is missing
xs-too-many-queues   close   asks for 99 queues
xs-zero-queues       close   asks for 0 queues
xs-4k-string         close   tx-ring-ref is too long
xs-bad-evtchn        close   event-channel-tx is not a number
evtchn-foreign       close   bind event channels
xs-ctrl-half         close   wrote ctrl-ring-ref but not event-channel-ctrl
xs-ctrl-bad-ref      close   cannot map control ring 99999
ctrl-bad-index       close   control ring: ctrl req_prod beyond the ring
mcast-overflow       keep    mcast_refused
'

# hostile_list: the cases, one "CASE EXPECT WHAT" a line
hostile_list() {
	echo "$HOSTILE_CASES" | while read -r c expect what; do
		[ -n "$c" ] && echo "$c $expect $what"
	done
}

# hostile_args CASE CTRLFILE: the netfront-sim options of CASE; the
# control ring cases get their commands (tests/sim/nf-ctrl.c) in CTRLFILE
hostile_args() {
	local i
	case $1 in
	never-dry) echo "--tx-flood runt" ;;
	rx-none) echo "--rx-post 0" ;;
	ctrl-bad-index)
		echo 'bad-index' > "$2"
		echo "--ctrl $2" ;;
	ctrl-garbage)
		printf '%s\n' 'raw 0 0 0 0 1' 'raw 3 0 4096 0 3' \
		    'raw 6 0 200 0 3' 'raw 7 9 0 0 2' > "$2"
		echo "--ctrl $2" ;;
	mcast-overflow)
		i=1
		: > "$2"
		while [ $i -le 70 ]; do
			printf 'mcast-add 01:00:5e:00:02:%02x\n' $i >> "$2"
			i=$((i + 1))
		done
		echo "--mcast-control --ctrl $2" ;;
	*) echo "--hostile $1" ;;
	esac
}

# hostile_counter LOG VIF NAME: counter NAME of VIF (vif<domid>.<devid>)
# in the last block of counters xennetd logged (SIGUSR1) in LOG
hostile_counter() {
	local log=$1 v=$2 name=$3
	case $name in
	rx_bad_grant)
		grep "$v: control:" "$log" | tail -n 1 |
		    sed -n 's/.*bad grants \([0-9]*\).*/\1/p' ;;
	throttled|faults|connects)
		grep "$v: control:" "$log" | tail -n 1 |
		    sed -n "s/.* $name \([0-9]*\).*/\1/p" ;;
	tx_packets)
		grep "$v: state" "$log" | tail -n 1 |
		    sed -n 's/.*guest-tx \([0-9]*\) pkts.*/\1/p' ;;
	rx_packets)
		grep "$v: state" "$log" | tail -n 1 |
		    sed -n 's/.*guest-rx \([0-9]*\) pkts.*/\1/p' ;;
	ctrl_errors)
		grep "$v: control ring:" "$log" | tail -n 1 |
		    sed -n 's/.*not supported \([0-9]*\), invalid \([0-9]*\), overflow \([0-9]*\).*/\1 \2 \3/p' |
		    awk '{ print $1 + $2 + $3 }' ;;
	mcast_refused)
		grep "$v: multicast:" "$log" | tail -n 1 |
		    sed -n 's/.*refused \([0-9]*\).*/\1/p' ;;
	tx_passes)
		grep "$v: batches:" "$log" | tail -n 1 |
		    sed -n 's/.*tx passes \([0-9]*\).*/\1/p' ;;
	events)
		grep "$v: hypercalls:" "$log" | tail -n 1 |
		    sed -n 's/.*received tx \([0-9]*\) rx.*/\1/p' ;;
	*)
		grep "$v: drops:" "$log" | tail -n 1 |
		    sed -n "s/.*$name=\([0-9]*\).*/\1/p" ;;
	esac
}

# hostile_judge LOG VIF EXPECT WHAT STATE ERROR SECONDS [SLOW]: whether
# what the backend did with VIF's case is what EXPECT and WHAT (the
# table) ask, given the vif's backend STATE, its ERROR node and the
# SECONDS the case ran; 0 or 1, the reason in HJ_TEXT.  SLOW=1: the
# guest cannot reconnect faster than the throttle allows (a netfront-sim
# in a domU under QEMU TCG takes seconds per reconnect: gntalloc, 514
# grants; 2 to 4 connections in a minute seen), so "throttle" asks
# that it connected again at least once, every cycle served without an
# error and within the bound, instead of some reconnects made to wait.
hostile_judge() {
	local log=$1 v=$2 expect=$3 what=$4 st=$5 err=$6 secs=$7 n m
	case $expect in
	throttle)
		n=$(hostile_counter "$log" "$v" throttled)
		m=$(hostile_counter "$log" "$v" connects)
		HJ_TEXT="$v reconnected ${m:-?} times in $secs s, ${n:-?} made to wait${err:+, error: $err}"
		if [ "${8:-0}" = 1 ]; then
			[ "${m:-0}" -ge 2 ]
		else
			[ "${n:-0}" -gt 0 ]
		fi && [ -z "$err" ] && [ "${m:-99}" -le $((4 + secs)) ] ;;
	keep)
		n=$(hostile_counter "$log" "$v" "$what")
		HJ_TEXT="$v still Connected (state $st${err:+, error: $err}), $what ${n:-?}"
		[ "$st" = 4 ] && [ -z "$err" ] && [ "${n:-0}" -gt 0 ] ;;
	*)
		n=$(hostile_counter "$log" "$v" faults)
		HJ_TEXT="$v Closing/Closed (state $st): \"$err\", faults ${n:-?}"
		case $st in 5|6) ;; *) return 1 ;; esac &&
		    echo "$err" | grep -q -- "$what" && [ "${n:-0}" -gt 0 ] ;;
	esac
}

# hostile_warnings LOG VIF: how many warnings about VIF LOG holds
# (stderr's "warning: " or syslog's ".warn" level)
hostile_warnings() {
	local v
	v=$(echo "$2" | sed 's/\./\\./g')
	grep -cE "(warning: |\.warn .*)$v([: ]|\$)|$v: warning" "$1"
}
