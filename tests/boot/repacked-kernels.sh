# Debian's kernels with their payload recompressed in every format Linux's
# x86 decompressor reads, for the fast boot path's boot tests (issue 15).
# Sourced (after tests/tap.sh); then:
#
#   repacked_kernels DIR
#
# makes DIR/vmlinuz-ARCH-FORMAT for ARCH amd64 and i386 (KBOOT_TESTDATA's
# ARCH/vmlinuz) and FORMAT in $repacked_formats, by tests/repack-kernel
# (Linux's own compressor commands).  Only the fast path boots them: the
# decompressor inside each was built for xz alone.
#
# The 14 take about 100 s to make (xz, lzma and zstd -22 on 63 MiB), so they
# are kept in $KBOOT_REPACK_CACHE (default $KBOOT_TESTDATA/repacked), keyed
# by the sha256 of the input kernel and of tests/repack-kernel.c, written
# under a temporary name and renamed (concurrent tests are safe), and each
# entry is checked before use: its payload must decompress to the
# original's bytes (repack-kernel --payload), else it is made again.
# Entries unused for 7 days (another kernel, an older repack-kernel.c) are
# removed.  An unwritable cache is not an error: the kernels are then made
# in DIR.
# Returns non-zero, with the reason on stderr, when one cannot be made.
repacked_formats="gzip bzip2 lzma xz lzo lz4 zstd"

repacked_kernels() {
	rk_dir=$1
	rk_tool=${KBOOT_TOP_BUILDDIR:-.}/tests/repack-kernel
	rk_src=${KBOOT_TOP_SRCDIR:-.}/tests/repack-kernel.c
	rk_data=${KBOOT_TESTDATA:-/var/cache/xen-kboot/testdata}
	rk_cache=${KBOOT_REPACK_CACHE:-$rk_data/repacked}
	[ -x "$rk_tool" ] || { echo "repacked_kernels: $rk_tool is not built (make check builds it)" >&2; return 1; }
	mkdir -p "$rk_dir" || return 1
	rk_tool_sha=$(sha256sum < "$rk_src" | cut -c1-16) || return 1
	for rk_arch in amd64 i386; do
		rk_in=$rk_data/$rk_arch/vmlinuz
		[ -s "$rk_in" ] || { echo "repacked_kernels: $rk_in is missing (tests/fetch-testdata.sh fetches it)" >&2; return 1; }
		# "xz SIZE SHA256" of the original's payload: what every entry
		# must decompress to, in its own format.
		rk_orig=$("$rk_tool" --payload "$rk_in") || return 1
		rk_key=$(sha256sum < "$rk_in" | cut -c1-64)-$rk_tool_sha
		rk_entry_dir=$rk_cache/$rk_key
		if mkdir -p "$rk_entry_dir" 2>/dev/null && touch "$rk_entry_dir" 2>/dev/null; then
			find "$rk_cache" -mindepth 1 -maxdepth 1 -type d -mtime +7 \
				-exec rm -rf {} + 2>/dev/null
		else
			rk_entry_dir=
		fi
		for rk_format in $repacked_formats; do
			rk_out=$rk_dir/vmlinuz-$rk_arch-$rk_format
			rk_want="$rk_format ${rk_orig#* }"
			if [ -z "$rk_entry_dir" ]; then
				"$rk_tool" "$rk_in" "$rk_format" "$rk_out" || return 1
				continue
			fi
			rk_entry=$rk_entry_dir/vmlinuz-$rk_format
			if [ ! -s "$rk_entry" ] || [ "$("$rk_tool" --payload "$rk_entry" 2>/dev/null)" != "$rk_want" ]; then
				"$rk_tool" "$rk_in" "$rk_format" "$rk_entry.tmp.$$" &&
					mv -f "$rk_entry.tmp.$$" "$rk_entry" ||
					{ rm -f "$rk_entry.tmp.$$"; return 1; }
			fi
			cp -f "$rk_entry" "$rk_out" || return 1
		done
	done
}
