#!/bin/sh
# The shape of the two firmware images, as their loaders need it:
#  - xen-kboot-fw.elf: what libxenguest's HVM loader (xg_dom_hvmloader.c)
#    accepts in place of hvmloader: ELF32, EM_386, ET_EXEC, no Xen notes
#    (it would take the image for a PV kernel), loaded at p_paddr, entered
#    at e_entry; one PT_LOAD at KBOOT_FIRMWARE_BASE that ends below the
#    kernel.  Its code is run for real by test-firmware-boot (elf paths).
#  - xen-kboot-fw.bin: 64 KiB with a jump at the reset vector (0xfff0).
# Needs binutils' readelf.
set -u
. "$KBOOT_TOP_SRCDIR/tests/tap.sh"

elf=$KBOOT_TOP_BUILDDIR/firmware/xen-kboot-fw.elf
bin=$KBOOT_TOP_BUILDDIR/firmware/xen-kboot-fw.bin
[ -s "$elf" ] && [ -s "$bin" ] || tap_bail "build the firmware first (make)"
command -v readelf >/dev/null || tap_bail "readelf (binutils) is missing"

# Addresses from the header the firmware is built from.
hdr_value() {
	sed -n "s/^#define $1[[:space:]]*\(0x[0-9a-fA-F]*\).*/\1/p" \
		"$KBOOT_TOP_SRCDIR/src/kboot_image_proto.h"
}
base=$(hdr_value KBOOT_FIRMWARE_BASE)
kernel=$(hdr_value KBOOT_KERNEL_BASE)
[ -n "$base" ] && [ -n "$kernel" ] || tap_bail "cannot read the addresses from src/kboot_image_proto.h"

check() { # NAME COMMAND... (a test(1) expression or any command)
	name=$1; shift
	if "$@"; then tap_result 0 "$name"; else tap_result 1 "$name" "failed: $*"; fi
}

header=$(LC_ALL=C readelf -h "$elf")
field() { printf '%s\n' "$header" | sed -n "s/^ *$1: *//p"; }
check "ELF32" test "$(field Class)" = ELF32
check "EM_386" test "$(field Machine)" = "Intel 80386"
check "ET_EXEC" test "$(field Type | cut -d' ' -f1)" = EXEC

# Program headers: "TYPE offset vaddr paddr filesz memsz ...".
phdrs=$(LC_ALL=C readelf -lW "$elf" | awk '$1 ~ /^[A-Z_]+$/ && $2 ~ /^0x/')
check "one program header, PT_LOAD" test "$(printf '%s\n' "$phdrs" | awk '{print $1}')" = LOAD
check "no PT_NOTE" test -z "$(printf '%s\n' "$phdrs" | awk '$1 == "NOTE"')"
check "no note sections (no Xen notes)" \
	test -z "$(LC_ALL=C readelf -SW "$elf" | grep -E ' NOTE |__xen_guest')"

set -- $phdrs
paddr=$(($4)); filesz=$(($5)); memsz=$(($6)); entry=$(($(field 'Entry point address')))
check "PT_LOAD at p_paddr KBOOT_FIRMWARE_BASE ($base)" test "$paddr" -eq $((base))
check "entry inside the loaded bytes" \
	test "$entry" -ge "$paddr" -a "$entry" -lt $((paddr + filesz))
check "segment ends below KBOOT_KERNEL_BASE ($kernel)" \
	test $((paddr + memsz)) -le $((kernel))
check "ELF smaller than 64 KiB" test "$(wc -c < "$elf")" -lt 65536

check "BIOS image is 65536 bytes" test "$(wc -c < "$bin")" -eq 65536
# 0xe9 = jmp rel16: reset16.S's near jump, which keeps the CS base at
# 0xffff0000.
check "BIOS reset vector is a near jmp" \
	test "$(od -An -tx1 -j 65520 -N1 "$bin" | tr -d ' ')" = e9

tap_done
