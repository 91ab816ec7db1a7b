/*
 * Adding an assessment (and optionally its certificate) to the history. One
 * record is one transaction over several statements: the device, the
 * assessment with its document, one row per verdict, one per finding, the
 * certificate. Assessments are known by their digest, so recording the same
 * document twice is a no-op; a certificate is known by its signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cert/cert_internal.h"
#include "history_internal.h"

#define ID_MAX 256

typedef struct recorder {
    iotssf_history *h;
    const char *source;
    iotssf_error *err;
    int steps;
} recorder;

/* A string field, or NULL when absent or not a string. */
static const char *text_at(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void bind_text(sqlite3_stmt *q, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(q, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

/* Prepares, binds the texts given (NULL binds SQL NULL) and runs one
 * statement; then gives the test hook its chance to interrupt. */
static iotssf_status run(recorder *r, const char *sql, int n, const char *const *texts)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(r->h->db, sql, -1, &q, NULL) != SQLITE_OK)
        return history_db_fail(r->h, "recording", r->err);
    for (int i = 0; i < n; i++)
        bind_text(q, i + 1, texts[i]);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return history_db_fail(r->h, "recording", r->err);
    r->steps++;
    if (r->h->hook)
        r->h->hook(r->h->hook_ctx, r->steps);
    return IOTSSF_OK;
}

static iotssf_status run_int(recorder *r, const char *sql, const char *text, int64_t *out)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(r->h->db, sql, -1, &q, NULL) != SQLITE_OK)
        return history_db_fail(r->h, "recording", r->err);
    bind_text(q, 1, text);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? IOTSSF_OK
                                                  : history_db_fail(r->h, "recording", r->err);
}

/* Cuts a UTF-8 sequence that truncation left incomplete at the end. */
static void trim_partial_utf8(char *s)
{
    size_t n = strlen(s), lead = n;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || (unsigned char)s[lead - 1] < 0xC0)
        return;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (n - (lead - 1) < want)
        s[lead - 1] = '\0';
}

/* Where a finding is: file and line, or host, port and transport. */
static void location_of(const json_t *finding, char *out, size_t size)
{
    const char *path = text_at(finding, "path"), *host = text_at(finding, "host");
    json_t *line = json_object_get(finding, "line"), *port = json_object_get(finding, "port");
    if (path && json_is_integer(line))
        snprintf(out, size, "%s:%lld", path, (long long)json_integer_value(line));
    else if (path)
        snprintf(out, size, "%s", path);
    else if (host && json_is_integer(port))
        snprintf(out, size, "%s:%lld/%s", host, (long long)json_integer_value(port),
                 text_at(finding, "transport") ? text_at(finding, "transport") : "tcp");
    else if (host)
        snprintf(out, size, "%s", host);
    else
        snprintf(out, size, "%s", text_at(finding, "origin") ? text_at(finding, "origin") : "");
    trim_partial_utf8(out);
}

static iotssf_status record_verdicts(recorder *r, const char *id, const json_t *doc)
{
    size_t i, j;
    const json_t *mode, *v;
    iotssf_status st = IOTSSF_OK;
    json_array_foreach(json_object_get(doc, "modes"), i, mode)
    {
        json_array_foreach(json_object_get(mode, "verdicts"), j, v)
        {
            const char *row[] = {id, text_at(mode, "id"), text_at(v, "requirement"),
                                 text_at(v, "verdict"), text_at(v, "basis")};
            if (!row[1] || !row[2] || !row[3])
                continue; /* not a verdict this store can compare */
            if ((st = run(r, "INSERT OR IGNORE INTO verdicts VALUES (?1, ?2, ?3, ?4, ?5)", 5,
                          row)))
                return st;
        }
    }
    return st;
}

