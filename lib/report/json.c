/*
 * JSON reports for programs: a stable, versioned schema ("iotssf.categorize/1",
 * "iotssf.requirements/1"; documented in docs/json-schema.md). Built with
 * jansson one profile at a time and streamed as elements of "profiles".
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *device_json(const iotssf_profile *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", p->id, "kind", p->kind,
                     "vendor", p->vendor, "model", p->model, "hardware_version",
                     str_or_null(p->hardware_version), "firmware_version",
                     str_or_null(p->firmware_version), "firmware_image",
                     str_or_null(p->firmware_image));
}

static json_t *fact_json(iotssf_fact_id id, const iotssf_fact *f)
{
    const iotssf_fact_def *def = iotssf_fact_def_of(id);
    json_t *value;
    if (!f->present)
        value = json_null();
    else if (def->type == IOTSSF_FACT_NUMBER)
        value = json_real(f->number);
    else
        value = json_string(def->values[f->index]);
    json_t *o = json_pack("{s:o, s:b, s:b}", "value", value, "defaulted", f->defaulted,
                          "derived", def->derived);
    if (f->present && !f->defaulted && !def->derived) {
        json_object_set_new(o, "line", json_integer(f->pos.line));
        json_object_set_new(o, "column", json_integer(f->pos.column));
    }
    return o;
}

static json_t *rule_json(const iotssf_rule *r, const iotssf_axis_placement *a,
                         const iotssf_use_mode *m)
{
    json_t *facts = json_object();
    for (int f = 0; f < IOTSSF_FACT_COUNT; f++)
        if (r->facts & (1u << f))
            json_object_set_new(facts, iotssf_fact_def_of((iotssf_fact_id)f)->name,
                                fact_json((iotssf_fact_id)f, &m->facts[f]));
    return json_pack("{s:s, s:i, s:s, s:s, s:b, s:o}", "id", r->id, "level", r->level,
                     "condition", r->condition, "why", r->why, "decides",
                     iotssf_rule_decides(a, r), "facts", facts);
}

static json_t *axis_json(const iotssf_policy *p, int axis, const iotssf_placement *pl)
{
    const iotssf_axis_placement *a = &pl->axis[axis];
    json_t *rules = json_array();
    for (size_t i = 0; i < a->matched_count; i++)
        json_array_append_new(rules, rule_json(a->matched[i], a, pl->mode));
    json_t *ovr = json_null();
    if (a->override)
        ovr = json_pack("{s:i, s:s, s:i, s:i}", "level", a->override->level, "justification",
                        a->override->justification, "line", a->override->pos.line, "column",
                        a->override->pos.column);
    return json_pack("{s:i, s:s, s:s, s:i, s:b, s:o, s:o}", "level", a->level, "name",
                     iotssf_policy_level(p, axis, a->level)->name, "axis_name",
                     iotssf_policy_axis_name(p, axis), "computed_level", a->computed_level,
                     "defaulted", a->defaulted, "rules", rules, "override", ovr);
}

static json_t *tier_json(const iotssf_tier *t)
{
    json_t *eq = json_object();
    for (size_t i = 0; i < t->equivalent_count; i++)
        json_object_set_new(eq, t->equivalents[i].scheme,
                            json_pack("{s:s, s:o}", "level", t->equivalents[i].level, "note",
                                      str_or_null(t->equivalents[i].note)));
    return json_pack("{s:s, s:s, s:o}", "id", t->id, "name", t->name, "equivalents", eq);
}

static json_t *placement_json(const iotssf_policy *p, const iotssf_placement *pl)
{
    const iotssf_use_mode *m = pl->mode;
    json_t *facts = json_object();
    for (int f = 0; f < IOTSSF_FACT_COUNT; f++)
        json_object_set_new(facts, iotssf_fact_def_of((iotssf_fact_id)f)->name,
                            fact_json((iotssf_fact_id)f, &m->facts[f]));
    return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:{s:s, s:s}, s:o}", "id", m->id,
                     "name", m->name, "description", str_or_null(m->description),
                     "recovery_means", m->recovery_means, "facts", facts, "axis1",
                     axis_json(p, 0, pl), "axis2", axis_json(p, 1, pl), "category", "id",
                     pl->category->id, "name", pl->category->name, "tier", tier_json(pl->tier));
}

static json_t *refs_json(const iotssf_requirement *r)
{
    json_t *refs = json_object();
    for (size_t i = 0; i < r->ref_count; i++) {
        const char *scheme = r->refs[i].baseline->scheme;
        json_t *list = json_object_get(refs, scheme);
        if (!list) {
            list = json_array();
            json_object_set_new(refs, scheme, list);
        }
        json_array_append_new(list, json_string(r->refs[i].item->id));
    }
    return refs;
}

/* A requirement's own description, written once per report. */
static json_t *requirement_detail_json(const iotssf_requirement *r)
{
    static const char *const methods[] = {"firmware", "probe", "declaration", "document"};
    json_t *verification = json_array();
    for (int i = 0; i < 4; i++)
        if (r->verification & (1u << i))
            json_array_append_new(verification, json_string(methods[i]));
    json_t *subs = json_array();
    for (size_t i = 0; i < r->substitute_count; i++) {
        const iotssf_requirement *s = r->substitutes[i].requirement;
        json_array_append_new(subs, json_pack("{s:s, s:i, s:s, s:s}", "id", s->id, "perspective",
                                              s->perspective, "stakeholder", s->stakeholder,
                                              "note", r->substitutes[i].note));
    }
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o}", "title", r->title,
                     "statement", r->statement, "perspective", r->perspective, "phase", r->phase,
                     "stakeholder", r->stakeholder, "verification", verification, "substitutes",
                     subs, "refs", refs_json(r));
}

