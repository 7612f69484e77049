# Sourced by a test that runs programs on the fake Xen host:
#   . "$KBOOT_TOP_SRCDIR/tests/xenshim/xenshim-preload.sh"
#   LD_PRELOAD=$xenshim_preload XENSHIM_STATE=... program ...
# Sets xenshim_preload to the shim built in KBOOT_TOP_BUILDDIR, preceded by
# the AddressSanitizer runtime when the shim was linked with it (a
# -fsanitize=address build): ASan insists on being the first library.
# Fails, with a TAP "Bail out!", when the shim has not been built.
xenshim_lib=${KBOOT_TOP_BUILDDIR:?}/tests/xenshim/.libs/libxenshim.so
if [ ! -f "$xenshim_lib" ]; then
	echo "Bail out! $xenshim_lib is missing: the shim is built by make check on a tree configured with the Xen libraries"
	false
else
	xenshim_asan=$(ldd "$xenshim_lib" 2>/dev/null | awk '$1 ~ /^libasan\.so/ { print $3; exit }')
	xenshim_preload=${xenshim_asan:+$xenshim_asan:}$xenshim_lib
fi
