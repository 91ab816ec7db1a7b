/*
 * The loaded form of a categorization policy, shared by the policy loader and
 * the categorizer.
 */
#ifndef IOTSSF_POLICY_INTERNAL_H
#define IOTSSF_POLICY_INTERNAL_H

#include "../core/arena.h"
#include "iotssf/categorize.h"

typedef enum cond_kind { COND_FACT, COND_ALL, COND_ANY } cond_kind;
typedef enum cond_op { OP_AT_LEAST, OP_AT_MOST, OP_IN } cond_op;

typedef struct policy_cond {
    cond_kind kind;
    iotssf_fact_id fact;
    cond_op op;
    double threshold;      /* number, or ordinal index */
    unsigned long in_mask; /* OP_IN: bit i set: value i matches */
    struct policy_cond *children;
    size_t child_count;
} policy_cond;

typedef struct policy_axis {
    const char *name;
    iotssf_level levels[IOTSSF_MAX_LEVELS];
    int level_count;
    int default_level;
    iotssf_rule rules[IOTSSF_MAX_RULES];
    policy_cond conditions[IOTSSF_MAX_RULES];
    size_t rule_count;
} policy_axis;

struct iotssf_policy {
    arena mem;
    const char *file, *id, *version, *title;
    policy_axis axes[IOTSSF_AXES];
    iotssf_tier *tiers;
    size_t tier_count;
    iotssf_category *categories;
    size_t category_count;
    const iotssf_tier *grid[IOTSSF_MAX_LEVELS][IOTSSF_MAX_LEVELS];
};

bool policy_cond_holds(const policy_cond *c, const iotssf_fact *facts);

#endif
