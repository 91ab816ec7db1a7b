/*
 * The parts of assessment.json (docs/assessment-format.md) that describe one
 * use mode (placement, verdicts with their reasons and stand-ins, summary,
 * tier conformity, schemes, grade), and the document's findings and answers
 * lists. Keys are written in the order the contract shows them.
 */
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"

/* A JSON string for text that may not be valid UTF-8 (evidence from an
 * image, a reason cut at its length limit): bytes that do not form a
 * character become '?', so no value is ever dropped from the document. */
json_t *assess_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    if (!copy)
        return json_null();
    for (unsigned char *p = (unsigned char *)copy; *p; p++)
        if (*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j ? j : json_null();
}

static json_t *axis_json(const iotssf_policy *policy, const iotssf_placement *pl, int axis)
{
    int level = pl->axis[axis].level;
    const iotssf_level *l = iotssf_policy_level(policy, axis, level);
    return json_pack("{s:i, s:o, s:o}", "level", level, "name", assess_text(l ? l->name : NULL),
                     "axis_name", assess_text(iotssf_policy_axis_name(policy, axis)));
}

static json_t *finding_ids(const size_t *indices, size_t count)
{
    json_t *ids = json_array();
    for (size_t i = 0; i < count; i++) {
        char id[24];
        evidence_finding_id(indices[i], id);
        json_array_append_new(ids, json_string(id));
    }
    return ids;
}

static json_t *stand_ins_json(const verdict_inputs *in, const mode_verdicts *mv,
                              const iotssf_requirement *r, arena *scratch)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->substitute_count; i++) {
        const iotssf_substitute *s = &r->substitutes[i];
        iotssf_verdict v = verdict_of_standin(in, mv, s->requirement, scratch);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:i, s:s, s:o, s:s, s:b}", "requirement",
                            s->requirement->id, "title", s->requirement->title, "perspective",
                            s->requirement->perspective, "stakeholder",
                            s->requirement->stakeholder, "note", assess_text(s->note),
                            "verdict", iotssf_verdict_name(v), "passed",
                            v == IOTSSF_VERDICT_PASS));
    }
    return list;
}

static json_t *verdict_json(const verdict_inputs *in, const mode_verdicts *mv, size_t i,
                            arena *scratch)
{
    const iotssf_requirement_verdict *v = &mv->verdicts[i];
    const verdict_detail *d = &mv->details[i];
    const iotssf_requirement *r = v->applied->requirement;
    json_t *answers = json_array();
    if (d->answer)
        json_array_append_new(answers, json_string(d->answer->question));
    bool wants_stand_ins = v->verdict == IOTSSF_VERDICT_FAIL ||
                           v->verdict == IOTSSF_VERDICT_NO_EVIDENCE;
    json_t *o = json_pack(
        "{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "requirement", r->id,
        "title", r->title, "perspective", r->perspective, "stakeholder", r->stakeholder, "phase",
        r->phase ? r->phase : "", "need", iotssf_need_name(v->applied->need), "verdict",
        iotssf_verdict_name(v->verdict), "basis", iotssf_basis_name(v->basis), "reason",
        assess_text(d->reason ? d->reason : ""), "not_applicable_because",
        assess_text(d->not_applicable_because), "findings",
        finding_ids(d->findings, d->finding_count), "answers", answers, "stand_ins",
        wants_stand_ins ? stand_ins_json(in, mv, r, scratch) : json_array());
    if (o && d->note_count)
        json_object_set_new(o, "notes", finding_ids(d->notes, d->note_count));
    if (o && v->justification)
        json_object_set_new(o, "justification", assess_text(v->justification));
    return o;
}

static const char *count_key(iotssf_verdict v)
{
    static const char *const keys[] = {"pass", "fail", "not_applicable", "no_evidence"};
    return keys[v];
}

static json_t *zero_counts(void)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "pass", 0, "fail", 0, "not_applicable", 0,
                     "no_evidence", 0);
}

static void bump(json_t *counts, iotssf_verdict v)
{
    json_t *n = json_object_get(counts, count_key(v));
    json_integer_set(n, json_integer_value(n) + 1);
}

