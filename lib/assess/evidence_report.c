/*
 * Evidence from the JSON reports of earlier runs: `iotssf firmware --format
 * json` ("iotssf.firmware/1", lib/report/firmware_report.c) and `iotssf probe
 * --format json` ("iotssf.probe/1", lib/report/probe_report.c). A report is
 * outside input: its size is capped, every field's type is checked, and
 * its findings are rebuilt from their rule ids through today's rule set, so a
 * stale title or severity in an old report never reaches the assessment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/file.h"
#include "assess_internal.h"

typedef struct report_reader {
    const char *path;
    iotssf_error *err;
} report_reader;

static iotssf_status bad(report_reader *r, const char *what, const char *expected)
{
    return iotssf_fail(r->err, IOTSSF_E_INPUT, r->path, 0, 0, "%s: expected %s", what, expected);
}

static iotssf_status load_report(report_reader *r, const char *schema, json_t **out)
{
    *out = NULL;
    char *text;
    size_t len;
    iotssf_status st = read_file_bounded(r->path, EVIDENCE_MAX_REPORT, &text, &len, r->err);
    if (st)
        return st;
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!doc)
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->path, (unsigned)jerr.line,
                           (unsigned)jerr.column, "not a JSON report: %s", jerr.text);
    const char *found = json_string_value(json_object_get(doc, "schema"));
    if (!json_is_object(doc) || !found || strcmp(found, schema) != 0) {
        json_decref(doc);
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->path, 0, 0,
                           "expected a report with schema '%s'%s", schema,
                           schema[7] == 'f' ? " (iotssf firmware --format json)"
                                            : " (iotssf probe --format json)");
    }
    *out = doc;
    return IOTSSF_OK;
}

/* An optional string member: absent or null is NULL; any other type fails. */
static iotssf_status member_text(report_reader *r, const json_t *o, const char *key,
                                 const char *what, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return IOTSSF_OK;
    if (!json_is_string(v))
        return bad(r, what, "a string");
    *out = json_string_value(v);
    return IOTSSF_OK;
}

static iotssf_status member_uint(report_reader *r, const json_t *o, const char *key,
                                 const char *what, json_int_t max, json_int_t *out)
{
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return IOTSSF_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
        return bad(r, what, "a whole number in range");
    *out = json_integer_value(v);
    return IOTSSF_OK;
}

static iotssf_status read_finding(report_reader *r, iotssf_evidence *e, const json_t *f)
{
    if (!json_is_object(f))
        return bad(r, "findings[]", "an object");
    const char *rule = NULL;
    iotssf_finding where;
    memset(&where, 0, sizeof where);
    json_int_t line = 0, offset = 0, port = 0;
    const char *message, *evidence, *origin, *path, *host, *transport;
    iotssf_status st = member_text(r, f, "rule", "findings[].rule", &rule);
    if (!st && !rule)
        st = bad(r, "findings[].rule", "a rule id");
    if (!st)
        st = member_text(r, f, "message", "findings[].message", &message);
    if (!st)
        st = member_text(r, f, "evidence", "findings[].evidence", &evidence);
    if (!st)
        st = member_text(r, f, "origin", "findings[].origin", &origin);
    if (!st)
        st = member_text(r, f, "path", "findings[].path", &path);
    if (!st)
        st = member_text(r, f, "host", "findings[].host", &host);
    if (!st)
        st = member_text(r, f, "transport", "findings[].transport", &transport);
    if (!st)
        st = member_uint(r, f, "line", "findings[].line", 0xffffffffLL, &line);
    if (!st)
        st = member_uint(r, f, "offset", "findings[].offset", INT64_MAX, &offset);
    if (!st)
        st = member_uint(r, f, "port", "findings[].port", 65535, &port);
    if (st)
        return st;
    where = (iotssf_finding){.message = (char *)message, .evidence = (char *)evidence,
                             .origin = (char *)origin, .path = (char *)path,
                             .offset = (uint64_t)offset, .line = (unsigned)line,
                             .host = (char *)host, .port = (int)port,
                             .transport = (char *)transport};
    return evidence_add_finding(e, rule, &where, r->err);
}

static iotssf_status read_findings(report_reader *r, iotssf_evidence *e, const json_t *doc)
{
    const json_t *list = json_object_get(doc, "findings");
    if (!json_is_array(list))
        return bad(r, "findings", "a list");
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < json_array_size(list) && !st; i++)
        st = read_finding(r, e, json_array_get(list, i));
    evidence_seal(e);
    return st;
}

