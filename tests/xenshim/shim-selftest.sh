#!/bin/sh
# Runs shim-selftest (GTest, TAP) with the shim preloaded, the real
# firmware built in this tree and the guest helper (xenshim-guest).
set -u
: "${KBOOT_TOP_SRCDIR:?run me through make check}" "${KBOOT_TOP_BUILDDIR:?}"
. "$KBOOT_TOP_SRCDIR/tests/xenshim/xenshim-preload.sh" || exit 1
XENSHIM_TEST_FIRMWARE=$KBOOT_TOP_BUILDDIR/firmware/xen-kboot-fw.elf
[ -s "$XENSHIM_TEST_FIRMWARE" ] || { echo "Bail out! $XENSHIM_TEST_FIRMWARE is missing"; exit 1; }
XENSHIM_TEST_GUEST=$KBOOT_TOP_BUILDDIR/tests/xenshim/xenshim-guest
[ -x "$XENSHIM_TEST_GUEST" ] || { echo "Bail out! $XENSHIM_TEST_GUEST is missing"; exit 1; }
export XENSHIM_TEST_FIRMWARE XENSHIM_TEST_GUEST
LD_PRELOAD=$xenshim_preload exec "$KBOOT_TOP_BUILDDIR/tests/xenshim/shim-selftest"
