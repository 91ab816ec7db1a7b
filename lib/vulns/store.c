/*
 * The imported vulnerability database: one SQLite file holding OSV records
 * (as OSV JSON, normalised by the importers so that every package name is
 * a component id) and an index from component id to record.
 *
 * An import never writes the live file. It copies it (SQLite's backup API)
 * to <path>.tmp-<pid> in the same folder, migrates the copy's schema forward
 * (PRAGMA user_version is the schema number; migrations[] holds the steps),
 * replaces the records of the source being imported inside one transaction,
 * fsyncs the file and renames it over the old one, then fsyncs the folder.
 * A crash or error at any point leaves the old database as it was; a
 * temporary left by a killed import is removed by the next one.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulns_internal.h"

/* migrations[v] takes a database from schema v to v + 1. */
static const char *const migrations[VULN_STORE_SCHEMA] = {
    "CREATE TABLE records(key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, cve TEXT NOT NULL,"
    " source TEXT NOT NULL, osv TEXT NOT NULL);"
    "CREATE INDEX records_source ON records(source);"
    "CREATE TABLE record_components(component TEXT NOT NULL, record_key INTEGER NOT NULL,"
    " PRIMARY KEY(component, record_key));"
    "CREATE INDEX record_components_key ON record_components(record_key);"
    "CREATE TABLE imports(source TEXT PRIMARY KEY, imported_at TEXT NOT NULL,"
    " records INTEGER NOT NULL);",
};

enum { MAX_STORED_RECORD = 4 * 1024 * 1024 };

struct vuln_store {
    sqlite3 *db;
    char *path;
};

struct vuln_store_builder {
    sqlite3 *db;
    char *path, *tmp, *source;
    sqlite3_stmt *drop_components, *drop_record, *insert_record, *insert_component;
    size_t added, kept;
};

static iotssf_status sql_fail(sqlite3 *db, const char *path, const char *what, iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "%s: %s", what,
                       db ? sqlite3_errmsg(db) : "cannot open");
}

static int schema_version(sqlite3 *db)
{
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A database we wrote: a known schema number and our tables. */
static iotssf_status check_ours(sqlite3 *db, const char *path, iotssf_error *err)
{
    int v = schema_version(db);
    if (v > VULN_STORE_SCHEMA)
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                           "vulnerability database schema %d is newer than this iotssf reads "
                           "(%d); update iotssf",
                           v, VULN_STORE_SCHEMA);
    sqlite3_stmt *s = NULL;
    if (v < 1 || sqlite3_prepare_v2(db, "SELECT key FROM records LIMIT 1", -1, &s, NULL) != 0) {
        sqlite3_finalize(s);
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                           "not an iotssf vulnerability database (left untouched)");
    }
    sqlite3_finalize(s);
    return IOTSSF_OK;
}

iotssf_status vuln_store_open(const char *path, vuln_store **out, iotssf_error *err)
{
    *out = NULL;
    vuln_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    iotssf_status st = IOTSSF_OK;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) != 0)
        st = sql_fail(s->db, path, "cannot open the vulnerability database", err);
    if (!st)
        st = check_ours(s->db, path, err);
    if (!st && schema_version(s->db) < VULN_STORE_SCHEMA)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                         "vulnerability database schema is old; run 'iotssf vulns update' to "
                         "migrate it");
    if (st) {
        vuln_store_close(s);
        return st;
    }
    *out = s;
    return IOTSSF_OK;
}

