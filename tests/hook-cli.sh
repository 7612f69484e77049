#!/bin/sh
# xen-kboot hook as libvirt runs it: four arguments, the domain XML on
# stdin, nothing on stdout, one line on stderr when it refuses, exit 0 for
# every operation but "prepare begin", stdin read to its end (libvirt
# writes into a pipe), --help; the rules of the path the domain takes
# (memtest86+ and ipxe.lkrn pass for a plain Xen domain, whose kernel
# qemu-xen boots, and are refused when the emulator is xen-kboot-dm;
# Debian's kernel passes both); and "make install DESTDIR=..." puts the
# hook script in libvirt's hooks directory (libxl.d, and qemu.d when
# configured with --enable-qemu-hook), executable, pointing at the
# installed program ("make uninstall" removes them).
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz memtest86+x64.bin ipxe.lkrn
T=$KBOOT_TESTDATA
B=$KBOOT_TOP_BUILDDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-hook-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

domain() { # FILE NAME TYPE KERNEL [MORE-OS-ELEMENTS]
	cat > "$1" <<XML
<domain type='xen' id='3'>
  <name>$2</name>
  <uuid>0f8a3c5e-3d0e-4b7a-9f53-0d6f2b6a7c11</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>$3</type>
    <kernel>$4</kernel>
    ${5-}
  </os>
  <features><acpi/><apic/><pae/></features>
  <clock offset='utc' adjustment='reset'/>
  <devices>
    <emulator>/usr/lib/xen-4.17/bin/qemu-system-i386</emulator>
    <interface type='bridge'><mac address='00:16:3e:1a:2b:3c'/><source bridge='xenbr0'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <video><model type='cirrus' vram='8192' heads='1' primary='yes'/></video>
  </devices>
</domain>
XML
}

# The hook with FILE on stdin.
hook() { # FILE ARGS...
	f=$1; shift
	"$XEN_KBOOT" hook "$@" < "$f"
}

# Exactly one line on stderr (libvirt puts it inside its own error).
one_line() { # NAME
	n=$(printf '%s\n' "$tap_err" | wc -l)
	[ "$n" -eq 1 ]
	tap_result $? "$1: one line on stderr" "$n lines: $tap_err"
}

# The domain FILE with xen-kboot-dm as its emulator: a direct boot.
DM=/usr/lib/xen-kboot/xen-kboot-dm
direct() { # FILE: writes FILE.dm
	sed "s|<emulator>.*</emulator>|<emulator>$DM</emulator>|" "$1" > "$1.dm"
}

# A plain Xen domain boots its kernel through qemu-xen's -kernel, as
# stock libvirt does: what QEMU boots passes.  With xen-kboot-dm the
# domain is booted directly, and neither is a relocatable bzImage.
memtest_err="xen-kboot: domain 'memtest': $T/memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0 at offset 0x234: built without CONFIG_RELOCATABLE*"
domain "$tmp/memtest.xml" memtest hvm "$T/memtest86+x64.bin"
direct "$tmp/memtest.xml"
tap_expect "memtest86+, plain Xen domain (qemu-xen -kernel): exit 0, silent" 0 "" "" \
	hook "$tmp/memtest.xml" memtest prepare begin -
tap_expect "memtest86+, emulator xen-kboot-dm: refused, exit 1, the probe's reason" 1 "" "$memtest_err" \
	hook "$tmp/memtest.xml.dm" memtest prepare begin -
one_line "memtest86+"
sed "s|<vcpu |<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='direct'/></metadata><vcpu |" \
	"$tmp/memtest.xml" > "$tmp/memtest-meta.xml"
tap_expect "memtest86+, metadata mode='direct': refused" 1 "" "$memtest_err" \
	hook "$tmp/memtest-meta.xml" memtest prepare begin -
domain "$tmp/ipxe.xml" ipxe hvm "$T/ipxe.lkrn" "<cmdline>dhcp</cmdline>"
direct "$tmp/ipxe.xml"
tap_expect "ipxe.lkrn, plain Xen domain: exit 0, silent" 0 "" "" \
	hook "$tmp/ipxe.xml" ipxe prepare begin -
