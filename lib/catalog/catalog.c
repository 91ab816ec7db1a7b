/*
 * Loads the requirement catalog, the baselines and the feature vocabulary from
 * the data directory and checks them against each other (format:
 * docs/catalog-format.md). Files are read in name order so that output is
 * stable. Requirements are read in two passes: the first gathers every id so
 * that substitutes may point forward or into another file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "catalog_internal.h"

static const char *const phases[] = {"design", "manufacture", "deployment", "operation",
                                     "maintenance", "disposal", NULL};
static const char *const stakeholders[] = {"maker", "service_provider", "operator", "user",
                                           "insurer", "regulator", NULL};
static const char *const verifications[] = {"firmware", "probe", "declaration", "document",
                                            NULL};
static const char *const needs[] = {"none", "recommended", "required", NULL};
static const char *const confidences[] = {"confirmed", "third-party", "unconfirmed", NULL};

const char *iotssf_need_name(iotssf_need n)
{
    return needs[n];
}

typedef struct loader {
    doc_ctx ctx;
    iotssf_catalog *c;
} loader;

static void *alloc_array(loader *l, size_t count, size_t size)
{
    return arena_alloc(&l->c->mem, (count ? count : 1) * size);
}

static iotssf_status get_enum(loader *l, const doc_node *map, const char *key,
                              const char *const *names, const char *what, const char **out)
{
    const doc_node *n;
    int i;
    TRY(doc_require(&l->ctx, map, key, what, &n));
    TRY(doc_enum(&l->ctx, n, names, key, &i));
    *out = names[i];
    return IOTSSF_OK;
}

/* Sorted names of the .yaml/.yml/.json files in a directory. */
static iotssf_status list_data_files(loader *l, const char *dir, char ***names, size_t *count)
{
    DIR *d = opendir(dir);
    *names = NULL;
    *count = 0;
    if (!d)
        return iotssf_fail(l->ctx.err, IOTSSF_E_IO, dir, 0, 0,
                           "cannot open the data folder (set --data or IOTSSF_DATA)");
    size_t cap = 0;
    struct dirent *e;
    iotssf_status st = IOTSSF_OK;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || !dot ||
            (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(*names, cap * sizeof *grown);
            if (!grown) {
                st = doc_nomem(&l->ctx);
                break;
            }
            *names = grown;
        }
        (*names)[*count] = arena_printf(&l->c->mem, "%s/%s", dir, e->d_name);
        if (!(*names)[(*count)++]) {
            st = doc_nomem(&l->ctx);
            break;
        }
    }
    closedir(d);
    if (!st && *count > 1)
        qsort(*names, *count, sizeof **names,
              (int (*)(const void *, const void *))(void *)strcmp_ptr);
    return st;
}

static iotssf_status load_doc(loader *l, const char *path, doc_node **root)
{
    l->ctx.file = path;
    return doc_load_file(path, &l->c->mem, root, l->ctx.err);
}

/* ---- baselines ---- */

static iotssf_status load_keyed(loader *l, const doc_node *map, const char *key,
                                iotssf_keyed_text **out, size_t *count)
{
    const doc_node *n = doc_get(map, key);
    *count = 0;
    if (!n)
        return IOTSSF_OK;
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, key));
    *out = alloc_array(l, n->count, sizeof **out);
    if (!*out)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        (*out)[i].key = n->pairs[i].key->text;
        TRY(doc_string(&l->ctx, n->pairs[i].value, key, &(*out)[i].text));
    }
    *count = n->count;
    return IOTSSF_OK;
}

static bool keyed_has(const iotssf_keyed_text *list, size_t count, const char *key)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i].key, key) == 0)
            return true;
    return false;
}

