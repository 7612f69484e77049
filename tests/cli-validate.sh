#!/bin/sh
# xen-kboot validate as users run it: real kernels (the foundation's probe),
# initrds, command-line length, every problem on its own line, exit codes,
# domains read from libvirt's test driver, hostile XML refused quickly and
# without reading anything, a 64-bit kernel without <pae/> refused and a
# 32-bit one accepted, the warning for <vcpu> above 1 in direct mode,
# <emulator> (xen-kboot-dm, another one, and the contradiction); and
# every valid case of tests/xmlconfs/ is accepted by libvirt's own schema
# too, every err-kernel-* case refused with Debian's real kernel.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz ipxe.lkrn
T=$KBOOT_TESTDATA
S=$KBOOT_TOP_SRCDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT


domain() { # FILE KERNEL INITRD CMDLINE [MEMORY-MIB [FEATURES [VCPUS]]]
	cat > "$1" <<XML
<domain type='xen'>
  <name>cli</name>
  <memory unit='MiB'>${5:-512}</memory>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$2</kernel>
    <initrd>$3</initrd>
    <cmdline>$4</cmdline>
  </os>
  <pm><suspend-to-mem enabled='no'/></pm>
  <features>${6-<pae/>}</features>
  <vcpu>${7:-1}</vcpu>
</domain>
XML
}

head -c 4096 /dev/urandom > "$tmp/initrd.img"
: > "$tmp/empty.img"

domain "$tmp/good.xml" "$T/amd64/vmlinuz" "$tmp/initrd.img" "console=ttyS0"
tap_expect "bootable kernel and initrd: valid, exit 0" 0 "valid" \
	"$tmp/good.xml: ignored by xen-kboot: /domain/pm (line 10)" \
	"$XEN_KBOOT" validate "$tmp/good.xml"
tap_expect "stdin" 0 "valid" "*" sh -c "\"\$1\" validate - < \"\$2\"" sh "$XEN_KBOOT" "$tmp/good.xml"

domain "$tmp/ipxe.xml" "$T/ipxe.lkrn" "$tmp/initrd.img" "console=ttyS0"
tap_expect "ipxe.lkrn: refused with the probe's reasons, at the <kernel> line" 1 "" \
	"*$tmp/ipxe.xml:6: <kernel>: $T/ipxe.lkrn: *relocatable*" \
	"$XEN_KBOOT" validate "$tmp/ipxe.xml"

domain "$tmp/noinitrd.xml" "$T/amd64/vmlinuz" "$tmp/missing.img" "console=ttyS0"
tap_expect "missing initrd" 1 "" "*$tmp/noinitrd.xml:7: <initrd>: $tmp/missing.img: cannot open initrd: No such file or directory" \
	"$XEN_KBOOT" validate "$tmp/noinitrd.xml"
domain "$tmp/emptyinitrd.xml" "$T/amd64/vmlinuz" "$tmp/empty.img" "console=ttyS0"
tap_expect "empty initrd" 1 "" "*$tmp/emptyinitrd.xml:7: <initrd>: $tmp/empty.img: initrd is empty (0 bytes)" \
	"$XEN_KBOOT" validate "$tmp/emptyinitrd.xml"

long=$(head -c 3000 /dev/zero | tr '\0' 'x')
domain "$tmp/long.xml" "$T/amd64/vmlinuz" "$tmp/initrd.img" "$long"
tap_expect "command line longer than cmdline_size" 1 "" \
	"*$tmp/long.xml:8: <cmdline>: the command line is 3000 bytes, longer than the 2047 bytes kernel $T/amd64/vmlinuz accepts (cmdline_size)" \
	"$XEN_KBOOT" validate "$tmp/long.xml"
tap_expect "--no-files skips the kernel" 0 "valid" "*" "$XEN_KBOOT" validate --no-files "$tmp/ipxe.xml"

# <pae/>: Xen hides long mode without it, so a 64-bit kernel is refused;
# Debian's 686 kernel is 32-bit and needs nothing.
pae_line() { # FILE KERNEL
	printf '%s' "$1:6: <kernel>: $2: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>"
}
domain "$tmp/nopae.xml" "$T/amd64/vmlinuz" "$tmp/initrd.img" "console=ttyS0" 512 "<acpi/>"
tap_expect "amd64 kernel without <pae/>: refused, the one line naming file, kernel and rule" 1 "" \
	"$tmp/nopae.xml: ignored by xen-kboot: /domain/pm (line 10)
