/*
 * The assessment as one self-contained HTML page, for a manager to read in a
 * minute and a lab to print: the device and its grade at the top, the
 * IoT-SSF risk map with the device's use modes (the SVG of map_svg.c, drawn
 * inline), the verdicts at a glance by perspective and by stakeholder, then
 * one section per use mode (assessment_html_mode.c). Inline CSS only: no
 * scripts, fonts or images from anywhere, so it opens offline and archives
 * as one file. Every word from the document is escaped; links are made only
 * of http(s) addresses. Stable ids: #grade, #risk-map, #summary, #mode-N.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/sha256.h"
#include "assessment_internal.h"
#include "iotssf/iotssf.h"

static const char style[] =
    "body{font-family:Helvetica,Arial,'Liberation Sans',sans-serif;color:#222;margin:0 auto;"
    "max-width:1180px;padding:24px;line-height:1.4;font-size:14px}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #ddd;"
    "padding-bottom:4px;margin-top:32px}h3{font-size:16px;margin:20px 0 6px}"
    "h4{font-size:14px;margin:14px 0 4px;color:#444}\n"
    "header{display:flex;gap:24px;align-items:flex-start;border-bottom:3px solid #333;"
    "padding-bottom:12px}header .who{flex:1}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}"
    "dl.facts dt{color:#555}dl.facts dd{margin:0;word-break:break-all}\n"
    ".badge{min-width:130px;text-align:center;border-radius:10px;padding:10px 14px;"
    "border:2px solid #999;background:#eee}.badge strong{display:block;font-size:28px}"
    ".badge span{display:block;font-size:12px;color:#444}\n"
    ".g-gold{background:#f6e27a;border-color:#b8961a}.g-silver{background:#e3e6ea;"
    "border-color:#8d949c}.g-bronze{background:#e8b98d;border-color:#9c5e2a}"
    ".g-none{background:#f3d1d1;border-color:#a33}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px}th,td{border:1px solid #ccc;"
    "padding:4px 6px;text-align:left;vertical-align:top}th{background:#f2f2f2}\n"
    ".v{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px;font-weight:bold;"
    "white-space:nowrap}.v-pass{background:#d7f0d2;color:#1d5e12}.v-fail{background:#f7d0cc;"
    "color:#8a1c10}.v-not-applicable{background:#e6e6e6;color:#555}.v-no-evidence{"
    "background:#fdf0c2;color:#6d5200}\n"
    ".bar{display:flex;height:14px;width:220px;border:1px solid #bbb;background:#fafafa}"
    ".bar span{display:block;height:100%}.b-pass{background:#6cbf5d}.b-fail{background:#d9534f}"
    ".b-na{background:#bbb}.b-ne{background:#f0c040}.nums{font-size:12px;color:#444}\n"
    ".sev{font-size:11px;font-weight:bold;text-transform:uppercase;padding:0 4px;"
    "border-radius:3px;color:#fff}.sev-critical{background:#7b1010}.sev-high{background:#c9302c}"
    ".sev-medium{background:#e08a00}.sev-low{background:#4a7bb7}.sev-info{background:#777}\n"
    "ul.ev{margin:4px 0;padding-left:18px}ul.ev li{margin-bottom:4px}code{font-size:12px;"
    "background:#f4f4f4;padding:0 3px;word-break:break-all}.declared{color:#6d5200}"
    ".note{color:#555;font-style:italic}.standins{margin-top:4px;font-size:13px}\n"
    "#risk-map svg{max-width:100%;height:auto;border:1px solid #ddd}\n"
    "footer{margin-top:32px;border-top:1px solid #ccc;font-size:12px;color:#555}\n"
    "@media print{body{max-width:none;padding:0;font-size:11px}section.mode{"
    "break-before:page;page-break-before:always}tr,li{break-inside:avoid;"
    "page-break-inside:avoid}#risk-map{break-inside:avoid}a{color:inherit}}\n";

void html_text(FILE *out, const char *s)
{
    iotssf_xml_text(out, s);
}

void html_verdict(FILE *out, const char *verdict)
{
    fprintf(out, "<span class=\"v v-%s\">", verdict ? verdict : "no-evidence");
    html_text(out, verdict ? verdict : "no-evidence");
    fputs("</span>", out);
}

/* A stacked bar of pass / fail / n/a / no evidence, and the numbers. */
void html_counts_bar(FILE *out, const json_t *counts)
{
    static const char *const keys[] = {"pass", "fail", "not_applicable", "no_evidence"};
    static const char *const classes[] = {"b-pass", "b-fail", "b-na", "b-ne"};
    static const char *const words[] = {"pass", "fail", "n/a", "no evidence"};
    long long n[4], total = 0;
    for (int i = 0; i < 4; i++) {
        n[i] = as_int(counts, keys[i], 0);
        total += n[i];
    }
    fputs("<div class=\"bar\">", out);
    for (int i = 0; i < 4 && total > 0; i++)
        if (n[i] > 0)
            fprintf(out, "<span class=\"%s\" style=\"width:%.1f%%\" title=\"%lld %s\"></span>",
                    classes[i], 100.0 * (double)n[i] / (double)total, n[i], words[i]);
    fputs("</div><span class=\"nums\">", out);
    for (int i = 0; i < 4; i++)
        fprintf(out, "%s%lld %s", i ? " &middot; " : "", n[i], words[i]);
    fputs("</span>", out);
}

