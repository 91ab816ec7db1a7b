/*
 * The probe's safety rules that need no device: only named targets, ranges
 * refused beyond the limit unless lifted, never multicast or broadcast;
 * the --ports syntax; the shipped port table and its rules; option and
 * data errors reported as errors. No packet is sent by these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotssf/iotssf.h"
#include "iotssf/probe.h"
#include "probe/probe_internal.h"
#include "util.h"

static const char *data_dir(void)
{
    const char *env = getenv("IOTSSF_DATA");
    return env && *env ? env : IOTSSF_SOURCE_DIR "/data";
}

static iotssf_status add(iotssf_probe_targets *t, const char *spec, bool allow_range)
{
    iotssf_probe_options o = iotssf_probe_default_options();
    o.allow_range = allow_range;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_probe_targets_add(t, spec, &o, &err);
    if (st)
        assert_true(err.message[0] != '\0');
    return st;
}

static void test_single_targets(void **state)
{
    (void)state;
    iotssf_probe_targets t;
    iotssf_probe_targets_init(&t);
    assert_int_equal(add(&t, "127.0.0.1", false), IOTSSF_OK);
    assert_int_equal(add(&t, "::1", false), IOTSSF_OK);
    assert_int_equal(add(&t, "127.0.0.1", false), IOTSSF_OK); /* named twice, probed once */
    assert_int_equal(t.count, 2);
    assert_string_equal(t.addresses[1], "::1");
    assert_int_equal(add(&t, "224.0.0.251", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "239.255.255.250", false), IOTSSF_E_INPUT); /* SSDP's group */
    assert_int_equal(add(&t, "255.255.255.255", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "0.0.0.0", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "ff02::1", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "::", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "no-such-host.invalid", false), IOTSSF_E_INPUT);
    assert_int_equal(t.count, 2);
    iotssf_probe_targets_free(&t);
}

static void test_ranges(void **state)
{
    (void)state;
    iotssf_probe_targets t;
    iotssf_probe_targets_init(&t);
    /* A /30 is 4 addresses, the default limit: its 2 hosts. */
    assert_int_equal(add(&t, "192.0.2.8/30", false), IOTSSF_OK);
    assert_int_equal(t.count, 2);
    assert_string_equal(t.addresses[0], "192.0.2.9");
    assert_string_equal(t.addresses[1], "192.0.2.10");
    assert_string_equal(t.names[0], "192.0.2.8/30");
    assert_int_equal(add(&t, "192.0.2.0/29", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "10.0.0.0/8", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "0.0.0.0/0", true), IOTSSF_E_INPUT); /* even when lifted */
    assert_int_equal(add(&t, "10.0.0.0/15", true), IOTSSF_E_INPUT);
    assert_int_equal(t.count, 2);
    assert_int_equal(add(&t, "192.0.2.0/29", true), IOTSSF_OK);
    assert_int_equal(t.count, 2 + 6); /* .1 to .6 */
    assert_int_equal(add(&t, "2001:db8::/126", false), IOTSSF_OK);
    assert_int_equal(t.count, 12); /* IPv6 has no broadcast: all 4 */
    assert_int_equal(add(&t, "2001:db8::/125", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "192.0.2.1/33", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "192.0.2.1/", false), IOTSSF_E_INPUT);
    assert_int_equal(add(&t, "banana/30", false), IOTSSF_E_INPUT);
    iotssf_probe_targets_free(&t);
}

static void test_targets_file(void **state)
{
    (void)state;
    const char *path = temp_file_with("# devices of bench 3\n127.0.0.1   # camera\n\n::1, "
                                      "127.0.0.2\n",
                                      ".txt");
    iotssf_probe_options o = iotssf_probe_default_options();
    iotssf_probe_targets t;
    iotssf_probe_targets_init(&t);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_probe_targets_load(&t, path, &o, &err), IOTSSF_OK);
    assert_int_equal(t.count, 3);
    iotssf_probe_targets_free(&t);
    path = temp_file_with("127.0.0.1\n10.0.0.0/24\n", ".txt");
    assert_int_equal(iotssf_probe_targets_load(&t, path, &o, &err), IOTSSF_E_INPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "--allow-range"));
    iotssf_probe_targets_free(&t);
}