$(pae_line "$tmp/nopae.xml" "$T/amd64/vmlinuz")" \
	"$XEN_KBOOT" validate "$tmp/nopae.xml"
sed "s|<pm>|<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/></metadata><pm>|" \
	"$tmp/nopae.xml" > "$tmp/nopae-dm.xml"
tap_expect "amd64 kernel without <pae/>, device-model mode: refused too" 1 "" \
	"*
$(pae_line "$tmp/nopae-dm.xml" "$T/amd64/vmlinuz")" \
	"$XEN_KBOOT" validate "$tmp/nopae-dm.xml"
tap_expect "amd64 kernel without <pae/>, --no-files: the XML alone cannot tell" 0 "valid" "*" \
	"$XEN_KBOOT" validate --no-files "$tmp/nopae.xml"
domain "$tmp/i386.xml" "$T/i386/vmlinuz" "$tmp/initrd.img" "console=ttyS0" 512 ""
tap_expect "i386 (686) kernel without <pae/>: valid" 0 "valid" \
	"$tmp/i386.xml: ignored by xen-kboot: /domain/pm (line 10)" \
	"$XEN_KBOOT" validate "$tmp/i386.xml"

# <vcpu> above 1 boots one vCPU in direct mode: a warning, still valid.
vcpu_line="xen-kboot: warning: $tmp/smp.xml:12: <vcpu>2</vcpu> without <acpi/> in <features>: direct boot then gives the guest no ACPI tables and xen-kboot builds no MP tables, so it will see 1 CPU (and power off only by halting); add <acpi/> for all vCPUs"
domain "$tmp/smp.xml" "$T/amd64/vmlinuz" "$tmp/initrd.img" "console=ttyS0" 512 "<pae/>" 2
tap_expect "<vcpu>2</vcpu>, direct: valid, exit 0, one warning line" 0 "valid" \
	"$tmp/smp.xml: ignored by xen-kboot: /domain/pm (line 10)
$vcpu_line" \
	"$XEN_KBOOT" validate "$tmp/smp.xml"
tap_expect "<vcpu>2</vcpu>, --no-files: the same warning" 0 "valid" "*
$vcpu_line" \
	"$XEN_KBOOT" validate --no-files "$tmp/smp.xml"
sed "s|<pm>|<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/></metadata><pm>|" \
	"$tmp/smp.xml" > "$tmp/smp-dm.xml"
tap_expect "<vcpu>2</vcpu>, device-model: no warning" 0 "valid" \
	"$tmp/smp-dm.xml: ignored by xen-kboot: /domain/pm (line 10)" \
	"$XEN_KBOOT" validate "$tmp/smp-dm.xml"

# <emulator>: xen-kboot-dm means direct boot; another one is replaced by
# it in a direct boot (a warning); metadata saying device-model with
# xen-kboot-dm contradicts it (a problem, at the element).
emulator() { # FILE EMULATOR [METADATA-MODE]: good.xml with that <emulator>
	meta=
	[ -n "${3-}" ] && meta="<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='$3'/></metadata>"
	sed -e "s|<pm>|$meta<devices><emulator>$2</emulator></devices><pm>|" "$tmp/good.xml" > "$1"
}
emulator "$tmp/dm.xml" /srv/build/tools/xen-kboot-dm
tap_expect "<emulator> xen-kboot-dm (a build tree): valid, no warning" 0 "valid" \
	"$tmp/dm.xml: ignored by xen-kboot: /domain/pm (line 10)" \
	"$XEN_KBOOT" validate "$tmp/dm.xml"
emulator "$tmp/qemu.xml" /usr/lib/xen-4.17/bin/qemu-system-i386
tap_expect "another <emulator>, direct: valid, its replacement said" 0 "valid" \
	"$tmp/qemu.xml: ignored by xen-kboot: /domain/pm (line 10)
xen-kboot: warning: $tmp/qemu.xml:10: <emulator>/usr/lib/xen-4.17/bin/qemu-system-i386</emulator>: a direct boot runs $KBOOT_PKGLIBDIR/xen-kboot-dm as the device model in its place: it loads the kernel, then execs the real qemu-xen it is configured with, not this one" \
	"$XEN_KBOOT" validate "$tmp/qemu.xml"
