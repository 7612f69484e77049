/* A small streaming JSON writer for reports (inspect --json, plan --json).
 * It tracks nesting and commas so callers only say what to write. */
#ifndef KBOOT_UTIL_JSON_H
#define KBOOT_UTIL_JSON_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct KbootJson KbootJson;

KbootJson *kboot_json_new (void);
void kboot_json_free (KbootJson *json);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootJson, kboot_json_free)

/* A NULL @key is for values inside arrays (and the top-level value). */
void kboot_json_begin_object (KbootJson *json, const char *key);
void kboot_json_end_object (KbootJson *json);
void kboot_json_begin_array (KbootJson *json, const char *key);
void kboot_json_end_array (KbootJson *json);
void kboot_json_string (KbootJson *json, const char *key, const char *value); /* NULL => null */
void kboot_json_uint (KbootJson *json, const char *key, guint64 value);
void kboot_json_bool (KbootJson *json, const char *key, gboolean value);
void kboot_json_null (KbootJson *json, const char *key);

/* The text so far, pretty-printed with two-space indents, ending in "\n"
 * once the top-level value is closed. */
const char *kboot_json_get (KbootJson *json);

G_END_DECLS

#endif /* KBOOT_UTIL_JSON_H */
