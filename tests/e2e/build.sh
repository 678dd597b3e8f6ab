#!/bin/bash
# tests/e2e/build.sh: build the boot images of the e2e test from what setup.sh
# unpacked into $B/root.
#
# usage: build.sh OUT [OVERLAY]
#   OUT/xen            gunzipped Xen (QEMU -kernel needs the ELF, not the .gz)
#   OUT/vmlinuz        Debian's Linux, the kernel of both dom0 and the domU
#   OUT/domU.cpio.gz   domU initrd: busybox, xen-netfront, iperf3, domU-init.sh
#   OUT/dom0.cpio      dom0 initramfs: busybox, Xen modules (xen-netback too,
#                      for the kernel baseline), xenstored, xenconsoled, xl,
#                      xenstore tools, xentop, the stock hotplug scripts,
#                      bash, flock, iperf3, the domU kernel (as ELF) and
#                      initrd,
#                      dom0-init.sh as /init,
#                      then the OVERLAY tree (a `make install DESTDIR=` staging
#                      directory plus lab/test.sh) with the shared libraries of
#                      every ELF file in it.
# env: E2E_BUILD (default tests/e2e/build), where setup.sh put root/ and kver.
set -euo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
B=${E2E_BUILD:-$E2E/build}
OUT=$1
OVERLAY=${2:-}
R=$B/root
KVER=$(cat "$B/kver")
MODDIR=lib/modules/$KVER
XENBIN=/usr/lib/xen-4.17/bin
mkdir -p "$OUT"
zcat "$R/boot/xen-4.17-amd64.gz" > "$OUT/xen"
cp "$R/boot/vmlinuz-$KVER" "$OUT/vmlinuz"

# vmlinux_of BZIMAGE OUT: the ELF kernel inside a bzImage (xz payload),
# gzipped.  The domU gets it: libxc's xz decompression of the bzImage takes
# 10-12 s of `xl create` under TCG, its gunzip of the same ELF a fraction.
vmlinux_of() {
	local off
	off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	# xz complains about the bytes after the stream: check the result
	tail -c +$((off + 1)) "$1" | xz -dc 2> /dev/null > "$2.elf"
	[ "$(head -c 4 "$2.elf" | tail -c 3)" = ELF ] || return 1
	gzip -1 -c "$2.elf" > "$2"
	rm -f "$2.elf"
}

# copy_libs DEST FILE...: copy the shared libraries (ldd) that FILEs need
copy_libs() {
	local dest=$1 f lib
	shift
	for f in "$@"; do
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$dest$lib" ] && continue
			mkdir -p "$dest$(dirname "$lib")"
			cp -L "$lib" "$dest$lib"
		done
	done
}
# copy_bin DEST FILE...: copy executables (same path) and their libraries
copy_bin() {
	local dest=$1 f
	shift
	for f in "$@"; do
		mkdir -p "$dest$(dirname "$f")"
		cp -L "$f" "$dest$f"
	done
	copy_libs "$dest" "$@"
}
# copy_overlay DEST DIR: copy a tree as it is, plus the libraries of its ELFs
copy_overlay() {
	local dest=$1 dir=$2 f
	[ -n "$dir" ] || return 0
	[ -d "$dir" ] || { echo "overlay $dir: not a directory" >&2; exit 1; }
	cp -a "$dir/." "$dest/"
	find "$dir" -type f | while read -r f; do
		if head -c 4 "$f" | grep -q ELF; then copy_libs "$dest" "$f"; fi
	done
}
# copy_mods DEST MOD...: copy modules and their dependencies, run depmod
copy_mods() {
	local dest=$1 m line f
	shift
	for m in "$@"; do
		line=$(grep -E "/$m\.ko(\.xz|\.zst)?:" "$R/$MODDIR/modules.dep") ||
		    { echo "no module $m" >&2; exit 1; }
		for f in ${line/:/}; do
			mkdir -p "$dest/$MODDIR/$(dirname "$f")"
			cp "$R/$MODDIR/$f" "$dest/$MODDIR/$f"
		done
	done
	cp "$R/$MODDIR"/modules.{order,builtin,builtin.modinfo} \
	    "$dest/$MODDIR/" 2>/dev/null || true
	depmod -b "$dest" "$KVER"
}
# iping DIR: iputils ping (it has -M do; busybox's has not) as iping
iping() {
	copy_bin "$1" /usr/bin/ping
	mv "$1/usr/bin/ping" "$1/usr/bin/iping"
}
# base_tree DIR: an empty root with busybox
base_tree() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root} \
	    "$d"/{lib64,lib/x86_64-linux-gnu}
	cp /bin/busybox "$d/bin/busybox"
	echo 'root:x:0:0:root:/root:/bin/sh' > "$d/etc/passwd"
	echo 'root:x:0:' > "$d/etc/group"
	printf '127.0.0.1 localhost\n' > "$d/etc/hosts"
}
# mkcpio DIR FILE [gzip]: newc cpio of DIR, gzipped if asked.  The dom0's
# is not: unpacking 60 MB of gzip takes dom0 Linux seconds under TCG.
mkcpio() {
	(cd "$1" && find . | LC_ALL=C sort |
	    cpio -o -H newc -R 0:0 --quiet | ${3:-cat}) > "$2"
}

