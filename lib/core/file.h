/*
 * Reading a whole outside file into memory, bounded: only regular files (a
 * FIFO or a device named where a file was expected would never end), never
 * more than the caller's limit, and NUL-terminated so text parsers can take
 * it as it is. Certificates, keys, assessment documents and evidence reports
 * are all read this way.
 */
#ifndef IOTSSF_CORE_FILE_H
#define IOTSSF_CORE_FILE_H

#include <stddef.h>

#include "iotssf/error.h"

/* *out is malloc'd (len bytes plus a NUL); free() it. */
iotssf_status read_file_bounded(const char *path, size_t max_bytes, char **out, size_t *len,
                                iotssf_error *err);

#endif
