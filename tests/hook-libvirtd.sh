#!/bin/sh
# The hook in a real libvirt daemon (Debian 12's libvirtd, QEMU driver,
# TCG): "virsh create" of a domain booting memtest86+ (not relocatable)
# directly (<kboot:boot mode='direct'/>) is refused with xen-kboot's
# message and nothing runs; the same kernel in a plain domain, which
# QEMU's -kernel boots, starts as it does without the hook; a domain
# booting the Debian kernel and a busybox initrd starts and reaches
# userspace.
#
# How the daemon is kept private.  libvirt 9.0 reads hooks only from the
# compiled-in /etc/libvirt/hooks (src/util/virhook.c, LIBVIRT_HOOK_DIR),
# for privileged and session daemons alike, so:
#   - the daemon runs in its own mount namespace (unshare --mount) where a
#     copy of /etc/libvirt, with our hooks/qemu.d/xen-kboot added, is bind-
#     mounted over /etc/libvirt: the real /etc/libvirt is never written and
#     nothing else on the machine sees the copy;
#   - it runs as an unprivileged user (nobody, or $KBOOT_HOOK_TEST_USER),
#     i.e. as a session daemon: sockets in $XDG_RUNTIME_DIR, configuration,
#     domains and logs under $HOME/$XDG_*, all in this test's directory, so
#     no system daemon, socket or state is touched;
#   - virsh connects to that socket by path, with autostart off (a missing
#     socket is an error, never a new daemon);
#   - QEMU's output goes to files (stdio_handler = "file"), so no virtlogd
#     is spawned; the daemon gets SIGTERM if this script dies (setpriv
#     --pdeathsig) and the trap destroys domains, stops the daemon and kills
#     any QEMU left by its pid file.
# Root is needed for the mount namespace and to switch user; without it,
# or when the daemon does not start, the test fails and says why.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz memtest86+x64.bin busybox-amd64
T=$KBOOT_TESTDATA
S=$KBOOT_TOP_SRCDIR

[ "$(id -u)" -eq 0 ] ||
	tap_bail "run as root: the private libvirt daemon needs a mount namespace and a user switch"
for tool in unshare setpriv virsh cpio gzip; do
	command -v "$tool" >/dev/null 2>&1 || tap_bail "$tool not found (packages: util-linux, libvirt-clients, cpio, gzip)"
done
daemon=
for candidate in /usr/sbin/virtqemud /usr/sbin/libvirtd; do
	if [ -x "$candidate" ]; then daemon=$candidate; break; fi
done
[ -n "$daemon" ] || tap_bail "no libvirt daemon (virtqemud or libvirtd): install libvirt-daemon and libvirt-daemon-driver-qemu"
qemu=$(command -v qemu-system-x86_64) || tap_bail "qemu-system-x86_64 not found: install qemu-system-x86"
user=${KBOOT_HOOK_TEST_USER:-nobody}
uid=$(id -u "$user" 2>/dev/null) && gid=$(id -g "$user") ||
	tap_bail "no user '$user' to run the session daemon as (set KBOOT_HOOK_TEST_USER)"
[ "$uid" -ne 0 ] || tap_bail "KBOOT_HOOK_TEST_USER must not be root: a root daemon is privileged and reads the real /etc/libvirt"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-libvirtd.XXXXXX")
chmod 755 "$tmp"
home=$tmp/home run=$tmp/run guest=$tmp/guest etc=$tmp/etc-libvirt
sock=$run/libvirt/$(basename "$daemon" | sed 's/^libvirtd$/libvirt/')-sock
uri="qemu+unix:///session?socket=$sock"
log=$home/daemon.log
dpid=
etc_before=$(ls -lR /etc/libvirt 2>&1)

as_user() { # CMD...: as the daemon's user, with its private environment
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		env -i HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
		XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$run" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C LIBVIRT_AUTOSTART=0 "$@"
}
vsh() { as_user timeout 120 virsh -c "$uri" "$@"; }
qemu_pid() { cat "$run/libvirt/qemu/run/$1.pid" 2>/dev/null; }

