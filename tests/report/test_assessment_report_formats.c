/*
 * The assessment's machine-read reports, checked for the structure their
 * consumers rely on: SARIF 2.1.0 (what GitHub code scanning and other SARIF
 * readers need: version, $schema, one run with a named driver, every
 * result's ruleId among the rules and ruleIndex pointing at it, locations
 * shaped as physical or logical locations) and OSCAL 1.1.2 assessment
 * results (the model's required fields, valid UUIDs, every reference
 * resolved). Both are rendered from tests/report/assessment_fixture.json.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "iotssf/assessment_report.h"
#include "util.h"

static json_t *render_json(const char *fixture, iotssf_assessment_format f)
{
    iotssf_assessment *a = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_assessment_load(source_path(fixture), &a, &err))
        fail_msg("fixture refused: %s", err.message);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    assert_int_equal(iotssf_assessment_render(out, f, a, NULL, &err), IOTSSF_OK);
    fclose(out);
    json_error_t je;
    json_t *doc = json_loads(buf, 0, &je);
    if (!doc)
        fail_msg("%s output is not JSON: %s", iotssf_assessment_format_name(f), je.text);
    free(buf);
    iotssf_assessment_free(a);
    return doc;
}

static const char *str_at(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        fail_msg("'%s' missing or not a string", key);
    return s;
}

/* ---- SARIF ---- */

static void check_location(const json_t *loc)
{
    const json_t *phys = json_object_get(loc, "physicalLocation");
    const json_t *logical = json_object_get(loc, "logicalLocations");
    assert_true(phys || logical);
    if (phys) {
        str_at(json_object_get(phys, "artifactLocation"), "uri");
        const json_t *region = json_object_get(phys, "region");
        if (region)
            assert_true(json_integer_value(json_object_get(region, "startLine")) > 0 ||
                        json_integer_value(json_object_get(region, "byteOffset")) > 0);
    }
    if (logical) {
        assert_true(json_array_size(logical) > 0);
        str_at(json_array_get(logical, 0), "fullyQualifiedName");
    }
}

static void test_sarif_structure(void **state)
{
    (void)state;
    json_t *log = render_json("tests/report/assessment_fixture.json", IOTSSF_ASSESSMENT_SARIF);
    assert_string_equal(str_at(log, "version"), "2.1.0");
    assert_non_null(strstr(str_at(log, "$schema"), "sarif-2.1.0"));
    assert_int_equal(json_array_size(json_object_get(log, "runs")), 1);
    const json_t *run = json_array_get(json_object_get(log, "runs"), 0);
    const json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    assert_string_equal(str_at(driver, "name"), "iotssf");
    const json_t *rules = json_object_get(driver, "rules");
    const json_t *results = json_object_get(run, "results");
    /* Four findings, one result each; failed requirements: 4 in each mode. */
    size_t findings = 0, verdicts = 0, i, j;
    const json_t *r, *rule;
    json_array_foreach(results, i, r) {
        const char *id = str_at(r, "ruleId");
        json_int_t index = json_integer_value(json_object_get(r, "ruleIndex"));
        assert_true(index >= 0 && (size_t)index < json_array_size(rules));
        assert_string_equal(str_at(json_array_get(rules, (size_t)index), "id"), id);
        const char *level = str_at(r, "level");
        assert_true(strcmp(level, "error") == 0 || strcmp(level, "warning") == 0 ||
                    strcmp(level, "note") == 0);
        str_at(json_object_get(r, "message"), "text");
        const json_t *loc;
        json_array_foreach(json_object_get(r, "locations"), j, loc)
            check_location(loc);
        if (strncmp(id, "SSF-VERDICT/", 12) == 0) {
            verdicts++;
            assert_string_equal(str_at(json_object_get(r, "properties"), "requirement"), id + 12);
        } else {
            findings++;
            assert_true(json_array_size(json_object_get(json_object_get(r, "properties"),
                                                        "requirements")) > 0);
        }
    }
    assert_int_equal(findings, 4);
    assert_int_equal(verdicts, 8);
    /* Every rule is used, once in the list. */
    json_array_foreach(rules, i, rule) {
        str_at(json_object_get(rule, "shortDescription"), "text");
        for (j = 0; j < i; j++)
            assert_string_not_equal(str_at(json_array_get(rules, j), "id"), str_at(rule, "id"));
    }
    assert_int_equal(json_array_size(rules), 8);
    /* Exact mapping of one finding and one failed requirement. */
    const json_t *first = json_array_get(results, 0);
    assert_string_equal(str_at(first, "ruleId"), "FW-BOOT-TELNETD");
    assert_string_equal(str_at(first, "level"), "error");
    const json_t *phys = json_object_get(json_array_get(json_object_get(first, "locations"), 0),
                                         "physicalLocation");
    assert_string_equal(str_at(json_object_get(phys, "artifactLocation"), "uri"),
                        "squashfs@0x120200/etc/init.d/rcS");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(phys, "region"),
                                                        "startLine")), 14);
    const json_t *probe = json_array_get(results, 2);
    phys = json_object_get(json_array_get(json_object_get(probe, "locations"), 0),
                           "physicalLocation");
    assert_string_equal(str_at(json_object_get(phys, "artifactLocation"), "uri"),
                        "tcp://127.0.0.1:23");
    const json_t *life = json_array_get(results, 7);
    assert_string_equal(str_at(life, "ruleId"), "SSF-VERDICT/SSF-LIFE-01");
    assert_string_equal(str_at(life, "level"), "warning"); /* a recommendation */
    json_decref(log);
}

