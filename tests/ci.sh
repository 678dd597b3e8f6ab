#!/bin/bash
# The test command: install dependencies, build, run every test (unit,
# simulators, network-namespace integration, real Xen under QEMU) and
# print "N passed, N failed, N skipped".  Arguments go to configure,
# e.g.  sudo tests/ci.sh --enable-debug --enable-asan
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/bootstrap.sh" "$@" || { echo "0 passed, 1 failed"; exit 1; }
cd "$top/build"
# The real-Xen test's downloads (Xen, a Debian kernel: minutes on a slow
# mirror) go on while the other tests run; its own setup.sh waits for
# this one and finds them there.
"$top/tests/e2e/setup.sh" > e2e-setup.log 2>&1 &
setup_pid=$!
echo "== make check"
make -j1 check >/dev/null 2>&1
rc=$?
wait $setup_pid
# One line per test program, then the totals over every TAP test case.
for f in $(find . -name '*.trs' | sort); do
	r=$(sed -n 's/^:global-test-result: //p' "$f")
	echo "  ${f%.trs}: $r"
done
[ $rc = 0 ] || find . -name '*.log' ! -name 'config.log' ! -name 'test-suite.log' \
    -newer Makefile -exec grep -l '^not ok\|^ERROR\|Bail out' {} + 2>/dev/null |
    while read -r l; do echo "--- $l"; grep -E '^(not ok|# |ERROR|Bail)' "$l" | head -40; done
cat $(find . -name '*.trs') | awk '
	/^:test-result: (PASS|XFAIL)/ { p++ }
	/^:test-result: (FAIL|XPASS|ERROR)/ { f++ }
	/^:test-result: SKIP/ { s++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s;
	      exit (f > 0) }'
frc=$?
[ $rc = 0 ] && [ $frc = 0 ]
