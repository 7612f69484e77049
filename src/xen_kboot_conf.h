/* libvirt domain XML -> domain definition.
 *
 * The definition holds what direct kernel boot of a Xen guest needs, in
 * libvirt's vocabulary; this module knows nothing of libxl or xl.cfg
 * (xen_kboot_conf_xl.c and xen_kboot_conf_libxl.c translate).  Parsing never stops at
 * the first problem: every problem becomes one GError in a list, with the
 * file, line, element, value and requirement in its message. */
#ifndef XEN_KBOOT_CONF_H
#define XEN_KBOOT_CONF_H

#include <stdarg.h>

#include <glib.h>
#include <libxml/tree.h>

#include "kboot_image.h"

G_BEGIN_DECLS

/* Our namespace for <metadata>: <kboot:boot xmlns:kboot="..." mode="..."/>. */
#define XEN_KBOOT_CONF_NAMESPACE "urn:xen-kboot:domain:1"

typedef enum {
  XEN_KBOOT_CONF_ERROR_NOT_DOMAIN,          /* root is not <domain> */
  XEN_KBOOT_CONF_ERROR_INVALID_VALUE,       /* a value the XML cannot hold */
  XEN_KBOOT_CONF_ERROR_MISSING,             /* a required element is absent */
  XEN_KBOOT_CONF_ERROR_INITRD_WITHOUT_KERNEL,
  XEN_KBOOT_CONF_ERROR_CMDLINE_WITHOUT_KERNEL,
  XEN_KBOOT_CONF_ERROR_RELATIVE_PATH,
  XEN_KBOOT_CONF_ERROR_MEMORY_TOO_SMALL,
  XEN_KBOOT_CONF_ERROR_CURRENT_MEMORY_ABOVE_MEMORY,
  XEN_KBOOT_CONF_ERROR_VCPU_CURRENT_ABOVE_MAX,
  XEN_KBOOT_CONF_ERROR_DTB_ON_X86,
  XEN_KBOOT_CONF_ERROR_UNKNOWN_BOOT_DEV,
  XEN_KBOOT_CONF_ERROR_DUPLICATE_DEVICE,
  XEN_KBOOT_CONF_ERROR_NO_KERNEL,           /* direct boot without <kernel> */
  XEN_KBOOT_CONF_ERROR_KERNEL,              /* kernel refused by the probe */
  XEN_KBOOT_CONF_ERROR_INITRD,              /* initrd cannot be read */
  XEN_KBOOT_CONF_ERROR_CMDLINE_TOO_LONG,    /* longer than cmdline_size */
  XEN_KBOOT_CONF_ERROR_KERNEL_NEEDS_PAE,    /* 64-bit kernel, no <pae/> */
  XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT,  /* mode='device-model' with
                                             * xen-kboot-dm as <emulator> */
  XEN_KBOOT_CONF_ERROR_UNSUPPORTED,         /* libvirt's libxl driver refuses it */
  XEN_KBOOT_CONF_ERROR_NOT_IN_DIRECT_MODE,  /* only hvmloader or QEMU can give it */
  XEN_KBOOT_CONF_ERROR_NO_SUCH_SOUND_CARD,  /* a <sound model=> libxl has not */
} XenKbootConfError;

#define XEN_KBOOT_CONF_ERROR (xen_kboot_conf_error_quark ())
GQuark xen_kboot_conf_error_quark (void);

/* Enums mirror libvirt's; each has a string table (the XML spelling). */
typedef enum {
  XEN_KBOOT_OS_TYPE_HVM,          /* <type>hvm</type> */
  XEN_KBOOT_OS_TYPE_XEN,          /* <type>xen</type> or linux: PV */
  XEN_KBOOT_OS_TYPE_XENPVH,       /* <type>xenpvh</type> */
  XEN_KBOOT_OS_TYPE_LAST
} XenKbootOsType;

