/*
 * Loads and checks a grading rule file (data/grading/default.yaml; format in
 * docs/grading.md). Like the categorization policy, the file is checked
 * completely when it loads, and every mistake is reported with its file,
 * line and column: an unknown key, a condition outside the vocabulary, a
 * scheme or requirement prefix the catalog does not know, weights that rank a
 * worse severity below a milder one, a likelihood scale that is not the
 * profile's. The grader (grade.c) can then trust what it reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "grade_internal.h"
#include "iotssf/profile.h"

typedef struct loader {
    doc_ctx ctx;
    iotssf_grading *g;
    const iotssf_catalog *catalog; /* may be NULL: scheme and prefix checks skipped */
} loader;

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical", NULL};
static const char *const need_names[] = {"required", "recommended", NULL};
static const char *const scope_names[] = {
    [REQUIRED_MACHINE_VERIFIED] = "machine_verified",
    [REQUIRED_VERIFIED] = "verified",
    [REQUIRED_VERIFIED_OR_DECLARED] = "verified_or_declared",
    NULL};
static const char *const recommended_names[] = {"pass", "pass_or_justified", NULL};

/* ---- conditions ---- */

static iotssf_status load_schemes(loader *l, const doc_node *list, grade_cond *c)
{
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "list of schemes"));
    if (list->count == 0 || list->count > GRADE_MAX_SCHEMES)
        return doc_error(&l->ctx, list, "a scheme list holds 1 to %d schemes",
                         GRADE_MAX_SCHEMES);
    c->schemes = arena_alloc(&l->g->mem, list->count * sizeof *c->schemes);
    if (!c->schemes)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < list->count; i++) {
        TRY(doc_string(&l->ctx, list->items[i], "scheme", &c->schemes[i]));
        if (l->catalog && !iotssf_catalog_baseline_by_scheme(l->catalog, c->schemes[i]))
            return doc_error(&l->ctx, list->items[i],
                             "unknown scheme '%s' (the schemes are the files of "
                             "data/baselines)",
                             c->schemes[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->schemes[j], c->schemes[i]) == 0)
                return doc_error(&l->ctx, list->items[i], "scheme '%s' is listed twice",
                                 c->schemes[i]);
    }
    c->scheme_count = list->count;
    return IOTSSF_OK;
}

static const char *scheme_list_text(loader *l, const grade_cond *c)
{
    char list[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < c->scheme_count && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 c->schemes[i]);
    if (c->kind == GRADE_SCHEMES_IF_JUDGED)
        return arena_printf(&l->g->mem, "conformant with %s where judged", list);
    return arena_printf(&l->g->mem, "conformant with %s", list);
}

static const char *condition_text(loader *l, const grade_cond *c)
{
    switch (c->kind) {
    case GRADE_REQUIRED_PASS:
        if (c->value == REQUIRED_MACHINE_VERIFIED)
            return "every required requirement that firmware or probe can check is verified "
                   "and passes";
        if (c->value == REQUIRED_VERIFIED)
            return "every required requirement passes, verified where firmware or probe can "
                   "check it";
        return "every required requirement passes (verified or declared)";
    case GRADE_RECOMMENDED:
        return c->value ? "every recommended requirement passes or is justified"
                        : "every recommended requirement passes";
    case GRADE_MAX_FAILED_SEVERITY:
        return arena_printf(&l->g->mem, "no requirement fails on a finding above %s",
                            severity_names[c->value]);
    case GRADE_NO_EVIDENCE_MAX:
        return c->value == 0 ? "no requirement lacks evidence"
                             : arena_printf(&l->g->mem,
                                            "at most %lld requirements lack evidence", c->value);
    case GRADE_TIER_CONFORMANT:
        return "the tier's required requirements all pass";
    case GRADE_SCHEMES_CONFORMANT:
    case GRADE_SCHEMES_IF_JUDGED:
        return scheme_list_text(l, c);
    }
    return "?";
}

