#!/bin/sh
# The ACPI tables (src/kboot_loader_acpi.c) read by an independent reader:
# ACPICA, the code Linux's own ACPI support is, in Debian's acpica-tools.
# tests/acpi-dump writes each table to a file; then, per table:
#   iasl -d      disassembles it: no error, no warning, no "Incorrect
#                checksum", and the fields it decodes are the ones Xen's
#                hvmloader (or QEMU 7.2's pc machine) would have written;
#   iasl         compiles that disassembly back: the same bytes again,
#                but for the checksum and the compiler's id, which iasl
#                writes its own way (so every field and the length are
#                understood as we meant them);
#   acpiexec     loads the DSDT and evaluates \_S5, as Linux does to power
#                off: a package of four integers, SLP_TYP 0 first; and the
#                PCI root bridge: \_SB.PCI0._HID, _CRS (the windows) and
#                _PRT (124 entries, sampled GSIs or PIIX3 links).
# iasl 20200925 cannot disassemble an RSDP ("does not contain a valid ACPI
# table", even one it compiled), so the RSDP is compiled from its fields
# instead, and iasl's bytes, with both checksums iasl computed, must be ours.
#
# Without iasl the test is skipped, except under CI (CI set, and not
# "false" or "0"): run.sh installs acpica-tools, so there it is a failure.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

tap_need iasl acpica-tools
tap_need acpiexec acpica-tools

dump=${KBOOT_TOP_BUILDDIR:-.}/tests/acpi-dump
[ -x "$dump" ] || tap_bail "$dump is missing: build it with 'make check'"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-acpi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# iasl's fields of FILE.dsl, "Name : value" per line: the table's own
# ("[offset] Name : value"), and with --bits the flag bits it decodes below
# them ("    Name : 0|1").
fields() {
	if [ "$1" = --bits ]; then
		shift
		sed -n 's/^ \{1,\}\([A-Za-z0-9][^:]*[^ :]\) *: \([01]\)$/\1 : \2/p' "$1"
	else
		sed -n 's/^\[[^]]*\] *\([^:]*[^ :]\) *: \([^ ]*\).*/\1 : \2/p' "$1"
	fi
}
# The MADT's subtables as iasl decoded them, one line each:
#   lapic PROCESSOR-ID APIC-ID FLAGS | ioapic ID ADDRESS GSI-BASE
#   override BUS SOURCE GSI FLAGS    | nmi PROCESSOR-ID FLAGS LINT
madt_entries() {
	fields "$1" | awk -F' : ' '
		$1 == "Subtable Type" {
			if (cur != "") print cur
			cur = "type-" $2
			if ($2 == "00") cur = "lapic"
			if ($2 == "01") cur = "ioapic"
			if ($2 == "02") cur = "override"
			if ($2 == "04") cur = "nmi"
			next
		}
		cur != "" && $1 != "Length" && $1 != "Reserved" { cur = cur " " $2 }
		END { if (cur != "") print cur }'
}
# The expected MADT entries: NR vCPUs, APIC id STEP, ONLINE bitmap (hex,
# byte 0 first; empty: all), IOAPIC id, then the override and NMI lines.
expected_madt() { # NR STEP ONLINE IOAPIC-ID TAIL
	i=0
	while [ "$i" -lt "$1" ]; do
		enabled=1
		if [ -n "$3" ]; then
			byte=$(printf '%s' "$3" | cut -c$((i / 8 * 2 + 1))-$((i / 8 * 2 + 2)))
			enabled=$(( (0x${byte:-00} >> (i % 8)) & 1 ))
		fi
		printf 'lapic %02X %02X %08X\n' "$i" $((i * $2)) "$enabled"
		i=$((i + 1))
	done
	printf 'ioapic %02X FEC00000 00000000\n' "$4"
	printf '%s\n' "$5"
}
# round_trip NAME: compile NAME.dsl back; differences allowed only in the
# checksum (byte 10 counted from 1) and the compiler id and revision (29-36).
round_trip() {
	iasl -p "rt-$1" "$1.dsl" > "$1.compile.log" 2>&1 || { cat "$1.compile.log"; return 1; }
	cmp -l "rt-$1.aml" "$1.dat" | awk '$1 != 10 && ($1 < 29 || $1 > 36) { bad = 1; print } END { exit bad }'
}