tap_expect "ipxe.lkrn, emulator xen-kboot-dm: refused, both rules named" 1 "" \
	"xen-kboot: domain 'ipxe': $T/ipxe.lkrn: cannot be direct-booted: relocatable_kernel is 0 at offset 0x234: *; code32_start is 0 at offset 0x214: *" \
	hook "$tmp/ipxe.xml.dm" ipxe prepare begin -
one_line "ipxe.lkrn"

# Every other operation libvirt's libxl and qemu drivers call passes at once.
for op in "prepare end" "start begin" "started begin" "stopped end" "release end" \
	"migrate begin" "restore begin" "reconnect begin" "attach begin"; do
	# shellcheck disable=SC2086
	tap_expect "memtest86+ on $op: exit 0, silent" 0 "" "" hook "$tmp/memtest.xml.dm" memtest $op -
done

head -c 4096 /dev/urandom > "$tmp/initrd.img"
domain "$tmp/debian.xml" debian hvm "$T/amd64/vmlinuz" \
	"<initrd>$tmp/initrd.img</initrd><cmdline>console=ttyS0 root=/dev/xvda1</cmdline>"
direct "$tmp/debian.xml"
tap_expect "Debian kernel and initrd, plain Xen domain: exit 0, silent" 0 "" "" \
	hook "$tmp/debian.xml" debian prepare begin -
tap_expect "Debian kernel and initrd, emulator xen-kboot-dm: exit 0, silent" 0 "" "" \
	hook "$tmp/debian.xml.dm" debian prepare begin -

# Direct boot: without <pae/> libxl turns PAE off and Xen hides long
# mode: Debian's amd64 kernel would halt, so it is refused; its 686
# kernel is 32-bit.  (qemu-xen's -kernel does not look: QEMU starts it.)
sed 's|<pae/>||' "$tmp/debian.xml.dm" > "$tmp/nopae.xml"
tap_expect "Debian amd64 kernel without <pae/>: refused, the rule named" 1 "" \
	"xen-kboot: domain 'debian': libvirt's domain XML: <kernel>: $T/amd64/vmlinuz: the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no <pae/>: Xen hides PAE and long mode from the guest and the kernel halts; add <pae/> to <features>" \
	hook "$tmp/nopae.xml" debian prepare begin -
one_line "amd64 without <pae/>"
sed "s|$T/amd64/vmlinuz|$T/i386/vmlinuz|" "$tmp/nopae.xml" > "$tmp/i386.xml"
tap_expect "Debian 686 kernel without <pae/>: exit 0, silent" 0 "" "" \
	hook "$tmp/i386.xml" debian prepare begin -

# Refused on both paths: QEMU cannot open the initrd either.
domain "$tmp/noinitrd.xml" noinitrd hvm "$T/amd64/vmlinuz" "<initrd>$tmp/missing.img</initrd>"
direct "$tmp/noinitrd.xml"
for f in noinitrd.xml noinitrd.xml.dm; do
	tap_expect "missing initrd ($f): refused" 1 "" \
		"xen-kboot: domain 'noinitrd': $tmp/missing.img: cannot open initrd: No such file or directory" \
		hook "$tmp/$f" noinitrd prepare begin -
done
# QEMU refuses an initrd for a kernel without the Linux setup header.
head -c 65536 /dev/zero | tr '\0' '\220' > "$tmp/low.bin"
domain "$tmp/low.xml" low hvm "$tmp/low.bin" "<initrd>$tmp/initrd.img</initrd>"
tap_expect "a low kernel with an initrd, plain domain: refused as QEMU would" 1 "" \
	"xen-kboot: domain 'low': $tmp/initrd.img: kernel $tmp/low.bin has no Linux setup header (no \"HdrS\" at offset 0x202), and QEMU hands an initrd only to boot protocol 2.00 and later: QEMU refuses to start (\"linux kernel too old to load a ram disk\")" \
	hook "$tmp/low.xml" low prepare begin -
one_line "initrd for a low kernel"

