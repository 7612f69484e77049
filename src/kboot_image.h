/* Kernel image probe: the facts of a Linux x86 kernel image and whether it
 * can be direct-booted in a Xen HVM guest at KBOOT_KERNEL_BASE.
 *
 * Pure: every function here takes bytes and returns facts.  Reading files is
 * kboot_image_file.c's business. */
#ifndef KBOOT_IMAGE_H
#define KBOOT_IMAGE_H

#include <glib.h>

G_BEGIN_DECLS

/* Bytes of the file start the probe needs: the largest setup (255 + 1
 * sectors), which also holds the kernel_version string. */
#define KBOOT_IMAGE_HEAD_MAX   (256 * 512)
/* Bytes at the payload offset needed to recognise its format. */
#define KBOOT_IMAGE_PAYLOAD_MAGIC_MAX 16

typedef enum {
  KBOOT_IMAGE_KIND_BZIMAGE,        /* setup header with "HdrS" */
  KBOOT_IMAGE_KIND_OLD_ZIMAGE,     /* boot sector 0xAA55 but no "HdrS" */
  KBOOT_IMAGE_KIND_ELF32,          /* an ELF vmlinux, 32-bit */
  KBOOT_IMAGE_KIND_ELF64,          /* an ELF vmlinux, 64-bit */
  KBOOT_IMAGE_KIND_UNKNOWN,        /* not a Linux kernel */
  KBOOT_IMAGE_KIND_LAST
} KbootImageKind;

typedef enum {
  KBOOT_PAYLOAD_UNKNOWN,           /* no payload fields, or unrecognised */
  KBOOT_PAYLOAD_GZIP,
  KBOOT_PAYLOAD_BZIP2,
  KBOOT_PAYLOAD_LZMA,
  KBOOT_PAYLOAD_XZ,
  KBOOT_PAYLOAD_LZO,
  KBOOT_PAYLOAD_LZ4,
  KBOOT_PAYLOAD_ZSTD,
  KBOOT_PAYLOAD_ELF,               /* uncompressed ELF vmlinux */
  KBOOT_PAYLOAD_LAST
} KbootPayloadFormat;

/* One rule of the direct-boot verdict; each has its own message. */
typedef enum {
  KBOOT_IMAGE_RULE_NOT_LINUX,          /* not a Linux kernel at all */
  KBOOT_IMAGE_RULE_TRUNCATED,          /* the header runs past the file */
  KBOOT_IMAGE_RULE_ELF_VMLINUX,        /* ELF vmlinux: not this boot path */
  KBOOT_IMAGE_RULE_OLD_ZIMAGE,         /* boot sector without "HdrS" */
  KBOOT_IMAGE_RULE_PROTOCOL_TOO_OLD,   /* < 2.05 */
  KBOOT_IMAGE_RULE_NOT_LOADED_HIGH,    /* zImage: loads at 0x10000 */
  KBOOT_IMAGE_RULE_NOT_RELOCATABLE,
  KBOOT_IMAGE_RULE_NO_32BIT_ENTRY,     /* code32_start == 0 */
  KBOOT_IMAGE_RULE_BAD_ALIGNMENT,      /* kernel_alignment not a power of 2 */
  KBOOT_IMAGE_RULE_BAD_MIN_ALIGNMENT,  /* min_alignment out of range */
  KBOOT_IMAGE_RULE_SETUP_PAST_END,     /* protected-mode kernel past EOF */
  KBOOT_IMAGE_RULE_PAYLOAD_PAST_END,   /* payload outside the kernel */
  KBOOT_IMAGE_RULE_NO_PLACEMENT,       /* no legal load address < 4 GiB */
  KBOOT_IMAGE_RULE_SHORT_HEADER,       /* jump says the header ends early */
  KBOOT_IMAGE_RULE_LAST
} KbootImageRule;

typedef struct {
  KbootImageRule rule;
  char *message;                       /* one line, no file name */
} KbootImageProblem;

/* Every field of the setup header (Documentation/arch/x86/boot.rst), each
 * filled only when the image's protocol version defines it; older versions
 * get the documented defaults. */
typedef struct {
  guint8  setup_sects;         /* as in the file (0 means 4) */
  guint16 root_flags;
  guint32 syssize;
  guint16 ram_size;
  guint16 vid_mode;
  guint16 root_dev;
  guint16 boot_flag;
  guint16 jump;
  guint32 header;
  guint16 version;             /* 0x020f for 2.15; 2.14 reads as 2.13 */
  guint16 version_raw;         /* as in the file */
  guint32 realmode_swtch;
  guint16 start_sys_seg;
  guint16 kernel_version;      /* pointer - 0x200, 0 when absent */
  guint8  type_of_loader;
  guint8  loadflags;
  guint16 setup_move_size;
  guint32 code32_start;
  guint32 ramdisk_image;
  guint32 ramdisk_size;
  guint32 bootsect_kludge;
  guint16 heap_end_ptr;        /* 2.01 */
  guint8  ext_loader_ver;      /* 2.02 */
  guint8  ext_loader_type;     /* 2.02 */
  guint32 cmd_line_ptr;        /* 2.02 */
  guint32 initrd_addr_max;     /* 2.03, else 0x37FFFFFF */
  guint32 kernel_alignment;    /* 2.05 */
  guint8  relocatable_kernel;  /* 2.05 */
  guint8  min_alignment;       /* 2.10, log2 */
  guint16 xloadflags;          /* 2.12 */
  guint32 cmdline_size;        /* 2.06, else 255 */
  guint32 hardware_subarch;    /* 2.07 */
  guint64 hardware_subarch_data; /* 2.07 */
  guint32 payload_offset;      /* 2.08 */
  guint32 payload_length;      /* 2.08 */
  guint64 setup_data;          /* 2.09 */
  guint64 pref_address;        /* 2.10 */
  guint32 init_size;           /* 2.10 */
  guint32 handover_offset;     /* 2.11 */
  guint32 kernel_info_offset;  /* 2.15 */
} KbootSetupHeader;

