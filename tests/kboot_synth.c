#include "config.h"

#include <string.h>

#include "kboot_synth.h"
#include "kboot_util.h"

void
kboot_synth_put (KbootSynth *synth, gsize offset, guint width, guint64 value)
{
  g_assert_cmpuint (offset + width, <=, synth->len);
  kboot_le_put (synth->data + offset, width, value);
}

guint64
kboot_synth_get (const KbootSynth *synth, gsize offset, guint width)
{
  return kboot_le_get (synth->data + offset, width);
}

KbootSynth *
kboot_synth_new (guint16 version, guint8 setup_sects, gsize pm_size)
{
  KbootSynth *s = g_new0 (KbootSynth, 1);
  guint sects = setup_sects ? setup_sects : 4;
  gsize setup = ((gsize) sects + 1) * 512;
  static const guint8 xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

  s->len = setup + pm_size;
  s->data = g_malloc0 (s->len);

  kboot_synth_put (s, 0x1f1, 1, setup_sects);
  kboot_synth_put (s, 0x1fe, 2, 0xAA55);
  kboot_synth_put (s, 0x200, 1, 0xEB);
  kboot_synth_put (s, 0x201, 1, 0x6a);            /* header ends at 0x26c */
  kboot_synth_put (s, 0x202, 4, 0x53726448);      /* "HdrS" */
  kboot_synth_put (s, 0x206, 2, version);
  kboot_synth_put (s, 0x211, 1, 0x01);            /* LOADED_HIGH */
  kboot_synth_put (s, 0x214, 4, 0x100000);
  /* kernel_version pointer: a string at 0x300 (pointer is offset - 0x200) */
  kboot_synth_put (s, 0x20e, 2, 0x100);
  memcpy (s->data + 0x300, "6.1.0-synthetic (test) #1", 26);
  if (version >= 0x0203)
    kboot_synth_put (s, 0x22c, 4, 0x7fffffff);
  if (version >= 0x0205)
    {
      kboot_synth_put (s, 0x230, 4, 0x200000);
      kboot_synth_put (s, 0x234, 1, 1);
    }
  if (version >= 0x0206)
    kboot_synth_put (s, 0x238, 4, 2047);
  if (version >= 0x0208 && pm_size >= 0x100 + sizeof xz_magic)
    {
      kboot_synth_put (s, 0x248, 4, 0x100);
      kboot_synth_put (s, 0x24c, 4, pm_size - 0x100);
      memcpy (s->data + setup + 0x100, xz_magic, sizeof xz_magic);
    }
  if (version >= 0x020a)
    {
      kboot_synth_put (s, 0x235, 1, 21);
      kboot_synth_put (s, 0x258, 8, 0x1000000);
      kboot_synth_put (s, 0x260, 4, 0x1000000);
    }
  if (version >= 0x020c)
    kboot_synth_put (s, 0x236, 2, 0x03);          /* KERNEL_64 | ABOVE_4G */
  return s;
}

void
kboot_synth_free (KbootSynth *synth)
{
  if (!synth)
    return;
  g_free (synth->data);
  g_free (synth);
}
