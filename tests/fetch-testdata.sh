#!/bin/sh
# Fetch the real test images from Debian's packages into a cache outside the
# clone (default /var/cache/xen-kboot/testdata, or $KBOOT_TESTDATA).  Nothing
# fetched here is ever committed.  Safe to run again: what is there is kept.
#
#   amd64/vmlinuz        linux-image-amd64's kernel (bzImage, protocol 2.15)
#   i386/vmlinuz         linux-image-686's kernel (i386)
#   ipxe.lkrn            ipxe's /boot/ipxe.lkrn (2.07, not relocatable)
#   memtest86+x64.bin    memtest86+'s bzImage-style image (not relocatable)
#   busybox-amd64        busybox-static, amd64
#   busybox-i386         busybox-static, i386
#   SOURCES              package name and version of each
set -eu

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

fetch "$(depends_of linux-image-amd64)" 'boot/vmlinuz-*' amd64/vmlinuz
fetch "$(depends_of linux-image-686:i386)" 'boot/vmlinuz-*' i386/vmlinuz
fetch ipxe 'boot/ipxe.lkrn' ipxe.lkrn
fetch memtest86+ 'boot/memtest86+x64.bin' memtest86+x64.bin
fetch busybox-static:amd64 'bin/busybox' busybox-amd64
fetch busybox-static:i386 'bin/busybox' busybox-i386
echo "fetch-testdata: test images in $dest"
