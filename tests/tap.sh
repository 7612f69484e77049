# TAP helpers for the shell tests; source it, then:
#   tap_ok NAME COMMAND...          passes when COMMAND exits 0
#   tap_check NAME CONDITION-RESULT  (0 or non-zero from a previous step)
#   tap_expect_output NAME EXPECTED-STATUS EXPECTED-STDOUT-PATTERN CMD...
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

tap_bail() {
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# The real test images (tests/fetch-testdata.sh); bail out clearly if absent.
tap_require_testdata() {
	: "${KBOOT_TESTDATA:=/var/cache/xen-kboot/testdata}"
	for f in "$@"; do
		[ -s "$KBOOT_TESTDATA/$f" ] ||
			tap_bail "$KBOOT_TESTDATA/$f is missing: run tests/fetch-testdata.sh (./run.sh check does)"
	done
}
