/* Linux x86 boot protocol constants (Documentation/arch/x86/boot.rst) and
 * the guest-physical addresses xen-kboot uses.  Included by C and by the
 * firmware's assembly, so it holds only #defines. */
#ifndef KBOOT_IMAGE_PROTO_H
#define KBOOT_IMAGE_PROTO_H

/* ---- The real-mode setup header, file and zero-page offsets -------- */
#define KBOOT_SECTOR_SIZE             512
#define KBOOT_SETUP_SECTS_DEFAULT     4      /* setup_sects == 0 means 4 */

#define KBOOT_HDR_SETUP_SECTS         0x1f1  /* u8  */
#define KBOOT_HDR_ROOT_FLAGS          0x1f2  /* u16 */
#define KBOOT_HDR_SYSSIZE             0x1f4  /* u32, 16-byte units */
#define KBOOT_HDR_RAM_SIZE            0x1f8  /* u16, obsolete */
#define KBOOT_HDR_VID_MODE            0x1fa  /* u16 */
#define KBOOT_HDR_ROOT_DEV            0x1fc  /* u16 */
#define KBOOT_HDR_BOOT_FLAG           0x1fe  /* u16, 0xAA55 */
#define KBOOT_HDR_JUMP                0x200  /* u16, 0xEB xx */
#define KBOOT_HDR_HEADER              0x202  /* u32, "HdrS" */
#define KBOOT_HDR_VERSION             0x206  /* u16 */
#define KBOOT_HDR_REALMODE_SWTCH      0x208  /* u32 */
#define KBOOT_HDR_START_SYS_SEG       0x20c  /* u16, obsolete */
#define KBOOT_HDR_KERNEL_VERSION      0x20e  /* u16, pointer - 0x200 */
#define KBOOT_HDR_TYPE_OF_LOADER      0x210  /* u8  */
#define KBOOT_HDR_LOADFLAGS           0x211  /* u8  */
#define KBOOT_HDR_SETUP_MOVE_SIZE     0x212  /* u16 */
#define KBOOT_HDR_CODE32_START        0x214  /* u32 */
#define KBOOT_HDR_RAMDISK_IMAGE       0x218  /* u32 */
#define KBOOT_HDR_RAMDISK_SIZE        0x21c  /* u32 */
#define KBOOT_HDR_BOOTSECT_KLUDGE     0x220  /* u32, obsolete */
#define KBOOT_HDR_HEAP_END_PTR        0x224  /* u16, 2.01 */
#define KBOOT_HDR_EXT_LOADER_VER      0x226  /* u8,  2.02 */
#define KBOOT_HDR_EXT_LOADER_TYPE     0x227  /* u8,  2.02 */
#define KBOOT_HDR_CMD_LINE_PTR        0x228  /* u32, 2.02 */
#define KBOOT_HDR_INITRD_ADDR_MAX     0x22c  /* u32, 2.03 */
#define KBOOT_HDR_KERNEL_ALIGNMENT    0x230  /* u32, 2.05 */
#define KBOOT_HDR_RELOCATABLE_KERNEL  0x234  /* u8,  2.05 */
#define KBOOT_HDR_MIN_ALIGNMENT       0x235  /* u8,  2.10 */
#define KBOOT_HDR_XLOADFLAGS          0x236  /* u16, 2.12 */
#define KBOOT_HDR_CMDLINE_SIZE        0x238  /* u32, 2.06 */
#define KBOOT_HDR_HARDWARE_SUBARCH    0x23c  /* u32, 2.07 */
#define KBOOT_HDR_HARDWARE_SUBARCH_DATA 0x240 /* u64, 2.07 */
#define KBOOT_HDR_PAYLOAD_OFFSET      0x248  /* u32, 2.08 */
#define KBOOT_HDR_PAYLOAD_LENGTH      0x24c  /* u32, 2.08 */
#define KBOOT_HDR_SETUP_DATA          0x250  /* u64, 2.09 */
#define KBOOT_HDR_PREF_ADDRESS        0x258  /* u64, 2.10 */
#define KBOOT_HDR_INIT_SIZE           0x260  /* u32, 2.10 */
#define KBOOT_HDR_HANDOVER_OFFSET     0x264  /* u32, 2.11 */
#define KBOOT_HDR_KERNEL_INFO_OFFSET  0x268  /* u32, 2.15 */
#define KBOOT_HDR_END                 0x26c  /* first byte past the 2.15 header */

