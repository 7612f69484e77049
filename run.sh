#!/bin/sh
# Set up a Debian 12 machine for xen-kboot, build it, and run a job.
#
#   ./run.sh preview   set up, build, and boot the example domain under QEMU
#   ./run.sh inspect   set up, build, and inspect Debian's amd64 kernel
#   ./run.sh check     set up, build, and run the whole test suite
#   ./run.sh setup     set up and build only
#
# Run as root (it installs Debian packages).  Safe to run again: packages
# already installed, the build and the fetched test data are reused.
# Environment: BUILD_DIR (default ./build), KBOOT_TESTDATA (default
# /var/cache/xen-kboot/testdata), JOBS (default: number of CPUs).
set -eu

top=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$top/build}
export KBOOT_TESTDATA="${KBOOT_TESTDATA:-/var/cache/xen-kboot/testdata}"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Build and test dependencies, all from Debian 12's archive
# (libclang-rt-14-dev: clang's libFuzzer, only recommended by clang; the
# compression libraries decompress a kernel's payload on the host, their
# tools make the test payloads).
packages="
	autoconf automake libtool pkg-config make gcc clang libclang-rt-14-dev binutils
	libglib2.0-dev libjson-glib-dev libxml2-dev libvirt-dev libxen-dev
	qemu-system-x86 qemu-utils cpio xz-utils jq strace
	libxml2-utils libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu
	dpkg-dev ca-certificates kmod
	virtinst
	acpica-tools
	zlib1g-dev libbz2-dev liblzma-dev liblzo2-dev liblz4-dev libzstd-dev
	gzip bzip2 lz4 lzop zstd
"

say() { printf '==> %s\n' "$*" >&2; }

# quietly DIR MAKE-ARGS...: make with its output kept in DIR/run.log, shown
# (with the failed tests' logs) only when it fails.
quietly() {
	dir=$1; shift
	if ! make -C "$dir" "$@" > "$dir/run.log" 2>&1; then
		tail -n 40 "$dir/run.log" >&2
		find "$dir" -name test-suite.log -exec grep -l -E '^# (FAIL|ERROR): +[1-9]' {} + 2>/dev/null |
			xargs -r cat >&2
		echo "run.sh: make $* in $dir failed (full output: $dir/run.log)" >&2
		return 1
	fi
}

setup_packages() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: run as root: it installs Debian packages with apt-get" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# i386 packages: the 686 kernel and busybox for the 32-bit boot test.
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		say "enabling the i386 architecture"
		dpkg --add-architecture i386
	fi
	say "apt-get update"
	# A mirror caught mid-sync fails one index but leaves the others
	# usable: go on, and let apt-get install say what is really missing.
	apt-get update -qq || say "apt-get update reported errors; continuing with the package lists it has"
	say "installing packages"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $packages >/dev/null
}

setup_build() {
	say "building in $build"
	if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
		(cd "$top" && autoreconf -fi)
	fi
	mkdir -p "$build"
	if [ ! -f "$build/Makefile" ]; then
		(cd "$build" && "$top/configure" --enable-werror)
	fi
	make -C "$build" -j"$jobs" >/dev/null
}

setup_testdata() {
	say "fetching test images into $KBOOT_TESTDATA"
	"$top/tests/fetch-testdata.sh"
}

setup() {
	setup_packages
	setup_build
	setup_testdata
}

case "${1:-}" in
setup)
	setup
	;;
preview)
	setup
	say "previewing examples/debian-amd64.xml under QEMU"
	make -C "$build" -s examples >/dev/null
	exec "$build/tools/xen-kboot" preview "$build/examples/debian-amd64.xml"
	;;
inspect)
	setup
	exec "$build/tools/xen-kboot" inspect "$KBOOT_TESTDATA/amd64/vmlinuz"
	;;
check)
	setup
	# The tree builds warning-free with clang too (gcc is the main build).
	say "building with clang, warnings as errors"
	mkdir -p "$build-clang"
	[ -f "$build-clang/Makefile" ] ||
		(cd "$build-clang" && "$top/configure" CC=clang --enable-werror >/dev/null)
	quietly "$build-clang" -j"$jobs" check TESTS=
	# The release tarball builds and passes the unit tests from a read-only
	# source tree (the full suite runs below, once).
	# The test lists come from the build (each layer's fragment names its
	# unit and command-line tests).
	unit_tests=$(make -s -C "$build" print-unit-tests)
	cli_tests=$(make -s -C "$build" print-cli-tests)
	say "make distcheck (unit tests)"
	quietly "$build" -j"$jobs" distcheck TESTS="$unit_tests"
	# Every input-parsing test again under AddressSanitizer and UBSan, leak
	# checks on: no read out of bounds, no overflow, no leak, on any input.
	say "unit and CLI tests under ASan/UBSan"
	mkdir -p "$build-asan"
	[ -f "$build-asan/Makefile" ] ||
		(cd "$build-asan" && "$top/configure" \
			CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
			LDFLAGS="-fsanitize=address,undefined" >/dev/null)
	export ASAN_OPTIONS=detect_leaks=1
	quietly "$build-asan" -j"$jobs" check \
		TESTS="$unit_tests $cli_tests"
	# Every fuzz target briefly (fuzz/README.md: a clang build with
	# libFuzzer, ASan and UBSan), from its seeds and the corpus earlier
	# runs grew: a crash, leak or hang fails the job, naming its input.
	say "fuzzing each target for 30 s"
	mkdir -p "$build-fuzz"
	[ -f "$build-fuzz/Makefile" ] ||
		(cd "$build-fuzz" && "$top/configure" --enable-fuzz CC=clang >/dev/null)
	make -C "$build-fuzz" -j"$jobs" -s fuzz FUZZ_SECONDS=30 >&2
	say "running the test suite"
	make -C "$build" -j"$jobs" check
	;;
*)
	sed -n '2,13s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
