/*
 * The history store (lib/history): three assessments of one device across
 * firmware versions, made by editing the assessment fixture of tests/cert,
 * and the exact changes shown between them; repeated records; certificates;
 * a version 1 file brought forward; a writer killed mid-transaction; and
 * files that are not a history at all.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "history/history_internal.h"
#include "iotssf/cert.h"
#include "util.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char versions[3][128]; /* assessment files of firmware 2.4.1, 2.5.0, 2.6.0 */
} fixture;

static json_t *mode_of(json_t *doc, const char *id)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "modes"), i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "id")), id) == 0)
            return m;
    }
    fail_msg("no mode %s", id);
    return NULL;
}

static void set_verdict(json_t *doc, const char *mode, const char *requirement,
                        const char *verdict)
{
    json_t *verdicts = json_object_get(mode_of(doc, mode), "verdicts"), *v;
    size_t i;
    json_array_foreach(verdicts, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "requirement")), requirement) == 0) {
            json_object_set_new(v, "verdict", json_string(verdict));
            return;
        }
    }
    json_array_append_new(verdicts, json_pack("{s:s, s:s, s:s}", "requirement", requirement,
                                              "verdict", verdict, "basis", "verified"));
}

static void drop_finding(json_t *doc, const char *id)
{
    json_t *findings = json_object_get(doc, "findings"), *f;
    size_t i;
    json_array_foreach(findings, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "id")), id) == 0) {
            json_array_remove(findings, i);
            return;
        }
    }
    fail_msg("no finding %s", id);
}

static void set_version(json_t *doc, const char *version, const char *sha_digit,
                        const char *assessed_at, const char *grade, int pass, int fail,
                        int no_evidence)
{
    char sha[65];
    memset(sha, sha_digit[0], 64);
    sha[64] = '\0';
    json_object_set_new(json_object_get(doc, "device"), "firmware_version", json_string(version));
    json_object_set_new(json_object_get(json_object_get(doc, "evidence"), "firmware"), "sha256",
                        json_string(sha));
    json_object_set_new(doc, "assessed_at", json_string(assessed_at));
    json_object_set_new(doc, "grade", json_string(grade));
    json_t *totals = json_object_get(doc, "totals");
    json_object_set_new(totals, "pass", json_integer(pass));
    json_object_set_new(totals, "fail", json_integer(fail));
    json_object_set_new(totals, "no_evidence", json_integer(no_evidence));
}

static void save(json_t *doc, const char *path)
{
    assert_int_equal(json_dump_file(doc, path, JSON_INDENT(2)), 0);
}

/* 2.5.0 fixes the telnet shell and brings a weak SSH setting; 2.6.0 closes
 * the telnet port, adds cryptography evidence and a new requirement fails. */
static void make_versions(fixture *f)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    json_t *doc;
    assert_int_equal(iotssf_json_load_bounded(source_path("tests/cert/assessment.json"),
                                              IOTSSF_ASSESSMENT_MAX_BYTES, &doc, &err),
                     IOTSSF_OK);
    json_object_set_new(doc, "assessed_at", json_string("2026-01-10T09:00:00Z"));
    save(doc, f->versions[0]);
    set_version(doc, "2.5.0", "1", "2026-03-02T09:00:00Z", "bronze", 6, 1, 1);
    set_verdict(doc, "home", "SSF-AUTH-01", "pass");
    set_verdict(doc, "business", "SSF-AUTH-01", "pass");
    drop_finding(doc, "F1");
    json_array_append_new(json_object_get(doc, "findings"),
                          json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:n}", "id", "F4", "source",
                                    "firmware", "rule", "FW-SSH-WEAK-KEX", "severity", "medium",
                                    "path", "etc/dropbear/config", "line", 2, "host"));
    save(doc, f->versions[1]);
    set_version(doc, "2.6.0", "2", "2026-06-15T09:00:00Z", "silver", 8, 1, 0);
    set_verdict(doc, "business", "SSF-COMM-02", "pass");
    set_verdict(doc, "home", "SSF-CRYPTO-01", "pass");
    set_verdict(doc, "home", "SSF-VULN-01", "fail");
    drop_finding(doc, "F2");
    save(doc, f->versions[2]);
    json_decref(doc);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/iotssf-history-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/history.sqlite", f->dir);
    for (int i = 0; i < 3; i++)
        snprintf(f->versions[i], sizeof f->versions[i], "%s/assessment-%d.json", f->dir, i);
    make_versions(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static iotssf_history *open_ok(const char *path)
{
    iotssf_history *h = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_history_open(path, &h, &err))
        fail_msg("cannot open %s: %s", path, err.message);
    return h;
}