typedef enum {
  XEN_KBOOT_BOOT_DEV_HD,
  XEN_KBOOT_BOOT_DEV_FD,
  XEN_KBOOT_BOOT_DEV_CDROM,
  XEN_KBOOT_BOOT_DEV_NETWORK,
  XEN_KBOOT_BOOT_DEV_LAST
} XenKbootBootDev;

typedef enum {
  XEN_KBOOT_BOOT_MODE_DIRECT,       /* our loader and firmware (default) */
  XEN_KBOOT_BOOT_MODE_DEVICE_MODEL, /* kernel handed to QEMU, as libvirt does */
  XEN_KBOOT_BOOT_MODE_LAST
} XenKbootBootMode;

/* <kboot:boot path=>, and create's and preview's --boot-path: in direct
 * mode, what the loader puts in guest memory (issue 15). */
typedef enum {
  XEN_KBOOT_BOOT_PATH_DIRECT,       /* the bzImage, which decompresses
                                     * itself in the guest (default) */
  XEN_KBOOT_BOOT_PATH_FAST,         /* the kernel proper, decompressed on
                                     * the host (and cached) */
  XEN_KBOOT_BOOT_PATH_LAST
} XenKbootBootPath;

typedef enum {
  XEN_KBOOT_LIFECYCLE_DESTROY,
  XEN_KBOOT_LIFECYCLE_RESTART,
  XEN_KBOOT_LIFECYCLE_PRESERVE,
  XEN_KBOOT_LIFECYCLE_RENAME_RESTART,
  XEN_KBOOT_LIFECYCLE_COREDUMP_DESTROY,
  XEN_KBOOT_LIFECYCLE_COREDUMP_RESTART,
  XEN_KBOOT_LIFECYCLE_LAST
} XenKbootLifecycleAction;

typedef enum {
  XEN_KBOOT_CLOCK_UTC,
  XEN_KBOOT_CLOCK_LOCALTIME,
  XEN_KBOOT_CLOCK_VARIABLE,
  XEN_KBOOT_CLOCK_LAST
} XenKbootClockOffset;

typedef enum {
  XEN_KBOOT_DISK_TYPE_FILE,
  XEN_KBOOT_DISK_TYPE_BLOCK,
  XEN_KBOOT_DISK_TYPE_NETWORK,    /* <source protocol='rbd'>: qdisk opens it */
  XEN_KBOOT_DISK_TYPE_LAST
} XenKbootDiskType;

typedef enum {
  XEN_KBOOT_DISK_DEVICE_DISK,
  XEN_KBOOT_DISK_DEVICE_CDROM,
  XEN_KBOOT_DISK_DEVICE_LAST
} XenKbootDiskDevice;

typedef enum {
  XEN_KBOOT_DISK_BUS_DEFAULT,     /* no bus= */
  XEN_KBOOT_DISK_BUS_IDE,
  XEN_KBOOT_DISK_BUS_SCSI,
  XEN_KBOOT_DISK_BUS_XEN,
  XEN_KBOOT_DISK_BUS_SATA,
  XEN_KBOOT_DISK_BUS_LAST
} XenKbootDiskBus;

typedef enum {
  XEN_KBOOT_NET_TYPE_BRIDGE,
  XEN_KBOOT_NET_TYPE_ETHERNET,
  XEN_KBOOT_NET_TYPE_NETWORK,     /* a libvirt network: its bridge comes
                                   * from libvirt (xen_kboot_native_check) */
  XEN_KBOOT_NET_TYPE_LAST
} XenKbootNetType;

typedef enum {
  XEN_KBOOT_GRAPHICS_VNC,
  XEN_KBOOT_GRAPHICS_SPICE,
  XEN_KBOOT_GRAPHICS_SDL,
  XEN_KBOOT_GRAPHICS_LAST
} XenKbootGraphicsType;