void vuln_store_close(vuln_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static iotssf_status parse_stored(vuln_store *s, sqlite3_stmt *q, arena *a, osv_record **rec,
                                  iotssf_error *err)
{
    const void *text = sqlite3_column_text(q, 0);
    int size = sqlite3_column_bytes(q, 0);
    if (!text || size <= 0 || size > MAX_STORED_RECORD)
        return iotssf_fail(err, IOTSSF_E_INPUT, s->path, 0, 0, "a stored record is unreadable");
    doc_stream *ds = doc_stream_open_memory(s->path, text, (size_t)size, err);
    if (!ds)
        return err->status ? err->status : IOTSSF_E_NOMEM;
    doc_node *root = NULL;
    iotssf_status st = doc_stream_next(ds, a, &root, err);
    doc_ctx c = {.file = s->path, .err = err};
    size_t n = 0;
    if (!st && !root)
        st = iotssf_fail(err, IOTSSF_E_INPUT, s->path, 0, 0, "a stored record is empty");
    if (!st)
        st = osv_parse(&c, root, false, a, rec, &n);
    if (!st && n != 1)
        st = iotssf_fail(err, IOTSSF_E_INPUT, s->path, 0, 0, "a stored record is not one record");
    doc_stream_close(ds);
    return st;
}

iotssf_status vuln_store_each(vuln_store *s, const char *component, arena *a, vuln_store_fn fn,
                              void *ctx, iotssf_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.osv, r.source FROM record_components c JOIN records r"
                           " ON r.key = c.record_key WHERE c.component = ?1 ORDER BY r.id",
                           -1, &q, NULL) != SQLITE_OK)
        return sql_fail(s->db, s->path, "cannot read the vulnerability database", err);
    sqlite3_bind_text(q, 1, component, -1, SQLITE_STATIC);
    iotssf_status st = IOTSSF_OK;
    int rc;
    while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        osv_record *r;
        st = parse_stored(s, q, a, &r, err);
        if (st)
            break;
        r->file = s->path;
        const char *source = arena_strdup(a, (const char *)sqlite3_column_text(q, 1));
        st = source ? fn(ctx, r, source, err)
                    : iotssf_fail(err, IOTSSF_E_NOMEM, s->path, 0, 0, "out of memory");
    }
    if (!st && rc != SQLITE_DONE)
        st = sql_fail(s->db, s->path, "cannot read the vulnerability database", err);
    sqlite3_finalize(q);
    return st;
}

iotssf_status vuln_store_counts(vuln_store *s, void (*fn)(void *ctx, const char *component,
                                                          size_t count),
                                void *ctx, iotssf_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT component, count(*) FROM record_components"
                                  " GROUP BY component",
                           -1, &q, NULL) != SQLITE_OK)
        return sql_fail(s->db, s->path, "cannot read the vulnerability database", err);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_int64(q, 1));
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? IOTSSF_OK
                             : sql_fail(s->db, s->path, "cannot read the vulnerability database",
                                        err);
}

/* ---- building a replacement ---- */

/* Temporaries of imports that were killed: <name>.tmp-<pid> whose process
 * is gone. */
static void remove_stale_temporaries(const char *path)
{
    char *dup_dir = strdup(path), *dup_base = strdup(path);
    if (!dup_dir || !dup_base)
        goto out;
    const char *dir = dirname(dup_dir), *base = basename(dup_base);
    DIR *d = opendir(dir);
    if (!d)
        goto out;
    size_t blen = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp-", 5) != 0)
            continue;
        char *end;
        long pid = strtol(name + blen + 5, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
            char full[8192];
            snprintf(full, sizeof full, "%s/%s", dir, name);
            unlink(full);
        }
    }
    closedir(d);
out:
    free(dup_dir);
    free(dup_base);
}

static iotssf_status exec(vuln_store_builder *b, const char *sql, iotssf_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return IOTSSF_OK;
    iotssf_status st = iotssf_fail(err, IOTSSF_E_IO, b->tmp, 0, 0, "%s", msg ? msg : "failed");
    sqlite3_free(msg);
    return st;
}

