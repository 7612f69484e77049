/* Messages, the call log ($XENSHIM_LOG) and fault injection ($XENSHIM_FAIL).
 *
 * The environment is read on every call, so a test may change it between
 * calls.  Each log line is written with one write(2) to a descriptor
 * opened with O_APPEND: lines from concurrent processes never interleave. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenshim.h"

/* Write all of @s to @fd; the caller's errno is kept. */
static void
xenshim_write_line (int fd, const char *s)
{
  int saved = errno;
  size_t len = strlen (s);

  while (len > 0)
    {
      ssize_t r = write (fd, s, len);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      s += r;
      len -= (size_t) r;
    }
  errno = saved;
}

void
xenshim_warn (const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strdup_printf ("xenshim: %s\n", message);
  xenshim_write_line (STDERR_FILENO, line);
}

void
xenshim_log (const char *format, ...)
{
  const char *path = getenv ("XENSHIM_LOG");
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;
  int saved = errno;
  int fd;

  if (!path || !*path)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (message, "\n", NULL);

  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      xenshim_warn ("cannot open the log %s: %s", path, g_strerror (errno));
      errno = saved;
      return;
    }
  /* One write: O_APPEND makes it atomic against other writers. */
  if (write (fd, line, strlen (line)) != (ssize_t) strlen (line))
    xenshim_warn ("cannot append to the log %s: %s", path, g_strerror (errno));
  close (fd);
  errno = saved;
}

/* ---- faults ------------------------------------------------------------- */

typedef enum {
  XENSHIM_FAULT_PLAIN,    /* "create" */
  XENSHIM_FAULT_NTH,      /* "map:K", K >= 1, decimal */
  XENSHIM_FAULT_PFN,      /* "map-pfn:0xHEX" */
} XenshimFaultForm;

static const struct {
  const char *name;
  XenshimFaultForm form;
} xenshim_faults[] = {
  { "hypervisor", XENSHIM_FAULT_PLAIN },
  { "create", XENSHIM_FAULT_PLAIN },
  { "unpause", XENSHIM_FAULT_PLAIN },
  { "destroy", XENSHIM_FAULT_PLAIN },
  { "userdata", XENSHIM_FAULT_PLAIN },
  { "getcontext", XENSHIM_FAULT_PLAIN },
  { "getcontext-full", XENSHIM_FAULT_PLAIN },
  { "setcontext", XENSHIM_FAULT_PLAIN },
  { "evenable", XENSHIM_FAULT_PLAIN },
  { "coredump", XENSHIM_FAULT_PLAIN },
  { "preserve", XENSHIM_FAULT_PLAIN },
  { "map", XENSHIM_FAULT_NTH },
  { "signal-map", XENSHIM_FAULT_NTH },
  { "unmap", XENSHIM_FAULT_NTH },
  { "map-pfn", XENSHIM_FAULT_PFN },
};

/* Parse one XENSHIM_FAIL item into its name and argument (0 if none). */
static gboolean
xenshim_fault_parse (const char *item, const char **name, guint64 *arg)
{
  const char *colon = strchr (item, ':');
  size_t name_len = colon ? (size_t) (colon - item) : strlen (item);

  for (guint i = 0; i < G_N_ELEMENTS (xenshim_faults); i++)
    {
      const char *known = xenshim_faults[i].name;

      if (strlen (known) != name_len || strncmp (item, known, name_len) != 0)
        continue;
      *name = known;
      *arg = 0;
      switch (xenshim_faults[i].form)
        {
        case XENSHIM_FAULT_PLAIN:
          return colon == NULL;
        case XENSHIM_FAULT_NTH:
          return colon && g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT64,
                                                      arg, NULL);
        case XENSHIM_FAULT_PFN:
          return colon && g_str_has_prefix (colon + 1, "0x")
                 && g_ascii_string_to_unsigned (colon + 3, 16, 0, G_MAXUINT64,
                                                arg, NULL);
        }
    }
  return FALSE;
}

G_LOCK_DEFINE_STATIC (xenshim_fault_warned);

/* The items of $XENSHIM_FAIL (NULL when unset).  An item we do not know is
 * a mistake in the test: say so, once per value of the variable. */
static char **
xenshim_fault_items (void)
{
  static char *warned;
  const char *spec = getenv ("XENSHIM_FAIL");
  g_auto(GStrv) items = NULL;

  if (!spec || !*spec)
    return NULL;
  items = g_strsplit (spec, ",", -1);
  G_LOCK (xenshim_fault_warned);
  if (g_strcmp0 (warned, spec) != 0)
    {
      for (guint i = 0; items[i]; i++)
        {
          const char *name;
          guint64 arg;

          if (*items[i] && !xenshim_fault_parse (items[i], &name, &arg))
            xenshim_warn ("XENSHIM_FAIL: unknown fault '%s' (see "
                          "tests/xenshim/README.md)", items[i]);
        }
      g_free (warned);
      warned = g_strdup (spec);
    }
  G_UNLOCK (xenshim_fault_warned);
  return g_steal_pointer (&items);
}

/* Whether $XENSHIM_FAIL holds @want with argument @want_arg. */
static gboolean
xenshim_fault_find (const char *want, guint64 want_arg)
{
  g_auto(GStrv) items = xenshim_fault_items ();

  for (guint i = 0; items && items[i]; i++)
    {
      const char *name;
      guint64 arg;

      if (xenshim_fault_parse (items[i], &name, &arg)
          && strcmp (name, want) == 0 && arg == want_arg)
        return TRUE;
    }
  return FALSE;
}

gboolean
xenshim_fault (const char *name)
{
  if (!xenshim_fault_find (name, 0))
    return FALSE;
  xenshim_log ("fail %s", name);
  return TRUE;
}

gboolean
xenshim_fault_nth (const char *name, guint64 n)
{
  if (!xenshim_fault_find (name, n))
    return FALSE;
  xenshim_log ("fail %s:%" G_GUINT64_FORMAT, name, n);
  return TRUE;
}

GArray *
xenshim_fault_pfns (void)
{
  g_auto(GStrv) items = xenshim_fault_items ();
  GArray *pfns = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; items && items[i]; i++)
    {
      const char *name;
      guint64 pfn;

      if (xenshim_fault_parse (items[i], &name, &pfn) && strcmp (name, "map-pfn") == 0)
        g_array_append_val (pfns, pfn);
    }
  return pfns;
}
