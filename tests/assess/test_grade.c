/*
 * Grading (lib/assess/grade.c, grade_rules.c): the shipped rule file over
 * real requirements (the catalog, examples/netcam.yaml placed with the
 * default policy), with verdicts set here so that each condition of each
 * grade is seen to hold and to break; the gaps it names and their order;
 * likelihood swept over its whole scale without moving a grade; and rule
 * files with mistakes refused with their line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/assess.h"
#include "util.h"
#include "assess_util.h"

enum { MAX_SCHEMES = 16 };

typedef struct fixture {
    iotssf_catalog *catalog;
    iotssf_policy *policy;
    iotssf_profile *netcam;
    iotssf_grading *grading;
    iotssf_placement place; /* the "home" use mode */
    iotssf_applied_requirement *applied;
    size_t count;
    iotssf_requirement_verdict *v;
    iotssf_conformity schemes[MAX_SCHEMES];
    size_t scheme_count;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    iotssf_error err;
    *state = f;
    if (iotssf_catalog_load(source_path("data"), &f->catalog, &err))
        return assess_setup_failed("catalog", &err);
    if (iotssf_policy_load(source_path("data/policy/default.yaml"), &f->policy, &err))
        return assess_setup_failed("policy", &err);
    if (iotssf_grading_load(source_path("data/grading/default.yaml"), f->catalog, &f->grading,
                            &err))
        return assess_setup_failed("grading", &err);
    iotssf_profile_reader *r = iotssf_profile_reader_open(source_path("examples/netcam.yaml"), &err);
    if (!r || iotssf_profile_reader_next(r, &f->netcam, &err))
        return assess_setup_failed("profile", &err);
    iotssf_profile_reader_close(r);
    if (iotssf_categorize(f->policy, f->netcam, &f->netcam->use_modes[0], &f->place, &err) ||
        iotssf_requirements_for(f->catalog, f->netcam, &f->place, &f->applied, &f->count, &err))
        return assess_setup_failed("placement", &err);
    f->v = calloc(f->count, sizeof *f->v);
    return f->v ? 0 : -1;
}

static void free_schemes(fixture *f)
{
    for (size_t i = 0; i < f->scheme_count; i++)
        iotssf_conformity_free(&f->schemes[i]);
    f->scheme_count = 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free_schemes(f);
    free(f->v);
    free(f->applied);
    iotssf_grading_free(f->grading);
    iotssf_profile_free(f->netcam);
    iotssf_policy_free(f->policy);
    iotssf_catalog_free(f->catalog);
    free(f);
    return 0;
}

static bool machine_verifiable(const iotssf_applied_requirement *a)
{
    return (a->requirement->verification & (IOTSSF_VERIFY_FIRMWARE | IOTSSF_VERIFY_PROBE)) != 0;
}

/* Everything applicable passes: verified where machines can check it,
 * declared elsewhere. */
static int all_pass(void **state)
{
    fixture *f = *state;
    free_schemes(f);
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_applied_requirement *a = &f->applied[i];
        f->v[i] = (iotssf_requirement_verdict){
            .applied = a,
            .verdict = a->applicable ? IOTSSF_VERDICT_PASS : IOTSSF_VERDICT_NOT_APPLICABLE,
            .basis = !a->applicable        ? IOTSSF_BASIS_NONE
                     : machine_verifiable(a) ? IOTSSF_BASIS_VERIFIED
                                             : IOTSSF_BASIS_DECLARED,
            .worst_finding = IOTSSF_SEV_INFO,
        };
    }
    return 0;
}

static void judge_all(fixture *f)
{
    free_schemes(f);
    iotssf_error err;
    int level = iotssf_iec62443_level_of_tier(f->place.tier);
    for (size_t i = 0; i < iotssf_catalog_baseline_count(f->catalog) && i < MAX_SCHEMES; i++) {
        assert_int_equal(iotssf_conformity_judge(iotssf_catalog_baseline(f->catalog, i), level,
                                                 f->v, f->count, &f->schemes[i], &err),
                         IOTSSF_OK);
        f->scheme_count++;
    }
}

static void grade_with(fixture *f, const iotssf_grading *g, const char *likelihood,
                       iotssf_grade_result *out)
{
    judge_all(f);
    iotssf_error err;
    assert_int_equal(iotssf_grade_mode(g, f->place.tier->id, likelihood, f->v, f->count,
                                       f->schemes, f->scheme_count, out, &err),
                     IOTSSF_OK);
}

