/*
 * Scheme conformity (lib/assess/conformity.c) over real requirements: the
 * shipped catalog, examples/netcam.yaml placed with the default policy, and
 * verdicts set here one by one, so each scheme rule is seen to turn on the
 * item it should: EN 303 645's mandatory provisions, its conditions and
 * provision 4-1, "every item" schemes, IEC 62443-4-2's security levels.
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

typedef struct fixture {
    iotssf_catalog *catalog;
    iotssf_policy *policy;
    iotssf_profile *netcam;
    iotssf_placement place; /* the "home" use mode */
    iotssf_applied_requirement *applied;
    size_t count;
    iotssf_requirement_verdict *v;
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

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->v);
    free(f->applied);
    iotssf_profile_free(f->netcam);
    iotssf_policy_free(f->policy);
    iotssf_catalog_free(f->catalog);
    free(f);
    return 0;
}

/* Every applicable requirement passes; the others are not applicable. */
static void all_pass(fixture *f)
{
    for (size_t i = 0; i < f->count; i++)
        f->v[i] = (iotssf_requirement_verdict){
            .applied = &f->applied[i],
            .verdict = f->applied[i].applicable ? IOTSSF_VERDICT_PASS
                                                : IOTSSF_VERDICT_NOT_APPLICABLE,
            .basis = f->applied[i].applicable ? IOTSSF_BASIS_VERIFIED : IOTSSF_BASIS_NONE,
            .worst_finding = IOTSSF_SEV_INFO,
        };
}

static int reset(void **state)
{
    all_pass(*state);
    return 0;
}

static iotssf_requirement_verdict *verdict_of(fixture *f, const char *id)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->applied[i].requirement->id, id) == 0)
            return &f->v[i];
    fail_msg("requirement %s is not applied to the home mode", id);
    return NULL;
}

static const iotssf_item_verdict *item_of(const iotssf_conformity *c, const char *id)
{
    for (size_t i = 0; i < c->item_count; i++)
        if (strcmp(c->items[i].item->id, id) == 0)
            return &c->items[i];
    fail_msg("item %s not in %s", id, c->baseline->scheme);
    return NULL;
}

static void judge(fixture *f, const char *scheme, int level, iotssf_conformity *c)
{
    const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(f->catalog, scheme);
    assert_non_null(b);
    iotssf_error err;
    assert_int_equal(iotssf_conformity_judge(b, level, f->v, f->count, c, &err), IOTSSF_OK);
    assert_int_equal(c->item_count, b->item_count);
    assert_non_null(c->rule);
}

static bool cites_scheme_status(const iotssf_requirement *r, const char *scheme, char status)
{
    for (size_t i = 0; i < r->ref_count; i++)
        if (strcmp(r->refs[i].baseline->scheme, scheme) == 0 && r->refs[i].item->status &&
            r->refs[i].item->status[0] == status)
            return true;
    return false;
}

/* ---- every scheme ---- */

static void test_all_pass_makes_every_scheme_conformant(void **state)
{
    fixture *f = *state;
    int level = iotssf_iec62443_level_of_tier(f->place.tier);
    for (size_t i = 0; i < iotssf_catalog_baseline_count(f->catalog); i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline(f->catalog, i);
        iotssf_conformity c;
        judge(f, b->scheme, level, &c);
        if (!c.conformant || !c.complete)
            fail_msg("%s is not conformant when everything passes", b->scheme);
        assert_int_equal(c.fail, 0);
        assert_int_equal(c.no_evidence, 0);
        assert_int_equal(c.justified, 0);
        assert_true(c.pass > 0);
        size_t counted = 0;
        for (size_t j = 0; j < c.item_count; j++)
            counted += c.items[j].counts;
        assert_int_equal(c.pass + c.not_applicable, counted);
        iotssf_conformity_free(&c);
    }
}

