#!/bin/sh
# The monitor 'xen-kboot create' leaves behind, against tests/xenshim: what
# happens when the guest shuts down (on_poweroff, on_reboot, on_crash),
# when the domain is destroyed from outside, when the monitor is signalled,
# and that nothing is left behind: no process, no domain, no stray file.
#
# Guests shut down with tests/xenshim/xenshim-guest (what the guest's
# SCHEDOP_shutdown does) or XENSHIM_ON_UNPAUSE (a guest that powers off
# as soon as it runs).  Each case runs on a fresh fake host of its own.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz
T=$KBOOT_TOP_BUILDDIR
. "$KBOOT_TOP_SRCDIR/tests/xenshim/xenshim-preload.sh" || exit 1
guest_helper=$T/tests/xenshim/xenshim-guest
[ -x "$guest_helper" ] || tap_bail "$guest_helper is missing: build with 'make check'"
kernel=$KBOOT_TESTDATA/amd64/vmlinuz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-lifecycle.XXXXXX")

# processes_with REGEX: the pids whose environment has a variable matching.
processes_with() {
	for e in /proc/[0-9]*/environ; do
		tr '\0' '\n' 2>/dev/null < "$e" | grep -q -- "$1" &&
			{ p=${e#/proc/}; echo "${p%/environ}"; }
	done
}
# The processes of this test's fake hosts: every xen-kboot run here has
# XENSHIM_STATE=$tmp/CASE/host in its environment.
our_processes() { processes_with "^XENSHIM_STATE=$tmp/"; }
cleanup() {
	for p in $(our_processes); do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# A small initrd: these guests never boot, the loader only copies it.
head -c 200000 /dev/urandom > "$tmp/initrd"

# domain NAME KERNEL ON_POWEROFF ON_REBOOT ON_CRASH [MODE]
domain() {
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$2</kernel>
    <initrd>$tmp/initrd</initrd>
    <cmdline>console=hvc0</cmdline>
  </os>
  <features><pae/></features>
  <on_poweroff>$3</on_poweroff>
  <on_reboot>$4</on_reboot>
  <on_crash>$5</on_crash>
  ${6:+<metadata><kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='$6'/></metadata>}
</domain>
XML
}

# fresh CASE: a new fake host, call log, monitor log and dump directory,
# and an empty TMPDIR to prove nothing is left there.
fresh() {
	dir=$tmp/$1
	state=$dir/host calls=$dir/calls logs=$dir/logs dumps=$dir/dumps scratch=$dir/tmp
	mkdir -p "$state" "$logs" "$dumps" "$scratch"
	: > "$calls"
}
xk() {
	env LD_PRELOAD="$xenshim_preload" XENSHIM_STATE="$state" XENSHIM_LOG="$calls" \
		XEN_KBOOT_LOG_DIR="$logs" XEN_KBOOT_DUMP_DIR="$dumps" TMPDIR="$scratch" \
		"$XEN_KBOOT" "$@"
}
guest() { XENSHIM_STATE=$state XENSHIM_LOG=$calls "$guest_helper" "$@"; }

# Processes of the current case.
monitors() { processes_with "^XENSHIM_STATE=$state\$"; }
# wait_until SECONDS COMMAND...: poll every 0.1 s.
wait_until() {
	n=$(($1 * 10)); shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	"$@"
}
no_monitor() { [ -z "$(monitors)" ]; }
no_domains() { [ -z "$(find "$state" -mindepth 1 -maxdepth 1 -name 'domain-*' -print -quit)" ]; }
has_domain() { [ -d "$state/domain-$1" ]; }
log_has() { grep -q -F -e "$1" "$logs/xen-kboot-$2.log" 2>/dev/null; }
# The monitor's log without time stamps and pids: "MESSAGE" lines.
messages() { sed 's/^[0-9TZ:-]* xen-kboot\[[0-9]*\]: //' "$logs/xen-kboot-$1.log"; }
# Nothing left: no process, no half-made or half-removed domain, no file
# in TMPDIR; every event libxl handed out was freed.
clean() {
	no_monitor && [ -z "$(find "$state" -mindepth 1 -maxdepth 1 -name '.*' -print -quit)" ] &&
		[ -z "$(ls -A "$scratch")" ] &&
		[ "$(grep -c -E '^libxl_event_(wait|check) domid' "$calls")" -eq "$(grep -c '^libxl_event_free' "$calls")" ]
}
clean_diag() {
	echo "processes: $(monitors)"; ls -A "$state" "$scratch"
	grep -E '^libxl_event' "$calls"
}

# ---- poweroff, on_poweroff destroy ------------------------------------------

fresh poweroff
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "create prints the domain id and returns" 0 "1" "" xk create "$dir/guest.xml"
# Before create returned, its monitor had the watch in place and said so.
grep -q '^libxl_evenable_domain_death domid=1$' "$calls" &&
	log_has "watching domain 'guest' (id 1): on_poweroff destroy, on_reboot restart, on_crash destroy" guest
tap_result $? "the monitor watched the domain before create returned" "$(cat "$calls" "$logs"/* 2>&1 | tail -n 5)"
pid=$(monitors)
[ -n "$pid" ] && [ "$(echo "$pid" | wc -l)" -eq 1 ]
tap_result $? "one monitor process" "$pid"
pid=$(echo "$pid" | head -n 1)
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] && [ "$(ps -o sid= -p $$ | tr -d ' ')" != "$pid" ] &&
	[ "$(readlink "/proc/$pid/fd/0")" = /dev/null ] &&
	[ "$(readlink "/proc/$pid/fd/1")" = "$logs/xen-kboot-guest.log" ] &&
	[ "$(readlink "/proc/$pid/fd/2")" = "$logs/xen-kboot-guest.log" ] &&
	[ "$(readlink "/proc/$pid/cwd")" = / ]
tap_result $? "detached: its own session, stdin /dev/null, stdout and stderr the log, cwd /" \
	"$(ps -o pid,ppid,sid,args -p "$pid"; ls -l "/proc/$pid/fd" "/proc/$pid/cwd")"
# Beyond its stdio, only what it opened itself (libxl's own pipe): none
# of the descriptors its caller had (this shell's, make's log, pipes).
for f in /proc/$pid/fd/*; do
	[ "${f##*/}" -gt 2 ] && readlink "$f"
done | sort > "$dir/monitor-fds"
for f in /proc/$$/fd/*; do readlink "$f"; done | sort > "$dir/our-fds"
[ -z "$(comm -12 "$dir/monitor-fds" "$dir/our-fds")" ] && ! grep -q '^/' "$dir/monitor-fds"
tap_result $? "the monitor holds none of its caller's descriptors, and no file but its log" \
	"$(ls -l "/proc/$pid/fd"; comm -12 "$dir/monitor-fds" "$dir/our-fds")"
tap_expect "list shows it running" 0 "*1*guest*running*" "" xk list
tap_ok "the guest powers off" guest shutdown 1 poweroff
wait_until 10 no_domains && wait_until 10 no_monitor
tap_result $? "on_poweroff destroy: the domain is destroyed and the monitor exits" "$(clean_diag)"
messages guest > "$dir/messages"
cat > "$dir/want" <<EOF
watching domain 'guest' (id 1): on_poweroff destroy, on_reboot restart, on_crash destroy
domain 'guest' (id 1) shut down (poweroff): on_poweroff is destroy
domain 'guest' (id 1) destroyed
EOF
cmp -s "$dir/messages" "$dir/want"
tap_result $? "the log says what happened, line for line" "$(diff "$dir/want" "$dir/messages")"
grep -q "^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z xen-kboot\[$pid\]: " "$logs/xen-kboot-guest.log"
tap_result $? "log lines carry the UTC time and the monitor's pid" "$(head -n 1 "$logs/xen-kboot-guest.log")"
grep -q '^libxl_domain_destroy domid=1$' "$calls" && clean
tap_result $? "destroyed through libxl; nothing left" "$(clean_diag)"

# ---- reboot, on_reboot restart ----------------------------------------------

fresh reboot
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "create (on_reboot restart)" 0 "1" "" xk create "$dir/guest.xml"
tap_ok "the guest reboots" guest shutdown 1 reboot
wait_until 20 log_has "domain 'guest' restarted as id 2 (was 1)" guest
tap_result $? "on_reboot restart: restarted as a new domain, id 2" "$(cat "$logs"/*)"
! has_domain 1 && has_domain 2 && [ "$(cat "$state/domain-2/name")" = guest ] &&
	[ "$(cat "$state/domain-2/state")" = running ]
tap_result $? "the old domain is gone, the new one has the same name and runs" "$(ls "$state")"
tap_expect "list shows the new domain" 0 "*2*guest*running*" "" xk list
tap_expect "list --long shows it is xen-kboot's, with its kernel" 0 "*kernel=$kernel*" "" xk list --long
# Loaded again: the kernel's protected-mode code at 0x200000 of the new RAM.
setup_sects=$(od -An -tu1 -j $((0x1f1)) -N 1 "$kernel" | tr -d ' ')
[ "$setup_sects" -eq 0 ] && setup_sects=4
cmp -s -n 65536 -i "$(((setup_sects + 1) * 512)):$((0x200000))" "$kernel" "$state/domain-2/ram" &&
	[ "$(dd if="$state/domain-2/ram" bs=4096 skip=2 count=1 2>/dev/null | dd bs=1 skip=$((0x202)) count=4 2>/dev/null)" = HdrS ]
tap_result $? "the new domain's RAM holds the kernel at 0x200000 and its boot_params"
[ "$(grep -c '^libxl_domain_create_new' "$calls")" -eq 2 ] &&
	grep -q '^libxl_domain_create_new domid=2 name=guest type=hvm firmware=.*xen-kboot-fw.elf kernel=- ' "$calls" &&
	grep -q '^libxl_userdata_store domid=2 userid=xen-kboot$' "$calls" &&
	grep -q '^libxl_domain_unpause domid=2$' "$calls" &&
	[ "$(first=$(grep -n '^libxl_domain_destroy domid=1$' "$calls" | cut -d: -f1); echo "$first")" -lt \
	  "$(grep -n '^libxl_domain_create_new domid=2' "$calls" | cut -d: -f1)" ]
tap_result $? "restart: destroy, then create, record, load and unpause, as create does" "$(cat "$calls" | grep -v -e map -e getcontext)"
grep -q '^libxl_evdisable_domain_death domid=1$' "$calls" && grep -q '^libxl_evenable_domain_death domid=2$' "$calls"
tap_result $? "the old domain's watch is dropped and the new one watched"
[ -n "$(monitors)" ]
tap_result $? "the monitor goes on"
tap_ok "the new guest reboots too" guest shutdown 2 reboot
wait_until 20 log_has "domain 'guest' restarted as id 3 (was 2)" guest
tap_result $? "... and is restarted again, as id 3" "$(tail -n 3 "$logs"/*)"
tap_expect "xen-kboot destroy of the restarted domain" 0 "" "" xk destroy guest
wait_until 10 no_monitor
tap_result $? "xen-kboot destroy ends the monitor" "$(clean_diag)"
[ "$(messages guest | tail -n 1)" = "domain 'guest' (id 3) was destroyed from outside: nothing left to watch" ]
tap_result $? "... which says so" "$(tail -n 2 "$logs"/*)"
no_domains && clean
tap_result $? "nothing left" "$(clean_diag)"

# ---- crash: destroy, preserve, watchdog -------------------------------------

fresh crash-destroy
domain guest "$kernel" preserve preserve destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
tap_ok "the guest crashes" guest shutdown 1 crash
wait_until 10 no_domains && wait_until 10 no_monitor
tap_result $? "on_crash destroy: destroyed, the monitor exits" "$(clean_diag)"
log_has "domain 'guest' (id 1) shut down (crash): on_crash is destroy" guest && clean
tap_result $? "... by on_crash, nothing left" "$(cat "$logs"/*)"

fresh crash-preserve
domain guest "$kernel" destroy destroy preserve > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
tap_ok "the guest crashes" guest shutdown 1 crash
wait_until 10 no_monitor
tap_result $? "on_crash preserve: the monitor exits" "$(clean_diag)"
has_domain 1 && [ "$(cat "$state/domain-1/state")" = shutdown ] &&
	! grep -q '^libxl_domain_destroy' "$calls"
tap_result $? "... leaving the domain, shut down" "$(ls "$state")"
tap_expect "list shows it shut down" 0 "*1*guest*shutdown*" "" xk list
[ "$(messages guest | tail -n 2)" = "domain 'guest' (id 1) shut down (crash): on_crash is preserve
domain 'guest' (id 1) is left as it is; 'xen-kboot destroy 1' removes it" ]
tap_result $? "the log says it is left and how to remove it" "$(cat "$logs"/*)"
tap_expect "xen-kboot destroy removes it" 0 "" "" xk destroy 1
no_domains && clean
tap_result $? "nothing left" "$(clean_diag)"

fresh watchdog
domain guest "$kernel" restart restart preserve > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 watchdog
wait_until 10 no_monitor && has_domain 1 &&
	log_has "domain 'guest' (id 1) shut down (watchdog): on_crash is preserve" guest
tap_result $? "a watchdog shutdown follows on_crash" "$(cat "$logs"/*)"
xk destroy 1

fresh suspend
domain guest "$kernel" destroy destroy destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 suspend
wait_until 10 no_monitor && has_domain 1 && ! grep -q '^libxl_domain_destroy' "$calls" &&
	log_has "domain 'guest' (id 1) suspended itself" guest
tap_result $? "a suspended guest is left as it is, as xl does" "$(cat "$logs"/*)"
xk destroy 1

# ---- core dumps and rename-restart ------------------------------------------

fresh coredump
domain guest "$kernel" destroy coredump-restart coredump-destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 reboot
wait_until 20 log_has "domain 'guest' restarted as id 2 (was 1)" guest &&
	[ "$(cat "$dumps/guest")" = "xenshim core of domain 1 'guest', 262144 KiB" ] &&
	log_has "dumping the memory of domain 'guest' (id 1) to $dumps/guest" guest
tap_result $? "coredump-restart: dumped to DUMP_DIR/NAME, then restarted" "$(cat "$logs"/*; ls "$dumps")"
guest shutdown 2 crash
wait_until 10 no_domains && wait_until 10 no_monitor &&
	[ "$(cat "$dumps/guest")" = "xenshim core of domain 2 'guest', 262144 KiB" ] &&
	grep -q '^libxl_domain_core_dump domid=2 file=' "$calls"
tap_result $? "coredump-destroy: dumped, then destroyed" "$(clean_diag; cat "$logs"/*)"
clean
tap_result $? "nothing left" "$(clean_diag)"

fresh coredump-fails
domain guest "$kernel" coredump-destroy restart destroy > "$dir/guest.xml"
rmdir "$dumps"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 poweroff
wait_until 10 no_domains && wait_until 10 no_monitor &&
	log_has "the core dump failed: libxl error -3 (fail); going on" guest &&
	log_has "domain 'guest' (id 1) destroyed" guest
tap_result $? "a core dump that fails does not stop the destroy (as xl)" "$(cat "$logs"/*)"

fresh rename
domain guest "$kernel" destroy rename-restart destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 reboot
wait_until 20 log_has "domain 'guest' restarted as id 2 (was 1)" guest
tap_result $? "rename-restart: restarted as id 2" "$(cat "$logs"/*)"
kept=$(cat "$state/domain-1/name" 2>/dev/null)
case $kept in guest-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9]Z) s=0 ;; *) s=1 ;; esac
[ "$s" -eq 0 ] && [ "$(cat "$state/domain-1/state")" = shutdown ] &&
	[ "$(cat "$state/domain-2/name")" = guest ] && ! grep -q '^libxl_domain_destroy domid=1' "$calls" &&
	log_has "domain 'guest' (id 1) kept, shut down, as '$kept'" guest
tap_result $? "... the old domain kept, shut down, as guest-<UTC time>" "$kept; $(cat "$logs"/*)"
tap_expect "list shows both" 0 "*1*$kept*shutdown*2*guest*running*" "" xk list
xk destroy "$kept" && xk destroy guest
wait_until 10 no_monitor && no_domains && clean
tap_result $? "both destroyed, the monitor gone, nothing left" "$(clean_diag)"

# ---- restarts that cannot be made -------------------------------------------

fresh kernel-gone
cp "$kernel" "$dir/vmlinuz"
domain gone "$dir/vmlinuz" destroy restart destroy > "$dir/gone.xml"
tap_expect "create with a kernel that will vanish" 0 "1" "" xk create "$dir/gone.xml"
rm "$dir/vmlinuz"
guest shutdown 1 reboot
wait_until 20 no_monitor
tap_result $? "the kernel was removed: the monitor exits" "$(clean_diag)"
no_domains && ! grep -q 'domid=2' "$calls"
tap_result $? "... with the domain gone, none created" "$(ls "$state")"
messages gone | tail -n 1 > "$dir/last"
grep -q "^restarting domain 'gone' failed: .*$dir/vmlinuz.*No such file or directory.*; the domain is gone$" "$dir/last"
tap_result $? "... and the reason in the log" "$(cat "$dir/last")"
clean
tap_result $? "nothing left" "$(clean_diag)"

fresh kernel-changed
cp "$kernel" "$dir/vmlinuz"
domain changed "$dir/vmlinuz" destroy restart destroy > "$dir/changed.xml"
xk create "$dir/changed.xml" > /dev/null
head -c 4096 /dev/zero > "$dir/vmlinuz"
guest shutdown 1 reboot
wait_until 20 no_monitor && no_domains &&
	messages changed | tail -n 1 | grep -q "^restarting domain 'changed' failed: .*vmlinuz.*; the domain is gone$"
tap_result $? "a kernel replaced by one that cannot boot is refused at restart, the domain gone" "$(messages changed | tail -n 2)"

# ---- outside destroy, SIGTERM, --paused, a guest that powers off at once ----

fresh outside
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
tap_expect "xen-kboot destroy" 0 "" "" xk destroy guest
wait_until 10 no_monitor
tap_result $? "a domain destroyed from outside ends its monitor" "$(clean_diag)"
[ "$(messages guest | tail -n 1)" = "domain 'guest' (id 1) was destroyed from outside: nothing left to watch" ] && clean
tap_result $? "... quietly, nothing left" "$(messages guest; clean_diag)"

fresh sigterm
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
pid=$(monitors)
kill -TERM "$pid"
wait_until 10 no_monitor
tap_result $? "SIGTERM ends the monitor" "$(clean_diag)"
has_domain 1 && [ "$(cat "$state/domain-1/state")" = running ] && ! grep -q '^libxl_domain_destroy' "$calls"
tap_result $? "... leaving the domain untouched" "$(ls "$state")"
[ "$(messages guest | tail -n 1)" = "stopped by signal 15 (Terminated): domain 'guest' (id 1) is left as it is, unwatched" ]
tap_result $? "... and says so in the log" "$(tail -n 2 "$logs"/*)"
xk destroy guest

fresh paused
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "create --paused" 0 "1" "" xk create --paused "$dir/guest.xml"
[ -n "$(monitors)" ] && [ "$(cat "$state/domain-1/state")" = paused ] && ! grep -q '^libxl_domain_unpause' "$calls"
tap_result $? "--paused: the domain stays paused, with its monitor" "$(ls "$state"; monitors)"
xk destroy guest
wait_until 10 no_monitor && clean
tap_result $? "... which ends when it is destroyed" "$(clean_diag)"

fresh at-once
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "create of a guest that powers off as soon as it runs" 0 "1" "" \
	env XENSHIM_ON_UNPAUSE=poweroff LD_PRELOAD="$xenshim_preload" XENSHIM_STATE="$state" \
	XENSHIM_LOG="$calls" XEN_KBOOT_LOG_DIR="$logs" TMPDIR="$scratch" "$XEN_KBOOT" create "$dir/guest.xml"
u=$(grep -n '^guest_shutdown domid=1 reason=poweroff$' "$calls" | cut -d: -f1)
w=$(grep -n '^libxl_evenable_domain_death domid=1$' "$calls" | cut -d: -f1)
[ -n "$u" ] && [ -n "$w" ] && [ "$u" -lt "$w" ]
tap_result $? "the guest had powered off before the watch was set up" "$(cat "$calls" | tail -n 8)"
wait_until 10 no_domains && wait_until 10 no_monitor && log_has "domain 'guest' (id 1) destroyed" guest && clean
tap_result $? "... and is destroyed all the same" "$(clean_diag; cat "$logs"/*)"

# ---- device-model mode: the restart keeps the mode ---------------------------

fresh device-model
domain guest "$kernel" destroy restart destroy device-model > "$dir/guest.xml"
xk create "$dir/guest.xml" > /dev/null
guest shutdown 1 reboot
wait_until 20 log_has "domain 'guest' restarted as id 2 (was 1)" guest &&
	grep -q "^libxl_domain_create_new domid=2 name=guest type=hvm firmware=- kernel=$kernel " "$calls"
tap_result $? "device-model mode: the restart hands the kernel to libxl again" "$(grep create_new "$calls")"
xk destroy guest
wait_until 10 no_monitor && clean
tap_result $? "nothing left" "$(clean_diag)"

# ---- --no-monitor ------------------------------------------------------------

fresh no-monitor
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "create --no-monitor" 0 "1" "" xk create --no-monitor "$dir/guest.xml"
no_monitor && [ -z "$(ls -A "$logs")" ] && ! grep -q '^libxl_evenable' "$calls"
tap_result $? "--no-monitor: no process, no log, no watch" "$(monitors; ls "$logs")"
guest shutdown 1 poweroff
sleep 1
has_domain 1 && [ "$(cat "$state/domain-1/state")" = shutdown ]
tap_result $? "... so a guest that powers off stays, shut down (xl create -e)" "$(ls "$state")"
xk destroy guest && no_domains && clean
tap_result $? "nothing left" "$(clean_diag)"

# ---- --foreground --------------------------------------------------------------

fresh foreground
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
xk create --foreground "$dir/guest.xml" > "$dir/out" 2> "$dir/err" &
fg=$!
wait_until 10 grep -qx 1 "$dir/out" && wait_until 10 grep -q '^libxl_evenable_domain_death domid=1$' "$calls"
tap_result $? "--foreground: prints the domain id, then watches" "$(cat "$dir/out" "$dir/err")"
[ -z "$(ls -A "$logs")" ]
tap_result $? "... with no log file (messages on stderr)"
guest shutdown 1 poweroff
wait "$fg"
status=$?
cat > "$dir/want" <<EOF
xen-kboot: watching domain 'guest' (id 1): on_poweroff destroy, on_reboot restart, on_crash destroy
xen-kboot: domain 'guest' (id 1) shut down (poweroff): on_poweroff is destroy
xen-kboot: domain 'guest' (id 1) destroyed
EOF
[ "$status" -eq 0 ] && cmp -s "$dir/err" "$dir/want" && no_domains && clean
tap_result $? "... and exits 0 once the domain is destroyed, its messages on stderr" \
	"status $status; $(diff "$dir/want" "$dir/err")"

fresh foreground-fails
cp "$kernel" "$dir/vmlinuz"
domain gone "$dir/vmlinuz" destroy restart destroy > "$dir/gone.xml"
xk create -F "$dir/gone.xml" > "$dir/out" 2> "$dir/err" &
fg=$!
wait_until 10 grep -q '^libxl_evenable_domain_death domid=1$' "$calls"
rm "$dir/vmlinuz"
guest shutdown 1 reboot
wait "$fg"
status=$?
[ "$status" -eq 1 ] && no_domains && clean &&
	tail -n 1 "$dir/err" | grep -q "^xen-kboot: restarting domain 'gone' failed: .*; the domain is gone$"
tap_result $? "--foreground: a restart that fails exits 1, the domain gone" "status $status; $(cat "$dir/err")"

fresh foreground-sigint
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
xk create -F "$dir/guest.xml" > "$dir/out" 2> "$dir/err" &
fg=$!
wait_until 10 grep -q '^libxl_evenable_domain_death domid=1$' "$calls"
# The background job of a script ignores SIGINT; the monitor's handler
# catches it all the same.
kill -INT "$(monitors)"
wait "$fg"
status=$?
[ "$status" -eq 130 ] && has_domain 1 &&
	[ "$(tail -n 1 "$dir/err")" = "xen-kboot: stopped by signal 2 (Interrupt): domain 'guest' (id 1) is left as it is, unwatched" ]
tap_result $? "--foreground: SIGINT stops the watch, exit 130, the domain left" "status $status; $(cat "$dir/err")"
xk destroy guest

# ---- the monitor cannot start: the domain is not left unwatched --------------

fresh no-watch
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
tap_expect "the watch cannot be set up: create fails and destroys the domain" 1 "" \
	"xen-kboot: domain 'guest' (id 1): starting its monitor failed: watching domain 'guest' (id 1) failed: libxl_evenable_domain_death: libxl error -3 (fail)*; the domain was destroyed" \
	env XENSHIM_FAIL=evenable LD_PRELOAD="$xenshim_preload" XENSHIM_STATE="$state" \
	XENSHIM_LOG="$calls" XEN_KBOOT_LOG_DIR="$logs" TMPDIR="$scratch" "$XEN_KBOOT" create "$dir/guest.xml"
no_domains && wait_until 10 no_monitor && clean
tap_result $? "... nothing left" "$(clean_diag)"
[ "$(messages guest)" = "cannot start: watching domain 'guest' (id 1) failed: libxl_evenable_domain_death: libxl error -3 (fail) (libxl's messages above say more)" ]
tap_result $? "... and the monitor's log says why" "$(cat "$logs"/*)"

fresh no-log
domain guest "$kernel" destroy restart destroy > "$dir/guest.xml"
rmdir "$logs"
tap_expect "no log directory: create fails before the monitor forks, the domain destroyed" 1 "" \
	"xen-kboot: domain 'guest' (id 1): starting its monitor failed: cannot open a log file for the monitor ($logs/xen-kboot-guest.log: No such file or directory); set XEN_KBOOT_LOG_DIR to a writable directory; the domain was destroyed" \
	xk create "$dir/guest.xml"
no_domains && no_monitor && ! grep -q '^libxl_evenable' "$calls"
tap_result $? "... no domain, no process" "$(clean_diag)"

tap_expect "--foreground and --no-monitor together are a usage error" 2 "" \
	"xen-kboot create: --foreground and --no-monitor exclude each other
Try 'xen-kboot create --help' for more information." \
	xk create --foreground --no-monitor "$dir/guest.xml"
tap_expect "create --help names the monitor and its options" 0 \
	"*/var/log/xen/xen-kboot-NAME.log*--foreground*--no-monitor*" "" xk create --help

# Whatever failed above, no process of this test may outlive it.
[ -z "$(our_processes)" ]
tap_result $? "no process of this test is left" "$(for p in $(our_processes); do ps -o pid,args -p "$p"; done)"

tap_done
