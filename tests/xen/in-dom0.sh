#!/bin/sh
# The real-Xen scenarios, run as root in the xen-rig's dom0 by
# tests/xen/xen-suite.sh, which prepared DIR (domain XMLs, initrds, and the
# e820 and RAM each direct-booted guest must report).  Prints TAP lines
# (the host script prints the plan).
#
#   in-dom0.sh DIR
. "$(dirname "$0")/../tap.sh"
dir=$1 D=$1/domains
CON=/var/log/xen/console
V="virsh -q -c xen:///system"

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
xl_domains() { xl list | awk 'NR > 1 { print $2, $1 }'; }
cmdline_of() { sed -n 's|.*<cmdline>\(.*\)</cmdline>.*|\1|p' "$D/$1.xml"; }
report() { tr -d '\r' 2>/dev/null < "$1" | sed -n "s/^KBOOT-$2: //p" | tail -n 1; }
markers() { tr -d '\r' 2>/dev/null < "$1" | grep -c "^KBOOT-$2"; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling twice a second.
wait_for() {
	limit=$(($1 * 2)); shift
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt $limit ] || return 1
		sleep 0.5
	done
}
has_markers() { [ "$(markers "$1" "$2")" -ge "$3" ]; }
domain_gone() { ! xl domid "$1" > /dev/null 2>&1; }
# The guest NAME reached userspace, or there is no domain NAME to wait for.
booted_or_gone() { has_markers "$2" MARKER 1 || domain_gone "$1"; }
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

# wait_boot NAME LOG SECONDS T0: waits for the userspace marker and the
# whole report; records the seconds from T0 to the marker in
# /tmp/NAME.time.
wait_boot() {
	name=$1 log=$2 limit=$3 t0=$4
	if wait_for "$limit" booted_or_gone "$name" "$log" && has_markers "$log" MARKER 1; then
		since "$t0" > "/tmp/$name.time"
		wait_for 30 has_markers "$log" DONE 1
	else
		false
	fi
	tap_result $? "$name: the guest reached userspace (in $(cat "/tmp/$name.time" 2>/dev/null || echo "more than $limit") s)" \
		"$(tail -n 30 "$log" 2>/dev/null | tr -d '\r'; xl list; xl dmesg | grep -E '\(d[0-9]+\)' | tail -n 20)"
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
		tr -d '\r' < "$log" | sed -n 's/^KBOOT-E820: //p' > "/tmp/$name.e820"
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
# ends the domain and its device model.
powered_off() {
	wait_for 90 domain_gone "$1" && wait_for 10 no_process_for "$2"
	tap_result $? "$1: poweroff in the guest ends domain $2 and its qemu-xen (on_poweroff destroy)" \
		"$(xl list; ps | grep -e qemu -e xen-kboot | grep -v grep)"
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
create direct256
wait_boot direct256 "$CON/guest-direct256.log" 240 "$t0"
check_report direct256 "$CON/guest-direct256.log" initrd-amd64.gz e820
powered_off direct256 "$id"

create direct4g
wait_boot direct4g "$CON/guest-direct4g.log" 300 "$t0"
check_report direct4g "$CON/guest-direct4g.log" initrd-amd64.gz e820
grep -q '^0x100000000 ' /tmp/direct4g.e820
tap_result $? "direct4g: the guest has RAM above 4 GiB" "$(cat /tmp/direct4g.e820)"
powered_off direct4g "$id"

create i386
wait_boot i386 /tmp/i386-serial.log 600 "$t0"
check_report i386 /tmp/i386-serial.log initrd-i386.gz e820
powered_off i386 "$id"

# ---- the same guest through qemu-xen: xen-kboot's device-model mode, xl ---------
create dm256 --mode device-model
wait_boot dm256 "$CON/guest-dm256.log" 600 "$t0"
check_report dm256 "$CON/guest-dm256.log" initrd-amd64.gz
powered_off dm256 "$id"

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
CFG
t0=$(now)
tap_ok "xl256: xl create with kernel= exits 0" xl create /tmp/xl256.cfg
wait_boot xl256 "$CON/guest-xl256.log" 600 "$t0"
wait_for 90 domain_gone xl256
tap_result $? "xl256: the guest's poweroff ends the domain (xl's own monitor)" "$(xl list)"

# ---- libvirt: virsh create, with xen-kboot's hook --------------------------------
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

# ---- lifecycle: reboot, crash; list and destroy ------------------------------
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

create crash256
wait_boot crash256 "$CON/guest-crash256.log" 240 "$t0"
wait_for 90 is_crashed crash256
tap_result $? "crash256: a kernel panic leaves the domain crashed and kept (on_crash preserve)" \
	"state '$(state_of crash256)'; $(tail -n 10 "$CON/guest-crash256.log" | tr -d '\r')
$(cat /var/log/xen/xen-kboot-crash256.log)"
tap_expect "crash256: xen-kboot destroy removes the preserved domain" 0 "*" "" xen-kboot destroy crash256
wait_for 10 domain_gone crash256
tap_result $? "crash256: gone" "$(xl list)"

# ---- boot times, side by side ------------------------------------------------
xlt=$(cat /tmp/xl256.time 2>/dev/null)
echo "# boot time from create to userspace (same kernel, initrd and command line, 256 MiB):"
for n in direct256 dm256 xl256 lv256; do
	t=$(cat "/tmp/$n.time" 2>/dev/null || echo "?")
	r=$(awk -v a="$t" -v b="$xlt" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "?" }')
	printf '#   %-10s %6s s  %s of xl create kernel=\n' "$n" "$t" "$r"
done
[ "$tap_failed" -eq 0 ]
