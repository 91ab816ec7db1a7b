/*
 * State shared by the inspector's driver (inspect.c) and its bookkeeping
 * (result.c).
 */
#ifndef IOTSSF_FIRMWARE_INSPECT_INTERNAL_H
#define IOTSSF_FIRMWARE_INSPECT_INTERNAL_H

#include "analysis.h"
#include "extract.h"
#include "scan.h"

enum { FW_MAX_WARNINGS = 10000, FW_MAX_ANALYSES = 32, FW_MAX_REGIONS = 100000 };

typedef struct inspect {
    const iotssf_fw_options *opts;
    iotssf_fw_result *res;
    fw_extractor *extractor;
    uint64_t entries;
    void *analysis_state[FW_MAX_ANALYSES];
    fw_analysis_ctx actx;
    iotssf_error *err;
} inspect;

void fw_warn(inspect *in, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a structure found; *index is its place in res->regions. */
iotssf_status fw_add_region(iotssf_fw_result *r, const fw_hit *hit, unsigned depth,
                            const char *container, size_t *index, iotssf_error *err);

/* Counts an ELF file by machine and byte order, for the summary. */
void fw_count_arch(iotssf_fw_result *r, const uint8_t *data, uint64_t size);

#endif
