#!/bin/sh
# Boot tests: real Debian kernels (amd64 and i386) with initrds built here
# from busybox-static, booted by 'xen-kboot preview' (our plan, our loader,
# our firmware, QEMU TCG), at 256 MiB, 2 GiB and 5 GiB.  Each guest's init
# reports what the kernel saw; the test compares it with the plan:
# the exact command line, the payload's checksum, the e820 map, MemTotal,
# one CPU; and preview says the guest rebooted (init's reboot -f).  Then,
# with <acpi/> (the loader's ACPI tables), how the guest ends and the CPUs
# it sees: kboot.end=poweroff is said as a power-off, and <vcpu> 1, 2 and
# 4 (and current='2' of 4) are the CPUs online.  Then the refusals: a
# command line one byte too long, an initrd too large, kernels that cannot be direct-booted, a 64-bit kernel without <pae/>, all
# before any RAM file exists; and the warning for <vcpu> above 1.  The i386
# (686) kernel is 32-bit and boots without <pae/>.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz busybox-amd64 busybox-i386 \
	ipxe.lkrn memtest86+x64.bin
command -v jq >/dev/null || tap_bail "jq is needed (apt-get install jq)"
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-boot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# RAM files go here, so the test can see that none is left behind.
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR"
mkinitrd=$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh

for arch in amd64 i386; do
	"$mkinitrd" "$T/busybox-$arch" "$tmp/initrd-$arch.gz" 3000000 ||
		tap_bail "cannot build the $arch initrd"
done

. "$KBOOT_TOP_SRCDIR/tests/boot/boot-lib.sh"

for mem in 256 2048 5120; do
	boot amd64 $mem
	boot i386 $mem
done

# 5 GiB: RAM above 4 GiB, and the hole below it, as the kernel saw them.
grep -q '^0x100000000 0x17fffffff System RAM$' "$tmp/boot-amd64-5120M.e820.got"
tap_result $? "5 GiB: RAM from 4 GiB to 6 GiB in the kernel's e820" "$(cat "$tmp/boot-amd64-5120M.e820.got")"
grep -q '^0x100000 0xbfffffff System RAM$' "$tmp/boot-amd64-5120M.e820.got"
tap_result $? "5 GiB: low RAM ends at 3 GiB (the pc machine's split)"

# run_end NAME END VCPUS CURRENT: the amd64 kernel at 256 MiB with <acpi/>
# and <vcpu current='CURRENT'>VCPUS</vcpu>, its init ending with END
# (kboot.end=: reboot or poweroff).  These need the loader's ACPI tables
# (MADT, FADT with S5): without them Linux sees one CPU and poweroff -f
# only halts, so the timeout is short.  Sets $status; output in
# $tmp/NAME.out.clean and $tmp/NAME.err.
run_end() {
	name=$1
	domain "$name" "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 \
		"console=ttyS0 panic=-1 quiet kboot.end=$2" "<pae/><acpi/>" "$3" "$4" > "$tmp/$name.xml"
	"$XEN_KBOOT" preview --timeout 120 "$tmp/$name.xml" < /dev/null \
		> "$tmp/$name.out" 2> "$tmp/$name.err"
	status=$?
	tr -d '\r' < "$tmp/$name.out" > "$tmp/$name.out.clean"
}

# poweroff -f: ACPI S5 through the PIIX4 PM block powers QEMU off, and
# preview says so (and exits 0, as at a reboot).
run_end end-poweroff poweroff 1 1
[ "$status" -eq 0 ] &&
	grep -qx "xen-kboot: domain 'end-poweroff': the guest powered off (.*)" "$tmp/end-poweroff.err"
tap_result $? "poweroff -f: preview exits 0 and says the guest powered off" \
	"status $status: $(tail -n 5 "$tmp/end-poweroff.out.clean"; cat "$tmp/end-poweroff.err")"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "poweroff -f: RAM file removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"

# The CPUs the kernel brings up: every vCPU the domain starts, from the
# MADT; with current=, only those (the others are listed, offline: the
# kernel counts them as possible).
for vcpus in 1/1 2/2 4/4 4/2; do
	max=${vcpus%/*} cur=${vcpus#*/}
	name=cpus-$max-$cur
	run_end "$name" reboot "$max" "$cur"
	got=$(sed -n 's/^KBOOT-CPUS: //p' "$tmp/$name.out.clean")
	possible=$(sed -n 's/^KBOOT-CPUS-POSSIBLE: //p' "$tmp/$name.out.clean")
	[ "$status" -eq 0 ] && [ "$got" = "$cur" ]
	tap_result $? "<vcpu current='$cur'>$max</vcpu>: $cur CPUs online" \
		"status $status, KBOOT-CPUS: $got, KBOOT-CPUS-POSSIBLE: $possible
