/*
 * UBI reader: the volume manager under UBIFS on raw NAND. A UBI image is a
 * run of physical eraseblocks (PEBs), each starting with an erase-counter
 * header ("UBI#") and, when it holds data, a volume-identifier header
 * ("UBI!") naming the volume and logical eraseblock (LEB) it carries. A
 * volume is its LEBs in lnum order; when a LEB appears twice (a copy made
 * while wear-levelling) the higher sequence number wins. The internal layout
 * volume holds the volume table, which gives the volumes their names.
 *
 * The reader does not interpret volume contents: each volume is handed to
 * the core as a blob named "ubi volume <name>", which the core scans again
 * (usually finding UBIFS, see ubifs.c, or a squashfs). The PEB size is not
 * recorded anywhere; it is the distance to the next erase-counter header.
 *
 * Exported: fw_format_ubi.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "reader.h"

enum {
    HDR_SIZE = 64,
    VTBL_RECORD_SIZE = 172,
    VTBL_MAX_RECORDS = 128, /* UBI_MAX_VOLUMES */
    VOL_NAME_MAX = 127,
    LAYOUT_VOLUME_ID = 0x7FFFEFFF,
    VID_DYNAMIC = 1,
    VID_STATIC = 2,
    MIN_PEB = 512,
    MAX_PEB = 8 << 20,
    MAX_DAMAGED_RUN = 4,
};

typedef struct leb {
    uint32_t vol_id, lnum, data_size, used_ebs, data_pad, data_crc;
    uint8_t vol_type;
    uint64_t sqnum;
    size_t peb;
} leb;

typedef struct ubi {
    const uint8_t *data;
    size_t size, peb_size, peb_count;
    uint32_t vid_offset, data_offset, image_seq;
    fw_sink *sink;
    leb *lebs;
    size_t leb_count;
    size_t bad_ec, bad_vid;
    char names[VTBL_MAX_RECORDS][VOL_NAME_MAX + 1];
} ubi;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* UBI's crc32_le(0xFFFFFFFF, ...) without a final inversion. */
static uint32_t ubi_crc(const uint8_t *p, size_t n)
{
    return ~(uint32_t)crc32(0, p, (uInt)n);
}

static bool erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

/* A valid erase-counter header at p (HDR_SIZE bytes available). */
static bool ec_header_ok(const uint8_t *p)
{
    return memcmp(p, "UBI#", 4) == 0 && p[4] == 1 && ubi_crc(p, HDR_SIZE - 4) == be32(p + 60);
}

/* An erase-counter header of this image at p, by magic, version and image
 * sequence only (cheap: used to measure the image, not to read it). */
static bool looks_like_ec(const uint8_t *p, uint32_t image_seq)
{
    return memcmp(p, "UBI#", 4) == 0 && p[4] == 1 && be32(p + 24) == image_seq;
}

/* The PEB size: the smallest power of two P at whose multiples (up to 64
 * of them) at least three in four places hold an erase-counter header of
 * this image. Half the true size finds headers at only half its multiples;
 * the true size tolerates a few damaged or erased PEBs. The whole buffer
 * when no size fits (a one-PEB image). */
static size_t peb_size_of(const uint8_t *data, size_t size, uint32_t data_offset)
{
    uint32_t seq = be32(data + 24);
    for (size_t p = MIN_PEB; p <= MAX_PEB && p + HDR_SIZE <= size; p *= 2) {
        if (p <= data_offset)
            continue;
        size_t places = 0, found = 0;
        for (size_t at = p; at + HDR_SIZE <= size && places < 64; at += p, places++)
            found += looks_like_ec(data + at, seq);
        if (found && found * 4 >= places * 3)
            return p;
    }
    return size < MAX_PEB ? size : MAX_PEB;
}

static bool read_geometry(const uint8_t *data, size_t size, ubi *u)
{
    if (size < HDR_SIZE || !ec_header_ok(data))
        return false;
    u->vid_offset = be32(data + 16);
    u->data_offset = be32(data + 20);
    u->image_seq = be32(data + 24);
    if (u->vid_offset < HDR_SIZE || u->vid_offset % 8 || u->data_offset < u->vid_offset + HDR_SIZE ||
        u->data_offset >= MAX_PEB)
        return false;
    u->peb_size = peb_size_of(data, size, u->data_offset);
    if (u->peb_size <= u->data_offset)
        return false;
    u->peb_count = size / u->peb_size;
    return u->peb_count > 0;
}

/* PEBs up to the last one that is this image's, walking over erased PEBs
 * and a few damaged ones. Magic and image sequence only: the probe runs this
 * for every PEB the scanner meets, so it stays cheap. */
