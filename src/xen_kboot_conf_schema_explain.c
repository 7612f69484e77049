/* Schema errors a person can act on (see xen_kboot_conf_schema_explain.h).
 *
 * The model is read from the grammar on demand: for each <element> pattern
 * (an xmlNode of the grammar), the attributes and child elements it allows,
 * whether each is required or may repeat, and the values its text may
 * take.  Names follow RELAX NG's own (ISO/IEC 19757-2, section 4: the
 * simplification rules): <name>, <anyName>, <nsName> with <except>, the
 * "ns" attribute inherited by elements and <name>, an <attribute name=>
 * without "ns" in no namespace.  A <choice>'s branches are merged: what any
 * branch allows is allowed, and only what every branch requires is
 * required.  Values are checked with libxml2's own datatypes (XML Schema's
 * built-in types, its regular expressions for "pattern"), and described
 * with the <a:documentation> the grammar gives a <define> or a <data>. */
#include "config.h"

#include <string.h>

#include <libxml/xmlregexp.h>
#include <libxml/xmlschemastypes.h>

#include "xen_kboot_conf_schema_explain.h"

/* What a problem is about, for the caller to recognise the same problem
 * said again by its own rules (xen_kboot_schema_problem_subject). */
typedef struct {
  int line;
  char *element;             /* NULL: the document's root */
  char *subject;             /* "'value'" or "<child": NULL for none */
  char *refused;             /* an element not allowed, as the document names it */
} XenKbootSchemaErrorPrivate;

static void
xen_kboot_schema_error_private_init (XenKbootSchemaErrorPrivate *priv)
{
}

static void
xen_kboot_schema_error_private_copy (const XenKbootSchemaErrorPrivate *src,
                                     XenKbootSchemaErrorPrivate *dest)
{
  /* GLib passes what it found; -Wnull-dereference cannot tell. */
  if (!src || !dest)
    return;
  dest->line = src->line;
  dest->element = g_strdup (src->element);
  dest->subject = g_strdup (src->subject);
  dest->refused = g_strdup (src->refused);
}

static void
xen_kboot_schema_error_private_clear (XenKbootSchemaErrorPrivate *priv)
{
  if (!priv)
    return;
  g_clear_pointer (&priv->element, g_free);
  g_clear_pointer (&priv->subject, g_free);
  g_clear_pointer (&priv->refused, g_free);
}

G_DEFINE_EXTENDED_ERROR (XenKbootSchemaError, xen_kboot_schema_error)

static XenKbootSchemaErrorPrivate *
private_of (const GError *problem)
{
  if (problem && problem->domain == XEN_KBOOT_SCHEMA_ERROR)
    return xen_kboot_schema_error_get_private (problem);
  return NULL;
}

gboolean
xen_kboot_schema_problem_refused_element (const GError *problem, int *line,
                                          const char **name)
{
  XenKbootSchemaErrorPrivate *priv = private_of (problem);

  if (!priv || !priv->refused)
    return FALSE;
  *line = priv->line;
  *name = priv->refused;
  return TRUE;
}

gboolean
xen_kboot_schema_problem_subject (const GError *problem, int *line,
                                  const char **element, const char **subject)
{
  XenKbootSchemaErrorPrivate *priv = private_of (problem);

  if (!priv || !priv->subject)
    return FALSE;
  *line = priv->line;
  *element = priv->element;
  *subject = priv->subject;
  return TRUE;
}

#define RNG_NS "http://relaxng.org/ns/structure/1.0"
#define RNG_ANNOTATIONS_NS "http://relaxng.org/ns/compatibility/annotations/1.0"
#define XSD_DATATYPES_NS "http://www.w3.org/2001/XMLSchema-datatypes"
#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define REF_DEPTH_MAX 64     /* <ref>s followed without an <element> between */
#define QUOTE_MAX 60         /* characters of a refused value quoted */

/* What a value (an attribute's, or an element's text) may be. */
typedef struct {
  gboolean any;              /* <text/>, or nothing said */
  GPtrArray *values;         /* char *: the <value>s, whitespace-normalized */
  GPtrArray *data;           /* DataItem *: the <data>s */
} ValueSpec;

typedef struct {
  const xmlNode *data;       /* <data> */
  const char *what;          /* its description, or NULL */
} DataItem;

typedef struct {
  const xmlNode *pattern;    /* <element> or <attribute> */
  gboolean required;
  gboolean repeat;
  ValueSpec value;           /* attributes only */
} Particle;

typedef struct {
  GPtrArray *elements;       /* Particle *: child elements */
  GPtrArray *attributes;     /* Particle * */
  gboolean has_text;         /* <text/>, <value> or <data> in the content */
  ValueSpec text;
  gboolean lax;              /* a pattern this module does not model */
} Model;

typedef struct {
  const xmlNode *top;        /* the grammar's <grammar> */
  const char *name;          /* the document's file name */
  GPtrArray *problems;
  guint found;
  GHashTable *defines;       /* name -> <define> */
  GHashTable *models;        /* <element> -> Model */
  GPtrArray *strings;        /* owned strings the models point to */
} Explainer;

typedef struct {
  gboolean optional;
  gboolean repeat;
  const char *what;          /* description from the nearest documented <define> */
  guint depth;
} Flags;