# Direct boot only: cmdline_size and the plan of the guest's memory.
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
domain "$tmp/long.xml" long hvm "$T/amd64/vmlinuz" "<cmdline>$long</cmdline>"
direct "$tmp/long.xml"
tap_expect "command line longer than cmdline_size, xen-kboot-dm: refused" 1 "" \
	"xen-kboot: domain 'long': <cmdline> is 3000 bytes, longer than the 2047 bytes kernel $T/amd64/vmlinuz accepts (cmdline_size)" \
	hook "$tmp/long.xml.dm" long prepare begin -
tap_expect "the same, plain domain: QEMU does not check it" 0 "" "" \
	hook "$tmp/long.xml" long prepare begin -

sed 's/>524288</>65536</g' "$tmp/debian.xml.dm" > "$tmp/small.xml"
tap_expect "64 MiB is too small for Debian's kernel on xen-hvm: refused" 1 "" \
	"xen-kboot: domain 'debian': $T/amd64/vmlinuz does not fit in <memory> of 64 MiB (platform xen-hvm): kernel needs *" \
	hook "$tmp/small.xml" debian prepare begin -

# Contradictions and what is not x86.
sed "s|<vcpu |<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/></metadata><vcpu |" \
	"$tmp/debian.xml.dm" > "$tmp/conflict.xml"
tap_expect "mode='device-model' with xen-kboot-dm: refused" 1 "" \
	"xen-kboot: domain 'debian': libvirt's domain XML: <kboot:boot>: mode='device-model' contradicts <emulator> $DM: *" \
	hook "$tmp/conflict.xml" debian prepare begin -
sed "s|arch='x86_64' machine='xenfv'|arch='aarch64' machine='virt'|" "$tmp/memtest.xml.dm" > "$tmp/arm.xml"
tap_expect "aarch64 guest: not x86, exit 0, silent" 0 "" "" hook "$tmp/arm.xml" arm prepare begin -
sed "s|arch='x86_64' |arch='i686' |" "$tmp/memtest.xml.dm" > "$tmp/i686.xml"
tap_expect "i686 guest: x86, checked" 1 "" "$memtest_err" hook "$tmp/i686.xml" memtest prepare begin -

domain "$tmp/pv.xml" pv xen "$T/memtest86+x64.bin"
direct "$tmp/pv.xml"
tap_expect "PV domain: not checked, exit 0" 0 "" "" hook "$tmp/pv.xml.dm" pv prepare begin -
sed '/<kernel>/d' "$tmp/memtest.xml.dm" > "$tmp/nokernel.xml"
tap_expect "no <kernel>: exit 0" 0 "" "" hook "$tmp/nokernel.xml" disk prepare begin -

printf "<domain type='xen'><name>bad</name>\n<os><type>hvm</type></domain>\n" > "$tmp/malformed.xml"
tap_expect "malformed XML on prepare begin: refused" 1 "" \
	"xen-kboot: domain 'bad': libvirt's domain XML:[0-9]*: malformed XML: *" \
	hook "$tmp/malformed.xml" bad prepare begin -
one_line "malformed XML"
tap_expect "malformed XML on release end: not read, exit 0" 0 "" "" \
	hook "$tmp/malformed.xml" bad release end -
cat > "$tmp/doctype.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE domain [ <!ENTITY k SYSTEM "file://$T/memtest86+x64.bin"> ]>
<domain type='xen'><name>&k;</name></domain>
XML
tap_expect "DOCTYPE: refused" 1 "" \
	"xen-kboot: domain 'dtd': libvirt's domain XML:2: document type declaration <!DOCTYPE domain> refused*" \
	hook "$tmp/doctype.xml" dtd prepare begin -
tap_expect "empty stdin on prepare begin: refused" 1 "" "xen-kboot: domain 'e': libvirt's domain XML*malformed XML*" \
	hook /dev/null e prepare begin -
tap_expect "empty stdin on stopped end: exit 0" 0 "" "" hook /dev/null e stopped end -

# libvirt's arguments are data: a domain called "--help" is checked.
tap_expect "a domain named --help is a domain" 1 "" "xen-kboot: domain '--help': $T/memtest86+x64.bin: *" \
	hook "$tmp/memtest.xml.dm" --help prepare begin -

