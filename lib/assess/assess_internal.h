/*
 * What the files of lib/assess that gather evidence and answers and build
 * the document (all but conformity.c and grade*.c) share, kept out of the
 * public header: the evidence's inside, one mode's verdicts with their
 * explanations, the JSON builders and SHA-256 helpers.
 */
#ifndef IOTSSF_ASSESS_INTERNAL_H
#define IOTSSF_ASSESS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "iotssf/assess.h"
#include "iotssf/categorize.h"

/* Evidence sources, decided by a rule's id prefix (FW-, PROBE-). */
typedef enum evidence_source { SOURCE_FIRMWARE, SOURCE_PROBE, SOURCE_COUNT } evidence_source;

const char *evidence_source_name(evidence_source s);
/* -1 for a rule that belongs to neither. */
int evidence_source_of_rule(const char *rule_id);

enum {
    EVIDENCE_MAX_REPORT = 256 * 1024 * 1024, /* bytes of one JSON report */
    EVIDENCE_MAX_FINDINGS = 1000000,
};

struct iotssf_evidence {
    const iotssf_rule_set *rules;
    bool given[SOURCE_COUNT];
    iotssf_findings findings;   /* both sources, sorted worst first once complete */
    json_t *section[SOURCE_COUNT]; /* the document's evidence.firmware / .probe */
    char firmware_sha256[65];
    json_t *warnings;           /* strings: findings dropped while rebuilding */
};

/* The document's id of finding i ("F1" ...), once sorted. */
void evidence_finding_id(size_t index, char buf[24]);
/* Adds a finding through today's rule set (unknown rules: a warning). */
iotssf_status evidence_add_finding(iotssf_evidence *e, const char *rule_id,
                                   const iotssf_finding *where, iotssf_error *err);
/* Marks a source as given; a second time is an error. */
iotssf_status evidence_mark_given(iotssf_evidence *e, evidence_source s, iotssf_error *err);
/* Sorts the findings; idempotent. Called before verdicts are taken. */
void evidence_seal(iotssf_evidence *e);

/* One requirement's verdict with what explains it, beside the plain
 * iotssf_requirement_verdict array that conformity and grading read. */
typedef struct verdict_detail {
    const char *reason;
    const char *not_applicable_because; /* NULL unless not applicable by feature */
    size_t *findings;                   /* indices of the findings that failed it */
    size_t finding_count;
    size_t *notes;                      /* info findings naming it */
    size_t note_count;
    const iotssf_answer *answer;        /* used or overruled; NULL when none */
} verdict_detail;

typedef struct mode_verdicts {
    iotssf_requirement_verdict *verdicts;
    verdict_detail *details;
    size_t count;
} mode_verdicts;

typedef struct verdict_inputs {
    const iotssf_rule_set *rules;
    const iotssf_evidence *evidence; /* may be NULL */
    const iotssf_answers *answers;   /* may be NULL */
} verdict_inputs;

/* Takes the verdicts of one mode's applied requirements; strings and arrays
 * live in `a`. */
iotssf_status verdicts_take(const verdict_inputs *in, const iotssf_applied_requirement *applied,
                            size_t count, arena *a, mode_verdicts *out, iotssf_error *err);
/* The verdict a requirement gets in a mode even when that mode's tier does
 * not call for it (to say whether a stand-in passed). */
iotssf_verdict verdict_of_standin(const verdict_inputs *in, const mode_verdicts *mode,
                                  const iotssf_requirement *r, arena *scratch);

/* The "modes" entry and the findings/answers arrays of the document. */
json_t *assess_mode_json(const iotssf_policy *policy, const iotssf_placement *pl,
                         const verdict_inputs *in, const mode_verdicts *mv,
                         const iotssf_conformity *const *schemes, size_t scheme_count,
                         const iotssf_grade_result *grade, const char *likelihood);
json_t *assess_findings_json(const iotssf_evidence *e);
json_t *assess_answers_json(const iotssf_answers *a);

/* A JSON string (or null for NULL) for text that may not be valid UTF-8:
 * stray bytes become '?', so no value is ever dropped. */
json_t *assess_text(const char *s);

/* Lowercase hex SHA-256 of a whole file. */

#endif
