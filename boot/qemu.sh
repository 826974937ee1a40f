#!/usr/bin/env bash
# Boots a SwiftLeaf kernel image under QEMU.
#   boot/qemu.sh run  [KERNEL]   Rv6's shell on this terminal (halt powers off; Ctrl-A X quits QEMU)
#   boot/qemu.sh test [KERNEL]   headless self-test; exits 0 only if the kernel reports success
#   boot/qemu.sh bench [KERNEL]  the self-test under TCG with -icount shift=0: the call cost it
#                                prints is then a path length in guest instructions
# Acceleration: KVM when /dev/kvm is usable and runs the probe image (boot/kvm-probe.S: x87 and
# SSE, which some hosts' KVM cannot run), TCG otherwise, with a note saying why.
# LEAF_ACCEL=tcg or LEAF_ACCEL=kvm forces one. LEAF_QEMU_TIMEOUT (seconds, default 120) bounds
# each test boot; QEMU=/path/to/qemu-system-x86_64 picks another QEMU.
set -u
mode=${1:-}
kernel=${2:-out/kernel.elf}
qemu=${QEMU:-qemu-system-x86_64}
timeout_s=${LEAF_QEMU_TIMEOUT:-120}

case "$mode" in
    run|test|bench) ;;
    *) echo "usage: $0 run|test|bench [KERNEL]" >&2; exit 2 ;;
esac
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "qemu: '$qemu' was not found, so the kernel cannot boot. Install QEMU (Debian: apt-get install qemu-system-x86, or run scripts/install-deps.sh), or set QEMU=/path/to/qemu-system-x86_64." >&2
    exit 2
fi
if [ ! -f "$kernel" ]; then
    echo "qemu: kernel image '$kernel' not found; run 'make kernel' first." >&2
    exit 2
fi

# Whether KVM can run the kernel: boots the probe image (boot/kvm-probe.S, built next to the
# kernel) and expects success within a few seconds.
# The answer is cached next to the probe, keyed by the probe, the QEMU binary and the host
# kernel (a failing KVM costs the probe's whole timeout).
kvm_runs_kernel() {
    local probe cache key answer
    probe="$(dirname "$kernel")/kernel/kvm-probe.elf"
    [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -f "$probe" ] || return 1
    cache="$probe.answer"
    key="$(cksum <"$probe" | cut -d' ' -f1) $(command -v "$qemu") $(uname -r)"
    if [ -f "$cache" ] && [ "$(head -1 "$cache")" = "$key" ]; then
        answer=$(tail -1 "$cache")
    else
        timeout -k 1 4 "$qemu" -accel kvm -machine q35 -m 64M -no-reboot -display none -serial none \
            -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$probe" \
            </dev/null >/dev/null 2>&1
        if [ $? -eq 33 ]; then answer=yes; else answer=no; fi
        printf '%s\n%s\n' "$key" "$answer" >"$cache"
    fi
    [ "$answer" = yes ]
}

[ "$mode" = bench ] && LEAF_ACCEL=icount
case "${LEAF_ACCEL:-}" in
    icount) accel="-accel tcg -icount shift=0"; accel_name="TCG with -icount shift=0" ;;
    tcg) accel="-accel tcg"; accel_name=TCG ;;
    kvm) accel="-accel kvm"; accel_name=KVM ;;
    "") if kvm_runs_kernel; then
            accel="-accel kvm"; accel_name=KVM
        else
            if [ -e /dev/kvm ]; then
                echo "qemu: /dev/kvm is present but its KVM cannot run the kernel (the x87/SSE probe, boot/kvm-probe.S, failed); using TCG" >&2
            fi
            accel="-accel tcg"; accel_name=TCG
        fi ;;
    *) echo "qemu: LEAF_ACCEL must be tcg or kvm, not '$LEAF_ACCEL'" >&2; exit 2 ;;
esac
echo "qemu: booting $kernel with $accel_name" >&2

# isa-debug-exit: the kernel writes v to port 0xf4 and QEMU exits with (v << 1) | 1.
# Success is v = 0x10 (status 33), failure v = 0x11 (status 35); see leaf_kernel.h.
# The machine's devices (DEVICE-FACTS.md §1, §2): QEMU's edu teaching device, an NVMe controller
# on a scratch image (LEAF_NVME_IMAGE, made here when missing), and two virtio-nets with their
# option ROMs off (iPXE would drive a device before the kernel does): a transitional one on an
# isolated network for the register probes, and a modern one (disable-legacy=on) on user
# networking for the driver, the frames it exchanges dumped to out/virtio-net.pcap.
# The test starts from a zeroed image, so that what the self-test wrote is all it holds.
nvme_image=${LEAF_NVME_IMAGE:-$(dirname "$kernel")/nvme.img}
if [ "$mode" = test ]; then rm -f "$nvme_image"; fi
[ -f "$nvme_image" ] || truncate -s 16M "$nvme_image" || { echo "qemu: cannot create $nvme_image" >&2; exit 2; }
devices="-device edu -drive file=$nvme_image,if=none,id=nvm,format=raw -device nvme,serial=leaf0001,drive=nvm"
# Rv6's disk, on a second NVMe controller: LEAF_DISK, or the image `swift run mkfs` made of rv6/
# (out/rv6.img); the self-test works on a copy of it and fsck checks the copy afterwards.
rv6_image=${LEAF_DISK:-$(dirname "$kernel")/rv6.img}
[ -f "$rv6_image" ] || { echo "qemu: no Rv6 disk image $rv6_image (make builds out/rv6.img; LEAF_DISK=PATH names another)" >&2; exit 2; }
if [ "$mode" != run ]; then
    cp "$rv6_image" "$(dirname "$kernel")/rv6-test.img" || exit 2
    rv6_image=$(dirname "$kernel")/rv6-test.img
