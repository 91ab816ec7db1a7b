/*
 * Loads component signature files (data/components/<id>.yaml; the format is
 * in docs/components.md) through the positioned document tree of
 * lib/core/doc.c: every key is checked, every pattern compiled, and a mistake
 * is an error with the file, line and column. After loading, the distinct
 * content anchors are gathered and the automaton is built once.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "sigs.h"

enum { MAX_SIGS = 1024, MAX_RULES = 16384, MAX_GLOB_STARS = 4, MAX_CONTAINING = 8 };

typedef struct loader {
    doc_ctx ctx;
    iotssf_component_sigs *s;
    const char *expected_id; /* the file's stem, or NULL from memory */
} loader;

static const char *const scheme_names[] = {"dotted", "openssl", "openssh", "debian", NULL};
static const char *const confidence_names[] = {"low", "medium", "high", NULL};
static const char *const source_names[] = {"content", "file-name", "uimage-header", NULL};

static iotssf_status opt_string(loader *l, const doc_node *map, const char *key, const char *what,
                                const char **out)
{
    const doc_node *n = doc_get(map, key);
    *out = NULL;
    return n ? doc_string(&l->ctx, n, what, out) : IOTSSF_OK;
}

static iotssf_status opt_bool(loader *l, const doc_node *map, const char *key, const char *what,
                              bool *out)
{
    const doc_node *n = doc_get(map, key);
    *out = false;
    return n ? doc_bool(&l->ctx, n, what, out) : IOTSSF_OK;
}

static iotssf_status string_list(loader *l, const doc_node *n, const char *what,
                                 const char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!n)
        return IOTSSF_OK;
    TRY(doc_expect(&l->ctx, n, DOC_SEQUENCE, what));
    const char **items = arena_alloc(&l->s->mem, (n->count ? n->count : 1) * sizeof *items);
    if (!items)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n->count; i++)
        TRY(doc_string(&l->ctx, n->items[i], what, &items[i]));
    *out = items;
    *count = n->count;
    return IOTSSF_OK;
}

static iotssf_status glob_list(loader *l, const doc_node *n, const char ***out, size_t *count)
{
    TRY(string_list(l, n, "a list of file-name globs", out, count));
    for (size_t i = 0; i < *count; i++) {
        const char *g = (*out)[i];
        size_t stars = 0;
        for (const char *p = g; *p; p++)
            stars += *p == '*';
        if (g[0] == '/' || stars > MAX_GLOB_STARS + 2) /* "**" + "/" counts two */
            return doc_error(&l->ctx, n->items[i], "a glob is relative (no leading '/') and "
                             "holds at most %d '*'", MAX_GLOB_STARS);
    }
    return IOTSSF_OK;
}

static iotssf_status cpe_pair(loader *l, const doc_node *n, const char **vendor,
                              const char **product)
{
    static const char *const keys[] = {"vendor", "product", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "a CPE {vendor, product}"));
    TRY(doc_check_keys(&l->ctx, n, keys, "a CPE"));
    const doc_node *v, *p;
    TRY(doc_require(&l->ctx, n, "vendor", "the CPE vendor", &v));
    TRY(doc_require(&l->ctx, n, "product", "the CPE product", &p));
    TRY(doc_string(&l->ctx, v, "the CPE vendor", vendor));
    return doc_string(&l->ctx, p, "the CPE product", product);
}

static iotssf_status packages(loader *l, const doc_node *n, comp_sig *sig)
{
    static const char *const keys[] = {"debian", "openwrt", "alpine", NULL};
    if (!n)
        return IOTSSF_OK;
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "package names per ecosystem"));
    TRY(doc_check_keys(&l->ctx, n, keys, "packages"));
    TRY(string_list(l, doc_get(n, "debian"), "Debian source package names", &sig->debian,
                    &sig->debian_count));
    TRY(string_list(l, doc_get(n, "openwrt"), "OpenWrt package names", &sig->openwrt,
                    &sig->openwrt_count));
    return string_list(l, doc_get(n, "alpine"), "Alpine package names", &sig->alpine,
                       &sig->alpine_count);
}