static void test_no_evidence_leaves_a_scheme_incomplete(void **state)
{
    fixture *f = *state;
    verdict_of(f, "SSF-AUTH-03")->verdict = IOTSSF_VERDICT_NO_EVIDENCE;
    iotssf_conformity c;
    judge(f, "c2", 0, &c);
    assert_false(c.complete);
    assert_false(c.conformant);
    assert_int_equal(item_of(&c, "8")->verdict, IOTSSF_VERDICT_NO_EVIDENCE);
    assert_int_equal(c.no_evidence, 1);
    iotssf_conformity_free(&c);
}

static void test_a_failing_requirement_fails_every_item_it_cites(void **state)
{
    fixture *f = *state;
    verdict_of(f, "SSF-AUTH-01")->verdict = IOTSSF_VERDICT_FAIL;
    static const char *const schemes[][2] = {
        {"en303645", "5.1-1"}, {"en303645v3", "5.1-1"}, {"jcstar1", "S1.1-02"}, {"c2", "2"}};
    for (size_t i = 0; i < 4; i++) {
        iotssf_conformity c;
        judge(f, schemes[i][0], 0, &c);
        assert_false(c.conformant);
        const iotssf_item_verdict *iv = item_of(&c, schemes[i][1]);
        assert_int_equal(iv->verdict, IOTSSF_VERDICT_FAIL);
        assert_true(iv->counts);
        bool found = false;
        for (size_t j = 0; j < iv->by_count; j++)
            found |= iv->by[j] == verdict_of(f, "SSF-AUTH-01");
        assert_true(found);
        assert_int_equal(c.fail, 1);
        iotssf_conformity_free(&c);
    }
}

/* ---- EN 303 645 ---- */

static void test_en303645_failing_mandatory_provision_is_named(void **state)
{
    fixture *f = *state;
    verdict_of(f, "SSF-AUTH-03")->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_conformity c;
    judge(f, "en303645", 0, &c);
    assert_false(c.conformant);
    assert_true(c.complete);
    size_t failing = 0;
    for (size_t i = 0; i < c.item_count; i++)
        if (c.items[i].verdict == IOTSSF_VERDICT_FAIL) {
            failing++;
            assert_string_equal(c.items[i].item->id, "5.1-3");
            assert_string_equal(c.items[i].item->status, "M");
        }
    assert_int_equal(failing, 1);
    assert_int_equal(item_of(&c, "4-1")->verdict, IOTSSF_VERDICT_PASS);
    iotssf_conformity_free(&c);
}

/* A recommendation whose every applicable citing requirement cites no
 * mandatory provision, so failing them touches recommendations only. */
static const iotssf_item_verdict *pure_recommendation(fixture *f, const iotssf_conformity *c)
{
    for (size_t i = 0; i < c->item_count; i++) {
        const iotssf_item_verdict *iv = &c->items[i];
        if (!iv->item->status || strcmp(iv->item->status, "R") != 0 ||
            iv->verdict != IOTSSF_VERDICT_PASS)
            continue;
        bool pure = true;
        for (size_t j = 0; j < iv->by_count; j++)
            pure &= !cites_scheme_status(iv->by[j]->applied->requirement, "en303645", 'M');
        if (pure)
            return iv;
    }
    (void)f;
    return NULL;
}

static void fail_citing(const iotssf_item_verdict *iv, const char *justification)
{
    for (size_t j = 0; j < iv->by_count; j++) {
        iotssf_requirement_verdict *v = (iotssf_requirement_verdict *)iv->by[j];
        if (v->applied->applicable) {
            v->verdict = IOTSSF_VERDICT_FAIL;
            v->justification = justification;
        }
    }
}

