/*
 * The HTML report as a browser shows it: headless Chromium renders the
 * fixture's page (and, when `iotssf assess` works in this build, the page of
 * a real assessment of examples/netcam.yaml). The DOM Chromium built must
 * have the risk map (an <svg> inside #risk-map with one marker per use
 * mode), the summary and the grade; the screenshot must be a PNG of the
 * window's size that is not one flat colour (its pixels are decoded here
 * with zlib). Skips with a message when Chromium is not installed.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "iotssf/assessment_report.h"
#include "util.h"

enum { WIDTH = 1280, HEIGHT = 2000 };

static const char *chromium(void)
{
    static const char *const candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                                             "/usr/bin/google-chrome", NULL};
    for (size_t i = 0; candidates[i]; i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

static void render_html(const char *assessment, const char *html_path)
{
    iotssf_assessment *a = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_assessment_load(assessment, &a, &err))
        fail_msg("%s refused: %s", assessment, err.message);
    FILE *out = fopen(html_path, "w");
    assert_non_null(out);
    assert_int_equal(iotssf_assessment_render(out, IOTSSF_ASSESSMENT_HTML, a, NULL, &err),
                     IOTSSF_OK);
    assert_int_equal(fclose(out), 0);
    iotssf_assessment_free(a);
}

/* Runs Chromium on the page with `what` (--screenshot=... or --dump-dom),
 * stdout to `out`. The paths are our own temporary ones. */
static void run_chromium(const char *browser, const char *what, const char *html,
                         const char *out)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "timeout 60 '%s' --headless --no-sandbox --disable-gpu "
             "--hide-scrollbars --window-size=%d,%d %s 'file://%s' >'%s' 2>/dev/null",
             browser, WIDTH, HEIGHT, what, html, out);
    if (system(cmd) != 0)
        fail_msg("chromium failed: %s", cmd);
}

/* ---- the DOM ---- */

static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void check_dom(const char *dom, size_t modes)
{
    const char *map = strstr(dom, "id=\"risk-map\"");
    assert_non_null(map);
    const char *map_end = strstr(map, "</section>");
    assert_non_null(map_end);
    char *section = strndup(map, (size_t)(map_end - map));
    assert_non_null(strstr(section, "<svg"));
    assert_int_equal(occurrences(section, "<circle"), modes);
    free(section);
    const char *summary = strstr(dom, "id=\"summary\"");
    assert_non_null(summary);
    assert_non_null(strstr(summary, "Before operation (design, manufacture)"));
    assert_non_null(strstr(summary, "By stakeholder"));
    assert_non_null(strstr(dom, "id=\"grade\""));
    assert_int_equal(occurrences(dom, "<section class=\"mode\""), modes);
}

/* ---- the PNG ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the per-row filters of PNG in place (bpp bytes per pixel). */
static void unfilter(unsigned char *raw, size_t height, size_t stride, size_t bpp)
{
    unsigned char *prev = NULL;
    for (size_t y = 0; y < height; y++) {
        unsigned char *row = raw + y * (stride + 1), type = row[0], *px = row + 1;
        assert_true(type <= 4);
        for (size_t x = 0; x < stride; x++) {
            int a = x >= bpp ? px[x - bpp] : 0, b = prev ? prev[x] : 0;
            int c = prev && x >= bpp ? prev[x - bpp] : 0;
            int add = type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2
                                                    : type == 4 ? paeth(a, b, c) : 0;
            px[x] = (unsigned char)(px[x] + add);
        }
        prev = px;
    }
}

/* Checks the screenshot's size and counts distinct colours in some rows. */
static size_t png_colours(const char *path)
{
    size_t size;
    unsigned char *png = (unsigned char *)read_file(path, &size);
    assert_non_null(png);
    assert_true(size > 33 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), WIDTH);
    assert_int_equal(be32(png + 20), HEIGHT);
    assert_int_equal(png[24], 8); /* bit depth */
    size_t bpp = png[25] == 6 ? 4 : png[25] == 2 ? 3 : 0;
    assert_true(bpp > 0);
    size_t stride = WIDTH * bpp, raw_size = HEIGHT * (stride + 1);
    unsigned char *idat = malloc(size), *raw = malloc(raw_size);
    size_t idat_len = 0;
    for (size_t at = 8; at + 12 <= size;) {
        uint32_t len = be32(png + at);
        assert_true(len <= size - at - 12);
        if (memcmp(png + at + 4, "IDAT", 4) == 0) {
            memcpy(idat + idat_len, png + at + 8, len);
            idat_len += len;
        }
        at += 12 + (size_t)len;
    }
    uLongf got = (uLongf)raw_size;
    assert_int_equal(uncompress(raw, &got, idat, (uLong)idat_len), Z_OK);
    assert_int_equal(got, raw_size);
    unfilter(raw, HEIGHT, stride, bpp);
    /* Distinct colours over every 40th row, up to 4096 of them. */
    uint32_t seen[4096];
    size_t count = 0;
    for (size_t y = 0; y < HEIGHT; y += 40)
        for (size_t x = 0; x < WIDTH; x++) {
            const unsigned char *p = raw + y * (stride + 1) + 1 + x * bpp;
            uint32_t c = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            size_t k = 0;
            while (k < count && seen[k] != c)
                k++;
            if (k == count && count < 4096)
                seen[count++] = c;
        }
    free(idat);
    free(raw);
    free(png);
    return count;
}

static void check_in_browser(const char *assessment, size_t modes)
{
    const char *browser = chromium();
    if (!browser) {
        fprintf(stderr, "skipped: Chromium is not installed (apt-get install chromium)\n");
        skip();
    }
    char dir[] = "/tmp/iotssf-chromium-XXXXXX", html[128], png[128], dom[128];
    assert_non_null(mkdtemp(dir));
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(png, sizeof png, "%s/page.png", dir);
    snprintf(dom, sizeof dom, "%s/dom.html", dir);
    render_html(assessment, html);
    char shot[192];
    snprintf(shot, sizeof shot, "--screenshot='%s'", png);
    run_chromium(browser, shot, html, "/dev/null");
    run_chromium(browser, "--dump-dom", html, dom);
    char *text = read_file(dom, NULL);
    assert_non_null(text);
    check_dom(text, modes);
    free(text);
    size_t colours = png_colours(png);
    if (colours < 16)
        fail_msg("the screenshot has only %zu colours: a blank page?", colours);
    unlink(html);
    unlink(png);
    unlink(dom);
    rmdir(dir);
}

static void test_fixture_in_chromium(void **state)
{
    (void)state;
    check_in_browser(source_path("tests/report/assessment_fixture.json"), 2);
}

/* The page of a real assessment, when this build's `iotssf assess` works. */
static void test_real_assessment_in_chromium(void **state)
{
    (void)state;
    char dir[] = "/tmp/iotssf-assess-XXXXXX", cmd[8192], doc[128];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/iotssf' assess examples/netcam.yaml -o '%s' "
             ">/dev/null 2>&1", IOTSSF_SOURCE_DIR, IOTSSF_BUILD_DIR, dir);
    snprintf(doc, sizeof doc, "%s/assessment.json", dir);
    int rc = system(cmd);
    struct stat st;
    if (stat(doc, &st) != 0) {
        fprintf(stderr, "skipped: `iotssf assess` made no assessment.json here (exit %d)\n", rc);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        (void)system(cmd);
        skip();
    }
    check_in_browser(doc, 2); /* netcam.yaml has two use modes */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_in_chromium),
        cmocka_unit_test(test_real_assessment_in_chromium),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
