/* Writing reports as JSON (inspect --json, plan --json) with json-glib's
 * JsonBuilder, which keeps the nesting and the commas, and its generator,
 * which escapes; these helpers add what the reports need on top: a value
 * with its member name in one call, strings that are always valid UTF-8,
 * and unsigned 64-bit numbers. */
#ifndef KBOOT_UTIL_JSON_H
#define KBOOT_UTIL_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A NULL @key is for values inside arrays (and the top-level value). */
void kboot_json_begin_object (JsonBuilder *json, const char *key);
void kboot_json_end_object (JsonBuilder *json);
void kboot_json_begin_array (JsonBuilder *json, const char *key);
void kboot_json_end_array (JsonBuilder *json);
/* NULL is null; bytes that are not valid UTF-8 become U+FFFD (JSON text
 * is UTF-8, and json-glib copies invalid bytes through). */
void kboot_json_string (JsonBuilder *json, const char *key, const char *value);
/* A file name as kboot_json_string writes it and, when it is not valid
 * UTF-8 (a file name is bytes), also "KEY_escaped": the name with those
 * bytes as "\xNN" (kboot_text_printable), which tells the exact file. */
void kboot_json_path (JsonBuilder *json, const char *key, const char *path);
/* Above G_MAXINT64 (only a hostile header has such a field) the number is
 * written as a floating-point one, as precise as jq reads any number. */
void kboot_json_uint (JsonBuilder *json, const char *key, guint64 value);
void kboot_json_bool (JsonBuilder *json, const char *key, gboolean value);
void kboot_json_null (JsonBuilder *json, const char *key);

/* The document, pretty-printed with two-space indents and ending in
 * "\n"; the top-level value must be closed. */
char *kboot_json_to_text (JsonBuilder *json);

G_END_DECLS

#endif /* KBOOT_UTIL_JSON_H */
