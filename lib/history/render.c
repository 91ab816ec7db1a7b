/*
 * The history as people and programs read it: text (one line per assessment,
 * the changes to the next one indented under it) and JSON
 * ("iotssf.history/1", docs/history.md). Texts come from assessment
 * documents, which are outside input, so control characters are replaced
 * before they reach a terminal.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "history_internal.h"

/* Writes s with control characters shown as '?'. */
static void put_clean(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void text_entry(FILE *out, const iotssf_history_entry *e)
{
    put_clean(out, e->assessed_at);
    fputs("  firmware ", out);
    put_clean(out, or_dash(e->firmware_version));
    fprintf(out, "  sha256 %.12s  grade ", or_dash(e->firmware_sha256));
    put_clean(out, or_dash(e->grade));
    fprintf(out, "  pass %ld fail %ld n/a %ld no-evidence %ld  findings %ld%s\n", e->pass,
            e->fail, e->not_applicable, e->no_evidence, e->findings,
            e->certificates ? "  certified" : "");
}

static void text_step(FILE *out, const iotssf_history_entry *from,
                      const iotssf_history_entry *to, const iotssf_history_step *s)
{
    fputs("  changes from ", out);
    put_clean(out, or_dash(from->firmware_version));
    fputs(" to ", out);
    put_clean(out, or_dash(to->firmware_version));
    fputs(s->verdict_count + s->finding_count ? ":\n" : ": none\n", out);
    for (size_t i = 0; i < s->verdict_count; i++) {
        const iotssf_history_verdict_change *c = &s->verdicts[i];
        fputs("    verdict   ", out);
        put_clean(out, c->requirement);
        fputs(" [", out);
        put_clean(out, c->mode);
        fputs("]: ", out);
        put_clean(out, c->old_verdict);
        fputs(" -> ", out);
        put_clean(out, c->new_verdict);
        fputc('\n', out);
    }
    for (size_t i = 0; i < s->finding_count; i++) {
        const iotssf_history_finding_change *c = &s->findings[i];
        fputs(c->appeared ? "    appeared  " : "    gone      ", out);
        put_clean(out, c->rule);
        fputs(" (", out);
        put_clean(out, or_dash(c->severity));
        fputs(") at ", out);
        put_clean(out, or_dash(c->location));
        fputc('\n', out);
    }
}

static void text_timeline(FILE *out, const iotssf_history_timeline *t)
{
    put_clean(out, t->device.id);
    fputs("  ", out);
    put_clean(out, t->device.vendor);
    fputc(' ', out);
    put_clean(out, t->device.model);
    fprintf(out, "  (%zu assessment%s)\n\n", t->entry_count, t->entry_count == 1 ? "" : "s");
    for (size_t i = 0; i < t->entry_count; i++) {
        text_entry(out, &t->entries[i]);
        if (i + 1 < t->entry_count)
            text_step(out, &t->entries[i], &t->entries[i + 1], &t->steps[i]);
    }
}

static json_t *json_entry(const iotssf_history_entry *e)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}, s:I, s:I}",
                     "assessed_at", e->assessed_at, "firmware_version", e->firmware_version,
                     "firmware_sha256", e->firmware_sha256, "grade", e->grade, "digest",
                     e->digest, "counts", "pass", (json_int_t)e->pass, "fail",
                     (json_int_t)e->fail, "not_applicable", (json_int_t)e->not_applicable,
                     "no_evidence", (json_int_t)e->no_evidence, "findings",
                     (json_int_t)e->findings, "certificates", (json_int_t)e->certificates);
}

static json_t *json_step(const iotssf_history_entry *from, const iotssf_history_entry *to,
                         const iotssf_history_step *s)
{
    json_t *verdicts = json_array(), *appeared = json_array(), *gone = json_array();
    for (size_t i = 0; i < s->verdict_count; i++) {
        const iotssf_history_verdict_change *c = &s->verdicts[i];
        json_array_append_new(verdicts,
                              json_pack("{s:s, s:s, s:s, s:s}", "requirement", c->requirement,
                                        "mode", c->mode, "old", c->old_verdict, "new",
                                        c->new_verdict));
    }
    for (size_t i = 0; i < s->finding_count; i++) {
        const iotssf_history_finding_change *c = &s->findings[i];
        json_array_append_new(c->appeared ? appeared : gone,
                              json_pack("{s:s, s:s, s:s}", "rule", c->rule, "location",
                                        c->location, "severity", c->severity));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o}", "from", from->digest, "to", to->digest,
                     "verdicts", verdicts, "findings_appeared", appeared,
                     "findings_disappeared", gone);
}

static iotssf_status dump(FILE *out, json_t *doc, iotssf_error *err)
{
    int rc = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(doc);
    if (rc != 0)
        return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "cannot write the history");
    fputc('\n', out);
    return IOTSSF_OK;
}

iotssf_status iotssf_history_write_timeline(FILE *out, iotssf_format format,
                                            const iotssf_history_timeline *t,
                                            iotssf_error *err)
{
    if (format == IOTSSF_FORMAT_TEXT) {
        text_timeline(out, t);
        return IOTSSF_OK;
    }
    if (format != IOTSSF_FORMAT_JSON)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "history is text or json");
    json_t *entries = json_array(), *steps = json_array();
    for (size_t i = 0; i < t->entry_count; i++) {
        json_array_append_new(entries, json_entry(&t->entries[i]));
        if (i + 1 < t->entry_count)
            json_array_append_new(steps,
                                  json_step(&t->entries[i], &t->entries[i + 1], &t->steps[i]));
    }
    return dump(out,
                json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "schema", IOTSSF_SCHEMA_HISTORY,
                          "device", "id", t->device.id, "vendor", t->device.vendor, "model",
                          t->device.model, "assessments", entries, "changes", steps),
                err);
}

iotssf_status iotssf_history_write_devices(FILE *out, iotssf_format format,
                                           const iotssf_history_device_list *list,
                                           iotssf_error *err)
{
    if (format != IOTSSF_FORMAT_TEXT && format != IOTSSF_FORMAT_JSON)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "history is text or json");
    json_t *devices = json_array();
    for (size_t i = 0; i < list->count; i++) {
        const iotssf_history_device *d = &list->items[i];
        if (format == IOTSSF_FORMAT_TEXT) {
            put_clean(out, d->id);
            fputs("  ", out);
            put_clean(out, d->vendor);
            fputc(' ', out);
            put_clean(out, d->model);
            fprintf(out, "  %zu assessment%s, last ", d->assessments,
                    d->assessments == 1 ? "" : "s");
            put_clean(out, or_dash(d->last_assessed_at));
            fputc('\n', out);
        } else {
            json_array_append_new(devices,
                                  json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", d->id, "vendor",
                                            d->vendor, "model", d->model, "assessments",
                                            (json_int_t)d->assessments, "last_assessed_at",
                                            d->last_assessed_at));
        }
    }
    if (format == IOTSSF_FORMAT_TEXT) {
        if (list->count == 0)
            fputs("no devices recorded yet\n", out);
        json_decref(devices);
        return IOTSSF_OK;
    }
    return dump(out, json_pack("{s:s, s:o}", "schema", IOTSSF_SCHEMA_HISTORY, "devices", devices),
                err);
}
