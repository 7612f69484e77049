/* Safe XML loading and RELAX NG validation (see xen_kboot_conf_xml.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "xen_kboot_conf_schema_explain.h"
#include "kboot_util_file.h"
#include "xen_kboot_conf_xml.h"

G_DEFINE_QUARK (xen-kboot-xml-error-quark, xen_kboot_xml_error)

/* Parser options: never touch the network, never substitute entities or
 * load a DTD (no XML_PARSE_NOENT/DTDLOAD/DTDATTR/DTDVALID/XINCLUDE), keep
 * libxml2's size and depth limits (no XML_PARSE_HUGE), and report errors
 * through the context rather than on stderr. */
#define XEN_KBOOT_XML_PARSE_OPTIONS \
  (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static guint external_load_attempts;

/* Installed for the whole process: whatever asks libxml2 for an external
 * resource (an entity, a DTD, an XInclude) gets nothing. */
static xmlParserInputPtr
refuse_external_entity (const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  g_atomic_int_inc (&external_load_attempts);
  return NULL;
}

static void
xml_init_once (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      xmlSetExternalEntityLoader (refuse_external_entity);
      g_once_init_leave (&initialized, 1);
    }
}

guint
xen_kboot_xml_external_load_attempts (void)
{
  return g_atomic_int_get (&external_load_attempts);
}

typedef struct {
  int doctype_line;            /* 0: no <!DOCTYPE> seen */
  char *doctype_name;
  int first_line;              /* the first error's line */
  char *first_message;         /* NULL: no error seen */
  char *root_name;             /* with second_root: the first root's name */
  char *second_root;           /* NULL: no second root element */
} ParseState;

/* The longest element name a message quotes. */
#define SECOND_ROOT_NAME_MAX 64

/* After the root element, at @cur (before @end): a second element's name
 * ("<domain ..."), or NULL when what follows is something else (text, a
 * stray "</x>").  Names are compared, not validated: a character that
 * cannot start one is enough to tell. */
static char *
element_name_at (const xmlChar *cur, const xmlChar *end)
{
  const xmlChar *name;

  if (!cur || cur >= end || *cur != '<')
    return NULL;
  name = ++cur;
  if (cur >= end || !(g_ascii_isalpha (*cur) || *cur == '_' || *cur == ':' || *cur >= 0x80))
    return NULL;
  while (cur < end && cur - name < SECOND_ROOT_NAME_MAX
         && !g_ascii_isspace (*cur) && *cur != '/' && *cur != '>')
    cur++;
  return g_strndup ((const char *) name, cur - name);
}

/* Structured errors: keep the first, where the document went wrong (the
 * parser's last error is often only "Premature end of data").  "Extra
 * content at the end of the document" that is a second element is told
 * apart: virt-install --print-xml prints two domains for --location. */
static void
keep_first_error (void *ctx, xmlErrorPtr err)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;
  const xmlNode *root;

  if (state->first_message || !err || !err->message || err->level < XML_ERR_ERROR)
    return;
  state->first_line = err->line;
  state->first_message = g_strstrip (g_strdup (err->message));
  /* xmlParseDocument raises it with the input still at the extra content. */
  root = ctxt->myDoc ? xmlDocGetRootElement (ctxt->myDoc) : NULL;
  if (err->code == XML_ERR_DOCUMENT_END && root && ctxt->input)
    {
      state->second_root = element_name_at (ctxt->input->cur, ctxt->input->end);
      state->root_name = g_strdup ((const char *) root->name);
    }
}

/* The SAX callback for <!DOCTYPE ...>: stop right there, before any
 * entity or external subset it declares is read. */
static void
refuse_doctype (void *ctx, const xmlChar *name, const xmlChar *external_id,
                const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;

  state->doctype_line = xmlSAX2GetLineNumber (ctxt);
  state->doctype_name = g_strdup (name ? (const char *) name : "");
  xmlStopParser (ctxt);
}

gboolean
xen_kboot_xml_check_size (guint64 size, const char *name, GError **error)
{
  if (size <= XEN_KBOOT_XML_MAX_SIZE)
    return TRUE;
  g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_TOO_LARGE,
               "%s: the document is %" G_GUINT64_FORMAT " bytes, over the "
               "limit of %d bytes for a domain XML", name, size,
               XEN_KBOOT_XML_MAX_SIZE);
  return FALSE;
}