emulator "$tmp/qemu-dm.xml" /usr/lib/xen-4.17/bin/qemu-system-i386 device-model
tap_expect "another <emulator>, device-model: kept, no warning" 0 "valid" \
	"$tmp/qemu-dm.xml: ignored by xen-kboot: /domain/pm (line 10)" \
	"$XEN_KBOOT" validate "$tmp/qemu-dm.xml"
emulator "$tmp/conflict.xml" /srv/build/tools/xen-kboot-dm device-model
tap_expect "mode='device-model' with xen-kboot-dm: refused at <kboot:boot>" 1 "" \
	"$tmp/conflict.xml: ignored by xen-kboot: /domain/pm (line 10)
$tmp/conflict.xml:10: <kboot:boot>: mode='device-model' contradicts <emulator> /srv/build/tools/xen-kboot-dm: libvirt and xl start xen-kboot-dm, which boots the kernel directly; use mode='direct', or another <emulator> to hand the kernel to qemu-xen" \
	"$XEN_KBOOT" validate "$tmp/conflict.xml"
tap_expect "the same with --no-files: the XML alone tells" 1 "" "*
$tmp/conflict.xml:10: <kboot:boot>: mode='device-model' contradicts *" \
	"$XEN_KBOOT" validate --no-files "$tmp/conflict.xml"

# Every problem, one line each, exit 1.
domain "$tmp/many.xml" "$T/ipxe.lkrn" "$tmp/missing.img" "console=ttyS0" 8
tap_run "$XEN_KBOOT" validate "$tmp/many.xml"
n=$(printf '%s\n' "$tap_err" | grep -c "^$tmp/many.xml:[0-9]*: ")
[ "$tap_status" -eq 1 ] && [ "$n" -eq 3 ] && [ -z "$tap_out" ]
tap_result $? "three problems: three lines on stderr, exit 1" "status $tap_status, $n lines: $tap_err"

# Hostile XML: refused at once, nothing external opened.
tap_expect "billion laughs refused quickly" 1 "" \
	"$S/tests/xmlconfs/err-billion-laughs.xml:2: document type declaration <!DOCTYPE domain> refused*" \
	timeout 5 "$XEN_KBOOT" validate "$S/tests/xmlconfs/err-billion-laughs.xml"
mkfifo "$tmp/secret"
cat > "$tmp/xxe.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE domain [ <!ENTITY s SYSTEM "file://$tmp/secret"> ]>
<domain type='xen'><name>&s;</name><memory>524288</memory>
<os><type>hvm</type><kernel>$T/amd64/vmlinuz</kernel></os><features><pae/></features></domain>
XML
# Opening the FIFO for reading would block: a hang shows as status 124.
tap_expect "external entity (a FIFO) refused without opening it" 1 "" \
	"$tmp/xxe.xml:2: document type declaration*" \
	timeout 10 "$XEN_KBOOT" validate "$tmp/xxe.xml"
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=open,openat -o "$tmp/strace.log" "$XEN_KBOOT" validate "$tmp/xxe.xml" 2>/dev/null
	! grep -q "$tmp/secret" "$tmp/strace.log"
	tap_result $? "strace: the external file is never opened" "$(grep secret "$tmp/strace.log")"
else
	tap_skip "strace: the external file is never opened" "strace not installed"
fi

# libvirt's test driver: its predefined domain is not a Xen one ...
tap_expect "--connect test:///default test: refused, type='test'" 1 "" \
	"*test (test:///default):1: <domain>: type='test': xen-kboot runs Xen domains*" \
	"$XEN_KBOOT" validate --connect test:///default test
tap_expect "--connect: unknown domain" 1 "" "test:///default: cannot read the XML of domain 'nope': *" \
	"$XEN_KBOOT" validate --connect test:///default nope
# ... and a node file of our own holds one that is.
cat > "$tmp/node.xml" <<XML
<node>
  <domain type='xen'>
    <name>kboot1</name>
    <memory unit='MiB'>512</memory>
    <os>
      <type arch='x86_64' machine='xenfv'>hvm</type>
      <kernel>$T/amd64/vmlinuz</kernel>
      <initrd>$tmp/initrd.img</initrd>
      <cmdline>console=ttyS0</cmdline>
    </os>
    <features><pae/></features>
  </domain>
</node>
XML
tap_expect "--connect test:///node.xml kboot1: valid" 0 "valid" "*" \
	"$XEN_KBOOT" validate --connect "test://$tmp/node.xml" kboot1

