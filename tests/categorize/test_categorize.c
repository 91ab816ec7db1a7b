/*
 * Categorization with the shipped default policy: the framework's own
 * properties (same device, different modes, different places; likelihood
 * never moves a category; worse facts never lower a level) and the trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/categorize.h"
#include "util.h"

static const char *const examples[] = {
    "examples/netcam.yaml",   "examples/aircon.yaml",        "examples/boiler.yaml",
    "examples/shutters.yaml", "examples/scada-gateway.yaml", "examples/smart-meter.yaml",
    "examples/maintenance-service.yaml"};
enum { EXAMPLES = sizeof examples / sizeof *examples };

typedef struct fixture {
    iotssf_policy *policy;
    iotssf_profile *profiles[EXAMPLES];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    iotssf_error err;
    if (iotssf_policy_load(source_path("data/policy/default.yaml"), &f->policy, &err))
        return -1;
    for (size_t i = 0; i < EXAMPLES; i++) {
        iotssf_profile_reader *r = iotssf_profile_reader_open(source_path(examples[i]), &err);
        if (!r || iotssf_profile_reader_next(r, &f->profiles[i], &err))
            return -1;
        iotssf_profile_reader_close(r);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < EXAMPLES; i++)
        iotssf_profile_free(f->profiles[i]);
    iotssf_policy_free(f->policy);
    free(f);
    return 0;
}

static iotssf_placement place(const fixture *f, const iotssf_profile *p,
                              const iotssf_use_mode *m)
{
    iotssf_placement pl;
    iotssf_error err;
    assert_int_equal(iotssf_categorize(f->policy, p, m, &pl, &err), IOTSSF_OK);
    return pl;
}

static void test_same_device_two_places(void **state)
{
    fixture *f = *state;
    const iotssf_profile *cam = f->profiles[0];
    iotssf_placement home = place(f, cam, &cam->use_modes[0]);
    iotssf_placement ward = place(f, cam, &cam->use_modes[1]);
    assert_int_equal(home.axis[0].level, 2);
    assert_int_equal(home.axis[1].level, 3);
    assert_string_equal(home.tier->id, "T2");
    assert_int_equal(ward.axis[0].level, 3);
    assert_int_equal(ward.axis[1].level, 3);
    assert_string_equal(ward.tier->id, "T3");
    assert_string_not_equal(home.category->id, ward.category->id);
}

static void assert_same_place(const iotssf_placement *a, const iotssf_placement *b)
{
    assert_int_equal(a->axis[0].level, b->axis[0].level);
    assert_int_equal(a->axis[1].level, b->axis[1].level);
    assert_ptr_equal(a->tier, b->tier);
    assert_ptr_equal(a->category, b->category);
}

/* IoT-SSF: probability is not part of the category. */
static void test_likelihood_never_moves_a_category(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < EXAMPLES; i++) {
        const iotssf_profile *p = f->profiles[i];
        for (size_t m = 0; m < p->use_mode_count; m++) {
            iotssf_use_mode mode = p->use_modes[m];
            iotssf_placement base = place(f, p, &mode);
            mode.facts[IOTSSF_FACT_LIKELIHOOD].present = false;
            iotssf_placement without = place(f, p, &mode);
            assert_same_place(&base, &without);
            const char *const *values = iotssf_fact_def_of(IOTSSF_FACT_LIKELIHOOD)->values;
            for (int v = 0; values[v]; v++) {
                mode.facts[IOTSSF_FACT_LIKELIHOOD].present = true;
                mode.facts[IOTSSF_FACT_LIKELIHOOD].index = v;
                iotssf_placement with = place(f, p, &mode);
                assert_same_place(&base, &with);
            }
        }
    }
}

/* A worse fact never gives a lower level on either axis. */
static void test_worse_facts_never_lower_a_level(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < EXAMPLES; i++) {
        const iotssf_profile *p = f->profiles[i];
        for (size_t m = 0; m < p->use_mode_count; m++) {
            for (int fact = 0; fact < IOTSSF_FACT_COUNT; fact++) {
                const iotssf_fact_def *def = iotssf_fact_def_of((iotssf_fact_id)fact);
                if (def->type != IOTSSF_FACT_ORDINAL)
                    continue;
                iotssf_use_mode mode = p->use_modes[m];
                mode.axis1.set = mode.axis2.set = false;
                int prev[2] = {0, 0};
                for (int v = 0; def->values[v]; v++) {
                    mode.facts[fact].present = true;
                    mode.facts[fact].index = v;
                    iotssf_placement pl = place(f, p, &mode);
                    assert_true(pl.axis[0].level >= prev[0]);
                    assert_true(pl.axis[1].level >= prev[1]);
                    prev[0] = pl.axis[0].level;
                    prev[1] = pl.axis[1].level;
                }
            }
        }
    }
}

/* The level is the highest among the rules that hold, and those rules are
 * the trace. */
static void test_trace_explains_the_level(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < EXAMPLES; i++) {
        const iotssf_profile *p = f->profiles[i];
        for (size_t m = 0; m < p->use_mode_count; m++) {
            iotssf_placement pl = place(f, p, &p->use_modes[m]);
            for (int axis = 0; axis < 2; axis++) {
                const iotssf_axis_placement *a = &pl.axis[axis];
                int highest = 0, deciding = 0;
                for (size_t k = 0; k < a->matched_count; k++) {
                    if (a->matched[k]->level > highest)
                        highest = a->matched[k]->level;
                    deciding += iotssf_rule_decides(a, a->matched[k]);
                }
                if (a->defaulted) {
                    assert_int_equal(a->matched_count, 0);
                } else {
                    assert_int_equal(a->computed_level, highest);
                    assert_true(deciding >= 1);
                }
                if (!a->override)
                    assert_int_equal(a->level, a->computed_level);
            }
        }
    }
}

static void test_override_keeps_computed_level_and_reason(void **state)
{
    fixture *f = *state;
    const iotssf_profile *meter = f->profiles[5];
    iotssf_placement pl = place(f, meter, &meter->use_modes[0]);
    assert_non_null(pl.axis[0].override);
    assert_int_equal(pl.axis[0].computed_level, 4);
    assert_int_equal(pl.axis[0].level, 3);
    assert_non_null(strstr(pl.axis[0].override->justification, "grid restoration"));
    assert_null(pl.axis[1].override);
}

static void test_every_cell_has_category_and_tier(void **state)
{
    fixture *f = *state;
    int n1 = iotssf_policy_level_count(f->policy, 0), n2 = iotssf_policy_level_count(f->policy, 1);
    assert_int_equal(n1, 4);
    assert_int_equal(n2, 4);
    for (int a1 = 1; a1 <= n1; a1++)
        for (int a2 = 1; a2 <= n2; a2++)
            assert_non_null(iotssf_policy_cell_tier(f->policy, a1, a2));
    /* Tiers map to the levels of other schemes, JC-STAR among them. */
    for (size_t t = 0; t < iotssf_policy_tier_count(f->policy); t++) {
        const iotssf_tier *tier = iotssf_policy_tier(f->policy, t);
        bool jcstar = false;
        for (size_t e = 0; e < tier->equivalent_count; e++)
            jcstar |= strcmp(tier->equivalents[e].scheme, "jcstar") == 0;
        assert_true(jcstar);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_device_two_places),
        cmocka_unit_test(test_likelihood_never_moves_a_category),
        cmocka_unit_test(test_worse_facts_never_lower_a_level),
        cmocka_unit_test(test_trace_explains_the_level),
        cmocka_unit_test(test_override_keeps_computed_level_and_reason),
        cmocka_unit_test(test_every_cell_has_category_and_tier),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
