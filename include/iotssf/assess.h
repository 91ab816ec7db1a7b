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
#include <stdio.h>

#include "iotssf/catalog.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"

#define IOTSSF_SCHEMA_ASSESSMENT "iotssf.assessment/1"
#define IOTSSF_SCHEMA_QUESTIONNAIRE "iotssf.questionnaire/1"

/* Assessment documents larger than this are refused before parsing. */
#define IOTSSF_ASSESSMENT_MAX_BYTES (64u << 20)

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
    /* Items that count but that no requirement of this use mode cites: their
     * verdict is not-applicable, yet the tier simply does not ask for them,
     * so a report should say "conformant on what the tier covers". */
    size_t uncited;
    iotssf_item_verdict *items; /* in the baseline's order */
    size_t item_count;
} iotssf_conformity;

/* The IEC 62443-4-2 security level a tier maps to: the policy tier's
 * `equivalents` entry for "iec62443-4-2" ("SL-C 2" -> 2); 1 when the tier
 * names none (or `tier` is NULL). Callers pass it as `level` below, since the
 * judge sees verdicts, not tiers. */
int iotssf_iec62443_level_of_tier(const iotssf_tier *tier);

/* Judges one scheme from one use mode's verdicts. `level` is the IEC
 * 62443-4-2 security level (1-4: the mode's tier's level, from
 * iotssf_iec62443_level_of_tier; 0 is read as 1), ignored elsewhere.
 * Rules: EN 303 645: every applicable M / M C(n) passes, every R / R C(n)
 * passes or has a justification, and 4-1 holds when every unmet
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
/* The same from memory; `name` is used in errors (fuzzing, tests). */
iotssf_status iotssf_grading_parse(const char *name, const void *data, size_t size,
                                   const iotssf_catalog *catalog, iotssf_grading **out,
                                   iotssf_error *err);
void iotssf_grading_free(iotssf_grading *g);

/* A measure that would move the device toward the next grade. */
typedef struct iotssf_gap {
    /* NULL when the gap is not one requirement (a scheme that was not
     * judged); `why` then says what is missing. */
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
    const char *rule_file;  /* grade, next and rule_file live as long as the grading */
} iotssf_grade_result;

/* Grades one use mode. `likelihood` is the profile's stated likelihood for
 * the mode (may be NULL): it weighs the gaps' order only, never the grade. */
iotssf_status iotssf_grade_mode(const iotssf_grading *g, const char *tier,
                                const char *likelihood,
                                const iotssf_requirement_verdict *verdicts, size_t count,
                                const iotssf_conformity *schemes, size_t scheme_count,
                                iotssf_grade_result *out, iotssf_error *err);
void iotssf_grade_result_free(iotssf_grade_result *r);

/* ---- questionnaire, answers, evidence, assessment (lib/assess/) ----
 *
 * The questionnaire lists, for the requirements that apply in any of the
 * device's use modes, those no machine can check (verification by declaration
 * or document). The same file, filled in, is the answers file; it records the
 * SHA-256 of the profile it was made for, so answers never outlive a changed
 * profile. Format in docs/assessment.md. */

struct iotssf_fw_result;
struct iotssf_probe_result;
typedef struct json_t json_t;

typedef struct iotssf_question {
    char *id;                              /* "Q-<requirement id>" */
    const iotssf_requirement *requirement;
    iotssf_need need;                      /* the strongest need over the use modes */
    bool needs_document;                   /* verification includes a document */
    char *modes;                           /* "home: required; hospital-ward: recommended" */
} iotssf_question;

typedef struct iotssf_questionnaire {
    const char *device_id;
    const char *profile_file;
    char profile_sha256[65];
    char catalog_sha256[65];
    iotssf_question *questions; /* in catalog order */
    size_t count;
} iotssf_questionnaire;

/* SHA-256 of the catalog and baseline files of `data_dir` (each file's path
 * relative to data_dir, a NUL byte, then its bytes; files in name order). */
iotssf_status iotssf_catalog_digest(const char *data_dir, char out[65], iotssf_error *err);

/* The questions for `profile` (every use mode placed with `policy`). The
 * profile must come from a file (its SHA-256 is recorded). */
iotssf_status iotssf_questionnaire_build(const iotssf_catalog *c, const char *data_dir,
                                         const iotssf_policy *policy,
                                         const iotssf_profile *profile,
                                         iotssf_questionnaire **out, iotssf_error *err);
/* The YAML questionnaire ("iotssf.questionnaire/1"). */
iotssf_status iotssf_questionnaire_write(FILE *out, const iotssf_questionnaire *q,
                                         iotssf_error *err);
const iotssf_question *iotssf_questionnaire_find(const iotssf_questionnaire *q,
                                                 const char *question_id);
void iotssf_questionnaire_free(iotssf_questionnaire *q);

