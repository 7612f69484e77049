#!/bin/sh
# xen-kboot domxml-to-native as users run it: both formats, both boot
# modes (option and metadata), the kernel checked first, --firmware,
# --connect, usage errors; and for every valid case of tests/xmlconfs/ the
# command prints exactly the expected NAME.xl.cfg and NAME.json.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz ipxe.lkrn
T=$KBOOT_TESTDATA
S=$KBOOT_TOP_SRCDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-native.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
FW=/usr/lib/xen-kboot/xen-kboot-fw.elf


domain() { # FILE KERNEL [METADATA-MODE [FEATURES]]
	meta=
	[ -n "${3-}" ] && meta="<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='$3'/></metadata>"
	cat > "$1" <<XML
<domain type='xen'>
  <name>native</name>
  <memory unit='MiB'>512</memory>
  $meta
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$2</kernel>
    <initrd>$tmp/initrd.img</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features>${4-<pae/>}</features>
</domain>
XML
}
head -c 4096 /dev/urandom > "$tmp/initrd.img"
domain "$tmp/d.xml" "$T/amd64/vmlinuz"
domain "$tmp/dm.xml" "$T/amd64/vmlinuz" device-model
domain "$tmp/ipxe.xml" "$T/ipxe.lkrn"

tap_expect "xl, direct (default): our firmware, no kernel for QEMU" 0 \
	"*builder = \"hvm\"*firmware_override = \"/opt/fw.elf\"*# kernel = \"$T/amd64/vmlinuz\"*" "" \
	"$XEN_KBOOT" domxml-to-native --firmware /opt/fw.elf xl "$tmp/d.xml"
tap_run "$XEN_KBOOT" domxml-to-native xl "$tmp/d.xml"
! printf '%s\n' "$tap_out" | grep -q '^kernel'
tap_result $? "xl, direct: no kernel= line" "$tap_out"
tap_expect "xl, --mode device-model: kernel, ramdisk, cmdline" 0 \
	"*kernel = \"$T/amd64/vmlinuz\"*ramdisk = \"$tmp/initrd.img\"*cmdline = \"console=ttyS0\"*" "" \
	"$XEN_KBOOT" domxml-to-native --mode device-model xl "$tmp/d.xml"
tap_expect "xl, metadata mode='device-model'" 0 "*kernel = \"$T/amd64/vmlinuz\"*" "" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/dm.xml"
tap_expect "xl, --mode direct overrides the metadata" 0 "*firmware_override = *" "" \
	"$XEN_KBOOT" domxml-to-native --mode direct xl "$tmp/dm.xml"
tap_expect "xen-xl is accepted as a name for xl" 0 "name = \"native\"*" "" \
	"$XEN_KBOOT" domxml-to-native xen-xl "$tmp/d.xml"

tap_expect "json, direct: u.hvm.firmware" 0 "*\"type.hvm\": {*\"firmware\": \"/opt/fw.elf\"*" "" \
	"$XEN_KBOOT" domxml-to-native --firmware /opt/fw.elf json "$tmp/d.xml"
tap_expect "json, device-model: b_info kernel" 0 "*\"kernel\": \"$T/amd64/vmlinuz\"*\"ramdisk\": \"$tmp/initrd.img\"*" "" \
	"$XEN_KBOOT" domxml-to-native json "$tmp/dm.xml"
"$XEN_KBOOT" domxml-to-native json "$tmp/d.xml" > "$tmp/d.json"
tap_ok "json output parses as JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/d.json"

tap_expect "kernel refused first (direct)" 1 "" "*$tmp/ipxe.xml:7: <kernel>: $T/ipxe.lkrn: *" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/ipxe.xml"
tap_expect "kernel refused first (device-model)" 1 "" "*$tmp/ipxe.xml:7: <kernel>: $T/ipxe.lkrn: *" \
	"$XEN_KBOOT" domxml-to-native --mode device-model json "$tmp/ipxe.xml"
tap_expect "--no-kernel-check converts anyway" 0 "*firmware_override*" "" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check xl "$tmp/ipxe.xml"
domain "$tmp/nopae.xml" "$T/amd64/vmlinuz" "" "<acpi/>"
pae_line="$tmp/nopae.xml:7: <kernel>: $T/amd64/vmlinuz: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>"
tap_expect "64-bit kernel without <pae/> refused (direct)" 1 "" "$pae_line" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/nopae.xml"
tap_expect "64-bit kernel without <pae/> refused (device-model)" 1 "" "$pae_line" \
	"$XEN_KBOOT" domxml-to-native --mode device-model json "$tmp/nopae.xml"
tap_expect "--no-kernel-check converts it, pae = 0" 0 "*pae = 0*" "" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check xl "$tmp/nopae.xml"
tap_expect "invalid domain: problems, exit 1" 1 "" \
	"*err-memory-too-small.xml:3: <memory>: 16384 KiB is below*" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check xl "$S/tests/xmlconfs/err-memory-too-small.xml"

cat > "$tmp/node.xml" <<XML
<node>
  <domain type='xen'>
    <name>kboot1</name>
    <memory unit='MiB'>512</memory>
    <os>
      <type arch='x86_64' machine='xenfv'>hvm</type>
      <kernel>$T/amd64/vmlinuz</kernel>
    </os>
    <features><pae/></features>
  </domain>
</node>
XML
tap_expect "--connect test:///node.xml" 0 "name = \"kboot1\"*" "" \
	"$XEN_KBOOT" domxml-to-native --connect "test://$tmp/node.xml" xl kboot1
tap_expect "--connect test:///default test: refused" 1 "" "*type='test'*" \
	"$XEN_KBOOT" domxml-to-native --connect test:///default xl test

tap_expect "unknown format: exit 2" 2 "" "xen-kboot domxml-to-native: unknown format 'sexpr'*" \
	"$XEN_KBOOT" domxml-to-native sexpr "$tmp/d.xml"
tap_expect "unknown mode: exit 2" 2 "" "xen-kboot domxml-to-native: --mode 'qemu'*" \
	"$XEN_KBOOT" domxml-to-native --mode qemu xl "$tmp/d.xml"
tap_expect "missing arguments: exit 2" 2 "" "xen-kboot domxml-to-native: give a FORMAT*" \
	"$XEN_KBOOT" domxml-to-native xl
tap_expect "--help" 0 "*--mode*--firmware*--connect*" "" "$XEN_KBOOT" domxml-to-native --help

# The command prints what the library tests expect, case by case.
cd "$S/tests/xmlconfs" || tap_bail "no $S/tests/xmlconfs"
for xml in *.xml; do
	name=${xml%.xml}
	[ -f "$name.err" ] && continue
	for fmt in xl.cfg json; do
		f=${fmt%.cfg}
		"$XEN_KBOOT" domxml-to-native --no-kernel-check --firmware "$FW" "$f" "$xml" \
			> "$tmp/out" 2>"$tmp/err"
		cmp -s "$tmp/out" "$name.$fmt"
		tap_result $? "$name: domxml-to-native $f = $name.$fmt" "$(diff "$name.$fmt" "$tmp/out"; cat "$tmp/err")"
	done
done
tap_done
