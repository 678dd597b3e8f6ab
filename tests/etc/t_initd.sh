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
# t_initd.sh: the LSB init script (etc/init.d/xennetd, made from
# xennetd.in) starts the built daemon in sim mode on a xenstored-sim, with
# its options, pid file and program from /etc/default/xennetd.  Twice: as
# on Debian (dash, Debian's start-stop-daemon, /lib/lsb/init-functions)
# and as in the e2e's busybox dom0 (busybox sh and applets, no
# init-functions).  start backgrounds it (syslog, its own session), status
# says 0, reload makes it log its reload, a second start starts no second
# daemon, stop returns once it has exited, status then says 3; restart,
# LSB exit statuses for bad options (6), no daemon (5), not root (4), not
# running (7), bad usage (2), a daemon that does not exit (killed, 1), a
# daemon that dies while starting, a pid file left by a killed daemon.
# With privilege separation the daemon runs as _xennetd beside its
# helper, which the init script neither counts nor waits for: it goes
# when its daemon does.
#
# It runs in a private mount namespace (tests/etc/sysns.sh): our /dev/log
# catches the daemon's syslog lines, and a tmpfs over /etc/default holds
# our /etc/default/xennetd; the host's are not touched.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

XND=$top_builddir/daemon/xennetd
INITD=$top_builddir/etc/init.d/xennetd
. "$top_srcdir/tests/etc/sysns.sh"
[ -x "$XND" ] || skip_all "daemon/xennetd is not built"
[ -f "$INITD" ] || skip_all "etc/init.d/xennetd is not made (make all)"
command -v start-stop-daemon >/dev/null 2>&1 ||
    skip_all "start-stop-daemon not found (Debian package dpkg)"
sysns_enter
sysns_syslog
SIMDIR=$T/sim
PF=$T/run/xennetd.pid
mkdir -p "$SIMDIR" /etc/default
mount -t tmpfs -o mode=0755 t_initd-default /etc/default ||
    skip_all "cannot mount a tmpfs over /etc/default"
sysns_xenstored
# privilege separation: the init script made the user, or it was there
privsep=0
id _xennetd > /dev/null 2>&1 && privsep=1

# defaults [VAR=VALUE...]: our /etc/default/xennetd, then VAR=VALUE lines
defaults() {
	printf '%s\n' "XENNETD_OPTS=\"-S -s $SIMDIR -v\"" \
	    "XENNETD_PIDFILE=$PF" "XENNETD_PROGRAM=$XND" "$@" \
	    > /etc/default/xennetd
}
# pidof_pf: the pid in the pid file, or nothing
pidof_pf() { cat "$PF" 2>/dev/null; }
# alive PID: PID runs and is the built daemon
alive() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$XND" ]; }
# daemons: how many daemons run on our pid file
daemons() {
	local p n=0
	for p in /proc/[0-9]*; do
		alive "${p#/proc/}" || continue
		case $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) in
		*" -p $PF "*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}
# lines TEXT: how many of xennetd's syslog lines have TEXT
lines() { grep -c "^<[0-9]*>.*xennetd\[[0-9]*\]: .*$1" "$T/syslog"; }

# init ACTION: the script as init runs it, in $SH (the flavour's), its
# output in $out (on one line), its status in $rc
init() {
	out=$($SH "$INITD" "$1" 2>&1)
	rc=$?
	out=$(printf '%s' "$out" | tr '\n' ' ')
}

# flavour NAME: the life of a daemon started by the script
flavour() {
	local f=$1 pid pid2 n h

	defaults
	init status
	is "$f: status before start: 3 (not running) ($out)" 3 "$rc"
	n=$(lines "started: sim")
	init start
	is "$f: start: 0 ($out)" 0 "$rc"
	pid=$(pidof_pf)
	ok $(alive "${pid:-x}"; echo $?) \
	    "$f: start: the pid file names the running daemon (${pid:-none})"
	is "$f: start: it is in the background, its own session" \
	    "${pid:-x}" "$(ps -o sid= -p "${pid:-0}" | tr -d ' ')"
	ok $(sysns_logged "$pid" "started: sim hypervisor"; echo $?) \
	    "$f: start: it logged that it serves, to syslog"
	h=$(priv_helper "${pid:-0}")
	if [ "$privsep" = 1 ]; then
		is "$f: start: it runs as _xennetd, its one child (the helper) as root" \
		    "_xennetd 1 root" "$(ps -o user= -p "${pid:-0}" | tr -d ' ') \
$(echo "$h" | grep -c .) $(ps -o user= -p "${h:-0}" | tr -d ' ')"
	fi
	init status
	is "$f: status: 0" 0 "$rc"
	case $out in
	*"running (pid $pid)"*) ok 0 "$f: status: names the pid ($out)" ;;
	*) ok 1 "$f: status: names the pid"; diag "$out" ;;
	esac
	init start
	is "$f: a second start: 0 (LSB: already running) ($out)" 0 "$rc"
	is "$f: a second start: the same daemon" "$pid" "$(pidof_pf)"
	is "$f: a second start: one daemon on the pid file" 1 "$(daemons)"
	is "$f: a second start: no second daemon started" $((n + 1)) \
	    "$(lines "started: sim")"
	init reload
	is "$f: reload: 0 ($out)" 0 "$rc"
	ok $(sysns_logged "$pid" "[Rr]eload"; echo $?) \
	    "$f: reload: the daemon got SIGHUP and logged its reload"
	ok $(alive "$pid"; echo $?) "$f: reload: the same daemon still runs"
	init force-reload
	is "$f: force-reload: 0 ($out)" 0 "$rc"
	n=$(lines "exiting")
	init stop
	is "$f: stop: 0 ($out)" 0 "$rc"
	# no waiting here: stop returns once the daemon has exited
	ok $(alive "$pid"; test $? != 0; echo $?) \
	    "$f: stop: the daemon is gone when stop returns"
	is "$f: stop: it logged its clean exit before" $((n + 1)) \
	    "$(lines "exiting")"
	ok $(test ! -e "$PF"; echo $?) "$f: stop: the pid file is gone"
	if [ "$privsep" = 1 ]; then
		wait_for 5 sh -c "! kill -0 ${h:-0} 2> /dev/null"
		ok $? "$f: stop: its helper is gone too"
	fi
	init status
	is "$f: status after stop: 3 ($out)" 3 "$rc"
	init stop
	is "$f: stop when stopped: 0 (LSB)" 0 "$rc"
	init reload
	is "$f: reload when stopped: 7 (not running) ($out)" 7 "$rc"
	init restart
	is "$f: restart when stopped: 0, starts it ($out)" 0 "$rc"
	pid=$(pidof_pf)
	ok $(alive "${pid:-x}"; echo $?) "$f: restart: the daemon runs"
	init restart
	pid2=$(pidof_pf)
	ok $(test "$rc" = 0 && alive "${pid2:-x}" && ! alive "$pid"
	    echo $?) "$f: restart when running: 0, a new daemon replaced" \
	    "the old one ($pid -> ${pid2:-none})"
	# a daemon that does not answer SIGTERM is killed after the timeout
	defaults XENNETD_STOP_TIMEOUT=1
	kill -STOP "$pid2"
	init stop
	is "$f: stop of a daemon that does not exit: 1 ($out)" 1 "$rc"
	ok $(alive "$pid2"; test $? != 0; echo $?) \
	    "$f: ... it was killed after XENNETD_STOP_TIMEOUT"
	rm -f "$PF"
}

