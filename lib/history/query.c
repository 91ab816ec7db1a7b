/*
 * Reading the history back: the devices in the store, and one device's
 * assessments in time order with what changed between each consecutive
 * pair. The comparison is done in SQL over the verdict and finding rows
 * written by record.c: a verdict changed when the same requirement in the
 * same use mode has another verdict (or exists on one side only); a finding
 * appeared or disappeared when no finding of the same rule at the same
 * location exists on the other side.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "history_internal.h"

/* Runs `sql` with ?1 = text when text is given, else ?1 = a and ?2 = b, and
 * calls `take` for each row; take returns false when out of memory. */
typedef bool row_taker(sqlite3_stmt *q, void *ctx);

static iotssf_status each_row(iotssf_history *h, const char *sql, int64_t a, int64_t b,
                              const char *text, row_taker *take, void *ctx, iotssf_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h->db, sql, -1, &q, NULL) != SQLITE_OK)
        return history_db_fail(h, "reading", err);
    if (text) {
        sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
    } else if (sqlite3_bind_parameter_count(q) == 2) {
        sqlite3_bind_int64(q, 1, a);
        sqlite3_bind_int64(q, 2, b);
    }
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW)
        ok = take(q, ctx);
    sqlite3_finalize(q);
    if (!ok)
        return iotssf_fail(err, IOTSSF_E_NOMEM, h->path, 0, 0, "out of memory");
    if (rc != SQLITE_DONE)
        return history_db_fail(h, "reading", err);
    return IOTSSF_OK;
}

/* Column i as a fresh string ("" for NULL); false on allocation failure. */
static bool dup_column(sqlite3_stmt *q, int i, char **out)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    *out = strdup(t ? (const char *)t : "");
    return *out != NULL;
}

/* Room for one more element in a growing array. */
static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 8;
    void *p = realloc(*items, n * size);
    if (!p)
        return false;
    *items = p;
    *cap = n;
    return true;
}

typedef struct device_rows {
    iotssf_history_device_list *list;
    size_t cap;
} device_rows;

static bool take_device(sqlite3_stmt *q, void *ctx)
{
    device_rows *r = ctx;
    if (!grow((void **)&r->list->items, &r->cap, r->list->count, sizeof *r->list->items))
        return false;
    iotssf_history_device *d = &r->list->items[r->list->count];
    memset(d, 0, sizeof *d);
    r->list->count++;
    d->assessments = (size_t)sqlite3_column_int64(q, 3);
    return dup_column(q, 0, &d->id) && dup_column(q, 1, &d->vendor) &&
           dup_column(q, 2, &d->model) && dup_column(q, 4, &d->last_assessed_at);
}

iotssf_status iotssf_history_devices(iotssf_history *h, iotssf_history_device_list *out,
                                     iotssf_error *err)
{
    memset(out, 0, sizeof *out);
    device_rows r = {out, 0};
    iotssf_status st = each_row(h, "SELECT d.id, d.vendor, d.model, count(a.id),"
                                   " max(a.assessed_at) FROM devices d LEFT JOIN assessments a"
                                   " ON a.device_id = d.id GROUP BY d.id ORDER BY d.id",
                                0, 0, NULL, take_device, &r, err);
    if (st)
        iotssf_history_device_list_free(out);
    return st;
}

static void device_clear(iotssf_history_device *d)
{
    free(d->id);
    free(d->vendor);
    free(d->model);
    free(d->last_assessed_at);
}