/* ---- the grammar's nodes ---- */

static gboolean
is_rng (const xmlNode *node, const char *local)
{
  return node && node->type == XML_ELEMENT_NODE && node->ns
         && strcmp ((const char *) node->ns->href, RNG_NS) == 0
         && (!local || strcmp ((const char *) node->name, local) == 0);
}

static const char *
rng_attr (const xmlNode *node, const char *attr)
{
  for (const xmlAttr *a = node->properties; a; a = a->next)
    if (!a->ns && strcmp ((const char *) a->name, attr) == 0 && a->children
        && a->children->content)
      return (const char *) a->children->content;
  return NULL;
}

/* "ns" and "datatypeLibrary" are inherited from the nearest ancestor. */
static const char *
rng_inherited (const xmlNode *node, const char *attr)
{
  for (; node && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      const char *v = rng_attr (node, attr);
      if (v)
        return v;
    }
  return "";
}

static const xmlNode *
first_rng_child (const xmlNode *node)
{
  for (const xmlNode *c = node ? node->children : NULL; c; c = c->next)
    if (is_rng (c, NULL))
      return c;
  return NULL;
}

/* An <element>'s or <attribute>'s name class: itself when it has name=,
 * else its first child. */
static const xmlNode *
name_class (const xmlNode *pattern)
{
  return rng_attr (pattern, "name") ? pattern : first_rng_child (pattern);
}

static const xmlNode *
first_content (const xmlNode *pattern)
{
  const xmlNode *c = pattern->children;

  if (!rng_attr (pattern, "name"))
    c = first_rng_child (pattern) ? first_rng_child (pattern)->next : NULL;
  return c;
}

static char *
text_of (const xmlNode *node)
{
  xmlChar *raw = xmlNodeGetContent (node);
  char *text = g_strdup (raw ? (const char *) raw : "");

  xmlFree (raw);
  return text;
}