typedef enum {
  XEN_KBOOT_CHR_PTY,
  XEN_KBOOT_CHR_NULL,
  XEN_KBOOT_CHR_VC,
  XEN_KBOOT_CHR_STDIO,
  XEN_KBOOT_CHR_FILE,
  XEN_KBOOT_CHR_DEV,
  XEN_KBOOT_CHR_PIPE,
  XEN_KBOOT_CHR_TCP,
  XEN_KBOOT_CHR_UDP,
  XEN_KBOOT_CHR_UNIX,
  XEN_KBOOT_CHR_LAST
} XenKbootChrType;

typedef enum {
  XEN_KBOOT_VIDEO_DEFAULT,        /* no <video> */
  XEN_KBOOT_VIDEO_CIRRUS,
  XEN_KBOOT_VIDEO_VGA,
  XEN_KBOOT_VIDEO_XEN,
  XEN_KBOOT_VIDEO_QXL,
  XEN_KBOOT_VIDEO_NONE,
  XEN_KBOOT_VIDEO_LAST
} XenKbootVideoModel;

/* <sound model=>: libvirt's models (virDomainSoundModel), in its order. */
typedef enum {
  XEN_KBOOT_SOUND_SB16,
  XEN_KBOOT_SOUND_ES1370,
  XEN_KBOOT_SOUND_PCSPK,
  XEN_KBOOT_SOUND_AC97,
  XEN_KBOOT_SOUND_ICH6,
  XEN_KBOOT_SOUND_ICH9,
  XEN_KBOOT_SOUND_USB,
  XEN_KBOOT_SOUND_ICH7,
  XEN_KBOOT_SOUND_VIRTIO,
  XEN_KBOOT_SOUND_LAST
} XenKbootSoundModel;

typedef enum {
  XEN_KBOOT_INPUT_MOUSE,
  XEN_KBOOT_INPUT_TABLET,
  XEN_KBOOT_INPUT_KEYBOARD,
  XEN_KBOOT_INPUT_LAST
} XenKbootInputType;

typedef enum {
  XEN_KBOOT_INPUT_BUS_DEFAULT,
  XEN_KBOOT_INPUT_BUS_PS2,
  XEN_KBOOT_INPUT_BUS_USB,
  XEN_KBOOT_INPUT_BUS_XEN,
  XEN_KBOOT_INPUT_BUS_LAST
} XenKbootInputBus;

/* <os firmware=>: libvirt's firmware autoselection. */
typedef enum {
  XEN_KBOOT_OS_FIRMWARE_NONE,     /* not given */
  XEN_KBOOT_OS_FIRMWARE_BIOS,
  XEN_KBOOT_OS_FIRMWARE_EFI,
  XEN_KBOOT_OS_FIRMWARE_LAST
} XenKbootOsFirmware;

/* <loader type=>. */
typedef enum {
  XEN_KBOOT_LOADER_TYPE_NONE,     /* not given */
  XEN_KBOOT_LOADER_TYPE_ROM,
  XEN_KBOOT_LOADER_TYPE_PFLASH,
  XEN_KBOOT_LOADER_TYPE_LAST
} XenKbootLoaderType;

const char *xen_kboot_os_type_to_string (XenKbootOsType value);
const char *xen_kboot_boot_mode_to_string (XenKbootBootMode value);
const char *xen_kboot_boot_path_to_string (XenKbootBootPath value);
/* "direct" or "fast"; FALSE for anything else. */
gboolean xen_kboot_boot_path_from_string (const char *string,
                                          XenKbootBootPath *value);
const char *xen_kboot_lifecycle_action_to_string (XenKbootLifecycleAction value);
const char *xen_kboot_chr_type_to_string (XenKbootChrType value);
const char *xen_kboot_video_model_to_string (XenKbootVideoModel value);
const char *xen_kboot_input_type_to_string (XenKbootInputType value);
const char *xen_kboot_sound_model_to_string (XenKbootSoundModel value);
/* "direct" or "device-model"; FALSE for anything else. */
gboolean xen_kboot_boot_mode_from_string (const char *string,
                                          XenKbootBootMode *value);

