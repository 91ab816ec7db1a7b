/*
 * Helpers shared by the unit tests: paths into the source tree and small file
 * utilities.
 */
#ifndef IOTSSF_TEST_UTIL_H
#define IOTSSF_TEST_UTIL_H

#include <stddef.h>

/* IOTSSF_SOURCE_DIR "/" relative, in a static buffer (one at a time). */
const char *source_path(const char *relative);
/* The whole file, NUL-terminated, malloc'd; NULL on failure. */
char *read_file(const char *path, size_t *size);
/* Writes `text` to a fresh temporary file and returns its path (static). */
const char *temp_file_with(const char *text, const char *suffix);

#endif
