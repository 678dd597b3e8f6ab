#!/bin/bash
# Shared by tests/ci.sh and tests/demo.sh: install the Debian 12 build and
# test dependencies (tests/debian-packages) and build xennetd in ./build
# with the configure arguments given.  Needs root (apt-get).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" != 0 ]; then
	echo "$0: run as root (apt-get, network namespaces, tap devices)" >&2
	exit 1
fi
pkgs=$(grep -v '^#' tests/debian-packages | tr '\n' ' ')
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$(echo $missing)" ]; then
	echo "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -q --no-install-recommends $pkgs >/dev/null
fi
# the user the daemon drops to (xennetd(8), PRIVILEGE SEPARATION)
id _xennetd > /dev/null 2>&1 ||
    useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin _xennetd || exit 1
echo "== building (configure $*)"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
# A build made with other configure arguments (say the ASan one of CI),
# or of unknown origin, has objects make would not rebuild: start over.
want="args: $*"
if [ "$(cat build/.configure-args 2>/dev/null)" != "$want" ]; then
	rm -rf build
	mkdir build
	(cd build && ../configure -q "$@") || exit 1
	echo "$want" > build/.configure-args
fi
cd build
make -j2 >/dev/null || make