xmlDoc *
xen_kboot_xml_parse (const char *buf, gsize len, const char *name,
                     GError **error)
{
  ParseState state = { 0, NULL, 0, NULL };
  xmlParserCtxtPtr ctxt = NULL;
  xmlDoc *doc = NULL;
  const xmlError *err;

  xml_init_once ();
  if (!xen_kboot_xml_check_size (len, name, error))
    return NULL;
  ctxt = xmlNewParserCtxt ();
  if (!ctxt)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED,
                   "%s: cannot create an XML parser", name);
      return NULL;
    }
  ctxt->_private = &state;
  ctxt->sax->internalSubset = refuse_doctype;
  ctxt->sax->serror = keep_first_error;

  doc = xmlCtxtReadMemory (ctxt, buf, (int) len, NULL, NULL,
                           XEN_KBOOT_XML_PARSE_OPTIONS);
  if (state.doctype_line)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_DOCTYPE,
                   "%s:%d: document type declaration <!DOCTYPE %s> refused: "
                   "a domain XML has no DTD, and xen-kboot loads no DTD, "
                   "entity or external resource",
                   name, state.doctype_line, state.doctype_name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (state.second_root && strcmp (state.second_root, "domain") == 0
           && g_strcmp0 (state.root_name, "domain") == 0)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SECOND_ROOT,
                   "%s:%d: a second <domain>: virt-install --print-xml prints "
                   "the install-time and the installed domain; keep one "
                   "document per file", name, state.first_line);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (state.second_root)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SECOND_ROOT,
                   "%s:%d: a second root element <%s> after <%s>: an XML "
                   "document has one; keep one document per file", name,
                   state.first_line, state.second_root, state.root_name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if ((!doc || !ctxt->wellFormed) && state.first_message)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED,
                   "%s:%d: malformed XML: %s", name, state.first_line,
                   state.first_message);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (!doc || !ctxt->wellFormed)
    {
      err = xmlCtxtGetLastError (ctxt);
      if (err && err->message)
        {
          g_autofree char *message = g_strstrip (g_strdup (err->message));
          g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED,
                       "%s:%d: malformed XML: %s", name, err->line, message);
        }
      else
        g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED,
                     "%s: malformed XML", name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (!xmlDocGetRootElement (doc))
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED,
                   "%s: malformed XML: no root element", name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  g_free (state.doctype_name);
  g_free (state.first_message);
  g_free (state.root_name);
  g_free (state.second_root);
  xmlFreeParserCtxt (ctxt);
  return doc;
}

/* Read at most XEN_KBOOT_XML_MAX_SIZE + 1 bytes of @fd. */
static GByteArray *
read_bounded (int fd, const char *path, GError **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 chunk[16384];

  for (;;)
    {
      ssize_t r = read (fd, chunk, sizeof chunk);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ,
                       "%s: cannot read domain XML: %s", path,
                       g_strerror (saved));
          return NULL;
        }
      if (r == 0)
        break;
      g_byte_array_append (bytes, chunk, (guint) r);
      if (bytes->len > XEN_KBOOT_XML_MAX_SIZE)
        {
          g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_TOO_LARGE,
                       "%s: the document is over the limit of %d bytes for "
                       "a domain XML", path, XEN_KBOOT_XML_MAX_SIZE);
          return NULL;
        }
    }
  return g_steal_pointer (&bytes);
}

xmlDoc *
xen_kboot_xml_read_file (const char *path, GError **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  struct stat st;
  int fd;

  if (strcmp (path, "-") == 0)
    {
      bytes = read_bounded (STDIN_FILENO, "(stdin)", error);
      return bytes ? xen_kboot_xml_parse ((const char *) bytes->data, bytes->len,
                                          "(stdin)", error)
                   : NULL;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved = errno;

      /* A socket cannot be opened (ENXIO): say what it is. */
      if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
        g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ,
                     "%s: domain XML is %s, not a regular file", path,
                     kboot_file_type_name (st.st_mode));
      else
        g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ,
                     "%s: cannot open domain XML: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ,
                   "%s: cannot stat domain XML: %s", path, g_strerror (saved));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ,
                   "%s: domain XML is %s, not a regular file", path,
                   kboot_file_type_name (st.st_mode));
      close (fd);
      return NULL;
    }
  if (st.st_size > XEN_KBOOT_XML_MAX_SIZE)
    {
      g_set_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_TOO_LARGE,
                   "%s: the document is %lld bytes, over the limit of %d "
                   "bytes for a domain XML", path, (long long) st.st_size,
                   XEN_KBOOT_XML_MAX_SIZE);
      close (fd);
      return NULL;
    }
  bytes = read_bounded (fd, path, error);
  close (fd);
  if (!bytes)
    return NULL;
  return xen_kboot_xml_parse ((const char *) bytes->data, bytes->len, path, error);
}

