/*
 * The risk map in every format, drawn with the shipped default policy: the
 * SVG is well-formed and self-contained, shows one marker per device x use
 * mode and one line per device with several modes, and escapes what profiles
 * say; the JSON parses and carries the points; the empty map still draws the
 * plane; bad formats, points off the plane and failed writes are errors.
 * Set IOTSSF_MAP_SVG=/some/file.svg to also write the example map there, to
 * look at it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "iotssf/report.h"
#include "util.h"

/* Two devices in two modes each, in different cells; three points that
 * share the cell (1,1); one device whose id needs escaping. Tiers and
 * categories are the default policy's for those cells. */
static const iotssf_map_point sample[] = {
    {"NC-200", "Example Optics NetCam 200", "home", "Home viewing", 2, 3, "T2", "II", false},
    {"NC-200", "Example Optics NetCam 200", "hospital-ward", "Hospital ward", 3, 3, "T3", "IV",
     false},
    {"BLR-9", "Example Heat Boiler 9", "home-monitoring", "Home monitoring", 1, 1, "T1", "I",
     false},
    {"BLR-9", "Example Heat Boiler 9", "apartment-plant", "Apartment plant room", 3, 2, "T3",
     "III", true},
    {"AC-1", "Example Air AC 1", "home-remote", "Remote control at home", 1, 1, "T1", "I", false},
    {"SH-4", "Example Shade Shutters 4", "smart-home", "Smart home", 1, 1, "T1", "I", false},
    {"X<&>\"Y", "Odd <Vendor> & \"Co\"", "m'1", "Mode <one>", 1, 2, "T1", "I", false},
};
enum { SAMPLE = sizeof sample / sizeof *sample, SAMPLE_LINES = 2 };

static int setup(void **state)
{
    iotssf_policy *p = NULL;
    iotssf_error err;
    if (iotssf_policy_load(source_path("data/policy/default.yaml"), &p, &err))
        return -1;
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    iotssf_policy_free(*state);
    return 0;
}

/* The rendered bytes, NUL-terminated; the status in *st. */
static char *render(const iotssf_policy *p, iotssf_format format, const iotssf_map_point *points,
                    size_t count, iotssf_status *st, iotssf_error *err)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    iotssf_error_clear(err);
    *st = iotssf_map_render(out, format, p, points, count, err);
    fclose(out);
    return buf;
}

static char *render_ok(const iotssf_policy *p, iotssf_format format,
                       const iotssf_map_point *points, size_t count)
{
    iotssf_status st;
    iotssf_error err;
    char *text = render(p, format, points, count, &st, &err);
    if (st)
        fail_msg("render failed: %s", err.message);
    return text;
}

static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *s = haystack; (s = strstr(s, needle)) != NULL; s += strlen(needle))
        n++;
    return n;
}

static size_t dashed_circles(const char *svg)
{
    size_t n = 0;
    for (const char *s = svg; (s = strstr(s, "<circle")) != NULL; s++) {
        const char *dash = strstr(s, "dasharray"), *end = strchr(s, '>');
        n += dash && dash < end;
    }
    return n;
}

/* Without xmllint: every tag closes in order and every & starts an entity. */
static void assert_balanced_xml(const char *xml)
{
    const char *open[64];
    size_t open_len[64], depth = 0;
    for (const char *s = xml; (s = strchr(s, '<')) != NULL; s++) {
        if (s[1] == '?' || s[1] == '!')
            continue;
        const char *name = s + 1 + (s[1] == '/');
        size_t len = strcspn(name, " \t\n/>");
        const char *end = strchr(s, '>');
        assert_non_null(end);
        if (s[1] == '/') {
            assert_true(depth > 0);
            depth--;
            assert_int_equal(len, open_len[depth]);
            assert_memory_equal(name, open[depth], len);
        } else if (end[-1] != '/') {
            assert_true(depth < 64);
            open[depth] = name;
            open_len[depth++] = len;
        }
    }
    assert_int_equal(depth, 0);
    for (const char *s = xml; (s = strchr(s, '&')) != NULL; s++)
        assert_true(strncmp(s, "&amp;", 5) == 0 || strncmp(s, "&lt;", 4) == 0 ||
                    strncmp(s, "&gt;", 4) == 0 || strncmp(s, "&quot;", 6) == 0 ||
                    strncmp(s, "&#", 2) == 0);
}

