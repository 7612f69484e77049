/* Synthetic kernel images for tests: a bzImage-shaped buffer whose setup
 * header the test controls field by field.  Offsets here are typed from
 * Documentation/arch/x86/boot.rst on purpose, not taken from the code
 * under test. */
#ifndef KBOOT_SYNTH_H
#define KBOOT_SYNTH_H

#include <glib.h>

typedef struct {
  guint8 *data;
  gsize len;
} KbootSynth;

/* A bootable-looking bzImage of @version (e.g. 0x020f) with @setup_sects
 * setup sectors and @pm_size bytes of protected-mode kernel: boot flag,
 * "HdrS", LOADED_HIGH, code32_start 0x100000, relocatable, alignment 2 MiB,
 * min_alignment 21, pref_address 0x1000000, init_size 0x1000000,
 * cmdline_size 2047, initrd_addr_max 0x7fffffff, and an xz payload,
 * each only where @version defines the field. */
KbootSynth *kboot_synth_new (guint16 version, guint8 setup_sects, gsize pm_size);
void kboot_synth_free (KbootSynth *synth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootSynth, kboot_synth_free)

void kboot_synth_put (KbootSynth *synth, gsize offset, guint width, guint64 value);
guint64 kboot_synth_get (const KbootSynth *synth, gsize offset, guint width);

#endif /* KBOOT_SYNTH_H */
