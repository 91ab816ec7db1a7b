/*
 * Assessment reports from the hand-made fixture (tests/report/
 * assessment_fixture.json: two use modes, findings from firmware and probe,
 * declared answers, two schemes, grades with gaps, stand-ins): the loader
 * accepts it and refuses broken, truncated and hostile documents with the
 * field's path; HTML, Markdown and JSON carry the content and escape what the
 * document says. SARIF and OSCAL have their own test files
 * (test_assessment_report_formats.c), the rendered page its Chromium test.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "iotssf/assessment_report.h"
#include "util.h"

#define FIXTURE "tests/report/assessment_fixture.json"

static json_t *fixture_json(void)
{
    json_error_t je;
    json_t *doc = json_load_file(source_path(FIXTURE), 0, &je);
    if (!doc)
        fail_msg("fixture: %s at %d:%d", je.text, je.line, je.column);
    return doc;
}

/* Parses a (modified) document; the status in *st, the error in *err. */
static iotssf_assessment *parse_json(const json_t *doc, iotssf_status *st, iotssf_error *err)
{
    char *text = json_dumps(doc, JSON_PRESERVE_ORDER);
    iotssf_assessment *a = NULL;
    iotssf_error_clear(err);
    *st = iotssf_assessment_parse("doc.json", text, strlen(text), &a, err);
    free(text);
    return a;
}

static char *render(const iotssf_assessment *a, iotssf_assessment_format f)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_assessment_render_options o = {source_path("data")};
    char data[4096];
    snprintf(data, sizeof data, "%s", o.data_dir);
    o.data_dir = data;
    iotssf_status st = iotssf_assessment_render(out, f, a, &o, &err);
    fclose(out);
    if (st)
        fail_msg("render %s failed: %s", iotssf_assessment_format_name(f), err.message);
    return buf;
}

static iotssf_assessment *load_fixture(void)
{
    iotssf_assessment *a = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_assessment_load(source_path(FIXTURE), &a, &err))
        fail_msg("fixture refused: %s", err.message);
    return a;
}

static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The text between the element with this id attribute and `end`. */
static char *element(const char *html, const char *id, const char *end)
{
    char attr[128];
    snprintf(attr, sizeof attr, "id=\"%s\"", id);
    const char *start = strstr(html, attr);
    assert_non_null(start);
    const char *stop = strstr(start, end);
    assert_non_null(stop);
    return strndup(start, (size_t)(stop - start));
}

static void test_formats_named(void **state)
{
    (void)state;
    static const char *const names[] = {"html", "md", "json", "sarif", "oscal"};
    for (size_t i = 0; i < 5; i++) {
        iotssf_assessment_format f;
        assert_int_equal(iotssf_assessment_format_parse(names[i], &f), 0);
        assert_string_equal(iotssf_assessment_format_name(f), names[i]);
    }
    iotssf_assessment_format f;
    assert_int_equal(iotssf_assessment_format_parse("pdf", &f), -1);
    assert_int_equal(iotssf_assessment_format_parse(NULL, &f), -1);
}

static void test_json_reemits_the_document(void **state)
{
    (void)state;
    iotssf_assessment *a = load_fixture();
    char *text = render(a, IOTSSF_ASSESSMENT_JSON);
    json_error_t je;
    json_t *back = json_loads(text, 0, &je), *orig = fixture_json();
    assert_non_null(back);
    /* The fixture spells "tier" twice in a mode, as the contract's example
     * does; the parsed document keeps the last (the conformity object). */
    assert_true(json_equal(back, orig));
    assert_string_equal(json_string_value(json_object_get(back, "schema")), "iotssf.assessment/1");
    assert_non_null(strstr(text, "\n  \"schema\""));  /* pretty */
    json_decref(back);
    json_decref(orig);
    free(text);
    iotssf_assessment_free(a);
}