static void test_ports(void **state)
{
    (void)state;
    port_table table;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(port_table_load(&table, data_dir(), NULL, &err), IOTSSF_OK);
    port_list l;
    assert_int_equal(port_list_parse(&l, NULL, &table, &err), IOTSSF_OK);
    /* The IoT set: 25 TCP ports and 4 UDP ports. */
    static const uint16_t tcp[] = {21,   22,   23,   80,   81,    102,   443,   502,   554,
                                   1883, 2323, 5000, 5555, 7547,  8080,  8443,  8883,  9530,
                                   9673, 20000, 34567, 37215, 37777, 44818, 52869};
    static const uint16_t udp[] = {161, 1900, 5683, 47808};
    assert_int_equal(l.tcp_count, sizeof tcp / sizeof *tcp);
    assert_memory_equal(l.tcp, tcp, sizeof tcp);
    assert_int_equal(l.udp_count, 4);
    assert_memory_equal(l.udp, udp, sizeof udp);
    port_list_free(&l);
    assert_int_equal(port_list_parse(&l, "all", &table, &err), IOTSSF_OK);
    assert_int_equal(l.tcp_count, 65535);
    assert_int_equal(l.udp_count, 4);
    port_list_free(&l);
    assert_int_equal(port_list_parse(&l, "8000-8002,22,u:161,udp:162,t:22", &table, &err),
                     IOTSSF_OK);
    assert_int_equal(l.tcp_count, 4);
    assert_int_equal(l.udp_count, 2);
    port_list_free(&l);
    static const char *const bad[] = {"0", "65536", "80-79", "u:", "22,,23", "ssh", "1-2-3", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(port_list_parse(&l, bad[i], &table, &err), IOTSSF_E_INPUT);
        assert_null(l.tcp);
    }
    const port_info *mirai = port_table_find(&table, 2323, false);
    assert_non_null(mirai);
    assert_string_equal(mirai->rule, "PROBE-MIRAI-PORT-OPEN");
    port_table_free(&table);
}

static void test_shipped_rules_check(void **state)
{
    (void)state;
    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_catalog_load(data_dir(), &catalog, &err), IOTSSF_OK);
    assert_int_equal(iotssf_rules_load(data_dir(), catalog, &rules, &err), IOTSSF_OK);
    /* Every rule the ports table names exists. */
    port_table table;
    assert_int_equal(port_table_load(&table, data_dir(), rules, &err), IOTSSF_OK);
    port_table_free(&table);
    const iotssf_rule_def *r = iotssf_rules_find(rules, "PROBE-SHELL-WITHOUT-LOGIN");
    assert_non_null(r);
    assert_int_equal(r->severity, IOTSSF_SEV_CRITICAL);
    assert_string_equal(r->requirements[0], "SSF-SURF-01");
    /* A probe without rules is refused before any packet. */
    iotssf_probe_options o = iotssf_probe_default_options();
    o.data_dir = data_dir();
    iotssf_probe_targets t;
    iotssf_probe_targets_init(&t);
    iotssf_probe_result *res = (iotssf_probe_result *)1;
    assert_int_equal(iotssf_probe_run(&t, &o, &res, &err), IOTSSF_E_INTERNAL);
    assert_null(res);
    o.rules = rules;
    o.ports = "99999";
    assert_int_equal(iotssf_probe_run(&t, &o, &res, &err), IOTSSF_E_INPUT);
    o.ports = NULL;
    o.creds_path = "/nonexistent/creds.txt";
    assert_int_equal(iotssf_probe_run(&t, &o, &res, &err), IOTSSF_E_IO);
    o.creds_path = temp_file_with("root:xc3511\nbad line without colon\n", ".txt");
    assert_int_equal(iotssf_probe_run(&t, &o, &res, &err), IOTSSF_E_INPUT);
    assert_int_equal(err.line, 2);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
}

static void test_report_formats(void **state)
{
    (void)state;
    /* An empty result renders in all three formats, JSON with its schema. */
    iotssf_probe_result r;
    memset(&r, 0, sizeof r);
    iotssf_probe_host h = {.target = "cam", .address = "127.0.0.1", .complete = false,
                           .note = "stopped by the user; results are partial"};
    r.hosts = &h;
    r.host_count = 1;
    r.interrupted = true;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_probe_report(f, IOTSSF_FORMAT_JSON, &r, &err), IOTSSF_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\"schema\": \"iotssf.probe/1\""));
    assert_non_null(strstr(buf, "\"interrupted\": true"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(iotssf_probe_report(f, IOTSSF_FORMAT_TEXT, &r, &err), IOTSSF_OK);
    fclose(f);
    assert_non_null(strstr(buf, "INCOMPLETE: stopped by the user"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(iotssf_probe_report(f, IOTSSF_FORMAT_SARIF, &r, &err), IOTSSF_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\"version\": \"2.1.0\""));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(iotssf_probe_report(f, IOTSSF_FORMAT_MD, &r, &err), IOTSSF_E_INPUT);
    fclose(f);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_targets), cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_targets_file),   cmocka_unit_test(test_ports),
        cmocka_unit_test(test_shipped_rules_check), cmocka_unit_test(test_report_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
