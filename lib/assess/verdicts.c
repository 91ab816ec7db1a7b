/*
 * One use mode's verdicts: for each requirement its tier applies, what the
 * evidence says, in a fixed order of trust. Not applicable by the device's
 * features; failed by a machine finding (low severity or worse; info findings
 * are kept as notes); passed by a machine check that covers it (an evidence
 * source was given, the requirement can be verified that way, and a rule of
 * that source checks it); else what the maker declared; else no evidence.
 * A machine failure beats a declared "yes", and the reason says so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assess_internal.h"

enum { REASON_MAX = 1024, RULES_LISTED = 6 };

typedef struct text_buf {
    char text[REASON_MAX];
    size_t used;
} text_buf;

static void put(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_buf *b, const char *fmt, ...)
{
    if (b->used + 1 >= sizeof b->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->text + b->used, sizeof b->text - b->used, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if (b->used + (size_t)n < sizeof b->text) {
        b->used += (size_t)n;
        return;
    }
    /* Cut: never leave half a UTF-8 character at the end. */
    b->used = sizeof b->text - 1;
    while (b->used > 0 && ((unsigned char)b->text[b->used - 1] & 0xC0) == 0x80)
        b->used--;
    if (b->used > 0 && (unsigned char)b->text[b->used - 1] >= 0xC0)
        b->used--;
    b->text[b->used] = '\0';
}

static bool rule_names(const iotssf_rule_def *rule, const char *requirement_id)
{
    for (size_t i = 0; i < rule->requirement_count; i++)
        if (strcmp(rule->requirements[i], requirement_id) == 0)
            return true;
    return false;
}

static unsigned verify_bit(evidence_source s)
{
    return s == SOURCE_FIRMWARE ? IOTSSF_VERIFY_FIRMWARE : IOTSSF_VERIFY_PROBE;
}

/* Lists the rules of source `s` that check `r`; returns how many. */
static size_t covering_rules(const iotssf_rule_set *rules, evidence_source s,
                             const iotssf_requirement *r, text_buf *b)
{
    size_t found = 0;
    for (size_t i = 0; rules && i < iotssf_rules_count(rules); i++) {
        const iotssf_rule_def *rule = iotssf_rules_at(rules, i);
        if (evidence_source_of_rule(rule->id) != (int)s || !rule_names(rule, r->id))
            continue;
        if (b && found < RULES_LISTED)
            put(b, "%s%s", found ? ", " : "", rule->id);
        else if (b && found == RULES_LISTED)
            put(b, ", ...");
        found++;
    }
    return found;
}

/* Sorts the evidence's findings on `r` into failing ones and notes. */
static iotssf_status gather_findings(const verdict_inputs *in, const iotssf_requirement *r,
                                     arena *a, verdict_detail *d, iotssf_severity *worst,
                                     iotssf_error *err)
{
    const iotssf_findings *all = in->evidence ? &in->evidence->findings : NULL;
    size_t n = all ? all->count : 0, failing = 0, notes = 0;
    for (size_t i = 0; i < n; i++)
        if (rule_names(all->items[i].rule, r->id)) {
            if (all->items[i].severity >= IOTSSF_SEV_LOW)
                failing++;
            else
                notes++;
        }
    d->findings = failing ? arena_alloc(a, failing * sizeof *d->findings) : NULL;
    d->notes = notes ? arena_alloc(a, notes * sizeof *d->notes) : NULL;
    if ((failing && !d->findings) || (notes && !d->notes))
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    *worst = IOTSSF_SEV_INFO;
    for (size_t i = 0; i < n; i++) {
        const iotssf_finding *f = &all->items[i];
        if (!rule_names(f->rule, r->id))
            continue;
        if (f->severity < IOTSSF_SEV_LOW) {
            d->notes[d->note_count++] = i;
            continue;
        }
        d->findings[d->finding_count++] = i;
        if (f->severity > *worst)
            *worst = f->severity;
    }
    return IOTSSF_OK;
}

static void explain_failure(const verdict_inputs *in, const verdict_detail *d, text_buf *b)
{
    put(b, "failed ");
    for (size_t k = 0; k < d->finding_count && k < RULES_LISTED; k++) {
        const iotssf_finding *f = &in->evidence->findings.items[d->findings[k]];
        char id[24];
        evidence_finding_id(d->findings[k], id);
        put(b, "%s%s (%s, %s)", k ? ", " : "", f->rule->id, id, iotssf_severity_name(f->severity));
    }
    if (d->finding_count > RULES_LISTED)
        put(b, " and %zu more", d->finding_count - RULES_LISTED);
    if (d->answer && d->answer->value == IOTSSF_ANSWER_YES)
        put(b, "; the declared 'yes' (%s) is overruled by this evidence", d->answer->question);
}

/* A pass by machine checks, when a given source covers the requirement. */
static bool machine_pass(const verdict_inputs *in, const iotssf_requirement *r, text_buf *b)
{
    bool passed = false;
    for (int s = 0; s < SOURCE_COUNT; s++) {
        if (!in->evidence || !in->evidence->given[s] || !(r->verification & verify_bit(s)) ||
            covering_rules(in->rules, (evidence_source)s, r, NULL) == 0)
            continue;
        put(b, "%s%s checks passed: ", passed ? "; " : "", evidence_source_name(s));
        covering_rules(in->rules, (evidence_source)s, r, b);
        passed = true;
    }
    return passed;
}

