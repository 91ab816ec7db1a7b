/*
 * What the assessment tests share: the example camera's world (its firmware
 * built from real Debian binaries, the shipped policy, catalog, rules and
 * grading, its profile, the inspection of the image), and reporting why a
 * fixture could not be set up (a cmocka setup returns non-zero and the
 * reason would be lost).
 */
#ifndef IOTSSF_TESTS_ASSESS_UTIL_H
#define IOTSSF_TESTS_ASSESS_UTIL_H

#include "iotssf/iotssf.h"

/* Prints "<what>: <error>" to stderr and returns -1 for the setup. */
int assess_setup_failed(const char *what, const iotssf_error *err);

/* a then b, malloc'd. */
char *joined(const char *a, const char *b);

typedef struct netcam_world {
    char *data_dir, *policy_path, *grading_path, *image;
    iotssf_policy *policy;
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
    iotssf_grading *grading;
    iotssf_profile *netcam;     /* examples/netcam.yaml */
    iotssf_fw_result *firmware; /* the image, inspected */
} netcam_world;

/* Builds examples/build-netcam-firmware.sh into IOTSSF_BUILD_DIR/<image_name>,
 * loads everything and inspects the image: 0, or -1 after printing why. */
int netcam_world_open(netcam_world *w, const char *image_name);
/* Frees it all and removes the image. */
void netcam_world_close(netcam_world *w);

#endif
