/*
 * The interface every format reader implements (one file per format in this
 * folder), and the services the unpacking core offers them.
 *
 * A reader is given a byte range (the rest of the image from the offset where
 * its magic was seen) and either
 *   - emits filesystem/archive entries through sink->entry (squashfs, cpio,
 *     jffs2, ...), or
 *   - emits one or more payload blobs through sink->blob (gzip and other
 *     compressed streams; uImage, TRX, TP-Link headers), which the core scans
 *     again for what they contain.
 * Readers never write files, never follow links, and must treat every byte as
 * hostile: check every offset and length against `size` before use, cap
 * allocations with sink->limits (fw_sink_may_allocate), and on corruption emit
 * what they could read, report the rest with fw_sink_warn, and return
 * IOTSSF_OK. Only out-of-memory or a sink error is returned as failure.
 */
#ifndef IOTSSF_FIRMWARE_READER_H
#define IOTSSF_FIRMWARE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotssf/firmware.h"

typedef struct fw_sink fw_sink;

struct fw_sink {
    /* A filesystem or archive entry. */
    iotssf_status (*entry)(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err);
    /* A payload to be scanned again (decompressed stream, kernel or rootfs
     * partition). `name` says what it is ("gzip payload", "trx partition 1"). */
    iotssf_status (*blob)(fw_sink *s, const char *name, const uint8_t *data, size_t size,
                          iotssf_error *err);
    /* Something skipped or damaged; the reader goes on. */
    void (*warn)(fw_sink *s, const char *message);
    /* One line describing the structure ("v4, xz, 123 inodes"), optional. */
    void (*describe)(fw_sink *s, const char *detail);
    const iotssf_fw_limits *limits;
    uint64_t *unpacked_bytes; /* running total for max_total_bytes */
    void *ctx;
};

void fw_sink_warn(fw_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fw_sink_describe(fw_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* May the reader allocate `bytes` more of unpacked content from `packed`
 * input bytes? False (with a warning already issued) when a limit would be
 * crossed: file size, total, or ratio. Readers count what they unpack. */
bool fw_sink_may_allocate(fw_sink *s, uint64_t bytes, uint64_t packed);

typedef struct fw_format {
    const char *name;
    /* Magic bytes at the structure's start (the scanner looks for these),
     * and where in the structure they sit (most formats: 0). */
    const uint8_t *magic;
    size_t magic_len;
    size_t magic_offset;
    /* Cheap validation after a magic hit: true if a structure really starts
     * at `data`; *length is its size if known, else 0 (to the end). */
    bool (*probe)(const uint8_t *data, size_t size, uint64_t *length);
    /* Unpacks it. `size` is what remains of the enclosing buffer. */
    iotssf_status (*unpack)(const uint8_t *data, size_t size, fw_sink *sink, iotssf_error *err);
} fw_format;

/* All readers, in lib/firmware/formats.c. A format may appear several times
 * with different magics (byte orders, versions). */
extern const fw_format *const fw_formats[];
extern const size_t fw_format_count;

#endif
