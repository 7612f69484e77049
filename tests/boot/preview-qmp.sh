#!/bin/sh
# preview's verdict from QEMU's QMP monitor, with a stand-in QEMU (a shell
# script given by --qemu) that speaks QMP on the descriptor preview hands
# it as QEMU 7.2 does (its greeting, the answer to qmp_capabilities, a
# SHUTDOWN event with a reason) and then exits: each reason's line and
# exit status.  Then a monitor that fails while QEMU runs: preview stops
# QEMU, says why, and removes the RAM file.  No guest runs: the real
# boots are boot.sh's.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-qmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XEN_KBOOT_RAM_DIR="$tmp/ram"
mkdir -p "$XEN_KBOOT_RAM_DIR"

cat > "$tmp/qmp.xml" <<XML
<domain type='xen'>
  <name>qmp</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>$T/amd64/vmlinuz</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features><pae/></features>
</domain>
XML

# The stand-in QEMU.  FAKE_QMP says what it does:
#   REASON [STATUS]  greet, take qmp_capabilities, send SHUTDOWN with
#                    REASON, exit STATUS (default 0)
#   silent           exit 0 without a word
#   garbage          send a line that is not QMP, then wait
#   refuse           answer qmp_capabilities with an error, then wait
#   close            close the monitor, then wait
# It writes its pid to FAKE_QMP_PID ("then wait" is an exec'd sleep, so
# that the pid is the process preview must stop).
cat > "$tmp/fake-qemu" <<'FAKE'
#!/bin/sh
fd=
for a; do case $a in socket,*fd=*) fd=${a##*fd=} ;; esac; done
echo $$ > "$FAKE_QMP_PID"
[ -n "$fd" ] || { echo "fake-qemu: no QMP descriptor in: $*" >&2; exit 1; }
say() { printf '%s\r\n' "$1" >&"$fd"; }
greet() {
	say '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}'
	read -r line <&"$fd"
	case $line in *qmp_capabilities*) ;; *) echo "fake-qemu: got '$line'" >&2; exit 1 ;; esac
}
set -- $FAKE_QMP
case $1 in
silent) exit 0 ;;
garbage) say 'this is not QMP'; exec sleep 30 ;;
refuse) greet; say '{"error": {"class": "GenericError", "desc": "no thanks"}}'; exec sleep 30 ;;
close) eval "exec $fd>&-"; exec sleep 30 ;;
esac
greet
say '{"return": {}}'
say '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}'
say "{\"timestamp\": {\"seconds\": 3, \"microseconds\": 4}, \"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"$1\"}}"
exit "${2:-0}"
FAKE
chmod +x "$tmp/fake-qemu"
export FAKE_QMP_PID="$tmp/fake.pid"

# preview_with MODE...: preview with the stand-in doing MODE.
preview_with() {
	rm -f "$FAKE_QMP_PID"
	FAKE_QMP="$*" tap_run timeout 120 "$XEN_KBOOT" preview --qemu "$tmp/fake-qemu" "$tmp/qmp.xml"
}
# gone: the RAM file removed and the stand-in no longer running.
gone() {
	[ -z "$(ls -A "$XEN_KBOOT_RAM_DIR")" ] &&
		{ [ ! -s "$FAKE_QMP_PID" ] || ! kill -0 "$(cat "$FAKE_QMP_PID")" 2>/dev/null; }
}

preview_with guest-shutdown
[ "$tap_status" -eq 0 ] &&
	[ "$tap_err" = "xen-kboot: domain 'qmp': the guest powered off (QEMU's SHUTDOWN reason guest-shutdown)" ]
tap_result $? "guest-shutdown: exit 0, the guest powered off" "status $tap_status: $tap_err"
gone
tap_result $? "guest-shutdown: RAM file removed"

preview_with guest-reset
[ "$tap_status" -eq 0 ] &&
	[ "$tap_err" = "xen-kboot: domain 'qmp': the guest rebooted (QEMU's SHUTDOWN reason guest-reset, which a triple fault gives too; with -no-reboot QEMU ends there)" ]
tap_result $? "guest-reset: exit 0, the guest rebooted" "status $tap_status: $tap_err"

preview_with guest-panic
[ "$tap_status" -eq 1 ] &&
	[ "$tap_err" = "xen-kboot: $tmp/qmp.xml: the guest panicked (QEMU's SHUTDOWN reason guest-panic)" ]
tap_result $? "guest-panic: exit 1, the guest panicked" "status $tap_status: $tap_err"

for reason in host-signal host-qmp-quit subsystem-reset; do
	preview_with $reason
	[ "$tap_status" -eq 1 ] &&
		[ "$tap_err" = "xen-kboot: $tmp/qmp.xml: $tmp/fake-qemu stopped, but not because the guest powered off or rebooted (its SHUTDOWN reason: $reason)" ]
	tap_result $? "$reason: exit 1, not the guest's end" "status $tap_status: $tap_err"
done

# QEMU's own failure comes first; the reason is added.
preview_with guest-panic 1
[ "$tap_status" -eq 1 ] &&
	[ "$tap_err" = "xen-kboot: $tmp/fake-qemu exited with status 1, after a SHUTDOWN event with reason guest-panic (its own message is above)" ]
tap_result $? "exit status 1 after SHUTDOWN: QEMU's failure, with the reason" "status $tap_status: $tap_err"

preview_with silent
[ "$tap_status" -eq 0 ] &&
	[ "$tap_err" = "xen-kboot: domain 'qmp': $tmp/fake-qemu exited with status 0 but sent no SHUTDOWN event on its QMP monitor: whether the guest powered off or rebooted is not known" ]
tap_result $? "no SHUTDOWN event: exit 0, said to be unknown" "status $tap_status: $tap_err"

# A monitor that fails while QEMU runs: QEMU stopped at once, named.
preview_with garbage
[ "$tap_status" -eq 1 ] && case $tap_err in
	"xen-kboot: $tmp/fake-qemu: its QMP monitor: not a QMP message: 'this is not QMP': "*"; stopped it (without the monitor, a power-off and a reboot look the same)") true ;;
	*) false ;; esac
tap_result $? "not QMP: exit 1, the line quoted" "status $tap_status: $tap_err"
gone
tap_result $? "not QMP: QEMU stopped, RAM file removed" "$(ls -la "$XEN_KBOOT_RAM_DIR")"

preview_with refuse
[ "$tap_status" -eq 1 ] && case $tap_err in
	*"its QMP monitor: qmp_capabilities answered '{\"error\": {\"class\": \"GenericError\", \"desc\": \"no thanks\"}}'; stopped it"*) true ;;
	*) false ;; esac
tap_result $? "qmp_capabilities refused: exit 1, the answer quoted" "status $tap_status: $tap_err"
gone
tap_result $? "qmp_capabilities refused: QEMU stopped, RAM file removed"

# Closed while QEMU runs on: given 10 s to exit (QEMU closes its monitor
# as it exits), then stopped.
preview_with close
[ "$tap_status" -eq 1 ] && case $tap_err in
	*"its QMP monitor: closed without a SHUTDOWN event, and QEMU was still running 10 seconds later; stopped it"*) true ;;
	*) false ;; esac
tap_result $? "monitor closed, QEMU running: exit 1 after the grace" "status $tap_status: $tap_err"
gone
tap_result $? "monitor closed: QEMU stopped, RAM file removed"

tap_done