static void assert_well_formed_xml(const char *xml)
{
    if (system("command -v xmllint >/dev/null 2>&1") != 0) {
        assert_balanced_xml(xml);
        return;
    }
    const char *path = temp_file_with(xml, ".svg");
    assert_non_null(path);
    char command[512];
    snprintf(command, sizeof command, "xmllint --noout '%s'", path);
    int rc = system(command);
    remove(path);
    assert_int_equal(rc, 0);
}

/* The only address an SVG may name is its own namespace: no fonts, styles,
 * scripts or images fetched from anywhere. */
static void assert_self_contained(const char *svg)
{
    const char *ns = "http://www.w3.org/2000/svg\"";
    for (const char *s = svg; (s = strstr(s, "http")) != NULL; s++)
        assert_memory_equal(s, ns, strlen(ns));
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, "@import"));
}

static void test_escaping_helpers(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    iotssf_json_string(out, "a\"b\\c\n\t\x01\x1f\x7f/é");
    fputc(' ', out);
    iotssf_json_string(out, NULL);
    fputc(' ', out);
    iotssf_xml_text(out, "<a href=\"x\">Tom & Jerry's</a>\x02");
    fclose(out);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f/é\" null "
                             "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
                             "\xEF\xBF\xBD");
    json_error_t jerr;
    json_t *s = json_loadb(buf, strchr(buf, ' ') - buf, JSON_DECODE_ANY, &jerr);
    assert_non_null(s);
    assert_string_equal(json_string_value(s), "a\"b\\c\n\t\x01\x1f\x7f/é");
    json_decref(s);
    free(buf);
}

static void test_svg_draws_points_lines_and_plane(void **state)
{
    char *svg = render_ok(*state, IOTSSF_FORMAT_SVG, sample, SAMPLE);
    assert_well_formed_xml(svg);
    assert_self_contained(svg);
    assert_int_equal(occurrences(svg, "<circle"), SAMPLE);
    assert_int_equal(occurrences(svg, "<polyline"), SAMPLE_LINES);
    assert_int_equal(dashed_circles(svg), 1); /* the overridden point, and only it */
    assert_non_null(strstr(svg, "IoT-SSF risk map \xE2\x80\x94 policy iotssf-default"));
    assert_non_null(strstr(svg, "Difficulty of recovery"));
    assert_non_null(strstr(svg, "Economic impact"));
    assert_non_null(strstr(svg, "Irrecoverable"));
    assert_non_null(strstr(svg, "NC-200/hospital-ward"));
    assert_non_null(strstr(svg, "Severe and wide")); /* category IV's label */
    assert_non_null(strstr(svg, "level overridden in the profile"));
    assert_non_null(strstr(svg, "X&lt;&amp;&gt;&quot;Y/m&#39;1"));
    assert_null(strstr(svg, "X<&"));
    assert_null(strstr(svg, "<Vendor>"));
    free(svg);
}

static void test_svg_size_follows_levels(void **state)
{
    char *svg = render_ok(*state, IOTSSF_FORMAT_SVG, sample, SAMPLE);
    int width = 0, height = 0;
    const char *svg_tag = strstr(svg, "<svg ");
    assert_non_null(svg_tag);
    assert_int_equal(sscanf(strstr(svg_tag, "width="), "width=\"%d\" height=\"%d\"", &width,
                            &height), 2);
    assert_in_range(width, 800, 1024);
    assert_in_range(height, 600, 800);
    free(svg);
}

/* A crowded cell stays readable: it folds what it cannot show into "+N more"
 * and clips long labels, keeping the full text in a <title>. */
