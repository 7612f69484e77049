#!/bin/sh
# xen-kboot domxml-to-native as users run it: both formats, both boot
# modes (option, metadata and <emulator>), the kernel checked first,
# --device-model, --connect, usage errors; and for every valid case of
# tests/xmlconfs/ the command prints exactly the expected NAME.xl.cfg and
# NAME.json.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz ipxe.lkrn
T=$KBOOT_TESTDATA
S=$KBOOT_TOP_SRCDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-native.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
DM=/usr/lib/xen-kboot/xen-kboot-dm


domain() { # FILE KERNEL [METADATA-MODE [FEATURES [EMULATOR]]]
	meta= devices=
	[ -n "${3-}" ] && meta="<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='$3'/></metadata>"
	[ -n "${5-}" ] && devices="<devices><emulator>$5</emulator></devices>"
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
  $devices
</domain>
XML
}
head -c 4096 /dev/urandom > "$tmp/initrd.img"
domain "$tmp/d.xml" "$T/amd64/vmlinuz"
domain "$tmp/dm.xml" "$T/amd64/vmlinuz" device-model
domain "$tmp/ipxe.xml" "$T/ipxe.lkrn"
domain "$tmp/qemu.xml" "$T/amd64/vmlinuz" "" "<pae/>" /usr/lib/xen-4.17/bin/qemu-system-i386
domain "$tmp/mine.xml" "$T/amd64/vmlinuz" "" "<pae/>" /srv/build/tools/xen-kboot-dm
domain "$tmp/conflict.xml" "$T/amd64/vmlinuz" device-model "<pae/>" /srv/build/tools/xen-kboot-dm

# Direct: xen-kboot-dm is the device model and gets the kernel, so that
# plain "xl create" boots the output through xen-kboot's loader.
direct_xl="*device_model_override = \"/opt/dm\"*device_model_version = \"qemu-xen\"*builder = \"hvm\"*kernel = \"$T/amd64/vmlinuz\"*ramdisk = \"$tmp/initrd.img\"*cmdline = \"console=ttyS0\"*"
tap_expect "xl, direct (default): xen-kboot-dm, given the kernel" 0 "$direct_xl" "" \
	"$XEN_KBOOT" domxml-to-native --device-model /opt/dm xl "$tmp/d.xml"
tap_run "$XEN_KBOOT" domxml-to-native xl "$tmp/d.xml"
printf '%s\n' "$tap_out" | grep -qxF "device_model_override = \"$KBOOT_PKGLIBDIR/xen-kboot-dm\"" &&
	! printf '%s\n' "$tap_out" | grep -q 'firmware_override\|^#'
tap_result $? "xl, direct: the installed $KBOOT_PKGLIBDIR/xen-kboot-dm, no firmware_override, no comment" "$tap_out"
tap_expect "xl, direct: --firmware is accepted, not used, and says so" 0 "$direct_xl" \
	"xen-kboot: warning: --firmware is not used: direct-mode output boots through xen-kboot-dm, which loads the kernel itself" \
	"$XEN_KBOOT" domxml-to-native --device-model /opt/dm --firmware /opt/fw.elf xl "$tmp/d.xml"
tap_expect "xl, direct: another <emulator> is replaced, with a warning" 0 "$direct_xl" \
	"xen-kboot: warning: $tmp/qemu.xml:12: <emulator>/usr/lib/xen-4.17/bin/qemu-system-i386</emulator>: a direct boot runs /opt/dm as the device model in its place: it loads the kernel, then execs the real qemu-xen it is configured with, not this one" \
	"$XEN_KBOOT" domxml-to-native --device-model /opt/dm xl "$tmp/qemu.xml"
tap_expect "xl, direct: the domain's own xen-kboot-dm is kept" 0 \
	"*device_model_override = \"/srv/build/tools/xen-kboot-dm\"*kernel = \"$T/amd64/vmlinuz\"*" "" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/mine.xml"
