/*
 * Categorization: placing a use mode on the IoT-SSF plane. A policy (data,
 * replaceable per industry, see docs/categorization.md) holds the rules that
 * turn facts into a level on axis 1 (difficulty of recovery) and axis 2
 * (economic impact), the categories that cut the plane, and the assurance tier
 * of every cell. Likelihood is never an input: the policy loader refuses any
 * rule that reads it.
 */
#ifndef IOTSSF_CATEGORIZE_H
#define IOTSSF_CATEGORIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/error.h"
#include "iotssf/profile.h"

enum {
    IOTSSF_AXIS_RECOVERY = 0, /* axis 1 */
    IOTSSF_AXIS_ECONOMIC = 1, /* axis 2 */
    IOTSSF_AXES = 2,
    IOTSSF_MAX_LEVELS = 9,
    IOTSSF_MAX_RULES = 128,   /* per axis */
};

typedef struct iotssf_policy iotssf_policy;

typedef struct iotssf_level {
    int level;
    const char *name;
    const char *description;
} iotssf_level;

typedef struct iotssf_rule {
    const char *id;
    int level;
    const char *why;
    const char *condition; /* the condition, rendered for people */
    unsigned facts;        /* bit i set: the condition reads fact i */
} iotssf_rule;

typedef struct iotssf_equivalent {
    const char *scheme; /* e.g. "jcstar" */
    const char *level;  /* e.g. "★2" */
    const char *note;   /* how far the relation holds; may be NULL */
} iotssf_equivalent;

typedef struct iotssf_tier {
    const char *id; /* T1.. */
    int rank;       /* 1-based order */
    const char *name;
    const char *description;
    const iotssf_equivalent *equivalents;
    size_t equivalent_count;
} iotssf_tier;

typedef struct iotssf_category {
    const char *id;
    const char *name;
    const char *description;
    int axis1_min, axis1_max, axis2_min, axis2_max;
} iotssf_category;

iotssf_status iotssf_policy_load(const char *path, iotssf_policy **out, iotssf_error *err);
iotssf_status iotssf_policy_parse(const char *name, const void *data, size_t size,
                                  iotssf_policy **out, iotssf_error *err);
void iotssf_policy_free(iotssf_policy *p);

const char *iotssf_policy_id(const iotssf_policy *p);
const char *iotssf_policy_version(const iotssf_policy *p);
const char *iotssf_policy_title(const iotssf_policy *p);
const char *iotssf_policy_file(const iotssf_policy *p);
const char *iotssf_policy_axis_name(const iotssf_policy *p, int axis);
int iotssf_policy_level_count(const iotssf_policy *p, int axis);
const iotssf_level *iotssf_policy_level(const iotssf_policy *p, int axis, int level);
size_t iotssf_policy_rule_count(const iotssf_policy *p, int axis);
const iotssf_rule *iotssf_policy_rule(const iotssf_policy *p, int axis, size_t i);
size_t iotssf_policy_tier_count(const iotssf_policy *p);
const iotssf_tier *iotssf_policy_tier(const iotssf_policy *p, size_t i);
const iotssf_tier *iotssf_policy_tier_by_id(const iotssf_policy *p, const char *id);
size_t iotssf_policy_category_count(const iotssf_policy *p);
const iotssf_category *iotssf_policy_category(const iotssf_policy *p, size_t i);
/* The tier of a cell of the plane. */
const iotssf_tier *iotssf_policy_cell_tier(const iotssf_policy *p, int axis1, int axis2);

typedef struct iotssf_axis_placement {
    int level;          /* the level used: the override's when there is one */
    int computed_level; /* what the rules gave */
    bool defaulted;     /* no rule matched: the policy's default level */
    const iotssf_rule *matched[IOTSSF_MAX_RULES];
    size_t matched_count;
    const iotssf_override *override; /* NULL when none */
} iotssf_axis_placement;

typedef struct iotssf_placement {
    const iotssf_profile *profile;
    const iotssf_use_mode *mode;
    iotssf_axis_placement axis[IOTSSF_AXES];
    const iotssf_category *category;
    const iotssf_tier *tier;
} iotssf_placement;

/* Places one use mode. Fails only on an override outside the policy's levels. */
iotssf_status iotssf_categorize(const iotssf_policy *policy, const iotssf_profile *profile,
                                const iotssf_use_mode *mode, iotssf_placement *out,
                                iotssf_error *err);

/* True when the rule decided the level (its level is the axis's computed
 * level); other matched rules are shown as supporting. */
bool iotssf_rule_decides(const iotssf_axis_placement *a, const iotssf_rule *r);

#endif
