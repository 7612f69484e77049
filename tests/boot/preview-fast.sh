#!/bin/sh
# Boot tests of the fast boot path (issue 15): the real Debian kernels,
# their payload decompressed on the host (or taken from the kernel cache),
# loaded as the kernel proper and entered by the firmware in long mode
# (amd64) or at startup_32 (i386), booted by 'xen-kboot preview
# --boot-path fast' to a busybox userspace with the same checks as the
# direct path (boot-lib.sh: command line, initrd checksum, e820 = plan,
# MemTotal, one CPU, reboot said, RAM file removed), at 256 MiB and with
# RAM above 4 GiB.  Then the kernel cache as a user meets it (a miss, then
# a hit; a damaged entry rebuilt; an unsafe directory passed by with a
# warning), <kboot:boot path='fast'/> in the domain, a kernel whose payload
# is damaged refused before anything exists, and the same kernels with
# their payload recompressed in each format Linux's x86 decompressor reads
# (tests/boot/repacked-kernels.sh), when that tool is built.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz busybox-amd64 busybox-i386
command -v jq >/dev/null || tap_bail "jq is needed (apt-get install jq)"
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-fast.XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR"
for arch in amd64 i386; do
	"$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh" "$T/busybox-$arch" \
		"$tmp/initrd-$arch.gz" 3000000 || tap_bail "cannot build the $arch initrd"
done
. "$KBOOT_TOP_SRCDIR/tests/boot/boot-lib.sh"

cache=$tmp/cache
BOOT_PREFIX=fast
BOOT_OPTS="--boot-path fast --kernel-cache $cache -v"
BOOT_OPTS_PLAN="--boot-path fast --kernel-cache $cache"

# entered NAME KIND: the firmware's exit line says the decompressed kernel
# of KIND ("64-bit, long mode" or "32-bit") was entered, at its link
# address (the plan's "runs from").
entered() {
	grep -q "^xen-kboot firmware: entering the decompressed kernel ($2) at 0x01000000 " \
		"$tmp/$1.out.clean"
	tap_result $? "$1: the firmware entered the decompressed kernel ($2)" \
		"$(grep -a 'xen-kboot firmware' "$tmp/$1.out.clean")"
}

# The first boot of each kernel decompresses it and fills the cache.
boot amd64 256
entered fast-amd64-256M "64-bit, long mode"
grep -q "^xen-kboot: kernel cache miss: $cache, " "$tmp/fast-amd64-256M.err"
tap_result $? "amd64: the first fast boot is a cache miss" "$(cat "$tmp/fast-amd64-256M.err")"
boot i386 256
entered fast-i386-256M "32-bit"
grep -q "^xen-kboot: kernel cache miss: $cache, " "$tmp/fast-i386-256M.err"
tap_result $? "i386: the first fast boot is a cache miss" "$(cat "$tmp/fast-i386-256M.err")"
[ "$(find "$cache" -type f | wc -l)" -eq 2 ]
tap_result $? "the cache holds one entry per kernel" "$(ls -la "$cache")"

# The same kernels again (more RAM: above 4 GiB for amd64): cache hits.
boot amd64 5120
entered fast-amd64-5120M "64-bit, long mode"
grep -q "^xen-kboot: kernel cache hit: $cache, " "$tmp/fast-amd64-5120M.err"
tap_result $? "amd64: the second fast boot is a cache hit" "$(cat "$tmp/fast-amd64-5120M.err")"
grep -q '^0x100000000 0x17fffffff System RAM$' "$tmp/fast-amd64-5120M.e820.got"
tap_result $? "5 GiB, fast: RAM from 4 GiB to 6 GiB in the kernel's e820" \
	"$(cat "$tmp/fast-amd64-5120M.e820.got")"
boot i386 2048
grep -q "^xen-kboot: kernel cache hit: $cache, " "$tmp/fast-i386-2048M.err"
tap_result $? "i386: the second fast boot is a cache hit" "$(cat "$tmp/fast-i386-2048M.err")"

# A damaged entry is found, removed and rebuilt, never booted.
entry=$(find "$cache" -type f -size +40M | head -n 1)
printf 'X' | dd of="$entry" bs=1 seek=$((16 * 1048576)) conv=notrunc status=none
boot amd64 256 "console=ttyS0 panic=-1 quiet kboot.test=rebuilt"
grep -q "^xen-kboot: kernel cache rebuilt: $cache, " "$tmp/fast-amd64-256M.err" &&
	grep -qxF "xen-kboot: kernel cache: the entry of this kernel in $cache was damaged (the SHA-256 of its bytes is not its header's): removed and rebuilt" \
		"$tmp/fast-amd64-256M.err"
tap_result $? "a damaged cache entry is rebuilt, and the kernel boots" \
	"$(cat "$tmp/fast-amd64-256M.err")"

# A cache directory others may write is not used: a warning, and the
# kernel is decompressed in memory (and boots).
chmod 0777 "$cache"
boot amd64 256 "console=ttyS0 panic=-1 quiet kboot.test=unsafe"
grep -q "^xen-kboot: warning: the kernel cache is not used: .*$cache.*; decompressing the kernel in memory$" \
	"$tmp/fast-amd64-256M.err"
