#!/bin/sh
# Fetch the real test images from Debian's packages into a cache outside the
# clone (default /var/cache/xen-kboot/testdata, or $KBOOT_TESTDATA).  Nothing
# fetched here is ever committed.  Safe to run again: what is there is kept.
#
#   amd64/vmlinuz        linux-image-amd64's kernel (bzImage, protocol 2.15)
#   amd64/modules/       from the same .deb: lib/modules/VERSION/ with the
#                        guest drivers of $guest_modules below and every
#                        module they need, and their modules.dep
#   i386/vmlinuz         linux-image-686's kernel (i386)
#   ipxe.lkrn            ipxe's /boot/ipxe.lkrn (2.07, not relocatable)
#   memtest86+x64.bin    memtest86+'s bzImage-style image (not relocatable)
#   busybox-amd64        busybox-static, amd64
#   busybox-i386         busybox-static, i386
#   SOURCES              package name and version of each
set -eu

# The drivers a guest needs for its disks and NICs on Xen HVM: the PV
# frontends, the emulated IDE controller (PIIX) and SCSI disks, and the
# NICs qemu-xen emulates (e1000, rtl8139: 8139cp or 8139too by revision).
guest_modules="xen-blkfront xen-netfront ata_piix sd_mod e1000 8139cp 8139too"

dest=${KBOOT_TESTDATA:-/var/cache/xen-kboot/testdata}
mkdir -p "$dest"
work=$(mktemp -d "${TMPDIR:-/tmp}/kboot-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# The concrete package a metapackage depends on (linux-image-amd64 ->
# linux-image-6.1.0-NN-amd64).
depends_of() {
	apt-cache depends "$1" | awk '/Depends:/ { print $2; exit }'
}

# fetch PACKAGE PATH-IN-PACKAGE DEST-NAME
fetch() {
	pkg=$1 member=$2 name=$3
	[ -s "$dest/$name" ] && return 0
	mkdir -p "$work/$name.d"
	(cd "$work/$name.d" && apt-get download "$pkg" >/dev/null 2>&1) || {
		echo "fetch-testdata: apt-get download $pkg failed (run apt-get update?)" >&2
		exit 1
	}
	deb=$(ls "$work/$name.d"/*.deb)
	dpkg -x "$deb" "$work/$name.d/root"
	# shellcheck disable=SC2086 # member may be a glob
	src=$(ls -d "$work/$name.d/root/"$member | head -n 1)
	[ -f "$src" ] || { echo "fetch-testdata: $member not in $pkg" >&2; exit 1; }
	mkdir -p "$(dirname "$dest/$name")"
	cp "$src" "$dest/$name.tmp" && mv "$dest/$name.tmp" "$dest/$name"
	echo "$name $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)" >> "$dest/SOURCES"
	rm -rf "$work/$name.d"
}

if ! dpkg --print-foreign-architectures | grep -qx i386; then
	echo "fetch-testdata: the i386 architecture is not enabled (dpkg --add-architecture i386; apt-get update)" >&2
	exit 1
fi

# fetch_kernel_modules ARCH METAPACKAGE MODULE...: ARCH/vmlinuz and, from
# the very same .deb, ARCH/modules/lib/modules/VERSION/ with MODULEs and
# everything they depend on (modprobe --show-depends on the unpacked
# package, after depmod), plus its modules.dep for busybox's modprobe.  A
# module loads only into the kernel it was built for, so a vmlinuz already
# cached keeps its package and version (from SOURCES); if apt no longer
# has that version, both are fetched anew from METAPACKAGE's kernel.
fetch_kernel_modules() {
	arch=$1 meta=$2; shift 2
	m=$dest/$arch/modules
	if [ -s "$dest/$arch/vmlinuz" ] && [ "$(cat "$m/MODULES" 2>/dev/null)" = "$*" ]; then
		return 0
	fi
	command -v depmod >/dev/null && command -v modprobe >/dev/null || {
		echo "fetch-testdata: depmod and modprobe are needed (apt-get install kmod)" >&2
		exit 1
	}
	w=$work/$arch-kernel
	mkdir -p "$w"
	pv=
	[ -s "$dest/$arch/vmlinuz" ] &&
		pv=$(awk -v f="$arch/vmlinuz" '$1 == f { p = $2 "=" $3 } END { print p }' "$dest/SOURCES" 2>/dev/null)
	if [ -n "$pv" ] && ! (cd "$w" && apt-get download "$pv" >/dev/null 2>&1); then
		echo "fetch-testdata: $pv, which $arch/vmlinuz came from, is not in apt's lists any more: fetching $meta's kernel and its modules anew" >&2
		pv=
	fi
	if [ -z "$pv" ]; then
		(cd "$w" && apt-get download "$(depends_of "$meta")" >/dev/null 2>&1) || {
			echo "fetch-testdata: apt-get download $(depends_of "$meta") failed (run apt-get update?)" >&2
			exit 1
		}
	fi
	deb=$(ls "$w"/*.deb)
	dpkg -x "$deb" "$w/root"
	kv=$(ls "$w/root/lib/modules")
	[ -f "$w/root/boot/vmlinuz-$kv" ] || { echo "fetch-testdata: no boot/vmlinuz-$kv in $deb" >&2; exit 1; }
	depmod -b "$w/root" "$kv"
	r=$w/modules/lib/modules/$kv
	mkdir -p "$r"
	: > "$w/deps"
	for mod in "$@"; do
		modprobe -d "$w/root" -S "$kv" --show-depends "$mod" >> "$w/deps" || {
			echo "fetch-testdata: module $mod is not in $deb" >&2
			exit 1
		}
	done
	sed -n 's|^insmod \([^ ]*\).*|\1|p' "$w/deps" | sort -u | while read -r ko; do
		rel=${ko#"$w/root/lib/modules/$kv/"}
		mkdir -p "$r/$(dirname "$rel")"
		cp "$ko" "$r/$rel"
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		cp "$w/root/lib/modules/$kv/$f" "$r/"
	done
	depmod -b "$w/modules" "$kv"
	echo "$*" > "$w/modules/MODULES"
	mkdir -p "$dest/$arch"
	rm -rf "$m"
	cp "$w/root/boot/vmlinuz-$kv" "$dest/$arch/vmlinuz.tmp" && mv "$dest/$arch/vmlinuz.tmp" "$dest/$arch/vmlinuz"
	mv "$w/modules" "$m"
	from="$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)"
	touch "$dest/SOURCES"
	awk -v a="$arch/vmlinuz" -v b="$arch/modules" '$1 != a && $1 != b' "$dest/SOURCES" > "$w/SOURCES"
	printf '%s/vmlinuz %s\n%s/modules %s\n' "$arch" "$from" "$arch" "$from" >> "$w/SOURCES"
	mv "$w/SOURCES" "$dest/SOURCES"
	rm -rf "$w"
}

fetch_kernel_modules amd64 linux-image-amd64 $guest_modules
fetch "$(depends_of linux-image-686:i386)" 'boot/vmlinuz-*' i386/vmlinuz
fetch ipxe 'boot/ipxe.lkrn' ipxe.lkrn
fetch memtest86+ 'boot/memtest86+x64.bin' memtest86+x64.bin
fetch busybox-static:amd64 'bin/busybox' busybox-amd64
fetch busybox-static:i386 'bin/busybox' busybox-i386
echo "fetch-testdata: test images in $dest"
