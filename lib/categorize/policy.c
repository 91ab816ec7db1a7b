/*
 * Loads and validates a categorization policy (data/policy/; format in
 * docs/categorization.md). A policy is checked completely at load time: every
 * rule reads a known fact with a value on that fact's scale, levels are
 * contiguous, categories cut the plane into pieces that neither overlap nor
 * leave a cell out, and every cell has a tier. A rule that reads likelihood is
 * refused, because IoT-SSF keeps probability out of the category.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "policy_internal.h"

typedef struct loader {
    doc_ctx ctx;
    iotssf_policy *p;
} loader;

/* ---- conditions ---- */

static iotssf_status fact_value(loader *l, const doc_node *n, iotssf_fact_id fact,
                                double *out)
{
    const iotssf_fact_def *def = iotssf_fact_def_of(fact);
    if (def->type == IOTSSF_FACT_NUMBER)
        return doc_number(&l->ctx, n, -1e18, 1e18, def->name, out);
    int i;
    TRY(doc_enum(&l->ctx, n, def->values, def->name, &i));
    *out = i;
    return IOTSSF_OK;
}

static iotssf_status load_cond(loader *l, const doc_node *n, int depth, policy_cond *c,
                               char *text, size_t text_size, unsigned *facts);

static iotssf_status load_group(loader *l, const doc_node *n, const char *key, int depth,
                                policy_cond *c, char *text, size_t size, unsigned *facts)
{
    const doc_node *list = doc_get(n, key);
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, key));
    if (list->count == 0)
        return doc_error(&l->ctx, list, "'%s' needs at least one condition", key);
    c->kind = strcmp(key, "all") == 0 ? COND_ALL : COND_ANY;
    c->child_count = list->count;
    c->children = arena_alloc(&l->p->mem, list->count * sizeof *c->children);
    if (!c->children)
        return doc_nomem(&l->ctx);
    size_t used = (size_t)snprintf(text, size, "(");
    for (size_t i = 0; i < list->count; i++) {
        char sub[512];
        TRY(load_cond(l, list->items[i], depth + 1, &c->children[i], sub, sizeof sub, facts));
        if (used < size)
            used += (size_t)snprintf(text + used, size - used, "%s%s",
                                     i ? (c->kind == COND_ALL ? " and " : " or ") : "", sub);
    }
    if (used < size)
        snprintf(text + used, size - used, ")");
    return IOTSSF_OK;
}

static iotssf_status load_in(loader *l, const doc_node *list, iotssf_fact_id fact,
                             policy_cond *c, char *text, size_t size)
{
    const iotssf_fact_def *def = iotssf_fact_def_of(fact);
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "in"));
    if (def->type == IOTSSF_FACT_NUMBER)
        return doc_error(&l->ctx, list, "'in' needs a fact with named values; %s is a number",
                         def->name);
    if (list->count == 0)
        return doc_error(&l->ctx, list, "'in' needs at least one value");
    size_t used = (size_t)snprintf(text, size, "%s in [", def->name);
    for (size_t i = 0; i < list->count; i++) {
        double v;
        TRY(fact_value(l, list->items[i], fact, &v));
        c->in_mask |= 1ul << (int)v;
        if (used < size)
            used += (size_t)snprintf(text + used, size - used, "%s%s", i ? ", " : "",
                                     def->values[(int)v]);
    }
    if (used < size)
        snprintf(text + used, size - used, "]");
    c->op = OP_IN;
    return IOTSSF_OK;
}

