/* Why a document does not match a RELAX NG grammar, said the way a person
 * can act on it: the element or attribute at fault, its line, and what is
 * allowed there.  libxml2 stays the judge (xen_kboot_conf_xml.c); when it
 * refuses a document, this module walks the document against a model read
 * from the grammar itself (each <element>'s child elements, attributes and
 * <value>s, through <ref>/<define>; <anyName>/<nsName> as wildcards) and
 * names every violation it finds, in document order.
 *
 * The model is looser than the grammar (the branches of a <choice> are
 * merged, order is not checked): whatever it reports is a real violation,
 * but it may find nothing where libxml2 did, and the caller then keeps
 * libxml2's own message.
 *
 * Pure: reads the two documents, writes only @problems. */
#ifndef XEN_KBOOT_CONF_SCHEMA_EXPLAIN_H
#define XEN_KBOOT_CONF_SCHEMA_EXPLAIN_H

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_SCHEMA_ERROR_ELEMENT,          /* element not allowed here */
  XEN_KBOOT_SCHEMA_ERROR_ATTRIBUTE,        /* attribute not allowed here */
  XEN_KBOOT_SCHEMA_ERROR_VALUE,            /* attribute or text value refused */
  XEN_KBOOT_SCHEMA_ERROR_MISSING_ELEMENT,  /* required child element absent */
  XEN_KBOOT_SCHEMA_ERROR_MISSING_ATTRIBUTE,/* required attribute absent */
  XEN_KBOOT_SCHEMA_ERROR_REPEATED,         /* a second one where one is allowed */
  XEN_KBOOT_SCHEMA_ERROR_TOO_MANY,         /* more problems than are listed */
} XenKbootSchemaError;

#define XEN_KBOOT_SCHEMA_ERROR (xen_kboot_schema_error_quark ())
GQuark xen_kboot_schema_error_quark (void);

/* What @problem (of XEN_KBOOT_SCHEMA_ERROR) is about, so that a caller can
 * recognise it when its own rules say the same: its @line, the @element
 * it is reported on (NULL: the document's root) and its @subject, a
 * fragment such a message would quote: "'value'" for a refused value
 * (bus='virtio' -> "'virtio'"), "<child" for a missing element.  FALSE
 * for the problems without one (an element or attribute not allowed, a
 * repeat). */
gboolean xen_kboot_schema_problem_subject (const GError *problem, int *line,
                                           const char **element,
                                           const char **subject);

/* The line @problem (of XEN_KBOOT_SCHEMA_ERROR, but for TOO_MANY) is
 * reported at; FALSE for any other problem. */
gboolean xen_kboot_schema_problem_line (const GError *problem, int *line);

/* For an element not allowed where it is (XEN_KBOOT_SCHEMA_ERROR_ELEMENT):
 * its @line and its @name as the document writes it ("nic", "k:bot"), so
 * that a caller does not also call it ignored; FALSE for other problems. */
gboolean xen_kboot_schema_problem_refused_element (const GError *problem, int *line,
                                                   const char **name);

/* Most problems listed for one document; past it, one line says how many
 * more there are. */
#define XEN_KBOOT_SCHEMA_EXPLAIN_MAX 20

/* Walk @doc against the RELAX NG grammar @grammar (the schema, parsed as
 * XML) and append one GError (XEN_KBOOT_SCHEMA_ERROR) per violation to
 * @problems, "NAME:LINE: <ELEMENT>: what is wrong (what is allowed)";
 * @name is the document's file name.  Returns how many were appended: 0
 * when the model finds nothing to say. */
guint xen_kboot_schema_explain (const xmlDoc *grammar, const xmlDoc *doc,
                                const char *name, GPtrArray *problems);

G_END_DECLS

#endif /* XEN_KBOOT_CONF_SCHEMA_EXPLAIN_H */