/* What one use mode needs of a requirement; details are in the header. */
static json_t *requirement_json(const iotssf_applied_requirement *a)
{
    json_t *o = json_pack("{s:s, s:s, s:b}", "id", a->requirement->id, "need",
                          iotssf_need_name(a->need), "applicable", a->applicable);
    char why[256];
    if (!a->applicable)
        json_object_set_new(o, "not_applicable_because",
                            json_string(iotssf_not_applicable_reason(a, why, sizeof why)));
    return o;
}

/* Dumps to memory and writes once: jansson's stream dump writes token by
 * token, which dominated the time of a 100,000-profile fleet. */
static int dump_json(const json_t *o, FILE *out, size_t flags)
{
    size_t need = json_dumpb(o, NULL, 0, flags);
    char *buf = need ? malloc(need) : NULL;
    if (!buf)
        return -1;
    json_dumpb(o, buf, need, flags);
    int rc = fwrite(buf, 1, need, out) == need ? 0 : -1;
    free(buf);
    return rc;
}

static json_t *scheme_items_json(const iotssf_mode_result *m)
{
    json_t *items = json_array();
    for (size_t i = 0; i < m->scheme_item_count; i++) {
        const iotssf_scheme_item *it = &m->scheme_items[i];
        json_t *by = json_array(), *conds = json_array();
        for (size_t k = 0; k < it->by_count; k++)
            json_array_append_new(by, json_string(it->by[k]->requirement->id));
        for (size_t k = 0; k < it->item->condition_count; k++)
            json_array_append_new(conds, json_string(it->item->conditions[k]));
        const char *need = it->by_count == 0 ? "not_called_for"
                           : !it->applicable ? "not_applicable"
                                             : iotssf_need_name(it->need);
        json_array_append_new(items, json_pack("{s:s, s:o, s:o, s:s, s:s, s:o}", "id",
                                               it->item->id, "status", str_or_null(it->item->status),
                                               "conditions", conds, "title", it->item->title,
                                               "need", need, "requirements", by));
    }
    return items;
}