# The platforms' facts, from the sources (see src/kboot_loader_acpi.c):
# hvmloader's config.h and libacpi's build.c for xen-hvm, QEMU 7.2's
# acpi-common.c and what Linux printed under it for qemu-pc.
xen_overrides='override 00 00 00000002 0000
override 00 05 00000005 000F
override 00 0A 0000000A 000F
override 00 0B 0000000B 000F'
qemu_overrides='override 00 00 00000002 0000
override 00 05 00000005 000D
override 00 09 00000009 000D
override 00 0A 0000000A 000D
override 00 0B 0000000B 000D
nmi FF 0000 01'

# check PLATFORM NR [ONLINE]
check() {
	platform=$1 nr=$2 online=${3-}
	case_name="$platform, $nr vCPUs${online:+, online $online}"
	case $platform in
	xen-hvm) step=2 ioapic=1 tail=$xen_overrides pm=B0 tmr32=1 ;;
	qemu-pc) step=1 ioapic=0 tail=$qemu_overrides pm=06 tmr32=0 ;;
	esac
	dir=$tmp/$platform-$nr-$online
	mkdir -p "$dir"
	# shellcheck disable=SC2086
	tap_ok "$case_name: acpi-dump writes the tables" "$dump" "$platform" "$nr" "$dir" $online
	cd "$dir" || return

	for t in XSDT RSDT FACP FACS APIC DSDT; do
		iasl -d "$t.dat" > "$t.log" 2>&1
		st=$?
		problems=$(grep -i -E 'error|warning|incorrect|invalid|mismatch|terminates|unknown' "$t.log" "$t.dsl" 2>/dev/null)
		[ "$st" -eq 0 ] && [ -s "$t.dsl" ] && [ -z "$problems" ]
		tap_result $? "$case_name: iasl -d $t: no error, no warning, checksum and length right" \
			"status $st
$problems
$(cat "$t.log")"
	done
	for t in XSDT RSDT FACP FACS APIC; do
		tap_ok "$case_name: $t compiled back by iasl is the same table" round_trip "$t"
	done

	# The RSDP, compiled by iasl from its fields.
	rsdt=$(od -An -tx4 -j16 -N4 RSDP.dat | tr -d ' ')
	xsdt=$(od -An -tx8 -j24 -N8 RSDP.dat | tr -d ' ')
	cat > rsdp.asl <<EOF
[0008]                          Signature : "RSD PTR "
[0001]                           Checksum : 00
[0006]                             Oem ID : "XKBOOT"
[0001]                           Revision : 02
[0004]                       RSDT Address : $rsdt
[0004]                             Length : 00000024
[0008]                       XSDT Address : $xsdt
[0001]                  Extended Checksum : 00
[0003]                           Reserved : 000000
EOF
	tap_ok "$case_name: RSDP is what iasl makes of its fields, both checksums" \
		sh -c 'iasl rsdp.asl >rsdp.log 2>&1 && cmp rsdp.aml RSDP.dat'
	want_tables=$(printf 'ACPI Table Address   0 : %s\nACPI Table Address   1 : %s' \
		"$(fields XSDT.dsl | sed -n 's/^ACPI Table Address   0 : 0*//p')" \
		"$(fields XSDT.dsl | sed -n 's/^ACPI Table Address   1 : 0*//p')")
	got_tables=$(fields RSDT.dsl | grep '^ACPI Table Address' | sed 's/: 0*/: /')
	[ "$got_tables" = "$want_tables" ]
	tap_result $? "$case_name: the RSDT lists the XSDT's tables" "RSDT: $got_tables