static void bump_in(json_t *map, const char *key, iotssf_verdict v)
{
    json_t *counts = json_object_get(map, key);
    if (!counts) {
        counts = zero_counts();
        json_object_set_new(map, key, counts);
    }
    bump(counts, v);
}

static json_t *summary_json(const mode_verdicts *mv)
{
    json_t *s = zero_counts(), *by_p = json_object(), *by_s = json_object();
    for (size_t i = 0; i < mv->count; i++) {
        const iotssf_requirement_verdict *v = &mv->verdicts[i];
        const iotssf_requirement *r = v->applied->requirement;
        char p[16];
        snprintf(p, sizeof p, "%d", r->perspective);
        bump(s, v->verdict);
        bump_in(by_p, p, v->verdict);
        bump_in(by_s, r->stakeholder ? r->stakeholder : "unknown", v->verdict);
    }
    json_object_set_new(s, "by_perspective", by_p);
    json_object_set_new(s, "by_stakeholder", by_s);
    return s;
}

/* The tier asks every applicable required requirement to pass. */
static json_t *tier_conformity_json(const iotssf_placement *pl, const mode_verdicts *mv)
{
    json_t *failing = json_array(), *lacking = json_array();
    for (size_t i = 0; i < mv->count; i++) {
        const iotssf_requirement_verdict *v = &mv->verdicts[i];
        if (v->applied->need != IOTSSF_NEED_REQUIRED)
            continue;
        if (v->verdict == IOTSSF_VERDICT_FAIL)
            json_array_append_new(failing, json_string(v->applied->requirement->id));
        else if (v->verdict == IOTSSF_VERDICT_NO_EVIDENCE)
            json_array_append_new(lacking, json_string(v->applied->requirement->id));
    }
    bool complete = json_array_size(lacking) == 0;
    return json_pack("{s:s, s:b, s:b, s:o, s:o}", "tier", pl->tier ? pl->tier->id : "",
                     "conformant", json_array_size(failing) == 0 && complete, "complete",
                     complete, "failing", failing, "lacking_evidence", lacking);
}

static json_t *items_json(const iotssf_conformity *c)
{
    json_t *items = json_array();
    for (size_t i = 0; i < c->item_count; i++) {
        const iotssf_item_verdict *it = &c->items[i];
        json_t *reqs = json_array();
        for (size_t k = 0; k < it->by_count; k++)
            json_array_append_new(reqs, json_string(it->by[k]->applied->requirement->id));
        json_array_append_new(
            items, json_pack("{s:s, s:o, s:b, s:s, s:b, s:o}", "id", it->item->id, "status",
                             assess_text(it->item->status), "counts", it->counts, "verdict",
                             iotssf_verdict_name(it->verdict), "justified", it->justified,
                             "requirements", reqs));
    }
    return items;
}

static json_t *schemes_json(const iotssf_conformity *const *schemes, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const iotssf_conformity *c = schemes[i];
        json_array_append_new(
            list,
            json_pack("{s:s, s:o, s:i, s:b, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
                      "scheme", c->baseline->scheme, "title", assess_text(c->baseline->title),
                      "level", c->level, "conformant", c->conformant, "complete", c->complete,
                      "rule", assess_text(c->rule), "counts", "pass", (json_int_t)c->pass,
                      "fail", (json_int_t)c->fail, "not_applicable",
                      (json_int_t)c->not_applicable, "no_evidence", (json_int_t)c->no_evidence,
                      "justified", (json_int_t)c->justified, "uncited", (json_int_t)c->uncited,
                      "items", items_json(c)));
    }
    return list;
}

