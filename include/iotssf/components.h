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

#endif
