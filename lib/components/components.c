/*
 * The component list of include/iotssf/components.h: creating, growing,
 * merging evidence and files into a component, sorting and freeing. The
 * identification run (scan.c, reconcile.c) builds it; reports read it.
 */
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"

const char *iotssf_confidence_name(iotssf_confidence c)
{
    switch (c) {
    case IOTSSF_CONFIDENCE_LOW: return "low";
    case IOTSSF_CONFIDENCE_MEDIUM: return "medium";
    case IOTSSF_CONFIDENCE_HIGH: return "high";
    }
    return "unknown";
}

void iotssf_components_init(iotssf_components *c)
{
    memset(c, 0, sizeof *c);
}

void component_free(iotssf_component *c)
{
    free(c->id);
    free(c->name);
    free(c->version);
    free(c->version_scheme);
    free(c->supplier);
    free(c->cpe);
    free(c->purl);
    free(c->license);
    free(c->note);
    for (size_t i = 0; i < c->evidence_count; i++) {
        free(c->evidence[i].method);
        free(c->evidence[i].origin);
        free(c->evidence[i].path);
        free(c->evidence[i].text);
    }
    free(c->evidence);
    for (size_t i = 0; i < c->file_count; i++) {
        free(c->files[i].origin);
        free(c->files[i].path);
    }
    free(c->files);
    memset(c, 0, sizeof *c);
}

void iotssf_components_free(iotssf_components *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        component_free(&c->items[i]);
    free(c->items);
    memset(c, 0, sizeof *c);
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

iotssf_component *iotssf_components_find(iotssf_components *c, const char *id,
                                         const char *version, bool partial)
{
    for (size_t i = 0; i < c->count; i++) {
        iotssf_component *x = &c->items[i];
        if (x->id && strcmp(x->id, id) == 0 && same_text(x->version, version) &&
            x->version_partial == partial)
            return x;
    }
    return NULL;
}

iotssf_component *iotssf_components_push(iotssf_components *c, iotssf_error *err)
{
    if (c->count >= MAX_COMPONENTS) {
        iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "more than %d components", MAX_COMPONENTS);
        return NULL;
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        iotssf_component *grown = realloc(c->items, cap * sizeof *grown);
        if (!grown) {
            iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        c->items = grown;
        c->cap = cap;
    }
    iotssf_component *x = &c->items[c->count++];
    memset(x, 0, sizeof *x);
    return x;
}

static char *dup_or_null(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = true;
    return d;
}

iotssf_status iotssf_component_add_evidence(iotssf_component *c, const char *method,
                                            const char *origin, const char *path,
                                            uint64_t offset, const char *text,
                                            iotssf_error *err)
{
    for (size_t i = 0; i < c->evidence_count; i++) {
        const iotssf_component_evidence *e = &c->evidence[i];
        if (strcmp(e->method, method) == 0 && same_text(e->origin, origin) &&
            same_text(e->path, path) && same_text(e->text, text))
            return IOTSSF_OK; /* the same string twice in one file says nothing more */
    }
    if (c->evidence_count >= MAX_EVIDENCE_PER_COMPONENT)
        return IOTSSF_OK;
    iotssf_component_evidence *grown =
        realloc(c->evidence, (c->evidence_count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    c->evidence = grown;
    bool failed = false;
    iotssf_component_evidence *e = &grown[c->evidence_count];
    e->method = dup_or_null(method, &failed);
    e->origin = dup_or_null(origin, &failed);
    e->path = dup_or_null(path, &failed);
    e->text = dup_or_null(text, &failed);
    e->offset = offset;
    c->evidence_count++;
    return failed ? iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory") : IOTSSF_OK;
}

iotssf_status component_add_file(iotssf_component *c, const iotssf_component_file *f,
                                 iotssf_error *err)
{
    for (size_t i = 0; i < c->file_count; i++)
        if (same_text(c->files[i].origin, f->origin) && same_text(c->files[i].path, f->path))
            return IOTSSF_OK;
    if (c->file_count >= MAX_FILES_PER_COMPONENT)
        return IOTSSF_OK;
    iotssf_component_file *grown = realloc(c->files, (c->file_count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    c->files = grown;
    bool failed = false;
    iotssf_component_file *d = &grown[c->file_count++];
    *d = *f;
    d->origin = dup_or_null(f->origin, &failed);
    d->path = dup_or_null(f->path, &failed);
    return failed ? iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory") : IOTSSF_OK;
}

static int by_id_version(const void *pa, const void *pb)
{
    const iotssf_component *a = pa, *b = pb;
    int d = strcmp(a->id, b->id);
    if (d)
        return d;
    if (!a->version || !b->version)
        return (a->version != NULL) - (b->version != NULL);
    d = strcmp(a->version, b->version);
    return d ? d : (int)a->version_partial - (int)b->version_partial;
}

void iotssf_components_sort(iotssf_components *c)
{
    if (c->count > 1)
        qsort(c->items, c->count, sizeof *c->items, by_id_version);
}
