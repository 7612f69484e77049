/* Schema errors a person can act on (see xen_kboot_conf_schema_explain.h).
 *
 * The document is walked against the model of the grammar
 * (xen_kboot_conf_schema_model.h): each element's attributes, their
 * values, its text, its required children, then its children in order,
 * each against the content of the pattern it matches.  Messages name the
 * element, what is wrong and what is allowed, with a hint for an element
 * out of place (where it belongs, or the name it is likely a typo of). */
#include "config.h"

#include <string.h>

#include "xen_kboot_conf_schema_explain.h"
#include "xen_kboot_conf_schema_model.h"

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

/* GLib's macro casts its byte pointer back to the private struct, which it
 * allocated with that struct's alignment: clang's -Wcast-align cannot know. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (XenKbootSchemaError, xen_kboot_schema_error)
#pragma GCC diagnostic pop

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
xen_kboot_schema_problem_line (const GError *problem, int *line)
{
  XenKbootSchemaErrorPrivate *priv = private_of (problem);

  if (!priv)
    return FALSE;
  *line = priv->line;
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

#define QUOTE_MAX 60         /* characters of a refused value quoted */

typedef struct {
  XenKbootSchemaModel *model;
  const char *name;          /* the document's file name */
  GPtrArray *problems;
  guint found;
} Explainer;

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
  const char *name = xen_kboot_schema_pattern_name (pattern);
  const char *ns = xen_kboot_schema_pattern_ns (pattern);
  xmlNs *decl;

  if (!*ns)
    return g_strdup (name);
  decl = xmlSearchNsByHref (node->doc, (xmlNode *) node, (const xmlChar *) ns);
  if (decl && decl->prefix)
    return g_strdup_printf ("%s:%s", decl->prefix, name);
  return g_strdup_printf ("%s xmlns='%s'", name, ns);
}


static char *
attr_value (const xmlNode *node, const xmlAttr *attr)
{
  xmlChar *raw = xmlNodeListGetString (node->doc, attr->children, 1);
  char *value = g_strdup (raw ? (const char *) raw : "");

  xmlFree (raw);
  return value;
}

