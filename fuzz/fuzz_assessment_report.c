/*
 * libFuzzer target for the assessment document loader and its reports: one
 * input is one assessment document (JSON). A document the loader accepts is
 * rendered in all five formats, and what the renderers promise must hold:
 * no error but a write error, JSON, SARIF and OSCAL output that parses
 * whatever the strings held, and an HTML page without a script element
 * (nothing from the document may become markup). Seeds:
 * fuzz/corpus/assessment_report/.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "iotssf/assessment_report.h"

static char *render(const iotssf_assessment *a, iotssf_assessment_format f, size_t *size)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, size);
    if (!out)
        fuzz_fail("cannot open a memory stream", NULL);
    iotssf_assessment_render_options o = {fuzz_data_dir()};
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_assessment_render(out, f, a, &o, &err))
        fuzz_fail("an accepted document did not render", &err);
    fclose(out);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotssf_assessment *a = (iotssf_assessment *)1; /* must be reset to NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_assessment_parse("fuzz.json", data, size, &a, &err);
    if (st) {
        if (a)
            fuzz_fail("a refused document was left behind", NULL);
        fuzz_check_error(st, &err);
        return 0;
    }
    for (int f = IOTSSF_ASSESSMENT_HTML; f <= IOTSSF_ASSESSMENT_OSCAL; f++) {
        size_t len;
        char *text = render(a, (iotssf_assessment_format)f, &len);
        if (f == IOTSSF_ASSESSMENT_HTML && strstr(text, "<script"))
            fuzz_fail("the HTML report holds a script element", NULL);
        if (f >= IOTSSF_ASSESSMENT_JSON) {
            json_error_t je;
            json_t *back = json_loadb(text, len, 0, &je);
            if (!back)
                fuzz_fail("a JSON report does not parse", NULL);
            json_decref(back);
        }
        free(text);
    }
    iotssf_assessment_free(a);
    return 0;
}
