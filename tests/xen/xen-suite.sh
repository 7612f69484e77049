#!/bin/sh
# xen-kboot on real Xen: Debian's Xen 4.17 and a Debian dom0 under QEMU
# (tests/xen/xen-rig), one boot for every scenario of tests/xen/in-dom0.sh.
#
# Here, on the host: the guests' initrds (busybox-static with the KBOOT-*
# reporting /init of tests/boot/make-initrd.sh), their domain XMLs, and
# what each direct-booted guest must report: the e820 map of the plan
# ('xen-kboot plan --platform xen-hvm') and its RAM.  In dom0: create,
# boot, check and destroy, printing TAP, which this script passes on.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
# KBOOT_SKIP_REAL_XEN=1 skips real Xen while iterating (automake shows SKIP).
if [ -n "${KBOOT_SKIP_REAL_XEN:-}" ]; then
	echo "1..0 # SKIP real Xen skipped (KBOOT_SKIP_REAL_XEN is set)"
	exit 0
fi
tap_require_testdata amd64/vmlinuz amd64/modules/MODULES i386/vmlinuz busybox-amd64 busybox-i386 memtest86+x64.bin
command -v jq >/dev/null || tap_bail "jq is needed (apt-get install jq)"
[ "$(id -u)" -eq 0 ] || tap_bail "the real-Xen tests run as root (xen-rig builds a dom0 root and boots it under QEMU)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-xen-suite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkinitrd=$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh
"$mkinitrd" "$T/busybox-amd64" "$tmp/initrd-amd64.gz" 1000000 || tap_bail "cannot build the amd64 initrd"
"$mkinitrd" "$T/busybox-i386" "$tmp/initrd-i386.gz" 1000000 || tap_bail "cannot build the i386 initrd"
# The amd64 kernel's own drivers for disks and NICs (tests/fetch-testdata.sh
# takes them from the package of amd64/vmlinuz): a module loads only into
# the kernel it was built for.
kv=$(ls "$T/amd64/modules/lib/modules")
case $("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" | jq -r '.[0].kernel_version') in
"$kv "*) ;;
*) tap_bail "$T/amd64/modules has modules for $kv, not for amd64/vmlinuz: run tests/fetch-testdata.sh again" ;;
esac
KBOOT_MODULES=$T/amd64/modules "$mkinitrd" "$T/busybox-amd64" "$tmp/initrd-amd64dev.gz" 4096 ||
	tap_bail "cannot build the amd64 initrd with drivers"

# The same kernel, initrd and command line for every amd64 guest whose boot
# time is compared: PV console, the guest powers off once it has reported.
cmdline_pv="console=hvc0 earlyprintk=xen panic=-1 kboot.test=xen"

# domain NAME ARCH MEMORY_MIB CMDLINE [EXTRA-XML]: a domain XML on stdout.
# ARCH amd64dev: the amd64 kernel, and the initrd with its drivers.
domain() {
	kernel=$T/${2%dev}/vmlinuz initrd=$tmp/initrd-$2.gz
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <memory unit='MiB'>$3</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$kernel</kernel>
    <initrd>$initrd</initrd>
    <cmdline>$4</cmdline>
  </os>
  <features><acpi/><apic/><pae/></features>
  ${5:-}
</domain>
XML
}
metadata_dm="<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/></metadata>"
console_pty="<devices><console type='pty'/></devices>"

d=$tmp/domains
mkdir -p "$d"
domain direct256 amd64 256 "$cmdline_pv kboot.end=poweroff" \
	"<on_poweroff>destroy</on_poweroff>$console_pty" > "$d/direct256.xml"
domain direct4g amd64 4096 "$cmdline_pv kboot.end=poweroff" "$console_pty" > "$d/direct4g.xml"
# Debian's 686 kernel has no Xen guest support (no hvc0): its console is
# the emulated UART, slow through qemu-xen, hence quiet.
domain i386 i386 256 "console=ttyS0 quiet panic=-1 kboot.test=xen kboot.end=poweroff" \
	"<devices><serial type='file'><source path='/tmp/i386-serial.log'/><target port='0'/></serial></devices>" \
	> "$d/i386.xml"