tap_expect "no argument: usage, exit 2" 2 "" "xen-kboot validate: no domain XML given*" "$XEN_KBOOT" validate
tap_expect "--help" 0 "*--connect*" "" "$XEN_KBOOT" validate --help
tap_expect "a directory as domain XML" 1 "" "$tmp: domain XML is a directory, not a regular file" \
	"$XEN_KBOOT" validate "$tmp"
mkfifo "$tmp/fifo.xml"
tap_expect "a FIFO as domain XML: refused without blocking" 1 "" \
	"$tmp/fifo.xml: domain XML is a FIFO, not a regular file" "$XEN_KBOOT" validate "$tmp/fifo.xml"
# A socket cannot even be opened (ENXIO: "No such device or address").
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/sock.xml"
tap_expect "a socket as domain XML: said to be one" 1 "" \
	"$tmp/sock.xml: domain XML is a socket, not a regular file" "$XEN_KBOOT" validate "$tmp/sock.xml"
domain "$tmp/sockkernel.xml" "$tmp/sock.xml" "$tmp/initrd.img" ""
tap_expect "a socket as <kernel>: said to be one" 1 "" \
	"*
$tmp/sockkernel.xml:6: <kernel>: $tmp/sock.xml: kernel is a socket, not a regular file" \
	"$XEN_KBOOT" validate "$tmp/sockkernel.xml"
tap_expect "missing file" 1 "" "$tmp/none.xml: cannot open domain XML: No such file or directory" \
	"$XEN_KBOOT" validate "$tmp/none.xml"

# The data cases: error cases fail, valid ones pass our schema and
# libvirt's (so ours never accepts what libvirt refuses).
libvirt_rng=/usr/share/libvirt/schemas/domain.rng
for xml in "$S"/tests/xmlconfs/*.xml; do
	name=$(basename "$xml" .xml)
	case $name in
	err-kernel-*)
		# Refused for its kernel (test-conf stands in a synthetic one):
		# with Debian's amd64 kernel in its place, the line of NAME.err.
		k=$(sed -n 's|.*<kernel>\(.*\)</kernel>.*|\1|p' "$xml")
		sed "s|<kernel>$k</kernel>|<kernel>$T/amd64/vmlinuz</kernel>|" "$xml" > "$tmp/$name.xml"
		want=$(sed "s|^$name.xml:|$tmp/$name.xml:|; s|: $k: |: $T/amd64/vmlinuz: |" \
			"$S/tests/xmlconfs/$name.err")
		tap_run "$XEN_KBOOT" validate "$tmp/$name.xml"
		[ "$tap_status" -eq 1 ] && [ "$tap_err" = "$want" ] && [ -n "$want" ]
		tap_result $? "$name: refused with Debian's amd64 kernel, exactly as $name.err says" \
			"status $tap_status
want: $want
got:  $tap_err"
		continue
		;;
	esac
	if [ -f "$S/tests/xmlconfs/$name.err" ]; then
		tap_run "$XEN_KBOOT" validate --no-files "$xml"
		[ "$tap_status" -eq 1 ]
		tap_result $? "$name: refused" "status $tap_status: $tap_err"
		continue
	fi
	tap_expect "$name: valid (no files)" 0 "valid" "*" "$XEN_KBOOT" validate --no-files "$xml"
	tap_ok "$name: docs/schema.rng accepts it" xmllint --noout --relaxng "$S/docs/schema.rng" "$xml"
	if command -v virt-xml-validate >/dev/null 2>&1; then
		tap_ok "$name: libvirt's schema accepts it" virt-xml-validate "$xml" domain
	elif [ -f "$libvirt_rng" ]; then
		tap_ok "$name: libvirt's schema accepts it" xmllint --noout --relaxng "$libvirt_rng" "$xml"
	else
		tap_result 1 "$name: libvirt's schema accepts it" "neither virt-xml-validate nor $libvirt_rng: install libvirt-clients"
	fi
done
# A newline in a path cannot forge a line of its own: every path and XML
# value in a message is escaped (kboot_text_printable).
domain "$tmp/forge.xml" "$tmp/nosuch&#10;xen-kboot: forged" "" ""
tap_run "$XEN_KBOOT" validate "$tmp/forge.xml"
[ "$tap_status" -eq 1 ] && ! printf '%s\n' "$tap_err" | grep -q '^xen-kboot: forged' &&
	printf '%s\n' "$tap_err" | grep -qF "$tmp/nosuch\\nxen-kboot: forged"
tap_result $? "a newline in <kernel> is escaped, in the line of its problem" "$tap_err"

tap_done