static iotssf_status push_rule(loader *l, sig_rule **out)
{
    iotssf_component_sigs *s = l->s;
    if (s->rule_count >= MAX_RULES)
        return iotssf_fail(l->ctx.err, IOTSSF_E_INPUT, l->ctx.file, 0, 0,
                           "more than %d rules in all signatures", MAX_RULES);
    sig_rule *grown = realloc(s->rules, (s->rule_count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    s->rules = grown;
    *out = &grown[s->rule_count++];
    memset(*out, 0, sizeof **out);
    return IOTSSF_OK;
}

static iotssf_status rule_anchor(loader *l, const doc_node *n, sig_rule *r)
{
    const doc_node *a;
    TRY(doc_require(&l->ctx, n, "anchor", "the literal text to look for", &a));
    TRY(doc_string(&l->ctx, a, "the anchor text", &r->anchor));
    r->anchor_len = strlen(r->anchor);
    if (r->anchor_len < MIN_ANCHOR || r->anchor_len > MAX_ANCHOR)
        return doc_error(&l->ctx, a, "an anchor is %d to %d bytes long", MIN_ANCHOR, MAX_ANCHOR);
    return IOTSSF_OK;
}

static iotssf_status rule_common(loader *l, const doc_node *n, sig_rule *r, size_t sig)
{
    r->sig = sig;
    r->min_parts = 2;
    TRY(rule_anchor(l, n, r));
    const doc_node *src = doc_get(n, "source");
    int source = SIG_SOURCE_CONTENT;
    if (src)
        TRY(doc_enum(&l->ctx, src, source_names, "where the rule looks", &source));
    r->source = (sig_source)source;
    TRY(opt_string(l, n, "method", "the evidence method name", &r->method));
    if (!r->method)
        r->method = r->source == SIG_SOURCE_FILE_NAME       ? "file-name-version"
                    : r->source == SIG_SOURCE_UIMAGE_HEADER ? "uimage-header"
                    : r->product                            ? "product-string"
                                                            : "version-string";
    size_t globs = 0;
    TRY(glob_list(l, doc_get(n, "files"), &r->globs, &globs));
    r->glob_count = globs;
    const doc_node *c = doc_get(n, "containing");
    TRY(string_list(l, c, "strings a file must contain", &r->containing, &r->containing_count));
    if (r->containing_count > MAX_CONTAINING)
        return doc_error(&l->ctx, c, "at most %d strings", MAX_CONTAINING);
    for (size_t i = 0; i < r->containing_count; i++) {
        size_t len = strlen(r->containing[i]);
        if (len < SIG_LONG_ANCHOR || len > MAX_ANCHOR)
            return doc_error(&l->ctx, c->items[i], "a string is %d to %d bytes long",
                             SIG_LONG_ANCHOR, MAX_ANCHOR);
    }
    if (r->containing_count && r->source != SIG_SOURCE_CONTENT)
        return doc_error(&l->ctx, c, "`containing` is for rules that look at file contents");
    /* Short anchors are not in the skip filter: only files named by globs
     * are read byte by byte for them (sigs.h). */
    if (r->source == SIG_SOURCE_CONTENT && r->anchor_len < SIG_LONG_ANCHOR &&
        (!r->glob_count || r->containing_count))
        return doc_error(&l->ctx, n, "an anchor shorter than %d bytes needs `files` (and no "
                         "`containing`)", SIG_LONG_ANCHOR);
    return IOTSSF_OK;
}

static iotssf_status version_rule(loader *l, const doc_node *n, size_t sig)
{
    static const char *const keys[] = {"anchor", "pattern", "confidence", "before", "partial",
                                       "source", "method", "prefix", "min_parts", "files",
                                       "containing", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "a version rule"));
    TRY(doc_check_keys(&l->ctx, n, keys, "a version rule"));
    sig_rule *r;
    TRY(push_rule(l, &r));
    TRY(rule_common(l, n, r, sig));
    TRY(opt_bool(l, n, "before", "whether the version precedes the anchor", &r->before));
    TRY(opt_bool(l, n, "partial", "whether the string lacks part of the version", &r->partial));
    TRY(opt_string(l, n, "prefix", "the prefix every version has", &r->prefix));
    const doc_node *c = doc_get(n, "confidence");
    int conf = IOTSSF_CONFIDENCE_HIGH;
    if (c) {
        TRY(doc_enum(&l->ctx, c, confidence_names + 1, "medium or high", &conf));
        conf++;
    }
    r->confidence = (iotssf_confidence)conf;
    const doc_node *mp = doc_get(n, "min_parts");
    long long parts = 2;
    if (mp)
        TRY(doc_integer(&l->ctx, mp, 1, 8, "the least number of dotted parts", &parts));
    r->min_parts = (unsigned)parts;
    const doc_node *p = doc_get(n, "pattern");
    if (p && r->before)
        return doc_error(&l->ctx, p, "a rule with `before: true` takes no pattern");
    const char *text = "{v}";
    if (p)
        TRY(doc_string(&l->ctx, p, "the version pattern", &text));
    char why[160];
    if (!r->before && !pattern_compile(&l->s->mem, text, &r->tokens, &r->token_count, why,
                                       sizeof why))
        return doc_error(&l->ctx, p ? p : n, "bad version pattern: %s", why);
    return IOTSSF_OK;
}

static iotssf_status product_rule(loader *l, const doc_node *n, size_t sig)
{
    static const char *const keys[] = {"anchor", "alone", "method", "files", "containing",
                                       NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "a product-string rule"));
    TRY(doc_check_keys(&l->ctx, n, keys, "a product-string rule"));
    sig_rule *r;
    TRY(push_rule(l, &r));
    r->product = true;
    r->confidence = IOTSSF_CONFIDENCE_LOW;
    TRY(rule_common(l, n, r, sig));
    return opt_bool(l, n, "alone", "whether the string alone is enough", &r->alone);
}