static void grade(fixture *f, iotssf_grade_result *out)
{
    grade_with(f, f->grading, "likely", out);
}

static bool cites_scheme(const iotssf_requirement *r, const char *scheme)
{
    for (size_t i = 0; i < r->ref_count; i++)
        if (strcmp(r->refs[i].baseline->scheme, scheme) == 0)
            return true;
    return false;
}

/* The first applicable requirement of this need that machines can (or
 * cannot) verify, optionally one no JC-STAR item cites. */
static iotssf_requirement_verdict *pick(fixture *f, iotssf_need need, bool by_machine,
                                        bool outside_jcstar, size_t skip)
{
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_applied_requirement *a = &f->applied[i];
        if (a->applicable && a->need == need && machine_verifiable(a) == by_machine &&
            !(outside_jcstar && cites_scheme(a->requirement, "jcstar1")) && skip-- == 0)
            return &f->v[i];
    }
    fail_msg("no applicable requirement of need %d (machine %d) for the home mode", need,
             by_machine);
    return NULL;
}

static const iotssf_gap *gap_for(const iotssf_grade_result *r, const iotssf_requirement_verdict *v)
{
    for (size_t i = 0; i < r->gap_count; i++)
        if (r->gaps[i].verdict == v)
            return &r->gaps[i];
    return NULL;
}

static void expect_grade(const iotssf_grade_result *r, const char *grade, const char *next)
{
    assert_string_equal(r->grade, grade);
    if (next)
        assert_string_equal(r->next, next);
    else
        assert_null(r->next);
}

/* ---- the default rules, grade by grade ---- */

static void test_everything_passes_is_gold(void **state)
{
    fixture *f = *state;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "gold", NULL);
    assert_int_equal(r.gap_count, 0);
    assert_non_null(strstr(r.rule_file, "data/grading/default.yaml"));
    iotssf_grade_result_free(&r);
}

static void test_serious_failure_is_no_grade(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_REQUIRED, true, false, 0);
    v->verdict = IOTSSF_VERDICT_FAIL;
    v->worst_finding = IOTSSF_SEV_HIGH;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 1);
    const iotssf_gap *g = gap_for(&r, v);
    assert_non_null(g);
    /* It blocks both conditions of bronze; one gap names both. */
    assert_non_null(strstr(g->why, "bronze: no requirement fails on a finding above medium"));
    assert_non_null(strstr(g->why, "bronze: every required requirement that firmware or probe "
                                   "can check is verified and passes"));
    assert_true(g->impact > 0);
    assert_true(g->cost > 0);
    iotssf_grade_result_free(&r);
}

static void test_failed_recommendation_by_severity(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_RECOMMENDED, true, true, 0);
    v->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_grade_result r;
    static const struct {
        iotssf_severity worst;
        const char *grade;
    } cases[] = {{IOTSSF_SEV_CRITICAL, "none"}, {IOTSSF_SEV_HIGH, "none"},
                 {IOTSSF_SEV_MEDIUM, "silver"}, {IOTSSF_SEV_LOW, "silver"},
                 {IOTSSF_SEV_INFO, "silver"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        v->worst_finding = cases[i].worst;
        grade(f, &r);
        assert_string_equal(r.grade, cases[i].grade);
        const iotssf_gap *g = gap_for(&r, v);
        assert_non_null(g);
        if (strcmp(cases[i].grade, "silver") == 0)
            assert_string_equal(g->why, "gold: every recommended requirement passes or is "
                                        "justified");
        iotssf_grade_result_free(&r);
    }
    /* A justification is enough for gold. */
    v->worst_finding = IOTSSF_SEV_LOW;
    v->justification = "the feature is sold separately with its own assessment";
    grade(f, &r);
    expect_grade(&r, "gold", NULL);
    iotssf_grade_result_free(&r);
}

static void test_declared_where_machines_can_check_is_no_grade(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_REQUIRED, true, false, 0);
    v->basis = IOTSSF_BASIS_DECLARED;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 1);
    assert_ptr_equal(r.gaps[0].verdict, v);
    assert_non_null(strstr(r.gaps[0].why, "bronze: every required requirement that firmware"));
    iotssf_grade_result_free(&r);
}

