/*
 * Conformity per baseline scheme: one use mode's requirement verdicts, seen
 * through the items of a scheme (EN 303 645, JC-STAR, IEC 62443-4-2, ...).
 * The catalog says which requirements cite which item; this file turns their
 * verdicts into item verdicts and applies the scheme's own rule. It is a pure
 * function of its inputs so that every rule can be tested alone; the grade
 * (grade.c) and the assessment document read its result.
 *
 * How each scheme decides is listed in `scheme_rules` below and explained in
 * docs/grading.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iotssf/assess.h"

typedef enum rule_kind {
    RULE_EN303645,       /* statuses M / R, conditions, provision 4-1 */
    RULE_EVERY_ITEM,     /* every applicable item passes */
    RULE_SECURITY_LEVEL, /* every applicable item up to the level passes */
} rule_kind;

typedef struct scheme_rule {
    const char *scheme;
    rule_kind kind;
    /* The provision that asks for justifications of unmet recommendations
     * (EN 303 645 4-1; 5.0-1 in V3). */
    const char *justification_item;
    /* Item conditions are the EN 303 645 V2.1.1 numbers that catalog
     * features carry as `en303645_condition`. */
    bool conditions_are_features;
    const char *rule;
} scheme_rule;

static const scheme_rule scheme_rules[] = {
    {"en303645", RULE_EN303645, "4-1", true,
     "Conformant when every applicable mandatory provision (M, M C) passes and provision 4-1 "
     "holds, that is every applicable recommendation (R, R C) that is not met has a recorded "
     "justification."},
    {"en303645v3", RULE_EN303645, "5.0-1", false,
     "Conformant when every applicable mandatory provision (M, MC, MF, MCF) passes and "
     "provision 5.0-1 holds, that is every applicable recommendation (R, RC, RF) that is not "
     "met has a recorded justification."},
    {"iec62443-4-2", RULE_SECURITY_LEVEL, NULL, false,
     "Conformant at the security level when every applicable component requirement and "
     "enhancement whose level is at most that level passes."},
    {"jcstar1", RULE_EVERY_ITEM, NULL, false,
     "Conformant when every applicable JC-STAR level 1 item passes."},
    {"nistir8259a", RULE_EVERY_ITEM, NULL, false,
     "Conformant when every applicable core baseline capability passes."},
    {"c2", RULE_EVERY_ITEM, NULL, false,
     "Conformant when every applicable C2 baseline capability passes."},
    {"siotp", RULE_EVERY_ITEM, NULL, false,
     "Conformant when every applicable SIOTP requirement pillar passes."},
};

static const scheme_rule generic_rule = {
    NULL, RULE_EVERY_ITEM, NULL, false,
    "Conformant when every applicable item of the scheme passes (no scheme-specific rule is "
    "known)."};

static const scheme_rule *rule_of(const char *scheme)
{
    for (size_t i = 0; i < sizeof scheme_rules / sizeof scheme_rules[0]; i++)
        if (scheme && strcmp(scheme_rules[i].scheme, scheme) == 0)
            return &scheme_rules[i];
    return &generic_rule;
}

int iotssf_iec62443_level_of_tier(const iotssf_tier *tier)
{
    if (!tier)
        return 1;
    for (size_t i = 0; i < tier->equivalent_count; i++) {
        const iotssf_equivalent *e = &tier->equivalents[i];
        if (!e->scheme || !e->level || strcmp(e->scheme, "iec62443-4-2") != 0)
            continue;
        /* "SL-C 2", "SL 3", "2": the first digit is the level. */
        for (const char *p = e->level; *p; p++)
            if (isdigit((unsigned char)*p))
                return *p >= '1' && *p <= '4' ? *p - '0' : 1;
    }
    return 1;
}

/* ---- what the verdicts reveal about the device's features ---- */

typedef enum feature_state { FEATURE_UNKNOWN, FEATURE_PRESENT, FEATURE_ABSENT } feature_state;

static bool condition_of(const iotssf_feature *f, const char *condition)
{
    return f && f->en303645_condition && strcmp(f->en303645_condition, condition) == 0;
}

/* The judge sees no profile, but an applied requirement records what the
 * profile said about the features it depends on: an applicable one has all
 * of its `applies_if` features and none of its `applies_unless` ones, and an
 * inapplicable one names the feature that decided it. */
