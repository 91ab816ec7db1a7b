/*
 * Importing an OSV export (https://osv.dev: a folder of <id>.json files, or
 * the all.zip of an ecosystem). Packages are mapped to component ids:
 * "upstream" names are ours already; Debian and Alpine source packages go
 * through `packages.debian` / `packages.alpine` of the signature files, and
 * their versions are seen from upstream (see upstream_view). Other
 * ecosystems are counted and
 * skipped, as are records that are not valid OSV.
 *
 * Everything is bounded: each file (MAX_FILE), the number of files
 * (MAX_FILES) and the bytes inflated from a zip (MAX_TOTAL).
 */
#define _DEFAULT_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vulns_internal.h"

enum {
    MAX_FILE = 8 * 1024 * 1024,
    MAX_FILES = 4 * 1024 * 1024,
};
static const unsigned long long MAX_TOTAL = 8ULL * 1024 * 1024 * 1024;

typedef enum ecosystem_kind { ECO_UPSTREAM, ECO_DEBIAN, ECO_ALPINE, ECO_OTHER } ecosystem_kind;

static ecosystem_kind ecosystem_of(const char *name)
{
    if (strcmp(name, "upstream") == 0)
        return ECO_UPSTREAM;
    if (strncmp(name, "Debian", 6) == 0 && (name[6] == '\0' || name[6] == ':'))
        return ECO_DEBIAN;
    if (strncmp(name, "Alpine", 6) == 0 && (name[6] == '\0' || name[6] == ':'))
        return ECO_ALPINE;
    return ECO_OTHER;
}

static const char *component_of_package(const vuln_signatures *sigs, ecosystem_kind eco,
                                        const char *package)
{
    for (size_t i = 0; i < sigs->count; i++) {
        const vuln_signature *s = &sigs->items[i];
        const char **names = eco == ECO_DEBIAN ? s->debian : s->alpine;
        size_t n = eco == ECO_DEBIAN ? s->debian_count : s->alpine_count;
        for (size_t k = 0; k < n; k++)
            if (strcmp(names[k], package) == 0)
                return s->id;
    }
    return NULL;
}

/* A distribution version as far as upstream is concerned: no epoch, and
 * no revision when it is the first packaging of a release ("2.83-1",
 * "1.35.0-r0"), since then the fix is upstream's own. A later revision
 * ("2.76-5+deb9u1") is a backported patch and stays: upstream 2.76 is still
 * vulnerable, and 2.76 sorts before 2.76-5+deb9u1. */
static const char *upstream_view(arena *a, const char *version)
{
    version = vuln_strip_epoch(version);
    const char *dash = strrchr(version, '-');
    if (!dash || dash == version)
        return version;
    const char *rev = dash + 1;
    if (strcmp(rev, "0") == 0 || strcmp(rev, "1") == 0 || strcmp(rev, "r0") == 0) {
        const char *cut = arena_strndup(a, version, (size_t)(dash - version));
        return cut ? cut : version;
    }
    return version;
}

static void to_upstream_view(arena *a, osv_affected *af)
{
    for (size_t i = 0; i < af->range_count; i++)
        for (size_t k = 0; k < af->ranges[i].event_count; k++)
            af->ranges[i].events[k].version = upstream_view(a, af->ranges[i].events[k].version);
    for (size_t i = 0; i < af->version_count; i++)
        af->versions[i] = upstream_view(a, af->versions[i]);
}

/* Keeps the affected entries we can map, renamed to component ids. */
static void map_record(vuln_import *im, arena *a, osv_record *r, bool *foreign_only)
{
    size_t kept = 0;
    *foreign_only = r->affected_count > 0;
    for (size_t i = 0; i < r->affected_count; i++) {
        osv_affected af = r->affected[i];
        ecosystem_kind eco = ecosystem_of(af.ecosystem);
        if (eco != ECO_OTHER)
            *foreign_only = false;
        if (eco == ECO_DEBIAN || eco == ECO_ALPINE) {
            af.name = component_of_package(&im->sigs, eco, af.name);
            if (af.name)
                to_upstream_view(a, &af);
        }
        if (eco != ECO_OTHER && af.name)
            r->affected[kept++] = af;
    }
    r->affected_count = kept;
}

