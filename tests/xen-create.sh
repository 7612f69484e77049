#!/bin/sh
# xen-kboot create, destroy and list.
#
# On this machine (no Xen) the real toolstack libraries must fail at once
# with the no-hypervisor message, having created and written nothing.
# Then the Xen path runs for real against tests/xenshim (an LD_PRELOAD
# stand-in for libxenlight, libxenctrl and libxenforeignmemory that backs
# each domain's memory with a RAM file): the call sequence (create paused,
# read back the layout, map and write, unpause), destroy on every injected
# failure, SIGINT mid-load, and finally the RAM image the Xen path wrote
# boots the Debian kernel under QEMU with the BIOS variant of our firmware
# to the same userspace marker as 'preview'.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/xen-ram-boot.sh"
tap_require_testdata amd64/vmlinuz busybox-amd64 memtest86+x64.bin
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
command -v strace >/dev/null || tap_bail "strace is needed (apt-get install strace)"
T=$KBOOT_TESTDATA
B=$KBOOT_TOP_BUILDDIR
shim=$B/tests/xenshim/.libs/libxenshim.so
[ -f "$shim" ] || tap_bail "$shim is missing: build with 'make check'"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-xen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh" "$T/busybox-amd64" "$tmp/initrd.gz" 1000000 ||
	tap_bail "cannot build the initrd"

# domain NAME KERNEL MEMORY_MIB [MODE [FEATURES [VCPUS]]]
domain() {
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <memory unit='MiB'>$3</memory>
  <vcpu>${6:-1}</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$2</kernel>
    <initrd>$tmp/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet kboot.test=xen-path</cmdline>
  </os>
  <features>${5-<pae/>}</features>
  ${4:+<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='$4'/></metadata>}
</domain>
XML
}
domain guest "$T/amd64/vmlinuz" 256 > "$tmp/guest.xml"
domain memtest "$T/memtest86+x64.bin" 256 > "$tmp/memtest.xml"
domain big "$T/amd64/vmlinuz" 5120 > "$tmp/big.xml"
domain nopae "$T/amd64/vmlinuz" 256 "" "<acpi/><apic/>" > "$tmp/nopae.xml"
domain smp "$T/amd64/vmlinuz" 256 "" "<pae/>" 2 > "$tmp/smp.xml"
domain smpdm "$T/amd64/vmlinuz" 256 device-model "<pae/>" 2 > "$tmp/smpdm.xml"
pae_line="xen-kboot: $tmp/nopae.xml:7: <kernel>: $T/amd64/vmlinuz: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>"
vcpu_line() { # FILE
	printf '%s' "xen-kboot: warning: $1:4: <vcpu>2</vcpu> without <acpi/> in <features>: direct boot then gives the guest no ACPI tables and xen-kboot builds no MP tables, so it will see 1 CPU (and power off only by halting); add <acpi/> for all vCPUs"
}

# ---- no hypervisor: the real libraries --------------------------------------

nohv="xen-kboot: no Xen hypervisor: cannot open /dev/xen/privcmd (is this dom0?)"
if [ -e /dev/xen/privcmd ]; then
	tap_bail "this machine has /dev/xen/privcmd: these tests are for a machine without Xen"
fi
tap_run strace -f -o "$tmp/strace" -e trace=open,openat,creat,mkdir,unlink \
	"$XEN_KBOOT" create "$tmp/guest.xml"