static void test_html_has_everything(void **state)
{
    (void)state;
    iotssf_assessment *a = load_fixture();
    char *html = render(a, IOTSSF_ASSESSMENT_HTML);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    /* Header: device, firmware version and hash, date, grade badge. */
    assert_non_null(strstr(html, "<h1>Example Optics NetCam 200</h1>"));
    assert_non_null(strstr(html, "<dd>2.4.1</dd>"));
    assert_non_null(strstr(html, "<dd>9f2b6c1e4a7d0b3c5e8f1a2d4b6c8e0f1a3c5e7b9d0f2a4c6e8b1d3f5a7"
                                 "c9e0b</dd>"));
    assert_non_null(strstr(html, "<dd>2026-11-24T10:00:00Z</dd>"));
    assert_non_null(strstr(html, "id=\"grade\" class=\"badge g-none\">Grade<strong>None</strong>"));
    /* The map: one marker per use mode, inline, without the XML prologue. */
    char *map = element(html, "risk-map", "</section>");
    assert_non_null(strstr(map, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_int_equal(occurrences(map, "<circle"), 2);
    assert_non_null(strstr(map, "NC-200/hospital-ward"));
    assert_null(strstr(html, "<?xml"));
    assert_null(strstr(map, "not here or has changed")); /* the document's policy was found */
    free(map);
    /* Summary: per perspective with names, per stakeholder. */
    char *summary = element(html, "summary", "</section>");
    assert_non_null(strstr(summary, "1. Before operation (design, manufacture)"));
    assert_non_null(strstr(summary, "4. Society&#39;s institutions"));
    assert_non_null(strstr(summary, "<th>operator</th>"));
    assert_non_null(strstr(summary, "<th>regulator</th>"));
    assert_non_null(strstr(summary, "1 critical, 3 high"));
    assert_non_null(strstr(summary, "class=\"bar\""));
    free(summary);
    /* Per mode: placement, conformity, gaps, evidence, stand-ins. */
    char *home = element(html, "mode-1", "</section>");
    assert_non_null(strstr(home, "Category <b>II</b> Wide economic reach"));
    assert_non_null(strstr(home, "Failing: SSF-AUTH-01, SSF-SURF-01, SSF-VULN-03"));
    assert_non_null(strstr(home, "<b>en303645</b>"));
    assert_non_null(strstr(home, "<b>jcstar1</b>"));
    assert_non_null(strstr(home, "Not met: 5.1-1 (M) fail"));
    assert_non_null(strstr(home, "<h3>Grade: Bronze</h3>"));
    assert_non_null(strstr(home, "and <b>Silver</b>"));
    assert_non_null(strstr(home, "silver: no critical or high finding remains"));
    assert_non_null(strstr(home, "<code>etc/init.d/rcS:14 in squashfs@0x120200</code>"));
    assert_non_null(strstr(home, "<code>127.0.0.1:23/tcp</code>"));
    assert_non_null(strstr(home, "telnetd -p 23 -l /bin/login &amp;"));
    assert_non_null(strstr(home, "<b>Declared, not verified:</b> Q-SSF-VULN-01"));
    assert_non_null(strstr(home, "<a href=\"https://example.com/security/disclosure\""));
    assert_non_null(strstr(home, "<cite>NetCam 200 maintenance manual, section 7 &quot;Updates"
                                 "&quot;</cite>"));
    assert_non_null(strstr(home, "Stand-ins meanwhile:"));
    assert_non_null(strstr(home, "Set a unique root password"));
    assert_non_null(strstr(home, "Perspective 3: Operators, service providers and users"));
    free(home);
    char *ward = element(html, "mode-2", "</section>");
    assert_non_null(strstr(ward, "Category <b>IV</b> Severe and wide"));
    assert_non_null(
        strstr(ward, "Not applicable: the device does not have &#39;cloud_service&#39;"));
    assert_non_null(strstr(ward, "<h3>Grade: None</h3>"));
    free(ward);
    /* Print-friendly and self-contained. */
    assert_non_null(strstr(html, "@media print"));
    assert_non_null(strstr(html, "page-break-before:always"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src=\""));
    free(html);
    iotssf_assessment_free(a);
}

static void test_markdown_has_everything(void **state)
{
    (void)state;
    iotssf_assessment *a = load_fixture();
    char *md = render(a, IOTSSF_ASSESSMENT_MD);
    assert_true(strncmp(md, "# IoT-SSF assessment: Example Optics NetCam 200\n", 48) == 0);
    assert_non_null(strstr(md, "**Grade: None**"));
    assert_non_null(strstr(md, "| Home monitoring (pets, front door) | 2 Recoverable with effort "
                               "| 3 Major | II Wide economic reach | T2 | Bronze |"));
    assert_non_null(strstr(md, "| 1. Before operation (design, manufacture) |"));
    assert_non_null(strstr(md, "## Use mode 2: Patient observation on a hospital ward"));
    assert_non_null(strstr(md, "### Scheme conformity"));
    assert_non_null(strstr(md, "Gaps to Silver"));
    assert_non_null(strstr(md, "| 1 | SSF-AUTH-01 | fail | 0.90 | 2 |"));
    assert_non_null(strstr(md, "- **SSF-VULN-01** pass (declared, not verified)"));
    assert_non_null(strstr(md, "at `etc/init.d/rcS:14 in squashfs@0x120200`"));
    assert_non_null(strstr(md, "at `127.0.0.1:23/tcp`"));
    assert_non_null(strstr(md, "  - stand-in: SSF-OPS-01"));
    assert_non_null(strstr(md, "operator (0 pass, 0 fail, 0 n/a, 1 no evidence)"));
    free(md);
    iotssf_assessment_free(a);
}

/* Words from the document go everywhere; none may become markup. */
static void test_hostile_words_are_escaped(void **state)
{
    (void)state;
    const char *evil = "<script>alert(1)</script>\"'&|*[x](javascript:y)\n# h";
    json_t *doc = fixture_json();
    json_t *dev = json_object_get(doc, "device");
    json_object_set_new(dev, "model", json_string(evil));
    json_object_set_new(dev, "id", json_string(evil));
    json_t *mode = json_array_get(json_object_get(doc, "modes"), 0);
    json_object_set_new(mode, "name", json_string(evil));
    json_object_set_new(json_object_get(json_object_get(mode, "summary"), "by_stakeholder"), evil,
                        json_pack("{s:i}", "pass", 1));
    json_t *f = json_array_get(json_object_get(doc, "findings"), 0);
    json_object_set_new(f, "evidence", json_string(evil));
    json_object_set_new(f, "path", json_string("a`b<c>"));
    json_t *ans = json_array_get(json_object_get(doc, "answers"), 0);
    json_object_set_new(ans, "document", json_string("javascript:alert(1)"));
    iotssf_status st;
    iotssf_error err;
    iotssf_assessment *a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_OK);
    char *html = render(a, IOTSSF_ASSESSMENT_HTML);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "href=\"javascript"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    assert_non_null(strstr(html, "<cite>javascript:alert(1)</cite>"));
    char *md = render(a, IOTSSF_ASSESSMENT_MD);
    assert_null(strstr(md, "<script"));
    assert_non_null(strstr(md, "\\[x\\](javascript:y)")); /* no link: brackets escaped */
    assert_null(strstr(md, "\n# h"));
    assert_non_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;\\|\\*\\[x\\]"));
    for (int fmt = IOTSSF_ASSESSMENT_JSON; fmt <= IOTSSF_ASSESSMENT_OSCAL; fmt++) {
        char *text = render(a, (iotssf_assessment_format)fmt);
        json_error_t je;
        json_t *back = json_loads(text, 0, &je);
        if (!back)
            fail_msg("%s is not JSON: %s", iotssf_assessment_format_name(fmt), je.text);
        json_decref(back);
        free(text);
    }
    free(html);
    free(md);
    iotssf_assessment_free(a);
    json_decref(doc);
}

/* Each edit breaks the fixture in one way; the error must name the field. */
typedef struct breakage {
    const char *path, *key; /* "modes.0.verdicts.1" style; key to set */
    const char *value;      /* JSON; NULL deletes the key */
    const char *message;    /* expected in the error */
} breakage;

static json_t *walk(json_t *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *at = doc;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part && at;
         part = strtok_r(NULL, ".", &save))
        at = json_is_array(at) ? json_array_get(at, (size_t)atoi(part)) : json_object_get(at, part);
    return at;
}