static iotssf_status load_cond(loader *l, const doc_node *n, int depth, policy_cond *c,
                               char *text, size_t size, unsigned *facts)
{
    static const char *const keys[] = {"fact", "at_least", "at_most", "in", "all", "any", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "condition"));
    TRY(doc_check_keys(&l->ctx, n, keys, "condition"));
    if (depth > 8)
        return doc_error(&l->ctx, n, "conditions nested deeper than 8 levels");
    if (doc_get(n, "all") || doc_get(n, "any")) {
        if (n->count != 1)
            return doc_error(&l->ctx, n, "a condition with 'all' or 'any' has no other keys");
        return load_group(l, n, doc_get(n, "all") ? "all" : "any", depth, c, text, size, facts);
    }
    const char *name;
    TRY(doc_string_at(&l->ctx, n, "fact", true, "condition", &name));
    int fact = iotssf_fact_by_name(name);
    if (fact < 0)
        return doc_error(&l->ctx, doc_get(n, "fact"),
                         "unknown fact '%s' (the facts are listed in docs/profile-format.md)",
                         name);
    const iotssf_fact_def *def = iotssf_fact_def_of((iotssf_fact_id)fact);
    if (!def->decides_category)
        return doc_error(&l->ctx, doc_get(n, "fact"),
                         "a categorization rule may not read '%s': IoT-SSF leaves likelihood "
                         "out of the category (it may only rank measures)",
                         name);
    c->kind = COND_FACT;
    c->fact = (iotssf_fact_id)fact;
    *facts |= 1u << fact;
    const doc_node *least = doc_get(n, "at_least"), *most = doc_get(n, "at_most"),
                   *in = doc_get(n, "in");
    if ((least != NULL) + (most != NULL) + (in != NULL) != 1)
        return doc_error(&l->ctx, n,
                         "a condition on '%s' needs exactly one of at_least, at_most, in", name);
    if (in)
        return load_in(l, in, c->fact, c, text, size);
    if (def->type == IOTSSF_FACT_CHOICE)
        return doc_error(&l->ctx, least ? least : most,
                         "'%s' has unordered values; use 'in' instead of at_least/at_most",
                         name);
    c->op = least ? OP_AT_LEAST : OP_AT_MOST;
    TRY(fact_value(l, least ? least : most, c->fact, &c->threshold));
    const char *shown = least ? least->text : most->text;
    snprintf(text, size, "%s %s %s", name, least ? ">=" : "<=", shown);
    return IOTSSF_OK;
}

/* ---- axes ---- */

static iotssf_status load_levels(loader *l, const doc_node *axis, policy_axis *a)
{
    static const char *const keys[] = {"level", "name", "description", NULL};
    const doc_node *list;
    TRY(doc_require(&l->ctx, axis, "levels", "axis", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "levels"));
    if (list->count < 2 || list->count > IOTSSF_MAX_LEVELS)
        return doc_error(&l->ctx, list, "an axis needs 2 to %d levels, found %zu",
                         IOTSSF_MAX_LEVELS, list->count);
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *lv = list->items[i], *num;
        long long v;
        TRY(doc_expect(&l->ctx, lv, DOC_MAPPING, "level"));
        TRY(doc_check_keys(&l->ctx, lv, keys, "level"));
        TRY(doc_require(&l->ctx, lv, "level", "level", &num));
        TRY(doc_integer(&l->ctx, num, 1, IOTSSF_MAX_LEVELS, "level", &v));
        if (v != (long long)i + 1)
            return doc_error(&l->ctx, num, "levels must be numbered 1, 2, ... in order; "
                                           "expected %zu here",
                             i + 1);
        a->levels[i].level = (int)v;
        TRY(doc_string_at(&l->ctx, lv, "name", true, "level", &a->levels[i].name));
        TRY(doc_string_at(&l->ctx, lv, "description", true, "level", &a->levels[i].description));
    }
    a->level_count = (int)list->count;
    return IOTSSF_OK;
}

static iotssf_status load_rules(loader *l, const doc_node *axis, policy_axis *a)
{
    static const char *const keys[] = {"id", "level", "when", "why", NULL};
    const doc_node *list;
    TRY(doc_require(&l->ctx, axis, "rules", "axis", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "rules"));
    if (list->count > IOTSSF_MAX_RULES)
        return doc_error(&l->ctx, list, "at most %d rules per axis", IOTSSF_MAX_RULES);
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *r = list->items[i], *num, *when;
        iotssf_rule *rule = &a->rules[i];
        long long v;
        TRY(doc_expect(&l->ctx, r, DOC_MAPPING, "rule"));
        TRY(doc_check_keys(&l->ctx, r, keys, "rule"));
        TRY(doc_string_at(&l->ctx, r, "id", true, "rule", &rule->id));
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->rules[j].id, rule->id) == 0)
                return doc_error(&l->ctx, doc_get(r, "id"), "rule id '%s' is used twice",
                                 rule->id);
        TRY(doc_require(&l->ctx, r, "level", "rule", &num));
        TRY(doc_integer(&l->ctx, num, 1, a->level_count, "rule level", &v));
        rule->level = (int)v;
        TRY(doc_string_at(&l->ctx, r, "why", true, "rule", &rule->why));
        TRY(doc_require(&l->ctx, r, "when", "rule", &when));
        char text[1024];
        TRY(load_cond(l, when, 0, &a->conditions[i], text, sizeof text, &rule->facts));
        rule->condition = arena_strdup(&l->p->mem, text);
        if (!rule->condition)
            return doc_nomem(&l->ctx);
    }
    a->rule_count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_axis(loader *l, const doc_node *axes, const char *key, policy_axis *a)
{
    static const char *const keys[] = {"name", "levels", "default_level", "rules", NULL};
    const doc_node *axis, *def;
    long long v;
    TRY(doc_require(&l->ctx, axes, key, "axes", &axis));
    TRY(doc_expect(&l->ctx, axis, DOC_MAPPING, key));
    TRY(doc_check_keys(&l->ctx, axis, keys, key));
    TRY(doc_string_at(&l->ctx, axis, "name", true, key, &a->name));
    TRY(load_levels(l, axis, a));
    TRY(doc_require(&l->ctx, axis, "default_level", key, &def));
    TRY(doc_integer(&l->ctx, def, 1, a->level_count, "default_level", &v));
    a->default_level = (int)v;
    return load_rules(l, axis, a);
}

