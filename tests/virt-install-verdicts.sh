#!/bin/sh
# What xen-kboot says about the domains Debian's virt-install writes for a
# Xen host (issue 13): one row of the table below per shape of guest
# (direct kernel boot, PV, i686, vCPUs, disks, rbd and nbd network disks,
# CD-ROM, NICs, graphics, sound, serial and console, TLS serial, UEFI,
# secure boot, PCI passthrough, --location),
# each with the verdicts xen-kboot should give.  The XML is made at test
# time by `virt-install --print-xml` and printed into this log, with each
# command's output.
#
# There is no Xen host here.  virt-install's own test suite
# (virt-manager's tests/utils.py) opens libvirt's test driver through a
# "magic" URI that replaces what virt-install reads from the connection:
#
#   __virtinst_test__test://DRIVER.xml,caps=CAPS.xml,domcaps=DOMCAPS.xml,fakeuri=xen:///system
#
# tests/virtinst/ holds the three files, written for this test: the
# capabilities and domain capabilities of a Xen host as libvirt's libxl
# driver reports them (hvmloader, machine xenfv, qemu-system-i386, domain
# type xen, OVMF), and a test-driver node with libvirt's "default" network
# (bridge virbr0) and one PCI device for --hostdev.  With fakeuri=xen:///
# virt-install takes the connection for Xen and writes what it writes for
# xen:///system.
#
# The table: a line "SHAPE | ARGUMENTS [| first]" starts a shape; ARGUMENTS
# are virt-install's, after the common --name --memory --vcpus 1 --osinfo
# (shell words: $K and $K32 are Debian's amd64 and i386 kernels, $I an
# initrd, $T this test's directory).  "first" feeds xen-kboot the first
# <domain> of virt-install's output only.  The indented lines under it are
# its verdicts, one test point each:
#
#   COMMAND STATUS FRAGMENT [# TODO REASON]
#
# COMMAND is validate, validate-dm (validate, the domain given
# <kboot:boot mode='device-model'/> in its <metadata>), xl (domxml-to-native
# xl), xl-dm (the same, --mode device-model) or xl-connect (domxml-to-native
# --connect: the domain read from libvirt's test driver, beside the
# "default" network).  STATUS is the exit status wanted; FRAGMENT must occur
# in its stdout or stderr, or, after a leading "!", must not (@K@, @K32@,
# @I@ and @T@ stand for the paths above).  A verdict marked TODO is what
# should happen and does not yet: it is reported as a TAP TODO (an expected
# failure), and automake's driver fails the run once it passes (XPASS), so
# that the mark is removed.
#
# Without virt-install the test is skipped, except under CI (run.sh
# installs virtinst); it needs the real kernels of tests/fetch-testdata.sh.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

tap_need virt-install virtinst
tap_need virt-xml-validate libvirt-clients
tap_require_testdata amd64/vmlinuz i386/vmlinuz