fi
devices="$devices -drive file=$rv6_image,if=none,id=rv6,format=raw -device nvme,serial=rv6disk1,drive=rv6"
devices="$devices -netdev user,id=probe0,restrict=on,ipv6=off -device virtio-net-pci,netdev=probe0,romfile="
devices="$devices -netdev user,id=net0,ipv6=off -device virtio-net-pci,netdev=net0,disable-legacy=on,romfile="
# The capture belongs to the self-test's boot (a later boot would start the file again).
capture="-object filter-dump,id=dump0,netdev=net0,file=$(dirname "$kernel")/virtio-net.pcap"
common="-machine q35 -m 256M -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 $devices -kernel $kernel"

if [ "$mode" = run ]; then
    # shellcheck disable=SC2086
    "$qemu" $accel $common $capture -serial mon:stdio -append leaf.rv6
    status=$?
    case $status in
        33) exit 0 ;;
        35) echo "qemu: the kernel reported a failure (see above)" >&2; exit 1 ;;
        0) exit 0 ;;  # quit from the QEMU monitor (Ctrl-A X)
        *) echo "qemu: QEMU exited with status $status" >&2; exit 1 ;;
    esac
fi

log=$(mktemp "${TMPDIR:-/tmp}/leaf-qemu.XXXXXX")
trap 'rm -f "$log"' EXIT

# Names the addresses of a kernel exception's backtrace in $log (when llvm-symbolizer exists).
symbolize() {
    command -v llvm-symbolizer >/dev/null 2>&1 || return 0
    grep -q 'KERNEL EXCEPTION' "$log" || return 0
    echo "backtrace, symbolized:"
    grep -oE '#[0-9]+ 0x[0-9a-f]+' "$log" | while read -r n address; do
        name=$(llvm-symbolizer --obj="$kernel" "$address" | head -1)
        if command -v swift-demangle >/dev/null 2>&1; then name=$(echo "$name" | swift-demangle --simplified); fi
        echo "  $n $address $name"
    done
}

# boot [KERNEL-ARGS]: one headless boot, console on stdout and in $log; sets status, elapsed_ms.
# Also notes when the self-test's first and last lines appeared (ms after QEMU started).
shopt -s lastpipe
ms_since() { local now=${EPOCHREALTIME/./}; echo $(( (now - $1) / 1000 )); }
boot() {
    local start=${EPOCHREALTIME/./} line
    selftest_start_ms=? selftest_end_ms=?
    : >"$log"
    # shellcheck disable=SC2086
    timeout --foreground -k 5 "$timeout_s" "$qemu" $accel $common ${extra:-} -serial stdio -monitor none \
        ${1:+-append "$1"} <"${boot_input:-/dev/null}" 2>&1 | while IFS= read -r line; do
            line=${line%$'\r'}
            printf '%s\n' "$line"
            printf '%s\n' "$line" >>"$log"
            case $line in
                "selftest: start"*) selftest_start_ms=$(ms_since "$start") ;;
                "selftest: "[0-9]*) selftest_end_ms=$(ms_since "$start") ;;
            esac
        done
    status=${PIPESTATUS[0]}
    elapsed_ms=$(ms_since "$start")
}

if [ "$mode" = bench ]; then
    boot leaf.icount
    [ "$status" -eq 33 ] || { echo "qemu-bench: FAILED (QEMU status $status)" >&2; exit 1; }
    grep -E '^(call cost|crash recovery)' "$log" | sed 's/^/qemu-bench: /'
    exit 0
fi

# 1. The self-test: success is QEMU status 33 and the kernel's summary line with 0 failed.
extra=$capture boot
case $status in
    33) if ! grep -q '^selftest: [0-9]* passed, 0 failed' "$log"; then
            echo "qemu-test: FAILED: the kernel exited with success but printed no 'selftest: N passed, 0 failed' line" >&2
            exit 1
        fi ;;
    35) symbolize; echo "qemu-test: FAILED: the kernel reported a failed check or a kernel exception (see above)" >&2; exit 1 ;;
    124|137) echo "qemu-test: FAILED: no result after ${timeout_s} s (hang); QEMU was killed" >&2; exit 1 ;;
    *) echo "qemu-test: FAILED: QEMU exited with status $status without a result from the kernel" >&2; exit 1 ;;