[ "$tap_status" -eq 1 ] && [ "$tap_err" = "$nohv" ] && [ -z "$tap_out" ]
tap_result $? "no hypervisor: create exits 1 with exactly the no-hypervisor line" "status $tap_status: $tap_err"
! grep -E 'O_CREAT|O_WRONLY|creat\(|mkdir\(|unlink\(' "$tmp/strace" > "$tmp/writes"
tap_result $? "no hypervisor: nothing created or written" "$(cat "$tmp/writes")"
grep -q '/dev/xen/privcmd' "$tmp/strace" && grep -q "$T/amd64/vmlinuz" "$tmp/strace"
tap_result $? "no hypervisor: the kernel was validated before Xen was asked"
tap_expect "no hypervisor: list says so" 1 "" "$nohv" "$XEN_KBOOT" list
tap_expect "no hypervisor: destroy says so" 1 "" "$nohv" "$XEN_KBOOT" destroy guest
tap_expect "a refused kernel is refused before Xen: its reason, not the hypervisor" 1 "" \
	"*memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0*" \
	"$XEN_KBOOT" create "$tmp/memtest.xml"

# A 64-bit kernel without <pae/> would halt with nothing said: refused
# before Xen, in both modes.
tap_expect "64-bit kernel without <pae/>: refused before Xen, the rule named" 1 "" \
	"$pae_line" "$XEN_KBOOT" create "$tmp/nopae.xml"
tap_expect "64-bit kernel without <pae/>, --mode device-model: refused too" 1 "" \
	"$pae_line" "$XEN_KBOOT" create --mode device-model "$tmp/nopae.xml"

# Refused before Xen, each with its own message.
cat > "$tmp/pv.xml" <<XML
<domain type='xen'><name>pv</name><memory unit='MiB'>256</memory>
<os><type>xen</type><kernel>$T/amd64/vmlinuz</kernel></os></domain>
XML
tap_expect "a PV domain is refused: create starts HVM domains" 1 "" \
	"xen-kboot: $tmp/pv.xml: xen-kboot create starts HVM domains with a <kernel> in <os>; this one is xen: start it with 'virsh create' or 'xl create'" \
	"$XEN_KBOOT" create "$tmp/pv.xml"
tap_expect "create --mode bogus is a usage error" 2 "" \
	"xen-kboot create: --mode 'bogus': use direct or device-model
Try 'xen-kboot create --help' for more information." \
	"$XEN_KBOOT" create --mode bogus "$tmp/guest.xml"
tap_expect "create without a domain is a usage error" 2 "" \
	"xen-kboot create: no domain XML given
Try 'xen-kboot create --help' for more information." "$XEN_KBOOT" create
tap_expect "destroy of two domains is a usage error" 2 "" \
	"xen-kboot destroy: one domain at a time
Try 'xen-kboot destroy --help' for more information." "$XEN_KBOOT" destroy a b
tap_expect "list with an argument is a usage error" 2 "" \
	"xen-kboot list: takes no arguments
Try 'xen-kboot list --help' for more information." "$XEN_KBOOT" list x
tap_expect "create --help names the steps" 0 "*read back the memory layout Xen built*" "" \
	"$XEN_KBOOT" create --help

# ---- the shim ---------------------------------------------------------------

log=$tmp/calls.log
# fresh_host NAME: a new fake host, whose first domain gets id 1 (the shim,
# as Xen, does not give a destroyed domain's id to the next one).
fresh_host() { state=$tmp/host-$1; mkdir -p "$state"; }
fresh_host first
# xk [FAULTS] ARGS...: xen-kboot against the shim, faults in XENSHIM_FAIL;
# the monitors create leaves (tests/xen-lifecycle.sh) log in $tmp/logs.
mkdir -p "$tmp/logs"
xk() {
	fail=$1; shift
	env LD_PRELOAD="$shim" XENSHIM_STATE="$state" XENSHIM_LOG="$log" \
		XENSHIM_FAIL="$fail" XEN_KBOOT_LOG_DIR="$tmp/logs" "$XEN_KBOOT" "$@"
}
# The calls logged, one name per line, in order.
calls() { awk '{ print $1 }' "$log"; }
no_domains() { [ -z "$(find "$state" -mindepth 1 -name 'domain-*' -print -quit)" ]; }
# first_line PATTERN: the line number of the first log line matching.
first_line() { grep -n -m1 -e "$1" "$log" | cut -d: -f1; }
last_line() { grep -n -e "$1" "$log" | tail -n 1 | cut -d: -f1; }

