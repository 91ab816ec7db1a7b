/*
 * Concluding an identification run: observations become components
 * (one per id and version, with every file and piece of evidence), the
 * observations without a version are placed (on the one versioned
 * component of their id, or as a low-confidence component of their own when
 * the signature says a name alone is enough), package database records are
 * reconciled with the binaries (agreement raises the confidence; a
 * disagreement keeps the binary's version and says so in `note`), and the
 * identity fields (CPE, purl, supplier, license) are filled from the
 * signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
}

static iotssf_component *get_component(iotssf_component_scan *s, size_t sig,
                                       const char *version, bool partial, iotssf_error *err)
{
    const comp_sig *g = &s->sigs->sigs[sig];
    const char *v = version && version[0] ? version : NULL;
    iotssf_component *c = iotssf_components_find(&s->comps, g->id, v, partial && v);
    if (c)
        return c;
    if (!(c = iotssf_components_push(&s->comps, err)))
        return NULL;
    c->id = strdup(g->id);
    c->version = v ? strdup(v) : NULL;
    c->version_partial = partial && v;
    c->confidence = IOTSSF_CONFIDENCE_LOW;
    if (!c->id || (v && !c->version)) {
        nomem(err);
        return NULL;
    }
    return c;
}

static iotssf_status add_to(iotssf_component *c, const found *f, const iotssf_component_file *file,
                            iotssf_error *err)
{
    if (f->confidence > c->confidence)
        c->confidence = f->confidence;
    iotssf_status st = iotssf_component_add_evidence(c, f->method, file->origin, file->path,
                                                     f->offset, f->text, err);
    if (!st && file->path)
        st = component_add_file(c, file, err);
    return st;
}

iotssf_status scan_add(iotssf_component_scan *s, const found *f, const file_ref *file,
                       iotssf_error *err)
{
    iotssf_component *c = get_component(s, f->sig, f->version, f->partial, err);
    if (!c)
        return err->status;
    iotssf_component_file cf = {(char *)file->origin, (char *)file->path, "", file->size};
    memcpy(cf.sha256, file->sha256, sizeof cf.sha256);
    return add_to(c, f, &cf, err);
}

iotssf_status scan_add_pending(iotssf_component_scan *s, const found *f, const file_ref *file,
                               iotssf_error *err)
{
    if (s->pending_count >= MAX_PENDING)
        return IOTSSF_OK;
    pending *grown = realloc(s->pending, (s->pending_count + 1) * sizeof *grown);
    if (!grown)
        return nomem(err);
    s->pending = grown;
    pending *p = &grown[s->pending_count];
    p->f = *f;
    p->file = (iotssf_component_file){strdup(file->origin ? file->origin : ""),
                                      strdup(file->path ? file->path : ""), "", file->size};
    memcpy(p->file.sha256, file->sha256, sizeof p->file.sha256);
    s->pending_count++;
    return p->file.origin && p->file.path ? IOTSSF_OK : nomem(err);
}

/* The versioned components of an id, and the last of them. */
static size_t versions_of(iotssf_component_scan *s, const char *id, iotssf_component **last)
{
    size_t n = 0;
    *last = NULL;
    for (size_t i = 0; i < s->comps.count; i++)
        if (s->comps.items[i].id && strcmp(s->comps.items[i].id, id) == 0 &&
            s->comps.items[i].version) {
            n++;
            *last = &s->comps.items[i];
        }
    return n;
}

