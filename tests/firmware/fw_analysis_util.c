#define _DEFAULT_SOURCE
/*
 * Runs an analysis over a fixture tree or in-memory entries; see
 * fw_analysis_util.h.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw_analysis_util.h"
#include "util.h"

enum { MAX_TREE_ENTRIES = 4096, MAX_TREE_DEPTH = 16 };

static const char *data_dir(void)
{
    const char *env = getenv("IOTSSF_DATA");
    static char path[4096];
    if (env && *env)
        return env;
    snprintf(path, sizeof path, "%s/data", IOTSSF_SOURCE_DIR);
    return path;
}

static void load_rules(analysis_run *r)
{
    iotssf_error err;
    char text[2048];
    iotssf_error_clear(&err);
    if (iotssf_catalog_load(data_dir(), &r->catalog, &err) ||
        iotssf_rules_load(data_dir(), r->catalog, &r->rules, &err)) {
        iotssf_error_format(&err, text, sizeof text);
        fail_msg("cannot load the catalog and rules: %s", text);
    }
}

void analysis_run_entries(const fw_analysis *a, const iotssf_fw_entry *entries, size_t count,
                          analysis_run *r)
{
    iotssf_error err;
    char text[2048];
    memset(r, 0, sizeof *r);
    r->analysis = a;
    iotssf_findings_init(&r->findings);
    load_rules(r);
    fw_analysis_ctx ctx = {&r->findings, r->rules, NULL, data_dir()};
    iotssf_error_clear(&err);
    r->state = a->create(&ctx, &err);
    assert_non_null(r->state);
    ctx.origin = "test-fs";
    for (size_t i = 0; i < count; i++)
        if (a->entry(r->state, &ctx, &entries[i], &err)) {
            iotssf_error_format(&err, text, sizeof text);
            fail_msg("%s: entry %s failed: %s", a->name, entries[i].path, text);
        }
    ctx.origin = NULL;
    if (a->finish(r->state, &ctx, &err)) {
        iotssf_error_format(&err, text, sizeof text);
        fail_msg("%s: finish failed: %s", a->name, text);
    }
}

typedef struct tree {
    iotssf_fw_entry items[MAX_TREE_ENTRIES];
    size_t count;
} tree;

static void add_path(tree *t, const char *root, const char *rel, int depth);

static void add_folder(tree *t, const char *root, const char *rel, int depth)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        add_path(t, root, child, depth + 1);
    }
    closedir(d);
}

static void add_path(tree *t, const char *root, const char *rel, int depth)
{
    char full[8192];
    struct stat st;
    snprintf(full, sizeof full, "%s/%s", root, rel);
    assert_true(depth < MAX_TREE_DEPTH && t->count < MAX_TREE_ENTRIES);
    assert_int_equal(lstat(full, &st), 0);
    iotssf_fw_entry *e = &t->items[t->count++];
    memset(e, 0, sizeof *e);
    e->path = strdup(rel);
    e->mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(full, target, sizeof target - 1);
        assert_true(n > 0);
        target[n] = '\0';
        e->kind = IOTSSF_FW_SYMLINK;
        e->link_target = strdup(target);
    } else if (S_ISDIR(st.st_mode)) {
        e->kind = IOTSSF_FW_DIR;
        add_folder(t, root, rel, depth);
    } else {
        size_t size = 0;
        char *data = read_file(full, &size);
        assert_non_null(data);
        e->kind = IOTSSF_FW_FILE;
        e->size = size;
        e->data = size ? (const uint8_t *)data : NULL;
        if (!size)
            free(data);
    }
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const iotssf_fw_entry *)a)->path, ((const iotssf_fw_entry *)b)->path);
}

void analysis_run_tree(const fw_analysis *a, const char *root, analysis_run *r)
{
    tree *t = calloc(1, sizeof *t);
    assert_non_null(t);
    add_folder(t, root, "", 0);
    qsort(t->items, t->count, sizeof *t->items, compare_entries);
    analysis_run_entries(a, t->items, t->count, r);
    for (size_t i = 0; i < t->count; i++) {
        free((char *)t->items[i].path);
        free((char *)t->items[i].link_target);
        free((uint8_t *)t->items[i].data);
    }
    free(t);
}

void analysis_run_free(analysis_run *r)
{
    if (r->analysis && r->state)
        r->analysis->destroy(r->state);
    iotssf_findings_free(&r->findings);
    iotssf_rules_free(r->rules);
    iotssf_catalog_free(r->catalog);
    memset(r, 0, sizeof *r);
}

const iotssf_finding *finding_at(const analysis_run *r, const char *rule, const char *path,
                                 unsigned line)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *f = &r->findings.items[i];
        if (strcmp(f->rule->id, rule) == 0 && f->path && strcmp(f->path, path) == 0 &&
            (line == 0 || f->line == line))
            return f;
    }
    return NULL;
}

size_t findings_of(const analysis_run *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < r->findings.count; i++)
        n += !rule || strcmp(r->findings.items[i].rule->id, rule) == 0;
    return n;
}

size_t findings_at_least(const analysis_run *r, iotssf_severity severity)
{
    return iotssf_findings_at_least(&r->findings, severity);
}

void print_findings(const analysis_run *r)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *f = &r->findings.items[i];
        print_message("  %-8s %-26s %s:%u @%llu [%s] %s | %s\n",
                      iotssf_severity_name(f->severity), f->rule->id, f->path ? f->path : "-",
                      f->line, (unsigned long long)f->offset, f->origin ? f->origin : "-",
                      f->message, f->evidence ? f->evidence : "");
    }
}

void assert_exactly(const analysis_run *r, const fw_expected *exp, size_t n)
{
    bool ok = r->findings.count == n;
    bool *used = calloc(r->findings.count + 1, sizeof *used);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < r->findings.count && !found; k++) {
            const iotssf_finding *f = &r->findings.items[k];
            if (!used[k] && strcmp(f->rule->id, exp[i].rule) == 0 &&
                strcmp(f->path, exp[i].path) == 0 && f->line == exp[i].line &&
                strcmp(f->evidence ? f->evidence : "", exp[i].evidence) == 0)
                found = used[k] = true;
        }
        if (!found)
            print_message("missing: %s %s:%u | %s\n", exp[i].rule, exp[i].path, exp[i].line,
                          exp[i].evidence);
        ok &= found;
    }
    free(used);
    if (!ok)
        print_findings(r);
    assert_true(ok);
}
