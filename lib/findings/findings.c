/*
 * A growable list of findings, each tied to its rule and carrying its
 * evidence. Strings are copied so engines can pass stack buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "iotssf/findings.h"

void iotssf_findings_init(iotssf_findings *f)
{
    memset(f, 0, sizeof *f);
}

static void free_one(iotssf_finding *x)
{
    free(x->message);
    free(x->evidence);
    free(x->origin);
    free(x->path);
    free(x->host);
    free(x->transport);
}

void iotssf_findings_free(iotssf_findings *f)
{
    for (size_t i = 0; i < f->count; i++)
        free_one(&f->items[i]);
    free(f->items);
    iotssf_findings_init(f);
}

static char *dup_opt(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    *failed |= d == NULL;
    return d;
}

iotssf_status iotssf_findings_add(iotssf_findings *f, const iotssf_rule_set *rules,
                                  const char *rule_id, const iotssf_finding *where,
                                  iotssf_error *err)
{
    const iotssf_rule_def *rule = iotssf_rules_find(rules, rule_id);
    if (!rule)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                           "finding for rule '%s', which data/rules does not define", rule_id);
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        iotssf_finding *grown = realloc(f->items, cap * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        f->items = grown;
        f->cap = cap;
    }
    iotssf_finding *x = &f->items[f->count];
    bool failed = false;
    *x = *where;
    x->rule = rule;
    /* A different severity is a different rule: severities stay stable per id. */
    x->severity = rule->severity;
    x->message = dup_opt(where->message ? where->message : rule->title, &failed);
    x->evidence = dup_opt(where->evidence, &failed);
    x->origin = dup_opt(where->origin, &failed);
    x->path = dup_opt(where->path, &failed);
    x->host = dup_opt(where->host, &failed);
    x->transport = dup_opt(where->transport, &failed);
    if (failed) {
        free_one(x);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    f->count++;
    return IOTSSF_OK;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int compare_findings(const void *pa, const void *pb)
{
    const iotssf_finding *a = pa, *b = pb;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    int c = strcmp(a->rule->id, b->rule->id);
    if (!c)
        c = cmp_str(a->path, b->path);
    if (!c)
        c = cmp_str(a->host, b->host);
    if (!c)
        c = a->offset < b->offset ? -1 : a->offset > b->offset;
    if (!c)
        c = a->line < b->line ? -1 : a->line > b->line;
    if (!c)
        c = a->port - b->port;
    return c;
}

void iotssf_findings_sort(iotssf_findings *f)
{
    if (f->count > 1)
        qsort(f->items, f->count, sizeof *f->items, compare_findings);
}

size_t iotssf_findings_at_least(const iotssf_findings *f, iotssf_severity threshold)
{
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++)
        n += f->items[i].severity >= threshold;
    return n;
}