static iotssf_history_recorded record_ok(iotssf_history *h, const char *path, const char *cert)
{
    iotssf_history_recorded r;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_history_record_file(h, path, cert, &r, &err))
        fail_msg("cannot record %s: %s", path, err.message);
    return r;
}

static char *render(iotssf_history *h, const char *device, iotssf_format format)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history_timeline *t;
    if (iotssf_history_timeline_load(h, device, &t, &err))
        fail_msg("cannot load the timeline: %s", err.message);
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(iotssf_history_write_timeline(out, format, t, &err), IOTSSF_OK);
    fclose(out);
    iotssf_history_timeline_free(t);
    return text;
}

static const char expected_text[] =
    "NC-200  Example Optics NetCam 200  (3 assessments)\n"
    "\n"
    "2026-01-10T09:00:00Z  firmware 2.4.1  sha256 9f2b6c1e4a7d  grade none  pass 4 fail 3 n/a 1 "
    "no-evidence 1  findings 3\n"
    "  changes from 2.4.1 to 2.5.0:\n"
    "    verdict   SSF-AUTH-01 [business]: fail -> pass\n"
    "    verdict   SSF-AUTH-01 [home]: fail -> pass\n"
    "    appeared  FW-SSH-WEAK-KEX (medium) at etc/dropbear/config:2\n"
    "    gone      FW-BOOT-TELNETD-SHELL (critical) at etc/inittab:4\n"
    "2026-03-02T09:00:00Z  firmware 2.5.0  sha256 111111111111  grade bronze  pass 6 fail 1 n/a 1 "
    "no-evidence 1  findings 3\n"
    "  changes from 2.5.0 to 2.6.0:\n"
    "    verdict   SSF-COMM-02 [business]: fail -> pass\n"
    "    verdict   SSF-CRYPTO-01 [home]: no-evidence -> pass\n"
    "    verdict   SSF-VULN-01 [home]: (none) -> fail\n"
    "    gone      PROBE-TELNET-OPEN (high) at 192.0.2.10:23/tcp\n"
    "2026-06-15T09:00:00Z  firmware 2.6.0  sha256 222222222222  grade silver  pass 8 fail 1 n/a 1 "
    "no-evidence 0  findings 2\n";

static void test_three_versions(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    /* Recorded out of time order: the timeline is by assessment time. */
    int order[] = {2, 0, 1};
    for (int i = 0; i < 3; i++)
        assert_true(record_ok(h, f->versions[order[i]], NULL).added);
    char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
    assert_string_equal(text, expected_text);
    free(text);
    text = render(h, "NC-200", IOTSSF_FORMAT_JSON);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "schema")), "iotssf.history/1");
    assert_int_equal(json_array_size(json_object_get(doc, "assessments")), 3);
    json_t *second = json_array_get(json_object_get(doc, "changes"), 1);
    json_t *want = json_pack("[{s:s, s:s, s:s}]", "rule", "PROBE-TELNET-OPEN", "location",
                             "192.0.2.10:23/tcp", "severity", "high");
    assert_true(json_equal(json_object_get(second, "findings_disappeared"), want));
    assert_int_equal(json_array_size(json_object_get(second, "verdicts")), 3);
    json_decref(want);
    json_decref(doc);
    free(text);
    iotssf_history_close(h);
}

static void test_devices_and_unknown_device(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history_device_list list;
    assert_int_equal(iotssf_history_devices(h, &list, &err), IOTSSF_OK);
    assert_int_equal(list.count, 0);
    iotssf_history_device_list_free(&list);
    record_ok(h, f->versions[0], NULL);
    record_ok(h, f->versions[1], NULL);
    assert_int_equal(iotssf_history_devices(h, &list, &err), IOTSSF_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].id, "NC-200");
    assert_string_equal(list.items[0].model, "NetCam 200");
    assert_int_equal(list.items[0].assessments, 2);
    assert_string_equal(list.items[0].last_assessed_at, "2026-03-02T09:00:00Z");
    iotssf_history_device_list_free(&list);
    iotssf_history_timeline *t = (iotssf_history_timeline *)1;
    assert_int_equal(iotssf_history_timeline_load(h, "NC-999", &t, &err), IOTSSF_E_INPUT);
    assert_null(t);
    assert_non_null(strstr(err.message, "no device 'NC-999'"));
    iotssf_history_close(h);
}

