#!/bin/sh
# xen-kboot-dm, the device model libvirt and xl start for a direct-boot
# domain, against tests/xenshim (no Xen here; the real run is
# tests/xen/in-dom0.sh).  A domain is built as libxl builds it for
# qemu-xen (hvmloader stand-in, SeaBIOS module, start_info; 'xen-kboot
# create --mode device-model --paused' through the shim), then
# xen-kboot-dm is started with the arguments libxl gives qemu-xen.  A
# stand-in for qemu-xen records what it is given.
#
# Proven here: which invocations pass through untouched (and touch no
# Xen interface), the load (bytes in guest memory, vCPU 0's entry, large
# batches, the RAM image booting to userspace under QEMU with the BIOS
# variant of the firmware), the arguments the real device model gets,
# every refusal and injected fault ending with exit status 1, one line
# naming the domain, and the real device model never started.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/xen-ram-boot.sh"
tap_require_testdata amd64/vmlinuz busybox-amd64 memtest86+x64.bin
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
B=$KBOOT_TOP_BUILDDIR
DM=$B/tools/xen-kboot-dm
FW=$B/firmware/xen-kboot-fw.elf
shim=$B/tests/xenshim/.libs/libxenshim.so
[ -f "$shim" ] || tap_bail "$shim is missing: build with 'make check'"
[ -x "$DM" ] || tap_bail "$DM is missing: build with the Xen libraries"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-dm.XXXXXX")
# The hook's records for xen-kboot-dm (never /run's).
export XEN_KBOOT_RUN_DIR="$tmp/run"
trap 'rm -rf "$tmp"' EXIT

"$KBOOT_TOP_SRCDIR/tests/boot/make-initrd.sh" "$T/busybox-amd64" "$tmp/initrd.gz" 1000000 ||
	tap_bail "cannot build the initrd"
cmdline="console=ttyS0 panic=-1 quiet kboot.test=xen-dm"

# The domain libxl builds for qemu-xen: hvmloader is its firmware.
cat > "$tmp/guest.xml" <<XML
<domain type='xen'>
  <name>guest</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <initrd>$tmp/initrd.gz</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><pae/></features>
  <metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/></metadata>
</domain>
XML

# The stand-in qemu-xen: its arguments, one a line, then exit $FAKE_STATUS.
cat > "$tmp/qemu-xen" <<'SH'
#!/bin/sh
printf '%s\n' "$@" > "$FAKE_ARGS"
exit "${FAKE_STATUS:-0}"
SH
chmod +x "$tmp/qemu-xen"
printf '[device-model]\nqemu-xen = %s\n' "$tmp/qemu-xen" > "$tmp/dm.conf"

