/*
 * LZ4 streams, decompressed with liblz4 into one blob that the core scans
 * again: the frame format (lz4 CLI default, magic 04 22 4D 18) through
 * liblz4's streaming frame decoder, and the legacy format (lz4 -l, magic
 * 02 21 4C 18) that Linux kernels are compressed with, block by block.
 *
 * Legacy streams have no end marker: blocks are a 32-bit little-endian
 * compressed size and that many bytes, each decoding to exactly 8 MiB except
 * the last. So a block that decodes short ends the stream, and after full
 * blocks a size word that cannot be a block (zero, too large) is taken as
 * the end (the kernel build appends the decompressed size there).
 */
#include <lz4.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>

#include "stream_codec.h"

#define LEGACY_BLOCK (8u << 20)
#define LEGACY_MAGIC 0x184c2102u

/* --- frame format --------------------------------------------------------- */

static void *frame_open(void)
{
    LZ4F_dctx *d = NULL;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
        return NULL;
    return d;
}

static fw_codec_result frame_step(void *state, fw_codec_io *io)
{
    size_t in_size = (size_t)(io->in_end - io->in);
    size_t out_size = (size_t)(io->out_end - io->out);
    size_t rc = LZ4F_decompress(state, io->out, &out_size, io->in, &in_size, NULL);
    io->in += in_size;
    io->out += out_size;
    if (LZ4F_isError(rc)) {
        io->why = LZ4F_getErrorName(rc); /* a string constant */
        return FW_CODEC_ERROR;
    }
    /* 0: the frame is complete and flushed. */
    return rc == 0 ? FW_CODEC_END : FW_CODEC_MORE;
}

static void frame_close(void *state)
{
    LZ4F_freeDecompressionContext(state);
}

static const fw_codec frame_codec = {"lz4", frame_open, frame_step, frame_close};

enum { FRAME_MIN = 7 }; /* magic, FLG, BD, header checksum */

static bool frame_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (size < FRAME_MIN)
        return false;
    uint8_t flg = data[4], bd = data[5];
    unsigned block_id = (bd >> 4) & 7;
    /* Version 01, reserved bits clear, block size id 4..7. */
    if ((flg >> 6) != 1 || (flg & 0x02) || (bd & 0x8f) || block_id < 4)
        return false;
    return fw_codec_probe(&frame_codec, data, size, length);
}

static iotssf_status frame_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err)
{
    static const char *const block_sizes[] = {"64 KiB", "256 KiB", "1 MiB", "4 MiB"};
    const char *detail = NULL;
    if (size >= FRAME_MIN && ((data[5] >> 4) & 7) >= 4)
        detail = block_sizes[((data[5] >> 4) & 7) - 4];
    return fw_codec_unpack(&frame_codec, data, size, detail, sink, err);
}

/* --- legacy format ---------------------------------------------------------- */

typedef struct legacy_state {
    uint8_t *block; /* the last decoded block, handed out as room allows */
    size_t block_cap, block_len, block_pos;
    size_t blocks;
    bool started, last;
} legacy_state;

static void *legacy_open(void)
{
    return calloc(1, sizeof(legacy_state));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void hand_out(legacy_state *l, fw_codec_io *io)
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

/* Decodes the block of `packed` bytes at io->in into l->block. */
static fw_codec_result decode_block(legacy_state *l, fw_codec_io *io, uint32_t packed)
{
    /* LZ4 expands at most ~255 times, so the input bounds the buffer. */
    size_t need = (size_t)packed * 255 + 64;
    if (need > LEGACY_BLOCK)
        need = LEGACY_BLOCK;
    if (need > l->block_cap) {
        uint8_t *grown = realloc(l->block, need);
        if (!grown)
            return FW_CODEC_NOMEM;
        l->block = grown;
        l->block_cap = need;
    }
    int n = LZ4_decompress_safe((const char *)io->in, (char *)l->block, (int)packed,
                                (int)l->block_cap);
    if (n < 0) {
        io->why = "corrupt block";
        return FW_CODEC_ERROR;
    }
    io->in += packed;
    l->blocks++;
    l->block_len = (size_t)n;
    l->block_pos = 0;
    l->last = (size_t)n < LEGACY_BLOCK;
    return FW_CODEC_MORE;
}

static fw_codec_result legacy_step(void *state, fw_codec_io *io)
{
    legacy_state *l = state;
    if (!l->started) {
        if (io->in_end - io->in < 4)
            return FW_CODEC_TRUNCATED;
        io->in += 4;
        l->started = true;
    }
    for (;;) {
        hand_out(l, io);
        if (l->block_pos < l->block_len)
            return FW_CODEC_MORE;
        if (l->last)
            return FW_CODEC_END;
        size_t left = (size_t)(io->in_end - io->in);
        if (left < 4)
            return l->blocks ? FW_CODEC_END : FW_CODEC_TRUNCATED;
        uint32_t packed = le32(io->in);
        if (packed == LEGACY_MAGIC) { /* another legacy stream follows on */
            io->in += 4;
            continue;
        }
        if (packed == 0 || packed > (uint32_t)LZ4_COMPRESSBOUND(LEGACY_BLOCK)) {
            if (l->blocks)
                return FW_CODEC_END;
            io->why = "impossible block size";
            return FW_CODEC_ERROR;
        }
        if (packed > left - 4)
            return FW_CODEC_TRUNCATED;
        io->in += 4;
        fw_codec_result r = decode_block(l, io, packed);
        if (r != FW_CODEC_MORE) {
            io->in -= 4; /* report the position of the bad block */
            return r;
        }
    }
}

static void legacy_close(void *state)
{
    legacy_state *l = state;
    free(l->block);
    free(l);
}

static const fw_codec legacy_codec = {"lz4 legacy", legacy_open, legacy_step, legacy_close};

static bool legacy_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (size < 8 || le32(data) != LEGACY_MAGIC)
        return false;
    return fw_codec_probe(&legacy_codec, data, size, length);
}

static iotssf_status legacy_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    return fw_codec_unpack(&legacy_codec, data, size, "legacy 8 MiB blocks", sink, err);
}

static const uint8_t frame_magic[] = {0x04, 0x22, 0x4d, 0x18};
static const uint8_t legacy_magic[] = {0x02, 0x21, 0x4c, 0x18};

const fw_format fw_format_lz4 = {
    .name = "lz4",
    .magic = frame_magic,
    .magic_len = sizeof frame_magic,
    .magic_offset = 0,
    .probe = frame_probe,
    .unpack = frame_unpack,
};

const fw_format fw_format_lz4_legacy = {
    .name = "lz4-legacy",
    .magic = legacy_magic,
    .magic_len = sizeof legacy_magic,
    .magic_offset = 0,
    .probe = legacy_probe,
    .unpack = legacy_unpack,
};
