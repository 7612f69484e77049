/* A RELAX NG grammar as a model (see xen_kboot_conf_schema_model.h). */
#include "config.h"

#include <string.h>

#include <libxml/xmlregexp.h>
#include <libxml/xmlschemastypes.h>

#include "xen_kboot_conf_schema_model.h"

#define RNG_NS "http://relaxng.org/ns/structure/1.0"
#define RNG_ANNOTATIONS_NS "http://relaxng.org/ns/compatibility/annotations/1.0"
#define XSD_DATATYPES_NS "http://www.w3.org/2001/XMLSchema-datatypes"
#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define REF_DEPTH_MAX 64     /* <ref>s followed without an <element> between */

typedef struct {
  const xmlNode *data;       /* <data> */
  const char *what;          /* its description, or NULL */
} DataItem;

struct _XenKbootSchemaModel {
  const xmlNode *top;        /* <grammar> */
  GHashTable *defines;       /* name -> <define> */
  GHashTable *contents;      /* <element> -> XenKbootSchemaContent */
  GPtrArray *strings;        /* owned strings the contents point to */
  XenKbootSchemaContent *start;
};

/* How a pattern is reached. */
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

/* The <a:documentation> of @node, or NULL; kept in @sm->strings. */
static const char *
documentation (XenKbootSchemaModel *sm, const xmlNode *node)
{
  for (const xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && c->ns
        && strcmp ((const char *) c->ns->href, RNG_ANNOTATIONS_NS) == 0
        && strcmp ((const char *) c->name, "documentation") == 0)
      {
        g_autofree char *raw = text_of (c);
        char *text = normalize (raw);

        g_ptr_array_add (sm->strings, text);
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
gboolean
xen_kboot_schema_pattern_matches (const xmlNode *pattern, const char *ns, const char *local)
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

void
xen_kboot_schema_values_init (XenKbootSchemaValues *spec)
{
  spec->any = FALSE;
  spec->values = g_ptr_array_new_with_free_func (g_free);
  spec->data = g_ptr_array_new_with_free_func (g_free);
}

void
xen_kboot_schema_values_clear (XenKbootSchemaValues *spec)
{
  g_clear_pointer (&spec->values, g_ptr_array_unref);
  g_clear_pointer (&spec->data, g_ptr_array_unref);
}

/* Move what @from allows into @to. */
void
xen_kboot_schema_values_merge (XenKbootSchemaValues *to, const XenKbootSchemaValues *from)
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
  XenKbootSchemaParticle *p = data;

  xen_kboot_schema_values_clear (&p->value);
  g_free (p);
}

static XenKbootSchemaContent *
content_new (void)
{
  XenKbootSchemaContent *m = g_new0 (XenKbootSchemaContent, 1);

  m->elements = g_ptr_array_new_with_free_func (particle_free);
  m->attributes = g_ptr_array_new_with_free_func (particle_free);
  m->attribute_choices = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  xen_kboot_schema_values_init (&m->text);
  return m;
}

static void
content_free (gpointer data)
{
  XenKbootSchemaContent *m = data;

  if (!m)
    return;
  g_ptr_array_unref (m->elements);
  g_ptr_array_unref (m->attributes);
  g_ptr_array_unref (m->attribute_choices);
  xen_kboot_schema_values_clear (&m->text);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootSchemaContent, content_free)

static void collect (XenKbootSchemaModel *sm, const xmlNode *pattern, XenKbootSchemaContent *m, Flags f);

static void
collect_list (XenKbootSchemaModel *sm, const xmlNode *first, XenKbootSchemaContent *m, Flags f)
{
  for (const xmlNode *c = first; c; c = c->next)
    if (is_rng (c, NULL))
      collect (sm, c, m, f);
}

static XenKbootSchemaParticle *
particle_new (const xmlNode *pattern, Flags f)
{
  XenKbootSchemaParticle *p = g_new0 (XenKbootSchemaParticle, 1);

  p->pattern = pattern;
  p->required = !f.optional;
  p->repeat = f.repeat;
  xen_kboot_schema_values_init (&p->value);
  return p;
}

static gboolean
has_required (GPtrArray *particles, const char *name)
{
  for (guint i = 0; i < particles->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (particles, i);
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
      XenKbootSchemaParticle *p = g_ptr_array_index (from, i);
      const char *name = rng_attr (p->pattern, "name");

      for (guint b = 0; b < branches->len && p->required; b++)
        {
          const XenKbootSchemaContent *other = g_ptr_array_index (branches, b);
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
collect_choice (XenKbootSchemaModel *sm, const xmlNode *choice, XenKbootSchemaContent *m, Flags f)
{
  g_autoptr(GPtrArray) branches = g_ptr_array_new_with_free_func (content_free);
  g_autoptr(GPtrArray) alternatives = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  gboolean with_attributes = FALSE;

  for (const xmlNode *c = choice->children; c; c = c->next)
    if (is_rng (c, NULL))
      {
        XenKbootSchemaContent *b = content_new ();
        collect (sm, c, b, f);
        g_ptr_array_add (branches, b);
      }
  /* Each branch's attributes as the branch has them, before merging. */
  for (guint i = 0; i < branches->len; i++)
    {
      XenKbootSchemaContent *b = g_ptr_array_index (branches, i);
      GPtrArray *items = g_ptr_array_new_with_free_func (g_free);

      for (guint k = 0; k < b->attributes->len; k++)
        {
          XenKbootSchemaBranchItem *item = g_new0 (XenKbootSchemaBranchItem, 1);

          item->particle = g_ptr_array_index (b->attributes, k);
          item->required = item->particle->required;
          g_ptr_array_add (items, item);
        }
      with_attributes |= items->len > 0;
      g_ptr_array_add (alternatives, items);
      g_ptr_array_extend_and_steal (m->attribute_choices,
                                    g_steal_pointer (&b->attribute_choices));
      b->attribute_choices = g_ptr_array_new ();
    }
  /* A repeated choice may take a different branch each time: only a
   * single one keeps its branches apart. */
  if (with_attributes && branches->len > 1 && !f.repeat)
    g_ptr_array_add (m->attribute_choices, g_steal_pointer (&alternatives));
  for (guint i = 0; i < branches->len; i++)
    {
      XenKbootSchemaContent *b = g_ptr_array_index (branches, i);

      merge_branch (m->elements, b->elements, branches, FALSE);
      merge_branch (m->attributes, b->attributes, branches, TRUE);
      m->has_text |= b->has_text;
      m->lax |= b->lax;
      xen_kboot_schema_values_merge (&m->text, &b->text);
    }
}

static void
collect_attribute (XenKbootSchemaModel *sm, const xmlNode *pattern, XenKbootSchemaContent *m, Flags f)
{
  XenKbootSchemaParticle *p = particle_new (pattern, f);
  g_autoptr(XenKbootSchemaContent) content = content_new ();
  Flags inner = { FALSE, FALSE, f.what, f.depth };

  collect_list (sm, first_content (pattern), content, inner);
  /* <attribute> with no content is <attribute><text/></attribute>. */
  p->value.any = !content->has_text || content->text.any || content->lax;
  xen_kboot_schema_values_merge (&p->value, &content->text);
  g_ptr_array_add (m->attributes, p);
}

static void
collect_ref (XenKbootSchemaModel *sm, const xmlNode *ref, XenKbootSchemaContent *m, Flags f)
{
  const char *name = rng_attr (ref, "name");
  const xmlNode *def = name ? g_hash_table_lookup (sm->defines, name) : NULL;
  const char *what;

  if (!def || f.depth >= REF_DEPTH_MAX)
    {
      m->lax = TRUE;
      return;
    }
  what = documentation (sm, def);
  f.what = what ? what : f.what;
  f.depth++;
  collect_list (sm, def->children, m, f);
}

static void
collect (XenKbootSchemaModel *sm, const xmlNode *pattern, XenKbootSchemaContent *m, Flags f)
{
  const char *kind = (const char *) pattern->name;

  if (strcmp (kind, "element") == 0)
    g_ptr_array_add (m->elements, particle_new (pattern, f));
  else if (strcmp (kind, "attribute") == 0)
    collect_attribute (sm, pattern, m, f);
  else if (strcmp (kind, "group") == 0 || strcmp (kind, "interleave") == 0
           || strcmp (kind, "div") == 0)
    collect_list (sm, pattern->children, m, f);
  else if (strcmp (kind, "mixed") == 0)
    {
      m->has_text = m->text.any = TRUE;
      collect_list (sm, pattern->children, m, f);
    }
  else if (strcmp (kind, "optional") == 0)
    {
      f.optional = TRUE;
      collect_list (sm, pattern->children, m, f);
    }
  else if (strcmp (kind, "zeroOrMore") == 0)
    {
      f.optional = f.repeat = TRUE;
      collect_list (sm, pattern->children, m, f);
    }
  else if (strcmp (kind, "oneOrMore") == 0)
    {
      f.repeat = TRUE;
      collect_list (sm, pattern->children, m, f);
    }
  else if (strcmp (kind, "choice") == 0)
    collect_choice (sm, pattern, m, f);
  else if (strcmp (kind, "ref") == 0)
    collect_ref (sm, pattern, m, f);
  else if (strcmp (kind, "value") == 0)
    {
      g_autofree char *raw = text_of (pattern);
      m->has_text = TRUE;
      g_ptr_array_add (m->text.values, normalize (raw));
    }
  else if (strcmp (kind, "data") == 0)
    {
      DataItem *item = g_new0 (DataItem, 1);
      const char *what = documentation (sm, pattern);

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
const XenKbootSchemaContent *
xen_kboot_schema_model_content (XenKbootSchemaModel *sm, const xmlNode *element)
{
  XenKbootSchemaContent *m = g_hash_table_lookup (sm->contents, element);
  Flags f = { FALSE, FALSE, NULL, 0 };

  if (m)
    return m;
  m = content_new ();
  g_hash_table_insert (sm->contents, (gpointer) element, m);
  collect_list (sm, first_content (element), m, f);
  return m;
}

/* A model that accepts any attribute and any child: the content of an
 * element the program ignores. */
gboolean
xen_kboot_schema_model_is_opaque (XenKbootSchemaModel *sm, const xmlNode *element)
{
  const XenKbootSchemaContent *m = xen_kboot_schema_model_content (sm, element);
  gboolean any_attribute = FALSE, any_element = FALSE;

  for (guint i = 0; i < m->attributes->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->attributes, i);
      any_attribute |= is_rng (name_class (p->pattern), "anyName")
                       && !first_rng_child (name_class (p->pattern));
    }
  for (guint i = 0; i < m->elements->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->elements, i);
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

gboolean
xen_kboot_schema_values_accept (const XenKbootSchemaValues *spec, const char *raw)
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
char *
xen_kboot_schema_values_describe (const XenKbootSchemaValues *spec)
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

/* ---- where an element is allowed ---- */

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


GPtrArray *
xen_kboot_schema_model_parents (XenKbootSchemaModel *sm, const char *ns, const char *local)
{
  g_autoptr(GPtrArray) patterns = g_ptr_array_new ();
  GPtrArray *names = g_ptr_array_new ();

  find_rng (sm->top, "element", local, patterns);
  for (guint i = 0; i < patterns->len; i++)
    if (xen_kboot_schema_pattern_matches (g_ptr_array_index (patterns, i), ns, local))
      enclosing_elements (sm->top, g_ptr_array_index (patterns, i), names, 0);
  return names;
}

/* ---- names, and the model as a whole ---- */

const char *
xen_kboot_schema_pattern_name (const xmlNode *pattern)
{
  return rng_attr (pattern, "name");
}

const char *
xen_kboot_schema_pattern_ns (const xmlNode *pattern)
{
  if (is_rng (pattern, "attribute"))
    return rng_attr (pattern, "ns") ? rng_attr (pattern, "ns") : "";
  return rng_inherited (pattern, "ns");
}

void
xen_kboot_schema_pattern_listed_names (const xmlNode *pattern, GPtrArray *names,
                                       gboolean *other_ns)
{
  nc_names (name_class (pattern), names, other_ns);
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

XenKbootSchemaModel *
xen_kboot_schema_model_new (const xmlDoc *grammar)
{
  const xmlNode *top = xmlDocGetRootElement ((xmlDoc *) grammar);
  const xmlNode *start = NULL;
  XenKbootSchemaModel *sm;
  Flags f = { FALSE, FALSE, NULL, 0 };

  if (!is_rng (top, "grammar"))
    return NULL;
  for (const xmlNode *c = top->children; c && !start; c = c->next)
    if (is_rng (c, "start"))
      start = c;
  if (!start)
    return NULL;
  sm = g_new0 (XenKbootSchemaModel, 1);
  sm->top = top;
  sm->defines = g_hash_table_new (g_str_hash, g_str_equal);
  sm->contents = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, content_free);
  sm->strings = g_ptr_array_new_with_free_func (g_free);
  index_defines (sm->defines, top);
  sm->start = content_new ();
  collect_list (sm, start->children, sm->start, f);
  return sm;
}

void
xen_kboot_schema_model_free (XenKbootSchemaModel *sm)
{
  if (!sm)
    return;
  content_free (sm->start);
  g_hash_table_unref (sm->contents);
  g_hash_table_unref (sm->defines);
  g_ptr_array_unref (sm->strings);
  g_free (sm);
}

const XenKbootSchemaContent *
xen_kboot_schema_model_start (XenKbootSchemaModel *sm)
{
  return sm->start;
}
