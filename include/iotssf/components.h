/*
 * Components: which software a firmware image (or a running device) carries,
 * at which version, and how we know. Identification is driven by signature
 * files (data/components/<id>.yaml, format in docs/components.md): version
 * strings and patterns, file names, and the ecosystem identity (CPE and
 * package URL). Every identification keeps its evidence and a confidence; a
 * version we cannot read exactly is reported as partial or absent, never
 * guessed. Package databases in the image (opkg, dpkg) are read and
 * reconciled with what the binaries say.
 *
 * The component id (the signature file's name: "dnsmasq", "openssl",
 * "busybox", "linux", ...) is the identity the vulnerability layer matches on
 * (include/iotssf/vulns.h), together with the signature's version scheme.
 */
#ifndef IOTSSF_COMPONENTS_H
#define IOTSSF_COMPONENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iotssf/error.h"

typedef enum iotssf_confidence {
    IOTSSF_CONFIDENCE_LOW,    /* a file name or a bare product string */
    IOTSSF_CONFIDENCE_MEDIUM, /* a version pattern in one place, or a package record only */
    IOTSSF_CONFIDENCE_HIGH,   /* an anchored version string, or binary and package agree */
} iotssf_confidence;

const char *iotssf_confidence_name(iotssf_confidence c);

/* One reason to believe a component is present. */
typedef struct iotssf_component_evidence {
    char *method; /* "version-string", "file-name", "opkg-status", "dpkg-status",
                     "uimage-header", "module-vermagic", "banner" */
    char *origin; /* the filesystem: "squashfs@0x120200"; NULL for a probe */
    char *path;   /* file inside it; for a probe "host:port" */
    uint64_t offset;
    char *text;   /* the matched text, printable, abbreviated */
} iotssf_component_evidence;

/* A file that belongs to a component (for the SBOM). */
typedef struct iotssf_component_file {
    char *origin;
    char *path;
    char sha256[65]; /* hex */
    uint64_t size;
} iotssf_component_file;

typedef struct iotssf_component {
    char *id;             /* signature id: "dnsmasq" */
    char *name;           /* display name: "dnsmasq" */
    char *version;        /* NULL when no version could be read */
    bool version_partial; /* only part of the version is known ("2.8", "1.1.1"
                             without its letter); never matched as exact */
    char *version_scheme; /* "dotted", "openssl", "dropbear", "debian", ... */
    iotssf_confidence confidence;
    char *supplier;       /* "Simon Kelley" (may be NULL) */
    char *cpe;            /* "cpe:2.3:a:thekelleys:dnsmasq:2.80:*:*:*:*:*:*:*"; NULL if unknown */
    char *purl;           /* "pkg:generic/dnsmasq@2.80" or the package DB's purl */
    char *license;        /* SPDX id when known, else NULL */
    char *note;           /* e.g. "opkg says 2.80-1, the binary says 2.78" */
    iotssf_component_evidence *evidence;
    size_t evidence_count;
    iotssf_component_file *files;
    size_t file_count;
} iotssf_component;

typedef struct iotssf_components {
    iotssf_component *items; /* sorted by id, then version */
    size_t count, cap;
} iotssf_components;

void iotssf_components_init(iotssf_components *c);
void iotssf_components_free(iotssf_components *c);

/* Building a list (the firmware scan and the probe's banners both do):
 * the component with this id and version (and partialness), or NULL. */
iotssf_component *iotssf_components_find(iotssf_components *c, const char *id,
                                         const char *version, bool partial);
/* A new, zeroed component at the end; NULL (and err set) when out of memory
 * or past the cap on components per list. */
iotssf_component *iotssf_components_push(iotssf_components *c, iotssf_error *err);
/* Strings are copied; the same evidence twice is kept once, and evidence
 * past a cap per component is dropped. */
iotssf_status iotssf_component_add_evidence(iotssf_component *c, const char *method,
                                            const char *origin, const char *path,
                                            uint64_t offset, const char *text,
                                            iotssf_error *err);
/* By id, then version. */
void iotssf_components_sort(iotssf_components *c);

/* ---- identification ---- */

/* The loaded signatures (data/components/<id>.yaml, docs/components.md). */
typedef struct iotssf_component_sigs iotssf_component_sigs;

/* Loads every <id>.yaml of `dir`; an error names the file, line and column. */
iotssf_status iotssf_component_sigs_load_dir(const char *dir, iotssf_component_sigs **out,
                                             iotssf_error *err);
/* Loads signature documents from memory (one or more YAML documents); `name`
 * is used in errors. For tests and fuzzing. */
iotssf_status iotssf_component_sigs_load_memory(const char *name, const void *data, size_t size,
                                                iotssf_component_sigs **out, iotssf_error *err);
void iotssf_component_sigs_free(iotssf_component_sigs *s);
size_t iotssf_component_sigs_count(const iotssf_component_sigs *s);
/* The id of signature i, or NULL past the end. */
const char *iotssf_component_sigs_id(const iotssf_component_sigs *s, size_t i);

/* One identification run: files, package databases and uImage header names
 * are fed in any order; `finish` aggregates, reconciles packages with
 * binaries, and appends the components to `out`. Contents passed in are only
 * read during the call. */
typedef struct iotssf_component_scan iotssf_component_scan;

iotssf_component_scan *iotssf_component_scan_new(const iotssf_component_sigs *sigs,
                                                 iotssf_error *err);
/* A file of a filesystem `origin` at `path` (relative). Package databases
 * (opkg status and control files, dpkg status) are recognised by path. */
iotssf_status iotssf_component_scan_file(iotssf_component_scan *s, const char *origin,
                                         const char *path, const uint8_t *data, size_t size,
                                         iotssf_error *err);
/* The name field of a legacy uImage header found at `origin`. */
iotssf_status iotssf_component_scan_uimage_name(iotssf_component_scan *s, const char *origin,
                                                const char *name, iotssf_error *err);
iotssf_status iotssf_component_scan_finish(iotssf_component_scan *s, iotssf_components *out,
                                           iotssf_error *err);
void iotssf_component_scan_free(iotssf_component_scan *s);

/* ---- output ---- */

typedef struct json_t json_t;
/* A JSON array, one object per component (docs/components.md). */
iotssf_status iotssf_components_to_json(const iotssf_components *c, json_t **out);
/* A human-readable table with the evidence under each component. */
void iotssf_components_write_text(FILE *f, const iotssf_components *c);

#endif
