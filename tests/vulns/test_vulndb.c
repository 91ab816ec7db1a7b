/*
 * The shipped-record loader and the matcher, against the fixture records of
 * tests/vulns/fixtures/data (real advisories: dnsmasq, OpenSSL, OpenSSH,
 * U-Boot): which versions match, with what severity, bounds and order; what
 * partial versions give; and the file:line errors of malformed records.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/vulns.h"
#include "vulns_util.h"

static iotssf_vulndb *open_fixture(void)
{
    iotssf_vulndb *db = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_open(fixture_data_dir(), NULL, &db, &err))
        fail_msg("open: %s:%u: %s", err.file, err.line, err.message);
    assert_null(iotssf_vulndb_imported_path(db));
    return db;
}

static void test_dnsmasq(void **state)
{
    (void)state;
    iotssf_vulndb *db = open_fixture();
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.77"), "CVE-2017-14491 CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.78"), "CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.82"), "CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.83"), "");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.90"), "");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "dnsmasq", "2.77", "CVE-2017-14491", &v);
    assert_int_equal(x->severity, IOTSSF_SEV_CRITICAL);
    assert_true(x->cvss_score > 9.79 && x->cvss_score < 9.81);
    assert_string_equal(x->cvss_vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_null(x->introduced);
    assert_string_equal(x->fixed, "2.78");
    assert_string_equal(x->component, "dnsmasq");
    assert_string_equal(x->version, "2.77");
    assert_string_equal(x->source, "shipped");
    assert_int_equal(x->reference_count, 1);
    assert_string_equal(x->references[0],
                        "https://security.googleblog.com/2017/10/behind-masq-yet-more-dns-and-dhcp.html");
    assert_int_equal(v.items[1].severity, IOTSSF_SEV_HIGH);
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
}

static void test_openssl_ranges(void **state)
{
    (void)state;
    iotssf_vulndb *db = open_fixture();
    assert_string_equal(iotssf_vulndb_scheme(db, "openssl"), "openssl");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.0"), "CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1"), "CVE-2014-0160 CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1f"), "CVE-2014-0160 CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1g"), "CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1t"), "");
    /* Heartbleed's second range is a pre-release only. */
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2-beta1"), "CVE-2014-0160");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2-beta2"), "");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2"), "CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2g"), "CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2h"), "");
    assert_string_equal(lookup_ids(db, "openssl", "1.1.1w"), "");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "openssl", "1.0.2-beta1", "CVE-2014-0160", &v);
    assert_string_equal(x->introduced, "1.0.2-beta1");
    assert_string_equal(x->fixed, "1.0.2-beta2");
    /* Both vectors are given: the v3 one is used. */
    assert_true(x->cvss_score > 7.49 && x->cvss_score < 7.51);
    assert_int_equal(x->severity, IOTSSF_SEV_HIGH);
    iotssf_vulns_free(&v);
    x = lookup_one(db, "openssl", "1.0.2g", "CVE-2016-2105", &v);
    assert_string_equal(x->introduced, "1.0.2");
    assert_string_equal(x->fixed, "1.0.2h");
    /* No summary: the first line of the details. */
    assert_string_equal(x->summary,
                        "Integer overflow in the EVP_EncodeUpdate function in crypto/evp/encode.c.");
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
}

static void test_openssh_and_uboot(void **state)
{
    (void)state;
    iotssf_vulndb *db = open_fixture();
    assert_string_equal(lookup_ids(db, "openssh", "7.4p1"), "CVE-2023-38408");
    assert_string_equal(lookup_ids(db, "openssh", "9.3p1"), "CVE-2023-38408");
    assert_string_equal(lookup_ids(db, "openssh", "9.3p2"), "");
    assert_string_equal(lookup_ids(db, "openssh", "9.4p1"), "");
    /* last_affected is inclusive; the record's id is reported as its CVE alias. */
    assert_string_equal(lookup_ids(db, "u-boot", "2016.09"), "");
    assert_string_equal(lookup_ids(db, "u-boot", "2016.11-rc1"), "CVE-2022-30790");
    assert_string_equal(lookup_ids(db, "u-boot", "2022.07-rc5"), "CVE-2022-30790");
    assert_string_equal(lookup_ids(db, "u-boot", "2022.07"), "");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "u-boot", "2022.04", "CVE-2022-30790", &v);
    assert_string_equal(x->introduced, "2016.11-rc1");
    assert_null(x->fixed);
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
}