static iotssf_status load_condition(loader *l, const doc_node *n, grade_cond *c)
{
    static const char *const keys[] = {"required_pass", "recommended", "max_failed_severity",
                                       "no_evidence_max", "tier_conformant", "schemes_conformant",
                                       "schemes_conformant_if_judged", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "condition"));
    TRY(doc_check_keys(&l->ctx, n, keys, "condition"));
    if (n->count != 1)
        return doc_error(&l->ctx, n, "a condition is one key and its value, e.g. "
                                     "'- no_evidence_max: 0'");
    const char *key = n->pairs[0].key->text;
    const doc_node *v = n->pairs[0].value;
    int i = 0;
    if (strcmp(key, "required_pass") == 0) {
        c->kind = GRADE_REQUIRED_PASS;
        TRY(doc_enum(&l->ctx, v, scope_names, key, &i));
    } else if (strcmp(key, "recommended") == 0) {
        c->kind = GRADE_RECOMMENDED;
        TRY(doc_enum(&l->ctx, v, recommended_names, key, &i));
    } else if (strcmp(key, "max_failed_severity") == 0) {
        c->kind = GRADE_MAX_FAILED_SEVERITY;
        TRY(doc_enum(&l->ctx, v, severity_names, key, &i));
    } else if (strcmp(key, "no_evidence_max") == 0) {
        c->kind = GRADE_NO_EVIDENCE_MAX;
        long long max;
        TRY(doc_integer(&l->ctx, v, 0, 100000, key, &max));
        c->value = max;
    } else if (strcmp(key, "tier_conformant") == 0) {
        c->kind = GRADE_TIER_CONFORMANT;
        bool on;
        TRY(doc_bool(&l->ctx, v, key, &on));
        if (!on)
            return doc_error(&l->ctx, v, "'tier_conformant: false' asks nothing; leave the "
                                         "condition out instead");
    } else {
        c->kind = strcmp(key, "schemes_conformant") == 0 ? GRADE_SCHEMES_CONFORMANT
                                                          : GRADE_SCHEMES_IF_JUDGED;
        TRY(load_schemes(l, v, c));
    }
    if (c->kind != GRADE_NO_EVIDENCE_MAX)
        c->value = i;
    c->text = condition_text(l, c);
    return c->text ? IOTSSF_OK : doc_nomem(&l->ctx);
}

/* ---- grades ---- */

static bool is_grade_id(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static iotssf_status load_grade(loader *l, const doc_node *n, grade_def *g)
{
    static const char *const keys[] = {"id", "description", "conditions", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "grade"));
    TRY(doc_check_keys(&l->ctx, n, keys, "grade"));
    TRY(doc_string_at(&l->ctx, n, "id", true, "grade", &g->id));
    if (!is_grade_id(g->id) || strcmp(g->id, "none") == 0 || strlen(g->id) > 32)
        return doc_error(&l->ctx, doc_get(n, "id"),
                         "grade id '%s': expected a lowercase name of up to 32 letters, digits, "
                         "'_' or '-', other than 'none'",
                         g->id);
    TRY(doc_string_at(&l->ctx, n, "description", false, "grade", &g->description));
    const doc_node *conds;
    TRY(doc_require(&l->ctx, n, "conditions", "grade", &conds));
    TRY(doc_expect(&l->ctx, conds, DOC_SEQUENCE, "conditions"));
    if (conds->count == 0 || conds->count > GRADE_MAX_CONDITIONS)
        return doc_error(&l->ctx, conds, "a grade has 1 to %d conditions", GRADE_MAX_CONDITIONS);
    g->conds = arena_alloc(&l->g->mem, conds->count * sizeof *g->conds);
    if (!g->conds)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < conds->count; i++)
        TRY(load_condition(l, conds->items[i], &g->conds[i]));
    g->cond_count = conds->count;
    return IOTSSF_OK;
}

static iotssf_status load_grades(loader *l, const doc_node *root)
{
    const doc_node *list;
    TRY(doc_require(&l->ctx, root, "grades", "grading rules", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "grades"));
    if (list->count == 0 || list->count > GRADE_MAX_GRADES)
        return doc_error(&l->ctx, list, "'grades' lists 1 to %d grades, lowest first",
                         GRADE_MAX_GRADES);
    l->g->grades = arena_alloc(&l->g->mem, list->count * sizeof *l->g->grades);
    if (!l->g->grades)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < list->count; i++) {
        TRY(load_grade(l, list->items[i], &l->g->grades[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->g->grades[j].id, l->g->grades[i].id) == 0)
                return doc_error(&l->ctx, doc_get(list->items[i], "id"),
                                 "grade '%s' is defined twice", l->g->grades[i].id);
    }
    l->g->grade_count = list->count;
    return IOTSSF_OK;
}