/* Where an element was in the document, for messages. */
typedef struct {
  int line;
} XenKbootLoc;

/* A <host name= port=> of a network disk's <source>: a Ceph monitor. */
typedef struct {
  char *name;
  guint port;                   /* 0: none given (Ceph's default) */
} XenKbootDiskHost;

typedef struct {
  XenKbootDiskType type;
  XenKbootDiskDevice device;
  char *driver_name;            /* <driver name=>: qemu, phy, tap, ... */
  char *format;                 /* <driver type=>: raw, qcow2, ... */
  char *source;                 /* file= or dev=; NULL: empty cdrom */
  /* type='network' (rbd only: the parser refuses the other protocols):
   * <source name='POOL/IMAGE'> split as libvirt does (virStorageSource
   * volume and path), and its monitors. */
  char *rbd_pool, *rbd_image;
  GPtrArray *hosts;             /* XenKbootDiskHost*; NULL unless network */
  char *target_dev;             /* hda, xvda, ... */
  XenKbootDiskBus bus;
  gboolean readonly;
  XenKbootLoc loc;
} XenKbootDiskDef;

typedef struct {
  XenKbootNetType type;
  char *mac;                    /* NULL: generated by the toolstack */
  char *bridge;                 /* <source bridge=>: type='bridge', or the
                                 * bridge a running domain's network got;
                                 * or set from libvirt (--connect) */
  char *network;                /* <source network=> of type='network' */
  char *script;
  char *model;
  char *ifname;                 /* <target dev=> */
  XenKbootLoc loc;
} XenKbootNetDef;

typedef struct {
  XenKbootGraphicsType type;
  int port;                     /* -1: pick one */
  gboolean autoport;
  char *listen;                 /* listen= or <listen type='address'> */
  char *passwd;
  char *keymap;
  char *display;                /* sdl: display= (the X display) */
  char *xauth;                  /* sdl: xauth= (its .Xauthority file) */
  gboolean opengl;              /* sdl: <gl enable='yes'/> */
  XenKbootLoc loc;
} XenKbootGraphicsDef;

typedef struct {
  gboolean console;             /* <console> rather than <serial> */
  XenKbootChrType type;
  char *path;                   /* file, dev, pipe and unix types */
  /* tcp: <source host= service=>; udp: the connect-mode source's (the
   * peer), and the bind-mode source's in bind_host, bind_service. */
  char *host, *service;
  char *bind_host, *bind_service;
  gboolean listen;              /* tcp, unix: <source mode='bind'> */
  gboolean telnet;              /* tcp: <protocol type='telnet'/> */
  int port;                     /* <target port=>, -1 when absent */
  char *target_type;            /* serial, isa-serial, xen */
  XenKbootLoc loc;
} XenKbootChrDef;

typedef struct {
  XenKbootInputType type;
  XenKbootInputBus bus;
  XenKbootLoc loc;
} XenKbootInputDef;

/* <hostdev mode='subsystem' type='pci'>: a host PCI function passed
 * through, at <source><address domain= bus= slot= function=>. */
typedef struct {
  guint domain, bus, slot, function;
  gboolean permissive;          /* <source writeFiltering='no'> */
  /* An <interface type='hostdev'> (an SR-IOV VF, which libvirt's libxl
   * driver passes through as a <hostdev>) rather than a <hostdev>; its
   * <mac address=>, NULL when none. */
  gboolean interface;
  char *mac;
  XenKbootLoc loc;
} XenKbootHostdevDef;

void xen_kboot_hostdev_def_free (XenKbootHostdevDef *hostdev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootHostdevDef, xen_kboot_hostdev_def_free)

/* An element xen-kboot does not use: kept, and reported once. */
typedef struct {
  char *path;                   /* "/domain/devices/controller" */
  int line;
} XenKbootIgnored;

