/*
 * What the assessment tests share: reporting why a fixture could not be
 * set up (a cmocka setup returns non-zero and the reason would be lost).
 */
#ifndef IOTSSF_TESTS_ASSESS_UTIL_H
#define IOTSSF_TESTS_ASSESS_UTIL_H

#include "iotssf/error.h"

/* Prints "<what>: <error>" to stderr and returns -1 for the setup. */
int assess_setup_failed(const char *what, const iotssf_error *err);

#endif