static iotssf_status load_item(loader *l, const doc_node *n, iotssf_baseline *b,
                               iotssf_baseline_item *item)
{
    static const char *const keys[] = {"id", "group", "title", "status", "conditions", "level",
                                       "confidence", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "baseline item"));
    TRY(doc_check_keys(&l->ctx, n, keys, "baseline item"));
    TRY(doc_string_at(&l->ctx, n, "id", true, "baseline item", &item->id));
    TRY(doc_string_at(&l->ctx, n, "group", false, "baseline item", &item->group));
    TRY(doc_string_at(&l->ctx, n, "title", true, "baseline item", &item->title));
    TRY(doc_string_at(&l->ctx, n, "status", false, "baseline item", &item->status));
    if (item->status && b->status_count && !keyed_has(b->statuses, b->status_count, item->status))
        return doc_error(&l->ctx, doc_get(n, "status"),
                         "status '%s' is not one of the scheme's statuses", item->status);
    item->confidence = "confirmed";
    if (doc_get(n, "confidence"))
        TRY(get_enum(l, n, "confidence", confidences, "baseline item", &item->confidence));
    const doc_node *level = doc_get(n, "level");
    if (level) {
        long long v;
        TRY(doc_integer(&l->ctx, level, 1, 9, "level", &v));
        item->level = (int)v;
    }
    const doc_node *conds = doc_get(n, "conditions");
    if (conds) {
        TRY(doc_expect(&l->ctx, conds, DOC_SEQUENCE, "conditions"));
        item->conditions = alloc_array(l, conds->count, sizeof *item->conditions);
        if (!item->conditions)
            return doc_nomem(&l->ctx);
        for (size_t i = 0; i < conds->count; i++) {
            TRY(doc_string(&l->ctx, conds->items[i], "condition", &item->conditions[i]));
            if (!keyed_has(b->conditions, b->condition_count, item->conditions[i]))
                return doc_error(&l->ctx, conds->items[i],
                                 "condition '%s' is not defined under 'conditions:'",
                                 item->conditions[i]);
        }
        item->condition_count = conds->count;
    }
    return IOTSSF_OK;
}

static iotssf_status load_baseline(loader *l, const char *path, iotssf_baseline *b)
{
    static const char *const keys[] = {"scheme", "title", "source", "statuses", "conditions",
                                       "items", NULL};
    doc_node *root;
    const doc_node *items;
    TRY(load_doc(l, path, &root));
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "baseline file"));
    TRY(doc_check_keys(&l->ctx, root, keys, "baseline file"));
    b->file = path;
    TRY(doc_string_at(&l->ctx, root, "scheme", true, "baseline file", &b->scheme));
    TRY(doc_string_at(&l->ctx, root, "title", true, "baseline file", &b->title));
    TRY(doc_string_at(&l->ctx, root, "source", false, "baseline file", &b->source));
    TRY(load_keyed(l, root, "statuses", &b->statuses, &b->status_count));
    TRY(load_keyed(l, root, "conditions", &b->conditions, &b->condition_count));
    TRY(doc_require(&l->ctx, root, "items", "baseline file", &items));
    TRY(doc_expect(&l->ctx, items, DOC_SEQUENCE, "items"));
    b->items = alloc_array(l, items->count, sizeof *b->items);
    if (!b->items)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < items->count; i++) {
        TRY(load_item(l, items->items[i], b, &b->items[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->items[j].id, b->items[i].id) == 0)
                return doc_error(&l->ctx, items->items[i], "item '%s' is listed twice",
                                 b->items[i].id);
    }
    b->item_count = items->count;
    return IOTSSF_OK;
}

static iotssf_status load_baselines(loader *l, const char *data_dir)
{
    char dir[4096], **names;
    size_t count;
    snprintf(dir, sizeof dir, "%s/baselines", data_dir);
    TRY(list_data_files(l, dir, &names, &count));
    iotssf_catalog *c = l->c;
    c->baselines = alloc_array(l, count, sizeof *c->baselines);
    iotssf_status st = c->baselines ? IOTSSF_OK : doc_nomem(&l->ctx);
    for (size_t i = 0; i < count && !st; i++) {
        st = load_baseline(l, names[i], &c->baselines[i]);
        for (size_t j = 0; j < i && !st; j++)
            if (strcmp(c->baselines[j].scheme, c->baselines[i].scheme) == 0)
                st = iotssf_fail(l->ctx.err, IOTSSF_E_INPUT, names[i], 0, 0,
                                 "scheme '%s' is also defined in %s", c->baselines[i].scheme,
                                 c->baselines[j].file);
        c->baseline_count = i + 1;
    }
    free(names);
    return st;
}

/* ---- features ---- */

