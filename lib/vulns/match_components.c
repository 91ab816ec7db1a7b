/*
 * From identified components to known vulnerabilities and findings: the one
 * place firmware inspection and the device probe meet the vulnerability
 * database. Each vulnerability becomes a finding of the rule for its
 * severity (FW-VULN-HIGH, PROBE-VULN-CRITICAL, ...), so SARIF, --fail-on and
 * the assessment's verdicts treat a critical CVE like any critical finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotssf/components.h"
#include "iotssf/vulns.h"

static const char *severity_suffix(iotssf_severity s)
{
    switch (s) {
    case IOTSSF_SEV_CRITICAL:
        return "CRITICAL";
    case IOTSSF_SEV_HIGH:
        return "HIGH";
    case IOTSSF_SEV_LOW:
    case IOTSSF_SEV_INFO:
        return "LOW";
    default:
        return "MEDIUM";
    }
}

/* Where the component was identified: its first evidence. A probe's
 * evidence path is "host:port" or "host:port/udp". */
static void locate(const iotssf_component *c, iotssf_finding *where, char *host, size_t size)
{
    if (c->evidence_count == 0)
        return;
    const iotssf_component_evidence *e = &c->evidence[0];
    if (e->origin || !e->path) {
        where->origin = e->origin;
        where->path = e->path;
        where->offset = e->offset;
        return;
    }
    snprintf(host, size, "%s", e->path);
    char *colon = strrchr(host, ':');
    if (colon && colon[1]) {
        *colon = '\0';
        where->port = atoi(colon + 1);
        where->transport = strstr(colon + 1, "/udp") ? "udp" : "tcp";
    }
    if (host[0] == '[') { /* "[::1]:22" */
        memmove(host, host + 1, strlen(host));
        char *close = strchr(host, ']');
        if (close)
            *close = '\0';
    }
    where->host = host;
}

static iotssf_status add_finding(const iotssf_component *c, const iotssf_vuln *v,
                                 const iotssf_rule_set *rules, const char *prefix,
                                 iotssf_findings *findings, iotssf_error *err)
{
    char rule[64], message[512], evidence[256], host[256];
    snprintf(rule, sizeof rule, "%s-%s", prefix, severity_suffix(v->severity));
    if (v->cvss_score >= 0)
        snprintf(evidence, sizeof evidence, "%s %s: %s (CVSS %.1f)", c->id, v->version, v->id,
                 v->cvss_score);
    else
        snprintf(evidence, sizeof evidence, "%s %s: %s (no CVSS score)", c->id, v->version,
                 v->id);
    if (v->fixed)
        snprintf(message, sizeof message, "%s %s is affected by %s; fixed in %s%s%s", c->name,
                 v->version, v->id, v->fixed, v->summary ? ": " : "", v->summary ? v->summary : "");
    else
        snprintf(message, sizeof message, "%s %s is affected by %s; no fixed version is known%s%s",
                 c->name, v->version, v->id, v->summary ? ": " : "",
                 v->summary ? v->summary : "");
    iotssf_finding where = {.message = message, .evidence = evidence};
    locate(c, &where, host, sizeof host);
    return iotssf_findings_add(findings, rules, rule, &where, err);
}

static int worst_first(const void *a, const void *b)
{
    const iotssf_vuln *va = a, *vb = b;
    if (va->severity != vb->severity)
        return va->severity > vb->severity ? -1 : 1;
    int c = strcmp(va->id, vb->id);
    return c ? c : strcmp(va->component, vb->component);
}

static iotssf_status move_into(iotssf_vulns *out, iotssf_vulns *from, iotssf_error *err)
{
    if (from->count == 0)
        return IOTSSF_OK;
    if (out->count + from->count > out->cap) {
        size_t cap = out->cap ? out->cap : 8;
        while (cap < out->count + from->count)
            cap *= 2;
        iotssf_vuln *items = realloc(out->items, cap * sizeof *items);
        if (!items)
            return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
        out->items = items;
        out->cap = cap;
    }
    memcpy(out->items + out->count, from->items, from->count * sizeof *from->items);
    out->count += from->count;
    free(from->items);
    iotssf_vulns_init(from);
    return IOTSSF_OK;
}

iotssf_status iotssf_vulns_match_components(const iotssf_vulndb *db,
                                            const iotssf_components *components,
                                            const iotssf_rule_set *rules, const char *rule_prefix,
                                            iotssf_vulns *out, iotssf_findings *findings,
                                            iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; !st && i < components->count; i++) {
        const iotssf_component *c = &components->items[i];
        if (!c->version || c->version_partial)
            continue;
        iotssf_vulns found;
        iotssf_vulns_init(&found);
        st = iotssf_vulndb_lookup(db, c->id, c->version, &found, err);
        for (size_t k = 0; !st && k < found.count; k++)
            st = add_finding(c, &found.items[k], rules, rule_prefix, findings, err);
        if (!st)
            st = move_into(out, &found, err);
        iotssf_vulns_free(&found);
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, worst_first);
    return st;
}
