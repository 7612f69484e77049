#!/bin/sh
# Runs shim-selftest (GTest, TAP) with the shim preloaded and the real
# firmware built in this tree.
set -u
: "${KBOOT_TOP_SRCDIR:?run me through make check}" "${KBOOT_TOP_BUILDDIR:?}"
. "$KBOOT_TOP_SRCDIR/tests/xenshim/xenshim-preload.sh" || exit 1
XENSHIM_TEST_FIRMWARE=$KBOOT_TOP_BUILDDIR/firmware/xen-kboot-fw.elf
[ -s "$XENSHIM_TEST_FIRMWARE" ] || { echo "Bail out! $XENSHIM_TEST_FIRMWARE is missing"; exit 1; }
export XENSHIM_TEST_FIRMWARE
LD_PRELOAD=$xenshim_preload exec "$KBOOT_TOP_BUILDDIR/tests/xenshim/shim-selftest"
