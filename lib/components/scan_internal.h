/*
 * State of one identification run (lib/components/scan.c feeds it file by
 * file; reconcile.c concludes it): the components found so far with their
 * evidence and files, the evidence that names a product without a version
 * (kept aside until every file has been seen), and the package database
 * records.
 */
#ifndef IOTSSF_COMPONENTS_SCAN_INTERNAL_H
#define IOTSSF_COMPONENTS_SCAN_INTERNAL_H

#include "sigs.h"

enum {
    VERSION_MAX = 64,
    EVIDENCE_TEXT_MAX = 96,
    MAX_EVIDENCE_PER_COMPONENT = 32,
    MAX_FILES_PER_COMPONENT = 4096,
    MAX_COMPONENTS = 10000,
    MAX_PENDING = 10000,
    MAX_PACKAGES = 100000,
};

/* One observation in one file. */
typedef struct found {
    size_t sig;
    char version[VERSION_MAX]; /* "" when the observation carries none */
    bool partial;
    bool alone; /* enough by itself to report the component */
    iotssf_confidence confidence;
    const char *method;
    uint64_t offset;
    char text[EVIDENCE_TEXT_MAX];
    const sig_rule *pending_rule; /* a rule whose `containing` is checked after the scan */
} found;

/* A file as the component list records it. */
typedef struct file_ref {
    const char *origin, *path;
    char sha256[65];
    uint64_t size;
} file_ref;

/* An observation without a version, waiting for the end of the run. */
typedef struct pending {
    found f;
    iotssf_component_file file;
} pending;

/* A package database record that maps to a signature. */
typedef struct pkg_record {
    size_t sig;
    const char *method; /* "opkg-status", "dpkg-status" */
    char *package, *version, *upstream;
    char *origin, *path;
    uint64_t offset;
} pkg_record;

struct iotssf_component_scan {
    const iotssf_component_sigs *sigs;
    iotssf_components comps; /* under construction, unsorted */
    pending *pending;
    size_t pending_count;
    pkg_record *pkgs;
    size_t pkg_count;
};

/* Adds the evidence and the file to the component (id, version, partial),
 * creating it. */
iotssf_status scan_add(iotssf_component_scan *s, const found *f, const file_ref *file,
                       iotssf_error *err);
iotssf_status scan_add_pending(iotssf_component_scan *s, const found *f, const file_ref *file,
                               iotssf_error *err);

/* Whether `path` is a package database this run reads, and reads it. */
bool pkgdb_is_database(const char *path);
iotssf_status pkgdb_read(iotssf_component_scan *s, const char *origin, const char *path,
                         const uint8_t *data, size_t size, iotssf_error *err);
/* "1:2.80-1" -> "2.80" (epoch and revision off, then the dotted version). */
void pkgdb_upstream(const char *version, char *out, size_t size);

/* Concludes the run (reconcile.c). */
iotssf_status scan_conclude(iotssf_component_scan *s, iotssf_error *err);

/* Component list helpers (components.c). */
iotssf_status component_add_file(iotssf_component *c, const iotssf_component_file *f,
                                 iotssf_error *err);
void component_free(iotssf_component *c);

#endif
