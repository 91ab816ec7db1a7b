/*
 * libFuzzer target for the grading rule loader (lib/assess/grade_rules.c):
 * one input is one grading file, checked against the shipped catalog. A file
 * the loader accepts then grades the "home" mode of examples/netcam.yaml
 * with verdicts drawn from the input's own bytes, over every likelihood, so
 * whatever the loader let through also reaches the grader; the grade must
 * be one the file defines and must not move with likelihood.
 * Seeds: fuzz/corpus/grading/.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "iotssf/assess.h"

typedef struct world {
    iotssf_catalog *catalog;
    iotssf_policy *policy;
    iotssf_profile *profile;
    iotssf_placement place;
    iotssf_applied_requirement *applied;
    size_t count;
    iotssf_requirement_verdict *verdicts;
} world;

static void load_world(world *w)
{
    char path[4096];
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_catalog_load(fuzz_data_dir(), &w->catalog, &err))
        fuzz_fail("cannot load the catalog (set IOTSSF_DATA)", &err);
    snprintf(path, sizeof path, "%s/policy/default.yaml", fuzz_data_dir());
    if (iotssf_policy_load(path, &w->policy, &err))
        fuzz_fail("cannot load the default policy", &err);
    iotssf_profile_reader *r = iotssf_profile_reader_open(FUZZ_EXAMPLES_DIR "/netcam.yaml", &err);
    if (!r || iotssf_profile_reader_next(r, &w->profile, &err))
        fuzz_fail("cannot load examples/netcam.yaml", &err);
    iotssf_profile_reader_close(r);
    if (iotssf_categorize(w->policy, w->profile, &w->profile->use_modes[0], &w->place, &err) ||
        iotssf_requirements_for(w->catalog, w->profile, &w->place, &w->applied, &w->count, &err))
        fuzz_fail("cannot place the example", &err);
    w->verdicts = calloc(w->count, sizeof *w->verdicts);
    if (!w->verdicts)
        fuzz_fail("out of memory", NULL);
}

static world *the_world(void)
{
    static world w;
    if (!w.catalog)
        load_world(&w);
    return &w;
}

/* Verdicts from the input's bytes: the same input always grades the same. */
static void draw_verdicts(world *w, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < w->count; i++) {
        uint8_t b = size ? data[(i * 7) % size] : 0;
        w->verdicts[i] = (iotssf_requirement_verdict){
            .applied = &w->applied[i],
            .verdict = (iotssf_verdict)(b & 3),
            .basis = (iotssf_basis)((b >> 2) % 3),
            .worst_finding = (iotssf_severity)((b >> 4) % 5),
            .justification = (b & 0x80) ? "justified" : NULL,
        };
    }
}

static void grade_everywhere(const iotssf_grading *g, world *w)
{
    static const char *const likelihoods[] = {NULL, "rare", "unlikely", "possible", "likely",
                                              "almost_certain"};
    iotssf_conformity schemes[16];
    size_t n = 0;
    iotssf_error err;
    for (size_t i = 0; i < iotssf_catalog_baseline_count(w->catalog) && n < 16; i++, n++)
        if (iotssf_conformity_judge(iotssf_catalog_baseline(w->catalog, i), 2, w->verdicts,
                                    w->count, &schemes[n], &err))
            fuzz_fail("conformity failed on valid verdicts", &err);
    const char *first = NULL;
    size_t first_gaps = 0;
    for (size_t l = 0; l < sizeof likelihoods / sizeof likelihoods[0]; l++) {
        iotssf_grade_result r;
        if (iotssf_grade_mode(g, w->place.tier->id, likelihoods[l], w->verdicts, w->count,
                              schemes, n, &r, &err))
            fuzz_fail("grading failed on a loaded rule file", &err);
        if (!first) {
            first = r.grade;
            first_gaps = r.gap_count;
        } else if (strcmp(first, r.grade) != 0 || first_gaps != r.gap_count) {
            fuzz_fail("likelihood moved the grade or its gaps", NULL);
        }
        if (r.next && r.gap_count == 0)
            fuzz_fail("a grade short of the top has no gaps", NULL);
        for (size_t i = 0; i < r.gap_count; i++)
            if (!r.gaps[i].why || !(r.gaps[i].cost > 0) || r.gaps[i].impact < 0)
                fuzz_fail("a gap without reason, cost or impact", NULL);
        iotssf_grade_result_free(&r);
    }
    for (size_t i = 0; i < n; i++)
        iotssf_conformity_free(&schemes[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    world *w = the_world();
    iotssf_grading *g = (iotssf_grading *)1; /* must be reset to NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_grading_parse("fuzz.yaml", data, size, w->catalog, &g, &err);
    if (st) {
        if (g)
            fuzz_fail("a failed parse left a grading behind", NULL);
        fuzz_check_error(st, &err);
        return 0;
    }
    draw_verdicts(w, data, size);
    grade_everywhere(g, w);
    iotssf_grading_free(g);
    return 0;
}
