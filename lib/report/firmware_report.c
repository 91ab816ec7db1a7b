/*
 * The firmware inspection report: a summary a person can read in ten seconds
 * (layout with offsets, contents, architectures, worst findings first) and
 * the same as JSON ("iotssf.firmware/1") for pipelines; SARIF goes through
 * sarif.c, the SBOM through sbom_cyclonedx.c. The components the image
 * carries and their known vulnerabilities are part of both reports.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "iotssf/firmware.h"
#include "json_text.h"
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

static void upper(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *p = s; *p && k + 1 < size; p++)
        buf[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    buf[k] = '\0';
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
    upper(iotssf_severity_name(f->severity), sev, sizeof sev);
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

/* Text from the image as it may go to a terminal: control characters (an
 * escape sequence in a file name) become '?'. */
static const char *clean(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *p = s ? s : ""; *p && k + 1 < size; p++)
        buf[k++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
    buf[k] = '\0';
    return buf;
}

/* Where a component was seen first: its first file, else its first evidence. */
static void component_where(const iotssf_component *c, char *buf, size_t size)
{
    const char *origin = NULL, *path = NULL;
    if (c->file_count)
        origin = c->files[0].origin, path = c->files[0].path;
    else if (c->evidence_count)
        origin = c->evidence[0].origin, path = c->evidence[0].path;
    size_t more = (c->file_count ? c->file_count : c->evidence_count);
    char raw[4200];
    snprintf(raw, sizeof raw, "%s%s%s", origin ? origin : "", origin && path ? ":" : "",
             path ? path : "-");
    clean(raw, buf, size);
    if (more > 1) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, " (+%zu more)", more - 1);
    }
}

static void component_version(const iotssf_component *c, char *buf, size_t size)
{
    char version[200];
    if (!c->version)
        snprintf(buf, size, "version unknown");
    else
        snprintf(buf, size, "%s%s", clean(c->version, version, sizeof version),
                 c->version_partial ? " (partial)" : "");
}

/* A stripped image can carry dozens of components; the first screen shows a
 * readable number and JSON/SBOM keep all. */
enum { SHOWN_COMPONENTS = 40, SHOWN_VULNS_PER_COMPONENT = 5 };