/* ---- header ---- */

static void fact(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(out, "<dt>%s</dt><dd>", name);
    html_text(out, value);
    fputs("</dd>\n", out);
}

static void header(FILE *out, const iotssf_assessment *a)
{
    const json_t *d = as_obj(a->doc, "device");
    const json_t *fw = as_obj(as_obj(a->doc, "evidence"), "firmware");
    const char *grade = or_blank(as_str(a->doc, "grade"), "none");
    fputs("<header>\n<div class=\"who\">\n<h1>", out);
    html_text(out, or_blank(as_str(d, "vendor"), ""));
    fputs(as_str(d, "vendor") ? " " : "", out);
    html_text(out, or_blank(as_str(d, "model"), as_str(d, "id")));
    fputs("</h1>\n<div>IoT Security-Safety Framework assessment</div>\n<dl class=\"facts\">\n",
          out);
    fact(out, "Device id", as_str(d, "id"));
    fact(out, "Hardware version", as_str(d, "hardware_version"));
    fact(out, "Firmware version", as_str(d, "firmware_version"));
    fact(out, "Firmware image", as_str(fw, "image"));
    fact(out, "Image SHA-256", as_str(fw, "sha256"));
    fact(out, "Assessed", as_str(a->doc, "assessed_at"));
    fputs("</dl>\n</div>\n", out);
    size_t modes = json_array_size(as_arr(a->doc, "modes"));
    fprintf(out, "<div id=\"grade\" class=\"badge g-%s\">Grade<strong>%s</strong>"
            "<span>the lowest of %zu use mode%s</span></div>\n</header>\n",
            strcmp(grade, "gold") && strcmp(grade, "silver") && strcmp(grade, "bronze")
                ? "none"
                : grade,
            grade_title(grade), modes, modes == 1 ? "" : "s");
}

/* ---- the risk map ---- */

enum { POLICY_MAX_BYTES = 4 << 20 };

/* Whether the file's SHA-256 is `want` (true when nothing was recorded). */
static bool file_has_hash(const char *path, const char *want)
{
    if (!want)
        return true;
    char have[65];
    iotssf_error ignored;
    return sha256_file_hex(path, have, &ignored) == IOTSSF_OK && strcmp(have, want) == 0;
}

/* The path comes from the document: only a regular file of a policy's size
 * is read, never a device or a pipe that would not end. */
