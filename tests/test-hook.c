/* The libvirt hook's decision (src/xen_kboot_driver_hook.c): a table of
 * libvirt calls (arguments and the XML on stdin) with the verdict and the
 * exact message expected, over synthetic kernels written to a temporary
 * directory: direct-boot rules for a domain whose emulator is
 * xen-kboot-dm (or whose metadata says direct), QEMU's own -kernel rules
 * for the others.  The command around it (stdin, exit status) is
 * tests/hook-cli.sh; a real libvirt daemon is tests/hook-libvirtd.sh. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "kboot_synth.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_driver_choice.h"
#include "xen_kboot_driver_hook.h"
#include "xen_kboot_conf_xml.h"

/* Where the case files live; @DIR@ in a case stands for it. */
static char *test_dir;

/* The device models: xen-kboot-dm (direct boot), QEMU (its -kernel). */
#define DM "/usr/lib/xen-kboot/xen-kboot-dm"
#define QEMU "/usr/bin/qemu-system-x86_64"

/* A domain as libvirt formats it, with what libvirt adds and xen-kboot's
 * schema does not know (devices, seclabel, a namespaced element). */
#define LIBVIRT_DOMAIN(virt, name, memory, type, os, emulator)             \
  "<domain type='" virt "' id='7' "                                        \
  "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"             \
  "  <name>" name "</name>\n"                                              \
  "  <uuid>d1b9f6bc-3f1c-4c6c-9a36-6c51d5ae1c2e</uuid>\n"                  \
  "  <metadata><x:os xmlns:x='urn:other'><x:kernel>/nowhere</x:kernel>"    \
  "</x:os></metadata>\n"                                                   \
  "  <memory unit='KiB'>" memory "</memory>\n"                             \
  "  <currentMemory unit='KiB'>" memory "</currentMemory>\n"               \
  "  <vcpu placement='static'>1</vcpu>\n"                                  \
  "  <resource><partition>/machine</partition></resource>\n"               \
  "  <os>\n"                                                               \
  "    <type arch='x86_64' machine='pc-i440fx-7.2'>" type "</type>\n"      \
  os                                                                       \
  "    <boot dev='hd'/>\n"                                                 \
  "  </os>\n"                                                              \
  "  <features><acpi/><apic/><pae/></features>\n"                          \
  "  <cpu mode='custom' match='exact' check='full'><model>qemu64</model>"  \
  "</cpu>\n"                                                               \
  "  <clock offset='utc'/>\n"                                              \
  "  <on_poweroff>destroy</on_poweroff>\n"                                 \
  "  <devices>\n"                                                          \
  "    <emulator>" emulator "</emulator>\n"                                \
  "    <controller type='usb' index='0' model='piix3-uhci'>"               \
  "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' "            \
  "function='0x2'/></controller>\n"                                        \
  "    <serial type='pty'><target type='isa-serial' port='0'>"             \
  "<model name='isa-serial'/></target></serial>\n"                         \
  "    <memballoon model='virtio'/>\n"                                     \
  "  </devices>\n"                                                         \
  "  <seclabel type='dynamic' model='dac' relabel='yes'/>\n"               \
  "  <qemu:commandline><qemu:arg value='-kernel'/>"                        \
  "<qemu:arg value='/nowhere'/></qemu:commandline>\n"                      \
  "</domain>\n"

/* The shortest domain of a given kind that boots directly (its
 * emulator is xen-kboot-dm; with <pae/>: the synthetic kernels are
 * 64-bit). */
#define DOMAIN(virt, memory_mib, type, os)                                 \
  DOMAIN_FEATURES (virt, memory_mib, type, os, "<pae/>")

/* The same with the <features> given. */
#define DOMAIN_FEATURES(virt, memory_mib, type, os, features)              \
  ANY_DOMAIN (virt, memory_mib, type, os, features, "", DM)

/* The same with a video card: on Xen its video RAM comes out of <memory>. */
#define DOMAIN_VIDEO(virt, memory_mib, video, os)                          \
  "<domain type='" virt "'><name>hook-test</name>"                         \
  "<memory unit='MiB'>" memory_mib "</memory>"                             \
  "<os><type>hvm</type>" os "</os><features><pae/></features>"             \
  "<devices><emulator>" DM "</emulator><video><model type='" video "'/>"   \
  "</video></devices></domain>"

/* A domain whose kernel libvirt hands to QEMU: no xen-kboot-dm. */
#define PLAIN(virt, memory_mib, os)                                        \
  ANY_DOMAIN (virt, memory_mib, "hvm", os, "<pae/>", "", QEMU)

/* Every part given: @metadata inside <metadata>, @emulator in <devices>. */
#define ANY_DOMAIN(virt, memory_mib, type, os, features, metadata, emulator) \
  "<domain type='" virt "'><name>hook-test</name>"                         \
  "<metadata>" metadata "</metadata>"                                      \
  "<memory unit='MiB'>" memory_mib "</memory>"                             \
  "<os><type>" type "</type>" os "</os>"                                   \
  "<features>" features "</features>"                                      \
  "<devices><emulator>" emulator "</emulator></devices></domain>"

/* <kboot:boot mode=...> */
#define KBOOT_MODE(mode)                                                   \
  "<kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' mode='" mode "'/>"

/* <kboot:boot path=...> */
#define KBOOT_PATH(path)                                                   \
  "<kboot:boot xmlns:kboot='urn:xen-kboot:domain:1' path='" path "'/>"

#define GOOD "<kernel>@DIR@/good.bzImage</kernel>"
#define GOOD32 "<kernel>@DIR@/good32.bzImage</kernel>"
#define NORELO "<kernel>@DIR@/norelo.bzImage</kernel>"
#define INITRD "<initrd>@DIR@/initrd.img</initrd>"
#define LOW "<kernel>@DIR@/low.bin</kernel>"
#define BIG_INITRD "<initrd>@DIR@/big-initrd.img</initrd>"