/* One file of the export (a record or an array of them). */
iotssf_status vuln_osv_import_buffer(vuln_import *im, const char *name, const void *data,
                                     size_t size, arena *a, iotssf_error *err)
{
    iotssf_error ignored;
    iotssf_error_clear(&ignored);
    doc_stream *ds = doc_stream_open_memory(name, data, size, &ignored);
    if (!ds)
        return ignored.status == IOTSSF_E_NOMEM ? iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0,
                                                              "out of memory")
                                                : IOTSSF_OK;
    doc_node *root = NULL;
    osv_record *recs = NULL;
    size_t n = 0;
    doc_ctx c = {.file = name, .err = &ignored};
    if (doc_stream_next(ds, a, &root, &ignored) || !root ||
        osv_parse(&c, root, false, a, &recs, &n)) {
        doc_stream_close(ds);
        im->stats->malformed++;
        return IOTSSF_OK;
    }
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; !st && i < n; i++) {
        bool foreign_only;
        if (recs[i].withdrawn) {
            im->stats->malformed++;
            continue;
        }
        map_record(im, a, &recs[i], &foreign_only);
        if (foreign_only)
            im->stats->other_ecosystem++;
        else
            st = vuln_import_store(im, &recs[i], err);
    }
    doc_stream_close(ds);
    return st;
}

static bool is_json(const char *name)
{
    size_t len = strlen(name);
    return len > 5 && strcmp(name + len - 5, ".json") == 0;
}

static iotssf_status import_folder(vuln_import *im, const char *dir, iotssf_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot read: %s", strerror(errno));
    arena a;
    arena_init(&a);
    size_t files = 0;
    iotssf_status st = IOTSSF_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !is_json(e->d_name))
            continue;
        if (++files > MAX_FILES) {
            st = iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0, "more than %d files", MAX_FILES);
            break;
        }
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        FILE *f = NULL;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MAX_FILE ||
            !(f = fopen(path, "rb"))) {
            im->stats->malformed++;
            continue;
        }
        char *buf = malloc((size_t)sb.st_size + 1);
        size_t got = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
        fclose(f);
        if (!buf)
            st = iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
        else
            st = vuln_osv_import_buffer(im, path, buf, got, &a, err);
        free(buf);
        arena_reset(&a);
    }
    closedir(d);
    arena_free(&a);
    return st;
}

static iotssf_status archive_fail(struct archive *ar, const char *path, iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "cannot read the zip: %s",
                       archive_error_string(ar) ? archive_error_string(ar) : "unknown error");
}

/* One entry, read whole; *size > MAX_FILE means it was too big to keep (the
 * rest is skipped by the next header read). */
static iotssf_status read_entry(struct archive *ar, const char *path, char *buf, size_t *size,
                                iotssf_error *err)
{
    *size = 0;
    while (*size <= MAX_FILE) {
        la_ssize_t n = archive_read_data(ar, buf + *size, MAX_FILE + 1 - *size);
        if (n < 0)
            return archive_fail(ar, path, err);
        if (n == 0)
            break;
        *size += (size_t)n;
    }
    return IOTSSF_OK;
}

static iotssf_status import_zip(vuln_import *im, const char *path, iotssf_error *err)
{
    struct archive *ar = archive_read_new();
    char *buf = malloc(MAX_FILE + 1);
    if (!ar || !buf) {
        archive_read_free(ar);
        free(buf);
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    archive_read_support_format_zip(ar);
    iotssf_status st = IOTSSF_OK;
    if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK)
        st = archive_fail(ar, path, err);
    arena a;
    arena_init(&a);
    unsigned long long total = 0;
    size_t files = 0;
    struct archive_entry *e;
    int rc = ARCHIVE_EOF;
    while (!st && (rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        if (!name || archive_entry_filetype(e) != AE_IFREG || !is_json(name))
            continue;
        if (++files > MAX_FILES) {
            st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "more than %d files", MAX_FILES);
            break;
        }
        size_t size;
        st = read_entry(ar, path, buf, &size, err);
        total += size;
        if (!st && total > MAX_TOTAL)
            st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                             "inflates to more than %llu bytes", MAX_TOTAL);
        if (!st && size > MAX_FILE)
            im->stats->malformed++;
        else if (!st)
            st = vuln_osv_import_buffer(im, name, buf, size, &a, err);
        arena_reset(&a);
    }
    if (!st && rc != ARCHIVE_EOF)
        st = archive_fail(ar, path, err);
    arena_free(&a);
    archive_read_free(ar);
    free(buf);
    return st;
}

iotssf_status iotssf_vulndb_import_osv(const char *data_dir, const char *source,
                                       const char *db_path, iotssf_vuln_import_stats *stats,
                                       iotssf_error *err)
{
    struct stat sb;
    if (stat(source, &sb) != 0)
        return iotssf_fail(err, IOTSSF_E_IO, source, 0, 0, "cannot read: %s", strerror(errno));
    vuln_import im;
    iotssf_status st = vuln_import_begin(&im, data_dir, source, db_path, stats, err);
    if (st)
        return st;
    st = S_ISDIR(sb.st_mode) ? import_folder(&im, source, err) : import_zip(&im, source, err);
    return vuln_import_finish(&im, st, err);
}
