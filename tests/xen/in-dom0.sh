#!/bin/sh
# The real-Xen scenarios, run as root in the xen-rig's dom0 by
# tests/xen/xen-suite.sh, which prepared DIR (domain XMLs, initrds, and the
# e820 and RAM each direct-booted guest must report).  Prints TAP lines
# (the host script prints the plan).
#
#   in-dom0.sh DIR
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/scenario.sh"
dir=$1 D=$1/domains
CON=/var/log/xen/console
V="virsh -q -c xen:///system"

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
xl_domains() { xl list | awk 'NR > 1 { print $2, $1 }'; }
cmdline_of() { sed -n 's|.*<cmdline>\(.*\)</cmdline>.*|\1|p' "$D/$1.xml"; }
# logtext LOG: what LOG holds of the guest's last boot, without CRs and
# NULs.  A guest started again after a triple fault (scenario)
# left its first boot's bytes in LOG: /tmp/NAME.skip says how many.
# xenconsoled keeps writing the new domain's console through the file
# descriptor it has (a log renamed away was never created again; one
# emptied in place was written on at the old offset, after NULs), so the
# log is left alone and its old bytes skipped.
logtext() {
	skip=$(cat "/tmp/${1##*/}.skip" 2>/dev/null || echo 0)
	[ "$skip" -le "$(wc -c < "$1" 2>/dev/null || echo 0)" ] || skip=0
	tail -c +$((skip + 1)) "$1" 2>/dev/null | tr -d '\r\000'
}
report() { logtext "$1" | sed -n "s/^KBOOT-$2: //p" | tail -n 1; }
markers() { logtext "$1" | grep -c "^KBOOT-$2"; }

has_markers() { [ "$(markers "$1" "$2")" -ge "$3" ]; }
# The guest NAME reached userspace, or there is no domain NAME to wait for.
booted_or_gone() { has_markers "$2" MARKER 1 || domain_gone "$1"; }
# The guest NAME's report ended, or there is no domain NAME to wait for.
done_or_gone() { has_markers "$2" DONE 1 || domain_gone "$1"; }
# No process of the domain's (qemu-xen, a monitor) is left.  dom0's
# busybox has no pgrep: read /proc.
no_process_for() {
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -q -- "-xen-domid $1 " && return 1
	done
	return 0
}
state_of() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
is_crashed() { case $(state_of "$1") in *c*) true ;; *) false ;; esac; }

# wait_boot NAME LOG SECONDS T0 [REPORT-SECONDS]: waits for the userspace
# marker and then (30 s, or REPORT-SECONDS) for the whole report; records
# the seconds from T0 to the marker in /tmp/NAME.time, to the report's end
# in /tmp/NAME.done.  $id becomes the domain's id now: a guest whose
# on_reboot is restart was restarted if a first boot triple-faulted (see
# scenario).
wait_boot() {
	name=$1 log=$2 limit=$3 t0=$4
	if wait_for "$limit" booted_or_gone "$name" "$log" && has_markers "$log" MARKER 1; then
		since "$t0" > "/tmp/$name.time"
		wait_for "${5:-30}" has_markers "$log" DONE 1 && since "$t0" > "/tmp/$name.done"
	else
		domain_gone "$name" || echo "$limit" > "/tmp/$name.hung"
		false
	fi
	tap_result $? "$name: the guest reached userspace (in $(cat "/tmp/$name.time" 2>/dev/null || echo "more than $limit") s)" \
		"$(logtext "$log" | tail -n 30; xl list; xl dmesg | grep -E '\(d[0-9]+\)' | tail -n 20
		  xl dmesg | grep -E 'Triple fault|domain_crash' | tail -n 5)"
	id=$(xl domid "$name" 2>/dev/null || echo "$id")
}

# check_report NAME LOG INITRD [e820]: what the guest saw.
check_report() {
	name=$1 log=$2 initrd=$3
	got=$(report "$log" CMDLINE) want=$(cmdline_of "$name")
	[ "$got" = "$want" ]
	tap_result $? "$name: /proc/cmdline is exactly the domain's" "got:  $got
want: $want"
	got=$(report "$log" PAYLOAD)
	[ -n "$got" ] && [ "$got" = "$(cat "$dir/$initrd.sha256")" ]
	tap_result $? "$name: the initrd's payload checksum matches" "got '$got'"
	memtotal=$(report "$log" MEMTOTAL)
	if [ "${4:-}" = e820 ]; then
		logtext "$log" | sed -n 's/^KBOOT-E820: //p' > "/tmp/$name.e820"
		diff "$D/$name.e820" "/tmp/$name.e820" > "/tmp/$name.e820.diff"
		tap_result $? "$name: the kernel's e820 is the plan's" "$(cat "/tmp/$name.e820.diff")"
		ram=$(cat "$D/$name.ramkib")
		[ -n "$memtotal" ] && [ "$memtotal" -le "$ram" ] && [ "$memtotal" -ge $((ram * 7 / 10)) ]
		tap_result $? "$name: MemTotal ${memtotal:-?} KiB fits the plan's $ram KiB of RAM"
	else
		[ -n "$memtotal" ] && [ "$memtotal" -ge 100000 ] && [ "$memtotal" -le 262144 ]
		tap_result $? "$name: MemTotal ${memtotal:-?} KiB for a 256 MiB guest"
	fi
}