static iotssf_status load_features(loader *l, const char *path)
{
    static const char *const keys[] = {"id", "description", "en303645_condition", NULL};
    doc_node *root;
    const doc_node *list;
    TRY(load_doc(l, path, &root));
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "features file"));
    TRY(doc_require(&l->ctx, root, "features", "features file", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "features"));
    iotssf_catalog *c = l->c;
    c->features = alloc_array(l, list->count, sizeof *c->features);
    if (!c->features)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *n = list->items[i];
        iotssf_feature *f = &c->features[i];
        TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "feature"));
        TRY(doc_check_keys(&l->ctx, n, keys, "feature"));
        TRY(doc_string_at(&l->ctx, n, "id", true, "feature", &f->id));
        TRY(doc_string_at(&l->ctx, n, "description", true, "feature", &f->description));
        TRY(doc_string_at(&l->ctx, n, "en303645_condition", false, "feature",
                          &f->en303645_condition));
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->features[j].id, f->id) == 0)
                return doc_error(&l->ctx, n, "feature '%s' is defined twice", f->id);
    }
    c->feature_count = list->count;
    return IOTSSF_OK;
}

/* ---- requirements ---- */

static bool valid_requirement_id(const char *id)
{
    /* SSF-<LETTERS>-<two digits> */
    if (strncmp(id, "SSF-", 4) != 0)
        return false;
    const char *p = id + 4;
    size_t letters = 0;
    while (*p >= 'A' && *p <= 'Z') {
        p++;
        letters++;
    }
    return letters > 0 && p[0] == '-' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
           p[2] <= '9' && p[3] == '\0';
}

static iotssf_status load_tiers(loader *l, const doc_node *n, iotssf_requirement *r)
{
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "tiers"));
    if (n->count == 0)
        return doc_error(&l->ctx, n, "tiers: name at least one tier (T1..T4)");
    r->tiers = alloc_array(l, n->count, sizeof *r->tiers);
    if (!r->tiers)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *key = n->pairs[i].key;
        int need;
        if (key->len != 2 || key->text[0] != 'T' || key->text[1] < '1' || key->text[1] > '9')
            return doc_error(&l->ctx, key, "tiers: '%s' is not a tier name (T1, T2, ...)",
                             key->text);
        TRY(doc_enum(&l->ctx, n->pairs[i].value, needs + 1, "tier need", &need));
        r->tiers[i].tier = key->text;
        r->tiers[i].need = (iotssf_need)(need + 1);
    }
    r->tier_count = n->count;
    /* A higher tier asking less than a lower one is suspicious, not fatal. */
    for (size_t i = 0; i < r->tier_count; i++)
        for (size_t j = 0; j < r->tier_count; j++)
            if (r->tiers[j].tier[1] > r->tiers[i].tier[1] &&
                r->tiers[j].need < r->tiers[i].need)
                catalog_warn(l->c, "%s:%u: %s asks less at %s than at %s", l->ctx.file,
                             n->line, r->id, r->tiers[j].tier, r->tiers[i].tier);
    for (char t = '1'; t <= '9'; t++) {
        bool lower_named = false, this_named = false;
        for (size_t i = 0; i < r->tier_count; i++) {
            lower_named |= r->tiers[i].tier[1] < t;
            this_named |= r->tiers[i].tier[1] == t;
        }
        bool higher_named = false;
        for (size_t i = 0; i < r->tier_count; i++)
            higher_named |= r->tiers[i].tier[1] > t;
        if (lower_named && higher_named && !this_named)
            catalog_warn(l->c, "%s:%u: %s skips tier T%c", l->ctx.file, n->line, r->id, t);
    }
    return IOTSSF_OK;
}

static iotssf_status load_verification(loader *l, const doc_node *n, iotssf_requirement *r)
{
    TRY(doc_expect(&l->ctx, n, DOC_SEQUENCE, "verification"));
    if (n->count == 0)
        return doc_error(&l->ctx, n, "verification: name at least one method");
    for (size_t i = 0; i < n->count; i++) {
        int v;
        TRY(doc_enum(&l->ctx, n->items[i], verifications, "verification", &v));
        r->verification |= 1u << v;
    }
    return IOTSSF_OK;
}

static iotssf_status load_feature_list(loader *l, const doc_node *n, const char *key,
                                       const iotssf_feature ***out, size_t *count)
{
    TRY(doc_expect(&l->ctx, n, DOC_SEQUENCE, key));
    *out = alloc_array(l, n->count, sizeof **out);
    if (!*out)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        const char *id;
        TRY(doc_string(&l->ctx, n->items[i], key, &id));
        (*out)[i] = iotssf_catalog_feature_by_id(l->c, id);
        if (!(*out)[i])
            return doc_error(&l->ctx, n->items[i],
                             "%s: unknown feature '%s' (define it in features.yaml)", key, id);
    }
    *count = n->count;
    return IOTSSF_OK;
}