static void test_partial_and_unknown(void **state)
{
    (void)state;
    iotssf_vulndb *db = open_fixture();
    assert_string_equal(lookup_ids(db, "dnsmasq", "2"), "");
    assert_string_equal(lookup_ids(db, "dnsmasq", ""), "");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.x"), "");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.*"), "");
    assert_string_equal(lookup_ids(db, "no-such-thing", "1.0"), "");
    assert_null(iotssf_vulndb_component_find(db, "no-such-thing"));
    iotssf_vulndb_close(db);
}

static void test_components(void **state)
{
    (void)state;
    iotssf_vulndb *db = open_fixture();
    static const struct {
        const char *id, *scheme;
        size_t shipped;
        bool signature;
    } want[] = {{"busybox", "dotted", 0, true},   {"dnsmasq", "dotted", 2, true},
                {"openssh", "openssh", 1, true},  {"openssl", "openssl", 2, true},
                {"u-boot", "dotted", 1, false}};
    assert_int_equal(iotssf_vulndb_component_count(db), 5);
    for (size_t i = 0; i < 5; i++) {
        const iotssf_vulndb_component *c = iotssf_vulndb_component_at(db, i);
        assert_string_equal(c->id, want[i].id);
        assert_string_equal(c->scheme, want[i].scheme);
        assert_int_equal(c->shipped, want[i].shipped);
        assert_int_equal(c->imported, 0);
        assert_int_equal(c->has_signature, want[i].signature);
    }
    assert_null(iotssf_vulndb_component_at(db, 5));
    iotssf_vulndb_close(db);
}

/* A data folder holding one vulns file; returns the open error. */
static iotssf_error open_with(const char *name, const char *text, const char *second)
{
    char *dir = make_temp_dir();
    char rel[256];
    snprintf(rel, sizeof rel, "vulns/%s", name);
    write_text(dir, rel, text);
    if (second)
        write_text(dir, "vulns/z-second.json", second);
    iotssf_vulndb *db = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_vulndb_open(dir, NULL, &db, &err);
    assert_int_not_equal(st, IOTSSF_OK);
    assert_null(db);
    remove_tree(dir);
    free(dir);
    return err;
}

static void assert_error(const iotssf_error *err, const char *file_end, unsigned line,
                         const char *text)
{
    size_t flen = strlen(err->file), elen = strlen(file_end);
    if (flen < elen || strcmp(err->file + flen - elen, file_end) != 0 || err->line != line ||
        !strstr(err->message, text))
        fail_msg("got %s:%u: %s; expected ...%s:%u: ...%s...", err->file, err->line,
                 err->message, file_end, line, text);
    assert_int_equal(err->status, IOTSSF_E_INPUT);
}

#define RECORD_HEAD "{\n  \"id\": \"CVE-2099-0001\",\n"
#define PACKAGE "\"package\": {\"ecosystem\": \"upstream\", \"name\": \"dnsmasq\"}"

