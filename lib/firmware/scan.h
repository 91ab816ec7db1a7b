/*
 * Locating structures (containers, streams, filesystems) inside a buffer.
 */
#ifndef IOTSSF_FIRMWARE_SCAN_H
#define IOTSSF_FIRMWARE_SCAN_H

#include "reader.h"

typedef struct fw_hit {
    const fw_format *format;
    uint64_t offset;
    uint64_t length; /* 0: unknown, to the end */
} fw_hit;

typedef struct fw_hits {
    fw_hit *items;
    size_t count, cap;
} fw_hits;

/* Structures in data, in offset order, none starting inside another whose
 * length is known. With only_at_start, only structures at offset 0 (for
 * files inside a filesystem, which are scanned for nested images cheaply).
 * False on out-of-memory. */
bool fw_scan(const uint8_t *data, size_t size, bool only_at_start, fw_hits *out);
void fw_hits_free(fw_hits *h);

#endif
