#!/bin/sh
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
# t_xenstored.sh: xenstored-sim driven by the stock xenstore-* tools
# (package xenstore-utils) through XENSTORED_PATH, by t_xs_tx (libxenstore
# scenarios the tools cannot play) and by raw xs_wire.h messages sent with
# python3 (malformed and oversized requests).  Domain 5 is introduced at
# start-up (-I 5) and acts through the socket "$S.d5".

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

XSD=$SIM/xenstored-sim
TXP=$SIM/t_xs_tx
[ -x "$XSD" ] || skip_all "$XSD not built"
[ -x "$TXP" ] || skip_all "$TXP not built (make check builds it)"
for t in xenstore-ls xenstore-read xenstore-write xenstore-rm xenstore-list \
    xenstore-exists xenstore-chmod xenstore-watch python3; do
	command -v "$t" >/dev/null 2>&1 ||
	    skip_all "$t not installed (apt-get install xenstore-utils python3)"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/t_xsd.XXXXXX") || exit 1
S=$T/xs
G=$S.d5
XSD_PID=
BG_PIDS=

cleanup() {
	for p in $BG_PIDS $XSD_PID; do
		kill "$p" 2>/dev/null
	done
	[ -f "$T/daemon.pid" ] && kill "$(cat "$T/daemon.pid")" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

XENSTORED_PATH=$S
export XENSTORED_PATH

# as_guest CMD...: run a tool as domain 5.
as_guest() {
	XENSTORED_PATH=$G "$@"
}

# is DESCRIPTION EXPECTED CMD...: ok if CMD prints EXPECTED (its stderr
# is ignored).
is() {
	local d=$1 want=$2 got
	shift 2
	got=$("$@" 2>/dev/null)
	[ "$got" = "$want" ]
	ok $? "$d"
	[ "$got" = "$want" ] || diag "got '$got', want '$want'"
}

# fails DESCRIPTION CMD...: ok if CMD exits non-zero.
fails() {
	local d=$1
	shift
	! "$@" >/dev/null 2>&1
	ok $? "$d"
}

# lines FILE: the lines of FILE joined by spaces.
lines() {
	echo $(cat "$1")
}

# has_lines FILE N: true if FILE has at least N lines (for wait_for).
has_lines() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# A client that sends raw xs_wire.h messages and prints the replies.
cat >"$T/xsraw.py" <<'PYEOF'
import codecs, socket, struct, sys, time
# xsraw.py SOCK TYPE TXID [PAYLOAD...] [--len N] [--pad N] [--slow]
# PAYLOADs are joined, backslash escapes (\0) decoded; --pad N appends N
# bytes, --len N lies about the length, --slow sends a byte at a time.
# Prints the reply as "TYPE payload" (nuls shown as |, the last one
# dropped), or CLOSED when the daemon closes the connection.
names = {0: "CONTROL", 1: "DIRECTORY", 2: "READ", 3: "GET_PERMS",
         4: "WATCH", 5: "UNWATCH", 6: "TRANSACTION_START",
         7: "TRANSACTION_END", 11: "WRITE", 12: "MKDIR", 13: "RM",
         14: "SET_PERMS", 15: "WATCH_EVENT", 16: "ERROR",
         22: "DIRECTORY_PART"}
args = sys.argv[1:]
slow = "--slow" in args
if slow:
    args.remove("--slow")
opts = {"--len": None, "--pad": 0}
for o in ("--len", "--pad"):
    if o in args:
        i = args.index(o)
        opts[o] = int(args[i + 1])
        del args[i:i + 2]
path, typ, tx = args[0], int(args[1]), int(args[2])
body = b"".join(codecs.escape_decode(a.encode())[0] for a in args[3:])
body += b"a" * opts["--pad"]
ln = len(body) if opts["--len"] is None else opts["--len"]
msg = struct.pack("<IIII", typ, 77, tx, ln) + body
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.settimeout(5)
if slow:
    for b in msg:
        s.sendall(bytes([b]))
        time.sleep(0.002)
else:
    s.sendall(msg)
def get(n):
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            return None
        buf += c
    return buf
try:
    h = get(16)
except OSError:
    h = None
if h is None:
    print("CLOSED")
    sys.exit(0)
t, rid, tid, n = struct.unpack("<IIII", h)
p = get(n) if n else b""
if p and p.endswith(b"\0"):
    p = p[:-1]
print(names.get(t, str(t)), p.replace(b"\0", b"|").decode("latin-1"))
PYEOF
raw() {
	python3 "$T/xsraw.py" "$@"
}

# Start the daemon, domain 5 pre-introduced.
"$XSD" -s "$S" -F -I 5 2>"$T/xsd.log" &
XSD_PID=$!
wait_for 10 test -S "$S"
ok $? "xenstored-sim creates its socket"
wait_for 10 test -S "$G"
ok $? "-I 5 creates the socket of domain 5"

# The initial tree of a fresh dom0.
cat >"$T/want" <<'TXTEOF'
/local = ""
/local/domain = ""
/local/domain/0 = ""
/local/domain/0/name = "Domain-0"
/local/domain/0/domid = "0"
/tool = ""
TXTEOF
xenstore-ls -f >"$T/got" 2>&1
cmp -s "$T/want" "$T/got"
ok $? "xenstore-ls -f shows the initial dom0 tree"
is "every initial node has permissions n0" "n0" \
    sh -c 'xenstore-ls -p / | sed -n "s/.*(\(.*\))$/\1/p" | sort -u'

# Write, read, list, exists.
xenstore-write /t/a/b hello /t/a/c "two words" /t/d ""
ok $? "xenstore-write of three nodes (in one transaction)"
is "xenstore-read reads a value back" "hello" xenstore-read /t/a/b
is "values keep their spaces" "two words" xenstore-read /t/a/c
cat >"$T/want" <<'TXTEOF'
/t/a = ""
/t/a/b = "hello"
/t/a/c = "two words"
/t/d = ""
TXTEOF
xenstore-ls -f /t >"$T/got" 2>&1
cmp -s "$T/want" "$T/got"
ok $? "xenstore-ls -f lists the new subtree, parents created"
xenstore-list /t/a >"$T/got" 2>&1
is "xenstore-list lists children in creation order" "b c" lines "$T/got"
check "xenstore-exists finds an existing node" xenstore-exists /t/a/b
fails "xenstore-exists fails for a missing node" xenstore-exists /t/a/nope
is "an empty value reads as an empty READ reply" "READ " \
    raw "$S" 2 0 '/t/d\0'

# Removal.
check "xenstore-rm removes a node with its subtree" xenstore-rm /t/a
fails "the removed children are gone" xenstore-exists /t/a/b
is "the sibling of the removed node stays" "d" xenstore-list /t
check "rm of a missing node whose parent exists succeeds" xenstore-rm /t/gone
is "rm of a node whose parent is missing: ENOENT" "ERROR ENOENT" \
    raw "$S" 13 0 '/t/gone/deeper\0'
is "rm of / is refused with EINVAL" "ERROR EINVAL" raw "$S" 13 0 '/\0'

# Permissions, and domain 5 acting through its own socket.
xenstore-write /perm/pub p /perm/secret s
xenstore-chmod /perm/pub n0 r5
is "xenstore-chmod sets permissions shown by xenstore-ls -p" "n0,r5" \
    sh -c 'xenstore-ls -p /perm | sed -n "s/^pub = .*(\(.*\))$/\1/p"'
is "the guest reads a node it has r on" "p" as_guest xenstore-read /perm/pub
is "the guest cannot read a node it has no perms on: EACCES" \
    "ERROR EACCES" raw "$G" 2 0 '/perm/secret\0'
is "the guest cannot write a read-only node: EACCES" "ERROR EACCES" \
    raw "$G" 11 0 '/perm/pub\0x'
is "a missing node under an unreadable parent: EACCES" "ERROR EACCES" \
    raw "$G" 2 0 '/perm/nothere\0'
xenstore-chmod /perm b0
is "a missing node under a readable parent: ENOENT" "ERROR ENOENT" \
    raw "$G" 2 0 '/perm/nothere\0'
fails "the guest cannot list the root" as_guest xenstore-ls /
is "a guest cannot introduce domains: EACCES" "ERROR EACCES" \
    raw "$G" 8 0 '9\0' '0\0' '1\0'
xenstore-write /local/domain/5 "" && xenstore-chmod /local/domain/5 n5
check "the guest writes a relative path below its home" \
    as_guest xenstore-write data/x 1
is "the relative path lands in /local/domain/5" "1" \
    xenstore-read /local/domain/5/data/x
is "nodes a guest creates are owned by it" "n5" \
    sh -c 'XENSTORED_PATH=$0 xenstore-ls -p data |
    sed -n "s/^x = .*(\(.*\))$/\1/p"' "$G"
fails "the guest cannot give its node away" \
    as_guest xenstore-chmod data/x n0
check "the guest may set its node's other permissions" \
    as_guest xenstore-chmod data/x n5 r0
is "GET_PERMS returns the entries" "GET_PERMS n5|r0" \
    raw "$S" 3 0 '/local/domain/5/data/x\0'
is "SET_PERMS answers OK" "SET_PERMS OK" \
    raw "$S" 14 0 '/perm/pub\0' 'b0\0' 'r5\0'
is "SET_PERMS with a bad permission letter: EINVAL" "ERROR EINVAL" \
    raw "$S" 14 0 '/perm/pub\0' 'q0\0'

# Watches with the stock xenstore-watch.
xenstore-watch -n 5 /wt >"$T/watch.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -qx /wt "$T/watch.out"
ok $? "xenstore-watch gets the initial event"
xenstore-write /wt/a 1
xenstore-write /other 1
xenstore-write /wt/b/c 2
xenstore-rm /wt
xenstore-write /wt/z 3
wait_for 5 has_lines "$T/watch.out" 5
is "events for writes below the path and one for its removal" \
    "/wt /wt/a /wt/b/c /wt /wt/z" lines "$T/watch.out"
check "libxenstore: xs_watch, xs_fileno, xs_read_watch, xs_unwatch" \
    "$TXP" watch /wl
as_guest xenstore-watch -n 2 data >"$T/gwatch.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -qx data "$T/gwatch.out"
xenstore-write /local/domain/5/data/y 3
wait_for 5 has_lines "$T/gwatch.out" 2
is "a relative watch gets relative event paths" "data data/y" \
    lines "$T/gwatch.out"
xenstore-write /rmw/a/b 1
xenstore-watch -n 3 /rmw/a/b >"$T/rmw.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
xenstore-watch -n 3 /rmw >"$T/rmw2.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -qx /rmw/a/b "$T/rmw.out"
wait_for 5 grep -qx /rmw "$T/rmw2.out"
is "RM outside a transaction" "RM OK" raw "$S" 13 0 '/rmw\0'
xenstore-write /rmw/a/b 2
wait_for 5 has_lines "$T/rmw.out" 3
wait_for 5 has_lines "$T/rmw2.out" 3
is "removing an ancestor fires the watch on a removed child" \
    "/rmw/a/b /rmw/a/b /rmw/a/b" lines "$T/rmw.out"
is "a watch on the removed node gets its path only, not the children's" \
    "/rmw /rmw /rmw/a/b" lines "$T/rmw2.out"

# Domains: introduce and release through libxenstore.
xenstore-watch -n 2 @introduceDomain >"$T/intro.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
xenstore-watch -n 2 @releaseDomain >"$T/rel.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -qx @introduceDomain "$T/intro.out"
wait_for 5 grep -qx @releaseDomain "$T/rel.out"
is "domain 7 is not introduced yet" "F" "$TXP" introduced 7
check "xs_introduce_domain 7" "$TXP" introduce 7
wait_for 5 has_lines "$T/intro.out" 2
ok $? "@introduceDomain fires on introduction"
is "xs_is_domain_introduced says T" "T" "$TXP" introduced 7
check "the socket of domain 7 exists" test -S "$S.d7"
is "xs_get_domain_path" "/local/domain/7" "$TXP" domainpath 7
xenstore-write /local/domain/7/dev x && xenstore-chmod /local/domain/7 n7
XENSTORED_PATH=$S.d7 xenstore-write own 1
check "xs_release_domain 7" "$TXP" release 7
wait_for 5 has_lines "$T/rel.out" 2
ok $? "@releaseDomain fires on release"
is "xs_is_domain_introduced says F after release" "F" "$TXP" introduced 7
fails "the socket of domain 7 is removed" test -e "$S.d7"
fails "the nodes domain 7 owned are removed" xenstore-exists /local/domain/7
is "releasing an unknown domain: ENOENT" "ERROR ENOENT" raw "$S" 9 0 '7\0'

# Transactions.
check "transaction conflict gives EAGAIN, the retry commits" \
    "$TXP" conflict /tx/c
check "transactions are isolated until commit, abort discards" \
    "$TXP" isolation /tx/i
check "an unknown transaction id gives ENOENT" "$TXP" badtx /tx/c
is "TRANSACTION_END with neither T nor F: EINVAL" "ERROR EINVAL" \
    raw "$S" 7 0 'X\0'
check "permissions round-trip through libxenstore" "$TXP" perms /tx/p
check "a listing longer than a payload pages with DIRECTORY_PART" \
    "$TXP" dirpart /big 150
raw "$S" 22 0 '/big\0' '99999\0' >"$T/got" 2>&1
grep -q '^DIRECTORY_PART [0-9][0-9]*|$' "$T/got"
ok $? "DIRECTORY_PART past the end: generation and an empty name"

# Malformed, oversized and unknown requests: error replies, no crash.
is "a payload over XENSTORE_PAYLOAD_MAX: E2BIG" "ERROR E2BIG" \
    raw "$S" 11 0 '/big/x\0' --pad 5000
is "READ without a nul: EINVAL" "ERROR EINVAL" raw "$S" 2 0 '/t/d'
is "READ with two arguments: EINVAL" "ERROR EINVAL" \
    raw "$S" 2 0 '/t/d\0extra\0'
is "a path with a bad character: EINVAL" "ERROR EINVAL" \
    raw "$S" 2 0 '/bad*chars\0'
is "a path with a trailing slash: EINVAL" "ERROR EINVAL" \
    raw "$S" 2 0 '/trailing/\0'
is "WATCH without a token: EINVAL" "ERROR EINVAL" raw "$S" 4 0 '/w\0'
is "an unknown message type: ENOSYS" "ERROR ENOSYS" raw "$S" 99 0 ''
is "a WATCH_EVENT sent by a client: ENOSYS" "ERROR ENOSYS" \
    raw "$S" 15 0 ''
long=$(python3 -c 'print("/" + "x" * 2100)')
is "a path over XENSTORE_REL_PATH_MAX: EINVAL" "ERROR EINVAL" \
    raw "$S" 2 0 "$long" '\0'
is "an absurd length field closes the connection" "CLOSED" \
    raw "$S" 2 0 '/t\0' --len 2000000000
xenstore-write /slow hello
is "a request sent one byte at a time is answered" "READ hello" \
    raw "$S" 2 0 '/slow\0' --slow
is "the daemon still answers after all that" "hello" xenstore-read /slow
is "CONTROL check: the store is consistent" "CONTROL OK" \
    raw "$S" 0 0 'check\0'
is "CONTROL from a guest: EACCES" "ERROR EACCES" raw "$G" 0 0 'check\0'
is "an unknown CONTROL command: EINVAL" "ERROR EINVAL" \
    raw "$S" 0 0 'bogus\0'

# Many clients at once.
i=0
pids=
while [ $i -lt 30 ]; do
	xenstore-write /many/n$i v$i &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
xenstore-list /many >"$T/got" 2>&1
is "30 concurrent clients all served" 30 sh -c 'wc -l <"$0"' "$T/got"

# Xen's own test suite, when the Debian package ships it.
TS=$(ls /usr/lib/xen-*/bin/test-xenstore 2>/dev/null | head -n 1)
if [ -n "$TS" ]; then
	"$TS" >"$T/got" 2>&1
	ok $? "Xen's test-xenstore passes"
else
	ok 0 "# SKIP Xen's test-xenstore not installed"
fi

# Clean shutdown: socket files removed, exit status 0 (ASan: no leak).
kill -TERM "$XSD_PID"
wait "$XSD_PID"
ok $? "SIGTERM: exit status 0"
XSD_PID=
fails "the main socket is removed" test -e "$S"
fails "the domain socket is removed" test -e "$G"
if grep -q 'Sanitizer\|runtime error' "$T/xsd.log"; then
	ok 1 "no sanitizer report"
	sed 's/^/# /' "$T/xsd.log" | head -n 40
else
	ok 0 "no sanitizer report"
fi

# Without -p nor -F it stays in the foreground: $! is the daemon.
"$XSD" -s "$S" 2>"$T/xsd3.log" &
XSD_PID=$!
wait_for 10 test -S "$S"
is "without -p it serves in the foreground" "Domain-0" \
    xenstore-read /local/domain/0/name
kill -TERM "$XSD_PID"
wait "$XSD_PID"
ok $? "and \$! is the daemon, which exits 0 on SIGTERM"
XSD_PID=

# Daemon mode: the socket and the pid file exist when the command returns.
"$XSD" -s "$S" -p "$T/daemon.pid" 2>"$T/xsd2.log"
ok $? "daemon mode returns 0"
check "the socket exists when the command returns" test -S "$S"
is "the daemon answers" "Domain-0" xenstore-read /local/domain/0/name
kill "$(cat "$T/daemon.pid" 2>/dev/null)" 2>/dev/null
wait_for 10 test ! -e "$T/daemon.pid"
ok $? "the daemon removes its pid file on SIGTERM"
fails "and its socket" test -e "$S"

done_testing