tap_expect "xl, --mode device-model: kernel, ramdisk, cmdline for qemu-xen" 0 \
	"*kernel = \"$T/amd64/vmlinuz\"*ramdisk = \"$tmp/initrd.img\"*cmdline = \"console=ttyS0\"*" "" \
	"$XEN_KBOOT" domxml-to-native --mode device-model xl "$tmp/d.xml"
tap_run "$XEN_KBOOT" domxml-to-native xl "$tmp/dm.xml"
[ "$tap_status" -eq 0 ] && ! printf '%s\n' "$tap_out" | grep -q 'device_model'
tap_result $? "xl, metadata mode='device-model': libxl's qemu-xen" "$tap_out"
tap_expect "xl, device-model keeps another <emulator>" 0 \
	"*device_model_override = \"/usr/lib/xen-4.17/bin/qemu-system-i386\"*kernel = *" "" \
	"$XEN_KBOOT" domxml-to-native --mode device-model xl "$tmp/qemu.xml"
tap_run "$XEN_KBOOT" domxml-to-native --mode device-model xl "$tmp/mine.xml"
[ "$tap_status" -eq 0 ] && ! printf '%s\n' "$tap_out" | grep -q 'device_model'
tap_result $? "xl, --mode device-model drops xen-kboot-dm (it would boot directly)" "$tap_out"
tap_expect "xl, --mode direct overrides the metadata" 0 "*device_model_override = *kernel = *" "" \
	"$XEN_KBOOT" domxml-to-native --mode direct xl "$tmp/dm.xml"
tap_expect "metadata device-model with xen-kboot-dm: refused at the element" 1 "" \
	"$tmp/conflict.xml:4: <kboot:boot>: mode='device-model' contradicts <emulator> /srv/build/tools/xen-kboot-dm: *" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/conflict.xml"
tap_expect "xen-xl is accepted as a name for xl" 0 "name = \"native\"*" "" \
	"$XEN_KBOOT" domxml-to-native xen-xl "$tmp/d.xml"

tap_expect "json, direct: b_info device_model and kernel" 0 \
	"*\"device_model_version\": \"qemu_xen\",*\"device_model\": \"/opt/dm\",*\"kernel\": \"$T/amd64/vmlinuz\"*" "" \
	"$XEN_KBOOT" domxml-to-native --device-model /opt/dm json "$tmp/d.xml"
tap_run "$XEN_KBOOT" domxml-to-native json "$tmp/d.xml"
! printf '%s\n' "$tap_out" | grep -q '"firmware"'
tap_result $? "json, direct: no u.hvm.firmware" "$tap_out"
tap_expect "json, device-model: b_info kernel" 0 "*\"kernel\": \"$T/amd64/vmlinuz\"*\"ramdisk\": \"$tmp/initrd.img\"*" "" \
	"$XEN_KBOOT" domxml-to-native json "$tmp/dm.xml"
"$XEN_KBOOT" domxml-to-native json "$tmp/d.xml" > "$tmp/d.json"
tap_ok "json output parses as JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/d.json"

tap_expect "kernel refused first (direct)" 1 "" "*$tmp/ipxe.xml:7: <kernel>: $T/ipxe.lkrn: *" \
	"$XEN_KBOOT" domxml-to-native xl "$tmp/ipxe.xml"
tap_expect "kernel refused first (device-model)" 1 "" "*$tmp/ipxe.xml:7: <kernel>: $T/ipxe.lkrn: *" \
	"$XEN_KBOOT" domxml-to-native --mode device-model json "$tmp/ipxe.xml"
tap_expect "--no-kernel-check converts anyway" 0 "*device_model_override*kernel = \"$T/ipxe.lkrn\"*" "" \
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