static iotssf_status identify(loader *l, const doc_node *n, comp_sig *sig, size_t index)
{
    static const char *const keys[] = {"files", "files_alone", "versions", "products", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "identification data"));
    TRY(doc_check_keys(&l->ctx, n, keys, "identify"));
    TRY(glob_list(l, doc_get(n, "files"), &sig->files, &sig->file_count));
    TRY(opt_bool(l, n, "files_alone", "whether a file name alone is enough", &sig->files_alone));
    const doc_node *v = doc_get(n, "versions"), *p = doc_get(n, "products");
    if (v) {
        TRY(doc_expect(&l->ctx, v, DOC_SEQUENCE, "a list of version rules"));
        for (size_t i = 0; i < v->count; i++)
            TRY(version_rule(l, v->items[i], index));
    }
    if (p) {
        TRY(doc_expect(&l->ctx, p, DOC_SEQUENCE, "a list of product-string rules"));
        for (size_t i = 0; i < p->count; i++)
            TRY(product_rule(l, p->items[i], index));
    }
    return IOTSSF_OK;
}

static iotssf_status identity(loader *l, const doc_node *root, comp_sig *sig)
{
    const doc_node *n;
    TRY(doc_require(&l->ctx, root, "id", "the component id", &n));
    TRY(doc_string(&l->ctx, n, "the component id", &sig->id));
    if (l->expected_id && strcmp(sig->id, l->expected_id) != 0)
        return doc_error(&l->ctx, n, "the id must be the file's name, '%s'", l->expected_id);
    for (size_t i = 0; i < l->s->count; i++)
        if (strcmp(l->s->sigs[i].id, sig->id) == 0)
            return doc_error(&l->ctx, n, "component '%s' is defined twice", sig->id);
    TRY(doc_require(&l->ctx, root, "name", "the display name", &n));
    TRY(doc_string(&l->ctx, n, "the display name", &sig->name));
    TRY(opt_string(l, root, "supplier", "the supplier", &sig->supplier));
    TRY(opt_string(l, root, "license", "an SPDX license id", &sig->license));
    int scheme = 0;
    TRY(doc_require(&l->ctx, root, "version_scheme", "the version scheme", &n));
    TRY(doc_enum(&l->ctx, n, scheme_names, "the version scheme", &scheme));
    sig->version_scheme = scheme_names[scheme];
    TRY(doc_require(&l->ctx, root, "cpe", "the CPE vendor and product", &n));
    TRY(cpe_pair(l, n, &sig->cpe_vendor, &sig->cpe_product));
    const doc_node *also = doc_get(root, "cpe_also");
    if (also) {
        TRY(doc_expect(&l->ctx, also, DOC_SEQUENCE, "a list of other CPEs"));
        for (size_t i = 0; i < also->count; i++) {
            const char *v, *p;
            TRY(cpe_pair(l, also->items[i], &v, &p));
        }
    }
    TRY(doc_require(&l->ctx, root, "purl", "the package URL", &n));
    TRY(doc_string(&l->ctx, n, "the package URL", &sig->purl));
    if (strncmp(sig->purl, "pkg:", 4) != 0)
        return doc_error(&l->ctx, n, "a package URL starts with 'pkg:'");
    return packages(l, doc_get(root, "packages"), sig);
}

