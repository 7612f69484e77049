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
#   KBOOT-DISK     dev marker driver: with kboot.disks= (below), one per disk
#   KBOOT-NIC      ifname mac operstate carrier driver: with kboot.nics=, one
#                  per network interface
#   KBOOT-DHCP     ifname address: with kboot.dhcp too, one per interface
#                  that got a lease (busybox udhcpc)
#   KBOOT-NIC-IRQ  ifname irq N interrupts COUNT: with kboot.nics=, one per
#                  PCI network interface (its line of /proc/interrupts,
#                  summed over the CPUs, after the DHCP exchange if any)
#   KBOOT-DONE
# then reboots at once (with QEMU's -no-reboot, QEMU exits), or, as the
# kernel command line says with kboot.end=: poweroff, reboot, crash (a
# kernel panic through sysrq) or wait (stay up); kboot.delay=SECONDS
# waits that long first (2 s by default with kboot.test=xen, so that
# xenconsoled has the last lines before the domain is gone).  The payload's
# sha256 is written to OUT.cpio.gz.sha256 for the harness to compare.
# With KBOOT_INIT=FILE, FILE is the /init instead (examples/init.sh).
#
# With KBOOT_MODULES=DIR (a tree with lib/modules/VERSION/ and its
# modules.dep, as tests/fetch-testdata.sh caches amd64/modules), the initrd
# holds those modules, for that kernel only; /init loads the ones DIR/MODULES
# names (else every one) with busybox's modprobe when the command line has
# kboot.disks=DEV,... or kboot.nics=N.  It then waits (30 s at most) for
# each DEV in /sys/block and for N network interfaces, brings every
# interface up and waits (30 s at most) for their carrier, and reports each
# disk (its first line, as the marker, and the driver nearest its bus:
# vbd for xen-blkfront, ata_piix, ...) and each interface (driver vif for
# xen-netfront, e1000, 8139cp, ...).
set -eu
busybox=$1 out=$2 payload_bytes=${3:-1048576}

work=$(mktemp -d "${TMPDIR:-/tmp}/kboot-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
head -c "$payload_bytes" /dev/urandom > "$root/payload"
if [ -n "${KBOOT_MODULES:-}" ]; then
	[ -f "$KBOOT_MODULES"/lib/modules/*/modules.dep ] || {
		echo "make-initrd.sh: KBOOT_MODULES=$KBOOT_MODULES has no lib/modules/VERSION/modules.dep" >&2
		exit 1
	}
	mkdir -p "$root/lib" "$root/etc"
	cp -a "$KBOOT_MODULES/lib/modules" "$root/lib/"
	if [ -f "$KBOOT_MODULES/MODULES" ]; then
		cat "$KBOOT_MODULES/MODULES"
	else
		sed 's|:.*||; s|.*/||; s|\.ko$||' "$KBOOT_MODULES"/lib/modules/*/modules.dep
	fi > "$root/etc/kboot-modules"
fi

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
end=reboot delay=0 disks= nics= dhcp=
for word in $(cat /proc/cmdline); do
	case $word in
	kboot.end=*) end=${word#kboot.end=} ;;
	kboot.delay=*) delay=${word#kboot.delay=} ;;
	# On Xen, dom0's xenconsoled copies the PV console's ring to its log
	# after the guest wrote it: a domain destroyed at once (poweroff -f)
	# can take its last lines with it.
	kboot.test=xen) [ "$delay" != 0 ] || delay=2 ;;
	kboot.disks=*) disks=$(echo "${word#kboot.disks=}" | tr , ' ') ;;
	kboot.nics=*) nics=${word#kboot.nics=} ;;
	kboot.dhcp) dhcp=1 ;;
	esac
done
# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling twice a second.
wait_for() {
	n=$(($1 * 2)); shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.5
	done
}
has_disks() { for d in $disks; do [ -e "/sys/block/$d" ] || return 1; done; }
interfaces() { ls /sys/class/net | grep -v '^lo$'; }
has_nics() { [ "$(interfaces | wc -l)" -ge "${nics:-0}" ]; }
carriers() { for i in $(interfaces); do [ "$(cat "/sys/class/net/$i/carrier" 2>/dev/null)" = 1 ] || return 1; done; }
# bus_driver SYSFS-DEVICE: the driver of the device or of its ancestor
# nearest the bus (sda: ata_piix, not sd; xvda: vbd; eth0: e1000 or vif).
bus_driver() {
	p=$(readlink -f "$1") drv=none
	while [ -n "$p" ] && [ "$p" != . ] && [ "$p" != /sys/devices ] && [ "$p" != / ]; do
		[ -e "$p/driver" ] && drv=$(basename "$(readlink "$p/driver")")
		p=$(dirname "$p")
	done
	echo "$drv"
}
if [ -n "$disks$nics" ]; then
	# All at once: a probe can take a minute (e1000 reads its EEPROM a bit
	# at a time), and a module two of them need is loaded once (the
	# kernel makes the second load wait, and modprobe takes its EEXIST).
	for m in $(cat /etc/kboot-modules 2>/dev/null); do
		modprobe "$m" || echo "KBOOT-MODPROBE: $m failed" &
	done
	wait
	wait_for 30 has_disks || echo "KBOOT-WAIT: not all of the disks $disks appeared in 30 s"
	wait_for 30 has_nics || echo "KBOOT-WAIT: fewer than $nics network interfaces after 30 s"
	for i in $(interfaces); do ip link set "$i" up; done
	wait_for 30 carriers || echo "KBOOT-WAIT: not every interface has a carrier after 30 s"
	for b in /sys/block/*; do
		[ -e "$b" ] || continue
		d=${b##*/}
		case $d in loop*|ram*|zram*|sr*|fd*) continue ;; esac
		m=$(dd if="/dev/$d" bs=512 count=1 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._:=-')
		echo "KBOOT-DISK: $d ${m:-none} $(bus_driver "$b/device")"
	done
	for i in $(interfaces); do
		n=/sys/class/net/$i
		echo "KBOOT-NIC: $i $(cat "$n/address") $(cat "$n/operstate") $(cat "$n/carrier" 2>/dev/null || echo -) $(bus_driver "$n/device")"
	done
	# A lease needs the NIC's receive interrupts: the proof that its
	# PCI interrupt reaches the CPU by the route the firmware set.
	if [ -n "$dhcp" ]; then
		mkdir -p /etc
		printf '#!/bin/sh\n[ "$1" = bound ] && echo "KBOOT-DHCP: $interface $ip"\nexit 0\n' > /etc/kboot-dhcp
		chmod 755 /etc/kboot-dhcp
		for i in $(interfaces); do
			udhcpc -i "$i" -n -q -f -t 5 -T 2 -s /etc/kboot-dhcp ||
				echo "KBOOT-WAIT: no DHCP lease on $i"
		done 2>&1 | grep '^KBOOT-'
	fi
	for i in $(interfaces); do
		irq=$(cat "/sys/class/net/$i/device/irq" 2>/dev/null) || continue
		count=$(awk -v irq="$irq:" '$1 == irq { for (f = 2; f <= NF && $f ~ /^[0-9]+$/; f++) n += $f; print n + 0 }' /proc/interrupts)
		echo "KBOOT-NIC-IRQ: $i irq $irq interrupts ${count:-0}"
	done
fi
echo "KBOOT-DONE"
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