stop_daemon() {
	[ -n "$dpid" ] || return 0
	if kill -0 "$dpid" 2>/dev/null; then
		for dom in $(vsh list --name 2>/dev/null); do vsh destroy "$dom" >/dev/null 2>&1; done
		kill -TERM "$dpid" 2>/dev/null
		i=0
		while kill -0 "$dpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$dpid" 2>/dev/null
	fi
	wait "$dpid" 2>/dev/null
	# A QEMU the daemon did not stop (it never stops guests on exit).
	for f in "$run"/libvirt/qemu/run/*.pid; do
		[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
	done
	dpid=
}
cleanup() {
	stop_daemon
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the private tree ---------------------------------------------------
mkdir -p "$etc" "$tmp/bin" "$home/.config/libvirt" "$home/.cache/libvirt/qemu/log" "$run" "$guest"
cp -a /etc/libvirt/. "$etc/" 2>/dev/null || tap_bail "cannot copy /etc/libvirt"
mkdir -p "$etc/hooks/qemu.d"
# The installed-style hook (hooks/xen-kboot-hook.in) pointing at a copy of
# the program just built: the build tree may not be readable by $user.
cp "$XEN_KBOOT" "$tmp/bin/xen-kboot"
sed "s|@bindir@|$tmp/bin|" "$S/hooks/xen-kboot-hook.in" > "$etc/hooks/qemu.d/xen-kboot"
chmod 755 "$tmp/bin/xen-kboot" "$etc/hooks/qemu.d/xen-kboot"
cat > "$home/.config/libvirt/$(basename "$daemon").conf" <<EOF
log_filters="1:util.hook 1:util.command"
log_outputs="1:file:$log"
EOF
echo 'stdio_handler = "file"' > "$home/.config/libvirt/qemu.conf"

cat > "$tmp/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
echo "KBOOT-HOOK-TEST: userspace reached"
while :; do sleep 3600; done
EOF
KBOOT_INIT=$tmp/init sh "$S/tests/boot/make-initrd.sh" "$T/busybox-amd64" "$guest/initrd.gz" 4096 ||
	tap_bail "cannot build the busybox initrd"

domain() { # FILE NAME KERNEL [INITRD [METADATA]]
	cat > "$1" <<EOF
<domain type='qemu'>
  <name>$2</name>
  ${5:+<metadata>$5</metadata>}
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$3</kernel>
    ${4:+<initrd>$4</initrd>}
    <cmdline>console=ttyS0 panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$qemu</emulator>
    <serial type='file'><source path='$guest/$2.console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
domain "$guest/memtest.xml" kboot-hook-memtest "$T/memtest86+x64.bin" "" \
	"<kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='direct'/>"
domain "$guest/memtest-qemu.xml" kboot-hook-memtest-qemu "$T/memtest86+x64.bin"
domain "$guest/debian.xml" kboot-hook-debian "$T/amd64/vmlinuz" "$guest/initrd.gz"
chown -R "$uid:$gid" "$home" "$run" "$guest"
chmod 700 "$run"
as_user test -r "$T/amd64/vmlinuz" -a -r "$T/memtest86+x64.bin" ||
	tap_bail "user '$user' cannot read the kernels in $T"

# --- the daemon ---------------------------------------------------------
# shellcheck disable=SC2016
unshare --mount --propagation private -- sh -c '
	mount --bind "$1" /etc/libvirt || { echo "cannot bind-mount $1 over /etc/libvirt" >&2; exit 1; }
	shift
	exec setpriv --pdeathsig TERM "$@"' sh "$etc" \
	--reuid="$uid" --regid="$gid" --clear-groups \
	env -i HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
	XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$run" \
	PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
	"$daemon" --config "$home/.config/libvirt/$(basename "$daemon").conf" \
	> "$tmp/daemon.out" 2>&1 &
dpid=$!
i=0
while [ ! -S "$sock" ] && kill -0 "$dpid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || tap_bail "$daemon did not start as user '$user' (no $sock after $((i / 10)) s): $(cat "$tmp/daemon.out" 2>/dev/null; tail -n 5 "$log" 2>/dev/null)"
tap_result 0 "$(basename "$daemon") runs as $user in a private mount namespace, socket $sock"
vsh uri >/dev/null 2>&1 || tap_bail "virsh cannot talk to the daemon at $uri: $(vsh uri 2>&1)"

grep -q "Found hook script /etc/libvirt/hooks/qemu.d/xen-kboot" "$log"
tap_result $? "the daemon found the hook as a qemu.d/ drop-in" "$(grep -i hook "$log" | head -n 5)"

# --- refused: memtest86+, booted directly --------------------------------
tap_run vsh create "$guest/memtest.xml"
want="xen-kboot: domain 'kboot-hook-memtest': $T/memtest86+x64.bin: cannot be direct-booted: relocatable_kernel is 0 at offset 0x234: built without CONFIG_RELOCATABLE"
case $tap_err in *"$want"*) m=0 ;; *) m=1 ;; esac
[ "$tap_status" -ne 0 ] && [ $m -eq 0 ]
tap_result $? "virsh create memtest86+: refused with xen-kboot's message" "status $tap_status
stderr: $tap_err"
printf '%s\n' "$tap_err" | sed 's/^/# virsh: /'
case $tap_err in *"Hook script execution failed"*) m=0 ;; *) m=1 ;; esac
tap_result $m "libvirt reports it as a hook failure" "$tap_err"
running=$(vsh list --all --name)
[ -z "$running" ] && [ -z "$(qemu_pid kboot-hook-memtest)" ]
tap_result $? "memtest86+: no domain defined or running, no QEMU" "virsh list: $running"

# --- started: memtest86+ through QEMU's -kernel, as without the hook ------
tap_expect "virsh create memtest86+ in a plain domain: started" 0 "*kboot-hook-memtest-qemu*" "" \
	vsh create "$guest/memtest-qemu.xml"
grep -q "Calling hook /etc/libvirt/hooks/qemu.d/xen-kboot id=kboot-hook-memtest-qemu op=prepare subop=begin" "$log"
tap_result $? "the hook checked it on prepare begin" "$(grep kboot-hook-memtest-qemu "$log" | head -n 5)"
pid=$(qemu_pid kboot-hook-memtest-qemu)
tap_expect "virsh destroy it" 0 "*destroyed*" "" vsh destroy kboot-hook-memtest-qemu
[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && [ -z "$(vsh list --all --name)" ]
tap_result $? "no domain and no QEMU left (QEMU was pid ${pid:-unknown})" "$(vsh list --all 2>&1)"

# --- started: the Debian kernel ------------------------------------------
tap_expect "virsh create Debian kernel + busybox initrd: started" 0 "*kboot-hook-debian*" "" \
	vsh create "$guest/debian.xml"
tap_expect "virsh list shows it running" 0 "*kboot-hook-debian*running*" "" vsh list
grep -q "Calling hook /etc/libvirt/hooks/qemu.d/xen-kboot id=kboot-hook-debian op=prepare subop=begin" "$log" &&
	! grep "Hook script execution failed" "$log" | grep -q kboot-hook-debian
tap_result $? "the hook checked it on prepare begin and let it start" "$(grep kboot-hook-debian "$log" | head -n 10)"
i=0
while ! grep -q "KBOOT-HOOK-TEST: userspace reached" "$guest/kboot-hook-debian.console" 2>/dev/null && [ $i -lt 180 ]; do
	sleep 1; i=$((i + 1))
done
grep -q "KBOOT-HOOK-TEST: userspace reached" "$guest/kboot-hook-debian.console" 2>/dev/null
tap_result $? "the guest reached userspace (serial console, ${i} s)" "$(tail -n 15 "$guest/kboot-hook-debian.console" 2>&1)"
pid=$(qemu_pid kboot-hook-debian)
tap_expect "virsh destroy" 0 "*destroyed*" "" vsh destroy kboot-hook-debian
[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && [ -z "$(vsh list --all --name)" ]
tap_result $? "no domain and no QEMU left (QEMU was pid ${pid:-unknown})" "$(vsh list --all 2>&1)"
! grep "Hook script execution failed" "$log" | grep -q kboot-hook-debian
tap_result $? "stopped/release hooks passed" "$(grep "Hook script execution failed" "$log")"

# --- nothing left ------------------------------------------------------------
stopped=$dpid
stop_daemon
! kill -0 "$stopped" 2>/dev/null
tap_result $? "the daemon is stopped (pid $stopped)"
[ "$(ls -lR /etc/libvirt 2>&1)" = "$etc_before" ]
tap_result $? "the system's /etc/libvirt is unchanged" "$(ls -lR /etc/libvirt 2>&1)"
tap_done