static void test_required_without_evidence_is_bronze(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_REQUIRED, false, true, 0);
    v->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    v->basis = IOTSSF_BASIS_NONE;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "bronze", "silver");
    assert_int_equal(r.gap_count, 1);
    char expected[200];
    snprintf(expected, sizeof expected,
             "silver: every required requirement passes (verified or declared) at %s",
             f->place.tier->id);
    assert_string_equal(r.gaps[0].why, expected);
    iotssf_grade_result_free(&r);
    /* The same requirement declared as met: silver is reached, and a
     * declaration is all it can have, so gold too. */
    v->verdict = IOTSSF_VERDICT_PASS;
    v->basis = IOTSSF_BASIS_DECLARED;
    grade(f, &r);
    expect_grade(&r, "gold", NULL);
    iotssf_grade_result_free(&r);
}

static void test_recommendation_without_evidence_is_silver(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_RECOMMENDED, false, true, 0);
    v->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "silver", "gold");
    assert_int_equal(r.gap_count, 1);
    assert_non_null(strstr(r.gaps[0].why, "gold: every recommended requirement passes"));
    assert_non_null(strstr(r.gaps[0].why, "; gold: no requirement lacks evidence"));
    iotssf_grade_result_free(&r);
}

static void test_jcstar_failure_blocks_silver_when_judged(void **state)
{
    fixture *f = *state;
    /* A required requirement citing JC-STAR that only a declaration can
     * show, left without one: silver is blocked twice, bronze holds. */
    iotssf_requirement_verdict *v = NULL;
    for (size_t i = 0; i < f->count && !v; i++)
        if (f->applied[i].applicable && f->applied[i].need == IOTSSF_NEED_REQUIRED &&
            !machine_verifiable(&f->applied[i]) &&
            cites_scheme(f->applied[i].requirement, "jcstar1"))
            v = &f->v[i];
    assert_non_null(v);
    v->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "bronze", "silver");
    assert_int_equal(r.gap_count, 1);
    assert_non_null(strstr(r.gaps[0].why, "silver: every required requirement passes"));
    assert_non_null(strstr(r.gaps[0].why, "; silver: conformant with jcstar1 where judged"));
    iotssf_grade_result_free(&r);
    /* Not judged: the condition does not apply, only the first remains. */
    iotssf_error err;
    assert_int_equal(iotssf_grade_mode(f->grading, f->place.tier->id, NULL, f->v, f->count, NULL,
                                       0, &r, &err),
                     IOTSSF_OK);
    expect_grade(&r, "bronze", "silver");
    assert_int_equal(r.gap_count, 1);
    assert_null(strstr(r.gaps[0].why, "jcstar1"));
    iotssf_grade_result_free(&r);
}

/* ---- conditions in custom rule files ---- */

#define WEIGHTS                                                                                  \
    "weights:\n"                                                                                 \
    "  severity: {info: 0.5, low: 1, medium: 2, high: 4, critical: 8}\n"                         \
    "  need: {required: high, recommended: medium}\n"                                            \
    "  likelihood: {rare: 0.5, unlikely: 0.75, possible: 1, likely: 1.5, almost_certain: 2}\n"   \
    "costs:\n"                                                                                   \
    "  default: 2\n"
#define ONE_GRADE "grading: t\ngrades:\n  - id: bronze\n    conditions:\n"

static iotssf_grading *rules(fixture *f, const char *text)
{
    iotssf_grading *g = NULL;
    iotssf_error err;
    iotssf_status st = iotssf_grading_parse("test.yaml", text, strlen(text), f->catalog, &g, &err);
    if (st)
        assess_setup_failed("rules", &err);
    assert_int_equal(st, IOTSSF_OK);
    return g;
}

static void test_scheme_not_judged(void **state)
{
    fixture *f = *state;
    iotssf_grading *strict = rules(f, ONE_GRADE "      - schemes_conformant: [jcstar1]\n" WEIGHTS);
    iotssf_grading *lenient =
        rules(f, ONE_GRADE "      - schemes_conformant_if_judged: [jcstar1]\n" WEIGHTS);
    iotssf_grade_result r;
    iotssf_error err;
    assert_int_equal(iotssf_grade_mode(strict, "T1", NULL, f->v, f->count, NULL, 0, &r, &err), 0);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 1);
    assert_null(r.gaps[0].verdict);
    assert_string_equal(r.gaps[0].why,
                        "bronze: conformant with jcstar1: scheme 'jcstar1' was not judged");
    iotssf_grade_result_free(&r);
    assert_int_equal(iotssf_grade_mode(lenient, "T1", NULL, f->v, f->count, NULL, 0, &r, &err), 0);
    expect_grade(&r, "bronze", NULL);
    iotssf_grade_result_free(&r);
    /* Judged and failing on SSF-AUTH-01 (S1.1-02). */
    iotssf_requirement_verdict *auth = NULL;
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->applied[i].requirement->id, "SSF-AUTH-01") == 0)
            auth = &f->v[i];
    assert_non_null(auth);
    auth->verdict = IOTSSF_VERDICT_FAIL;
    grade_with(f, strict, NULL, &r);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 1);
    assert_ptr_equal(r.gaps[0].verdict, auth);
    iotssf_grade_result_free(&r);
    iotssf_grading_free(strict);
    iotssf_grading_free(lenient);
}