/* Whitespace-normalized, as RELAX NG compares a <value> of type token. */
static char *
normalize (const char *raw)
{
  g_auto(GStrv) words = g_strsplit_set (raw, " \t\r\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_string_append_printf (out, "%s%s", out->len ? " " : "", words[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The <a:documentation> of @node, or NULL; kept in @ex->strings. */
static const char *
documentation (Explainer *ex, const xmlNode *node)
{
  for (const xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && c->ns
        && strcmp ((const char *) c->ns->href, RNG_ANNOTATIONS_NS) == 0
        && strcmp ((const char *) c->name, "documentation") == 0)
      {
        g_autofree char *raw = text_of (c);
        char *text = normalize (raw);

        g_ptr_array_add (ex->strings, text);
        return text;
      }
  return NULL;
}

/* ---- name classes ---- */

static gboolean nc_matches (const xmlNode *nc, const char *ns, const char *local);

static gboolean
nc_except_matches (const xmlNode *nc, const char *ns, const char *local)
{
  for (const xmlNode *c = nc->children; c; c = c->next)
    if (is_rng (c, "except"))
      for (const xmlNode *e = c->children; e; e = e->next)
        if (is_rng (e, NULL) && nc_matches (e, ns, local))
          return TRUE;
  return FALSE;
}

static gboolean
nc_matches (const xmlNode *nc, const char *ns, const char *local)
{
  if (!nc)
    return FALSE;
  if (is_rng (nc, "name"))
    {
      g_autofree char *raw = text_of (nc);
      g_autofree char *want = normalize (raw);
      return strcmp (want, local) == 0 && strcmp (rng_inherited (nc, "ns"), ns) == 0;
    }
  if (is_rng (nc, "anyName"))
    return !nc_except_matches (nc, ns, local);
  if (is_rng (nc, "nsName"))
    return strcmp (rng_inherited (nc, "ns"), ns) == 0
           && !nc_except_matches (nc, ns, local);
  if (is_rng (nc, "choice"))
    for (const xmlNode *c = nc->children; c; c = c->next)
      if (is_rng (c, NULL) && nc_matches (c, ns, local))
        return TRUE;
  return FALSE;
}

/* Does the <element> or <attribute> @pattern take the name ns:local? */
static gboolean
pattern_matches (const xmlNode *pattern, const char *ns, const char *local)
{
  const char *name = rng_attr (pattern, "name");

  if (!name)
    return nc_matches (name_class (pattern), ns, local);
  if (is_rng (pattern, "attribute"))
    return strcmp (name, local) == 0
           && strcmp (rng_attr (pattern, "ns") ? rng_attr (pattern, "ns") : "", ns) == 0;
  return strcmp (name, local) == 0 && strcmp (rng_inherited (pattern, "ns"), ns) == 0;
}

/* The names @nc lists (<name>s, through <choice>); TRUE in @other_ns when
 * it also takes elements of namespaces other than none. */
static void
nc_names (const xmlNode *nc, GPtrArray *names, gboolean *other_ns)
{
  if (is_rng (nc, "name"))
    g_ptr_array_add (names, text_of (nc));
  else if (is_rng (nc, "choice"))
    for (const xmlNode *c = nc->children; c; c = c->next)
      nc_names (c, names, other_ns);
  else if (is_rng (nc, "anyName") || is_rng (nc, "nsName"))
    *other_ns = TRUE;
}

/* ---- the model ---- */

static void
value_spec_init (ValueSpec *spec)
{
  spec->any = FALSE;
  spec->values = g_ptr_array_new_with_free_func (g_free);
  spec->data = g_ptr_array_new_with_free_func (g_free);
}

static void
value_spec_clear (ValueSpec *spec)
{
  g_clear_pointer (&spec->values, g_ptr_array_unref);
  g_clear_pointer (&spec->data, g_ptr_array_unref);
}

/* Move what @from allows into @to. */
static void
value_spec_merge (ValueSpec *to, ValueSpec *from)
{
  to->any |= from->any;
  for (guint i = 0; i < from->values->len; i++)
    g_ptr_array_add (to->values, g_strdup (g_ptr_array_index (from->values, i)));
  for (guint i = 0; i < from->data->len; i++)
    g_ptr_array_add (to->data, g_memdup2 (g_ptr_array_index (from->data, i), sizeof (DataItem)));
}

static void
particle_free (gpointer data)
{
  Particle *p = data;

  value_spec_clear (&p->value);
  g_free (p);
}

static Model *
model_new (void)
{
  Model *m = g_new0 (Model, 1);

  m->elements = g_ptr_array_new_with_free_func (particle_free);
  m->attributes = g_ptr_array_new_with_free_func (particle_free);
  value_spec_init (&m->text);
  return m;
}

static void
model_free (gpointer data)
{
  Model *m = data;

  if (!m)
    return;
  g_ptr_array_unref (m->elements);
  g_ptr_array_unref (m->attributes);
  value_spec_clear (&m->text);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Model, model_free)

static void collect (Explainer *ex, const xmlNode *pattern, Model *m, Flags f);

static void
collect_list (Explainer *ex, const xmlNode *first, Model *m, Flags f)
{
  for (const xmlNode *c = first; c; c = c->next)
    if (is_rng (c, NULL))
      collect (ex, c, m, f);
}

static Particle *
particle_new (const xmlNode *pattern, Flags f)
{
  Particle *p = g_new0 (Particle, 1);

  p->pattern = pattern;
  p->required = !f.optional;
  p->repeat = f.repeat;
  value_spec_init (&p->value);
  return p;
}

static gboolean
has_required (GPtrArray *particles, const char *name)
{
  for (guint i = 0; i < particles->len; i++)
    {
      const Particle *p = g_ptr_array_index (particles, i);
      if (p->required && g_strcmp0 (rng_attr (p->pattern, "name"), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A particle of one branch stays required when every branch requires a
 * particle of the same name. */
static void
merge_branch (GPtrArray *into, GPtrArray *from, GPtrArray *branches, gboolean attributes)
{
  for (guint i = 0; i < from->len; i++)
    {
      Particle *p = g_ptr_array_index (from, i);
      const char *name = rng_attr (p->pattern, "name");

      for (guint b = 0; b < branches->len && p->required; b++)
        {
          const Model *other = g_ptr_array_index (branches, b);
          p->required = name && has_required (attributes ? other->attributes
                                                         : other->elements, name);
        }
    }
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (into, g_ptr_array_index (from, i));
  g_ptr_array_set_free_func (from, NULL);
  g_ptr_array_set_size (from, 0);
  g_ptr_array_set_free_func (from, particle_free);
}

static void
collect_choice (Explainer *ex, const xmlNode *choice, Model *m, Flags f)
{
  g_autoptr(GPtrArray) branches = g_ptr_array_new_with_free_func (model_free);

  for (const xmlNode *c = choice->children; c; c = c->next)
    if (is_rng (c, NULL))
      {
        Model *b = model_new ();
        collect (ex, c, b, f);
        g_ptr_array_add (branches, b);
      }
  for (guint i = 0; i < branches->len; i++)
    {
      Model *b = g_ptr_array_index (branches, i);

      merge_branch (m->elements, b->elements, branches, FALSE);
      merge_branch (m->attributes, b->attributes, branches, TRUE);
      m->has_text |= b->has_text;
      m->lax |= b->lax;
      value_spec_merge (&m->text, &b->text);
    }
}

static void
collect_attribute (Explainer *ex, const xmlNode *pattern, Model *m, Flags f)
{
  Particle *p = particle_new (pattern, f);
  g_autoptr(Model) content = model_new ();
  Flags inner = { FALSE, FALSE, f.what, f.depth };

  collect_list (ex, first_content (pattern), content, inner);
  /* <attribute> with no content is <attribute><text/></attribute>. */
  p->value.any = !content->has_text || content->text.any || content->lax;
  value_spec_merge (&p->value, &content->text);
  g_ptr_array_add (m->attributes, p);
}

static void
collect_ref (Explainer *ex, const xmlNode *ref, Model *m, Flags f)
{
  const char *name = rng_attr (ref, "name");
  const xmlNode *def = name ? g_hash_table_lookup (ex->defines, name) : NULL;
  const char *what;

  if (!def || f.depth >= REF_DEPTH_MAX)
    {
      m->lax = TRUE;
      return;
    }
  what = documentation (ex, def);
  f.what = what ? what : f.what;
  f.depth++;
  collect_list (ex, def->children, m, f);
}

static void
collect (Explainer *ex, const xmlNode *pattern, Model *m, Flags f)
{
  const char *kind = (const char *) pattern->name;

  if (strcmp (kind, "element") == 0)
    g_ptr_array_add (m->elements, particle_new (pattern, f));
  else if (strcmp (kind, "attribute") == 0)
    collect_attribute (ex, pattern, m, f);
  else if (strcmp (kind, "group") == 0 || strcmp (kind, "interleave") == 0
           || strcmp (kind, "div") == 0)
    collect_list (ex, pattern->children, m, f);
  else if (strcmp (kind, "mixed") == 0)
    {
      m->has_text = m->text.any = TRUE;
      collect_list (ex, pattern->children, m, f);
    }
  else if (strcmp (kind, "optional") == 0)
    {
      f.optional = TRUE;
      collect_list (ex, pattern->children, m, f);
    }
  else if (strcmp (kind, "zeroOrMore") == 0)
    {
      f.optional = f.repeat = TRUE;
      collect_list (ex, pattern->children, m, f);
    }
  else if (strcmp (kind, "oneOrMore") == 0)
    {
      f.repeat = TRUE;
      collect_list (ex, pattern->children, m, f);
    }
  else if (strcmp (kind, "choice") == 0)
    collect_choice (ex, pattern, m, f);
  else if (strcmp (kind, "ref") == 0)
    collect_ref (ex, pattern, m, f);
  else if (strcmp (kind, "value") == 0)
    {
      g_autofree char *raw = text_of (pattern);
      m->has_text = TRUE;
      g_ptr_array_add (m->text.values, normalize (raw));
    }
  else if (strcmp (kind, "data") == 0)
    {
      DataItem *item = g_new0 (DataItem, 1);
      const char *what = documentation (ex, pattern);

      item->data = pattern;
      item->what = what ? what : f.what;
      m->has_text = TRUE;
      g_ptr_array_add (m->text.data, item);
    }
  else if (strcmp (kind, "text") == 0 || strcmp (kind, "list") == 0)
    m->has_text = m->text.any = TRUE;
  else if (strcmp (kind, "empty") != 0 && strcmp (kind, "notAllowed") != 0)
    m->lax = TRUE;   /* parentRef, externalRef, grammar: not modelled */
}

/* The model of the <element> pattern @element, read once. */
static const Model *
model_of (Explainer *ex, const xmlNode *element)
{
  Model *m = g_hash_table_lookup (ex->models, element);
  Flags f = { FALSE, FALSE, NULL, 0 };

  if (m)
    return m;
  m = model_new ();
  g_hash_table_insert (ex->models, (gpointer) element, m);
  collect_list (ex, first_content (element), m, f);
  return m;
}

/* A model that accepts any attribute and any child: the content of an
 * element the program ignores. */
static gboolean
is_opaque (Explainer *ex, const xmlNode *element)
{
  const Model *m = model_of (ex, element);
  gboolean any_attribute = FALSE, any_element = FALSE;

  for (guint i = 0; i < m->attributes->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->attributes, i);
      any_attribute |= is_rng (name_class (p->pattern), "anyName")
                       && !first_rng_child (name_class (p->pattern));
    }
  for (guint i = 0; i < m->elements->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->elements, i);
      any_element |= is_rng (name_class (p->pattern), "anyName")
                     && !first_rng_child (name_class (p->pattern));
    }
  return any_attribute && any_element;
}

/* ---- values ---- */

static gboolean
param_value (const xmlNode *data, const char *param, gint64 *out)
{
  for (const xmlNode *c = data->children; c; c = c->next)
    if (is_rng (c, "param") && g_strcmp0 (rng_attr (c, "name"), param) == 0)
      {
        g_autofree char *raw = text_of (c);
        g_autofree char *text = normalize (raw);
        return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL);
      }
  return FALSE;
}

/* Does @raw match the <data> @data?  What this module cannot check (another
 * datatype library, an <except>) it accepts. */
static gboolean
data_accepts (const xmlNode *data, const char *raw)
{
  const char *type = rng_attr (data, "type");
  const char *library = rng_inherited (data, "datatypeLibrary");
  gboolean is_string = g_strcmp0 (type, "string") == 0;
  g_autofree char *value = is_string ? g_strdup (raw) : normalize (raw);
  xmlSchemaTypePtr xsd;
  gint64 number, bound;

  if (!type || strcmp (library, XSD_DATATYPES_NS) != 0)
    return TRUE;
  xsd = xmlSchemaGetPredefinedType ((const xmlChar *) type, (const xmlChar *) XSD_NS);
  if (!xsd)
    return TRUE;
  if (xmlSchemaValPredefTypeNode (xsd, (const xmlChar *) value, NULL, NULL) != 0)
    return FALSE;
  for (const xmlNode *c = data->children; c; c = c->next)
    if (is_rng (c, "param") && g_strcmp0 (rng_attr (c, "name"), "pattern") == 0)
      {
        g_autofree char *pattern = text_of (c);
        xmlRegexpPtr re = xmlRegexpCompile ((const xmlChar *) pattern);
        int ok = re ? xmlRegexpExec (re, (const xmlChar *) value) : 1;

        if (re)
          xmlRegFreeRegexp (re);
        if (ok != 1)
          return FALSE;
      }
  if (param_value (data, "minInclusive", &bound)
      && (!g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL)
          || number < bound))
    return FALSE;
  if (param_value (data, "maxInclusive", &bound)
      && (!g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL)
          || number > bound))
    return FALSE;
  return TRUE;
}

static gboolean
spec_accepts (const ValueSpec *spec, const char *raw)
{
  g_autofree char *value = normalize (raw);

  if (spec->any)
    return TRUE;
  for (guint i = 0; i < spec->values->len; i++)
    if (strcmp (g_ptr_array_index (spec->values, i), value) == 0)
      return TRUE;
  for (guint i = 0; i < spec->data->len; i++)
    if (data_accepts (((const DataItem *) g_ptr_array_index (spec->data, i))->data, raw))
      return TRUE;
  return FALSE;
}

/* XML Schema's built-in types, as a person says them. */
static const struct {
  const char *type;
  const char *what;
} type_words[] = {
  { "unsignedLong", "an unsigned integer" },
  { "unsignedInt", "an unsigned integer below 2^32" },
  { "unsignedShort", "an unsigned integer from 0 to 65535" },
  { "unsignedByte", "an unsigned integer from 0 to 255" },
  { "nonNegativeInteger", "an unsigned integer" },
  { "positiveInteger", "a positive integer" },
  { "int", "an integer" },
  { "long", "an integer" },
  { "short", "an integer" },
  { "integer", "an integer" },
  { "boolean", "true or false" },
};

static char *
data_describe (const DataItem *item)
{
  const char *type = rng_attr (item->data, "type");
  const char *what = "text";
  gint64 lo, hi;
  gboolean has_lo, has_hi;

  if (item->what)
    return g_strdup (item->what);
  for (guint i = 0; i < G_N_ELEMENTS (type_words); i++)
    if (g_strcmp0 (type, type_words[i].type) == 0)
      what = type_words[i].what;
  has_lo = param_value (item->data, "minInclusive", &lo);
  has_hi = param_value (item->data, "maxInclusive", &hi);
  if (has_lo && has_hi)
    return g_strdup_printf ("%s from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                            g_str_has_prefix (what, "an unsigned") ? "an unsigned integer"
                                                                   : "an integer", lo, hi);
  if (has_lo)
    return g_strdup_printf ("%s of at least %" G_GINT64_FORMAT, what, lo);
  if (has_hi)
    return g_strdup_printf ("%s of at most %" G_GINT64_FORMAT, what, hi);
  return g_strdup (what);
}

/* "one of a, b, c", "xen", "an absolute path", joined with "or". */
static char *
spec_describe (const ValueSpec *spec)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func (g_free);

  if (spec->values->len == 1)
    g_string_append (out, g_ptr_array_index (spec->values, 0));
  else if (spec->values->len > 1)
    {
      g_string_append (out, "one of ");
      for (guint i = 0; i < spec->values->len; i++)
        g_string_append_printf (out, "%s%s", i ? ", " : "",
                                (const char *) g_ptr_array_index (spec->values, i));
    }
  for (guint i = 0; i < spec->data->len; i++)
    {
      char *what = data_describe (g_ptr_array_index (spec->data, i));

      if (g_ptr_array_find_with_equal_func (said, what, g_str_equal, NULL))
        {
          g_free (what);
          continue;
        }
      g_string_append_printf (out, "%s%s", out->len ? " or " : "", what);
      g_ptr_array_add (said, what);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- reporting ---- */

static char *
qname (const xmlNode *node)
{
  if (node->ns && node->ns->prefix)
    return g_strdup_printf ("%s:%s", node->ns->prefix, node->name);
  return g_strdup ((const char *) node->name);
}

static const char *
ns_of (const xmlNs *ns)
{
  return ns && ns->href ? (const char *) ns->href : "";
}

/* The name of the <element name=> @pattern as the document at @node
 * would write it: with the prefix it gives the namespace, if any. */
static char *
prefixed (const xmlNode *node, const xmlNode *pattern)
{
  const char *name = rng_attr (pattern, "name");
  const char *ns = rng_inherited (pattern, "ns");
  xmlNs *decl;

  if (!*ns)
    return g_strdup (name);
  decl = xmlSearchNsByHref (node->doc, (xmlNode *) node, (const xmlChar *) ns);
  if (decl && decl->prefix)
    return g_strdup_printf ("%s:%s", decl->prefix, name);
  return g_strdup_printf ("%s xmlns='%s'", name, ns);
}


static char *
quoted (const char *value)
{
  if (g_utf8_strlen (value, -1) <= QUOTE_MAX)
    return g_strdup (value);
  return g_strdup_printf ("%.*s...",
                          (int) (g_utf8_offset_to_pointer (value, QUOTE_MAX) - value),
                          value);
}

/* One problem at @node's line; @subject, when not NULL, is what it is
 * about in @element, a local name as the rules write it ("'value'",
 * "<child").  Returns its private part, NULL past the cap. */
G_GNUC_PRINTF (6, 7) static XenKbootSchemaErrorPrivate *
report (Explainer *ex, XenKbootSchemaError code, const xmlNode *node,
        const char *element, const char *subject, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  GError *problem;
  XenKbootSchemaErrorPrivate *priv;

  if (++ex->found > XEN_KBOOT_SCHEMA_EXPLAIN_MAX)
    return NULL;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  problem = g_error_new (XEN_KBOOT_SCHEMA_ERROR, code, "%s:%ld: %s", ex->name,
                         xmlGetLineNo (node), message);
  priv = xen_kboot_schema_error_get_private (problem);
  if (priv)   /* always, for an error of this domain */
    {
      priv->line = (int) xmlGetLineNo (node);
      priv->element = g_strdup (element);
      priv->subject = g_strdup (subject);
    }
  g_ptr_array_add (ex->problems, problem);
  return priv;
}

/* "<a>, <b>; accepted and ignored: <c>, elements in other namespaces" */
static char *
allowed_elements (Explainer *ex, const xmlNode *node, const Model *m)
{
  g_autoptr(GString) used = g_string_new (NULL);
  g_autoptr(GString) ignored = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func (g_free);
  gboolean other_ns = FALSE;

  for (guint i = 0; i < m->elements->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->elements, i);
      GString *into = is_opaque (ex, p->pattern) ? ignored : used;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      nc_names (name_class (p->pattern), names, &other_ns);
      if (rng_attr (p->pattern, "name"))
        g_ptr_array_add (names, prefixed (node, p->pattern));
      for (guint n = 0; n < names->len; n++)
        {
          const char *name = g_ptr_array_index (names, n);
          if (g_ptr_array_find_with_equal_func (said, name, g_str_equal, NULL))
            continue;
          g_string_append_printf (into, "%s<%s>", into->len ? ", " : "", name);
          g_ptr_array_add (said, g_strdup (name));
        }
    }
  if (other_ns)
    g_string_append_printf (ignored, "%selements in other namespaces",
                            ignored->len ? ", " : "");
  if (!used->len)
    return g_strdup_printf ("accepted and ignored: %s", ignored->str);
  if (!ignored->len)
    return g_strdup (used->str);
  return g_strdup_printf ("%s; accepted and ignored: %s", used->str, ignored->str);
}

static char *
allowed_attributes (const Model *m)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new ();

  for (guint i = 0; i < m->attributes->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->attributes, i);
      const char *name = rng_attr (p->pattern, "name");

      if (!name || g_ptr_array_find_with_equal_func (said, name, g_str_equal, NULL))
        continue;
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", name);
      g_ptr_array_add (said, (gpointer) name);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- hints for an element out of place ---- */

static void
find_rng (const xmlNode *node, const char *kind, const char *name, GPtrArray *found)
{
  for (const xmlNode *c = node->children; c; c = c->next)
    if (is_rng (c, NULL))
      {
        if (is_rng (c, kind) && g_strcmp0 (rng_attr (c, "name"), name) == 0)
          g_ptr_array_add (found, (gpointer) c);
        find_rng (c, kind, name, found);
      }
}

/* The named elements of the grammar whose content holds @pattern, through
 * the <ref>s to the <define> it is in. */
static void
enclosing_elements (const xmlNode *top, const xmlNode *pattern, GPtrArray *names,
                    guint depth)
{
  for (const xmlNode *up = pattern->parent; up && up->type == XML_ELEMENT_NODE;
       up = up->parent)
    if (is_rng (up, "element"))
      {
        const char *name = rng_attr (up, "name");
        if (name && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
          g_ptr_array_add (names, (gpointer) name);
        return;
      }
    else if (is_rng (up, "define"))
      {
        g_autoptr(GPtrArray) refs = g_ptr_array_new ();

        if (depth >= REF_DEPTH_MAX || !rng_attr (up, "name"))
          return;
        find_rng (top, "ref", rng_attr (up, "name"), refs);
        for (guint i = 0; i < refs->len; i++)
          enclosing_elements (top, g_ptr_array_index (refs, i), names, depth + 1);
        return;
      }
}

/* "<os>" when <kernel> is allowed only there, "<a> or <b>"; NULL if
 * @child is allowed nowhere else than in @parent. */
static char *
where_allowed (const xmlNode *top, const xmlNode *parent, const xmlNode *child)
{
  g_autoptr(GPtrArray) patterns = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  find_rng (top, "element", (const char *) child->name, patterns);
  for (guint i = 0; i < patterns->len; i++)
    if (pattern_matches (g_ptr_array_index (patterns, i), ns_of (child->ns),
                         (const char *) child->name))
      enclosing_elements (top, g_ptr_array_index (patterns, i), names, 0);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      if (strcmp (name, (const char *) parent->name) == 0)
        continue;
      g_string_append_printf (out, "%s<%s>", out->len ? " or " : "", name);
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static guint
edit_distance (const char *a, const char *b)
{
  guint la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (guint j = 0; j <= lb; j++)
    row[j] = j;
  for (guint i = 1; i <= la; i++)
    {
      guint diagonal = row[0];
      row[0] = i;
      for (guint j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The name of @m's children closest to @name, if it is a likely typo: at
 * most two edits away, and fewer than half its letters; written as the
 * document at @node would. */
static char *
closest_name (const xmlNode *node, const Model *m, const char *name)
{
  const xmlNode *best = NULL;
  guint best_distance = 3;

  for (guint i = 0; i < m->elements->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->elements, i);
      const char *candidate = rng_attr (p->pattern, "name");
      guint d;

      if (!candidate)
        continue;
      d = edit_distance (name, candidate);
      if (d < best_distance && d * 2 < strlen (candidate))
        {
          best = p->pattern;
          best_distance = d;
        }
    }
  return best ? prefixed (node, best) : NULL;
}

/* ---- the walk ---- */

static const Particle *
find_particle (GPtrArray *particles, const char *ns, const char *local)
{
  /* Named particles first: a wildcard elsewhere must not hide them. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < particles->len; i++)
      {
        const Particle *p = g_ptr_array_index (particles, i);
        if ((rng_attr (p->pattern, "name") != NULL) == (pass == 0)
            && pattern_matches (p->pattern, ns, local))
          return p;
      }
  return NULL;
}

/* The attribute's value against every particle of its name. */
static void
check_attribute (Explainer *ex, const xmlNode *node, const xmlAttr *attr, const Model *m)
{
  const char *local = (const char *) attr->name;
  g_autofree char *element = qname (node);
  xmlChar *raw = xmlNodeListGetString (node->doc, attr->children, 1);
  g_autofree char *value = g_strdup (raw ? (const char *) raw : "");
  g_autofree char *shown = quoted (value);
  ValueSpec spec;
  gboolean known = FALSE;

  xmlFree (raw);
  value_spec_init (&spec);
  for (guint i = 0; i < m->attributes->len; i++)
    {
      Particle *p = g_ptr_array_index (m->attributes, i);
      if (pattern_matches (p->pattern, ns_of (attr->ns), local))
        {
          known = TRUE;
          value_spec_merge (&spec, &p->value);
        }
    }
  if (!known)
    {
      g_autofree char *allowed = allowed_attributes (m);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_ATTRIBUTE, node, element, NULL,
              "<%s>: attribute %s='%s' is not allowed (%s%s)", element, local,
              shown, *allowed ? "allowed: " : "no attributes are", allowed);
    }
  else if (!spec_accepts (&spec, value))
    {
      g_autofree char *want = spec_describe (&spec);
      g_autofree char *subject = g_strdup_printf ("'%s'", value);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_VALUE, node, (const char *) node->name, subject,
              "<%s %s='%s'>: %s must be %s",
              element, local, shown, local, want);
    }
  value_spec_clear (&spec);
}

static void
check_attributes (Explainer *ex, const xmlNode *node, const Model *m)
{
  g_autoptr(GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);

  for (const xmlAttr *a = node->properties; a; a = a->next)
    check_attribute (ex, node, a, m);
  for (guint i = 0; i < m->attributes->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->attributes, i);
      const char *name = rng_attr (p->pattern, "name");
      const char *ns = rng_attr (p->pattern, "ns");
      g_autofree char *element = NULL;
      g_autofree char *want = NULL;

      if (!p->required || !name || g_hash_table_contains (said, name)
          || xmlHasNsProp (node, (const xmlChar *) name,
                           ns && *ns ? (const xmlChar *) ns : NULL))
        continue;
      g_hash_table_add (said, (gpointer) name);
      element = qname (node);
      want = p->value.any ? NULL : spec_describe (&p->value);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_MISSING_ATTRIBUTE, node, element, NULL,
              "<%s>: attribute %s is required%s%s%s", element, name,
              want ? " (" : "", want ? want : "", want ? ")" : "");
    }
}

static void
check_text (Explainer *ex, const xmlNode *node, const Model *m)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *element = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *stripped = NULL;

  for (const xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      g_string_append (text, (const char *) c->content);
  stripped = g_strstrip (g_strdup (text->str));
  element = qname (node);
  shown = quoted (stripped);
  if (!m->has_text && *stripped)
    report (ex, XEN_KBOOT_SCHEMA_ERROR_VALUE, node, element, NULL,
            "<%s>: text '%s' is not allowed here%s", element, shown,
            m->elements->len ? ", only elements" : ": the element is empty");
  else if (m->has_text && m->elements->len == 0 && !spec_accepts (&m->text, text->str))
    {
      g_autofree char *want = spec_describe (&m->text);
      g_autofree char *subject = g_strdup_printf ("'%s'", stripped);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_VALUE, node, (const char *) node->name, subject,
              "<%s>: '%s' must be %s",
              element, shown, want);
    }
}

static void
check_missing (Explainer *ex, const xmlNode *node, const Model *m)
{
  g_autoptr(GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < m->elements->len; i++)
    {
      const Particle *p = g_ptr_array_index (m->elements, i);
      const char *name = rng_attr (p->pattern, "name");
      gboolean present = FALSE;
      g_autofree char *element = NULL;
      g_autofree char *subject = NULL;

      if (!p->required || !name || g_hash_table_contains (said, name))
        continue;
      g_hash_table_add (said, (gpointer) name);
      for (const xmlNode *c = node->children; c && !present; c = c->next)
        present = c->type == XML_ELEMENT_NODE
                  && pattern_matches (p->pattern, ns_of (c->ns), (const char *) c->name);
      if (present)
        continue;
      element = qname (node);
      subject = g_strdup_printf ("<%s", name);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_MISSING_ELEMENT, node, (const char *) node->name,
              subject,
              "<%s>: required element <%s> is missing", element, name);
    }
}

