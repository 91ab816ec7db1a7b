/*
 * libFuzzer target for the OSV record parser (lib/vulns/osv.c): one input is
 * one file of a shipped folder or an OSV export. It is read strictly, as
 * data/vulns files are, and leniently, as an import reads it; every record
 * accepted is matched against a few versions and, through the import path,
 * written back as JSON and read again (fuzz_vulns_common.h). Seeds:
 * fuzz/corpus/osv/.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_vulns_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a);
    iotssf_error err;
    iotssf_error_clear(&err);
    doc_stream *ds = doc_stream_open_memory("fuzz.json", data, size, &err);
    doc_node *root = NULL;
    if (ds && !doc_stream_next(ds, &a, &root, &err) && root) {
        doc_ctx c = {.file = "fuzz.json", .err = &err};
        osv_record *recs = NULL;
        size_t n = 0;
        iotssf_status st = osv_parse(&c, root, true, &a, &recs, &n);
        if (st)
            fuzz_check_error(st, &err);
        for (size_t i = 0; !st && i < n; i++)
            fuzz_match_all(&recs[i]);
    }
    doc_stream_close(ds);
    arena_reset(&a);
    vuln_import *im = fuzz_importer();
    iotssf_error_clear(&err);
    iotssf_status st = vuln_osv_import_buffer(im, "fuzz.json", data, size, &a, &err);
    if (st)
        fuzz_check_error(st, &err);
    arena_free(&a);
    return 0;
}
