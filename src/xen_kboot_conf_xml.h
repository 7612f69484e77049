/* Safe loading of XML documents (libvirt domain XML) with libxml2: the
 * file is read with a size cap, a document type declaration is refused
 * before anything it declares is parsed (no entities, no DTD, no external
 * resources, no billion laughs), the network is never used, and libxml2's
 * default limits (depth, text size) stay on.  RELAX NG validation reports
 * every error with its line and element, and what is allowed there. */
#ifndef XEN_KBOOT_CONF_XML_H
#define XEN_KBOOT_CONF_XML_H

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Largest document accepted: libvirt domain XML is a few KiB. */
#define XEN_KBOOT_XML_MAX_SIZE (1024 * 1024)

typedef enum {
  XEN_KBOOT_XML_ERROR_READ,       /* cannot open or read the file */
  XEN_KBOOT_XML_ERROR_TOO_LARGE,  /* over XEN_KBOOT_XML_MAX_SIZE */
  XEN_KBOOT_XML_ERROR_DOCTYPE,    /* <!DOCTYPE ...>: DTDs and entities refused */
  XEN_KBOOT_XML_ERROR_MALFORMED,  /* not well-formed XML */
  XEN_KBOOT_XML_ERROR_SCHEMA,     /* RELAX NG validity error */
  XEN_KBOOT_XML_ERROR_SECOND_ROOT, /* a second root element: two documents */
} XenKbootXmlError;

#define XEN_KBOOT_XML_ERROR (xen_kboot_xml_error_quark ())
GQuark xen_kboot_xml_error_quark (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

/* Parse @len bytes of @buf; @name (a file name) prefixes messages
 * ("NAME:LINE: ..."). */
xmlDoc *xen_kboot_xml_parse (const char *buf, gsize len, const char *name,
                             GError **error);
/* Refuse a document of @size bytes above XEN_KBOOT_XML_MAX_SIZE
 * (XEN_KBOOT_XML_ERROR_TOO_LARGE, "NAME: the document is SIZE bytes, over
 * the limit ..."). */
gboolean xen_kboot_xml_check_size (guint64 size, const char *name,
                                   GError **error);
/* Read @path (at most XEN_KBOOT_XML_MAX_SIZE bytes, "-" is stdin) and
 * parse it. */
xmlDoc *xen_kboot_xml_read_file (const char *path, GError **error);

/* Validate @doc against the RELAX NG schema in @schema (a document held in
 * memory); returns TRUE when the document is valid.  libxml2 judges; when
 * it refuses the document, one GError per violation is appended to
 * @problems, in the document's terms (xen_kboot_conf_schema_explain.h:
 * XEN_KBOOT_SCHEMA_ERROR, "NAME:LINE: <E>: what is wrong (what is
 * allowed)"), or, when that finds nothing, libxml2's own messages
 * (XEN_KBOOT_XML_ERROR_SCHEMA, "NAME:LINE: element <E>: schema: ..."). */
gboolean xen_kboot_xml_validate_relaxng (xmlDoc *doc, const char *name,
                                         const char *schema, gsize schema_len,
                                         GPtrArray *problems);

/* How many external resources libxml2 asked to load (always refused);
 * tests use it to show that nothing external is ever read. */
guint xen_kboot_xml_external_load_attempts (void);

G_END_DECLS

#endif /* XEN_KBOOT_CONF_XML_H */
