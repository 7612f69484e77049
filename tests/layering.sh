#!/bin/sh
# The layers of src/ (docs/architecture.md), read from the file names:
#   0 kboot_util*   1 kboot_image*   2 kboot_layout*   3 kboot_loader*
#   4 xen_kboot_conf*   5 xen_kboot_driver*   6 xen_kboot_xen*
# Each file includes headers of its own layer or below, never above; and
# the pure headers include no header that does I/O (files, signals, guest
# memory, Xen): those of the lower layers (util, image, layout: all but the
# file readers kboot_util_file.h, kboot_util_runtime.h and
# kboot_image_file.h, and the kernel cache's directory,
# kboot_image_cache.h), and the loader's builders of bytes (boot_params and
# the handoff block, the ACPI tables), which the planner may reserve for
# without touching guest memory.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
src=$KBOOT_TOP_SRCDIR/src

layer_of() {
	case ${1##*/} in
	kboot_util*) echo 0 ;;
	kboot_image*) echo 1 ;;
	kboot_layout*) echo 2 ;;
	kboot_loader*) echo 3 ;;
	xen_kboot_conf*) echo 4 ;;
	xen_kboot_driver*) echo 5 ;;
	xen_kboot_xen*) echo 6 ;;
	*) echo "?" ;;
	esac
}
io_header() {
	case $1 in
	kboot_loader_bootparams.h|kboot_loader_acpi.h|kboot_loader_acpi_hw.h|kboot_loader_acpi_dsdt.h|kboot_loader_aml.h) false ;;
	kboot_util_file.h|kboot_util_runtime.h|kboot_image_file.h|kboot_image_cache.h|kboot_loader*.h|xen_kboot_driver*.h|xen_kboot_xen*.h) true ;;
	*) false ;;
	esac
}
# pure_header NAME LAYER: a header of a pure layer, or one of the loader's
# pure builders, that is not itself an I/O header.
pure_header() {
	case $2 in 0|1|2|3) ! io_header "$1" ;; *) false ;; esac
}

unknown= upward= impure=
for f in "$src"/*.c "$src"/*.h; do
	name=${f##*/}
	mine=$(layer_of "$name")
	if [ "$mine" = "?" ]; then
		unknown="$unknown $name"
		continue
	fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in config.h) continue ;; esac
		theirs=$(layer_of "$inc")
		if [ "$theirs" = "?" ] || [ "$theirs" -gt "$mine" ]; then
			upward="$upward
$name (layer $mine) includes $inc (layer $theirs)"
		fi
		case $name in *.h)
			if pure_header "$name" "$mine" && io_header "$inc"; then
				impure="$impure
$name (pure, layer $mine) includes $inc"
			fi ;;
		esac
	done
done
[ -z "$unknown" ]
tap_result $? "every file in src/ belongs to a layer by its name" "no layer:$unknown"
[ -z "$upward" ]
tap_result $? "no file includes a header of a layer above its own" "$upward"
[ -z "$impure" ]
tap_result $? "no pure header (layers 0-2, the loader's builders) includes a header that does I/O" "$impure"
tap_done