static iotssf_status load_document(loader *l, const doc_node *root)
{
    static const char *const keys[] = {"id", "name", "supplier", "license", "version_scheme",
                                       "cpe", "cpe_also", "purl", "packages", "identify", NULL};
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "a component signature"));
    TRY(doc_check_keys(&l->ctx, root, keys, "a component signature"));
    iotssf_component_sigs *s = l->s;
    if (s->count >= MAX_SIGS)
        return doc_error(&l->ctx, root, "more than %d signatures", MAX_SIGS);
    comp_sig *grown = realloc(s->sigs, (s->count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    s->sigs = grown;
    comp_sig *sig = &grown[s->count];
    memset(sig, 0, sizeof *sig);
    TRY(identity(l, root, sig));
    const doc_node *id = doc_get(root, "identify");
    if (id)
        TRY(identify(l, id, sig, s->count));
    s->count++;
    return IOTSSF_OK;
}

static iotssf_status load_stream(iotssf_component_sigs *s, doc_stream *ds, const char *expected,
                                 iotssf_error *err)
{
    loader l = {{doc_stream_name(ds), err}, s, expected};
    for (unsigned docs = 0;; docs++) {
        doc_node *root;
        TRY(doc_stream_next(ds, &s->mem, &root, err));
        if (!root)
            return IOTSSF_OK;
        if (expected && docs > 0)
            return doc_error(&l.ctx, root, "a signature file holds one document");
        TRY(load_document(&l, root));
    }
}

static size_t anchor_index(const iotssf_component_sigs *s, const char *text)
{
    size_t a = 0;
    while (a < s->anchor_count && strcmp(s->anchors[a].text, text) != 0)
        a++;
    return a;
}

/* One sig_anchor per distinct content anchor text (rules' anchors and their
 * `containing` strings), each with the run of `anchor_slots` naming the
 * rules that start at it. Rules are few (hundreds): quadratic is fine. */
static iotssf_status gather_anchors(iotssf_component_sigs *s, iotssf_error *err)
{
    size_t cap = 1;
    for (size_t r = 0; r < s->rule_count; r++)
        cap += 1 + s->rules[r].containing_count;
    s->anchors = calloc(cap, sizeof *s->anchors);
    s->anchor_slots = calloc(s->rule_count ? s->rule_count : 1, sizeof *s->anchor_slots);
    if (!s->anchors || !s->anchor_slots)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < s->rule_count; r++) {
        sig_rule *rule = &s->rules[r];
        if (rule->source != SIG_SOURCE_CONTENT)
            continue;
        if (anchor_index(s, rule->anchor) == s->anchor_count)
            s->anchors[s->anchor_count++] = (sig_anchor){rule->anchor, rule->anchor_len, NULL, 0};
        s->anchors[anchor_index(s, rule->anchor)].rule_count++;
        rule->containing_anchor =
            arena_alloc(&s->mem, (rule->containing_count + 1) * sizeof *rule->containing_anchor);
        if (!rule->containing_anchor)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < rule->containing_count; i++) {
            size_t a = anchor_index(s, rule->containing[i]);
            if (a == s->anchor_count)
                s->anchors[s->anchor_count++] =
                    (sig_anchor){rule->containing[i], strlen(rule->containing[i]), NULL, 0};
            rule->containing_anchor[i] = a;
        }
    }
    size_t at = 0;
    for (size_t a = 0; a < s->anchor_count; a++) {
        s->anchors[a].rules = s->anchor_slots + at;
        at += s->anchors[a].rule_count;
        s->anchors[a].rule_count = 0;
    }
    for (size_t r = 0; r < s->rule_count; r++) {
        if (s->rules[r].source != SIG_SOURCE_CONTENT)
            continue;
        sig_anchor *a = &s->anchors[anchor_index(s, s->rules[r].anchor)];
        a->rules[a->rule_count++] = r;
    }
    if (s->anchor_count > MAX_ANCHORS)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "more than %d distinct anchors",
                           MAX_ANCHORS);
    s->short_rules = calloc(s->rule_count ? s->rule_count : 1, sizeof *s->short_rules);
    if (!s->short_rules)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < s->rule_count; r++)
        if (s->rules[r].source == SIG_SOURCE_CONTENT && s->rules[r].anchor_len < SIG_LONG_ANCHOR)
            s->short_rules[s->short_rule_count++] = r;
    return sig_automaton_build(s, err);
}

