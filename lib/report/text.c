/*
 * Plain-text reports for a terminal: what a person reads first. Each
 * placement shows its trace (which fact set which level through which rule),
 * each requirement list is grouped by IoT-SSF perspective and stakeholder.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static void device_line(FILE *out, const iotssf_profile *p)
{
    fprintf(out, "%s  %s %s", p->id, p->vendor, p->model);
    if (p->hardware_version)
        fprintf(out, " hw %s", p->hardware_version);
    if (p->firmware_version)
        fprintf(out, " fw %s", p->firmware_version);
    fprintf(out, "  (%s", p->file);
    if (p->document > 1)
        fprintf(out, ", document %u", p->document);
    fprintf(out, ")\n");
}

static void axis_text(FILE *out, const iotssf_policy *p, int axis, const iotssf_placement *pl)
{
    const iotssf_axis_placement *a = &pl->axis[axis];
    const iotssf_level *lv = iotssf_policy_level(p, axis, a->level);
    fprintf(out, "    axis %d  %-24s level %d  %s\n", axis + 1, iotssf_policy_axis_name(p, axis),
            a->level, lv->name);
    if (a->defaulted)
        fprintf(out, "      no rule holds; the policy's default level %d applies\n",
                a->computed_level);
    for (size_t i = 0; i < a->matched_count; i++) {
        const iotssf_rule *r = a->matched[i];
        char evidence[512];
        fprintf(out, "      %s %-20s -> %d  because %s\n",
                iotssf_rule_decides(a, r) ? "*" : " ", r->id, r->level,
                rule_evidence(r, pl->mode, evidence, sizeof evidence));
        if (iotssf_rule_decides(a, r))
            fprintf(out, "        %s\n", r->why);
    }
    if (a->override)
        fprintf(out, "      OVERRIDE: level %d instead of %d (line %u): %s\n", a->override->level,
                a->computed_level, a->override->pos.line, a->override->justification);
}

static void placement_text(FILE *out, const iotssf_policy *p, const iotssf_placement *pl)
{
    const iotssf_use_mode *m = pl->mode;
    char sector[32];
    iotssf_fact_value_text(IOTSSF_FACT_SECTOR, &m->facts[IOTSSF_FACT_SECTOR], sector,
                           sizeof sector);
    fprintf(out, "  use mode %s: %s  [sector %s]\n", m->id, m->name, sector);
    fprintf(out, "    => category %s (%s), axis1 %d / axis2 %d, tier %s %s\n", pl->category->id,
            pl->category->name, pl->axis[0].level, pl->axis[1].level, pl->tier->id,
            pl->tier->name);
    axis_text(out, p, 0, pl);
    axis_text(out, p, 1, pl);
    const iotssf_fact *lk = &m->facts[IOTSSF_FACT_LIKELIHOOD];
    if (lk->present) {
        char v[32];
        fprintf(out, "    likelihood %s: recorded only; it does not change the category\n",
                iotssf_fact_value_text(IOTSSF_FACT_LIKELIHOOD, lk, v, sizeof v));
    }
}

static void requirement_text(FILE *out, const iotssf_applied_requirement *a)
{
    const iotssf_requirement *r = a->requirement;
    char methods[64];
    const char *need = !a->applicable ? "n/a" : iotssf_need_name(a->need);
    fprintf(out, "        %-12s %-11s %s  [%s]\n", r->id, need, r->title,
            verification_list(r->verification, methods, sizeof methods));
    char why[256];
    if (!a->applicable)
        fprintf(out, "          not applicable: %s\n",
                iotssf_not_applicable_reason(a, why, sizeof why));
    for (size_t i = 0; i < r->substitute_count; i++) {
        const iotssf_requirement *s = r->substitutes[i].requirement;
        fprintf(out, "          stand-in: %s (perspective %d, %s): %s\n", s->id, s->perspective,
                s->stakeholder, r->substitutes[i].note);
    }
}

static void requirements_text(FILE *out, const iotssf_mode_result *m)
{
    static const char *const stakeholders[] = {"maker", "service_provider", "operator", "user",
                                               "insurer", "regulator"};
    for (int persp = 1; persp <= 4; persp++) {
        bool header = false;
        for (size_t s = 0; s < sizeof stakeholders / sizeof *stakeholders; s++) {
            bool sub = false;
            for (size_t i = 0; i < m->applied_count; i++) {
                const iotssf_requirement *r = m->applied[i].requirement;
                if (r->perspective != persp || strcmp(r->stakeholder, stakeholders[s]) != 0)
                    continue;
                if (!header)
                    fprintf(out, "    Perspective %d: %s\n", persp, perspective_title(persp));
                if (!sub)
                    fprintf(out, "      carried by: %s\n", stakeholders[s]);
                header = sub = true;
                requirement_text(out, &m->applied[i]);
            }
        }
    }
}

static void scheme_text(FILE *out, const iotssf_baseline *b, const iotssf_mode_result *m)
{
    size_t counts[5] = {0}; /* not called for, n/a, recommended, required */
    fprintf(out, "    %s\n", b->title);
    for (size_t i = 0; i < m->scheme_item_count; i++) {
        const iotssf_scheme_item *it = &m->scheme_items[i];
        char status[64];
        const char *need = it->by_count == 0 ? "not called for"
                           : !it->applicable ? "n/a"
                                             : iotssf_need_name(it->need);
        counts[it->by_count == 0 ? 0 : !it->applicable ? 1 : 1 + it->need]++;
        fprintf(out, "      %-14s %-12s %-14s %s", it->item->id,
                item_status(it->item, status, sizeof status), need, it->item->title);
        for (size_t k = 0; k < it->by_count; k++)
            fprintf(out, "%s%s", k ? ", " : "  <- ", it->by[k]->requirement->id);
        fputc('\n', out);
    }
    fprintf(out, "    %zu items: %zu required, %zu recommended, %zu not applicable, %zu not called "
                 "for at this tier\n",
            m->scheme_item_count, counts[3], counts[2], counts[1], counts[0]);
}

