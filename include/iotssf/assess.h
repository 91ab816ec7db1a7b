/*
 * Assessment: a profile, its placement and requirements, and the evidence
 * from firmware inspection, the device probe and declared answers become a
 * verdict per use mode and requirement, conformity per scheme and tier, and a
 * grade with the measures that stand between the device and the next one.
 * The result is one JSON document ("iotssf.assessment/1", docs/assessment-format.md)
 * that every later stage reads: reports (lib/report/assessment_*.c),
 * certificates (include/iotssf/cert.h) and history (include/iotssf/history.h).
 *
 * Two layers:
 *  - lib/assess/verdicts.c, questionnaire.c, answers.c, assess.c: evidence in,
 *    verdicts and the JSON document out;
 *  - lib/assess/conformity.c and grade.c: pure functions over verdicts
 *    (declared below), so schemes and grading rules are testable alone.
 */
#ifndef IOTSSF_ASSESS_H
#define IOTSSF_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/catalog.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"

#define IOTSSF_SCHEMA_ASSESSMENT "iotssf.assessment/1"
#define IOTSSF_SCHEMA_QUESTIONNAIRE "iotssf.questionnaire/1"

typedef enum iotssf_verdict {
    IOTSSF_VERDICT_PASS,
    IOTSSF_VERDICT_FAIL,
    IOTSSF_VERDICT_NOT_APPLICABLE,
    IOTSSF_VERDICT_NO_EVIDENCE,
} iotssf_verdict;

/* "pass", "fail", "not-applicable", "no-evidence" */
const char *iotssf_verdict_name(iotssf_verdict v);
int iotssf_verdict_parse(const char *name, iotssf_verdict *out);

typedef enum iotssf_basis {
    IOTSSF_BASIS_NONE,     /* no evidence, or not applicable */
    IOTSSF_BASIS_VERIFIED, /* decided by firmware or probe evidence */
    IOTSSF_BASIS_DECLARED, /* decided by an answer: declared, not verified */
} iotssf_basis;

const char *iotssf_basis_name(iotssf_basis b);

/* One requirement's verdict in one use mode: the input of conformity and
 * grading. */
typedef struct iotssf_requirement_verdict {
    const iotssf_applied_requirement *applied; /* requirement, need, applicability */
    iotssf_verdict verdict;
    iotssf_basis basis;
    iotssf_severity worst_finding; /* of the findings that made it fail; INFO if none */
    /* A declared justification for not meeting it (EN 303 645 provision 4-1
     * accepts one for recommendations); NULL when none was given. */
    const char *justification;
} iotssf_requirement_verdict;

/* ---- conformity per scheme (lib/assess/conformity.c) ---- */

typedef struct iotssf_item_verdict {
    const iotssf_baseline_item *item;
    iotssf_verdict verdict;   /* from the verdicts of the requirements citing it */
    bool counts;              /* whether the scheme's rule needs it at this level */
    bool justified;           /* a recommendation not met, with a justification */
    const iotssf_requirement_verdict **by; /* the citing requirements' verdicts */
    size_t by_count;
} iotssf_item_verdict;

typedef struct iotssf_conformity {
    const iotssf_baseline *baseline;
    int level;          /* IEC 62443-4-2 security level 1-4; 0 elsewhere */
    bool conformant;    /* the scheme's rule holds */
    bool complete;      /* no item that counts lacks evidence */
    const char *rule;   /* one sentence: how this scheme decides */
    size_t pass, fail, not_applicable, no_evidence, justified;
    iotssf_item_verdict *items; /* in the baseline's order */
    size_t item_count;
} iotssf_conformity;

/* Judges one scheme from one use mode's verdicts. `level` is the IEC
 * 62443-4-2 security level (1-4; 0 = the mode's tier's level), ignored
 * elsewhere. Rules: EN 303 645: every applicable M / M C(n) passes, every
 * R / R C(n) passes or has a justification, and 4-1 holds when every unmet
 * recommendation is justified; JC-STAR ★1, NIST IR 8259A, CSDE C2, SIOTP:
 * every item passes; IEC 62443-4-2: every CR and RE up to `level` passes. */
iotssf_status iotssf_conformity_judge(const iotssf_baseline *b, int level,
                                      const iotssf_requirement_verdict *verdicts, size_t count,
                                      iotssf_conformity *out, iotssf_error *err);
void iotssf_conformity_free(iotssf_conformity *c);

/* ---- grade (lib/assess/grade.c; rules in data/grading/default.yaml) ---- */

typedef struct iotssf_grading iotssf_grading;

/* Loads a grading rule file (default: <data_dir>/grading/default.yaml). */
iotssf_status iotssf_grading_load(const char *path, const iotssf_catalog *catalog,
                                  iotssf_grading **out, iotssf_error *err);
void iotssf_grading_free(iotssf_grading *g);

/* A measure that would move the device toward the next grade. */
typedef struct iotssf_gap {
    const iotssf_requirement_verdict *verdict;
    double impact;    /* how much meeting it changes (the ordering key) */
    double cost;      /* relative cost from the grading data; 0 when unknown */
    const char *why;  /* which condition of the next grade it blocks */
} iotssf_gap;

typedef struct iotssf_grade_result {
    const char *grade;      /* "gold", "silver", "bronze", or "none" */
    const char *next;       /* the next grade up, or NULL at the top */
    iotssf_gap *gaps;       /* what stands between this and `next`, biggest first */
    size_t gap_count;
    const char *rule_file;
} iotssf_grade_result;

/* Grades one use mode. `likelihood` is the profile's stated likelihood for
 * the mode (may be NULL): it weighs the gaps' order only, never the grade. */
iotssf_status iotssf_grade_mode(const iotssf_grading *g, const char *tier,
                                const char *likelihood,
                                const iotssf_requirement_verdict *verdicts, size_t count,
                                const iotssf_conformity *schemes, size_t scheme_count,
                                iotssf_grade_result *out, iotssf_error *err);
void iotssf_grade_result_free(iotssf_grade_result *r);

#endif
