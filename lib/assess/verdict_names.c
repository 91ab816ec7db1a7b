/*
 * The names of verdicts, bases and answers as they appear in
 * assessment.json and answers files: one spelling everywhere.
 */
#include <string.h>

#include "iotssf/assess.h"

static const char *const verdict_names[] = {"pass", "fail", "not-applicable", "no-evidence"};
static const char *const basis_names[] = {"none", "verified", "declared"};
static const char *const answer_names[] = {NULL, "yes", "no", "not-applicable"};

const char *iotssf_verdict_name(iotssf_verdict v)
{
    return (unsigned)v < sizeof verdict_names / sizeof *verdict_names ? verdict_names[v] : "?";
}

int iotssf_verdict_parse(const char *name, iotssf_verdict *out)
{
    for (size_t i = 0; name && i < sizeof verdict_names / sizeof *verdict_names; i++)
        if (strcmp(name, verdict_names[i]) == 0) {
            *out = (iotssf_verdict)i;
            return 0;
        }
    return -1;
}

const char *iotssf_basis_name(iotssf_basis b)
{
    return (unsigned)b < sizeof basis_names / sizeof *basis_names ? basis_names[b] : "?";
}

const char *iotssf_answer_name(iotssf_answer_value v)
{
    return (unsigned)v < sizeof answer_names / sizeof *answer_names ? answer_names[v] : NULL;
}
