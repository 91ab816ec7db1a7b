/*
 * iotssf_vulndb_lookup: which records affect one component at one version.
 * Imported upstream records (NVD, upstream OSV) come first and, per CVE id,
 * replace the shipped ones (an imported database is the user's fresher view
 * of the same advisories); distribution records (Debian, Alpine) come last
 * and only speak for CVEs no upstream record knows for the component. One
 * CVE is listed once.
 * Results are copied out of the database, so they outlive it.
 */
#include <stdlib.h>
#include <string.h>

#include "vulns_internal.h"

void iotssf_vulns_init(iotssf_vulns *v)
{
    memset(v, 0, sizeof *v);
}

static void vuln_free(iotssf_vuln *v)
{
    free(v->id);
    free(v->component);
    free(v->version);
    free(v->summary);
    free(v->cvss_vector);
    free(v->introduced);
    free(v->fixed);
    free(v->source);
    for (size_t i = 0; i < v->reference_count; i++)
        free(v->references[i]);
    free(v->references);
}

void iotssf_vulns_free(iotssf_vulns *v)
{
    for (size_t i = 0; i < v->count; i++)
        vuln_free(&v->items[i]);
    free(v->items);
    iotssf_vulns_init(v);
}

const char *vuln_affected_scheme(const osv_affected *af, const char *component_scheme)
{
    if (strncmp(af->ecosystem, "Debian", 6) == 0 || strncmp(af->ecosystem, "Alpine", 6) == 0)
        return "debian";
    return component_scheme;
}

/* strdup that keeps NULL as NULL; *failed is set when memory ran out. */
static char *copy(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = true;
    return c;
}

typedef struct vuln_match {
    const char *component, *version, *introduced, *fixed, *source;
} vuln_match;

static iotssf_status append(iotssf_vulns *out, const osv_record *r, const vuln_match *m,
                            iotssf_error *err)
{
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        iotssf_vuln *grown = realloc(out->items, cap * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
        out->items = grown;
        out->cap = cap;
    }
    bool failed = false;
    iotssf_vuln *v = &out->items[out->count++];
    *v = (iotssf_vuln){
        .id = copy(r->cve, &failed), .component = copy(m->component, &failed),
        .version = copy(m->version, &failed), .summary = copy(r->summary, &failed),
        .cvss_vector = copy(r->cvss_vector, &failed), .cvss_score = r->cvss_score,
        .severity = r->severity, .introduced = copy(m->introduced, &failed),
        .fixed = copy(m->fixed, &failed), .source = copy(m->source, &failed)};
    if (r->reference_count) {
        v->references = calloc(r->reference_count, sizeof *v->references);
        failed |= !v->references;
        for (size_t i = 0; v->references && i < r->reference_count; i++)
            v->references[v->reference_count++] = copy(r->references[i], &failed);
    }
    if (failed)
        return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
    return IOTSSF_OK;
}

/* The CVE ids already listed by this lookup: open addressing, sized for
 * every record that could match, so a component with thousands of imported
 * records is not quadratic. */
typedef struct listed_set {
    const char **slots;
    size_t mask;
} listed_set;

static size_t hash_text(const char *s)
{
    size_t h = 1469598103934665603ULL & SIZE_MAX;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (1099511628211ULL & SIZE_MAX);
    return h;
}

/* Adds `id`; false when it was already there. */
static bool listed_add(listed_set *s, const char *id)
{
    for (size_t i = hash_text(id) & s->mask;; i = (i + 1) & s->mask) {
        if (!s->slots[i]) {
            s->slots[i] = id;
            return true;
        }
        if (strcmp(s->slots[i], id) == 0)
            return false;
    }
}

typedef enum ecosystem_filter { ONLY_UPSTREAM, ONLY_DISTRIBUTIONS } ecosystem_filter;

static bool is_distribution(const osv_affected *af)
{
    return strcmp(af->ecosystem, "upstream") != 0;
}

typedef struct stored_record {
    const osv_record *record;
    const char *source;
} stored_record;

typedef struct lookup_ctx {
    const char *component, *scheme, *version;
    iotssf_vulns *out;
    listed_set listed;
    arena *a;
    stored_record *imported;   /* the imported records naming the component */
    size_t imported_count, imported_cap;
} lookup_ctx;

/* Appends `r` when one of its entries for the component, in the ecosystems
 * `filter` admits, covers the version. */
static iotssf_status consider(lookup_ctx *l, const osv_record *r, const char *source,
                              ecosystem_filter filter, iotssf_error *err)
{
    if (r->withdrawn)
        return IOTSSF_OK;
    for (size_t i = 0; i < r->affected_count; i++) {
        const osv_affected *af = &r->affected[i];
        vuln_match m = {.component = l->component, .version = l->version, .source = source};
        if (strcmp(af->name, l->component) == 0 &&
            is_distribution(af) == (filter == ONLY_DISTRIBUTIONS) &&
            osv_affected_matches(af, vuln_affected_scheme(af, l->scheme), l->version,
                                 &m.introduced, &m.fixed))
            return listed_add(&l->listed, r->cve) ? append(l->out, r, &m, err) : IOTSSF_OK;
    }
    return IOTSSF_OK;
}

