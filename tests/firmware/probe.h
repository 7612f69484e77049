/* What the probe kernel (probe.S) and the boot test agree on.  #defines
 * only: included by assembly and C. */
#ifndef KBOOT_TEST_PROBE_H
#define KBOOT_TEST_PROBE_H

/* QEMU's isa-debug-exit, at the port its examples use: writing V makes
 * QEMU exit with status (V << 1) | 1. */
#define PROBE_DEBUG_EXIT_PORT  0xf4
#define PROBE_EXIT_STATUS      1       /* the probe writes 0 */

/* The 64-bit entry's offset in the probe, as in a bzImage's protected-
 * mode code (boot.rst: "the 64-bit entry point ... at 0x200"). */
#define PROBE_ENTRY64_OFFSET   0x200

/* The two values of the A20 check. */
#define PROBE_A20_MINE         0x11111111
#define PROBE_A20_ALIAS        0x22222222

/* What the probe reads back of the platform set-up (typed from the PIIX3
 * and PIIX4 datasheets, not taken from the firmware's headers). */
#define PROBE_PCI_CONFIG_ENABLE 0x80000000
#define PROBE_PM_DEVFN         0x0b    /* 00:01.3 */
#define PROBE_PIIX3_DEVFN      0x08    /* 00:01.0 */
#define PROBE_IDE_DEVFN        0x09    /* 00:01.1 */

#endif /* KBOOT_TEST_PROBE_H */