static json_t *grade_json(const iotssf_grade_result *g)
{
    json_t *gaps = json_array();
    for (size_t i = 0; i < g->gap_count; i++) {
        const iotssf_gap *gap = &g->gaps[i];
        /* A gap without a verdict is a scheme the grade needs but that was
         * not judged. */
        const iotssf_requirement_verdict *v = gap->verdict;
        json_t *requirement = v ? json_string(v->applied->requirement->id) : json_null();
        json_t *verdict = v ? json_string(iotssf_verdict_name(v->verdict)) : json_null();
        /* A declared pass can still block a grade that wants it verified. */
        json_t *basis = v ? json_string(iotssf_basis_name(v->basis)) : json_null();
        json_array_append_new(gaps, json_pack("{s:o, s:o, s:o, s:f, s:f, s:o}", "requirement",
                                              requirement, "verdict", verdict, "basis", basis,
                                              "impact", gap->impact, "cost", gap->cost, "why",
                                              assess_text(gap->why)));
    }
    return json_pack("{s:s, s:o, s:o, s:o}", "grade", g->grade ? g->grade : "none", "rule_file",
                     assess_text(g->rule_file), "next", assess_text(g->next), "gaps", gaps);
}

json_t *assess_mode_json(const iotssf_policy *policy, const iotssf_placement *pl,
                         const verdict_inputs *in, const mode_verdicts *mv,
                         const iotssf_conformity *const *schemes, size_t scheme_count,
                         const iotssf_grade_result *grade, const char *likelihood)
{
    arena scratch;
    arena_init(&scratch);
    json_t *verdicts = json_array();
    for (size_t i = 0; i < mv->count; i++)
        json_array_append_new(verdicts, verdict_json(in, mv, i, &scratch));
    arena_free(&scratch);
    bool overridden = pl->axis[0].override || pl->axis[1].override;
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        pl->mode->id, "name", pl->mode->name ? pl->mode->name : pl->mode->id, "category",
        pl->category ? pl->category->id : "", "tier", pl->tier ? pl->tier->id : "",
        "category_name", assess_text(pl->category ? pl->category->name : NULL), "tier_name",
        assess_text(pl->tier ? pl->tier->name : NULL), "axis1", axis_json(policy, pl, 0),
        "axis2", axis_json(policy, pl, 1), "overridden", overridden, "likelihood",
        assess_text(likelihood), "verdicts", verdicts, "summary", summary_json(mv),
        "tier_conformity", tier_conformity_json(pl, mv), "schemes",
        schemes_json(schemes, scheme_count), "grade", grade_json(grade));
}

static json_t *finding_json(const iotssf_finding *f, size_t index)
{
    char id[24];
    evidence_finding_id(index, id);
    json_t *reqs = json_array();
    for (size_t q = 0; q < f->rule->requirement_count; q++)
        json_array_append_new(reqs, json_string(f->rule->requirements[q]));
    int source = evidence_source_of_rule(f->rule->id);
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", id,
        "source", evidence_source_name(source < 0 ? SOURCE_FIRMWARE : (evidence_source)source),
        "rule", f->rule->id, "severity", iotssf_severity_name(f->severity), "title",
        f->rule->title, "message", assess_text(f->message ? f->message : ""), "evidence",
        assess_text(f->evidence), "origin", assess_text(f->path ? f->origin : NULL), "path",
        assess_text(f->path), "line", f->line ? json_integer(f->line) : json_null(), "offset",
        f->path && f->offset ? json_integer((json_int_t)f->offset) : json_null(), "host",
        assess_text(f->host), "port", f->host ? json_integer(f->port) : json_null(),
        "transport", assess_text(f->host ? (f->transport ? f->transport : "tcp") : NULL),
        "requirements", reqs);
}

json_t *assess_findings_json(const iotssf_evidence *e)
{
    json_t *list = json_array();
    for (size_t i = 0; e && i < e->findings.count; i++)
        json_array_append_new(list, finding_json(&e->findings.items[i], i));
    return list;
}

json_t *assess_answers_json(const iotssf_answers *a)
{
    json_t *list = json_array();
    for (size_t i = 0; a && i < a->count; i++) {
        const iotssf_answer *x = &a->items[i];
        if (x->value == IOTSSF_ANSWER_NONE)
            continue;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "question", x->question,
                            "requirement", x->requirement, "answer", iotssf_answer_name(x->value),
                            "document", assess_text(x->document), "justification",
                            assess_text(x->justification), "note", assess_text(x->note)));
    }
    return list;
}
