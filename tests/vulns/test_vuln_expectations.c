/*
 * The shipped records (data/vulns) against tests/vulns/expectations.tsv:
 * one line per fact from a public advisory, "component<TAB>version<TAB>CVE
 * <TAB>yes|no" ('#' starts a comment), saying whether that CVE must be
 * reported for that version. Every line is checked and every failure is
 * listed, so a record and its expectations can be reviewed side by side.
 * $IOTSSF_VULN_EXPECTATIONS names another file (used before the shipped
 * one exists); with neither, the test is skipped.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "iotssf/vulns.h"
#include "util.h"

static bool reported(const iotssf_vulns *v, const char *cve)
{
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->items[i].id, cve) == 0)
            return true;
    return false;
}

/* Checks one line; returns false (after printing why) when it fails. */
static bool check_line(const iotssf_vulndb *db, const char *path, unsigned lineno, char *line)
{
    char *fields[5] = {0};
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(line, "\t", &save); tok && n < 5;
         tok = strtok_r(NULL, "\t", &save))
        fields[n++] = tok;
    if (n != 4 || (strcmp(fields[3], "yes") != 0 && strcmp(fields[3], "no") != 0)) {
        print_error("%s:%u: expected component<TAB>version<TAB>CVE<TAB>yes|no\n", path, lineno);
        return false;
    }
    if (!iotssf_vulndb_component_find(db, fields[0])) {
        print_error("%s:%u: no record names component '%s'\n", path, lineno, fields[0]);
        return false;
    }
    iotssf_vulns v;
    iotssf_vulns_init(&v);
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_lookup(db, fields[0], fields[1], &v, &err)) {
        print_error("%s:%u: lookup failed: %s\n", path, lineno, err.message);
        return false;
    }
    bool want = strcmp(fields[3], "yes") == 0, got = reported(&v, fields[2]);
    iotssf_vulns_free(&v);
    if (want != got)
        print_error("%s:%u: %s %s: %s %s, expected %s\n", path, lineno, fields[0], fields[1],
                    fields[2], got ? "reported" : "not reported", want ? "reported" : "not");
    return want == got;
}

static void test_expectations(void **state)
{
    (void)state;
    const char *path = getenv("IOTSSF_VULN_EXPECTATIONS");
    if (!path || !*path)
        path = source_path("tests/vulns/expectations.tsv");
    char *copy = strdup(path);
    if (access(copy, R_OK) != 0) {
        free(copy);
        skip();
    }
    const char *data = getenv("IOTSSF_DATA");
    iotssf_vulndb *db = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_open(data && *data ? data : source_path("data"), NULL, &db, &err))
        fail_msg("data/vulns: %s:%u: %s", err.file, err.line, err.message);
    size_t size;
    char *text = read_file(copy, &size);
    assert_non_null(text);
    unsigned lineno = 0, checked = 0, failed = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        checked++;
        failed += !check_line(db, copy, lineno, line);
    }
    free(text);
    iotssf_vulndb_close(db);
    if (failed || checked == 0)
        fail_msg("%s: %u of %u expectations failed", copy, failed, checked);
    free(copy);
}

int main(void)
{
    /* The shipped records alone: never the database of whoever runs the tests. */
    setenv("IOTSSF_VULNS_DB", "/nonexistent/iotssf-test/vulns.sqlite", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expectations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
