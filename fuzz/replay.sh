#!/bin/sh
# The fuzz targets' inputs replayed without libFuzzer (fuzz/fuzz.am): every
# kept crash input in fuzz/regressions/TARGET/, and the seeds make fuzz
# starts from, given once each to the target as a plain program, whose
# checks abort on a broken promise (and ASan/UBSan, in run.sh's sanitizer
# build, on a memory error or leak).  A kept crash that crashes again
# fails here, in every "make check".
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz i386/vmlinuz ipxe.lkrn memtest86+x64.bin
top=$KBOOT_TOP_SRCDIR
build=$KBOOT_TOP_BUILDDIR
T=$KBOOT_TESTDATA
# GLib's slice allocator would hide leaks from LeakSanitizer.
export G_SLICE=always-malloc
xml_seeds=$(ls "$top"/tests/xmlconfs/*.xml "$top"/tests/xlconfigdata/*.xml "$top"/tests/virtinst/*.xml)
kernels="$T/amd64/vmlinuz $T/i386/vmlinuz $T/ipxe.lkrn $T/memtest86+x64.bin"
firmware="$build/firmware/xen-kboot-fw.elf $build/firmware/xen-kboot-fw-bios.elf"

for target in image layout firmware conf hook; do
	case $target in
	image | layout) seeds=$kernels ;;
	firmware) seeds=$firmware ;;
	conf | hook) seeds=$xml_seeds ;;
	esac
	kept=
	if [ -d "$top/fuzz/regressions/$target" ]; then
		kept=$(find "$top/fuzz/regressions/$target" -type f ! -name '*.md' | sort)
	fi
	n_kept=$(printf '%s' "$kept" | grep -c . || :)
	# shellcheck disable=SC2086
	tap_ok "fuzz-$target: $n_kept kept crash inputs and the seeds replay clean" \
		"$build/fuzz/fuzz-$target" $kept $seeds
done
tap_done
