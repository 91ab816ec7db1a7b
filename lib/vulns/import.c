/*
 * What the OSV and NVD importers share: the component signatures (which map
 * distribution packages and CPE names to component ids), the database
 * builder, and the counting of what was stored and what was skipped.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vulns_internal.h"

/* The folder of the default database may not exist yet ($XDG_DATA_HOME/iotssf). */
static iotssf_status make_parent(const char *path, iotssf_error *err)
{
    char *dup = strdup(path);
    if (!dup)
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    char *dir = dirname(dup);
    iotssf_status st = IOTSSF_OK;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            st = iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot create: %s", strerror(errno));
        *p = '/';
        if (st)
            break;
    }
    if (!st && mkdir(dir, 0755) != 0 && errno != EEXIST)
        st = iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot create: %s", strerror(errno));
    free(dup);
    return st;
}

iotssf_status vuln_import_begin(vuln_import *im, const char *data_dir, const char *source,
                                const char *db_path, iotssf_vuln_import_stats *stats,
                                iotssf_error *err)
{
    memset(im, 0, sizeof *im);
    memset(stats, 0, sizeof *stats);
    im->stats = stats;
    arena_init(&im->arena);
    arena_init(&im->scratch);
    char buf[4096];
    const char *path = vuln_default_db_path(db_path, buf, sizeof buf);
    iotssf_status st = *path ? IOTSSF_OK
                             : iotssf_fail(err, IOTSSF_E_INPUT, "", 0, 0,
                                           "no database path: give one, or set IOTSSF_VULNS_DB "
                                           "or HOME");
    if (!st)
        st = vuln_signatures_load(data_dir, &im->arena, &im->sigs, err);
    if (!st && !db_path)
        st = make_parent(path, err);
    /* The import's name: the same source imported again replaces its records. */
    char *real = st ? NULL : realpath(source, NULL);
    if (!st)
        st = vuln_store_begin(path, real ? real : source, &im->builder, err);
    free(real);
    if (st) {
        arena_free(&im->arena);
        arena_free(&im->scratch);
    }
    return st;
}

iotssf_status vuln_import_finish(vuln_import *im, iotssf_status st, iotssf_error *err)
{
    im->stats->kept = im->builder ? vuln_store_builder_kept(im->builder) : 0;
    im->stats->skipped = im->stats->unmapped + im->stats->other_ecosystem + im->stats->malformed;
    if (!st)
        st = vuln_store_commit(im->builder, err);
    else
        vuln_store_abort(im->builder);
    im->builder = NULL;
    arena_free(&im->arena);
    arena_free(&im->scratch);
    return st;
}

iotssf_status vuln_import_store(vuln_import *im, const osv_record *r, iotssf_error *err)
{
    const char *names[OSV_MAX_LIST];
    size_t n = 0;
    for (size_t i = 0; i < r->affected_count; i++) {
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(names[k], r->affected[i].name) == 0;
        if (!seen && n < OSV_MAX_LIST)
            names[n++] = r->affected[i].name;
    }
    if (n == 0) {
        im->stats->unmapped++;
        return IOTSSF_OK;
    }
    iotssf_status st = im->sink ? im->sink(im->sink_ctx, r, names, n, err)
                                : vuln_store_add(im->builder, r, names, n, err);
    if (!st)
        im->stats->records++;
    return st;
}

const char *vuln_strip_epoch(const char *version)
{
    size_t digits = strspn(version, "0123456789");
    return digits > 0 && version[digits] == ':' ? version + digits + 1 : version;
}