static void test_broken_documents_are_refused(void **state)
{
    (void)state;
    static const breakage cases[] = {
        {"", "schema", "\"iotssf.assessment/2\"", "schema: 'iotssf.assessment/2' is not"},
        {"", "schema", NULL, "schema: missing"},
        {"", "modes", "[]", "modes: empty"},
        {"", "modes", NULL, "modes: missing; expected an array"},
        {"", "device", "\"NC-200\"", "device: expected an object"},
        {"device", "id", "42", "device.id: expected a string"},
        {"modes.1.verdicts.2", "verdict", "\"maybe\"",
         "modes[1].verdicts[2].verdict: 'maybe' is not one of pass, fail, not-applicable, "
         "no-evidence"},
        {"modes.0.verdicts.0", "findings", "[\"F9\"]",
         "modes[0].verdicts[0].findings[0]: 'F9' names no finding"},
        {"modes.0.verdicts.2", "answers", "[\"Q-NONE\"]",
         "modes[0].verdicts[2].answers[0]: 'Q-NONE' names no answer"},
        {"modes.0.axis1", "level", "0", "modes[0].axis1.level: 0 is outside 1 to 9"},
        {"modes.0.verdicts.0", "perspective", "5", "perspective: 5 is outside 1 to 4"},
        {"findings.1", "id", "\"F1\"", "findings[1].id: 'F1' is used by an earlier finding"},
        {"findings.0", "severity", "\"severe\"", "findings[0].severity: 'severe' is not one of"},
        {"findings.3", "port", "70000", "findings[3].port: 70000 is outside 0 to 65535"},
        {"modes.0", "tier", NULL, "modes[0].tier: missing"},
        {"modes.0.grade", "grade", "\"platinum\"", "modes[0].grade.grade: 'platinum'"},
        {"modes.0.summary.by_perspective", "1", "[]", "by_perspective.1: expected counts"},
        {"modes.0.verdicts.0.stand_ins.0", "requirement", "null",
         "stand_ins[0].requirement: missing"},
        {"evidence.probe.services.0", "host", "[1]", "services[0].host: expected a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const breakage *b = &cases[i];
        json_t *doc = fixture_json();
        json_t *at = *b->path ? walk(doc, b->path) : doc;
        assert_non_null(at);
        if (b->value)
            json_object_set_new(at, b->key, json_loads(b->value, JSON_DECODE_ANY, NULL));
        else
            json_object_del(at, b->key);
        iotssf_status st;
        iotssf_error err;
        iotssf_assessment *a = parse_json(doc, &st, &err);
        if (st != IOTSSF_E_INPUT || a)
            fail_msg("case %zu (%s.%s) was accepted", i, b->path, b->key);
        if (!strstr(err.message, b->message))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, b->message);
        assert_string_equal(err.file, "doc.json");
        json_decref(doc);
    }
}

