#!/bin/sh
# make bench: every comparison of docs/performance.md, each measured side
# by side in this one run (the two sides' runs interleaved), printed as a
# ratio of medians with the machine it ran on, and written into the table
# between the markers of docs/performance.md.  Not a test: a target that
# misses is reported, not failed; the exit status is 1 only when a
# comparison could not run at all (its row says why).
#
# Environment (make bench sets the paths):
#   XEN_KBOOT, BENCH_LOAD, BENCH_CACHE   the programs under test
#   KBOOT_TESTDATA      tests/fetch-testdata.sh's cache
#   BENCH_RUNS          runs of each side of the load and boot comparisons (5)
#   BENCH_QUICK_RUNS    runs of each side of inspect and the cache (21)
#   BENCH_LOAD_MIB      the load comparison's initrd size, MiB (1024)
#   BENCH_DOC           the document whose table is rewritten
#   BENCH_RESULTS       where results measured elsewhere are read (bench/results)
#   QEMU                qemu-system-x86_64
set -u
top=$(cd "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}" && pwd)
T=${KBOOT_TESTDATA:-/var/cache/xen-kboot/testdata}
XEN_KBOOT=${XEN_KBOOT:-$top/build/tools/xen-kboot}
BENCH_LOAD=${BENCH_LOAD:-$top/build/bench/bench-load}
BENCH_CACHE=${BENCH_CACHE:-$top/build/bench/bench-cache}
runs=${BENCH_RUNS:-5}
quick=${BENCH_QUICK_RUNS:-21}
load_mib=${BENCH_LOAD_MIB:-1024}
doc=${BENCH_DOC:-$top/docs/performance.md}
results=${BENCH_RESULTS:-$top/bench/results}
qemu=${QEMU:-qemu-system-x86_64}
kernel=$T/amd64/vmlinuz
cmdline='console=ttyS0 panic=-1 quiet'
marker_begin='<!-- bench:table:begin -->'
marker_end='<!-- bench:table:end -->'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
rows=$tmp/rows
: > "$rows"
failed=0

say() { printf '%s\n' "$*"; }
now_ns() { date +%s%N; }

# median FILE: the median of the numbers in FILE, one a line.
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ns_to_s NS: seconds, 3 decimals.
ns_to_s() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }

# s3 SECONDS: 3 decimals.
s3() { awk -v s="$1" 'BEGIN { printf "%.3f", s }'; }

# ratio A B: A/B, 3 decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# verdict VALUE TARGET: TARGET is "<= X" or ">= X"; "holds" or "misses by D".
verdict() {
	awk -v v="$1" -v t="$2" 'BEGIN {
		split(t, p, " "); x = p[2] + 0
		if (p[1] == "<=") { if (v <= x) print "holds"; else printf "misses by %.3f\n", v - x }
		else if (p[1] == ">=") { if (v >= x) print "holds"; else printf "misses by %.3f\n", x - v }
		else print "no target" }'
}

# row COMPARISON TARGET MEASURED MEDIANS RUNS VERDICT: one line of the table.
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$rows"
	say "==> $1: $3 (target $2; $4; $5 runs): $6"
}

# fail_row COMPARISON TARGET WHY: a comparison that could not run.
fail_row() {
	why=$(printf '%s' "$3" | tr '\n\t|' '  /' | cut -c1-300)
	row "$1" "$2" "-" "-" "0" "failed to run: $why"
	failed=$((failed + 1))
}

# time_ns CMD...: run CMD (output discarded), print its wall time in ns;
# the status is CMD's.
time_ns() {
	t0=$(now_ns)
	"$@" > /dev/null 2>&1
	st=$?
	t1=$(now_ns)
	echo $((t1 - t0))
	return $st
}

# ---- the machine ------------------------------------------------------------

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
kernel_release=$(uname -sr)
qemu_version=$("$qemu" --version 2>/dev/null | sed -n 's/^QEMU emulator version //p' | head -n 1)
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	kvm="/dev/kvm usable"
elif [ -c /dev/kvm ]; then
	kvm="/dev/kvm present, not usable by $(id -un)"
