#!/bin/sh
# preview against hostile names and short memory (issue 14, findings 1-3):
#  - a domain name with commas reaches no QEMU option unescaped: 'a,b' and
#    'x,mem-path=evil' boot, and QEMU leaves no ./evil-* file behind;
#  - kill -9 of preview leaves neither a QEMU nor guest memory: QEMU dies
#    with it, and the RAM file has no name while QEMU runs;
#  - a guest whose RAM cannot be backed (a small tmpfs, a 64 GiB guest on a
#    smaller host) is refused before anything starts, with the numbers, and
#    a QEMU killed by SIGBUS is said to be guest RAM that could not be backed.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-harden.XXXXXX")
qemu_pid=
cleanup() {
	# A QEMU this test found still running is ended by its id.
	[ -n "$qemu_pid" ] && kill -9 "$qemu_pid" 2>/dev/null
	for m in "$tmp/small" "$tmp/big"; do mountpoint -q "$m" && umount "$m"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR" "$tmp/cwd"

# domain NAME MEMORY_MIB CMDLINE: a domain XML on stdout.
domain() {
	name=$(printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g')
	cat <<XML
<domain type='xen'>
  <name>$name</name>
  <memory unit='MiB'>$2</memory>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <cmdline>$3</cmdline>
  </os>
  <features><pae/></features>
</domain>
XML
}

# The processes holding guest RAM from the RAM directory open (named or
# not).
ram_holders() { open_holders "$XEN_KBOOT_RAM_DIR"; }

# gone PID: the process has exited (reaped, or a zombie whose memory and
# descriptors are released).
gone() {
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ---- 1. commas in the domain name, and a long one ----
# No init: the kernel panics about 3 s into its boot, and panic=-1 reboots
# it, which ends QEMU (-no-reboot): a boot that reached the kernel.
# A 300-character name (the schema allows it) once made "File name too
# long" (finding 8): the RAM file's name holds no domain name now.
long=$(head -c 300 /dev/zero | tr '\0' 'n')
for name in 'a,b' 'x,mem-path=evil' "$long"; do
	label="'$name'"
	[ ${#name} -le 40 ] || label="of ${#name} characters"
	domain "$name" 128 "console=ttyS0 rdinit=/no-such-init panic=-1" > "$tmp/name.xml"
	tap_run sh -c 'cd "$1" && shift && exec timeout 300 "$@"' sh "$tmp/cwd" \
		"$XEN_KBOOT" preview --timeout 200 "$tmp/name.xml"
	[ "$tap_status" -eq 0 ] && case $tap_err in
		*"domain '$name': the guest rebooted"*) true ;; *) false ;; esac
	tap_result $? "name $label: the kernel boots under QEMU (exit 0, rebooted)" \
		"status $tap_status: $tap_err"
	case $tap_out in *"Kernel panic"*) s=0 ;; *) s=1 ;; esac
	tap_result $s "name $label: the guest really ran" "$(printf '%s' "$tap_out" | tail -n 3)"
	[ -z "$(ls -A "$tmp/cwd")" ] && [ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
	tap_result $? "name $label: no file left in the working or RAM directory" \
		"$(ls -la "$tmp/cwd" "$XEN_KBOOT_RAM_DIR")"
	rm -rf "$tmp/cwd"/* 2>/dev/null
done

# ---- 2. kill -9 ----
# A kernel that never stops: no init, and panic=0 waits for ever.
domain hang 256 "console=ttyS0 rdinit=/no-such-init panic=0" > "$tmp/hang.xml"
"$XEN_KBOOT" preview --timeout 0 "$tmp/hang.xml" < /dev/null > "$tmp/out.kill" 2> "$tmp/err.kill" &
pid=$!
i=0
while [ $i -lt 1200 ] && ! grep -q "Kernel panic" "$tmp/out.kill"; do sleep 0.1; i=$((i + 1)); done
qemu_pid=$(pgrep -P "$pid" | head -n 1)
[ -n "$qemu_pid" ] && grep -q "Kernel panic" "$tmp/out.kill"
tap_result $? "SIGKILL: the guest runs under QEMU first" "$(cat "$tmp/err.kill")"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] && [ -n "$(ram_holders)" ]
tap_result $? "SIGKILL: while QEMU runs, its RAM is held open and has no name" \
	"$(ls -la "$XEN_KBOOT_RAM_DIR"; ram_holders)"
kill -9 "$pid"
wait "$pid" 2>/dev/null
# PR_SET_PDEATHSIG: the kernel kills QEMU as preview dies; allow 5 s.
i=0
while [ $i -lt 50 ] && { ! gone "$qemu_pid" || [ -n "$(ram_holders)" ]; }; do sleep 0.1; i=$((i + 1)); done
gone "$qemu_pid"
tap_result $? "SIGKILL: QEMU (pid $qemu_pid) is gone within 5 s" "$(ps -o pid,ppid,stat,args -p "$qemu_pid")"
gone "$qemu_pid" && qemu_pid=
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] && [ -z "$(ram_holders)" ]
tap_result $? "SIGKILL: no RAM file left, and no process holds guest RAM" \
	"$(ls -la "$XEN_KBOOT_RAM_DIR"; ram_holders)"

# ---- 3. memory that cannot back the guest ----
mkdir -p "$tmp/small" "$tmp/big"
if ! mount -t tmpfs -o size=64m kboot-small "$tmp/small" 2>/dev/null; then
	tap_skip "a 64 MiB tmpfs: 256 MiB guest refused before start" "cannot mount a tmpfs (not root?)"
else
	tap_run "$XEN_KBOOT" preview --memory-file "$tmp/small/guest.ram" "$tmp/hang.xml"
	[ "$tap_status" -eq 1 ] && [ "$tap_err" = "xen-kboot: $tmp/hang.xml: the guest needs 256 MiB of RAM, but the filesystem of $tmp/small has 64 MiB free: lower <memory>, or use --memory-file on a larger filesystem" ]
	tap_result $? "a 64 MiB tmpfs: 256 MiB guest refused before start, with the numbers" \
		"status $tap_status: $tap_err"
	[ -z "$(ls -A "$tmp/small")" ]
	tap_result $? "a 64 MiB tmpfs: no RAM file left" "$(ls -la "$tmp/small")"
	umount "$tmp/small"
fi
# A filesystem far larger than the host: the host's memory is what fails.
if ! mount -t tmpfs -o size=1t kboot-big "$tmp/big" 2>/dev/null; then
	tap_skip "a 64 GiB guest on a smaller host: refused" "cannot mount a tmpfs (not root?)"
elif [ "$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)" -ge $((64 * 1024 * 1024)) ]; then
	tap_skip "a 64 GiB guest on a smaller host: refused" "this host has 64 GiB available"
else
	domain big 65536 "console=ttyS0" > "$tmp/big.xml"
	tap_run "$XEN_KBOOT" preview --timeout 30 --memory-file "$tmp/big/guest.ram" "$tmp/big.xml"
	[ "$tap_status" -eq 1 ] && case $tap_err in
		"xen-kboot: $tmp/big.xml: the guest needs 65536 MiB of RAM, but the host has "*" MiB available (MemAvailable in /proc/meminfo): lower <memory>, or free memory on the host") true ;;
		*) false ;; esac
	tap_result $? "a 64 GiB guest on a smaller host: refused before start, with the numbers" \
		"status $tap_status: $tap_err"
	[ -z "$(ls -A "$tmp/big")" ]
	tap_result $? "a 64 GiB guest: no RAM file left" "$(ls -la "$tmp/big")"
	umount "$tmp/big"
fi
# A QEMU that dies of SIGBUS (what a RAM file that cannot grow gives it).
printf '#!/bin/sh\nkill -s BUS $$\n' > "$tmp/sigbus-qemu"
chmod +x "$tmp/sigbus-qemu"
tap_run "$XEN_KBOOT" preview --qemu "$tmp/sigbus-qemu" "$tmp/hang.xml"
[ "$tap_status" -eq 1 ] && [ "$tap_err" = "xen-kboot: $tmp/hang.xml: $tmp/sigbus-qemu was killed by SIGBUS: guest RAM could not be backed (the filesystem of $XEN_KBOOT_RAM_DIR ran out of space, or the host out of memory)" ]
tap_result $? "QEMU killed by SIGBUS: said to be guest RAM that could not be backed" \
	"status $tap_status: $tap_err"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "SIGBUS: no RAM file left" "$(ls -la "$XEN_KBOOT_RAM_DIR")"

tap_done
