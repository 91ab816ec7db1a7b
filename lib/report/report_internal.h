/*
 * What the per-format report writers share: the writer table and small
 * helpers that turn results into words.
 */
#ifndef IOTSSF_REPORT_INTERNAL_H
#define IOTSSF_REPORT_INTERNAL_H

#include "iotssf/report.h"

typedef struct report_writer {
    iotssf_status (*begin)(iotssf_report *r, iotssf_error *err);
    iotssf_status (*profile)(iotssf_report *r, const iotssf_profile_result *pr,
                             iotssf_error *err);
    iotssf_status (*end)(iotssf_report *r, iotssf_error *err);
} report_writer;

extern const report_writer report_text_writer;
extern const report_writer report_json_writer;
extern const report_writer report_md_writer;

const char *perspective_title(int perspective);
const char *verification_list(unsigned bits, char *buf, size_t size);
/* "harm.people = death" for every fact the rule reads. */
const char *rule_evidence(const iotssf_rule *rule, const iotssf_use_mode *mode, char *buf,
                          size_t size);
/* "M C(1,2)" from an item's status and conditions. */
const char *item_status(const iotssf_baseline_item *item, char *buf, size_t size);

typedef struct need_counts {
    size_t required, recommended, not_applicable;
} need_counts;

need_counts count_needs(const iotssf_mode_result *m);

iotssf_status report_io_check(FILE *out, iotssf_error *err);

#endif