else
	kvm="no /dev/kvm"
fi
kvm="$kvm; both QEMU sides run TCG (preview always passes accel=tcg)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
machine="${cpu:-unknown CPU}, $cores cores, $kernel_release, QEMU ${qemu_version:-not found}, $kvm"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
command="make bench BENCH_RUNS=$runs BENCH_QUICK_RUNS=$quick BENCH_LOAD_MIB=$load_mib"
say "bench: $machine"
say "bench: load average at the start $load_start; $command"

# ---- 1. inspect: the Debian kernel vs the same padded to 512 MiB ------------

c1="inspect: Debian amd64 kernel padded to 512 MiB (sparse) / as shipped"
say ""
say "== 1. $c1"
if [ ! -f "$kernel" ]; then
	fail_row "$c1" "<= 1.1" "no $kernel (run tests/fetch-testdata.sh)"
elif ! cp "$kernel" "$tmp/plain" || ! cp "$kernel" "$tmp/padded" ||
	! truncate -s 512M "$tmp/padded"; then
	fail_row "$c1" "<= 1.1" "cannot make the padded copy in $tmp"
elif ! err=$("$XEN_KBOOT" inspect "$tmp/plain" 2>&1 >/dev/null); then
	fail_row "$c1" "<= 1.1" "xen-kboot inspect of the plain kernel failed: $err"
elif ! err=$("$XEN_KBOOT" inspect "$tmp/padded" 2>&1 >/dev/null); then
	fail_row "$c1" "<= 1.1" "xen-kboot inspect of the padded kernel failed: $err"
else
	: > "$tmp/plain.ns"; : > "$tmp/padded.ns"
	i=0
	while [ $i -lt "$quick" ]; do
		# Alternate which side goes first.
		if [ $((i % 2)) -eq 0 ]; then
			time_ns "$XEN_KBOOT" inspect "$tmp/plain" >> "$tmp/plain.ns"
			time_ns "$XEN_KBOOT" inspect "$tmp/padded" >> "$tmp/padded.ns"
		else
			time_ns "$XEN_KBOOT" inspect "$tmp/padded" >> "$tmp/padded.ns"
			time_ns "$XEN_KBOOT" inspect "$tmp/plain" >> "$tmp/plain.ns"
		fi
		i=$((i + 1))
	done
	plain=$(median "$tmp/plain.ns") padded=$(median "$tmp/padded.ns")
	r=$(ratio "$padded" "$plain")
	row "$c1" "<= 1.1" "$r" "padded $(ns_to_s "$padded") s, plain $(ns_to_s "$plain") s" \
		"$quick" "$(verdict "$r" "<= 1.1")"
fi

# ---- 2. load throughput and the loader's peak memory ------------------------

c2="load: ${load_mib} MiB initrd from page cache into a tmpfs RAM file, throughput / memcpy limit"
c2m="load: the loader's own peak RSS during that load"
say ""
say "== 2. $c2"
if "$BENCH_LOAD" --size-mib "$load_mib" --runs "$runs" > "$tmp/load.out" 2> "$tmp/load.err"; then
	cat "$tmp/load.out"
	line=$(sed -n 's/^BENCH //p' "$tmp/load.out")
	field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	load_s=$(field load_median_s) limit_s=$(field limit_median_s)
	peak_kib=$(field loader_peak_kib)
	r=$(ratio "$limit_s" "$load_s")
	row "$c2" ">= 0.8" "$r" "load $(s3 "$load_s") s, limit $(s3 "$limit_s") s" "$runs" "$(verdict "$r" ">= 0.8")"
	peak_mib=$(awk -v k="$peak_kib" 'BEGIN { printf "%.1f", k / 1024 }')
	row "$c2m" "<= 64 MiB" "$peak_mib MiB" \
		"sampled RssAnon+RssFile $(field sampled_kib) KiB; VmHWM $(field vm_hwm_kib) - RssShmem $(field rss_shmem_kib) KiB" \
		1 "$(verdict "$peak_mib" "<= 64")"
