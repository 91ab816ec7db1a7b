/*
 * Components and known vulnerabilities in the firmware report
 * (lib/report/firmware_report.c): the text sections a person reads and the
 * "components"/"vulns" arrays of the iotssf.firmware/1 JSON, from the
 * hand-filled result of sbom_fixture_util.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "iotssf/iotssf.h"
#include "sbom_fixture_util.h"
#include "util.h"

static iotssf_status write_text(FILE *out, const iotssf_fw_result *r, iotssf_error *err)
{
    return iotssf_firmware_report(out, IOTSSF_FORMAT_TEXT, r, err);
}

static iotssf_status write_json(FILE *out, const iotssf_fw_result *r, iotssf_error *err)
{
    return iotssf_firmware_report(out, IOTSSF_FORMAT_JSON, r, err);
}

static char *render(sbom_writer write, const iotssf_fw_result *r)
{
    char *path = sbom_write_temp(write, r);
    assert_non_null(path);
    char *text = read_file(path, NULL);
    assert_non_null(text);
    unlink(path);
    free(path);
    return text;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("missing '%s' in:\n%s", needle, text);
}

static void test_text_sections(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    char *text = render(write_text, &r);
    assert_has(text, "components: 6 identified\n");
    assert_has(text,
               "  busybox          1.35.0                   high    squashfs@0x0:bin/busybox\n");
    assert_has(text, "  dnsmasq          2.77                     medium  "
                     "squashfs@0x0:usr/sbin/dnsmasq (+1 more)\n");
    assert_has(text, "                   note: opkg says 2.77-1, the binary says 2.77\n");
    assert_has(text,
               "  linux            version unknown          low     squashfs@0x0:lib/modules\n");
    assert_has(text, "  openssl          1.1.1 (partial)          medium  ");
    assert_has(text, "known vulnerabilities: 5 (1 critical, 2 high, 1 medium, 1 low)\n");
    /* Grouped per component, the component with the worst one first. */
    assert_has(text, "  dnsmasq 2.77\n"
                     "    CRITICAL CVE-2017-14491      9.8  fixed in 2.78\n"
                     "    MEDIUM   CVE-2021-0001         -  no fixed version known\n");
    assert_true(strstr(text, "  dnsmasq 2.77\n") < strstr(text, "  openssl 1.0.2k\n"));
    assert_has(text, "    HIGH     CVE-2022-28391      8.8  no fixed version known\n");
    assert_has(text, "  not checked (version unknown or partial): linux, openssl\n");
    assert_true(strstr(text, "known vulnerabilities") < strstr(text, "findings:"));
    free(text);
}

/* Many components and many vulnerabilities of one: the first screen stays
 * readable and says where the rest is. */
static void test_text_is_capped(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    enum { N = 50, V = 12 };
    iotssf_component many[N];
    iotssf_vuln vulns[V];
    char names[N][16], ids[V][24];
    for (size_t i = 0; i < N; i++) {
        many[i] = r.components.items[0];
        snprintf(names[i], sizeof names[i], "comp%02zu", i);
        many[i].id = names[i];
    }
    for (size_t i = 0; i < V; i++) {
        vulns[i] = r.vulns.items[0];
        snprintf(ids[i], sizeof ids[i], "CVE-2024-%04zu", i);
        vulns[i].id = ids[i];
    }
    r.components.items = many;
    r.components.count = N;
    r.vulns.items = vulns;
    r.vulns.count = V;
    char *text = render(write_text, &r);
    assert_has(text, "  comp39 ");
    assert_null(strstr(text, "  comp40 "));
    assert_has(text,
               "  ...              10 more (all of them: --format json or --sbom cyclonedx)\n");
    assert_has(text, "CVE-2024-0004");
    assert_null(strstr(text, "CVE-2024-0005"));
    assert_has(text, "    ...      7 more (all of them: --format json)\n");
    assert_null(strstr(text, "not checked"));
    free(text);
}

static void test_text_without_components(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    memset(&r.components, 0, sizeof r.components);
    memset(&r.vulns, 0, sizeof r.vulns);
    char *text = render(write_text, &r);
    assert_has(text, "components: 0 identified\n"
                     "known vulnerabilities: 0 (0 critical, 0 high, 0 medium, 0 low)\n");
    free(text);
}

