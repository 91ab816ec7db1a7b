/*
 * The assessment as Markdown: the HTML page's content (assessment_html.c) as
 * headings, tables and lists, for a merge request, a wiki or a ticket. The
 * risk map is the placement table here; the drawing is in the HTML. Every
 * word from the document goes through md_text, so a name cannot open a
 * table cell, a link, raw HTML or a heading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assessment_internal.h"

void md_text(FILE *out, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
        /* Brackets are escaped, so parentheses can never complete a link. */
        if (strchr("\\`*_[]|#~", *c))
            fprintf(out, "\\%c", *c);
        else if (*c == '<')
            fputs("&lt;", out);
        else if (*c == '>')
            fputs("&gt;", out);
        else if (*c == '&')
            fputs("&amp;", out);
        else if (*c < 0x20 || *c == 0x7f)
            fputc(' ', out); /* a newline would end the table row or list item */
        else
            fputc(*c, out);
    }
}

static void md_list(FILE *out, const json_t *words, const char *empty)
{
    size_t i;
    const json_t *w;
    if (!json_array_size(words))
        md_text(out, empty);
    json_array_foreach(words, i, w) {
        fputs(i ? ", " : "", out);
        md_text(out, json_string_value(w));
    }
}

static void md_counts(FILE *out, const json_t *c)
{
    fprintf(out, "%lld pass, %lld fail, %lld n/a, %lld no evidence", as_int(c, "pass", 0),
            as_int(c, "fail", 0), as_int(c, "not_applicable", 0), as_int(c, "no_evidence", 0));
}

static void header(FILE *out, const iotssf_assessment *a)
{
    const json_t *d = as_obj(a->doc, "device");
    const json_t *fw = as_obj(as_obj(a->doc, "evidence"), "firmware");
    fputs("# IoT-SSF assessment: ", out);
    md_text(out, as_str(d, "vendor"));
    fputs(as_str(d, "vendor") ? " " : "", out);
    md_text(out, or_blank(as_str(d, "model"), as_str(d, "id")));
    fprintf(out, "\n\n**Grade: %s** (the lowest of its use modes)\n\n",
            grade_title(as_str(a->doc, "grade")));
    static const char *const keys[] = {"id", "hardware_version", "firmware_version"};
    static const char *const names[] = {"Device id", "Hardware version", "Firmware version"};
    for (int i = 0; i < 3; i++)
        if (as_str(d, keys[i])) {
            fprintf(out, "- %s: ", names[i]);
            md_text(out, as_str(d, keys[i]));
            fputs("\n", out);
        }
    if (as_str(fw, "image")) {
        fputs("- Firmware image: ", out);
        md_text(out, as_str(fw, "image"));
        fputs(" (SHA-256 ", out);
        md_text(out, or_blank(as_str(fw, "sha256"), "unrecorded"));
        fputs(")\n", out);
    }
    fputs("- Assessed: ", out);
    md_text(out, as_str(a->doc, "assessed_at"));
    fprintf(out, "\n- Assessment digest: %s\n\n", a->digest);
}

