#!/bin/sh
# The real-Xen scenarios' frame (tests/xen/scenario.sh) on the host, under
# the busybox that dom0 runs it with, xl and virsh stood in for: a first
# triple fault of the run is seen and its scenario run again, at most
# twice; an old fault alone is no reason; a guest hung in its time runs
# once more; the failure stands after that; a domain left behind is
# destroyed; the console log's old bytes are skipped; the scenario filter
# and its check that every scenario asked for ran.  Two bugs hid here
# because only a fault on the rig would show them (dom0 has no comm;
# busybox grep -v -f of an empty file prints nothing).
. "$KBOOT_TOP_SRCDIR/tests/tap.sh"
tap_require_testdata busybox-amd64

work=$(mktemp -d "${TMPDIR:-/tmp}/kboot-scenario.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$work/bin
mkdir -p "$bin"
for a in sh awk grep sort tr sed wc cat rm tail cut sleep touch mkdir; do
	ln -s "$KBOOT_TESTDATA/busybox-amd64" "$bin/$a"
done
# xl as the frame uses it: dmesg, domid NAME, destroy NAME; the state is
# files in $XL_STATE (dmesg, dom.NAME holding the id).
cat > "$bin/xl" <<'XL'
#!/bin/sh
case $1 in
dmesg) cat "$XL_STATE/dmesg" 2>/dev/null ;;
domid) [ -f "$XL_STATE/dom.$2" ] && cat "$XL_STATE/dom.$2" ;;
destroy) rm -f "$XL_STATE/dom.$2" ;;
esac
XL
printf '#!/bin/sh\nexit 0\n' > "$bin/virsh"
chmod +x "$bin/xl" "$bin/virsh"