typedef struct {
  char *file;                   /* the name messages use */
  char *virt_type;              /* <domain type=> */
  char *name;
  char *uuid;                   /* as written, NULL when absent */
  guint64 memory_kib;           /* <memory>, rounded up to KiB */
  gboolean has_memory;          /* <memory> was read */
  guint64 current_memory_kib;   /* <currentMemory>, or memory_kib */
  gboolean has_current_memory;
  guint max_vcpus;              /* <vcpu>, default 1 */
  guint vcpus;                  /* current= or max_vcpus */
  XenKbootLoc memory_loc, current_memory_loc, vcpu_loc;

  struct {
    XenKbootOsType type;
    char *arch;                 /* NULL when absent */
    char *machine;
    char *loader;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    XenKbootBootDev boot[XEN_KBOOT_BOOT_DEV_LAST];
    guint n_boot;
    XenKbootLoc loc, type_loc, kernel_loc, initrd_loc, cmdline_loc, dtb_loc, loader_loc;
    /* UEFI, in each of libvirt's shapes: <os firmware='efi'>, a pflash
     * <loader> (virDomainDefHasOldStyleUEFI), and secure boot asked for by
     * <firmware><feature name='secure-boot' enabled='yes'/> or <loader
     * secure='yes'>; see xen_kboot_domain_def_uefi(). */
    XenKbootOsFirmware firmware;
    XenKbootLoaderType loader_type;
    gboolean secure_boot;
    XenKbootLoc secure_boot_loc;
  } os;

  /* <kboot:boot mode=>, as written: which path the domain boots by is
   * xen_kboot_native_boot_mode()'s to say, with <emulator>. */
  XenKbootBootMode boot_mode;
  gboolean boot_mode_set;       /* <kboot:boot mode=> given */
  XenKbootLoc boot_mode_loc;
  XenKbootBootPath boot_path;   /* <kboot:boot path=>, default direct */
  gboolean boot_path_set;

  gboolean acpi, apic, pae;
  XenKbootClockOffset clock_offset;
  gint64 clock_adjustment;      /* variable: seconds */
  gboolean clock_basis_localtime;
  XenKbootLifecycleAction on_poweroff, on_reboot, on_crash;

  char *emulator;
  XenKbootLoc emulator_loc;
  GPtrArray *disks;             /* XenKbootDiskDef* */
  GPtrArray *nets;              /* XenKbootNetDef* */
  GPtrArray *graphics;          /* XenKbootGraphicsDef* */
  GPtrArray *chrs;              /* XenKbootChrDef*: serials then consoles */
  GPtrArray *inputs;            /* XenKbootInputDef* */
  GPtrArray *hostdevs;          /* XenKbootHostdevDef*: PCI only, with
                                 * the <interface type='hostdev'>s */
  XenKbootVideoModel video;
  guint64 video_vram_kib;       /* 0: default */
  XenKbootLoc video_loc;
  /* The first <sound>, as libvirt's libxl driver takes it (a further one
   * is ignored, reported); sound_loc.line 0: none. */
  XenKbootSoundModel sound;
  XenKbootLoc sound_loc;

  GPtrArray *ignored;           /* XenKbootIgnored*, in document order */
} XenKbootDomainDef;

void xen_kboot_domain_def_free (XenKbootDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootDomainDef, xen_kboot_domain_def_free)

/* Convert libvirt's "VALUE with UNIT" to bytes (virScaleInteger): units b,
 * byte(s), k/KiB, KB (1000), M/MiB, MB, G/GiB, GB, T/TiB, TB, P, E; case is
 * ignored; no unit means KiB.  FALSE on overflow or an unknown unit. */
gboolean xen_kboot_conf_scale_to_bytes (guint64 value, const char *unit,
                                        guint64 *bytes);

/* A <memory> or <currentMemory>: the decimal @text (blanks around it
 * allowed) in @unit (xen_kboot_conf_scale_to_bytes), as libvirt keeps it:
 * in KiB, rounded up.  FALSE with the reason (XEN_KBOOT_CONF_ERROR_INVALID_
 * VALUE, the value and unit quoted) when it is not a size. */