domain dm256 amd64 256 "$cmdline_pv kboot.end=poweroff" "$metadata_dm$console_pty" > "$d/dm256.xml"
# Restarted on reboot; the second boot waits long enough to be seen.
domain reboot256 amd64 256 "$cmdline_pv kboot.end=reboot kboot.delay=25" \
	"<on_reboot>restart</on_reboot>$console_pty" > "$d/reboot256.xml"
# A Linux HVM guest's panic reaches Xen as a reboot (the kernel restarts
# through the emulated platform, whatever panic= says), unless
# xen_legacy_crash makes its panic notifier tell Xen "crash".
domain crash256 amd64 256 "console=hvc0 earlyprintk=xen kboot.test=xen kboot.end=crash xen_legacy_crash" \
	"<on_reboot>destroy</on_reboot><on_crash>preserve</on_crash>$console_pty" > "$d/crash256.xml"
# libvirt: the same guest through 'virsh create' (libvirt's libxl driver,
# hvmloader and qemu-xen's -kernel), and a kernel the hook refuses: one
# that is booted directly (qemu-xen's -kernel would take memtest86+).
metadata_direct="<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='direct'/></metadata>"
domain lv256 amd64 256 "$cmdline_pv kboot.end=poweroff" "$console_pty" > "$d/lv256.xml"
sed "s|<kernel>[^<]*</kernel>|<kernel>$T/memtest86+x64.bin</kernel>|; s|<name>lv256<|<name>lvmemtest<|; s|</name>|</name>$metadata_direct|" \
	"$d/lv256.xml" > "$d/lvmemtest.xml"

# virsh create through xen-kboot-dm (the device model named by <emulator>):
# the same guest, one that reboots, one that stays up for define/start,
# and one whose kernel the loader refuses.  libvirt gives a domain with no
# <video> no VGA and so no video RAM: the plans below are made with
# <video><model type='none'/> to match.
emulator="<emulator>/usr/lib/xen-kboot/xen-kboot-dm</emulator>"
domain lvdm256 amd64 256 "$cmdline_pv kboot.end=poweroff" \
	"<devices>$emulator<console type='pty'/></devices>" > "$d/lvdm256.xml"
domain lvdmfast amd64 256 "$cmdline_pv kboot.end=poweroff" \
	"<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' path='fast'/></metadata><devices>$emulator<console type='pty'/></devices>" \
	> "$d/lvdmfast.xml"
domain lvdmreboot amd64 256 "$cmdline_pv kboot.end=reboot kboot.delay=25" \
	"<on_reboot>restart</on_reboot><devices>$emulator<console type='pty'/></devices>" > "$d/lvdmreboot.xml"
domain lvdmdef amd64 256 "$cmdline_pv kboot.end=poweroff kboot.delay=20" \
	"<devices>$emulator<console type='pty'/></devices>" > "$d/lvdmdef.xml"
sed "s|<kernel>[^<]*</kernel>|<kernel>$T/memtest86+x64.bin</kernel>|; s|<name>lvdm256<|<name>lvdmmemtest<|" \
	"$d/lvdm256.xml" > "$d/lvdmmemtest.xml"
sed "s|<kernel>[^<]*</kernel>|<kernel>$T/memtest86+x64.bin</kernel>|; s|<name>lv256<|<name>lvplainmemtest<|" \
	"$d/lv256.xml" > "$d/lvplainmemtest.xml"
# xl create of what domxml-to-native (the one installed in dom0) writes for it.
sed "s|<name>lvdm256<|<name>xldm256<|" "$d/lvdm256.xml" > "$d/xldm256.xml"
for x in lvdm256 lvdmreboot lvdmfast; do
	sed "s|<console type='pty'/>|<console type='pty'/><video><model type='none'/></video>|" \
		"$d/$x.xml" > "$tmp/$x.plan.xml"
done

