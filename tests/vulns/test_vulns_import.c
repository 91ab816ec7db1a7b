/*
 * Importing into the user database: an OSV export as a folder and as a zip
 * (Debian and Alpine records mapped to component ids through the signature
 * files, other ecosystems and broken files counted), an NVD CVE API 2.0
 * feed (CPE ranges, CVSS, rejected CVEs), how imported records combine with
 * the shipped ones, and the atomic replacement: a failed or killed import
 * leaves the old database answering, and a foreign file is never replaced.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "iotssf/vulns.h"
#include "util.h"
#include "vulns_util.h"

typedef struct fixture {
    char *dir;     /* a temporary folder for databases */
    char db[4200];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = make_temp_dir();
    snprintf(f->db, sizeof f->db, "%s/vulns.sqlite", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static const char *osv_dir(void)
{
    return source_path("tests/vulns/fixtures/osv");
}

static const char *nvd_file(void)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s", source_path("tests/vulns/fixtures/nvd/nvdcve-2.0-sample.json"));
    return buf;
}

static iotssf_vuln_import_stats import_osv(const char *source, const char *db)
{
    iotssf_vuln_import_stats s;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_import_osv(fixture_data_dir(), source, db, &s, &err))
        fail_msg("import %s: %s:%u: %s", source, err.file, err.line, err.message);
    return s;
}

static iotssf_vuln_import_stats import_nvd(const char *db)
{
    iotssf_vuln_import_stats s;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_import_nvd(fixture_data_dir(), nvd_file(), db, &s, &err))
        fail_msg("import NVD: %s:%u: %s", err.file, err.line, err.message);
    return s;
}

static iotssf_vulndb *open_with_db(const char *db_path)
{
    iotssf_vulndb *db = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_open(fixture_data_dir(), db_path, &db, &err))
        fail_msg("open: %s:%u: %s", err.file, err.line, err.message);
    return db;
}

static bool ends_with(const char *s, const char *end)
{
    size_t a = strlen(s), b = strlen(end);
    return a >= b && strcmp(s + a - b, end) == 0;
}

static void check_osv_stats(const iotssf_vuln_import_stats *s)
{
    assert_int_equal(s->records, 4);   /* DSA-3989-1, two DEBIAN-CVE, one ALPINE-CVE */
    assert_int_equal(s->unmapped, 1);  /* sudo */
    assert_int_equal(s->other_ecosystem, 1); /* PyPI */
    assert_int_equal(s->malformed, 1); /* broken.json */
    assert_int_equal(s->skipped, 3);
}

/* What the OSV fixture adds to the shipped fixture records. */
static void check_osv_lookups(const char *db_path)
{
    iotssf_vulndb *db = open_with_db(db_path);
    assert_string_equal(iotssf_vulndb_imported_path(db), db_path);
    const iotssf_vulndb_component *c = iotssf_vulndb_component_find(db, "dnsmasq");
    assert_int_equal(c->imported, 2);
    assert_int_equal(c->shipped, 2);
    assert_int_equal(iotssf_vulndb_component_find(db, "busybox")->imported, 1);
    /* Upstream records know these CVEs: Debian's backport revisions do not
     * change what upstream 2.77 or 2.78 are. */
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.77"), "CVE-2017-14491 CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.83"), "");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "dnsmasq", "2.76", "CVE-2017-14491", &v);
    assert_string_equal(x->source, "shipped");
    assert_string_equal(x->fixed, "2.78");
    iotssf_vulns_free(&v);
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1t"), "");
    /* Nothing upstream knows CVE-2022-48174 here: Alpine's record speaks,
     * with its first-packaging revision read as the upstream fix. */
    x = lookup_one(db, "busybox", "1.34.1", "CVE-2022-48174", &v);
    assert_string_equal(x->fixed, "1.35.0");
    assert_true(ends_with(x->source, "tests/vulns/fixtures/osv") || ends_with(x->source, ".zip"));
    assert_int_equal(x->severity, IOTSSF_SEV_MEDIUM); /* no CVSS in the record */
    assert_int_equal(x->reference_count, 1);
    iotssf_vulns_free(&v);
    assert_string_equal(lookup_ids(db, "busybox", "1.35.0"), "");
    iotssf_vulndb_close(db);
}

