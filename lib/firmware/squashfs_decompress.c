/*
 * The block codecs of SquashFS: every compressor of v4 (gzip, lzma, lzo, xz,
 * lz4, zstd) and the zlib-or-LZMA blocks of v1-v3. Each call decodes one
 * whole block into a buffer of known capacity (a metadata block or one data
 * block), so no codec ever sizes its output from the input.
 *
 * Vendor LZMA: squashfs-tools wrote LZMA (v4 "lzma") as lzma_alone streams
 * with a 13-byte header; vendor tools of the v2/v3 era (the "sqlzma" and
 * 7-zip based patches that sasquatch also reads) wrote either a 5-byte
 * header (properties, dictionary size) followed by a raw LZMA stream, or a
 * raw stream with no header at all and fixed properties lc=3 lp=0 pb=2.
 * A raw LZMA stream always begins with a zero byte (the range coder's first
 * output), which tells the three apart; when in doubt each is tried.
 */
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "squashfs_internal.h"

/* Enough for any dictionary a real image's lzma_alone header declares
 * (squashfs blocks are at most 1 MiB); more is refused, not allocated. */
#define LZMA_MEMLIMIT (32u << 20)

static bool zlib_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    uLongf dst_len = cap;
    uLong src_len = len;
    if (uncompress2(dst, &dst_len, src, &src_len) != Z_OK)
        return false;
    *out = dst_len;
    return true;
}

static bool looks_like_zlib(const uint8_t *src, size_t len)
{
    return len >= 2 && (src[0] & 0x0f) == 8 && (src[0] >> 4) <= 7 &&
           ((unsigned)src[0] << 8 | src[1]) % 31 == 0;
}

/* Runs a prepared liblzma stream over the whole block. A raw stream
 * without an end marker simply runs out of input, which is success. */
static bool lzma_run(lzma_stream *s, const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
                     size_t *out)
{
    s->next_in = src;
    s->avail_in = len;
    s->next_out = dst;
    s->avail_out = cap;
    lzma_ret ret;
    do {
        ret = lzma_code(s, LZMA_FINISH);
    } while (ret == LZMA_OK && s->avail_in > 0 && s->avail_out > 0);
    *out = cap - s->avail_out;
    bool ok = ret == LZMA_STREAM_END ||
              ((ret == LZMA_OK || ret == LZMA_BUF_ERROR) &&
               (s->avail_in == 0 || s->avail_out == 0) && *out > 0);
    lzma_end(s);
    return ok;
}

static bool lzma_alone(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_alone_decoder(&s, LZMA_MEMLIMIT) != LZMA_OK) {
        lzma_end(&s);
        return false;
    }
    return lzma_run(&s, src, len, dst, cap, out);
}

/* A raw LZMA1 stream with the given properties. The dictionary never needs
 * to exceed the block, whatever a header claims. */
static bool lzma_raw(const uint8_t *src, size_t len, unsigned props, uint8_t *dst, size_t cap,
                     size_t *out)
{
    if (props >= 9 * 5 * 5)
        return false;
    lzma_options_lzma opt;
    if (lzma_lzma_preset(&opt, 6))
        return false;
    opt.lc = props % 9;
    opt.lp = props / 9 % 5;
    opt.pb = props / 45;
    opt.dict_size = cap < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN : (uint32_t)cap;
    lzma_filter filters[2] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_raw_decoder(&s, filters) != LZMA_OK) {
        lzma_end(&s);
        return false;
    }
    return lzma_run(&s, src, len, dst, cap, out);
}

