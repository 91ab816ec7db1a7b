/*
 * How analyses record findings at a place in the current filesystem.
 */
#include "analysis.h"

iotssf_status fw_report(fw_analysis_ctx *ctx, const char *rule_id, const char *path,
                        uint64_t offset, unsigned line, const char *evidence,
                        const char *message, iotssf_error *err)
{
    iotssf_finding where = {
        .message = (char *)message,
        .evidence = (char *)evidence,
        .origin = (char *)ctx->origin,
        .path = (char *)path,
        .offset = offset,
        .line = line,
    };
    return iotssf_findings_add(ctx->findings, ctx->rules, rule_id, &where, err);
}