static iotssf_status place_pending(iotssf_component_scan *s, iotssf_error *err)
{
    for (size_t i = 0; i < s->pending_count; i++) {
        const pending *p = &s->pending[i];
        iotssf_component *only;
        size_t n = versions_of(s, s->sigs->sigs[p->f.sig].id, &only);
        iotssf_component *c = NULL;
        /* Evidence the signature does not call enough alone only counts
         * beside a version in the same file (scan.c placed it there). */
        if (!p->f.alone)
            continue;
        if (n == 1)
            c = only;
        else if (n == 0 && !(c = get_component(s, p->f.sig, NULL, false, err)))
            return err->status;
        /* Several versions: which one this file belongs to is unknown. */
        if (!c)
            continue;
        found f = p->f;
        f.confidence = IOTSSF_CONFIDENCE_LOW;
        iotssf_status st = add_to(c, &f, &p->file, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

/* Moves a versionless component's evidence and files into `into`. */
static iotssf_status absorb(iotssf_component *into, iotssf_component *from, iotssf_error *err)
{
    for (size_t i = 0; i < from->evidence_count; i++) {
        const iotssf_component_evidence *e = &from->evidence[i];
        iotssf_status st = iotssf_component_add_evidence(into, e->method, e->origin, e->path,
                                                         e->offset, e->text, err);
        if (st)
            return st;
    }
    for (size_t i = 0; i < from->file_count; i++) {
        iotssf_status st = component_add_file(into, &from->files[i], err);
        if (st)
            return st;
    }
    component_free(from);
    return IOTSSF_OK;
}

static iotssf_status set_note(iotssf_component *c, const pkg_record *p, iotssf_error *err)
{
    char note[512];
    snprintf(note, sizeof note, "%s%s%s (%s) says %s, the binary says %s%s",
             c->note ? c->note : "", c->note ? "; " : "", p->method[0] == 'o' ? "opkg" : "dpkg",
             p->package, p->version, c->version, c->version_partial ? " (partial)" : "");
    free(c->note);
    return (c->note = strdup(note)) ? IOTSSF_OK : nomem(err);
}

static iotssf_status reconcile_package(iotssf_component_scan *s, const pkg_record *p,
                                       iotssf_error *err)
{
    const char *id = s->sigs->sigs[p->sig].id;
    char text[128];
    snprintf(text, sizeof text, "Package: %.40s Version: %.40s", p->package, p->version);
    bool agreed = false, any = false;
    for (size_t i = 0; i < s->comps.count; i++) {
        iotssf_component *c = &s->comps.items[i];
        if (!c->id || strcmp(c->id, id) != 0 || !c->version || !c->evidence_count)
            continue;
        bool pkg_only = strcmp(c->evidence[0].method, p->method) == 0;
        if (pkg_only)
            continue;
        any = true;
        size_t vlen = strlen(c->version);
        bool same = strcmp(c->version, p->upstream) == 0 ||
                    (c->version_partial && strncmp(c->version, p->upstream, vlen) == 0);
        iotssf_status st = IOTSSF_OK;
        if (same) {
            agreed = true;
            c->confidence = IOTSSF_CONFIDENCE_HIGH;
            st = iotssf_component_add_evidence(c, p->method, p->origin, p->path, p->offset, text,
                                               err);
        } else {
            st = set_note(c, p, err);
        }
        if (st)
            return st;
    }
    if (agreed || any || !p->upstream[0])
        return IOTSSF_OK;
    /* Only the package database knows this one: medium confidence. */
    iotssf_component *c = get_component(s, p->sig, p->upstream, false, err);
    if (!c)
        return err->status;
    if (c->confidence < IOTSSF_CONFIDENCE_MEDIUM)
        c->confidence = IOTSSF_CONFIDENCE_MEDIUM;
    iotssf_status st =
        iotssf_component_add_evidence(c, p->method, p->origin, p->path, p->offset, text, err);
    iotssf_component *bare = iotssf_components_find(&s->comps, id, NULL, false);
    if (!st && bare) {
        c = iotssf_components_find(&s->comps, id, p->upstream, false); /* `bare` may move nothing */
        st = absorb(c, bare, err);
    }
    return st;
}

static char *cpe_of(const comp_sig *g, const iotssf_component *c)
{
    char buf[512];
    snprintf(buf, sizeof buf, "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", g->cpe_vendor, g->cpe_product,
             c->version && !c->version_partial ? c->version : "*");
    return strdup(buf);
}

static iotssf_status fill_identity(iotssf_component_scan *s, iotssf_component *c,
                                   iotssf_error *err)
{
    const comp_sig *g = NULL;
    for (size_t i = 0; i < s->sigs->count && !g; i++)
        if (strcmp(s->sigs->sigs[i].id, c->id) == 0)
            g = &s->sigs->sigs[i];
    if (!g)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "no signature for %s", c->id);
    char purl[512];
    if (c->version && !c->version_partial)
        snprintf(purl, sizeof purl, "%s@%s", g->purl, c->version);
    else
        snprintf(purl, sizeof purl, "%s", g->purl);
    c->name = strdup(g->name);
    c->version_scheme = strdup(g->version_scheme);
    c->supplier = g->supplier ? strdup(g->supplier) : NULL;
    c->license = g->license ? strdup(g->license) : NULL;
    c->cpe = cpe_of(g, c);
    c->purl = strdup(purl);
    if (!c->name || !c->version_scheme || (g->supplier && !c->supplier) ||
        (g->license && !c->license) || !c->cpe || !c->purl)
        return nomem(err);
    return IOTSSF_OK;
}

/* A pattern seen in two different files is as good as an anchored string. */
static void settle_confidence(iotssf_component *c)
{
    if (c->confidence == IOTSSF_CONFIDENCE_MEDIUM && c->file_count >= 2 && c->version)
        c->confidence = IOTSSF_CONFIDENCE_HIGH;
}

iotssf_status scan_conclude(iotssf_component_scan *s, iotssf_error *err)
{
    iotssf_status st = place_pending(s, err);
    for (size_t i = 0; i < s->pkg_count && !st; i++)
        st = reconcile_package(s, &s->pkgs[i], err);
    if (st)
        return st;
    size_t kept = 0;
    for (size_t i = 0; i < s->comps.count; i++) {
        iotssf_component *c = &s->comps.items[i];
        if (!c->id)
            continue; /* absorbed */
        s->comps.items[kept++] = *c;
    }
    s->comps.count = kept;
    for (size_t i = 0; i < s->comps.count; i++) {
        settle_confidence(&s->comps.items[i]);
        if ((st = fill_identity(s, &s->comps.items[i], err)))
            return st;
    }
    return IOTSSF_OK;
}