#define KBOOT_BOOT_FLAG_MAGIC         0xAA55
#define KBOOT_HDRS_MAGIC              0x53726448 /* "HdrS" little-endian */

/* loadflags */
#define KBOOT_LOADED_HIGH             0x01
#define KBOOT_KASLR_FLAG              0x02
#define KBOOT_QUIET_FLAG              0x20
#define KBOOT_KEEP_SEGMENTS           0x40
#define KBOOT_CAN_USE_HEAP            0x80

/* xloadflags (2.12) */
#define KBOOT_XLOADFLAGS_SINCE              0x020c /* the version with the field */
#define KBOOT_XLF_KERNEL_64                 0x01
#define KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G    0x02
#define KBOOT_XLF_EFI_HANDOVER_32           0x04
#define KBOOT_XLF_EFI_HANDOVER_64           0x08
#define KBOOT_XLF_EFI_KEXEC                 0x10
#define KBOOT_XLF_5LEVEL                    0x20
#define KBOOT_XLF_5LEVEL_ENABLED            0x40

/* Defaults for versions that predate a field. */
#define KBOOT_INITRD_ADDR_MAX_DEFAULT 0x37FFFFFFu /* before 2.03 */
#define KBOOT_CMDLINE_SIZE_DEFAULT    255u         /* before 2.06 */

/* ---- boot_params (the "zero page"), arch/x86/include/uapi/asm/bootparam.h */
#define KBOOT_BP_SIZE                 0x1000
#define KBOOT_BP_ACPI_RSDP_ADDR       0x070  /* u64, read since protocol 2.14 */
/* The BIOS data area's EBDA segment (u16 at 0x40e): where a kernel that
 * does not read acpi_rsdp_addr searches the first KiB for the RSDP (ACPI
 * 6.4, 5.2.5.1; Linux acpi_find_root_pointer). */
#define KBOOT_BDA_EBDA_SEGMENT        0x40e
#define KBOOT_BP_EXT_RAMDISK_IMAGE    0x0c0  /* u32 */
#define KBOOT_BP_EXT_RAMDISK_SIZE     0x0c4  /* u32 */
#define KBOOT_BP_EXT_CMD_LINE_PTR     0x0c8  /* u32 */
#define KBOOT_BP_E820_ENTRIES         0x1e8  /* u8  */
#define KBOOT_BP_SENTINEL             0x1ef  /* u8  */
#define KBOOT_BP_E820_TABLE           0x2d0  /* 20-byte entries */
#define KBOOT_BP_E820_MAX             128
#define KBOOT_E820_ENTRY_SIZE         20

#define KBOOT_E820_RAM                1
#define KBOOT_E820_RESERVED           2
#define KBOOT_E820_ACPI               3
#define KBOOT_E820_NVS                4
#define KBOOT_E820_UNUSABLE           5

#define KBOOT_TYPE_OF_LOADER_UNDEFINED 0xFF

/* ---- 32-bit entry state ------------------------------------------ */
#define KBOOT_BOOT_CS                 0x10   /* flat 4 GiB code, exec/read */
#define KBOOT_BOOT_DS                 0x18   /* flat 4 GiB data, read/write */

/* ---- Guest-physical addresses ------------------------------------- */
/* The firmware occupies 0x100000 (as hvmloader does); the kernel goes at
 * 0x200000 or the next address its alignment allows (the 2008 Xen design). */
#define KBOOT_FIRMWARE_BASE           0x100000
#define KBOOT_KERNEL_BASE             0x200000

#endif /* KBOOT_IMAGE_PROTO_H */
