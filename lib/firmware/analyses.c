/*
 * The registry of firmware analyses; each sees every entry once.
 */
#include "analysis.h"

const fw_analysis *const fw_analyses[] = {
    NULL,
};

const size_t fw_analysis_count = sizeof fw_analyses / sizeof fw_analyses[0] - 1;