static size_t image_pebs(const ubi *u)
{
    size_t end = 0, damaged_run = 0;
    for (size_t i = 0; i < u->peb_count && damaged_run < MAX_DAMAGED_RUN; i++) {
        const uint8_t *p = u->data + i * u->peb_size;
        if (looks_like_ec(p, u->image_seq)) {
            end = i + 1;
            damaged_run = 0;
        } else if (!erased(p, HDR_SIZE)) {
            damaged_run++;
        }
    }
    return end;
}

static bool ubi_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    ubi u = {.data = data, .size = size};
    if (!read_geometry(data, size, &u))
        return false;
    *length = (uint64_t)image_pebs(&u) * u.peb_size;
    return true;
}

static bool vid_header_ok(const uint8_t *p)
{
    return memcmp(p, "UBI!", 4) == 0 && p[4] == 1 && ubi_crc(p, HDR_SIZE - 4) == be32(p + 60);
}

/* Every PEB's VID header, into u->lebs. */
static bool collect_lebs(ubi *u, size_t pebs)
{
    u->lebs = calloc(pebs + 1, sizeof *u->lebs);
    if (!u->lebs)
        return false;
    for (size_t i = 0; i < pebs; i++) {
        const uint8_t *p = u->data + i * u->peb_size;
        if (!ec_header_ok(p)) {
            if (!erased(p, HDR_SIZE))
                u->bad_ec++;
            continue;
        }
        const uint8_t *v = p + u->vid_offset;
        if (!vid_header_ok(v)) {
            if (!erased(v, HDR_SIZE))
                u->bad_vid++;
            continue;
        }
        u->lebs[u->leb_count++] = (leb){
            .vol_type = v[5],
            .vol_id = be32(v + 8),
            .lnum = be32(v + 12),
            .data_size = be32(v + 20),
            .used_ebs = be32(v + 24),
            .data_pad = be32(v + 28),
            .data_crc = be32(v + 32),
            .sqnum = be64(v + 40),
            .peb = i,
        };
    }
    return true;
}

static int compare_lebs(const void *pa, const void *pb)
{
    const leb *a = pa, *b = pb;
    if (a->vol_id != b->vol_id)
        return a->vol_id < b->vol_id ? -1 : 1;
    if (a->lnum != b->lnum)
        return a->lnum < b->lnum ? -1 : 1;
    if (a->sqnum != b->sqnum)
        return a->sqnum < b->sqnum ? -1 : 1;
    /* Equal sequence numbers (ubinize writes 0 everywhere): the first PEB,
     * sorted last, wins. */
    return a->peb > b->peb ? -1 : a->peb < b->peb;
}

/* Sorts by (volume, lnum) and keeps the highest sqnum of each. */
static void keep_newest(ubi *u)
{
    if (u->leb_count > 1)
        qsort(u->lebs, u->leb_count, sizeof *u->lebs, compare_lebs);
    size_t out = 0;
    for (size_t i = 0; i < u->leb_count; i++) {
        const leb *l = &u->lebs[i];
        if (i + 1 < u->leb_count && l[1].vol_id == l->vol_id && l[1].lnum == l->lnum)
            continue;
        u->lebs[out++] = *l;
    }
    u->leb_count = out;
}

static size_t leb_bytes(const ubi *u)
{
    return u->peb_size - u->data_offset;
}

/* Names from the volume table (layout volume LEB 0, else its copy in 1). */
static void read_volume_table(ubi *u)
{
    for (size_t i = 0; i < u->leb_count; i++) {
        const leb *l = &u->lebs[i];
        if (l->vol_id != LAYOUT_VOLUME_ID || l->lnum > 1)
            continue;
        const uint8_t *t = u->data + l->peb * u->peb_size + u->data_offset;
        size_t records = leb_bytes(u) / VTBL_RECORD_SIZE;
        size_t named = 0;
        for (size_t r = 0; r < records && r < VTBL_MAX_RECORDS; r++) {
            const uint8_t *rec = t + r * VTBL_RECORD_SIZE;
            uint16_t len = (uint16_t)(rec[14] << 8 | rec[15]);
            if (ubi_crc(rec, VTBL_RECORD_SIZE - 4) != be32(rec + 168) || be32(rec) == 0 ||
                len == 0 || len > VOL_NAME_MAX || memchr(rec + 16, '\0', len))
                continue;
            for (uint16_t c = 0; c < len; c++) /* names reach reports: printable only */
                u->names[r][c] = rec[16 + c] >= 0x20 && rec[16 + c] < 0x7F ? (char)rec[16 + c] : '?';
            u->names[r][len] = '\0';
            named++;
        }
        if (named)
            return;
    }
}

/* One volume's bytes: dynamic volumes LEB by LEB with unmapped LEBs erased
 * (0xFF, as UBI reads them); static volumes up to their declared data. */