XSDT: $want_tables"

	want=$(expected_madt "$nr" "$step" "$online" "$ioapic" "$tail")
	got=$(madt_entries APIC.dsl)
	[ "$got" = "$want" ]
	tap_result $? "$case_name: MADT: one Local APIC per vCPU (ids, enabled), the IOAPIC, the overrides" \
		"$(printf '%s\n' "$want" > want; printf '%s\n' "$got" > got; diff want got)"
	madt=$(fields APIC.dsl; fields --bits APIC.dsl)
	printf '%s\n' "$madt" | grep -q '^Local Apic Address : FEE00000$' &&
		printf '%s\n' "$madt" | grep -q '^PC-AT Compatibility : 1$'
	tap_result $? "$case_name: MADT: LAPIC at 0xfee00000, PC-AT compatible" "$madt"

	want="Revision : 04
Table Length : 000000F4
SCI Interrupt : 0009
SMI Command Port : 00000000
PM1A Event Block Address : 0000${pm}00
PM1A Control Block Address : 0000${pm}04
PM Timer Block Address : 0000${pm}08
GPE0 Block Address : 0000AFE0
PM1 Control Block Length : 02
8042 Present on ports 60/64 (V2) : 1
32-bit PM Timer (V1) : $tmr32
Reset Register Supported (V2) : 1
Address : 0000000000000CF9
Value to cause reset : 06"
	got=$(fields FACP.dsl; fields --bits FACP.dsl)
	missing=$(printf '%s\n' "$want" | while IFS= read -r line; do
		printf '%s\n' "$got" | grep -q -x -F "$line" || echo "missing: $line"; done)
	[ -z "$missing" ]
	tap_result $? "$case_name: FADT: the PM block, SCI 9, no SMI_CMD, reset through 0xcf9" "$missing"
	facs32=$(fields FACP.dsl | sed -n 's/^FACS Address : 0*//p' | sort -u | wc -l)
	dsdt32=$(fields FACP.dsl | sed -n 's/^DSDT Address : 0*//p' | sort -u | wc -l)
	[ "$facs32" -eq 1 ] && [ "$dsdt32" -eq 1 ]
	tap_result $? "$case_name: FADT: FACS and DSDT pointers, 32-bit and X_, agree" "$(fields FACP.dsl | grep -E '^(FACS|DSDT) Address')"

	grep -q 'Name (\\_S5, Package (0x04)' DSDT.dsl
	tap_result $? "$case_name: DSDT: iasl finds Name (\\_S5, Package (4))" "$(cat DSDT.dsl)"
	acpiexec -b 'evaluate \_S5' DSDT.dat > acpiexec.log 2>&1
	s5=$(sed -n '/Evaluation of \\_S5 returned/,$p' acpiexec.log | sed -n 's/^ *\[\(.*\)\] = *\(.*\)$/\1 \2/p')
	[ "$s5" = "Integer 0000000000000000
Integer 0000000000000000
Integer 0000000000000000
Integer 0000000000000000" ]
	tap_result $? "$case_name: DSDT: acpiexec evaluates \\_S5 to { 0, 0, 0, 0 } (SLP_TYP 0: soft off)" \
		"$(cat acpiexec.log)"
	check_dsdt_pci "$platform"
	cd "$tmp" || return
}