static void test_not_json_and_truncated(void **state)
{
    (void)state;
    iotssf_assessment *a = (iotssf_assessment *)1;
    iotssf_error err;
    assert_int_equal(iotssf_assessment_parse("x.json", "{\n  \"schema\": ,\n}", 17, &a, &err),
                     IOTSSF_E_INPUT);
    assert_null(a);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "not JSON"));
    assert_int_equal(iotssf_assessment_parse("x.json", "[1,2]", 5, &a, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "expected an object"));
    assert_int_equal(iotssf_assessment_parse("x.json", "", 0, &a, &err), IOTSSF_E_INPUT);
    /* Every cut of the fixture is refused cleanly. */
    size_t size;
    char *text = read_file(source_path(FIXTURE), &size);
    assert_non_null(text);
    for (size_t cut = 0; cut + 2 < size; cut += 97) {
        a = NULL;
        assert_int_equal(iotssf_assessment_parse("cut.json", text, cut, &a, &err),
                         IOTSSF_E_INPUT);
        assert_null(a);
    }
    /* A NUL inside is not JSON either. */
    text[40] = '\0';
    assert_int_equal(iotssf_assessment_parse("nul.json", text, size, &a, &err), IOTSSF_E_INPUT);
    free(text);
    assert_int_equal(iotssf_assessment_parse("big.json", "{}", IOTSSF_ASSESSMENT_MAX_BYTES + 1u,
                                             &a, &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "at most"));
    assert_int_equal(iotssf_assessment_load("/nonexistent/a.json", &a, &err), IOTSSF_E_IO);
    assert_string_equal(err.file, "/nonexistent/a.json");
    assert_non_null(strstr(err.message, "No such file"));
    /* A device where a file was expected would never end: refused unread. */
    assert_int_equal(iotssf_assessment_load("/dev/zero", &a, &err), IOTSSF_E_IO);
    assert_non_null(strstr(err.message, "not a regular file"));
}