static void summary(FILE *out, const iotssf_assessment *a)
{
    const json_t *modes = as_arr(a->doc, "modes");
    fputs("## Risk map and verdicts at a glance\n\n| Use mode | Axis 1 | Axis 2 | Category | "
          "Tier | Grade | Verdicts |\n|---|---|---|---|---|---|---|\n", out);
    size_t i;
    const json_t *m;
    json_array_foreach(modes, i, m) {
        fputs("| ", out);
        md_text(out, as_str(m, "name"));
        fprintf(out, " | %lld ", as_int(as_obj(m, "axis1"), "level", 0));
        md_text(out, as_str(as_obj(m, "axis1"), "name"));
        fprintf(out, " | %lld ", as_int(as_obj(m, "axis2"), "level", 0));
        md_text(out, as_str(as_obj(m, "axis2"), "name"));
        fputs(" | ", out);
        md_text(out, as_str(m, "category"));
        fputs(" ", out);
        md_text(out, as_str(m, "category_name"));
        fputs(" | ", out);
        md_text(out, mode_tier_id(m));
        fprintf(out, " | %s | ", grade_title(as_str(as_obj(m, "grade"), "grade")));
        md_counts(out, as_obj(m, "summary"));
        fputs(" |\n", out);
    }
    fputs("\n### By perspective\n\n| Perspective |", out);
    json_array_foreach(modes, i, m) {
        fputs(" ", out);
        md_text(out, as_str(m, "id"));
        fputs(" |", out);
    }
    fputs("\n|---|", out);
    for (i = 0; i < json_array_size(modes); i++)
        fputs("---|", out);
    for (int p = 1; p <= 4; p++) {
        char key[4];
        snprintf(key, sizeof key, "%d", p);
        fprintf(out, "\n| %d. %s |", p, perspective_name(p));
        json_array_foreach(modes, i, m) {
            fputs(" ", out);
            md_counts(out, as_obj(as_obj(as_obj(m, "summary"), "by_perspective"), key));
            fputs(" |", out);
        }
    }
    fputs("\n\n### By stakeholder\n\n", out);
    json_array_foreach(modes, i, m) {
        const char *key;
        const json_t *c;
        fputs("- ", out);
        md_text(out, as_str(m, "id"));
        fputs(":", out);
        json_object_foreach((json_t *)as_obj(as_obj(m, "summary"), "by_stakeholder"), key, c) {
            fputs(" ", out);
            md_text(out, key);
            fputs(" (", out);
            md_counts(out, c);
            fputs(");", out);
        }
        fputs("\n", out);
    }
    fputs("\n", out);
}

static void conformity(FILE *out, const json_t *m)
{
    const json_t *t = mode_tier_conformity(m);
    fputs("### Tier ", out);
    md_text(out, mode_tier_id(m));
    fprintf(out, "\n\n%s; %s. Failing: ",
            as_bool(t, "conformant") ? "Conformant" : "Not conformant",
            as_bool(t, "complete") ? "evidence complete" : "evidence incomplete");
    md_list(out, as_arr(t, "failing"), "none");
    fputs(". Lacking evidence: ", out);
    md_list(out, as_arr(t, "lacking_evidence"), "none");
    fputs(".\n\n### Scheme conformity\n\n| Scheme | Result | Counts | Rule |\n|---|---|---|---|\n",
          out);
    size_t i;
    const json_t *s;
    json_array_foreach(as_arr(m, "schemes"), i, s) {
        fputs("| ", out);
        md_text(out, as_str(s, "scheme"));
        fprintf(out, " | %s, %s | ", as_bool(s, "conformant") ? "conformant" : "not conformant",
                as_bool(s, "complete") ? "complete" : "incomplete");
        md_counts(out, as_obj(s, "counts"));
        fputs(" | ", out);
        md_text(out, as_str(s, "rule"));
        fputs(" |\n", out);
    }
}

static void gaps(FILE *out, const json_t *m)
{
    const json_t *g = as_obj(m, "grade");
    fprintf(out, "\n### Grade: %s\n\n", grade_title(as_str(g, "grade")));
    if (!as_str(g, "next")) {
        fputs("This is the top grade.\n", out);
        return;
    }
    fprintf(out, "Gaps to %s, biggest effect first:\n\n| # | Requirement | Verdict | Impact | "
            "Cost | Why |\n|---|---|---|---|---|---|\n", grade_title(as_str(g, "next")));
    size_t i;
    const json_t *x;
    json_array_foreach(as_arr(g, "gaps"), i, x) {
        fprintf(out, "| %zu | ", i + 1);
        md_text(out, as_str(x, "requirement"));
        fprintf(out, " | %s | %.2f | %.0f | ", or_blank(as_str(x, "verdict"), ""),
                json_number_value(json_object_get(x, "impact")),
                json_number_value(json_object_get(x, "cost")));
        md_text(out, as_str(x, "why"));
        fputs(" |\n", out);
    }
}