# stdin is read to the end.  The writer ignores SIGPIPE so that a reader
# that leaves early shows as a failed write (EPIPE), as libvirt sees it.
pad() { # FILE BYTES: a valid domain XML padded with a comment to BYTES
	{
		sed '$d' "$tmp/memtest.xml.dm"
		printf '<!-- '
		head -c "$2" /dev/zero | tr '\0' 'p'
		printf ' -->\n</domain>\n'
	} > "$1"
}
feed() { # FILE CMD...: FILE through a pipe into CMD; the writer's status in $tmp/writer
	f=$1; shift
	( trap '' PIPE; cat "$f" 2>/dev/null; echo $? > "$tmp/writer" ) | "$@"
}
pad "$tmp/big.xml" 1048576
feed "$tmp/big.xml" true
[ "$(cat "$tmp/writer")" -ne 0 ]
tap_result $? "control: a reader that does not drain stdin makes the writer fail" \
	"the writer exited $(cat "$tmp/writer") although 'true' read nothing"
for op in "release end" "stopped end" "start begin" "started begin"; do
	# shellcheck disable=SC2086
	tap_expect "1 MiB of XML on $op: exit 0" 0 "" "" feed "$tmp/big.xml" "$XEN_KBOOT" hook memtest $op -
	[ "$(cat "$tmp/writer")" -eq 0 ]
	tap_result $? "1 MiB of XML on $op: all of it read (no EPIPE)" "writer status $(cat "$tmp/writer")"
done
pad "$tmp/huge.xml" 2097152
size=$(wc -c < "$tmp/huge.xml")
tap_expect "2 MiB of XML on prepare begin: refused with its size" 1 "" \
	"xen-kboot: domain 'memtest': libvirt's domain XML: the document is $size bytes, over the limit of 1048576 bytes for a domain XML" \
	feed "$tmp/huge.xml" "$XEN_KBOOT" hook memtest prepare begin -
[ "$(cat "$tmp/writer")" -eq 0 ]
tap_result $? "2 MiB of XML on prepare begin: all of it read (no EPIPE)" "writer status $(cat "$tmp/writer")"

# Reading stops at 16 MiB, and no more than the 1 MiB a document may have
# is kept: memory stays flat however much comes (it once grew with the
# input, and past 4 GiB a GLib array overflowed and aborted).
cap=16777216
tap_expect "16 MiB + 1 on prepare begin: refused, reading stopped at the cap" 1 "" \
	"xen-kboot: domain 'memtest': libvirt's domain XML: standard input holds more than $cap bytes, and the hook reads no further (a domain XML may have at most 1048576 bytes)" \
	sh -c 'head -c $1 /dev/zero | "$2" hook memtest prepare begin -' sh $((cap + 1)) "$XEN_KBOOT"
tap_expect "16 MiB + 1 on release end: passes" 0 "" "" \
	sh -c 'head -c $1 /dev/zero | "$2" hook memtest release end -' sh $((cap + 1)) "$XEN_KBOOT"
tap_expect "16 MiB on prepare begin: read to its end, refused with its size" 1 "" \
	"xen-kboot: domain 'memtest': libvirt's domain XML: the document is $cap bytes, over the limit of 1048576 bytes for a domain XML" \
	sh -c 'head -c $1 /dev/zero | "$2" hook memtest prepare begin -' sh $cap "$XEN_KBOOT"
if [ -x /usr/bin/time ]; then
	max_rss() { # BYTES: the hook's peak RSS in KiB for BYTES of zeros on prepare begin
		head -c "$1" /dev/zero |
			/usr/bin/time -f '%M' -o "$tmp/rss" "$XEN_KBOOT" hook memtest prepare begin - 2>/dev/null
		tail -n 1 "$tmp/rss"
	}
	small=$(max_rss 4096) large=$(max_rss $cap)
	[ $((large - small)) -lt 8192 ]
	tap_result $? "16 MiB of stdin costs less than 8 MiB of RSS more than 4 KiB" \
		"peak RSS $small KiB for 4 KiB, $large KiB for 16 MiB"