static void text_components(FILE *out, const iotssf_fw_result *r)
{
    const iotssf_components *cs = &r->components;
    fprintf(out, "components: %zu identified\n", cs->count);
    for (size_t i = 0; i < cs->count && i < SHOWN_COMPONENTS; i++) {
        const iotssf_component *c = &cs->items[i];
        char id[64], version[256], where[4200], note[1024];
        component_version(c, version, sizeof version);
        component_where(c, where, sizeof where);
        fprintf(out, "  %-16s %-24s %-6s  %s\n", clean(c->id, id, sizeof id), version,
                iotssf_confidence_name(c->confidence), where);
        if (c->note)
            fprintf(out, "  %-16s note: %s\n", "", clean(c->note, note, sizeof note));
    }
    if (cs->count > SHOWN_COMPONENTS)
        fprintf(out,
                "  ...              %zu more (all of them: --format json or --sbom cyclonedx)\n",
                cs->count - SHOWN_COMPONENTS);
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether vulnerability i is the first one of its component and version:
 * the list is worst first, so the component with the worst one leads. */
static bool first_of_component(const iotssf_vulns *v, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (same_text(v->items[k].component, v->items[i].component) &&
            same_text(v->items[k].version, v->items[i].version))
            return false;
    return true;
}

static void text_component_vulns(FILE *out, const iotssf_vulns *v, size_t first)
{
    const iotssf_vuln *head = &v->items[first];
    char component[64], version[200];
    fprintf(out, "  %s %s\n",
            head->component ? clean(head->component, component, sizeof component) : "?",
            clean(head->version, version, sizeof version));
    size_t shown = 0, total = 0;
    for (size_t k = first; k < v->count; k++) {
        const iotssf_vuln *x = &v->items[k];
        if (!same_text(x->component, head->component) || !same_text(x->version, head->version))
            continue;
        total++;
        if (shown == SHOWN_VULNS_PER_COMPONENT)
            continue;
        shown++;
        char sev[16], score[16], id[64], fixed[200];
        upper(iotssf_severity_name(x->severity), sev, sizeof sev);
        if (x->cvss_score >= 0)
            snprintf(score, sizeof score, "%.1f", x->cvss_score);
        else
            snprintf(score, sizeof score, "-");
        fprintf(out, "    %-8s %-18s %4s  %s%s\n", sev, x->id ? clean(x->id, id, sizeof id) : "?",
                score, x->fixed ? "fixed in " : "no fixed version known",
                x->fixed ? clean(x->fixed, fixed, sizeof fixed) : "");
    }
    if (total > shown)
        fprintf(out, "    ...      %zu more (all of them: --format json)\n", total - shown);
}

/* Components whose version is unknown or partial are never matched; saying
 * so keeps "no vulnerabilities" from reading as "safe". */
static void text_unchecked(FILE *out, const iotssf_components *cs)
{
    size_t n = 0;
    for (size_t i = 0; i < cs->count; i++) {
        const iotssf_component *c = &cs->items[i];
        if (c->version && !c->version_partial)
            continue;
        char id[64];
        fprintf(out, "%s %s", n ? "," : "  not checked (version unknown or partial):",
                clean(c->id, id, sizeof id));
        n++;
    }
    if (n)
        fputc('\n', out);
}

static void text_vulns(FILE *out, const iotssf_fw_result *r)
{
    const iotssf_vulns *v = &r->vulns;
    if (!r->vulns_checked) {
        fputs("known vulnerabilities: not checked (no vulnerability database)\n", out);
        return;
    }
    size_t by[5] = {0};
    for (size_t i = 0; i < v->count; i++)
        by[v->items[i].severity]++;
    fprintf(out, "known vulnerabilities: %zu (%zu critical, %zu high, %zu medium, %zu low)\n",
            v->count, by[4], by[3], by[2], by[1]);
    for (size_t i = 0; i < v->count; i++)
        if (first_of_component(v, i))
            text_component_vulns(out, v, i);
    text_unchecked(out, &r->components);
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
    text_components(out, r);
    text_vulns(out, r);
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

static void set_uint(json_t *o, const char *key, uint64_t v)
{
    json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *component_evidence_json(const iotssf_component_evidence *e)
{
    json_t *o = json_object();
    json_set_text(o, "method", e->method);
    json_set_text(o, "origin", e->origin);
    json_set_text(o, "path", e->path);
    set_uint(o, "offset", e->offset);
    json_set_text(o, "text", e->text);
    return o;
}

static json_t *component_file_json(const iotssf_component_file *f)
{
    json_t *o = json_object();
    json_set_text(o, "origin", f->origin);
    json_set_text(o, "path", f->path);
    json_set_text(o, "sha256", f->sha256);
    set_uint(o, "size", f->size);
    return o;
}

/* Unknown values are left out rather than written as "" or null. */
static json_t *component_json(const iotssf_component *c)
{
    json_t *o = json_object(), *evidence = json_array(), *files = json_array();
    json_set_text(o, "id", c->id);
    json_set_text(o, "name", c->name);
    json_set_text(o, "version", c->version);
    json_object_set_new(o, "version_partial", json_boolean(c->version_partial));
    json_set_text(o, "version_scheme", c->version_scheme);
    json_object_set_new(o, "confidence", json_string(iotssf_confidence_name(c->confidence)));
    json_set_text(o, "supplier", c->supplier);
    json_set_text(o, "cpe", c->cpe);
    json_set_text(o, "purl", c->purl);
    json_set_text(o, "license", c->license);
    json_set_text(o, "note", c->note);
    for (size_t i = 0; i < c->evidence_count; i++)
        json_array_append_new(evidence, component_evidence_json(&c->evidence[i]));
    for (size_t i = 0; i < c->file_count; i++)
        json_array_append_new(files, component_file_json(&c->files[i]));
    json_object_set_new(o, "evidence", evidence);
    json_object_set_new(o, "files", files);
    return o;
}

static json_t *vuln_json(const iotssf_vuln *v)
{
    json_t *o = json_object(), *refs = json_array();
    json_set_text(o, "id", v->id);
    json_set_text(o, "component", v->component);
    json_set_text(o, "version", v->version);
    json_object_set_new(o, "severity", json_string(iotssf_severity_name(v->severity)));
    if (v->cvss_score >= 0)
        json_object_set_new(o, "cvss_score", json_real(v->cvss_score));
    json_set_text(o, "cvss_vector", v->cvss_vector);
    json_set_text(o, "summary", v->summary);
    json_set_text(o, "introduced", v->introduced);
    json_set_text(o, "fixed", v->fixed);
    json_set_text(o, "source", v->source);
    for (size_t i = 0; i < v->reference_count; i++) {
        json_t *u = json_text(v->references[i]);
        if (u)
            json_array_append_new(refs, u);
    }
    json_object_set_new(o, "references", refs);
    return o;
}

static void add_components_and_vulns(json_t *report, const iotssf_fw_result *r)
{
    json_t *components = json_array(), *vulns = json_array();
    for (size_t i = 0; i < r->components.count; i++)
        json_array_append_new(components, component_json(&r->components.items[i]));
    for (size_t i = 0; i < r->vulns.count; i++)
        json_array_append_new(vulns, vuln_json(&r->vulns.items[i]));
    json_object_set_new(report, "components", components);
    json_object_set_new(report, "vulns", vulns);
    json_object_set_new(report, "vulns_checked", json_boolean(r->vulns_checked));
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
    add_components_and_vulns(o, r);
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