static void evidence(FILE *out, const iotssf_assessment *a, const json_t *v)
{
    size_t i;
    const json_t *id;
    json_array_foreach(as_arr(v, "findings"), i, id) {
        const json_t *f = assessment_finding(a, json_string_value(id));
        char where[1024];
        fprintf(out, "  - finding %s, ", or_blank(as_str(f, "severity"), "info"));
        md_text(out, as_str(f, "rule"));
        fputs(" at `", out);
        /* Inside a code span only a backtick needs care. */
        for (const char *c = finding_location(f, where, sizeof where); *c; c++)
            fputc(*c == '`' || (unsigned char)*c < 0x20 ? '\'' : *c, out);
        fputs("`: ", out);
        md_text(out, as_str(f, "message"));
        if (as_str(f, "evidence")) {
            fputs(" (evidence: ", out);
            md_text(out, as_str(f, "evidence"));
            fputs(")", out);
        }
        fputs("\n", out);
    }
    json_array_foreach(as_arr(v, "answers"), i, id) {
        const json_t *ans = assessment_answer(a, json_string_value(id));
        fputs("  - *declared, not verified*: ", out);
        md_text(out, as_str(ans, "question"));
        fputs(" answered \"", out);
        md_text(out, as_str(ans, "answer"));
        fputs("\"", out);
        static const char *const keys[] = {"document", "justification", "note"};
        for (int k = 0; k < 3; k++)
            if (as_str(ans, keys[k])) {
                fprintf(out, "; %s: ", keys[k]);
                md_text(out, as_str(ans, keys[k]));
            }
        fputs("\n", out);
    }
    json_array_foreach(as_arr(v, "stand_ins"), i, id) {
        fputs("  - stand-in: ", out);
        md_text(out, as_str(id, "requirement"));
        fputs(" ", out);
        md_text(out, as_str(id, "title"));
        fputs(" (", out);
        md_text(out, or_blank(as_str(id, "stakeholder"), "anyone"));
        fputs(")", out);
        if (as_str(id, "note")) {
            fputs(": ", out);
            md_text(out, as_str(id, "note"));
        }
        fputs("\n", out);
    }
}

static void requirements(FILE *out, const iotssf_assessment *a, const json_t *m)
{
    fputs("\n### Requirements and evidence\n", out);
    for (int p = 1; p <= 4; p++) {
        size_t i, shown = 0;
        const json_t *v;
        json_array_foreach(as_arr(m, "verdicts"), i, v) {
            if (as_int(v, "perspective", 0) != p)
                continue;
            if (!shown++)
                fprintf(out, "\n#### Perspective %d: %s\n\n", p, perspective_name(p));
            fputs("- **", out);
            md_text(out, as_str(v, "requirement"));
            fprintf(out, "** %s", or_blank(as_str(v, "verdict"), ""));
            if (as_str(v, "basis") && strcmp(as_str(v, "basis"), "declared") == 0)
                fputs(" (declared, not verified)", out);
            fputs(": ", out);
            md_text(out, as_str(v, "title"));
            fputs(" (", out);
            md_text(out, or_blank(as_str(v, "need"), ""));
            fputs("). ", out);
            md_text(out, as_str(v, "reason"));
            fputs("\n", out);
            evidence(out, a, v);
        }
    }
}

iotssf_status assessment_md(FILE *out, const iotssf_assessment *a, iotssf_error *err)
{
    (void)err;
    header(out, a);
    summary(out, a);
    size_t i;
    const json_t *m;
    json_array_foreach(as_arr(a->doc, "modes"), i, m) {
        fprintf(out, "## Use mode %zu: ", i + 1);
        md_text(out, as_str(m, "name"));
        fputs("\n\nCategory ", out);
        md_text(out, as_str(m, "category"));
        fputs(" (", out);
        md_text(out, as_str(m, "category_name"));
        fputs("), tier ", out);
        md_text(out, mode_tier_id(m));
        fputs(" (", out);
        md_text(out, as_str(m, "tier_name"));
        fputs(").\n\n", out);
        conformity(out, m);
        gaps(out, m);
        requirements(out, a, m);
        fputs("\n", out);
    }
    return IOTSSF_OK;
}