# ---- Debian: dash, Debian's start-stop-daemon, init-functions ----
SH=sh
flavour debian

# ---- the rest once ----
defaults "XENNETD_OPTS=\"-S -s $SIMDIR -t 999\""
init start
is "bad options: start: 6 (not configured)" 6 "$rc"
case $out in
*'tx-batch: "999"'*) ok 0 "bad options: says why ($out)" ;;
*) ok 1 "bad options: says why"; diag "$out" ;;
esac
ok $(test ! -e "$PF"; echo $?) "bad options: no daemon"
defaults
init start
pid=$(pidof_pf)
defaults "XENNETD_OPTS=\"-S -s $SIMDIR -t 999\""
init restart
is "bad options: restart: 6" 6 "$rc"
ok $(alive "${pid:-x}"; echo $?) \
    "bad options: restart leaves the running daemon alone"
init reload
is "bad options: reload: 6, no SIGHUP" 6 "$rc"
defaults
kill -KILL "${pid:-0}"
wait_for 5 sh -c "! kill -0 ${pid:-0}"
init status
is "killed daemon: status: 1 (its pid file is left) ($out)" 1 "$rc"
init start
is "killed daemon: start: 0 ($out)" 0 "$rc"
pid2=$(pidof_pf)
ok $(test "${pid2:-x}" != "$pid" && alive "${pid2:-x}"; echo $?) \
    "killed daemon: a new daemon took its pid file over"
init stop
XENSTORED_PATH=$T/nowhere init start
is "a daemon that cannot start: start: 1 ($out)" 1 "$rc"
wait_for 5 grep -q "^<26>.*xennetd\[[0-9]*\]: cannot connect to xenstore" \
    "$T/syslog"
ok $? "a daemon that cannot start: the reason is in syslog (critical)"
ok $(test ! -e "$PF"; echo $?) "a daemon that cannot start: no pid file"
defaults XENNETD_PROGRAM=$T/none
init start
is "no daemon installed: start: 5" 5 "$rc"
init status
is "no daemon installed: status: 3" 3 "$rc"
defaults
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh "$INITD" \
    start 2>&1)
is "not root: start: 4 ($out)" 4 "$?"
ok $(test ! -e "$PF"; echo $?) "not root: no daemon"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh "$INITD" \
    status 2>&1)
is "not root: status works: 3" 3 "$?"
init frobnicate
is "bad usage: 2" 2 "$rc"
case $out in
Usage:*start*stop*restart*reload*force-reload*status*)
	ok 0 "bad usage: usage" ;;
*) ok 1 "bad usage: usage"; diag "$out" ;;
esac

# ---- busybox: sh, start-stop-daemon and the rest, no init-functions ----
if ! command -v busybox >/dev/null 2>&1; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP busybox not found"
else
	mkdir "$T/bb"
	busybox --install -s "$T/bb"
	mount -t tmpfs -o mode=0755 t_initd-lsb /lib/lsb 2>/dev/null
	SH="env PATH=$T/bb:$PATH busybox sh"
	flavour busybox
fi

# ---- the script itself ----
header_has "$INITD" "LSB header" "Provides: *xennetd" \
    "Required-Start: .* xen" "Required-Stop: .* xen" \
    "X-Start-Before: *xendomains" "X-Stop-After: *xendomains" \
    "Default-Start: *2 3 4 5" "Default-Stop: *0 1 6"
substituted "$INITD" "the script"
ok $(grep -q 'XENNETD_OPTS' "$top_builddir/etc/xennetd.service"; echo $?) \
    "the systemd unit reads the same XENNETD_OPTS from /etc/default"
done_testing
