/*
 * A recording sink for reader tests: runs one fw_format over a buffer and
 * keeps every entry, blob and warning it produced, so a test can assert on
 * exactly what a reader found in a real image.
 */
#ifndef IOTSSF_TEST_FW_SINK_UTIL_H
#define IOTSSF_TEST_FW_SINK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "firmware/reader.h"

typedef struct recorded_entry {
    char *path;
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    uint64_t size;
    uint8_t *data; /* a copy of the contents (files) */
    char *link_target;
} recorded_entry;

typedef struct recorded_blob {
    char *name;
    uint8_t *data;
    size_t size;
} recorded_blob;

typedef struct recording {
    recorded_entry *entries;
    size_t entry_count;
    recorded_blob *blobs;
    size_t blob_count;
    char **warnings;
    size_t warning_count;
    char *description;
    uint64_t unpacked_bytes;
    iotssf_fw_limits limits;
    iotssf_status status;
    iotssf_error err;
} recording;

/* Runs `format` on data (probe, then unpack) with default limits (or
 * `limits` if not NULL). The result is in *r; free with recording_free. */
void record_unpack(const fw_format *format, const uint8_t *data, size_t size,
                   const iotssf_fw_limits *limits, recording *r);
void recording_free(recording *r);

/* The entry with that path, or NULL. */
const recorded_entry *recorded_find(const recording *r, const char *path);

/* Runs a shell command (fixture building with mksquashfs & co); fails the
 * test with the command's output when it does not exit 0. */
void run_or_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A fresh scratch folder under the build folder, for building fixtures. */
const char *scratch_dir(const char *name);

/* Skips the test (cmocka skip()) with a message when the shared corpus is not
 * there; otherwise returns the path of corpus/<relative>. */
const char *corpus_path_or_skip(const char *relative);

#endif
