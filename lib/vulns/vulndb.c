/*
 * The vulnerability database as the rest of iotssf sees it: the shipped
 * records of data/vulns/ (*.json), loaded strictly at open, plus the imported
 * SQLite database when there is one, and the component list both feed.
 * Lookups consult the imported database first; its records replace shipped
 * ones that report the same CVE id for the same component.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vulns_internal.h"

struct iotssf_vulndb {
    arena arena;
    vuln_signatures sigs;
    osv_record *records; /* shipped */
    size_t record_count, record_cap;
    iotssf_vulndb_component *components; /* sorted by id */
    size_t component_count, component_cap;
    vuln_store *store;
    char *store_path;
};

enum { MAX_SHIPPED_FILES = 10000, MAX_SHIPPED_RECORDS = 200000 };

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
}

/* The entry for `id`, added (with the id copied) when new. */
static iotssf_vulndb_component *component_touch(iotssf_vulndb *db, const char *id)
{
    size_t lo = 0, hi = db->component_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(db->components[mid].id, id);
        if (c == 0)
            return &db->components[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (db->component_count == db->component_cap) {
        size_t cap = db->component_cap ? db->component_cap * 2 : 64;
        iotssf_vulndb_component *grown = realloc(db->components, cap * sizeof *grown);
        if (!grown)
            return NULL;
        db->components = grown;
        db->component_cap = cap;
    }
    char *copy = arena_strdup(&db->arena, id);
    if (!copy)
        return NULL;
    memmove(&db->components[lo + 1], &db->components[lo],
            (db->component_count - lo) * sizeof *db->components);
    db->component_count++;
    db->components[lo] = (iotssf_vulndb_component){
        .id = copy, .scheme = vuln_signature_scheme(&db->sigs, id)};
    return &db->components[lo];
}

static iotssf_status add_shipped(iotssf_vulndb *db, const osv_record *recs, size_t n,
                                 iotssf_error *err)
{
    if (db->record_count + n > MAX_SHIPPED_RECORDS)
        return iotssf_fail(err, IOTSSF_E_INPUT, recs[0].file, 0, 0,
                           "more than %d shipped records", MAX_SHIPPED_RECORDS);
    if (db->record_count + n > db->record_cap) {
        size_t cap = (db->record_cap + n) * 2;
        osv_record *grown = realloc(db->records, cap * sizeof *grown);
        if (!grown)
            return nomem(err);
        db->records = grown;
        db->record_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        db->records[db->record_count++] = recs[i];
        for (size_t k = 0; k < recs[i].affected_count; k++) {
            iotssf_vulndb_component *c = component_touch(db, recs[i].affected[k].name);
            if (!c)
                return nomem(err);
            c->shipped++;
        }
    }
    return IOTSSF_OK;
}

static iotssf_status load_shipped_file(iotssf_vulndb *db, const char *path, iotssf_error *err)
{
    doc_node *root;
    iotssf_status st = doc_load_file(path, &db->arena, &root, err);
    if (st)
        return st;
    char *file = arena_strdup(&db->arena, path);
    if (!file)
        return nomem(err);
    doc_ctx c = {.file = file, .err = err};
    osv_record *recs;
    size_t n;
    st = osv_parse(&c, root, true, &db->arena, &recs, &n);
    for (size_t i = 0; !st && i < n; i++)
        recs[i].file = file;
    return st || n == 0 ? st : add_shipped(db, recs, n, err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".json") == 0;
}

/* In name order, so errors and duplicates are reported the same way on
 * every machine. */
static iotssf_status load_shipped(iotssf_vulndb *db, const char *data_dir, iotssf_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/vulns", data_dir);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? IOTSSF_OK
                               : iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot read: %s",
                                             strerror(errno));
    char **names = calloc(MAX_SHIPPED_FILES, sizeof *names);
    size_t n = 0;
    iotssf_status st = names ? IOTSSF_OK : nomem(err);
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        if (!is_json(e->d_name))
            continue;
        if (n == MAX_SHIPPED_FILES)
            st = iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0, "more than %d files",
                             MAX_SHIPPED_FILES);
        else if (!(names[n++] = strdup(e->d_name)))
            st = nomem(err);
    }
    closedir(d);
    if (!st)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; !st && i < n; i++) {
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        st = load_shipped_file(db, path, err);
    }
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