typedef struct {
  const char *name;
  GPtrArray *problems;
  guint emitted;
  GString *pending;            /* messages that came without a node */
} ValidState;

/* libxml2 reports some errors twice: first precisely but without a node
 * ("Extra element initrd in interleave"), then generically with the node
 * ("Element os failed to validate content"), once per ancestor.  Join the
 * first with the location of the second, and drop the generic ones that
 * only repeat an error already reported. */
static gboolean
is_generic_relaxng_message (const char *message)
{
  return strstr (message, "failed to validate content") != NULL
         || strstr (message, "has extra content") != NULL;
}

static void
collect_relaxng_error (void *data, xmlErrorPtr err)
{
  ValidState *state = data;
  g_autofree char *message = g_strstrip (g_strdup (err->message ? err->message : "invalid"));
  const xmlNode *node = err->node;
  g_autofree char *text = NULL;

  if (!node || node->type != XML_ELEMENT_NODE)
    {
      g_string_append_printf (state->pending, "%s%s",
                              state->pending->len ? "; " : "", message);
      return;
    }
  if (is_generic_relaxng_message (message) && state->emitted > 0
      && state->pending->len == 0)
    return;
  text = state->pending->len ? g_strdup_printf ("%s (%s)", state->pending->str, message)
                             : g_steal_pointer (&message);
  g_string_truncate (state->pending, 0);
  state->emitted++;
  g_ptr_array_add (state->problems,
                   g_error_new (XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SCHEMA,
                                "%s:%ld: element <%s>: schema: %s", state->name,
                                xmlGetLineNo (node), (const char *) node->name, text));
}

/* libxml2 judges; when it refuses the document, say why in the document's
 * terms (xen_kboot_conf_schema_explain.c), and keep libxml2's own words
 * only when that finds nothing. */
static void
explain_refusal (xmlDoc *doc, const char *name, const char *schema,
                 gsize schema_len, GPtrArray *libxml2_problems, GPtrArray *problems)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) grammar = xen_kboot_xml_parse (schema, schema_len, "schema", &error);

  if (grammar && xen_kboot_schema_explain (grammar, doc, name, problems) > 0)
    return;
  g_ptr_array_extend_and_steal (problems, g_ptr_array_ref (libxml2_problems));
}

gboolean
xen_kboot_xml_validate_relaxng (xmlDoc *doc, const char *name,
                                const char *schema, gsize schema_len,
                                GPtrArray *problems)
{
  g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  ValidState state = { name, raw, 0, g_string_new (NULL) };
  xmlRelaxNGParserCtxtPtr pctxt = NULL;
  xmlRelaxNGPtr rng = NULL;
  xmlRelaxNGValidCtxtPtr vctxt = NULL;
  int rc = -1;

  xml_init_once ();
  pctxt = xmlRelaxNGNewMemParserCtxt (schema, (int) schema_len);
  if (pctxt)
    {
      xmlRelaxNGSetParserStructuredErrors (pctxt, collect_relaxng_error, &state);
      rng = xmlRelaxNGParse (pctxt);
    }
  if (rng)
    vctxt = xmlRelaxNGNewValidCtxt (rng);
  if (vctxt)
    {
      xmlRelaxNGSetValidStructuredErrors (vctxt, collect_relaxng_error, &state);
      rc = xmlRelaxNGValidateDoc (vctxt, doc);
    }
  else
    g_ptr_array_add (raw,
                     g_error_new (XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SCHEMA,
                                  "%s: cannot load the domain XML schema", name));
  if (state.pending->len)
    {
      g_ptr_array_add (raw,
                       g_error_new (XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SCHEMA,
                                    "%s: schema: %s", name, state.pending->str));
      state.emitted++;
    }
  g_string_free (state.pending, TRUE);
  if (rc > 0 && state.emitted == 0)
    g_ptr_array_add (raw,
                     g_error_new (XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_SCHEMA,
                                  "%s: the document does not match the schema",
                                  name));
  if (rc > 0)
    explain_refusal (doc, name, schema, schema_len, raw, problems);
  else
    g_ptr_array_extend_and_steal (problems, g_ptr_array_ref (raw));
  if (vctxt)
    xmlRelaxNGFreeValidCtxt (vctxt);
  if (rng)
    xmlRelaxNGFree (rng);
  if (pctxt)
    xmlRelaxNGFreeParserCtxt (pctxt);
  return rc == 0;
}
