/* A small streaming JSON writer (see kboot_util_json.h). */
#include "config.h"

#include "kboot_util_json.h"

struct KbootJson {
  GString *out;
  guint depth;
  gboolean need_comma;   /* a value was written at this depth */
};

KbootJson *
kboot_json_new (void)
{
  KbootJson *json = g_new0 (KbootJson, 1);

  json->out = g_string_new (NULL);
  return json;
}

void
kboot_json_free (KbootJson *json)
{
  if (!json)
    return;
  g_string_free (json->out, TRUE);
  g_free (json);
}

static void
kboot_json_escape (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* Comma, newline, indent and "key": before a value. */
static void
kboot_json_prefix (KbootJson *json, const char *key)
{
  if (json->need_comma)
    g_string_append_c (json->out, ',');
  if (json->depth > 0)
    {
      g_string_append_c (json->out, '\n');
      for (guint i = 0; i < json->depth; i++)
        g_string_append (json->out, "  ");
    }
  if (key)
    {
      kboot_json_escape (json->out, key);
      g_string_append (json->out, ": ");
    }
  json->need_comma = TRUE;
}

static void
kboot_json_open (KbootJson *json, const char *key, char bracket)
{
  kboot_json_prefix (json, key);
  g_string_append_c (json->out, bracket);
  json->depth++;
  json->need_comma = FALSE;
}

static void
kboot_json_close (KbootJson *json, char bracket)
{
  gboolean empty = !json->need_comma;

  g_return_if_fail (json->depth > 0);
  json->depth--;
  if (!empty)
    {
      g_string_append_c (json->out, '\n');
      for (guint i = 0; i < json->depth; i++)
        g_string_append (json->out, "  ");
    }
  g_string_append_c (json->out, bracket);
  json->need_comma = TRUE;
  if (json->depth == 0)
    g_string_append_c (json->out, '\n');
}

void kboot_json_begin_object (KbootJson *json, const char *key) { kboot_json_open (json, key, '{'); }
void kboot_json_end_object (KbootJson *json) { kboot_json_close (json, '}'); }
void kboot_json_begin_array (KbootJson *json, const char *key) { kboot_json_open (json, key, '['); }
void kboot_json_end_array (KbootJson *json) { kboot_json_close (json, ']'); }

void
kboot_json_string (KbootJson *json, const char *key, const char *value)
{
  kboot_json_prefix (json, key);
  if (value)
    kboot_json_escape (json->out, value);
  else
    g_string_append (json->out, "null");
}

void
kboot_json_uint (KbootJson *json, const char *key, guint64 value)
{
  kboot_json_prefix (json, key);
  g_string_append_printf (json->out, "%" G_GUINT64_FORMAT, value);
}

void
kboot_json_bool (KbootJson *json, const char *key, gboolean value)
{
  kboot_json_prefix (json, key);
  g_string_append (json->out, value ? "true" : "false");
}

void
kboot_json_null (KbootJson *json, const char *key)
{
  kboot_json_prefix (json, key);
  g_string_append (json->out, "null");
}

const char *
kboot_json_get (KbootJson *json)
{
  return json->out->str;
}
