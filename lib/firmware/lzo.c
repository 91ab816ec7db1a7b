/*
 * lzop files (the LZO container some vendors and Linux kernels use), decoded
 * block by block with liblzo2 into one blob that the core scans again.
 *
 * Layout (big-endian): a 9-byte magic; a header (version, library version,
 * version needed [>= 0.94], method, level [>= 0.94], flags, filter [if
 * flagged], mode, mtime low, mtime high [>= 0.94], name length and name, and
 * an Adler-32 or CRC-32 of the header after the magic); an optional extra
 * field; then blocks of: decompressed length (0 ends the file), compressed
 * length, checksums of the decompressed data and, when the block is really
 * compressed, of the compressed data, as the flags ask; then the data,
 * stored as is when both lengths are equal.
 */
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_codec.h"

enum {
    MAGIC_LEN = 9,
    F_ADLER32_D = 0x1,
    F_ADLER32_C = 0x2,
    F_H_EXTRA_FIELD = 0x40,
    F_CRC32_D = 0x100,
    F_CRC32_C = 0x200,
    F_H_FILTER = 0x800,
    F_H_CRC32 = 0x1000,
    METHOD_LZO1X_1 = 1,
    METHOD_LZO1X_999 = 3,
    NAME_SHOWN = 64,
};
/* lzop's own cap on a block. */
#define MAX_BLOCK (64u << 20)

static const uint8_t lzop_magic[MAGIC_LEN] = {0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a, '\n'};

typedef struct lzop_header {
    size_t length; /* magic through the extra field */
    unsigned version, method;
    uint32_t flags;
    char name[NAME_SHOWN];
} lzop_header;

typedef struct cursor {
    const uint8_t *p, *end;
    bool short_read;
} cursor;

