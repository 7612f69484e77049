/* Domain definition -> Xen's terms, once, for both native formats.
 *
 * xen_kboot_native_map() decides every Xen-side value of a domain: which
 * serial device sits on which ttyS, each disk's backend, vdev, format and
 * access, each vif, the USB devices, the VGA card, the boot order and, for
 * direct boot, our firmware.  The xl.cfg writer (xen_kboot_conf_xl.c) and the
 * libxl_domain_config builder (xen_kboot_conf_libxl.c) only spell the result,
 * the way libvirt's src/libxl/xen_common.c serves both its xm and xl
 * formats.  Pure: no I/O, no libxl types (the xl writer builds without the
 * Xen libraries), nothing that can fail; what only one format cannot hold
 * (a comma in an xl.cfg device spec, a disk format libxl does not know) is
 * that format's own error. */
#ifndef XEN_KBOOT_CONF_NATIVE_H
#define XEN_KBOOT_CONF_NATIVE_H

#include "xen_kboot_conf.h"

G_BEGIN_DECLS

/* Installed by firmware/ in $(pkglibdir) (KBOOT_FIRMWARE_DIR). */
#define XEN_KBOOT_FIRMWARE_NAME "xen-kboot-fw.elf"

/* The device-model front, installed beside the firmware: named as a
 * domain's <emulator> (libvirt's libxl driver hands it to libxl as the
 * device model) or as xl.cfg's device_model_override, it loads the kernel
 * that libxl passes it (-kernel, -initrd, -append) with xen-kboot's
 * loader, then execs the real qemu-xen without them. */
#define XEN_KBOOT_DM_NAME "xen-kboot-dm"

/* Whether @emulator (a domain's <emulator>, NULL when absent) is
 * xen-kboot-dm.  By its file name, not its whole path: a build tree, a
 * /usr/local install or a copy elsewhere runs the same program, and
 * libvirt passes the path on as written. */
gboolean xen_kboot_native_emulator_is_dm (const char *emulator);

/* The path @def boots by, the rule stated once: its <kboot:boot mode=>
 * when given; else direct when its <emulator> is xen-kboot-dm; else
 * @otherwise.  xen-kboot's own commands boot directly by default;
 * libvirt hands a kernel to qemu-xen's -kernel, so the hook passes
 * device-model. */
XenKbootBootMode xen_kboot_native_boot_mode (const XenKbootDomainDef *def,
                                             XenKbootBootMode otherwise);

/* <kboot:boot mode='device-model'/> beside xen-kboot-dm as <emulator>
 * contradicts itself: whatever the metadata says, libvirt and xl would
 * start xen-kboot-dm, which boots the kernel directly.  FALSE with @error
 * (XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT) at the metadata element. */
gboolean xen_kboot_native_check_boot_mode (const XenKbootDomainDef *def,
                                           GError **error);

/* <kboot:boot path='fast'/> is the loader's: in device-model mode QEMU
 * loads the kernel.  FALSE with @error (XEN_KBOOT_CONF_ERROR_BOOT_MODE_
 * CONFLICT) at the metadata element. */
gboolean xen_kboot_native_check_boot_path (const XenKbootDomainDef *def,
                                           GError **error);

/* The BIOS loader libxl starts every HVM domain with (Xen's
 * $(XENFIRMWAREDIR)/hvmloader): a <loader> of that file name that is not
 * type='pflash' names it, not an OVMF image. */
#define XEN_KBOOT_NATIVE_HVMLOADER_NAME "hvmloader"

/* Who loads the kernel of a direct boot. */
typedef enum {
  XEN_KBOOT_NATIVE_LOADER_DM,      /* xen-kboot-dm, the device model, given
                                    * the kernel as qemu-xen would be: plain
                                    * xl or libxl boots the configuration */
  XEN_KBOOT_NATIVE_LOADER_CREATE,  /* xen-kboot create, before it unpauses
                                    * the domain: our firmware in place of
                                    * hvmloader, no kernel for the toolstack */
} XenKbootNativeLoader;

typedef struct {
  XenKbootBootMode mode;
  XenKbootNativeLoader loader;     /* direct mode */
  const char *device_model;        /* LOADER_DM: xen-kboot-dm's path */
  const char *firmware;            /* LOADER_CREATE: b_info->u.hvm.firmware */
} XenKbootNativeOptions;

/* Defaults for @def: its mode (xen_kboot_native_boot_mode, direct
 * otherwise), loaded by the xen-kboot-dm its <emulator> names, else the
 * installed one; the installed firmware for xen-kboot create.  A caller's --mode, --device-model, --firmware
 * override these. */
void xen_kboot_native_options_init (XenKbootNativeOptions *options,
                                    const XenKbootDomainDef *def);

/* What booting @def as @options say gives it that it may not expect: the
 * mode's warnings (xen_kboot_domain_def_warnings) and, for a direct boot
 * through xen-kboot-dm, an <emulator> naming another binary, which
 * xen-kboot-dm replaces.  One line each; an empty vector when there is
 * nothing to say. */