static void test_no_evidence_max_and_tier_conformant(void **state)
{
    fixture *f = *state;
    iotssf_grading *g = rules(f, "grading: t\ngrades:\n"
                                 "  - id: bronze\n    conditions: [{no_evidence_max: 1}]\n"
                                 "  - id: silver\n    conditions: [{tier_conformant: true}]\n"
                                 WEIGHTS);
    iotssf_requirement_verdict *a = pick(f, IOTSSF_NEED_RECOMMENDED, false, false, 0);
    iotssf_requirement_verdict *b = pick(f, IOTSSF_NEED_REQUIRED, false, false, 0);
    iotssf_grade_result r;
    a->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "silver", NULL); /* one is allowed; recommendations are not the tier's */
    iotssf_grade_result_free(&r);
    b->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 2);
    assert_non_null(gap_for(&r, a));
    assert_non_null(gap_for(&r, b));
    assert_string_equal(r.gaps[0].why, "bronze: at most 1 requirements lack evidence");
    iotssf_grade_result_free(&r);
    a->verdict = IOTSSF_VERDICT_PASS;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "bronze", "silver");
    assert_int_equal(r.gap_count, 1);
    assert_ptr_equal(r.gaps[0].verdict, b);
    iotssf_grade_result_free(&r);
    iotssf_grading_free(g);
}

static void test_required_verified_and_recommended_pass(void **state)
{
    fixture *f = *state;
    iotssf_grading *g = rules(f, "grading: t\ngrades:\n"
                                 "  - id: bronze\n    conditions: [{required_pass: verified}]\n"
                                 "  - id: silver\n    conditions: [{recommended: pass}]\n"
                                 WEIGHTS);
    iotssf_grade_result r;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "silver", NULL);
    iotssf_grade_result_free(&r);
    /* Declared is enough where no machine can check... */
    iotssf_requirement_verdict *declared = pick(f, IOTSSF_NEED_REQUIRED, false, false, 0);
    assert_int_equal(declared->basis, IOTSSF_BASIS_DECLARED);
    /* ...but not where one can. */
    iotssf_requirement_verdict *checkable = pick(f, IOTSSF_NEED_REQUIRED, true, false, 0);
    checkable->basis = IOTSSF_BASIS_DECLARED;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "none", "bronze");
    assert_int_equal(r.gap_count, 1);
    assert_ptr_equal(r.gaps[0].verdict, checkable);
    assert_non_null(strstr(r.gaps[0].why, "verified where firmware or probe can check it"));
    iotssf_grade_result_free(&r);
    checkable->basis = IOTSSF_BASIS_VERIFIED;
    /* `recommended: pass` takes no justification. */
    iotssf_requirement_verdict *rec = pick(f, IOTSSF_NEED_RECOMMENDED, false, false, 0);
    rec->verdict = IOTSSF_VERDICT_FAIL;
    rec->justification = "not offered in this market";
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "bronze", "silver");
    assert_int_equal(r.gap_count, 1);
    assert_string_equal(r.gaps[0].why, "silver: every recommended requirement passes");
    iotssf_grade_result_free(&r);
    iotssf_grading_free(g);
}

