/*
 * The probe driver: for each target (several at once), the TCP connect scan
 * with the UDP probes beside it, then every open TCP port identified and
 * checked in parallel by its protocol module, all within the target's time
 * budget and under the caller's stop flag. Whatever was learnt before a stop
 * or the end of the budget is kept and returned, marked incomplete.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "iotssf/iotssf.h"
#include "pool.h"
#include "probe_internal.h"
#include "protocols.h"
#include "scan.h"

enum { TARGETS_AT_ONCE = 8, PORTS_AT_ONCE = 32 };

iotssf_probe_options iotssf_probe_default_options(void)
{
    iotssf_probe_options o;
    memset(&o, 0, sizeof o);
    o.rate = 5;
    o.timeout_ms = 1500;
    o.budget_s = 300;
    o.max_range = 4;
    o.login_parallel = 16;
    return o;
}

static void apply_defaults(iotssf_probe_options *o)
{
    iotssf_probe_options d = iotssf_probe_default_options();
    if (!(o->rate > 0))
        o->rate = d.rate;
    if (!o->timeout_ms)
        o->timeout_ms = d.timeout_ms;
    if (!o->budget_s)
        o->budget_s = d.budget_s;
    if (!o->max_range)
        o->max_range = d.max_range;
    if (!o->login_parallel)
        o->login_parallel = d.login_parallel;
    if (o->login_parallel > 256)
        o->login_parallel = 256;
    if (!o->data_dir)
        o->data_dir = iotssf_default_data_dir();
}

typedef struct probe_run {
    probe_shared shared;
    const iotssf_probe_targets *targets;
    probe_target *ts;
    unsigned window;
} probe_run;

static bool target_init(probe_target *t, probe_run *r, size_t i)
{
    memset(t, 0, sizeof *t);
    t->shared = &r->shared;
    t->o = &r->shared.o;
    t->name = r->targets->names[i];
    t->address = r->targets->addresses[i];
    pthread_mutex_init(&t->lock, NULL);
    iotssf_findings_init(&t->findings);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&t->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&t->addr;
    if (inet_pton(AF_INET, t->address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        t->addr_len = sizeof *v4;
    } else if (inet_pton(AF_INET6, t->address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        t->addr_len = sizeof *v6;
    } else {
        return false;
    }
    return true;
}

/* Ports whose being open is a finding by itself (data/probe/ports.yaml). */
static void port_rule_findings(probe_target *t, const uint16_t *open, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const port_info *p = port_table_find(&t->shared->ports, open[i], false);
        if (!p || !p->rule)
            continue;
        transcript log;
        transcript_init(&log);
        transcript_note(&log, "TCP connect to %s port %d accepted", t->address, open[i]);
        target_finding(t, p->rule, open[i], false, &log, "TCP port %d is open: %s", open[i],
                       p->why);
    }
}

typedef struct port_jobs {
    probe_target *t;
    const uint16_t *open;
} port_jobs;

static void shell_port(probe_target *t, int port, const probe_ident *id)
{
    transcript log;
    transcript_init(&log);
    transcript_data(&log, '>', TELNET_SHELL_PROBE "\r\n", strlen(TELNET_SHELL_PROBE) + 2);
    transcript_note(&log, "answer: %s", id->banner);
    target_finding(t, "PROBE-SHELL-WITHOUT-LOGIN", port, false, &log,
                   "TCP port %d runs shell commands sent to it, without any login", port);
}

