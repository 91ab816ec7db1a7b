/*
 * Writing unpacked entries to a folder without ever leaving it.
 */
#ifndef IOTSSF_FIRMWARE_EXTRACT_H
#define IOTSSF_FIRMWARE_EXTRACT_H

#include "iotssf/firmware.h"

typedef struct fw_extractor fw_extractor;

/* `dir` is created if missing; an existing folder must be empty. */
iotssf_status fw_extract_open(const char *dir, fw_extractor **out, iotssf_error *err);
void fw_extract_close(fw_extractor *x);

/* Writes one entry under <dir>/<root>/<entry path>. Returns true when
 * written; false with `why` filled when skipped (devices, paths that would
 * cross a link, write errors), which the caller reports as a warning. */
bool fw_extract_entry(fw_extractor *x, const char *root, const iotssf_fw_entry *e, char *why,
                      size_t why_size);

#endif