# domU initrd
U=$OUT/domU-root
base_tree "$U"
copy_mods "$U" xen-netfront
copy_bin "$U" /usr/bin/iperf3
# the jumbo phase: iputils ping (-M do) as iping, iproute2's ip (XDP) as
# ip-full, and the XDP program, when clang can build it
iping "$U"
copy_bin "$U" /usr/sbin/ip
mv "$U/usr/sbin/ip" "$U/usr/sbin/ip-full"
if command -v clang > /dev/null &&
    clang -O2 -target bpf -I/usr/include/$(uname -m)-linux-gnu \
    -c "$E2E/xdp-pass.c" -o "$U/xdp-pass.o"; then
	:
else
	echo "build: no XDP object (clang -target bpf failed)" >&2
fi
install -m 755 "$E2E/domU-init.sh" "$U/init"
mkcpio "$U" "$OUT/domU.cpio.gz" "gzip -6"

# dom0 initramfs
D=$OUT/dom0-root
base_tree "$D"
copy_mods "$D" xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs \
    xen-netback bridge tun veth
copy_bin "$D" $XENBIN/xenstored $XENBIN/xenconsoled $XENBIN/xl \
    $XENBIN/xen-init-dom0 $XENBIN/libxl-save-helper $XENBIN/xenstore-control \
    $XENBIN/xentop /usr/bin/xenstore \
    /usr/bin/xenstore-{chmod,exists,list,ls,read,rm,watch,write} \
    /usr/bin/iperf3 /usr/bin/flock /usr/bin/bash
# iproute2's ip for the bpf part (ip netns; busybox's ip has none), apart
# from busybox's, which the rest of the dom0 keeps using
install -D -m 755 /usr/bin/ip "$D/usr/libexec/e2e/ip"
copy_libs "$D" /usr/bin/ip
ln -sf /usr/bin/bash "$D/bin/bash"
iping "$D"
# glibc dlopen()s libgcc_s for pthread_cancel; ldd does not list it, and
# without it xl aborts once the domain is built
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$D/lib/x86_64-linux-gnu/"
mkdir -p "$D"/etc/xen "$D"/var/lib/xen/images "$D"/var/log/xen/console \
    "$D"/var/lib/xenstored "$D"/var/lock "$D"/var/tmp
cp -a /etc/xen/scripts "$D/etc/xen/"
cp /etc/xen/xl.conf "$D/etc/xen/"
cp "$E2E/domU.cfg" "$E2E/domU-2vcpu.cfg" "$E2E/domU-jumbo.cfg" "$D/etc/xen/"
vmlinux_of "$OUT/vmlinuz" "$D/var/lib/xen/images/vmlinuz" ||
    cp "$OUT/vmlinuz" "$D/var/lib/xen/images/vmlinuz"
cp "$OUT/domU.cpio.gz" "$D/var/lib/xen/images/domU.cpio.gz"
install -m 755 "$E2E/dom0-init.sh" "$D/init"
copy_overlay "$D" "$OVERLAY"
mkcpio "$D" "$OUT/dom0.cpio"
rm -rf "$U" "$D"