typedef struct {
  const char *name;
  const char *operation;
  const char *sub_operation;
  const char *xml;               /* @DIR@: test_dir, @LONG@: 2048 bytes */
  XenKbootHookVerdict verdict;
  XenKbootHookError code;        /* when refused */
  const char *message;           /* exact, after @DIR@; NULL when passing */
} HookCase;

static const HookCase hook_cases[] = {
  /* Every operation but "prepare begin" passes without a look at stdin,
   * even with a kernel that would be refused, or no XML at all. */
  { "op/start-begin", "start", "begin", DOMAIN ("xen", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/prepare-end", "prepare", "end", DOMAIN ("xen", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/started-begin", "started", "begin", DOMAIN ("qemu", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/stopped-end", "stopped", "end", "not XML at all",
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/release-end", "release", "end", "", XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/migrate-begin", "migrate", "begin", DOMAIN ("xen", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/restore-begin", "restore", "begin", DOMAIN ("xen", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },
  { "op/reconnect-begin", "reconnect", "begin", DOMAIN ("xen", "256", "hvm", NORELO),
    XEN_KBOOT_HOOK_PASS_OTHER_OPERATION },

  /* Not ours: no kernel, not HVM. */
  { "pass/no-kernel", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<boot dev='hd'/>"), XEN_KBOOT_HOOK_PASS_NO_KERNEL },
  { "pass/empty-kernel", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel></kernel>"), XEN_KBOOT_HOOK_PASS_NO_KERNEL },
  { "pass/pv", "prepare", "begin", DOMAIN ("xen", "256", "xen", NORELO),
    XEN_KBOOT_HOOK_PASS_NOT_HVM },
  { "pass/pv-linux", "prepare", "begin", DOMAIN ("xen", "256", "linux", NORELO),
    XEN_KBOOT_HOOK_PASS_NOT_HVM },
  { "pass/pvh", "prepare", "begin", DOMAIN ("xen", "256", "xenpvh", NORELO),
    XEN_KBOOT_HOOK_PASS_NOT_HVM },
  { "pass/no-os-type", "prepare", "begin",
    "<domain type='xen'><name>x</name><os>" NORELO "</os></domain>",
    XEN_KBOOT_HOOK_PASS_NOT_HVM },

  /* Bootable. */
  { "pass/bootable", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD INITRD "<cmdline>console=ttyS0</cmdline>"),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/bootable-kvm", "prepare", "begin", DOMAIN ("kvm", "256", "hvm", GOOD),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/type-with-spaces", "prepare", "begin", DOMAIN ("xen", "256", " hvm\n", GOOD),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/libvirt-xml", "prepare", "begin",
    LIBVIRT_DOMAIN ("qemu", "hook-test", "262144", "hvm",
                    "    " GOOD "\n    " INITRD "\n"
                    "    <cmdline>console=ttyS0 quiet</cmdline>\n", DM),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  /* Another vocabulary's <os> (a namespace) is not libvirt's. */
  { "pass/namespaced-os-ignored", "prepare", "begin",
    "<domain type='xen' xmlns:x='urn:x'><name>n</name><memory>262144</memory>"
    "<x:os><x:type>hvm</x:type>" "<x:kernel>@DIR@/norelo.bzImage</x:kernel></x:os>"
    "<os><type>hvm</type>" GOOD "</os><features><pae/></features>"
    "<devices><emulator>" DM "</emulator></devices></domain>",
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/cmdline-at-limit", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD "<cmdline>@LONG-1@</cmdline>"),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },

  /* <pae/>: on Xen, libxl turns PAE (and with it long mode) off without
   * it, so a 64-bit kernel is refused; a 32-bit one, or KVM, passes. */
  { "refuse/64-bit-without-pae", "prepare", "begin",
    DOMAIN_FEATURES ("xen", "256", "hvm", GOOD INITRD, "<acpi/><apic/>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': libvirt's domain XML: <kernel>: @DIR@/good.bzImage: "
    "the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no "
    "<pae/>: Xen hides PAE and long mode from the guest and the kernel "
    "halts; add <pae/> to <features>" },
  { "refuse/64-bit-without-features", "prepare", "begin",
    "<domain type='xen'><name>x</name><memory>262144</memory>"
    "<os><type>hvm</type>" GOOD "</os><devices><emulator>" DM "</emulator>"
    "</devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': libvirt's domain XML: <kernel>: @DIR@/good.bzImage: "
    "the kernel is 64-bit (xloadflags XLF_KERNEL_64) but <features> has no "
    "<pae/>: *" },
  { "refuse/64-bit-namespaced-pae", "prepare", "begin",
    DOMAIN_FEATURES ("xen", "256", "hvm", GOOD,
                     "<x:pae xmlns:x='urn:other'/>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': libvirt's domain XML: <kernel>: @DIR@/good.bzImage: "
    "the kernel is 64-bit *" },
  { "pass/32-bit-without-pae", "prepare", "begin",
    DOMAIN_FEATURES ("xen", "256", "hvm", GOOD32 INITRD, "<acpi/><apic/>"),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/64-bit-with-pae", "prepare", "begin",
    DOMAIN_FEATURES ("xen", "256", "hvm", GOOD, "<acpi/><apic/><pae/>"),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "pass/kvm-64-bit-without-pae", "prepare", "begin",
    DOMAIN_FEATURES ("kvm", "256", "hvm", GOOD, ""),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },

  /* Refused: the kernel. */
  { "refuse/not-relocatable", "prepare", "begin",
    LIBVIRT_DOMAIN ("xen", "memtest", "262144", "hvm", "    " NORELO "\n", DM),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: "
    "relocatable_kernel is 0 at offset 0x234: built without "
    "CONFIG_RELOCATABLE, it cannot be loaded at 0x200000" },
  { "refuse/kernel-missing", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel>@DIR@/missing</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/missing: cannot open kernel: No such file or directory" },
  { "refuse/kernel-directory", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel>@DIR@</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@: kernel is a directory, not a regular file" },
  { "refuse/kernel-not-linux", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel>@DIR@/initrd.img</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/initrd.img: cannot be direct-booted: *" },
  { "refuse/kernel-relative", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel>boot/vmlinuz</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': <kernel> 'boot/vmlinuz' is a relative path: give the "
    "absolute path (starting with '/')" },
  { "refuse/kernel-path-newline", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", "<kernel>@DIR@/two\nlines</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/two lines: cannot open kernel: No such file or directory" },

  /* Refused: initrd, command line. */
  { "refuse/initrd-missing", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD "<initrd>@DIR@/missing.img</initrd>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': @DIR@/missing.img: cannot open initrd: No such file or directory" },
  { "refuse/initrd-empty", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD "<initrd>@DIR@/empty.img</initrd>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': @DIR@/empty.img: initrd is empty (0 bytes)" },
  { "refuse/initrd-relative", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD "<initrd>initrd.img</initrd>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': <initrd> 'initrd.img' is a relative path: give the "
    "absolute path (starting with '/')" },
  { "refuse/cmdline-too-long", "prepare", "begin",
    DOMAIN ("xen", "256", "hvm", GOOD INITRD "<cmdline>@LONG@</cmdline>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_CMDLINE,
    "domain 'hook-test': <cmdline> is 2048 bytes, longer than the 2047 bytes "
    "kernel @DIR@/good.bzImage accepts (cmdline_size)" },

  /* Refused: memory.  The synthetic kernel decompresses up to 32 MiB;
   * libxl takes 8 MiB of a Xen guest's <memory> for video, QEMU none. */
  { "refuse/does-not-fit-xen", "prepare", "begin", DOMAIN ("xen", "36", "hvm", GOOD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': @DIR@/good.bzImage does not fit in <memory> of 36 MiB "
    "(platform xen-hvm): kernel needs [0x200000, 0x2000000) *but the guest's "
    "free low RAM ends at 0x1c00000 (28.0 MiB)" },
  { "pass/fits-xen-without-video", "prepare", "begin",
    DOMAIN_VIDEO ("xen", "36", "none", GOOD), XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "refuse/does-not-fit-xen-stdvga", "prepare", "begin",
    DOMAIN_VIDEO ("xen", "44", "vga", GOOD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': @DIR@/good.bzImage does not fit in <memory> of 44 MiB "
    "(platform xen-hvm): kernel needs [0x200000, 0x2000000) *but the guest's "
    "free low RAM ends at 0x1c00000 (28.0 MiB)" },
  { "refuse/qxl-takes-all-memory", "prepare", "begin",
    DOMAIN_VIDEO ("xen", "64", "qxl", GOOD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': @DIR@/good.bzImage does not fit in <memory> of 64 MiB "
    "(platform xen-hvm): *maxmem of 65536 KiB minus videoram of 131072 KiB*" },
  { "pass/fits-qemu", "prepare", "begin", DOMAIN ("qemu", "36", "hvm", GOOD),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "refuse/does-not-fit-qemu", "prepare", "begin", DOMAIN ("qemu", "24", "hvm", GOOD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': @DIR@/good.bzImage does not fit in <memory> of 24 MiB "
    "(platform qemu-pc): kernel needs [0x200000, 0x2000000) *" },
  { "refuse/memory-huge", "prepare", "begin",
    "<domain type='kvm'><name>x</name><memory unit='b'>18446744073709551615</memory>"
    "<os><type>hvm</type>" GOOD "</os><devices><emulator>" DM "</emulator>"
    "</devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': @DIR@/good.bzImage does not fit in <memory> of "
    "18014398509481984 KiB (platform qemu-pc): libvirt's domain XML: memory of "
    "18014398509481984 KiB is too large" },
  { "refuse/no-memory", "prepare", "begin",
    "<domain type='xen'><name>x</name><os><type>hvm</type>" GOOD "</os>"
    "<features><pae/></features><devices><emulator>" DM "</emulator>"
    "</devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': no usable <memory> in libvirt's domain XML: cannot tell "
    "whether kernel @DIR@/good.bzImage fits the guest" },
  { "refuse/memory-bad-unit", "prepare", "begin",
    "<domain type='xen'><name>x</name><memory unit='parsecs'>1</memory>"
    "<os><type>hvm</type>" GOOD "</os><features><pae/></features>"
    "<devices><emulator>" DM "</emulator></devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_MEMORY,
    "domain 'hook-test': no usable <memory> in libvirt's domain XML: *" },

  /* The path: direct through xen-kboot-dm (by its file name) or the
   * metadata; QEMU's -kernel otherwise, metadata first. */
  { "path/dm-in-a-build-tree", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>", "",
                "/home/admin/xen-kboot/build/tools/xen-kboot-dm"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: *" },
  { "path/metadata-direct", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>", KBOOT_MODE ("direct"), QEMU),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: *" },
  { "path/metadata-direct-kvm", "prepare", "begin",
    ANY_DOMAIN ("kvm", "256", "hvm", NORELO, "<pae/>", KBOOT_MODE ("direct"), QEMU),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: *" },
  { "path/metadata-device-model", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>", KBOOT_MODE ("device-model"), QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "path/no-emulator", "prepare", "begin",
    "<domain type='xen'><name>x</name><memory>262144</memory><os><type>hvm</type>"
    NORELO "</os></domain>", XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "path/dm-lookalike", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>", "",
                "/usr/lib/xen-kboot/xen-kboot-dm.orig"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "path/other-namespace-boot", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>",
                "<x:boot xmlns:x='urn:other' mode='direct'/>", QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  /* libvirt keeps the first element of a namespace: here not <boot>. */
  { "path/first-of-our-namespace", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", NORELO, "<pae/>",
                "<kboot:note xmlns:kboot='urn:xen-kboot:domain:1'/>" KBOOT_MODE ("direct"),
                QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "path/conflict", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_MODE ("device-model"), DM),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_BOOT_MODE,
    "domain 'hook-test': libvirt's domain XML: <kboot:boot>: mode='device-model' "
    "contradicts <emulator> " DM ": libvirt and xl start xen-kboot-dm, which "
    "boots the kernel directly; use mode='direct', or another <emulator> to "
    "hand the kernel to qemu-xen" },
  { "path/unknown-path", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_PATH ("slow"), DM),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_BOOT_MODE,
    "domain 'hook-test': libvirt's domain XML: <kboot:boot>: path='slow' is not "
    "direct or fast" },
  { "path/fast-without-dm", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_PATH ("fast"), QEMU),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_BOOT_MODE,
    "domain 'hook-test': libvirt's domain XML: <kboot:boot>: path='fast' needs "
    "<emulator> xen-kboot-dm, which loads the kernel decompressed; without it "
    "libvirt hands the kernel to QEMU's -kernel, and the kernel decompresses "
    "itself" },
  /* The fast path's own step runs: the synthetic kernel's payload is no
   * compressed vmlinux. */
  { "path/fast-with-dm", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_PATH ("fast"), DM),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/good.bzImage: *payload*" },
  { "path/direct-with-dm", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_PATH ("direct"), DM),
    XEN_KBOOT_HOOK_PASS_BOOTABLE },
  { "path/direct-without-dm", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_PATH ("direct"), QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "path/unknown-mode", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "<pae/>", KBOOT_MODE ("qemu"), QEMU),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_BOOT_MODE,
    "domain 'hook-test': libvirt's domain XML: <kboot:boot>: mode='qemu' is "
    "not direct or device-model" },

  /* Not x86: not ours, whatever the kernel (the qemu.d hook sees them). */
  { "arch/aarch64", "prepare", "begin",
    "<domain type='kvm'><name>a</name><memory>262144</memory><os>"
    "<type arch='aarch64' machine='virt'>hvm</type>" NORELO "</os>"
    "<devices><emulator>" DM "</emulator></devices></domain>",
    XEN_KBOOT_HOOK_PASS_NOT_X86 },
  { "arch/ppc64le", "prepare", "begin",
    "<domain type='kvm'><name>a</name><memory>262144</memory><os>"
    "<type arch='ppc64le'>hvm</type><kernel>@DIR@/missing</kernel></os></domain>",
    XEN_KBOOT_HOOK_PASS_NOT_X86 },
  { "arch/i686", "prepare", "begin",
    "<domain type='xen'><name>a</name><memory>262144</memory><os>"
    "<type arch='i686'>hvm</type>" NORELO "</os>"
    "<devices><emulator>" DM "</emulator></devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: *" },
  { "arch/x86_64", "prepare", "begin",
    "<domain type='xen'><name>a</name><memory>262144</memory><os>"
    "<type arch='x86_64'>hvm</type>" NORELO "</os>"
    "<devices><emulator>" DM "</emulator></devices></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/norelo.bzImage: cannot be direct-booted: *" },

  /* QEMU's -kernel: what stock libvirt boots passes, whatever the
   * direct-boot rules say; only what QEMU itself refuses is refused. */
  { "qemu/not-relocatable", "prepare", "begin", PLAIN ("xen", "256", NORELO INITRD),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/libvirt-xml", "prepare", "begin",
    LIBVIRT_DOMAIN ("qemu", "memtest", "262144", "hvm", "    " NORELO "\n", QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/64-bit-without-pae", "prepare", "begin",
    ANY_DOMAIN ("xen", "256", "hvm", GOOD, "", "", QEMU),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/cmdline-over-cmdline-size", "prepare", "begin",
    PLAIN ("xen", "256", GOOD "<cmdline>@LONG@</cmdline>"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/memory-too-small-to-plan", "prepare", "begin", PLAIN ("xen", "36", GOOD),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/low-kernel", "prepare", "begin",
    PLAIN ("xen", "256", LOW "<cmdline>console=ttyS0</cmdline>"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/initrd-empty", "prepare", "begin",
    PLAIN ("xen", "256", GOOD "<initrd>@DIR@/empty.img</initrd>"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/relative-left-to-qemu", "prepare", "begin",
    PLAIN ("xen", "256", "<kernel>boot/vmlinuz</kernel><initrd>initrd.img</initrd>"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/kernel-missing", "prepare", "begin",
    PLAIN ("xen", "256", "<kernel>@DIR@/missing</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/missing: cannot open kernel: No such file or directory" },
  { "qemu/kernel-directory", "prepare", "begin", PLAIN ("xen", "256", "<kernel>@DIR@</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@: kernel is a directory, not a regular file" },
  { "qemu/kernel-empty", "prepare", "begin",
    PLAIN ("xen", "256", "<kernel>@DIR@/empty.img</kernel>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_KERNEL,
    "domain 'hook-test': @DIR@/empty.img: kernel is empty (0 bytes)" },
  { "qemu/initrd-missing", "prepare", "begin",
    PLAIN ("xen", "256", GOOD "<initrd>@DIR@/missing.img</initrd>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': @DIR@/missing.img: cannot open initrd: No such file or directory" },
  { "qemu/initrd-for-a-low-kernel", "prepare", "begin", PLAIN ("xen", "256", LOW INITRD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': @DIR@/initrd.img: kernel @DIR@/low.bin has no Linux "
    "setup header (no \"HdrS\" at offset 0x202), and QEMU hands an initrd only "
    "to boot protocol 2.00 and later: QEMU refuses to start (\"linux kernel "
    "too old to load a ram disk\")" },
  /* 40 MiB of initrd: a Xen guest of 48 MiB has 40 below 4 GiB once
   * libxl took 8 for video, and QEMU keeps its ACPI tables under that. */
  { "qemu/initrd-above-xen-ram", "prepare", "begin",
    PLAIN ("xen", "48", GOOD BIG_INITRD),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_INITRD,
    "domain 'hook-test': @DIR@/big-initrd.img: 41943040 bytes (40 MiB) do not "
    "fit below 0x27d7fff, the top of the guest's 40 MiB of RAM below 4 GiB, "
    "less QEMU's ACPI tables: QEMU refuses to start (\"initrd is too large, "
    "cannot support\")" },
  { "qemu/initrd-fits-kvm-ram", "prepare", "begin", PLAIN ("kvm", "48", GOOD BIG_INITRD),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },
  { "qemu/vga", "prepare", "begin",
    PLAIN ("xen", "256", GOOD "<cmdline>console=ttyS0 vga=current</cmdline>"),
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_CMDLINE,
    "domain 'hook-test': @DIR@/good.bzImage: command line vga=current is not a "
    "video mode QEMU's -kernel reads (normal, ext, ask or a number): QEMU "
    "refuses to start (\"invalid 'vga=' kernel parameter\")" },
  { "qemu/vga-number", "prepare", "begin",
    PLAIN ("xen", "256", GOOD "<cmdline>vga=0x317</cmdline>"),
    XEN_KBOOT_HOOK_PASS_QEMU_KERNEL },

  /* Refused: the XML itself. */
  { "refuse/malformed", "prepare", "begin", "<domain type='xen'><name>x</nam></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML:1: malformed XML: *" },
  { "refuse/empty", "prepare", "begin", "",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML*: malformed XML*" },
  { "refuse/doctype", "prepare", "begin",
    "<?xml version='1.0'?>\n<!DOCTYPE domain [ <!ENTITY k SYSTEM 'file:///etc/passwd'> ]>\n"
    "<domain type='xen'><name>&k;</name></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML:2: document type declaration "
    "<!DOCTYPE domain> refused: *" },
  { "refuse/not-domain", "prepare", "begin", "<network><name>default</name></network>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML: the root element is <network>, "
    "not <domain>" },
  { "refuse/namespaced-domain", "prepare", "begin",
    "<domain xmlns='http://example.org/ns' type='xen'><name>x</name></domain>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML: the root element is <domain> in "
    "the namespace 'http://example.org/ns', not <domain> without a namespace" },
  { "refuse/prefixed-domain", "prepare", "begin",
    "<v:domain xmlns:v='http://libvirt.org/schemas/domain/qemu/1.0' type='kvm'/>",
    XEN_KBOOT_HOOK_REFUSE, XEN_KBOOT_HOOK_ERROR_XML,
    "domain 'hook-test': libvirt's domain XML: the root element is <v:domain> in "
    "the namespace 'http://libvirt.org/schemas/domain/qemu/1.0', not <domain> "
    "without a namespace" },
};

static char *
expand (const char *text)
{
  g_autofree char *long_line = g_strnfill (2048, 'x');
  g_autofree char *at_limit = g_strnfill (2047, 'y');
  g_auto(GStrv) parts = NULL;
  g_autofree char *step1 = NULL, *step2 = NULL;

  parts = g_strsplit (text, "@DIR@", -1);
  step1 = g_strjoinv (test_dir, parts);
  g_clear_pointer (&parts, g_strfreev);
  parts = g_strsplit (step1, "@LONG-1@", -1);
  step2 = g_strjoinv (at_limit, parts);
  g_clear_pointer (&parts, g_strfreev);
  parts = g_strsplit (step2, "@LONG@", -1);
  return g_strjoinv (long_line, parts);
}

/* Run the hook for domain "hook-test" on @operation @sub with @xml. */
static XenKbootHookVerdict
hook_on (const char *operation, const char *sub, const char *xml, GError **error)
{
  g_autofree char *expanded = expand (xml);
  const char *args[] = { "hook-test", operation, sub, "-" };

  G_STATIC_ASSERT (G_N_ELEMENTS (args) == XEN_KBOOT_HOOK_N_ARGS);
  return xen_kboot_hook_run (args, expanded, strlen (expanded), error);
}

static void
test_case (gconstpointer data)
{
  const HookCase *c = data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hook_on (c->operation, c->sub_operation, c->xml, &error), ==,
                   c->verdict);
  if (c->verdict != XEN_KBOOT_HOOK_REFUSE)
    {
      g_assert_no_error (error);
      return;
    }
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, (gint) c->code);
  {
    g_autofree char *want = expand (c->message);
    if (!g_pattern_match_simple (want, error->message))
      g_error ("message\n  %s\ndoes not match\n  %s", error->message, want);
  }
  /* libvirt shows it inside its own one-line error. */
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\r'));
}

/* The operations that are not checked never look at the XML: NULL is
 * fine, and nothing is parsed. */
static void
test_no_xml_needed (void)
{
  const char *args[] = { "d", "release", "end", "-" };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (xen_kboot_hook_run (args, NULL, 0, &error), ==,
                   XEN_KBOOT_HOOK_PASS_OTHER_OPERATION);
  g_assert_no_error (error);
  g_assert_true (xen_kboot_hook_wants_domain ("prepare", "begin"));
  g_assert_false (xen_kboot_hook_wants_domain ("prepare", "end"));
  g_assert_false (xen_kboot_hook_wants_domain ("start", "begin"));
  g_assert_false (xen_kboot_hook_wants_domain (NULL, NULL));
}

/* "hook-test"'s record: -1 none, else its XenKbootBootPath. */
static int
recorded_path (void)
{
  g_autofree char *dir = xen_kboot_choice_dir ();
  g_autoptr(GError) error = NULL;
  XenKbootBootPath path;
  gboolean found;

  g_assert_true (xen_kboot_choice_lookup (dir, "hook-test", &found, &path, &error));
  g_assert_no_error (error);
  return found ? (int) path : -1;
}

/* The domain's path= for xen-kboot-dm: recorded on "prepare begin" of a
 * domain that passes through xen-kboot-dm, replaced or removed by the
 * next one, removed on "release end"; never for a refused domain; a
 * record that cannot be written or removed refuses the domain. */
static void
test_boot_path_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = xen_kboot_choice_dir ();
  g_autofree char *file = xen_kboot_choice_file (dir, "hook-test", NULL);
  g_autofree char *run = g_strdup (g_getenv ("XEN_KBOOT_RUN_DIR"));
  XenKbootBootPath fast = XEN_KBOOT_BOOT_PATH_FAST;
  GStatBuf st;

  /* The table's cases may have left one. */
  g_unlink (file);
  g_assert_cmpint (recorded_path (), ==, -1);
  g_assert_cmpint (hook_on ("prepare", "begin", ANY_DOMAIN ("xen", "256", "hvm", GOOD,
                            "<pae/>", KBOOT_PATH ("direct"), DM), &error),
                   ==, XEN_KBOOT_HOOK_PASS_BOOTABLE);
  g_assert_no_error (error);
  g_assert_cmpint (recorded_path (), ==, XEN_KBOOT_BOOT_PATH_DIRECT);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);

  /* No path= any more: the record goes, and dm.conf decides again. */
  g_assert_cmpint (hook_on ("prepare", "begin", DOMAIN ("xen", "256", "hvm", GOOD),
                            &error), ==, XEN_KBOOT_HOOK_PASS_BOOTABLE);
  g_assert_cmpint (recorded_path (), ==, -1);

  /* Released: the record goes. */
  g_assert_true (xen_kboot_choice_record (dir, "hook-test", &fast, &error));
  g_assert_cmpint (hook_on ("release", "end", "", &error), ==,
                   XEN_KBOOT_HOOK_PASS_OTHER_OPERATION);
  g_assert_no_error (error);
  g_assert_cmpint (recorded_path (), ==, -1);

  /* Refused (here by the fast path's own step): nothing recorded, and an
   * old record stays as it was for the domain that did not start. */
  g_assert_cmpint (hook_on ("prepare", "begin", ANY_DOMAIN ("xen", "256", "hvm", GOOD,
                            "<pae/>", KBOOT_PATH ("fast"), DM), &error),
                   ==, XEN_KBOOT_HOOK_REFUSE);
  g_clear_error (&error);
  g_assert_cmpint (recorded_path (), ==, -1);

  /* The directory is a file: the domain is refused, with the reason. */
  g_setenv ("XEN_KBOOT_RUN_DIR", test_dir, TRUE);
  g_free (dir);
  dir = xen_kboot_choice_dir ();
  g_assert_true (g_file_set_contents (dir, "", 0, NULL));
  g_assert_cmpint (hook_on ("prepare", "begin", ANY_DOMAIN ("xen", "256", "hvm", GOOD,
                            "<pae/>", KBOOT_PATH ("direct"), DM), &error),
                   ==, XEN_KBOOT_HOOK_REFUSE);
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_BOOT_PATH_RECORD);
  {
    g_autofree char *want = g_strdup_printf ("domain 'hook-test': cannot record its "
                                             "boot path for xen-kboot-dm: %s: the "
                                             "directory of boot paths is a regular "
                                             "file, not a directory", dir);
    g_assert_cmpstr (error->message, ==, want);
  }
  g_clear_error (&error);
  g_assert_cmpint (hook_on ("prepare", "begin", DOMAIN ("xen", "256", "hvm", GOOD),
                            &error), ==, XEN_KBOOT_HOOK_REFUSE);
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_BOOT_PATH_RECORD);
  g_assert_true (g_str_has_prefix (error->message, "domain 'hook-test': cannot remove "
                                   "an old boot path record, which xen-kboot-dm "
                                   "would follow: "));
  g_clear_error (&error);
  /* Release stays quiet. */
  g_assert_cmpint (hook_on ("release", "end", "", &error), ==,
                   XEN_KBOOT_HOOK_PASS_OTHER_OPERATION);
  g_assert_no_error (error);
  g_unlink (dir);
  g_setenv ("XEN_KBOOT_RUN_DIR", run, TRUE);
}

/* xen-kboot-dm's configuration, read as xen-kboot-dm reads it, for the
 * domains booted through it only: a wrong file refuses them (xen-kboot-dm
 * would refuse every start), boot-path = fast runs the fast path's step
 * unless the domain's path= says otherwise. */
static void
test_dm_config (void)
{
  g_autofree char *conf = g_build_filename (test_dir, "dm.conf", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("XEN_KBOOT_DM_CONF"));
  g_autoptr(GError) error = NULL;

  g_setenv ("XEN_KBOOT_DM_CONF", conf, TRUE);
  g_assert_true (g_file_set_contents (conf, "[device-model]\nboot-path = quick\n", -1, NULL));
  g_assert_cmpint (hook_on ("prepare", "begin", DOMAIN ("xen", "256", "hvm", GOOD), &error),
                   ==, XEN_KBOOT_HOOK_REFUSE);
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_DM_CONFIG);
  {
    g_autofree char *want = g_strdup_printf ("domain 'hook-test': %s: boot-path = "
                                             "'quick' is not direct or fast", conf);
    g_assert_cmpstr (error->message, ==, want);
  }
  g_clear_error (&error);
  /* Not through xen-kboot-dm: its file is none of the domain's business. */
  g_assert_cmpint (hook_on ("prepare", "begin", PLAIN ("xen", "256", GOOD), &error),
                   ==, XEN_KBOOT_HOOK_PASS_QEMU_KERNEL);
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (conf, "[device-model]\nboot-path = fast\n"
                                      "kernel-cache = none\n", -1, NULL));
  g_assert_cmpint (hook_on ("prepare", "begin", DOMAIN ("xen", "256", "hvm", GOOD), &error),
                   ==, XEN_KBOOT_HOOK_REFUSE);
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_KERNEL);
  g_clear_error (&error);
  g_assert_cmpint (hook_on ("prepare", "begin", ANY_DOMAIN ("xen", "256", "hvm", GOOD,
                            "<pae/>", KBOOT_PATH ("direct"), DM), &error),
                   ==, XEN_KBOOT_HOOK_PASS_BOOTABLE);
  g_assert_no_error (error);

  g_unlink (conf);
  if (saved)
    g_setenv ("XEN_KBOOT_DM_CONF", saved, TRUE);
  else
    g_unsetenv ("XEN_KBOOT_DM_CONF");
}

/* Over XEN_KBOOT_XML_MAX_SIZE: refused with the real size, not parsed. */
static void
test_too_large (void)
{
  const char *args[] = { "big", "prepare", "begin", "-" };
  gsize len = XEN_KBOOT_XML_MAX_SIZE + 1;
  g_autofree char *xml = g_malloc (len);
  g_autoptr(GError) error = NULL;

  memset (xml, ' ', len);
  memcpy (xml, "<domain>", 8);
  g_assert_cmpint (xen_kboot_hook_run (args, xml, len, &error), ==, XEN_KBOOT_HOOK_REFUSE);
  g_assert_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_XML);
  g_assert_cmpstr (error->message, ==,
                   "domain 'big': libvirt's domain XML: the document is 1048577 "
                   "bytes, over the limit of 1048576 bytes for a domain XML");
}

/* What the parser reads, field by field; and that the entity of a
 * DOCTYPE is never fetched. */
static void
test_parse (void)
{
  static const struct {
    const char *memory;
    guint64 kib;
    gboolean ok;
  } units[] = {
    { "<memory>524288</memory>", 524288, TRUE },
    { "<memory unit='KiB'>262144</memory>", 262144, TRUE },
    { "<memory unit='GiB'>2</memory>", 2097152, TRUE },
    { "<memory unit='MB'>1</memory>", 977, TRUE },   /* 10^6 bytes, rounded up */
    { "<memory unit='b'>1025</memory>", 2, TRUE },
    { "<memory unit='KiB'> 1024 </memory>", 1024, TRUE },
    { "<memory unit='KiB'>-1</memory>", 0, FALSE },
    { "<memory unit='KiB'>lots</memory>", 0, FALSE },
    { "<memory unit='EiB'>100</memory>", 0, FALSE },  /* past 2^64 bytes */
    { "", 0, FALSE },
  };
  static const struct {
    const char *xml;
    gboolean pae;
  } features[] = {
    { "<features><acpi/><apic/><pae/></features>", TRUE },
    { "<features><pae/></features>", TRUE },
    { "<features><acpi/><apic/></features>", FALSE },
    { "<features/>", FALSE },
    { "<features><x:pae xmlns:x='urn:x'/></features>", FALSE },
    { "<pae/>", FALSE },                 /* only inside <features> */
  };
  guint before = xen_kboot_xml_external_load_attempts ();

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autofree char *xml = g_strdup_printf (
        "<domain type='kvm'><name>n%" G_GSIZE_FORMAT "</name>%s<os>"
        "<type arch='x86_64'>hvm</type><kernel>/k</kernel><initrd>/i</initrd>"
        "<cmdline> a  b </cmdline></os></domain>", i, units[i].memory);
      g_autoptr(GError) error = NULL;
      g_autoptr(XenKbootHookDomain) dom =
        xen_kboot_hook_domain_parse (xml, strlen (xml), &error);
      g_autofree char *name = g_strdup_printf ("n%" G_GSIZE_FORMAT, i);

      g_assert_no_error (error);
      g_assert_nonnull (dom);
      g_assert_cmpstr (dom->virt_type, ==, "kvm");
      g_assert_cmpstr (dom->name, ==, name);
      g_assert_cmpstr (dom->os_type, ==, "hvm");
      g_assert_cmpstr (dom->kernel, ==, "/k");
      g_assert_cmpstr (dom->initrd, ==, "/i");
      g_assert_cmpstr (dom->cmdline, ==, " a  b ");   /* as libvirt passes it */
      g_assert_cmpint (dom->has_memory, ==, units[i].ok);
      g_assert_cmpuint (dom->memory_kib, ==, units[i].kib);
      g_assert_false (dom->pae);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (features); i++)
    {
      g_autofree char *xml = g_strdup_printf (
        "<domain type='xen'><name>f</name><os><type>hvm</type></os>%s</domain>",
        features[i].xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(XenKbootHookDomain) dom =
        xen_kboot_hook_domain_parse (xml, strlen (xml), &error);

      g_assert_no_error (error);
      g_assert_cmpint (dom->pae, ==, features[i].pae);
    }
  /* Duplicates: the first of each among every <os>, as validate reads
   * them (xen_kboot_conf_os_child, libvirt's string(./os/NAME[1])). */
  {
    static const char xml[] =
      "<domain type='xen'><name>d</name><os><type>hvm</type><kernel>/k1</kernel>"
      "<kernel>/k2</kernel></os><os><type>xen</type><kernel>/k3</kernel>"
      "<initrd>/i3</initrd><cmdline>c3</cmdline></os></domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(XenKbootHookDomain) dom =
      xen_kboot_hook_domain_parse (xml, strlen (xml), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dom->os_type, ==, "hvm");
    g_assert_cmpstr (dom->kernel, ==, "/k1");
    g_assert_cmpstr (dom->initrd, ==, "/i3");
    g_assert_cmpstr (dom->cmdline, ==, "c3");
  }
  g_assert_cmpuint (xen_kboot_xml_external_load_attempts (), ==, before);
}

/* What decides the path: <type arch=>, the first <emulator>, and the
 * first <metadata> element in xen-kboot's namespace when it is <boot>. */
static void
test_parse_path (void)
{
  static const struct {
    const char *xml;             /* inside <domain> */
    const char *arch, *emulator, *mode;
  } cases[] = {
    { "<os><type>hvm</type></os>", NULL, NULL, NULL },
    { "<os><type arch='aarch64'>hvm</type></os>", "aarch64", NULL, NULL },
    { "<os><type arch='i686'>hvm</type><type arch='x86_64'>hvm</type></os>",
      "i686", NULL, NULL },
    /* The first <type> of all <os>, as libvirt and validate read it
     * (xen_kboot_conf_os_child). */
    { "<os><kernel>/k</kernel></os><os><type arch='i686'>hvm</type></os>"
      "<os><type arch='x86_64'>hvm</type></os>", "i686", NULL, NULL },
    { "<devices><emulator>/a/xen-kboot-dm</emulator><emulator>/b</emulator>"
      "</devices>", NULL, "/a/xen-kboot-dm", NULL },
    { "<devices><emulator></emulator></devices>", NULL, NULL, NULL },
    { "<metadata><k:boot xmlns:k='" XEN_KBOOT_CONF_NAMESPACE "' mode='direct'/>"
      "</metadata>", NULL, NULL, "direct" },
    { "<metadata><k:boot xmlns:k='" XEN_KBOOT_CONF_NAMESPACE "'/></metadata>",
      NULL, NULL, NULL },
    { "<metadata><o:boot xmlns:o='urn:other' mode='direct'/><k:boot xmlns:k='"
      XEN_KBOOT_CONF_NAMESPACE "' mode='device-model'/></metadata>",
      NULL, NULL, "device-model" },
    { "<metadata><k:x xmlns:k='" XEN_KBOOT_CONF_NAMESPACE "'/><k:boot xmlns:k='"
      XEN_KBOOT_CONF_NAMESPACE "' mode='direct'/></metadata>", NULL, NULL, NULL },
    { "<metadata><boot mode='direct'/></metadata>", NULL, NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<domain type='xen'><name>p</name>%s"
                                              "</domain>", cases[i].xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(XenKbootHookDomain) dom =
        xen_kboot_hook_domain_parse (xml, strlen (xml), &error);

      g_test_message ("%s", cases[i].xml);
      g_assert_no_error (error);
      g_assert_cmpstr (dom->arch, ==, cases[i].arch);
      g_assert_cmpstr (dom->emulator, ==, cases[i].emulator);
      g_assert_cmpstr (dom->kboot_mode, ==, cases[i].mode);
    }
}

static void
write_file (const char *name, const void *data, gsize len)
{
  g_autofree char *path = g_build_filename (test_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  g_assert_no_error (error);
}

static void
make_files (void)
{
  g_autoptr(KbootSynth) good = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootSynth) norelo = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootSynth) good32 = kboot_synth_new (0x020f, 4, 0x10000);
  g_autofree guint8 *initrd = g_malloc (4096);
  g_autofree guint8 *low = NULL;
  g_autofree char *big = NULL;

  kboot_synth_put (norelo, 0x234, 1, 0);          /* relocatable_kernel */
  kboot_synth_put (good32, 0x236, 2, 0);          /* xloadflags: not KERNEL_64 */
  memset (initrd, 0x5a, 4096);
  write_file ("good.bzImage", good->data, good->len);
  write_file ("norelo.bzImage", norelo->data, norelo->len);
  write_file ("good32.bzImage", good32->data, good32->len);
  write_file ("initrd.img", initrd, 4096);
  write_file ("empty.img", "", 0);
  /* No "HdrS": QEMU's protocol-0 "low" kernel, loaded at 0x10000. */
  low = g_malloc (0x10000);
  memset (low, 0x90, 0x10000);
  low[0x1f1] = 0;
  write_file ("low.bin", low, 0x10000);
  /* Sparse: its size is all that is read. */
  big = g_build_filename (test_dir, "big-initrd.img", NULL);
  g_assert_cmpint (g_file_set_contents (big, "", 0, NULL), ==, TRUE);
  g_assert_cmpint (truncate (big, 40 << 20), ==, 0);
}

static void
remove_files (void)
{
  static const char *const names[] = {
    "good.bzImage", "norelo.bzImage", "good32.bzImage", "initrd.img", "empty.img",
    "low.bin", "big-initrd.img"
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (test_dir, names[i], NULL);
      g_unlink (path);
    }
  {
    g_autofree char *run = g_build_filename (test_dir, "run", NULL);
    g_autofree char *domains = g_build_filename (run, "domains", NULL);
    g_autofree char *record = g_build_filename (domains, "hook-test.boot", NULL);

    g_unlink (record);
    g_rmdir (domains);
    g_rmdir (run);
  }
  g_rmdir (test_dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  test_dir = g_dir_make_tmp ("kboot-hook-XXXXXX", &error);
  g_assert_no_error (error);
  make_files ();
  /* The hook's records for xen-kboot-dm go here, never to /run; no
   * dm.conf but the tests' own. */
  {
    g_autofree char *run = g_build_filename (test_dir, "run", NULL);
    g_autofree char *conf = g_build_filename (test_dir, "no-dm.conf", NULL);

    g_setenv ("XEN_KBOOT_RUN_DIR", run, TRUE);
    g_setenv ("XEN_KBOOT_DM_CONF", conf, TRUE);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (hook_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/hook/%s", hook_cases[i].name);
      g_test_add_data_func (path, &hook_cases[i], test_case);
    }
  g_test_add_func ("/kboot/hook/no-xml-needed", test_no_xml_needed);
  g_test_add_func ("/kboot/hook/too-large", test_too_large);
  g_test_add_func ("/kboot/hook/parse", test_parse);
  g_test_add_func ("/kboot/hook/parse-path", test_parse_path);
  g_test_add_func ("/kboot/hook/boot-path-record", test_boot_path_record);
  g_test_add_func ("/kboot/hook/dm-config", test_dm_config);
  status = g_test_run ();

  remove_files ();
  g_free (test_dir);
  return status;
}
