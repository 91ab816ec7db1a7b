/*
 * What fuzz_osv and fuzz_nvd share: an importer that keeps records in
 * memory instead of a database (the shipped signatures map packages and
 * CPEs, as in a real import), and the checks every record it accepts must
 * pass: written back as OSV JSON it reads again as the same record, and
 * matching any version against it neither crashes nor reports a match with
 * bounds the record does not hold.
 */
#ifndef IOTSSF_FUZZ_VULNS_COMMON_H
#define IOTSSF_FUZZ_VULNS_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "vulns/vulns_internal.h"

static const char *const fuzz_versions[] = {"0", "1.0", "1.0.2k", "2.78", "9.3p1", "2.76-5",
                                            "2023.01-rc3", "", NULL};

static inline void fuzz_match_all(const osv_record *r)
{
    for (size_t i = 0; i < r->affected_count; i++)
        for (int v = 0; fuzz_versions[v]; v++) {
            const char *introduced, *fixed;
            osv_affected_matches(&r->affected[i], "dotted", fuzz_versions[v], &introduced, &fixed);
            osv_affected_matches(&r->affected[i], "debian", fuzz_versions[v], &introduced, &fixed);
        }
}

/* The record survives the trip through the imported database's form. */
static inline iotssf_status fuzz_round_trip(void *ctx, const osv_record *r,
                                            const char **components, size_t count,
                                            iotssf_error *err)
{
    (void)ctx;
    (void)err;
    if (count == 0 || !components[0])
        fuzz_fail("a record was stored without components", NULL);
    fuzz_match_all(r);
    char *json = osv_to_json(r);
    if (!json)
        fuzz_fail("a record could not be written as JSON", NULL);
    arena a;
    arena_init(&a);
    iotssf_error e2;
    iotssf_error_clear(&e2);
    doc_stream *ds = doc_stream_open_memory("stored", json, strlen(json), &e2);
    doc_node *root = NULL;
    osv_record *back = NULL;
    size_t n = 0;
    doc_ctx c = {.file = "stored", .err = &e2};
    /* Text libyaml cannot take back (a surrogate escape, say) is refused
     * at lookup with an error, never misread; anything it reads must match. */
    if (ds && !doc_stream_next(ds, &a, &root, &e2) && root &&
        !osv_parse(&c, root, false, &a, &back, &n)) {
        if (n != 1 || strcmp(back->id, r->id) != 0 || strcmp(back->cve, r->cve) != 0 ||
            back->affected_count != r->affected_count || back->severity != r->severity)
            fuzz_fail("a stored record reads back differently", NULL);
    }
    doc_stream_close(ds);
    arena_free(&a);
    free(json);
    return IOTSSF_OK;
}

static inline vuln_import *fuzz_importer(void)
{
    static vuln_import im;
    static iotssf_vuln_import_stats stats;
    static int ready;
    if (!ready) {
        iotssf_error err;
        iotssf_error_clear(&err);
        arena_init(&im.arena);
        arena_init(&im.scratch);
        if (vuln_signatures_load(fuzz_data_dir(), &im.arena, &im.sigs, &err))
            fuzz_fail("cannot load the component signatures (set IOTSSF_DATA)", &err);
        im.stats = &stats;
        im.sink = fuzz_round_trip;
        ready = 1;
    }
    return &im;
}

#endif