GStrv xen_kboot_native_warnings (const XenKbootDomainDef *def,
                                 const XenKbootNativeOptions *options);

/* What the conversion needs that validating a domain does not: the
 * bridge of each <interface type='network'>, which only libvirt knows
 * (the caller sets XenKbootNetDef.bridge from libvirt with --connect; a
 * running domain's XML names it in <source bridge=>).  Appends one problem
 * per interface without one, at its line; TRUE when there is none.
 * domxml-to-native and create call it before xen_kboot_xl_format and
 * xen_kboot_libxl_build; validate does not: the domain is valid. */
gboolean xen_kboot_native_check (const XenKbootDomainDef *def,
                                 GPtrArray *problems);

/* libxl's soundhw for a libvirt <sound model=>, NULL when libxl has no
 * such card.  libxl takes hda, ac97, es1370, sb16 (and the ISA adlib,
 * cs4231a, gus, which libvirt has no model for) and gives QEMU the card
 * with -device (libxl__qemu_soundhw, Xen 4.17; before, -soundhw, which
 * took the same names); libvirt's libxl driver turns ich6 into hda and
 * passes any other model on, which libxl then refuses when the domain
 * starts ("Unknown soundhw option").  libvirt's xen-xl writer
 * (xenFormatSound) writes "ich6" and every model comma-separated, which
 * neither libxl nor QEMU's -soundhw ever took: xen-kboot writes libxl's
 * name in both formats. */
const char *xen_kboot_native_soundhw (XenKbootSoundModel model);

/* MiB for xl.cfg's memory/maxmem/videoram: libvirt rounds up. */
guint64 xen_kboot_native_kib_to_mib (guint64 kib);

/* The ISA serial ports QEMU emulates (COM1..COM4, <target port='0'..'3'>). */
#define XEN_KBOOT_NATIVE_SERIAL_PORTS 4

/* The device behind a port with no <serial>, when a higher port has one.
 * Not "none": QEMU's "-serial none" opens no port, so the next -serial
 * would take this one's ttyS number; "null" opens a port that discards. */
#define XEN_KBOOT_NATIVE_SERIAL_GAP "null"

/* The script libxl runs for a vif that names none (its own default, from
 * the Xen scripts directory); a bridge vif's is spelled out in xl.cfg, as
 * libvirt's xen-xl writer does. */
#define XEN_KBOOT_NATIVE_DEFAULT_VIF_SCRIPT "vif-bridge"

typedef enum {
  XEN_KBOOT_NATIVE_DISK_BACKEND_PHY,
  XEN_KBOOT_NATIVE_DISK_BACKEND_TAP,
  XEN_KBOOT_NATIVE_DISK_BACKEND_QDISK,
  XEN_KBOOT_NATIVE_DISK_BACKEND_LAST
} XenKbootNativeDiskBackend;

typedef enum {
  XEN_KBOOT_NATIVE_NIC_VIF_IOEMU,  /* emulated NIC, PV once the guest asks */
  XEN_KBOOT_NATIVE_NIC_VIF,        /* PV only (PV guests; HVM "netfront") */
  XEN_KBOOT_NATIVE_NIC_LAST
} XenKbootNativeNicType;

typedef enum {
  XEN_KBOOT_NATIVE_VGA_DEFAULT,    /* the toolstack's choice */
  XEN_KBOOT_NATIVE_VGA_CIRRUS,
  XEN_KBOOT_NATIVE_VGA_STD,
  XEN_KBOOT_NATIVE_VGA_QXL,
  XEN_KBOOT_NATIVE_VGA_NONE,
  XEN_KBOOT_NATIVE_VGA_LAST
} XenKbootNativeVga;

/* The xl.cfg and libxl spellings: "phy", "tap", "qdisk". */
const char *xen_kboot_native_disk_backend_to_string (XenKbootNativeDiskBackend value);

typedef struct {
  const char *vdev;                /* guest device, without xl's "ioemu:" */
  const char *pdev_path;           /* NULL: an empty drive */
  const char *format;              /* "raw" unless <driver type=> says */
  XenKbootNativeDiskBackend backend;
  gboolean readwrite;
  gboolean cdrom;                  /* a removable CD-ROM */
  const XenKbootDiskDef *def;      /* for messages */
  char *network_path;              /* owned: @pdev_path of a network disk */
} XenKbootNativeDisk;

typedef struct {
  guint devid;
  XenKbootNativeNicType nictype;
  const char *mac;                 /* NULL: the toolstack makes one */
  const char *bridge;
  const char *script;              /* NULL: libxl's default */
  gboolean script_default;         /* bridge: @script is libxl's default */
  const char *model;               /* QEMU's NIC model; NULL: its default */
  const char *ifname;
  const XenKbootNetDef *def;       /* for messages */
} XenKbootNativeNic;

