/*
 * Profiles: the shipped examples load with the facts they state, defaults
 * and derived facts are right, and the reader streams fleet files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/profile.h"
#include "util.h"

static iotssf_profile *load_one(const char *relative)
{
    iotssf_error err;
    iotssf_profile_reader *r = iotssf_profile_reader_open(source_path(relative), &err);
    assert_non_null(r);
    iotssf_profile *p = NULL;
    assert_int_equal(iotssf_profile_reader_next(r, &p, &err), IOTSSF_OK);
    assert_non_null(p);
    iotssf_profile_reader_close(r);
    return p;
}

static int fact_index(const iotssf_use_mode *m, iotssf_fact_id id)
{
    return m->facts[id].index;
}

static void test_netcam_identity_and_modes(void **state)
{
    (void)state;
    iotssf_profile *p = load_one("examples/netcam.yaml");
    assert_string_equal(p->id, "NC-200");
    assert_string_equal(p->kind, "device");
    assert_string_equal(p->firmware_version, "2.4.1");
    assert_int_equal(p->use_mode_count, 2);
    assert_int_equal(p->service_count, 4);
    assert_string_equal(p->services[3].transport, "udp");
    assert_false(p->services[3].authenticated);
    assert_false(p->services[2].enabled_by_default);
    assert_int_equal(p->radio_count, 1);
    assert_true(p->data[0].personal && p->data[0].sensitive);
    const iotssf_use_mode *home = &p->use_modes[0], *ward = &p->use_modes[1];
    assert_string_equal(home->id, "home");
    assert_int_equal(fact_index(home, IOTSSF_FACT_HARM_PRIVACY),
                     iotssf_fact_value_index(IOTSSF_FACT_HARM_PRIVACY, "sensitive"));
    assert_int_equal(fact_index(ward, IOTSSF_FACT_HARM_PEOPLE),
                     iotssf_fact_value_index(IOTSSF_FACT_HARM_PEOPLE, "serious_injury"));
    assert_true(home->facts[IOTSSF_FACT_UNITS_DEPLOYED].number == 200000);
    assert_int_equal(home->facts[IOTSSF_FACT_HARM_PEOPLE].pos.line, 36);
    iotssf_profile_free(p);
}

static void test_defaults_and_derived_facts(void **state)
{
    (void)state;
    iotssf_profile *p = load_one("examples/netcam.yaml");
    const iotssf_use_mode *home = &p->use_modes[0], *ward = &p->use_modes[1];
    /* Not written: the documented default applies and is marked. */
    assert_true(home->facts[IOTSSF_FACT_HARM_ENVIRONMENT].present);
    assert_true(home->facts[IOTSSF_FACT_HARM_ENVIRONMENT].defaulted);
    assert_int_equal(home->facts[IOTSSF_FACT_HARM_ENVIRONMENT].index, 0);
    /* Botnet propagation: one incident reaches the whole fleet. */
    assert_true(home->facts[IOTSSF_FACT_FLEET_LOSS].number == 30000.0 * 200000.0);
    /* Lateral spread stays on the site: the loss is one incident's. */
    assert_true(ward->facts[IOTSSF_FACT_FLEET_LOSS].number == 150000000.0);
    iotssf_profile_free(p);
}

static void test_every_example_loads(void **state)
{
    (void)state;
    static const char *const examples[] = {
        "examples/netcam.yaml",   "examples/aircon.yaml",       "examples/boiler.yaml",
        "examples/shutters.yaml", "examples/scada-gateway.yaml", "examples/smart-meter.yaml",
        "examples/maintenance-service.yaml"};
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        iotssf_profile *p = load_one(examples[i]);
        assert_true(p->use_mode_count >= 1);
        for (size_t m = 0; m < p->use_mode_count; m++)
            assert_non_null(p->use_modes[m].recovery_means);
        iotssf_profile_free(p);
    }
}

static void test_parse_from_memory_refuses_two_documents(void **state)
{
    (void)state;
    size_t size;
    char *text = read_file(source_path("examples/boiler.yaml"), &size);
    assert_non_null(text);
    iotssf_profile *p = NULL;
    iotssf_error err;
    assert_int_equal(iotssf_profile_parse("boiler", text, size, &p, &err), IOTSSF_OK);
    iotssf_profile_free(p);
    size_t twice = size * 2 + 8;
    char *two = malloc(twice);
    snprintf(two, twice, "%s\n---\n%s", text, text);
    assert_int_equal(iotssf_profile_parse("two", two, strlen(two), &p, &err), IOTSSF_E_INPUT);
    assert_null(p);
    assert_non_null(strstr(err.message, "found a second document"));
    free(two);
    free(text);
}

static void test_reader_streams_a_fleet(void **state)
{
    (void)state;
    size_t size;
    char *one = read_file(source_path("examples/aircon.yaml"), &size);
    char *fleet = malloc(size * 3 + 16);
    snprintf(fleet, size * 3 + 16, "%s---\n%s---\n%s", one, one, one);
    const char *path = temp_file_with(fleet, ".yaml");
    iotssf_error err;
    iotssf_profile_reader *r = iotssf_profile_reader_open(path, &err);
    iotssf_profile *p;
    unsigned n = 0;
    while (iotssf_profile_reader_next(r, &p, &err) == IOTSSF_OK && p) {
        assert_int_equal(p->document, ++n);
        iotssf_profile_free(p);
    }
    assert_int_equal(n, 3);
    iotssf_profile_reader_close(r);
    remove(path);
    free(fleet);
    free(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netcam_identity_and_modes),
        cmocka_unit_test(test_defaults_and_derived_facts),
        cmocka_unit_test(test_every_example_loads),
        cmocka_unit_test(test_parse_from_memory_refuses_two_documents),
        cmocka_unit_test(test_reader_streams_a_fleet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
