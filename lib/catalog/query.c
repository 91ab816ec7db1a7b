/*
 * Read access to a loaded catalog, and the checks that tie it to a policy and
 * to a profile.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

enum { MAX_WARNINGS = 1000 };

void catalog_warn(iotssf_catalog *c, const char *fmt, ...)
{
    if (c->warning_count >= MAX_WARNINGS)
        return;
    if (!c->warnings && !(c->warnings = arena_alloc(&c->mem, MAX_WARNINGS * sizeof(char *))))
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *copy = arena_strdup(&c->mem, buf);
    if (copy)
        c->warnings[c->warning_count++] = copy;
}

int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

iotssf_baseline_item *catalog_item(const iotssf_baseline *b, const char *id)
{
    for (size_t i = 0; i < b->item_count; i++)
        if (strcmp(b->items[i].id, id) == 0)
            return &b->items[i];
    return NULL;
}

void iotssf_catalog_free(iotssf_catalog *c)
{
    if (!c)
        return;
    arena_free(&c->mem);
    free(c);
}

size_t iotssf_catalog_requirement_count(const iotssf_catalog *c) { return c->requirement_count; }

const iotssf_requirement *iotssf_catalog_requirement(const iotssf_catalog *c, size_t i)
{
    return &c->requirements[i];
}

const iotssf_requirement *iotssf_catalog_find(const iotssf_catalog *c, const char *id)
{
    for (size_t i = 0; i < c->requirement_count; i++)
        if (strcmp(c->requirements[i].id, id) == 0)
            return &c->requirements[i];
    return NULL;
}

size_t iotssf_catalog_baseline_count(const iotssf_catalog *c) { return c->baseline_count; }

const iotssf_baseline *iotssf_catalog_baseline(const iotssf_catalog *c, size_t i)
{
    return &c->baselines[i];
}

const iotssf_baseline *iotssf_catalog_baseline_by_scheme(const iotssf_catalog *c,
                                                         const char *scheme)
{
    for (size_t i = 0; i < c->baseline_count; i++)
        if (strcmp(c->baselines[i].scheme, scheme) == 0)
            return &c->baselines[i];
    return NULL;
}

size_t iotssf_catalog_feature_count(const iotssf_catalog *c) { return c->feature_count; }

const iotssf_feature *iotssf_catalog_feature(const iotssf_catalog *c, size_t i)
{
    return &c->features[i];
}

const iotssf_feature *iotssf_catalog_feature_by_id(const iotssf_catalog *c, const char *id)
{
    for (size_t i = 0; i < c->feature_count; i++)
        if (strcmp(c->features[i].id, id) == 0)
            return &c->features[i];
    return NULL;
}

size_t iotssf_catalog_warning_count(const iotssf_catalog *c) { return c->warning_count; }

const char *iotssf_catalog_warning(const iotssf_catalog *c, size_t i) { return c->warnings[i]; }

iotssf_need iotssf_requirement_need(const iotssf_requirement *r, const char *tier)
{
    for (size_t i = 0; i < r->tier_count; i++)
        if (strcmp(r->tiers[i].tier, tier) == 0)
            return r->tiers[i].need;
    return IOTSSF_NEED_NONE;
}

iotssf_status iotssf_catalog_check_policy(const iotssf_catalog *c, const iotssf_policy *p,
                                          iotssf_error *err)
{
    for (size_t t = 0; t < iotssf_policy_tier_count(p); t++) {
        const char *tier = iotssf_policy_tier(p, t)->id;
        bool used = false;
        for (size_t i = 0; i < c->requirement_count && !used; i++)
            used = iotssf_requirement_need(&c->requirements[i], tier) != IOTSSF_NEED_NONE;
        if (!used)
            return iotssf_fail(err, IOTSSF_E_INPUT, iotssf_policy_file(p), 0, 0,
                               "policy tier '%s' is not used by any requirement of the catalog; "
                               "a policy's tiers must be the catalog's (T1..T4)",
                               tier);
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_catalog_check_profile(const iotssf_catalog *c, const iotssf_profile *p,
                                           iotssf_error *err)
{
    for (size_t i = 0; i < p->feature_count; i++) {
        if (iotssf_catalog_feature_by_id(c, p->features[i].name))
            continue;
        char known[2048];
        size_t used = 0;
        known[0] = '\0';
        for (size_t k = 0; k < c->feature_count && used < sizeof known; k++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "",
                                     c->features[k].id);
        return iotssf_fail(err, IOTSSF_E_INPUT, p->file, p->features[i].pos.line,
                           p->features[i].pos.column,
                           "unknown feature '%s'; expected one of: %s", p->features[i].name,
                           known);
    }
    return IOTSSF_OK;
}