/* A missing policy file draws with the default one and says so; a mode off
 * the plane leaves a note instead of the map; either way the page renders. */
static void test_map_fallbacks(void **state)
{
    (void)state;
    json_t *doc = fixture_json();
    json_object_set_new(json_object_get(doc, "policy"), "file",
                        json_string("/nonexistent/policy.yaml"));
    iotssf_status st;
    iotssf_error err;
    iotssf_assessment *a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_OK);
    char *html = render(a, IOTSSF_ASSESSMENT_HTML);
    char *map = element(html, "risk-map", "</section>");
    assert_int_equal(occurrences(map, "<circle"), 2);
    assert_non_null(strstr(map, "/nonexistent/policy.yaml is not here or has changed"));
    free(map);
    free(html);
    iotssf_assessment_free(a);
    /* A device named as the policy is never read (it would not end). */
    json_object_set_new(json_object_get(doc, "policy"), "file", json_string("/dev/zero"));
    json_object_set_new(json_object_get(doc, "policy"), "sha256", json_string("00"));
    a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_OK);
    html = render(a, IOTSSF_ASSESSMENT_HTML);
    assert_non_null(strstr(html, "/dev/zero is not here or has changed"));
    free(html);
    iotssf_assessment_free(a);
    json_object_set_new(json_object_get(json_array_get(json_object_get(doc, "modes"), 1), "axis2"),
                        "level", json_integer(7));
    a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_OK);
    html = render(a, IOTSSF_ASSESSMENT_HTML);
    map = element(html, "risk-map", "</section>");
    assert_null(strstr(map, "<svg"));
    assert_non_null(strstr(map, "The risk map could not be drawn:"));
    assert_non_null(strstr(html, "id=\"mode-2\""));
    free(map);
    free(html);
    iotssf_assessment_free(a);
    json_decref(doc);
}

/* `iotssf assess` writes the tier conformity as "tier_conformity" beside the
 * tier id; the contract's example as a second "tier". Both read the same. */
static void test_tier_conformity_spellings(void **state)
{
    (void)state;
    json_t *doc = fixture_json();
    json_t *mode = json_array_get(json_object_get(doc, "modes"), 0);
    json_object_set(mode, "tier_conformity", json_object_get(mode, "tier"));
    json_object_set_new(mode, "tier", json_string("T2"));
    iotssf_status st;
    iotssf_error err;
    iotssf_assessment *a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_OK);
    char *html = render(a, IOTSSF_ASSESSMENT_HTML);
    char *home = element(html, "mode-1", "</section>");
    assert_non_null(strstr(home, "<h3>Tier T2</h3>"));
    assert_non_null(strstr(home, "Failing: SSF-AUTH-01, SSF-SURF-01, SSF-VULN-03"));
    free(home);
    free(html);
    iotssf_assessment_free(a);
    /* Neither a tier id nor a conformity object: refused. */
    json_object_set_new(mode, "tier", json_integer(2));
    a = parse_json(doc, &st, &err);
    assert_int_equal(st, IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "modes[0].tier: missing; expected the tier id"));
    json_decref(doc);
}

static void test_write_failure_is_an_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    iotssf_assessment *a = load_fixture();
    for (int fmt = IOTSSF_ASSESSMENT_HTML; fmt <= IOTSSF_ASSESSMENT_OSCAL; fmt++) {
        iotssf_error err;
        iotssf_error_clear(&err);
        assert_int_equal(iotssf_assessment_render(full, (iotssf_assessment_format)fmt, a, NULL,
                                                  &err),
                         IOTSSF_E_IO);
        clearerr(full);
    }
    fclose(full);
    iotssf_assessment_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_named),
        cmocka_unit_test(test_json_reemits_the_document),
        cmocka_unit_test(test_html_has_everything),
        cmocka_unit_test(test_markdown_has_everything),
        cmocka_unit_test(test_hostile_words_are_escaped),
        cmocka_unit_test(test_broken_documents_are_refused),
        cmocka_unit_test(test_not_json_and_truncated),
        cmocka_unit_test(test_map_fallbacks),
        cmocka_unit_test(test_tier_conformity_spellings),
        cmocka_unit_test(test_write_failure_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
