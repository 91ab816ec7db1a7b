/*
 * libFuzzer target for the profile loader: one input is one profile (YAML or
 * JSON). A profile the loader accepts is placed with the default policy and
 * rendered, so every string and number it let through also reaches the
 * categorizer and the reports. Seeds: fuzz/corpus/profile/; dictionary:
 * fuzz/profile.dict.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

static const iotssf_policy *default_policy(void)
{
    static iotssf_policy *policy;
    if (!policy) {
        char path[4096];
        iotssf_error err;
        iotssf_error_clear(&err);
        snprintf(path, sizeof path, "%s/policy/default.yaml", fuzz_data_dir());
        if (iotssf_policy_load(path, &policy, &err))
            fuzz_fail("cannot load the default policy (set IOTSSF_DATA)", &err);
    }
    return policy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const iotssf_policy *policy = default_policy();
    iotssf_profile *p = (iotssf_profile *)1; /* must be reset to NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_profile_parse("fuzz.yaml", data, size, &p, &err);
    if (st) {
        if (p)
            fuzz_fail("a failed parse left a profile behind", NULL);
        fuzz_check_error(st, &err);
        return 0;
    }
    if (!p || p->use_mode_count == 0)
        fuzz_fail("an accepted profile has no use mode", NULL);
    char buf[64];
    for (size_t i = 0; i < p->use_mode_count; i++)
        for (int f = 0; f < IOTSSF_FACT_COUNT; f++)
            iotssf_fact_value_text((iotssf_fact_id)f, &p->use_modes[i].facts[f], buf, sizeof buf);
    fuzz_place_and_render(policy, p);
    iotssf_profile_free(p);
    return 0;
}
