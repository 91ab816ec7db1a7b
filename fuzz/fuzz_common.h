/*
 * What the fuzz targets share: where the shipped data and examples are, a
 * sink for rendered reports, and the properties every placement must have.
 * A broken property is reported with abort(), so libFuzzer records the input
 * as a crash just as it would a sanitizer report.
 */
#ifndef IOTSSF_FUZZ_COMMON_H
#define IOTSSF_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotssf/iotssf.h"

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "data"
#endif
#ifndef FUZZ_EXAMPLES_DIR
#define FUZZ_EXAMPLES_DIR "examples"
#endif

static inline void fuzz_fail(const char *what, const iotssf_error *err)
{
    char buf[2048] = "";
    if (err)
        iotssf_error_format(err, buf, sizeof buf);
    fprintf(stderr, "fuzz: %s%s%s\n", what, buf[0] ? ": " : "", buf);
    abort();
}

/* $IOTSSF_DATA, else the source tree's data/ (compiled in). */
static inline const char *fuzz_data_dir(void)
{
    const char *env = getenv("IOTSSF_DATA");
    return env && *env ? env : FUZZ_DATA_DIR;
}

/* Reports are rendered for their side effects on memory, not read. */
static inline FILE *fuzz_sink(void)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        fuzz_fail("cannot open /dev/null", NULL);
    return sink;
}

/* A failed call must say why, in the error it was given. */
static inline void fuzz_check_error(iotssf_status st, const iotssf_error *err)
{
    char buf[2048];
    if (err->status != st || err->message[0] == '\0')
        fuzz_fail("a call failed without recording its error", NULL);
    iotssf_error_format(err, buf, sizeof buf);
}

/* What the categorizer promises about a placement, whatever the input. */
static inline void fuzz_check_placement(const iotssf_policy *pol, const iotssf_use_mode *mode,
                                        const iotssf_placement *pl)
{
    for (int axis = 0; axis < IOTSSF_AXES; axis++) {
        const iotssf_axis_placement *a = &pl->axis[axis];
        if (a->level < 1 || a->level > iotssf_policy_level_count(pol, axis))
            fuzz_fail("placement: level outside the policy's axis", NULL);
        for (size_t i = 0; i < a->matched_count; i++)
            if (a->matched[i]->level > a->computed_level)
                fuzz_fail("placement: a matched rule is above the computed level", NULL);
        const iotssf_override *o = axis == 0 ? &mode->axis1 : &mode->axis2;
        if (o->set != (a->override != NULL) || (o->set && a->level != o->level))
            fuzz_fail("placement: override not applied as written", NULL);
    }
    int a1 = pl->axis[0].level, a2 = pl->axis[1].level;
    if (!pl->tier || pl->tier != iotssf_policy_cell_tier(pol, a1, a2))
        fuzz_fail("placement: tier is not the cell's", NULL);
    const iotssf_category *c = pl->category;
    if (!c || a1 < c->axis1_min || a1 > c->axis1_max || a2 < c->axis2_min || a2 > c->axis2_max)
        fuzz_fail("placement: category does not hold the cell", NULL);
}

/* IoT-SSF keeps likelihood out of the category: changing it must change
 * nothing. */
static inline void fuzz_check_likelihood_ignored(const iotssf_policy *pol,
                                                 const iotssf_profile *p,
                                                 const iotssf_use_mode *mode,
                                                 const iotssf_placement *pl)
{
    iotssf_use_mode other = *mode;
    iotssf_fact *f = &other.facts[IOTSSF_FACT_LIKELIHOOD];
    f->present = !f->present;
    f->index = f->present ? (f->index + 1) % 5 : 0;
    iotssf_placement again;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_categorize(pol, p, &other, &again, &err) != IOTSSF_OK)
        fuzz_fail("likelihood changed whether a use mode can be placed", &err);
    if (again.axis[0].level != pl->axis[0].level || again.axis[1].level != pl->axis[1].level ||
        again.tier != pl->tier || again.category != pl->category)
        fuzz_fail("likelihood changed a placement", NULL);
}

/* The risk map of the placed use modes, in every format it has. */
static inline void fuzz_render_map(const iotssf_policy *pol, const iotssf_profile *p,
                                   const iotssf_mode_result *modes, size_t placed)
{
    iotssf_map_point *points = calloc(placed ? placed : 1, sizeof *points);
    if (!points)
        fuzz_fail("out of memory", NULL);
    char label[512];
    snprintf(label, sizeof label, "%s %s", p->vendor, p->model);
    for (size_t i = 0; i < placed; i++) {
        const iotssf_placement *pl = &modes[i].placement;
        points[i] = (iotssf_map_point){
            .device_id = p->id,
            .device_label = label,
            .mode_id = pl->mode->id,
            .mode_name = pl->mode->name,
            .axis1 = pl->axis[0].level,
            .axis2 = pl->axis[1].level,
            .tier = pl->tier->id,
            .category = pl->category->id,
            .overridden = pl->axis[0].override || pl->axis[1].override,
        };
    }
    static const iotssf_format formats[] = {IOTSSF_FORMAT_SVG, IOTSSF_FORMAT_JSON,
                                            IOTSSF_FORMAT_TEXT, IOTSSF_FORMAT_MD};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        iotssf_error err;
        iotssf_error_clear(&err);
        if (iotssf_map_render(fuzz_sink(), formats[f], pol, points, placed, &err))
            fuzz_fail("rendering the risk map failed", &err);
    }
    free(points);
}

/* Places every use mode, checks the placements, and renders them as every
 * categorize report and the risk map would. Returns how many were placed. */
static inline size_t fuzz_place_and_render(const iotssf_policy *pol, const iotssf_profile *p)
{
    iotssf_mode_result *modes = calloc(p->use_mode_count, sizeof *modes);
    if (!modes)
        fuzz_fail("out of memory", NULL);
    size_t placed = 0;
    for (size_t i = 0; i < p->use_mode_count; i++) {
        const iotssf_use_mode *m = &p->use_modes[i];
        iotssf_error err;
        iotssf_error_clear(&err);
        iotssf_placement *pl = &modes[placed].placement;
        iotssf_status st = iotssf_categorize(pol, p, m, pl, &err);
        if (st == IOTSSF_E_INTERNAL)
            fuzz_fail("categorize broke an invariant", &err);
        if (st) {
            fuzz_check_error(st, &err);
            continue;
        }
        fuzz_check_placement(pol, m, pl);
        fuzz_check_likelihood_ignored(pol, p, m, pl);
        placed++;
    }
    static const iotssf_format formats[] = {IOTSSF_FORMAT_TEXT, IOTSSF_FORMAT_JSON,
                                            IOTSSF_FORMAT_MD};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        iotssf_report r = {.out = fuzz_sink(), .format = formats[f],
                           .kind = IOTSSF_REPORT_CATEGORIZE, .policy = pol};
        iotssf_profile_result pr = {p, modes, placed};
        iotssf_error err;
        iotssf_error_clear(&err);
        if (iotssf_report_begin(&r, &err) || iotssf_report_profile(&r, &pr, &err) ||
            iotssf_report_end(&r, &err))
            fuzz_fail("rendering a categorize report failed", &err);
    }
    fuzz_render_map(pol, p, modes, placed);
    free(modes);
    return placed;
}

#endif
