#!/bin/sh
# run-fuzz.sh SECONDS TARGET...: run each libFuzzer target (fuzz/fuzz.am,
# built with configure --enable-fuzz) for SECONDS, from its seeds, its
# kept crash inputs (fuzz/regressions/TARGET/) and the corpus earlier runs
# grew.  Prints per target the executions, executions per second, the new
# inputs and the coverage; fails naming the crash input when one crashes,
# leaks, hangs or runs out of memory.  Everything it writes is in the build
# directory's fuzz/: seeds/ (made here), corpus/, crashes/, logs/.
#
# Seeds, made at fuzz time and never committed: the first 64 KiB of each
# file in KBOOT_TESTDATA (real kernels, busybox, Xen: tests/fetch-testdata.sh)
# for the image and layout targets; the domain XML of tests/ and
# examples/ for the conf and hook targets; the firmware ELFs this build
# links for the firmware target.
set -eu

seconds=$1; shift
top=${KBOOT_TOP_SRCDIR:?}
build=${KBOOT_TOP_BUILDDIR:?}
testdata=${KBOOT_TESTDATA:-/var/cache/xen-kboot/testdata}
work=$build/fuzz

case $seconds in
'' | *[!0-9]*) echo "run-fuzz.sh: FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2; exit 2 ;;
esac

# The XML dictionary: every element, attribute and value the schema names.
dict=$work/domain-xml.dict
{
	sed -n 's/.*<element name="\([^"]*\)".*/\1/p; s/.*<name>\([^<]*\)<\/name>.*/\1/p' \
		"$top/docs/schema.rng" | sort -u | sed 's/.*/"<&" "<\/&>"/' | tr ' ' '\n'
	sed -n 's/.*<attribute name="\([^"]*\)".*/"\1=\\"" /p' "$top/docs/schema.rng" | sort -u
	sed -n 's/.*<value>\([^<"\\]*\)<\/value>.*/"\1"/p' "$top/docs/schema.rng" | sort -u
	printf '%s\n' '"xmlns:kboot=\"urn:xen-kboot:domain:1\""' '"<kboot:boot"' \
		'"<?xml version=\"1.0\"?>"' '"<!DOCTYPE"' '"<![CDATA["' '"]]>"' '"&amp;"' \
		'"&#10;"' '"unit=\"GiB\""' '"/boot/vmlinuz"' '"/var/cache/xen-kboot/testdata/amd64/vmlinuz"'
} | awk 'NF' | sort -u >"$dict"

# seed_dir TARGET: the seeds of TARGET, made afresh.
seed_dir() {
	d=$work/seeds/$1
	rm -rf "$d"
	mkdir -p "$d"
	case $1 in
	image | layout)
		if [ -d "$testdata" ]; then
			find "$testdata" -maxdepth 2 -type f ! -name '*.cpio' ! -name SOURCES ! -name lock |
				while read -r f; do
					head -c 65536 "$f" >"$d/$(echo "$f" | sed "s|^$testdata/||; s|/|_|g")"
				done
		else
			echo "run-fuzz.sh: no test data in $testdata (tests/fetch-testdata.sh): $1 starts from its regressions only" >&2
		fi
		;;
	conf | hook)
		for f in "$top"/tests/xmlconfs/*.xml "$top"/tests/xlconfigdata/*.xml \
			"$top"/tests/virtinst/*.xml "$build"/examples/*.xml; do
			[ -f "$f" ] && cp "$f" "$d/$(basename "$(dirname "$f")")_$(basename "$f")"
		done
		;;
	firmware)
		cp "$build/firmware/xen-kboot-fw.elf" "$build/firmware/xen-kboot-fw-bios.elf" "$d/"
		;;
	esac
	echo "$d"
}

# stat NAME LOG: libFuzzer's -print_final_stats value.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
# cov LOG WHICH: the coverage (edges) libFuzzer reported first or last.
cov() { grep -o 'cov: [0-9]*' "$2" | sed 's/cov: //' | "$1" -n 1; }

failed=0
for program in "$@"; do
	target=${program##*/fuzz-}
	mkdir -p "$work/corpus/$target" "$work/crashes/$target" "$work/logs"
	log=$work/logs/$target.log
	seeds=$(seed_dir "$target")
	set -- "$work/corpus/$target" "$seeds"
	[ -d "$top/fuzz/regressions/$target" ] && set -- "$@" "$top/fuzz/regressions/$target"
	case $target in conf | hook) set -- "$@" -dict="$dict" ;; esac
	# GLib's slice allocator would hide leaks (and report its own).
	status=0
	G_SLICE=always-malloc G_DEBUG=gc-friendly \
	"$build/$program" -max_total_time="$seconds" -detect_leaks=1 -print_final_stats=1 \
		-timeout=20 -rss_limit_mb=2048 -artifact_prefix="$work/crashes/$target/" \
		"$@" >"$log" 2>&1 || status=$?
	execs=$(stat number_of_executed_units "$log")
	rate=$(stat average_exec_per_sec "$log")
	new=$(stat new_units_added "$log")
	printf 'fuzz-%s: %s executions in %s s, %s/s, %s new inputs, coverage %s -> %s edges\n' \
		"$target" "${execs:-?}" "$seconds" "${rate:-?}" "${new:-?}" \
		"$(cov head "$log")" "$(cov tail "$log")"
	if [ "$status" -ne 0 ]; then
		failed=$((failed + 1))
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: broken promise|.*runtime error)' "$log" | head -n 5 >&2 || :
		echo "fuzz-$target: FAILED (exit $status): crash input ${crash:-not written} (log: $log)" >&2
		echo "  replay: $build/$program ${crash:-}; keep it, once fixed, in fuzz/regressions/$target/" >&2
		# CI's build directory does not outlive the job: the input itself
		# goes into the log, with the command that keeps it.
		if [ -n "$crash" ] && [ -f "$crash" ] && [ "$(wc -c < "$crash")" -le 65536 ]; then
			echo "  to keep it: base64 -d > fuzz/regressions/$target/${crash##*/} <<'EOF'" >&2
			base64 -w 76 "$crash" >&2
			echo "EOF" >&2
		fi
	fi
done
if [ "$failed" -gt 0 ]; then
	echo "run-fuzz.sh: $failed target(s) failed" >&2
	exit 1
fi