static bool lzma_any(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    enum { DEFAULT_PROPS = 3 + 0 * 9 + 2 * 45 }; /* lc=3 lp=0 pb=2 */
    if (len < 5)
        return false;
    if (src[0] == 0)
        return lzma_raw(src, len, DEFAULT_PROPS, dst, cap, out);
    /* A 13-byte header declares the unpacked size (or all ones), and its
     * stream starts with a zero byte right after it. */
    if (len > 13 && src[13] == 0) {
        uint64_t declared = 0;
        for (int i = 12; i >= 5; i--)
            declared = declared << 8 | src[i];
        if ((declared == UINT64_MAX || declared <= cap) && lzma_alone(src, len, dst, cap, out))
            return true;
    }
    return src[5] == 0 && lzma_raw(src + 5, len - 5, src[0], dst, cap, out);
}

/* The stream's own check (CRC32 as mksquashfs writes it) is verified, not
 * skipped with LZMA_IGNORE_CHECK: squashfs keeps no checksum of its data, so
 * this CRC is the only thing that turns a corrupted block that still decodes
 * to full length into a "damaged" warning instead of silent garbage. It
 * costs about 3% of decoding (0.45 s of 14.2 s CPU on a 1 GB rootfs), and
 * unsquashfs verifies it too. */
static bool xz_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    uint64_t memlimit = LZMA_MEMLIMIT;
    size_t in_pos = 0, out_pos = 0;
    if (lzma_stream_buffer_decode(&memlimit, 0, NULL, src, &in_pos, len, dst, &out_pos, cap) !=
        LZMA_OK)
        return false;
    *out = out_pos;
    return true;
}

static bool lzo_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    if (lzo_init() != LZO_E_OK)
        return false;
    lzo_uint dst_len = cap;
    if (lzo1x_decompress_safe(src, len, dst, &dst_len, NULL) != LZO_E_OK)
        return false;
    *out = dst_len;
    return true;
}

static bool lz4_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    if (len > INT32_MAX || cap > INT32_MAX)
        return false;
    int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)len, (int)cap);
    if (n < 0)
        return false;
    *out = (size_t)n;
    return true;
}

static bool zstd_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out)
{
    size_t n = ZSTD_decompress(dst, cap, src, len);
    if (ZSTD_isError(n))
        return false;
    *out = n;
    return true;
}

bool sqfs_decompress(sqfs_codec codec, const uint8_t *src, size_t len, uint8_t *dst,
                     size_t cap, size_t *out, sqfs_codec *used)
{
    *out = 0;
    *used = codec;
    switch (codec) {
    case SQFS_CODEC_GZIP:
        if (zlib_decode(src, len, dst, cap, out))
            return true;
        /* Some vendor v4 images say gzip and carry LZMA. */
        *used = SQFS_CODEC_LZMA;
        return !looks_like_zlib(src, len) && lzma_any(src, len, dst, cap, out);
    case SQFS_CODEC_LZMA:
        return lzma_any(src, len, dst, cap, out);
    case SQFS_CODEC_LZO:
        return lzo_decode(src, len, dst, cap, out);
    case SQFS_CODEC_XZ:
        return xz_decode(src, len, dst, cap, out);
    case SQFS_CODEC_LZ4:
        return lz4_decode(src, len, dst, cap, out);
    case SQFS_CODEC_ZSTD:
        return zstd_decode(src, len, dst, cap, out);
    case SQFS_CODEC_LEGACY:
        *used = SQFS_CODEC_GZIP;
        if (looks_like_zlib(src, len) && zlib_decode(src, len, dst, cap, out))
            return true;
        *used = SQFS_CODEC_LZMA;
        return lzma_any(src, len, dst, cap, out);
    }
    return false;
}

const char *sqfs_codec_name(sqfs_codec codec)
{
    switch (codec) {
    case SQFS_CODEC_GZIP:
        return "gzip";
    case SQFS_CODEC_LZMA:
        return "lzma";
    case SQFS_CODEC_LZO:
        return "lzo";
    case SQFS_CODEC_XZ:
        return "xz";
    case SQFS_CODEC_LZ4:
        return "lz4";
    case SQFS_CODEC_ZSTD:
        return "zstd";
    case SQFS_CODEC_LEGACY:
        return "zlib";
    }
    return "unknown";
}