/* ---- OSCAL ---- */

/* Required fields of the OSCAL 1.1.2 assessment-results JSON model, from
 * NIST's model reference (pages.nist.gov/OSCAL-Reference/models/v1.1.2/
 * assessment-results/json-reference), for the parts iotssf writes:
 *   assessment-results: uuid, metadata, import-ap, results (1 or more)
 *   metadata: title, last-modified, version, oscal-version
 *   import-ap: href
 *   results[]: uuid, title, description, start, reviewed-controls
 *   reviewed-controls: control-selections (1 or more)
 *   control-selections[]: include-all or include-controls
 *   include-controls[]: control-id
 *   findings[]: uuid, title, description, target
 *   target: type (statement-id | objective-id), target-id, status
 *   status: state (satisfied | not-satisfied)
 *   related-observations[]: observation-uuid
 *   observations[]: uuid, description, methods (1 or more of EXAMINE,
 *                   INTERVIEW, TEST, UNKNOWN), collected
 *   back-matter resources[]: uuid; rlinks[]: href
 * Arrays, when present, are never empty. */
static void require(const json_t *obj, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        const json_t *v = json_object_get(obj, keys[i]);
        if (!v)
            fail_msg("required OSCAL field '%s' is missing", keys[i]);
        if (json_is_array(v) && json_array_size(v) == 0)
            fail_msg("OSCAL array '%s' is empty", keys[i]);
    }
}

static bool is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    }
    /* Version 5 (name-based, SHA-1), RFC 4122 variant. */
    return s[14] == '5' && strchr("89ab", s[19]);
}

/* Collects every "uuid" defined and checks each is valid and unique. */
static void collect_uuids(const json_t *v, json_t *seen)
{
    size_t i;
    const char *key;
    const json_t *x;
    if (json_is_array(v))
        json_array_foreach(v, i, x) collect_uuids(x, seen);
    if (!json_is_object(v))
        return;
    json_object_foreach((json_t *)v, key, x) {
        if (strcmp(key, "uuid") == 0) {
            const char *u = json_string_value(x);
            if (!is_uuid(u))
                fail_msg("'%s' is not a v5 UUID", u ? u : "(not a string)");
            if (json_object_get(seen, u))
                fail_msg("UUID %s is defined twice", u);
            json_object_set_new(seen, u, json_true());
        } else {
            collect_uuids(x, seen);
        }
    }
}

static const char *const k_root[] = {"uuid", "metadata", "import-ap", "results", NULL};
static const char *const k_metadata[] = {"title", "last-modified", "version", "oscal-version",
                                         NULL};
static const char *const k_result[] = {"uuid", "title", "description", "start",
                                       "reviewed-controls", NULL};
static const char *const k_finding[] = {"uuid", "title", "description", "target", NULL};
static const char *const k_target[] = {"type", "target-id", "status", NULL};
static const char *const k_observation[] = {"uuid", "description", "methods", "collected", NULL};

