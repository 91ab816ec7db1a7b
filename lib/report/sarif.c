/*
 * Findings as SARIF 2.1.0, for code-scanning dashboards. One run; the rules
 * that fired are listed in the driver with their catalog requirements, and
 * each result points at the file (with its container) or host:port.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "iotssf/iotssf.h"
#include "report_internal.h"

static const char *sarif_level(iotssf_severity s)
{
    return s >= IOTSSF_SEV_HIGH ? "error" : s == IOTSSF_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning reads this to rank security results. */
static const char *security_severity(iotssf_severity s)
{
    static const char *const scores[] = {"0.0", "3.0", "5.5", "8.0", "9.5"};
    return scores[s];
}

static json_t *rule_json(const iotssf_rule_def *r)
{
    json_t *reqs = json_array();
    for (size_t i = 0; i < r->requirement_count; i++)
        json_array_append_new(reqs, json_string(r->requirements[i]));
    return json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:s, s:o}}", "id", r->id,
                     "shortDescription", "text", r->title, "fullDescription", "text",
                     r->description, "defaultConfiguration", "level", sarif_level(r->severity),
                     "properties", "security-severity", security_severity(r->severity),
                     "iotssf-severity", iotssf_severity_name(r->severity), "requirements", reqs);
}

static json_t *location_json(const iotssf_finding *f)
{
    char uri[8192];
    if (f->path)
        snprintf(uri, sizeof uri, "%s%s%s", f->origin ? f->origin : "", f->origin ? "/" : "",
                 f->path);
    else if (f->host)
        snprintf(uri, sizeof uri, "%s://%s:%d", f->transport ? f->transport : "tcp", f->host,
                 f->port);
    else
        return NULL;
    json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
    if (f->line)
        json_object_set_new(phys, "region", json_pack("{s:i}", "startLine", f->line));
    else if (f->path && f->offset)
        json_object_set_new(phys, "region", json_pack("{s:I}", "byteOffset", (json_int_t)f->offset));
    return json_pack("{s:o}", "physicalLocation", phys);
}

iotssf_status iotssf_findings_sarif(FILE *out, const iotssf_findings *f, iotssf_error *err)
{
    json_t *rules = json_array(), *results = json_array();
    const iotssf_rule_def *seen[512];
    size_t seen_count = 0;
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_finding *x = &f->items[i];
        size_t index = 0;
        while (index < seen_count && seen[index] != x->rule)
            index++;
        if (index == seen_count && seen_count < sizeof seen / sizeof *seen) {
            seen[seen_count++] = x->rule;
            json_array_append_new(rules, rule_json(x->rule));
        }
        json_t *locations = json_array();
        json_t *loc = location_json(x);
        if (loc)
            json_array_append_new(locations, loc);
        json_t *result = json_pack("{s:s, s:I, s:s, s:{s:s}, s:o}", "ruleId", x->rule->id,
                                   "ruleIndex", (json_int_t)index, "level",
                                   sarif_level(x->severity), "message", "text", x->message,
                                   "locations", locations);
        if (x->evidence)
            json_object_set_new(result, "properties",
                                json_pack("{s:s}", "evidence", x->evidence));
        json_array_append_new(results, result);
    }
    json_t *log = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "$schema",
        "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
        "driver", "name", "iotssf", "version", iotssf_version(), "rules", rules, "results",
        results);
    if (!log)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the SARIF log");
    int rc = json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(log);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing SARIF failed")
              : report_io_check(out, err);
}