D=$(cd "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/virtinst" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/kboot-verdicts.XXXXXX")
trap 'rm -rf "$T"' EXIT
# virt-install logs, and keeps --location's kernel copies, under
# $XDG_CACHE_HOME/virt-manager.
export XDG_CACHE_HOME="$T/cache"

K=$KBOOT_TESTDATA/amd64/vmlinuz
K32=$KBOOT_TESTDATA/i386/vmlinuz
I=$T/initrd.img
head -c 65536 /dev/urandom > "$I"
truncate -s 64M "$T/disk.img" "$T/disk.qcow2"
truncate -s 1M "$T/cd.iso"
# An install tree for --location: the kernel and initrd where the table's
# kernel= and initrd= say.
mkdir -p "$T/tree/install"
cp "$K" "$T/tree/install/vmlinuz"
cp "$I" "$T/tree/install/initrd.gz"

uri="__virtinst_test__test://$D/testdriver-xen.xml,caps=$D/xen-libxl-caps.xml,domcaps=$D/xen-libxl-domcaps.xml,fakeuri=xen:///system"
name=kboot-verdicts

# Common to the shapes (the table's arguments are eval'ed): $B is --boot's
# direct kernel boot, $none no disk, NIC or display.
# shellcheck disable=SC2034
B="kernel=$K,initrd=$I,kernel_args=console=ttyS0"
# shellcheck disable=SC2034
none="--disk none --network none --graphics none"

table() {
	cat <<'TABLE'
direct | --hvm --boot "$B" $none
    validate     0 valid
    validate-dm  0 valid
    xl           0 kernel = "@K@"
    xl           0 ramdisk = "@I@"
    xl           0 xen-kboot-dm"
    xl           0 serial = "pty"
    xl-dm        0 device_model_override = "/usr/lib/xen/bin/qemu-system-i386"
    xl-dm        0 kernel = "@K@"
pv-without-hvm | --boot "$B" $none
    validate     0 valid
    xl           0 kernel = "@K@"
    xl           0 !builder = "hvm"
i686 | --hvm --arch i686 --boot "kernel=$K32,initrd=$I,kernel_args=console=ttyS0" $none
    validate     0 valid
    xl           0 builder = "hvm"
    xl           0 kernel = "@K32@"
vcpus-2 | --hvm --vcpus 2 --boot "$B" $none
    validate     0 valid
    validate     0 !<vcpu>
    xl           0 vcpus = 2
disk | --hvm --boot "$B" --disk "$T/disk.img" --network none --graphics none
    validate     0 valid
    xl           0 "format=raw,vdev=hda,access=rw,backendtype=qdisk,target=@T@/disk.img"
    xl-dm        0 "format=raw,vdev=hda,access=rw,backendtype=qdisk,target=@T@/disk.img"
disk-xen-qcow2 | --hvm --boot "$B" --disk "$T/disk.qcow2,bus=xen,driver.type=qcow2" --network none --graphics none
    validate     0 valid
    xl           0 "format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=@T@/disk.qcow2"
cdrom | --hvm --boot "$B" --disk "$T/cd.iso,device=cdrom" --network none --graphics none
    validate     0 valid
    xl           0 access=ro,backendtype=qdisk,devtype=cdrom,target=@T@/cd.iso"
nic-bridge | --hvm --boot "$B" --disk none --network bridge=xenbr0 --graphics none
    validate     0 valid
    xl           0 ,bridge=xenbr0,script=vif-bridge,model=e1000"
    xl-dm        0 ,bridge=xenbr0,script=vif-bridge,model=e1000"
nic-netfront | --hvm --boot "$B" --disk none --network bridge=xenbr0,model.type=netfront --graphics none
    validate     0 valid
    xl           0 ,bridge=xenbr0,script=vif-bridge,type=vif"
nic-network-default | --hvm --boot "$B" --disk none --network network=default --graphics none
    validate     0 valid
    validate-dm  0 valid
    xl           1 <interface>: type='network' names network 'default': its bridge is known only to libvirt; use --connect URI
    xl-dm        1 its bridge is known only to libvirt
    xl-connect   0 ,bridge=virbr0,script=vif-bridge,model=e1000
graphics-vnc | --hvm --boot "$B" --disk none --network none --graphics vnc
    validate     0 valid
    xl           0 vnc = 1
    xl           0 vga = "stdvga"
    xl           0 usbdevice = [ "tablet" ]
    xl-dm        0 vnc = 1
graphics-spice | --hvm --boot "$B" --disk none --network none --graphics spice
    validate     0 valid
    validate     0 ignored by xen-kboot: /domain/devices/channel
    xl           0 spice = 1
    xl-dm        0 spice = 1
    xl           0 soundhw = "hda"
    xl-dm        0 soundhw = "hda"
sound-ich9 | --hvm --boot "$B" $none --sound ich9
    validate     1 <sound>: model='ich9': libxl has no such sound card
    validate     1 !must be one of
    xl-dm        1 libxl has no such sound card
serial-file | --hvm --boot "$B" $none --serial "file,path=$T/serial.log"
    validate     0 valid
    xl           0 serial = "file:@T@/serial.log"
console-xen | --hvm --boot "$B" $none --console pty,target.type=xen
    validate     0 valid
    xl           0 !serial =
uefi | --hvm --boot "uefi,$B" $none
    validate     1 <loader type='pflash'>: UEFI firmware (OVMF) in direct mode
    validate-dm  0 valid
    xl           1 direct boot has no UEFI
    xl-dm        0 bios = "ovmf"
    xl-dm        0 bios_path_override = "/usr/lib/xen/boot/ovmf.bin"
uefi-firmware-efi | --hvm --boot "firmware=efi,$B" $none
    validate     1 <os firmware='efi'>: UEFI firmware (OVMF) in direct mode
    validate-dm  0 valid
    xl-dm        0 bios = "ovmf"
    xl-dm        0 !bios_path_override = "/usr/lib/xen/boot/hvmloader"
secure-boot | --hvm --boot "uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes,$B" $none
    validate     1 secure boot is not supported on Xen
    xl-dm        1 secure boot is not supported on Xen
hostdev-pci | --hvm --boot "$B" $none --hostdev 0000:01:00.0
    validate     1 <hostdev>: PCI passthrough of 0000:01:00.0 in direct mode
    validate-dm  0 valid
    xl           1 PCI passthrough of 0000:01:00.0 in direct mode
    xl-dm        0 pci = [ "0000:01:00.0" ]
disk-rbd | --hvm --boot "$B" --network none --graphics none --disk source.protocol=rbd,source.name=pool/image,source.host0.name=mon1.example.org,source.host0.port=6789,target.dev=xvda,target.bus=xen
    validate     0 valid
    validate-dm  0 valid
    xl           0 backendtype=qdisk,target=rbd:pool/image:auth_supported=none:mon_host=mon1.example.org\\:6789"
    xl-dm        0 backendtype=qdisk,target=rbd:pool/image:auth_supported=none:mon_host=mon1.example.org\\:6789"
disk-nbd | --hvm --boot "$B" --network none --graphics none --disk source.protocol=nbd,source.name=export,source.host0.name=nbd.example.org,target.dev=xvda,target.bus=xen
    validate     1 <source>: protocol='nbd': libxl's qdisk backend opens network disks of protocol 'rbd' only
    validate     1 !is not allowed
serial-tcp-tls | --hvm --boot "$B" $none --serial tcp,host=0.0.0.0:4555,mode=bind,source.tls=yes
    validate     1 <source>: tls='yes': libxl gives QEMU the device as one -serial string, which has no TLS
    validate     1 !is not allowed
    xl-dm        1 tls='yes'
serial-tcp-no-tls | --hvm --boot "$B" $none --serial tcp,host=0.0.0.0:4555,mode=bind,source.tls=no
    validate     0 valid
    xl           0 serial = "tcp:0.0.0.0:4555,server,nowait"
location | --hvm --location "$T/tree,kernel=install/vmlinuz,initrd=install/initrd.gz" --extra-args console=ttyS0 $none
    validate     1 a second <domain>: virt-install --print-xml prints the install-time and the installed domain; keep one document per file
    validate     1 !malformed XML
    xl-dm        1 a second <domain>
location-install | --hvm --location "$T/tree,kernel=install/vmlinuz,initrd=install/initrd.gz" --extra-args console=ttyS0 $none | first
    validate     1 <kernel>: @T@/cache/virt-manager/boot/virtinst-
    validate     1 cannot open kernel: No such file or directory
    validate     1 cannot open initrd: No such file or directory
    xl-dm        1 cannot open kernel: No such file or directory
TABLE
}


# result STATUS NAME DIAG [TODO]: tap_result, or a TAP TODO point.
result() {
	if [ -z "${4-}" ]; then
		tap_result "$1" "$2" "$3"
		return
	fi
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2 # TODO $4"
	else
		echo "not ok $tap_n - $2 # TODO $4"
		printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

# log LABEL TEXT: TEXT into the log, each line after "# LABEL".
log() {
	[ -n "$2" ] && printf '%s\n' "$2" | sed "s|^|# $1|"
	return 0
}

# make_shape SHAPE ARGS FIRST: run virt-install; the XML in $T/SHAPE.xml.
make_shape() {
	only_first=$3
	eval "set -- $2"
	set -- virt-install --connect "$uri" --print-xml \
		--name "$name" --memory 512 --vcpus 1 --osinfo linux2022 "$@"
	echo "# ---- $shape"
	echo "# \$$(shquote "$@" | sed "s|$uri|\"\$uri\"|")"
	tap_run "$@"
	xml=$T/$shape.xml
	printf '%s\n' "$tap_out" > "$xml"
	log "virt-install stderr: " "$tap_err"
	[ "$tap_status" -eq 0 ] && [ -n "$tap_out" ]
	result $? "$shape: virt-install --print-xml exits 0 with XML" "status $tap_status
stderr: $tap_err"
	if [ "$only_first" = first ]; then
		sed '/<\/domain>/q' "$T/$shape.xml" > "$T/$shape.first.xml"
		xml=$T/$shape.first.xml
	fi
	log "" "$(cat "$xml")"
	# The dm variant: the same domain, booted by qemu-xen.
	sed "s|<metadata>|<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='device-model'/>|" \
		"$xml" > "$T/$shape.dm.xml"
	if [ "$only_first" = first ] || [ "$(grep -c '^<domain' "$xml")" -eq 1 ]; then
		tap_run virt-xml-validate "$xml" domain
		result "$tap_status" "$shape: libvirt's schema accepts it" "$tap_out
$tap_err"
	fi
	# A libvirt test-driver node holding the domain beside the network.
	sed '/^ *<device>/,$d' "$D/testdriver-xen.xml" > "$T/$shape.node.xml"
	sed 's/^/  /' "$xml" >> "$T/$shape.node.xml"
	echo '</node>' >> "$T/$shape.node.xml"
}

# verdict COMMAND STATUS FRAGMENT [TODO]
verdict() {
	case $1 in
	validate) set -- "$@" "$XEN_KBOOT" validate "$xml" ;;
	validate-dm) set -- "$@" "$XEN_KBOOT" validate "$T/$shape.dm.xml" ;;
	xl) set -- "$@" "$XEN_KBOOT" domxml-to-native xl "$xml" ;;
	xl-dm) set -- "$@" "$XEN_KBOOT" domxml-to-native xl --mode device-model "$xml" ;;
	xl-connect) set -- "$@" "$XEN_KBOOT" domxml-to-native --connect "test://$T/$shape.node.xml" xl "$name" ;;
	*) tap_bail "table: unknown command '$1' in shape $shape" ;;
	esac
	cmd=$1 want=$2 frag=$3 todo=$4
	shift 4
	tap_run "$@"
	all="$tap_out