static void test_svg_crowded_cell(void **state)
{
    enum { CROWD = 40 };
    iotssf_map_point crowd[CROWD];
    char ids[CROWD][64];
    for (int i = 0; i < CROWD; i++) {
        snprintf(ids[i], sizeof ids[i], "DEVICE-WITH-A-VERY-LONG-IDENTIFIER-%02d", i);
        crowd[i] = (iotssf_map_point){ids[i], "Vendor Model", "mode", "Mode", 4, 4, "T4", "IV",
                                      false};
    }
    char *svg = render_ok(*state, IOTSSF_FORMAT_SVG, crowd, CROWD);
    assert_well_formed_xml(svg);
    assert_in_range(occurrences(svg, "<circle"), 1, CROWD - 1);
    assert_non_null(strstr(svg, " more</text>"));
    assert_non_null(strstr(svg, "\xE2\x80\xA6</text>"));
    assert_non_null(strstr(svg, "<title>DEVICE-WITH-A-VERY-LONG-IDENTIFIER-00/mode: "));
    assert_non_null(strstr(svg, ", DEVICE-WITH-A-VERY-LONG-IDENTIFIER-39/mode</title>+"));
    free(svg);
}

static void test_json_points(void **state)
{
    char *text = render_ok(*state, IOTSSF_FORMAT_JSON, sample, SAMPLE);
    assert_int_equal(text[strlen(text) - 1], '\n');
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", jerr.line, jerr.text);
    assert_string_equal(json_string_value(json_object_get(doc, "schema")), "iotssf.map/1");
    assert_string_equal(json_string_value(json_object_get(doc, "policy")), "iotssf-default");
    json_t *axes = json_object_get(doc, "axes");
    assert_int_equal(json_array_size(axes), 2);
    json_t *axis1 = json_array_get(axes, 0);
    assert_int_equal(json_integer_value(json_object_get(axis1, "axis")), 1);
    assert_string_equal(json_string_value(json_object_get(axis1, "name")),
                        "Difficulty of recovery");
    json_t *levels = json_object_get(axis1, "levels");
    assert_int_equal(json_array_size(levels), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(levels, 3), "name")),
                        "Irrecoverable");
    json_t *points = json_object_get(doc, "points");
    assert_int_equal(json_array_size(points), SAMPLE);
    for (size_t i = 0; i < SAMPLE; i++) {
        json_t *pt = json_array_get(points, i);
        assert_string_equal(json_string_value(json_object_get(pt, "device")), sample[i].device_id);
        assert_string_equal(json_string_value(json_object_get(pt, "label")),
                            sample[i].device_label);
        assert_string_equal(json_string_value(json_object_get(pt, "use_mode")), sample[i].mode_id);
        assert_string_equal(json_string_value(json_object_get(pt, "use_mode_name")),
                            sample[i].mode_name);
        assert_int_equal(json_integer_value(json_object_get(pt, "axis1")), sample[i].axis1);
        assert_int_equal(json_integer_value(json_object_get(pt, "axis2")), sample[i].axis2);
        assert_string_equal(json_string_value(json_object_get(pt, "tier")), sample[i].tier);
        assert_string_equal(json_string_value(json_object_get(pt, "category")),
                            sample[i].category);
        assert_int_equal(json_is_true(json_object_get(pt, "overridden")), sample[i].overridden);
    }
    json_decref(doc);
    free(text);
}

static void test_text_grid_and_list(void **state)
{
    char *text = render_ok(*state, IOTSSF_FORMAT_TEXT, sample, SAMPLE);
    for (char *line = text, *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        assert_non_null(end);
        size_t columns = 0;
        for (char *c = line; c < end; c++)
            columns += ((unsigned char)*c & 0xC0) != 0x80;
        assert_in_range(columns, 0, 100);
    }
    /* Row of axis-1 level 1: (1,1) holds three points, (1,2) one. */
    const char *row1 = strstr(text, "\n1 Readily recoverable");
    assert_non_null(row1);
    assert_non_null(strstr(row1, "| T1           3 | T1           1 |"));
    assert_true(strstr(text, "\n4 Irrecoverable") < row1); /* highest level on top */
    assert_non_null(strstr(text, "  NC-200/hospital-ward   axis1=3 axis2=3  T3 IV\n"));
    assert_non_null(strstr(text, "  BLR-9/apartment-plant  axis1=3 axis2=2  T3 III  overridden\n"));
    free(text);
}

