#!/bin/sh
# "--" ends the options of every command: what follows is an operand even
# when it looks like an option, so a domain or a file named "-h" can be
# named (before, GLib left "--" in argv and "destroy -- -h" said "one
# domain at a time").
. "${KBOOT_TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kboot-options.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || tap_bail "cannot enter $tmp"

# destroy: without Xen the command gets as far as Xen itself; with Xen, to
# the domain's lookup.  Either way it was given one domain, named "-h".
tap_run "$XEN_KBOOT" destroy -- -h
case $tap_err in
*"no domain named '-h'"* | *"no Xen hypervisor"* | *"built without Xen"*) tap_ok_err=0 ;;
*) tap_ok_err=1 ;;
esac
[ "$tap_status" -eq 1 ] && [ $tap_ok_err -eq 0 ]
tap_result $? "destroy -- -h: one domain, named -h" "status $tap_status, stderr: $tap_err"

# Files named "-h" and "--json" in the working directory.
printf 'not a domain' > ./-h
printf 'not a kernel' > ./--json
tap_expect "validate -- -h reads the file -h" 1 "" \
	"*-h:1: malformed XML*" "$XEN_KBOOT" validate -- -h
tap_expect "plan -- -h reads the file -h" 1 "" \
	"*-h:1: malformed XML*" "$XEN_KBOOT" plan -- -h
tap_expect "inspect -- -h --json: two kernels, text output" 1 \
	"kernel: *-h*kernel: *--json*" "" "$XEN_KBOOT" inspect -- -h --json
tap_run "$XEN_KBOOT" inspect --json -- -h
[ "$tap_status" -eq 1 ] && [ "$(printf '%s' "$tap_out" | jq -r '.[0].path')" = "-h" ]
tap_result $? "inspect --json -- -h: the option before, the file after" "$tap_out"
tap_expect "create -- -h -h: still one domain at a time" 2 "" \
	"*one domain at a time*" "$XEN_KBOOT" create -- -h -h
tap_expect "an option after -- is not an option" 2 "" \
	"*one domain at a time*" "$XEN_KBOOT" validate -- -h --help
tap_expect "without --, -h is still help" 0 "*xen-kboot destroy*NAME|ID*" "" \
	"$XEN_KBOOT" destroy -h
tap_done
