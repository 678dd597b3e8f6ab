# Shell helpers for the TAP test scripts.  Source it: . "$top_srcdir/tests/lib.sh"
# Every test script prints TAP: ok/not ok lines and a final plan.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SIM=$top_builddir/tests/sim
T_N=0
T_FAILED=0

# ok COND-STATUS DESCRIPTION: ok 0 "x works" / ok 1 "x works"
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $2"
	fi
}
# check DESCRIPTION CMD...: run CMD, ok if it exits 0
check() {
	local d=$1; shift
	"$@"; ok $? "$d"
}
diag() { echo "# $*"; }
# is DESCRIPTION EXPECTED GOT: ok if equal, else both shown (20 lines each)
is() {
	if [ "$2" = "$3" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "expected: $(echo "$2" | head -20)"
		diag "got:      $(echo "$3" | head -20)"
	fi
}
# header_has FILE WHAT LINE...: one ok per LINE (a basic regex) that
# FILE has the comment line "# LINE" (a boot script's header)
header_has() {
	local f=$1 what=$2 l
	shift 2
	for l; do
		grep -q "^# $l\$" "$f"
		ok $? "$what: $l"
	done
}
# substituted FILE [NAME]: ok if FILE, made from a .in, has no @variable@
substituted() {
	! grep -q '@[a-zA-Z_]*@' "$1"
	ok $? "${2:-$1}: every @variable@ substituted"
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; exit $?; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
need_netns() {
	need_root
	ip netns add xn-probe.$$ 2>/dev/null || skip_all "cannot create network namespaces"
	ip netns del xn-probe.$$
}
# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1; t=$((t - 1))
	done
	return 1
}
# conf_keywords: the keywords of xennetd.conf, one a line, from the keyword
# table of daemon/parse.y (between its "keywords begin/end" markers)
conf_keywords() {
	local entry='s/^[[:space:]]*{ "\([a-z-]*\)".*/\1/p'
	sed -n "/keywords begin/,/keywords end/$entry" \
	    "$top_srcdir/daemon/parse.y"
}
# ping_loss FILE: the packet loss in percent ping printed ("" if none)
ping_loss() { sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$1"; }
# cpu_ticks PID: the CPU time process PID used so far, all its threads
# (utime + stime, in 1/CLK_TCK s: getconf CLK_TCK)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# priv_helper PID: the pid of daemon PID's privileged helper, its one
# child (xennetd.8, PRIVILEGE SEPARATION); nothing if it has none
priv_helper() { ps -o pid= --ppid "$1" | tr -d ' '; }

# xnd_nosandbox: "-Z" (no privilege separation) when the build under test
# has AddressSanitizer: LeakSanitizer stops the daemon's threads with
# ptrace at its exit, which the sandbox refuses, and the exit status
# says so.  For tests that start the daemon themselves; simenv.sh does
# the same for its own.
xnd_nosandbox() {
	grep -q '^XN_CFLAGS = .*-fsanitize=address' \
	    "${top_builddir:-.}/Makefile" 2> /dev/null && echo -Z
	return 0
}
