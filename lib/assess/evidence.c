/*
 * Machine evidence for an assessment: the findings of a firmware inspection
 * and of a device probe, with the summary the assessment document shows of
 * each (image and components; targets and services). This file takes results
 * in memory; evidence_report.c reads the same from the JSON reports. Which
 * source a finding belongs to is decided by its rule's id (FW-, PROBE-), the
 * same way for both.
 */
#include <stdlib.h>
#include <string.h>

#include "assess_internal.h"
#include "iotssf/firmware.h"
#include "iotssf/probe.h"

const char *evidence_source_name(evidence_source s)
{
    return s == SOURCE_FIRMWARE ? "firmware" : "probe";
}

int evidence_source_of_rule(const char *rule_id)
{
    if (strncmp(rule_id, "FW-", 3) == 0)
        return SOURCE_FIRMWARE;
    if (strncmp(rule_id, "PROBE-", 6) == 0)
        return SOURCE_PROBE;
    return -1;
}

void evidence_finding_id(size_t index, char buf[24])
{
    snprintf(buf, 24, "F%zu", index + 1);
}

void evidence_seal(iotssf_evidence *e)
{
    iotssf_findings_sort(&e->findings);
}

iotssf_evidence *iotssf_evidence_new(const iotssf_rule_set *rules, iotssf_error *err)
{
    iotssf_evidence *e = calloc(1, sizeof *e);
    if (e)
        e->warnings = json_array();
    if (!e || !e->warnings) {
        free(e);
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    e->rules = rules;
    iotssf_findings_init(&e->findings);
    return e;
}

void iotssf_evidence_free(iotssf_evidence *e)
{
    if (!e)
        return;
    iotssf_findings_free(&e->findings);
    for (int s = 0; s < SOURCE_COUNT; s++)
        json_decref(e->section[s]);
    json_decref(e->warnings);
    free(e);
}

const char *iotssf_evidence_firmware_sha256(const iotssf_evidence *e)
{
    return e && e->given[SOURCE_FIRMWARE] ? e->firmware_sha256 : NULL;
}

/* Adds a finding again through today's rules; a rule that no longer exists
 * (or belongs to no source) is dropped with a warning, not an error. */
iotssf_status evidence_add_finding(iotssf_evidence *e, const char *rule_id,
                                   const iotssf_finding *where, iotssf_error *err)
{
    if (!iotssf_rules_find(e->rules, rule_id) || evidence_source_of_rule(rule_id) < 0) {
        char text[256];
        snprintf(text, sizeof text, "finding of unknown rule '%.120s' left out", rule_id);
        json_array_append_new(e->warnings, json_string(text));
        return IOTSSF_OK;
    }
    if (e->findings.count >= EVIDENCE_MAX_FINDINGS)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "more than %d findings",
                           EVIDENCE_MAX_FINDINGS);
    return iotssf_findings_add(&e->findings, e->rules, rule_id, where, err);
}

static json_t *component_json(const iotssf_component *c)
{
    return json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o}", "id", c->id, "name",
                     c->name ? c->name : c->id, "version", assess_text(c->version),
                     "version_partial", c->version_partial, "confidence",
                     iotssf_confidence_name(c->confidence), "cpe", assess_text(c->cpe), "purl",
                     assess_text(c->purl));
}

iotssf_status evidence_mark_given(iotssf_evidence *e, evidence_source s, iotssf_error *err)
{
    if (e->given[s])
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "%s evidence was given twice",
                           evidence_source_name(s));
    e->given[s] = true;
    return IOTSSF_OK;
}

iotssf_status iotssf_evidence_use_firmware(iotssf_evidence *e, const iotssf_fw_result *r,
                                           iotssf_error *err)
{
    iotssf_status st = evidence_mark_given(e, SOURCE_FIRMWARE, err);
    if (st)
        return st;
    json_t *components = json_array();
    for (size_t i = 0; i < r->components.count; i++)
        json_array_append_new(components, component_json(&r->components.items[i]));
    e->section[SOURCE_FIRMWARE] =
        json_pack("{s:o, s:s, s:I, s:o}", "image", assess_text(r->image ? r->image : ""),
                  "sha256", r->sha256, "size", (json_int_t)r->image_size, "components",
                  components);
    memcpy(e->firmware_sha256, r->sha256, sizeof e->firmware_sha256);
    e->firmware_sha256[64] = '\0';
    for (size_t i = 0; !st && i < r->findings.count; i++)
        st = evidence_add_finding(e, r->findings.items[i].rule->id, &r->findings.items[i], err);
    evidence_seal(e);
    return st;
}

static json_t *probe_services(const iotssf_probe_result *r, bool *complete)
{
    json_t *services = json_array();
    for (size_t h = 0; h < r->host_count; h++) {
        const iotssf_probe_host *host = &r->hosts[h];
        *complete = *complete && host->complete;
        for (size_t i = 0; i < host->service_count; i++) {
            const iotssf_probe_service *s = &host->services[i];
            json_array_append_new(
                services, json_pack("{s:o, s:i, s:s, s:o, s:o, s:o}", "host",
                                    assess_text(host->address ? host->address : host->target),
                                    "port", s->port, "transport",
                                    s->transport ? s->transport : "tcp", "name",
                                    assess_text(s->name ? s->name : "unknown"), "product",
                                    assess_text(s->product), "version", assess_text(s->version)));
        }
    }
    return services;
}

iotssf_status iotssf_evidence_use_probe(iotssf_evidence *e, const iotssf_probe_result *r,
                                        iotssf_error *err)
{
    iotssf_status st = evidence_mark_given(e, SOURCE_PROBE, err);
    if (st)
        return st;
    json_t *targets = json_array();
    for (size_t h = 0; h < r->host_count; h++)
        json_array_append_new(targets, assess_text(r->hosts[h].target));
    bool complete = !r->interrupted;
    json_t *services = probe_services(r, &complete);
    e->section[SOURCE_PROBE] = json_pack("{s:o, s:b, s:o}", "targets", targets, "complete",
                                         complete, "services", services);
    for (size_t i = 0; !st && i < r->findings.count; i++)
        st = evidence_add_finding(e, r->findings.items[i].rule->id, &r->findings.items[i], err);
    evidence_seal(e);
    return st;
}
