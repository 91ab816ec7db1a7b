/*
 * The grade of one use mode: the highest grade of the rule file (loaded by
 * grade_rules.c) whose conditions, and those of every grade below it, hold
 * for the mode's verdicts and scheme conformity; and the gaps, every verdict
 * that blocks a condition of the next grade, ordered by how much fixing it
 * changes for what it costs.
 *
 * Likelihood enters only the gaps' impact, after the grade is decided, so it
 * can reorder measures but never move a grade (tests/assess/test_grade.c
 * sweeps it). Rules are explained in docs/grading.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_internal.h"
#include "iotssf/profile.h"

typedef struct gap_list {
    iotssf_gap *gaps;
    size_t count, cap;
    bool failed; /* out of memory */
} gap_list;

typedef struct grader {
    const iotssf_grading *g;
    const char *tier;
    const iotssf_requirement_verdict *verdicts;
    size_t count;
    const iotssf_conformity *schemes;
    size_t scheme_count;
} grader;

/* Receives one blocker: a verdict, or NULL with a note of what is missing. */
typedef void blocker_fn(void *ctx, const iotssf_requirement_verdict *v, const char *note);

/* ---- which verdicts block a condition ---- */

static bool counts(const iotssf_requirement_verdict *v)
{
    return v->applied->applicable && v->verdict != IOTSSF_VERDICT_NOT_APPLICABLE;
}

static bool machine_verifiable(const iotssf_requirement_verdict *v)
{
    return (v->applied->requirement->verification &
            (IOTSSF_VERIFY_FIRMWARE | IOTSSF_VERIFY_PROBE)) != 0;
}

static bool verified_pass(const iotssf_requirement_verdict *v)
{
    return v->verdict == IOTSSF_VERDICT_PASS && v->basis == IOTSSF_BASIS_VERIFIED;
}

static bool blocks_required(required_scope scope, const iotssf_requirement_verdict *v)
{
    if (v->applied->need != IOTSSF_NEED_REQUIRED)
        return false;
    switch (scope) {
    case REQUIRED_MACHINE_VERIFIED:
        return machine_verifiable(v) && !verified_pass(v);
    case REQUIRED_VERIFIED:
        return machine_verifiable(v) ? !verified_pass(v) : v->verdict != IOTSSF_VERDICT_PASS;
    case REQUIRED_VERIFIED_OR_DECLARED:
        return v->verdict != IOTSSF_VERDICT_PASS;
    }
    return true;
}

static bool blocks(const grade_cond *c, const iotssf_requirement_verdict *v)
{
    if (!counts(v))
        return false;
    switch (c->kind) {
    case GRADE_REQUIRED_PASS:
        return blocks_required((required_scope)c->value, v);
    case GRADE_TIER_CONFORMANT:
        return blocks_required(REQUIRED_VERIFIED_OR_DECLARED, v);
    case GRADE_RECOMMENDED:
        return v->applied->need == IOTSSF_NEED_RECOMMENDED &&
               v->verdict != IOTSSF_VERDICT_PASS &&
               !(c->value && v->justification && v->justification[0]);
    case GRADE_MAX_FAILED_SEVERITY:
        return v->verdict == IOTSSF_VERDICT_FAIL && (long long)v->worst_finding > c->value;
    default:
        return false;
    }
}

static const iotssf_conformity *scheme_judged(const grader *gr, const char *scheme)
{
    for (size_t i = 0; i < gr->scheme_count; i++)
        if (gr->schemes[i].baseline && strcmp(gr->schemes[i].baseline->scheme, scheme) == 0)
            return &gr->schemes[i];
    return NULL;
}

/* The verdicts behind a scheme's unmet items. */
static size_t scheme_blockers(const grader *gr, const grade_cond *c, const char *scheme,
                              blocker_fn *fn, void *ctx)
{
    char note[160];
    const iotssf_conformity *conf = scheme_judged(gr, scheme);
    if (!conf) {
        if (c->kind == GRADE_SCHEMES_IF_JUDGED)
            return 0;
        snprintf(note, sizeof note, "scheme '%s' was not judged", scheme);
        fn(ctx, NULL, note);
        return 1;
    }
    if (conf->conformant)
        return 0;
    size_t found = 0;
    for (size_t i = 0; i < conf->item_count; i++) {
        const iotssf_item_verdict *iv = &conf->items[i];
        if (!iv->counts || iv->justified ||
            (iv->verdict != IOTSSF_VERDICT_FAIL && iv->verdict != IOTSSF_VERDICT_NO_EVIDENCE))
            continue;
        for (size_t j = 0; j < iv->by_count; j++)
            if (counts(iv->by[j]) && iv->by[j]->verdict != IOTSSF_VERDICT_PASS) {
                fn(ctx, iv->by[j], NULL);
                found++;
            }
    }
    if (found == 0) {
        snprintf(note, sizeof note, "scheme '%s' is not conformant", scheme);
        fn(ctx, NULL, note);
        found = 1;
    }
    return found;
}