# powered_off NAME ID: the guest powered itself off; on_poweroff='destroy'
# ends the domain and its device model.  For a domain xen-kboot create
# started, its monitor's log says why Xen shut it down: poweroff (ACPI S5
# through qemu-xen), not a halt of every vCPU.
powered_off() {
	wait_for 90 domain_gone "$1" && wait_for 10 no_process_for "$2"
	tap_result $? "$1: poweroff in the guest ends domain $2 and its qemu-xen (on_poweroff destroy)" \
		"$(xl list; ps | grep -e qemu -e xen-kboot | grep -v grep)"
	if [ -f "/var/log/xen/xen-kboot-$1.log" ]; then
		grep -q "domain '$1' (id $2) shut down (poweroff)" "/var/log/xen/xen-kboot-$1.log"
		tap_result $? "$1: Xen's shutdown reason is poweroff" "$(cat "/var/log/xen/xen-kboot-$1.log")"
	fi
}

# cpus_are NAME LOG ONLINE POSSIBLE: what the guest's kernel brought up.
cpus_are() {
	got=$(report "$2" CPUS) possible=$(report "$2" CPUS-POSSIBLE)
	[ "$got" = "$3" ] && [ "$possible" = "$4" ]
	tap_result $? "$1: $3 CPUs online of $4 the firmware's tables list (current='$3' of <vcpu>$4)" \
		"online '$got', possible '$possible'; $(logtext "$2" | grep -i -e smpboot -e 'CPU[0-9]' | tail -n 10)"
}
# pci_of LOG: the guest's PCI devices as its last boot reported them
# (slot, ids, class, IRQ), sorted: a guest restarted after a triple fault
# (scenario) left a first, partial report above.
pci_of() {
	logtext "$1" | awk '/^KBOOT-MARKER/ { n = 0; split("", pci) }
		/^KBOOT-PCI: / { pci[n++] = substr($0, 12) }
		END { for (i = 0; i < n; i++) print pci[i] }' | sort
}

# create NAME [OPTIONS]: xen-kboot create; sets $id and $t0.
create() {
	name=$1; shift
	t0=$(now)
	tap_run xen-kboot create "$@" "$D/$name.xml"
	id=$tap_out
	[ "$tap_status" -eq 0 ] && [ -n "$id" ] && [ "$id" -gt 0 ] 2>/dev/null
	tap_result $? "$name: xen-kboot create $* exits 0 and prints the domain id" \
		"status $tap_status, stdout '$tap_out'
$tap_err"
}

# ---- refusals: nothing reaches Xen -------------------------------------------
xl_domains > /tmp/domains.before
limit=$(cat "$D/cmdline_size")
for case in \
	"memtest|cannot be direct-booted: relocatable_kernel is 0 at offset 0x234" \
	"small|initrd*300.0 MiB" \
	"longcmdline|command line of * bytes*$limit" \
	"nopae|<pae/>"