: > "$log"
tap_expect "shim, hypervisor absent: the same message" 1 "" "$nohv" xk hypervisor create "$tmp/guest.xml"
no_domains
tap_result $? "shim, hypervisor absent: no domain"
: > "$log"
tap_expect "a refused kernel: Xen is never called" 1 "" "*relocatable_kernel is 0*" \
	xk "" create "$tmp/memtest.xml"
[ ! -s "$log" ]
tap_result $? "a refused kernel: no call logged" "$(cat "$log")"

for m in direct device-model; do
	: > "$log"
	tap_expect "shim, $m: 64-bit kernel without <pae/> refused" 1 "" "$pae_line" \
		xk "" create --mode "$m" "$tmp/nopae.xml"
	[ ! -s "$log" ] && no_domains
	tap_result $? "shim, $m: no <pae/>, Xen is never called" "$(cat "$log")"
done

# <vcpu>2</vcpu>: one warning line in direct mode, none in device-model
# mode (hvmloader's tables list every vCPU); the domain starts either way.
tap_expect "create, direct, <vcpu>2</vcpu>: the warning, then the domain" 0 "1" \
	"$(vcpu_line "$tmp/smp.xml")" xk "" create --paused "$tmp/smp.xml"
xk "" destroy smp
tap_expect "create --mode device-model, <vcpu>2</vcpu>: no warning" 0 "2" "" \
	xk "" create --paused --mode device-model "$tmp/smp.xml"
xk "" destroy smp
tap_expect "create, metadata device-model, <vcpu>2</vcpu>: no warning" 0 "3" "" \
	xk "" create --paused "$tmp/smpdm.xml"
xk "" destroy smpdm
tap_expect "create --mode direct over metadata device-model: the warning" 0 "4" \
	"$(vcpu_line "$tmp/smpdm.xml")" xk "" create --paused --mode direct "$tmp/smpdm.xml"
xk "" destroy smpdm
no_domains
tap_result $? "the <vcpu> domains are gone"
fresh_host second

# create --paused: the sequence, and the domain stays paused.
: > "$log"
tap_expect "create --paused prints the domain id" 0 "1" "" xk "" create --paused "$tmp/guest.xml"
c=$(first_line '^libxl_domain_create_new')
u=$(first_line '^libxl_userdata_store domid=1 userid=xen-kboot')
h=$(first_line '^xenforeignmemory_map domid=1 pages=1 first_pfn=0x9f$')
g=$(first_line '^xc_domain_hvm_getcontext_partial domid=1 typecode=2')
w=$(first_line '^xenforeignmemory_map domid=1 pages=[0-9]* first_pfn=0x200$')
[ -n "$c" ] && [ -n "$u" ] && [ -n "$h" ] && [ -n "$g" ] && [ -n "$w" ] &&
	[ "$c" -lt "$u" ] && [ "$u" -lt "$h" ] && [ "$h" -lt "$g" ] && [ "$g" -lt "$w" ]
tap_result $? "create, record, read hvm_info, read EBX, then write the kernel at 0x200000, in that order" "$(cat "$log")"
grep -q "^libxl_domain_create_new domid=1 name=guest type=hvm firmware=$B/firmware/xen-kboot-fw.elf kernel=- " "$log"
tap_result $? "direct mode: libxl gets our firmware and no kernel for QEMU" "$(grep create_new "$log")"
! grep -q '^libxl_domain_unpause' "$log"
tap_result $? "--paused: never unpaused"
maps=$(grep -c '^xenforeignmemory_map' "$log")
unmaps=$(grep -c '^xenforeignmemory_unmap' "$log")
[ "$maps" -eq "$unmaps" ]
tap_result $? "every mapping is unmapped ($maps maps, $unmaps unmaps)"
# 8 MiB of kernel and 1 MiB of initrd: a map per 4 MiB, not per page.
big_maps=$(grep -c '^xenforeignmemory_map .* pages=1024 ' "$log")
max_pages=$(sed -n 's/^xenforeignmemory_map .* pages=\([0-9]*\) .*/\1/p' "$log" | sort -n | tail -n 1)
[ "$big_maps" -ge 1 ] && [ "$max_pages" -le 1024 ] && [ "$maps" -le 12 ]
tap_result $? "large batches: $maps maps in all, $big_maps of 1024 pages, none larger" "max $max_pages"
tap_expect "list shows it paused" 0 "*1*guest*paused*" "" xk "" list
tap_expect "list --long shows its kernel" 0 "*kernel=$T/amd64/vmlinuz*" "" xk "" list --long