/* ---- weights ---- */

/* A mapping with exactly the keys `names`, each a positive number. */
static iotssf_status load_scale(loader *l, const doc_node *map, const char *what,
                                const char *const *names, double *out)
{
    TRY(doc_expect(&l->ctx, map, DOC_MAPPING, what));
    TRY(doc_check_keys(&l->ctx, map, names, what));
    for (size_t i = 0; names[i]; i++) {
        const doc_node *v = doc_get(map, names[i]);
        if (!v) {
            char buf[256];
            return doc_error(&l->ctx, map, "%s: missing '%s' (the scale is: %s)", what, names[i],
                             doc_join_names(names, buf, sizeof buf));
        }
        TRY(doc_number(&l->ctx, v, 1e-6, 1e6, what, &out[i]));
        if (i > 0 && out[i] < out[i - 1])
            return doc_error(&l->ctx, v, "%s: '%s' weighs less than '%s'; weights must not fall "
                                         "along the scale",
                             what, names[i], names[i - 1]);
    }
    return IOTSSF_OK;
}

static iotssf_status load_weights(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"severity", "need", "likelihood", NULL};
    const doc_node *w, *n;
    TRY(doc_require(&l->ctx, root, "weights", "grading rules", &w));
    TRY(doc_expect(&l->ctx, w, DOC_MAPPING, "weights"));
    TRY(doc_check_keys(&l->ctx, w, keys, "weights"));
    TRY(doc_require(&l->ctx, w, "severity", "weights", &n));
    TRY(load_scale(l, n, "weights.severity", severity_names, l->g->severity_weight));
    const iotssf_fact_def *lk = iotssf_fact_def_of(IOTSSF_FACT_LIKELIHOOD);
    size_t scale = 0;
    while (lk->values[scale])
        scale++;
    if (scale != GRADE_LIKELIHOODS)
        return iotssf_fail(l->ctx.err, IOTSSF_E_INTERNAL, l->ctx.file, 0, 0,
                           "the likelihood scale has %zu values; the grader expects %d", scale,
                           (int)GRADE_LIKELIHOODS);
    TRY(doc_require(&l->ctx, w, "likelihood", "weights", &n));
    TRY(load_scale(l, n, "weights.likelihood", lk->values, l->g->likelihood_weight));
    TRY(doc_require(&l->ctx, w, "need", "weights", &n));
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "weights.need"));
    TRY(doc_check_keys(&l->ctx, n, need_names, "weights.need"));
    static const iotssf_need needs[] = {IOTSSF_NEED_REQUIRED, IOTSSF_NEED_RECOMMENDED};
    for (size_t i = 0; i < 2; i++) {
        const doc_node *v;
        int sev;
        TRY(doc_require(&l->ctx, n, need_names[i], "weights.need", &v));
        TRY(doc_enum(&l->ctx, v, severity_names, "weights.need", &sev));
        l->g->need_severity[needs[i]] = (iotssf_severity)sev;
    }
    if (l->g->need_severity[IOTSSF_NEED_RECOMMENDED] > l->g->need_severity[IOTSSF_NEED_REQUIRED])
        return doc_error(&l->ctx, n, "weights.need: a recommendation may not weigh more than a "
                                     "requirement");
    return IOTSSF_OK;
}

/* ---- costs ---- */

static bool prefix_matches(const char *prefix, const char *id)
{
    size_t len = strlen(prefix);
    return strncmp(prefix, id, len) == 0 && (id[len] == '\0' || id[len] == '-');
}

static bool catalog_has_prefix(const iotssf_catalog *c, const char *prefix)
{
    for (size_t i = 0; i < iotssf_catalog_requirement_count(c); i++)
        if (prefix_matches(prefix, iotssf_catalog_requirement(c, i)->id))
            return true;
    return false;
}