# Whole machines: vCPUs from the loader's ACPI tables, three of four
# online (current='3'), through xen-kboot create and through xen-kboot-dm,
# and the same guest under hvmloader to compare with; and a panic with
# panic=-1, which reboots.
vcpus4="<vcpu current='3'>4</vcpu>"
sed "s|<vcpu>1</vcpu>|$vcpus4|; s|<name>direct256<|<name>smp4<|" "$d/direct256.xml" > "$d/smp4.xml"
sed "s|<vcpu>1</vcpu>|$vcpus4|; s|<name>dm256<|<name>dmsmp4<|" "$d/dm256.xml" > "$d/dmsmp4.xml"
sed "s|<vcpu>1</vcpu>|<vcpu>2</vcpu>|; s|<name>lvdm256<|<name>lvdmsmp2<|" "$d/lvdm256.xml" > "$d/lvdmsmp2.xml"
# The fast boot path: the same guests, the kernel proper decompressed in
# dom0 (--boot-path fast) and entered by the firmware in long mode (amd64)
# or at startup_32 (i386).
sed "s|<name>direct256<|<name>fast256<|" "$d/direct256.xml" > "$d/fast256.xml"
sed "s|<name>i386<|<name>fasti386<|; s|/tmp/i386-serial.log|/tmp/fasti386-serial.log|" \
	"$d/i386.xml" > "$d/fasti386.xml"
domain panic256 amd64 256 "$cmdline_pv kboot.end=crash" \
	"<on_reboot>destroy</on_reboot><on_crash>preserve</on_crash>$console_pty" > "$d/panic256.xml"

# Whole machines, disks and NICs: one guest through every boot path.
# xvda: a raw file with qemu as its driver (qdisk: qemu-xen's backend),
# which libxl also emulates as IDE disk 0 (libxl_dm.c gives qemu-xen xvda-d
# and hda-d alike as IDE disks 0-3: so no hda beside xvda); hdc: another
# file, an IDE disk, which xen-blkfront leaves alone while the emulated
# disks stay plugged.  NICs on dom0's bridge xenbr0 (dom0-init makes it):
# e1000, emulated, with a PV twin of the same MAC, and netfront, PV only
# (e1000's probe reads its EEPROM a bit at a time: about a minute here;
# the initrd's rtl8139 drivers are not exercised, to spare another NIC's
# option ROM under hvmloader).  xen_emul_unplug=unnecessary keeps both
# paths in one boot: the kernel unplugs no emulated disk or NIC and still
# loads the PV drivers (by default it unplugs; with 'never' the PV drivers
# refuse to load).  Each image has its own marker line at offset 0;
# in-dom0.sh copies the images to dom0's /tmp (the shares are read-only).
# One vCPU: the vCPUs are smp4's and lvdmsmp2's business.
rand() { od -An -N4 -tx4 /dev/urandom | tr -d ' '; }
cat > "$d/devices.env" <<ENV
xvda_marker=kboot-xvda-$(rand)
hdc_marker=kboot-hdc-$(rand)
mac_e1000=00:16:3e:4b:00:01
mac_netfront=00:16:3e:4b:00:02
ENV
. "$d/devices.env"
printf '%s\n' "$xvda_marker" > "$tmp/xvda.img"
printf '%s\n' "$hdc_marker" > "$tmp/hdc.img"
truncate -s 8M "$tmp/xvda.img" "$tmp/hdc.img"
# devices_xml [EMULATOR-XML]: the <devices> of those guests.
devices_xml() {
	nic() { printf "<interface type='bridge'><source bridge='xenbr0'/><mac address='%s'/><model type='%s'/></interface>" "$1" "$2"; }
	disk() { printf "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/tmp/kboot-disks/%s.img'/><target dev='%s' bus='%s'/></disk>" "$1" "$1" "$2"; }
	echo "<devices>${1:-}<console type='pty'/>$(disk xvda xen)$(disk hdc ide)$(nic "$mac_e1000" e1000)$(nic "$mac_netfront" netfront)</devices>"
}
cmdline_dev="$cmdline_pv ipv6.disable=1 xen_emul_unplug=unnecessary kboot.disks=xvda,sda,sdb kboot.nics=3 kboot.end=poweroff"
domain dmdev amd64dev 256 "$cmdline_dev" "$metadata_dm<on_poweroff>destroy</on_poweroff>$(devices_xml)" > "$d/dmdev.xml"
domain lvdev amd64dev 256 "$cmdline_dev" "$(devices_xml)" > "$d/lvdev.xml"
domain directdev amd64dev 256 "$cmdline_dev" "<on_poweroff>destroy</on_poweroff>$(devices_xml)" > "$d/directdev.xml"
domain lvdmdev amd64dev 256 "$cmdline_dev" "$(devices_xml "$emulator")" > "$d/lvdmdev.xml"

# Refusals.
sed "s|<kernel>[^<]*</kernel>|<kernel>$T/memtest86+x64.bin</kernel>|; s|<name>direct256<|<name>memtest<|" \
	"$d/direct256.xml" > "$d/memtest.xml"