else
	cat "$tmp/load.out" "$tmp/load.err"
	fail_row "$c2" ">= 0.8" "$BENCH_LOAD: $(tail -n 1 "$tmp/load.err")"
	fail_row "$c2m" "<= 64 MiB" "$BENCH_LOAD: $(tail -n 1 "$tmp/load.err")"
fi

# ---- 3. preview (direct, fast) vs qemu -kernel --------------------------------

c3d="boot to userspace: xen-kboot preview / qemu-system-x86_64 -kernel"
c3f="boot to userspace: xen-kboot preview --boot-path fast / qemu-system-x86_64 -kernel"
say ""
say "== 3. $c3d (and --boot-path fast)"

# boot NAME CMD...: boot once; appends the time from start to the init's
# KBOOT-MARKER line (ns) to $tmp/NAME.ns; non-zero, with the reason in
# $tmp/NAME.why, when the command failed or the marker never came.
boot() {
	name=$1; shift
	rm -f "$tmp/$name.mark"
	t0=$(now_ns)
	{ "$@" < /dev/null 2> "$tmp/$name.err"; echo $? > "$tmp/$name.status"; } |
		while IFS= read -r l; do
			case $l in *KBOOT-MARKER:*) [ -f "$tmp/$name.mark" ] || now_ns > "$tmp/$name.mark" ;; esac
			printf '%s\n' "$l"
		done > "$tmp/$name.out"
	t1=$(now_ns)
	st=$(cat "$tmp/$name.status")
	if [ "$st" -ne 0 ] || [ ! -f "$tmp/$name.mark" ]; then
		# The status, then the first lines of stderr that are not the
		# plan's table (--verbose), as one line.
		{
			printf 'exit status %s' "$st"
			[ -f "$tmp/$name.mark" ] || printf ', no KBOOT-MARKER line'
			grep -v '^|' "$tmp/$name.err" | grep -v '^ *$' | head -n 3 | tr '\n' ' ' |
				sed 's/^/: /; s/ *$//'
		} > "$tmp/$name.why"
		return 1
	fi
	echo $(($(cat "$tmp/$name.mark") - t0)) >> "$tmp/$name.ns"
	say "   $name: userspace after $(ns_to_s $(($(cat "$tmp/$name.mark") - t0))) s, exit after $(ns_to_s $((t1 - t0))) s"
}

boot_missing=
[ -f "$kernel" ] || boot_missing="no $kernel (run tests/fetch-testdata.sh)"
[ -f "$T/busybox-amd64" ] || boot_missing="no $T/busybox-amd64 (run tests/fetch-testdata.sh)"
command -v "$qemu" > /dev/null || boot_missing="no $qemu (apt-get install qemu-system-x86)"
if [ -z "$boot_missing" ] &&
	! "$top/tests/boot/make-initrd.sh" "$T/busybox-amd64" "$tmp/initrd.gz" > /dev/null 2> "$tmp/initrd.err"; then
	boot_missing="tests/boot/make-initrd.sh failed: $(tail -n 1 "$tmp/initrd.err")"
fi
if [ -n "$boot_missing" ]; then
	fail_row "$c3d" "<= 0.9" "$boot_missing"
	fail_row "$c3f" "<= 0.45" "$boot_missing"
else
	cat > "$tmp/bench.xml" <<XML
<domain type='xen'>
  <name>bench</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>$kernel</kernel>
    <initrd>$tmp/initrd.gz</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><pae/></features>
  <on_reboot>destroy</on_reboot>
