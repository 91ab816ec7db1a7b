/*
 * The firmware inspection report: a summary a person can read in ten seconds
 * (layout with offsets, contents, architectures, worst findings first) and
 * the same as JSON ("iotssf.firmware/1") for pipelines; SARIF goes through
 * sarif.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "iotssf/firmware.h"
#include "report_internal.h"

static void human_size(uint64_t bytes, char *buf, size_t size)
{
    if (bytes >= 10ull << 20)
        snprintf(buf, size, "%.1f MiB", (double)bytes / (1 << 20));
    else if (bytes >= 10ull << 10)
        snprintf(buf, size, "%.1f KiB", (double)bytes / (1 << 10));
    else
        snprintf(buf, size, "%llu B", (unsigned long long)bytes);
}

static void finding_where(const iotssf_finding *f, char *buf, size_t size)
{
    if (f->path && f->line)
        snprintf(buf, size, "%s:%s:%u", f->origin ? f->origin : "", f->path, f->line);
    else if (f->path)
        snprintf(buf, size, "%s:%s%s", f->origin ? f->origin : "", f->path, "");
    else if (f->host)
        snprintf(buf, size, "%s:%d/%s", f->host, f->port, f->transport ? f->transport : "tcp");
    else
        snprintf(buf, size, "-");
}

static void text_layout(FILE *out, const iotssf_fw_result *r)
{
    fprintf(out, "layout\n");
    for (size_t i = 0; i < r->region_count; i++) {
        const iotssf_fw_region *g = &r->regions[i];
        char len[32];
        human_size(g->length, len, sizeof len);
        fprintf(out, "  %*s0x%08llx  %-12s %10s  %s", (int)g->depth * 2, "",
                (unsigned long long)g->offset, g->format, g->length ? len : "to end",
                g->detail ? g->detail : "");
        if (g->entries)
            fprintf(out, "  (%llu entries)", (unsigned long long)g->entries);
        if (g->container[0])
            fprintf(out, "  in %s", g->container);
        fputc('\n', out);
    }
    if (!r->region_count)
        fprintf(out, "  nothing recognised\n");
}

static void text_finding(FILE *out, const iotssf_finding *f)
{
    char where[4600];
    finding_where(f, where, sizeof where);
    char sev[16];
    size_t k = 0;
    for (const char *p = iotssf_severity_name(f->severity); *p && k + 1 < sizeof sev; p++)
        sev[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    sev[k] = '\0';
    fprintf(out, "  %-8s %-32s %s\n           %s\n", sev, f->rule->id, where, f->message);
    if (f->evidence)
        fprintf(out, "           evidence: %s\n", f->evidence);
    if (f->rule->requirement_count) {
        fprintf(out, "           bears on:");
        for (size_t q = 0; q < f->rule->requirement_count; q++)
            fprintf(out, " %s", f->rule->requirements[q]);
        fputc('\n', out);
    }
}

/* Findings are sorted by severity, then rule: a rule that fires on hundreds
 * of files (missing hardening in every binary) shows a few and a count, so
 * the worst findings stay on the first screen. JSON and SARIF keep all. */
enum { SHOWN_PER_RULE = 3 };

static void text_findings(FILE *out, const iotssf_fw_result *r)
{
    size_t by[5] = {0};
    for (size_t i = 0; i < r->findings.count; i++)
        by[r->findings.items[i].severity]++;
    fprintf(out, "findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n", by[4],
            by[3], by[2], by[1], by[0]);
    for (size_t i = 0; i < r->findings.count;) {
        size_t j = i;
        while (j < r->findings.count && r->findings.items[j].rule == r->findings.items[i].rule)
            j++;
        for (size_t k = i; k < j && k < i + SHOWN_PER_RULE; k++)
            text_finding(out, &r->findings.items[k]);
        if (j - i > SHOWN_PER_RULE)
            fprintf(out, "  ...      %-32s %zu more (all of them: --format json)\n",
                    r->findings.items[i].rule->id, j - i - SHOWN_PER_RULE);
        i = j;
    }
}