static feature_state condition_state(const iotssf_requirement_verdict *verdicts, size_t count,
                                     const char *condition)
{
    for (size_t i = 0; i < count; i++) {
        const iotssf_applied_requirement *a = verdicts[i].applied;
        if (!a || !a->requirement)
            continue;
        if (condition_of(a->missing_feature, condition))
            return FEATURE_ABSENT;
        if (condition_of(a->excluding_feature, condition))
            return FEATURE_PRESENT;
        if (!a->applicable)
            continue;
        const iotssf_requirement *r = a->requirement;
        for (size_t j = 0; j < r->applies_if_count; j++)
            if (condition_of(r->applies_if[j], condition))
                return FEATURE_PRESENT;
        for (size_t j = 0; j < r->applies_unless_count; j++)
            if (condition_of(r->applies_unless[j], condition))
                return FEATURE_ABSENT;
    }
    return FEATURE_UNKNOWN;
}

static bool some_condition_fails(const iotssf_baseline_item *item,
                                 const iotssf_requirement_verdict *verdicts, size_t count)
{
    for (size_t i = 0; i < item->condition_count; i++)
        if (condition_state(verdicts, count, item->conditions[i]) == FEATURE_ABSENT)
            return true;
    return false;
}

/* ---- item verdicts ---- */

static bool cites(const iotssf_requirement_verdict *v, const iotssf_baseline_item *item)
{
    if (!v->applied || !v->applied->requirement)
        return false;
    const iotssf_requirement *r = v->applied->requirement;
    for (size_t i = 0; i < r->ref_count; i++)
        if (r->refs[i].item == item)
            return true;
    return false;
}

static bool applies(const iotssf_requirement_verdict *v)
{
    return v->applied->applicable && v->verdict != IOTSSF_VERDICT_NOT_APPLICABLE;
}

static bool is_recommendation(const iotssf_baseline_item *item)
{
    return item->status && item->status[0] == 'R';
}

/* Fail if any applicable citing requirement fails; not-applicable if none
 * applies; pass if all applicable ones pass; else no evidence. */
static iotssf_verdict combine(const iotssf_item_verdict *iv)
{
    size_t applicable = 0, passed = 0;
    for (size_t i = 0; i < iv->by_count; i++) {
        if (!applies(iv->by[i]))
            continue;
        applicable++;
        if (iv->by[i]->verdict == IOTSSF_VERDICT_FAIL)
            return IOTSSF_VERDICT_FAIL;
        passed += iv->by[i]->verdict == IOTSSF_VERDICT_PASS;
    }
    if (applicable == 0)
        return IOTSSF_VERDICT_NOT_APPLICABLE;
    return passed == applicable ? IOTSSF_VERDICT_PASS : IOTSSF_VERDICT_NO_EVIDENCE;
}

/* A recommendation not met counts as justified when every applicable citing
 * requirement that did not pass carries a justification. */
static bool justified(const iotssf_item_verdict *iv)
{
    if (!is_recommendation(iv->item) || iv->verdict == IOTSSF_VERDICT_PASS ||
        iv->verdict == IOTSSF_VERDICT_NOT_APPLICABLE)
        return false;
    for (size_t i = 0; i < iv->by_count; i++)
        if (applies(iv->by[i]) && iv->by[i]->verdict != IOTSSF_VERDICT_PASS &&
            !(iv->by[i]->justification && iv->by[i]->justification[0]))
            return false;
    return true;
}

static iotssf_verdict worse(iotssf_verdict a, iotssf_verdict b)
{
    static const int rank[] = {
        [IOTSSF_VERDICT_NOT_APPLICABLE] = 0, [IOTSSF_VERDICT_PASS] = 1,
        [IOTSSF_VERDICT_NO_EVIDENCE] = 2, [IOTSSF_VERDICT_FAIL] = 3};
    return rank[a] >= rank[b] ? a : b;
}

/* EN 303 645 4-1: every counted recommendation that is not met has a
 * justification. It is also a provision the catalog cites (the record
 * itself must exist), so the worse of both decides. */
static void judge_justification_item(iotssf_conformity *c, iotssf_item_verdict *target)
{
    iotssf_verdict recs = IOTSSF_VERDICT_PASS;
    for (size_t i = 0; i < c->item_count; i++) {
        const iotssf_item_verdict *iv = &c->items[i];
        if (!iv->counts || !is_recommendation(iv->item) || iv->justified)
            continue;
        if (iv->verdict == IOTSSF_VERDICT_FAIL || iv->verdict == IOTSSF_VERDICT_NO_EVIDENCE)
            recs = worse(recs, iv->verdict);
    }
    if (target->verdict == IOTSSF_VERDICT_NOT_APPLICABLE)
        target->verdict = recs;
    else
        target->verdict = worse(target->verdict, recs);
}