do
	name=${case%%|*} msg=${case#*|}
	tap_expect "refused on Xen: $name ($msg)" 1 "" "*$msg*" xen-kboot create "$D/$name.xml"
	xl_domains > /tmp/domains.after
	cmp -s /tmp/domains.before /tmp/domains.after
	tap_result $? "refused on Xen: $name: xl list is as it was" "$(cat /tmp/domains.after)"
done

# ---- direct boot ---------------------------------------------------------------
direct256() {
	create direct256
	wait_boot direct256 "$CON/guest-direct256.log" 240 "$t0"
	check_report direct256 "$CON/guest-direct256.log" initrd-amd64.gz e820
	powered_off direct256 "$id"
}
scenario direct256 "$CON/guest-direct256.log" direct256

direct4g() {
	create direct4g
	wait_boot direct4g "$CON/guest-direct4g.log" 300 "$t0"
	check_report direct4g "$CON/guest-direct4g.log" initrd-amd64.gz e820
	grep -q '^0x100000000 ' /tmp/direct4g.e820
	tap_result $? "direct4g: the guest has RAM above 4 GiB" "$(cat /tmp/direct4g.e820)"
	powered_off direct4g "$id"
}
scenario direct4g "$CON/guest-direct4g.log" direct4g

i386() {
	create i386
	wait_boot i386 /tmp/i386-serial.log 600 "$t0"
	check_report i386 /tmp/i386-serial.log initrd-i386.gz e820
	powered_off i386 "$id"
}
scenario i386 /tmp/i386-serial.log i386

# ---- whole machines: vCPUs, PCI, panic ---------------------------------------
smp4() {
	create smp4
	wait_boot smp4 "$CON/guest-smp4.log" 400 "$t0"
	check_report smp4 "$CON/guest-smp4.log" initrd-amd64.gz e820
	cpus_are smp4 "$CON/guest-smp4.log" 3 4
	powered_off smp4 "$id"
}
scenario smp4 "$CON/guest-smp4.log" smp4

dmsmp4() {
	create dmsmp4 --mode device-model
	wait_boot dmsmp4 "$CON/guest-dmsmp4.log" 600 "$t0"
	cpus_are dmsmp4 "$CON/guest-dmsmp4.log" 3 4
	pci_of "$CON/guest-smp4.log" > /tmp/smp4.pci
	pci_of "$CON/guest-dmsmp4.log" > /tmp/dmsmp4.pci
	[ -s /tmp/smp4.pci ] && diff /tmp/dmsmp4.pci /tmp/smp4.pci > /tmp/pci.diff
	tap_result $? "smp4 and dmsmp4: the same PCI devices with the same IRQs, booted directly and by hvmloader ($(wc -l < /tmp/smp4.pci) devices)" \
		"$(cat /tmp/pci.diff)"
	sed 's/^/# smp4 PCI: /' /tmp/smp4.pci
	powered_off dmsmp4 "$id"
}
scenario dmsmp4 "$CON/guest-dmsmp4.log" dmsmp4

panic256() {
	create panic256
	wait_boot panic256 "$CON/guest-panic256.log" 240 "$t0"
	wait_for 90 domain_gone panic256 &&
		grep -q "domain 'panic256' (id $id) shut down (reboot)" /var/log/xen/xen-kboot-panic256.log
	tap_result $? "panic256: a panic with panic=-1 reboots (Xen's reason reboot; on_reboot destroy)" \
		"$(cat /var/log/xen/xen-kboot-panic256.log; tail -n 5 "$CON/guest-panic256.log" | tr -d '\r')"
}
scenario panic256 "$CON/guest-panic256.log" panic256

# ---- the same guest through qemu-xen: xen-kboot's device-model mode, xl ---------
dm256() {
	create dm256 --mode device-model
	wait_boot dm256 "$CON/guest-dm256.log" 600 "$t0"
	check_report dm256 "$CON/guest-dm256.log" initrd-amd64.gz
	powered_off dm256 "$id"
}
scenario dm256 "$CON/guest-dm256.log" dm256

# /tmp/xl256.cfg: direct256's guest as xl.cfg with kernel= (qemu-xen
# loads the kernel over fw_cfg), for xl256 and createbench.
write_xl256_cfg() {
	cat > /tmp/xl256.cfg <<CFG
name = "xl256"
type = "hvm"
memory = 256
vcpus = 1
pae = 1
acpi = 1
apic = 1
kernel = "$(sed -n 's|.*<kernel>\(.*\)</kernel>.*|\1|p' "$D/direct256.xml")"
ramdisk = "$dir/initrd-amd64.gz"
cmdline = "$(cmdline_of direct256)"
on_poweroff = "destroy"
on_reboot = "destroy"
CFG
}

xl256() {
	write_xl256_cfg
	t0=$(now)
	tap_ok "xl256: xl create with kernel= exits 0" xl create /tmp/xl256.cfg
	wait_boot xl256 "$CON/guest-xl256.log" 600 "$t0"
	wait_for 90 domain_gone xl256
	tap_result $? "xl256: the guest's poweroff ends the domain (xl's own monitor)" "$(xl list)"
}
scenario xl256 "$CON/guest-xl256.log" xl256

# ---- libvirt: virsh create, with xen-kboot's hook --------------------------------
lv256() {
	tap_expect "libvirt: virsh create of a memtest86+ domain booted directly is refused with the hook's reason" 1 "" \
		"*xen-kboot: domain 'lvmemtest': *memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0*" \
		$V create "$D/lvmemtest.xml"
	xl_domains > /tmp/domains.after
	cmp -s /tmp/domains.before /tmp/domains.after && ! $V dominfo lvmemtest > /dev/null 2>&1
	tap_result $? "libvirt: no domain exists after the hook's refusal" "$(cat /tmp/domains.after)"
	t0=$(now)
	tap_ok "libvirt: virsh create of the Debian kernel domain exits 0" $V create "$D/lv256.xml"
	wait_boot lv256 "$CON/guest-lv256.log" 600 "$t0"
	check_report lv256 "$CON/guest-lv256.log" initrd-amd64.gz
	wait_for 90 domain_gone lv256
	tap_result $? "libvirt: the guest's poweroff ends the domain" "$(xl list)"
}
scenario lv256 "$CON/guest-lv256.log" lv256

# ---- libvirt: virsh create through xen-kboot-dm (<emulator>) --------------------
# dm_log NAME: libxl's qemu-dm log of domain NAME, every start (libxl
# rotates it to .1, .2, ... at each one).
dm_log() { cat "/var/log/xen/qemu-dm-$1.log".* "/var/log/xen/qemu-dm-$1.log" 2>/dev/null; }
# guest_dmesg ID: what domain ID said to Xen's console (xl dmesg; the rig's
# Xen keeps 4 MiB of it).
guest_dmesg() { xl dmesg | grep -F "(d$1)"; }
# booted_by_loader NAME ID: the loader ran in its device model, and Xen's
# log shows xen-kboot's firmware entering the kernel, not hvmloader.
booted_by_loader() {
	guest_dmesg "$2" > "/tmp/$1.dmesg"
	dm_log "$1" | grep -q "^xen-kboot-dm: domain '$1' (id $2): vCPU 0 enters xen-kboot's firmware at 0x" &&
		grep -q "xen-kboot firmware: entering the kernel at 0x" "/tmp/$1.dmesg" &&
		! grep -q -e "HVM Loader" -e "SeaBIOS" "/tmp/$1.dmesg"
	tap_result $? "$1: loaded by xen-kboot-dm and entered through xen-kboot's firmware (xl dmesg: no hvmloader, no SeaBIOS)" \
		"$(dm_log "$1"; head -n 20 "/tmp/$1.dmesg")"
}
# entered_fast NAME ID KIND: the firmware entered the kernel proper (the
# fast path), says its line in Xen's console ring.
entered_fast() {
	guest_dmesg "$2" | grep -q "xen-kboot firmware: entering the decompressed kernel ($3) at 0x01000000 "
	tap_result $? "$1: the firmware entered the decompressed kernel ($3), says xl dmesg" \
		"$(guest_dmesg "$2" | tail -n 5)"
}

lvdm256() {
	t0=$(now)
	tap_ok "xen-kboot-dm: virsh create of a domain with <emulator>xen-kboot-dm</emulator> exits 0" \
		$V create "$D/lvdm256.xml"
	id=$(xl domid lvdm256 2>/dev/null)
	wait_boot lvdm256 "$CON/guest-lvdm256.log" 300 "$t0"
	check_report lvdm256 "$CON/guest-lvdm256.log" initrd-amd64.gz e820
	booted_by_loader lvdm256 "$id"
	grep "^xen-kboot-dm: domain 'lvdm256' (id $id): loaded " /var/log/xen/qemu-dm-lvdm256.log | sed 's/^/# /'
	powered_off lvdm256 "$id"
}
scenario lvdm256 "$CON/guest-lvdm256.log" lvdm256

# The domain's own <kboot:boot path='fast'/> through virsh create: libxl
# passes xen-kboot-dm no metadata, so the hook records the path for it
# (/run/xen-kboot/domains/NAME.boot) and removes it at release; dm.conf
# says nothing of the path here.
lvdmfast() {
	t0=$(now)
	tap_ok "lvdmfast: virsh create of a domain with <kboot:boot path='fast'/> and xen-kboot-dm exits 0" \
		$V create "$D/lvdmfast.xml"
	id=$(xl domid lvdmfast 2>/dev/null)
	grep -q -x 'path = fast' /run/xen-kboot/domains/lvdmfast.boot
	tap_result $? "lvdmfast: the hook recorded path='fast' for xen-kboot-dm" \
		"$(ls -la /run/xen-kboot/domains 2>&1; cat /run/xen-kboot/domains/lvdmfast.boot 2>&1)"
	wait_boot lvdmfast "$CON/guest-lvdmfast.log" 300 "$t0"
	check_report lvdmfast "$CON/guest-lvdmfast.log" initrd-amd64.gz e820
	dm_log lvdmfast | grep -q -F "xen-kboot-dm: domain 'lvdmfast' (id $id): boot path fast, from the domain's <kboot:boot path='fast'/>" &&
		dm_log lvdmfast | grep -q "^xen-kboot-dm: domain 'lvdmfast' (id $id): fast boot of "
	tap_result $? "lvdmfast: xen-kboot-dm followed the domain's path, and its log says so" "$(dm_log lvdmfast)"
	entered_fast lvdmfast "$id" "64-bit, long mode"
	powered_off lvdmfast "$id"
	wait_for 30 test ! -e /run/xen-kboot/domains/lvdmfast.boot
	tap_result $? "lvdmfast: the hook removed the record when libvirt released the domain" \
		"$(ls -la /run/xen-kboot/domains 2>&1)"
}
scenario lvdmfast "$CON/guest-lvdmfast.log" lvdmfast

# Two vCPUs through xen-kboot-dm: the ACPI tables list what Xen built.
lvdmsmp2() {
	t0=$(now)
	tap_ok "lvdmsmp2: virsh create of a 2-vCPU domain through xen-kboot-dm exits 0" \
		$V create "$D/lvdmsmp2.xml"
	id=$(xl domid lvdmsmp2 2>/dev/null)
	wait_boot lvdmsmp2 "$CON/guest-lvdmsmp2.log" 400 "$t0"
	check_report lvdmsmp2 "$CON/guest-lvdmsmp2.log" initrd-amd64.gz e820
	cpus_are lvdmsmp2 "$CON/guest-lvdmsmp2.log" 2 2
	id=$(xl domid lvdmsmp2 2>/dev/null || echo "$id")
	dm_log lvdmsmp2 | grep -q "^xen-kboot-dm: domain 'lvdmsmp2' (id [0-9]*): vCPU 0 enters xen-kboot's firmware at 0x[0-9a-f]* instead of hvmloader; ACPI tables for 2 vCPUs$"
	tap_result $? "lvdmsmp2: xen-kboot-dm's log says its ACPI tables list 2 vCPUs" "$(dm_log lvdmsmp2)"
	wait_for 90 domain_gone lvdmsmp2
	tap_result $? "lvdmsmp2: the guest's poweroff ends the domain" "$(xl list)"
}
scenario lvdmsmp2 "$CON/guest-lvdmsmp2.log" lvdmsmp2

# Reboot: libvirt destroys and re-creates the domain, and the loader runs
# again in the new domain's device model.
lvdmreboot() {
	t0=$(now)
	tap_ok "xen-kboot-dm: virsh create of a guest that reboots" $V create "$D/lvdmreboot.xml"
	first=$(xl domid lvdmreboot 2>/dev/null)
	wait_boot lvdmreboot "$CON/guest-lvdmreboot.log" 300 "$t0"
	check_report lvdmreboot "$CON/guest-lvdmreboot.log" initrd-amd64.gz e820
	wait_for 300 has_markers "$CON/guest-lvdmreboot.log" DONE 2
	tap_result $? "lvdmreboot: 'reboot -f' in the guest brings it back to userspace (on_reboot restart)" \
		"$(tail -n 30 "$CON/guest-lvdmreboot.log" | tr -d '\r'; xl list)"
	second=$(xl domid lvdmreboot 2>/dev/null)
	[ -n "$second" ] && [ "$second" != "$first" ] &&
		[ "$(dm_log lvdmreboot | grep -c "^xen-kboot-dm: domain 'lvdmreboot' (id [0-9]*): vCPU 0 enters")" -ge 2 ]
	tap_result $? "lvdmreboot: libvirt re-created it as domain ${second:-none} (was $first) and xen-kboot-dm loaded it again" \
		"$(dm_log lvdmreboot)"
	booted_by_loader lvdmreboot "${second:-0}"
	tap_ok "lvdmreboot: virsh destroy exits 0" $V destroy lvdmreboot
	wait_for 10 domain_gone lvdmreboot && ! xenstore-exists "/local/domain/$second" &&
		wait_for 10 no_process_for "$second" && ! $V dominfo lvdmreboot > /dev/null 2>&1
	tap_result $? "lvdmreboot: virsh destroy leaves nothing (xl list, xenstore, qemu-xen, libvirt)" \
		"$(xl list; xenstore-ls /local/domain 2>/dev/null | grep -E '^[0-9]+ ')"
}
scenario lvdmreboot "$CON/guest-lvdmreboot.log" lvdmreboot

# define + start: a persistent domain, shown running.
lvdmdef() {
	tap_ok "lvdmdef: virsh define" $V define "$D/lvdmdef.xml"
	t0=$(now)
	tap_ok "lvdmdef: virsh start" $V start lvdmdef
	id=$(xl domid lvdmdef 2>/dev/null)
	[ "$($V domstate lvdmdef)" = running ] && $V dumpxml lvdmdef | grep -q "<domain type='xen' id='$id'>"
	tap_result $? "lvdmdef: virsh domstate says running and dumpxml shows domain id $id" "$($V domstate lvdmdef)"
	wait_boot lvdmdef "$CON/guest-lvdmdef.log" 300 "$t0"
	booted_by_loader lvdmdef "$id"
	wait_for 120 domain_gone lvdmdef && [ "$($V domstate lvdmdef)" = "shut off" ]
	tap_result $? "lvdmdef: its poweroff leaves the persistent domain shut off" "$($V domstate lvdmdef 2>&1)"
	tap_ok "lvdmdef: virsh undefine" $V undefine lvdmdef
}
scenario lvdmdef "$CON/guest-lvdmdef.log" lvdmdef

# Plain xl: what 'xen-kboot domxml-to-native xl' writes boots through
# xen-kboot-dm too.
xldm256() {
	xen-kboot domxml-to-native xl "$D/xldm256.xml" > /tmp/xldm256.cfg &&
		grep -q '^device_model_override = "/usr/lib/xen-kboot/xen-kboot-dm"$' /tmp/xldm256.cfg &&
		grep -q '^device_model_version = "qemu-xen"$' /tmp/xldm256.cfg
	tap_result $? "xldm256: domxml-to-native xl names xen-kboot-dm as the device model" "$(cat /tmp/xldm256.cfg)"
	t0=$(now)
	tap_ok "xldm256: xl create of domxml-to-native's output exits 0" xl create /tmp/xldm256.cfg
	id=$(xl domid xldm256 2>/dev/null)
	wait_boot xldm256 "$CON/guest-xldm256.log" 300 "$t0"
	check_report xldm256 "$CON/guest-xldm256.log" initrd-amd64.gz
	booted_by_loader xldm256 "$id"
	wait_for 90 domain_gone xldm256
	tap_result $? "xldm256: the guest's poweroff ends the domain" "$(xl list)"
}
scenario xldm256 "$CON/guest-xldm256.log" xldm256

# ---- whole machines: disks and NICs, through every boot path -------------------
# The guests of xen-suite.sh's devices_xml: xvda (qdisk, and libxl's IDE
# twin of it), the IDE disk hdc, NICs e1000 and netfront on xenbr0; their
# /init loads the drivers and reports each disk and NIC.
. "$D/devices.env"
mkdir -p /tmp/kboot-disks
cp "$dir/xvda.img" "$dir/hdc.img" /tmp/kboot-disks/

# device_facts NAME LOG: what the guest saw of its machine (its last boot
# in LOG), one fact a line in /tmp/NAME.facts, sorted: "disk MARKER
# DRIVER", "nic MAC DRIVER OPERSTATE CARRIER", "cpus N".  Names (sda,
# eth2) are left out: they follow probe order.
device_facts() {
	logtext "$2" | awk '
		/^KBOOT-MARKER: / { n = 0 }
		/^KBOOT-DISK: / { f[++n] = "disk " $3 " " $4 }
		/^KBOOT-NIC: / { f[++n] = "nic " $3 " " $6 " " $4 " " $5 }
		/^KBOOT-CPUS: / { f[++n] = "cpus " $2 }
		END { for (i = 1; i <= n; i++) print f[i] }' | sort > "/tmp/$1.facts"
}
has_fact() { grep -qxF "$2" "/tmp/$1.facts"; }
# device_diag NAME LOG PATTERN: the facts, and the kernel's lines about
# one driver (grep -E PATTERN), for a failed test point.
device_diag() {
	echo "facts: $(tr '\n' ';' < "/tmp/$1.facts")"
	logtext "$2" | grep -a -E -e "^KBOOT-(MODPROBE|WAIT)" -e "$3" | tail -n 15
	xl dmesg | grep 'Triple fault' | tail -n 3
}
# check_devices NAME LOG: the disks, NICs and CPUs guest NAME reported (see
# device_facts), each path a test point.
check_devices() {
	name=$1 log=$2
	device_facts "$name" "$log"
	has_fact "$name" "disk $xvda_marker vbd"
	tap_result $? "$name: xen-blkfront reads xvda's marker (a file, qdisk backend in qemu-xen)" \
		"$(device_diag "$name" "$log" 'blkfront|vbd')"
	has_fact "$name" "disk $xvda_marker ata_piix"
	tap_result $? "$name: the emulated IDE controller (ata_piix) reads the same marker (libxl's IDE twin of xvda)" \
		"$(device_diag "$name" "$log" 'ata|scsi|sd ')"
	has_fact "$name" "disk $hdc_marker ata_piix"
	tap_result $? "$name: ata_piix reads the IDE disk hdc's marker" \
		"$(device_diag "$name" "$log" 'ata|scsi|sd ')"
	has_fact "$name" "nic $mac_e1000 e1000 up 1"
	tap_result $? "$name: the emulated e1000 has MAC $mac_e1000 and its link up" \
		"$(device_diag "$name" "$log" 'e1000|eth[0-9]|irq|IRQ')"
	has_fact "$name" "nic $mac_e1000 vif up 1" && has_fact "$name" "nic $mac_netfront vif up 1"
	tap_result $? "$name: xen-netfront has both vifs ($mac_e1000, $mac_netfront) with their links up" \
		"$(device_diag "$name" "$log" 'netfront|vif')"
	has_fact "$name" "cpus 1"
	tap_result $? "$name: one CPU online, as <vcpu> says" "$(device_diag "$name" "$log" 'smp|SMP|CPU')"
}
# same_devices NAME REF: guest NAME saw the machine that guest REF
# (booted through hvmloader) saw.
same_devices() {
	diff "/tmp/$2.facts" "/tmp/$1.facts" > "/tmp/$1.facts.diff"
	tap_result $? "$1: the same disks, NICs and CPUs as $2 (hvmloader) saw" "$(cat "/tmp/$1.facts.diff")"
}
# on_bridge NAME ID: vif-bridge put domain ID's vifs and its emulated
# NIC's tap on xenbr0.
on_bridge() {
	brif=$(ls /sys/class/net/xenbr0/brif 2>/dev/null | tr '\n' ' ')
	case " $brif" in
	*" vif$2.0 vif$2.0-emu vif$2.1 "*) true ;;
	*) false ;;
	esac
	tap_result $? "$1: dom0's xenbr0 has its vifs and its e1000's tap (vif-bridge)" \
		"xenbr0: $brif; $(tail -n 5 /var/log/xen/xen-hotplug.log 2>/dev/null)"
}
# off_bridge NAME ID: after domain ID, none of its vifs or taps is left.
off_bridge() {
	! ls /sys/class/net | grep -q "^vif$2\."
	tap_result $? "$1: none of its vifs or taps is left in dom0" "$(ls /sys/class/net)"
}