</domain>
XML
	export XEN_KBOOT_RAM_DIR="$tmp/ram"
	mkdir -p "$XEN_KBOOT_RAM_DIR" "$tmp/kernel-cache"
	# shellcheck disable=SC2317 # called through boot's "$@"
	preview() { "$XEN_KBOOT" preview --timeout 300 "$@"; }
	# One untimed direct boot, verbose: it warms the caches and says the
	# QEMU command line preview runs, whose -machine, -m, -smp and -cpu
	# the plain QEMU side takes over.
	if ! boot warm-direct preview --verbose "$tmp/bench.xml"; then
		fail_row "$c3d" "<= 0.9" "xen-kboot preview: $(cat "$tmp/warm-direct.why")"
		fail_row "$c3f" "<= 0.45" "xen-kboot preview (direct) does not boot: $(cat "$tmp/warm-direct.why")"
	else
		argv=$(sed -n 's/.*; running: //p' "$tmp/warm-direct.err" | head -n 1)
		opt() { printf '%s\n' "$argv" | tr ' ' '\n' | sed -n "/^$1\$/{n;p;q}"; }
		machine_opt=$(opt -machine | sed 's/,memory-backend=[^,]*//')
		mem_opt=$(opt -m) smp_opt=$(opt -smp) cpu_opt=$(opt -cpu)
		set -- "$qemu" -machine "$machine_opt" -m "$mem_opt" ${smp_opt:+-smp "$smp_opt"} \
			${cpu_opt:+-cpu "$cpu_opt"} -nodefaults -nographic -no-reboot \
			-serial mon:stdio -kernel "$kernel" -initrd "$tmp/initrd.gz" -append "$cmdline"
		say "   preview runs: $argv"
		say "   qemu side:    $*"
		# The fast path, once untimed: it fills the kernel cache (the
		# timed runs are hits), and says whether the option exists yet.
		fast=yes
		if ! boot warm-fast preview --boot-path fast --kernel-cache "$tmp/kernel-cache" "$tmp/bench.xml"; then
			fast=$(cat "$tmp/warm-fast.why")
			say "   --boot-path fast does not run: $fast"
		fi
		: > "$tmp/qemu.ns"; : > "$tmp/direct.ns"; : > "$tmp/fast.ns"
		boot_failed=
		i=0
		while [ $i -lt "$runs" ] && [ -z "$boot_failed" ]; do
			# Alternate the order: qemu, direct, fast, then fast, direct, qemu.
			if [ $((i % 2)) -eq 0 ]; then order="qemu direct fast"; else order="fast direct qemu"; fi
			for side in $order; do
				case $side in
				qemu) boot qemu timeout 300 "$@" ||
					boot_failed="$qemu -kernel: $(cat "$tmp/qemu.why")" ;;
				direct) boot direct preview "$tmp/bench.xml" ||
					boot_failed="xen-kboot preview: $(cat "$tmp/direct.why")" ;;
				fast) [ "$fast" = yes ] || continue
					boot fast preview --boot-path fast --kernel-cache "$tmp/kernel-cache" "$tmp/bench.xml" ||
						fast=$(cat "$tmp/fast.why") ;;
				esac
			done
			i=$((i + 1))
		done
		if [ -n "$boot_failed" ]; then
			fail_row "$c3d" "<= 0.9" "$boot_failed"
		else
			q=$(median "$tmp/qemu.ns") d=$(median "$tmp/direct.ns")
			r=$(ratio "$d" "$q")
			row "$c3d" "<= 0.9" "$r" "preview $(ns_to_s "$d") s, qemu $(ns_to_s "$q") s" \
				"$runs" "$(verdict "$r" "<= 0.9")"
		fi
		if [ "$fast" != yes ]; then
			fail_row "$c3f" "<= 0.45" "xen-kboot preview --boot-path fast: $fast"
		elif [ -n "$boot_failed" ]; then
			fail_row "$c3f" "<= 0.45" "$boot_failed"
		else
			f=$(median "$tmp/fast.ns")
			r=$(ratio "$f" "$q")
			row "$c3f" "<= 0.45" "$r" "preview fast $(ns_to_s "$f") s, qemu $(ns_to_s "$q") s" \
				"$runs" "$(verdict "$r" "<= 0.45")"
		fi
	fi
