/* What preview reads from QEMU's monitor (QMP, docs/interop/qmp-spec.rst
 * in QEMU): the greeting, the answer to qmp_capabilities, and the SHUTDOWN
 * event whose reason tells a guest's power-off from its reboot.  Pure: one
 * line of text in, one message out; the socket is xen_kboot_driver_qemu.c's.
 *
 * QEMU 7.2 (qapi/run-state.json, ShutdownCause) emits SHUTDOWN before it
 * exits, with "reason": guest-shutdown when the guest powered off (ACPI
 * S5), guest-reset when it reset (a reboot, or a triple fault: QEMU tells
 * them apart no further; -no-reboot makes either end QEMU), guest-panic
 * from a panic device, host-* when told to stop from the host (a signal,
 * the "quit" command, its window).  Without -no-shutdown, QEMU exits at
 * every SHUTDOWN. */
#ifndef XEN_KBOOT_DRIVER_QMP_H
#define XEN_KBOOT_DRIVER_QMP_H

#include <glib.h>

G_BEGIN_DECLS

/* The command that leaves capabilities negotiation: until it is sent,
 * QEMU sends no events. */
#define KBOOT_QMP_CAPABILITIES "{\"execute\": \"qmp_capabilities\"}\n"

typedef enum {
  KBOOT_QMP_MESSAGE_GREETING,  /* {"QMP": {...}}: the monitor is up */
  KBOOT_QMP_MESSAGE_RETURN,    /* {"return": ...}: a command succeeded */
  KBOOT_QMP_MESSAGE_ERROR,     /* {"error": {"class", "desc"}}: it failed */
  KBOOT_QMP_MESSAGE_SHUTDOWN,  /* {"event": "SHUTDOWN", "data": {"reason"}} */
  KBOOT_QMP_MESSAGE_EVENT,     /* any other event: preview ignores it */
} KbootQmpMessageKind;

/* How the guest ended, from SHUTDOWN's reason. */
typedef enum {
  KBOOT_QMP_END_NONE,       /* no SHUTDOWN event (yet) */
  KBOOT_QMP_END_POWEROFF,   /* guest-shutdown */
  KBOOT_QMP_END_REBOOT,     /* guest-reset */
  KBOOT_QMP_END_PANIC,      /* guest-panic */
  KBOOT_QMP_END_HOST,       /* host-error, host-qmp-quit, host-qmp-system-reset,
                             * host-signal, host-ui */
  KBOOT_QMP_END_OTHER,      /* any other reason (none, subsystem-reset, and
                             * those of QEMUs newer than 7.2) */
  KBOOT_QMP_END_LAST
} KbootQmpEnd;

typedef struct {
  KbootQmpMessageKind kind;
  KbootQmpEnd end;          /* SHUTDOWN: from the reason; else NONE */
  char *text;               /* SHUTDOWN: the reason; ERROR: the description;
                             * EVENT: the event's name; else NULL */
} KbootQmpMessage;

void kboot_qmp_message_clear (KbootQmpMessage *message);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KbootQmpMessage, kboot_qmp_message_clear)

typedef enum {
  KBOOT_QMP_ERROR_SYNTAX,    /* not a JSON object */
  KBOOT_QMP_ERROR_UNKNOWN,   /* an object that is no QMP message */
  KBOOT_QMP_ERROR_FIELD,     /* a member missing or of the wrong type */
} KbootQmpError;

#define KBOOT_QMP_ERROR (kboot_qmp_error_quark ())
GQuark kboot_qmp_error_quark (void);

/* Read one line QEMU sent (its "\r\n" removed or not) into @message
 * (cleared first).  FALSE with the line quoted when it is not a QMP
 * message. */
gboolean kboot_qmp_parse (const char *line, KbootQmpMessage *message,
                          GError **error);

/* SHUTDOWN's @reason as an end; KBOOT_QMP_END_OTHER when unknown. */
KbootQmpEnd kboot_qmp_end_from_reason (const char *reason);

/* "poweroff", "reboot", ...: for messages and tests. */
const char *kboot_qmp_end_to_string (KbootQmpEnd end);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_QMP_H */
