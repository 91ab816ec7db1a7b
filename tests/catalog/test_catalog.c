/*
 * The shipped catalog: it loads cleanly, covers every item of every baseline
 * (the issue's coverage rule), keeps IoT-SSF's structure (four perspectives,
 * stand-ins across perspectives, network-level measures), and turns a placed
 * use mode into requirements and scheme items.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/catalog.h"
#include "util.h"

typedef struct fixture {
    iotssf_catalog *catalog;
    iotssf_policy *policy;
    iotssf_profile *netcam;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    iotssf_error err;
    if (iotssf_catalog_load(source_path("data"), &f->catalog, &err)) {
        char buf[2048];
        iotssf_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "catalog: %s\n", buf);
        return -1;
    }
    if (iotssf_policy_load(source_path("data/policy/default.yaml"), &f->policy, &err))
        return -1;
    iotssf_profile_reader *r = iotssf_profile_reader_open(source_path("examples/netcam.yaml"), &err);
    if (!r || iotssf_profile_reader_next(r, &f->netcam, &err))
        return -1;
    iotssf_profile_reader_close(r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    iotssf_profile_free(f->netcam);
    iotssf_policy_free(f->policy);
    iotssf_catalog_free(f->catalog);
    free(f);
    return 0;
}

static void test_loads_without_warnings(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < iotssf_catalog_warning_count(f->catalog); i++)
        print_message("warning: %s\n", iotssf_catalog_warning(f->catalog, i));
    assert_int_equal(iotssf_catalog_warning_count(f->catalog), 0);
    iotssf_error err;
    assert_int_equal(iotssf_catalog_check_policy(f->catalog, f->policy, &err), IOTSSF_OK);
}

static void test_baselines_have_their_known_sizes(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *scheme;
        size_t items;
    } sizes[] = {{"en303645", 68}, {"en303645v3", 78}, {"nistir8259a", 6},
                 {"c2", 13},       {"jcstar1", 11},    {"siotp", 3}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(f->catalog, sizes[i].scheme);
        assert_non_null(b);
        assert_int_equal(b->item_count, sizes[i].items);
    }
    const iotssf_baseline *iec = iotssf_catalog_baseline_by_scheme(f->catalog, "iec62443-4-2");
    assert_non_null(iec);
    assert_true(iec->item_count >= 50);
    /* EN 303 645 V2.1.1: every provision has M or R, 33 of them M. */
    const iotssf_baseline *en = iotssf_catalog_baseline_by_scheme(f->catalog, "en303645");
    size_t mandatory = 0;
    for (size_t i = 0; i < en->item_count; i++) {
        assert_non_null(en->items[i].status);
        assert_true(strcmp(en->items[i].status, "M") == 0 || strcmp(en->items[i].status, "R") == 0);
        mandatory += strcmp(en->items[i].status, "M") == 0;
    }
    assert_int_equal(mandatory, 33);
}

/* The issue's rule: coverage of every baseline is total. */
static void test_every_baseline_item_is_covered(void **state)
{
    fixture *f = *state;
    size_t uncovered = 0;
    for (size_t i = 0; i < iotssf_catalog_baseline_count(f->catalog); i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline(f->catalog, i);
        for (size_t k = 0; k < b->item_count; k++)
            if (!b->items[k].referenced_by) {
                print_message("uncovered: %s %s\n", b->scheme, b->items[k].id);
                uncovered++;
            }
    }
    assert_int_equal(uncovered, 0);
}

static bool mentions(const iotssf_requirement *r, const char *word)
{
    char text[4096];
    snprintf(text, sizeof text, "%s %s", r->title, r->statement);
    for (char *p = text; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return strstr(text, word) != NULL;
}

static void test_structure_follows_iot_ssf(void **state)
{
    fixture *f = *state;
    size_t persp[5] = {0}, with_subs = 0;
    bool segmentation = false, gateway = false, monitoring = false, insurance = false;
    for (size_t i = 0; i < iotssf_catalog_requirement_count(f->catalog); i++) {
        const iotssf_requirement *r = iotssf_catalog_requirement(f->catalog, i);
        persp[r->perspective]++;
        with_subs += r->substitute_count > 0;
        for (size_t s = 0; s < r->substitute_count; s++)
            assert_int_not_equal(r->substitutes[s].requirement->perspective, r->perspective);
        segmentation |= mentions(r, "segment");
        gateway |= mentions(r, "gateway");
        monitoring |= mentions(r, "monitor");
        insurance |= mentions(r, "insur");
    }
    for (int p = 1; p <= 4; p++)
        assert_true(persp[p] >= 5);
    assert_true(with_subs >= 15);
    assert_true(segmentation && gateway && monitoring && insurance);
}

static void test_requirements_for_a_placed_use_mode(void **state)
{
    fixture *f = *state;
    iotssf_error err;
    assert_int_equal(iotssf_catalog_check_profile(f->catalog, f->netcam, &err), IOTSSF_OK);
    iotssf_placement low, high;
    assert_int_equal(iotssf_categorize(f->policy, f->netcam, &f->netcam->use_modes[0], &low, &err), 0);
    assert_int_equal(iotssf_categorize(f->policy, f->netcam, &f->netcam->use_modes[1], &high, &err), 0);
    iotssf_applied_requirement *a, *b;
    size_t na, nb;
    assert_int_equal(iotssf_requirements_for(f->catalog, f->netcam, &low, &a, &na, &err), 0);
    assert_int_equal(iotssf_requirements_for(f->catalog, f->netcam, &high, &b, &nb, &err), 0);
    size_t req_low = 0, req_high = 0;
    for (size_t i = 0; i < na; i++)
        req_low += a[i].need == IOTSSF_NEED_REQUIRED;
    for (size_t i = 0; i < nb; i++)
        req_high += b[i].need == IOTSSF_NEED_REQUIRED;
    /* A higher tier asks for more. */
    assert_true(nb >= na);
    assert_true(req_high > req_low);
    /* A requirement whose feature the camera lacks is marked, with the reason. */
    for (size_t i = 0; i < na; i++)
        if (!a[i].applicable)
            assert_true(a[i].missing_feature || a[i].excluding_feature);
    /* The same as EN 303 645 provisions. */
    const iotssf_baseline *en = iotssf_catalog_baseline_by_scheme(f->catalog, "en303645");
    iotssf_scheme_item *items;
    size_t n;
    assert_int_equal(iotssf_scheme_view(en, b, nb, &items, &n, &err), 0);
    assert_int_equal(n, 68);
    size_t cited = 0;
    for (size_t i = 0; i < n; i++)
        cited += items[i].by_count > 0;
    assert_true(cited > 40);
    free(items);
    free(a);
    free(b);
}

static void test_unknown_profile_feature_is_an_error(void **state)
{
    fixture *f = *state;
    iotssf_profile copy = *f->netcam;
    iotssf_named bogus = {"teleportation", {7, 9}};
    copy.features = &bogus;
    copy.feature_count = 1;
    iotssf_error err;
    assert_int_equal(iotssf_catalog_check_profile(f->catalog, &copy, &err), IOTSSF_E_INPUT);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 9);
    assert_non_null(strstr(err.message, "unknown feature 'teleportation'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_without_warnings),
        cmocka_unit_test(test_baselines_have_their_known_sizes),
        cmocka_unit_test(test_every_baseline_item_is_covered),
        cmocka_unit_test(test_structure_follows_iot_ssf),
        cmocka_unit_test(test_requirements_for_a_placed_use_mode),
        cmocka_unit_test(test_unknown_profile_feature_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
