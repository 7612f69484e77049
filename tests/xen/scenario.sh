# The real-Xen scenarios' frame: each scenario's test points held back
# until they are final, a run again after an artifact of Xen nested under
# QEMU's TCG, and the check that every scenario asked for ran.  Sourced
# by in-dom0.sh (after tests/tap.sh) in dom0, and by scenario-selftest.sh
# on the host with dom0's own busybox and a stand-in xl.
#
# The sourcing script sets: dir (DIR/scenarios names the scenarios to run;
# empty or absent: all), CON (the directory of xenconsoled's logs), V (its
# virsh command).  S is where the frame's state files live: /tmp in dom0,
# where the scenarios themselves write /tmp/NAME.hung (wait_boot).
S=${S:-/tmp}
rm -f "$S/scenarios.known" "$S/scenarios.ran"

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling twice a second.
# (Its own variable names: the callers' $limit must survive it.)
wait_for() {
	wait_polls=$(($1 * 2)); shift
	wait_n=0
	until "$@"; do
		wait_n=$((wait_n + 1))
		[ $wait_n -lt $wait_polls ] || return 1
		sleep 0.5
	done
}

domain_gone() { ! xl domid "$1" > /dev/null 2>&1; }

# triple_faults: the vCPUs Xen has seen triple-fault so far, one line each.
triple_faults() { xl dmesg | grep -o -E 'd[0-9]+v[0-9]+ Triple fault' | sort -u; }

# lines_not_in FILE: the lines of stdin that are not lines of FILE.  (dom0
# has no comm, and its busybox grep -v -f prints nothing when FILE is
# empty: the run's first triple fault went unseen.)
lines_not_in() {
	awk -v file="$1" 'BEGIN { while ((getline l < file) > 0) seen[l] = 1 }
		!($0 in seen)'
}

# forget NAME: no domain NAME is left, running or defined in libvirt.
forget() {
	if ! domain_gone "$1"; then
		echo "# $1: its domain $(xl domid "$1") is still there after its scenario: destroyed"
		$V destroy "$1" > /dev/null 2>&1
		xl destroy "$1" > /dev/null 2>&1
		wait_for 30 domain_gone "$1"
	fi
	$V undefine "$1" > /dev/null 2>&1
	return 0
}

# scenario NAME LOG FUNCTION: FUNCTION's test points (one guest NAME,
# console log LOG), held back until they are final.  Any guest here,
# booted directly or by hvmloader, sometimes triple-faults: Xen's SVM
# nested in QEMU's TCG (seen early in the kernel at "AGP: Checking
# aperture", on a secondary vCPU after userspace began, and in poweroff;
# Xen logs "dNvM Triple fault" and once dumped its own RIP as the
# guest's).  When a test point failed and Xen logged such a fault during
# the scenario, its points are dropped, said, the domain destroyed, LOG's
# bytes so far skipped from then on (logtext), and the scenario run again
# (twice at most).  A guest that is still there but never reached
# userspace in its time (once in CI: hvmloader with 4 vCPUs, 92 s on
# other runs) is taken for the same artifact once: run once more.
# Any other failure stands; every run again is said in the TAP output.
# Whatever the outcome, no domain NAME is left for the next scenario.
# With DIR/scenarios (KBOOT_XEN_SCENARIOS of xen-suite.sh), only the
# scenarios it names run.
scenario() {
	sc_name=$1 sc_log=$2 sc_fn=$3 sc_try=0 sc_hung=0
	echo "$sc_name" >> "$S/scenarios.known"
	if [ -s "$dir/scenarios" ] && ! grep -q -x -F "$sc_name" "$dir/scenarios"; then
		return 0
	fi
	echo "$sc_name" >> "$S/scenarios.ran"
	while :; do
		triple_faults > "$S/faults.before"
		rm -f "$S/$sc_name.time" "$S/$sc_name.done" "$S/$sc_name.hung"
		( "$sc_fn" ) > "$S/scenario.tap" 2>&1
		triple_faults | lines_not_in "$S/faults.before" > "$S/faults.new"
		sc_why=
		if grep -q '^not ok ' "$S/scenario.tap"; then
			if [ -s "$S/faults.new" ] && [ $sc_try -lt 2 ]; then
				sc_why="Xen logged $(tr '\n' ' ' < "$S/faults.new")(nested SVM under TCG)"
			elif [ -f "$S/$sc_name.hung" ] && [ $sc_hung -lt 1 ]; then
				sc_why="the guest was still running but not in userspace after $(cat "$S/$sc_name.hung") s (nested SVM under TCG)"
				sc_hung=1
			fi
		fi
		if [ -n "$sc_why" ]; then
			sc_try=$((sc_try + 1))
			echo "# $sc_name: $sc_why and these failed:"
			grep '^not ok ' "$S/scenario.tap" | sed 's/^/#   /'
			echo "# $sc_name: run again ($sc_try)"
			forget "$sc_name"
			case $sc_log in
			"$CON"/*) wc -c < "$sc_log" > "$S/${sc_log##*/}.skip" 2>/dev/null ;;
			*) rm -f "$sc_log" "$S/${sc_log##*/}.skip" ;;
			esac
			continue
		fi
		break
	done
	cat "$S/scenario.tap"
	tap_n=$((tap_n + $(grep -c -E '^(not )?ok ' "$S/scenario.tap")))
	tap_failed=$((tap_failed + $(grep -c '^not ok ' "$S/scenario.tap")))
	forget "$sc_name"
}

# only_when_named NAME: true when DIR/scenarios names NAME, a scenario
# that runs only when asked for, outside scenario() (createbench).
only_when_named() {
	echo "$1" >> "$S/scenarios.known"
	grep -q -x -F "$1" "$dir/scenarios" 2>/dev/null || return 1
	echo "$1" >> "$S/scenarios.ran"
}

# all_scenarios_ran: one test point.  Which scenarios ran: all of them
# (but createbench, only when named) unless some were named, and then
# every one named, so that a misspelt name or a broken filter cannot pass
# by running nothing.
all_scenarios_ran() {
	touch "$S/scenarios.ran" "$S/scenarios.known"
	if [ -s "$dir/scenarios" ]; then
		sort -u "$dir/scenarios" > "$S/scenarios.want"
	else
		grep -v -x createbench "$S/scenarios.known" | sort -u > "$S/scenarios.want"
	fi
	lines_not_in "$S/scenarios.ran" < "$S/scenarios.want" > "$S/scenarios.missing"
	[ ! -s "$S/scenarios.missing" ] && [ -s "$S/scenarios.ran" ]
	tap_result $? "every scenario asked for ran ($(sort -u "$S/scenarios.ran" | wc -l) of $(wc -l < "$S/scenarios.want"))" \
		"not run: $(tr '\n' ' ' < "$S/scenarios.missing"); known: $(sort -u "$S/scenarios.known" | tr '\n' ' ')"
}
