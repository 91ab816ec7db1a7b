/*
 * The assessment as SARIF 2.1.0, for the code-scanning view of a CI system.
 * One run of tool iotssf. Two kinds of results:
 *  - each finding, under the rule that produced it (FW-..., PROBE-...), at
 *    its file and line inside the image or at host:port, with the
 *    requirements it bears on in its properties;
 *  - each requirement that fails in a use mode, under the rule
 *    "SSF-VERDICT/<requirement>", so that a pipeline shows failed
 *    requirements too, including those failed on a declared answer that no
 *    finding explains. Their logical location is "<device>/<mode>".
 * Levels: critical and high are "error", medium "warning", low and info
 * "note"; a failed required requirement is "error", a recommended one
 * "warning". The rules list holds exactly the rules the results use.
 */
#include <stdio.h>
#include <string.h>

#include "assessment_internal.h"
#include "iotssf/iotssf.h"

static const char *severity_level(const char *sev)
{
    if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
        return "error";
    return strcmp(sev, "medium") == 0 ? "warning" : "note";
}

/* GitHub code scanning ranks security results by this score. */
static const char *security_severity(const char *sev)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    static const char *const scores[] = {"0.0", "3.0", "5.5", "8.0", "9.5"};
    for (int i = 0; i < 5; i++)
        if (strcmp(sev, names[i]) == 0)
            return scores[i];
    return "0.0";
}

typedef struct sarif_log {
    json_t *rules, *results;
    json_t *rule_index; /* rule id -> its index in rules */
} sarif_log;

/* The rule's index, adding it on first use. */
static json_int_t use_rule(sarif_log *s, const char *id, const char *text, const char *level,
                           json_t *properties)
{
    const json_t *known = json_object_get(s->rule_index, id);
    if (known) {
        json_decref(properties);
        return json_integer_value(known);
    }
    json_int_t index = (json_int_t)json_array_size(s->rules);
    json_array_append_new(s->rules, json_pack("{s:s, s:{s:s}, s:{s:s}, s:o}", "id", id,
                                              "shortDescription", "text", text,
                                              "defaultConfiguration", "level", level,
                                              "properties", properties));
    json_object_set_new(s->rule_index, id, json_integer(index));
    return index;
}

static json_t *sarif_location(const json_t *f)
{
    const char *path = as_str(f, "path"), *origin = as_str(f, "origin");
    const char *host = as_str(f, "host");
    json_t *phys;
    if (path) {
        json_t *uri = json_sprintf("%s%s%s", or_blank(origin, ""), origin ? "/" : "", path);
        phys = json_pack("{s:{s:o}}", "artifactLocation", "uri", uri);
        long long line = as_int(f, "line", 0), offset = as_int(f, "offset", 0);
        if (line > 0)
            json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", (json_int_t)line));
        else if (offset > 0)
            json_object_set_new(phys, "region",
                                json_pack("{s:I}", "byteOffset", (json_int_t)offset));
    } else if (host) {
        json_t *uri = json_sprintf("%s://%s:%lld", or_blank(as_str(f, "transport"), "tcp"), host,
                                   as_int(f, "port", 0));
        phys = json_pack("{s:{s:o}}", "artifactLocation", "uri", uri);
    } else {
        return NULL;
    }
    return phys ? json_pack("{s:o}", "physicalLocation", phys) : NULL;
}