# The bytes Xen's path wrote: the kernel's setup header at 0x200000 + its
# protected-mode code, the handoff block.  Then boot the image.
ram=$state/domain-1/ram
[ -f "$ram" ] && [ "$(stat -c %s "$ram")" -eq $((248 * 1024 * 1024)) ]
tap_result $? "the domain's RAM is 248 MiB (256 MiB less libxl's 8 MiB of video RAM)" "$(ls -la "$state"/domain-1 2>&1)"
[ "$(od -An -tx4 -j 4096 -N 4 "$ram" | tr -d ' ')" = "4f484b42" ]
tap_result $? "the handoff block (magic 0x4f484b42) is at 0x1000"
[ "$(dd if="$ram" bs=4096 skip=2 count=1 2>/dev/null | dd bs=1 skip=$((0x202)) count=4 2>/dev/null)" = "HdrS" ]
tap_result $? "boot_params at 0x2000 carry the kernel's header"

xen_ram_boot "$ram" $((248 * 1024 * 1024)) "$tmp/xen-path.out"
status=$?
tr -d '\r' < "$tmp/xen-path.out" > "$tmp/xen-path.clean"
tap_result $status "the Xen path's RAM image boots under QEMU and powers off" "$(tail -n 20 "$tmp/xen-path.clean")"
grep -q '^KBOOT-MARKER: userspace reached' "$tmp/xen-path.clean"
tap_result $? "the Xen path's image reaches the userspace marker" "$(tail -n 5 "$tmp/xen-path.clean")"
grep -q '^KBOOT-CMDLINE: console=ttyS0 panic=-1 quiet kboot.test=xen-path$' "$tmp/xen-path.clean"
tap_result $? "the guest saw the domain's command line"
got=$(sed -n 's/^KBOOT-PAYLOAD: //p' "$tmp/xen-path.clean")
[ -n "$got" ] && [ "$got" = "$(cat "$tmp/initrd.gz.sha256")" ]
tap_result $? "the initrd arrived intact (payload checksum)" "got '$got'"
sed -n 's/^KBOOT-E820: //p' "$tmp/xen-path.clean" > "$tmp/xen-path.e820"
grep -q '^0x100000 0xf7fffff System RAM$' "$tmp/xen-path.e820" &&
	grep -q '^0xfc000000 0xffffffff Reserved$' "$tmp/xen-path.e820"
tap_result $? "the kernel saw the xen-hvm e820 (RAM to 248 MiB, hvmloader's reserved top)" "$(cat "$tmp/xen-path.e820")"

: > "$log"
tap_expect "destroy by name" 0 "" "" xk "" destroy guest
grep -q '^libxl_domain_destroy domid=1$' "$log" && no_domains
tap_result $? "destroy: libxl destroyed it, its memory is gone"
tap_expect "list is empty again" 0 "ID*Name*" "" xk "" list
case $tap_out in *guest*) s=1 ;; *) s=0 ;; esac
tap_result $s "list no longer shows it"