static iotssf_status text_begin(iotssf_report *r, iotssf_error *err)
{
    (void)err;
    fprintf(r->out, "policy %s %s (%s)\n", iotssf_policy_id(r->policy),
            iotssf_policy_version(r->policy), iotssf_policy_file(r->policy));
    return IOTSSF_OK;
}

static iotssf_status text_profile(iotssf_report *r, const iotssf_profile_result *pr,
                                  iotssf_error *err)
{
    (void)err;
    fputc('\n', r->out);
    device_line(r->out, pr->profile);
    for (size_t i = 0; i < pr->mode_count; i++) {
        const iotssf_mode_result *m = &pr->modes[i];
        if (r->kind == IOTSSF_REPORT_CATEGORIZE) {
            placement_text(r->out, r->policy, &m->placement);
            continue;
        }
        const iotssf_placement *pl = &m->placement;
        need_counts n = count_needs(m);
        fprintf(r->out,
                "  use mode %s: category %s, tier %s %s: %zu required, %zu recommended, %zu not "
                "applicable\n",
                pl->mode->id, pl->category->id, pl->tier->id, pl->tier->name, n.required,
                n.recommended, n.not_applicable);
        if (r->scheme)
            scheme_text(r->out, r->scheme, m);
        else
            requirements_text(r->out, m);
    }
    return IOTSSF_OK;
}

static iotssf_status text_end(iotssf_report *r, iotssf_error *err)
{
    (void)err;
    if (r->kind == IOTSSF_REPORT_REQUIREMENTS && !r->scheme)
        fprintf(r->out, "\nIoT-SSF perspectives are not a strict order: where a requirement "
                        "cannot be met, the stand-ins listed under it (from other perspectives) "
                        "can carry part of its purpose.\n");
    return IOTSSF_OK;
}

const report_writer report_text_writer = {text_begin, text_profile, text_end};