static void test_osv_folder(void **state)
{
    fixture *f = *state;
    iotssf_vuln_import_stats s = import_osv(osv_dir(), f->db);
    check_osv_stats(&s);
    assert_int_equal(s.kept, 0);
    check_osv_lookups(f->db);
}

/* OSV's exports are zips; the zip tool makes ours. */
static void need_zip(void)
{
    if (system("command -v zip >/dev/null 2>&1") != 0)
        skip();
}

static void test_osv_zip(void **state)
{
    fixture *f = *state;
    need_zip();
    char zip[4300], cmd[9000];
    snprintf(zip, sizeof zip, "%s/all.zip", f->dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && zip -q -r '%s' . -x '.*'", osv_dir(), zip);
    assert_int_equal(system(cmd), 0);
    iotssf_vuln_import_stats s = import_osv(zip, f->db);
    check_osv_stats(&s);
    check_osv_lookups(f->db);
}

static void test_nvd(void **state)
{
    fixture *f = *state;
    iotssf_vuln_import_stats s = import_nvd(f->db);
    assert_int_equal(s.records, 4);   /* dnsmasq, openssh, openssl, busybox */
    assert_int_equal(s.unmapped, 1);  /* Windows */
    assert_int_equal(s.malformed, 1); /* rejected */
    iotssf_vulndb *db = open_with_db(f->db);
    /* NVD's "through 7.7" covers the portable 7.7p1. */
    assert_string_equal(lookup_ids(db, "openssh", "7.7p1"), "CVE-2023-38408 CVE-2018-15473");
    assert_string_equal(lookup_ids(db, "openssh", "7.8p1"), "CVE-2023-38408");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "openssh", "7.4p1", "CVE-2018-15473", &v);
    assert_int_equal(x->severity, IOTSSF_SEV_MEDIUM);
    assert_true(x->cvss_score > 5.29 && x->cvss_score < 5.31);
    assert_string_equal(x->cvss_vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N");
    assert_true(ends_with(x->source, "nvdcve-2.0-sample.json"));
    assert_true(strncmp(x->summary, "OpenSSH through 7.7 is prone", 28) == 0);
    iotssf_vulns_free(&v);
    /* The imported CVE-2017-14491 replaces the shipped one. */
    x = lookup_one(db, "dnsmasq", "2.77", "CVE-2017-14491", &v);
    assert_true(ends_with(x->source, "nvdcve-2.0-sample.json"));
    assert_null(x->fixed); /* versionEndIncluding: last affected, no fixed version */
    assert_int_equal(x->reference_count, 2);
    iotssf_vulns_free(&v);
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.78"), "CVE-2020-25681");
    /* Ranges and single versions of one CPE configuration. */
    assert_string_equal(lookup_ids(db, "openssl", "1.0.0"), "");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.1s"), "CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2-beta1"), "CVE-2014-0160 CVE-2016-2105");
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2g"), "CVE-2016-2105");
    /* The NVD record lists single 1.0.2 versions: it replaces the shipped
     * range, so a version it does not list is not reported. */
    assert_string_equal(lookup_ids(db, "openssl", "1.0.2b"), "");
    x = lookup_one(db, "busybox", "1.34.1", "CVE-2022-48174", &v);
    assert_int_equal(x->severity, IOTSSF_SEV_CRITICAL);
    assert_string_equal(x->fixed, "1.35.0");
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
}

static void test_imports_combine(void **state)
{
    fixture *f = *state;
    import_nvd(f->db);
    iotssf_vuln_import_stats s = import_osv(osv_dir(), f->db);
    assert_int_equal(s.kept, 4);
    iotssf_vulndb *db = open_with_db(f->db);
    assert_string_equal(lookup_ids(db, "busybox", "1.34.1"), "CVE-2022-48174");
    iotssf_vulns v;
    const iotssf_vuln *x = lookup_one(db, "busybox", "1.34.1", "CVE-2022-48174", &v);
    assert_true(ends_with(x->source, "nvdcve-2.0-sample.json")); /* upstream before distribution */
    iotssf_vulns_free(&v);
    assert_int_equal(iotssf_vulndb_component_find(db, "dnsmasq")->imported, 3);
    iotssf_vulndb_close(db);
    /* The same source again replaces its own records only. */
    s = import_nvd(f->db);
    assert_int_equal(s.kept, 4);
    assert_int_equal(s.records, 4);
}

static bool has_temporaries(const char *dir)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q 'tmp-'", dir);
    return system(cmd) == 0;
}