static iotssf_status collect_imported(void *ctx, const osv_record *r, const char *source,
                                      iotssf_error *err)
{
    lookup_ctx *l = ctx;
    if (l->imported_count == l->imported_cap) {
        size_t cap = l->imported_cap ? l->imported_cap * 2 : 64;
        stored_record *grown = arena_alloc(l->a, cap * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
        if (l->imported_count)
            memcpy(grown, l->imported, l->imported_count * sizeof *grown);
        l->imported = grown;
        l->imported_cap = cap;
    }
    l->imported[l->imported_count++] = (stored_record){r, source};
    return IOTSSF_OK;
}

static bool names_component_upstream(const osv_record *r, const char *component)
{
    for (size_t k = 0; k < r->affected_count; k++)
        if (strcmp(r->affected[k].name, component) == 0 && !is_distribution(&r->affected[k]))
            return true;
    return false;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* CVE ids, sorted for bsearch once filled. */
typedef struct cve_set {
    const char **ids;
    size_t count;
} cve_set;

static iotssf_status cve_set_init(lookup_ctx *l, cve_set *s, size_t cap, iotssf_error *err)
{
    s->count = 0;
    s->ids = arena_alloc(l->a, (cap + 1) * sizeof *s->ids);
    return s->ids ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
}

static void cve_set_sort(cve_set *s)
{
    if (s->count > 1)
        qsort(s->ids, s->count, sizeof *s->ids, by_string);
}

static bool cve_set_has(const cve_set *s, const char *cve)
{
    return s->count && bsearch(&cve, s->ids, s->count, sizeof *s->ids, by_string);
}

/* The CVEs upstream records describe for the component: those of the
 * imported records, and those plus the shipped ones. */
static iotssf_status upstream_cves(lookup_ctx *l, const osv_record *shipped, size_t n,
                                   cve_set *imported, cve_set *known, iotssf_error *err)
{
    iotssf_status st = cve_set_init(l, imported, l->imported_count, err);
    if (!st)
        st = cve_set_init(l, known, l->imported_count + n, err);
    for (size_t i = 0; !st && i < l->imported_count; i++)
        if (names_component_upstream(l->imported[i].record, l->component))
            imported->ids[imported->count++] = known->ids[known->count++] =
                l->imported[i].record->cve;
    for (size_t i = 0; !st && i < n; i++)
        if (names_component_upstream(&shipped[i], l->component))
            known->ids[known->count++] = shipped[i].cve;
    cve_set_sort(imported);
    cve_set_sort(known);
    return st;
}

/* An imported upstream record for a CVE replaces the shipped one. A
 * distribution's record speaks only for CVEs no upstream record knows for
 * the component: its fixed version is the distribution's patched package,
 * which says nothing about later upstream releases. */
static iotssf_status match_all(lookup_ctx *l, const osv_record *shipped, size_t n,
                               iotssf_error *err)
{
    cve_set imported = {0}, known = {0};
    iotssf_status st = upstream_cves(l, shipped, n, &imported, &known, err);
    size_t slots = 16;
    while (slots < 2 * (l->imported_count + n + 1))
        slots *= 2;
    l->listed.mask = slots - 1;
    if (!st && !(l->listed.slots = arena_alloc(l->a, slots * sizeof *l->listed.slots)))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
    for (size_t i = 0; !st && i < l->imported_count; i++)
        st = consider(l, l->imported[i].record, l->imported[i].source, ONLY_UPSTREAM, err);
    for (size_t i = 0; !st && i < n; i++)
        if (!cve_set_has(&imported, shipped[i].cve))
            st = consider(l, &shipped[i], "shipped", ONLY_UPSTREAM, err);
    for (size_t i = 0; !st && i < l->imported_count; i++)
        if (!cve_set_has(&known, l->imported[i].record->cve))
            st = consider(l, l->imported[i].record, l->imported[i].source, ONLY_DISTRIBUTIONS,
                          err);
    return st;
}

static int vuln_order(const void *a, const void *b)
{
    const iotssf_vuln *va = a, *vb = b;
    if (va->severity != vb->severity)
        return va->severity > vb->severity ? -1 : 1;
    int c = strcmp(va->id, vb->id);
    return c ? c : strcmp(va->component, vb->component);
}

iotssf_status iotssf_vulndb_lookup(const iotssf_vulndb *db, const char *component,
                                   const char *version, iotssf_vulns *out, iotssf_error *err)
{
    if (!component)
        return IOTSSF_OK;
    const char *scheme = iotssf_vulndb_scheme(db, component);
    if (iotssf_version_is_partial(scheme, version))
        return IOTSSF_OK;
    arena a;
    arena_init(&a);
    lookup_ctx l = {.component = component, .scheme = scheme, .version = version, .out = out,
                    .a = &a};
    iotssf_status st = IOTSSF_OK;
    if (vulndb_store(db))
        st = vuln_store_each(vulndb_store(db), component, &a, collect_imported, &l, err);
    size_t n;
    const osv_record *shipped = vulndb_shipped(db, &n);
    if (!st)
        st = match_all(&l, shipped, n, err);
    arena_free(&a);
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, vuln_order);
    return st;
}