tap_result $? "an unsafe cache directory is said and passed by" "$(cat "$tmp/fast-amd64-256M.err")"
chmod 0700 "$cache"

# <kboot:boot path='fast'/> chooses the path without --boot-path; and
# --boot-path direct overrides it.
meta() {
	domain "$1" "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 \
		"console=ttyS0 panic=-1 quiet" |
		sed "s#<name>$1</name>#&<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' path='fast'/></metadata>#"
}
meta meta-fast > "$tmp/meta-fast.xml"
"$XEN_KBOOT" preview --timeout 180 --kernel-cache "$cache" "$tmp/meta-fast.xml" \
	< /dev/null 2> "$tmp/meta-fast.err" | tr -d '\r' > "$tmp/meta-fast.out.clean"
grep -q "^KBOOT-MARKER: userspace reached" "$tmp/meta-fast.out.clean"
tap_result $? "<kboot:boot path='fast'/>: userspace reached" "$(tail -n 5 "$tmp/meta-fast.out.clean"; cat "$tmp/meta-fast.err")"
entered meta-fast "64-bit, long mode"
"$XEN_KBOOT" preview --timeout 180 --boot-path direct "$tmp/meta-fast.xml" \
	< /dev/null 2> "$tmp/meta-direct.err" | tr -d '\r' > "$tmp/meta-direct.out.clean"
grep -q "^KBOOT-MARKER: userspace reached" "$tmp/meta-direct.out.clean" &&
	grep -q "^xen-kboot firmware: entering the kernel at 0x00200000 " "$tmp/meta-direct.out.clean"
tap_result $? "--boot-path direct overrides the domain's path='fast'" \
	"$(grep -a 'firmware' "$tmp/meta-direct.out.clean"; cat "$tmp/meta-direct.err")"

# A whole machine: <acpi/> and 2 vCPUs, both brought up by the kernel
# entered in long mode, and ACPI power-off.
domain fast-smp2 "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 \
	"console=ttyS0 panic=-1 quiet kboot.end=poweroff" "<pae/><acpi/>" 2 > "$tmp/fast-smp2.xml"
"$XEN_KBOOT" preview --timeout 180 --boot-path fast --kernel-cache "$cache" "$tmp/fast-smp2.xml" \
	< /dev/null 2> "$tmp/fast-smp2.err" | tr -d '\r' > "$tmp/fast-smp2.out.clean"
[ "$(sed -n 's/^KBOOT-CPUS: //p' "$tmp/fast-smp2.out.clean")" = 2 ] &&
	grep -qx "xen-kboot: domain 'fast-smp2': the guest powered off (.*)" "$tmp/fast-smp2.err"
tap_result $? "fast, <acpi/> and 2 vCPUs: both online, and the guest powers off through ACPI" \
	"$(grep -a KBOOT "$tmp/fast-smp2.out.clean"; cat "$tmp/fast-smp2.err")"

# A payload that does not decompress: refused before any RAM file, naming
# the kernel and the rule.  (A byte in the middle of the xz stream.)
cp "$T/amd64/vmlinuz" "$tmp/damaged-vmlinuz"
off=$("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" |
	jq '.[0] | .protected_mode_offset + .header.payload_offset + (.header.payload_length / 2 | floor)')
printf '\377\377\377\377' | dd of="$tmp/damaged-vmlinuz" bs=1 seek="$off" conv=notrunc status=none
domain damaged "$tmp/damaged-vmlinuz" "$tmp/initrd-amd64.gz" 256 "console=ttyS0" > "$tmp/damaged.xml"
XEN_KBOOT_RAM_DIR=$tmp/none tap_run "$XEN_KBOOT" preview --boot-path fast \
	--kernel-cache none "$tmp/damaged.xml"
[ "$tap_status" -eq 1 ] && case $tap_err in
	"xen-kboot: $tmp/damaged-vmlinuz: "*) true ;; *) false ;; esac
tap_result $? "a damaged payload is refused, naming the kernel" "status $tap_status: $tap_err"
[ ! -e "$tmp/none" ]
tap_result $? "damaged payload: nothing created"

# Every format Linux's x86 decompressor reads, from the same kernels.
repack=$KBOOT_TOP_BUILDDIR/tests/repack-kernel
if [ -x "$repack" ] && [ -r "$KBOOT_TOP_SRCDIR/tests/boot/repacked-kernels.sh" ]; then
	. "$KBOOT_TOP_SRCDIR/tests/boot/repacked-kernels.sh"
	BOOT_OPTS="--boot-path fast --kernel-cache none"
	BOOT_OPTS_PLAN=$BOOT_OPTS
	repacked_kernels "$tmp/repacked" || tap_bail "cannot repack the kernels"
	for arch in amd64 i386; do
		for k in "$tmp/repacked"/vmlinuz-"$arch"-*; do
			boot "$arch" 256 "console=ttyS0 panic=-1 quiet kboot.test=$(basename "$k")" "$k"
		done
	done
else
	tap_skip "the kernels in every compression" "tests/repack-kernel is not built"
fi

tap_done
