/*
 * A driver for analysis tests: runs one fw_analysis through its interface
 * (create, one entry per file, finish) over a fixture tree built on disk by
 * the test, or over entries the test makes in memory, with the real rules of
 * data/rules checked against the real catalog, and keeps the findings (and
 * the analysis state, for analyses that expose more than findings) for the
 * test to assert on.
 */
#ifndef IOTSSF_TEST_FW_ANALYSIS_UTIL_H
#define IOTSSF_TEST_FW_ANALYSIS_UTIL_H

#include <stddef.h>

#include "firmware/analysis.h"

typedef struct analysis_run {
    const fw_analysis *analysis;
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
    iotssf_findings findings;
    void *state; /* after finish; destroyed by analysis_run_free */
} analysis_run;

/* Every file, folder and symlink under `root`, in sorted path order, as
 * entries of one filesystem with origin "test-fs". */
void analysis_run_tree(const fw_analysis *a, const char *root, analysis_run *r);
/* The given entries, in order. */
void analysis_run_entries(const fw_analysis *a, const iotssf_fw_entry *entries, size_t count,
                          analysis_run *r);
void analysis_run_free(analysis_run *r);

/* The finding of `rule` at `path` (and `line`, unless 0), or NULL. */
const iotssf_finding *finding_at(const analysis_run *r, const char *rule, const char *path,
                                 unsigned line);
/* How many findings of `rule` (all rules when NULL). */
size_t findings_of(const analysis_run *r, const char *rule);
/* How many findings at or above `severity`. */
size_t findings_at_least(const analysis_run *r, iotssf_severity severity);
/* Prints every finding (for a failing test's log). */
void print_findings(const analysis_run *r);

/* One finding a test expects: rule, file, line (0: none) and evidence. */
typedef struct fw_expected {
    const char *rule, *path;
    unsigned line;
    const char *evidence;
} fw_expected;

/* The findings are exactly `exp`, in any order; prints what is missing and
 * every finding when not. */
void assert_exactly(const analysis_run *r, const fw_expected *exp, size_t n);

#endif
