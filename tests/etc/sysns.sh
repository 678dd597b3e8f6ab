# A private system for the tests that start xennetd through its boot
# scripts (t_rcd.sh, t_initd.sh): source it after tests/lib.sh.
#
#   sysns_enter        re-run the calling test in a private mount
#                      namespace, in a new temporary directory $T (removed
#                      when it ends); returns in the inner run only
#   sysns_syslog       a /dev of ours: the few devices the daemon opens and
#                      a /dev/log whose datagrams go to $T/syslog, one a
#                      line (the host's /dev is not touched)
#   sysns_xenstored    xenstored-sim on $XENSTORED_PATH ($T/xs.sock)
#   sysns_logged PID TEXT
#                      within 5 s, $T/syslog has a LOG_DAEMON info line
#                      of xennetd[PID] containing TEXT (a basic regex)
#   SYSNS_PIDS         pids the EXIT trap kills, with those of
#                      $T/run/xennetd.pid and the syslog listener
#
# Needs root, unshare, mount, python3 (the /dev/log listener),
# xenstore-read (xenstore-utils).

need_root
for t in unshare mount python3 ps xenstore-read; do
	command -v $t >/dev/null 2>&1 || skip_all "$t not found"
done
SYSNS_PIDS=""

sysns_cleanup() {
	local p
	for p in $SYSNS_PIDS $(cat "$T/run/xennetd.pid" "$T/syslog.pid" \
	    2>/dev/null); do
		kill "$p" 2>/dev/null
	done
}

sysns_enter() {
	local rc
	if [ "${SYSNS_INNER:-}" = 1 ]; then
		trap sysns_cleanup EXIT
		trap 'exit 1' INT TERM HUP
		return 0
	fi
	unshare --mount --propagation private true 2>/dev/null ||
	    skip_all "cannot make a mount namespace (unshare --mount)"
	T=$(mktemp -d "${TMPDIR:-/tmp}/${0##*/}.XXXXXX") || exit 1
	# The namespace goes away with its last process; $T/dev is then
	# an empty directory again.
	SYSNS_INNER=1 T=$T unshare --mount --propagation private \
	    /bin/bash "$0"
	rc=$?
	rm -rf "$T"
	exit $rc
}

sysns_syslog() {
	local d
	mkdir "$T/dev"
	mount -t tmpfs -o mode=0755 sysns-dev "$T/dev" ||
	    skip_all "cannot mount"
	for d in null zero full random urandom tty net/tun; do
		[ -e "/dev/$d" ] || continue
		case $d in */*) mkdir -p "$T/dev/${d%/*}" ;; esac
		touch "$T/dev/$d"
		mount --bind "/dev/$d" "$T/dev/$d"
	done
	ln -s /proc/self/fd "$T/dev/fd"
	python3 - "$T/dev/log" "$T/syslog" <<'EOF' &
import os, socket, sys
with open(sys.argv[2] + ".pid", "w") as f:
    f.write("%d\n" % os.getpid())
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
EOF
	SYSNS_PIDS="$SYSNS_PIDS $!"
	wait_for 5 test -S "$T/dev/log" || skip_all "no syslog listener"
	mount --rbind "$T/dev" /dev || skip_all "cannot mount our /dev"
	touch "$T/syslog"
}

sysns_xenstored() {
	export XENSTORED_PATH=$T/xs.sock
	"$SIM/xenstored-sim" -s "$XENSTORED_PATH" > "$T/xenstored.log" 2>&1 &
	SYSNS_PIDS="$SYSNS_PIDS $!"
	wait_for 10 xenstore-read /local/domain/0/domid >/dev/null ||
	    skip_all "xenstored-sim did not start"
}

# (<30> is facility daemon, priority info)
sysns_logged() {
	wait_for 5 grep -q "^<30>.*xennetd\[$1\]: .*$2" "$T/syslog"
}