static void check_port(void *ctx, size_t i)
{
    port_jobs *j = ctx;
    probe_target *t = j->t;
    int port = j->open[i];
    if (target_stopping(t))
        return;
    probe_ident id;
    ident_tcp(t, port_table_find(&t->shared->ports, port, false), port, &id);
    target_service(t, port, false, id.name, id.product, id.version, id.banner, id.tls);
    if (id.version[0] && id.product[0]) {
        transcript log;
        transcript_init(&log);
        transcript_note(&log, "%s", id.banner);
        target_finding(t, "PROBE-VERSION-DISCLOSED", port, false, &log,
                       "%s on port %d tells anyone its software and version before login: %s %s",
                       id.name, port, id.product, id.version);
    }
    if (id.tls)
        tls_check(t, port, &id);
    static const struct {
        const char *name;
        void (*check)(probe_target *, int, const probe_ident *);
    } checks[] = {{"telnet", telnet_check}, {"ssh", ssh_check},       {"ftp", ftp_check},
                  {"http", http_check},     {"rtsp", rtsp_check},     {"mqtt", mqtt_check},
                  {"modbus", modbus_check}, {"shell", shell_port}};
    for (size_t k = 0; k < sizeof checks / sizeof *checks; k++)
        if (strcmp(id.name, checks[k].name) == 0 && !target_stopping(t))
            checks[k].check(t, port, &id);
}

static void *udp_thread(void *arg)
{
    probe_target *t = arg;
    scan_udp(t, t->shared->list.udp, t->shared->list.udp_count);
    return NULL;
}

static void probe_one_target(void *ctx, size_t i)
{
    probe_run *r = ctx;
    probe_target *t = &r->ts[i];
    const port_list *l = &r->shared.list;
    t->started_ms = probe_now_ms();
    t->deadline_ms = t->started_ms + (uint64_t)t->o->budget_s * 1000u;
    target_progress(t, "scanning %zu TCP and %zu UDP ports", l->tcp_count,
                    t->o->scan_only ? (size_t)0 : l->udp_count);
    pthread_t udp;
    bool udp_started = !t->o->scan_only && l->udp_count &&
                       pthread_create(&udp, NULL, udp_thread, t) == 0;
    uint16_t *open = malloc((l->tcp_count + 1) * sizeof *open);
    size_t n = open ? scan_tcp(t, l->tcp, l->tcp_count, r->window, open) : 0;
    target_progress(t, "%zu TCP ports open", n);
    port_rule_findings(t, open, n);
    for (size_t k = 0; k < n; k++)
        target_service(t, open[k], false, NULL, NULL, NULL, NULL, false);
    if (!t->o->scan_only) {
        port_jobs jobs = {.t = t, .open = open};
        pool_run(n, PORTS_AT_ONCE, check_port, &jobs);
    }
    if (udp_started)
        pthread_join(udp, NULL);
    free(open);
}

/* ---- the result ---- */

static int compare_services(const void *a, const void *b)
{
    const iotssf_probe_service *x = a, *y = b;
    int c = strcmp(x->transport, y->transport);
    return c ? c : x->port - y->port;
}

static iotssf_status take_target(iotssf_probe_result *res, probe_target *t, iotssf_error *err)
{
    iotssf_probe_host *h = &res->hosts[res->host_count++];
    h->target = strdup(t->name);
    h->address = strdup(t->address);
    h->services = t->services;
    h->service_count = t->service_count;
    t->services = NULL;
    t->service_count = 0;
    if (h->service_count > 1)
        qsort(h->services, h->service_count, sizeof *h->services, compare_services);
    h->tcp_ports_scanned = t->tcp_scanned;
    h->udp_ports_scanned = t->udp_scanned;
    h->login_attempts = t->login_attempts;
    uint64_t end = probe_now_ms();
    h->seconds = (double)(end - t->started_ms) / 1000.0;
    bool stopped = t->o->stop && *t->o->stop;
    h->complete = !stopped && end < t->deadline_ms;
    if (!h->complete)
        h->note = strdup(stopped ? "stopped by the user; results are partial"
                                 : "time budget spent; results are partial");
    /* Move the findings: the strings change owner, not place. */
    iotssf_findings *f = &res->findings;
    if (t->findings.count) {
        size_t need = f->count + t->findings.count;
        iotssf_finding *grown = realloc(f->items, need * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(grown + f->count, t->findings.items, t->findings.count * sizeof *grown);
        f->items = grown;
        f->count = f->cap = need;
        free(t->findings.items);
        iotssf_findings_init(&t->findings);
    }
    if (!h->target || !h->address)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return IOTSSF_OK;
}

static void free_services(iotssf_probe_service *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].product);
        free(s[i].version);
        free(s[i].banner);
    }
    free(s);
}

