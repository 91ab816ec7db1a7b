/*
 * The loaded form of a grading rule file (data/grading/, format in
 * docs/grading.md), shared by the loader (grade_rules.c) and the grader
 * (grade.c). Everything lives in one arena, freed with the grading.
 */
#ifndef IOTSSF_ASSESS_GRADE_INTERNAL_H
#define IOTSSF_ASSESS_GRADE_INTERNAL_H

#include "../core/arena.h"
#include "iotssf/assess.h"

enum {
    GRADE_MAX_GRADES = 8,
    GRADE_MAX_CONDITIONS = 32, /* per grade */
    GRADE_MAX_SCHEMES = 32,    /* per condition */
    GRADE_MAX_COSTS = 512,
    GRADE_SEVERITIES = IOTSSF_SEV_CRITICAL + 1,
    GRADE_LIKELIHOODS = 5,     /* the profile's likelihood scale */
};

typedef enum grade_cond_kind {
    GRADE_REQUIRED_PASS,       /* value: required_scope */
    GRADE_RECOMMENDED,         /* value: 0 pass, 1 pass_or_justified */
    GRADE_MAX_FAILED_SEVERITY, /* value: an iotssf_severity */
    GRADE_NO_EVIDENCE_MAX,     /* value: the most no-evidence verdicts allowed */
    GRADE_TIER_CONFORMANT,     /* every applicable required requirement passes */
    GRADE_SCHEMES_CONFORMANT,  /* schemes: judged and conformant */
    GRADE_SCHEMES_IF_JUDGED,   /* schemes: conformant when judged */
} grade_cond_kind;

typedef enum required_scope {
    REQUIRED_MACHINE_VERIFIED,    /* those firmware or probe can verify: verified and pass */
    REQUIRED_VERIFIED,            /* all pass; those machines can verify, verified */
    REQUIRED_VERIFIED_OR_DECLARED, /* all pass */
} required_scope;

typedef struct grade_cond {
    grade_cond_kind kind;
    long long value;
    const char **schemes;
    size_t scheme_count;
    const char *text; /* for people: "every required requirement passes" */
} grade_cond;

typedef struct grade_def {
    const char *id;
    const char *description;
    grade_cond *conds;
    size_t cond_count;
} grade_def;

typedef struct cost_prefix {
    const char *prefix;
    double cost;
} cost_prefix;

struct iotssf_grading {
    arena mem;
    const char *file;
    const char *id;
    const char *title;
    grade_def *grades; /* lowest first */
    size_t grade_count;
    double severity_weight[GRADE_SEVERITIES];
    iotssf_severity need_severity[IOTSSF_NEED_REQUIRED + 1];
    double likelihood_weight[GRADE_LIKELIHOODS];
    double default_cost;
    cost_prefix *costs;
    size_t cost_count;
};

#endif
