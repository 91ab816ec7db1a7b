/*
 * Report dispatch and the wording shared by every format.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

int iotssf_format_parse(const char *name, iotssf_format *out)
{
    static const char *const names[] = {"text", "json", "md", "svg", "sarif"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (iotssf_format)i;
            return 0;
        }
    if (strcmp(name, "markdown") == 0) {
        *out = IOTSSF_FORMAT_MD;
        return 0;
    }
    return -1;
}

const char *iotssf_format_name(iotssf_format f)
{
    static const char *const names[] = {"text", "json", "md", "svg", "sarif"};
    return names[f];
}

static const report_writer *writer_of(const iotssf_report *r, iotssf_error *err)
{
    switch (r->format) {
    case IOTSSF_FORMAT_TEXT:
        return &report_text_writer;
    case IOTSSF_FORMAT_JSON:
        return &report_json_writer;
    case IOTSSF_FORMAT_MD:
        return &report_md_writer;
    default:
        iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                    "this report is available as text, json or md, not %s",
                    iotssf_format_name(r->format));
        return NULL;
    }
}

iotssf_status report_io_check(FILE *out, iotssf_error *err)
{
    if (ferror(out))
        return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the report failed");
    return IOTSSF_OK;
}

iotssf_status iotssf_report_begin(iotssf_report *r, iotssf_error *err)
{
    const report_writer *w = writer_of(r, err);
    r->profiles_written = 0;
    return w ? w->begin(r, err) : err->status;
}

iotssf_status iotssf_report_profile(iotssf_report *r, const iotssf_profile_result *pr,
                                    iotssf_error *err)
{
    const report_writer *w = writer_of(r, err);
    if (!w)
        return err->status;
    iotssf_status st = w->profile(r, pr, err);
    r->profiles_written++;
    return st ? st : report_io_check(r->out, err);
}

iotssf_status iotssf_report_end(iotssf_report *r, iotssf_error *err)
{
    const report_writer *w = writer_of(r, err);
    if (!w)
        return err->status;
    iotssf_status st = w->end(r, err);
    if (!st)
        fflush(r->out);
    return st ? st : report_io_check(r->out, err);
}

const char *perspective_title(int perspective)
{
    switch (perspective) {
    case 1:
        return "the device or system before operation (design, manufacture)";
    case 2:
        return "the device or system in operation";
    case 3:
        return "operators, service providers and users";
    default:
        return "society's institutions (insurance, law, certification)";
    }
}

const char *verification_list(unsigned bits, char *buf, size_t size)
{
    static const char *const names[] = {"firmware", "probe", "declaration", "document"};
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4 && used < size; i++)
        if (bits & (1u << i))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[i]);
    return buf;
}

const char *rule_evidence(const iotssf_rule *rule, const iotssf_use_mode *mode, char *buf,
                          size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int f = 0; f < IOTSSF_FACT_COUNT && used < size; f++) {
        if (!(rule->facts & (1u << f)))
            continue;
        char value[64];
        iotssf_fact_value_text((iotssf_fact_id)f, &mode->facts[f], value, sizeof value);
        const iotssf_fact *fact = &mode->facts[f];
        if (iotssf_fact_def_of((iotssf_fact_id)f)->derived)
            used += (size_t)snprintf(buf + used, size - used, "%s%s = %s (derived)",
                                     used ? "; " : "", iotssf_fact_def_of((iotssf_fact_id)f)->name,
                                     value);
        else if (fact->defaulted)
            used += (size_t)snprintf(buf + used, size - used, "%s%s = %s (default)",
                                     used ? "; " : "", iotssf_fact_def_of((iotssf_fact_id)f)->name,
                                     value);
        else
            used += (size_t)snprintf(buf + used, size - used, "%s%s = %s (line %u)",
                                     used ? "; " : "", iotssf_fact_def_of((iotssf_fact_id)f)->name,
                                     value, fact->pos.line);
    }
    return buf;
}

const char *item_status(const iotssf_baseline_item *item, char *buf, size_t size)
{
    if (!item->status) {
        snprintf(buf, size, "-");
        return buf;
    }
    size_t used = (size_t)snprintf(buf, size, "%s", item->status);
    for (size_t i = 0; i < item->condition_count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : " (",
                                 item->conditions[i]);
    if (item->condition_count && used < size)
        snprintf(buf + used, size - used, ")");
    return buf;
}

need_counts count_needs(const iotssf_mode_result *m)
{
    need_counts c = {0, 0, 0};
    for (size_t i = 0; i < m->applied_count; i++) {
        const iotssf_applied_requirement *a = &m->applied[i];
        if (!a->applicable)
            c.not_applicable++;
        else if (a->need == IOTSSF_NEED_REQUIRED)
            c.required++;
        else
            c.recommended++;
    }
    return c;
}