# check_dsdt_pci PLATFORM (in the case's directory): acpiexec evaluates the
# root bridge as Linux's PCI root driver does.  The window is acpi-dump's:
# Xen's default 0xf0000000-0xfbffffff, a 2 GiB QEMU guest's
# 0x80000000-0xfebfffff.
check_dsdt_pci() {
	case $1 in
	xen-hvm) hole='00 00 00 F0 FF FF FF FB' ;;
	qemu-pc) hole='00 00 00 80 FF FF BF FE' ;;
	esac
	acpiexec -b 'evaluate \_SB.PCI0._HID; evaluate \_SB.PCI0._CRS' DSDT.dat > pci.log 2>&1
	hid=$(sed -n '/Evaluation of \\_SB.PCI0._HID returned/{n;p;}' pci.log | tr -d ' ')
	[ "$hid" = "[Integer]=00000000030AD041" ]
	tap_result $? "$case_name: DSDT: acpiexec evaluates \\_SB.PCI0._HID to EISAID PNP0A03" "$(cat pci.log)"
	# The buffer's bytes on one line: bus 0-0xff, the windows, the hole.
	crs=$(sed -n '/Evaluation of \\_SB.PCI0._CRS returned/,/^$/p' pci.log |
		sed -n 's/^ *[0-9A-F]\{4\}: \(\([0-9A-F][0-9A-F] \)*[0-9A-F][0-9A-F]\).*/\1/p' | tr '\n' ' ')
	missing=
	for want in '88 0D 00 02 0C 00 00 00 00 00 FF 00' '47 01 F8 0C F8 0C 01 08' \
		'00 00 F7 0C 00 00 F8 0C' '00 0D FF FF 00 00 00 F3' \
		'00 00 0A 00 FF FF 0B 00' "$hole" '79 00'; do
		case " $crs " in *" $want "*) ;; *) missing="$missing [$want]" ;; esac
	done
	[ -n "$crs" ] && [ -z "$missing" ]
	tap_result $? "$case_name: DSDT: acpiexec evaluates \\_SB.PCI0._CRS: buses 0-0xff, I/O around 0xcf8, VGA, the PCI hole" \
		"missing:$missing
$(cat pci.log)"

	# _PRT: entries (slot << 16 | 0xffff, pin, source, index), as Linux reads
	# them.  xen-hvm: GSIs ((slot*4 + slot/8 + pin) & 31) + 16 (Xen's
	# hvm_pci_intx_gsi, hvmloader's PRTA), worked by hand; qemu-pc: the
	# PIIX3 links, (slot - 1 + pin) & 3, LNKS for 00:01 INTA.  acpiexec's
	# evaluate cannot return qemu-pc's package of references (its buffer
	# overflows), so that one is read with dump, which shows the same
	# objects.
	case $1 in
	xen-hvm)
		acpiexec -b 'evaluate \_SB.PCI0._PRT' DSDT.dat > prt.log 2>&1
		got=$(sed -n '/Evaluation of \\_SB.PCI0._PRT returned/,$p' prt.log |
			sed -n 's/^ *\[Integer\] = 0*\([0-9A-F]\)/\1/p' | paste -d' ' - - - - |
			awk '{ print $1, $2, $4 }')
		want='1FFFF 0 14
1FFFF 1 15
2FFFF 3 1B
3FFFF 1 1D
8FFFF 0 11
10FFFF 2 14
1FFFFF 3 12' ;;
	qemu-pc)
		acpiexec -b 'dump \_SB.PCI0._PRT' DSDT.dat > prt.log 2>&1
		got=$(sed -n 's/^ *\[0[0-3]\] [0-9a-fx]* \[\(Integer\] = 0*\|Object Reference.*Device: \\_SB\.\)\([0-9A-Z][0-9A-Z]*\).*/\2/p' prt.log |
			paste -d' ' - - - - | awk '{ print $1, $2, $3 }')
		want='1FFFF 0 LNKS
1FFFF 1 LNKB
2FFFF 0 LNKB
3FFFF 0 LNKC
4FFFF 0 LNKD
5FFFF 0 LNKA
1FFFFF 3 LNKB' ;;
	esac
	n=$(printf '%s\n' "$got" | grep -c .)
	missing=$(printf '%s\n' "$want" | while IFS= read -r line; do
		printf '%s\n' "$got" | grep -q -x -F "$line" || echo "missing: $line"; done)
	[ "$n" -eq 124 ] && [ -z "$missing" ]
	tap_result $? "$case_name: DSDT: acpiexec reads \\_SB.PCI0._PRT, 124 entries (slots 1-31, INTA-D), sampled GSIs/links right" \
		"$n entries
$missing
$(head -40 prt.log)"
}

check xen-hvm 1
check xen-hvm 4 0b
check xen-hvm 128
check qemu-pc 1
check qemu-pc 4 0d
check qemu-pc 128
tap_done
