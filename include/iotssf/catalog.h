/*
 * The requirement catalog: our own requirement statements (data/catalog/),
 * the baseline schemes they satisfy (data/baselines/), and the device features
 * that decide whether a conditional requirement applies. Format in
 * docs/catalog-format.md. The catalog is checked completely when loaded: every
 * reference resolves, every substitute comes from another perspective, tiers
 * never ask less at a higher tier.
 */
#ifndef IOTSSF_CATALOG_H
#define IOTSSF_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/categorize.h"
#include "iotssf/error.h"
#include "iotssf/profile.h"

typedef struct iotssf_catalog iotssf_catalog;

typedef struct iotssf_keyed_text {
    const char *key;
    const char *text;
} iotssf_keyed_text;

typedef struct iotssf_baseline_item {
    const char *id;
    const char *group;
    const char *title;
    const char *status;        /* may be NULL */
    const char **conditions;
    size_t condition_count;
    int level;                 /* 0 when the scheme has no levels */
    const char *confidence;    /* confirmed | third-party | unconfirmed */
    size_t referenced_by;      /* how many requirements cite it */
} iotssf_baseline_item;

typedef struct iotssf_baseline {
    const char *scheme;
    const char *title;
    const char *source;
    const char *file;
    iotssf_keyed_text *statuses;
    size_t status_count;
    iotssf_keyed_text *conditions;
    size_t condition_count;
    iotssf_baseline_item *items;
    size_t item_count;
} iotssf_baseline;

typedef enum iotssf_need {
    IOTSSF_NEED_NONE = 0,
    IOTSSF_NEED_RECOMMENDED = 1,
    IOTSSF_NEED_REQUIRED = 2,
} iotssf_need;

const char *iotssf_need_name(iotssf_need n);

enum {
    IOTSSF_VERIFY_FIRMWARE = 1 << 0,
    IOTSSF_VERIFY_PROBE = 1 << 1,
    IOTSSF_VERIFY_DECLARATION = 1 << 2,
    IOTSSF_VERIFY_DOCUMENT = 1 << 3,
};

typedef struct iotssf_feature {
    const char *id;
    const char *description;
    const char *en303645_condition; /* may be NULL */
} iotssf_feature;

typedef struct iotssf_requirement iotssf_requirement;

typedef struct iotssf_substitute {
    const iotssf_requirement *requirement;
    const char *note;
} iotssf_substitute;

typedef struct iotssf_ref {
    const iotssf_baseline *baseline;
    const iotssf_baseline_item *item;
} iotssf_ref;

typedef struct iotssf_tier_need {
    const char *tier; /* T1.. */
    iotssf_need need;
} iotssf_tier_need;

struct iotssf_requirement {
    const char *id;
    const char *title;
    const char *statement;
    int perspective; /* 1..4 */
    const char *phase;
    const char *stakeholder;
    const char *file;
    iotssf_pos pos;
    iotssf_tier_need *tiers;
    size_t tier_count;
    unsigned verification; /* IOTSSF_VERIFY_* bits */
    const iotssf_feature **applies_if;     /* applies only with all of these */
    size_t applies_if_count;
    const iotssf_feature **applies_unless; /* does not apply with any of these */
    size_t applies_unless_count;
    iotssf_substitute *substitutes;
    size_t substitute_count;
    iotssf_ref *refs;
    size_t ref_count;
};

/* Loads the YAML files of <data_dir>/catalog and <data_dir>/baselines. */
iotssf_status iotssf_catalog_load(const char *data_dir, iotssf_catalog **out, iotssf_error *err);
void iotssf_catalog_free(iotssf_catalog *c);

size_t iotssf_catalog_requirement_count(const iotssf_catalog *c);
const iotssf_requirement *iotssf_catalog_requirement(const iotssf_catalog *c, size_t i);
const iotssf_requirement *iotssf_catalog_find(const iotssf_catalog *c, const char *id);
size_t iotssf_catalog_baseline_count(const iotssf_catalog *c);
const iotssf_baseline *iotssf_catalog_baseline(const iotssf_catalog *c, size_t i);
const iotssf_baseline *iotssf_catalog_baseline_by_scheme(const iotssf_catalog *c,
                                                         const char *scheme);
size_t iotssf_catalog_feature_count(const iotssf_catalog *c);
const iotssf_feature *iotssf_catalog_feature(const iotssf_catalog *c, size_t i);
const iotssf_feature *iotssf_catalog_feature_by_id(const iotssf_catalog *c, const char *id);
/* Warnings found while loading (e.g. a tier that asks less than a lower
 * one); the catalog is still usable. */
size_t iotssf_catalog_warning_count(const iotssf_catalog *c);
const char *iotssf_catalog_warning(const iotssf_catalog *c, size_t i);

iotssf_need iotssf_requirement_need(const iotssf_requirement *r, const char *tier);

/* Every tier of the policy must be one the catalog speaks of. */
iotssf_status iotssf_catalog_check_policy(const iotssf_catalog *c, const iotssf_policy *p,
                                          iotssf_error *err);

/* Every feature a profile lists must be one the catalog defines. */
iotssf_status iotssf_catalog_check_profile(const iotssf_catalog *c, const iotssf_profile *p,
                                           iotssf_error *err);

/* ---- what a placed use mode must do ---- */

typedef struct iotssf_applied_requirement {
    const iotssf_requirement *requirement;
    iotssf_need need;                     /* at the use mode's tier */
    bool applicable;
    const iotssf_feature *missing_feature;  /* not applicable: lacks this feature */
    const iotssf_feature *excluding_feature; /* not applicable: has this feature */
} iotssf_applied_requirement;

/* "the device does not have 'x'" or "the device has 'y'". */
const char *iotssf_not_applicable_reason(const iotssf_applied_requirement *a, char *buf,
                                         size_t size);

/* The requirements the placement's tier calls for, in catalog order (those
 * with IOTSSF_NEED_NONE are left out). *out is malloc'd; free() it. */
iotssf_status iotssf_requirements_for(const iotssf_catalog *c, const iotssf_profile *profile,
                                      const iotssf_placement *placement,
                                      iotssf_applied_requirement **out, size_t *count,
                                      iotssf_error *err);

/* One baseline item seen through the requirements applied to a use mode. */
typedef struct iotssf_scheme_item {
    const iotssf_baseline_item *item;
    iotssf_need need;        /* the strongest need among applicable requirements */
    bool applicable;         /* at least one citing requirement applies */
    const iotssf_applied_requirement **by; /* the applied requirements citing it */
    size_t by_count;
} iotssf_scheme_item;

/* *out is malloc'd (one block); free() it. */
iotssf_status iotssf_scheme_view(const iotssf_baseline *b, const iotssf_applied_requirement *applied,
                                 size_t applied_count, iotssf_scheme_item **out, size_t *count,
                                 iotssf_error *err);

#endif