static iotssf_status load_refs(loader *l, const doc_node *n, iotssf_requirement *r)
{
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "refs"));
    size_t total = 0;
    for (size_t i = 0; i < n->count; i++) {
        TRY(doc_expect(&l->ctx, n->pairs[i].value, DOC_SEQUENCE, "refs list"));
        total += n->pairs[i].value->count;
    }
    r->refs = alloc_array(l, total, sizeof *r->refs);
    if (!r->refs)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *key = n->pairs[i].key, *list = n->pairs[i].value;
        const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(l->c, key->text);
        if (!b)
            return doc_error(&l->ctx, key, "refs: unknown scheme '%s' (no data/baselines file "
                                           "declares it)",
                             key->text);
        for (size_t k = 0; k < list->count; k++) {
            const char *id;
            TRY(doc_string(&l->ctx, list->items[k], "ref", &id));
            iotssf_baseline_item *item = catalog_item(b, id);
            if (!item)
                return doc_error(&l->ctx, list->items[k], "refs: '%s' is not an item of %s (%s)",
                                 id, b->scheme, b->file);
            for (size_t j = 0; j < r->ref_count; j++)
                if (r->refs[j].item == item)
                    return doc_error(&l->ctx, list->items[k], "refs: %s '%s' is cited twice",
                                     b->scheme, id);
            item->referenced_by++;
            r->refs[r->ref_count].baseline = b;
            r->refs[r->ref_count++].item = item;
        }
    }
    return IOTSSF_OK;
}

static iotssf_status load_requirement(loader *l, const doc_node *n, iotssf_requirement *r)
{
    static const char *const keys[] = {"id", "title", "statement", "perspective", "phase",
                                       "stakeholder", "tiers", "verification", "applies_if",
                                       "applies_unless", "substitutes", "refs", NULL};
    const doc_node *v;
    long long perspective;
    TRY(doc_expect(&l->ctx, n, DOC_MAPPING, "requirement"));
    TRY(doc_check_keys(&l->ctx, n, keys, "requirement"));
    r->file = l->ctx.file;
    r->pos = (iotssf_pos){n->line, n->column};
    TRY(doc_string_at(&l->ctx, n, "id", true, "requirement", &r->id));
    if (!valid_requirement_id(r->id))
        return doc_error(&l->ctx, doc_get(n, "id"),
                         "requirement id '%s' must look like SSF-THEME-01", r->id);
    if (iotssf_catalog_find(l->c, r->id))
        return doc_error(&l->ctx, doc_get(n, "id"), "requirement id '%s' is used twice", r->id);
    TRY(doc_string_at(&l->ctx, n, "title", true, "requirement", &r->title));
    TRY(doc_string_at(&l->ctx, n, "statement", true, "requirement", &r->statement));
    TRY(doc_require(&l->ctx, n, "perspective", "requirement", &v));
    TRY(doc_integer(&l->ctx, v, 1, 4, "perspective", &perspective));
    r->perspective = (int)perspective;
    TRY(get_enum(l, n, "phase", phases, "requirement", &r->phase));
    TRY(get_enum(l, n, "stakeholder", stakeholders, "requirement", &r->stakeholder));
    TRY(doc_require(&l->ctx, n, "tiers", "requirement", &v));
    TRY(load_tiers(l, v, r));
    TRY(doc_require(&l->ctx, n, "verification", "requirement", &v));
    TRY(load_verification(l, v, r));
    if ((v = doc_get(n, "applies_if")) != NULL)
        TRY(load_feature_list(l, v, "applies_if", &r->applies_if, &r->applies_if_count));
    if ((v = doc_get(n, "applies_unless")) != NULL)
        TRY(load_feature_list(l, v, "applies_unless", &r->applies_unless,
                              &r->applies_unless_count));
    TRY(doc_require(&l->ctx, n, "refs", "requirement", &v));
    return load_refs(l, v, r);
}

