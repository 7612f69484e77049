#!/bin/sh
# Emulated devices in a preview: the qemu-pc machine's own IDE controller
# with a disk on it, and two e1000 NICs on QEMU's user network in PCI
# slots 2 and 4, whose INTA pins reach PIIX3 links B and D (QEMU's PIIX3
# wires link (slot - 1 + pin) & 3, INTA = 0).  The firmware routes the links and tells the
# kernel the routes in the ACPI tables' _PRT; Debian's amd64 kernel, with
# its own ata_piix and e1000 modules in the initrd, must read the disk's
# marker, see both NICs with their MACs and links up, and get a DHCP lease
# on each from QEMU's user network: a lease needs the NIC's receive
# interrupts, so it proves that each link's IRQ reaches the CPU.  Each
# NIC's IRQ, before its driver and after, must be the one the firmware
# said it gave that link, with interrupts counted on it.
#
# preview attaches none of a domain's own disks or NICs (the domain's
# files live on the Xen host): a wrapper given as --qemu adds these to the
# command preview builds, as a user would to try drivers.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz amd64/modules/MODULES busybox-amd64
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-devices.XXXXXX")
trap '[ -n "${KBOOT_KEEP:-}" ] || rm -rf "$tmp"' EXIT
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR"

KBOOT_MODULES=$T/amd64/modules "$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh" \
	"$T/busybox-amd64" "$tmp/initrd.gz" 4096 || tap_bail "cannot build the initrd with drivers"

marker=kboot-sda-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
printf '%s\n' "$marker" > "$tmp/sda.img"
truncate -s 8M "$tmp/sda.img"
mac0=52:54:00:4b:00:02 mac1=52:54:00:4b:00:04
# snapshot=on: the guest's writes, if any, never reach the image.
cat > "$tmp/qemu" <<QEMU
#!/bin/sh
exec qemu-system-x86_64 "\$@" \\
	-drive file=$tmp/sda.img,format=raw,if=ide,index=0,snapshot=on \\
	-netdev user,id=n0 -device e1000,netdev=n0,mac=$mac0,addr=2 \\
	-netdev user,id=n1 -device e1000,netdev=n1,mac=$mac1,addr=4
QEMU
chmod 755 "$tmp/qemu"

cat > "$tmp/devices.xml" <<XML
<domain type='xen'>
  <name>devices</name>
  <memory unit='MiB'>256</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <initrd>$tmp/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 ipv6.disable=1 kboot.disks=sda kboot.nics=2 kboot.dhcp kboot.end=poweroff</cmdline>
  </os>
  <features><pae/><acpi/><apic/></features>
</domain>
XML

"$XEN_KBOOT" preview --timeout "${KBOOT_DEVICES_TIMEOUT:-600}" --qemu "$tmp/qemu" "$tmp/devices.xml" \
	< /dev/null > "$tmp/out" 2> "$tmp/err"
status=$?
tr -d '\r' < "$tmp/out" > "$tmp/out.clean"
out=$tmp/out.clean
tap_result $status "preview with an IDE disk and two e1000 NICs exits 0" "$(tail -n 30 "$out"; cat "$tmp/err")"
grep -q "the guest powered off" "$tmp/err"
tap_result $? "the guest powered off (ACPI S5)" "$(cat "$tmp/err")"

grep -q "^KBOOT-DISK: sda $marker ata_piix$" "$out"
tap_result $? "sda's marker read through ata_piix (the board's IDE controller)" "$(grep KBOOT- "$out" | grep -v E820)"

# The firmware's line: "... PCI links A-D to IRQs (a byte each, A lowest)
# 0x0b0b0a0a, ...".
links=$(sed -n 's/^xen-kboot firmware: PCI links A-D to IRQs (a byte each, A lowest) \(0x[0-9a-f]*\),.*/\1/p' "$out")
[ -n "$links" ]
tap_result $? "the firmware says how it routed the PCI links" "$(grep '^xen-kboot firmware' "$out")"
# link_of SLOT: the link that slot's INTA reaches (0 = A); link_irq SLOT:
# the IRQ the firmware gave that link.
link_of() { echo $(( ($1 - 1) & 3 )); }
link_irq() { echo $(( (links >> (8 * $(link_of "$1"))) & 0xff )); }

for nic in "$mac0 2" "$mac1 4"; do
	mac=${nic% *} slot=${nic#* }
	ifname=$(awk -v m="$mac" '$1 == "KBOOT-NIC:" && $3 == m { print $2 }' "$out")
	grep -q "^KBOOT-NIC: $ifname $mac up 1 e1000$" "$out"
	tap_result $? "slot $slot: e1000 $mac is ${ifname:-missing}, link up" "$(grep '^KBOOT-NIC' "$out")"
	grep -q "^KBOOT-DHCP: $ifname 10\.0\.2\.15$" "$out"
	tap_result $? "slot $slot: $ifname got a DHCP lease from QEMU's user network (its interrupts arrive)" \
		"$(grep -e '^KBOOT-DHCP' -e '^KBOOT-WAIT' "$out")"
	want=$(link_irq "$slot")
	irq=$(awk -v i="$ifname" '$1 == "KBOOT-NIC-IRQ:" && $2 == i { print $4 }' "$out")
	count=$(awk -v i="$ifname" '$1 == "KBOOT-NIC-IRQ:" && $2 == i { print $6 }' "$out")
	[ "$irq" = "$want" ] && [ "${count:-0}" -gt 0 ]
	tap_result $? "slot $slot: $ifname on IRQ $want (link $(printf "\\$(printf %o $((65 + $(link_of "$slot"))))")), ${count:-no} interrupts" \
		"$(grep '^KBOOT-NIC-IRQ' "$out"); links $links"
	# The interrupt line register, as the firmware wrote it (Linux shows
	# it until a driver enables the device).
	grep -q "^KBOOT-PCI: 0000:00:0$slot.0 0x8086:0x100e class 0x020000 irq $want$" "$out"
	tap_result $? "slot $slot: the firmware wrote IRQ $want in its interrupt line" "$(grep '^KBOOT-PCI' "$out")"
done

[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "RAM file removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"
tap_done