/* Recording the same document again is a no-op, not an error. */
static void test_duplicate_is_idempotent(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    iotssf_history_recorded first = record_ok(h, f->versions[0], NULL);
    iotssf_history_recorded again = record_ok(h, f->versions[0], NULL);
    assert_true(first.added);
    assert_false(again.added);
    assert_int_equal(first.assessment_id, again.assessment_id);
    assert_string_equal(first.digest, again.digest);
    iotssf_history_close(h);
    h = open_ok(f->db);
    char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
    assert_non_null(strstr(text, "(1 assessment)"));
    free(text);
    iotssf_history_close(h);
}

static void test_certificates(void **state)
{
    fixture *f = *state;
    char key[160], cert_path[160];
    snprintf(key, sizeof key, "%s/lab.key", f->dir);
    snprintf(cert_path, sizeof cert_path, "%s/cert.json", f->dir);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *k;
    json_t *doc, *cert;
    assert_int_equal(iotssf_cert_keygen(key, NULL, &err), IOTSSF_OK);
    assert_int_equal(iotssf_cert_key_load_private(key, &k, &err), IOTSSF_OK);
    assert_int_equal(iotssf_json_load_bounded(f->versions[1], IOTSSF_ASSESSMENT_MAX_BYTES, &doc,
                                              &err),
                     IOTSSF_OK);
    assert_int_equal(iotssf_cert_issue(doc, "v2", k, NULL, &cert, &err), IOTSSF_OK);
    assert_int_equal(json_dump_file(cert, cert_path, JSON_INDENT(2)), 0);
    iotssf_history *h = open_ok(f->db);
    /* A certificate of another assessment is refused, and nothing is kept. */
    iotssf_history_recorded r;
    assert_int_equal(iotssf_history_record_file(h, f->versions[0], cert_path, &r, &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "another assessment"));
    r = record_ok(h, f->versions[1], cert_path);
    assert_true(r.added && r.certificate_added);
    r = record_ok(h, f->versions[1], cert_path);
    assert_false(r.added || r.certificate_added);
    char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
    assert_non_null(strstr(text, "(1 assessment)"));
    assert_non_null(strstr(text, "findings 3  certified\n"));
    free(text);
    iotssf_history_close(h);
    json_decref(cert);
    json_decref(doc);
    iotssf_cert_key_free(k);
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A file written by the first schema, with one record in its shape. */
static void test_migrate_from_v1(void **state)
{
    fixture *f = *state;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(history_create_at_version(f->db, 1, &err), IOTSSF_OK);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(user_version(db), 1);
    char *doc = read_file(f->versions[0], NULL);
    sqlite3_stmt *q;
    exec_sql(db, "INSERT INTO devices VALUES ('NC-200', 'Example Optics', 'NetCam 200', 'B')");
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO assessments VALUES (1, 'NC-200', '2.4.1',"
                                        " '9f2b', '2026-01-10T09:00:00Z', 'none', 'v1digest', ?1)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, doc, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    exec_sql(db, "INSERT INTO verdicts VALUES (1, 'home', 'SSF-AUTH-01', 'fail', 'verified');"
                 "INSERT INTO findings VALUES (1, 'F1', 'FW-BOOT-TELNETD-SHELL', 'critical',"
                 " 'etc/inittab:4')");
    sqlite3_close(db);
    free(doc);

    iotssf_history *h = open_ok(f->db);
    assert_int_equal(user_version(h->db), IOTSSF_HISTORY_SCHEMA_VERSION);
    record_ok(h, f->versions[1], NULL);
    char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
    /* The counts of the old record were filled in from its document. */
    assert_non_null(strstr(text, "grade none  pass 4 fail 3 n/a 1 no-evidence 1  findings 1\n"
                                 "  changes from 2.4.1 to 2.5.0:\n"
                                 "    verdict   SSF-AUTH-01 [business]: (none) -> pass\n"
                                 "    verdict   SSF-AUTH-01 [home]: fail -> pass\n"));
    free(text);
    iotssf_history_close(h);
}

static void die_at_step(void *ctx, int step)
{
    const int *plan = ctx; /* {step, how} */
    if (step != plan[0])
        return;
    if (plan[1])
        raise(SIGKILL);
    _exit(7);
}

static int integrity(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int ok = strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
    sqlite3_finalize(q);
    sqlite3_close(db);
    return ok;
}

/* A writer that dies between the statements of a record (by _exit and by
 * SIGKILL, at several points) loses that record only. */
static void test_crash_mid_record(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    record_ok(h, f->versions[0], NULL);
    iotssf_history_close(h);
    for (int step = 1; step <= 6; step++) {
        for (int how = 0; how < 2; how++) {
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                int plan[2] = {step, how};
                iotssf_history *child = NULL;
                iotssf_error err;
                if (iotssf_history_open(f->db, &child, &err))
                    _exit(3);
                history_set_step_hook(child, die_at_step, plan);
                iotssf_history_record(child, f->versions[1], NULL, &err);
                _exit(4); /* the hook should have ended us */
            }
            int status;
            assert_int_equal(waitpid(pid, &status, 0), pid);
            if (how)
                assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
            else
                assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 7);
            assert_true(integrity(f->db));
            h = open_ok(f->db);
            char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
            assert_non_null(strstr(text, "(1 assessment)\n\n2026-01-10T09:00:00Z  firmware "
                                         "2.4.1  sha256 9f2b6c1e4a7d  grade none  pass 4 fail 3"));
            free(text);
            iotssf_history_close(h);
        }
    }
    h = open_ok(f->db);
    assert_true(record_ok(h, f->versions[1], NULL).added);
    char *text = render(h, "NC-200", IOTSSF_FORMAT_TEXT);
    assert_non_null(strstr(text, "(2 assessments)"));
    free(text);
    iotssf_history_close(h);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
}