# create without --paused: unpaused after the last write.
fresh_host running
: > "$log"
tap_expect "create (running)" 0 "1" "" xk "" create "$tmp/guest.xml"
p=$(first_line '^libxl_domain_unpause domid=1$')
m=$(last_line '^xenforeignmemory_unmap')
w=$(first_line '^libxl_evenable_domain_death domid=1$')
[ -n "$p" ] && [ -n "$m" ] && [ -n "$w" ] && [ "$m" -lt "$p" ] && [ "$p" -lt "$w" ] &&
	[ "$(grep -c '^libxl_domain_unpause' "$log")" -eq 1 ]
tap_result $? "unpaused once, after the last write, then watched by its monitor" "$(tail -n 5 "$log")"
tap_expect "list shows it running" 0 "*1*guest*running*" "" xk "" list
tap_expect "a second domain of the same name is refused by libxl" 1 "" \
	"*creating domain 'guest' failed: libxl_domain_create_new: libxl error*" xk "" create "$tmp/guest.xml"
tap_expect "destroy by id" 0 "" "" xk "" destroy 1
no_domains
tap_result $? "destroy by id: nothing left"

# destroy refuses what is not ours or not there.
tap_expect "destroy Domain-0 refused" 1 "" "*domain 'Domain-0' (id 0) was not started by xen-kboot*" \
	xk "" destroy Domain-0
tap_expect "destroy an unknown name" 1 "" "*no domain named 'nosuch'*" xk "" destroy nosuch
tap_expect "destroy an unknown id" 1 "" "*no domain with id 42*" xk "" destroy 42

# device-model mode: libxl gets the kernel, we write nothing.
fresh_host device-model
: > "$log"
tap_expect "create --mode device-model" 0 "1" "" xk "" create --mode device-model "$tmp/guest.xml"
grep -q "^libxl_domain_create_new domid=1 name=guest type=hvm firmware=- kernel=$T/amd64/vmlinuz " "$log" &&
	! grep -q '^xenforeignmemory_map' "$log" && grep -q '^libxl_domain_unpause domid=1$' "$log"
tap_result $? "device-model: kernel handed to libxl, no guest memory written" "$(cat "$log")"
xk "" destroy guest

# <emulator>: create loads the kernel itself, so a domain naming
# xen-kboot-dm gets libxl's plain qemu-xen; another emulator is kept.
with_emulator() { # EMULATOR
	sed "s|</domain>|<devices><emulator>$1</emulator></devices></domain>|" "$tmp/guest.xml"
}
with_emulator /usr/lib/xen-kboot/xen-kboot-dm > "$tmp/dm.xml"
with_emulator /usr/lib/xen-4.17/bin/qemu-system-i386 > "$tmp/qemu.xml"
fresh_host emulator
: > "$log"
tap_expect "create, <emulator> xen-kboot-dm: direct" 0 "1" "" xk "" create --paused "$tmp/dm.xml"
grep -q "^libxl_domain_create_new domid=1 name=guest type=hvm firmware=$B/firmware/xen-kboot-fw.elf kernel=- device_model=- " "$log" &&
	grep -q '^xenforeignmemory_map domid=1 pages=[0-9]* first_pfn=0x200$' "$log"
tap_result $? "xen-kboot-dm: our firmware, the kernel loaded by create, no device_model for libxl" "$(grep create_new "$log")"
xk "" destroy guest
: > "$log"
tap_expect "create --mode device-model, <emulator> xen-kboot-dm" 0 "2" "" \
	xk "" create --paused --mode device-model "$tmp/dm.xml"
grep -q "^libxl_domain_create_new domid=2 name=guest type=hvm firmware=- kernel=$T/amd64/vmlinuz device_model=- " "$log"
tap_result $? "device-model: the kernel for libxl's qemu-xen, not xen-kboot-dm" "$(grep create_new "$log")"
xk "" destroy guest
: > "$log"
tap_expect "create, another <emulator>: direct" 0 "3" "" xk "" create --paused "$tmp/qemu.xml"
grep -q "^libxl_domain_create_new domid=3 name=guest type=hvm firmware=$B/firmware/xen-kboot-fw.elf kernel=- device_model=/usr/lib/xen-4.17/bin/qemu-system-i386 " "$log"
tap_result $? "another emulator stays the domain's device model" "$(grep create_new "$log")"
xk "" destroy guest
no_domains
tap_result $? "the <emulator> domains are gone"

