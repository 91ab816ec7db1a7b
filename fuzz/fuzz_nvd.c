/*
 * libFuzzer target for the NVD CVE API 2.0 reader (lib/vulns/import_nvd.c):
 * one input is one feed file. Every CVE it turns into a record is matched
 * against a few versions, written back as OSV JSON and read again
 * (fuzz_vulns_common.h). Seeds: fuzz/corpus/nvd/; dictionary: fuzz/nvd.dict.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_vulns_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vuln_import *im = fuzz_importer();
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = vuln_nvd_import_buffer(im, "fuzz.json", data, size, &err);
    if (st)
        fuzz_check_error(st, &err);
    arena_reset(&im->scratch);
    return 0;
}
