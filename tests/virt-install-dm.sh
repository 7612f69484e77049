#!/bin/sh
# virt-install's way in to xen-kboot-dm (docs/virt-install.md): Debian 12's
# virt-install 4.1 (package virtinst) turns
#   --boot kernel=PATH,initrd=PATH,kernel_args="..."
#   --xml ./devices/emulator=/usr/lib/xen-kboot/xen-kboot-dm
# into a domain with exactly that <os> and one <emulator>, which libvirt's
# schema and xen-kboot validate accept.  The XML is made at test time, from
# Debian's real amd64 kernel, and printed into this log.
#
# There is no Xen here, so virt-install talks to libvirt's test driver,
# whose capabilities offer neither domain type xen nor x86_64 (only i686,
# type test): "--xml ./@type=xen --xml ./os/type/@arch=x86_64" stand in for
# what xen:/// would give.  Everything else is the command of
# docs/virt-install.md.
#
# Without virt-install the test is skipped, except under CI (CI set, and not
# "false" or "0"): run.sh installs virtinst, so there a missing virt-install
# is a failure.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

tap_need virt-install virtinst
tap_need xmllint libxml2-utils
tap_require_testdata amd64/vmlinuz

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-vinst.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# virt-install logs to $XDG_CACHE_HOME/virt-manager/virt-install.log.
export XDG_CACHE_HOME="$tmp/cache"

dm=/usr/lib/xen-kboot/xen-kboot-dm
kernel=$KBOOT_TESTDATA/amd64/vmlinuz
initrd=$tmp/initrd.img
# A comma inside kernel_args (virt-install splits its options at commas)
# and an '&' (escaped in the XML) must come through unchanged.
cmdline='console=ttyS0,115200n8 root=/dev/xvda1 ro url=http://192.0.2.1/preseed.cfg?a=1&b=2'
head -c 65536 /dev/urandom > "$initrd"

# The command of docs/virt-install.md, then the test driver's stand-ins.
set -- virt-install --connect test:///default --print-xml \
	--name kboot-dm --memory 512 --vcpus 1 --osinfo linux2022 \
	--boot "kernel=$kernel,initrd=$initrd,kernel_args=$cmdline" \
	--xml "./devices/emulator=$dm" \
	--disk none --network none --graphics none \
	--xml ./@type=xen --xml ./os/type/@arch=x86_64
echo "# virt-install $(virt-install --version 2>&1)"
echo "# \$$(shquote "$@")"
tap_run "$@"
printf '%s\n' "$tap_out" > "$tmp/dm.xml"
echo "# virt-install printed:"
sed 's/^/# /' "$tmp/dm.xml"
[ -n "$tap_err" ] && printf '%s\n' "$tap_err" | sed 's/^/# virt-install stderr: /'
[ "$tap_status" -eq 0 ] && [ -n "$tap_out" ]
tap_result $? "virt-install --boot kernel=,initrd=,kernel_args= --xml ./devices/emulator= --print-xml: exit 0, prints XML" \
	"status $tap_status (want 0)
stderr: $tap_err"
if [ "$tap_status" -ne 0 ]; then
	tap_done
	exit 1
fi

tap_ok "one well-formed XML document" xmllint --noout "$tmp/dm.xml"
if command -v virt-xml-validate >/dev/null 2>&1; then
	tap_ok "libvirt's schema accepts it (virt-xml-validate FILE domain)" \
		virt-xml-validate "$tmp/dm.xml" domain
else
	tap_result 1 "libvirt's schema accepts it (virt-xml-validate FILE domain)" \
		"virt-xml-validate not installed: install libvirt-clients (./run.sh does)"
fi

# is NAME XPATH WANT: one test point, XPATH's value in the XML is WANT.
is() {
	got=$(xmllint --xpath "$2" "$tmp/dm.xml" 2>&1)
	[ "$got" = "$3" ]
	tap_result $? "$1" "$2 differs
got:  '$got'
want: '$3'"
}
is "<domain type='xen'> (from --xml ./@type=xen, as xen:/// would make it)" 'string(/domain/@type)' xen
is "<os><type>hvm</type>" 'string(/domain/os/type)' hvm
is "<type arch='x86_64'> (from --xml ./os/type/@arch=x86_64)" 'string(/domain/os/type/@arch)' x86_64
is "one <kernel>: the path given to kernel=" 'count(/domain/os/kernel)' 1
is "<kernel> exactly as given" 'string(/domain/os/kernel)' "$kernel"
is "<initrd> exactly as given" 'string(/domain/os/initrd)' "$initrd"
is "<cmdline> exactly as given (comma and '&' included)" 'string(/domain/os/cmdline)' "$cmdline"
is "exactly one <emulator> anywhere (the test driver's default replaced, not added to)" 'count(//emulator)' 1
is "<devices><emulator> is $dm" 'string(/domain/devices/emulator)' "$dm"

# xen-kboot validate: accepted, with at most notes about what it ignores.
tap_run "$XEN_KBOOT" validate "$tmp/dm.xml"
echo "# xen-kboot validate: exit $tap_status"
[ -n "$tap_out" ] && printf '%s\n' "$tap_out" | sed 's/^/# validate stdout: /'
[ -n "$tap_err" ] && printf '%s\n' "$tap_err" | sed 's/^/# validate stderr: /'
others=$(printf '%s\n' "$tap_err" | grep -v -e '^$' -e "^$tmp/dm.xml: ignored by xen-kboot: ")
[ "$tap_status" -eq 0 ] && [ "$tap_out" = valid ] && [ -z "$others" ]
tap_result $? "xen-kboot validate accepts it: exit 0, 'valid', no error or warning (notes on ignored elements only)" \
	"status $tap_status (want 0)
stdout: $tap_out (want: valid)
stderr lines other than 'ignored by xen-kboot' notes:
$others"

# The emulator reaches the libxl configuration as the device model.
tap_run "$XEN_KBOOT" domxml-to-native xl "$tmp/dm.xml"
line=$(printf '%s\n' "$tap_out" | grep '^device_model_override')
[ "$tap_status" -eq 0 ] && [ "$line" = "device_model_override = \"$dm\"" ]
tap_result $? "domxml-to-native xl: device_model_override = \"$dm\"" \
	"status $tap_status (want 0)
got:  $line
want: device_model_override = \"$dm\"
stderr: $tap_err"
tap_done
