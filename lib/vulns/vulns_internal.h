/*
 * What the files of lib/vulns share: the in-memory form of an OSV record
 * (parsed by osv.c from shipped files, OSV exports and the imported
 * database alike; built by import_nvd.c from NVD feeds), the component
 * signatures that map package names and CPEs to component ids, CVSS
 * scoring, and the imported database (store.c).
 *
 * Records live in an arena: a loaded database or one lookup's parse frees
 * them in one call.
 */
#ifndef IOTSSF_VULNS_INTERNAL_H
#define IOTSSF_VULNS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "../core/doc.h"
#include "iotssf/vulns.h"

enum {
    OSV_MAX_EVENTS = 256,     /* per range */
    OSV_MAX_LIST = 4096,      /* affected entries, ranges, versions, aliases, references */
    OSV_MAX_SUMMARY = 300,    /* bytes kept of a summary taken from `details` */
};

typedef enum osv_event_kind {
    OSV_INTRODUCED,
    OSV_FIXED,
    OSV_LAST_AFFECTED,
    OSV_LIMIT,
    OSV_INTRODUCED_AFTER, /* ours, for NVD's versionStartExcluding; never in shipped files */
} osv_event_kind;

typedef struct osv_event {
    osv_event_kind kind;
    const char *version;
} osv_event;

typedef struct osv_range {
    bool git;              /* commit ranges say nothing about release versions */
    osv_event *events;
    size_t event_count;
} osv_range;

typedef struct osv_affected {
    const char *ecosystem; /* "upstream", "Debian:12", "Alpine:v3.18", ... */
    const char *name;      /* the component id once mapped */
    const char *purl;
    osv_range *ranges;
    size_t range_count;
    const char **versions;
    size_t version_count;
} osv_affected;

typedef struct osv_record {
    const char *id;
    const char *cve;         /* the id reported: the OSV id when it is a CVE, else a CVE alias */
    const char *summary;
    const char *severity_type; /* "CVSS_V3", "CVSS_V2", ... as written */
    const char *cvss_vector;
    double cvss_score;       /* < 0: unknown */
    iotssf_severity severity;
    const char *declared_severity; /* database_specific.severity, when any */
    bool withdrawn;
    const char **aliases;
    size_t alias_count;
    const char **upstream;   /* Debian's records name the CVE here, not in aliases */
    size_t upstream_count;
    const char **references;
    size_t reference_count;
    osv_affected *affected;
    size_t affected_count;
    const char *file;        /* where the record was read, for errors */
    unsigned line;
} osv_record;

/* One file or buffer: a record object or an array of them. `strict` (shipped
 * files): unknown keys are errors and every package must be in the
 * "upstream" ecosystem; otherwise (exports, the imported database) unknown
 * keys are ignored. */
iotssf_status osv_parse(doc_ctx *c, const doc_node *root, bool strict, arena *a,
                        osv_record **records, size_t *count);

/* Fills cve, severity and score from what was parsed or built. */
void osv_finish_record(osv_record *r);

/* The record as OSV JSON (malloc'd), for the imported database. */
char *osv_to_json(const osv_record *r);

/* Whether `af` covers `version` in `scheme`; on a match *introduced and
 * *fixed name the range's bounds (NULL when open). */
bool osv_affected_matches(const osv_affected *af, const char *scheme, const char *version,
                          const char **introduced, const char **fixed);

/* ---- CVSS ---- */

/* The base score of a CVSS v3.0/v3.1 vector ("CVSS:3.1/AV:N/..."), or of a
 * v2 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P"); < 0 when it is not one. */
double cvss_base_score(const char *vector);
/* 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0+ critical; 0 info;
 * unknown (< 0) medium. */
iotssf_severity cvss_severity(double score);

/* ---- component signatures (data/components/<id>.yaml, top-level keys) ---- */

typedef struct vuln_cpe {
    const char *vendor, *product;
} vuln_cpe;

typedef struct vuln_signature {
    const char *id;
    const char *scheme;
    vuln_cpe *cpes;
    size_t cpe_count;
    const char **debian, **alpine; /* source package names */
    size_t debian_count, alpine_count;
} vuln_signature;

typedef struct vuln_signatures {
    vuln_signature *items;
    size_t count;
} vuln_signatures;

/* Every .yaml file of data_dir/components; a missing folder is no signatures. */
iotssf_status vuln_signatures_load(const char *data_dir, arena *a, vuln_signatures *out,
                                   iotssf_error *err);