# round_trip NAME [OPTIONS]: virsh dumpxml of the running domain NAME,
# with all libvirt writes back (id, uuid, memory in KiB, console ttys,
# vif names, defaults), passes xen-kboot validate and converts (xen-kboot
# domxml-to-native xl OPTIONS) to the settings of the file it was created
# from, uuid aside (libvirt made one up).
round_trip() {
	rt=$1; shift
	$V dumpxml "$rt" > "/tmp/$rt.dump.xml"
	tap_ok "$rt: xen-kboot validate accepts virsh dumpxml of the running domain" \
		xen-kboot validate "/tmp/$rt.dump.xml"
	xen-kboot domxml-to-native xl "$@" "$D/$rt.xml" 2>/dev/null | grep -v '^uuid = ' > "/tmp/$rt.xl.want"
	xen-kboot domxml-to-native xl "$@" "/tmp/$rt.dump.xml" 2>"/tmp/$rt.xl.err" | grep -v '^uuid = ' > "/tmp/$rt.xl.got"
	diff "/tmp/$rt.xl.want" "/tmp/$rt.xl.got" > "/tmp/$rt.xl.diff"
	tap_result $? "$rt: its dumpxml converts to the xl.cfg of the file it was created from (uuid aside)" \
		"$(cat "/tmp/$rt.xl.diff" "/tmp/$rt.xl.err"; echo "virsh dumpxml:"; cat "/tmp/$rt.dump.xml")"
}

