/*
 * libFuzzer target for the categorization policy loader. A policy the loader
 * accepts must place every use mode of the example profiles without an
 * internal error: the loader promised levels, categories and a grid that
 * cover the whole plane. Seeds: fuzz/corpus/policy/.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

typedef struct example_set {
    iotssf_profile *profiles[64];
    size_t count;
} example_set;

static void load_examples(example_set *set, const char *file, int required)
{
    char path[4096];
    iotssf_error err;
    iotssf_error_clear(&err);
    snprintf(path, sizeof path, "%s/%s", FUZZ_EXAMPLES_DIR, file);
    iotssf_profile_reader *r = iotssf_profile_reader_open(path, &err);
    if (!r) {
        if (required)
            fuzz_fail("cannot open an example profile", &err);
        return;
    }
    for (;;) {
        iotssf_profile *p = NULL;
        if (iotssf_profile_reader_next(r, &p, &err)) {
            if (required)
                fuzz_fail("cannot load an example profile", &err);
            break;
        }
        if (!p || set->count == sizeof set->profiles / sizeof set->profiles[0])
            break;
        set->profiles[set->count++] = p;
    }
    iotssf_profile_reader_close(r);
}

/* The netcam example (two use modes far apart on the plane), and the other
 * examples when they load, for more facts to reach the rules. */
static const example_set *examples(void)
{
    static example_set set;
    static int loaded;
    static const char *const others[] = {"scada-gateway.yaml", "smart-meter.yaml",
                                         "boiler.yaml", "aircon.yaml", NULL};
    if (!loaded) {
        loaded = 1;
        load_examples(&set, "netcam.yaml", 1);
        for (size_t i = 0; others[i]; i++)
            load_examples(&set, others[i], 0);
    }
    return &set;
}

static void walk_policy(const iotssf_policy *p)
{
    for (int axis = 0; axis < IOTSSF_AXES; axis++) {
        int levels = iotssf_policy_level_count(p, axis);
        if (levels < 2 || levels > IOTSSF_MAX_LEVELS || !iotssf_policy_axis_name(p, axis))
            fuzz_fail("accepted policy: bad axis", NULL);
        for (int l = 1; l <= levels; l++)
            if (!iotssf_policy_level(p, axis, l))
                fuzz_fail("accepted policy: missing level", NULL);
        for (size_t i = 0; i < iotssf_policy_rule_count(p, axis); i++) {
            const iotssf_rule *r = iotssf_policy_rule(p, axis, i);
            if (r->level < 1 || r->level > levels ||
                (r->facts & (1u << IOTSSF_FACT_LIKELIHOOD)))
                fuzz_fail("accepted policy: bad rule", NULL);
        }
    }
    for (int a1 = 1; a1 <= iotssf_policy_level_count(p, 0); a1++)
        for (int a2 = 1; a2 <= iotssf_policy_level_count(p, 1); a2++)
            if (!iotssf_policy_cell_tier(p, a1, a2))
                fuzz_fail("accepted policy: a cell has no tier", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const example_set *set = examples();
    iotssf_policy *policy = (iotssf_policy *)1; /* must be reset to NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_policy_parse("fuzz-policy.yaml", data, size, &policy, &err);
    if (st) {
        if (policy)
            fuzz_fail("a failed parse left a policy behind", NULL);
        fuzz_check_error(st, &err);
        return 0;
    }
    walk_policy(policy);
    for (size_t i = 0; i < set->count; i++)
        fuzz_place_and_render(policy, set->profiles[i]);
    iotssf_policy_free(policy);
    return 0;
}