/* A file name or version with terminal escapes (the trick of
 * CVE-2022-28391) must not reach the terminal as escapes. */
static void test_text_defuses_escapes(void **state)
{
    (void)state;
    iotssf_component_evidence ev = {"file-name", "squashfs@0x0", "bin/\x1b]0;pwned\x07x", 0,
                                    NULL};
    iotssf_component c = {.id = "busybox", .version = "1.0\x1b[2J", .note = "a\rb",
                          .evidence = &ev, .evidence_count = 1};
    iotssf_vuln v = {.id = "CVE-2099-\x1b[1m", .component = "busybox", .version = "1.0\x1b[2J",
                     .cvss_score = -1, .fixed = "\x1b[0m2.0", .severity = IOTSSF_SEV_LOW};
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    r.components = (iotssf_components){&c, 1, 1};
    r.vulns = (iotssf_vulns){&v, 1, 1};
    char *text = render(write_text, &r);
    assert_null(strchr(text, '\x1b'));
    assert_null(strchr(text, '\x07'));
    assert_null(strchr(text, '\r'));
    assert_has(text, "  busybox          1.0?[2J                  low     "
                     "squashfs@0x0:bin/?]0;pwned?x\n");
    assert_has(text, "note: a?b\n");
    assert_has(text, "  busybox 1.0?[2J\n"
                     "    LOW      CVE-2099-?[1m         -  fixed in ?[0m2.0\n");
    free(text);
}

static void test_json_arrays(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    char *text = render(write_json, &r);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("%s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(doc, "schema")), "iotssf.firmware/1");
    json_t *cs = json_object_get(doc, "components");
    assert_int_equal(json_array_size(cs), 6);
    json_t *dm = json_array_get(cs, 2);
    assert_string_equal(json_string_value(json_object_get(dm, "id")), "dnsmasq");
    assert_string_equal(json_string_value(json_object_get(dm, "version")), "2.77");
    assert_string_equal(json_string_value(json_object_get(dm, "confidence")), "medium");
    assert_string_equal(json_string_value(json_object_get(dm, "license")),
                        "GPL-2.0-only OR GPL-3.0-only");
    json_t *ev = json_array_get(json_object_get(dm, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "method")), "opkg-status");
    assert_int_equal(json_integer_value(json_object_get(ev, "offset")), 120);
    json_t *file = json_array_get(json_object_get(dm, "files"), 1);
    assert_string_equal(json_string_value(json_object_get(file, "path")),
                        "usr/lib/opkg/info/dnsmasq.control");
    assert_int_equal(json_integer_value(json_object_get(file, "size")), 310);
    json_t *lx = json_array_get(cs, 3);
    assert_null(json_object_get(lx, "version"));
    assert_true(json_is_false(json_object_get(lx, "version_partial")));
    json_t *os = json_array_get(cs, 5);
    assert_string_equal(json_string_value(json_object_get(os, "name")), FIXTURE_OPENSSL_NAME);
    assert_true(json_is_true(json_object_get(os, "version_partial")));
    json_t *os_evidence = json_array_get(json_object_get(os, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(os_evidence, "path")),
                        "opt/lib\xef\xbf\xbd/libssl.so");

    json_t *vs = json_object_get(doc, "vulns");
    assert_int_equal(json_array_size(vs), 5);
    json_t *v = json_array_get(vs, 0);
    assert_string_equal(json_string_value(json_object_get(v, "id")), "CVE-2017-14491");
    assert_string_equal(json_string_value(json_object_get(v, "severity")), "critical");
    assert_true(json_real_value(json_object_get(v, "cvss_score")) == 9.8);
    assert_string_equal(json_string_value(json_object_get(v, "fixed")), "2.78");
    assert_int_equal(json_array_size(json_object_get(v, "references")), 3);
    v = json_array_get(vs, 3);
    assert_null(json_object_get(v, "cvss_score"));
    assert_null(json_object_get(v, "fixed"));
    json_decref(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_sections),
        cmocka_unit_test(test_text_is_capped),
        cmocka_unit_test(test_text_without_components),
        cmocka_unit_test(test_text_defuses_escapes),
        cmocka_unit_test(test_json_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
