#!/bin/sh
# preview stops cleanly: at its timeout, on SIGTERM and SIGINT, and with
# --memory-file; the RAM file and QEMU are gone afterwards in every case.
# The RAM file has no name while the guest runs (O_TMPFILE): "gone" means
# no process holds a file of the test's directories open.  (kill -9 is
# preview-hardening.sh's.)
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz busybox-amd64
command -v qemu-system-x86_64 >/dev/null ||
	tap_bail "qemu-system-x86_64 is needed (apt-get install qemu-system-x86)"
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-cleanup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR"

# A kernel that never stops: no init, and panic=0 waits for ever.
cat > "$tmp/hang.xml" <<XML
<domain type='xen'>
  <name>hang</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <cmdline>console=ttyS0 rdinit=/no-such-init panic=0</cmdline>
  </os>
  <features><pae/></features>
</domain>
XML

# The processes holding a file below $tmp open (QEMU and preview hold the
# RAM file).
ram_holders() { open_holders "$tmp"; }
no_qemu_left() {
	[ -z "$(ram_holders)" ]
}

# 20 s: the kernel panics about 3 s into its boot under TCG, and a loaded
# 2-core machine can be several times slower than that.
tap_run timeout 120 "$XEN_KBOOT" preview --timeout 20 "$tmp/hang.xml"
[ "$tap_status" -eq 3 ] && case $tap_err in
	*"$tmp/hang.xml: the guest was still running after 20 seconds: stopped it"*) true ;; *) false ;; esac
tap_result $? "--timeout 20 on a hung kernel: exit 3 with the reason" "status $tap_status: $tap_err"
case $tap_out in *"Kernel panic"*) s=0 ;; *) s=1 ;; esac
tap_result $s "the guest really ran (its panic is on the console)" "$(printf '%s' "$tap_out" | tail -n 3)"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] && no_qemu_left
tap_result $? "timeout: RAM file removed, QEMU gone"

for sig in TERM INT; do
	"$XEN_KBOOT" preview --timeout 100 "$tmp/hang.xml" < /dev/null > "$tmp/out.$sig" 2> "$tmp/err.$sig" &
	pid=$!
	# Wait until the kernel runs (its panic is printed), at most 60 s.
	i=0
	while [ $i -lt 600 ] && ! grep -q "Kernel panic" "$tmp/out.$sig"; do sleep 0.1; i=$((i + 1)); done
	[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] && [ -n "$(ram_holders)" ]
	tap_result $? "SIG$sig: while the guest runs, its RAM file is held and has no name" \
		"$(ls -la "$XEN_KBOOT_RAM_DIR"; ram_holders)"
	kill -s "$sig" "$pid"
	wait "$pid"
	status=$?
	want=$((128 + $(kill -l "$sig")))
	[ "$status" -eq "$want" ] && grep -q "interrupted by signal" "$tmp/err.$sig"
	tap_result $? "SIG$sig: exit $want with the reason" "status $status: $(cat "$tmp/err.$sig")"
	[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] && no_qemu_left
	tap_result $? "SIG$sig: RAM file removed, QEMU gone" "$(ls -la "$XEN_KBOOT_RAM_DIR")"
done

# --memory-file: an existing file is refused and left alone.
echo precious > "$tmp/mine"
tap_run "$XEN_KBOOT" preview --memory-file "$tmp/mine" "$tmp/hang.xml"
[ "$tap_status" -eq 1 ] && [ "$(cat "$tmp/mine")" = precious ] && case $tap_err in
	*"$tmp/mine: cannot create the guest RAM file: File exists"*) true ;; *) false ;; esac
tap_result $? "--memory-file on an existing file: refused, file untouched" "status $tap_status: $tap_err"
tap_run timeout 120 "$XEN_KBOOT" preview --timeout 5 --memory-file "$tmp/given.ram" "$tmp/hang.xml"
[ "$tap_status" -eq 3 ] && [ ! -e "$tmp/given.ram" ] && no_qemu_left
tap_result $? "--memory-file PATH: its filesystem used, nothing left" "status $tap_status: $tap_err"

# QEMU that cannot start: a clear error, nothing left.
tap_run "$XEN_KBOOT" preview --qemu /nonexistent/qemu "$tmp/hang.xml"
[ "$tap_status" -eq 1 ] && case $tap_err in *"cannot run /nonexistent/qemu"*) true ;; *) false ;; esac
tap_result $? "missing QEMU binary: exit 1, named" "status $tap_status: $tap_err"
[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ]
tap_result $? "missing QEMU binary: RAM file removed"

tap_done