void iotssf_probe_result_free(iotssf_probe_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->host_count; i++) {
        iotssf_probe_host *h = &r->hosts[i];
        free(h->target);
        free(h->address);
        free(h->note);
        free_services(h->services, h->service_count);
    }
    free(r->hosts);
    iotssf_findings_free(&r->findings);
    iotssf_components_free(&r->components);
    iotssf_vulns_free(&r->vulns);
    free(r);
}

static void shared_free(probe_shared *s)
{
    port_table_free(&s->ports);
    port_list_free(&s->list);
    cred_list_free(&s->creds);
    free(s->pairs);
}

static iotssf_status shared_init(probe_shared *s, const iotssf_probe_options *o,
                                 iotssf_error *err)
{
    memset(s, 0, sizeof *s);
    s->o = *o;
    apply_defaults(&s->o);
    cred_list_init(&s->creds);
    if (!s->o.rules)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "the probe needs the rule set");
    iotssf_status st = port_table_load(&s->ports, s->o.data_dir, s->o.rules, err);
    if (!st)
        st = port_list_parse(&s->list, s->o.ports, &s->ports, err);
    if (!st && !s->o.scan_only)
        st = rtsp_paths_load(&s->rtsp, s->o.data_dir, err);
    if (!st && !s->o.scan_only && !s->o.no_logins)
        st = probe_creds_load(s, err);
    return st;
}

iotssf_status iotssf_probe_run(const iotssf_probe_targets *targets,
                               const iotssf_probe_options *o, iotssf_probe_result **out,
                               iotssf_error *err)
{
    *out = NULL;
    probe_run r = {.targets = targets};
    iotssf_status st = shared_init(&r.shared, o, err);
    iotssf_probe_result *res = st ? NULL : calloc(1, sizeof *res);
    size_t n = targets->count;
    if (!st && (!res || !(r.ts = calloc(n + 1, sizeof *r.ts)) ||
                !(res->hosts = calloc(n + 1, sizeof *res->hosts))))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    size_t ready = 0;
    for (; !st && ready < n; ready++)
        if (!target_init(&r.ts[ready], &r, ready))
            st = iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "target '%s' is not an address",
                             targets->addresses[ready]);
    uint64_t started = probe_now_ms();
    if (!st) {
        unsigned at_once = n < TARGETS_AT_ONCE ? (unsigned)n : TARGETS_AT_ONCE;
        r.window = scan_window(at_once);
        pool_run(n, TARGETS_AT_ONCE, probe_one_target, &r);
    }
    for (size_t i = 0; i < ready; i++) {
        probe_target *t = &r.ts[i];
        if (!st && t->status) {
            *err = t->err;
            st = t->status;
        }
        if (!st)
            st = take_target(res, t, err);
        free_services(t->services, t->service_count);
        iotssf_findings_free(&t->findings);
        pthread_mutex_destroy(&t->lock);
    }
    free(r.ts);
    shared_free(&r.shared);
    if (st) {
        iotssf_probe_result_free(res);
        return st;
    }
    res->interrupted = o->stop && *o->stop;
    res->seconds = (double)(probe_now_ms() - started) / 1000.0;
    if (o->vulndb) {
        st = iotssf_probe_components(res, &res->components, err);
        if (!st)
            st = iotssf_vulns_match_components(o->vulndb, &res->components, o->rules,
                                               "PROBE-VULN", &res->vulns, &res->findings, err);
        if (st) {
            iotssf_probe_result_free(res);
            return st;
        }
        res->vulns_checked = true;
    }
    iotssf_findings_sort(&res->findings);
    *out = res;
    return IOTSSF_OK;
}
