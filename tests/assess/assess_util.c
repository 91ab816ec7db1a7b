/*
 * Shared by the assessment tests (see assess_util.h).
 */
#include "assess_util.h"

#include <stdio.h>

int assess_setup_failed(const char *what, const iotssf_error *err)
{
    char buf[2048];
    iotssf_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", what, buf);
    return -1;
}