truncate -s 300M "$tmp/huge-initrd"
sed "s|<initrd>[^<]*</initrd>|<initrd>$tmp/huge-initrd</initrd>|; s|<name>direct256<|<name>small<|" \
	"$d/direct256.xml" > "$d/small.xml"
limit=$("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" | jq -r '.[0].cmdline_size')
pad=$(head -c "$limit" /dev/zero | tr '\0' 'x')
domain longcmdline amd64 256 "console=hvc0 kboot.pad=$pad" > "$d/longcmdline.xml"
sed "s|<pae/>||; s|<name>direct256<|<name>nopae<|" "$d/direct256.xml" > "$d/nopae.xml"
echo "$limit" > "$d/cmdline_size"

# What each direct-booted guest must see: the plan's e820, as
# /sys/firmware/memmap prints it, and the plan's RAM in KiB.
sed "s|<console type='pty'/>|<console type='pty'/><video><model type='none'/></video>|" \
	"$d/lvdmsmp2.xml" > "$tmp/lvdmsmp2.plan.xml"
for x in direct256 direct4g i386 reboot256 crash256 lvdm256 lvdmreboot smp4 lvdmsmp2 \
	fast256 fasti386 lvdmfast; do
	xml=$d/$x.xml
	[ ! -f "$tmp/$x.plan.xml" ] || xml=$tmp/$x.plan.xml
	path=direct
	case $x in fast* | lvdmfast) path=fast ;; esac
	"$XEN_KBOOT" plan --platform xen-hvm --json --boot-path $path "$xml" > "$tmp/$x.plan.json" ||
		tap_bail "xen-kboot plan $xml failed"
	jq -r '.["e820"][] | "\(.addr) \(.addr + .size - 1) \(if .type == 1 then "System RAM" elif .type == 3 then "ACPI Tables" else "Reserved" end)"' \
		"$tmp/$x.plan.json" | while read -r start end type; do
			printf '0x%x 0x%x %s\n' "$start" "$end" "$type"; done > "$d/$x.e820"
	jq '[.["e820"][] | select(.type == 1) | .size] | add / 1024 | floor' "$tmp/$x.plan.json" > "$d/$x.ramkib"
done

# KBOOT_XEN_SCENARIOS="smp4 dmsmp4": only these scenarios (while iterating).
# createbench (bench/, 'make bench'), the create-to-userspace times of
# xen-kboot create (direct and fast) and xl create with kernel=, runs only
# when named; KBOOT_XEN_BENCH_RUNS rounds (default 3); its "# bench-xen:"
# lines are copied to $KBOOT_XEN_BENCH_OUT when that is set.
# Empty without it (a newline alone would name no scenario, and skip all).
: > "$tmp/scenarios"
for name in ${KBOOT_XEN_SCENARIOS:-}; do
	printf '%s\n' "$name" >> "$tmp/scenarios"
done
printf '%s\n' "${KBOOT_XEN_BENCH_RUNS:-3}" > "$tmp/bench-runs"

# One Xen boot for everything; its TAP lines come through, numbered by
# in-dom0.sh, and the rig's own outcome is the last test point.
{
	"$KBOOT_TOP_SRCDIR/tests/xen/xen-rig" --timeout "${KBOOT_XEN_TIMEOUT:-3600}" \
		--share "$T" --share "$tmp" --share "$KBOOT_TOP_SRCDIR" -- \
		sh "$KBOOT_TOP_SRCDIR/tests/xen/in-dom0.sh" "$tmp"
	echo $? > "$tmp/rig.status"
} | tee "$tmp/dom0.tap"
status=$(cat "$tmp/rig.status")
if [ -n "${KBOOT_XEN_BENCH_OUT:-}" ]; then
	sed -n 's/^# bench-xen: //p' "$tmp/dom0.tap" > "$KBOOT_XEN_BENCH_OUT"
fi
tap_n=$(grep -c -E '^(not )?ok [0-9]+' "$tmp/dom0.tap")
tap_failed=$(grep -c -E '^not ok [0-9]+' "$tmp/dom0.tap")
[ "$status" -eq 0 ]
tap_result $? "xen-rig and the scenarios in dom0 exit 0" "status $status"
tap_done
