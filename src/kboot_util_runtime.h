/* Process-level helpers for the commands that create things (preview,
 * create): where the firmware is, where RAM files go, and signals that
 * must turn into a clean stop instead of a half-done job. */
#ifndef KBOOT_UTIL_RUNTIME_H
#define KBOOT_UTIL_RUNTIME_H

#include <glib.h>

G_BEGIN_DECLS

/* The firmware file @name (xen-kboot-fw.bin or xen-kboot-fw.elf):
 * $XEN_KBOOT_FIRMWARE_DIR, else the build tree next to this executable
 * (../firmware), else, for an executable installed below a root (make
 * install DESTDIR=ROOT), ROOT/KBOOT_FIRMWARE_DIR, else the installed
 * KBOOT_FIRMWARE_DIR. */
char *kboot_runtime_find_firmware (const char *name, GError **error);

/* A directory for guest RAM files: $XEN_KBOOT_RAM_DIR, else /dev/shm when
 * it is a writable directory, else g_get_tmp_dir(). */
char *kboot_runtime_ram_dir (void);

/* Where a monitor dumps a guest's memory (coredump-destroy/-restart):
 * $XEN_KBOOT_DUMP_DIR, else xl's /var/lib/xen/dump. */
char *kboot_runtime_dump_dir (void);

/* Where a monitor's log may go, in order of preference: $XEN_KBOOT_LOG_DIR
 * alone when set, else xl's /var/log/xen, then /var/log (Xen's directory
 * is missing where the Xen tools are not installed). */
GStrv kboot_runtime_log_dirs (void);

/* Catch SIGINT, SIGTERM and SIGHUP: the first sets the returned flag (the
 * loader and the QEMU runner poll it) and remembers the signal. */
volatile gint *kboot_runtime_catch_signals (void);
int kboot_runtime_caught_signal (void);
void kboot_runtime_restore_signals (void);

/* "2024-05-01T12:00:00Z": @unix_time (negative counts as 0) in UTC, into
 * @buf with its NUL.  Plain arithmetic, no library call: a signal handler
 * may use it for a log line. */
#define KBOOT_RUNTIME_UTC_STAMP_SIZE 21
void kboot_runtime_utc_stamp (gint64 unix_time, char buf[KBOOT_RUNTIME_UTC_STAMP_SIZE]);

G_END_DECLS

#endif /* KBOOT_UTIL_RUNTIME_H */