static void check_element (Explainer *ex, const xmlNode *node, const Model *m);

static void
check_children (Explainer *ex, const xmlNode *node, const Model *m)
{
  g_autoptr(GHashTable) first = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (const xmlNode *c = node->children; c; c = c->next)
    {
      const Particle *p;
      g_autofree char *parent = NULL;
      g_autofree char *child = NULL;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      p = find_particle (m->elements, ns_of (c->ns), (const char *) c->name);
      parent = qname (node);
      child = qname (c);
      if (!p)
        {
          g_autofree char *allowed = allowed_elements (ex, node, m);
          g_autofree char *elsewhere = where_allowed (ex->top, node, c);
          g_autofree char *typo = elsewhere ? NULL
                                  : closest_name (node, m, (const char *) c->name);
          g_autofree char *hint = elsewhere ? g_strdup_printf (": it belongs in %s", elsewhere)
                                  : typo ? g_strdup_printf (": did you mean <%s>?", typo)
                                  : g_strdup ("");

          XenKbootSchemaErrorPrivate *priv;

          priv = report (ex, XEN_KBOOT_SCHEMA_ERROR_ELEMENT, c, parent, NULL,
                         "<%s>: element <%s> is not allowed here%s (%s%s)", parent, child,
                         hint, *allowed ? "allowed: " : "no child elements are", allowed);
          if (priv)
            priv->refused = g_strdup (child);
          continue;
        }
      if (!p->repeat && g_hash_table_contains (first, p))
        report (ex, XEN_KBOOT_SCHEMA_ERROR_REPEATED, c, parent, NULL,
                "<%s>: a second <%s> is not allowed (the first is at line %ld)",
                parent, child, xmlGetLineNo (g_hash_table_lookup (first, p)));
      else if (!g_hash_table_contains (first, p))
        g_hash_table_insert (first, (gpointer) p, (gpointer) c);
      check_element (ex, c, model_of (ex, p->pattern));
    }
}