static json_t *mode_requirements_json(const iotssf_report *r, const iotssf_mode_result *m)
{
    const iotssf_placement *pl = &m->placement;
    need_counts n = count_needs(m);
    json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:{s:s, s:s}, s:o, s:{s:I, s:I, s:I}}", "id",
                          pl->mode->id, "name", pl->mode->name, "axis1", pl->axis[0].level,
                          "axis2", pl->axis[1].level, "category", "id", pl->category->id,
                          "name", pl->category->name, "tier", tier_json(pl->tier), "summary",
                          "required", (json_int_t)n.required, "recommended",
                          (json_int_t)n.recommended, "not_applicable",
                          (json_int_t)n.not_applicable);
    if (r->scheme) {
        json_object_set_new(o, "items", scheme_items_json(m));
    } else {
        json_t *list = json_array();
        for (size_t i = 0; i < m->applied_count; i++)
            json_array_append_new(list, requirement_json(&m->applied[i]));
        json_object_set_new(o, "requirements", list);
    }
    return o;
}

static iotssf_status json_begin(iotssf_report *r, iotssf_error *err)
{
    const char *schema =
        r->kind == IOTSSF_REPORT_CATEGORIZE ? IOTSSF_SCHEMA_CATEGORIZE : IOTSSF_SCHEMA_REQUIREMENTS;
    fputs("{\"schema\": ", r->out);
    iotssf_json_string(r->out, schema);
    fputs(", \"policy\": {\"id\": ", r->out);
    iotssf_json_string(r->out, iotssf_policy_id(r->policy));
    fputs(", \"version\": ", r->out);
    iotssf_json_string(r->out, iotssf_policy_version(r->policy));
    fputs(", \"file\": ", r->out);
    iotssf_json_string(r->out, iotssf_policy_file(r->policy));
    fputs("}", r->out);
    if (r->kind == IOTSSF_REPORT_REQUIREMENTS && !r->scheme) {
        json_t *all = json_object();
        for (size_t i = 0; i < iotssf_catalog_requirement_count(r->catalog); i++) {
            const iotssf_requirement *q = iotssf_catalog_requirement(r->catalog, i);
            json_object_set_new(all, q->id, requirement_detail_json(q));
        }
        fputs(", \"catalog\": ", r->out);
        int rc = dump_json(all, r->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(all);
        if (rc)
            return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the JSON report failed");
    }
    if (r->scheme) {
        fputs(", \"scheme\": {\"id\": ", r->out);
        iotssf_json_string(r->out, r->scheme->scheme);
        fputs(", \"title\": ", r->out);
        iotssf_json_string(r->out, r->scheme->title);
        fputs("}", r->out);
    }
    fputs(", \"profiles\": [", r->out);
    return IOTSSF_OK;
}

static iotssf_status json_profile(iotssf_report *r, const iotssf_profile_result *pr,
                                  iotssf_error *err)
{
    json_t *modes = json_array();
    for (size_t i = 0; i < pr->mode_count; i++)
        json_array_append_new(modes, r->kind == IOTSSF_REPORT_CATEGORIZE
                                         ? placement_json(r->policy, &pr->modes[i].placement)
                                         : mode_requirements_json(r, &pr->modes[i]));
    json_t *o = json_pack("{s:s, s:i, s:o, s:o}", "file", pr->profile->file, "document",
                          pr->profile->document, "device", device_json(pr->profile),
                          "use_modes", modes);
    if (!o)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, pr->profile->file, 0, 0,
                           "could not build the JSON report");
    if (r->profiles_written)
        fputs(",", r->out);
    fputs("\n", r->out);
    int rc = dump_json(o, r->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (rc)
        return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the JSON report failed");
    return IOTSSF_OK;
}

static iotssf_status json_end(iotssf_report *r, iotssf_error *err)
{
    (void)err;
    fputs("\n]}\n", r->out);
    return IOTSSF_OK;
}

const report_writer report_json_writer = {json_begin, json_profile, json_end};
