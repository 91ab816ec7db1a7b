/*
 * Known vulnerabilities, offline. Records are OSV JSON (https://ossf.github.io/osv-schema/):
 * the shipped ones under data/vulns/ (our own records of public advisories:
 * CVE id, affected ranges, fixed version, CVSS), and optionally a fuller
 * database the user imported from an OSV export or an NVD JSON 2.0 feed
 * (`iotssf vulns update`), kept as one SQLite file that an import replaces
 * atomically (an interrupted import leaves the old one intact).
 *
 * Matching is by exact component identity (the component ids of
 * data/components/, see include/iotssf/components.h) and the version
 * semantics of that component's scheme: "dotted" (1.2.10 > 1.2.9; a trailing
 * letter or -rc/-pre sorts as the upstream does), "openssl" (1.0.2k < 1.0.2u
 * < 1.1.0), "dropbear" (2019.78), "debian" (epoch:upstream-revision with ~).
 * A partial or absent version never matches a range: it is reported as
 * "cannot tell", not as vulnerable or safe.
 *
 * docs/vulns.md describes the record format, the schemes and the imports.
 */
#ifndef IOTSSF_VULNS_H
#define IOTSSF_VULNS_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/error.h"
#include "iotssf/findings.h"

typedef struct iotssf_vulndb iotssf_vulndb;

/* Opens the shipped records of <data_dir>/vulns and, when `db_path` is not
 * NULL and the file exists, the imported database too (both are consulted;
 * an imported record with the same id replaces the shipped one).
 * `db_path` NULL: $IOTSSF_VULNS_DB, else $XDG_DATA_HOME/iotssf/vulns.sqlite
 * (~/.local/share/...) when present. Bad records: file:line errors. */
iotssf_status iotssf_vulndb_open(const char *data_dir, const char *db_path, iotssf_vulndb **out,
                                 iotssf_error *err);
void iotssf_vulndb_close(iotssf_vulndb *db);

typedef struct iotssf_vuln {
    char *id;            /* "CVE-2017-14491" (the OSV id or its CVE alias) */
    char *component;     /* component id: "dnsmasq" */
    char *version;       /* the version that matched */
    char *summary;
    char *cvss_vector;   /* "CVSS:3.1/AV:N/..."; NULL when unknown */
    double cvss_score;   /* base score; < 0 when unknown */
    iotssf_severity severity; /* from the score (0.1-3.9 low, ..., 9.0+ critical);
                                 MEDIUM when unknown */
    char *introduced;    /* first affected version of the matching range; NULL: all before fixed */
    char *fixed;         /* first fixed version; NULL when none is known */
    char *source;        /* "shipped" or the file the import came from */
    char **references;   /* advisory URLs */
    size_t reference_count;
} iotssf_vuln;

typedef struct iotssf_vulns {
    iotssf_vuln *items; /* sorted: worst severity first, then id */
    size_t count, cap;
} iotssf_vulns;

void iotssf_vulns_init(iotssf_vulns *v);
void iotssf_vulns_free(iotssf_vulns *v);

/* Appends every record affecting `component` at `version` (exact version
 * only; call it only for versions that are not partial). */
iotssf_status iotssf_vulndb_lookup(const iotssf_vulndb *db, const char *component,
                                   const char *version, iotssf_vulns *out, iotssf_error *err);

/* Matches every component with an exact version against the database,
 * appends what affects it to `out` (sorted afterwards), and adds one finding
 * per component and vulnerability to `findings` under the rule
 * "<rule_prefix>-CRITICAL|HIGH|MEDIUM|LOW" of `rules` (FW-VULN for firmware,
 * PROBE-VULN for banners), located where the component was identified.
 * Components without a version, or with a partial one, are skipped: a
 * version we cannot read is never called vulnerable or safe. */
struct iotssf_components;
iotssf_status iotssf_vulns_match_components(const iotssf_vulndb *db,
                                            const struct iotssf_components *components,
                                            const iotssf_rule_set *rules, const char *rule_prefix,
                                            iotssf_vulns *out, iotssf_findings *findings,
                                            iotssf_error *err);

/* <0, 0, >0 like strcmp, in the version scheme `scheme` (see above;
 * unknown schemes compare as "dotted"). */
int iotssf_version_compare(const char *scheme, const char *a, const char *b);

/* The scheme a component's versions follow (from its signature file, or
 * "dotted"). */
const char *iotssf_vulndb_scheme(const iotssf_vulndb *db, const char *component);

/* Whether `version` is too incomplete to match ranges: empty, a wildcard
 * ("2.6.x", "1.*"), cut off ("1.2."), or a single number in a dotted scheme
 * ("1", "2019"). iotssf_vulndb_lookup finds nothing for such a version. */
bool iotssf_version_is_partial(const char *scheme, const char *version);

/* The components the database knows: those with a signature file and those
 * named by a record (shipped or imported), sorted by id. */
typedef struct iotssf_vulndb_component {
    const char *id;
    const char *scheme;
    size_t shipped, imported; /* records naming it */
    bool has_signature;
} iotssf_vulndb_component;

size_t iotssf_vulndb_component_count(const iotssf_vulndb *db);
const iotssf_vulndb_component *iotssf_vulndb_component_at(const iotssf_vulndb *db, size_t i);
/* NULL when the database has never heard of `component`. */
const iotssf_vulndb_component *iotssf_vulndb_component_find(const iotssf_vulndb *db,
                                                            const char *component);
/* The imported database in use, or NULL when none is. */
const char *iotssf_vulndb_imported_path(const iotssf_vulndb *db);

/* The path an import writes and open reads when given NULL: $IOTSSF_VULNS_DB,
 * else $XDG_DATA_HOME/iotssf/vulns.sqlite, else
 * $HOME/.local/share/iotssf/vulns.sqlite; "" when none can be formed. */
const char *iotssf_vulndb_default_path(char *buf, size_t size);

/* Imports replace the user database at `db_path` atomically: the new
 * database is built beside it and renamed over it only when complete. */
typedef struct iotssf_vuln_import_stats {
    size_t records, skipped; /* skipped: for components we do not identify, or malformed */
    /* What `skipped` is made of: */
    size_t unmapped;        /* no affected package maps to a component id */
    size_t other_ecosystem; /* only ecosystems we do not read (npm, PyPI, ...) */
    size_t malformed;       /* not a valid record (withdrawn ones count here too) */
    size_t kept;            /* records of earlier imports from other sources, carried over */
} iotssf_vuln_import_stats;

/* An OSV export: a folder of .json files or a .zip of them. */
iotssf_status iotssf_vulndb_import_osv(const char *data_dir, const char *source,
                                       const char *db_path, iotssf_vuln_import_stats *stats,
                                       iotssf_error *err);
/* An NVD CVE JSON 2.0 feed file; CPE configurations are mapped to component
 * ids through the CPE vendor:product of data/components/. */
iotssf_status iotssf_vulndb_import_nvd(const char *data_dir, const char *source,
                                       const char *db_path, iotssf_vuln_import_stats *stats,
                                       iotssf_error *err);

#endif