# hvmloader: xen-kboot's device-model mode, and a plain libvirt domain.
dmdev() {
	create dmdev --mode device-model
	on_bridge dmdev "$id"
	wait_boot dmdev "$CON/guest-dmdev.log" 600 "$t0" 300
	check_devices dmdev "$CON/guest-dmdev.log"
	id=$(xl domid dmdev 2>/dev/null || echo "$id")
	powered_off dmdev "$id"
	off_bridge dmdev "$id"
}
scenario dmdev "$CON/guest-dmdev.log" dmdev

lvdev() {
	t0=$(now)
	tap_ok "lvdev: virsh create exits 0" $V create "$D/lvdev.xml"
	id=$(xl domid lvdev 2>/dev/null)
	round_trip lvdev --mode device-model
	on_bridge lvdev "$id"
	wait_boot lvdev "$CON/guest-lvdev.log" 600 "$t0" 300
	check_devices lvdev "$CON/guest-lvdev.log"
	id=$(xl domid lvdev 2>/dev/null || echo "$id")
	powered_off lvdev "$id"
	off_bridge lvdev "$id"
}
scenario lvdev "$CON/guest-lvdev.log" lvdev

# Booted directly: xen-kboot create, and libvirt through xen-kboot-dm.
directdev() {
	create directdev
	on_bridge directdev "$id"
	wait_boot directdev "$CON/guest-directdev.log" 300 "$t0" 300
	check_devices directdev "$CON/guest-directdev.log"
	same_devices directdev dmdev
	id=$(xl domid directdev 2>/dev/null || echo "$id")
	powered_off directdev "$id"
	off_bridge directdev "$id"
}
scenario directdev "$CON/guest-directdev.log" directdev