# RAM above 4 GiB: the high block is mapped and the plan checked against it.
fresh_host big
: > "$log"
tap_expect "create a 5 GiB domain" 0 "1" "" xk "" create --paused "$tmp/big.xml"
tap_expect "its list entry" 0 "*big*paused*" "" xk "" list
xk "" destroy big
no_domains
tap_result $? "5 GiB domain destroyed"

# ---- failures: each destroys the domain and names its step -----------------

# fault EXPECTED-STDERR-GLOB [DESTROYED]: create with XENSHIM_FAIL=fault.
fault() {
	f=$1 glob=$2 destroyed=${3:-yes}
	fresh_host "fault-$f"
	: > "$log"
	tap_expect "fault $f: create fails naming the step" 1 "" "$glob" xk "$f" create "$tmp/guest.xml"
	if [ "$destroyed" = yes ]; then
		grep -q '^libxl_domain_destroy domid=1$' "$log" && no_domains
		tap_result $? "fault $f: the domain was destroyed, nothing left" "$(tail -n 5 "$log"; ls "$state")"
	else
		! grep -q '^libxl_domain_destroy' "$log" && no_domains
		tap_result $? "fault $f: no domain was made, none to destroy" "$(tail -n 5 "$log")"
	fi
}
fault create "xen-kboot: $tmp/guest.xml: creating domain 'guest' failed: libxl_domain_create_new: libxl error -3 (fail)*" no
fault userdata "*domain 'guest' (id 1): recording the domain as xen-kboot's failed: libxl_userdata_store: libxl error*; the domain was destroyed"
fault getcontext "*domain 'guest' (id 1): reading the memory layout Xen built failed: reading vCPU 0's registers*; the domain was destroyed"
fault map:9 "*domain 'guest' (id 1): loading kernel, initrd and boot_params into guest memory failed: *mapping 1 page at guest frame 0x2 failed: Cannot allocate memory; the domain was destroyed"
fault map-pfn:0x300 "*loading kernel, initrd and boot_params into guest memory failed: *guest frame 0x300 (address 0x300000) cannot be mapped*; the domain was destroyed"
fault unmap:6 "*loading kernel, initrd and boot_params into guest memory failed: *unmapping guest memory at*; the domain was destroyed"
fault unpause "*domain 'guest' (id 1): unpausing the domain failed: libxl_domain_unpause: libxl error -3 (fail)*; the domain was destroyed"

# When destroying fails too, the message says how to clean up by hand.
fresh_host destroy-fails
: > "$log"
tap_expect "unpause and destroy both fail: the admin is told what to run" 1 "" \
	"*unpausing the domain*destroying it failed too (libxl error -3): remove it with 'xl destroy 1'" \
	xk unpause,destroy create "$tmp/guest.xml"
xk "" destroy 1 && no_domains
tap_result $? "... and 'xen-kboot destroy 1' then removes it"

# SIGINT in the middle of the load: exit 130, the domain destroyed.
fresh_host sigint
: > "$log"
tap_expect "SIGINT mid-load: exit 130 naming the signal and the step" 130 "" \
	"*domain 'guest' (id 1): interrupted by signal 2 (Interrupt) during loading kernel, initrd and boot_params into guest memory; the domain was destroyed" \
	xk signal-map:5 create "$tmp/guest.xml"
grep -q '^libxl_domain_destroy domid=1$' "$log" && ! grep -q '^libxl_domain_unpause' "$log" && no_domains
tap_result $? "SIGINT mid-load: destroyed, never unpaused, nothing left" "$(tail -n 5 "$log")"
[ "$(grep -c '^xenforeignmemory_map' "$log")" -le 6 ]
tap_result $? "SIGINT mid-load: the load stopped at the next window"

tap_done