# <interface type='network'>: the bridge comes from libvirt's network, as
# libvirt's libxl driver finds it; a network libvirt does not know is
# refused at the interface's line.
net_domain() {
	cat <<XML
<node>
  <network>
    <name>kbootnet</name>
    <bridge name='virbr7'/>
    <forward mode='nat'/>
    <ip address='192.168.150.1' netmask='255.255.255.0'/>
  </network>
  <domain type='xen'>
    <name>kbootnet1</name>
    <memory unit='MiB'>512</memory>
    <os>
      <type arch='x86_64' machine='xenfv'>hvm</type>
      <kernel>$T/amd64/vmlinuz</kernel>
    </os>
    <features><pae/></features>
    <devices>
      <interface type='network'>
        <source network='$1'/>
        <mac address='00:16:3e:3a:b2:13'/>
        <model type='e1000'/>
      </interface>
    </devices>
  </domain>
</node>
XML
}
net_domain kbootnet > "$tmp/net.xml"
net_domain nosuchnet > "$tmp/nonet.xml"
tap_expect "--connect: type='network' gets its network's bridge" 0 \
	"*vif = \[ \"mac=00:16:3e:3a:b2:13,bridge=virbr7,script=vif-bridge,model=e1000*" "" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check --connect "test://$tmp/net.xml" xl kbootnet1
tap_expect "--connect: json, the same bridge" 0 "*\"bridge\": \"virbr7\"*" "" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check --connect "test://$tmp/net.xml" json kbootnet1
tap_expect "--connect: a network libvirt does not know" 1 "" \
	"kbootnet1 (test://$tmp/nonet.xml):20: <interface>: type='network': test://$tmp/nonet.xml gives no bridge for network 'nosuchnet': *" \
	"$XEN_KBOOT" domxml-to-native --no-kernel-check --connect "test://$tmp/nonet.xml" xl kbootnet1
tap_expect "validate: type='network' is valid" 0 "valid" "" \
	"$XEN_KBOOT" validate --no-files --connect "test://$tmp/nonet.xml" kbootnet1

tap_expect "unknown format: exit 2" 2 "" "xen-kboot domxml-to-native: unknown format 'sexpr'*" \
	"$XEN_KBOOT" domxml-to-native sexpr "$tmp/d.xml"
tap_expect "unknown mode: exit 2" 2 "" "xen-kboot domxml-to-native: --mode 'qemu'*" \
	"$XEN_KBOOT" domxml-to-native --mode qemu xl "$tmp/d.xml"
tap_expect "missing arguments: exit 2" 2 "" "xen-kboot domxml-to-native: give a FORMAT*" \
	"$XEN_KBOOT" domxml-to-native xl
tap_expect "--help" 0 "*--mode*--device-model*--connect*" "" "$XEN_KBOOT" domxml-to-native --help
tap_run "$XEN_KBOOT" domxml-to-native --help
! printf '%s\n' "$tap_out" | grep -q -- '--firmware'
tap_result $? "--help does not offer --firmware any more" "$tap_out"

# The command prints what the library tests expect, case by case.
cd "$S/tests/xmlconfs" || tap_bail "no $S/tests/xmlconfs"
for xml in *.xml; do
	name=${xml%.xml}
	[ -f "$name.err" ] && continue
	if [ -f "$name.native-err" ]; then
		tap_expect "$name: domxml-to-native refuses it as $name.native-err says" 1 "" \
			"*$(cat "$name.native-err")" \
			"$XEN_KBOOT" domxml-to-native --no-kernel-check xl "$xml"
		continue
	fi
	# A domain that names its own xen-kboot-dm keeps it.
	dm_option="--device-model=$DM"
	grep -q '/xen-kboot-dm</emulator>' "$xml" && dm_option=--no-kernel-check
	for fmt in xl.cfg json; do
		f=${fmt%.cfg}
		"$XEN_KBOOT" domxml-to-native --no-kernel-check "$dm_option" "$f" "$xml" \
			> "$tmp/out" 2>"$tmp/err"
		cmp -s "$tmp/out" "$name.$fmt"
		tap_result $? "$name: domxml-to-native $f = $name.$fmt" "$(diff "$name.$fmt" "$tmp/out"; cat "$tmp/err")"
	done
done
tap_done