static iotssf_policy *policy_if_same(const char *path, const char *sha256)
{
    iotssf_policy *policy = NULL;
    iotssf_error err;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > POLICY_MAX_BYTES)
        return NULL;
    if (file_has_hash(path, sha256) && iotssf_policy_load(path, &policy, &err) == IOTSSF_OK)
        return policy;
    return NULL;
}

/* The document's policy when it is still there unchanged: at the recorded
 * path, or under the same name in the data folder (documents record paths
 * relative to where assess ran). Else the default policy; *fell_back says
 * so, for the note under the map. */
static iotssf_policy *map_policy(const iotssf_assessment *a,
                                 const iotssf_assessment_render_options *o, bool *fell_back)
{
    const json_t *p = as_obj(a->doc, "policy");
    const char *file = as_str(p, "file"), *sha256 = as_str(p, "sha256");
    const char *data = o->data_dir ? o->data_dir : iotssf_default_data_dir();
    char path[4096];
    iotssf_policy *policy = NULL;
    *fell_back = false;
    if (file && (policy = policy_if_same(file, sha256)))
        return policy;
    const char *base = file ? strrchr(file, '/') : NULL;
    base = base ? base + 1 : file;
    if (base && *base && strcmp(base, "..") != 0) {
        snprintf(path, sizeof path, "%s/policy/%s", data, base);
        if ((policy = policy_if_same(path, sha256)))
            return policy;
    }
    *fell_back = file != NULL;
    snprintf(path, sizeof path, "%s/policy/default.yaml", data);
    return policy_if_same(path, NULL);
}

/* One point per use mode, drawn as SVG into memory first so that a failure
 * leaves a note, not half a drawing. */
static char *map_svg_text(const iotssf_assessment *a, const iotssf_policy *policy,
                          iotssf_error *err)
{
    const json_t *d = as_obj(a->doc, "device"), *modes = as_arr(a->doc, "modes");
    size_t count = json_array_size(modes);
    iotssf_map_point *points = calloc(count ? count : 1, sizeof *points);
    char label[512], *svg = NULL;
    size_t size = 0;
    snprintf(label, sizeof label, "%s%s%s", or_blank(as_str(d, "vendor"), ""),
             as_str(d, "vendor") ? " " : "", or_blank(as_str(d, "model"), as_str(d, "id")));
    for (size_t i = 0; points && i < count; i++) {
        const json_t *m = json_array_get(modes, i);
        points[i] = (iotssf_map_point){as_str(d, "id"), label, as_str(m, "id"), as_str(m, "name"),
                                       (int)as_int(as_obj(m, "axis1"), "level", 0),
                                       (int)as_int(as_obj(m, "axis2"), "level", 0),
                                       mode_tier_id(m), as_str(m, "category"),
                                       as_bool(m, "overridden")};
    }
    FILE *mem = points ? open_memstream(&svg, &size) : NULL;
    iotssf_status st = mem ? iotssf_map_render(mem, IOTSSF_FORMAT_SVG, policy, points, count, err)
                           : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (mem)
        fclose(mem);
    free(points);
    if (st) {
        free(svg);
        return NULL;
    }
    return svg;
}

static void risk_map(FILE *out, const iotssf_assessment *a,
                     const iotssf_assessment_render_options *o)
{
    bool fell_back;
    iotssf_policy *policy = map_policy(a, o, &fell_back);
    iotssf_error err;
    iotssf_error_clear(&err);
    char *svg = policy ? map_svg_text(a, policy, &err) : NULL;
    fputs("<section id=\"risk-map\">\n<h2>Risk map</h2>\n", out);
    if (svg) {
        /* The XML declaration belongs to a standalone file, not inside HTML. */
        const char *start = strstr(svg, "<svg");
        fputs(start ? start : svg, out);
    } else {
        fputs("<p class=\"note\">The risk map could not be drawn: ", out);
        html_text(out, policy ? err.message : "no categorization policy could be loaded");
        fputs("</p>\n", out);
    }
    if (policy && fell_back) {
        fputs("<p class=\"note\">Drawn with the policy ", out);
        html_text(out, iotssf_policy_file(policy));
        fputs(": the assessment's own policy file ", out);
        html_text(out, as_str(as_obj(a->doc, "policy"), "file"));
        fputs(" is not here or has changed since.</p>\n", out);
    }
    fputs("</section>\n", out);
    free(svg);
    iotssf_policy_free(policy);
}

