/*
 * One target's shared state, as the parallel checks of that target touch it:
 * findings and services (under the target's lock), the time budget, the stop
 * flag, and the login rate that bounds credential guessing across every
 * service of the target together.
 */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe_internal.h"

bool target_stopping(const probe_target *t)
{
    if (t->o->stop && *t->o->stop)
        return true;
    return probe_now_ms() >= t->deadline_ms;
}

unsigned target_wait_ms(const probe_target *t, unsigned want)
{
    uint64_t now = probe_now_ms();
    if (now >= t->deadline_ms)
        return 0;
    uint64_t left = t->deadline_ms - now;
    return left < want ? (unsigned)left : want;
}

static void record_failure(probe_target *t, iotssf_status st, const iotssf_error *err)
{
    if (!t->status) {
        t->status = st;
        t->err = *err;
    }
}

void target_finding(probe_target *t, const char *rule_id, int port, bool udp,
                    const transcript *evidence, const char *fmt, ...)
{
    char message[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    iotssf_finding where = {
        .message = message,
        .evidence = evidence && evidence->len ? (char *)evidence->text : NULL,
        .host = (char *)t->address,
        .port = port,
        .transport = udp ? "udp" : "tcp",
    };
    iotssf_error err;
    iotssf_error_clear(&err);
    pthread_mutex_lock(&t->lock);
    iotssf_status st = iotssf_findings_add(&t->findings, t->o->rules, rule_id, &where, &err);
    if (st)
        record_failure(t, st, &err);
    pthread_mutex_unlock(&t->lock);
}

static bool replace(char **slot, const char *value)
{
    if (!value || !value[0])
        return true;
    char *copy = strdup(value);
    if (!copy)
        return false;
    free(*slot);
    *slot = copy;
    return true;
}

static iotssf_probe_service *find_or_add(probe_target *t, int port, bool udp)
{
    for (size_t i = 0; i < t->service_count; i++)
        if (t->services[i].port == port && (strcmp(t->services[i].transport, "udp") == 0) == udp)
            return &t->services[i];
    if (t->service_count == t->service_cap) {
        size_t cap = t->service_cap ? t->service_cap * 2 : 16;
        iotssf_probe_service *grown = realloc(t->services, cap * sizeof *grown);
        if (!grown)
            return NULL;
        t->services = grown;
        t->service_cap = cap;
    }
    iotssf_probe_service *s = &t->services[t->service_count++];
    memset(s, 0, sizeof *s);
    s->port = port;
    s->transport = udp ? "udp" : "tcp";
    return s;
}

void target_service(probe_target *t, int port, bool udp, const char *name, const char *product,
                    const char *version, const char *banner, bool tls)
{
    pthread_mutex_lock(&t->lock);
    iotssf_probe_service *s = find_or_add(t, port, udp);
    bool ok = s && replace(&s->name, name ? name : (s->name ? NULL : "unknown")) &&
              replace(&s->product, product) && replace(&s->version, version) &&
              replace(&s->banner, banner);
    if (s && tls)
        s->tls = true;
    if (!ok) {
        iotssf_error err;
        iotssf_fail(&err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        record_failure(t, IOTSSF_E_NOMEM, &err);
    }
    pthread_mutex_unlock(&t->lock);
}

const char *target_service_name(probe_target *t, int port, bool udp, char *buf, size_t size)
{
    buf[0] = '\0';
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->service_count; i++)
        if (t->services[i].port == port && (strcmp(t->services[i].transport, "udp") == 0) == udp &&
            t->services[i].name)
            snprintf(buf, size, "%s", t->services[i].name);
    pthread_mutex_unlock(&t->lock);
    return buf;
}

void target_progress(probe_target *t, const char *fmt, ...)
{
    if (!t->o->progress)
        return;
    char line[512];
    int n = snprintf(line, sizeof line, "%s: ", t->address);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    t->o->progress(t->o->progress_ctx, line);
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

bool target_login_slot(probe_target *t)
{
    uint64_t interval = (uint64_t)(1e6 / t->o->rate);
    pthread_mutex_lock(&t->lock);
    uint64_t now = now_us();
    uint64_t slot = t->next_login_us > now ? t->next_login_us : now;
    t->next_login_us = slot + interval;
    t->login_attempts++;
    pthread_mutex_unlock(&t->lock);
    for (;;) {
        if (target_stopping(t))
            return false;
        uint64_t cur = now_us();
        if (cur >= slot)
            return true;
        uint64_t wait = (slot - cur + 999) / 1000;
        probe_sleep_ms((unsigned)(wait > 100 ? 100 : wait));
    }
}
