/*
 * Rendering results for people (text, Markdown, SVG) and for programs (JSON,
 * versioned schemas "iotssf.<kind>/1"). Reports are streamed profile by
 * profile, so a fleet of 100,000 profiles never has to sit in memory at once;
 * the caller decides where the bytes go (the CLI spools them and only
 * publishes complete output).
 */
#ifndef IOTSSF_REPORT_H
#define IOTSSF_REPORT_H

#include <stdio.h>

#include "iotssf/catalog.h"
#include "iotssf/categorize.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"
#include "iotssf/profile.h"

typedef enum iotssf_format {
    IOTSSF_FORMAT_TEXT,
    IOTSSF_FORMAT_JSON,
    IOTSSF_FORMAT_MD,
    IOTSSF_FORMAT_SVG,
    IOTSSF_FORMAT_SARIF,
} iotssf_format;

/* Returns 0 and sets *out, or -1 for an unknown name. */
int iotssf_format_parse(const char *name, iotssf_format *out);
const char *iotssf_format_name(iotssf_format f);

#define IOTSSF_SCHEMA_CATEGORIZE "iotssf.categorize/1"
#define IOTSSF_SCHEMA_REQUIREMENTS "iotssf.requirements/1"
#define IOTSSF_SCHEMA_MAP "iotssf.map/1"
#define IOTSSF_SCHEMA_CATALOG_CHECK "iotssf.catalog-check/1"
#define IOTSSF_SCHEMA_FIRMWARE "iotssf.firmware/1"

typedef struct iotssf_mode_result {
    iotssf_placement placement;
    iotssf_applied_requirement *applied; /* requirements reports only */
    size_t applied_count;
    iotssf_scheme_item *scheme_items;    /* with a scheme only */
    size_t scheme_item_count;
} iotssf_mode_result;

typedef struct iotssf_profile_result {
    const iotssf_profile *profile;
    iotssf_mode_result *modes;
    size_t mode_count;
} iotssf_profile_result;

typedef enum iotssf_report_kind {
    IOTSSF_REPORT_CATEGORIZE,
    IOTSSF_REPORT_REQUIREMENTS,
} iotssf_report_kind;

typedef struct iotssf_report {
    FILE *out;
    iotssf_format format; /* TEXT, JSON or MD */
    iotssf_report_kind kind;
    const iotssf_policy *policy;
    const iotssf_catalog *catalog;   /* requirements reports */
    const iotssf_baseline *scheme;   /* NULL: the catalog's own requirements */
    size_t profiles_written;         /* kept by the report */
} iotssf_report;

iotssf_status iotssf_report_begin(iotssf_report *r, iotssf_error *err);
iotssf_status iotssf_report_profile(iotssf_report *r, const iotssf_profile_result *pr,
                                    iotssf_error *err);
iotssf_status iotssf_report_end(iotssf_report *r, iotssf_error *err);

/* ---- the risk map ---- */

typedef struct iotssf_map_point {
    const char *device_id;
    const char *device_label; /* "vendor model" */
    const char *mode_id;
    const char *mode_name;
    int axis1, axis2;
    const char *tier;
    const char *category;
    bool overridden;
} iotssf_map_point;

/* Points of the same device are consecutive. SVG draws the IoT-SSF plane,
 * one marker per device x use mode, and joins one device's modes. */
iotssf_status iotssf_map_render(FILE *out, iotssf_format format, const iotssf_policy *policy,
                                const iotssf_map_point *points, size_t count, iotssf_error *err);

/* ---- catalog check ---- */

iotssf_status iotssf_catalog_report(FILE *out, iotssf_format format, const iotssf_catalog *c,
                                    const iotssf_policy *policy, iotssf_error *err);

/* ---- findings ---- */

/* SARIF 2.1.0 log of findings, one run, with the rules that fired. */
iotssf_status iotssf_findings_sarif(FILE *out, const iotssf_findings *f, iotssf_error *err);

/* ---- firmware inspection ---- */

/* Text (the ten-second summary, worst findings first), JSON
 * ("iotssf.firmware/1") or SARIF. */
struct iotssf_fw_result;
iotssf_status iotssf_firmware_report(FILE *out, iotssf_format format,
                                     const struct iotssf_fw_result *r, iotssf_error *err);

/* The image's software bill of materials as CycloneDX 1.5 JSON: the image as
 * the subject, its components with identification evidence and file hashes,
 * and the known vulnerabilities affecting them. Deterministic: the serial
 * number is derived from the image hash and the iotssf version, and the
 * timestamp follows SOURCE_DATE_EPOCH when it is set. */
iotssf_status iotssf_sbom_cyclonedx(FILE *out, const struct iotssf_fw_result *r,
                                    iotssf_error *err);

/* Writes a JSON string literal (with quotes), escaping as JSON requires. */
void iotssf_json_string(FILE *out, const char *s);
/* Writes text with &, <, >, " escaped for XML/HTML. */
void iotssf_xml_text(FILE *out, const char *s);

#endif