# frame CASE [SCENARIOS]: runs the scenarios of $work/CASE.sh in the frame,
# in a fresh state directory; its output in $work/CASE.out, and how often
# each scenario function ran in $work/CASE/tries.NAME.
frame() {
	c=$1 st=$work/$1
	mkdir -p "$st/con"
	if [ $# -gt 1 ]; then printf '%s\n' "$2" > "$st/scenarios"; fi
	cat > "$st/run.sh" <<RUN
. "$KBOOT_TOP_SRCDIR/tests/tap.sh"
S="$st" dir="$st" CON="$st/con" V="virsh -q"
. "$KBOOT_TOP_SRCDIR/tests/xen/scenario.sh"
# tried NAME: counts a run of NAME's function; prints the count.
tried() { n=\$(( \$(cat "$st/tries.\$1" 2>/dev/null || echo 0) + 1 )); echo \$n > "$st/tries.\$1"; echo \$n; }
fault() { echo "(XEN) \$1 Triple fault - invoking HVM shutdown action 1" >> "$st/dmesg"; }
. "$work/$c.sh"
all_scenarios_ran
echo "# frame: tap_n=\$tap_n tap_failed=\$tap_failed"
RUN
	XL_STATE=$st PATH=$bin "$bin/sh" "$st/run.sh" > "$work/$c.out" 2>&1
}
has() { grep -q -x -F -- "$2" "$work/$1.out"; }
tries() { cat "$work/$1/tries.$2" 2>/dev/null || echo 0; }
says() { # CASE NAME LINE...: one test point, passing when every LINE is in CASE's output
	c=$1 name=$2; shift 2
	ok=0
	for l in "$@"; do has "$c" "$l" || { ok=1; echo "# $c: no line '$l'"; }; done
	tap_result $ok "$name" "$(cat "$work/$c.out")"
}
lacks() { # CASE NAME ERE: passing when no line of CASE's output matches ERE
	! grep -q -E -- "$3" "$work/$1.out"
	tap_result $? "$2" "$(cat "$work/$1.out")"
}

# The run's first triple fault: Xen's log had none before it.
cat > "$work/first.sh" <<'EOF2'
first() {
	if [ "$(tried first)" = 1 ]; then fault d1v1; tap_result 1 "first: boots"
	else tap_result 0 "first: boots"; fi
}
scenario first "$CON/guest-first.log" first
EOF2
frame first
says first "the run's first triple fault is seen: the scenario runs again, its first points said, its last ones kept" \
	"# first: Xen logged d1v1 Triple fault (nested SVM under TCG) and these failed:" \
	"#   not ok 1 - first: boots" "# first: run again (1)" "ok 1 - first: boots" \
	"ok 2 - every scenario asked for ran (1 of 1)" "# frame: tap_n=2 tap_failed=0"
[ "$(tries first first)" = 2 ]
tap_result $? "the run's first triple fault: two runs (ran $(tries first first))"

# A fault logged before the scenario is no reason to run it again.
cat > "$work/old.sh" <<'EOF2'
old() { tried old > /dev/null; tap_result 1 "old: boots"; }
scenario old "$CON/guest-old.log" old
EOF2
mkdir -p "$work/old"
echo "(XEN) d1v0 Triple fault - invoking HVM shutdown action 1" > "$work/old/dmesg"
frame old
says old "a failure with only an older fault in Xen's log stands" "not ok 1 - old: boots" \
	"# frame: tap_n=2 tap_failed=1"
lacks old "a failure with only an older fault: not run again" "run again"
[ "$(tries old old)" = 1 ]
tap_result $? "a failure with only an older fault: one run (ran $(tries old old))"

# A new fault every time: run again twice, then the failure stands.
cat > "$work/twice.sh" <<'EOF2'
twice() { fault "d$(tried twice)v0"; tap_result 1 "twice: boots"; }
scenario twice "$CON/guest-twice.log" twice
EOF2
frame twice
says twice "a fault at every run: run again twice, and the third run's failure stands" \
	"# twice: run again (1)" "# twice: run again (2)" "not ok 1 - twice: boots" \
	"# twice: Xen logged d2v0 Triple fault (nested SVM under TCG) and these failed:"
lacks twice "a fault at every run: no third run again" "run again \(3\)"
[ "$(tries twice twice)" = 3 ]
tap_result $? "a fault at every run: three runs (ran $(tries twice twice))"

# A guest still there but not in userspace in its time: once more.
cat > "$work/hung.sh" <<'EOF2'
hung() { tried hung > /dev/null; echo 400 > "$S/hung.hung"; tap_result 1 "hung: boots"; }
scenario hung "$CON/guest-hung.log" hung
EOF2
frame hung
says hung "a guest hung in its time: run once more, then the failure stands" \
	"# hung: the guest was still running but not in userspace after 400 s (nested SVM under TCG) and these failed:" \
	"# hung: run again (1)" "not ok 1 - hung: boots"
[ "$(tries hung hung)" = 2 ]
tap_result $? "a guest hung in its time: two runs (ran $(tries hung hung))"

# A domain left behind is destroyed; the console log's first run is skipped.
cat > "$work/left.sh" <<'EOF2'
left() {
	echo 7 > "$XL_STATE/dom.left"
	echo "boot $(tried left)" >> "$CON/guest-left.log"
	if [ "$(cat "$S/tries.left")" = 1 ]; then fault d7v0; tap_result 1 "left: boots"
	else tap_result 0 "left: boots"; fi
}
scenario left "$CON/guest-left.log" left
EOF2
frame left
says left "a domain left behind by its scenario is destroyed, and said" \
	"# left: its domain 7 is still there after its scenario: destroyed" "ok 1 - left: boots"
[ ! -e "$work/left/dom.left" ]
tap_result $? "a domain left behind: xl destroy was run"
[ "$(cat "$work/left/guest-left.log.skip" 2>/dev/null)" = 7 ]
tap_result $? "run again: the console log's bytes so far (7, 'boot 1') are skipped from then on" \
	"skip: $(cat "$work/left/guest-left.log.skip" 2>/dev/null)"

# The filter: only the named scenarios run, and a misspelt name fails.
cat > "$work/filter.sh" <<'EOF2'
one() { tried one > /dev/null; tap_result 0 "one: boots"; }
two() { tried two > /dev/null; tap_result 0 "two: boots"; }
createbench() { tried createbench > /dev/null; tap_result 0 "createbench: runs"; }
scenario one "$CON/guest-one.log" one
scenario two "$CON/guest-two.log" two
if only_when_named createbench; then createbench; fi
EOF2
cp "$work/filter.sh" "$work/named.sh"
frame named two
says named "named scenarios: only they run" "ok 1 - two: boots" "ok 2 - every scenario asked for ran (1 of 1)"
[ "$(tries named one)$(tries named two)$(tries named createbench)" = 010 ]
tap_result $? "named scenarios: one ran 0, two 1, createbench 0 times"
cp "$work/filter.sh" "$work/typo.sh"
frame typo tow
says typo "a misspelt scenario name fails the check, naming it" \
	"not ok 1 - every scenario asked for ran (0 of 1)" "# not run: tow ; known: createbench one two "
frame filter
says filter "no names: every scenario but createbench runs, and that passes" \
	"ok 1 - one: boots" "ok 2 - two: boots" "ok 3 - every scenario asked for ran (2 of 2)"
[ "$(tries filter createbench)" = 0 ]
tap_result $? "no names: createbench runs only when named"

tap_done
