/* The fake host: one directory ($XENSHIM_STATE) that every process using
 * the shim shares.
 *
 *   STATE/lock               flock'ed around every change
 *   STATE/last_domid         the domid Xen allocated last (its "rover")
 *   STATE/domain-N/          one domain; appears and disappears by rename
 *     name uuid type state   "state" is "paused", "running" or "shutdown"
 *     shutdown_reason        libxl's name of the reason, when shut down
 *     memkb video_memkb vcpus
 *     lowmem_end highmem_end the RAM layout (hex), 0 for PV and PVH
 *     ebx rip cr0            vCPU 0 as the builder left it (hex)
 *     ram                    guest RAM (sparse), see XenshimLayout
 *     userdata-ID            libxl_userdata_store()'s blobs
 *
 * Every value file holds one line and is replaced atomically (a temporary
 * file renamed over it, by g_file_set_contents()). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <xen/xen.h>

#include "xenshim.h"

#define XENSHIM_DOMAIN_PREFIX "domain-"

/* ---- layout ------------------------------------------------------------- */

gboolean
xenshim_layout_ram_offset (const XenshimLayout *layout, guint64 gpa,
                           guint64 len, guint64 *offset)
{
  guint64 end;

  if (len == 0 || !g_uint64_checked_add (&end, gpa, len))
    return FALSE;
  if (end <= layout->lowmem_end
      && (end <= XENSHIM_VGA_HOLE_START || gpa >= XENSHIM_VGA_HOLE_END))
    {
      *offset = gpa;
      return TRUE;
    }
  if (layout->highmem_end && gpa >= XENSHIM_FOUR_GIB && end <= layout->highmem_end)
    {
      *offset = layout->lowmem_end + (gpa - XENSHIM_FOUR_GIB);
      return TRUE;
    }
  return FALSE;
}

guint64
xenshim_layout_ram_size (const XenshimLayout *layout)
{
  return layout->lowmem_end
         + (layout->highmem_end ? layout->highmem_end - XENSHIM_FOUR_GIB : 0);
}

/* ---- the state directory ------------------------------------------------ */

const char *
xenshim_state_dir (void)
{
  const char *dir = getenv ("XENSHIM_STATE");

  if (!dir || !*dir)
    {
      xenshim_warn ("XENSHIM_STATE is not set: no fake host to act on");
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0755) < 0)
    {
      xenshim_warn ("cannot create the state directory %s: %s", dir,
                    g_strerror (errno));
      return NULL;
    }
  return dir;
}

int
xenshim_state_lock (void)
{
  const char *state = xenshim_state_dir ();
  g_autofree char *path = NULL;
  int fd;

  if (!state)
    return -1;
  path = g_build_filename (state, "lock", NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      xenshim_warn ("cannot open %s: %s", path, g_strerror (errno));
      return -1;
    }
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      {
        xenshim_warn ("cannot lock %s: %s", path, g_strerror (errno));
        close (fd);
        return -1;
      }
  return fd;
}

void
xenshim_state_unlock (int fd)
{
  if (fd >= 0)
    close (fd);   /* releases the flock */
}

char *
xenshim_domain_dir (guint32 domid)
{
  const char *state = xenshim_state_dir ();
  g_autofree char *base = NULL;

  if (!state)
    return NULL;
  base = g_strdup_printf (XENSHIM_DOMAIN_PREFIX "%u", domid);
  return g_build_filename (state, base, NULL);
}

/* The domid in a directory entry's name "domain-N", or FALSE. */
static gboolean
xenshim_domid_from_entry (const char *entry, guint32 *domid)
{
  guint64 n;

  if (!g_str_has_prefix (entry, XENSHIM_DOMAIN_PREFIX)
      || !g_ascii_string_to_unsigned (entry + strlen (XENSHIM_DOMAIN_PREFIX), 10,
                                      1, DOMID_FIRST_RESERVED - 1, &n, NULL))
    return FALSE;
  *domid = (guint32) n;
  return TRUE;
}