log=$tmp/xenshim.log
host() { state=$tmp/host-$1; mkdir -p "$state"; : > "$log"; rm -f "$tmp/args"; }
# dm [FAULTS] ARGS...: xen-kboot-dm against the shim.
dm() {
	fail=$1; shift
	env LD_PRELOAD="$shim" XENSHIM_STATE="$state" XENSHIM_LOG="$log" \
		XENSHIM_FAIL="$fail" XEN_KBOOT_DM_CONF="$tmp/dm.conf" FAKE_ARGS="$tmp/args" \
		"$DM" "$@"
}
# build [XML]: a domain as libxl builds it for qemu-xen, paused; its id is 1.
build() {
	env LD_PRELOAD="$shim" XENSHIM_STATE="$state" XENSHIM_LOG="$tmp/build.log" \
		"$XEN_KBOOT" create --paused --no-monitor --mode device-model "${1:-$tmp/guest.xml}" \
		> /dev/null 2> "$tmp/build.err" || tap_bail "building the domain failed: $(cat "$tmp/build.err")"
}
# libxl_args DOMID [KERNEL [INITRD [APPEND]]]: libxl 4.17's arguments for
# an HVM domain's qemu-xen (measured; ../shared/DESIGN.md).
libxl_args() {
	set -- "$1" "${2-}" "${3-}" "${4-}"
	printf '%s\n' -xen-domid "$1" -no-shutdown \
		-chardev "socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-$1,server=on,wait=off" \
		-mon chardev=libxl-cmd,mode=control -nodefaults -no-user-config -name guest \
		-vnc none -display none
	[ -z "$2" ] || printf '%s\n' -kernel "$2"
	[ -z "$3" ] || printf '%s\n' -initrd "$3"
	[ -z "$4" ] || printf '%s\n' -append "$4"
	printf '%s\n' -serial pty -nographic -boot order=c -net none \
		-machine xenfv,suppress-vmdesc=on -m 248
}
# run_libxl FAULTS DOMID [KERNEL [INITRD [APPEND]]]: xen-kboot-dm with them.
run_libxl() {
	f=$1; shift
	libxl_args "$@" > "$tmp/argv"
	# One argument a line; none of them holds a newline.
	set -f; old_ifs=$IFS; IFS='
'
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/argv")
	IFS=$old_ifs; set +f
	tap_run dm "$f" "$@"
}
ram() { echo "$state/domain-1/ram"; }
# bytes ADDR COUNT: guest memory of domain 1 as hex.
bytes() { od -An -tx1 -v -j "$(($1))" -N "$2" "$(ram)" | tr -d ' \n'; }
not_started() { [ ! -e "$tmp/args" ]; }
no_xen_calls() { [ ! -s "$log" ]; }
untouched() { ! grep -q '^xc_domain_hvm_setcontext' "$log" && [ "$(cat "$state/domain-1/rip")" = 0x100000 ] &&
	[ "$(bytes 0x100000 8)" = "$(printf HVMLOADR | od -An -tx1 | tr -d ' \n')" ]; }

# ---- its own options ----------------------------------------------------------
tap_expect "--help: what it is, the real device model, the configuration file" 0 \
	"Usage: xen-kboot-dm QEMU-ARGUMENT...*<emulator>*xen-kboot-dm</emulator>*Real device model: /*dm.conf*Exit status*" "" \
	"$DM" --help
tap_expect "--version" 0 "xen-kboot-dm * (real device model /*)" "" "$DM" --version

# ---- untouched: everything but an HVM domain's kernel --------------------------
host pass
build
tap_expect "libvirt's -help probe: the real device model's output and status" 3 "" "" \
	env FAKE_STATUS=3 LD_PRELOAD="$shim" XENSHIM_STATE="$state" XENSHIM_LOG="$log" \
	XEN_KBOOT_DM_CONF="$tmp/dm.conf" FAKE_ARGS="$tmp/args" "$DM" -help
[ "$(cat "$tmp/args")" = "-help" ] && no_xen_calls
tap_result $? "-help: passed on exactly, no Xen interface opened" "$(cat "$tmp/args" "$log")"

rm -f "$tmp/args"
run_libxl "" 1
[ "$tap_status" -eq 0 ] && [ -z "$tap_err" ] && cmp -s "$tmp/argv" "$tmp/args" && no_xen_calls && untouched
tap_result $? "an HVM domain without -kernel: qemu-xen gets libxl's arguments unchanged, nothing loaded" \
	"status $tap_status: $tap_err$(diff "$tmp/argv" "$tmp/args")"

rm -f "$tmp/args"
tap_run dm "" -xen-domid 1 -xen-attach -name guest -machine xenpv -kernel /k
[ "$tap_status" -eq 0 ] && [ "$(tr '\n' ' ' < "$tmp/args")" = "-xen-domid 1 -xen-attach -name guest -machine xenpv -kernel /k " ] &&
	no_xen_calls && untouched
tap_result $? "a PV domain's back-ends (-xen-attach, xenpv): untouched, -kernel included" "$tap_err"

# ---- the load ------------------------------------------------------------------
run_libxl "" 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
[ "$tap_status" -eq 0 ]
tap_result $? "direct boot: exits with the real device model's status, 0" "status $tap_status: $tap_err"
libxl_args 1 > "$tmp/want"
cmp -s "$tmp/want" "$tmp/args"
tap_result $? "the real device model gets libxl's arguments without -kernel, -initrd and -append, in order" \
	"$(diff "$tmp/want" "$tmp/args")"