$tap_err"
	found=1
	case $frag in
	!*) case $all in *"${frag#!}"*) found=1 ;; *) found=0 ;; esac ;;
	*) case $all in *"$frag"*) found=0 ;; *) found=1 ;; esac ;;
	esac
	key="$shape $cmd"
	if [ "$key" != "${last_key-}" ]; then
		echo "# \$$(shquote "$@" | sed "s|$T|\$T|g") => exit $tap_status"
		log "  stdout: " "$tap_out"
		log "  stderr: " "$tap_err"
		last_key=$key
	fi
	case $frag in !*) what="without '${frag#!}'" ;; *) what="'$frag'" ;; esac
	[ "$tap_status" -eq "$want" ] && [ "$found" -eq 0 ]
	result $? "$shape: $cmd: exit $want, $what" "status $tap_status (want $want)
stdout: $tap_out
stderr: $tap_err" "$todo"
}

echo "# virt-install $(virt-install --version 2>&1)"
echo "# uri=$uri"
shape=
table > "$T/table"
while IFS= read -r line; do
	case $line in
	'' | '#'*) continue ;;
	' '*)
		# COMMAND STATUS FRAGMENT [# TODO REASON]
		todo=
		case $line in *'  # TODO '*) todo=${line#*  # TODO }; line=${line%%  # TODO *} ;; esac
		set -f
		# shellcheck disable=SC2086
		set -- $line
		set +f
		cmd=$1 want=$2
		frag=$(printf '%s' "$line" | sed -E -e 's/^ *[^ ]+ +[^ ]+ +//' -e "s|@K32@|$K32|g" -e "s|@K@|$K|g" -e "s|@I@|$I|g" -e "s|@T@|$T|g")
		verdict "$cmd" "$want" "$frag" "$todo"
		;;
	*)
		shape=$(printf '%s' "$line" | cut -d'|' -f1 | sed 's/ *$//')
		args=$(printf '%s' "$line" | cut -d'|' -f2)
		first=$(printf '%s' "$line" | cut -s -d'|' -f3 | tr -d ' ')
		make_shape "$shape" "$args" "$first"
		;;
	esac
done < "$T/table"
tap_done
