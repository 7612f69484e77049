#!/bin/sh
# The probe on real images from Debian's packages (tests/fetch-testdata.sh):
# true facts for the amd64 and i386 kernels, and a refusal with its own
# reason for ipxe.lkrn and memtest86+x64.bin.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz ipxe.lkrn memtest86+x64.bin
command -v jq >/dev/null || tap_bail "jq is needed (apt-get install jq)"
T=$KBOOT_TESTDATA

# fact KERNEL NAME JQ-EXPRESSION EXPECTED
fact() {
	got=$("$XEN_KBOOT" inspect --json "$T/$1" | jq -r ".[0] | $3")
	if [ "$got" = "$4" ]; then tap_result 0 "$1: $2 is $4"
	else tap_result 1 "$1: $2 is $4" "got: $got"; fi
}

for k in amd64/vmlinuz i386/vmlinuz; do
	tap_run "$XEN_KBOOT" inspect "$T/$k"
	tap_result "$tap_status" "$k: inspect exits 0" "$tap_err"
	case $tap_out in *"verdict:           bootable (Xen HVM direct boot at 0x200000)"*) s=0 ;; *) s=1 ;; esac
	tap_result $s "$k: verdict bootable at 0x200000" "$tap_out"
	fact "$k" format .format bzImage
	fact "$k" protocol .protocol 2.15
	fact "$k" relocatable .relocatable true
	fact "$k" payload .payload_format xz
	fact "$k" "load address" .load_address 2097152
	fact "$k" "cmdline_size" .cmdline_size 2047
	fact "$k" "initrd_addr_max" .initrd_addr_max 2147483647
	fact "$k" "code32_start" .code32_start 1048576
	fact "$k" "payload inside the file" \
		'(.protected_mode_offset + .header.payload_offset + .header.payload_length) <= .file_size' true
	fact "$k" "kernel version matches SOURCES" \
		".kernel_version | split(\" \")[0] | test(\"^6\\\\.1\\\\.0-[0-9]+-$(dirname $k | sed 's/i386/686/')\$\")" true
	fact "$k" "footprint covers init_size" \
		'.footprint_end >= ([.load_address, .header.pref_address] | max) + .header.init_size' true
done
fact amd64/vmlinuz "kernel_alignment (2 MiB)" .header.kernel_alignment 2097152
fact amd64/vmlinuz "min_alignment" .header.min_alignment 21
fact amd64/vmlinuz "xloadflags" '.xloadflags | join(",")' \
	KERNEL_64,CAN_BE_LOADED_ABOVE_4G,EFI_HANDOVER_32,EFI_HANDOVER_64,EFI_KEXEC,5LEVEL,5LEVEL_ENABLED
fact amd64/vmlinuz "pref_address" .header.pref_address 16777216
fact i386/vmlinuz "kernel_alignment (16 MiB)" .header.kernel_alignment 16777216
fact i386/vmlinuz "required alignment (8 KiB)" .alignment 8192
fact i386/vmlinuz "not KERNEL_64" '.xloadflags | index("KERNEL_64")' null

# ipxe.lkrn: 2.07, not relocatable, no 32-bit entry.
tap_run "$XEN_KBOOT" inspect "$T/ipxe.lkrn"
tap_result "$([ "$tap_status" -eq 1 ]; echo $?)" "ipxe.lkrn: inspect exits 1" "status $tap_status"
fact ipxe.lkrn protocol .protocol 2.07
fact ipxe.lkrn bootable .bootable false
fact ipxe.lkrn rules '[.problems[].rule] | join(",")' not-relocatable,no-32bit-entry
case $tap_out in
*"verdict:           not bootable"*"  - relocatable_kernel is 0 at offset 0x234: built without CONFIG_RELOCATABLE, it cannot be loaded at 0x200000"*"  - code32_start is 0 at offset 0x214: the image has no 32-bit entry point (it expects the 16-bit real-mode entry)"*) s=0 ;;
*) s=1 ;;
esac
tap_result $s "ipxe.lkrn: both reasons printed" "$tap_out"

# memtest86+x64.bin: 2.12, not relocatable (its own, single reason).
fact memtest86+x64.bin protocol .protocol 2.12
fact memtest86+x64.bin rules '[.problems[].rule] | join(",")' not-relocatable
fact memtest86+x64.bin "kernel version" .kernel_version "Memtest86+ v6.10"

tap_done