/* ---- tiers, categories, grid ---- */

static iotssf_status load_equivalents(loader *l, const doc_node *n, iotssf_tier *t)
{
    static const char *const keys[] = {"level", "note", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "equivalents"));
    iotssf_equivalent *eq = arena_alloc(&l->p->mem, (n->count + 1) * sizeof *eq);
    if (!eq)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *v = n->pairs[i].value;
        eq[i].scheme = n->pairs[i].key->text;
        if (v->kind == DOC_SCALAR) {
            TRY(doc_string(&l->ctx, v, "equivalent level", &eq[i].level));
            continue;
        }
        TRY(doc_expect(&l->ctx, v, DOC_MAPPING, "equivalent"));
        TRY(doc_check_keys(&l->ctx, v, keys, "equivalent"));
        TRY(doc_string_at(&l->ctx, v, "level", true, "equivalent", &eq[i].level));
        TRY(doc_string_at(&l->ctx, v, "note", false, "equivalent", &eq[i].note));
    }
    t->equivalents = eq;
    t->equivalent_count = n->count;
    return IOTSSF_OK;
}

static iotssf_status load_tiers(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"id", "name", "description", "equivalents", NULL};
    const doc_node *list;
    TRY(doc_require(&l->ctx, root, "tiers", "policy", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "tiers"));
    if (list->count == 0)
        return doc_error(&l->ctx, list, "tiers: at least one tier is needed");
    l->p->tiers = arena_alloc(&l->p->mem, list->count * sizeof *l->p->tiers);
    if (!l->p->tiers)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *t = list->items[i];
        iotssf_tier *tier = &l->p->tiers[i];
        TRY(doc_expect(&l->ctx, t, DOC_MAPPING, "tier"));
        TRY(doc_check_keys(&l->ctx, t, keys, "tier"));
        TRY(doc_string_at(&l->ctx, t, "id", true, "tier", &tier->id));
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->p->tiers[j].id, tier->id) == 0)
                return doc_error(&l->ctx, doc_get(t, "id"), "tier id '%s' is used twice",
                                 tier->id);
        tier->rank = (int)i + 1;
        TRY(doc_string_at(&l->ctx, t, "name", true, "tier", &tier->name));
        TRY(doc_string_at(&l->ctx, t, "description", true, "tier", &tier->description));
        const doc_node *eq = doc_get(t, "equivalents");
        if (eq)
            TRY(load_equivalents(l, eq, tier));
    }
    l->p->tier_count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_range(loader *l, const doc_node *cat, const char *key, int levels,
                                int *min, int *max)
{
    const doc_node *r;
    long long lo, hi;
    TRY(doc_require(&l->ctx, cat, key, "category", &r));
    TRY(doc_expect(&l->ctx, r, DOC_SEQUENCE, key));
    if (r->count != 2)
        return doc_error(&l->ctx, r, "%s: expected [lowest, highest] level", key);
    TRY(doc_integer(&l->ctx, r->items[0], 1, levels, key, &lo));
    TRY(doc_integer(&l->ctx, r->items[1], lo, levels, key, &hi));
    *min = (int)lo;
    *max = (int)hi;
    return IOTSSF_OK;
}

