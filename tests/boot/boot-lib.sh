# The shared part of the preview boot tests (boot.sh, preview-fast.sh):
# a domain XML for a kernel and initrd, the e820 the plan gives, and one
# boot with the checks every boot gets.  Sourced after tests/tap.sh, with
# $T (the test data), $tmp (a scratch directory holding initrd-ARCH.gz,
# built by make-initrd.sh) and $XEN_KBOOT_RAM_DIR set.

# domain NAME KERNEL INITRD MEMORY_MIB CMDLINE [FEATURES [VCPUS [CURRENT]]]:
# a domain XML on stdout (FEATURES default <pae/>, which a 64-bit kernel
# needs; CURRENT, the vCPUs started, default all of VCPUS).
domain() {
	cmdline=$(printf '%s' "$5" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <memory unit='MiB'>$4</memory>
  <vcpu${8:+ current='$8'}>${7:-1}</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$2</kernel>
    ${3:+<initrd>$3</initrd>}
    <cmdline>$cmdline</cmdline>
  </os>
  <features>${6-<pae/>}</features>
  <on_reboot>destroy</on_reboot>
</domain>
XML
}

# The e820 the plan gives, as /sys/firmware/memmap prints it (jq 1.6
# reads .e820 as a number: hence .["e820"]).
plan_e820() {
	# shellcheck disable=SC2086 # BOOT_OPTS_PLAN is a list of options
	"$XEN_KBOOT" plan --platform qemu-pc --json $BOOT_OPTS_PLAN "$1" | jq -r '.["e820"][] |
		"\(.addr) \(.addr + .size - 1) \(if .type == 1 then "System RAM" else "Reserved" end)"' |
		while read -r start end type; do printf '0x%x 0x%x %s\n' "$start" "$end" "$type"; done
}

# boot ARCH MEMORY_MIB [CMDLINE [KERNEL]]: preview the ARCH kernel (or
# KERNEL) with the ARCH initrd and check what the guest saw against the
# plan.  $BOOT_OPTS: more preview options (e.g. --boot-path fast);
# $BOOT_PREFIX: the domain names' prefix (default boot).
boot() {
	arch=$1 mem=$2
	cmdline=${3:-console=ttyS0 panic=-1 quiet kboot.test=$arch-$mem}
	kernel=${4:-$T/$arch/vmlinuz}
	name="${BOOT_PREFIX:-boot}-$arch-${mem}M${4:+-$(basename "$4")}"
	xml=$tmp/$name.xml
	# The 686 kernel is 32-bit: no <pae/>, as a 32-bit guest may be.
	features='<pae/>'
	[ "$arch" = i386 ] && features=''
	domain "$name" "$kernel" "$tmp/initrd-$arch.gz" "$mem" "$cmdline" "$features" > "$xml"
	out=$tmp/$name.out
	# shellcheck disable=SC2086 # BOOT_OPTS is a list of options
	"$XEN_KBOOT" preview --timeout 180 $BOOT_OPTS "$xml" < /dev/null > "$out" 2> "$tmp/$name.err"
	status=$?
	tr -d '\r' < "$out" > "$out.clean"
	tap_result $status "$name: preview exits 0" "$(tail -n 20 "$out.clean"; cat "$tmp/$name.err")"
	grep -q "^KBOOT-MARKER: userspace reached" "$out.clean"
	tap_result $? "$name: userspace reached" "$(tail -n 5 "$out.clean")"
	got=$(sed -n 's/^KBOOT-CMDLINE: //p' "$out.clean")
	[ "$got" = "$cmdline" ]
	tap_result $? "$name: /proc/cmdline is exactly the domain's (${#cmdline} bytes)" \
		"got ${#got} bytes: $(printf '%s' "$got" | head -c 200)"
	got=$(sed -n 's/^KBOOT-PAYLOAD: //p' "$out.clean")
	[ -n "$got" ] && [ "$got" = "$(cat "$tmp/initrd-$arch.gz.sha256")" ]
	tap_result $? "$name: initrd payload checksum matches" "got '$got'"
	sed -n 's/^KBOOT-E820: //p' "$out.clean" > "$tmp/$name.e820.got"
	plan_e820 "$xml" > "$tmp/$name.e820.want"
	diff "$tmp/$name.e820.want" "$tmp/$name.e820.got" > "$tmp/$name.e820.diff"
	tap_result $? "$name: the kernel's e820 is the plan's" "$(cat "$tmp/$name.e820.diff")"
	memtotal=$(sed -n 's/^KBOOT-MEMTOTAL: //p' "$out.clean")
	# shellcheck disable=SC2086
	ram_kib=$("$XEN_KBOOT" plan --platform qemu-pc --json $BOOT_OPTS_PLAN "$xml" |
		jq '[.["e820"][] | select(.type == 1) | .size] | add / 1024 | floor')
	# i386 without PAE sees at most 4 GiB; otherwise the kernel keeps a
	# few percent for itself.
	[ "$arch" = i386 ] && [ "$ram_kib" -gt 3932160 ] && ram_kib=3932160
	[ -n "$memtotal" ] && [ "$memtotal" -le "$ram_kib" ] && [ "$memtotal" -ge $((ram_kib * 7 / 10)) ]
	tap_result $? "$name: MemTotal ${memtotal:-?} KiB is plausible for ${ram_kib} KiB of RAM"
	got=$(sed -n 's/^KBOOT-CPUS: //p' "$out.clean")
	[ "$got" = 1 ]
	tap_result $? "$name: one CPU online (<vcpu>1</vcpu>)" "KBOOT-CPUS: $got"
	grep -qx "xen-kboot: domain '$name': the guest rebooted (.*)" "$tmp/$name.err"
	tap_result $? "$name: preview says the guest rebooted (init's reboot -f)" "$(cat "$tmp/$name.err")"
	[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
	tap_result $? "$name: RAM file removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"
}

