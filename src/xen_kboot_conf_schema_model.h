/* A RELAX NG grammar read as a model a document can be walked against
 * (xen_kboot_conf_schema_explain): for each <element> pattern, the child
 * elements and attributes it allows, whether each is required or may
 * repeat, and the values an attribute or the text may take.
 *
 * Names follow RELAX NG's own (ISO/IEC 19757-2, section 4: the
 * simplification rules): <name>, <anyName>, <nsName> with <except>, the
 * "ns" attribute inherited by elements and <name>, an <attribute name=>
 * without "ns" in no namespace.  A <choice>'s branches are merged: what
 * any branch allows is allowed, and only what every branch requires is
 * required, so the model is looser than the grammar, never stricter.
 * Values are checked with libxml2's own datatypes (XML Schema's built-in
 * types, its regular expressions for "pattern") and described with the
 * <a:documentation> the grammar gives a <define> or a <data>.
 *
 * Pure: reads the grammar, which must outlive the model. */
#ifndef XEN_KBOOT_CONF_SCHEMA_MODEL_H
#define XEN_KBOOT_CONF_SCHEMA_MODEL_H

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* What a value (an attribute's, or an element's text) may be. */
typedef struct {
  gboolean any;              /* <text/>, or nothing said */
  GPtrArray *values;         /* char *: the <value>s, whitespace-normalized */
  GPtrArray *data;           /* the <data>s, with their descriptions */
} XenKbootSchemaValues;

/* A child element or attribute a pattern allows. */
typedef struct {
  const xmlNode *pattern;    /* <element> or <attribute> of the grammar */
  gboolean required;
  gboolean repeat;
  XenKbootSchemaValues value; /* attributes only */
} XenKbootSchemaParticle;

/* An attribute in one branch of a <choice>, and whether that branch
 * requires it.  The branches of a <choice> that holds attributes are kept
 * apart (content->attribute_choices) so that attributes from different
 * branches can be told apart: <clock offset='utc' adjustment='12'> has
 * each attribute allowed, but not together. */
typedef struct {
  const XenKbootSchemaParticle *particle;
  gboolean required;
} XenKbootSchemaBranchItem;

/* The content of an <element> pattern (or of <start>). */
typedef struct {
  GPtrArray *elements;       /* XenKbootSchemaParticle *: child elements */
  GPtrArray *attributes;     /* XenKbootSchemaParticle * */
  GPtrArray *attribute_choices; /* per <choice>, per branch, XenKbootSchemaBranchItem * */
  gboolean has_text;         /* <text/>, <value> or <data> in the content */
  XenKbootSchemaValues text;
  gboolean lax;              /* a pattern the model does not read: accept all */
} XenKbootSchemaContent;

typedef struct _XenKbootSchemaModel XenKbootSchemaModel;

/* NULL when @grammar is not a RELAX NG <grammar> with a <start>. */
XenKbootSchemaModel *xen_kboot_schema_model_new (const xmlDoc *grammar);
void xen_kboot_schema_model_free (XenKbootSchemaModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootSchemaModel, xen_kboot_schema_model_free)

/* What <start> allows: the document's root elements. */
const XenKbootSchemaContent *xen_kboot_schema_model_start (XenKbootSchemaModel *model);
/* The content of the <element> pattern @element, read once. */
const XenKbootSchemaContent *xen_kboot_schema_model_content (XenKbootSchemaModel *model,
                                                             const xmlNode *element);
/* Does @element accept any attribute and any child: the content of an
 * element the program ignores? */
gboolean xen_kboot_schema_model_is_opaque (XenKbootSchemaModel *model,
                                           const xmlNode *element);
/* The names of the elements (with name=) in whose content an element
 * ns:local is named, through the <ref>s to the <define>s it is in;
 * const char *, owned by the grammar. */
GPtrArray *xen_kboot_schema_model_parents (XenKbootSchemaModel *model,
                                           const char *ns, const char *local);

/* An <element>'s or <attribute>'s name= (NULL for a name class) and
 * namespace. */
const char *xen_kboot_schema_pattern_name (const xmlNode *pattern);
const char *xen_kboot_schema_pattern_ns (const xmlNode *pattern);
/* Does @pattern take the name ns:local? */
gboolean xen_kboot_schema_pattern_matches (const xmlNode *pattern, const char *ns,
                                           const char *local);
/* The names a name-class @pattern lists (<name>s, through <choice>), as
 * char * added to @names; TRUE in @other_ns when it also takes elements
 * of other namespaces. */
void xen_kboot_schema_pattern_listed_names (const xmlNode *pattern, GPtrArray *names,
                                            gboolean *other_ns);

void xen_kboot_schema_values_init (XenKbootSchemaValues *values);
void xen_kboot_schema_values_clear (XenKbootSchemaValues *values);
/* Add what @from allows to @to. */
void xen_kboot_schema_values_merge (XenKbootSchemaValues *to, const XenKbootSchemaValues *from);
gboolean xen_kboot_schema_values_accept (const XenKbootSchemaValues *values, const char *raw);
/* "one of a, b, c", "xen", "an absolute path (starting with '/')", joined
 * with "or". */
char *xen_kboot_schema_values_describe (const XenKbootSchemaValues *values);

G_END_DECLS

#endif /* XEN_KBOOT_CONF_SCHEMA_MODEL_H */