static void check_result(const json_t *r, size_t *satisfied, size_t *not_satisfied)
{
    require(r, k_result);
    const json_t *sel = json_object_get(json_object_get(r, "reviewed-controls"),
                                        "control-selections");
    assert_true(json_array_size(sel) > 0);
    json_t *controls = json_object(), *observed = json_object();
    size_t i, j;
    const json_t *x, *y;
    json_array_foreach(json_object_get(json_array_get(sel, 0), "include-controls"), i, x)
        json_object_set_new(controls, str_at(x, "control-id"), json_true());
    json_array_foreach(json_object_get(r, "observations"), i, x) {
        require(x, k_observation);
        json_array_foreach(json_object_get(x, "methods"), j, y)
            assert_non_null(strstr(" EXAMINE INTERVIEW TEST UNKNOWN ", json_string_value(y)));
        json_object_set_new(observed, str_at(x, "uuid"), json_true());
    }
    json_array_foreach(json_object_get(r, "findings"), i, x) {
        require(x, k_finding);
        const json_t *t = json_object_get(x, "target");
        require(t, k_target);
        assert_string_equal(str_at(t, "type"), "objective-id");
        /* Every finding targets a reviewed control. */
        assert_non_null(json_object_get(controls, str_at(t, "target-id")));
        const char *st = str_at(json_object_get(t, "status"), "state");
        if (strcmp(st, "satisfied") == 0)
            (*satisfied)++;
        else if (strcmp(st, "not-satisfied") == 0)
            (*not_satisfied)++;
        else
            fail_msg("state '%s'", st);
        const json_t *rel = json_object_get(x, "related-observations");
        if (rel)
            assert_true(json_array_size(rel) > 0);
        json_array_foreach(rel, j, y)
            assert_non_null(json_object_get(observed, str_at(y, "observation-uuid")));
    }
    json_decref(controls);
    json_decref(observed);
}

static void test_oscal_structure(void **state)
{
    (void)state;
    json_t *doc = render_json("tests/report/assessment_fixture.json", IOTSSF_ASSESSMENT_OSCAL);
    assert_int_equal(json_object_size(doc), 1);
    const json_t *ar = json_object_get(doc, "assessment-results");
    require(ar, k_root);
    const json_t *md = json_object_get(ar, "metadata");
    require(md, k_metadata);
    assert_string_equal(str_at(md, "oscal-version"), "1.1.2");
    assert_string_equal(str_at(md, "last-modified"), "2026-11-24T10:00:00Z");
    json_t *uuids = json_object();
    collect_uuids(doc, uuids);
    /* import-ap points at a back-matter resource of this document. */
    const char *href = str_at(json_object_get(ar, "import-ap"), "href");
    assert_int_equal(href[0], '#');
    const json_t *res = json_array_get(json_object_get(json_object_get(ar, "back-matter"),
                                                       "resources"), 0);
    assert_string_equal(str_at(res, "uuid"), href + 1);
    assert_non_null(json_object_get(uuids, href + 1));
    /* One result per use mode; n/a verdicts are not findings. */
    const json_t *results = json_object_get(ar, "results");
    assert_int_equal(json_array_size(results), 2);
    size_t sat[2] = {0}, unsat[2] = {0};
    for (size_t i = 0; i < 2; i++)
        check_result(json_array_get(results, i), &sat[i], &unsat[i]);
    assert_int_equal(sat[0], 3);
    assert_int_equal(unsat[0], 6);  /* 4 fail + 2 no evidence */
    assert_int_equal(sat[1], 3);
    assert_int_equal(unsat[1], 7);  /* 4 fail + 3 no evidence; the n/a one left out */
    assert_int_equal(json_array_size(json_object_get(json_array_get(results, 1), "findings")), 10);
    /* Evidence kinds become methods: 4 findings, 3 answers in the home mode. */
    const json_t *obs = json_object_get(json_array_get(results, 0), "observations");
    assert_int_equal(json_array_size(obs), 7);
    size_t i, tests = 0, examines = 0, interviews = 0;
    const json_t *o;
    json_array_foreach(obs, i, o) {
        const char *m = json_string_value(json_array_get(json_object_get(o, "methods"), 0));
        tests += strcmp(m, "TEST") == 0;
        examines += strcmp(m, "EXAMINE") == 0;
        interviews += strcmp(m, "INTERVIEW") == 0;
    }
    assert_int_equal(tests, 2);
    assert_int_equal(examines, 2);
    assert_int_equal(interviews, 3);
    json_decref(uuids);
    json_decref(doc);
}

/* Same document, same bytes: the UUIDs come from its content. */
static void test_oscal_is_deterministic(void **state)
{
    (void)state;
    json_t *a = render_json("tests/report/assessment_fixture.json", IOTSSF_ASSESSMENT_OSCAL);
    json_t *b = render_json("tests/report/assessment_fixture.json", IOTSSF_ASSESSMENT_OSCAL);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sarif_structure),
        cmocka_unit_test(test_oscal_structure),
        cmocka_unit_test(test_oscal_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
