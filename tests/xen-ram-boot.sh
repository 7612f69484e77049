# Sourced by the shim tests (tests/xen-create.sh, tests/xen-dm.sh): boot
# the RAM image the Xen path wrote into a shim domain under QEMU, with the
# BIOS variant of xen-kboot's firmware, which enters the kernel through the
# same handoff block at 0x1000 as the ELF variant on Xen.
#
#   xen_ram_boot RAM-FILE BYTES OUTPUT   QEMU's status; the guest's serial
#                                        output in OUTPUT
xen_ram_boot() {
	timeout 180 qemu-system-x86_64 \
		-machine pc,accel=tcg,memory-backend=kboot-ram \
		-object memory-backend-file,id=kboot-ram,mem-path="$1",size="$2",share=on \
		-m "$(($2 / 1048576))M" -bios "$KBOOT_TOP_BUILDDIR/firmware/xen-kboot-fw.bin" -smp 1 \
		-nodefaults -nographic -no-reboot -serial stdio -display none \
		< /dev/null > "$3" 2>&1
}