static void declared(const iotssf_answer *ans, iotssf_requirement_verdict *v, text_buf *b)
{
    v->basis = IOTSSF_BASIS_DECLARED;
    switch (ans->value) {
    case IOTSSF_ANSWER_YES:
        v->verdict = IOTSSF_VERDICT_PASS;
        put(b, "declared met (%s)", ans->question);
        if (ans->document)
            put(b, "; document: %s", ans->document);
        break;
    case IOTSSF_ANSWER_NO:
        v->verdict = IOTSSF_VERDICT_FAIL;
        put(b, "declared not met (%s)%s", ans->question,
            ans->justification ? "; justification given" : "; no justification given");
        break;
    default:
        v->verdict = IOTSSF_VERDICT_NOT_APPLICABLE;
        put(b, "declared not applicable (%s): %s", ans->question,
            ans->note ? ans->note : "no reason given");
        break;
    }
}

static void explain_no_evidence(const verdict_inputs *in, const iotssf_requirement *r,
                                text_buf *b)
{
    put(b, "no evidence");
    const char *sep = ": ";
    for (int s = 0; s < SOURCE_COUNT; s++) {
        if (!(r->verification & verify_bit(s)))
            continue;
        bool given = in->evidence && in->evidence->given[s];
        if (!given)
            put(b, "%sno %s evidence was given (--%s)", sep, evidence_source_name(s),
                evidence_source_name(s));
        else
            put(b, "%sno %s rule checks it", sep, evidence_source_name(s));
        sep = "; ";
    }
    if (r->verification & (IOTSSF_VERIFY_DECLARATION | IOTSSF_VERIFY_DOCUMENT))
        put(b, "%sanswer Q-%s in the questionnaire", sep, r->id);
}

static iotssf_status judge(const verdict_inputs *in, const iotssf_applied_requirement *ap,
                           arena *a, iotssf_requirement_verdict *v, verdict_detail *d,
                           iotssf_error *err)
{
    const iotssf_requirement *r = ap->requirement;
    text_buf b = {{0}, 0};
    *v = (iotssf_requirement_verdict){ap, IOTSSF_VERDICT_NO_EVIDENCE, IOTSSF_BASIS_NONE,
                                      IOTSSF_SEV_INFO, NULL};
    memset(d, 0, sizeof *d);
    if (!ap->applicable) {
        char why[256];
        iotssf_not_applicable_reason(ap, why, sizeof why);
        v->verdict = IOTSSF_VERDICT_NOT_APPLICABLE;
        d->not_applicable_because = arena_strdup(a, why);
        d->reason = arena_printf(a, "not applicable: %s", why);
        return d->reason && d->not_applicable_because
                   ? IOTSSF_OK
                   : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    d->answer = iotssf_answers_for(in->answers, r->id);
    iotssf_status st = gather_findings(in, r, a, d, &v->worst_finding, err);
    if (st)
        return st;
    if (d->answer && d->answer->value == IOTSSF_ANSWER_NO)
        v->justification = d->answer->justification;
    if (d->finding_count) {
        v->verdict = IOTSSF_VERDICT_FAIL;
        v->basis = IOTSSF_BASIS_VERIFIED;
        explain_failure(in, d, &b);
    } else if (machine_pass(in, r, &b)) {
        v->verdict = IOTSSF_VERDICT_PASS;
        v->basis = IOTSSF_BASIS_VERIFIED;
        if (d->answer && d->answer->value != IOTSSF_ANSWER_YES)
            put(&b, "; the answer '%s' (%s) is noted", iotssf_answer_name(d->answer->value),
                d->answer->question);
    } else if (d->answer) {
        declared(d->answer, v, &b);
    } else {
        explain_no_evidence(in, r, &b);
    }
    if (d->note_count)
        put(&b, " (%zu info finding%s noted)", d->note_count, d->note_count == 1 ? "" : "s");
    for (char *c = b.text; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' '; /* a reason is one line, whatever the answers held */
    d->reason = arena_strdup(a, b.text);
    return d->reason ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
}

iotssf_status verdicts_take(const verdict_inputs *in, const iotssf_applied_requirement *applied,
                            size_t count, arena *a, mode_verdicts *out, iotssf_error *err)
{
    out->count = count;
    out->verdicts = arena_alloc(a, (count ? count : 1) * sizeof *out->verdicts);
    out->details = arena_alloc(a, (count ? count : 1) * sizeof *out->details);
    if (!out->verdicts || !out->details)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < count && !st; i++)
        st = judge(in, &applied[i], a, &out->verdicts[i], &out->details[i], err);
    return st;
}

iotssf_verdict verdict_of_standin(const verdict_inputs *in, const mode_verdicts *mode,
                                  const iotssf_requirement *r, arena *scratch)
{
    for (size_t i = 0; i < mode->count; i++)
        if (mode->verdicts[i].applied->requirement == r)
            return mode->verdicts[i].verdict;
    /* Not called for at this tier: judged as if it were, on the same evidence. */
    iotssf_applied_requirement ap = {r, IOTSSF_NEED_NONE, true, NULL, NULL};
    iotssf_requirement_verdict v;
    verdict_detail d;
    iotssf_error err;
    if (judge(in, &ap, scratch, &v, &d, &err) != IOTSSF_OK)
        return IOTSSF_VERDICT_NO_EVIDENCE;
    return v.verdict;
}
