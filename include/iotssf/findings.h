/*
 * Findings: what the evidence engines (firmware inspection, device probe)
 * report. Every finding names the rule that produced it, carries its evidence
 * (a file and offset or line, or a host, port and exchange) and, through the
 * rule, the catalog requirements it bears on. Rules are data
 * (the YAML files of data/rules): id, severity, title, description,
 * requirements.
 */
#ifndef IOTSSF_FINDINGS_H
#define IOTSSF_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iotssf/catalog.h"
#include "iotssf/error.h"

typedef enum iotssf_severity {
    IOTSSF_SEV_INFO,
    IOTSSF_SEV_LOW,
    IOTSSF_SEV_MEDIUM,
    IOTSSF_SEV_HIGH,
    IOTSSF_SEV_CRITICAL,
} iotssf_severity;

const char *iotssf_severity_name(iotssf_severity s);
/* 0 and *out set, or -1 for an unknown name. */
int iotssf_severity_parse(const char *name, iotssf_severity *out);

typedef struct iotssf_rule_def {
    const char *id;          /* stable: "FW-ACCOUNT-EMPTY-PASSWORD", "PROBE-TELNET-OPEN" */
    iotssf_severity severity;
    const char *title;
    const char *description;
    const char **requirements; /* catalog requirement ids */
    size_t requirement_count;
} iotssf_rule_def;

typedef struct iotssf_rule_set iotssf_rule_set;

/* Loads every YAML file in <data_dir>/rules. When `catalog` is given, every
 * requirement a rule names must exist in it. */
iotssf_status iotssf_rules_load(const char *data_dir, const iotssf_catalog *catalog,
                                iotssf_rule_set **out, iotssf_error *err);
void iotssf_rules_free(iotssf_rule_set *r);
const iotssf_rule_def *iotssf_rules_find(const iotssf_rule_set *r, const char *id);
size_t iotssf_rules_count(const iotssf_rule_set *r);
const iotssf_rule_def *iotssf_rules_at(const iotssf_rule_set *r, size_t i);

typedef struct iotssf_finding {
    const iotssf_rule_def *rule;
    iotssf_severity severity; /* always the rule's */
    char *message;            /* one line for people */
    char *evidence;           /* the matched text or the exchange */
    /* Where, in a firmware image (path NULL when not from a file). */
    char *origin; /* the structure it was found in: "squashfs@0x120200" */
    char *path;
    uint64_t offset;
    unsigned line;
    /* Where, on a running device (host NULL when not from a probe). */
    char *host;
    int port;
    char *transport;
} iotssf_finding;

typedef struct iotssf_findings {
    iotssf_finding *items;
    size_t count, cap;
} iotssf_findings;

void iotssf_findings_init(iotssf_findings *f);
void iotssf_findings_free(iotssf_findings *f);

/* Adds a finding for rule `rule_id` (which must exist in `rules`); strings are
 * copied. `where` fields that do not apply may be NULL/0. */
iotssf_status iotssf_findings_add(iotssf_findings *f, const iotssf_rule_set *rules,
                                  const char *rule_id, const iotssf_finding *where,
                                  iotssf_error *err);

/* Worst first, then by rule id, path or host, offset or port. */
void iotssf_findings_sort(iotssf_findings *f);

/* How many findings are at or above `threshold` (for --fail-on). */
size_t iotssf_findings_at_least(const iotssf_findings *f, iotssf_severity threshold);

#endif
