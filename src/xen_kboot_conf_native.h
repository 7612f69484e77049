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

typedef struct {
  XenKbootBootMode mode;
  const char *firmware;      /* direct mode: b_info->u.hvm.firmware */
} XenKbootNativeOptions;

/* Defaults for @def: the mode of its <kboot:boot mode=> or direct, and the
 * installed firmware; a caller's --mode/--firmware override these. */
void xen_kboot_native_options_init (XenKbootNativeOptions *options,
                                    const XenKbootDomainDef *def);

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
  const char *device_model;        /* <emulator>: qemu-xen at that path */

  /* Boot.  Direct: our firmware replaces hvmloader and enters the kernel
   * that xen-kboot loads, so the toolstack gets no kernel; otherwise
   * kernel, ramdisk and cmdline go to the toolstack (QEMU's -kernel for
   * HVM), as libvirt does. */
  gboolean direct;
  const char *firmware;            /* direct only */
  const char *kernel, *ramdisk, *cmdline;
  char boot[XEN_KBOOT_BOOT_DEV_LAST + 1];   /* HVM: "c", "dc", ... */

  /* HVM display: SDL stays off and VNC is off unless asked for when the
   * domain has any display; with none, the guest runs nographic. */
  gboolean graphics;
  XenKbootNativeVnc vnc;           /* HVM: QEMU's; PV/PVH: the vfb's */
  gboolean vfb;                    /* PV/PVH: a vfb and a vkb carry @vnc */
  XenKbootNativeSpice spice;       /* HVM */
  XenKbootNativeVga vga;           /* HVM */
  guint64 video_memkb;             /* HVM; 0: default */

  /* HVM serial ports: serials[i] is ttyS<i>'s device in QEMU's -serial
   * spelling, through the highest port in use; a gap holds
   * XEN_KBOOT_NATIVE_SERIAL_GAP.  One port in all is libxl's "serial",
   * several its "serial_list". */
  char *serials[XEN_KBOOT_NATIVE_SERIAL_PORTS];
  guint n_serials;

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
