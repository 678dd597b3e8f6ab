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
# t_rcd.sh: the rc.d script (etc/rc.d/xennetd, made from xennetd.in) run
# as NetBSD's and FreeBSD's rc would, with a small rc.subr of our own
# (tests/etc/rc.subr), starts the built daemon in sim mode on a
# xenstored-sim: start puts it in the background and it logs to syslog
# (LOG_DAEMON), status finds it, reload makes it log its reload, stop ends
# it and its pid file; NO in rc.conf keeps it from starting.
#
# Its syslog lines are caught on a /dev/log of our own: the test runs in a
# private mount namespace whose /dev is a copy with the few devices the
# daemon opens and our log socket (tests/etc/sysns.sh); the host's /dev is
# not touched.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

XND=$top_builddir/daemon/xennetd
RCD=$top_builddir/etc/rc.d/xennetd
STUB=$top_srcdir/tests/etc/rc.subr
. "$top_srcdir/tests/etc/sysns.sh"
[ -x "$XND" ] || skip_all "daemon/xennetd is not built"
[ -f "$RCD" ] || skip_all "etc/rc.d/xennetd is not made (make all)"
sysns_enter
sysns_syslog
SIMDIR=$T/sim
mkdir -p "$SIMDIR"
sysns_xenstored

# rc COMMAND: the rc.d script as rc runs it (sourced after rc.subr),
# $0 its path, in sh (dash here; NetBSD's and FreeBSD's sh at home)
rc() {
	sh -c '_stub=$1 _script=$2; shift 2; . "$_stub"; . "$_script"' \
	    "$RCD" "$STUB" "$RCD" "$@"
}
# rcconf LINES...: the rc.conf the stub's load_rc_config reads
export RC_CONF=$T/rc.conf
rcconf() {
	printf '%s\n' "$@" \
	    "xennetd_flags=\"-S -s $SIMDIR -v\"" \
	    "xennetd_program=$XND" \
	    "xennetd_pidfile=$T/run/xennetd.pid" > "$RC_CONF"
}

# ---- NetBSD: xennetd=YES ----
rcconf xennetd=YES
out=$(rc start 2>&1)
ok $? "start: exits 0 ($out)"
read -r PID < "$T/run/xennetd.pid" 2>/dev/null
ok $(test -n "$PID"; echo $?) "start: the pid file, in a directory\
 start_precmd made, names the daemon: ${PID:-none}"
ok $(kill -0 "${PID:-0}" 2>/dev/null; echo $?) "start: the daemon runs"
is "start: the daemon went into the background, its own session" \
    "${PID:-x}" "$(ps -o sid= -p "${PID:-0}" | tr -d ' ')"
is "start: nothing of it on the terminal" "Starting xennetd." "$out"
sysns_logged "$PID" "started: sim hypervisor"
ok $? "start: it logs to syslog, facility daemon"
out=$(rc status 2>&1)
ok $? "status: exits 0"
is "status: names the pid" "xennetd is running as pid $PID." "$out"
out=$(rc start 2>&1)
ok $(test $? != 0; echo $?) "start again: refused by rc.subr ($out)"
out=$("$XND" -S -s "$SIMDIR" -p "$T/run/xennetd.pid" 2>&1)
ok $(test $? = 1; echo $?) "a second daemon on the same pid file exits 1"
is "and says which runs" \
    "xennetd: already running (pid $PID, $T/run/xennetd.pid)" "$out"
out=$(rc reload 2>&1)
ok $? "reload: exits 0 ($out)"
sysns_logged "$PID" "[Rr]eload"
ok $? "reload: the daemon got SIGHUP and logged its reload"
ok $(kill -0 "$PID" 2>/dev/null; echo $?) "reload: the daemon still runs"
out=$(rc stop 2>&1)
ok $? "stop: exits 0 ($out)"
ok $(kill -0 "$PID" 2>/dev/null; test $? != 0; echo $?) \
    "stop: the daemon is gone"
ok $(test ! -e "$T/run/xennetd.pid"; echo $?) "stop: the pid file is gone"
sysns_logged "$PID" "exiting"
ok $? "stop: the daemon logged its clean exit"
out=$(rc status 2>&1)
ok $(test $? != 0; echo $?) "status after stop: exits non-zero"
is "status after stop: not running" "xennetd is not running." "$out"
out=$(rc restart 2>&1)
ok $? "restart when stopped: starts it ($out)"
read -r PID2 < "$T/run/xennetd.pid" 2>/dev/null
ok $(kill -0 "${PID2:-0}" 2>/dev/null; echo $?) "restart: it runs"
out=$(rc restart 2>&1)
ok $? "restart when running: exits 0"
read -r PID3 < "$T/run/xennetd.pid" 2>/dev/null
ok $(kill -0 "${PID2:-0}" 2>/dev/null; test $? != 0 &&
    kill -0 "${PID3:-0}" && test "$PID2" != "$PID3"; echo $?) \
    "restart: a new daemon replaced the old one"
rc stop >/dev/null 2>&1

# ---- a daemon that cannot start ----
out=$(XENSTORED_PATH=$T/nowhere rc start 2>&1)
ok $(test $? != 0; echo $?) "start without xenstore: exits non-zero"
case $out in
*"exited while starting"*) ok 0 "start without xenstore: says so" ;;
*) ok 1 "start without xenstore: says so"; diag "$out" ;;
esac
wait_for 5 grep -q "^<26>.*xennetd\[[0-9]*\]: cannot connect to xenstore" \
    "$T/syslog"
ok $? "start without xenstore: the reason is in syslog (critical)"
ok $(test ! -e "$T/run/xennetd.pid"; echo $?) \
    "start without xenstore: no pid file left behind"

# ---- not enabled ----
rcconf xennetd=NO
out=$(rc start 2>&1)
ok $(test $? != 0; echo $?) "xennetd=NO: start refuses"
is "xennetd=NO: says why" "\$xennetd is not enabled - see rc.conf(5)." \
    "$out"
ok $(test ! -s "$T/run/xennetd.pid"; echo $?) "xennetd=NO: no daemon"
out=$(rc onestart 2>&1)
ok $? "xennetd=NO: onestart starts it anyway"
rc onestop >/dev/null 2>&1
ok $(test ! -e "$T/run/xennetd.pid"; echo $?) "onestop stops it"

# ---- FreeBSD: xennetd_enable=YES ----
mkdir -p "$T/bin"
printf '#!/bin/sh\necho FreeBSD\n' > "$T/bin/uname"
chmod +x "$T/bin/uname"
rcconf xennetd=YES
out=$(PATH=$T/bin:$PATH rc start 2>&1)
ok $(test $? != 0; echo $?) "FreeBSD: xennetd=YES is not its variable"
rcconf xennetd_enable=YES
out=$(PATH=$T/bin:$PATH rc start 2>&1)
ok $? "FreeBSD: xennetd_enable=YES starts it ($out)"
read -r PID < "$T/run/xennetd.pid" 2>/dev/null
out=$(PATH=$T/bin:$PATH rc status 2>&1)
is "FreeBSD: status" "xennetd is running as pid ${PID:-none}." "$out"
out=$(PATH=$T/bin:$PATH rc stop 2>&1)
ok $? "FreeBSD: stop"
ok $(kill -0 "${PID:-0}" 2>/dev/null; test $? != 0; echo $?) \
    "FreeBSD: the daemon is gone"

# ---- the script itself ----
header_has "$RCD" "rcorder header" "PROVIDE: xennetd" \
    "REQUIRE: xencommons" "BEFORE: xendomains" "KEYWORD: shutdown"
substituted "$RCD" "the script"
done_testing