lvdmdev() {
	t0=$(now)
	tap_ok "lvdmdev: virsh create through xen-kboot-dm exits 0" $V create "$D/lvdmdev.xml"
	id=$(xl domid lvdmdev 2>/dev/null)
	round_trip lvdmdev
	on_bridge lvdmdev "$id"
	wait_boot lvdmdev "$CON/guest-lvdmdev.log" 300 "$t0" 300
	booted_by_loader lvdmdev "$id"
	check_devices lvdmdev "$CON/guest-lvdmdev.log"
	same_devices lvdmdev lvdev
	id=$(xl domid lvdmdev 2>/dev/null || echo "$id")
	powered_off lvdmdev "$id"
	off_bridge lvdmdev "$id"
}
scenario lvdmdev "$CON/guest-lvdmdev.log" lvdmdev

# The hook in front of xen-kboot-dm: a kernel the loader would refuse is
# refused before the domain exists.  In a domain without it, qemu-xen's
# -kernel takes that kernel, and the hook lets it through.
tap_expect "lvdmmemtest: with the hook, virsh create is refused with its reason" 1 "" \
	"*xen-kboot: domain 'lvdmmemtest': *memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0*" \
	$V create "$D/lvdmmemtest.xml"
tap_ok "lvplainmemtest: memtest86+ in a domain without xen-kboot-dm passes the hook and starts" \
	$V create "$D/lvplainmemtest.xml"
