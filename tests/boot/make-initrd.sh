#!/bin/sh
# Build a tiny initramfs from busybox-static for boot tests and examples.
#
#   make-initrd.sh BUSYBOX OUT.cpio.gz [PAYLOAD_BYTES]
#
# Its /init prints lines the harness checks, each with a KBOOT- prefix:
#   KBOOT-MARKER   userspace reached, with the kernel release
#   KBOOT-CMDLINE  /proc/cmdline, exactly
#   KBOOT-MEMTOTAL MemTotal from /proc/meminfo, in KiB
#   KBOOT-E820     start end type, one per /sys/firmware/memmap entry
#   KBOOT-CPUS     how many CPUs are online (/sys/devices/system/cpu/online,
#                  ranges such as "0-3,6" counted: 5)
#   KBOOT-CPUS-POSSIBLE  how many the kernel could bring up (.../possible:
#                  those the firmware's tables list, hot-pluggable ones too)
#   KBOOT-PCI      slot vendor:device class irq, one per /sys/bus/pci device
#   KBOOT-PAYLOAD  sha256 of /payload (random bytes made here)
#   KBOOT-DONE
# then reboots at once (with QEMU's -no-reboot, QEMU exits), or, as the
# kernel command line says with kboot.end=: poweroff, reboot, crash (a
# kernel panic through sysrq) or wait (stay up); kboot.delay=SECONDS
# waits that long first (2 s by default with kboot.test=xen, so that
# xenconsoled has the last lines before the domain is gone).  The payload's
# sha256 is written to OUT.cpio.gz.sha256 for the harness to compare.
# With KBOOT_INIT=FILE, FILE is the /init instead (examples/init.sh).
set -eu
busybox=$1 out=$2 payload_bytes=${3:-1048576}

work=$(mktemp -d "${TMPDIR:-/tmp}/kboot-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
head -c "$payload_bytes" /dev/urandom > "$root/payload"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "KBOOT-MARKER: userspace reached, kernel $(uname -r) $(uname -m)"
echo "KBOOT-CMDLINE: $(cat /proc/cmdline)"
echo "KBOOT-MEMTOTAL: $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
for d in $(ls -d /sys/firmware/memmap/* 2>/dev/null | sort -t/ -k5 -n); do
	echo "KBOOT-E820: $(cat "$d/start") $(cat "$d/end") $(cat "$d/type")"
done
# count_cpus FILE: the CPUs in a list of ranges ("0-3,6"), as sysfs
# writes them; "?" without the file.
count_cpus() {
	[ -r "$1" ] || { echo "?"; return; }
	n=0
	for r in $(tr ',' ' ' < "$1"); do
		case $r in
		*-*) n=$((n + ${r#*-} - ${r%-*} + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}
echo "KBOOT-CPUS: $(count_cpus /sys/devices/system/cpu/online)"
echo "KBOOT-CPUS-POSSIBLE: $(count_cpus /sys/devices/system/cpu/possible)"
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/vendor" ] || continue
	echo "KBOOT-PCI: ${d##*/} $(cat "$d/vendor"):$(cat "$d/device") class $(cat "$d/class") irq $(cat "$d/irq")"
done
echo "KBOOT-PAYLOAD: $(sha256sum /payload | cut -d' ' -f1)"
echo "KBOOT-DONE"
end=reboot delay=0
for word in $(cat /proc/cmdline); do
	case $word in
	kboot.end=*) end=${word#kboot.end=} ;;
	kboot.delay=*) delay=${word#kboot.delay=} ;;
	# On Xen, dom0's xenconsoled copies the PV console's ring to its log
	# after the guest wrote it: a domain destroyed at once (poweroff -f)
	# can take its last lines with it.
	kboot.test=xen) [ "$delay" != 0 ] || delay=2 ;;
	esac
done
sleep "$delay"
case $end in
poweroff) poweroff -f ;;
crash) echo c > /proc/sysrq-trigger ;;
wait) while :; do sleep 3600; done ;;
*) reboot -f ;;
esac
INIT
if [ -n "${KBOOT_INIT:-}" ]; then
	cp "$KBOOT_INIT" "$root/init"
fi
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9n > "$work/initrd"
sha256sum "$root/payload" | cut -d' ' -f1 > "$work/sha"
mv "$work/initrd" "$out"
mv "$work/sha" "$out.sha256"
