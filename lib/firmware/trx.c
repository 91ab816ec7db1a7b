/*
 * Broadcom TRX images (Linksys, Netgear, ASUS routers): a little-endian
 * header, then up to three (version 1) or four (version 2) partitions, each
 * emitted as a blob for the core to scan again (typically a loader, a
 * compressed kernel and a squashfs).
 *
 * Header: "HDR0", total length including the header, CRC-32, flags (low 16
 * bits) and version (high 16 bits), then the partition offsets from the
 * header's start (0 = unused). A partition runs to the next used offset, the
 * last to the total length.
 *
 * The CRC covers the image from the flags field to the total length and is
 * computed as Broadcom's CFE and OpenWrt's trx tool do: CRC-32 started at
 * ~0 and not complemented at the end, i.e. the complement of zlib's crc32()
 * (checked against fact_extractor's trx test image). Images stamped with the
 * plain crc32() are accepted too. A mismatch only warns: the partitions are
 * still worth reading.
 */
#include <stdio.h>
#include <zlib.h>

#include "reader.h"

enum {
    TRX_V1_HEADER = 28,
    TRX_V2_HEADER = 32,
    TRX_MAX_PARTS = 4,
    CRC_FROM = 12, /* the flags/version field */
};

typedef struct trx_header {
    uint32_t length, crc;
    unsigned flags, version, parts;
    uint32_t offsets[TRX_MAX_PARTS];
} trx_header;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned header_size(unsigned version)
{
    return version == 1 ? TRX_V1_HEADER : TRX_V2_HEADER;
}

/* Reads and sanity-checks the header: version 1 or 2, a length that covers
 * the header, and used offsets inside the image past the header fields. */
static bool parse_header(const uint8_t *data, size_t size, trx_header *h)
{
    if (size < TRX_V1_HEADER || le32(data) != 0x30524448)
        return false;
    h->length = le32(data + 4);
    h->crc = le32(data + 8);
    h->flags = le32(data + 12) & 0xffff;
    h->version = le32(data + 12) >> 16;
    if (h->version != 1 && h->version != 2)
        return false;
    unsigned hsize = header_size(h->version);
    if (size < hsize || h->length < hsize)
        return false;
    h->parts = h->version == 1 ? 3 : 4;
    bool any = false;
    for (unsigned i = 0; i < h->parts; i++) {
        h->offsets[i] = le32(data + 16 + 4 * i);
        if (h->offsets[i] && (h->offsets[i] < hsize || h->offsets[i] >= h->length))
            return false;
        any |= h->offsets[i] != 0;
    }
    return any;
}

static bool trx_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    trx_header h;
    *length = 0;
    if (!parse_header(data, size, &h))
        return false;
    *length = h.length < size ? h.length : size;
    return true;
}

/* zlib's crc32 over any length, in chunks its uInt can hold. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uLong crc = crc32(0, Z_NULL, 0);
    while (n) {
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)crc;
}

static const char *check_crc(const uint8_t *data, size_t covered, const trx_header *h,
                             fw_sink *sink)
{
    uint32_t crc = crc32_of(data + CRC_FROM, covered - CRC_FROM);
    if (h->crc == (uint32_t)~crc)
        return "CRC ok";
    if (h->crc == crc)
        return "CRC ok (finalised)";
    fw_sink_warn(sink, "TRX CRC mismatch (header 0x%08x, data 0x%08x)", h->crc, (uint32_t)~crc);
    return "CRC mismatch";
}

/* The end of partition i: the next used offset above it, else the length. */
static size_t partition_end(const trx_header *h, unsigned i, size_t covered)
{
    size_t end = covered;
    for (unsigned j = 0; j < h->parts; j++)
        if (h->offsets[j] > h->offsets[i] && h->offsets[j] < end)
            end = h->offsets[j];
    return end;
}

static iotssf_status trx_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                iotssf_error *err)
{
    trx_header h;
    if (!parse_header(data, size, &h)) {
        fw_sink_warn(sink, "TRX: not a valid header");
        return IOTSSF_OK;
    }
    size_t covered = h.length;
    const char *crc_state = "CRC not checked";
    if (h.length > size) {
        fw_sink_warn(sink, "TRX declares %u bytes but %zu remain: clamped", h.length, size);
        covered = size;
    } else {
        crc_state = check_crc(data, covered, &h, sink);
    }
    fw_sink_describe(sink, "version %u, flags 0x%04x, %u bytes, %s", h.version, h.flags,
                     h.length, crc_state);
    for (unsigned i = 0; i < h.parts; i++) {
        if (!h.offsets[i])
            continue;
        if (h.offsets[i] >= covered) {
            fw_sink_warn(sink, "TRX partition %u starts past the end of the buffer", i);
            continue;
        }
        size_t end = partition_end(&h, i, covered);
        char name[32];
        snprintf(name, sizeof name, "trx partition %u", i);
        iotssf_status st = sink->blob(sink, name, data + h.offsets[i], end - h.offsets[i], err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static const uint8_t trx_magic[] = {'H', 'D', 'R', '0'};

const fw_format fw_format_trx = {
    .name = "trx",
    .magic = trx_magic,
    .magic_len = sizeof trx_magic,
    .magic_offset = 0,
    .probe = trx_probe,
    .unpack = trx_unpack,
};