static void test_one_gap_per_verdict_keeps_every_reason(void **state)
{
    fixture *f = *state;
    /* One reason is a prefix of the other; both must be kept. */
    iotssf_grading *g = rules(f, ONE_GRADE "      - recommended: pass\n"
                                           "      - recommended: pass_or_justified\n"
                                           "      - schemes_conformant: [en303645, jcstar1]\n"
                                 WEIGHTS);
    iotssf_requirement_verdict *rec = pick(f, IOTSSF_NEED_RECOMMENDED, false, true, 0);
    rec->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_grade_result r;
    grade_with(f, g, NULL, &r);
    expect_grade(&r, "none", "bronze");
    const iotssf_gap *gap = gap_for(&r, rec);
    assert_non_null(gap);
    assert_non_null(strstr(gap->why, "bronze: every recommended requirement passes; "
                                     "bronze: every recommended requirement passes or is "
                                     "justified"));
    for (size_t i = 0; i < r.gap_count; i++)
        for (size_t j = 0; j < i; j++)
            assert_true(r.gaps[i].verdict != r.gaps[j].verdict);
    iotssf_grade_result_free(&r);
    iotssf_grading_free(g);
}

/* ---- gaps: order, and likelihood ---- */

static iotssf_requirement_verdict *by_id(fixture *f, const char *id)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->applied[i].requirement->id, id) == 0)
            return &f->v[i];
    fail_msg("%s not applied", id);
    return NULL;
}

static void test_gaps_are_ordered_by_impact_for_cost(void **state)
{
    fixture *f = *state;
    /* Both required; same weight; SSF-AUTH costs 1, SSF-UPD 3. */
    iotssf_requirement_verdict *upd = NULL;
    for (size_t i = 0; i < f->count && !upd; i++)
        if (strncmp(f->applied[i].requirement->id, "SSF-UPD-", 8) == 0 &&
            f->applied[i].applicable && f->applied[i].need == IOTSSF_NEED_REQUIRED)
            upd = &f->v[i];
    assert_non_null(upd);
    iotssf_requirement_verdict *auth = by_id(f, "SSF-AUTH-03");
    iotssf_requirement_verdict *auth1 = by_id(f, "SSF-AUTH-01");
    upd->verdict = auth->verdict = auth1->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_grade_result r;
    grade(f, &r);
    expect_grade(&r, "none", "bronze");
    /* Equal weight and cost: by id. */
    assert_ptr_equal(r.gaps[0].verdict, auth1);
    assert_ptr_equal(r.gaps[1].verdict, auth);
    assert_true(r.gaps[0].cost == 1.0 && gap_for(&r, upd)->cost == 3.0);
    assert_true(gap_for(&r, upd)->impact == r.gaps[0].impact);
    assert_int_equal(r.gap_count, 3);
    assert_ptr_equal(r.gaps[2].verdict, upd);
    iotssf_grade_result_free(&r);
    /* A critical finding weighs more than the need (and than the id). */
    auth->worst_finding = IOTSSF_SEV_CRITICAL;
    grade(f, &r);
    assert_ptr_equal(r.gaps[0].verdict, auth);
    assert_ptr_equal(r.gaps[1].verdict, auth1);
    assert_true(r.gaps[0].impact == 2 * r.gaps[1].impact);
    for (size_t i = 1; i < r.gap_count; i++)
        assert_true(r.gaps[i - 1].impact / r.gaps[i - 1].cost >=
                    r.gaps[i].impact / r.gaps[i].cost);
    iotssf_grade_result_free(&r);
}

static void test_likelihood_never_changes_the_grade(void **state)
{
    fixture *f = *state;
    static const char *const likelihoods[] = {NULL, "rare", "unlikely", "possible", "likely",
                                              "almost_certain"};
    /* A mix: a mild recommended failure, a missing declaration, a verified
     * failure. */
    struct {
        iotssf_verdict verdict;
        iotssf_severity worst;
        iotssf_need need;
        bool machine;
    } mixes[] = {
        {IOTSSF_VERDICT_FAIL, IOTSSF_SEV_LOW, IOTSSF_NEED_RECOMMENDED, true},
        {IOTSSF_VERDICT_NO_EVIDENCE, IOTSSF_SEV_INFO, IOTSSF_NEED_REQUIRED, false},
        {IOTSSF_VERDICT_FAIL, IOTSSF_SEV_CRITICAL, IOTSSF_NEED_REQUIRED, true},
    };
    for (size_t m = 0; m <= 3; m++) {
        all_pass(state);
        for (size_t k = 0; k < m; k++) {
            iotssf_requirement_verdict *v = pick(f, mixes[k].need, mixes[k].machine, true, 0);
            v->verdict = mixes[k].verdict;
            v->worst_finding = mixes[k].worst;
        }
        iotssf_grade_result first;
        grade_with(f, f->grading, likelihoods[0], &first);
        for (size_t l = 1; l < sizeof likelihoods / sizeof likelihoods[0]; l++) {
            iotssf_grade_result r;
            grade_with(f, f->grading, likelihoods[l], &r);
            assert_string_equal(r.grade, first.grade);
            assert_int_equal(r.gap_count, first.gap_count);
            for (size_t i = 0; i < r.gap_count; i++) {
                const iotssf_gap *same = gap_for(&first, r.gaps[i].verdict);
                assert_non_null(same);
                assert_string_equal(same->why, r.gaps[i].why);
                assert_true(same->cost == r.gaps[i].cost);
            }
            iotssf_grade_result_free(&r);
        }
        iotssf_grade_result_free(&first);
    }
    iotssf_grade_result r;
    iotssf_error err;
    assert_int_equal(iotssf_grade_mode(f->grading, "T1", "inevitable", f->v, f->count, NULL, 0,
                                       &r, &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "unknown likelihood 'inevitable'"));
}