/* ---- the summary ---- */

static void summary_modes(FILE *out, const json_t *modes)
{
    fputs("<table><tr><th>Use mode</th><th>Category</th><th>Tier</th><th>Grade</th>"
          "<th>Verdicts</th></tr>\n", out);
    size_t i;
    const json_t *m;
    json_array_foreach(modes, i, m) {
        fprintf(out, "<tr><td><a href=\"#mode-%zu\">", i + 1);
        html_text(out, as_str(m, "name"));
        fputs("</a></td><td>", out);
        html_text(out, as_str(m, "category"));
        fputs(" ", out);
        html_text(out, as_str(m, "category_name"));
        fputs("</td><td>", out);
        html_text(out, mode_tier_id(m));
        fputs(" ", out);
        html_text(out, as_str(m, "tier_name"));
        fprintf(out, "</td><td>%s</td><td>",
                grade_title(as_str(as_obj(m, "grade"), "grade")));
        html_counts_bar(out, as_obj(m, "summary"));
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* One row per key, one column per mode. */
static void summary_by(FILE *out, const json_t *modes, const char *by, const char *title)
{
    fprintf(out, "<h3>By %s</h3>\n<table><tr><th>%c%s</th>", title, title[0] - 'a' + 'A',
            title + 1);
    size_t i, j;
    const json_t *m;
    json_array_foreach(modes, i, m) {
        fputs("<th>", out);
        html_text(out, as_str(m, "name"));
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
    /* Keys in the order first seen across modes; perspectives always 1-4. */
    json_t *keys = json_array(), *seen = json_object();
    for (int p = 1; strcmp(by, "by_perspective") == 0 && p <= 4; p++) {
        char key[4];
        snprintf(key, sizeof key, "%d", p);
        json_array_append_new(keys, json_string(key));
        json_object_set_new(seen, key, json_true());
    }
    json_array_foreach(modes, i, m) {
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)as_obj(as_obj(m, "summary"), by), key, v) {
            if (!json_object_get(seen, key)) {
                json_array_append_new(keys, json_string(key));
                json_object_set_new(seen, key, json_true());
            }
        }
    }
    json_decref(seen);
    const json_t *k;
    json_array_foreach(keys, j, k) {
        const char *key = json_string_value(k);
        fputs("<tr><th>", out);
        if (strcmp(by, "by_perspective") == 0)
            fprintf(out, "%s. ", key);
        html_text(out, strcmp(by, "by_perspective") == 0 ? perspective_name(atoi(key)) : key);
        fputs("</th>", out);
        json_array_foreach(modes, i, m) {
            fputs("<td>", out);
            html_counts_bar(out, as_obj(as_obj(as_obj(m, "summary"), by), key));
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    json_decref(keys);
    fputs("</table>\n", out);
}

static void summary(FILE *out, const iotssf_assessment *a)
{
    const json_t *modes = as_arr(a->doc, "modes");
    const json_t *sev = as_obj(as_obj(a->doc, "totals"), "findings");
    fputs("<section id=\"summary\">\n<h2>Verdicts at a glance</h2>\n", out);
    fprintf(out, "<p>%zu finding%s from firmware and probe", json_array_size(as_arr(a->doc,
            "findings")), json_array_size(as_arr(a->doc, "findings")) == 1 ? "" : "s");
    if (sev)
        fprintf(out, ": %lld critical, %lld high, %lld medium, %lld low, %lld info",
                as_int(sev, "critical", 0), as_int(sev, "high", 0), as_int(sev, "medium", 0),
                as_int(sev, "low", 0), as_int(sev, "info", 0));
    fprintf(out, "; %zu declared answer%s.</p>\n", json_array_size(as_arr(a->doc, "answers")),
            json_array_size(as_arr(a->doc, "answers")) == 1 ? "" : "s");
    summary_modes(out, modes);
    summary_by(out, modes, "by_perspective", "perspective");
    summary_by(out, modes, "by_stakeholder", "stakeholder");
    fputs("</section>\n", out);
}

/* ---- evidence and provenance ---- */

static void evidence(FILE *out, const iotssf_assessment *a)
{
    const json_t *ev = as_obj(a->doc, "evidence");
    const json_t *comps = as_arr(as_obj(ev, "firmware"), "components");
    const json_t *svcs = as_arr(as_obj(ev, "probe"), "services");
    size_t i;
    const json_t *x;
    if (json_array_size(comps)) {
        fputs("<h3>Components identified in the firmware</h3>\n<table><tr><th>Component</th>"
              "<th>Version</th><th>CPE</th></tr>\n", out);
        json_array_foreach(comps, i, x) {
            fputs("<tr><td>", out);
            html_text(out, or_blank(as_str(x, "name"), as_str(x, "id")));
            fputs("</td><td>", out);
            html_text(out, or_blank(as_str(x, "version"), "unknown"));
            fputs("</td><td><code>", out);
            html_text(out, as_str(x, "cpe"));
            fputs("</code></td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    if (json_array_size(svcs)) {
        fputs("<h3>Services found by the probe</h3>\n<table><tr><th>Address</th>"
              "<th>Service</th><th>Product</th></tr>\n", out);
        json_array_foreach(svcs, i, x) {
            fputs("<tr><td><code>", out);
            html_text(out, as_str(x, "host"));
            fprintf(out, ":%lld/", as_int(x, "port", 0));
            html_text(out, or_blank(as_str(x, "transport"), "tcp"));
            fputs("</code></td><td>", out);
            html_text(out, as_str(x, "name"));
            fputs("</td><td>", out);
            html_text(out, as_str(x, "product"));
            fputs(" ", out);
            html_text(out, as_str(x, "version"));
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
}

static void footer(FILE *out, const iotssf_assessment *a)
{
    const json_t *tool = as_obj(a->doc, "tool");
    fputs("<footer>\n<p>Made by ", out);
    html_text(out, or_blank(as_str(tool, "name"), "iotssf"));
    fputs(" ", out);
    html_text(out, as_str(tool, "version"));
    fputs(". Policy: ", out);
    html_text(out, or_blank(as_str(as_obj(a->doc, "policy"), "file"), "unrecorded"));
    fputs("; catalog SHA-256: ", out);
    html_text(out, or_blank(as_str(as_obj(a->doc, "catalog"), "sha256"), "unrecorded"));
    fputs("; profile: ", out);
    html_text(out, or_blank(as_str(as_obj(as_obj(a->doc, "device"), "profile"), "file"),
                            "unrecorded"));
    fprintf(out, ".<br>Assessment digest (SHA-256, canonical JSON): <code>%s</code>. "
            "Verdicts marked &ldquo;declared, not verified&rdquo; rest on the maker's "
            "answers only.</p>\n</footer>\n", a->digest);
}

iotssf_status assessment_html(FILE *out, const iotssf_assessment *a,
                              const iotssf_assessment_render_options *o, iotssf_error *err)
{
    (void)err;
    const json_t *d = as_obj(a->doc, "device");
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>IoT-SSF assessment: ", out);
    html_text(out, as_str(d, "id"));
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
    header(out, a);
    risk_map(out, a, o);
    summary(out, a);
    size_t i;
    const json_t *m;
    json_array_foreach(as_arr(a->doc, "modes"), i, m)
        html_mode(out, a, m, i);
    fputs("<section id=\"evidence\">\n<h2>Evidence gathered</h2>\n", out);
    evidence(out, a);
    fputs("</section>\n", out);
    footer(out, a);
    fputs("</body>\n</html>\n", out);
    return IOTSSF_OK;
}