static iotssf_status load_substitutes(loader *l, const doc_node *n, iotssf_requirement *r)
{
    static const char *const keys[] = {"id", "note", NULL};
    TRY(doc_expect(&l->ctx, n, DOC_SEQUENCE, "substitutes"));
    r->substitutes = alloc_array(l, n->count, sizeof *r->substitutes);
    if (!r->substitutes)
        return doc_nomem(&l->ctx);
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *s = n->items[i];
        const char *id;
        TRY(doc_expect(&l->ctx, s, DOC_MAPPING, "substitute"));
        TRY(doc_check_keys(&l->ctx, s, keys, "substitute"));
        TRY(doc_string_at(&l->ctx, s, "id", true, "substitute", &id));
        TRY(doc_string_at(&l->ctx, s, "note", true, "substitute", &r->substitutes[i].note));
        const iotssf_requirement *sub = iotssf_catalog_find(l->c, id);
        if (!sub)
            return doc_error(&l->ctx, doc_get(s, "id"), "substitute '%s' is not a requirement",
                             id);
        if (sub->perspective == r->perspective)
            return doc_error(&l->ctx, doc_get(s, "id"),
                             "substitute '%s' is from the same perspective (%d) as %s; IoT-SSF "
                             "stand-ins come from another perspective",
                             id, sub->perspective, r->id);
        r->substitutes[i].requirement = sub;
    }
    r->substitute_count = n->count;
    return IOTSSF_OK;
}

typedef struct requirement_file {
    const char *path;
    const doc_node *list;
} requirement_file;

static iotssf_status load_requirements(loader *l, const char *data_dir)
{
    char dir[4096], **names;
    size_t count;
    iotssf_catalog *c = l->c;
    snprintf(dir, sizeof dir, "%s/catalog", data_dir);
    TRY(list_data_files(l, dir, &names, &count));
    requirement_file *files = calloc(count ? count : 1, sizeof *files);
    iotssf_status st = files ? IOTSSF_OK : doc_nomem(&l->ctx);
    size_t total = 0, nfiles = 0;
    /* Pass 0: the feature vocabulary, which requirements refer to. */
    for (size_t i = 0; i < count && !st; i++) {
        const char *base = strrchr(names[i], '/') + 1;
        if (strncmp(base, "features.", 9) == 0)
            st = load_features(l, names[i]);
    }
    /* Pass 1: parse each requirement file and count. */
    for (size_t i = 0; i < count && !st; i++) {
        const char *base = strrchr(names[i], '/') + 1;
        doc_node *root;
        if (strncmp(base, "features.", 9) == 0)
            continue;
        static const char *const keys[] = {"requirements", NULL};
        if (!(st = load_doc(l, names[i], &root)) &&
            !(st = doc_expect(&l->ctx, root, DOC_MAPPING, "catalog file")) &&
            !(st = doc_check_keys(&l->ctx, root, keys, "catalog file"))) {
            const doc_node *list = doc_get(root, "requirements");
            if (!list)
                st = doc_error(&l->ctx, root, "catalog file: missing 'requirements' list");
            else if (!(st = doc_expect(&l->ctx, list, DOC_SEQUENCE, "requirements"))) {
                files[nfiles++] = (requirement_file){names[i], list};
                total += list->count;
            }
        }
    }
    if (!st && !(c->requirements = alloc_array(l, total, sizeof *c->requirements)))
        st = doc_nomem(&l->ctx);
    /* Pass 2: read them; pass 3: resolve substitutes now that all ids exist. */
    for (size_t f = 0; f < nfiles && !st; f++) {
        l->ctx.file = files[f].path;
        for (size_t i = 0; i < files[f].list->count && !st; i++) {
            st = load_requirement(l, files[f].list->items[i], &c->requirements[c->requirement_count]);
            if (!st)
                c->requirement_count++;
        }
    }
    for (size_t f = 0, k = 0; f < nfiles && !st; f++) {
        l->ctx.file = files[f].path;
        for (size_t i = 0; i < files[f].list->count && !st; i++, k++) {
            const doc_node *subs = doc_get(files[f].list->items[i], "substitutes");
            if (subs)
                st = load_substitutes(l, subs, &c->requirements[k]);
        }
    }
    free(files);
    free(names);
    if (!st && c->requirement_count == 0)
        st = iotssf_fail(l->ctx.err, IOTSSF_E_INPUT, dir, 0, 0, "the catalog holds no requirements");
    return st;
}

iotssf_status iotssf_catalog_load(const char *data_dir, iotssf_catalog **out, iotssf_error *err)
{
    *out = NULL;
    iotssf_catalog *c = calloc(1, sizeof *c);
    if (!c)
        return iotssf_fail(err, IOTSSF_E_NOMEM, data_dir, 0, 0, "out of memory");
    arena_init(&c->mem);
    loader l = {.ctx = {.file = data_dir, .err = err}, .c = c};
    iotssf_status st = load_baselines(&l, data_dir);
    if (!st)
        st = load_requirements(&l, data_dir);
    if (st) {
        iotssf_catalog_free(c);
        return st;
    }
    *out = c;
    return IOTSSF_OK;
}
