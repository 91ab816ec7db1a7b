/*
 * Assessment history: every assessment of a device (docs/assessment-format.md)
 * and the certificates issued for it, kept in one SQLite file, so that what
 * changed between two firmware versions can be shown: verdicts that moved,
 * findings that appeared or went away. Each record is one transaction: a
 * crash loses at most the record being written. docs/history.md describes the
 * file; lib/history/store.c (opening, schema migrations), record.c (adding),
 * query.c (reading back and comparing), render.c (text and JSON).
 */
#ifndef IOTSSF_HISTORY_H
#define IOTSSF_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "iotssf/error.h"
#include "iotssf/report.h"

/* The schema version this library writes (PRAGMA user_version). */
#define IOTSSF_HISTORY_SCHEMA_VERSION 2

typedef struct iotssf_history iotssf_history;

/* The store used when none is named: $IOTSSF_DB, else
 * $XDG_DATA_HOME/iotssf/history.sqlite, else ~/.local/share/iotssf/... */
iotssf_status iotssf_history_default_path(char *out, size_t size, iotssf_error *err);

/* Opens (creating if needed, and its folder for the default path) and brings
 * an older schema up to date. A file that is not an iotssf history, or one
 * written by a newer iotssf, is refused with IOTSSF_E_INPUT. */
iotssf_status iotssf_history_open(const char *path, iotssf_history **out, iotssf_error *err);
void iotssf_history_close(iotssf_history *h);

typedef struct iotssf_history_recorded {
    int64_t assessment_id;
    bool added;             /* false: this assessment (same digest) was already there */
    bool certificate_added; /* false when none was given or it was already there */
    char digest[65];
} iotssf_history_recorded;

/* Records an assessment document and optionally a certificate issued for it
 * (its statement.assessment_digest must be this assessment's digest; its
 * signature is not checked here: `iotssf cert verify` does that). Recording
 * the same assessment again changes nothing, so it is safe to repeat. */
iotssf_status iotssf_history_record(iotssf_history *h, const char *assessment_json_path,
                                    const char *cert_json_path, iotssf_error *err);
/* The same, saying what was done (`out` may be NULL here and below). */
iotssf_status iotssf_history_record_file(iotssf_history *h, const char *assessment_json_path,
                                         const char *cert_json_path,
                                         iotssf_history_recorded *out, iotssf_error *err);
iotssf_status iotssf_history_record_json(iotssf_history *h, const json_t *assessment,
                                         const char *source, const json_t *cert,
                                         iotssf_history_recorded *out, iotssf_error *err);

/* ---- reading back (lib/history/query.c) ---- */

typedef struct iotssf_history_device {
    char *id, *vendor, *model;
    size_t assessments;
    char *last_assessed_at;
} iotssf_history_device;

typedef struct iotssf_history_device_list {
    iotssf_history_device *items;
    size_t count;
} iotssf_history_device_list;

iotssf_status iotssf_history_devices(iotssf_history *h, iotssf_history_device_list *out,
                                     iotssf_error *err);
void iotssf_history_device_list_free(iotssf_history_device_list *list);

typedef struct iotssf_history_entry {
    int64_t id;
    char *assessed_at, *firmware_version, *firmware_sha256, *grade, *digest;
    long pass, fail, not_applicable, no_evidence;
    long findings, certificates;
} iotssf_history_entry;

typedef struct iotssf_history_verdict_change {
    char *requirement, *mode;
    char *old_verdict, *new_verdict; /* "(none)" when absent on one side */
} iotssf_history_verdict_change;

typedef struct iotssf_history_finding_change {
    char *rule, *location, *severity;
    bool appeared; /* false: disappeared */
} iotssf_history_finding_change;

/* What changed from entries[i] to entries[i + 1]. */
typedef struct iotssf_history_step {
    iotssf_history_verdict_change *verdicts;
    size_t verdict_count;
    iotssf_history_finding_change *findings;
    size_t finding_count;
} iotssf_history_step;

typedef struct iotssf_history_timeline {
    iotssf_history_device device;
    iotssf_history_entry *entries; /* oldest first */
    size_t entry_count;
    iotssf_history_step *steps; /* entry_count - 1 of them */
} iotssf_history_timeline;

/* IOTSSF_E_INPUT when the device is not in the store. */
iotssf_status iotssf_history_timeline_load(iotssf_history *h, const char *device_id,
                                           iotssf_history_timeline **out, iotssf_error *err);
void iotssf_history_timeline_free(iotssf_history_timeline *t);

/* ---- output (lib/history/render.c): TEXT or JSON ---- */

#define IOTSSF_SCHEMA_HISTORY "iotssf.history/1"

iotssf_status iotssf_history_write_timeline(FILE *out, iotssf_format format,
                                            const iotssf_history_timeline *t,
                                            iotssf_error *err);
iotssf_status iotssf_history_write_devices(FILE *out, iotssf_format format,
                                           const iotssf_history_device_list *list,
                                           iotssf_error *err);

#endif