static void test_en303645_unmet_recommendation_with_justification(void **state)
{
    fixture *f = *state;
    iotssf_conformity before;
    judge(f, "en303645", 0, &before);
    const iotssf_item_verdict *rec = pure_recommendation(f, &before);
    assert_non_null(rec);
    char id[32];
    snprintf(id, sizeof id, "%s", rec->item->id);
    fail_citing(rec, "the camera has no display; the app shows the same notice");
    iotssf_conformity_free(&before);

    iotssf_conformity c;
    judge(f, "en303645", 0, &c);
    const iotssf_item_verdict *iv = item_of(&c, id);
    assert_int_equal(iv->verdict, IOTSSF_VERDICT_FAIL);
    assert_true(iv->justified);
    assert_int_equal(c.justified, 1);
    assert_int_equal(item_of(&c, "4-1")->verdict, IOTSSF_VERDICT_PASS);
    assert_true(c.conformant);
    iotssf_conformity_free(&c);
}

static void test_en303645_unmet_recommendation_without_justification(void **state)
{
    fixture *f = *state;
    iotssf_conformity before;
    judge(f, "en303645", 0, &before);
    const iotssf_item_verdict *rec = pure_recommendation(f, &before);
    assert_non_null(rec);
    char id[32];
    snprintf(id, sizeof id, "%s", rec->item->id);
    fail_citing(rec, NULL);
    iotssf_conformity_free(&before);

    iotssf_conformity c;
    judge(f, "en303645", 0, &c);
    assert_false(item_of(&c, id)->justified);
    assert_int_equal(item_of(&c, "4-1")->verdict, IOTSSF_VERDICT_FAIL);
    assert_false(c.conformant);
    assert_int_equal(c.justified, 0);
    iotssf_conformity_free(&c);

    /* V3 numbers the same provision 5.0-1. */
    judge(f, "en303645v3", 0, &c);
    assert_int_equal(item_of(&c, "5.0-1")->verdict, IOTSSF_VERDICT_FAIL);
    assert_false(c.conformant);
    iotssf_conformity_free(&c);
}

static void test_a_justification_does_not_excuse_a_mandatory_provision(void **state)
{
    fixture *f = *state;
    iotssf_requirement_verdict *v = verdict_of(f, "SSF-AUTH-03");
    v->verdict = IOTSSF_VERDICT_FAIL;
    v->justification = "we prefer not to";
    iotssf_conformity c;
    judge(f, "en303645", 0, &c);
    assert_false(item_of(&c, "5.1-3")->justified);
    assert_false(c.conformant);
    iotssf_conformity_free(&c);
}