esac
selftest_ms=$elapsed_ms
grep -E '^(nvme|rv6fs|nullnet|virtio-net): ' "$log" | sed "s/\$/ [$accel_name]/" >&2
# What the NVMe self-test wrote through QEMU's controller, read back from the image on the host.
python3 "$(dirname "$0")/../scripts/check-nvme-image.py" "$nvme_image" || { echo "qemu-test: FAILED: the NVMe image does not hold what the self-test wrote" >&2; exit 1; }
# What the file-system self-test left on Rv6's disk, checked on the host.
"${LEAF_FSCK:-$(dirname "$0")/../.build/debug/fsck}" "$rv6_image" >&2 || { echo "qemu-test: FAILED: fsck finds Rv6's disk unclean after the self-test" >&2; exit 1; }
timing="QEMU start to self-test start ${selftest_start_ms} ms, to its summary ${selftest_end_ms} ms, to exit ${selftest_ms} ms"

# 2. The kernel's own exception path: with leaf.fault=kernel the kernel faults outside any
#    domain; it must print the registers and a backtrace and exit with the failure status.
echo "qemu-test: checking that an exception in the kernel itself stops QEMU with a failure"
boot leaf.fault=kernel
symbolize
if [ "$status" -ne 35 ] || ! grep -q 'KERNEL EXCEPTION' "$log" || ! grep -q '^backtrace' "$log"; then
    echo "qemu-test: FAILED: a kernel exception did not print registers and a backtrace and exit with status 35 (status $status)" >&2
    exit 1
fi

exception_ms=$elapsed_ms

# 3. The debug kernel: the same image with leaf.monitor=every checks the spec's invariants and
#    the representation invariant after every transition of the self-test's kernel steps.
echo "qemu-test: booting the debug kernel (leaf.monitor=every: the monitor after every transition)"
boot leaf.monitor=every
if [ "$status" -ne 33 ] || ! grep -q '^selftest: [0-9]* passed, 0 failed' "$log" \
        || ! grep -Eq '^monitor: checked after every transition: [1-9][0-9]* transitions, 0 violations ' "$log"; then
    echo "qemu-test: FAILED: the debug kernel's monitor found violations or the self-test failed (status $status)" >&2
    exit 1
fi
grep -E '^monitor: checked after every transition' "$log" | sed "s/\$/ [$accel_name, ${elapsed_ms} ms]/" >&2
debug_ms=$elapsed_ms

# 4. Rv6: the shell on the serial console, typed at by a script (boot/rv6-session.sh; its first
#    lines are empty, because QEMU offers input from its start and a byte or two that arrive
#    before the kernel turns COM1's FIFO on are lost): pipes, redirection, a program's crash,
#    a program that spins without a system call (the timer preempts it, `kill` ends it), ps,
#    usertests, benchfs (its figures are printed), then halt, which powers off with status 0;
#    then fsck on the disk it used. The session starts from a fresh copy of the image.
echo "qemu-test: booting Rv6 and running a shell session with usertests"
cp "${LEAF_DISK:-$(dirname "$kernel")/rv6.img}" "$rv6_image" || exit 2
boot_input="$(dirname "$0")/rv6-session.sh" boot leaf.rv6
rv6_ms=$elapsed_ms
for expected in '^hello from rv6$' '^ALL TESTS PASSED' '^sh: crash \(pid [0-9]+\) crashed' '^after the crash' '^3 [0-9]+ [0-9]+ $' '^saved$' \
        '^killed the spinner$' '^kill: no process runs crash$' '^test preempt: OK' ' live +0 +[0-9]+ +[0-9]+ +[0-9]+ rv6fs$' \
        '^benchfs: sequential read, 4 KiB: 1024 KiB in ' '^rv6: halt with status 0'; do
    grep -Eq "$expected" "$log" || { echo "qemu-test: FAILED: the Rv6 session printed nothing matching '$expected' (status $status)" >&2; exit 1; }
done
[ "$status" -eq 33 ] || { echo "qemu-test: FAILED: halt did not power off with status 0 (QEMU status $status)" >&2; exit 1; }
grep -E '^(usertests|benchfs): ' "$log" | sed "s/\$/ [$accel_name]/" >&2
"${LEAF_FSCK:-$(dirname "$0")/../.build/debug/fsck}" "$rv6_image" >&2 || { echo "qemu-test: FAILED: fsck finds Rv6's disk unclean after the session" >&2; exit 1; }

echo "qemu-test: passed ($accel_name; $timing; kernel-exception boot ${exception_ms} ms; debug kernel ${debug_ms} ms; Rv6 session ${rv6_ms} ms)"