static iotssf_status record_findings(recorder *r, const char *id, const json_t *doc)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "findings"), i, f)
    {
        char location[1024];
        location_of(f, location, sizeof location);
        const char *row[] = {id, text_at(f, "id"), text_at(f, "rule"), text_at(f, "severity"),
                             location};
        if (!row[2])
            continue;
        iotssf_status st =
            run(r, "INSERT INTO findings VALUES (?1, ?2, ?3, ?4, ?5)", 5, row);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status record_assessment(recorder *r, const json_t *doc, const char *digest,
                                       int64_t *id)
{
    const json_t *device = json_object_get(doc, "device");
    const json_t *fw = json_object_get(json_object_get(doc, "evidence"), "firmware");
    char *text = iotssf_canonical_json(doc, NULL, r->err);
    if (!text)
        return r->err->status;
    const char *dev[] = {text_at(device, "id"), text_at(device, "vendor"),
                         text_at(device, "model"), text_at(device, "hardware_version")};
    const char *row[] = {dev[0], text_at(device, "firmware_version"), text_at(fw, "sha256"),
                         text_at(doc, "assessed_at"), text_at(doc, "grade"), digest, text};
    /* The device's names follow its latest record. */
    iotssf_status st = run(r,
                           "INSERT INTO devices VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO "
                           "UPDATE SET vendor = ?2, model = ?3, hardware_version = ?4",
                           4, dev);
    if (!st)
        st = run(r,
                 "INSERT INTO assessments (device_id, firmware_version, firmware_sha256,"
                 " assessed_at, grade, digest, document, counts)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, json_object("
                 " 'pass', json_extract(?7, '$.totals.pass'),"
                 " 'fail', json_extract(?7, '$.totals.fail'),"
                 " 'not_applicable', json_extract(?7, '$.totals.not_applicable'),"
                 " 'no_evidence', json_extract(?7, '$.totals.no_evidence')))",
                 7, row);
    free(text);
    if (st)
        return st;
    *id = sqlite3_last_insert_rowid(r->h->db);
    char id_text[32];
    snprintf(id_text, sizeof id_text, "%lld", (long long)*id);
    st = record_verdicts(r, id_text, doc);
    return st ? st : record_findings(r, id_text, doc);
}

static iotssf_status record_certificate(recorder *r, const json_t *cert, int64_t id,
                                        bool *added)
{
    const json_t *statement = json_object_get(cert, "statement");
    const json_t *issuer = json_object_get(statement, "issuer");
    char *text = iotssf_canonical_json(cert, NULL, r->err);
    if (!text)
        return r->err->status;
    char id_text[32];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    const char *row[] = {id_text,
                         text_at(issuer, "name"),
                         text_at(issuer, "key_id"),
                         text_at(statement, "issued"),
                         text_at(statement, "not_after"),
                         text_at(json_object_get(cert, "signature"), "value"),
                         text};
    iotssf_status st = run(r,
                           "INSERT OR IGNORE INTO certificates (assessment_id, issuer, key_id,"
                           " issued, not_after, signature, document)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           7, row);
    free(text);
    *added = !st && sqlite3_changes(r->h->db) > 0;
    return st;
}

static iotssf_status check_inputs(recorder *r, const json_t *doc, const json_t *cert,
                                  const char *digest)
{
    const char *schema = text_at(doc, "schema");
    const char *device = text_at(json_object_get(doc, "device"), "id");
    if (!schema || strcmp(schema, "iotssf.assessment/1") != 0)
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->source, 0, 0,
                           "not an assessment document (schema \"iotssf.assessment/1\")");
    if (!device || !*device || strlen(device) > ID_MAX)
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->source, 0, 0,
                           "device.id: expected a name of 1 to %d bytes", ID_MAX);
    if (!text_at(doc, "assessed_at"))
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->source, 0, 0,
                           "assessed_at: expected a time");
    if (!cert)
        return IOTSSF_OK;
    const char *certified =
        text_at(json_object_get(cert, "statement"), "assessment_digest");
    if (!text_at(cert, "schema") || strcmp(text_at(cert, "schema"), IOTSSF_SCHEMA_CERTIFICATE) ||
        !text_at(json_object_get(cert, "signature"), "value"))
        return iotssf_fail(r->err, IOTSSF_E_INPUT, NULL, 0, 0, "not a certificate");
    if (!certified || strcmp(certified, digest) != 0)
        return iotssf_fail(r->err, IOTSSF_E_INPUT, r->source, 0, 0,
                           "the certificate is for another assessment (digest %.12s, this one "
                           "is %.12s)",
                           certified ? certified : "none", digest);
    return IOTSSF_OK;
}

iotssf_status iotssf_history_record_json(iotssf_history *h, const json_t *assessment,
                                         const char *source, const json_t *cert,
                                         iotssf_history_recorded *out, iotssf_error *err)
{
    iotssf_history_recorded ignored;
    if (!out)
        out = &ignored;
    recorder r = {h, source, err, 0};
    memset(out, 0, sizeof *out);
    iotssf_status st = iotssf_assessment_digest(assessment, out->digest, err);
    if (!st)
        st = check_inputs(&r, assessment, cert, out->digest);
    if (st)
        return st;
    if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return history_db_fail(h, "starting a record", err);
    st = run_int(&r, "SELECT id FROM assessments WHERE digest = ?1", out->digest,
                 &out->assessment_id);
    if (!st && out->assessment_id == 0) {
        st = record_assessment(&r, assessment, out->digest, &out->assessment_id);
        out->added = !st;
    }
    if (!st && cert)
        st = record_certificate(&r, cert, out->assessment_id, &out->certificate_added);
    if (!st && sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = history_db_fail(h, "committing a record", err);
    if (st) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        out->added = out->certificate_added = false;
    }
    return st;
}

iotssf_status iotssf_history_record_file(iotssf_history *h, const char *assessment_json_path,
                                         const char *cert_json_path,
                                         iotssf_history_recorded *out, iotssf_error *err)
{
    json_t *doc = NULL, *cert = NULL;
    iotssf_status st = iotssf_json_load_bounded(assessment_json_path,
                                                IOTSSF_ASSESSMENT_MAX_BYTES, &doc, err);
    if (!st && cert_json_path)
        st = iotssf_json_load_bounded(cert_json_path, IOTSSF_CERT_MAX_BYTES, &cert, err);
    if (!st)
        st = iotssf_history_record_json(h, doc, assessment_json_path, cert, out, err);
    json_decref(doc);
    json_decref(cert);
    return st;
}

iotssf_status iotssf_history_record(iotssf_history *h, const char *assessment_json_path,
                                    const char *cert_json_path, iotssf_error *err)
{
    return iotssf_history_record_file(h, assessment_json_path, cert_json_path, NULL, err);
}
