/*
 * The registry of format readers the scanner tries, one reader per file in
 * this folder. Order matters only for structures found at the same offset.
 */
#include "reader.h"

const fw_format *const fw_formats[] = {
    NULL,
};

const size_t fw_format_count = sizeof fw_formats / sizeof fw_formats[0] - 1;
