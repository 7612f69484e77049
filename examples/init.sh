#!/bin/busybox sh
# /init of the example initrd: say hello from userspace, then power off
# (through ACPI S5: the preview ends, and on Xen the domain's on_poweroff
# action applies).
/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
echo
echo "Hello from userspace: Linux $(uname -r) ($(uname -m)) booted directly by xen-kboot."
echo "Command line: $(cat /proc/cmdline)"
echo "Memory: $(awk '/^MemTotal:/ { print $2 " " $3 }' /proc/meminfo)"
echo "CPUs: $(grep -c '^processor' /proc/cpuinfo) online"
echo
poweroff -f
