/* Architectural x86 constants the firmware (and its tests) use, named as
 * in the Intel SDM and the 16550 UART datasheet.  The boot-protocol values
 * live in src/kboot_image_proto.h and src/kboot_image_handoff.h.  Included by
 * assembly and by C, so it holds only #defines. */
#ifndef KBOOT_FW_X86_H
#define KBOOT_FW_X86_H

/* CR0 (SDM vol. 3, 2.5) */
#define X86_CR0_PE          0x00000001  /* protection enable */
#define X86_CR0_ET          0x00000010  /* extension type, hard-wired 1 */
#define X86_CR0_NW          0x20000000  /* not write-through */
#define X86_CR0_CD          0x40000000  /* cache disable */
#define X86_CR0_PG          0x80000000  /* paging */

/* CR4 (SDM vol. 3, 2.5) */
#define X86_CR4_PAE         0x00000020  /* physical address extension */

/* IA32_EFER (SDM vol. 3, 2.2.1) */
#define X86_MSR_EFER        0xc0000080
#define X86_EFER_LME        0x00000100  /* long mode enable */

/* EFLAGS (SDM vol. 1, 3.4.3) */
#define X86_EFLAGS_FIXED    0x00000002  /* bit 1 always reads as 1 */
#define X86_EFLAGS_IF       0x00000200
#define X86_EFLAGS_DF       0x00000400

/* CPUID (SDM vol. 2A, "CPUID"): the leaves and bits a 64-bit kernel's
 * arch/x86/kernel/verify_cpu.S insists on before anything else. */
#define X86_CPUID_FEATURES      0x00000001  /* leaf 1 */
#define X86_CPUID_EXT_MAX       0x80000000  /* EAX: highest extended leaf */
#define X86_CPUID_EXT_FEATURES  0x80000001
#define X86_CPUID_1_EDX_PAE     0x00000040  /* leaf 1 EDX bit 6 */
#define X86_CPUID_EXT_EDX_LM    0x20000000  /* leaf 0x80000001 EDX bit 29 */

/* Flat 4 GiB segment descriptors (SDM vol. 3, 3.4.5): base 0, limit
 * 0xfffff in 4 KiB units (G=1), 32-bit (D/B=1), present, DPL 0.  The
 * accessed bit is preset so that loading a selector never makes the CPU
 * write the descriptor back: the BIOS variant's GDT is in ROM. */
#define X86_GDT_CODE32_FLAT 0x00cf9b000000ffff  /* execute/read, accessed */
#define X86_GDT_DATA32_FLAT 0x00cf93000000ffff  /* read/write, accessed */
/* The 64-bit code segment of long mode: L=1, D/B=0, otherwise the same. */
#define X86_GDT_CODE64_FLAT 0x00af9b000000ffff  /* execute/read, accessed */

/* 16550 UART registers, offsets from the base port */
#define UART_THR            0   /* transmit holding (DLAB=0) */
#define UART_DLL            0   /* divisor latch low (DLAB=1) */
#define UART_IER            1   /* interrupt enable (DLAB=0) */
#define UART_DLM            1   /* divisor latch high (DLAB=1) */
#define UART_FCR            2   /* FIFO control */
#define UART_LCR            3   /* line control */
#define UART_MCR            4   /* modem control */
#define UART_LSR            5   /* line status */

#define UART_LCR_8N1        0x03
#define UART_LCR_DLAB       0x80
#define UART_FCR_ENABLE_CLEAR 0x07  /* enable FIFOs, clear both */
#define UART_MCR_DTR_RTS    0x03
#define UART_LSR_THRE       0x20  /* transmit holding register empty */
#define UART_CLOCK_DIVISOR_115200 1  /* 1.8432 MHz / 16 / 115200 */

/* PCI configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2) */
#define X86_PCI_CONFIG_ADDRESS  0xcf8
#define X86_PCI_CONFIG_DATA     0xcfc
#define X86_PCI_CONFIG_ENABLE   0x80000000
/* Type 0 configuration header registers (PCI Local Bus spec 3.0, 6.1) */
#define X86_PCI_HEADER_TYPE     0x0e
#define X86_PCI_HEADER_MULTI    0x80    /* bit 7: a multi-function device */
#define X86_PCI_INTERRUPT_LINE  0x3c
#define X86_PCI_INTERRUPT_PIN   0x3d    /* 1..4 = INTA..INTD, 0 = none */

/* The 8259s' edge/level control registers (PIIX3 datasheet, ELCR1/2):
 * bit n set = IRQ n level-triggered. */
#define X86_ELCR1_PORT      0x4d0   /* IRQs 0-7 */
#define X86_ELCR2_PORT      0x4d1   /* IRQs 8-15 */

#endif /* KBOOT_FW_X86_H */