static iotssf_status firmware_text(FILE *out, const iotssf_fw_result *r, iotssf_error *err)
{
    char size[32], unpacked[32];
    human_size(r->image_size, size, sizeof size);
    human_size(r->unpacked_bytes, unpacked, sizeof unpacked);
    fprintf(out, "%s  %s  sha256 %s\n", r->image, size, r->sha256);
    text_layout(out, r);
    fprintf(out,
            "contents: %llu files, %llu directories, %llu symlinks, %llu devices, %llu other; "
            "%s unpacked\n",
            (unsigned long long)r->files, (unsigned long long)r->directories,
            (unsigned long long)r->symlinks, (unsigned long long)r->devices,
            (unsigned long long)r->other_entries, unpacked);
    fprintf(out, "architecture:");
    for (size_t i = 0; i < r->arch_count; i++)
        fprintf(out, "%s %s (%llu ELF files)", i ? "," : "", r->arches[i].name,
                (unsigned long long)r->arches[i].files);
    fprintf(out, "%s\n", r->arch_count ? "" : " no ELF files");
    if (r->extracted)
        fprintf(out, "extracted: %llu entries\n", (unsigned long long)r->extracted);
    text_findings(out, r);
    if (r->warning_count) {
        fprintf(out, "warnings (%zu): what was skipped or damaged\n", r->warning_count);
        for (size_t i = 0; i < r->warning_count; i++)
            fprintf(out, "  %s%s%s\n", r->warnings[i].where, r->warnings[i].where[0] ? ": " : "",
                    r->warnings[i].message);
    }
    return report_io_check(out, err);
}

static json_t *finding_json(const iotssf_finding *f)
{
    json_t *reqs = json_array();
    for (size_t q = 0; q < f->rule->requirement_count; q++)
        json_array_append_new(reqs, json_string(f->rule->requirements[q]));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "rule", f->rule->id, "severity",
                          iotssf_severity_name(f->severity), "title", f->rule->title, "message",
                          f->message, "requirements", reqs);
    if (f->evidence)
        json_object_set_new(o, "evidence", json_string(f->evidence));
    if (f->path) {
        json_object_set_new(o, "origin", json_string(f->origin ? f->origin : ""));
        json_object_set_new(o, "path", json_string(f->path));
        if (f->line)
            json_object_set_new(o, "line", json_integer(f->line));
        if (f->offset)
            json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
    }
    if (f->host) {
        json_object_set_new(o, "host", json_string(f->host));
        json_object_set_new(o, "port", json_integer(f->port));
        json_object_set_new(o, "transport", json_string(f->transport ? f->transport : "tcp"));
    }
    return o;
}

static iotssf_status firmware_json(FILE *out, const iotssf_fw_result *r, iotssf_error *err)
{
    json_t *regions = json_array(), *warnings = json_array(), *findings = json_array(),
           *arches = json_array();
    for (size_t i = 0; i < r->region_count; i++) {
        const iotssf_fw_region *g = &r->regions[i];
        json_array_append_new(
            regions, json_pack("{s:s, s:s, s:I, s:I, s:i, s:s, s:I}", "format", g->format,
                               "container", g->container, "offset", (json_int_t)g->offset,
                               "length", (json_int_t)g->length, "depth", g->depth, "detail",
                               g->detail ? g->detail : "", "entries", (json_int_t)g->entries));
    }
    for (size_t i = 0; i < r->warning_count; i++)
        json_array_append_new(warnings, json_pack("{s:s, s:s}", "where", r->warnings[i].where,
                                                  "message", r->warnings[i].message));
    for (size_t i = 0; i < r->findings.count; i++)
        json_array_append_new(findings, finding_json(&r->findings.items[i]));
    for (size_t i = 0; i < r->arch_count; i++)
        json_array_append_new(arches, json_pack("{s:s, s:I}", "name", r->arches[i].name, "files",
                                                (json_int_t)r->arches[i].files));
    json_t *o = json_pack(
        "{s:s, s:{s:s, s:I, s:s}, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o}",
        "schema", IOTSSF_SCHEMA_FIRMWARE, "image", "path", r->image, "size",
        (json_int_t)r->image_size, "sha256", r->sha256, "layout", regions, "contents", "files",
        (json_int_t)r->files, "directories", (json_int_t)r->directories, "symlinks",
        (json_int_t)r->symlinks, "devices", (json_int_t)r->devices, "other",
        (json_int_t)r->other_entries, "unpacked_bytes", (json_int_t)r->unpacked_bytes,
        "extracted", (json_int_t)r->extracted, "architectures", arches, "findings", findings,
        "warnings", warnings);
    if (!o)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the JSON report");
    int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the report failed")
              : report_io_check(out, err);
}

iotssf_status iotssf_firmware_report(FILE *out, iotssf_format format,
                                     const struct iotssf_fw_result *r, iotssf_error *err)
{
    switch (format) {
    case IOTSSF_FORMAT_TEXT:
        return firmware_text(out, r, err);
    case IOTSSF_FORMAT_JSON:
        return firmware_json(out, r, err);
    case IOTSSF_FORMAT_SARIF:
        return iotssf_findings_sarif(out, &r->findings, err);
    default:
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "the firmware report is available as text, json or sarif");
    }
}