gboolean xen_kboot_conf_memory_kib (const char *text, const char *unit,
                                    guint64 *kib, GError **error);

/* libvirt's rule for the single elements of <os> (string(./os/NAME[1])):
 * the first element @name among the children of every <os> of the domain
 * @root, in document order; NULL when there is none.  The parser and the
 * hook read <type>, <kernel>, <initrd> and <cmdline> through it, so that a
 * duplicate means the same to validate, the hook and libvirt. */
const xmlNode *xen_kboot_conf_os_child (const xmlNode *root, const char *name);

/* @node (an element) as messages name it: "<NAME>", "<P:NAME>", and when
 * it has a namespace, " in the namespace 'URI'" after it (libvirt's
 * elements have none: "<domain>, not <domain>" said nothing). */
char *xen_kboot_conf_element_describe (const xmlNode *node);

/* "the root element is <E>, not <domain>", with " without a namespace"
 * when <E> is a <domain> in one; "" for a missing root. */
char *xen_kboot_conf_root_mismatch (const xmlNode *root);

/* The domain schema compiled into the program (docs/schema.rng). */
const char *xen_kboot_conf_schema (gsize *length);

/* Parse a document already checked against the schema (or not: the parser
 * does not trust it).  Every problem is appended to @problems (GError*);
 * returns NULL only when the root is not <domain>. */
XenKbootDomainDef *xen_kboot_domain_def_parse (xmlDoc *doc, const char *file,
                                               GPtrArray *problems);

/* The semantic rules (xen_kboot_conf_validate.c): initrd/cmdline without
 * kernel, relative paths, memory below @min_memory_kib, currentMemory above
 * memory, <dtb> on x86, unknown boot dev, duplicate device names.  Appends
 * to @problems; TRUE when none was found. */
gboolean xen_kboot_domain_def_validate (const XenKbootDomainDef *def,
                                        guint64 min_memory_kib,
                                        GPtrArray *problems);

/* Whether <type arch=> @arch (NULL when absent) is x86: x86_64, i686, or
 * not given (libvirt's default for a Xen HVM guest is the host's). */
gboolean xen_kboot_conf_arch_is_x86 (const char *arch);

/* The smallest <memory> the loader accepts: the kernel goes at 2 MiB and
 * needs room to decompress, with the initrd and boot data above it.  The
 * layout planner makes the exact check for a given kernel and initrd. */
#define XEN_KBOOT_CONF_MIN_MEMORY_KIB (32 * 1024)

/* The rules that tie the kernel to the rest of the domain, from the
 * probe's facts alone (pure; every command that boots or checks a domain
 * applies them, through the driver's admission, xen_kboot_boot_admit):
 *   - a 64-bit kernel (protocol 2.12+, xloadflags XLF_KERNEL_64) in a Xen
 *     HVM domain needs <features><pae/>: without it libxl sets pae=0 and
 *     Xen hides PAE, long mode and NX from the guest's CPUID, so the
 *     kernel halts in verify_cpu and Xen powers the domain off, silently.
 * A domain of another type, or not HVM, passes.  On a refusal @error
 * (XEN_KBOOT_CONF_ERROR) reads "FILE:LINE: <kernel>: PATH: reason" (no
 * ":LINE" when the kernel's line is not known). */
gboolean xen_kboot_domain_def_check_kernel (const XenKbootDomainDef *def,
                                            const KbootImage *image,
                                            GError **error);

/* Whether @def boots through UEFI (OVMF): <os firmware='efi'> or a
 * pflash <loader>, as libvirt's libxl driver decides (libxl_conf.c); the
 * element that says so in *@element and its line in *@line (either may be
 * NULL). */
gboolean xen_kboot_domain_def_uefi (const XenKbootDomainDef *def,
                                    const char **element, int *line);