else
	tap_skip "16 MiB of stdin costs less than 8 MiB of RSS more than 4 KiB" "no /usr/bin/time (Debian package time)"
fi

tap_expect "--help" 0 "*xen-kboot hook*NAME OPERATION SUB-OPERATION EXTRA*prepare begin*xen-kboot-dm*qemu.d/xen-kboot*" "" \
	"$XEN_KBOOT" hook --help
tap_expect "no argument: usage, exit 2" 2 "" \
	"xen-kboot hook: libvirt passes 4 arguments, NAME OPERATION SUB-OPERATION EXTRA; got 0*" \
	"$XEN_KBOOT" hook
tap_expect "three arguments: usage, exit 2" 2 "" "xen-kboot hook: * got 3*" \
	"$XEN_KBOOT" hook memtest prepare begin
tap_expect "listed in xen-kboot --help" 0 "*hook *run as a libvirt hook script*" "" "$XEN_KBOOT" --help

# make install / uninstall, into a staging directory.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$B" "$@"; }
dirs=$(mk print-hook-dirs) || tap_bail "make print-hook-dirs failed in $B"
bindir=$(printf '%s\n' "$dirs" | sed -n 's/^bindir=//p')
hooksdir=$(printf '%s\n' "$dirs" | sed -n 's/^libvirt_hooks_dir=//p')
qemu_hook=$(printf '%s\n' "$dirs" | sed -n 's/^qemu_hook=//p')
dest=$tmp/dest
tap_ok "make install DESTDIR=..." mk install DESTDIR="$dest"
want="exec \"$bindir/xen-kboot\" hook \"\$@\""
drivers=libxl
[ "$qemu_hook" = yes ] && drivers="libxl qemu"
for drv in $drivers; do
	f=$dest$hooksdir/$drv.d/xen-kboot
	[ -f "$f" ] && [ "$(stat -c %a "$f")" = 755 ]
	tap_result $? "$hooksdir/$drv.d/xen-kboot installed, mode 0755" "$(ls -l "$f" 2>&1)"
	[ "$(head -n 1 "$f")" = "#!/bin/sh" ] && grep -qxF "$want" "$f"
	tap_result $? "$drv.d/xen-kboot runs $bindir/xen-kboot hook" "want: $want
got: $(cat "$f" 2>&1)"
done
if [ "$qemu_hook" = yes ]; then
	tap_skip "qemu.d/xen-kboot not installed without --enable-qemu-hook" "configured with it"
else
	[ ! -e "$dest$hooksdir/qemu.d/xen-kboot" ] && [ ! -d "$dest$hooksdir/qemu.d" ]
	tap_result $? "qemu.d/xen-kboot not installed without --enable-qemu-hook" "$(find "$dest$hooksdir" 2>&1)"
fi
[ -x "$dest$bindir/xen-kboot" ]
tap_result $? "the program the hook runs is installed there" "$(ls -l "$dest$bindir" 2>&1)"
# The installed script, its bindir moved into the staging tree, as libvirt
# runs it.
sed "s|$bindir|$dest$bindir|" "$dest$hooksdir/libxl.d/xen-kboot" > "$tmp/staged-hook"
chmod +x "$tmp/staged-hook"
staged() { # FILE ARGS...
	f=$1; shift
	"$tmp/staged-hook" "$@" < "$f"
}
tap_expect "the installed script refuses memtest86+ for xen-kboot-dm" 1 "" "$memtest_err" \
	staged "$tmp/memtest.xml.dm" memtest prepare begin -
tap_expect "the installed script passes memtest86+ for qemu-xen" 0 "" "" \
	staged "$tmp/memtest.xml" memtest prepare begin -
tap_expect "the installed script passes the Debian kernel" 0 "" "" \
	staged "$tmp/debian.xml" debian prepare begin -
tap_ok "make uninstall DESTDIR=..." mk uninstall DESTDIR="$dest"
[ ! -e "$dest$hooksdir/libxl.d/xen-kboot" ] && [ ! -e "$dest$hooksdir/qemu.d/xen-kboot" ]
tap_result $? "make uninstall removes both hook scripts" "$(find "$dest" -type f)"
tap_done