static void finding_result(sarif_log *s, const json_t *f)
{
    const char *rule = as_str(f, "rule"), *sev = or_blank(as_str(f, "severity"), "info");
    json_t *reqs = json_deep_copy(as_arr(f, "requirements"));
    json_int_t index = use_rule(
        s, rule, or_blank(as_str(f, "title"), rule), severity_level(sev),
        json_pack("{s:s, s:s, s:O*}", "security-severity", security_severity(sev),
                  "iotssf-severity", sev, "requirements", reqs));
    json_t *locations = json_array(), *loc = sarif_location(f);
    if (loc)
        json_array_append_new(locations, loc);
    json_t *props = json_pack("{s:s, s:s, s:o*}", "finding", as_str(f, "id"), "source",
                              or_blank(as_str(f, "source"), ""), "requirements",
                              reqs ? reqs : json_array());
    if (as_str(f, "evidence"))
        json_object_set_new(props, "evidence", json_string(as_str(f, "evidence")));
    json_array_append_new(
        s->results, json_pack("{s:s, s:I, s:s, s:{s:s}, s:o, s:o}", "ruleId", rule, "ruleIndex",
                              index, "level", severity_level(sev), "message", "text",
                              or_blank(as_str(f, "message"), or_blank(as_str(f, "title"), rule)),
                              "locations", locations, "properties", props));
}

static void verdict_result(sarif_log *s, const iotssf_assessment *a, const json_t *m,
                           const json_t *v)
{
    const char *req = as_str(v, "requirement");
    bool required = !as_str(v, "need") || strcmp(as_str(v, "need"), "required") == 0;
    const char *level = required ? "error" : "warning";
    char id[300], text[1200];
    snprintf(id, sizeof id, "SSF-VERDICT/%.250s", req);
    snprintf(text, sizeof text, "Requirement %.250s fails: %.900s", req,
             or_blank(as_str(v, "title"), "(untitled)"));
    json_int_t index = use_rule(s, id, text, level,
                                json_pack("{s:s, s:s}", "requirement", req, "need",
                                          required ? "required" : "recommended"));
    const char *dev = as_str(as_obj(a->doc, "device"), "id");
    json_t *msg = json_sprintf("%s fails in use mode %s (tier %s, %s basis): %s", req,
                               as_str(m, "id"), or_blank(mode_tier_id(m), "?"),
                               or_blank(as_str(v, "basis"), "no"),
                               or_blank(as_str(v, "reason"), "no reason recorded"));
    json_t *where = json_sprintf("%s/%s", dev, as_str(m, "id"));
    json_t *result = json_pack(
        "{s:s, s:I, s:s, s:{s:o}, s:[{s:[{s:o, s:s}]}], s:{s:s, s:s, s:s, s:O, s:O}}",
        "ruleId", id, "ruleIndex", index, "level", level, "message", "text", msg, "locations",
        "logicalLocations", "fullyQualifiedName", where, "kind", "module", "properties",
        "requirement", req, "mode", as_str(m, "id"), "basis", or_blank(as_str(v, "basis"), "none"),
        "findings", json_object_get(v, "findings") ? json_object_get(v, "findings") : json_null(),
        "answers", json_object_get(v, "answers") ? json_object_get(v, "answers") : json_null());
    if (result)
        json_array_append_new(s->results, result);
}

iotssf_status assessment_sarif(FILE *out, const iotssf_assessment *a, iotssf_error *err)
{
    sarif_log s = {json_array(), json_array(), json_object()};
    size_t i, j;
    const json_t *x, *v;
    json_array_foreach(as_arr(a->doc, "findings"), i, x)
        finding_result(&s, x);
    json_array_foreach(as_arr(a->doc, "modes"), i, x) {
        json_array_foreach(as_arr(x, "verdicts"), j, v) {
            if (strcmp(or_blank(as_str(v, "verdict"), ""), "fail") == 0)
                verdict_result(&s, a, x, v);
        }
    }
    json_decref(s.rule_index);
    const json_t *tool = as_obj(a->doc, "tool");
    json_t *log = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o, s:{s:s, s:s}}]}", "$schema",
        "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
        "driver", "name", "iotssf", "version", or_blank(as_str(tool, "version"), iotssf_version()),
        "rules", s.rules, "results",
        s.results, "properties", "assessment-digest", a->digest, "device",
        as_str(as_obj(a->doc, "device"), "id"));
    if (!log)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the SARIF log");
    int rc = json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(log);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing SARIF failed") : IOTSSF_OK;
}
