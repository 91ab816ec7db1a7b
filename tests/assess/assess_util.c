/*
 * Shared by the assessment tests (see assess_util.h).
 */
#include "assess_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int assess_setup_failed(const char *what, const iotssf_error *err)
{
    char buf[2048];
    iotssf_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", what, buf);
    return -1;
}

char *joined(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 1;
    char *s = malloc(len);
    snprintf(s, len, "%s%s", a, b);
    return s;
}

int netcam_world_open(netcam_world *w, const char *image_name)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    w->data_dir = strdup(source_path("data"));
    w->policy_path = joined(w->data_dir, "/policy/default.yaml");
    w->grading_path = joined(w->data_dir, "/grading/default.yaml");
    w->image = joined(IOTSSF_BUILD_DIR "/", image_name);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/examples/build-netcam-firmware.sh %s >&2", IOTSSF_SOURCE_DIR,
             w->image);
    if (system(cmd) != 0) {
        fprintf(stderr, "setup: examples/build-netcam-firmware.sh failed\n");
        return -1;
    }
    if (iotssf_policy_load(w->policy_path, &w->policy, &err) ||
        iotssf_catalog_load(w->data_dir, &w->catalog, &err) ||
        iotssf_rules_load(w->data_dir, w->catalog, &w->rules, &err) ||
        iotssf_grading_load(w->grading_path, w->catalog, &w->grading, &err) ||
        iotssf_assess_read_profile(source_path("examples/netcam.yaml"), &w->netcam, &err))
        return assess_setup_failed("setup", &err);
    iotssf_fw_options fo = {.limits = iotssf_fw_default_limits(), .data_dir = w->data_dir,
                            .rules = w->rules};
    if (iotssf_firmware_inspect(w->image, &fo, &w->firmware, &err))
        return assess_setup_failed("setup", &err);
    return 0;
}

void netcam_world_close(netcam_world *w)
{
    iotssf_fw_result_free(w->firmware);
    iotssf_profile_free(w->netcam);
    iotssf_grading_free(w->grading);
    iotssf_rules_free(w->rules);
    iotssf_catalog_free(w->catalog);
    iotssf_policy_free(w->policy);
    if (w->image)
        unlink(w->image);
    free(w->image);
    free(w->grading_path);
    free(w->policy_path);
    free(w->data_dir);
}
