/*
 * libFuzzer target for the answers loader (lib/assess/answers.c): one input
 * is one filled-in questionnaire. Each input is read twice: on its own (only
 * the form is checked) and against the real questionnaire of the example
 * camera (examples/netcam.yaml with the shipped catalog and policy), so the
 * cross-checks (device, profile SHA-256, questions asked) run too. Seeds:
 * fuzz/corpus/answers/.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "iotssf/assess.h"

static const iotssf_questionnaire *netcam_questionnaire(void)
{
    /* Loaded once and kept for the process: q points into the catalog and
     * the profile, which stay reachable here. */
    static iotssf_questionnaire *q;
    static iotssf_catalog *catalog;
    static iotssf_profile *profile;
    if (q)
        return q;
    char path[4096];
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_policy *policy = NULL;
    snprintf(path, sizeof path, "%s/policy/default.yaml", fuzz_data_dir());
    if (iotssf_policy_load(path, &policy, &err) ||
        iotssf_catalog_load(fuzz_data_dir(), &catalog, &err))
        fuzz_fail("cannot load the policy and catalog (set IOTSSF_DATA)", &err);
    snprintf(path, sizeof path, "%s/netcam.yaml", FUZZ_EXAMPLES_DIR);
    if (iotssf_assess_read_profile(path, &profile, &err) ||
        iotssf_questionnaire_build(catalog, fuzz_data_dir(), policy, profile, &q, &err))
        fuzz_fail("cannot build the example questionnaire", &err);
    iotssf_policy_free(policy);
    return q;
}

/* What an accepted answers file promises, whatever the input. */
static void check_answers(const iotssf_answers *a, const iotssf_questionnaire *q)
{
    if (!a->device_id || !a->profile_sha256 || strlen(a->sha256) != 64)
        fuzz_fail("accepted answers lack their header", NULL);
    for (size_t i = 0; i < a->count; i++) {
        const iotssf_answer *x = &a->items[i];
        if (!x->question || !x->requirement || x->value > IOTSSF_ANSWER_NOT_APPLICABLE)
            fuzz_fail("an accepted answer is incomplete", NULL);
        if (strncmp(x->question, "Q-", 2) != 0 || strcmp(x->question + 2, x->requirement) != 0)
            fuzz_fail("an answer's question and requirement disagree", NULL);
        const iotssf_question *asked = q ? iotssf_questionnaire_find(q, x->question) : NULL;
        if (q && !asked)
            fuzz_fail("an answer to a question never asked was accepted", NULL);
        if (asked && asked->needs_document && x->value == IOTSSF_ANSWER_YES && !x->document)
            fuzz_fail("a 'yes' without its document was accepted", NULL);
        if (x->value != IOTSSF_ANSWER_NONE && iotssf_answers_for(a, x->requirement) == NULL)
            fuzz_fail("an answer cannot be found by its requirement", NULL);
    }
}

static void parse_once(const uint8_t *data, size_t size, const iotssf_questionnaire *q)
{
    iotssf_answers *a = (iotssf_answers *)1; /* must be reset to NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_answers_parse("fuzz.yaml", data, size, q, &a, &err);
    if (st) {
        if (a)
            fuzz_fail("a failed parse left answers behind", NULL);
        fuzz_check_error(st, &err);
        return;
    }
    check_answers(a, q);
    iotssf_answers_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_once(data, size, NULL);
    parse_once(data, size, netcam_questionnaire());
    return 0;
}