fi

# ---- 4. the real-Xen rig ---------------------------------------------------
# Xen 4.17 nested under QEMU (tests/xen/xen-suite.sh, its scenario
# createbench): rounds of xen-kboot create (direct), create --boot-path
# fast (cache filled first) and xl create with kernel= of the same guest,
# timed in dom0 from create to the userspace marker.  Its medians go to
# $results/xen-create.txt, read below like results measured elsewhere.
# BENCH_XEN=0 skips the rig (the file of an earlier run is then read).

say ""
say "== 4. real Xen: xen-kboot create vs xl create with kernel="
xen_results=$results/xen-create.txt
xen_rounds=${BENCH_XEN_RUNS:-3}
if [ "${BENCH_XEN:-1}" != 0 ]; then
	say "   running the real-Xen rig: $xen_rounds rounds (tests/xen/xen-suite.sh, scenario createbench; BENCH_XEN=0 skips it)"
	if env KBOOT_XEN_SCENARIOS=createbench KBOOT_XEN_BENCH_RUNS="$xen_rounds" \
		KBOOT_XEN_BENCH_OUT="$tmp/xen-bench.txt" XEN_KBOOT="$XEN_KBOOT" \
		KBOOT_TESTDATA="$T" KBOOT_TOP_SRCDIR="$top" \
		KBOOT_TOP_BUILDDIR="${KBOOT_TOP_BUILDDIR:-$top/build}" \
		sh "$top/tests/xen/xen-suite.sh" > "$tmp/xen-suite.tap" 2>&1 &&
		[ -s "$tmp/xen-bench.txt" ]; then
		sed 's/^/   /' "$tmp/xen-bench.txt"
		median_of() { sed -n "s/^median $1 \([0-9.]*\) \([0-9]*\)\$/\1 \2/p" "$tmp/xen-bench.txt"; }
		set -- $(median_of direct) $(median_of fast) $(median_of xl)
		if [ $# -eq 6 ]; then
			mkdir -p "$results"
			note="rig, $(date -u '+%Y-%m-%d'), Xen 4.17 nested under QEMU TCG"
			printf '# Written by bench/run.sh from tests/xen/xen-suite.sh (createbench).\n' > "$xen_results"
			printf 'xen-kboot create (direct) / xl create with kernel=, to the userspace marker\t<= 0.5\t%s\t%s\t%s\t%s\n' \
				"$1" "$5" "$2" "$note" >> "$xen_results"
			printf 'xen-kboot create --boot-path fast / xl create with kernel=, to the userspace marker\t<= 0.3\t%s\t%s\t%s\t%s\n' \
				"$3" "$5" "$4" "$note" >> "$xen_results"
		else
			rm -f "$xen_results"
			fail_row "real Xen: xen-kboot create (direct, fast) / xl create with kernel=" "<= 0.5, <= 0.3" \
				"some boots on the rig failed: $(tr '\n' ' ' < "$tmp/xen-bench.txt")"
		fi
	else
		rm -f "$xen_results"
		cp "$tmp/xen-suite.tap" "${TMPDIR:-/tmp}/xen-kboot-bench-rig.tap"
		say "   the rig's whole output: ${TMPDIR:-/tmp}/xen-kboot-bench-rig.tap"
		grep -E '^(not ok|Bail)' -A 6 "$tmp/xen-suite.tap" | head -n 20 | sed 's/^/   /'
		fail_row "real Xen: xen-kboot create (direct, fast) / xl create with kernel=" "<= 0.5, <= 0.3" \
			"the rig did not run: $(grep -E '^(not ok|Bail)' "$tmp/xen-suite.tap" | head -n 1)"
	fi
fi
if [ -f "$xen_results" ]; then
	# NAME<TAB>TARGET<TAB>KBOOT_MEDIAN_S<TAB>XL_MEDIAN_S<TAB>RUNS[<TAB>NOTE]
	# (bench/README.md); the ratio and verdict are computed here.
	tab=$(printf '\t')
	while IFS="$tab" read -r name target kb xl n note; do
		case $name in ''|'#'*) continue ;; esac
		if ! awk -v a="$kb" -v b="$xl" 'BEGIN { exit !(a + 0 > 0 && b + 0 > 0) }'; then
			fail_row "real Xen: $name" "$target" "$xen_results: medians '$kb' and '$xl' are not positive numbers"
			continue
		fi
		r=$(ratio "$kb" "$xl")
		row "real Xen: $name" "$target" "$r" \
			"xen-kboot $kb s, xl $xl s (from ${xen_results#"$top"/}${note:+: $note})" "$n" "$(verdict "$r" "$target")"
	done < "$xen_results"