/* The rules that depend on the boot mode, appended to @problems (TRUE when
 * none was found): in direct mode, UEFI (the loader enters the kernel
 * without any firmware: XEN_KBOOT_CONF_ERROR_NOT_IN_DIRECT_MODE at the
 * element that asks for it) and PCI passthrough (<hostdev>: the direct
 * boot's firmware does none of hvmloader's set-up for it).  Every command
 * that converts or boots a domain applies them with the mode it uses. */
gboolean xen_kboot_domain_def_check_mode (const XenKbootDomainDef *def,
                                          XenKbootBootMode mode,
                                          GPtrArray *problems);

/* What the domain gets that it may not expect, for booting it in @mode:
 * <vcpu> above 1 in direct mode without <acpi/> (the loader then builds
 * no ACPI tables, and never MP tables, so the kernel finds vCPU 0 only);
 * in device-model mode, an <interface type='hostdev'>'s <mac>, which
 * xen-kboot does not set on the VF as libvirt does.  One line each, naming the
 * file; an empty vector when there is nothing to say. */
GStrv xen_kboot_domain_def_warnings (const XenKbootDomainDef *def,
                                     XenKbootBootMode mode);

/* Everything in one step, the way every command starts: read @path
 * ("-" = stdin), check the schema, parse, apply the semantic rules.
 * Returns NULL and appends every problem to @problems. */
XenKbootDomainDef *xen_kboot_domain_def_load (const char *path,
                                              guint64 min_memory_kib,
                                              GPtrArray *problems);
/* The same from a buffer (for XML read from libvirt). */
XenKbootDomainDef *xen_kboot_domain_def_load_buffer (const char *xml, gsize len,
                                                     const char *name,
                                                     guint64 min_memory_kib,
                                                     GPtrArray *problems);

/* For "validate": like the two above (@xml NULL: read the file @path;
 * else parse @len bytes of @xml named @path), but the definition is
 * returned whenever the document has a <domain> root, even with problems,
 * so that the files it names can be checked too. */
XenKbootDomainDef *xen_kboot_domain_def_load_all (const char *path,
                                                  const char *xml, gsize len,
                                                  guint64 min_memory_kib,
                                                  GPtrArray *problems);

/* "FILE:LINE", or "FILE" where the line is not known (0: the hook reads
 * libvirt's XML without line numbers): where a warning points. */
char *xen_kboot_conf_where (const XenKbootDomainDef *def, int line);

/* "NAME: ignored by xen-kboot: /domain/pm (line 16), /domain/devices/
 * controller (lines 24, 25)", or NULL when nothing was ignored. */
char *xen_kboot_domain_def_ignored_summary (const XenKbootDomainDef *def);

/* Join the messages of @problems, one per line, into one GError (the
 * domain and code of the first); for callers that want a single error. */
void xen_kboot_conf_problems_to_error (GPtrArray *problems, GError **error);

/* A new problem list (owns its GErrors). */
GPtrArray *xen_kboot_conf_problems_new (void);

/* How every problem with a domain definition is worded, by the parser, the
 * rules and the checks of the files it names: "FILE:LINE: <ELEMENT>:
 * message" (XEN_KBOOT_CONF_ERROR, @code), without ":LINE" when @line is
 * not known (0: the hook reads libvirt's XML without line numbers).
 * _add appends the problem to @problems. */
GError *xen_kboot_conf_problem_new (XenKbootConfError code,
                                    const XenKbootDomainDef *def, int line,
                                    const char *element, const char *format, ...)
  G_GNUC_PRINTF (5, 6);
GError *xen_kboot_conf_problem_new_valist (XenKbootConfError code,
                                           const XenKbootDomainDef *def, int line,
                                           const char *element,
                                           const char *format, va_list args)
  G_GNUC_PRINTF (5, 0);
void xen_kboot_conf_problem_add (GPtrArray *problems, XenKbootConfError code,
                                 const XenKbootDomainDef *def, int line,
                                 const char *element, const char *format, ...)
  G_GNUC_PRINTF (6, 7);

G_END_DECLS

#endif /* XEN_KBOOT_CONF_H */