/* "clock offset='utc' adjustment='12'" */
static char *
element_with_attributes (const xmlNode *node)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *name = qname (node);

  g_string_append (out, name);
  for (const xmlAttr *a = node->properties; a; a = a->next)
    {
      g_autofree char *value = attr_value (node, a);
      g_string_append_printf (out, " %s='%s'", (const char *) a->name, value);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
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

/* "<a>, <b>; accepted and ignored: <c>, elements in other namespaces";
 * "" when the element takes no child element at all. */
static char *
allowed_elements (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  g_autoptr(GString) used = g_string_new (NULL);
  g_autoptr(GString) ignored = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func (g_free);
  gboolean other_ns = FALSE;

  for (guint i = 0; i < m->elements->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->elements, i);
      GString *into = xen_kboot_schema_model_is_opaque (ex->model, p->pattern) ? ignored : used;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      xen_kboot_schema_pattern_listed_names (p->pattern, names, &other_ns);
      if (xen_kboot_schema_pattern_name (p->pattern))
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
  if (!used->len && !ignored->len)
    return g_strdup ("");
  if (!used->len)
    return g_strdup_printf ("accepted and ignored: %s", ignored->str);
  if (!ignored->len)
    return g_strdup (used->str);
  return g_strdup_printf ("%s; accepted and ignored: %s", used->str, ignored->str);
}

static char *
allowed_attributes (const XenKbootSchemaContent *m)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new ();

  for (guint i = 0; i < m->attributes->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->attributes, i);
      const char *name = xen_kboot_schema_pattern_name (p->pattern);

      if (!name || g_ptr_array_find_with_equal_func (said, name, g_str_equal, NULL))
        continue;
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", name);
      g_ptr_array_add (said, (gpointer) name);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- hints for an element out of place ---- */

/* "<os>" when <kernel> is allowed only there, "<a> or <b>"; NULL if
 * @child is allowed nowhere else than in @parent. */
static char *
where_allowed (Explainer *ex, const xmlNode *parent, const xmlNode *child)
{
  g_autoptr(GPtrArray) names = xen_kboot_schema_model_parents (ex->model, ns_of (child->ns),
                                                                (const char *) child->name);
  g_autoptr(GString) out = g_string_new (NULL);

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
closest_name (const xmlNode *node, const XenKbootSchemaContent *m, const char *name)
{
  const xmlNode *best = NULL;
  guint best_distance = 3;

  for (guint i = 0; i < m->elements->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->elements, i);
      const char *candidate = xen_kboot_schema_pattern_name (p->pattern);
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

static const XenKbootSchemaParticle *
find_particle (GPtrArray *particles, const char *ns, const char *local)
{
  /* Named particles first: a wildcard elsewhere must not hide them. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < particles->len; i++)
      {
        const XenKbootSchemaParticle *p = g_ptr_array_index (particles, i);
        if ((xen_kboot_schema_pattern_name (p->pattern) != NULL) == (pass == 0)
            && xen_kboot_schema_pattern_matches (p->pattern, ns, local))
          return p;
      }
  return NULL;
}

/* The attribute's value against every particle of its name. */
static void
check_attribute (Explainer *ex, const xmlNode *node, const xmlAttr *attr, const XenKbootSchemaContent *m)
{
  const char *local = (const char *) attr->name;
  g_autofree char *element = qname (node);
  g_autofree char *value = attr_value (node, attr);
  g_autofree char *shown = quoted (value);
  XenKbootSchemaValues spec;
  gboolean known = FALSE;

  xen_kboot_schema_values_init (&spec);
  for (guint i = 0; i < m->attributes->len; i++)
    {
      XenKbootSchemaParticle *p = g_ptr_array_index (m->attributes, i);
      if (xen_kboot_schema_pattern_matches (p->pattern, ns_of (attr->ns), local))
        {
          known = TRUE;
          xen_kboot_schema_values_merge (&spec, &p->value);
        }
    }
  if (!known)
    {
      g_autofree char *allowed = allowed_attributes (m);
      if (*allowed)
        report (ex, XEN_KBOOT_SCHEMA_ERROR_ATTRIBUTE, node, element, NULL,
                "<%s>: attribute %s='%s' is not allowed (allowed: %s)", element,
                local, shown, allowed);
      else
        report (ex, XEN_KBOOT_SCHEMA_ERROR_ATTRIBUTE, node, element, NULL,
                "<%s>: attribute %s='%s' is not allowed (<%s> takes no "
                "attributes)", element, local, shown, element);
    }
  else if (!xen_kboot_schema_values_accept (&spec, value))
    {
      g_autofree char *want = xen_kboot_schema_values_describe (&spec);
      g_autofree char *subject = g_strdup_printf ("'%s'", value);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_VALUE, node, (const char *) node->name, subject,
              "<%s %s='%s'>: %s must be %s",
              element, local, shown, local, want);
    }
  xen_kboot_schema_values_clear (&spec);
}

static gboolean
in_branch (GPtrArray *items, const xmlNode *node, const xmlAttr *attr, gboolean *mentioned)
{
  g_autofree char *value = attr_value (node, attr);

  for (guint i = 0; i < items->len; i++)
    {
      const XenKbootSchemaBranchItem *item = g_ptr_array_index (items, i);

      if (!xen_kboot_schema_pattern_matches (item->particle->pattern, ns_of (attr->ns),
                                             (const char *) attr->name))
        continue;
      *mentioned = TRUE;
      if (xen_kboot_schema_values_accept (&item->particle->value, value))
        return TRUE;
    }
  return FALSE;
}

/* Does one branch take every attribute of @node it names, and have all
 * it requires?  Sets @mentioned when any branch names one of them. */
static gboolean
some_branch_fits (GPtrArray *branches, const xmlNode *node, gboolean *mentioned)
{
  for (guint b = 0; b < branches->len; b++)
    {
      GPtrArray *items = g_ptr_array_index (branches, b);
      gboolean fits = TRUE;

      for (const xmlAttr *a = node->properties; a && fits; a = a->next)
        {
          gboolean named = FALSE;

          for (guint o = 0; o < branches->len; o++)
            in_branch (g_ptr_array_index (branches, o), node, a, &named);
          *mentioned |= named;
          fits = !named || in_branch (items, node, a, &named);
        }
      for (guint i = 0; i < items->len && fits; i++)
        {
          const XenKbootSchemaBranchItem *item = g_ptr_array_index (items, i);
          const char *name = xen_kboot_schema_pattern_name (item->particle->pattern);
          const char *ns = xen_kboot_schema_pattern_ns (item->particle->pattern);

          fits = !item->required || !name
                 || xmlHasNsProp (node, (const xmlChar *) name,
                                  *ns ? (const xmlChar *) ns : NULL);
        }
      if (fits)
        return TRUE;
    }
  return FALSE;
}

/* "offset one of utc, localtime, adjustment reset (optional); or ..." */
static char *
describe_branches (GPtrArray *branches)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint b = 0; b < branches->len; b++)
    {
      GPtrArray *items = g_ptr_array_index (branches, b);

      g_string_append (out, b ? "; or " : "");
      for (guint i = 0; i < items->len; i++)
        {
          const XenKbootSchemaBranchItem *item = g_ptr_array_index (items, i);
          const char *name = xen_kboot_schema_pattern_name (item->particle->pattern);
          g_autofree char *want = item->particle->value.any ? NULL
                                  : xen_kboot_schema_values_describe (&item->particle->value);

          g_string_append_printf (out, "%s%s%s%s%s", i ? ", " : "", name ? name : "any",
                                  want ? " " : "", want ? want : "",
                                  item->required ? "" : " (optional)");
        }
      if (!items->len)
        g_string_append (out, "none of them");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Attributes each allowed, from branches of a <choice> that exclude each
 * other. */
static void
check_attribute_choices (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  for (guint c = 0; c < m->attribute_choices->len; c++)
    {
      GPtrArray *branches = g_ptr_array_index (m->attribute_choices, c);
      gboolean mentioned = FALSE;
      g_autofree char *allowed = NULL;
      g_autofree char *element = NULL;

      if (some_branch_fits (branches, node, &mentioned) || !mentioned)
        continue;
      allowed = describe_branches (branches);
      element = element_with_attributes (node);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_ATTRIBUTE, node, NULL, NULL,
              "<%s>: these attributes do not go together (allowed: %s)", element, allowed);
    }
}

static void
check_attributes (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  g_autoptr(GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);
  guint found = ex->found;

  for (const xmlAttr *a = node->properties; a; a = a->next)
    check_attribute (ex, node, a, m);
  if (ex->found == found)
    check_attribute_choices (ex, node, m);
  for (guint i = 0; i < m->attributes->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->attributes, i);
      const char *name = xen_kboot_schema_pattern_name (p->pattern);
      const char *ns = xen_kboot_schema_pattern_ns (p->pattern);
      g_autofree char *element = NULL;
      g_autofree char *want = NULL;

      if (!p->required || !name || g_hash_table_contains (said, name)
          || xmlHasNsProp (node, (const xmlChar *) name,
                           ns && *ns ? (const xmlChar *) ns : NULL))
        continue;
      g_hash_table_add (said, (gpointer) name);
      element = qname (node);
      want = p->value.any ? NULL : xen_kboot_schema_values_describe (&p->value);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_MISSING_ATTRIBUTE, node, element, NULL,
              "<%s>: attribute %s is required%s%s%s", element, name,
              want ? " (" : "", want ? want : "", want ? ")" : "");
    }
}

