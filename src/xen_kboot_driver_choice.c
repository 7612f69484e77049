/* The boot path a libvirt domain chose, from the hook to xen-kboot-dm
 * (see xen_kboot_driver_choice.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kboot_util.h"
#include "kboot_util_file.h"
#include "xen_kboot_driver_choice.h"

G_DEFINE_QUARK (xen-kboot-choice-error-quark, xen_kboot_choice_error)

#define CHOICE_GROUP "boot"
#define CHOICE_SUFFIX ".boot"
#define CHOICE_NAME_MAX 200
/* A file the hook wrote is about 20 bytes. */
#define CHOICE_FILE_MAX 4096

char *
xen_kboot_choice_dir (void)
{
  const char *run = g_getenv ("XEN_KBOOT_RUN_DIR");

  return g_build_filename (run && *run ? run : "/run/xen-kboot", "domains", NULL);
}

char *
xen_kboot_choice_file (const char *dir, const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;
  g_autofree char *base = NULL;

  for (gsize i = 0; i < len; i++)
    if (name[i] == '/' || g_ascii_iscntrl (name[i]))
      len = 0;
  if (len == 0 || len > CHOICE_NAME_MAX || name[0] == '.')
    {
      g_autofree char *shown = kboot_text_printable (name ? name : "");

      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_NAME,
                   "domain name '%s' cannot name the file of its boot path in "
                   "%s (it must be 1 to %d bytes, not start with '.', and hold "
                   "no '/' or control character)", shown, dir, CHOICE_NAME_MAX);
      return NULL;
    }
  base = g_strconcat (name, CHOICE_SUFFIX, NULL);
  return g_build_filename (dir, base, NULL);
}

gboolean
xen_kboot_choice_parse (const char *data, gsize len, const char *file,
                        XenKbootBootPath *path, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *value = NULL;

  if (!g_key_file_load_from_data (keys, data, len, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_INVALID,
                   "%s: %s", file, local->message);
      return FALSE;
    }
  groups = g_key_file_get_groups (keys, NULL);
  names = g_key_file_get_keys (keys, CHOICE_GROUP, NULL, NULL);
  value = g_key_file_get_string (keys, CHOICE_GROUP, "path", NULL);
  if (g_strv_length (groups) != 1 || !names || g_strv_length (names) != 1 || !value)
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_INVALID,
                   "%s: not a boot path record: it holds one group [%s] with "
                   "one key, path", file, CHOICE_GROUP);
      return FALSE;
    }
  if (!xen_kboot_boot_path_from_string (g_strstrip (value), path))
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_INVALID,
                   "%s: path = '%s' is not direct or fast", file, value);
      return FALSE;
    }
  return TRUE;
}

/* Only the caller (root, for libvirt's hook and xen-kboot-dm) may have
 * written what decides how a domain boots. */
static gboolean
check_owner_mode (const struct stat *st, const char *path, const char *what,
                  GError **error)
{
  if (st->st_uid != geteuid ())
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE,
                   "%s: the %s is owned by uid %u, not by uid %u that uses it "
                   "(remove it)", path, what, (guint) st->st_uid, (guint) geteuid ());
      return FALSE;
    }
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE,
                   "%s: the %s is writable by group or others (mode 0%03o; "
                   "chmod go-w it)", path, what, (guint) (st->st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

static gboolean
io_error (GError **error, int saved, const char *path, const char *doing)
{
  g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_IO,
               "%s: cannot %s: %s", path, doing, g_strerror (saved));
  return FALSE;
}

/* @dir is a real directory (not a link) that only we could have written;
 * *missing instead when it does not exist. */
static gboolean
check_dir (const char *dir, gboolean *missing, GError **error)
{
  struct stat st;

  *missing = FALSE;
  if (lstat (dir, &st) != 0)
    {
      if (errno == ENOENT)
        {
          *missing = TRUE;
          return TRUE;
        }
      return io_error (error, errno, dir, "look at the directory of boot paths");
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE,
                   "%s: the directory of boot paths is %s, not a directory", dir,
                   S_ISREG (st.st_mode) ? "a regular file"
                   : S_ISLNK (st.st_mode) ? "a symbolic link"
                   : kboot_file_type_name (st.st_mode));
      return FALSE;
    }
  return check_owner_mode (&st, dir, "directory of boot paths", error);
}

gboolean
xen_kboot_choice_record (const char *dir, const char *name,
                         const XenKbootBootPath *path, GError **error)
{
  g_autofree char *file = xen_kboot_choice_file (dir, name, error);
  g_autofree char *data = NULL;
  gboolean missing;

  if (!file || !check_dir (dir, &missing, error))
    return FALSE;
  if (!path)
    {
      if (!missing && unlink (file) != 0 && errno != ENOENT)
        return io_error (error, errno, file, "remove the domain's boot path");
      return TRUE;
    }
  if (missing)
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        return io_error (error, errno, dir, "create the directory of boot paths");
      if (!check_dir (dir, &missing, error))
        return FALSE;
    }
  data = g_strdup_printf ("# xen-kboot: the boot path of domain '%s', from its "
                          "<kboot:boot path=>, for xen-kboot-dm\n[%s]\npath = %s\n",
                          name, CHOICE_GROUP, xen_kboot_boot_path_to_string (*path));
  /* CONSISTENT: a temporary file renamed over the old one. */
  return g_file_set_contents_full (file, data, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

gboolean
xen_kboot_choice_lookup (const char *dir, const char *name, gboolean *found,
                         XenKbootBootPath *path, GError **error)
{
  g_autofree char *file = xen_kboot_choice_file (dir, name, error);
  char data[CHOICE_FILE_MAX + 1];
  gboolean missing;
  struct stat st;
  ssize_t len;
  int fd;

  *found = FALSE;
  if (!file || !check_dir (dir, &missing, error))
    return FALSE;
  if (missing)
    return TRUE;
  fd = open (file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      if (errno == ELOOP)
        {
          g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE,
                       "%s: the boot path file is a symbolic link, not a regular "
                       "file", file);
          return FALSE;
        }
      return io_error (error, errno, file, "read the domain's boot path");
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      return io_error (error, saved, file, "read the domain's boot path");
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE,
                   "%s: the boot path file is %s, not a regular file", file,
                   kboot_file_type_name (st.st_mode));
      return FALSE;
    }
  if (!check_owner_mode (&st, file, "boot path file", error))
    {
      close (fd);
      return FALSE;
    }
  len = read (fd, data, sizeof data);
  close (fd);
  if (len < 0)
    return io_error (error, errno, file, "read the domain's boot path");
  if (len > CHOICE_FILE_MAX)
    {
      g_set_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_INVALID,
                   "%s: more than %d bytes: not a boot path record", file,
                   CHOICE_FILE_MAX);
      return FALSE;
    }
  if (!xen_kboot_choice_parse (data, (gsize) len, file, path, error))
    return FALSE;
  *found = TRUE;
  return TRUE;
}