static void assert_refused(const char *path, const char *why)
{
    iotssf_history *h = (iotssf_history *)1;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_history_open(path, &h, &err), IOTSSF_E_INPUT);
    assert_null(h);
    if (!strstr(err.message, why))
        fail_msg("expected '%s' in '%s'", why, err.message);
}

static void test_not_a_history(void **state)
{
    fixture *f = *state;
    char garbage[8192];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(i * 7 + 3);
    write_bytes(f->db, garbage, sizeof garbage);
    assert_refused(f->db, "not a readable iotssf history");
    /* Another program's SQLite file, and one from a newer iotssf. */
    char other[160];
    snprintf(other, sizeof other, "%s/other.sqlite", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    exec_sql(db, "CREATE TABLE contacts (name TEXT)");
    sqlite3_close(db);
    assert_refused(other, "not an iotssf history");
    snprintf(other, sizeof other, "%s/newer.sqlite", f->dir);
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    exec_sql(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
    assert_refused(other, "newer than this iotssf reads");
}

/* A real history whose pages were overwritten: refused when opened or read,
 * never a crash or a silent partial answer. */
static void test_damaged_pages(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    for (int i = 0; i < 3; i++)
        record_ok(h, f->versions[i], NULL);
    iotssf_history_close(h);
    size_t len;
    char *bytes = read_file(f->db, &len);
    assert_true(len > 4 * 4096);
    for (size_t i = 4096; i < len; i++)
        bytes[i] = (char)(i * 13);
    write_bytes(f->db, bytes, len);
    free(bytes);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history_timeline *t = NULL;
    iotssf_status st = iotssf_history_open(f->db, &h, &err);
    if (!st) {
        st = iotssf_history_timeline_load(h, "NC-200", &t, &err);
        iotssf_history_close(h);
    }
    assert_int_equal(st, IOTSSF_E_INPUT);
    assert_null(t);
    assert_non_null(strstr(err.message, "not a readable iotssf history database"));
}

static void test_hostile_assessment(void **state)
{
    fixture *f = *state;
    iotssf_history *h = open_ok(f->db);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history_recorded r;
    const char *bad[] = {"{\"schema\": \"iotssf.assessment/1\"}",
                         "{\"schema\": \"iotssf.assessment/1\", \"device\": {\"id\": 5}}",
                         "{\"schema\": \"other\"}", "[1, 2]", "{\"schema\": ", NULL};
    char path[160];
    snprintf(path, sizeof path, "%s/bad.json", f->dir);
    for (int i = 0; bad[i]; i++) {
        write_bytes(path, bad[i], strlen(bad[i]));
        assert_int_equal(iotssf_history_record_file(h, path, NULL, &r, &err), IOTSSF_E_INPUT);
    }
    /* Verdicts and findings of the wrong shape are skipped, not fatal. */
    const char *odd = "{\"schema\": \"iotssf.assessment/1\", \"assessed_at\": \"2026-01-01\","
                      " \"device\": {\"id\": \"X\"}, \"modes\": [5, {\"verdicts\": [1]}],"
                      " \"findings\": [null, {\"rule\": \"R\", \"line\": \"x\"}]}";
    write_bytes(path, odd, strlen(odd));
    assert_int_equal(iotssf_history_record_file(h, path, NULL, &r, &err), IOTSSF_OK);
    char *text = render(h, "X", IOTSSF_FORMAT_TEXT);
    assert_non_null(strstr(text, "findings 1\n"));
    free(text);
    iotssf_history_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_three_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices_and_unknown_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_certificates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_mid_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_assessment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
