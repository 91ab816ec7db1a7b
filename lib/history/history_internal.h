/*
 * What the history files share: the open store and its schema steps. Tests
 * reach in here to make old-schema files and to interrupt a record midway.
 */
#ifndef IOTSSF_HISTORY_INTERNAL_H
#define IOTSSF_HISTORY_INTERNAL_H

#include <sqlite3.h>

#include "iotssf/history.h"

/* Called between the statements of a record's transaction, with the number
 * of statements done so far; a test uses it to die mid-transaction. */
typedef void history_step_hook(void *ctx, int step);

struct iotssf_history {
    sqlite3 *db;
    char *path;
    history_step_hook *hook;
    void *hook_ctx;
};

void history_set_step_hook(iotssf_history *h, history_step_hook *hook, void *ctx);

/* The SQL that takes a store from version i to i + 1 (index i); the last
 * entry ends at IOTSSF_HISTORY_SCHEMA_VERSION. */
extern const char *const history_migrations[IOTSSF_HISTORY_SCHEMA_VERSION];

/* Creates a store at exactly `version` (1 ... current), for migration tests. */
iotssf_status history_create_at_version(const char *path, int version, iotssf_error *err);

/* Fails with the database's message about `path`. */
iotssf_status history_db_fail(iotssf_history *h, const char *what, iotssf_error *err);

#endif