static iotssf_status load_categories(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"id", "name", "description", "axis1", "axis2", NULL};
    iotssf_policy *p = l->p;
    const doc_node *list;
    const iotssf_category *owner[IOTSSF_MAX_LEVELS][IOTSSF_MAX_LEVELS] = {{NULL}};
    TRY(doc_require(&l->ctx, root, "categories", "policy", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "categories"));
    p->categories = arena_alloc(&p->mem, (list->count + 1) * sizeof *p->categories);
    if (!p->categories)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *c = list->items[i];
        iotssf_category *cat = &p->categories[i];
        TRY(doc_expect(&l->ctx, c, DOC_MAPPING, "category"));
        TRY(doc_check_keys(&l->ctx, c, keys, "category"));
        TRY(doc_string_at(&l->ctx, c, "id", true, "category", &cat->id));
        TRY(doc_string_at(&l->ctx, c, "name", true, "category", &cat->name));
        TRY(doc_string_at(&l->ctx, c, "description", true, "category", &cat->description));
        TRY(load_range(l, c, "axis1", p->axes[0].level_count, &cat->axis1_min, &cat->axis1_max));
        TRY(load_range(l, c, "axis2", p->axes[1].level_count, &cat->axis2_min, &cat->axis2_max));
        for (int a1 = cat->axis1_min; a1 <= cat->axis1_max; a1++)
            for (int a2 = cat->axis2_min; a2 <= cat->axis2_max; a2++) {
                if (owner[a1 - 1][a2 - 1])
                    return doc_error(&l->ctx, c,
                                     "category '%s' overlaps category '%s' at axis1 %d, "
                                     "axis2 %d",
                                     cat->id, owner[a1 - 1][a2 - 1]->id, a1, a2);
                owner[a1 - 1][a2 - 1] = cat;
            }
    }
    p->category_count = list->count;
    for (int a1 = 1; a1 <= p->axes[0].level_count; a1++)
        for (int a2 = 1; a2 <= p->axes[1].level_count; a2++)
            if (!owner[a1 - 1][a2 - 1])
                return doc_error(&l->ctx, list,
                                 "categories leave the cell axis1 %d, axis2 %d without a "
                                 "category",
                                 a1, a2);
    return IOTSSF_OK;
}

static iotssf_status load_grid(loader *l, const doc_node *root)
{
    iotssf_policy *p = l->p;
    const doc_node *grid;
    TRY(doc_require(&l->ctx, root, "grid", "policy", &grid));
    TRY(doc_expect(&l->ctx, grid, DOC_SEQUENCE, "grid"));
    if ((int)grid->count != p->axes[0].level_count)
        return doc_error(&l->ctx, grid, "grid: expected %d rows (one per axis 1 level), found %zu",
                         p->axes[0].level_count, grid->count);
    for (size_t r = 0; r < grid->count; r++) {
        const doc_node *row = grid->items[r];
        TRY(doc_expect(&l->ctx, row, DOC_SEQUENCE, "grid row"));
        if ((int)row->count != p->axes[1].level_count)
            return doc_error(&l->ctx, row,
                             "grid row %zu: expected %d tiers (one per axis 2 level), found %zu",
                             r + 1, p->axes[1].level_count, row->count);
        for (size_t c = 0; c < row->count; c++) {
            const char *id;
            TRY(doc_string(&l->ctx, row->items[c], "grid cell", &id));
            const iotssf_tier *t = iotssf_policy_tier_by_id(p, id);
            if (!t)
                return doc_error(&l->ctx, row->items[c], "grid: unknown tier '%s'", id);
            p->grid[r][c] = t;
        }
    }
    /* A cell never asks less than a cell with less severe consequences on
     * both axes; otherwise a worse use mode could get a lighter tier. */
    for (size_t r = 0; r < grid->count; r++)
        for (size_t c = 0; c < (size_t)p->axes[1].level_count; c++) {
            int rank = p->grid[r][c]->rank;
            if ((r && p->grid[r - 1][c]->rank > rank) || (c && p->grid[r][c - 1]->rank > rank))
                return doc_error(&l->ctx, grid->items[r]->items[c],
                                 "grid: tier %s at axis1 %zu, axis2 %zu is lower than a cell "
                                 "with less severe consequences",
                                 p->grid[r][c]->id, r + 1, c + 1);
        }
    return IOTSSF_OK;
}