static void test_en303645_condition_not_met_is_not_applicable(void **state)
{
    fixture *f = *state;
    /* The same camera without passwords: SSF-AUTH-01 (5.1-1, condition 1)
     * no longer applies. */
    iotssf_profile copy = *f->netcam;
    iotssf_named kept[32];
    size_t n = 0;
    for (size_t i = 0; i < f->netcam->feature_count && n < 32; i++)
        if (strcmp(f->netcam->features[i].name, "passwords") != 0)
            kept[n++] = f->netcam->features[i];
    copy.features = kept;
    copy.feature_count = n;
    iotssf_placement place;
    iotssf_applied_requirement *applied;
    size_t count;
    iotssf_error err;
    assert_int_equal(iotssf_categorize(f->policy, &copy, &copy.use_modes[0], &place, &err), 0);
    assert_int_equal(iotssf_requirements_for(f->catalog, &copy, &place, &applied, &count, &err), 0);
    iotssf_requirement_verdict *v = calloc(count + 1, sizeof *v);
    assert_non_null(v);
    size_t auth01 = count, auth03 = count;
    for (size_t i = 0; i < count; i++) {
        v[i].applied = &applied[i];
        v[i].verdict = applied[i].applicable ? IOTSSF_VERDICT_PASS : IOTSSF_VERDICT_NOT_APPLICABLE;
        if (strcmp(applied[i].requirement->id, "SSF-AUTH-01") == 0)
            auth01 = i;
        if (strcmp(applied[i].requirement->id, "SSF-AUTH-03") == 0)
            auth03 = i;
    }
    assert_true(auth01 < count && auth03 < count);
    assert_false(applied[auth01].applicable);
    assert_string_equal(applied[auth01].missing_feature->id, "passwords");

    const iotssf_baseline *en = iotssf_catalog_baseline_by_scheme(f->catalog, "en303645");
    iotssf_conformity c;
    assert_int_equal(iotssf_conformity_judge(en, 0, v, count, &c, &err), 0);
    assert_int_equal(item_of(&c, "5.1-1")->verdict, IOTSSF_VERDICT_NOT_APPLICABLE);
    assert_true(c.conformant);
    iotssf_conformity_free(&c);

    /* A requirement that applies regardless and cites 5.1-1 (made up here:
     * SSF-AUTH-03 with 5.1-1 as its reference) cannot make the provision
     * applicable: the verdicts show the device has no passwords. */
    iotssf_requirement made_up = *applied[auth03].requirement;
    iotssf_ref ref = {en, NULL};
    for (size_t i = 0; i < en->item_count; i++)
        if (strcmp(en->items[i].id, "5.1-1") == 0)
            ref.item = &en->items[i];
    made_up.refs = &ref;
    made_up.ref_count = 1;
    iotssf_applied_requirement made_up_applied = applied[auth03];
    made_up_applied.requirement = &made_up;
    v[count] = (iotssf_requirement_verdict){.applied = &made_up_applied,
                                            .verdict = IOTSSF_VERDICT_FAIL};
    assert_int_equal(iotssf_conformity_judge(en, 0, v, count + 1, &c, &err), 0);
    assert_int_equal(item_of(&c, "5.1-1")->verdict, IOTSSF_VERDICT_NOT_APPLICABLE);
    assert_int_equal(item_of(&c, "5.1-1")->by_count, 2);
    assert_true(c.conformant);
    iotssf_conformity_free(&c);
    /* With passwords, the same made-up verdict fails the provision. */
    iotssf_conformity with;
    free(v);
    free(applied);
    judge(f, "en303645", 0, &with);
    assert_int_equal(item_of(&with, "5.1-1")->verdict, IOTSSF_VERDICT_PASS);
    iotssf_conformity_free(&with);
}

/* ---- IEC 62443-4-2 ---- */

static size_t counted(const iotssf_conformity *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->item_count; i++) {
        n += c->items[i].counts;
        if (c->items[i].counts)
            assert_true(c->items[i].item->level <= c->level);
    }
    return n;
}

static void test_iec62443_levels_count_different_items(void **state)
{
    fixture *f = *state;
    iotssf_conformity sl1, sl2, sl0;
    judge(f, "iec62443-4-2", 1, &sl1);
    judge(f, "iec62443-4-2", 2, &sl2);
    judge(f, "iec62443-4-2", 0, &sl0);
    assert_int_equal(sl1.level, 1);
    assert_int_equal(sl2.level, 2);
    assert_int_equal(sl0.level, 1);
    size_t n1 = counted(&sl1), n2 = counted(&sl2);
    assert_true(n1 > 0);
    assert_true(n2 > n1);
    assert_int_equal(counted(&sl0), n1);
    assert_int_equal(sl1.pass + sl1.not_applicable, n1);
    assert_int_equal(sl2.pass + sl2.not_applicable, n2);
    assert_true(sl1.uncited <= n1);
    /* A requirement citing only a level-2 item fails: SL 1 holds, SL 2 not. */
    const iotssf_item_verdict *l2 = NULL;
    for (size_t i = 0; i < sl2.item_count && !l2; i++) {
        const iotssf_item_verdict *iv = &sl2.items[i];
        if (iv->item->level != 2 || iv->verdict != IOTSSF_VERDICT_PASS)
            continue;
        bool only_high = true;
        for (size_t j = 0; j < iv->by_count; j++) {
            const iotssf_requirement *r = iv->by[j]->applied->requirement;
            for (size_t k = 0; k < r->ref_count; k++)
                if (strcmp(r->refs[k].baseline->scheme, "iec62443-4-2") == 0 &&
                    r->refs[k].item->level < 2)
                    only_high = false;
        }
        if (only_high)
            l2 = iv;
    }
    assert_non_null(l2);
    for (size_t j = 0; j < l2->by_count; j++)
        ((iotssf_requirement_verdict *)l2->by[j])->verdict = IOTSSF_VERDICT_FAIL;
    iotssf_conformity_free(&sl1);
    iotssf_conformity_free(&sl2);
    iotssf_conformity_free(&sl0);
    judge(f, "iec62443-4-2", 1, &sl1);
    judge(f, "iec62443-4-2", 2, &sl2);
    assert_true(sl1.conformant);
    assert_false(sl2.conformant);
    assert_true(sl2.fail >= 1); /* the item, and any other the same requirements cite */
    assert_int_equal(sl1.fail, 0);
    iotssf_conformity_free(&sl1);
    iotssf_conformity_free(&sl2);
}

