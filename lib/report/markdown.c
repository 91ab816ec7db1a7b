/*
 * Markdown reports, for pasting into tickets, wikis and certification files.
 * Cell text is escaped so that a profile's words cannot break a table.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

/* Table cells: pipes and line breaks would end the cell or the row. */
static void md_cell(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else if (*s == '<')
            fputs("&lt;", out);
        else
            fputc(*s, out);
    }
}

static void device_heading(FILE *out, const iotssf_profile *p)
{
    fputs("\n## ", out);
    md_cell(out, p->id);
    fputs(": ", out);
    md_cell(out, p->vendor);
    fputc(' ', out);
    md_cell(out, p->model);
    fputs("\n\nSource: `", out);
    md_cell(out, p->file);
    fputs("`\n", out);
}

static void axis_rows(FILE *out, const iotssf_policy *p, int axis, const iotssf_placement *pl)
{
    const iotssf_axis_placement *a = &pl->axis[axis];
    for (size_t i = 0; i < a->matched_count; i++) {
        const iotssf_rule *r = a->matched[i];
        char evidence[512];
        fprintf(out, "| %d | %s%s%s | %d | ", axis + 1, iotssf_rule_decides(a, r) ? "**" : "",
                r->id, iotssf_rule_decides(a, r) ? "**" : "", r->level);
        md_cell(out, rule_evidence(r, pl->mode, evidence, sizeof evidence));
        fputs(" | ", out);
        md_cell(out, r->why);
        fputs(" |\n", out);
    }
    if (a->defaulted)
        fprintf(out, "| %d | (default) | %d | no rule holds | %s |\n", axis + 1,
                a->computed_level, iotssf_policy_level(p, axis, a->computed_level)->name);
}

static void placement_md(FILE *out, const iotssf_policy *p, const iotssf_placement *pl)
{
    fputs("\n### Use mode ", out);
    md_cell(out, pl->mode->id);
    fputs(": ", out);
    md_cell(out, pl->mode->name);
    fprintf(out, "\n\n**Category %s (%s)**: axis 1 level %d (%s), axis 2 level %d (%s); "
                 "tier **%s %s**\n\n",
            pl->category->id, pl->category->name, pl->axis[0].level,
            iotssf_policy_level(p, 0, pl->axis[0].level)->name, pl->axis[1].level,
            iotssf_policy_level(p, 1, pl->axis[1].level)->name, pl->tier->id, pl->tier->name);
    fputs("| axis | rule | level | facts | why |\n|---|---|---|---|---|\n", out);
    axis_rows(out, p, 0, pl);
    axis_rows(out, p, 1, pl);
    for (int axis = 0; axis < 2; axis++) {
        const iotssf_override *o = pl->axis[axis].override;
        if (!o)
            continue;
        fprintf(out, "\n> Override of axis %d: level %d instead of %d. Justification: ",
                axis + 1, o->level, pl->axis[axis].computed_level);
        md_cell(out, o->justification);
        fputc('\n', out);
    }
}

static void requirements_md(FILE *out, const iotssf_mode_result *m)
{
    for (int persp = 1; persp <= 4; persp++) {
        bool any = false;
        for (size_t i = 0; i < m->applied_count; i++) {
            const iotssf_applied_requirement *a = &m->applied[i];
            const iotssf_requirement *r = a->requirement;
            if (r->perspective != persp)
                continue;
            if (!any)
                fprintf(out, "\n#### Perspective %d: %s\n\n| id | need | stakeholder | "
                             "requirement | verified by | stand-ins |\n|---|---|---|---|---|---|\n",
                        persp, perspective_title(persp));
            any = true;
            char methods[64];
            fprintf(out, "| %s | %s | %s | ", r->id,
                    a->applicable ? iotssf_need_name(a->need) : "n/a", r->stakeholder);
            md_cell(out, r->title);
            fprintf(out, " | %s | ", verification_list(r->verification, methods, sizeof methods));
            for (size_t k = 0; k < r->substitute_count; k++)
                fprintf(out, "%s%s", k ? ", " : "", r->substitutes[k].requirement->id);
            fputs(" |\n", out);
        }
    }
}

static void scheme_md(FILE *out, const iotssf_baseline *b, const iotssf_mode_result *m)
{
    fputs("\n", out);
    md_cell(out, b->title);
    fputs("\n\n| item | status | need | title | our requirements |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < m->scheme_item_count; i++) {
        const iotssf_scheme_item *it = &m->scheme_items[i];
        char status[64];
        fprintf(out, "| %s | %s | %s | ", it->item->id,
                item_status(it->item, status, sizeof status),
                it->by_count == 0 ? "not called for"
                : !it->applicable ? "n/a"
                                  : iotssf_need_name(it->need));
        md_cell(out, it->item->title);
        fputs(" | ", out);
        for (size_t k = 0; k < it->by_count; k++)
            fprintf(out, "%s%s", k ? ", " : "", it->by[k]->requirement->id);
        fputs(" |\n", out);
    }
}

static iotssf_status md_begin(iotssf_report *r, iotssf_error *err)
{
    (void)err;
    fprintf(r->out, "# IoT-SSF %s\n\nPolicy `%s` %s.\n",
            r->kind == IOTSSF_REPORT_CATEGORIZE ? "categorization" : "requirements",
            iotssf_policy_id(r->policy), iotssf_policy_version(r->policy));
    return IOTSSF_OK;
}

static iotssf_status md_profile(iotssf_report *r, const iotssf_profile_result *pr,
                                iotssf_error *err)
{
    (void)err;
    device_heading(r->out, pr->profile);
    for (size_t i = 0; i < pr->mode_count; i++) {
        const iotssf_mode_result *m = &pr->modes[i];
        if (r->kind == IOTSSF_REPORT_CATEGORIZE) {
            placement_md(r->out, r->policy, &m->placement);
            continue;
        }
        const iotssf_placement *pl = &m->placement;
        need_counts n = count_needs(m);
        fputs("\n### Use mode ", r->out);
        md_cell(r->out, pl->mode->id);
        fprintf(r->out, ": category %s, tier %s %s\n\n%zu required, %zu recommended, %zu not "
                        "applicable.\n",
                pl->category->id, pl->tier->id, pl->tier->name, n.required, n.recommended,
                n.not_applicable);
        if (r->scheme)
            scheme_md(r->out, r->scheme, m);
        else
            requirements_md(r->out, m);
    }
    return IOTSSF_OK;
}

static iotssf_status md_end(iotssf_report *r, iotssf_error *err)
{
    (void)r;
    (void)err;
    return IOTSSF_OK;
}

const report_writer report_md_writer = {md_begin, md_profile, md_end};