static iotssf_status load_policy(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"policy", "version", "title", "description", "axes",
                                       "categories", "tiers", "grid", NULL};
    static const char *const axis_keys[] = {"axis1", "axis2", NULL};
    iotssf_policy *p = l->p;
    const doc_node *axes;
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "policy file"));
    TRY(doc_check_keys(&l->ctx, root, keys, "policy file"));
    TRY(doc_string_at(&l->ctx, root, "policy", true, "policy file", &p->id));
    TRY(doc_string_at(&l->ctx, root, "version", true, "policy file", &p->version));
    TRY(doc_string_at(&l->ctx, root, "title", true, "policy file", &p->title));
    TRY(doc_require(&l->ctx, root, "axes", "policy file", &axes));
    TRY(doc_expect(&l->ctx, axes, DOC_MAPPING, "axes"));
    TRY(doc_check_keys(&l->ctx, axes, axis_keys, "axes"));
    TRY(load_axis(l, axes, "axis1", &p->axes[0]));
    TRY(load_axis(l, axes, "axis2", &p->axes[1]));
    TRY(load_tiers(l, root));
    TRY(load_categories(l, root));
    return load_grid(l, root);
}

static iotssf_status policy_from_stream(const char *name, doc_stream *s, iotssf_policy **out,
                                        iotssf_error *err)
{
    iotssf_policy *p = calloc(1, sizeof *p);
    if (!p)
        return iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0, "out of memory");
    arena_init(&p->mem);
    doc_node *root = NULL;
    iotssf_status st = doc_stream_next(s, &p->mem, &root, err);
    if (!st && !root)
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0, "the policy file is empty");
    if (!st) {
        p->file = arena_strdup(&p->mem, name);
        loader l = {.ctx = {.file = name, .err = err}, .p = p};
        st = load_policy(&l, root);
    }
    if (st) {
        iotssf_policy_free(p);
        return st;
    }
    *out = p;
    return IOTSSF_OK;
}

iotssf_status iotssf_policy_load(const char *path, iotssf_policy **out, iotssf_error *err)
{
    *out = NULL;
    doc_stream *s = doc_stream_open_file(path, err);
    if (!s)
        return err->status;
    iotssf_status st = policy_from_stream(path, s, out, err);
    doc_stream_close(s);
    return st;
}

iotssf_status iotssf_policy_parse(const char *name, const void *data, size_t size,
                                  iotssf_policy **out, iotssf_error *err)
{
    *out = NULL;
    doc_stream *s = doc_stream_open_memory(name, data, size, err);
    if (!s)
        return err->status;
    iotssf_status st = policy_from_stream(name, s, out, err);
    doc_stream_close(s);
    return st;
}

void iotssf_policy_free(iotssf_policy *p)
{
    if (!p)
        return;
    arena_free(&p->mem);
    free(p);
}

/* ---- accessors ---- */

const char *iotssf_policy_id(const iotssf_policy *p) { return p->id; }
const char *iotssf_policy_version(const iotssf_policy *p) { return p->version; }
const char *iotssf_policy_title(const iotssf_policy *p) { return p->title; }
const char *iotssf_policy_file(const iotssf_policy *p) { return p->file; }

const char *iotssf_policy_axis_name(const iotssf_policy *p, int axis)
{
    return p->axes[axis].name;
}

int iotssf_policy_level_count(const iotssf_policy *p, int axis)
{
    return p->axes[axis].level_count;
}

const iotssf_level *iotssf_policy_level(const iotssf_policy *p, int axis, int level)
{
    if (level < 1 || level > p->axes[axis].level_count)
        return NULL;
    return &p->axes[axis].levels[level - 1];
}

size_t iotssf_policy_rule_count(const iotssf_policy *p, int axis)
{
    return p->axes[axis].rule_count;
}

const iotssf_rule *iotssf_policy_rule(const iotssf_policy *p, int axis, size_t i)
{
    return &p->axes[axis].rules[i];
}

size_t iotssf_policy_tier_count(const iotssf_policy *p) { return p->tier_count; }

const iotssf_tier *iotssf_policy_tier(const iotssf_policy *p, size_t i) { return &p->tiers[i]; }

const iotssf_tier *iotssf_policy_tier_by_id(const iotssf_policy *p, const char *id)
{
    for (size_t i = 0; i < p->tier_count; i++)
        if (strcmp(p->tiers[i].id, id) == 0)
            return &p->tiers[i];
    return NULL;
}

size_t iotssf_policy_category_count(const iotssf_policy *p) { return p->category_count; }

const iotssf_category *iotssf_policy_category(const iotssf_policy *p, size_t i)
{
    return &p->categories[i];
}

const iotssf_tier *iotssf_policy_cell_tier(const iotssf_policy *p, int axis1, int axis2)
{
    if (axis1 < 1 || axis2 < 1 || axis1 > p->axes[0].level_count ||
        axis2 > p->axes[1].level_count)
        return NULL;
    return p->grid[axis1 - 1][axis2 - 1];
}
