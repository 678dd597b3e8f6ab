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
# t_systemd.sh: the systemd unit made from etc/xennetd.service.in passes
# systemd-analyze verify and needs xenstored's unit, and the daemon keeps
# the promise of the unit's Type: with Type=notify it tells the
# NOTIFY_SOCKET READY=1 once it serves and STOPPING=1 on SIGTERM; with
# Type=forking (and always) the starting process returns only once the
# daemon serves and its pid file is written, naming the daemon and not
# its privileged helper, which goes with it; ExecStartPre makes the
# daemon's user.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

UNIT=$top_builddir/etc/xennetd.service
XND=$top_builddir/daemon/xennetd
[ -f "$UNIT" ] || skip_all "etc/xennetd.service is not made (make all)"

T=$(mktemp -d "${TMPDIR:-/tmp}/t_systemd.XXXXXX") || exit 1
PIDS=""
cleanup() {
	local p
	for p in $PIDS $(cat "$T/sim/xennetd.pid" "$T/notify.pid" \
	    2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# key KEY: the value of KEY= in the unit
key() { sed -n "s/^$1=//p" "$UNIT"; }

# ---- the unit's text ----
XSUNIT=$(key Requires)
ok $(test -n "$XSUNIT"; echo $?) "Requires= xenstored's unit (${XSUNIT:-none})"
is "After= the same unit" "$XSUNIT" "$(key After)"
is "Before= xendomains" "xendomains.service" "$(key Before)"
is "ExecReload= sends SIGHUP" '/bin/kill -HUP $MAINPID' "$(key ExecReload)"
TYPE=$(key Type)
case $TYPE in
notify)
	case $(key ExecStart) in
	*/xennetd\ -d\ *) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "Type=notify: ExecStart keeps it in the foreground (-d)" ;;
forking)
	case $(key ExecStart) in
	*" -d "*) r=1 ;;
	*) r=0 ;;
	esac
	ok $r "Type=forking: ExecStart lets it fork (no -d)" ;;
*)
	ok 1 "Type= is notify or forking (got $TYPE)" ;;
esac
ok $(key PIDFile | grep -q '/xennetd\.pid$'; echo $?) "PIDFile= is set"
ok $(key ExecStartPre | grep -q 'id _xennetd .*|| useradd --system .*_xennetd'
    echo $?) "ExecStartPre= creates the user _xennetd if missing"
substituted "$UNIT" "the unit"

# ---- systemd-analyze verify ----
if ! command -v systemd-analyze >/dev/null 2>&1; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP systemd-analyze not found (Debian package systemd)"
else
	# Where xennetd is not installed yet, verify the unit with the
	# built binary in ExecStart (the one line changed); where the
	# xenstored unit does not exist (no Xen packages, or one that
	# systemd generates at boot from /etc/init.d), against a stub.
	mkdir -p "$T/units" "$T/stubs"
	exe=$(key ExecStart | sed 's/ .*//')
	if [ -x "$exe" ]; then
		cp "$UNIT" "$T/units/xennetd.service"
	else
		diag "$exe is not installed: verifying with $XND"
		sed "s|^ExecStart=$exe |ExecStart=$XND |" "$UNIT" \
		    > "$T/units/xennetd.service"
	fi
	if ! systemctl cat "$XSUNIT" >/dev/null 2>&1 &&
	    [ ! -f "/lib/systemd/system/$XSUNIT" ] &&
	    [ ! -f "/etc/systemd/system/$XSUNIT" ]; then
		diag "no $XSUNIT here: verifying against a stub"
		printf '%s\n' '[Unit]' 'Description=stub' '[Service]' \
		    'ExecStart=/bin/true' > "$T/stubs/$XSUNIT"
	fi
	out=$(cd "$T" && SYSTEMD_UNIT_PATH=$T/stubs: systemd-analyze verify \
	    --man=no "$T/units/xennetd.service" 2>&1)
	rc=$?
	ok $rc "systemd-analyze verify: exit 0"
	is "systemd-analyze verify: nothing to say" "" "$out"
fi

# ---- the daemon keeps the Type's promise ----
if [ "$(id -u)" != 0 ] || ! command -v xenstore-read >/dev/null 2>&1 ||
    ! command -v python3 >/dev/null 2>&1; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP the daemon's side needs root, xenstore-utils" \
	    "and python3"
	done_testing
fi
export XENSTORED_PATH=$T/xs.sock XENNET_SIM_DIR=$T/sim
mkdir -p "$XENNET_SIM_DIR"
"$SIM/xenstored-sim" -s "$XENSTORED_PATH" > "$T/xenstored.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 xenstore-read /local/domain/0/domid >/dev/null ||
    { ok 1 "xenstored-sim starts"; done_testing; }

# Type=forking: the command returns once the daemon serves.
"$XND" -S -v 2>"$T/fork.err"
ok $? "forking: the starting process exits 0"
read -r PID < "$T/sim/xennetd.pid" 2>/dev/null
ok $(kill -0 "${PID:-0}" 2>/dev/null; echo $?) \
    "forking: when it returns, the pid file names the running daemon"
# with privilege separation, the daemon and not its helper: MAINPID
H=$(priv_helper "${PID:-0}")
if id _xennetd > /dev/null 2>&1; then
	is "forking: the pid file's daemon runs as _xennetd, its helper as root" \
	    "_xennetd root" "$(ps -o user= -p "${PID:-0}" | tr -d ' ') \
$(ps -o user= -p "${H:-0}" | tr -d ' ')"
fi
kill "${PID:-0}" 2>/dev/null
wait_for 10 test ! -e "$T/sim/xennetd.pid"
ok $? "forking: SIGTERM: the daemon exits and removes its pid file"
if [ -n "$H" ]; then
	wait_for 5 sh -c "! kill -0 $H 2> /dev/null"
	ok $? "forking: and its helper exits too"
fi

# Type=notify: READY=1 once it serves, STOPPING=1 on SIGTERM.
if [ "$TYPE" != notify ]; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP built without libsystemd: Type=forking unit"
	done_testing
fi
python3 - "$T/notify.sock" "$T/notify.log" "$T/notify.pid" <<'EOF' &
import os, socket, sys
with open(sys.argv[3], "w") as f:
    f.write("%d\n" % os.getpid())
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096).rstrip(b"\n") + b"\n")
EOF
PIDS="$PIDS $!"
wait_for 5 test -S "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock "$XND" -d -S -v $(xnd_nosandbox) \
    > "$T/notify.err" 2>&1 &
PID=$!
wait_for 10 grep -q '^READY=1$' "$T/notify.log"
ok $? "notify: READY=1 sent"
ok $(grep -q started "$T/notify.err"; echo $?) \
    "notify: only once the daemon logged that it started"
kill "$PID"
wait "$PID"
ok $? "notify: SIGTERM: exit 0"
ok $(grep -q '^STOPPING=1$' "$T/notify.log"; echo $?) \
    "notify: STOPPING=1 sent"
done_testing