static void test_failed_import_keeps_old(void **state)
{
    fixture *f = *state;
    need_zip();
    import_nvd(f->db);
    /* A zip cut short: libarchive fails half-way through the entries. */
    char zip[4300], cut[4300], cmd[20000];
    snprintf(zip, sizeof zip, "%s/all.zip", f->dir);
    snprintf(cut, sizeof cut, "%s/cut.zip", f->dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && zip -q -r '%s' . -x '.*' && head -c 1500 '%s' > '%s'",
             osv_dir(), zip, zip, cut);
    assert_int_equal(system(cmd), 0);
    iotssf_vuln_import_stats s;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_not_equal(iotssf_vulndb_import_osv(fixture_data_dir(), cut, f->db, &s, &err),
                         IOTSSF_OK);
    assert_true(strstr(err.message, "zip") != NULL);
    assert_false(has_temporaries(f->dir));
    iotssf_vulndb *db = open_with_db(f->db);
    assert_string_equal(lookup_ids(db, "busybox", "1.34.1"), "CVE-2022-48174");
    assert_int_equal(iotssf_vulndb_component_find(db, "dnsmasq")->imported, 1);
    iotssf_vulndb_close(db);
}

/* Many records in one file, so the import is still running when killed. */
static void write_big_export(const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/big/export.json", dir);
    FILE *out;
    char sub[4300];
    snprintf(sub, sizeof sub, "%s/big", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_non_null(out = fopen(path, "w"));
    fputs("[\n", out);
    for (int i = 0; i < 20000; i++)
        fprintf(out, "%s{\"id\": \"CVE-2098-%05d\", \"affected\": [{\"package\": {\"ecosystem\":"
                     " \"upstream\", \"name\": \"dnsmasq\"}, \"versions\": [\"2.%d\"]}]}\n",
                i ? "," : "", i, i);
    fputs("]\n", out);
    assert_int_equal(fclose(out), 0);
}

static void test_killed_import_keeps_old(void **state)
{
    fixture *f = *state;
    import_nvd(f->db);
    write_big_export(f->dir);
    char big[4300], tmp[4400];
    snprintf(big, sizeof big, "%s/big", f->dir);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        iotssf_vuln_import_stats s;
        iotssf_error err;
        _exit(iotssf_vulndb_import_osv(fixture_data_dir(), big, f->db, &s, &err) ? 1 : 0);
    }
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", f->db, (long)child);
    struct stat sb;
    int status, waited = 0;
    struct timespec ms = {0, 1000000};
    while (stat(tmp, &sb) != 0 && waited++ < 20000 && waitpid(child, &status, WNOHANG) == 0)
        nanosleep(&ms, NULL);
    assert_int_equal(kill(child, SIGKILL), 0);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status)); /* killed, not finished */
    iotssf_vulndb *db = open_with_db(f->db);
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.50"), "CVE-2017-14491 CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "busybox", "1.34.1"), "CVE-2022-48174");
    iotssf_vulndb_close(db);
    /* The next import clears the dead one's temporary. */
    import_osv(osv_dir(), f->db);
    assert_false(has_temporaries(f->dir));
}

