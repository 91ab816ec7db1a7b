/*
 * The part of the component signatures (data/components/<id>.yaml) that the
 * vulnerability layer needs: the id, the version scheme, the CPE names an
 * NVD feed uses for the component and the distribution source packages an
 * OSV export uses. Only these top-level keys are read; the rest of the
 * format belongs to the component identification and is not checked here.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulns_internal.h"

enum { MAX_SIGNATURES = 4096 };

static iotssf_status read_cpe(doc_ctx *c, const doc_node *n, vuln_cpe *out)
{
    const doc_node *v;
    TRY(doc_expect(c, n, DOC_MAPPING, "cpe"));
    TRY(doc_require(c, n, "vendor", "cpe", &v));
    TRY(doc_string(c, v, "vendor", &out->vendor));
    TRY(doc_require(c, n, "product", "cpe", &v));
    return doc_string(c, v, "product", &out->product);
}

static iotssf_status read_cpes(doc_ctx *c, const doc_node *map, arena *a, vuln_signature *s)
{
    const doc_node *cpe = doc_get(map, "cpe"), *also = doc_get(map, "cpe_also");
    size_t n = (cpe ? 1 : 0);
    if (also) {
        TRY(doc_expect(c, also, DOC_SEQUENCE, "cpe_also"));
        n += also->count;
    }
    s->cpes = arena_alloc(a, (n + 1) * sizeof *s->cpes);
    if (!s->cpes)
        return iotssf_fail(c->err, IOTSSF_E_NOMEM, c->file, 0, 0, "out of memory");
    if (cpe)
        TRY(read_cpe(c, cpe, &s->cpes[s->cpe_count++]));
    for (size_t i = 0; also && i < also->count; i++)
        TRY(read_cpe(c, also->items[i], &s->cpes[s->cpe_count++]));
    return IOTSSF_OK;
}

static iotssf_status read_names(doc_ctx *c, const doc_node *packages, const char *key,
                                arena *a, const char ***out, size_t *count)
{
    const doc_node *n = doc_get(packages, key);
    if (!n)
        return IOTSSF_OK;
    TRY(doc_expect(c, n, DOC_SEQUENCE, key));
    *out = arena_alloc(a, (n->count + 1) * sizeof **out);
    if (!*out)
        return iotssf_fail(c->err, IOTSSF_E_NOMEM, c->file, 0, 0, "out of memory");
    for (size_t i = 0; i < n->count; i++)
        TRY(doc_string(c, n->items[i], key, &(*out)[i]));
    *count = n->count;
    return IOTSSF_OK;
}

static iotssf_status read_signature(const char *path, arena *a, vuln_signature *s,
                                    iotssf_error *err)
{
    doc_node *root;
    TRY(doc_load_file(path, a, &root, err));
    char *file = arena_strdup(a, path);
    if (!file)
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    doc_ctx c = {.file = file, .err = err};
    const doc_node *v;
    TRY(doc_expect(&c, root, DOC_MAPPING, "component signature"));
    TRY(doc_require(&c, root, "id", "component signature", &v));
    TRY(doc_string(&c, v, "id", &s->id));
    s->scheme = "dotted";
    v = doc_get(root, "version_scheme");
    if (v)
        TRY(doc_string(&c, v, "version_scheme", &s->scheme));
    TRY(read_cpes(&c, root, a, s));
    const doc_node *packages = doc_get(root, "packages");
    if (packages) {
        TRY(doc_expect(&c, packages, DOC_MAPPING, "packages"));
        TRY(read_names(&c, packages, "debian", a, &s->debian, &s->debian_count));
        TRY(read_names(&c, packages, "alpine", a, &s->alpine, &s->alpine_count));
    }
    return IOTSSF_OK;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const vuln_signature *)a)->id, ((const vuln_signature *)b)->id);
}

static bool is_yaml(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".yaml") == 0;
}

iotssf_status vuln_signatures_load(const char *data_dir, arena *a, vuln_signatures *out,
                                   iotssf_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/components", data_dir);
    out->items = NULL;
    out->count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? IOTSSF_OK
                               : iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot read: %s",
                                             strerror(errno));
    out->items = arena_alloc(a, MAX_SIGNATURES * sizeof *out->items);
    iotssf_status st = out->items ? IOTSSF_OK
                                  : iotssf_fail(err, IOTSSF_E_NOMEM, dir, 0, 0, "out of memory");
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        if (!is_yaml(e->d_name))
            continue;
        if (out->count == MAX_SIGNATURES) {
            st = iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0, "more than %d signatures",
                             MAX_SIGNATURES);
            break;
        }
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        st = read_signature(path, a, &out->items[out->count], err);
        if (!st)
            out->count++;
    }
    closedir(d);
    if (!st)
        qsort(out->items, out->count, sizeof *out->items, by_id);
    return st;
}

const vuln_signature *vuln_signature_find(const vuln_signatures *s, const char *id)
{
    vuln_signature key = {.id = id};
    return s->count ? bsearch(&key, s->items, s->count, sizeof key, by_id) : NULL;
}

const char *vuln_signature_scheme(const vuln_signatures *s, const char *id)
{
    const vuln_signature *sig = vuln_signature_find(s, id);
    return sig ? sig->scheme : "dotted";
}
