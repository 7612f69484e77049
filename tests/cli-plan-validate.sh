#!/bin/sh
# validate's memory-fit check and the plan command, on the real Debian
# kernels: the plan, its refusals (too small, a 64-bit kernel without
# <pae/>) and its warning (<vcpu> above 1 in direct mode).
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz
command -v jq >/dev/null || tap_bail "jq is needed (apt-get install jq)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-plan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
head -c 4096 /dev/urandom > "$tmp/initrd"

domain() { # MEMORY_MIB [VIDEO [FEATURES [VCPUS [ARCH]]]]
	cat <<XML
<domain type='xen'>
  <name>plan-test</name>
  <memory unit='MiB'>$1</memory>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$T/${5:-amd64}/vmlinuz</kernel>
    <initrd>$tmp/initrd</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  ${2:+<devices><video><model type='$2'/></video></devices>}
  <features>${3-<pae/>}</features>
  <vcpu>${4:-1}</vcpu>
</domain>
XML
}

domain 64 > "$tmp/small.xml"
tap_run "$XEN_KBOOT" validate "$tmp/small.xml"
[ "$tap_status" -eq 1 ] && [ "$tap_err" = "$tmp/small.xml: kernel needs [0x200000, 0x4f98000) (77.6 MiB: 0x7d87c0 bytes, init_size 0x3f98000, pref_address 0x1000000, alignment 0x200000) but the guest's free low RAM ends at 0x3800000 (56.0 MiB)" ]
tap_result $? "validate: a 64 MiB guest is too small for Debian's kernel, with the numbers" "$tap_status: $tap_err"

domain 512 > "$tmp/ok.xml"
tap_run "$XEN_KBOOT" validate "$tmp/ok.xml"
[ "$tap_status" -eq 0 ] && [ "$tap_out" = valid ]
tap_result $? "validate: 512 MiB is valid" "$tap_status: $tap_err"

tap_run "$XEN_KBOOT" plan "$tmp/ok.xml"
[ "$tap_status" -eq 0 ]
tap_result $? "plan: exits 0" "$tap_err"
case $tap_out in *"xen-hvm, 512.0 MiB"*) s=1 ;; *"xen-hvm, 504.0 MiB of RAM"*) s=0 ;; *) s=1 ;; esac
tap_result $s "plan: xen-hvm RAM is memory less libxl's 8 MiB of cirrus video RAM" "$tap_out"
case $tap_out in *"0x0000000000200000  0x0000000004f98000"*kernel*) s=0 ;; *) s=1 ;; esac
tap_result $s "plan: the kernel at 0x200000 with its decompression footprint" "$tap_out"

domain 512 vga > "$tmp/vga.xml"
ram=$("$XEN_KBOOT" plan --json "$tmp/vga.xml" | jq .ram_size)
[ "$ram" = $((496 << 20)) ]
tap_result $? "plan: stdvga takes 16 MiB (libxl's default for qemu-xen)" "ram_size $ram"

tap_run "$XEN_KBOOT" plan --platform qemu-pc --json "$tmp/ok.xml"
[ "$tap_status" -eq 0 ] && [ "$(printf '%s' "$tap_out" | jq -r '.platform')" = qemu-pc ] &&
	[ "$(printf '%s' "$tap_out" | jq '.ram_size')" = $((512 << 20)) ]
tap_result $? "plan --platform qemu-pc --json: all of <memory> is RAM" "$tap_out"

tap_run "$XEN_KBOOT" plan --platform sparc "$tmp/ok.xml"
[ "$tap_status" -eq 2 ]
tap_result $? "plan --platform sparc: usage error" "$tap_status: $tap_err"
tap_run "$XEN_KBOOT" plan
[ "$tap_status" -eq 2 ]
tap_result $? "plan without a domain: usage error"
tap_run "$XEN_KBOOT" plan "$tmp/small.xml"
[ "$tap_status" -eq 1 ] && case $tap_err in *"but the guest's free low RAM ends at"*) true ;; *) false ;; esac
tap_result $? "plan of a guest too small: exit 1 with the reason" "$tap_err"
# Without <pae/> Xen hides long mode: the 64-bit kernel is refused on
# either platform, the 32-bit one planned.
domain 512 "" "" > "$tmp/nopae.xml"
pae_line="xen-kboot: $tmp/nopae.xml:6: <kernel>: $T/amd64/vmlinuz: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>"
tap_run "$XEN_KBOOT" plan "$tmp/nopae.xml"
[ "$tap_status" -eq 1 ] && [ "$tap_err" = "$pae_line" ] && [ -z "$tap_out" ]
tap_result $? "plan: amd64 kernel without <pae/> refused, one line" "$tap_status: $tap_err"
tap_run "$XEN_KBOOT" plan --platform qemu-pc "$tmp/nopae.xml"
[ "$tap_status" -eq 1 ] && [ "$tap_err" = "$pae_line" ]
tap_result $? "plan --platform qemu-pc: refused the same" "$tap_status: $tap_err"
domain 512 "" "" 1 i386 > "$tmp/i386.xml"
tap_run "$XEN_KBOOT" plan "$tmp/i386.xml"
[ "$tap_status" -eq 0 ] && [ -z "$tap_err" ]
tap_result $? "plan: i386 kernel without <pae/> planned, nothing on stderr" "$tap_status: $tap_err"

# <vcpu>2</vcpu> in direct mode: planned, with one warning line.
domain 512 "" "<pae/>" 2 > "$tmp/smp.xml"
tap_run "$XEN_KBOOT" plan "$tmp/smp.xml"
[ "$tap_status" -eq 0 ] && [ "$tap_err" = "xen-kboot: warning: $tmp/smp.xml:12: <vcpu>2</vcpu> without <acpi/> in <features>: direct boot then gives the guest no ACPI tables and xen-kboot builds no MP tables, so it will see 1 CPU (and power off only by halting); add <acpi/> for all vCPUs" ]
tap_result $? "plan: <vcpu>2</vcpu> warned about, exit 0" "$tap_status: $tap_err"
# With <acpi/> the loader's ACPI tables list every vCPU: no warning, and
# the plan holds the tables, ACPI in the e820 map.
domain 512 "" "<acpi/><apic/><pae/>" 4 > "$tmp/smp-acpi.xml"
tap_run "$XEN_KBOOT" plan "$tmp/smp-acpi.xml"
[ "$tap_status" -eq 0 ] && [ -z "$tap_err" ] &&
	printf '%s\n' "$tap_out" | grep -q '^0x[0-9a-f]*  0x[0-9a-f]*  *[0-9.]* KiB  ACPI tables ([0-9]* bytes)$' &&
	printf '%s\n' "$tap_out" | grep -q '^0x[0-9a-f]*  0x[0-9a-f]*  *[0-9.]* KiB  ACPI$'
tap_result $? "plan: <vcpu>4</vcpu> with <acpi/>: no warning; ACPI tables planned, ACPI in the e820" "$tap_status: $tap_err
$tap_out"

tap_run "$XEN_KBOOT" preview --help
[ "$tap_status" -eq 0 ] && case $tap_out in *--timeout*--memory-file*) true ;; *) false ;; esac
tap_result $? "preview --help"
tap_run "$XEN_KBOOT" preview --timeout -1 "$tmp/ok.xml"
[ "$tap_status" -eq 2 ]
tap_result $? "preview --timeout -1: usage error"
tap_done