static iotssf_status load_costs(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"default", "by_prefix", NULL};
    const doc_node *c, *n;
    TRY(doc_require(&l->ctx, root, "costs", "grading rules", &c));
    TRY(doc_expect(&l->ctx, c, DOC_MAPPING, "costs"));
    TRY(doc_check_keys(&l->ctx, c, keys, "costs"));
    TRY(doc_require(&l->ctx, c, "default", "costs", &n));
    TRY(doc_number(&l->ctx, n, 1e-3, 1e6, "costs.default", &l->g->default_cost));
    const doc_node *map = doc_get(c, "by_prefix");
    if (!map)
        return IOTSSF_OK;
    TRY(doc_expect(&l->ctx, map, DOC_MAPPING, "costs.by_prefix"));
    if (map->count > GRADE_MAX_COSTS)
        return doc_error(&l->ctx, map, "costs.by_prefix: more than %d prefixes",
                         GRADE_MAX_COSTS);
    l->g->costs = arena_alloc(&l->g->mem, (map->count + 1) * sizeof *l->g->costs);
    if (!l->g->costs)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < map->count; i++) {
        cost_prefix *cp = &l->g->costs[i];
        cp->prefix = map->pairs[i].key->text;
        if (!cp->prefix[0])
            return doc_error(&l->ctx, map->pairs[i].key, "costs.by_prefix: empty prefix");
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->g->costs[j].prefix, cp->prefix) == 0)
                return doc_error(&l->ctx, map->pairs[i].key,
                                 "costs.by_prefix: '%s' is listed twice", cp->prefix);
        if (l->catalog && !catalog_has_prefix(l->catalog, cp->prefix))
            return doc_error(&l->ctx, map->pairs[i].key,
                             "costs.by_prefix: no requirement id starts with '%s' (a prefix "
                             "matches whole parts: SSF-AUTH matches SSF-AUTH-01)",
                             cp->prefix);
        TRY(doc_number(&l->ctx, map->pairs[i].value, 1e-3, 1e6, "cost", &cp->cost));
    }
    l->g->cost_count = map->count;
    return IOTSSF_OK;
}

/* ---- the file ---- */

static iotssf_status load_root(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"grading", "version", "title", "description",
                                       "grades",  "weights", "costs", NULL};
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "grading rules"));
    TRY(doc_check_keys(&l->ctx, root, keys, "grading rules"));
    TRY(doc_string_at(&l->ctx, root, "grading", true, "grading rules", &l->g->id));
    const char *ignored;
    TRY(doc_string_at(&l->ctx, root, "version", false, "grading rules", &ignored));
    TRY(doc_string_at(&l->ctx, root, "title", false, "grading rules", &l->g->title));
    TRY(doc_string_at(&l->ctx, root, "description", false, "grading rules", &ignored));
    TRY(load_grades(l, root));
    TRY(load_weights(l, root));
    return load_costs(l, root);
}

static iotssf_status grading_from_stream(const char *name, doc_stream *s,
                                         const iotssf_catalog *catalog, iotssf_grading **out,
                                         iotssf_error *err)
{
    iotssf_grading *g = calloc(1, sizeof *g);
    if (!g)
        return iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0, "out of memory");
    arena_init(&g->mem);
    loader l = {{name, err}, g, catalog};
    doc_node *root = NULL, *extra = NULL;
    iotssf_status st = doc_stream_next(s, &g->mem, &root, err);
    if (!st && !root)
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0, "empty grading file");
    if (!st)
        st = load_root(&l, root);
    if (!st)
        st = doc_stream_next(s, &g->mem, &extra, err);
    if (!st && extra)
        st = doc_error(&l.ctx, extra, "a grading file holds one document");
    if (!st && !(g->file = arena_strdup(&g->mem, name)))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0, "out of memory");
    if (st) {
        iotssf_grading_free(g);
        return st;
    }
    *out = g;
    return IOTSSF_OK;
}

iotssf_status iotssf_grading_load(const char *path, const iotssf_catalog *catalog,
                                  iotssf_grading **out, iotssf_error *err)
{
    *out = NULL;
    doc_stream *s = doc_stream_open_file(path, err);
    if (!s)
        return err->status;
    iotssf_status st = grading_from_stream(path, s, catalog, out, err);
    doc_stream_close(s);
    return st;
}

iotssf_status iotssf_grading_parse(const char *name, const void *data, size_t size,
                                   const iotssf_catalog *catalog, iotssf_grading **out,
                                   iotssf_error *err)
{
    *out = NULL;
    doc_stream *s = doc_stream_open_memory(name, data, size, err);
    if (!s)
        return err->status;
    iotssf_status st = grading_from_stream(name, s, catalog, out, err);
    doc_stream_close(s);
    return st;
}

void iotssf_grading_free(iotssf_grading *g)
{
    if (!g)
        return;
    arena_free(&g->mem);
    free(g);
}