static bool is_sha256_hex(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Copies the members of a component a report carries, each only when it has
 * the expected type, so a malformed list never breaks the document. */
static json_t *components_of(const json_t *doc)
{
    static const char *const texts[] = {"id", "name", "version", "confidence", "cpe", "purl"};
    json_t *out = json_array();
    const json_t *list = json_object_get(doc, "components");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *c = json_array_get(list, i);
        if (!json_is_object(c) || !json_is_string(json_object_get(c, "id")))
            continue;
        json_t *copy = json_object();
        for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
            const json_t *v = json_object_get(c, texts[k]);
            json_object_set_new(copy, texts[k], json_is_string(v) ? json_copy((json_t *)v)
                                                                   : json_null());
        }
        json_object_set_new(copy, "version_partial",
                            json_boolean(json_is_true(json_object_get(c, "version_partial"))));
        json_array_append_new(out, copy);
    }
    return out;
}

iotssf_status iotssf_evidence_load_firmware(iotssf_evidence *e, const char *report_path,
                                            iotssf_error *err)
{
    report_reader r = {report_path, err};
    json_t *doc = NULL;
    iotssf_status st = load_report(&r, "iotssf.firmware/1", &doc);
    const json_t *image = st ? NULL : json_object_get(doc, "image");
    const char *path = NULL, *sha = NULL;
    json_int_t size = 0;
    if (!st && !json_is_object(image))
        st = bad(&r, "image", "an object");
    if (!st)
        st = member_text(&r, image, "path", "image.path", &path);
    if (!st)
        st = member_text(&r, image, "sha256", "image.sha256", &sha);
    if (!st && !is_sha256_hex(sha))
        st = iotssf_fail(err, IOTSSF_E_INPUT, report_path, 0, 0,
                         "image.sha256: the report does not say which image it is for (64 "
                         "lowercase hex digits expected)");
    if (!st)
        st = member_uint(&r, image, "size", "image.size", INT64_MAX, &size);
    if (!st && !(st = evidence_mark_given(e, SOURCE_FIRMWARE, err))) {
        memcpy(e->firmware_sha256, sha, 65);
        e->section[SOURCE_FIRMWARE] =
            json_pack("{s:s, s:s, s:I, s:o}", "image", path ? path : report_path, "sha256", sha,
                      "size", size, "components", components_of(doc));
        st = read_findings(&r, e, doc);
    }
    json_decref(doc);
    return st;
}

static iotssf_status read_hosts(report_reader *r, const json_t *doc, json_t *targets,
                                json_t *services, bool *complete)
{
    const json_t *hosts = json_object_get(doc, "hosts");
    if (!json_is_array(hosts))
        return bad(r, "hosts", "a list");
    for (size_t h = 0; h < json_array_size(hosts); h++) {
        const json_t *host = json_array_get(hosts, h);
        const char *target = NULL, *address = NULL;
        iotssf_status st = json_is_object(host) ? IOTSSF_OK : bad(r, "hosts[]", "an object");
        if (!st)
            st = member_text(r, host, "target", "hosts[].target", &target);
        if (!st)
            st = member_text(r, host, "address", "hosts[].address", &address);
        if (!st && !target)
            st = bad(r, "hosts[].target", "a string");
        if (st)
            return st;
        json_array_append_new(targets, json_string(target));
        *complete = *complete && json_is_true(json_object_get(host, "complete"));
        const json_t *list = json_object_get(host, "services");
        for (size_t i = 0; i < json_array_size(list); i++) {
            const json_t *s = json_array_get(list, i);
            const char *transport = NULL, *name = NULL, *product = NULL, *version = NULL;
            json_int_t port = 0;
            if (!json_is_object(s))
                return bad(r, "hosts[].services[]", "an object");
            if ((st = member_uint(r, s, "port", "services[].port", 65535, &port)) ||
                (st = member_text(r, s, "transport", "services[].transport", &transport)) ||
                (st = member_text(r, s, "service", "services[].service", &name)) ||
                (st = member_text(r, s, "product", "services[].product", &product)) ||
                (st = member_text(r, s, "version", "services[].version", &version)))
                return st;
            json_array_append_new(
                services, json_pack("{s:s, s:I, s:s, s:s, s:o, s:o}", "host",
                                    address ? address : target, "port", port, "transport",
                                    transport ? transport : "tcp", "name", name ? name : "unknown",
                                    "product", product ? json_string(product) : json_null(),
                                    "version", version ? json_string(version) : json_null()));
        }
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_evidence_load_probe(iotssf_evidence *e, const char *report_path,
                                         iotssf_error *err)
{
    report_reader r = {report_path, err};
    json_t *doc = NULL;
    iotssf_status st = load_report(&r, "iotssf.probe/1", &doc);
    json_t *targets = json_array(), *services = json_array();
    bool complete = !st && !json_is_true(json_object_get(doc, "interrupted"));
    if (!st)
        st = read_hosts(&r, doc, targets, services, &complete);
    if (!st && !(st = evidence_mark_given(e, SOURCE_PROBE, err))) {
        e->section[SOURCE_PROBE] = json_pack("{s:O, s:b, s:O}", "targets", targets, "complete",
                                             complete, "services", services);
        st = read_findings(&r, e, doc);
    }
    json_decref(targets);
    json_decref(services);
    json_decref(doc);
    return st;
}