const vuln_signature *vuln_signature_find(const vuln_signatures *s, const char *id);
const char *vuln_signature_scheme(const vuln_signatures *s, const char *id);

/* ---- the imported database ---- */

enum { VULN_STORE_SCHEMA = 1 };

typedef struct vuln_store vuln_store;

/* Opens an existing database read-only (migrating an older schema is done
 * by the next import; a newer one is refused). */
iotssf_status vuln_store_open(const char *path, vuln_store **out, iotssf_error *err);
void vuln_store_close(vuln_store *s);

/* Calls `fn` with each stored record naming `component` (parsed into `a`). */
typedef iotssf_status (*vuln_store_fn)(void *ctx, const osv_record *r, const char *source,
                                       iotssf_error *err);
iotssf_status vuln_store_each(vuln_store *s, const char *component, arena *a, vuln_store_fn fn,
                              void *ctx, iotssf_error *err);
/* Record count per component: calls `fn` once per component. */
iotssf_status vuln_store_counts(vuln_store *s, void (*fn)(void *ctx, const char *component,
                                                          size_t count),
                                void *ctx, iotssf_error *err);

/* Building a replacement: <path>.tmp-<pid> beside it, one transaction,
 * fsync, rename. Records of other sources already in the old database are
 * carried over; those of `source` are replaced. */
typedef struct vuln_store_builder vuln_store_builder;

iotssf_status vuln_store_begin(const char *path, const char *source, vuln_store_builder **out,
                               iotssf_error *err);
/* `components`: the component ids the record affects. */
iotssf_status vuln_store_add(vuln_store_builder *b, const osv_record *r, const char **components,
                             size_t component_count, iotssf_error *err);
size_t vuln_store_builder_kept(const vuln_store_builder *b);
iotssf_status vuln_store_commit(vuln_store_builder *b, iotssf_error *err);
void vuln_store_abort(vuln_store_builder *b);

/* The database path to use: `given`, else $IOTSSF_VULNS_DB, else
 * $XDG_DATA_HOME/iotssf/vulns.sqlite or ~/.local/share/iotssf/vulns.sqlite. */
const char *vuln_default_db_path(const char *given, char *buf, size_t size);

/* The shipped records and the imported database of an open vulndb, for
 * lookup.c. */
const osv_record *vulndb_shipped(const iotssf_vulndb *db, size_t *count);
vuln_store *vulndb_store(const iotssf_vulndb *db);

/* The scheme of an affected entry: distribution ecosystems use Debian's
 * ordering (their versions carry -revision suffixes); "upstream" uses the
 * component's. */
const char *vuln_affected_scheme(const osv_affected *af, const char *component_scheme);

/* Shared by both importers: the signatures and a builder. */
typedef iotssf_status (*vuln_import_sink)(void *ctx, const osv_record *r,
                                          const char **components, size_t count,
                                          iotssf_error *err);

typedef struct vuln_import {
    arena arena;   /* the signatures */
    arena scratch; /* one record at a time */
    vuln_signatures sigs;
    vuln_store_builder *builder;
    iotssf_vuln_import_stats *stats;
    /* Instead of the builder, when set (the fuzz targets check records here). */
    vuln_import_sink sink;
    void *sink_ctx;
} vuln_import;

iotssf_status vuln_import_begin(vuln_import *im, const char *data_dir, const char *source,
                                const char *db_path, iotssf_vuln_import_stats *stats,
                                iotssf_error *err);
iotssf_status vuln_import_finish(vuln_import *im, iotssf_status st, iotssf_error *err);
/* Stores `r` under the component ids its affected entries name (already
 * mapped by the importer), or counts it as unmapped when there are none. */
iotssf_status vuln_import_store(vuln_import *im, const osv_record *r, iotssf_error *err);
/* The records of an NVD feed already in memory (after the size cap) and of
 * one OSV file, for the importers and the fuzz targets. */
iotssf_status vuln_nvd_import_buffer(vuln_import *im, const char *name, const void *data,
                                     size_t size, iotssf_error *err);
iotssf_status vuln_osv_import_buffer(vuln_import *im, const char *name, const void *data,
                                     size_t size, arena *a, iotssf_error *err);

/* "1:2.3-4" -> "2.3-4": distribution epochs say nothing about upstream. */
const char *vuln_strip_epoch(const char *version);

#endif