/* The old database, copied into the temporary; nothing when there is none. */
static iotssf_status copy_old(vuln_store_builder *b, iotssf_error *err)
{
    struct stat sb;
    if (stat(b->path, &sb) != 0)
        return IOTSSF_OK;
    sqlite3 *old = NULL;
    iotssf_status st = IOTSSF_OK;
    if (sqlite3_open_v2(b->path, &old, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        st = sql_fail(old, b->path, "cannot open the vulnerability database", err);
    if (!st)
        st = check_ours(old, b->path, err);
    if (!st) {
        sqlite3_backup *bk = sqlite3_backup_init(b->db, "main", old, "main");
        if (!bk || sqlite3_backup_step(bk, -1) != SQLITE_DONE)
            st = sql_fail(b->db, b->path, "cannot copy the vulnerability database", err);
        sqlite3_backup_finish(bk);
    }
    sqlite3_close(old);
    return st;
}

static iotssf_status migrate(vuln_store_builder *b, iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    for (int v = schema_version(b->db); !st && v >= 0 && v < VULN_STORE_SCHEMA; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        st = exec(b, migrations[v], err);
        if (!st)
            st = exec(b, pragma, err);
    }
    return st;
}

static iotssf_status prepare(vuln_store_builder *b, sqlite3_stmt **s, const char *sql,
                             iotssf_error *err)
{
    if (sqlite3_prepare_v2(b->db, sql, -1, s, NULL) != SQLITE_OK)
        return sql_fail(b->db, b->tmp, "cannot prepare the import", err);
    return IOTSSF_OK;
}

static iotssf_status drop_source(vuln_store_builder *b, iotssf_error *err)
{
    sqlite3_stmt *s = NULL;
    iotssf_status st = prepare(b, &s, "DELETE FROM record_components WHERE record_key IN"
                                      " (SELECT key FROM records WHERE source = ?1)", err);
    if (!st) {
        sqlite3_bind_text(s, 1, b->source, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            st = sql_fail(b->db, b->tmp, "cannot replace the old records", err);
        sqlite3_finalize(s);
        s = NULL;
    }
    if (!st)
        st = prepare(b, &s, "DELETE FROM records WHERE source = ?1", err);
    if (!st) {
        sqlite3_bind_text(s, 1, b->source, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            st = sql_fail(b->db, b->tmp, "cannot replace the old records", err);
        sqlite3_finalize(s);
        s = NULL;
    }
    if (!st)
        st = prepare(b, &s, "SELECT count(*) FROM records", err);
    if (!st && sqlite3_step(s) == SQLITE_ROW)
        b->kept = (size_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return st;
}

static iotssf_status builder_setup(vuln_store_builder *b, iotssf_error *err)
{
    unlink(b->tmp);
    remove_stale_temporaries(b->path);
    if (sqlite3_open_v2(b->tmp, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != 0)
        return sql_fail(b->db, b->tmp, "cannot create the vulnerability database", err);
    iotssf_status st = copy_old(b, err);
    /* The temporary is thrown away on any failure: it needs no journal. */
    if (!st)
        st = exec(b, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", err);
    if (!st)
        st = migrate(b, err);
    if (!st)
        st = exec(b, "BEGIN", err);
    if (!st)
        st = drop_source(b, err);
    if (!st)
        st = prepare(b, &b->drop_components,
                     "DELETE FROM record_components WHERE record_key IN"
                     " (SELECT key FROM records WHERE id = ?1)", err);
    if (!st)
        st = prepare(b, &b->drop_record, "DELETE FROM records WHERE id = ?1", err);
    if (!st)
        st = prepare(b, &b->insert_record,
                     "INSERT INTO records(id, cve, source, osv) VALUES (?1, ?2, ?3, ?4)", err);
    if (!st)
        st = prepare(b, &b->insert_component,
                     "INSERT OR IGNORE INTO record_components(component, record_key)"
                     " VALUES (?1, ?2)", err);
    return st;
}

iotssf_status vuln_store_begin(const char *path, const char *source, vuln_store_builder **out,
                               iotssf_error *err)
{
    *out = NULL;
    vuln_store_builder *b = calloc(1, sizeof *b);
    size_t len = strlen(path) + 32;
    if (!b || !(b->path = strdup(path)) || !(b->source = strdup(source)) ||
        !(b->tmp = malloc(len))) {
        vuln_store_abort(b);
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    snprintf(b->tmp, len, "%s.tmp-%ld", path, (long)getpid());
    iotssf_status st = builder_setup(b, err);
    if (st) {
        vuln_store_abort(b);
        return st;
    }
    *out = b;
    return IOTSSF_OK;
}

static bool step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

iotssf_status vuln_store_add(vuln_store_builder *b, const osv_record *r, const char **components,
                             size_t component_count, iotssf_error *err)
{
    char *json = osv_to_json(r);
    if (!json)
        return iotssf_fail(err, IOTSSF_E_NOMEM, b->tmp, 0, 0, "out of memory");
    sqlite3_bind_text(b->drop_components, 1, r->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->drop_record, 1, r->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->insert_record, 1, r->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->insert_record, 2, r->cve, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->insert_record, 3, b->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->insert_record, 4, json, -1, SQLITE_TRANSIENT);
    bool ok = step_done(b->drop_components) && step_done(b->drop_record) &&
              step_done(b->insert_record);
    free(json);
    sqlite3_int64 key = sqlite3_last_insert_rowid(b->db);
    for (size_t i = 0; ok && i < component_count; i++) {
        sqlite3_bind_text(b->insert_component, 1, components[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(b->insert_component, 2, key);
        ok = step_done(b->insert_component);
    }
    if (!ok)
        return sql_fail(b->db, b->tmp, "cannot store a record", err);
    b->added++;
    return IOTSSF_OK;
}

static iotssf_status record_import(vuln_store_builder *b, iotssf_error *err)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    sqlite3_stmt *s;
    iotssf_status st = prepare(b, &s, "INSERT OR REPLACE INTO imports(source, imported_at,"
                                      " records) VALUES (?1, ?2, ?3)", err);
    if (st)
        return st;
    sqlite3_bind_text(s, 1, b->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, when, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)b->added);
    if (!step_done(s))
        st = sql_fail(b->db, b->tmp, "cannot record the import", err);
    sqlite3_finalize(s);
    return st;
}

static iotssf_status sync_path(const char *path, int flags, iotssf_error *err)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot sync: %s", strerror(e));
    }
    close(fd);
    return IOTSSF_OK;
}

static void finalize_all(vuln_store_builder *b)
{
    sqlite3_finalize(b->drop_components);
    sqlite3_finalize(b->drop_record);
    sqlite3_finalize(b->insert_record);
    sqlite3_finalize(b->insert_component);
    b->drop_components = b->drop_record = b->insert_record = b->insert_component = NULL;
}

iotssf_status vuln_store_commit(vuln_store_builder *b, iotssf_error *err)
{
    iotssf_status st = record_import(b, err);
    if (!st)
        st = exec(b, "COMMIT", err);
    finalize_all(b);
    if (!st && sqlite3_close(b->db) != SQLITE_OK)
        st = sql_fail(b->db, b->tmp, "cannot close the vulnerability database", err);
    if (!st)
        b->db = NULL;
    if (!st)
        st = sync_path(b->tmp, O_RDONLY, err);
    if (!st && rename(b->tmp, b->path) != 0)
        st = iotssf_fail(err, IOTSSF_E_IO, b->path, 0, 0, "cannot replace: %s", strerror(errno));
    if (!st) {
        char *dup = strdup(b->path);
        st = dup ? sync_path(dirname(dup), O_RDONLY | O_DIRECTORY, err)
                 : iotssf_fail(err, IOTSSF_E_NOMEM, b->path, 0, 0, "out of memory");
        free(dup);
        free(b->tmp);
        b->tmp = NULL; /* renamed: nothing left to remove */
    }
    vuln_store_abort(b);
    return st;
}

void vuln_store_abort(vuln_store_builder *b)
{
    if (!b)
        return;
    finalize_all(b);
    sqlite3_close(b->db);
    if (b->tmp)
        unlink(b->tmp);
    free(b->tmp);
    free(b->path);
    free(b->source);
    free(b);
}

size_t vuln_store_builder_kept(const vuln_store_builder *b)
{
    return b->kept;
}

const char *vuln_default_db_path(const char *given, char *buf, size_t size)
{
    if (given)
        return given;
    return iotssf_vulndb_default_path(buf, size);
}

const char *iotssf_vulndb_default_path(char *buf, size_t size)
{
    const char *env = getenv("IOTSSF_VULNS_DB");
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (env && *env)
        snprintf(buf, size, "%s", env);
    else if (xdg && *xdg)
        snprintf(buf, size, "%s/iotssf/vulns.sqlite", xdg);
    else if (home && *home)
        snprintf(buf, size, "%s/.local/share/iotssf/vulns.sqlite", home);
    else if (size)
        buf[0] = '\0';
    return buf;
}
