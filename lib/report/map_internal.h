/*
 * What the risk map's writers share: the map being drawn and the words every
 * format uses. map.c holds JSON, text and Markdown; map_svg.c the SVG.
 */
#ifndef IOTSSF_MAP_INTERNAL_H
#define IOTSSF_MAP_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "iotssf/report.h"

typedef struct map {
    FILE *out;
    const iotssf_policy *policy;
    const iotssf_map_point *points;
    size_t count;
    int rows, cols; /* levels of axis 1, of axis 2 */
    size_t cell_points[IOTSSF_MAX_LEVELS][IOTSSF_MAX_LEVELS]; /* [axis1-1][axis2-1] */
} map;

size_t map_utf8_length(const char *s);
size_t map_utf8_offset(const char *s, size_t n);
const char *map_clip(const char *s, size_t max, char *buf, size_t size);
void map_put_padded(FILE *out, const char *s, size_t width);
const char *map_or_blank(const char *s);
const char *map_point_label(const iotssf_map_point *pt, char *buf, size_t size);
bool map_starts_device(const map *m, size_t i);
const char *map_level_name(const map *m, int axis, int level);
const char *map_cell_tier(const map *m, int axis1, int axis2);

iotssf_status map_svg(const map *m, iotssf_error *err);

#endif