printf '%s\n' "$tap_err" > "$tmp/err"
grep -q "^xen-kboot-dm: domain 'guest' (id 1): direct boot of $T/amd64/vmlinuz, initrd $tmp/initrd.gz, command line \"$cmdline\"$" "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): loaded [0-9.]* MiB in [0-9]* maps in [0-9.]* s ([0-9]* MiB/s); kernel at 0x200000, initrd at 0x[0-9a-f]*, guest RAM 248 MiB$" "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): vCPU 0 enters xen-kboot's firmware at 0x100000 instead of hvmloader; ACPI tables for 1 vCPU$" "$tmp/err" &&
	grep -q "^xen-kboot-dm: running $tmp/qemu-xen without -kernel, -initrd and -append$" "$tmp/err" &&
	[ "$(wc -l < "$tmp/err")" -eq 4 ]
tap_result $? "the qemu-dm log gets four lines: what, how long, where vCPU 0 starts, what runs next" "$tap_err"
grep -q '^xc_domain_hvm_setcontext domid=1 rip=0x100000 rbx=0x174000 cr0=0x11$' "$log" &&
	[ "$(grep -c '^xc_domain_hvm_setcontext' "$log")" -eq 1 ]
tap_result $? "vCPU 0: only RIP set, to the firmware's entry; EBX (start_info) and CR0 as the builder left them" \
	"$(grep context "$log")"
# Xen's own PM1a event block and timer moved to where the FADT says
# (HVM_PARAM_ACPI_IOPORTS_LOCATION, 19), before vCPU 0 is redirected.
p=$(grep -n '^xc_hvm_param_set domid=1 param=19 value=0x1$' "$log" | cut -d: -f1)
s=$(grep -n -m1 '^xc_domain_hvm_setcontext' "$log" | cut -d: -f1)
[ -n "$p" ] && [ -n "$s" ] && [ "$p" -lt "$s" ] && [ "$(cat "$state/domain-1/param-19")" = 0x1 ]
tap_result $? "Xen's ACPI PM ports are set to the tables' (HVM_PARAM_ACPI_IOPORTS_LOCATION = 1) before vCPU 0 moves" \
	"$(grep -e param -e context "$log")"
# The ACPI tables: in low memory, RSDP first, named in boot_params (0x070).
bp=$(od -An -tu4 -j $((0x1010)) -N 4 "$(ram)" | tr -d ' ')
rsdp=$(od -An -tx8 -j $((bp + 0x70)) -N 8 "$(ram)" | tr -d ' ')
[ -n "$rsdp" ] && [ "$((0x$rsdp))" -ge $((0x2000)) ] && [ "$((0x$rsdp))" -lt $((0x9f000)) ] &&
	[ "$(bytes "0x$rsdp" 8)" = "$(printf 'RSD PTR ' | od -An -tx1 | tr -d ' \n')" ]
tap_result $? "boot_params' acpi_rsdp_addr (0x$rsdp) holds the RSDP" "boot_params at $bp"

m=$(grep -n '^xenforeignmemory_unmap' "$log" | tail -n 1 | cut -d: -f1)
[ -n "$s" ] && [ -n "$m" ] && [ "$m" -lt "$s" ]
tap_result $? "vCPU 0 is redirected after the last write to guest memory"
maps=$(grep -c '^xenforeignmemory_map' "$log")
unmaps=$(grep -c '^xenforeignmemory_unmap' "$log")
max_pages=$(sed -n 's/^xenforeignmemory_map .* pages=\([0-9]*\) .*/\1/p' "$log" | sort -n | tail -n 1)
[ "$maps" -eq "$unmaps" ] && [ "$max_pages" -eq 1024 ] && [ "$maps" -le 16 ]
tap_result $? "large batches: $maps maps (each unmapped), up to 1024 pages each" "max $max_pages"

