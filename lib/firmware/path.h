/*
 * Safe relative paths for entries found in images.
 */
#ifndef IOTSSF_FIRMWARE_PATH_H
#define IOTSSF_FIRMWARE_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Cleans `raw` into `out`: no leading '/', no empty, '.' or '..' components.
 * *suspicious is set when the raw name was absolute or tried to climb.
 * False when nothing is left (the root itself) or `out` is too small. */
bool fw_path_clean(const char *raw, char *out, size_t size, bool *suspicious);

#endif
