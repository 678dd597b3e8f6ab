#!/bin/bash
# tests/e2e/setup.sh: get what the real-Xen end-to-end test needs, once.
#
#   host packages  apt-get install (only the missing ones; needs root)
#   $B/root        xen-hypervisor-4.17-amd64 and Debian's current linux-image
#                  package, fetched with `apt-get download` and unpacked with
#                  dpkg-deb -x (nothing is installed into the host /boot)
#   $B/kver        the kernel version; $B/root/.done marks a complete unpack
#
# B is $E2E_BUILD (default: tests/e2e/build beside this script).  Idempotent:
# does nothing when everything is there.  Exit status: 0 ready, 2 the packages
# cannot be installed or downloaded (the test skips), 1 anything else.
set -uo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
B=${E2E_BUILD:-$E2E/build}
export DEBIAN_FRONTEND=noninteractive
# one at a time: tests/ci.sh starts one early, in the background, and
# t_xen.sh's own then waits for it and finds everything there
mkdir -p "$B" || exit 1
exec 8> "$B/.setup.lock"
flock 8

# Host tools.  xen-utils-4.17 and xenstore-utils do nothing on a non-Xen host:
# they are the source of the binaries copied into the dom0 initramfs.
HOSTPKGS="qemu-system-x86 busybox-static iperf3 cpio kmod util-linux bash
xz-utils iproute2 iputils-ping clang linux-libc-dev xen-utils-4.17
xenstore-utils libxen-dev"

# cannot MSG: report a download/installation problem, exit 2
cannot() {
	echo "setup: $*" >&2
	exit 2
}

# apt_update: refresh the package lists once (root only)
APT_UPDATED=0
apt_update() {
	[ "$APT_UPDATED" = 1 ] && return 0
	[ "$(id -u)" = 0 ] || return 1
	APT_UPDATED=1
	apt-get update -qq
}

missing=""
for p in $HOSTPKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || cannot "missing Debian packages:$missing (run as root)"
	echo "setup: apt-get install$missing"
	apt_update || cannot "apt-get update failed"
	apt-get install -y -q --no-install-recommends $missing ||
	    cannot "apt-get install$missing failed"
fi

if [ -e "$B/root/.done" ] && [ -s "$B/kver" ]; then
	echo "setup: cached in $B (kernel $(cat "$B/kver"))"
	exit 0
fi

# the kernel ABI package linux-image-amd64 currently points at
kpkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
KPKG=$(kpkg)
if [ -z "$KPKG" ]; then
	apt_update || cannot "no package lists and not root (apt-get update)"
	KPKG=$(kpkg)
	[ -n "$KPKG" ] || cannot "apt-cache: no linux-image-amd64 dependency"
fi
mkdir -p "$B/debs" || exit 1
cd "$B/debs" || exit 1
for p in xen-hypervisor-4.17-amd64 "$KPKG"; do
	ls "$p"_*.deb >/dev/null 2>&1 && continue
	apt-get download "$p" 2>&1 |
	    grep -v '^W: Download is performed unsandboxed'
	ls "$p"_*.deb >/dev/null 2>&1 || {
		apt_update && apt-get download "$p"
		ls "$p"_*.deb >/dev/null 2>&1 ||
		    cannot "apt-get download $p failed"
	}
done
rm -rf "$B/root" && mkdir -p "$B/root" || exit 1
for d in xen-hypervisor-4.17-amd64_*.deb "$KPKG"_*.deb; do
	dpkg-deb -x "$d" "$B/root" || exit 1
done
KVER=${KPKG#linux-image-}
[ -e "$B/root/boot/vmlinuz-$KVER" ] || {
	echo "setup: no vmlinuz-$KVER"
	exit 1
}
ls "$B"/root/boot/xen-4.17-amd64.gz >/dev/null || exit 1
depmod -b "$B/root" "$KVER" || exit 1
echo "$KVER" > "$B/kver"
touch "$B/root/.done"
echo "setup: done, kernel $KVER, $(ls "$B"/root/boot/xen-*.gz)"
exit 0
