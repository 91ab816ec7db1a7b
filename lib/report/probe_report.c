/*
 * The device probe report: per host, what answered (port, service, product
 * and version, banner) and whether the probe finished, then the findings
 * worst first with their evidence and requirements; the same as JSON
 * ("iotssf.probe/1") for pipelines. SARIF goes through sarif.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "iotssf/probe.h"
#include "report_internal.h"

static void upper(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++)
        out[k++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    out[k] = '\0';
}

static void text_host(FILE *out, const iotssf_probe_host *h)
{
    fprintf(out, "%s", h->address);
    if (strcmp(h->target, h->address) != 0)
        fprintf(out, " (%s)", h->target);
    fprintf(out, ": %zu TCP and %zu UDP ports probed in %.1f s, %zu login attempts\n",
            h->tcp_ports_scanned, h->udp_ports_scanned, h->seconds, h->login_attempts);
    if (!h->complete)
        fprintf(out, "  INCOMPLETE: %s\n", h->note ? h->note : "stopped early");
    if (!h->service_count) {
        fprintf(out, "  no port answered\n");
        return;
    }
    fprintf(out, "  %-10s %-8s %-32s %s\n", "PORT", "SERVICE", "PRODUCT", "BANNER");
    for (size_t i = 0; i < h->service_count; i++) {
        const iotssf_probe_service *s = &h->services[i];
        char port[16], product[160];
        snprintf(port, sizeof port, "%d/%s", s->port, s->transport);
        snprintf(product, sizeof product, "%s%s%s", s->product ? s->product : "",
                 s->version ? " " : "", s->version ? s->version : "");
        fprintf(out, "  %-10s %-8s %-32.60s %.70s%s\n", port, s->name ? s->name : "unknown",
                product, s->banner ? s->banner : "", s->tls ? " [tls]" : "");
    }
}

static void text_findings(FILE *out, const iotssf_findings *f)
{
    size_t by[5] = {0};
    for (size_t i = 0; i < f->count; i++)
        by[f->items[i].severity]++;
    fprintf(out, "findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n", by[4],
            by[3], by[2], by[1], by[0]);
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_finding *x = &f->items[i];
        char sev[16];
        upper(iotssf_severity_name(x->severity), sev, sizeof sev);
        fprintf(out, "  %-8s %-30s %s:%d/%s\n           %s\n", sev, x->rule->id,
                x->host ? x->host : "-", x->port, x->transport ? x->transport : "tcp",
                x->message);
        if (x->evidence)
            fprintf(out, "           evidence: %s\n", x->evidence);
        fprintf(out, "           bears on:");
        for (size_t q = 0; q < x->rule->requirement_count; q++)
            fprintf(out, " %s", x->rule->requirements[q]);
        fputc('\n', out);
    }
}

static iotssf_status probe_text(FILE *out, const iotssf_probe_result *r, iotssf_error *err)
{
    fprintf(out, "probe: %zu target%s in %.1f s%s\n", r->host_count, r->host_count == 1 ? "" : "s",
            r->seconds, r->interrupted ? " (interrupted: partial results)" : "");
    for (size_t i = 0; i < r->host_count; i++)
        text_host(out, &r->hosts[i]);
    text_findings(out, &r->findings);
    return report_io_check(out, err);
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *host_json(const iotssf_probe_host *h)
{
    json_t *services = json_array();
    for (size_t i = 0; i < h->service_count; i++) {
        const iotssf_probe_service *s = &h->services[i];
        json_array_append_new(
            services, json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:b}", "port", s->port,
                                "transport", s->transport, "service",
                                s->name ? s->name : "unknown", "product",
                                string_or_null(s->product), "version",
                                string_or_null(s->version), "banner", string_or_null(s->banner),
                                "tls", s->tls));
    }
    return json_pack("{s:s, s:s, s:b, s:o, s:f, s:I, s:I, s:I, s:o}", "target", h->target,
                     "address", h->address, "complete", h->complete, "note",
                     string_or_null(h->note), "seconds", h->seconds, "tcp_ports_scanned",
                     (json_int_t)h->tcp_ports_scanned, "udp_ports_scanned",
                     (json_int_t)h->udp_ports_scanned, "login_attempts",
                     (json_int_t)h->login_attempts, "services", services);
}

static json_t *finding_json(const iotssf_finding *f)
{
    json_t *reqs = json_array();
    for (size_t q = 0; q < f->rule->requirement_count; q++)
        json_array_append_new(reqs, json_string(f->rule->requirements[q]));
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:o, s:o}", "rule", f->rule->id,
                     "severity", iotssf_severity_name(f->severity), "title", f->rule->title,
                     "message", f->message, "host", string_or_null(f->host), "port", f->port,
                     "transport", f->transport ? f->transport : "tcp", "evidence",
                     string_or_null(f->evidence), "requirements", reqs);
}

static iotssf_status probe_json(FILE *out, const iotssf_probe_result *r, iotssf_error *err)
{
    json_t *hosts = json_array(), *findings = json_array();
    for (size_t i = 0; i < r->host_count; i++)
        json_array_append_new(hosts, host_json(&r->hosts[i]));
    for (size_t i = 0; i < r->findings.count; i++)
        json_array_append_new(findings, finding_json(&r->findings.items[i]));
    json_t *o = json_pack("{s:s, s:f, s:b, s:o, s:o}", "schema", IOTSSF_SCHEMA_PROBE, "seconds",
                          r->seconds, "interrupted", r->interrupted, "hosts", hosts, "findings",
                          findings);
    if (!o)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the JSON report");
    /* What the banners announce; their vulnerabilities are findings above. */
    json_t *components = NULL;
    if (r->vulns_checked && iotssf_components_to_json(&r->components, &components) == IOTSSF_OK)
        json_object_set_new(o, "components", components);
    json_object_set_new(o, "vulns_checked", json_boolean(r->vulns_checked));
    int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the report failed")
              : report_io_check(out, err);
}

iotssf_status iotssf_probe_report(FILE *out, iotssf_format format, const iotssf_probe_result *r,
                                  iotssf_error *err)
{
    switch (format) {
    case IOTSSF_FORMAT_TEXT:
        return probe_text(out, r, err);
    case IOTSSF_FORMAT_JSON:
        return probe_json(out, r, err);
    case IOTSSF_FORMAT_SARIF:
        return iotssf_findings_sarif(out, &r->findings, err);
    default:
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "the probe report is available as text, json or sarif");
    }
}
