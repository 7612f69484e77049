/* The boot path record from the libvirt hook to xen-kboot-dm
 * (src/xen_kboot_driver_choice.c): the names a record may have, the
 * records that parse (a table), and the files: written atomically with
 * their modes, removed, and refused when another user could have written
 * them, with the reason. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "xen_kboot_driver_choice.h"

/* ---- names ---- */

typedef struct {
  const char *name;
  const char *file;    /* under "/d"; NULL: refused */
} NameCase;

static const NameCase name_cases[] = {
  { "web-1", "/d/web-1.boot" },
  { "a.b_c d", "/d/a.b_c d.boot" },
  { "", NULL },
  { ".hidden", NULL },
  { "..", NULL },
  { "a/b", NULL },
  { "line\nbreak", NULL },
  { "tab\tbed", NULL },
};

static void
test_names (void)
{
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autofree char *at_limit = g_strnfill (200, 'x');

  for (gsize i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *file = xen_kboot_choice_file ("/d", name_cases[i].name, &error);

      g_test_message ("name '%s'", name_cases[i].name);
      g_assert_cmpstr (file, ==, name_cases[i].file);
      if (name_cases[i].file)
        g_assert_no_error (error);
      else
        g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_NAME);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *file = xen_kboot_choice_file ("/d", long_name, &error);

    g_assert_null (file);
    g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_NAME);
    g_assert_true (g_str_has_suffix (error->message, " cannot name the file of its "
                                     "boot path in /d (it must be 1 to 200 bytes, "
                                     "not start with '.', and hold no '/' or "
                                     "control character)"));
  }
  {
    g_autofree char *file = xen_kboot_choice_file ("/d", at_limit, NULL);

    g_assert_nonnull (file);
  }
}

/* ---- records ---- */

typedef struct {
  const char *name;
  const char *data;
  int path;              /* XenKbootBootPath, or -1: refused */
  const char *message;   /* when refused: a glob over the message */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "fast", "[boot]\npath = fast\n", XEN_KBOOT_BOOT_PATH_FAST },
  { "direct", "[boot]\npath=direct", XEN_KBOOT_BOOT_PATH_DIRECT },
  { "as-written", "# xen-kboot: the boot path of domain 'x'\n[boot]\npath = fast\n",
    XEN_KBOOT_BOOT_PATH_FAST },
  { "unknown-path", "[boot]\npath = slow\n", -1,
    "R: path = 'slow' is not direct or fast" },
  { "no-path", "[boot]\n", -1,
    "R: not a boot path record: it holds one group [boot] with one key, path" },
  { "extra-key", "[boot]\npath = fast\ncache = /tmp\n", -1, "R: not a boot path record: *" },
  { "other-group", "[other]\npath = fast\n", -1, "R: not a boot path record: *" },
  { "two-groups", "[boot]\npath = fast\n[more]\n", -1, "R: not a boot path record: *" },
  { "not-a-key-file", "fast\n", -1, "R: *" },
  { "empty", "", -1, "R: not a boot path record: *" },
};

static void
test_parse (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr(GError) error = NULL;
  XenKbootBootPath path = XEN_KBOOT_BOOT_PATH_LAST;
  gboolean ok = xen_kboot_choice_parse (c->data, strlen (c->data), "R", &path, &error);

  if (c->path >= 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (path, ==, c->path);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_INVALID);
  if (!g_pattern_match_simple (c->message, error->message))
    g_error ("message\n  %s\ndoes not match\n  %s", error->message, c->message);
}

/* ---- files ---- */

static char *test_dir;

/* A fresh directory of records, not yet created. */
static char *
fresh_dir (const char *name)
{
  return g_build_filename (test_dir, name, "domains", NULL);
}

/* Look "vm" up in @dir: -1 none, -2 refused with @code, else the path. */
static int
lookup (const char *dir, int code)
{
  g_autoptr(GError) error = NULL;
  XenKbootBootPath path;
  gboolean found;

  if (!xen_kboot_choice_lookup (dir, "vm", &found, &path, &error))
    {
      g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, code);
      g_test_message ("%s", error->message);
      return -2;
    }
  g_assert_no_error (error);
  return found ? (int) path : -1;
}

