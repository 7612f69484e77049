#!/bin/sh
# The inspect command as users run it: help, version, exit codes, errors on
# stderr naming the file, files that are not kernels, and bounded reads.
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tap_require_testdata amd64/vmlinuz ipxe.lkrn
T=$KBOOT_TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT


tap_expect "--help lists commands" 0 "*Commands:*inspect*" "" "$XEN_KBOOT" --help
tap_expect "--version" 0 "xen-kboot [0-9]*.[0-9]*" "" "$XEN_KBOOT" --version
tap_expect "no command: usage, exit 2" 2 "" "*Usage: xen-kboot COMMAND*" "$XEN_KBOOT"
tap_expect "unknown command: exit 2" 2 "" "xen-kboot: unknown command 'frobnicate'*" "$XEN_KBOOT" frobnicate
tap_expect "inspect --help" 0 "*xen-kboot inspect*KERNEL...*--json*" "" "$XEN_KBOOT" inspect --help
# A short option means one thing in every command: each "-X, --long" that
# any command's --help lists, counted once per letter and long name.
commands=$("$XEN_KBOOT" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
for c in $commands; do "$XEN_KBOOT" "$c" --help; done |
	sed -n 's/^  \(-[A-Za-z]\), \(--[a-z-]*\).*/\1 \2/p' | sort -u > "$tmp/letters"
[ -n "$commands" ] && [ -s "$tmp/letters" ] &&
	[ -z "$(cut -d' ' -f1 "$tmp/letters" | uniq -d)" ]
tap_result $? "each short option has one meaning across the commands" "$(cat "$tmp/letters")"
tap_expect "inspect without kernel: exit 2" 2 "" "xen-kboot inspect: no kernel given*" "$XEN_KBOOT" inspect
tap_expect "inspect bad option: exit 2" 2 "" "xen-kboot inspect: Unknown option --bogus*" "$XEN_KBOOT" inspect --bogus "$T/amd64/vmlinuz"
tap_expect "bootable kernel: exit 0" 0 "*verdict:*bootable*" "" "$XEN_KBOOT" inspect "$T/amd64/vmlinuz"
tap_expect "one bad among good: exit 1" 1 "*verdict:           bootable*verdict:           not bootable*" "" \
	"$XEN_KBOOT" inspect "$T/amd64/vmlinuz" "$T/ipxe.lkrn"
tap_expect "missing file: stderr names it, exit 1" 1 "" \
	"xen-kboot: $tmp/nope: cannot open kernel: No such file or directory" "$XEN_KBOOT" inspect "$tmp/nope"
tap_expect "directory: exit 1" 1 "" "xen-kboot: $tmp: kernel is a directory, not a regular file" \
	"$XEN_KBOOT" inspect "$tmp"
mkfifo "$tmp/fifo"
tap_expect "FIFO: refused without blocking" 1 "" "xen-kboot: $tmp/fifo: kernel is a FIFO, not a regular file" \
	timeout 10 "$XEN_KBOOT" inspect "$tmp/fifo"
: > "$tmp/empty"
tap_expect "empty file: exit 1" 1 "" "xen-kboot: $tmp/empty: kernel is empty (0 bytes)" \
	"$XEN_KBOOT" inspect "$tmp/empty"
printf 'hello\n' > "$tmp/text"
tap_expect "text file: not a Linux kernel" 1 "*format:            not a Linux kernel*only 6 bytes: too short for a Linux kernel*" "" \
	"$XEN_KBOOT" inspect "$tmp/text"
head -c 600 "$T/amd64/vmlinuz" > "$tmp/cut"
tap_expect "truncated kernel: where, and what the header needs; no facts of it" 1 \
	"kernel:            $tmp/cut
size:              600 bytes (600 bytes)
format:            bzImage
protocol:          2.15
setup header:      truncated: the file ends at byte 600, the header needs 620
verdict:           not bootable
  - the file is truncated at byte 600 (0x258): the setup header of boot protocol 2.15 needs 620 bytes (it ends at 0x26c)" "" \
	"$XEN_KBOOT" inspect "$tmp/cut"
tap_run "$XEN_KBOOT" inspect --json "$tmp/cut"
[ "$(printf '%s' "$tap_out" | jq -c '.[0] | [.format, .setup_sectors, .header, .problems[0].rule]')" = '["bzImage",null,null,"truncated"]' ]
tap_result $? "truncated kernel, --json: the header's facts are null" "$tap_out"

# JSON: an array, one object per kernel, errors included.
tap_run "$XEN_KBOOT" inspect --json "$T/amd64/vmlinuz" "$tmp/nope" "$T/ipxe.lkrn"
[ "$tap_status" -eq 1 ] && [ "$(printf '%s' "$tap_out" | jq -r '[.[].bootable] | map(tostring) | join(",")')" = "true,false,false" ]
tap_result $? "--json: one object per kernel, exit 1" "$tap_out"
[ "$(printf '%s' "$tap_out" | jq -r '.[1].error')" = "$tmp/nope: cannot open kernel: No such file or directory" ]
tap_result $? "--json: unreadable kernel carries its error"
keys_a=$(printf '%s' "$tap_out" | jq -c '.[0] | keys')
keys_c=$(printf '%s' "$tap_out" | jq -c '.[2] | keys')
[ "$keys_a" = "$keys_c" ]
tap_result $? "--json: the same keys for bootable and refused kernels" "$keys_a / $keys_c"

# A file name is bytes: one that is not UTF-8 and holds a newline still
# gives valid JSON (the name with U+FFFD, and "path_escaped" with the
# bytes), and one line on stderr.
bad=$(printf '%s/k\nxen-kboot: forged \377' "$tmp")
cp "$T/ipxe.lkrn" "$bad"
tap_run "$XEN_KBOOT" inspect --json "$bad"
printf '%s' "$tap_out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 &&
	printf '%s' "$tap_out" | jq -e . >/dev/null 2>&1
tap_result $? "--json: a non-UTF-8 file name still gives valid UTF-8 JSON" "$tap_out"
[ "$(printf '%s' "$tap_out" | jq -r '.[0].path_escaped')" = "$tmp/k\\nxen-kboot: forged \\xff" ] &&
	[ "$(printf '%s' "$tap_out" | jq -r '.[0].path')" = "$(printf '%s/k\nxen-kboot: forged \357\277\275' "$tmp")" ]
tap_result $? "--json: the name with U+FFFD, and its bytes escaped" "$tap_out"
tap_expect "text: the name escaped on one line" 1 \
	"kernel:            $tmp/k\\\\nxen-kboot: forged \\\\xff
*" "" "$XEN_KBOOT" inspect "$bad"
tap_expect "an unreadable one: one line on stderr" 1 "" \
	"xen-kboot: $tmp/nope\\\\nxen-kboot: forged \\\\xff: cannot open kernel: No such file or directory" \
	"$XEN_KBOOT" inspect "$(printf '%s/nope\nxen-kboot: forged \377' "$tmp")"

# Bounded reads: a kernel padded to 512 MiB (sparse) is probed with the
# same reads, counted by strace, as the real one.
cp "$T/amd64/vmlinuz" "$tmp/big"
truncate -s 512M "$tmp/big"
if command -v strace >/dev/null; then
	count_bytes() {
		strace -f -e trace=openat,read,pread64,close -o "$tmp/trace" "$XEN_KBOOT" inspect "$1" >/dev/null 2>&1
		# Sum what was read from the kernel's descriptor between its open
		# and its close (the descriptor number is reused by others).
		awk -v path="\"$1\"" '
			index($0, "openat(AT_FDCWD, " path ",") { n = split($0, w, " = "); fd = w[n]; on = 1; next }
			on && $0 ~ ("close\\(" fd "\\)") { on = 0 }
			on && $0 ~ ("(pread64|read)\\(" fd ", ") { n = split($0, w, " = "); s += w[n] }
			END { print s + 0 }' "$tmp/trace"
	}
	small=$(count_bytes "$T/amd64/vmlinuz")
	big=$(count_bytes "$tmp/big")
	[ "$small" -gt 0 ] && [ "$small" -eq "$big" ] && [ "$big" -le $((131072 + 16)) ]
	tap_result $? "512 MiB kernel: inspect reads $big bytes, as for the real one ($small), at most 128 KiB + 16"
else
	tap_result 1 "strace is needed to count bytes read (apt-get install strace)"
fi
tap_expect "512 MiB padded kernel: still bootable" 0 "*verdict:           bootable*" "" "$XEN_KBOOT" inspect "$tmp/big"

tap_done
