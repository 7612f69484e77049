/* Console output for the firmware: COM1 (16550, 115200 8N1) and the debug
 * port 0xe9 (Xen's HVM debug port; QEMU's isa-debugcon when mapped there).
 *
 * No writable data and no interrupts: safe to run from ROM.  Calling
 * convention: arguments in registers, every register but those named
 * preserved, a few words of stack. */
#include "kboot_image_handoff.h"
#include "x86.h"

/* Give up waiting for the UART after this many polls: a guest with no
 * COM1 behind port 0x3f8 still reaches the debug port and halts. */
#define UART_POLL_LIMIT 100000

	.code32
	.text

/* console_init: program COM1 for 115200 8N1, FIFOs on, no interrupts. */
	.globl	console_init
console_init:
	pushl	%eax
	pushl	%edx
	movw	$KBOOT_COM1_PORT + UART_IER, %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_LCR, %dx
	movb	$UART_LCR_DLAB, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_DLL, %dx
	movb	$UART_CLOCK_DIVISOR_115200, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_DLM, %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_LCR, %dx
	movb	$UART_LCR_8N1, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_FCR, %dx
	movb	$UART_FCR_ENABLE_CLEAR, %al
	outb	%al, %dx
	movw	$KBOOT_COM1_PORT + UART_MCR, %dx
	movb	$UART_MCR_DTR_RTS, %al
	outb	%al, %dx
	popl	%edx
	popl	%eax
	ret

/* console_putc: write the byte in %al to the debug port and to COM1. */
	.globl	console_putc
console_putc:
	pushl	%ecx
	pushl	%edx
	outb	%al, $KBOOT_DEBUG_PORT
	movb	%al, %ah
	movl	$UART_POLL_LIMIT, %ecx
	movw	$KBOOT_COM1_PORT + UART_LSR, %dx
1:	inb	%dx, %al
	testb	$UART_LSR_THRE, %al
	jnz	2f
	pause
	loop	1b
2:	movb	%ah, %al
	movw	$KBOOT_COM1_PORT + UART_THR, %dx
	outb	%al, %dx
	popl	%edx
	popl	%ecx
	ret

/* console_puts: write the NUL-terminated string at %esi. */
	.globl	console_puts
console_puts:
	pushl	%eax
	pushl	%esi
1:	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	call	console_putc
	incl	%esi
	jmp	1b
2:	popl	%esi
	popl	%eax
	ret

/* console_puthex: write %eax as "0x" and eight lower-case hex digits. */
	.globl	console_puthex
console_puthex:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	movl	%eax, %edx
	movb	$'0', %al
	call	console_putc
	movb	$'x', %al
	call	console_putc
	movl	$8, %ecx
1:	roll	$4, %edx
	movb	%dl, %al
	andb	$0x0f, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	2f
	addb	$'a' - '0' - 10, %al
2:	call	console_putc
	loop	1b
	popl	%edx
	popl	%ecx
	popl	%eax
	ret