static void test_loader_errors(void **state)
{
    (void)state;
    iotssf_error e;
    e = open_with("a.json", RECORD_HEAD "  \"sumary\": \"typo\",\n  \"affected\": []\n}\n", NULL);
    assert_error(&e, "vulns/a.json", 3, "unknown key 'sumary' in record");
    e = open_with("a.json", RECORD_HEAD "  \"affected\": [{" PACKAGE ",\n"
                  "    \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"fixed\": \"1.0\"}]}]}]\n}\n",
                  NULL);
    assert_error(&e, "vulns/a.json", 4, "needs an 'introduced' event");
    e = open_with("a.json", RECORD_HEAD "  \"severity\": [{\"type\": \"CVSS_V3\",\n"
                  "    \"score\": \"CVSS:3.1/AV:N/AC:L\"}],\n  \"affected\": []\n}\n", NULL);
    assert_error(&e, "vulns/a.json", 4, "not a valid CVSS_V3 base vector");
    e = open_with("a.json", RECORD_HEAD "  \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\","
                  " \"name\": \"dnsmasq\"}, \"versions\": [\"2.89-1\"]}]\n}\n", NULL);
    assert_error(&e, "vulns/a.json", 3, "\"upstream\" ecosystem");
    e = open_with("a.json", RECORD_HEAD "  \"affected\": [{" PACKAGE ",\n"
                  "    \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\","
                  " \"fixed\": \"1\"}]}]}]\n}\n", NULL);
    assert_error(&e, "vulns/a.json", 4, "exactly one of");
    e = open_with("a.json", RECORD_HEAD "  \"affected\": [{" PACKAGE "}]\n}\n", NULL);
    assert_error(&e, "vulns/a.json", 3, "give 'ranges' or 'versions'");
    e = open_with("a.json", RECORD_HEAD "  \"affected\": [\n", NULL);
    assert_int_equal(e.status, IOTSSF_E_INPUT);
    assert_true(strstr(e.file, "vulns/a.json") != NULL);
    assert_true(e.line >= 3);
    e = open_with("a.json", "[\n  {\"summary\": \"no id\", \"affected\": []}\n]\n", NULL);
    assert_error(&e, "vulns/a.json", 2, "missing required key 'id'");
    e = open_with("a.json", "\"just a string\"\n", NULL);
    assert_error(&e, "vulns/a.json", 1, "expected a mapping");
    /* The same id in two files: the second is reported, naming the first. */
    const char *rec = RECORD_HEAD "  \"affected\": [{" PACKAGE ", \"versions\": [\"2.0\"]}]\n}\n";
    e = open_with("a.json", rec, rec);
    assert_error(&e, "vulns/z-second.json", 1, "already defined at");
    assert_true(strstr(e.message, "vulns/a.json:1") != NULL);
}

static void test_versions_list_and_array(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    copy_fixture_signatures(dir);
    write_text(dir, "vulns/list.json",
               "[{\"id\": \"CVE-2099-0002\", \"affected\": [{" PACKAGE ",\n"
               "  \"versions\": [\"2.50\", \"2.51\"]}]},\n"
               " {\"id\": \"GHSA-xxxx-yyyy-zzzz\", \"aliases\": [\"CVE-2099-0003\"],"
               "  \"database_specific\": {\"severity\": \"LOW\"},\n"
               "  \"affected\": [{" PACKAGE ", \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\":"
               " [{\"introduced\": \"2.51\"}, {\"last_affected\": \"2.52\"}]},"
               " {\"type\": \"GIT\", \"repo\": \"x\", \"events\": [{\"introduced\": \"0\"},"
               " {\"fixed\": \"abc\"}]}]}]},\n"
               " {\"id\": \"CVE-2099-0004\", \"withdrawn\": \"2099-01-01T00:00:00Z\","
               "  \"affected\": [{" PACKAGE ", \"versions\": [\"2.50\"]}]}]\n");
    iotssf_vulndb *db = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_vulndb_open(dir, NULL, &db, &err), IOTSSF_OK);
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.50"), "CVE-2099-0002");
    /* No CVSS: medium, unless the database says how bad. */
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.51"), "CVE-2099-0002 CVE-2099-0003");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.52"), "CVE-2099-0003");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.53"), "");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "dnsmasq", "2.52", "CVE-2099-0003", &v);
    assert_int_equal(x->severity, IOTSSF_SEV_LOW);
    assert_true(x->cvss_score < 0);
    assert_null(x->cvss_vector);
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    setenv("IOTSSF_VULNS_DB", "/nonexistent/iotssf-test/vulns.sqlite", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dnsmasq),
        cmocka_unit_test(test_openssl_ranges),
        cmocka_unit_test(test_openssh_and_uboot),
        cmocka_unit_test(test_partial_and_unknown),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_versions_list_and_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