static void
check_text (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
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
  else if (m->has_text && m->elements->len == 0 && !xen_kboot_schema_values_accept (&m->text, text->str))
    {
      g_autofree char *want = xen_kboot_schema_values_describe (&m->text);
      g_autofree char *subject = g_strdup_printf ("'%s'", stripped);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_VALUE, node, (const char *) node->name, subject,
              "<%s>: '%s' must be %s",
              element, shown, want);
    }
}

static void
check_missing (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  g_autoptr(GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < m->elements->len; i++)
    {
      const XenKbootSchemaParticle *p = g_ptr_array_index (m->elements, i);
      const char *name = xen_kboot_schema_pattern_name (p->pattern);
      gboolean present = FALSE;
      g_autofree char *element = NULL;
      g_autofree char *subject = NULL;

      if (!p->required || !name || g_hash_table_contains (said, name))
        continue;
      g_hash_table_add (said, (gpointer) name);
      for (const xmlNode *c = node->children; c && !present; c = c->next)
        present = c->type == XML_ELEMENT_NODE
                  && xen_kboot_schema_pattern_matches (p->pattern, ns_of (c->ns), (const char *) c->name);
      if (present)
        continue;
      element = qname (node);
      subject = g_strdup_printf ("<%s", name);
      report (ex, XEN_KBOOT_SCHEMA_ERROR_MISSING_ELEMENT, node, (const char *) node->name,
              subject,
              "<%s>: required element <%s> is missing", element, name);
    }
}