$(tail -n 5 "$tmp/$name.out.clean"; cat "$tmp/$name.err")"
	[ "$possible" = "$max" ]
	tap_result $? "<vcpu current='$cur'>$max</vcpu>: all $max possible (the MADT lists them)" \
		"KBOOT-CPUS-POSSIBLE: $possible"
	grep -qx "xen-kboot: domain '$name': the guest rebooted (.*)" "$tmp/$name.err"
	tap_result $? "<vcpu current='$cur'>$max</vcpu>: preview says the guest rebooted" \
		"$(cat "$tmp/$name.err")"
done
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "vCPU boots: RAM files removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"

# A command line of exactly cmdline_size bytes boots...
limit=$("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" | jq -r '.[0].cmdline_size')
base="console=ttyS0 panic=-1 quiet kboot.pad="
pad=$(head -c $((limit - ${#base})) /dev/zero | tr '\0' 'x')
boot amd64 256 "$base$pad"

# ... and one byte more is refused before anything is written: the RAM
# directory does not even exist, so getting that far would be another error.
domain toolong "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 "${base}${pad}y" > "$tmp/toolong.xml"
XEN_KBOOT_RAM_DIR=$tmp/none tap_run "$XEN_KBOOT" preview "$tmp/toolong.xml"
[ "$tap_status" -eq 1 ] && case $tap_err in
	*"command line of $((limit + 1)) bytes"*"$limit"*) true ;; *) false ;; esac
tap_result $? "command line of $((limit + 1)) bytes refused (limit $limit)" "status $tap_status: $tap_err"
[ ! -e "$tmp/none" ]
tap_result $? "command line too long: nothing created"

# An initrd larger than the guest can hold: refused with the numbers.
truncate -s 300M "$tmp/huge-initrd"
domain huge "$T/amd64/vmlinuz" "$tmp/huge-initrd" 256 "console=ttyS0" > "$tmp/huge.xml"
XEN_KBOOT_RAM_DIR=$tmp/none tap_run "$XEN_KBOOT" preview "$tmp/huge.xml"
[ "$tap_status" -eq 1 ] && case $tap_err in *initrd*300.0\ MiB*) true ;; *) false ;; esac
tap_result $? "initrd of 300 MiB in a 256 MiB guest refused with its size" "status $tap_status: $tap_err"
[ ! -e "$tmp/none" ]
tap_result $? "initrd too large: nothing created"

# A 64-bit kernel without <pae/> would halt on Xen: refused before any
# RAM file, one line naming file, kernel and rule.
domain nopae "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 "console=ttyS0" "<acpi/>" > "$tmp/nopae.xml"
XEN_KBOOT_RAM_DIR=$tmp/none tap_run "$XEN_KBOOT" preview "$tmp/nopae.xml"
[ "$tap_status" -eq 1 ] && [ -z "$tap_out" ] &&
	[ "$tap_err" = "xen-kboot: $tmp/nopae.xml:7: <kernel>: $T/amd64/vmlinuz: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>" ]
tap_result $? "amd64 kernel without <pae/> refused with the rule" "status $tap_status: $tap_err"
[ ! -e "$tmp/none" ]
tap_result $? "amd64 kernel without <pae/>: nothing created"

# <vcpu>2</vcpu>: the one warning line, then the preview goes on (a QEMU
# that exits at once stands in: the line is the point; the second line
# says that such a QEMU told nothing of the guest's end).
domain smp "$T/amd64/vmlinuz" "$tmp/initrd-amd64.gz" 256 "console=ttyS0" "<pae/>" 2 > "$tmp/smp.xml"
tap_run "$XEN_KBOOT" preview --qemu /bin/true "$tmp/smp.xml"
[ "$tap_status" -eq 0 ] &&
	[ "$tap_err" = "xen-kboot: warning: $tmp/smp.xml:4: <vcpu>2</vcpu> without <acpi/> in <features>: direct boot then gives the guest no ACPI tables and xen-kboot builds no MP tables, so it will see 1 CPU (and power off only by halting); add <acpi/> for all vCPUs
xen-kboot: domain 'smp': /bin/true exited with status 0 but sent no SHUTDOWN event on its QMP monitor: whether the guest powered off or rebooted is not known" ]
tap_result $? "<vcpu>2</vcpu>: preview warns once and goes on" "status $tap_status: $tap_err"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "<vcpu>2</vcpu>: RAM file removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"

# Kernels that cannot be direct-booted: refused before any RAM file.
for k in memtest86+x64.bin ipxe.lkrn; do
	domain "refuse" "$T/$k" "" 256 "console=ttyS0" > "$tmp/refuse.xml"
	XEN_KBOOT_RAM_DIR=$tmp/none tap_run "$XEN_KBOOT" preview "$tmp/refuse.xml"
	[ "$tap_status" -eq 1 ] && case $tap_err in
		*"$T/$k: cannot be direct-booted: relocatable_kernel is 0 at offset 0x234"*) true ;; *) false ;; esac
	tap_result $? "$k refused with its reason" "status $tap_status: $tap_err"
	[ ! -e "$tmp/none" ]
	tap_result $? "$k: nothing created"
done

tap_done
