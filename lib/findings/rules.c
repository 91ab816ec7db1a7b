/*
 * Finding rules as data: the YAML files of data/rules, one per engine. A rule's
 * requirements are checked against the catalog so that every finding can be
 * traced to what the device is required to do.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "iotssf/findings.h"

struct iotssf_rule_set {
    arena mem;
    iotssf_rule_def *rules;
    size_t count, cap;
};

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical", NULL};

const char *iotssf_severity_name(iotssf_severity s)
{
    return severity_names[s];
}

int iotssf_severity_parse(const char *name, iotssf_severity *out)
{
    for (int i = 0; severity_names[i]; i++)
        if (strcmp(severity_names[i], name) == 0) {
            *out = (iotssf_severity)i;
            return 0;
        }
    return -1;
}

static iotssf_status grow(iotssf_rule_set *s, iotssf_error *err)
{
    if (s->count < s->cap)
        return IOTSSF_OK;
    size_t cap = s->cap ? s->cap * 2 : 64;
    iotssf_rule_def *grown = realloc(s->rules, cap * sizeof *grown);
    if (!grown)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    s->rules = grown;
    s->cap = cap;
    return IOTSSF_OK;
}

static iotssf_status load_rule(doc_ctx *c, iotssf_rule_set *s, const iotssf_catalog *catalog,
                               const doc_node *n)
{
    static const char *const keys[] = {"id", "severity", "title", "description", "requirements",
                                       NULL};
    const doc_node *v;
    int sev;
    TRY(doc_expect(c, n, DOC_MAPPING, "rule"));
    TRY(doc_check_keys(c, n, keys, "rule"));
    TRY(grow(s, c->err));
    iotssf_rule_def *r = &s->rules[s->count];
    memset(r, 0, sizeof *r);
    TRY(doc_require(c, n, "id", "rule", &v));
    TRY(doc_string(c, v, "rule id", &r->id));
    if (iotssf_rules_find(s, r->id))
        return doc_error(c, v, "rule id '%s' is defined twice", r->id);
    TRY(doc_require(c, n, "severity", "rule", &v));
    TRY(doc_enum(c, v, severity_names, "severity", &sev));
    r->severity = (iotssf_severity)sev;
    TRY(doc_require(c, n, "title", "rule", &v));
    TRY(doc_string(c, v, "title", &r->title));
    TRY(doc_require(c, n, "description", "rule", &v));
    TRY(doc_string(c, v, "description", &r->description));
    TRY(doc_require(c, n, "requirements", "rule", &v));
    TRY(doc_expect(c, v, DOC_SEQUENCE, "requirements"));
    r->requirements = arena_alloc(&s->mem, (v->count + 1) * sizeof *r->requirements);
    if (!r->requirements)
        return iotssf_fail(c->err, IOTSSF_E_NOMEM, c->file, 0, 0, "out of memory");
    for (size_t i = 0; i < v->count; i++) {
        TRY(doc_string(c, v->items[i], "requirement", &r->requirements[i]));
        if (catalog && !iotssf_catalog_find(catalog, r->requirements[i]))
            return doc_error(c, v->items[i], "rule %s: '%s' is not a catalog requirement", r->id,
                             r->requirements[i]);
    }
    r->requirement_count = v->count;
    s->count++;
    return IOTSSF_OK;
}

static iotssf_status load_file(iotssf_rule_set *s, const iotssf_catalog *catalog,
                               const char *path, iotssf_error *err)
{
    doc_node *root;
    const doc_node *list;
    doc_ctx c = {.file = path, .err = err};
    static const char *const keys[] = {"rules", NULL};
    TRY(doc_load_file(path, &s->mem, &root, err));
    TRY(doc_expect(&c, root, DOC_MAPPING, "rules file"));
    TRY(doc_check_keys(&c, root, keys, "rules file"));
    TRY(doc_require(&c, root, "rules", "rules file", &list));
    TRY(doc_expect(&c, list, DOC_SEQUENCE, "rules"));
    for (size_t i = 0; i < list->count; i++)
        TRY(load_rule(&c, s, catalog, list->items[i]));
    return IOTSSF_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

iotssf_status iotssf_rules_load(const char *data_dir, const iotssf_catalog *catalog,
                                iotssf_rule_set **out, iotssf_error *err)
{
    *out = NULL;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", data_dir);
    DIR *d = opendir(dir);
    if (!d)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot open the rules folder");
    iotssf_rule_set *s = calloc(1, sizeof *s);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    iotssf_status st = s ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, dir, 0, 0, "out of memory");
    if (s)
        arena_init(&s->mem);
    while (!st && (e = readdir(d)) != NULL && n < sizeof names / sizeof *names) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] != '.' && dot && strcmp(dot, ".yaml") == 0)
            names[n++] = arena_printf(&s->mem, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n && !st; i++)
        st = names[i] ? load_file(s, catalog, names[i], err)
                      : iotssf_fail(err, IOTSSF_E_NOMEM, dir, 0, 0, "out of memory");
    if (st) {
        iotssf_rules_free(s);
        return st;
    }
    *out = s;
    return IOTSSF_OK;
}

void iotssf_rules_free(iotssf_rule_set *s)
{
    if (!s)
        return;
    free(s->rules);
    arena_free(&s->mem);
    free(s);
}

const iotssf_rule_def *iotssf_rules_find(const iotssf_rule_set *s, const char *id)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->rules[i].id, id) == 0)
            return &s->rules[i];
    return NULL;
}

size_t iotssf_rules_count(const iotssf_rule_set *s) { return s->count; }

const iotssf_rule_def *iotssf_rules_at(const iotssf_rule_set *s, size_t i) { return &s->rules[i]; }
