/*
 * Reports of an assessment: the "iotssf.assessment/1" document written by
 * `iotssf assess` (docs/assessment-format.md) rendered for people (one
 * self-contained HTML page with the risk map, or Markdown) and for programs
 * (the document itself re-emitted after validation, SARIF 2.1.0 for code
 * scanning, OSCAL 1.1.2 assessment results for GRC tools). See docs/reports.md.
 *
 * The document is outside input: it may come from another machine or be
 * edited by hand. The loader checks the schema and every field a renderer
 * reads, bounds its size, and resolves every cross reference (finding and
 * answer ids) once, so the renderers never meet a surprise.
 */
#ifndef IOTSSF_ASSESSMENT_REPORT_H
#define IOTSSF_ASSESSMENT_REPORT_H

#include <stdio.h>

#include "iotssf/assess.h"
#include "iotssf/error.h"

typedef enum iotssf_assessment_format {
    IOTSSF_ASSESSMENT_HTML,
    IOTSSF_ASSESSMENT_MD,
    IOTSSF_ASSESSMENT_JSON,
    IOTSSF_ASSESSMENT_SARIF,
    IOTSSF_ASSESSMENT_OSCAL,
} iotssf_assessment_format;

/* "html", "md", "json", "sarif", "oscal": returns 0 and sets *out, or -1. */
int iotssf_assessment_format_parse(const char *name, iotssf_assessment_format *out);
const char *iotssf_assessment_format_name(iotssf_assessment_format f);


typedef struct iotssf_assessment iotssf_assessment;

/* Reads and validates a document. Errors name the file and the JSON path of
 * the offending field ("modes[1].verdicts[3].verdict: ..."). */
iotssf_status iotssf_assessment_load(const char *path, iotssf_assessment **out,
                                     iotssf_error *err);
/* The same from bytes in memory; `name` is used in errors. */
iotssf_status iotssf_assessment_parse(const char *name, const void *data, size_t size,
                                      iotssf_assessment **out, iotssf_error *err);
void iotssf_assessment_free(iotssf_assessment *a);

typedef struct iotssf_assessment_render_options {
    /* The data folder: the HTML's risk map falls back to
     * <data_dir>/policy/default.yaml when the document's policy file cannot
     * be read or no longer has the recorded hash. NULL: the default. */
    const char *data_dir;
} iotssf_assessment_render_options;

/* Writes the whole report. Nothing is written before the document has been
 * validated; a write failure is IOTSSF_E_IO. */
iotssf_status iotssf_assessment_render(FILE *out, iotssf_assessment_format format,
                                       const iotssf_assessment *a,
                                       const iotssf_assessment_render_options *options,
                                       iotssf_error *err);

#endif