typedef enum iotssf_answer_value {
    IOTSSF_ANSWER_NONE, /* left empty: no answer */
    IOTSSF_ANSWER_YES,
    IOTSSF_ANSWER_NO,
    IOTSSF_ANSWER_NOT_APPLICABLE,
} iotssf_answer_value;

/* "yes", "no", "not-applicable"; NULL for NONE. */
const char *iotssf_answer_name(iotssf_answer_value v);

typedef struct iotssf_answer {
    const char *question;      /* "Q-SSF-VULN-01" */
    const char *requirement;   /* "SSF-VULN-01" */
    iotssf_answer_value value;
    const char *document;      /* NULL when none */
    const char *justification;
    const char *note;
    iotssf_pos pos;            /* of the question's entry */
} iotssf_answer;

typedef struct iotssf_answers {
    const char *file;
    char sha256[65];           /* of the answers file */
    const char *device_id;
    const char *profile_sha256; /* as recorded in the file */
    iotssf_answer *items;      /* answered or not, in file order */
    size_t count;
    void *memory;
} iotssf_answers;

/* Reads a filled-in questionnaire. With `q`, every question must be one of
 * q's, the device and the profile SHA-256 must be q's (else IOTSSF_E_INPUT:
 * "the profile changed since the questionnaire"). Without `q` only the form
 * is checked. Errors carry file:line:column. */
iotssf_status iotssf_answers_load(const char *path, const iotssf_questionnaire *q,
                                  iotssf_answers **out, iotssf_error *err);
iotssf_status iotssf_answers_parse(const char *name, const void *data, size_t size,
                                   const iotssf_questionnaire *q, iotssf_answers **out,
                                   iotssf_error *err);
/* The answer for a requirement id, or NULL (also when left empty). */
const iotssf_answer *iotssf_answers_for(const iotssf_answers *a, const char *requirement_id);
void iotssf_answers_free(iotssf_answers *a);

/* Machine evidence: the findings of a firmware inspection and of a probe,
 * taken from results in memory or from their JSON reports ("iotssf.firmware/1",
 * "iotssf.probe/1"). Findings read from a report are rebuilt through the
 * current rule set, so rule titles, severities and requirements are today's. */
typedef struct iotssf_evidence iotssf_evidence;

iotssf_evidence *iotssf_evidence_new(const iotssf_rule_set *rules, iotssf_error *err);
void iotssf_evidence_free(iotssf_evidence *e);
iotssf_status iotssf_evidence_use_firmware(iotssf_evidence *e, const struct iotssf_fw_result *r,
                                           iotssf_error *err);
iotssf_status iotssf_evidence_load_firmware(iotssf_evidence *e, const char *report_path,
                                            iotssf_error *err);
iotssf_status iotssf_evidence_use_probe(iotssf_evidence *e, const struct iotssf_probe_result *r,
                                        iotssf_error *err);
iotssf_status iotssf_evidence_load_probe(iotssf_evidence *e, const char *report_path,
                                         iotssf_error *err);
/* The inspected image's SHA-256, or NULL without firmware evidence. */
const char *iotssf_evidence_firmware_sha256(const iotssf_evidence *e);

/* Reads a profile file that must describe exactly one device (a fleet file
 * is refused: one assessment is about one device). */
iotssf_status iotssf_assess_read_profile(const char *path, iotssf_profile **out,
                                         iotssf_error *err);

typedef struct iotssf_assess_options {
    const char *data_dir;
    const iotssf_catalog *catalog;
    const iotssf_policy *policy;
    const char *policy_file;
    const iotssf_rule_set *rules;
    const iotssf_grading *grading;
    const iotssf_profile *profile;         /* one device */
    const iotssf_evidence *evidence;       /* may be NULL */
    const iotssf_answers *answers;         /* may be NULL; checked against the profile */
    const char *const *schemes;            /* NULL: en303645 and jcstar1 */
    size_t scheme_count;
    int level;                             /* IEC 62443-4-2 level; 0: from the tier */
    const char *assessed_at;               /* RFC 3339; NULL: now */
    /* The firmware version assessed, when a build names it (CI on every
     * build) rather than the profile; NULL: the profile's. */
    const char *firmware_version;
} iotssf_assess_options;

/* The assessment document ("iotssf.assessment/1", docs/assessment-format.md).
 * Fails with IOTSSF_E_INPUT when the evidence or answers belong to another
 * device or another version of the profile. */
iotssf_status iotssf_assess(const iotssf_assess_options *o, json_t **out, iotssf_error *err);

/* Writes <dir>/assessment.json whole or not at all (dir made if missing). */
iotssf_status iotssf_assess_write(const json_t *doc, const char *dir, iotssf_error *err);

/* A few lines per use mode: place, counts, grade, the biggest gaps. */
void iotssf_assess_summary(FILE *out, const json_t *doc);

#endif