static void
check_element (Explainer *ex, const xmlNode *node, const Model *m)
{
  if (m->lax)
    return;
  check_attributes (ex, node, m);
  check_text (ex, node, m);
  check_missing (ex, node, m);
  check_children (ex, node, m);
}

static void
index_defines (GHashTable *defines, const xmlNode *node)
{
  for (const xmlNode *c = node->children; c; c = c->next)
    if (is_rng (c, "define") && rng_attr (c, "name"))
      g_hash_table_insert (defines, (gpointer) rng_attr (c, "name"), (gpointer) c);
    else if (is_rng (c, "div") || is_rng (c, "include"))
      index_defines (defines, c);
}

guint
xen_kboot_schema_explain (const xmlDoc *grammar, const xmlDoc *doc,
                          const char *name, GPtrArray *problems)
{
  const xmlNode *top = xmlDocGetRootElement ((xmlDoc *) grammar);
  Explainer ex = { top, name, problems, 0, NULL, NULL, NULL };
  const xmlNode *root = xmlDocGetRootElement ((xmlDoc *) doc);
  const xmlNode *start = NULL;
  g_autoptr(Model) starts = model_new ();
  Flags f = { FALSE, FALSE, NULL, 0 };
  const Particle *p;
  guint before = problems->len;

  if (!is_rng (top, "grammar") || !root)
    return 0;
  for (const xmlNode *c = top->children; c && !start; c = c->next)
    if (is_rng (c, "start"))
      start = c;
  if (!start)
    return 0;
  ex.defines = g_hash_table_new (g_str_hash, g_str_equal);
  ex.models = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, model_free);
  ex.strings = g_ptr_array_new_with_free_func (g_free);
  index_defines (ex.defines, top);
  collect_list (&ex, start->children, starts, f);

  p = find_particle (starts->elements, ns_of (root->ns), (const char *) root->name);
  if (p)
    check_element (&ex, root, model_of (&ex, p->pattern));
  else
    {
      g_autofree char *allowed = allowed_elements (&ex, root, starts);
      g_autofree char *element = qname (root);
      g_autofree char *subject = g_strdup_printf ("<%s>", element);
      report (&ex, XEN_KBOOT_SCHEMA_ERROR_ELEMENT, root, NULL, subject,
              "<%s>: not allowed as the document's root element (allowed: %s)",
              element, allowed);
    }
  if (ex.found > XEN_KBOOT_SCHEMA_EXPLAIN_MAX)
    g_ptr_array_add (problems,
                     g_error_new (XEN_KBOOT_SCHEMA_ERROR, XEN_KBOOT_SCHEMA_ERROR_TOO_MANY,
                                  "%s: %u more schema problems not listed", name,
                                  ex.found - XEN_KBOOT_SCHEMA_EXPLAIN_MAX));
  g_hash_table_unref (ex.models);
  g_hash_table_unref (ex.defines);
  g_ptr_array_unref (ex.strings);
  return problems->len - before;
}