tap_ok "lvplainmemtest: virsh destroy" $V destroy lvplainmemtest

# A kernel the loader refuses, with no hook in front of it (libvirtd
# restarted without xen-kboot's): xen-kboot-dm itself refuses, libxl fails
# the creation, libvirt destroys the domain.
hook=/etc/libvirt/hooks/libxl.d/xen-kboot
# dom0's busybox has no pgrep: /proc, as no_process_for reads it.
libvirtd_stopped() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = libvirtd ] && return 1
	done
	return 0
}
for p in /proc/[0-9]*; do
	[ "$(cat "$p/comm" 2>/dev/null)" = libvirtd ] && kill "${p#/proc/}"
done
wait_for 20 libvirtd_stopped
mv "$hook" /tmp/xen-kboot-hook.off
libvirtd -d -f /etc/libvirt/libvirtd.conf
wait_for 60 sh -c 'virsh -q -c xen:///system uri > /dev/null 2>&1'
tap_result $? "libvirtd restarted without xen-kboot's hook"
xl_domains > /tmp/domains.before.dm
tap_run $V create "$D/lvdmmemtest.xml"
echo "# virsh create of a kernel xen-kboot-dm refuses, as the administrator sees it:"
printf '%s\n' "$tap_err" | sed 's/^/#   /'
echo "# and /var/log/xen/qemu-dm-lvdmmemtest.log:"
dm_log lvdmmemtest | sed 's/^/#   /'
[ "$tap_status" -ne 0 ] &&
	case $tap_err in *"error: Failed to create domain from $D/lvdmmemtest.xml"*) true ;; *) false ;; esac
tap_result $? "lvdmmemtest: virsh create fails" "status $tap_status: $tap_err"
dm_log lvdmmemtest | grep -q "^xen-kboot-dm: domain 'lvdmmemtest' (id [0-9]*): .*memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0"
tap_result $? "lvdmmemtest: the reason, naming the domain, the file and the rule, is in /var/log/xen/qemu-dm-lvdmmemtest.log" \
	"$(dm_log lvdmmemtest)"
xl_domains > /tmp/domains.after
cmp -s /tmp/domains.before.dm /tmp/domains.after && ! $V dominfo lvdmmemtest > /dev/null 2>&1
tap_result $? "lvdmmemtest: no domain is left (xl list, libvirt)" "$(cat /tmp/domains.after)"
mv /tmp/xen-kboot-hook.off "$hook"

# ---- lifecycle: reboot, crash; list and destroy ------------------------------
reboot256() {
	create reboot256
	first=$id
	wait_boot reboot256 "$CON/guest-reboot256.log" 240 "$t0"
	check_report reboot256 "$CON/guest-reboot256.log" initrd-amd64.gz e820
	wait_for 240 has_markers "$CON/guest-reboot256.log" DONE 2
	tap_result $? "reboot256: 'reboot -f' in the guest brings it back through the loader to userspace (on_reboot restart)" \
		"$(tail -n 30 "$CON/guest-reboot256.log" | tr -d '\r'; xl list)"
	second=$(xl domid reboot256 2>/dev/null)
	[ -n "$second" ] && [ "$second" != "$first" ]
	tap_result $? "reboot256: the restarted guest is a new domain ($first, then ${second:-none})"
	xen-kboot list > /tmp/list.out 2>&1
	grep -q -E "^${second:-x} +reboot256 " /tmp/list.out
	tap_result $? "xen-kboot list shows the restarted guest" "$(cat /tmp/list.out)"
	tap_expect "xen-kboot destroy reboot256 exits 0" 0 "*" "" xen-kboot destroy reboot256
	domain_gone reboot256 && ! xenstore-exists "/local/domain/$second" && wait_for 10 no_process_for "$second"
	tap_result $? "xen-kboot destroy leaves nothing of the domain (xl list, xenstore, qemu-xen)" \
		"$(xl list; xenstore-ls /local/domain 2>/dev/null | grep -E '^[0-9]+ ')"
	xl_domains > /tmp/domains.after
	cmp -s /tmp/domains.before /tmp/domains.after
	tap_result $? "after destroy, xl list is as it was before the tests" "$(cat /tmp/domains.after)"
}
scenario reboot256 "$CON/guest-reboot256.log" reboot256

crash256() {
	create crash256
	wait_boot crash256 "$CON/guest-crash256.log" 240 "$t0"
	wait_for 90 is_crashed crash256
	tap_result $? "crash256: a kernel panic leaves the domain crashed and kept (on_crash preserve)" \
		"state '$(state_of crash256)'; $(tail -n 10 "$CON/guest-crash256.log" | tr -d '\r')
$(cat /var/log/xen/xen-kboot-crash256.log)"
	tap_expect "crash256: xen-kboot destroy removes the preserved domain" 0 "*" "" xen-kboot destroy crash256
	wait_for 10 domain_gone crash256
	tap_result $? "crash256: gone" "$(xl list)"
}
scenario crash256 "$CON/guest-crash256.log" crash256