void iotssf_history_device_list_free(iotssf_history_device_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        device_clear(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

typedef struct entry_rows {
    iotssf_history_timeline *t;
    size_t cap;
} entry_rows;

static bool take_entry(sqlite3_stmt *q, void *ctx)
{
    entry_rows *r = ctx;
    if (!grow((void **)&r->t->entries, &r->cap, r->t->entry_count, sizeof *r->t->entries))
        return false;
    iotssf_history_entry *e = &r->t->entries[r->t->entry_count];
    memset(e, 0, sizeof *e);
    r->t->entry_count++;
    e->id = sqlite3_column_int64(q, 0);
    long *counts[] = {&e->pass, &e->fail, &e->not_applicable, &e->no_evidence, &e->findings,
                      &e->certificates};
    for (int i = 0; i < 6; i++)
        *counts[i] = (long)sqlite3_column_int64(q, 6 + i);
    return dup_column(q, 1, &e->assessed_at) && dup_column(q, 2, &e->firmware_version) &&
           dup_column(q, 3, &e->firmware_sha256) && dup_column(q, 4, &e->grade) &&
           dup_column(q, 5, &e->digest);
}

typedef struct step_rows {
    iotssf_history_step *s;
    size_t cap;
} step_rows;

static bool take_verdict_change(sqlite3_stmt *q, void *ctx)
{
    step_rows *r = ctx;
    if (!grow((void **)&r->s->verdicts, &r->cap, r->s->verdict_count, sizeof *r->s->verdicts))
        return false;
    iotssf_history_verdict_change *c = &r->s->verdicts[r->s->verdict_count];
    memset(c, 0, sizeof *c);
    r->s->verdict_count++;
    return dup_column(q, 0, &c->requirement) && dup_column(q, 1, &c->mode) &&
           dup_column(q, 2, &c->old_verdict) && dup_column(q, 3, &c->new_verdict);
}

static bool take_finding_change(sqlite3_stmt *q, void *ctx)
{
    step_rows *r = ctx;
    if (!grow((void **)&r->s->findings, &r->cap, r->s->finding_count, sizeof *r->s->findings))
        return false;
    iotssf_history_finding_change *c = &r->s->findings[r->s->finding_count];
    memset(c, 0, sizeof *c);
    r->s->finding_count++;
    c->appeared = sqlite3_column_int(q, 3) != 0;
    return dup_column(q, 0, &c->rule) && dup_column(q, 1, &c->location) &&
           dup_column(q, 2, &c->severity);
}

static const char verdict_changes_sql[] =
    "SELECT o.requirement, o.mode, o.verdict, coalesce(n.verdict, '(none)') FROM verdicts o"
    " LEFT JOIN verdicts n ON n.assessment_id = ?2 AND n.mode = o.mode"
    " AND n.requirement = o.requirement"
    " WHERE o.assessment_id = ?1 AND (n.verdict IS NULL OR n.verdict != o.verdict)"
    " UNION ALL"
    " SELECT n.requirement, n.mode, '(none)', n.verdict FROM verdicts n"
    " WHERE n.assessment_id = ?2 AND NOT EXISTS (SELECT 1 FROM verdicts o"
    " WHERE o.assessment_id = ?1 AND o.mode = n.mode AND o.requirement = n.requirement)"
    " ORDER BY 1, 2";

/* Appeared (1) first, then disappeared (0). */
static const char finding_changes_sql[] =
    "SELECT rule, location, max(severity), 1 FROM findings n WHERE n.assessment_id = ?2"
    " AND NOT EXISTS (SELECT 1 FROM findings o WHERE o.assessment_id = ?1"
    " AND o.rule = n.rule AND o.location = n.location) GROUP BY rule, location"
    " UNION ALL"
    " SELECT rule, location, max(severity), 0 FROM findings o WHERE o.assessment_id = ?1"
    " AND NOT EXISTS (SELECT 1 FROM findings n WHERE n.assessment_id = ?2"
    " AND n.rule = o.rule AND n.location = o.location) GROUP BY rule, location"
    " ORDER BY 4 DESC, 1, 2";

static iotssf_status load_steps(iotssf_history *h, iotssf_history_timeline *t,
                                iotssf_error *err)
{
    if (t->entry_count < 2)
        return IOTSSF_OK;
    t->steps = calloc(t->entry_count - 1, sizeof *t->steps);
    if (!t->steps)
        return iotssf_fail(err, IOTSSF_E_NOMEM, h->path, 0, 0, "out of memory");
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; !st && i + 1 < t->entry_count; i++) {
        step_rows r = {&t->steps[i], 0};
        int64_t a = t->entries[i].id, b = t->entries[i + 1].id;
        st = each_row(h, verdict_changes_sql, a, b, NULL, take_verdict_change, &r, err);
        r.cap = 0;
        if (!st)
            st = each_row(h, finding_changes_sql, a, b, NULL, take_finding_change, &r, err);
    }
    return st;
}

static const char entries_sql[] =
    "SELECT id, assessed_at, firmware_version, firmware_sha256, grade, digest,"
    " json_extract(counts, '$.pass'), json_extract(counts, '$.fail'),"
    " json_extract(counts, '$.not_applicable'), json_extract(counts, '$.no_evidence'),"
    " (SELECT count(*) FROM findings f WHERE f.assessment_id = a.id),"
    " (SELECT count(*) FROM certificates c WHERE c.assessment_id = a.id)"
    " FROM assessments a WHERE device_id = ?1 ORDER BY assessed_at, id";

iotssf_status iotssf_history_timeline_load(iotssf_history *h, const char *device_id,
                                           iotssf_history_timeline **out, iotssf_error *err)
{
    *out = NULL;
    iotssf_history_timeline *t = calloc(1, sizeof *t);
    if (!t)
        return iotssf_fail(err, IOTSSF_E_NOMEM, h->path, 0, 0, "out of memory");
    iotssf_history_device_list one = {&t->device, 0};
    device_rows dr = {&one, 1};
    iotssf_status st = each_row(h,
                                "SELECT d.id, d.vendor, d.model, count(a.id), max(a.assessed_at)"
                                " FROM devices d LEFT JOIN assessments a ON a.device_id = d.id"
                                " WHERE d.id = ?1 GROUP BY d.id",
                                0, 0, device_id, take_device, &dr, err);
    if (!st && one.count == 0)
        st = iotssf_fail(err, IOTSSF_E_INPUT, h->path, 0, 0,
                         "no device '%s' in the history ('iotssf history' lists them)",
                         device_id);
    entry_rows er = {t, 0};
    if (!st)
        st = each_row(h, entries_sql, 0, 0, device_id, take_entry, &er, err);
    if (!st)
        st = load_steps(h, t, err);
    if (st) {
        iotssf_history_timeline_free(t);
        return st;
    }
    *out = t;
    return IOTSSF_OK;
}

static void step_clear(iotssf_history_step *s)
{
    for (size_t i = 0; i < s->verdict_count; i++) {
        free(s->verdicts[i].requirement);
        free(s->verdicts[i].mode);
        free(s->verdicts[i].old_verdict);
        free(s->verdicts[i].new_verdict);
    }
    for (size_t i = 0; i < s->finding_count; i++) {
        free(s->findings[i].rule);
        free(s->findings[i].location);
        free(s->findings[i].severity);
    }
    free(s->verdicts);
    free(s->findings);
}

void iotssf_history_timeline_free(iotssf_history_timeline *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->entry_count; i++) {
        iotssf_history_entry *e = &t->entries[i];
        free(e->assessed_at);
        free(e->firmware_version);
        free(e->firmware_sha256);
        free(e->grade);
        free(e->digest);
    }
    if (t->steps)
        for (size_t i = 0; i + 1 < t->entry_count; i++)
            step_clear(&t->steps[i]);
    free(t->steps);
    free(t->entries);
    device_clear(&t->device);
    free(t);
}