static void check_element (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m);

static void
check_children (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  g_autoptr(GHashTable) first = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (const xmlNode *c = node->children; c; c = c->next)
    {
      const XenKbootSchemaParticle *p;
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
          g_autofree char *elsewhere = where_allowed (ex, node, c);
          g_autofree char *typo = elsewhere ? NULL
                                  : closest_name (node, m, (const char *) c->name);
          g_autofree char *hint = elsewhere ? g_strdup_printf (": it belongs in %s", elsewhere)
                                  : typo ? g_strdup_printf (": did you mean <%s>?", typo)
                                  : g_strdup ("");

          XenKbootSchemaErrorPrivate *priv;

          if (*allowed)
            priv = report (ex, XEN_KBOOT_SCHEMA_ERROR_ELEMENT, c, parent, NULL,
                           "<%s>: element <%s> is not allowed here%s (allowed: %s)",
                           parent, child, hint, allowed);
          else
            priv = report (ex, XEN_KBOOT_SCHEMA_ERROR_ELEMENT, c, parent, NULL,
                           "<%s>: element <%s> is not allowed here%s (<%s> takes "
                           "no child elements)", parent, child, hint, parent);
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
      check_element (ex, c, xen_kboot_schema_model_content (ex->model, p->pattern));
    }
}

static void
check_element (Explainer *ex, const xmlNode *node, const XenKbootSchemaContent *m)
{
  if (m->lax)
    return;
  check_attributes (ex, node, m);
  check_text (ex, node, m);
  check_missing (ex, node, m);
  check_children (ex, node, m);
}

guint
xen_kboot_schema_explain (const xmlDoc *grammar, const xmlDoc *doc,
                          const char *name, GPtrArray *problems)
{
  g_autoptr(XenKbootSchemaModel) model = xen_kboot_schema_model_new (grammar);
  Explainer ex = { model, name, problems, 0 };
  const xmlNode *root = xmlDocGetRootElement ((xmlDoc *) doc);
  const XenKbootSchemaContent *start;
  const XenKbootSchemaParticle *p;
  guint before = problems->len;

  if (!model || !root)
    return 0;
  start = xen_kboot_schema_model_start (model);
  p = find_particle (start->elements, ns_of (root->ns), (const char *) root->name);
  if (p)
    check_element (&ex, root, xen_kboot_schema_model_content (model, p->pattern));
  else
    {
      g_autofree char *allowed = allowed_elements (&ex, root, start);
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
  return problems->len - before;
}