/* Calls `fn` for every blocker of `c`; returns how many. */
static size_t blockers(const grader *gr, const grade_cond *c, blocker_fn *fn, void *ctx)
{
    size_t found = 0;
    if (c->kind == GRADE_SCHEMES_CONFORMANT || c->kind == GRADE_SCHEMES_IF_JUDGED) {
        for (size_t i = 0; i < c->scheme_count; i++)
            found += scheme_blockers(gr, c, c->schemes[i], fn, ctx);
        return found;
    }
    if (c->kind == GRADE_NO_EVIDENCE_MAX) {
        size_t missing = 0;
        for (size_t i = 0; i < gr->count; i++)
            missing += counts(&gr->verdicts[i]) &&
                       gr->verdicts[i].verdict == IOTSSF_VERDICT_NO_EVIDENCE;
        if (missing <= (size_t)c->value)
            return 0;
        /* Any of them brings the count down, so each is a gap. */
        for (size_t i = 0; i < gr->count; i++)
            if (counts(&gr->verdicts[i]) && gr->verdicts[i].verdict == IOTSSF_VERDICT_NO_EVIDENCE) {
                fn(ctx, &gr->verdicts[i], NULL);
                found++;
            }
        return found;
    }
    for (size_t i = 0; i < gr->count; i++)
        if (blocks(c, &gr->verdicts[i])) {
            fn(ctx, &gr->verdicts[i], NULL);
            found++;
        }
    return found;
}

static void count_only(void *ctx, const iotssf_requirement_verdict *v, const char *note)
{
    (void)ctx;
    (void)v;
    (void)note;
}

static bool grade_met(const grader *gr, const grade_def *grade)
{
    for (size_t i = 0; i < grade->cond_count; i++)
        if (blockers(gr, &grade->conds[i], count_only, NULL) > 0)
            return false;
    return true;
}

/* ---- gaps ---- */

typedef struct gap_ctx {
    gap_list *list;
    const grader *gr;
    const grade_def *grade;
    const grade_cond *cond;
} gap_ctx;

static bool about_tier(const grade_cond *c)
{
    return c->kind == GRADE_REQUIRED_PASS || c->kind == GRADE_TIER_CONFORMANT;
}

static char *why_text(const gap_ctx *gc, const char *note)
{
    const char *tier = gc->gr->tier && about_tier(gc->cond) ? gc->gr->tier : NULL;
#define WHY_ARGS                                                                                  \
    "%s: %s%s%s%s%s", gc->grade->id, gc->cond->text, tier ? " at " : "", tier ? tier : "",       \
        note ? ": " : "", note ? note : ""
    int n = snprintf(NULL, 0, WHY_ARGS);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        snprintf(s, (size_t)n + 1, WHY_ARGS);
#undef WHY_ARGS
    return s;
}

/* Whether `reasons` ("a; b; c") already holds `why` as a whole part. */
static bool has_reason(const char *reasons, const char *why)
{
    size_t len = strlen(why);
    for (const char *p = reasons; (p = strstr(p, why)) != NULL; p++) {
        bool starts = p == reasons || (p - reasons >= 2 && strncmp(p - 2, "; ", 2) == 0);
        bool ends = p[len] == '\0' || strncmp(p + len, "; ", 2) == 0;
        if (starts && ends)
            return true;
    }
    return false;
}

/* One gap per verdict: a verdict blocking several conditions gets their
 * reasons joined. */
static void add_gap(void *ctx, const iotssf_requirement_verdict *v, const char *note)
{
    gap_ctx *gc = ctx;
    gap_list *l = gc->list;
    if (l->failed)
        return;
    char *why = why_text(gc, note);
    if (!why) {
        l->failed = true;
        return;
    }
    for (size_t i = 0; v && i < l->count; i++) {
        if (l->gaps[i].verdict != v)
            continue;
        const char *old = l->gaps[i].why;
        if (has_reason(old, why)) { /* the same reason twice (two items of one scheme) */
            free(why);
            return;
        }
        size_t len = strlen(old) + 2 + strlen(why) + 1;
        char *joined = malloc(len);
        if (!joined) {
            free(why);
            l->failed = true;
            return;
        }
        snprintf(joined, len, "%s; %s", old, why);
        free(why);
        free((char *)old);
        l->gaps[i].why = joined;
        return;
    }
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        iotssf_gap *grown = realloc(l->gaps, cap * sizeof *grown);
        if (!grown) {
            free(why);
            l->failed = true;
            return;
        }
        l->gaps = grown;
        l->cap = cap;
    }
    l->gaps[l->count++] = (iotssf_gap){.verdict = v, .why = why};
}

static double cost_of(const iotssf_grading *g, const iotssf_requirement_verdict *v)
{
    if (!v)
        return g->default_cost;
    const char *id = v->applied->requirement->id;
    size_t best = 0;
    double cost = g->default_cost;
    for (size_t i = 0; i < g->cost_count; i++) {
        size_t len = strlen(g->costs[i].prefix);
        if (len > best && strncmp(g->costs[i].prefix, id, len) == 0 &&
            (id[len] == '\0' || id[len] == '-')) {
            best = len;
            cost = g->costs[i].cost;
        }
    }
    return cost;
}

