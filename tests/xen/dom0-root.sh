# The dom0 root: busybox, Xen's toolstack, qemu-xen, libvirtd and the
# kernel modules dom0 needs, from the packages xen-rig fetched.  Sourced by
# tests/xen/xen-rig, which provides $tmp, $cache, $debs, $versions, die and
# say; build_base leaves $base (the cpio), $xen (the hypervisor, gunzipped:
# QEMU's multiboot loader takes ELF) and $vmlinuz (dom0's kernel).

# copy_elf ROOT PKGROOT FILE...: each FILE (a path in PKGROOT or on the host)
# and the shared libraries it needs, found in PKGROOT first, then on the
# host, at their usr-merged paths in ROOT.
copy_elf() {
	root=$1 pkgroot=$2; shift 2
	libpath=$pkgroot/usr/lib/x86_64-linux-gnu:$pkgroot/lib/x86_64-linux-gnu:$pkgroot/usr/lib/x86_64-linux-gnu/libvirt
	for f in "$@"; do
		rel=${f#"$pkgroot"}
		mkdir -p "$root$(dirname "$rel")"
		cp -L "$f" "$root$rel"
		LD_LIBRARY_PATH=$libpath ldd "$f" 2>/dev/null | awk '
			/=> not found/ { print "MISSING " $1; next }
			/=>/ && $3 ~ /^\// { print $3 }
			/^\t\/.*ld-linux/ { print $1 }' > "$tmp/ldd"
		if grep -q '^MISSING' "$tmp/ldd"; then
			die "$rel needs $(sed -n 's/^MISSING //p' "$tmp/ldd" | tr '\n' ' ')which neither Debian's packages here nor the host have"
		fi
		while read -r lib; do
			l=${lib#"$pkgroot"}
			case $l in /lib/*|/lib64/*) l=/usr$l ;; esac
			[ -e "$root$l" ] && continue
			mkdir -p "$root$(dirname "$l")"
			cp -L "$lib" "$root$l"
		done < "$tmp/ldd"
	done
}

build_base() {
	say "building the dom0 root from Debian's packages"
	x=$tmp/pkgroot r=$tmp/root
	mkdir -p "$x"
	for pv in $versions; do
		dpkg -x "$(deb_of "${pv%%=*}" "${pv#*=}")" "$x"
	done
	kv=$(ls "$x/lib/modules" | head -n 1)
	[ -n "$kv" ] || die "no kernel modules in $kernel_pkg"
	mkdir -p "$r"/usr/bin "$r"/usr/sbin "$r"/usr/lib "$r"/usr/lib64
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$r/$d"; done
	mkdir -p "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/run "$r"/tmp "$r"/root "$r"/var/lib/xen \
		"$r"/var/log "$r"/var/lib/xenstored "$r"/var/lib/libvirt "$r"/var/cache
	ln -s ../run "$r/var/run"
	cp "$x/bin/busybox" "$r/usr/bin/busybox"
	for a in $("$x/bin/busybox" --list-full); do
		[ -e "$r/usr/${a#usr/}" ] || [ -L "$r/usr/${a#usr/}" ] || ln -s /usr/bin/busybox "$r/usr/${a#usr/}"
	done
	xb=$(dirname "$(ls "$x"/usr/lib/xen-*/bin/xl)")
	copy_elf "$r" "$x" "$xb"/xl "$xb"/xenstored "$xb"/xenconsoled "$xb"/xen-init-dom0 \
		"$xb"/libxl-save-helper "$xb"/xenconsole "$xb"/xen-hvmctx "$xb"/xenctx "$xb"/xen-cpuid \
		"$x"/usr/bin/xenstore "$x"/usr/libexec/xen-qemu-system-i386 \
		"$x"/usr/sbin/libvirtd "$x"/usr/bin/virsh "$x"/bin/bash \
		"$x"/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_libxl.so
	for t in xenstore-read xenstore-write xenstore-ls xenstore-list xenstore-rm xenstore-exists; do
		cp -P "$x/usr/bin/$t" "$r/usr/bin/$t"
	done
	# hvmloader, SeaBIOS and the option ROMs qemu-xen loads (linuxboot for
	# -kernel, the VGA BIOS), at Debian's paths.
	xlib=${xb%/bin}
	mkdir -p "$r${xlib#"$x"}/boot"
	cp -a "$xlib/boot/." "$r${xlib#"$x"}/boot/"
	mkdir -p "$r/usr/share"
	cp -a "$x/usr/share/seabios" "$r/usr/share/"
	mkdir -p "$r/usr/share/qemu"
	for f in linuxboot_dma.bin linuxboot.bin kvmvapic.bin vgabios-cirrus.bin vgabios-stdvga.bin \
		vgabios.bin bios-256k.bin; do
		[ -e "$x/usr/share/qemu/$f" ] || continue
		cp -L "$x/usr/share/qemu/$f" "$r/usr/share/qemu/$f" 2>/dev/null ||
			cp -L "$x/usr/share/seabios/$f" "$r/usr/share/qemu/$f" 2>/dev/null || true
	done
	cp -a "$x/usr/share/qemu/keymaps" "$r/usr/share/qemu/" 2>/dev/null || true
	# The option ROMs of emulated NICs (qemu-xen refuses to start without
	# the one of the model: "failed to find romfile efi-e1000.rom"), from
	# ipxe-qemu, where Debian's QEMU looks for them.
	mkdir -p "$r/usr/lib/ipxe/qemu"
	cp "$x"/usr/lib/ipxe/qemu/efi-*.rom "$r/usr/lib/ipxe/qemu/"
	cp -a "$x/etc/xen" "$r/etc/"
	cp -a "$x/usr/share/libvirt" "$r/usr/share/"
	cp -a "$x/etc/libvirt" "$r/etc/"
	# Modules: the Xen ones dom0 needs (xen-netback for vifs; qdisk is
	# qemu-xen's, no blkback), the bridge and tun for guests' NICs
	# (vif-bridge; qemu-xen's tap for an emulated NIC), and virtio for the
	# rig's channels.
	m=lib/modules/$kv/kernel
	for d in drivers/xen drivers/net/xen-netback net/bridge net/802 net/llc drivers/net/tun.ko \
		fs/9p net/9p fs/netfs fs/fscache drivers/virtio drivers/char/virtio_console.ko; do
		[ -e "$x/$m/$d" ] || continue
		mkdir -p "$r/usr/$m/$(dirname "$d")"
		cp -a "$x/$m/$d" "$r/usr/$m/$(dirname "$d")/"
	done
	cp "$x/lib/modules/$kv/modules.order" "$x/lib/modules/$kv/modules.builtin" "$r/usr/lib/modules/$kv/" 2>/dev/null || true
	depmod -b "$r" "$kv" 2>/dev/null || "$x/bin/busybox" depmod -b "$r" "$kv"
	# The rig's own files: configuration for libvirtd, and the cpu_map
	# model the nested CPU needs (../shared facts: without it libvirt's
	# libxl driver fails with "Cannot find suitable CPU model").
	cp -a "$rigsrc/rootfs/." "$r/"
	sed -i "s|<include filename='x86_features.xml'/>|&\n    <include filename='x86_xkrig.xml'/>|" \
		"$r/usr/share/libvirt/cpu_map/index.xml"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
	printf 'root:x:0:\n' > "$r/etc/group"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$tmp/base.cpio"
	hv=$(ls "$x"/boot/xen-*.gz | head -n 1)
	gunzip -c "$hv" > "$tmp/xen"
	cp "$x/boot/vmlinuz-$kv" "$tmp/vmlinuz"
	rm -f "$cache"/dom0-*.cpio "$cache"/xen-* "$cache"/vmlinuz-*
	mv "$tmp/xen" "$xen"; mv "$tmp/vmlinuz" "$vmlinuz"; mv "$tmp/base.cpio" "$base"
	rm -rf "$x" "$r"
}