static gint
xenshim_domid_compare (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* The domids in the state directory, ascending. */
static GArray *
xenshim_domids (void)
{
  const char *state = xenshim_state_dir ();
  GArray *domids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *entry;

  if (!state)
    return domids;
  dir = g_dir_open (state, 0, &error);
  if (!dir)
    {
      xenshim_warn ("%s", error->message);
      return domids;
    }
  while ((entry = g_dir_read_name (dir)))
    {
      guint32 domid;

      if (xenshim_domid_from_entry (entry, &domid))
        g_array_append_val (domids, domid);
    }
  g_array_sort (domids, xenshim_domid_compare);
  return domids;
}

/* STATE/last_domid: Xen's "rover", the id it allocated last. */
static char *
xenshim_rover_path (void)
{
  const char *state = xenshim_state_dir ();

  return state ? g_build_filename (state, "last_domid", NULL) : NULL;
}

guint32
xenshim_domid_free (void)
{
  g_autoptr(GArray) domids = xenshim_domids ();
  g_autofree char *path = xenshim_rover_path ();
  g_autofree char *text = NULL;
  guint64 rover = 0;

  if (path && g_file_get_contents (path, &text, NULL, NULL)
      && !g_ascii_string_to_unsigned (g_strchomp (text), 10, 0,
                                      DOMID_FIRST_RESERVED - 1, &rover, NULL))
    {
      xenshim_warn ("%s: '%s' is not a domid", path, text);
      rover = 0;
    }
  /* XEN_DOMCTL_createdomain (xen/common/domctl.c): from rover + 1 up,
   * wrapping to 1 at DOMID_FIRST_RESERVED, the first id without a domain;
   * an id is not used again until the others have been. */
  for (guint32 dom = (guint32) rover + 1; dom != rover; dom++)
    {
      gboolean taken = FALSE;

      if (dom == DOMID_FIRST_RESERVED)
        {
          dom = 1;
          if (dom == rover)
            break;
        }
      for (guint i = 0; i < domids->len && !taken; i++)
        taken = g_array_index (domids, guint32, i) == dom;
      if (!taken)
        return dom;
    }
  return 0;
}

gboolean
xenshim_domid_take (guint32 domid)
{
  g_autofree char *path = xenshim_rover_path ();
  g_autofree char *text = g_strdup_printf ("%u\n", domid);
  g_autoptr(GError) error = NULL;

  if (!path)
    return FALSE;
  if (!g_file_set_contents (path, text, -1, &error))
    {
      xenshim_warn ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- one domain --------------------------------------------------------- */

void
xenshim_domain_free (XenshimDomain *dom)
{
  if (!dom)
    return;
  g_free (dom->name);
  g_free (dom->uuid);
  g_free (dom);
}

/* The one line in @dir/@key, without its newline.  A missing file is
 * left to the caller to explain: the domain may just have been destroyed. */
static char *
xenshim_value_read (const char *dir, const char *key)
{
  g_autofree char *path = g_build_filename (dir, key, NULL);
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  if (!g_file_get_contents (path, &value, NULL, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        xenshim_warn ("%s", error->message);
      return NULL;
    }
  g_strchomp (value);
  return value;
}

/* A number written by xenshim_domain_save: "0x..." hex or decimal. */
static gboolean
xenshim_value_read_u64 (const char *dir, const char *key, guint64 max,
                        guint64 *out)
{
  g_autofree char *value = xenshim_value_read (dir, key);
  gboolean hex;

  if (!value)
    return FALSE;
  hex = g_str_has_prefix (value, "0x");
  if (!g_ascii_string_to_unsigned (hex ? value + 2 : value, hex ? 16 : 10, 0,
                                   max, out, NULL))
    {
      xenshim_warn ("%s/%s: '%s' is not a number up to %" G_GUINT64_FORMAT,
                    dir, key, value, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
xenshim_value_write (const char *dir, const char *key, const char *value)
{
  g_autofree char *path = g_build_filename (dir, key, NULL);
  g_autofree char *line = g_strconcat (value, "\n", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, line, -1, &error))
    {
      xenshim_warn ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
xenshim_value_write_u64 (const char *dir, const char *key, gboolean hex,
                         guint64 value)
{
  char text[32];

  if (hex)
    g_snprintf (text, sizeof text, "0x%" G_GINT64_MODIFIER "x", value);
  else
    g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  return xenshim_value_write (dir, key, text);
}

XenshimDomain *
xenshim_domain_load (guint32 domid)
{
  g_autofree char *dir = xenshim_domain_dir (domid);
  g_autoptr(XenshimDomain) dom = NULL;
  g_autofree char *type = NULL;
  g_autofree char *state = NULL;
  guint64 vcpus;

  if (!dir || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  dom = g_new0 (XenshimDomain, 1);
  dom->domid = domid;
  if (!(dom->name = xenshim_value_read (dir, "name"))
      || !(dom->uuid = xenshim_value_read (dir, "uuid"))
      || !(type = xenshim_value_read (dir, "type"))
      || !(state = xenshim_value_read (dir, "state"))
      || !xenshim_value_read_u64 (dir, "memkb", G_MAXUINT64, &dom->max_memkb)
      || !xenshim_value_read_u64 (dir, "video_memkb", G_MAXUINT64, &dom->video_memkb)
      || !xenshim_value_read_u64 (dir, "vcpus", G_MAXUINT32, &vcpus)
      || !xenshim_value_read_u64 (dir, "lowmem_end", G_MAXUINT64, &dom->layout.lowmem_end)
      || !xenshim_value_read_u64 (dir, "highmem_end", G_MAXUINT64, &dom->layout.highmem_end)
      || !xenshim_value_read_u64 (dir, "ebx", G_MAXUINT64, &dom->rbx)
      || !xenshim_value_read_u64 (dir, "rip", G_MAXUINT64, &dom->rip)
      || !xenshim_value_read_u64 (dir, "cr0", G_MAXUINT64, &dom->cr0))
    {
      if (g_file_test (dir, G_FILE_TEST_IS_DIR))
        xenshim_warn ("%s: a value file is missing or wrong", dir);
      return NULL;
    }
  dom->vcpus = (guint32) vcpus;
  if (libxl_domain_type_from_string (type, &dom->type) != 0
      || (strcmp (state, "paused") != 0 && strcmp (state, "running") != 0
          && strcmp (state, "shutdown") != 0)
      || dom->layout.lowmem_end > XENSHIM_FOUR_GIB
      || (dom->layout.highmem_end && dom->layout.highmem_end <= XENSHIM_FOUR_GIB))
    {
      xenshim_warn ("%s: type '%s', state '%s' or the RAM layout is not what "
                    "we write", dir, type, state);
      return NULL;
    }
  dom->paused = strcmp (state, "paused") == 0;
  dom->shutdown = strcmp (state, "shutdown") == 0;
  if (dom->shutdown)
    {
      g_autofree char *reason = xenshim_value_read (dir, "shutdown_reason");

      if (!reason
          || libxl_shutdown_reason_from_string (reason, &dom->shutdown_reason) != 0)
        {
          if (g_file_test (dir, G_FILE_TEST_IS_DIR))
            xenshim_warn ("%s: shut down, but shutdown_reason is '%s'", dir,
                          reason ? reason : "(missing)");
          return NULL;
        }
    }
  return g_steal_pointer (&dom);
}

GPtrArray *
xenshim_domain_list (void)
{
  g_autoptr(GArray) domids = xenshim_domids ();
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xenshim_domain_free);

  for (guint i = 0; i < domids->len; i++)
    {
      /* A domain destroyed since the directory was read is skipped. */
      XenshimDomain *dom = xenshim_domain_load (g_array_index (domids, guint32, i));

      if (dom)
        g_ptr_array_add (list, dom);
    }
  return list;
}

gboolean
xenshim_domain_save (const XenshimDomain *dom, const char *dir)
{
  return xenshim_value_write (dir, "name", dom->name)
         && xenshim_value_write (dir, "uuid", dom->uuid)
         && xenshim_value_write (dir, "type", libxl_domain_type_to_string (dom->type))
         && (!dom->shutdown
             || xenshim_value_write (dir, "shutdown_reason",
                                     libxl_shutdown_reason_to_string (dom->shutdown_reason)))
         && xenshim_value_write (dir, "state", dom->shutdown ? "shutdown"
                                               : dom->paused ? "paused" : "running")
         && xenshim_value_write_u64 (dir, "memkb", FALSE, dom->max_memkb)
         && xenshim_value_write_u64 (dir, "video_memkb", FALSE, dom->video_memkb)
         && xenshim_value_write_u64 (dir, "vcpus", FALSE, dom->vcpus)
         && xenshim_value_write_u64 (dir, "lowmem_end", TRUE, dom->layout.lowmem_end)
         && xenshim_value_write_u64 (dir, "highmem_end", TRUE, dom->layout.highmem_end)
         && xenshim_value_write_u64 (dir, "ebx", TRUE, dom->rbx)
         && xenshim_value_write_u64 (dir, "rip", TRUE, dom->rip)
         && xenshim_value_write_u64 (dir, "cr0", TRUE, dom->cr0);
}

gboolean
xenshim_domain_set (guint32 domid, const char *key, const char *value)
{
  g_autofree char *dir = xenshim_domain_dir (domid);

  return dir && xenshim_value_write (dir, key, value);
}

gboolean
xenshim_domain_set_hex (guint32 domid, const char *key, guint64 value)
{
  g_autofree char *dir = xenshim_domain_dir (domid);

  return dir && xenshim_value_write_u64 (dir, key, TRUE, value);
}

gboolean
xenshim_domain_shutdown (guint32 domid, libxl_shutdown_reason reason)
{
  const char *name = libxl_shutdown_reason_to_string (reason);

  xenshim_log ("guest_shutdown domid=%u reason=%s", domid, name ? name : "-");
  return name && xenshim_domain_set (domid, "shutdown_reason", name)
         && xenshim_domain_set (domid, "state", "shutdown");
}

void
xenshim_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d && (entry = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (g_unlink (path) < 0)
        xenshim_warn ("cannot remove %s: %s", path, g_strerror (errno));
    }
  if (g_rmdir (dir) < 0)
    xenshim_warn ("cannot remove %s: %s", dir, g_strerror (errno));
}

gboolean
xenshim_domain_remove (guint32 domid)
{
  const char *state = xenshim_state_dir ();
  g_autofree char *dir = xenshim_domain_dir (domid);
  g_autofree char *base = NULL;
  g_autofree char *doomed = NULL;

  if (!state || !dir)
    return FALSE;
  /* Out of sight in one step, then emptied at leisure. */
  base = g_strdup_printf (".destroyed-domain-%u.%d", domid, (int) getpid ());
  doomed = g_build_filename (state, base, NULL);
  if (g_rename (dir, doomed) < 0)
    {
      xenshim_warn ("cannot move %s away: %s", dir, g_strerror (errno));
      return FALSE;
    }
  xenshim_remove_tree (doomed);
  return TRUE;
}
