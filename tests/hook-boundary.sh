#!/bin/sh
# The hook and validate admit the same domains booted directly (the
# emulator is xen-kboot-dm): Debian's amd64 kernel, a
# 900 KiB initrd and <memory> walked from 64 to 160 MiB, a MiB at a time,
# across the size where the plan starts to fit.  At every size "hook ...
# prepare begin" and "validate" (and "plan", the third command of the
# same admission) give the same verdict; the walk must cross the boundary
# (refused at 64 MiB, admitted at 160) and cross it once.
#
# Where it lies (xen-hvm, libxl's 8 MiB of cirrus video RAM taken from
# <memory>): the kernel owns [0x200000, 0x4f98000) and Xen's firmware,
# SeaBIOS module and start_info sit from 0x100000 to 0x142000, so the
# initrd fits only above the kernel: 89 MiB.  A hook that forgot the
# firmware put the initrd in the MiB below the kernel and admitted 88.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-hook-boundary.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
first=${KBOOT_WALK_FIRST:-64} last=${KBOOT_WALK_LAST:-160} step=${KBOOT_WALK_STEP:-1}

head -c 921600 /dev/zero | tr '\0' 'i' > "$tmp/initrd.img"

domain() { # MEMORY-MIB: one file for both, in KiB as libvirt formats it
	cat <<XML
<domain type='xen'>
  <name>walk</name>
  <memory unit='KiB'>$(($1 * 1024))</memory>
  <currentMemory unit='KiB'>$(($1 * 1024))</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <initrd>$tmp/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features><acpi/><apic/><pae/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices><emulator>/usr/lib/xen-kboot/xen-kboot-dm</emulator></devices>
</domain>
XML
}

# verdict CMD...: "admit" on exit 0, "refuse" on 1, else the status;
# CMD's stderr in $tmp/err.
verdict() {
	s=0
	"$@" > /dev/null 2> "$tmp/err" || s=$?
	case $s in 0) echo admit ;; 1) echo refuse ;; *) echo "status $s" ;; esac
}

flips= n_flips=0 previous= start= m=$first
while [ "$m" -le "$last" ]; do
	domain "$m" > "$tmp/walk.xml"
	hook=$(verdict sh -c '"$1" hook walk prepare begin - < "$2"' sh "$XEN_KBOOT" "$tmp/walk.xml")
	hook_err=$(cat "$tmp/err")
	validate=$(verdict "$XEN_KBOOT" validate "$tmp/walk.xml")
	validate_err=$(cat "$tmp/err")
	plan=$(verdict "$XEN_KBOOT" plan "$tmp/walk.xml")
	[ "$hook" = "$validate" ] && [ "$plan" = "$validate" ]
	tap_result $? "$m MiB: hook, validate and plan agree ($validate)" "hook: $hook: $hook_err
validate: $validate: $validate_err
plan: $plan"
	if [ -n "$previous" ] && [ "$validate" != "$previous" ]; then
		flips="$flips $m" n_flips=$((n_flips + 1))
		echo "# $validate from $m MiB"
	fi
	previous=$validate start=${start:-$validate} m=$((m + step))
done

[ "$start" = refuse ]
tap_result $? "the walk starts below the boundary: $first MiB refused"
[ "$previous" = admit ]
tap_result $? "the walk ends above the boundary: $((m - step)) MiB admitted"
[ "$n_flips" -eq 1 ]
tap_result $? "the verdict flips once (at${flips:- no size} MiB)"
tap_done