static void test_likelihood_scales_impact(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = pick(f, IOTSSF_NEED_REQUIRED, true, false, 0);
    v->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_grade_result rare, certain;
    grade_with(f, f->grading, "rare", &rare);
    grade_with(f, f->grading, "almost_certain", &certain);
    /* Default weights: required -> high (4); rare 0.5, almost certain 2. */
    assert_true(gap_for(&rare, v)->impact == 2.0);
    assert_true(gap_for(&certain, v)->impact == 8.0);
    iotssf_grade_result_free(&rare);
    iotssf_grade_result_free(&certain);
}

/* ---- rule files with mistakes ---- */

static void test_bad_rule_files_name_the_line(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        unsigned line;
        const char *message;
    } cases[] = {
        {ONE_GRADE "      - max_failed_severity: severe\n" WEIGHTS, 5, "max_failed_severity"},
        {ONE_GRADE "      - required_pass: always\n" WEIGHTS, 5, "required_pass"},
        {ONE_GRADE "      - schemes_conformant: [jcstar9]\n" WEIGHTS, 5,
         "unknown scheme 'jcstar9'"},
        {ONE_GRADE "      - schemes_conformant: []\n" WEIGHTS, 5, "1 to 32 schemes"},
        {ONE_GRADE "      - tier_conformant: false\n" WEIGHTS, 5, "asks nothing"},
        {ONE_GRADE "      - no_evidence_max: -1\n" WEIGHTS, 5, "no_evidence_max"},
        {ONE_GRADE "      - {no_evidence_max: 0, recommended: pass}\n" WEIGHTS, 5,
         "one key and its value"},
        {ONE_GRADE "      - fancy: 1\n" WEIGHTS, 5, "fancy"},
        {ONE_GRADE "      []\n" WEIGHTS, 5, "1 to 32 conditions"},
        {"grading: t\ngrades:\n  - id: none\n    conditions: [{no_evidence_max: 0}]\n" WEIGHTS, 3,
         "other than 'none'"},
        {"grading: t\ngrades:\n  - id: Gold\n    conditions: [{no_evidence_max: 0}]\n" WEIGHTS, 3,
         "lowercase"},
        {"grading: t\ngrades:\n  - id: a\n    conditions: [{no_evidence_max: 0}]\n"
         "  - id: a\n    conditions: [{no_evidence_max: 0}]\n" WEIGHTS,
         5, "grade 'a' is defined twice"},
        {"grading: t\ngrades: []\n" WEIGHTS, 2, "1 to 8 grades"},
        {ONE_GRADE "      - no_evidence_max: 0\n"
                   "weights:\n"
                   "  severity: {info: 0.5, low: 1, medium: 2, high: 1, critical: 8}\n"
                   "  need: {required: high, recommended: medium}\n"
                   "  likelihood: {rare: 1, unlikely: 1, possible: 1, likely: 1, almost_certain: 1}\n"
                   "costs: {default: 1}\n",
         7, "'high' weighs less than 'medium'"},
        {ONE_GRADE "      - no_evidence_max: 0\n"
                   "weights:\n"
                   "  severity: {info: 0.5, low: 1, medium: 2, high: 4, critical: 8}\n"
                   "  need: {required: high, recommended: medium}\n"
                   "  likelihood: {rare: 1, unlikely: 1, possible: 1, likely: 1}\n"
                   "costs: {default: 1}\n",
         9, "missing 'almost_certain'"},
        {ONE_GRADE "      - no_evidence_max: 0\n"
                   "weights:\n"
                   "  severity: {info: 0.5, low: 1, medium: 2, high: 4, critical: 8}\n"
                   "  need: {required: low, recommended: high}\n"
                   "  likelihood: {rare: 1, unlikely: 1, possible: 1, likely: 1, almost_certain: 1}\n"
                   "costs: {default: 1}\n",
         8, "may not weigh more"},
        {ONE_GRADE "      - no_evidence_max: 0\n"
                   "weights:\n"
                   "  severity: {info: 0, low: 1, medium: 2, high: 4, critical: 8}\n"
                   "  need: {required: high, recommended: medium}\n"
                   "  likelihood: {rare: 1, unlikely: 1, possible: 1, likely: 1, almost_certain: 1}\n"
                   "costs: {default: 1}\n",
         7, "weights.severity"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "  by_prefix:\n    SSF-NOPE: 1\n", 13,
         "no requirement id starts with 'SSF-NOPE'"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "  by_prefix:\n    SSF-AUT: 1\n", 13,
         "no requirement id starts with 'SSF-AUT'"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "  by_prefix:\n    SSF-AUTH: 0\n", 13,
         "cost"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "  by_prefix:\n    SSF-AUTH: 1\n"
                   "    SSF-AUTH: 2\n",
         14, "duplicate key 'SSF-AUTH'"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "colour: red\n", 12, "colour"},
        {ONE_GRADE "      - no_evidence_max: 0\n", 1, "weights"},
        {ONE_GRADE "      - no_evidence_max: 0\n" WEIGHTS "---\ngrading: u\n", 13,
         "one document"},
        {"- just\n- a list\n", 1, "mapping"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        iotssf_grading *g = (iotssf_grading *)1;
        iotssf_error err;
        iotssf_error_clear(&err);
        iotssf_status st = iotssf_grading_parse("bad.yaml", cases[i].text, strlen(cases[i].text),
                                                f->catalog, &g, &err);
        if (st != IOTSSF_E_INPUT || err.line != cases[i].line ||
            !strstr(err.message, cases[i].message))
            fail_msg("case %zu: status %d, line %u (want %u): %s", i, st, err.line,
                     cases[i].line, err.message);
        assert_null(g);
        assert_string_equal(err.file, "bad.yaml");
    }
    iotssf_grading *g;
    iotssf_error err;
    assert_int_equal(iotssf_grading_parse("empty.yaml", "", 0, f->catalog, &g, &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "empty"));
    assert_int_equal(iotssf_grading_load("/nonexistent/grading.yaml", f->catalog, &g, &err),
                     IOTSSF_E_IO);
    /* Without a catalog, scheme names and prefixes are not checked. */
    static const char loose[] = ONE_GRADE "      - schemes_conformant: [jcstar9]\n" WEIGHTS
                                          "  by_prefix: {SSF-NOPE: 1}\n";
    assert_int_equal(iotssf_grading_parse("loose.yaml", loose, strlen(loose), NULL, &g, &err), 0);
    iotssf_grading_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_everything_passes_is_gold, all_pass),
        cmocka_unit_test_setup(test_serious_failure_is_no_grade, all_pass),
        cmocka_unit_test_setup(test_failed_recommendation_by_severity, all_pass),
        cmocka_unit_test_setup(test_declared_where_machines_can_check_is_no_grade, all_pass),
        cmocka_unit_test_setup(test_required_without_evidence_is_bronze, all_pass),
        cmocka_unit_test_setup(test_recommendation_without_evidence_is_silver, all_pass),
        cmocka_unit_test_setup(test_jcstar_failure_blocks_silver_when_judged, all_pass),
        cmocka_unit_test_setup(test_scheme_not_judged, all_pass),
        cmocka_unit_test_setup(test_no_evidence_max_and_tier_conformant, all_pass),
        cmocka_unit_test_setup(test_required_verified_and_recommended_pass, all_pass),
        cmocka_unit_test_setup(test_one_gap_per_verdict_keeps_every_reason, all_pass),
        cmocka_unit_test_setup(test_gaps_are_ordered_by_impact_for_cost, all_pass),
        cmocka_unit_test_setup(test_likelihood_never_changes_the_grade, all_pass),
        cmocka_unit_test_setup(test_likelihood_scales_impact, all_pass),
        cmocka_unit_test_setup(test_bad_rule_files_name_the_line, all_pass),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
