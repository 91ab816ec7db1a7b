/*
 * The history file: opening it with durable settings, and bringing its
 * schema forward. The schema version lives in PRAGMA user_version; each
 * entry of history_migrations takes the file one version further and runs in
 * the same transaction as the version bump, so a file is always at exactly
 * one version. Tables are described in docs/history.md.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "history_internal.h"

const char *const history_migrations[IOTSSF_HISTORY_SCHEMA_VERSION] = {
    /* 0 -> 1: devices, their assessments, and what those found. */
    "CREATE TABLE devices ("
    " id TEXT PRIMARY KEY, vendor TEXT, model TEXT, hardware_version TEXT);"
    "CREATE TABLE assessments ("
    " id INTEGER PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),"
    " firmware_version TEXT, firmware_sha256 TEXT, assessed_at TEXT NOT NULL,"
    " grade TEXT, digest TEXT NOT NULL UNIQUE, document TEXT NOT NULL);"
    "CREATE TABLE verdicts ("
    " assessment_id INTEGER NOT NULL REFERENCES assessments(id), mode TEXT NOT NULL,"
    " requirement TEXT NOT NULL, verdict TEXT NOT NULL, basis TEXT,"
    " PRIMARY KEY (assessment_id, mode, requirement));"
    "CREATE TABLE findings ("
    " assessment_id INTEGER NOT NULL REFERENCES assessments(id), finding TEXT,"
    " rule TEXT NOT NULL, severity TEXT, location TEXT NOT NULL);",
    /* 1 -> 2: certificates, verdict counts kept per assessment, and an index
     * for the per-device timeline. */
    "CREATE TABLE certificates ("
    " id INTEGER PRIMARY KEY, assessment_id INTEGER NOT NULL REFERENCES assessments(id),"
    " issuer TEXT, key_id TEXT, issued TEXT, not_after TEXT,"
    " signature TEXT NOT NULL UNIQUE, document TEXT NOT NULL);"
    "ALTER TABLE assessments ADD COLUMN counts TEXT;"
    "UPDATE assessments SET counts = json_object("
    " 'pass', json_extract(document, '$.totals.pass'),"
    " 'fail', json_extract(document, '$.totals.fail'),"
    " 'not_applicable', json_extract(document, '$.totals.not_applicable'),"
    " 'no_evidence', json_extract(document, '$.totals.no_evidence'));"
    "CREATE INDEX assessments_by_device ON assessments(device_id, assessed_at);",
};

iotssf_status history_db_fail(iotssf_history *h, const char *what, iotssf_error *err)
{
    int code = sqlite3_errcode(h->db);
    bool foreign = code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
    return iotssf_fail(err, foreign ? IOTSSF_E_INPUT : IOTSSF_E_IO, h->path, 0, 0,
                       "%s%s: %s", foreign ? "not a readable iotssf history database: " : "",
                       what, sqlite3_errmsg(h->db));
}

void history_set_step_hook(iotssf_history *h, history_step_hook *hook, void *ctx)
{
    h->hook = hook;
    h->hook_ctx = ctx;
}

static iotssf_status exec(iotssf_history *h, const char *sql, const char *what,
                          iotssf_error *err)
{
    if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return history_db_fail(h, what, err);
    return IOTSSF_OK;
}

static iotssf_status user_version(iotssf_history *h, int *out, iotssf_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return history_db_fail(h, "reading the schema version", err);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? IOTSSF_OK : history_db_fail(h, "reading the schema version", err);
}

/* One step, with its version bump, in one transaction. */
static iotssf_status migrate_step(iotssf_history *h, int from, iotssf_error *err)
{
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d", from + 1);
    iotssf_status st = exec(h, "BEGIN IMMEDIATE", "starting a schema upgrade", err);
    if (!st)
        st = exec(h, history_migrations[from], "upgrading the schema", err);
    if (!st)
        st = exec(h, bump, "upgrading the schema", err);
    if (!st)
        st = exec(h, "COMMIT", "upgrading the schema", err);
    if (st)
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* A fresh file has no tables; a database of some other program at version 0
 * has, and is left alone rather than filled with ours. */
static iotssf_status refuse_foreign(iotssf_history *h, iotssf_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h->db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) !=
        SQLITE_OK)
        return history_db_fail(h, "reading the schema", err);
    int rc = sqlite3_step(q);
    int tables = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    if (tables < 0)
        return history_db_fail(h, "reading the schema", err);
    if (tables > 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, h->path, 0, 0,
                           "an SQLite database, but not an iotssf history (no schema version)");
    return IOTSSF_OK;
}

static iotssf_status migrate(iotssf_history *h, int target, iotssf_error *err)
{
    int version;
    iotssf_status st = user_version(h, &version, err);
    if (st)
        return st;
    if (version > IOTSSF_HISTORY_SCHEMA_VERSION || version < 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, h->path, 0, 0,
                           "history schema version %d is newer than this iotssf reads (%d)",
                           version, IOTSSF_HISTORY_SCHEMA_VERSION);
    if (version == 0 && (st = refuse_foreign(h, err)))
        return st;
    for (; !st && version < target; version++)
        st = migrate_step(h, version, err);
    return st;
}

static iotssf_status open_at(const char *path, int target, iotssf_history **out,
                             iotssf_error *err)
{
    *out = NULL;
    iotssf_history *h = calloc(1, sizeof *h);
    if (!h || !(h->path = strdup(path))) {
        free(h);
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    iotssf_status st = IOTSSF_OK;
    if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        st = h->db ? history_db_fail(h, "opening", err)
                   : iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    if (!st) {
        sqlite3_busy_timeout(h->db, 5000);
        /* WAL with synchronous=FULL: a committed record survives a crash or a
         * power cut; the journal mode is the first statement to touch the file,
         * so a foreign file is refused here. */
        st = exec(h, "PRAGMA journal_mode = WAL", "opening", err);
    }
    if (!st)
        st = exec(h, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", "opening", err);
    if (!st)
        st = migrate(h, target, err);
    if (st) {
        iotssf_history_close(h);
        return st;
    }
    *out = h;
    return IOTSSF_OK;
}

iotssf_status iotssf_history_open(const char *path, iotssf_history **out, iotssf_error *err)
{
    return open_at(path, IOTSSF_HISTORY_SCHEMA_VERSION, out, err);
}

iotssf_status history_create_at_version(const char *path, int version, iotssf_error *err)
{
    iotssf_history *h;
    iotssf_status st = open_at(path, version, &h, err);
    if (!st)
        iotssf_history_close(h);
    return st;
}

void iotssf_history_close(iotssf_history *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    free(h->path);
    free(h);
}

static iotssf_status make_folder(char *path, iotssf_error *err)
{
    /* Each parent of the file in turn, as mkdir -p would. */
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        int e = errno;
        *p = '/';
        if (rc != 0 && e != EEXIST)
            return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot make its folder: %s",
                               strerror(e));
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_history_default_path(char *out, size_t size, iotssf_error *err)
{
    const char *db = getenv("IOTSSF_DB");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (db && *db)
        return (size_t)snprintf(out, size, "%s", db) < size
                   ? IOTSSF_OK
                   : iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "$IOTSSF_DB is too long");
    if (xdg && *xdg == '/')
        n = snprintf(out, size, "%s/iotssf/history.sqlite", xdg);
    else if (home && *home == '/')
        n = snprintf(out, size, "%s/.local/share/iotssf/history.sqlite", home);
    else
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "no history database: give --db FILE or set $IOTSSF_DB");
    if (n < 0 || (size_t)n >= size)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "the history path is too long");
    return make_folder(out, err);
}