/* ---- the judge ---- */

static iotssf_status link_items(iotssf_conformity *c, const iotssf_baseline *b,
                                const iotssf_requirement_verdict *verdicts, size_t count,
                                iotssf_error *err)
{
    size_t links = 0;
    for (size_t i = 0; i < b->item_count; i++)
        for (size_t j = 0; j < count; j++)
            links += cites(&verdicts[j], &b->items[i]);
    size_t items_size = b->item_count * sizeof *c->items;
    /* One block: the items, then every item's `by` pointers. */
    c->items = calloc(1, items_size + links * sizeof(void *) + 1);
    if (!c->items)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    const iotssf_requirement_verdict **pool =
        (const iotssf_requirement_verdict **)(void *)((char *)c->items + items_size);
    c->item_count = b->item_count;
    for (size_t i = 0; i < b->item_count; i++) {
        iotssf_item_verdict *iv = &c->items[i];
        iv->item = &b->items[i];
        iv->by = pool;
        for (size_t j = 0; j < count; j++)
            if (cites(&verdicts[j], iv->item))
                pool[iv->by_count++] = &verdicts[j];
        pool += iv->by_count;
    }
    return IOTSSF_OK;
}

static void tally(iotssf_conformity *c)
{
    for (size_t i = 0; i < c->item_count; i++) {
        const iotssf_item_verdict *iv = &c->items[i];
        if (!iv->counts)
            continue;
        switch (iv->verdict) {
        case IOTSSF_VERDICT_PASS: c->pass++; break;
        case IOTSSF_VERDICT_FAIL: c->fail++; break;
        case IOTSSF_VERDICT_NOT_APPLICABLE: c->not_applicable++; break;
        case IOTSSF_VERDICT_NO_EVIDENCE: c->no_evidence++; break;
        }
        c->justified += iv->justified;
        c->uncited += iv->by_count == 0;
    }
}

/* Every counted item passes, is not applicable, or is a justified
 * recommendation (only EN 303 645 accepts those). */
static void decide(iotssf_conformity *c, const scheme_rule *rule)
{
    c->conformant = true;
    c->complete = true;
    for (size_t i = 0; i < c->item_count; i++) {
        const iotssf_item_verdict *iv = &c->items[i];
        if (!iv->counts)
            continue;
        if (iv->verdict == IOTSSF_VERDICT_NO_EVIDENCE)
            c->complete = false;
        bool met = iv->verdict == IOTSSF_VERDICT_PASS ||
                   iv->verdict == IOTSSF_VERDICT_NOT_APPLICABLE ||
                   (rule->kind == RULE_EN303645 && iv->justified);
        if (!met)
            c->conformant = false;
    }
}

iotssf_status iotssf_conformity_judge(const iotssf_baseline *b, int level,
                                      const iotssf_requirement_verdict *verdicts, size_t count,
                                      iotssf_conformity *out, iotssf_error *err)
{
    memset(out, 0, sizeof *out);
    if (!b || (count && !verdicts))
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                           "conformity: no baseline or no verdicts given");
    for (size_t i = 0; i < count; i++)
        if (!verdicts[i].applied || !verdicts[i].applied->requirement)
            return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                               "conformity: verdict %zu has no requirement", i);
    const scheme_rule *rule = rule_of(b->scheme);
    out->baseline = b;
    out->rule = rule->rule;
    if (rule->kind == RULE_SECURITY_LEVEL)
        out->level = level >= 1 && level <= 4 ? level : 1;
    iotssf_status st = link_items(out, b, verdicts, count, err);
    if (st)
        return st;
    iotssf_item_verdict *justification_item = NULL;
    for (size_t i = 0; i < out->item_count; i++) {
        iotssf_item_verdict *iv = &out->items[i];
        iv->counts = rule->kind != RULE_SECURITY_LEVEL || iv->item->level <= out->level;
        iv->verdict = combine(iv);
        if (rule->conditions_are_features && some_condition_fails(iv->item, verdicts, count))
            iv->verdict = IOTSSF_VERDICT_NOT_APPLICABLE;
        iv->justified = rule->kind == RULE_EN303645 && justified(iv);
        if (rule->justification_item && strcmp(iv->item->id, rule->justification_item) == 0)
            justification_item = iv;
    }
    if (justification_item)
        judge_justification_item(out, justification_item);
    tally(out);
    decide(out, rule);
    return IOTSSF_OK;
}

void iotssf_conformity_free(iotssf_conformity *c)
{
    if (!c)
        return;
    free(c->items);
    c->items = NULL;
    c->item_count = 0;
}
