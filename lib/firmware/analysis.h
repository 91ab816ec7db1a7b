/*
 * The interface every firmware analysis implements (one file per analysis
 * in this folder: accounts.c, keys.c, secrets.c, boot.c, elf_hardening.c,
 * components_analysis.c).
 * The core streams every entry of every unpacked filesystem through each
 * analysis once, in the order readers emit them; file contents are only valid
 * during the call, so an analysis that needs two files together (passwd and
 * shadow, an init script and the daemon it starts) copies the small ones it
 * needs and concludes in `finish`.
 */
#ifndef IOTSSF_FIRMWARE_ANALYSIS_H
#define IOTSSF_FIRMWARE_ANALYSIS_H

#include "iotssf/findings.h"
#include "iotssf/firmware.h"

typedef struct fw_analysis_ctx {
    iotssf_findings *findings;
    const iotssf_rule_set *rules;
    /* The filesystem the current entry belongs to, e.g. "squashfs@0x120200"
     * (set for every entry call; the same string for one filesystem). */
    const char *origin;
    /* Shipped data the analyses read (credential lists, ...): the data dir. */
    const char *data_dir;
} fw_analysis_ctx;

typedef struct fw_analysis {
    const char *name;
    /* NULL on out-of-memory. May read data files from ctx->data_dir. */
    void *(*create)(const fw_analysis_ctx *ctx, iotssf_error *err);
    iotssf_status (*entry)(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                           iotssf_error *err);
    iotssf_status (*finish)(void *state, fw_analysis_ctx *ctx, iotssf_error *err);
    /* Optional, after `finish`: an analysis whose output is not findings
     * (the components one) writes it into the result here, and may read the
     * layout found (regions). NULL for most analyses. */
    iotssf_status (*conclude)(void *state, iotssf_fw_result *result, iotssf_error *err);
    void (*destroy)(void *state);
} fw_analysis;

/* All analyses, in lib/firmware/analyses.c. */
extern const fw_analysis *const fw_analyses[];
extern const size_t fw_analysis_count;

/* Adds a finding located at a file (and offset or line) of the current
 * filesystem; `evidence` is the matched text, kept short. */
iotssf_status fw_report(fw_analysis_ctx *ctx, const char *rule_id, const char *path,
                        uint64_t offset, unsigned line, const char *evidence,
                        const char *message, iotssf_error *err);

#endif
