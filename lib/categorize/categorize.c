/*
 * Applies a policy to a use mode: every rule whose condition holds is kept as
 * the trace, the highest level among them is the axis level, an override
 * (with its justification) replaces it, and the cell gives the category and
 * the tier. No allocation: categorizing is a pure function of the facts.
 */
#include <string.h>

#include "policy_internal.h"

bool policy_cond_holds(const policy_cond *c, const iotssf_fact *facts)
{
    switch (c->kind) {
    case COND_ALL:
        for (size_t i = 0; i < c->child_count; i++)
            if (!policy_cond_holds(&c->children[i], facts))
                return false;
        return true;
    case COND_ANY:
        for (size_t i = 0; i < c->child_count; i++)
            if (policy_cond_holds(&c->children[i], facts))
                return true;
        return false;
    default:
        break;
    }
    const iotssf_fact *f = &facts[c->fact];
    if (!f->present)
        return false;
    bool number = iotssf_fact_def_of(c->fact)->type == IOTSSF_FACT_NUMBER;
    double v = number ? f->number : (double)f->index;
    switch (c->op) {
    case OP_AT_LEAST:
        return v >= c->threshold;
    case OP_AT_MOST:
        return v <= c->threshold;
    default:
        return !number && (c->in_mask >> f->index) & 1u;
    }
}

static void place_axis(const policy_axis *a, const iotssf_use_mode *mode,
                       iotssf_axis_placement *out)
{
    out->computed_level = 0;
    out->matched_count = 0;
    for (size_t i = 0; i < a->rule_count; i++) {
        if (!policy_cond_holds(&a->conditions[i], mode->facts))
            continue;
        out->matched[out->matched_count++] = &a->rules[i];
        if (a->rules[i].level > out->computed_level)
            out->computed_level = a->rules[i].level;
    }
    out->defaulted = out->computed_level == 0;
    if (out->defaulted)
        out->computed_level = a->default_level;
    out->level = out->computed_level;
}

bool iotssf_rule_decides(const iotssf_axis_placement *a, const iotssf_rule *r)
{
    return r->level == a->computed_level;
}

static iotssf_status apply_override(const iotssf_policy *p, const iotssf_profile *profile,
                                    const iotssf_override *o, int axis,
                                    iotssf_axis_placement *out, iotssf_error *err)
{
    out->override = NULL;
    if (!o->set)
        return IOTSSF_OK;
    if (o->level > p->axes[axis].level_count)
        return iotssf_fail(err, IOTSSF_E_INPUT, profile->file, o->pos.line, o->pos.column,
                           "override of axis%d: level %d is outside the policy '%s', whose "
                           "axis %d has levels 1 to %d",
                           axis + 1, o->level, p->id, axis + 1, p->axes[axis].level_count);
    out->override = o;
    out->level = o->level;
    return IOTSSF_OK;
}

iotssf_status iotssf_categorize(const iotssf_policy *p, const iotssf_profile *profile,
                                const iotssf_use_mode *mode, iotssf_placement *out,
                                iotssf_error *err)
{
    out->profile = profile;
    out->mode = mode;
    const iotssf_override *overrides[IOTSSF_AXES] = {&mode->axis1, &mode->axis2};
    for (int axis = 0; axis < IOTSSF_AXES; axis++) {
        place_axis(&p->axes[axis], mode, &out->axis[axis]);
        iotssf_status st = apply_override(p, profile, overrides[axis], axis, &out->axis[axis], err);
        if (st)
            return st;
    }
    int a1 = out->axis[0].level, a2 = out->axis[1].level;
    out->tier = p->grid[a1 - 1][a2 - 1];
    out->category = NULL;
    for (size_t i = 0; i < p->category_count && !out->category; i++) {
        const iotssf_category *c = &p->categories[i];
        if (a1 >= c->axis1_min && a1 <= c->axis1_max && a2 >= c->axis2_min &&
            a2 <= c->axis2_max)
            out->category = c;
    }
    if (!out->category)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, p->file, 0, 0,
                           "no category holds axis1 %d, axis2 %d (the loader should have "
                           "refused this policy)",
                           a1, a2);
    return IOTSSF_OK;
}
