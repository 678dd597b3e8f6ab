#!/bin/bash
# tests/e2e/boot.sh: boot Xen + the PV dom0 built by build.sh in QEMU (TCG),
# unattended: dom0's /init runs lab/test.sh and powers off.
#
# usage: boot.sh IMGDIR LOG [DOM0 CMDLINE EXTRA...]
# Every serial line goes to LOG prefixed with host seconds since QEMU started;
# the last line is "host: qemu rc=N wall=MS".  Exit status: QEMU's (124 when
# the hard limit hit).
# env: TIMEOUT=280 host hard limit (s), dom0 powers off by itself 30 s earlier
#      SMP=2 MEM=2048 (MiB) DOM0_MEM=1024M ACCEL=tcg CPU=qemu64
set -u
IMG=$1
LOG=$2
shift 2
TIMEOUT=${TIMEOUT:-280}
SMP=${SMP:-2}
MEM=${MEM:-2048}
DOM0_MEM=${DOM0_MEM:-1024M}
ACCEL=${ACCEL:-tcg}
CPU=${CPU:-qemu64}
# bootscrub=0: Xen's idle-time scrub of the RAM competes with dom0 under TCG
XEN_CMD="dom0_mem=$DOM0_MEM,max:$DOM0_MEM console=com1 com1=115200,8n1"
XEN_CMD="$XEN_CMD bootscrub=0 loglvl=all guest_loglvl=all"
DOM0_CMD="console=hvc0 earlyprintk=xen loglevel=4"
DOM0_CMD="$DOM0_CMD e2e.deadline=$((TIMEOUT - 30)) $*"
start_us=${EPOCHREALTIME/./}
# -k: SIGKILL 10 s after SIGTERM; --foreground keeps QEMU in our process
# group, so the caller can stop the whole run with one kill of the group
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
    -accel "$ACCEL" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
    -nodefaults -no-user-config -display none -serial stdio -monitor none \
    -no-reboot -kernel "$IMG/xen" -append "$XEN_CMD" \
    -initrd "$IMG/vmlinuz $DOM0_CMD,$IMG/dom0.cpio" < /dev/null 2>&1 |
while IFS= read -r line; do
	now=${EPOCHREALTIME/./}
	printf '%9.3f %s\n' "$(( (now - start_us) / 1000 ))e-3" "${line//$'\r'/}"
done > "$LOG"
rc=${PIPESTATUS[0]}
end_us=${EPOCHREALTIME/./}
echo "host: qemu rc=$rc wall=$(( (end_us - start_us) / 1000 ))ms" >> "$LOG"
exit "$rc"