static void test_iec62443_level_of_tier_reads_the_policy(void **state)
{
    fixture *f = *state;
    static const int expected[] = {1, 2, 3, 4};
    for (int i = 0; i < 4; i++) {
        char id[4];
        snprintf(id, sizeof id, "T%d", i + 1);
        const iotssf_tier *t = iotssf_policy_tier_by_id(f->policy, id);
        assert_non_null(t);
        assert_int_equal(iotssf_iec62443_level_of_tier(t), expected[i]);
    }
    assert_int_equal(iotssf_iec62443_level_of_tier(NULL), 1);
    iotssf_tier bare = {.id = "TX"};
    assert_int_equal(iotssf_iec62443_level_of_tier(&bare), 1);
    iotssf_equivalent odd = {"iec62443-4-2", "SL-C 9", NULL};
    iotssf_tier strange = {.id = "TY", .equivalents = &odd, .equivalent_count = 1};
    assert_int_equal(iotssf_iec62443_level_of_tier(&strange), 1);
}

/* ---- edges ---- */

static void test_no_verdicts_leaves_every_item_uncited(void **state)
{
    fixture *f = *state;
    const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(f->catalog, "nistir8259a");
    iotssf_conformity c;
    iotssf_error err;
    assert_int_equal(iotssf_conformity_judge(b, 0, NULL, 0, &c, &err), IOTSSF_OK);
    assert_int_equal(c.not_applicable, b->item_count);
    assert_int_equal(c.uncited, b->item_count);
    for (size_t i = 0; i < c.item_count; i++)
        assert_int_equal(c.items[i].by_count, 0);
    iotssf_conformity_free(&c);
    iotssf_conformity_free(&c); /* twice is harmless */
}

static void test_a_verdict_without_requirement_is_refused(void **state)
{
    fixture *f = *state;
    const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(f->catalog, "siotp");
    iotssf_requirement_verdict bad = {0};
    iotssf_conformity c;
    iotssf_error err;
    assert_int_equal(iotssf_conformity_judge(b, 0, &bad, 1, &c, &err), IOTSSF_E_INTERNAL);
    assert_null(c.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_all_pass_makes_every_scheme_conformant, reset),
        cmocka_unit_test_setup(test_no_evidence_leaves_a_scheme_incomplete, reset),
        cmocka_unit_test_setup(test_a_failing_requirement_fails_every_item_it_cites, reset),
        cmocka_unit_test_setup(test_en303645_failing_mandatory_provision_is_named, reset),
        cmocka_unit_test_setup(test_en303645_unmet_recommendation_with_justification, reset),
        cmocka_unit_test_setup(test_en303645_unmet_recommendation_without_justification, reset),
        cmocka_unit_test_setup(test_a_justification_does_not_excuse_a_mandatory_provision,
                               reset),
        cmocka_unit_test_setup(test_en303645_condition_not_met_is_not_applicable, reset),
        cmocka_unit_test_setup(test_iec62443_levels_count_different_items, reset),
        cmocka_unit_test_setup(test_iec62443_level_of_tier_reads_the_policy, reset),
        cmocka_unit_test_setup(test_no_verdicts_leaves_every_item_uncited, reset),
        cmocka_unit_test_setup(test_a_verdict_without_requirement_is_refused, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