static iotssf_component_sigs *sigs_new(iotssf_error *err)
{
    iotssf_component_sigs *s = calloc(1, sizeof *s);
    if (!s)
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    else
        arena_init(&s->mem);
    return s;
}

static iotssf_status finish_load(iotssf_component_sigs *s, iotssf_status st,
                                 iotssf_component_sigs **out, iotssf_error *err)
{
    if (!st)
        st = gather_anchors(s, err);
    if (st) {
        iotssf_component_sigs_free(s);
        return st;
    }
    *out = s;
    return IOTSSF_OK;
}

iotssf_status iotssf_component_sigs_load_memory(const char *name, const void *data, size_t size,
                                                iotssf_component_sigs **out, iotssf_error *err)
{
    *out = NULL;
    iotssf_component_sigs *s = sigs_new(err);
    if (!s)
        return err->status;
    doc_stream *ds = doc_stream_open_memory(name, data, size, err);
    iotssf_status st = ds ? load_stream(s, ds, NULL, err) : err->status;
    doc_stream_close(ds);
    return finish_load(s, st, out, err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml names of dir, sorted so loading order (and errors) are stable. */
static iotssf_status list_dir(const char *dir, char ***names, size_t *count, iotssf_error *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot open the signatures folder");
    struct dirent *e;
    iotssf_status st = IOTSSF_OK;
    while (!st && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char **grown = *count < MAX_SIGS ? realloc(*names, (*count + 1) * sizeof *grown) : NULL;
        if (!grown || !(grown[*count] = strdup(e->d_name))) {
            if (grown)
                *names = grown;
            st = *count >= MAX_SIGS ? iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0,
                                                  "more than %d signature files", MAX_SIGS)
                                    : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        *names = grown;
        (*count)++;
    }
    closedir(d);
    if (*count)
        qsort(*names, *count, sizeof **names, by_name);
    return st;
}

iotssf_status iotssf_component_sigs_load_dir(const char *dir, iotssf_component_sigs **out,
                                             iotssf_error *err)
{
    *out = NULL;
    char **names;
    size_t count;
    iotssf_status st = list_dir(dir, &names, &count, err);
    iotssf_component_sigs *s = st ? NULL : sigs_new(err);
    if (!st && !s)
        st = err->status;
    for (size_t i = 0; i < count && !st; i++) {
        char path[4096], stem[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 5), names[i]);
        doc_stream *ds = doc_stream_open_file(path, err);
        st = ds ? load_stream(s, ds, stem, err) : err->status;
        doc_stream_close(ds);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    if (!s)
        return st;
    return finish_load(s, st, out, err);
}

void iotssf_component_sigs_free(iotssf_component_sigs *s)
{
    if (!s)
        return;
    sig_automaton_free(&s->ac);
    free(s->anchor_slots);
    free(s->short_rules);
    free(s->anchors);
    free(s->rules);
    free(s->sigs);
    arena_free(&s->mem);
    free(s);
}

size_t iotssf_component_sigs_count(const iotssf_component_sigs *s)
{
    return s ? s->count : 0;
}

const char *iotssf_component_sigs_id(const iotssf_component_sigs *s, size_t i)
{
    return s && i < s->count ? s->sigs[i].id : NULL;
}
