/* Shared by the commands that read a domain: where the domain XML comes
 * from (a file, stdin or libvirt with --connect) and how problems print. */
#ifndef KBOOT_CONF_CLI_H
#define KBOOT_CONF_CLI_H

#include "xen_kboot_conf_native.h"
#include "xen_kboot_driver_fast.h"

/* Read the domain: from @uri's domain named @arg when @uri is set (its
 * inactive XML, through libvirt's public API), else from the file @arg.
 * With @keep the definition is returned despite problems (validate).
 * Problems are appended to @problems. */
XenKbootDomainDef *kboot_conf_cli_load (const char *uri, const char *arg,
                                        gboolean keep, GPtrArray *problems);

/* For the commands that convert the domain to Xen's terms (domxml-to-native,
 * create): kboot_conf_cli_load, then what the conversion needs beyond a
 * valid domain (xen_kboot_native_check): with @uri, each <interface
 * type='network'> gets its network's bridge from libvirt, on the same
 * connection; from a file, such an interface is refused with what to do. */
XenKbootDomainDef *kboot_conf_cli_load_to_convert (const char *uri, const char *arg,
                                                   GPtrArray *problems);

/* Every problem, one per line, on stderr (messages name the file). */
void kboot_conf_cli_print_problems (GPtrArray *problems);
/* The elements xen-kboot ignored, once, on stderr. */
void kboot_conf_cli_print_ignored (const XenKbootDomainDef *def);
/* What booting @def in @mode will give it that it may not expect
 * (xen_kboot_domain_def_warnings), "xen-kboot: warning: ..." on stderr;
 * the exit status does not change. */
void kboot_conf_cli_print_warnings (const XenKbootDomainDef *def,
                                    XenKbootBootMode mode);
/* The same for the configuration @options describe, and what it does to
 * the domain's own <emulator> (xen_kboot_native_warnings). */
void kboot_conf_cli_print_native_warnings (const XenKbootDomainDef *def,
                                           const XenKbootNativeOptions *options);
/* --mode @text for "xen-kboot @command": TRUE with *@mode set, or FALSE
 * once the usage error is printed (kboot_cli_usage_error). */
gboolean kboot_conf_cli_parse_mode (const char *command, const char *text,
                                    XenKbootBootMode *mode);

/* --boot-path, --kernel-cache and --kernel-cache-size, as preview and
 * create take them (KBOOT_CONF_CLI_FAST_ENTRIES in their option tables). */
typedef struct {
  char *boot_path;
  char *cache_dir;
  char *cache_size;
  XenKbootFastOptions fast;
} KbootConfCliFast;

#define KBOOT_CONF_CLI_FAST_ENTRIES(f)                                        \
  { "boot-path", 0, 0, G_OPTION_ARG_STRING, &(f)->boot_path,                  \
    "What the loader puts in guest memory: direct (the bzImage, which "      \
    "decompresses itself) or fast (the kernel decompressed on the host, "    \
    "without KASLR); default: the domain's <kboot:boot path=>, else direct", \
    "PATH" },                                                                 \
  { "kernel-cache", 0, 0, G_OPTION_ARG_FILENAME, &(f)->cache_dir,             \
    "The fast path's cache of decompressed kernels (default "                \
    "/var/cache/xen-kboot/kernels for root, else ~/.cache/xen-kboot/"       \
    "kernels); none: no cache", "DIR" },                                     \
  { "kernel-cache-size", 0, 0, G_OPTION_ARG_STRING, &(f)->cache_size,         \
    "Evict the least recently used cached kernels beyond SIZE bytes (K, M, " \
    "G suffixes; default 1G)", "SIZE" }

void kboot_conf_cli_fast_clear (KbootConfCliFast *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KbootConfCliFast, kboot_conf_cli_fast_clear)
/* Which path @def boots by (--boot-path, else <kboot:boot path=>, else
 * direct): *@fast = NULL for direct, else the fast path's options (in @f).
 * FALSE once a usage error is printed. */
gboolean kboot_conf_cli_fast_resolve (const char *command, KbootConfCliFast *f,
                                      const XenKbootDomainDef *def,
                                      gboolean verbose,
                                      const XenKbootFastOptions **fast);

#endif /* KBOOT_CONF_CLI_H */