typedef struct {
  KbootImageKind kind;
  guint64 file_size;
  KbootSetupHeader hdr;

  /* A bzImage whose file ends inside its setup header: the bytes the
   * header of its protocol needs (the file has fewer); 0 otherwise.  The
   * derived facts below are then unknown. */
  guint32 header_needed;

  /* Derived facts (bzImage only). */
  guint32 setup_sectors;       /* effective: 0 => 4 */
  guint64 setup_size;          /* (setup_sectors + 1) * 512 */
  guint64 pm_offset;           /* file offset of the protected-mode kernel */
  guint64 pm_size;             /* its length (0 if past end of file) */
  gboolean relocatable;
  guint64 alignment;           /* required load alignment, bytes */
  char *kernel_version_string; /* NULL when absent or unterminated */
  gboolean payload_in_file;    /* payload fields point inside the file */
  guint64 payload_file_offset; /* pm_offset + payload_offset */
  KbootPayloadFormat payload_format;

  /* ELF vmlinux (kind ELF32/ELF64). */
  guint16 elf_machine;
  guint64 elf_entry;

  /* The direct-boot verdict: empty when bootable. */
  GPtrArray *problems;         /* of KbootImageProblem* */
  /* Where the kernel would be loaded and the end of its footprint
   * (max(file end, decompression end)), when bootable. */
  guint64 load_address;
  guint64 footprint_end;
} KbootImage;

KbootImage *kboot_image_probe (const guint8 *head, gsize head_len,
                               guint64 file_size);
gboolean kboot_image_payload_range (const KbootImage *image,
                                    guint64 *offset, gsize *length);
void kboot_image_set_payload_magic (KbootImage *image,
                                    const guint8 *bytes, gsize length);
/* The format whose magic number @bytes start with (the probe's one table;
 * lz4 is either frame format), or KBOOT_PAYLOAD_UNKNOWN. */
KbootPayloadFormat kboot_payload_format_detect (const guint8 *bytes,
                                                gsize length);
void kboot_image_free (KbootImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootImage, kboot_image_free)

gboolean kboot_image_is_bootable (const KbootImage *image);
/* The command-line length rule, stated once (the planner, the loader and
 * so every command apply it): a command line of @len bytes, without its
 * NUL, is no longer than the kernel's cmdline_size. */
gboolean kboot_image_cmdline_fits (const KbootImage *image, guint64 len);
/* The first load address >= @min_address that the image's alignment allows,
 * or FALSE when there is none below 4 GiB. */
gboolean kboot_image_load_address (const KbootImage *image, guint64 min_address,
                                   guint64 *address);
/* The kernel's footprint when loaded at @address, the one statement of
 * the rule (the probe's placement check and the layout planner use it):
 * it decompresses at *@decompress = max(align_up(address,
 * kernel_alignment), pref_address) and owns [address, *@end), *@end =
 * max(address + pm_size, *@decompress + init_size); before protocol 2.10
 * (no init_size) it runs where it is loaded and owns its file's extent.
 * FALSE (KBOOT_IMAGE_RULE_NO_PLACEMENT, naming the sum) past 2^64. */
gboolean kboot_image_footprint (const KbootImage *image, guint64 address,
                                guint64 *decompress, guint64 *end,
                                GError **error);
/* The same, only the end. */
gboolean kboot_image_footprint_end (const KbootImage *image, guint64 address,
                                    guint64 *end);

/* Set @error (domain KBOOT_IMAGE_ERROR, code = the first rule broken) to
 * "PATH: reason; reason..." when the image is not bootable. */
gboolean kboot_image_check_bootable (const KbootImage *image, const char *path,
                                     GError **error);

/* The setup header's fields, in file order, for reports. */
typedef struct {
  const char *name;
  guint16 offset;              /* in the file and in boot_params */
  guint8 width;                /* bytes */
  guint16 since;               /* protocol version that defines it */
} KbootHeaderFieldInfo;
gsize kboot_setup_header_n_fields (void);
const KbootHeaderFieldInfo *kboot_setup_header_field (gsize index);
guint64 kboot_setup_header_get (const KbootSetupHeader *hdr, gsize index);

const char *kboot_image_kind_to_string (KbootImageKind kind);
const char *kboot_payload_format_to_string (KbootPayloadFormat format);
const char *kboot_image_rule_to_string (KbootImageRule rule);
/* "2.15" for 0x020f; @buf holds at least 8 bytes. */
const char *kboot_image_version_string (guint16 version, char *buf, gsize len);

#define KBOOT_IMAGE_ERROR (kboot_image_error_quark ())
GQuark kboot_image_error_quark (void);

G_END_DECLS

#endif /* KBOOT_IMAGE_H */
