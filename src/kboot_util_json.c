/* Reports as JSON through json-glib (see kboot_util_json.h). */
#include "config.h"

#include "kboot_util.h"
#include "kboot_util_json.h"

static void
kboot_json_key (JsonBuilder *json, const char *key)
{
  if (key)
    json_builder_set_member_name (json, key);
}

void
kboot_json_begin_object (JsonBuilder *json, const char *key)
{
  kboot_json_key (json, key);
  json_builder_begin_object (json);
}

void
kboot_json_end_object (JsonBuilder *json)
{
  json_builder_end_object (json);
}

void
kboot_json_begin_array (JsonBuilder *json, const char *key)
{
  kboot_json_key (json, key);
  json_builder_begin_array (json);
}

void
kboot_json_end_array (JsonBuilder *json)
{
  json_builder_end_array (json);
}

void
kboot_json_string (JsonBuilder *json, const char *key, const char *value)
{
  kboot_json_key (json, key);
  if (!value)
    json_builder_add_null_value (json);
  else if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (json, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (json, valid);
    }
}

void
kboot_json_path (JsonBuilder *json, const char *key, const char *path)
{
  kboot_json_string (json, key, path);
  if (path && !g_utf8_validate (path, -1, NULL))
    {
      g_autofree char *escaped_key = g_strconcat (key, "_escaped", NULL);
      g_autofree char *escaped = kboot_text_printable (path);

      kboot_json_string (json, escaped_key, escaped);
    }
}

void
kboot_json_uint (JsonBuilder *json, const char *key, guint64 value)
{
  kboot_json_key (json, key);
  if (value <= G_MAXINT64)
    json_builder_add_int_value (json, (gint64) value);
  else
    json_builder_add_double_value (json, (double) value);
}

void
kboot_json_bool (JsonBuilder *json, const char *key, gboolean value)
{
  kboot_json_key (json, key);
  json_builder_add_boolean_value (json, value);
}

void
kboot_json_null (JsonBuilder *json, const char *key)
{
  kboot_json_key (json, key);
  json_builder_add_null_value (json);
}

char *
kboot_json_to_text (JsonBuilder *json)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (json);
  g_autofree char *text = NULL;

  g_return_val_if_fail (root != NULL, NULL);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}
