/* Shared by the commands that read a domain: where the domain XML comes
 * from (a file, stdin or libvirt with --connect) and how problems print. */
#ifndef KBOOT_CONF_CLI_H
#define KBOOT_CONF_CLI_H

#include "xen_kboot_conf_native.h"

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

#endif /* KBOOT_CONF_CLI_H */