static void
test_record (void)
{
  g_autofree char *dir = fresh_dir ("record");
  g_autofree char *file = g_build_filename (dir, "vm.boot", NULL);
  g_autoptr(GError) error = NULL;
  XenKbootBootPath fast = XEN_KBOOT_BOOT_PATH_FAST, direct = XEN_KBOOT_BOOT_PATH_DIRECT;
  GStatBuf st;

  /* No directory yet: no record, and removing none is fine. */
  g_assert_cmpint (lookup (dir, 0), ==, -1);
  g_assert_true (xen_kboot_choice_record (dir, "vm", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  g_assert_true (xen_kboot_choice_record (dir, "vm", &fast, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookup (dir, 0), ==, XEN_KBOOT_BOOT_PATH_FAST);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_true (xen_kboot_choice_record (dir, "vm", &direct, &error));
  g_assert_cmpint (lookup (dir, 0), ==, XEN_KBOOT_BOOT_PATH_DIRECT);
  /* Only this domain's record: another name has none. */
  {
    gboolean found = TRUE;
    XenKbootBootPath path;

    g_assert_true (xen_kboot_choice_lookup (dir, "vm2", &found, &path, &error));
    g_assert_false (found);
  }
  g_assert_true (xen_kboot_choice_record (dir, "vm", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookup (dir, 0), ==, -1);
  g_assert_true (xen_kboot_choice_record (dir, "vm", NULL, &error));
  g_assert_no_error (error);

  /* A name that cannot be a file is refused, before any I/O. */
  g_assert_false (xen_kboot_choice_record (dir, "../vm", &fast, &error));
  g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_NAME);
}

/* What another user could have written is never followed. */
static void
test_unsafe (void)
{
  g_autofree char *dir = fresh_dir ("unsafe");
  g_autofree char *file = g_build_filename (dir, "vm.boot", NULL);
  g_autofree char *elsewhere = g_build_filename (test_dir, "elsewhere.boot", NULL);
  g_autofree char *linked = fresh_dir ("linked");
  g_autofree char *linked_parent = g_path_get_dirname (linked);
  g_autofree char *big = g_strnfill (5000, '#');
  g_autoptr(GError) error = NULL;
  XenKbootBootPath fast = XEN_KBOOT_BOOT_PATH_FAST;

  g_assert_true (xen_kboot_choice_record (dir, "vm", &fast, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
  g_assert_false (xen_kboot_choice_record (dir, "vm", &fast, &error));
  g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE);
  g_assert_true (strstr (error->message, "the directory of boot paths is writable "
                         "by group or others (mode 0777; chmod go-w it)"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);

  g_assert_cmpint (g_chmod (file, 0666), ==, 0);
  g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
  g_assert_cmpint (g_chmod (file, 0600), ==, 0);
  g_assert_cmpint (lookup (dir, 0), ==, XEN_KBOOT_BOOT_PATH_FAST);

  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (file, 65534, 65534), ==, 0);
      g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
      g_assert_cmpint (chown (file, 0, 0), ==, 0);
    }

  /* A symbolic link, a directory, a file too large to be a record. */
  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_true (g_file_set_contents (elsewhere, "[boot]\npath = fast\n", -1, NULL));
  g_assert_cmpint (symlink (elsewhere, file), ==, 0);
  g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_mkdir (file, 0700), ==, 0);
  g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
  g_assert_cmpint (g_rmdir (file), ==, 0);
  g_assert_true (g_file_set_contents (file, big, -1, NULL));
  g_assert_cmpint (g_chmod (file, 0600), ==, 0);
  g_assert_cmpint (lookup (dir, XEN_KBOOT_CHOICE_ERROR_INVALID), ==, -2);
  g_assert_cmpint (g_unlink (file), ==, 0);

  /* The directory itself a symbolic link. */
  g_assert_cmpint (g_mkdir (linked_parent, 0700), ==, 0);
  g_assert_cmpint (symlink (dir, linked), ==, 0);
  g_assert_cmpint (lookup (linked, XEN_KBOOT_CHOICE_ERROR_UNSAFE), ==, -2);
  g_assert_false (xen_kboot_choice_record (linked, "vm", &fast, &error));
  g_assert_error (error, XEN_KBOOT_CHOICE_ERROR, XEN_KBOOT_CHOICE_ERROR_UNSAFE);
  g_assert_true (strstr (error->message, "the directory of boot paths is a symbolic "
                         "link, not a directory"));
  g_unlink (linked);
  g_rmdir (linked_parent);
  g_unlink (elsewhere);
}

static void
test_dir_from_environment (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("XEN_KBOOT_RUN_DIR"));
  g_autofree char *by_default = NULL, *given = NULL;

  g_unsetenv ("XEN_KBOOT_RUN_DIR");
  by_default = xen_kboot_choice_dir ();
  g_setenv ("XEN_KBOOT_RUN_DIR", "/tmp/r", TRUE);
  given = xen_kboot_choice_dir ();
  g_assert_cmpstr (by_default, ==, "/run/xen-kboot/domains");
  g_assert_cmpstr (given, ==, "/tmp/r/domains");
  if (saved)
    g_setenv ("XEN_KBOOT_RUN_DIR", saved, TRUE);
  else
    g_unsetenv ("XEN_KBOOT_RUN_DIR");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  test_dir = g_dir_make_tmp ("kboot-choice-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/kboot/choice/names", test_names);
  for (gsize i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/choice/parse/%s", parse_cases[i].name);
      g_test_add_data_func (path, &parse_cases[i], test_parse);
    }
  g_test_add_func ("/kboot/choice/record", test_record);
  g_test_add_func ("/kboot/choice/unsafe", test_unsafe);
  g_test_add_func ("/kboot/choice/dir", test_dir_from_environment);
  status = g_test_run ();

  remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