# Guest memory: our firmware over hvmloader's start, byte for byte; the
# SeaBIOS module and the start_info left alone; the handoff block.
off=$(readelf -lW "$FW" | awk '$1 == "LOAD" { print $2; exit }')
filesz=$(readelf -lW "$FW" | awk '$1 == "LOAD" { print $5; exit }')
want=$(od -An -tx1 -v -j "$((off))" -N "$((filesz))" "$FW" | tr -d ' \n')
[ -n "$want" ] && [ "$(bytes 0x100000 "$((filesz))")" = "$want" ]
tap_result $? "xen-kboot's firmware ($((filesz)) bytes) is at 0x100000, where hvmloader was"
[ "$(bytes 0x134000 8)" = "$(printf 'SEABIOS!' | od -An -tx1 | tr -d ' \n')" ] &&
	[ "$(bytes 0x174000 4)" = "78c56e33" ]
tap_result $? "the SeaBIOS module (0x134000) and the hvm_start_info (0x174000) are untouched"
[ "$(bytes 0x1000 4)" = "424b484f" ]
tap_result $? "the handoff block (KBHO) is at 0x1000"

xen_ram_boot "$(ram)" $((248 * 1024 * 1024)) "$tmp/boot.out"
status=$?
tr -d '\r' < "$tmp/boot.out" > "$tmp/boot.clean"
grep -q '^KBOOT-MARKER: userspace reached' "$tmp/boot.clean"
tap_result $? "the guest memory xen-kboot-dm wrote boots to userspace (QEMU, BIOS firmware; status $status)" \
	"$(tail -n 20 "$tmp/boot.clean")"
grep -q "^KBOOT-CMDLINE: $cmdline\$" "$tmp/boot.clean"
tap_result $? "the guest saw -append's command line exactly"
got=$(sed -n 's/^KBOOT-PAYLOAD: //p' "$tmp/boot.clean")
[ -n "$got" ] && [ "$got" = "$(cat "$tmp/initrd.gz.sha256")" ]
tap_result $? "the initrd arrived intact (payload checksum)" "got '$got'"

# ---- the fast boot path: boot-path = fast in dm.conf ---------------------------
# Every domain's kernel decompressed here, cached, and entered decompressed
# (in long mode: Debian's amd64 kernel).
host fast
build
printf '[device-model]\nqemu-xen = %s\nboot-path = fast\nkernel-cache = %s\n' \
	"$tmp/qemu-xen" "$tmp/kcache" > "$tmp/dm.conf"
run_libxl "" 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
printf '[device-model]\nqemu-xen = %s\n' "$tmp/qemu-xen" > "$tmp/dm.conf"
[ "$tap_status" -eq 0 ] && printf '%s\n' "$tap_err" > "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): fast boot of $T/amd64/vmlinuz, initrd $tmp/initrd.gz, " "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): loaded [0-9.]* MiB in [0-9]* maps in [0-9.]* s ([0-9]* MiB/s); kernel at 0x1000000, initrd at 0x[0-9a-f]*, guest RAM 248 MiB$" "$tmp/err"
tap_result $? "dm.conf boot-path = fast: exits 0; the log says the fast boot and the kernel at 16 MiB" \
	"status $tap_status: $tap_err"
[ "$(find "$tmp/kcache" -type f | wc -l)" -eq 1 ]
tap_result $? "dm.conf kernel-cache: the decompressed kernel is cached there" "$(ls -la "$tmp/kcache" 2>&1)"
xen_ram_boot "$(ram)" $((248 * 1024 * 1024)) "$tmp/fast.out"
status=$?
tr -d '\r' < "$tmp/fast.out" > "$tmp/fast.clean"
grep -q '^KBOOT-MARKER: userspace reached' "$tmp/fast.clean" &&
	grep -q '^xen-kboot firmware: entering the decompressed kernel (64-bit, long mode) at 0x01000000 ' "$tmp/fast.clean" &&
	grep -q "^KBOOT-CMDLINE: $cmdline\$" "$tmp/fast.clean"
tap_result $? "the fast path's guest memory boots to userspace, entered in long mode (status $status)" \
	"$(grep -a firmware "$tmp/fast.clean"; tail -n 20 "$tmp/fast.clean")"