static int record_by_id(const void *a, const void *b)
{
    const osv_record *ra = a, *rb = b;
    int c = strcmp(ra->id, rb->id);
    if (c)
        return c;
    c = strcmp(ra->file, rb->file);
    return c ? c : (ra->line > rb->line) - (ra->line < rb->line);
}

static iotssf_status check_duplicates(iotssf_vulndb *db, iotssf_error *err)
{
    if (db->record_count < 2)
        return IOTSSF_OK;
    qsort(db->records, db->record_count, sizeof *db->records, record_by_id);
    for (size_t i = 1; i < db->record_count; i++) {
        const osv_record *a = &db->records[i - 1], *b = &db->records[i];
        if (strcmp(a->id, b->id) == 0)
            return iotssf_fail(err, IOTSSF_E_INPUT, b->file, b->line, 0,
                               "record %s is already defined at %s:%u", b->id, a->file, a->line);
    }
    return IOTSSF_OK;
}

static void count_imported(void *ctx, const char *component, size_t count)
{
    iotssf_vulndb *db = ctx;
    iotssf_vulndb_component *c = component_touch(db, component);
    if (c)
        c->imported = count;
}

static iotssf_status open_imported(iotssf_vulndb *db, const char *db_path, iotssf_error *err)
{
    char buf[4096];
    const char *path = db_path ? db_path : iotssf_vulndb_default_path(buf, sizeof buf);
    /* Nothing imported yet (at the default place or the one given) is an
     * empty database, not an error: lookups use the shipped records. */
    struct stat st;
    if (!*path || stat(path, &st) != 0)
        return IOTSSF_OK;
    iotssf_status s = vuln_store_open(path, &db->store, err);
    if (!s && !(db->store_path = strdup(path)))
        s = nomem(err);
    if (!s)
        s = vuln_store_counts(db->store, count_imported, db, err);
    return s;
}

iotssf_status iotssf_vulndb_open(const char *data_dir, const char *db_path, iotssf_vulndb **out,
                                 iotssf_error *err)
{
    *out = NULL;
    iotssf_vulndb *db = calloc(1, sizeof *db);
    if (!db)
        return nomem(err);
    arena_init(&db->arena);
    iotssf_status st = vuln_signatures_load(data_dir, &db->arena, &db->sigs, err);
    for (size_t i = 0; !st && i < db->sigs.count; i++) {
        iotssf_vulndb_component *c = component_touch(db, db->sigs.items[i].id);
        if (!c)
            st = nomem(err);
        else
            c->has_signature = true;
    }
    if (!st)
        st = load_shipped(db, data_dir, err);
    if (!st)
        st = check_duplicates(db, err);
    if (!st)
        st = open_imported(db, db_path, err);
    if (st) {
        iotssf_vulndb_close(db);
        return st;
    }
    *out = db;
    return IOTSSF_OK;
}

void iotssf_vulndb_close(iotssf_vulndb *db)
{
    if (!db)
        return;
    vuln_store_close(db->store);
    free(db->store_path);
    free(db->records);
    free(db->components);
    arena_free(&db->arena);
    free(db);
}

const char *iotssf_vulndb_scheme(const iotssf_vulndb *db, const char *component)
{
    return vuln_signature_scheme(&db->sigs, component);
}

size_t iotssf_vulndb_component_count(const iotssf_vulndb *db)
{
    return db->component_count;
}

const iotssf_vulndb_component *iotssf_vulndb_component_at(const iotssf_vulndb *db, size_t i)
{
    return i < db->component_count ? &db->components[i] : NULL;
}

const iotssf_vulndb_component *iotssf_vulndb_component_find(const iotssf_vulndb *db,
                                                            const char *component)
{
    for (size_t i = 0; i < db->component_count; i++)
        if (strcmp(db->components[i].id, component) == 0)
            return &db->components[i];
    return NULL;
}

const char *iotssf_vulndb_imported_path(const iotssf_vulndb *db)
{
    return db->store_path;
}

const osv_record *vulndb_shipped(const iotssf_vulndb *db, size_t *count)
{
    *count = db->record_count;
    return db->records;
}

vuln_store *vulndb_store(const iotssf_vulndb *db)
{
    return db->store;
}