# ---- the fast boot path: the kernel proper, decompressed in dom0 ---------------
fast256() {
	create fast256 --boot-path fast
	wait_boot fast256 "$CON/guest-fast256.log" 240 "$t0"
	check_report fast256 "$CON/guest-fast256.log" initrd-amd64.gz e820
	entered_fast fast256 "$id" "64-bit, long mode"
	powered_off fast256 "$id"
}
scenario fast256 "$CON/guest-fast256.log" fast256

fasti386() {
	create fasti386 --boot-path fast
	wait_boot fasti386 /tmp/fasti386-serial.log 600 "$t0"
	check_report fasti386 /tmp/fasti386-serial.log initrd-i386.gz e820
	entered_fast fasti386 "$id" "32-bit"
	powered_off fasti386 "$id"
}
scenario fasti386 /tmp/fasti386-serial.log fasti386

# ---- bench: create to userspace, side by side (only when named) ---------------
# Each round boots the same kernel, initrd and command line at 256 MiB by
# xen-kboot create (the direct path), xen-kboot create --boot-path fast
# (its cache filled beforehand: the steady state) and xl create with
# kernel= (qemu-xen loads the kernel over fw_cfg), in turn, and says each
# time; then the medians and the ratios (bench/, docs/performance.md).
createbench() {
	runs=$(cat "$dir/bench-runs" 2>/dev/null || echo 3)
	xen-kboot plan --platform xen-hvm --boot-path fast "$D/direct256.xml" > /dev/null
	: > /tmp/bench.times
	for round in $(seq "$runs"); do
		for how in direct fast xl; do
			forget direct256
			forget xl256
			for log in "$CON/guest-direct256.log" "$CON/guest-xl256.log"; do
				wc -c < "$log" > "/tmp/${log##*/}.skip" 2>/dev/null
			done
			case $how in
			direct) create direct256 -v; log=$CON/guest-direct256.log n=direct256 ;;
			fast) create direct256 -v --boot-path fast; log=$CON/guest-direct256.log n=direct256 ;;
			xl) t0=$(now); tap_ok "createbench: xl create with kernel= exits 0" xl create /tmp/xl256.cfg
			    log=$CON/guest-xl256.log n=xl256 ;;
			esac
			# What create itself took, in dom0 (its -v lines say where).
			[ "$how" = xl ] || printf '%s\n' "$tap_err" |
				grep -E 'kernel cache|decompressed|loaded [0-9]+ bytes' | sed "s/^/# bench-xen: note $how: /"
			[ "$how" = xl ] || echo "# bench-xen: note $how: create returned after $(since "$t0") s"
			# Only the marker is timed here: the rest of the guest's report
			# is the scenarios' to check.
			if wait_for 600 booted_or_gone "$n" "$log" && has_markers "$log" MARKER 1; then
				t=$(since "$t0")
			else
				t=fail
			fi
			[ "$t" != fail ]
			tap_result $? "createbench: round $round, $how: userspace reached (in $t s)" \
				"$(logtext "$log" | tail -n 20)"
			echo "# bench-xen: round $round $how $t"
			# Where the guest's own boot spends its time: printk's
			# clock, the gaps of a second or more (first round only).
			[ "$round" -gt 1 ] || logtext "$log" | tr -d '\r' |
				awk -F'[][]' -v h="$how" '/^\[ *[0-9]+\.[0-9]+\]/ { t = $2 + 0
					if (t - p >= 1) printf "# bench-xen: note %s: %.1f s before [%s]%s\n", h, t - p, $2, substr($3, 1, 80)
					p = t } END { printf "# bench-xen: note %s: the kernel clock at its last line: %.1f s\n", h, p }'
			echo "$how $t" >> /tmp/bench.times
			wait_for 120 domain_gone "$n" || forget "$n"
		done
	done
	for how in direct fast xl; do
		awk -v h="$how" '$1 == h && $2 != "fail" { print $2 }' /tmp/bench.times | sort -n |
			awk -v h="$how" '{ v[NR] = $1 } END { if (NR) printf "# bench-xen: median %s %.1f %d\n", h, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), NR }'
	done
}
if only_when_named createbench; then
	write_xl256_cfg
	createbench
fi

# ---- boot times, side by side ------------------------------------------------
xlt=$(cat /tmp/xl256.time 2>/dev/null)
echo "# boot time from create to userspace (same kernel, initrd and command line, 256 MiB):"
for n in direct256 fast256 dm256 xl256 lv256 lvdm256 xldm256; do
	t=$(cat "/tmp/$n.time" 2>/dev/null || echo "?")
	r=$(awk -v a="$t" -v b="$xlt" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "?" }')
	printf '#   %-10s %6s s  %s of xl create kernel=\n' "$n" "$t" "$r"
done
echo "# whole machines (disks and NICs), create to userspace and to the end of the device report:"
for n in dmdev lvdev directdev lvdmdev; do
	printf '#   %-10s %6s s  %6s s\n' "$n" "$(cat "/tmp/$n.time" 2>/dev/null || echo "?")" "$(cat "/tmp/$n.done" 2>/dev/null || echo "?")"
done
lvt=$(cat /tmp/lv256.time 2>/dev/null) dmt=$(cat /tmp/lvdm256.time 2>/dev/null)
echo "# virsh create to userspace: through xen-kboot-dm ${dmt:-?} s, through qemu-xen -kernel ${lvt:-?} s:" \
	"$(awk -v a="$dmt" -v b="$lvt" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "?" }') (goal: at most 0.5x)"
all_scenarios_ran
[ "$tap_failed" -eq 0 ]