# ---- the domain's own path: <kboot:boot path=> through the libvirt hook -------
# libxl passes no metadata: the hook ("prepare begin") records the path for
# the domain's name, xen-kboot-dm (-name guest) follows it over dm.conf's,
# and "release end" removes it.  The real hook command writes the record.
hook_domain() { # PATH-ATTRIBUTE: guest's libvirt XML, with <kboot:boot PATH-ATTRIBUTE/>
	printf '%s' "<domain type='xen'><name>guest</name><memory unit='MiB'>256</memory>" \
		"<os><type>hvm</type><kernel>$T/amd64/vmlinuz</kernel><initrd>$tmp/initrd.gz</initrd>" \
		"<cmdline>$cmdline</cmdline></os><features><pae/></features><metadata>" \
		"<kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' $1/></metadata>" \
		"<devices><emulator>/usr/lib/xen-kboot/xen-kboot-dm</emulator></devices></domain>"
}
record=$XEN_KBOOT_RUN_DIR/domains/guest.boot
# The hook reads xen-kboot-dm's configuration as xen-kboot-dm does.
hook() { XEN_KBOOT_DM_CONF="$tmp/dm.conf" "$XEN_KBOOT" hook "$@"; }
# dm.conf: the direct path (no boot-path), a kernel cache of this section's.
printf '[device-model]\nqemu-xen = %s\nkernel-cache = %s\n' "$tmp/qemu-xen" "$tmp/kcache2" > "$tmp/dm.conf"
hook_domain "path='fast'" | hook guest prepare begin - 2> "$tmp/hook.err"
[ $? -eq 0 ] && [ ! -s "$tmp/hook.err" ] && grep -q -x 'path = fast' "$record" &&
	[ "$(stat -c %a "$record")" = 600 ]
tap_result $? "the hook (prepare begin) records path='fast' for xen-kboot-dm, mode 0600" \
	"$(cat "$tmp/hook.err" "$record" 2>&1)"
[ "$(find "$tmp/kcache2" -type f -name '*.vmlinux' | wc -l)" -eq 1 ]
tap_result $? "the hook ran the fast path's step: the kernel proper is in dm.conf's kernel-cache" \
	"$(ls -la "$tmp/kcache2" 2>&1)"
host record-fast
build
run_libxl "" 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
[ "$tap_status" -eq 0 ] && printf '%s\n' "$tap_err" > "$tmp/err" &&
	grep -q -x -F "xen-kboot-dm: domain 'guest' (id 1): boot path fast, from the domain's <kboot:boot path='fast'/> (the libvirt hook's record $record)" "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): fast boot of $T/amd64/vmlinuz, " "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): loaded .*; kernel at 0x1000000, " "$tmp/err"
tap_result $? "dm.conf says direct, the domain's record fast: the fast boot, and the log says why" \
	"status $tap_status: $tap_err"
hook_domain "path='direct'" | hook guest prepare begin - &&
	grep -q -x 'path = direct' "$record"
tap_result $? "the hook records path='direct' over the record before" "$(cat "$record" 2>&1)"
hook guest release end - < /dev/null && [ ! -e "$record" ]
tap_result $? "the hook (release end) removes the record" "$(ls -la "$record" 2>&1)"
hook_domain "path='fast'" | hook guest prepare begin - && chmod 0666 "$record"
host record-unsafe
build
run_libxl "" 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
[ "$tap_status" -eq 0 ] && printf '%s\n' "$tap_err" > "$tmp/err" &&
	grep -q -x -F "xen-kboot-dm: domain 'guest' (id 1): warning: its boot path record is not used: $record: the boot path file is writable by group or others (mode 0666; chmod go-w it); boot-path of the configuration instead" "$tmp/err" &&
	grep -q "^xen-kboot-dm: domain 'guest' (id 1): direct boot of $T/amd64/vmlinuz, " "$tmp/err"
tap_result $? "a record others could have written is said and passed by: dm.conf's direct boot" \
	"status $tap_status: $tap_err"
