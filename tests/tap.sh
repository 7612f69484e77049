# TAP helpers for the shell tests; source it, then:
#   tap_ok NAME COMMAND...          passes when COMMAND exits 0
#   tap_check NAME CONDITION-RESULT  (0 or non-zero from a previous step)
#   tap_expect NAME STATUS STDOUT-GLOB STDERR-GLOB CMD...
#   tap_need TOOL PACKAGE            skips the test without TOOL (fails under CI)
#   tap_done                         prints the plan; exit status = failures
# Every assertion is one test point; the plan comes last ("1..N").
tap_n=0
tap_failed=0

tap_result() { # STATUS NAME [DIAG]
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
		if [ -n "${3-}" ]; then printf '%s\n' "$3" | sed 's/^/# /'; fi
	fi
}

tap_ok() {
	name=$1; shift
	if out=$("$@" 2>&1); then tap_result 0 "$name"; else tap_result 1 "$name" "$out"; fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# Run CMD, capturing stdout, stderr and status into $tap_out, $tap_err, $tap_status.
tap_run() {
	tap_errf=$(mktemp)
	tap_status=0
	tap_out=$("$@" 2>"$tap_errf") || tap_status=$?
	tap_err=$(cat "$tap_errf")
	rm -f "$tap_errf"
}

# tap_expect NAME STATUS STDOUT-GLOB STDERR-GLOB CMD...: one test point,
# passing when CMD exits STATUS and its stdout and stderr match the globs.
tap_expect() {
	tap_name=$1 tap_st=$2 tap_oglob=$3 tap_eglob=$4; shift 4
	tap_run "$@"
	# shellcheck disable=SC2254
	case $tap_out in $tap_oglob) tap_o=0 ;; *) tap_o=1 ;; esac
	# shellcheck disable=SC2254
	case $tap_err in $tap_eglob) tap_e=0 ;; *) tap_e=1 ;; esac
	[ "$tap_status" -eq "$tap_st" ] && [ $tap_o -eq 0 ] && [ $tap_e -eq 0 ]
	tap_result $? "$tap_name" "status $tap_status (want $tap_st)
stdout: $tap_out
stderr: $tap_err"
}

tap_bail() {
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# tap_need TOOL PACKAGE: a tool run.sh installs (Debian package PACKAGE).
# Missing, the whole test is skipped with the reason, except under CI (CI
# set, and not "false" or "0"), where run.sh has installed it: there a
# missing tool is a broken setup, and the test bails out.  Call it before
# the first test point.
tap_need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	case ${CI:-} in
	'' | false | 0)
		echo "1..0 # SKIP $1 not installed (Debian package $2; ./run.sh installs it)"
		exit 0
		;;
	esac
	tap_bail "$1 not installed under CI=$CI: ./run.sh installs $2, so the setup is broken"
}

# The real test images (tests/fetch-testdata.sh); bail out clearly if absent.
tap_require_testdata() {
	: "${KBOOT_TESTDATA:=/var/cache/xen-kboot/testdata}"
	for f in "$@"; do
		[ -s "$KBOOT_TESTDATA/$f" ] ||
			tap_bail "$KBOOT_TESTDATA/$f is missing: run tests/fetch-testdata.sh (./run.sh check does)"
	done
}

# shquote WORDS...: the words as one sh command line, quoted where needed.
# open_holders DIR: the processes holding a file below DIR open, one pid a
# line (an unlinked file reads as "DIR/#INODE (deleted)").
open_holders() {
	for fd in /proc/[0-9]*/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in "$1"/*) echo "${fd%/fd/*}" ;; esac
	done | sort -u
}

shquote() {
	for w; do
		case $w in
		'' | *[!A-Za-z0-9_./:=@,+-]*)
			printf " '%s'" "$(printf '%s' "$w" | sed "s/'/'\\\\''/g")" ;;
		*) printf ' %s' "$w" ;;
		esac
	done
}
