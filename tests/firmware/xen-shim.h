/* What the Xen-entry shim (xen-shim.S) and the boot test agree on.
 * #defines only: included by assembly and C. */
#ifndef KBOOT_TEST_XEN_SHIM_H
#define KBOOT_TEST_XEN_SHIM_H

/* The test writes the ELF's e_entry and the EBX to enter with here, in
 * page 0 above the BIOS data area: the place a real BIOS would leave
 * free. */
#define XEN_SHIM_MAILBOX_ENTRY  0x500
#define XEN_SHIM_MAILBOX_EBX    0x504

/* The EBX the test passes, standing for Xen's hvm_start_info address:
 * the firmware must not hand it on. */
#define XEN_SHIM_START_INFO     0x00fee000

/* The shim's own selectors: not the boot protocol's, so that firmware
 * relying on them instead of loading its own GDT fails. */
#define XEN_SHIM_CS             0x08
#define XEN_SHIM_DS             0x10

#endif /* KBOOT_TEST_XEN_SHIM_H */