hook_domain "mode='direct'" | hook guest prepare begin - && [ ! -e "$record" ]
tap_result $? "the hook removes the record of a domain that no longer says path=" "$(ls -la "$record" 2>&1)"
# A payload that does not decompress: the hook refuses the domain before
# libxl builds it, naming the kernel; no record.  (A byte in the middle of
# the xz stream.)
cp "$T/amd64/vmlinuz" "$tmp/damaged-vmlinuz"
off=$("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" |
	jq '.[0] | .protected_mode_offset + .header.payload_offset + (.header.payload_length / 2 | floor)')
printf '\377\377\377\377' | dd of="$tmp/damaged-vmlinuz" bs=1 seek="$off" conv=notrunc status=none
hook_domain "path='fast'" | sed "s|<kernel>[^<]*</kernel>|<kernel>$tmp/damaged-vmlinuz</kernel>|" \
	> "$tmp/damaged.xml"
tap_run hook guest prepare begin - < "$tmp/damaged.xml"
[ "$tap_status" -eq 1 ] && [ ! -e "$record" ] &&
	case $tap_err in "xen-kboot: domain 'guest': $tmp/damaged-vmlinuz: "*) true ;; *) false ;; esac
tap_result $? "path='fast' and a payload that does not decompress: the hook refuses, naming the kernel; no record" \
	"status $tap_status: $tap_err"
printf '[device-model]\nqemu-xen = %s\n' "$tmp/qemu-xen" > "$tmp/dm.conf"

# ---- refusals and failures: exit 1, one line, no device model -------------------
# refused NAME GLOB [FAULTS] KERNEL [INITRD [APPEND]]: a fresh domain, then
# xen-kboot-dm must exit 1 with the reason and the not-started line, start
# no device model and (with CHECK_UNTOUCHED) leave vCPU 0 to hvmloader.
refused() {
	name=$1 glob=$2 f=$3; shift 3
	host "refuse-$name"
	build
	run_libxl "$f" 1 "$@"
	case $tap_err in
	"xen-kboot-dm: domain 'guest' (id 1): direct boot of "*"
xen-kboot-dm: domain 'guest' (id 1): "$glob"
xen-kboot-dm: domain 'guest' (id 1): not started: the device model exits with status 1 and libxl destroys the domain") s=0 ;;
	*) s=1 ;;
	esac
	[ "$tap_status" -eq 1 ] && [ $s -eq 0 ] && not_started && untouched
	tap_result $? "$name: exit 1, the reason after the domain's name, no device model, vCPU 0 left to hvmloader" \
		"status $tap_status
$tap_err
$(tail -n 3 "$log")"
}
refused "not relocatable (memtest86+)" "$T/memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0*" "" \
	"$T/memtest86+x64.bin"
limit=$("$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" | sed -n 's/.*"cmdline_size" *: *\([0-9]*\).*/\1/p' | head -n 1)
long=$(head -c "$((limit + 1))" /dev/zero | tr '\0' 'x')
refused "command line too long" "$T/amd64/vmlinuz: command line of $((limit + 1)) bytes is longer than the kernel's cmdline_size of $limit bytes*" "" \
	"$T/amd64/vmlinuz" "" "$long"
refused "missing initrd" "$tmp/nosuch*" "" "$T/amd64/vmlinuz" "$tmp/nosuch"
refused "relative kernel path" "-kernel 'vmlinuz' is a relative path: give the absolute path" "" "vmlinuz"
! grep -q . "$log"
tap_result $? "the refusals above were decided before any Xen interface was opened" "$(cat "$log")"
# A newline in a path cannot forge a line in the qemu-dm log.
host newline
build
tap_run dm "" -xen-domid 1 -name guest -machine xenfv -kernel "$tmp/no
such-kernel"
[ "$tap_status" -eq 1 ] && [ "$(printf '%s\n' "$tap_err" | wc -l)" -eq 3 ] &&
	case $tap_err in *"direct boot of $tmp/no\\nsuch-kernel, initrd (none)"*"$tmp/no\\nsuch-kernel"*) true ;; *) false ;; esac