elif [ "${BENCH_XEN:-1}" = 0 ]; then
	row "real Xen: xen-kboot create (direct, fast) / xl create with kernel=, to the userspace marker" \
		"<= 0.5 direct, <= 0.3 fast" "-" "-" "0" "not run: BENCH_XEN=0, and no $xen_results from an earlier run"
fi

# ---- 5. the fast path's kernel cache: hit vs miss ---------------------------

c5="kernel cache: hit / miss (Debian amd64 kernel, kboot_kernel_cache_get)"
say ""
say "== 5. $c5"
if [ ! -f "$kernel" ]; then
	fail_row "$c5" "none" "no $kernel (run tests/fetch-testdata.sh)"
elif "$BENCH_CACHE" --runs "$quick" "$kernel" > "$tmp/cache.out" 2> "$tmp/cache.err"; then
	cat "$tmp/cache.out"
	line=$(sed -n 's/^BENCH //p' "$tmp/cache.out")
	field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	miss_s=$(field miss_median_s) hit_s=$(field hit_median_s)
	r=$(ratio "$hit_s" "$miss_s")
	row "$c5" "none" "$r" "hit $(s3 "$hit_s") s, miss $(s3 "$miss_s") s" "$quick" "no target (reported)"
else
	cat "$tmp/cache.out" "$tmp/cache.err"
	fail_row "$c5" "none" "$BENCH_CACHE: $(tail -n 1 "$tmp/cache.err")"
fi

# ---- the table --------------------------------------------------------------

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
	say "$marker_begin"
	say "<!-- Written by bench/run.sh (make bench); edit the text around it, not this. -->"
	say ""
	say "Command: \`$command\` (bench/run.sh), started $started."
	say ""
	say "Machine: $machine; load average $load_start at the start, $load_end at the end."
	say ""
	say "| Comparison | Target | Measured | Medians | Runs | Verdict |"
	say "|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$rows"
	say "$marker_end"
} > "$tmp/table"

say ""
say "== summary"
awk -F'\t' '{ printf "%-8s %-9s %s: %s\n", $3, $2, $1, $6 }' "$rows"

if [ -f "$doc" ] && grep -qxF "$marker_begin" "$doc" && grep -qxF "$marker_end" "$doc"; then
	awk -v begin="$marker_begin" -v end="$marker_end" -v table="$tmp/table" '
		$0 == begin { while ((getline l < table) > 0) print l; skip = 1; next }
		$0 == end { skip = 0; next }
		!skip { print }' "$doc" > "$tmp/doc" && cat "$tmp/doc" > "$doc"
	say "bench: the table in $doc is rewritten"
else
	say "bench: $doc has no lines '$marker_begin' and '$marker_end': the table is not written there" >&2
	failed=$((failed + 1))
fi

if [ "$failed" -gt 0 ]; then
	say "bench: $failed row(s) could not be measured (their rows say why)" >&2
	exit 1
fi
exit 0