static uint32_t take(cursor *c, unsigned bytes)
{
    if ((size_t)(c->end - c->p) < bytes) {
        c->short_read = true;
        c->p = c->end;
        return 0;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v = v << 8 | *c->p++;
    return v;
}

static uint32_t header_checksum(uint32_t flags, const uint8_t *p, size_t n)
{
    return flags & F_H_CRC32 ? lzo_crc32(0, p, n) : lzo_adler32(1, p, n);
}

static void copy_name(lzop_header *h, const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof h->name; i++)
        h->name[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    h->name[k] = '\0';
}

/* Parses and checks the header. False when it is invalid; *truncated tells
 * a header cut off by the end of the buffer from a bad one. */
static bool parse_header(const uint8_t *data, size_t size, lzop_header *h, bool *truncated)
{
    memset(h, 0, sizeof *h);
    *truncated = false;
    if (size < MAGIC_LEN || memcmp(data, lzop_magic, MAGIC_LEN) != 0)
        return false;
    cursor c = {data + MAGIC_LEN, data + size, false};
    h->version = take(&c, 2);
    take(&c, 2); /* library version */
    if (h->version >= 0x0940 && take(&c, 2) > 0x1fff)
        return false; /* version needed to extract */
    h->method = take(&c, 1);
    if (h->version >= 0x0940)
        take(&c, 1); /* level */
    h->flags = take(&c, 4);
    if (h->flags & F_H_FILTER)
        take(&c, 4);
    take(&c, 4); /* mode */
    take(&c, 4); /* mtime, low half */
    if (h->version >= 0x0940)
        take(&c, 4);
    unsigned name_len = take(&c, 1);
    const uint8_t *name = c.p;
    take(&c, name_len);
    size_t checked = (size_t)(c.p - (data + MAGIC_LEN));
    uint32_t stored = take(&c, 4);
    if (c.short_read) {
        *truncated = true;
        return false;
    }
    if (h->version < 0x0900 || h->version > 0x1fff || h->method < METHOD_LZO1X_1 ||
        h->method > METHOD_LZO1X_999 ||
        stored != header_checksum(h->flags, data + MAGIC_LEN, checked))
        return false;
    copy_name(h, name, name_len);
    if (h->flags & F_H_EXTRA_FIELD) {
        uint32_t extra = take(&c, 4);
        if (c.short_read || (size_t)(c.end - c.p) < (size_t)extra + 4) {
            *truncated = true;
            return false;
        }
        c.p += extra + 4; /* the field and its checksum */
    }
    h->length = (size_t)(c.p - data);
    return true;
}

typedef struct lzop_state {
    uint32_t flags;
    bool started;
    uint8_t *block;
    size_t block_cap, block_len, block_pos;
} lzop_state;

static void *lzop_open(void)
{
    if (lzo_init() != LZO_E_OK)
        return NULL;
    return calloc(1, sizeof(lzop_state));
}

static void lzop_close(void *state)
{
    lzop_state *l = state;
    free(l->block);
    free(l);
}

static void hand_out(lzop_state *l, fw_codec_io *io)
{
    size_t room = (size_t)(io->out_end - io->out);
    size_t n = l->block_len - l->block_pos;
    if (n > room)
        n = room;
    if (n == 0)
        return; /* nothing decoded yet: l->block may still be NULL */
    memcpy(io->out, l->block + l->block_pos, n);
    io->out += n;
    l->block_pos += n;
}

typedef struct block_header {
    uint32_t plain_len, packed_len;
    uint32_t plain_adler, plain_crc, packed_adler, packed_crc;
    size_t length;
} block_header;

/* The header of the next block; FW_CODEC_MORE when there is a block. */
static fw_codec_result read_block_header(const lzop_state *l, fw_codec_io *io, block_header *b)
{
    cursor c = {io->in, io->in_end, false};
    memset(b, 0, sizeof *b);
    b->plain_len = take(&c, 4);
    if (!c.short_read && b->plain_len == 0) {
        io->in += 4;
        return FW_CODEC_END;
    }
    b->packed_len = take(&c, 4);
    if (l->flags & F_ADLER32_D)
        b->plain_adler = take(&c, 4);
    if (l->flags & F_CRC32_D)
        b->plain_crc = take(&c, 4);
    if (b->packed_len < b->plain_len && (l->flags & F_ADLER32_C))
        b->packed_adler = take(&c, 4);
    if (b->packed_len < b->plain_len && (l->flags & F_CRC32_C))
        b->packed_crc = take(&c, 4);
    if (c.short_read)
        return FW_CODEC_TRUNCATED;
    b->length = (size_t)(c.p - io->in);
    /* LZO1X expands at most ~255 times; more means a damaged header. */
    if (b->plain_len > MAX_BLOCK || b->packed_len == 0 || b->packed_len > b->plain_len ||
        b->plain_len > (uint64_t)b->packed_len * 256 + 64) {
        io->why = "impossible block lengths";
        return FW_CODEC_ERROR;
    }
    if ((size_t)(io->in_end - c.p) < b->packed_len)
        return FW_CODEC_TRUNCATED;
    return FW_CODEC_MORE;
}

static bool checksums_match(const lzop_state *l, const block_header *b, const uint8_t *packed)
{
    if ((l->flags & F_ADLER32_D) && lzo_adler32(1, l->block, b->plain_len) != b->plain_adler)
        return false;
    if ((l->flags & F_CRC32_D) && lzo_crc32(0, l->block, b->plain_len) != b->plain_crc)
        return false;
    if (b->packed_len < b->plain_len) {
        if ((l->flags & F_ADLER32_C) && lzo_adler32(1, packed, b->packed_len) != b->packed_adler)
            return false;
        if ((l->flags & F_CRC32_C) && lzo_crc32(0, packed, b->packed_len) != b->packed_crc)
            return false;
    }
    return true;
}

static fw_codec_result decode_block(lzop_state *l, fw_codec_io *io, const block_header *b)
{
    if (b->plain_len > l->block_cap) {
        uint8_t *grown = realloc(l->block, b->plain_len);
        if (!grown)
            return FW_CODEC_NOMEM;
        l->block = grown;
        l->block_cap = b->plain_len;
    }
    const uint8_t *packed = io->in + b->length;
    if (b->packed_len == b->plain_len) {
        memcpy(l->block, packed, b->plain_len);
    } else {
        lzo_uint out_len = b->plain_len;
        int rc = lzo1x_decompress_safe(packed, b->packed_len, l->block, &out_len, NULL);
        if (rc != LZO_E_OK || out_len != b->plain_len) {
            io->why = "corrupt block";
            return FW_CODEC_ERROR;
        }
    }
    if (!checksums_match(l, b, packed)) {
        io->why = "block checksum mismatch";
        return FW_CODEC_ERROR;
    }
    io->in = packed + b->packed_len;
    l->block_len = b->plain_len;
    l->block_pos = 0;
    return FW_CODEC_MORE;
}

static fw_codec_result lzop_step(void *state, fw_codec_io *io)
{
    lzop_state *l = state;
    if (!l->started) {
        lzop_header h;
        bool truncated;
        if (!parse_header(io->in, (size_t)(io->in_end - io->in), &h, &truncated)) {
            io->why = "bad header";
            return truncated ? FW_CODEC_TRUNCATED : FW_CODEC_ERROR;
        }
        if (h.flags & F_H_FILTER) {
            io->why = "filtered data is not supported";
            return FW_CODEC_ERROR;
        }
        io->in += h.length;
        l->flags = h.flags;
        l->started = true;
    }
    for (;;) {
        hand_out(l, io);
        if (l->block_pos < l->block_len)
            return FW_CODEC_MORE;
        block_header b;
        fw_codec_result r = read_block_header(l, io, &b);
        if (r == FW_CODEC_MORE)
            r = decode_block(l, io, &b);
        if (r != FW_CODEC_MORE)
            return r;
    }
}

static const fw_codec lzop_codec = {"lzop", lzop_open, lzop_step, lzop_close};

static bool lzop_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    lzop_header h;
    bool truncated;
    if (!parse_header(data, size, &h, &truncated))
        return false;
    return fw_codec_probe(&lzop_codec, data, size, length);
}

static iotssf_status lzop_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                 iotssf_error *err)
{
    lzop_header h;
    bool truncated;
    char detail[NAME_SHOWN + 48] = "";
    if (parse_header(data, size, &h, &truncated)) {
        if (h.name[0])
            snprintf(detail, sizeof detail, "version %x, method %u, name \"%s\"", h.version,
                     h.method, h.name);
        else
            snprintf(detail, sizeof detail, "version %x, method %u", h.version, h.method);
    }
    return fw_codec_unpack(&lzop_codec, data, size, detail[0] ? detail : NULL, sink, err);
}

const fw_format fw_format_lzop = {
    .name = "lzop",
    .magic = lzop_magic,
    .magic_len = MAGIC_LEN,
    .magic_offset = 0,
    .probe = lzop_probe,
    .unpack = lzop_unpack,
};