static void test_markdown_table(void **state)
{
    char *md = render_ok(*state, IOTSSF_FORMAT_MD, sample, SAMPLE);
    assert_non_null(strstr(md, "| Axis 1 \\\\ Axis 2 | 1 Limited | 2 Moderate | 3 Major | "
                               "4 National |"));
    assert_non_null(strstr(md, "| **3** Hard to recover | [T2] | [T3] BLR-9/apartment-plant | "
                               "[T3] NC-200/hospital-ward | [T4] |"));
    assert_non_null(strstr(md, "[T1] BLR-9/home-monitoring, AC-1/home-remote, SH-4/smart-home |"));
    assert_non_null(strstr(md, "X&lt;&amp;>\"Y/m'1"));
    assert_non_null(strstr(md, "| BLR-9 (Example Heat Boiler 9) | apartment-plant (Apartment "
                               "plant room) | 3 | 2 | T3 | III | yes |"));
    free(md);
}

static void test_empty_map(void **state)
{
    char *svg = render_ok(*state, IOTSSF_FORMAT_SVG, NULL, 0);
    assert_well_formed_xml(svg);
    assert_int_equal(occurrences(svg, "<circle"), 0);
    assert_int_equal(occurrences(svg, "<polyline"), 0);
    assert_non_null(strstr(svg, "Irrecoverable"));
    assert_non_null(strstr(svg, "none placed"));
    free(svg);
    char *text = render_ok(*state, IOTSSF_FORMAT_JSON, NULL, 0);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "points")), 0);
    json_decref(doc);
    free(text);
    free(render_ok(*state, IOTSSF_FORMAT_TEXT, NULL, 0));
    free(render_ok(*state, IOTSSF_FORMAT_MD, NULL, 0));
}

static void test_unsupported_format(void **state)
{
    iotssf_status st;
    iotssf_error err;
    char *text = render(*state, (iotssf_format)42, sample, SAMPLE, &st, &err);
    assert_int_equal(st, IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "svg, json, text or md"));
    assert_string_equal(text, "");
    free(text);
}

static void test_point_off_the_plane(void **state)
{
    iotssf_map_point off = sample[0];
    off.axis2 = 5;
    iotssf_status st;
    iotssf_error err;
    char *text = render(*state, IOTSSF_FORMAT_SVG, &off, 1, &st, &err);
    assert_int_equal(st, IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "NC-200/home"));
    assert_string_equal(text, "");
    free(text);
}

static void test_write_error(void **state)
{
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_map_render(full, IOTSSF_FORMAT_SVG, *state, sample, SAMPLE, &err),
                     IOTSSF_E_IO);
    fclose(full);
}

/* Not a check: writes the example map for a person to look at. */
static void test_write_example_for_people(void **state)
{
    const char *path = getenv("IOTSSF_MAP_SVG");
    if (!path)
        skip();
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    iotssf_error err;
    assert_int_equal(iotssf_map_render(out, IOTSSF_FORMAT_SVG, *state, sample, SAMPLE, &err),
                     IOTSSF_OK);
    assert_int_equal(fclose(out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_helpers),
        cmocka_unit_test(test_svg_draws_points_lines_and_plane),
        cmocka_unit_test(test_svg_size_follows_levels),
        cmocka_unit_test(test_svg_crowded_cell),
        cmocka_unit_test(test_json_points),
        cmocka_unit_test(test_text_grid_and_list),
        cmocka_unit_test(test_markdown_table),
        cmocka_unit_test(test_empty_map),
        cmocka_unit_test(test_unsupported_format),
        cmocka_unit_test(test_point_off_the_plane),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_write_example_for_people),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
