/*
 * One use mode of the assessment's HTML page (see assessment_html.c): where
 * the mode sits and what tier it needs, conformity to the tier and to each
 * scheme, the gaps to the next grade, then every requirement with its
 * verdict and the evidence behind it: findings at a file and line or a host
 * and port, declared answers marked as declared and not verified, and the
 * stand-ins other stakeholders can put in place meanwhile. Each mode starts
 * a new printed page.
 */
#include <stdio.h>
#include <string.h>

#include "assessment_internal.h"

static void comma_list(FILE *out, const json_t *words, const char *empty)
{
    size_t i;
    const json_t *w;
    if (!json_array_size(words))
        html_text(out, empty);
    json_array_foreach(words, i, w) {
        fputs(i ? ", " : "", out);
        html_text(out, json_string_value(w));
    }
}

static void placement(FILE *out, const json_t *m)
{
    const json_t *a1 = as_obj(m, "axis1"), *a2 = as_obj(m, "axis2");
    fputs("<p>Category <b>", out);
    html_text(out, as_str(m, "category"));
    fputs("</b> ", out);
    html_text(out, as_str(m, "category_name"));
    fputs(" &middot; tier <b>", out);
    html_text(out, mode_tier_id(m));
    fputs("</b> ", out);
    html_text(out, as_str(m, "tier_name"));
    fprintf(out, " &middot; level %lld (", as_int(a1, "level", 0));
    html_text(out, or_blank(as_str(a1, "axis_name"), "axis 1"));
    fputs(": ", out);
    html_text(out, as_str(a1, "name"));
    fprintf(out, "), level %lld (", as_int(a2, "level", 0));
    html_text(out, or_blank(as_str(a2, "axis_name"), "axis 2"));
    fputs(": ", out);
    html_text(out, as_str(a2, "name"));
    fputs(")", out);
    if (as_bool(m, "overridden"))
        fputs(" &middot; placed by a profile override", out);
    if (as_str(m, "likelihood")) {
        fputs(" &middot; likelihood ", out);
        html_text(out, as_str(m, "likelihood"));
        fputs(" (recorded; it orders the gaps only)", out);
    }
    fputs("</p>\n", out);
}

static void tier_conformity(FILE *out, const json_t *m)
{
    const json_t *t = mode_tier_conformity(m);
    fputs("<h3>Tier ", out);
    html_text(out, mode_tier_id(m));
    fputs("</h3>\n", out);
    if (!t) {
        fputs("<p class=\"note\">The document records no tier conformity.</p>\n", out);
        return;
    }
    fprintf(out, "<p>%s; %s.<br>Failing: ",
            as_bool(t, "conformant") ? "<b>Conformant</b>" : "<b>Not conformant</b>",
            as_bool(t, "complete") ? "every required requirement has evidence"
                                   : "evidence is incomplete");
    comma_list(out, as_arr(t, "failing"), "none");
    fputs("<br>Lacking evidence: ", out);
    comma_list(out, as_arr(t, "lacking_evidence"), "none");
    fputs("</p>\n", out);
}

static void scheme_unmet(FILE *out, const json_t *items)
{
    size_t i, shown = 0;
    const json_t *it;
    json_array_foreach(items, i, it) {
        const char *v = as_str(it, "verdict");
        if (!v || !(strcmp(v, "fail") == 0 || strcmp(v, "no-evidence") == 0) ||
            (json_object_get(it, "counts") && !as_bool(it, "counts")))
            continue;
        fputs(shown++ ? "; " : "<br>Not met: ", out);
        html_text(out, as_str(it, "id"));
        fputs(" (", out);
        html_text(out, or_blank(as_str(it, "status"), "?"));
        fputs(") ", out);
        html_text(out, v);
        fputs(" &larr; ", out);
        comma_list(out, as_arr(it, "requirements"), "");
    }
}

