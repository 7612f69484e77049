#!/bin/sh
# xen-rig itself: usage errors before anything boots; a command's stdout,
# stderr and exit status come back apart and exact, with a share visible in
# dom0; --timeout exits 124 and keeps only the named log; SIGINT exits 130;
# and no QEMU and no temporary file outlive any of it.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
# KBOOT_SKIP_REAL_XEN=1 skips real Xen while iterating (automake shows SKIP).
if [ -n "${KBOOT_SKIP_REAL_XEN:-}" ]; then
	echo "1..0 # SKIP real Xen skipped (KBOOT_SKIP_REAL_XEN is set)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || tap_bail "xen-rig runs as root"
command -v perl >/dev/null || tap_bail "perl is needed"
rig=$KBOOT_TOP_SRCDIR/tests/xen/xen-rig
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-rig-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The rig's temporaries go here, so that what it leaves is visible.
rigtmp=$tmp/rigtmp
mkdir -p "$rigtmp" "$tmp/share"

# No file in the rig's temporary directory, and no QEMU using one.
nothing_left() {
	[ -z "$(ls -A "$rigtmp")" ] && ! pgrep -f "qemu-system-x86_64.*$rigtmp" > /dev/null
}

# ---- usage errors: nothing boots ---------------------------------------------
tap_expect "no COMMAND: usage error" 2 "" "xen-rig: no COMMAND given (after --)*" "$rig"
tap_expect "--share needs an absolute path" 2 "" "xen-rig: --share rel: an absolute path*" \
	"$rig" --share rel -- true
tap_expect "--share of a missing directory" 2 "" "xen-rig: --share $tmp/none: not a directory*" \
	"$rig" --share "$tmp/none" -- true
tap_expect "--memory takes MiB" 2 "" "xen-rig: --memory lots: a number of MiB*" \
	"$rig" --memory lots -- true
tap_expect "--help prints the usage" 0 "*--share DIR*--timeout S*" "" "$rig" --help

# ---- one boot: channels, status, a share, argv kept as given -----------------
echo "hello from the host" > "$tmp/share/greeting file"
TMPDIR=$rigtmp tap_run "$rig" --share "$tmp/share" -- sh -c \
	'cat "$1"; xl list | grep -c "^Domain-0 "; echo "to stderr" >&2; exit 7' sh "$tmp/share/greeting file"
[ "$tap_status" -eq 7 ]
tap_result $? "the command's exit status is the rig's (7)" "status $tap_status; stderr: $tap_err"
[ "$tap_out" = "hello from the host
1" ]
tap_result $? "stdout is exactly the command's: the share's file, then xl list's Domain-0" "stdout: $tap_out"
[ "$tap_err" = "to stderr
xen-rig: Xen and dom0 log: ${tap_err##*log: }" ] && [ -f "${tap_err##*log: }" ]
tap_result $? "stderr is exactly the command's, then the kept log's name (the command failed)" "stderr: $tap_err"
rm -f "${tap_err##*log: }"
nothing_left
tap_result $? "no QEMU and no temporary file left" "$(ls -la "$rigtmp")"

# ---- timeout --------------------------------------------------------------------
TMPDIR=$rigtmp tap_run "$rig" --timeout 20 -- sleep 600
log=${tap_err##*log: }
[ "$tap_status" -eq 124 ] && [ "$tap_err" = "xen-rig: timed out after 20 s; Xen and dom0 log: $log" ] &&
	grep -q "Xen version 4" "$log"
tap_result $? "--timeout 20: exit 124, the serial log kept and named" "status $tap_status: $tap_err"
rm -f "$log"
nothing_left
tap_result $? "--timeout: no QEMU and no other file left" "$(ls -la "$rigtmp")"

# ---- SIGINT -------------------------------------------------------------------
# A shell starts background jobs with SIGINT ignored; perl restores it.
TMPDIR=$rigtmp perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!"' -- \
	"$rig" -- sleep 600 > "$tmp/int.out" 2> "$tmp/int.err" &
pid=$!
i=0
until grep -q "Xen version" "$rigtmp"/xen-rig-log.* 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.2; i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 130 ] && grep -q "^xen-rig: interrupted by signal INT; stopping Xen$" "$tmp/int.err"
tap_result $? "SIGINT while Xen boots: exit 130 with the reason" "status $status: $(cat "$tmp/int.err")"
nothing_left
tap_result $? "SIGINT: no QEMU and no temporary file left" "$(ls -la "$rigtmp")"

tap_done