/* What fixing the verdict is worth before likelihood: a failure weighs as
 * its worst finding or its need, whichever is worse; anything else (missing
 * evidence, a declaration where verification is asked) as its need. */
static double weight_of(const iotssf_grading *g, const iotssf_requirement_verdict *v)
{
    iotssf_need need = v ? v->applied->need : IOTSSF_NEED_REQUIRED;
    if (need != IOTSSF_NEED_REQUIRED)
        need = IOTSSF_NEED_RECOMMENDED;
    iotssf_severity sev = g->need_severity[need];
    if (v && v->verdict == IOTSSF_VERDICT_FAIL && v->worst_finding > sev &&
        v->worst_finding <= IOTSSF_SEV_CRITICAL)
        sev = v->worst_finding;
    return g->severity_weight[sev];
}

static const char *gap_id(const iotssf_gap *a)
{
    return a->verdict ? a->verdict->applied->requirement->id : "";
}

static int by_value_for_money(const void *pa, const void *pb)
{
    const iotssf_gap *a = pa, *b = pb;
    if ((a->verdict == NULL) != (b->verdict == NULL))
        return a->verdict ? -1 : 1;
    double ka = a->impact / a->cost, kb = b->impact / b->cost;
    if (ka != kb)
        return ka > kb ? -1 : 1;
    int c = strcmp(gap_id(a), gap_id(b));
    return c ? c : strcmp(a->why, b->why);
}

static iotssf_status collect_gaps(const grader *gr, const grade_def *next, double likelihood,
                                  iotssf_grade_result *out, iotssf_error *err)
{
    gap_list list = {0};
    gap_ctx gc = {&list, gr, next, NULL};
    for (size_t i = 0; i < next->cond_count; i++) {
        gc.cond = &next->conds[i];
        blockers(gr, gc.cond, add_gap, &gc);
    }
    out->gaps = list.gaps;
    out->gap_count = list.count;
    if (list.failed)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < list.count; i++) {
        list.gaps[i].cost = cost_of(gr->g, list.gaps[i].verdict);
        list.gaps[i].impact = weight_of(gr->g, list.gaps[i].verdict) * likelihood;
    }
    if (list.count > 1)
        qsort(list.gaps, list.count, sizeof *list.gaps, by_value_for_money);
    return IOTSSF_OK;
}

/* ---- the grade ---- */

static iotssf_status likelihood_weight(const iotssf_grading *g, const char *likelihood,
                                       double *out, iotssf_error *err)
{
    *out = 1.0; /* unstated likelihood leaves impacts as they are */
    if (!likelihood)
        return IOTSSF_OK;
    const iotssf_fact_def *def = iotssf_fact_def_of(IOTSSF_FACT_LIKELIHOOD);
    for (size_t i = 0; i < GRADE_LIKELIHOODS && def->values[i]; i++)
        if (strcmp(def->values[i], likelihood) == 0) {
            *out = g->likelihood_weight[i];
            return IOTSSF_OK;
        }
    return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                       "unknown likelihood '%s' (expected rare, unlikely, possible, likely or "
                       "almost_certain)",
                       likelihood);
}

static iotssf_status check_verdicts(const iotssf_requirement_verdict *verdicts, size_t count,
                                    iotssf_error *err)
{
    if (count && !verdicts)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "grade: no verdicts given");
    for (size_t i = 0; i < count; i++)
        if (!verdicts[i].applied || !verdicts[i].applied->requirement ||
            !verdicts[i].applied->requirement->id)
            return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                               "grade: verdict %zu has no requirement", i);
    return IOTSSF_OK;
}

iotssf_status iotssf_grade_mode(const iotssf_grading *g, const char *tier,
                                const char *likelihood,
                                const iotssf_requirement_verdict *verdicts, size_t count,
                                const iotssf_conformity *schemes, size_t scheme_count,
                                iotssf_grade_result *out, iotssf_error *err)
{
    memset(out, 0, sizeof *out);
    if (!g)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "grade: no grading rules");
    double lw;
    iotssf_status st = check_verdicts(verdicts, count, err);
    if (!st)
        st = likelihood_weight(g, likelihood, &lw, err);
    if (st)
        return st;
    grader gr = {g, tier, verdicts, count, scheme_count ? schemes : NULL,
                 schemes ? scheme_count : 0};
    size_t reached = 0; /* grades met, counted from the lowest */
    while (reached < g->grade_count && grade_met(&gr, &g->grades[reached]))
        reached++;
    out->grade = reached ? g->grades[reached - 1].id : "none";
    out->next = reached < g->grade_count ? g->grades[reached].id : NULL;
    out->rule_file = g->file;
    if (!out->next)
        return IOTSSF_OK;
    st = collect_gaps(&gr, &g->grades[reached], lw, out, err);
    if (st)
        iotssf_grade_result_free(out);
    return st;
}

void iotssf_grade_result_free(iotssf_grade_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->gap_count; i++)
        free((char *)r->gaps[i].why);
    free(r->gaps);
    r->gaps = NULL;
    r->gap_count = 0;
}