static void schemes(FILE *out, const json_t *m)
{
    const json_t *list = as_arr(m, "schemes");
    fputs("<h3>Scheme conformity</h3>\n", out);
    if (!json_array_size(list)) {
        fputs("<p class=\"note\">No scheme was judged.</p>\n", out);
        return;
    }
    fputs("<table><tr><th>Scheme</th><th>Result</th><th>Items</th><th>Rule</th></tr>\n", out);
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s) {
        const json_t *c = as_obj(s, "counts");
        fputs("<tr><td><b>", out);
        html_text(out, as_str(s, "scheme"));
        fputs("</b>", out);
        if (as_int(s, "level", 0) > 0)
            fprintf(out, " SL %lld", as_int(s, "level", 0));
        fputs("<br>", out);
        html_text(out, as_str(s, "title"));
        fputs("</td><td>", out);
        html_verdict(out, as_bool(s, "conformant") ? "pass" : "fail");
        fprintf(out, " %s<br>%s</td><td>",
                as_bool(s, "conformant") ? "conformant" : "not conformant",
                as_bool(s, "complete") ? "complete" : "evidence incomplete");
        html_counts_bar(out, c);
        if (as_int(c, "justified", 0) > 0)
            fprintf(out, " &middot; %lld justified", as_int(c, "justified", 0));
        scheme_unmet(out, as_arr(s, "items"));
        fputs("</td><td>", out);
        html_text(out, as_str(s, "rule"));
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void gaps(FILE *out, const json_t *m)
{
    const json_t *g = as_obj(m, "grade");
    const char *next = as_str(g, "next");
    fprintf(out, "<h3>Grade: %s</h3>\n", grade_title(as_str(g, "grade")));
    if (!next) {
        fputs("<p>This is the top grade.</p>\n", out);
        return;
    }
    const json_t *list = as_arr(g, "gaps");
    fprintf(out, "<p>What stands between this use mode and <b>%s</b>, biggest effect first:</p>\n",
            grade_title(next));
    if (!json_array_size(list)) {
        fputs("<p class=\"note\">No gap is recorded.</p>\n", out);
        return;
    }
    fputs("<table><tr><th>#</th><th>Requirement</th><th>Verdict</th><th>Impact</th>"
          "<th>Cost</th><th>Why</th></tr>\n", out);
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x) {
        fprintf(out, "<tr><td>%zu</td><td>", i + 1);
        html_text(out, as_str(x, "requirement"));
        fputs("</td><td>", out);
        html_verdict(out, as_str(x, "verdict"));
        fprintf(out, "</td><td>%.2f</td><td>%.0f</td><td>",
                json_number_value(json_object_get(x, "impact")),
                json_number_value(json_object_get(x, "cost")));
        html_text(out, as_str(x, "why"));
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* ---- a requirement's evidence ---- */

static void finding_item(FILE *out, const json_t *f)
{
    char where[1024];
    const char *sev = or_blank(as_str(f, "severity"), "info");
    fprintf(out, "<li><span class=\"sev sev-%s\">%s</span> <b>", sev, sev);
    html_text(out, as_str(f, "rule"));
    fputs("</b> ", out);
    html_text(out, as_str(f, "title"));
    fputs(" <span class=\"note\">(", out);
    html_text(out, as_str(f, "source"));
    fputs(")</span><br>at <code>", out);
    html_text(out, finding_location(f, where, sizeof where));
    fputs("</code>: ", out);
    html_text(out, as_str(f, "message"));
    if (as_str(f, "evidence")) {
        fputs("<br>evidence: <code>", out);
        html_text(out, as_str(f, "evidence"));
        fputs("</code>", out);
    }
    fputs("</li>\n", out);
}

/* A document reference is a link only when it is a web address. */
static void document_ref(FILE *out, const char *doc)
{
    if (strncmp(doc, "https://", 8) == 0 || strncmp(doc, "http://", 7) == 0) {
        fputs("<a href=\"", out);
        html_text(out, doc);
        fputs("\" rel=\"noreferrer\">", out);
        html_text(out, doc);
        fputs("</a>", out);
    } else {
        fputs("<cite>", out);
        html_text(out, doc);
        fputs("</cite>", out);
    }
}

static void answer_item(FILE *out, const json_t *ans)
{
    fputs("<li class=\"declared\"><b>Declared, not verified:</b> ", out);
    html_text(out, as_str(ans, "question"));
    fputs(" answered &ldquo;", out);
    html_text(out, as_str(ans, "answer"));
    fputs("&rdquo;", out);
    if (as_str(ans, "document")) {
        fputs("; document: ", out);
        document_ref(out, as_str(ans, "document"));
    }
    if (as_str(ans, "justification")) {
        fputs("; justification: ", out);
        html_text(out, as_str(ans, "justification"));
    }
    if (as_str(ans, "note")) {
        fputs("; note: ", out);
        html_text(out, as_str(ans, "note"));
    }
    fputs("</li>\n", out);
}

static void stand_ins(FILE *out, const json_t *list)
{
    if (!json_array_size(list))
        return;
    fputs("<div class=\"standins\"><b>Stand-ins meanwhile:</b><ul class=\"ev\">", out);
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s) {
        fputs("<li>", out);
        html_text(out, as_str(s, "requirement"));
        fputs(" ", out);
        html_text(out, as_str(s, "title"));
        fputs(" <span class=\"note\">(", out);
        html_text(out, or_blank(as_str(s, "stakeholder"), "anyone"));
        fputs(")</span>", out);
        if (as_str(s, "note")) {
            fputs(": ", out);
            html_text(out, as_str(s, "note"));
        }
        fputs("</li>", out);
    }
    fputs("</ul></div>\n", out);
}

static void requirement_row(FILE *out, const iotssf_assessment *a, const json_t *v)
{
    fputs("<tr><td><b>", out);
    html_text(out, as_str(v, "requirement"));
    fputs("</b><br>", out);
    html_text(out, as_str(v, "title"));
    fputs("</td><td>", out);
    html_text(out, or_blank(as_str(v, "need"), ""));
    fputs("<br><span class=\"note\">", out);
    html_text(out, as_str(v, "stakeholder"));
    fputs("</span></td><td>", out);
    html_verdict(out, as_str(v, "verdict"));
    fputs("<br><span class=\"note\">", out);
    html_text(out, as_str(v, "basis"));
    fputs("</span></td><td>", out);
    html_text(out, as_str(v, "reason"));
    if (as_str(v, "not_applicable_because")) {
        fputs("<br>Not applicable: ", out);
        html_text(out, as_str(v, "not_applicable_because"));
    }
    const json_t *fs = as_arr(v, "findings"), *as = as_arr(v, "answers");
    if (json_array_size(fs) + json_array_size(as) > 0) {
        fputs("<ul class=\"ev\">\n", out);
        size_t i;
        const json_t *id;
        json_array_foreach(fs, i, id)
            finding_item(out, assessment_finding(a, json_string_value(id)));
        json_array_foreach(as, i, id)
            answer_item(out, assessment_answer(a, json_string_value(id)));
        fputs("</ul>", out);
    }
    stand_ins(out, as_arr(v, "stand_ins"));
    fputs("</td></tr>\n", out);
}

static void requirements(FILE *out, const iotssf_assessment *a, const json_t *m)
{
    fputs("<h3>Requirements and evidence</h3>\n", out);
    for (int p = 1; p <= 4; p++) {
        size_t i, shown = 0;
        const json_t *v;
        json_array_foreach(as_arr(m, "verdicts"), i, v) {
            if (as_int(v, "perspective", 0) != p)
                continue;
            if (!shown++) {
                fprintf(out, "<h4>Perspective %d: ", p);
                html_text(out, perspective_name(p));
                fputs("</h4>\n<table><tr><th>Requirement</th><th>Need</th><th>Verdict</th>"
                      "<th>Why, and the evidence</th></tr>\n", out);
            }
            requirement_row(out, a, v);
        }
        if (shown)
            fputs("</table>\n", out);
    }
}

void html_mode(FILE *out, const iotssf_assessment *a, const json_t *m, size_t index)
{
    fprintf(out, "<section class=\"mode\" id=\"mode-%zu\">\n<h2>Use mode %zu: ", index + 1,
            index + 1);
    html_text(out, as_str(m, "name"));
    fputs(" <small>(", out);
    html_text(out, as_str(m, "id"));
    fputs(")</small></h2>\n", out);
    placement(out, m);
    tier_conformity(out, m);
    schemes(out, m);
    gaps(out, m);
    requirements(out, a, m);
    fputs("</section>\n", out);
}