static void test_refuses_foreign_files(void **state)
{
    fixture *f = *state;
    write_text(f->dir, "vulns.sqlite", "my notes, not a database\n");
    iotssf_vuln_import_stats s;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_not_equal(iotssf_vulndb_import_nvd(fixture_data_dir(), nvd_file(), f->db, &s, &err),
                         IOTSSF_OK);
    assert_true(strstr(err.message, "not an iotssf vulnerability database") != NULL);
    size_t size;
    char *text = read_file(f->db, &size);
    assert_string_equal(text, "my notes, not a database\n");
    free(text);
    assert_false(has_temporaries(f->dir));
    /* A schema from a newer iotssf is refused when opening, not misread. */
    unlink(f->db);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(f->db, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    iotssf_vulndb *db = NULL;
    assert_int_not_equal(iotssf_vulndb_open(fixture_data_dir(), f->db, &db, &err), IOTSSF_OK);
    assert_null(db);
    assert_true(strstr(err.message, "newer") != NULL);
}

static void test_nvd_bad_input(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text, *message;
        unsigned line;
    } cases[] = {
        {"{\"format\": \"NVD_CVE\",\n \"vulnerabilities\": [\n", "not valid JSON", 3},
        {"{\"CVE_Items\": []}\n", "not an NVD CVE API 2.0 file", 1},
        {"{\"format\": \"OTHER\", \"vulnerabilities\": []}\n", "not an NVD CVE API 2.0 file", 1},
        {"[1, 2]\n", "not an NVD CVE API 2.0 file", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_text(f->dir, "feed.json", cases[i].text);
        char feed[4300];
        snprintf(feed, sizeof feed, "%s/feed.json", f->dir);
        iotssf_vuln_import_stats s;
        iotssf_error err;
        iotssf_error_clear(&err);
        assert_int_equal(iotssf_vulndb_import_nvd(fixture_data_dir(), feed, f->db, &s, &err),
                         IOTSSF_E_INPUT);
        if (!strstr(err.message, cases[i].message) || err.line != cases[i].line)
            fail_msg("case %zu: %u: %s", i, err.line, err.message);
    }
    /* Hostile but valid: wrong types everywhere are skipped, not trusted. */
    write_text(f->dir, "feed.json",
               "{\"vulnerabilities\": [1, {\"cve\": 2}, {\"cve\": {\"id\": \"CVE-2024-1234\","
               " \"configurations\": 5, \"metrics\": [], \"references\": {}}},"
               " {\"cve\": {\"id\": \"CVE-2024-1235\", \"configurations\": [{\"nodes\": [{\"cpeMatch\":"
               " [{\"vulnerable\": true, \"criteria\": \"cpe:2.3:a:thekelleys\"},"
               "  {\"vulnerable\": true, \"criteria\": \"cpe:2.3:a:thekelleys:dnsmasq:*:*:*:*:*:*:*:*\","
               "   \"versionStartExcluding\": \"2.80\", \"versionEndExcluding\": 7}]}]}]}}]}\n");
    char feed[4300];
    snprintf(feed, sizeof feed, "%s/feed.json", f->dir);
    iotssf_vuln_import_stats s;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_vulndb_import_nvd(fixture_data_dir(), feed, f->db, &s, &err), IOTSSF_OK);
    assert_int_equal(s.records, 1);
    assert_int_equal(s.malformed, 2);
    assert_int_equal(s.unmapped, 1);
    iotssf_vulndb *db = open_with_db(f->db);
    /* versionStartExcluding: after 2.80, not 2.80 itself; no end: all later. */
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.80"), "CVE-2020-25681");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.81"), "CVE-2020-25681 CVE-2024-1235");
    assert_string_equal(lookup_ids(db, "dnsmasq", "2.90"), "CVE-2024-1235");
    iotssf_vulndb_close(db);
}

int main(void)
{
    setenv("IOTSSF_VULNS_DB", "/nonexistent/iotssf-test/vulns.sqlite", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_osv_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osv_zip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nvd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_imports_combine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_import_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_import_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nvd_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
