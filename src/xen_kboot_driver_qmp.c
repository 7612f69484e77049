/* QMP lines as preview reads them (see xen_kboot_driver_qmp.h). */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "xen_kboot_driver_qmp.h"

G_DEFINE_QUARK (kboot-qmp-error-quark, kboot_qmp_error)

static const char *const kboot_qmp_end_names[] = {
  [KBOOT_QMP_END_NONE] = "none",
  [KBOOT_QMP_END_POWEROFF] = "poweroff",
  [KBOOT_QMP_END_REBOOT] = "reboot",
  [KBOOT_QMP_END_PANIC] = "panic",
  [KBOOT_QMP_END_HOST] = "host",
  [KBOOT_QMP_END_OTHER] = "other",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_qmp_end_names) == KBOOT_QMP_END_LAST);

/* QEMU 7.2's ShutdownCause values (qapi/run-state.json) but "none", which
 * QEMU never sends with SHUTDOWN. */
static const struct {
  const char *reason;
  KbootQmpEnd end;
} kboot_qmp_reasons[] = {
  { "guest-shutdown", KBOOT_QMP_END_POWEROFF },
  { "guest-reset", KBOOT_QMP_END_REBOOT },
  { "guest-panic", KBOOT_QMP_END_PANIC },
  { "host-error", KBOOT_QMP_END_HOST },
  { "host-qmp-quit", KBOOT_QMP_END_HOST },
  { "host-qmp-system-reset", KBOOT_QMP_END_HOST },
  { "host-signal", KBOOT_QMP_END_HOST },
  { "host-ui", KBOOT_QMP_END_HOST },
};

const char *
kboot_qmp_end_to_string (KbootQmpEnd end)
{
  g_return_val_if_fail (end < KBOOT_QMP_END_LAST, NULL);
  return kboot_qmp_end_names[end];
}

KbootQmpEnd
kboot_qmp_end_from_reason (const char *reason)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_qmp_reasons); i++)
    if (g_strcmp0 (reason, kboot_qmp_reasons[i].reason) == 0)
      return kboot_qmp_reasons[i].end;
  return KBOOT_QMP_END_OTHER;
}

void
kboot_qmp_message_clear (KbootQmpMessage *message)
{
  g_clear_pointer (&message->text, g_free);
  message->kind = KBOOT_QMP_MESSAGE_GREETING;
  message->end = KBOOT_QMP_END_NONE;
}

/* @object's member @name when it is a string, else NULL. */
static const char *
kboot_qmp_string (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (!node || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* @object's member @name when it is an object, else NULL. */
static JsonObject *
kboot_qmp_object (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
kboot_qmp_parse_event (JsonObject *object, const char *line,
                       KbootQmpMessage *message, GError **error)
{
  const char *event = kboot_qmp_string (object, "event");
  const char *reason;

  if (!event)
    {
      g_set_error (error, KBOOT_QMP_ERROR, KBOOT_QMP_ERROR_FIELD,
                   "QMP event without a string \"event\": '%s'", line);
      return FALSE;
    }
  if (strcmp (event, "SHUTDOWN") != 0)
    {
      message->kind = KBOOT_QMP_MESSAGE_EVENT;
      message->text = g_strdup (event);
      return TRUE;
    }
  /* "reason" appeared in QEMU 4.0; an older QEMU's SHUTDOWN says less. */
  reason = kboot_qmp_string (kboot_qmp_object (object, "data"), "reason");
  if (!reason)
    {
      g_set_error (error, KBOOT_QMP_ERROR, KBOOT_QMP_ERROR_FIELD,
                   "QMP SHUTDOWN event without a string data.reason (QEMU 4.0 "
                   "and later send one): '%s'", line);
      return FALSE;
    }
  message->kind = KBOOT_QMP_MESSAGE_SHUTDOWN;
  message->end = kboot_qmp_end_from_reason (reason);
  message->text = g_strdup (reason);
  return TRUE;
}

gboolean
kboot_qmp_parse (const char *line, KbootQmpMessage *message, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autofree char *text = g_strchomp (g_strdup (line));  /* QEMU ends with \r\n */
  JsonNode *root;
  JsonObject *object;

  kboot_qmp_message_clear (message);
  if (!json_parser_load_from_data (parser, text, -1, &json_error))
    {
      g_set_error (error, KBOOT_QMP_ERROR, KBOOT_QMP_ERROR_SYNTAX,
                   "not a QMP message: '%s': %s", text, json_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KBOOT_QMP_ERROR, KBOOT_QMP_ERROR_SYNTAX,
                   "not a QMP message: '%s' is not a JSON object", text);
      return FALSE;
    }
  object = json_node_get_object (root);

  /* The member that names the kind (qmp-spec.rst, 2.2 to 2.5). */
  if (json_object_has_member (object, "QMP"))
    message->kind = KBOOT_QMP_MESSAGE_GREETING;
  else if (json_object_has_member (object, "return"))
    message->kind = KBOOT_QMP_MESSAGE_RETURN;
  else if (json_object_has_member (object, "error"))
    {
      const char *desc = kboot_qmp_string (kboot_qmp_object (object, "error"), "desc");

      message->kind = KBOOT_QMP_MESSAGE_ERROR;
      message->text = g_strdup (desc ? desc : "(no description)");
    }
  else if (json_object_has_member (object, "event"))
    return kboot_qmp_parse_event (object, text, message, error);
  else
    {
      g_set_error (error, KBOOT_QMP_ERROR, KBOOT_QMP_ERROR_UNKNOWN,
                   "not a QMP message: '%s' has none of \"QMP\", \"return\", "
                   "\"error\" or \"event\"", text);
      return FALSE;
    }
  return TRUE;
}