tap_result $? "a newline in -kernel's path: still three log lines, the newline escaped" "$tap_err"
# Xen's side failing: after the domain was read.
refused "fault getcontext" "*reading vCPU 0's registers (xc_domain_hvm_getcontext_partial) failed: Operation not permitted" \
	getcontext "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
refused "fault map:4" "*mapping * failed: Cannot allocate memory" map:4 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
refused "fault getcontext-full" "reading the size of the domain's HVM context (xc_domain_hvm_getcontext) failed: Operation not permitted" \
	getcontext-full "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
refused "SIGINT mid-load" "interrupted by signal 2 (Interrupt) during the load (*interrupted)" signal-map:3 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
# setcontext fails after everything was written: hvmloader's bytes are
# gone, but the domain never runs (libxl destroys it).
host refuse-setcontext
build
run_libxl setcontext 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
[ "$tap_status" -eq 1 ] && not_started &&
	case $tap_err in *"domain 'guest' (id 1): setting vCPU 0's entry (xc_domain_hvm_setcontext) failed: Operation not permitted"*) true ;; *) false ;; esac
tap_result $? "fault setcontext: exit 1 naming the call, no device model" "$tap_err"
# A firmware that would overwrite what Xen loaded (no hvmloader in front
# of the SeaBIOS module): refused, not loaded over it.
host overlap
XENSHIM_HVMLOADER_SIZE=0 build
run_libxl "" 1 "$T/amd64/vmlinuz" "$tmp/initrd.gz" "$cmdline"
[ "$tap_status" -eq 1 ] && not_started && ! grep -q '^xc_domain_hvm_setcontext' "$log" &&
	case $tap_err in *"xen-kboot's firmware (in place of hvmloader) at 0x100000-0x101000 overlaps firmware module (Xen loaded it) at 0x100000-0x140000"*) true ;; *) false ;; esac
tap_result $? "our firmware over the SeaBIOS module: refused, saying which ranges overlap" "$tap_err"
# No such domain.
host nodomain
run_libxl "" 5 "$T/amd64/vmlinuz"
[ "$tap_status" -eq 1 ] && not_started &&
	case $tap_err in *"domain 'guest' (id 5): domain 5: mapping 1 page at guest frame 0x9f failed: No such process"*) true ;; *) false ;; esac
tap_result $? "a domain that does not exist: exit 1, Xen's answer, no device model" "$tap_err"

# ---- the configuration and the real device model -------------------------------
host config
printf '[device-model]\nqemu = /x\n' > "$tmp/bad.conf"
tap_expect "a configuration file with an unknown key: exit 1, file and key named" 1 "" \
	"xen-kboot-dm: $tmp/bad.conf: unknown key 'qemu' in \\[device-model\\]: the keys are qemu-xen, verbose, boot-path, kernel-cache and kernel-cache-size" \
	env XEN_KBOOT_DM_CONF="$tmp/bad.conf" "$DM" -help
printf '[device-model]\nqemu-xen = %s\n' "$tmp/nosuch-qemu" > "$tmp/missing.conf"
tap_expect "a real device model that is not there: exit 127, the path and the key to set" 127 "" \
	"xen-kboot-dm: cannot run the device model $tmp/nosuch-qemu: No such file or directory (set qemu-xen = PATH in \\[device-model\\] of $tmp/missing.conf)" \
	env XEN_KBOOT_DM_CONF="$tmp/missing.conf" "$DM" -help
printf '[device-model]\nqemu-xen = %s\n' "$DM" > "$tmp/self.conf"
tap_expect "qemu-xen naming xen-kboot-dm itself: exit 127 rather than a loop" 127 "" \
	"xen-kboot-dm: the real device model $DM is xen-kboot-dm itself*" \
	env XEN_KBOOT_DM_CONF="$tmp/self.conf" "$DM" -help
tap_expect "no configuration file: the built-in qemu-xen" 0 "*real device model /*" "" \
	env XEN_KBOOT_DM_CONF="$tmp/none.conf" "$DM" --version

tap_done