static iotssf_status emit_volume(ubi *u, size_t first, size_t last, iotssf_error *err)
{
    const leb *head = &u->lebs[first];
    uint32_t vol_id = head->vol_id;
    if (head->data_pad >= leb_bytes(u)) {
        fw_sink_warn(u->sink, "volume %u: data padding %u leaves no room; skipped", vol_id,
                     head->data_pad);
        return IOTSSF_OK;
    }
    size_t leb_size = leb_bytes(u) - head->data_pad;
    bool is_static = head->vol_type == VID_STATIC;
    uint32_t top = u->lebs[last - 1].lnum;
    if (top >= u->peb_count) {
        fw_sink_warn(u->sink, "volume %u: LEB %u is beyond the image's %zu PEBs; skipped", vol_id,
                     top, u->peb_count);
        return IOTSSF_OK;
    }
    uint64_t size = (uint64_t)top * leb_size +
                    (is_static && u->lebs[last - 1].data_size <= leb_size
                         ? u->lebs[last - 1].data_size
                         : leb_size);
    if (!fw_sink_may_allocate(u->sink, size, (uint64_t)(last - first) * leb_size))
        return IOTSSF_OK;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    memset(buf, is_static ? 0 : 0xFF, size);
    size_t bad_crc = 0;
    for (size_t i = first; i < last; i++) {
        const leb *l = &u->lebs[i];
        uint64_t at = (uint64_t)l->lnum * leb_size;
        const uint8_t *src = u->data + l->peb * u->peb_size + u->data_offset;
        size_t n = is_static && l->data_size < leb_size ? l->data_size : leb_size;
        /* Static LEBs carry a CRC of their data. */
        if (is_static && (l->data_size > leb_size || ubi_crc(src, n) != l->data_crc))
            bad_crc++;
        if (n > size - at)
            n = (size_t)(size - at);
        memcpy(buf + at, src, n);
    }
    if (bad_crc)
        fw_sink_warn(u->sink, "static volume %u: %zu LEB(s) fail their data CRC", vol_id, bad_crc);
    size_t mapped = last - first;
    if (is_static && mapped < (size_t)top + 1)
        fw_sink_warn(u->sink, "static volume %u: %zu of %u LEBs missing; left as zeros", vol_id,
                     (size_t)top + 1 - mapped, top + 1);
    char name[VOL_NAME_MAX + 32];
    if (vol_id < VTBL_MAX_RECORDS && u->names[vol_id][0])
        snprintf(name, sizeof name, "ubi volume %s", u->names[vol_id]);
    else
        snprintf(name, sizeof name, "ubi volume %u", vol_id);
    iotssf_status st = u->sink->blob(u->sink, name, buf, size, err);
    free(buf);
    return st;
}

static iotssf_status emit_volumes(ubi *u, size_t *volumes, iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    for (size_t first = 0; first < u->leb_count && !st;) {
        size_t last = first + 1;
        while (last < u->leb_count && u->lebs[last].vol_id == u->lebs[first].vol_id)
            last++;
        uint32_t vol_id = u->lebs[first].vol_id;
        if (vol_id < VTBL_MAX_RECORDS) {
            st = emit_volume(u, first, last, err);
            (*volumes)++;
        } else if (vol_id < LAYOUT_VOLUME_ID) {
            fw_sink_warn(u->sink, "%zu LEB(s) of volume id %u (not a valid id) skipped",
                         last - first, vol_id);
        }
        first = last;
    }
    return st;
}

static iotssf_status ubi_unpack(const uint8_t *data, size_t size, fw_sink *sink, iotssf_error *err)
{
    ubi u = {.data = data, .size = size, .sink = sink};
    if (!read_geometry(data, size, &u))
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "not a UBI image");
    size_t pebs = image_pebs(&u), volumes = 0;
    if (!collect_lebs(&u, pebs))
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (u.bad_ec || u.bad_vid)
        fw_sink_warn(sink, "%zu PEB(s) with a damaged erase-counter header and %zu with a damaged "
                     "volume header skipped", u.bad_ec, u.bad_vid);
    keep_newest(&u);
    read_volume_table(&u);
    iotssf_status st = emit_volumes(&u, &volumes, err);
    fw_sink_describe(sink, "PEB %zu bytes, data at %u, %zu PEBs, %zu volume(s)", u.peb_size,
                     u.data_offset, pebs, volumes);
    free(u.lebs);
    return st;
}

static const uint8_t ubi_magic[] = {'U', 'B', 'I', '#'};

const fw_format fw_format_ubi = {"ubi", ubi_magic, sizeof ubi_magic, 0, ubi_probe, ubi_unpack};