/* A VNC server: QEMU's (HVM) or the vfb backend's (PV, PVH). */
typedef struct {
  gboolean enable;
  gboolean findunused;             /* pick a free display */
  int display;                     /* port - 5900; -1: none given */
  const char *listen;
  const char *passwd;
  const char *keymap;
  const XenKbootGraphicsDef *def;  /* for messages */
} XenKbootNativeVnc;

typedef struct {
  gboolean enable;
  int port;                        /* 0: none given */
  const char *host;
  const char *passwd;
  gboolean disable_ticketing;      /* no password */
} XenKbootNativeSpice;

/* QEMU's SDL window (HVM) or the vfb backend's (PV, PVH), on the X
 * display @display with @xauthority's cookie (NULL: the device model's
 * environment). */
typedef struct {
  gboolean enable;
  const char *display;
  const char *xauthority;
  gboolean opengl;
  int line;                        /* the <graphics>, for messages */
} XenKbootNativeSdl;

/* A host PCI function passed through (HVM, device-model mode): a
 * <hostdev> or an <interface type='hostdev'>, in document order of each
 * kind as libvirt's domain hostdevs list holds them. */
typedef struct {
  guint domain, bus, dev, func;
  gboolean permissive;             /* config space writes not filtered */
} XenKbootNativePci;

typedef struct {
  const XenKbootDomainDef *def;    /* borrowed: must outlive the mapping */
  XenKbootOsType type;
  gboolean hvm;
  const char *name;
  const char *uuid;                /* as written; NULL: the toolstack's */

  guint64 max_memkb, target_memkb;
  guint max_vcpus, vcpus;
  gboolean pae, acpi, apic;        /* HVM */

  gboolean localtime;
  gboolean has_rtc_timeoffset;     /* <clock offset='variable'> */
  gint64 rtc_timeoffset;
  XenKbootLifecycleAction on_poweroff, on_reboot, on_crash;
  /* qemu-xen at that path: the domain's <emulator>, or xen-kboot-dm for
   * a direct boot through it; NULL: libxl's own.  Never xen-kboot-dm
   * otherwise: it would boot the kernel directly. */
  const char *device_model;

  /* Boot.  Kernel, ramdisk and cmdline go to the toolstack (QEMU's
   * -kernel for HVM, as libvirt does; xen-kboot-dm's for a direct boot
   * through it), except in a direct boot by xen-kboot create: our
   * firmware replaces hvmloader and enters the kernel create loads, and
   * the toolstack gets none. */
  gboolean direct;
  gboolean dm_loads;               /* direct, through xen-kboot-dm */
  const char *firmware;            /* direct, by xen-kboot create */
  const char *kernel, *ramdisk, *cmdline;   /* NULL: none for the toolstack */
  char boot[XEN_KBOOT_BOOT_DEV_LAST + 1];   /* HVM: "c", "dc", ... */
  /* UEFI (xen_kboot_domain_def_uefi), HVM not booted directly: libxl's
   * bios OVMF, from the <loader> file when it names one other than
   * hvmloader (libvirt's libxl driver: u.hvm.system_firmware; xl.cfg
   * bios_path_override). */
  gboolean bios_ovmf;
  const char *system_firmware;

  XenKbootNativePci *pcis;         /* HVM <hostdev type='pci'> */
  guint n_pcis;

  /* HVM display: SDL and VNC are off unless asked for when the domain
   * has any display; with none, the guest runs nographic. */
  gboolean graphics;
  XenKbootNativeVnc vnc;           /* HVM: QEMU's; PV/PVH: the vfb's */
  XenKbootNativeSdl sdl;           /* HVM: QEMU's; PV/PVH: the vfb's */
  gboolean vfb;                    /* PV/PVH: a vfb and a vkb carry @vnc
                                    * and @sdl */
  XenKbootNativeSpice spice;       /* HVM */
  XenKbootNativeVga vga;           /* HVM */
  guint64 video_memkb;             /* HVM; 0: default */

  /* HVM serial ports: serials[i] is ttyS<i>'s device in QEMU's -serial
   * spelling, through the highest port in use; a gap holds
   * XEN_KBOOT_NATIVE_SERIAL_GAP.  One port in all is libxl's "serial",
   * several its "serial_list". */
  char *serials[XEN_KBOOT_NATIVE_SERIAL_PORTS];
  guint n_serials;

  const char *soundhw;             /* HVM: libxl's sound card; NULL: none */
  const char **usb;                /* HVM USB devices: "tablet", "mouse" */
  guint n_usb;

  XenKbootNativeDisk *disks;
  guint n_disks;
  XenKbootNativeNic *nics;
  guint n_nics;
} XenKbootNative;

/* Xen's view of @def booted as @options say (pure; never fails). */
XenKbootNative *xen_kboot_native_map (const XenKbootDomainDef *def,
                                      const XenKbootNativeOptions *options);
void xen_kboot_native_free (XenKbootNative *native);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootNative, xen_kboot_native_free)

G_END_DECLS

#endif /* XEN_KBOOT_CONF_NATIVE_H */
