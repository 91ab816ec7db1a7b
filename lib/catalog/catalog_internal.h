/*
 * The loaded catalog, shared by the loader and the queries.
 */
#ifndef IOTSSF_CATALOG_INTERNAL_H
#define IOTSSF_CATALOG_INTERNAL_H

#include "../core/arena.h"
#include "iotssf/catalog.h"

struct iotssf_catalog {
    arena mem;
    iotssf_baseline *baselines;
    size_t baseline_count;
    iotssf_feature *features;
    size_t feature_count;
    iotssf_requirement *requirements;
    size_t requirement_count;
    char **warnings;
    size_t warning_count;
};

void catalog_warn(iotssf_catalog *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
iotssf_baseline_item *catalog_item(const iotssf_baseline *b, const char *id);
int strcmp_ptr(const void *a, const void *b);

#endif
