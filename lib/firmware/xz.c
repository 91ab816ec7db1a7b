/*
 * xz streams and legacy LZMA-alone (.lzma) streams, decompressed with
 * liblzma into one blob that the core scans again. The .xz header carries a
 * CRC, so its probe is cheap and sure; the LZMA-alone header is a weak
 * three-byte magic that occurs in any binary, so its probe checks every
 * header field against what real encoders write before decoding a stretch.
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>

#include "stream_codec.h"

/* Decoder memory cap: xz -9 and lzma -9 need 65 MiB; a header asking for
 * more than this is refused by liblzma rather than allocated. */
#define LZMA_MEMLIMIT (192ull << 20)

enum {
    XZ_HEADER = LZMA_STREAM_HEADER_SIZE,
    ALONE_HEADER = 13,
    ALONE_PROPS = 0x5d, /* lc=3 lp=0 pb=2, what every encoder writes by default */
};
/* Largest dictionary and declared size an LZMA-alone header may claim. */
#define ALONE_MAX_DICT (128u << 20)
#define ALONE_MAX_SIZE (4ull << 30)
#define ALONE_UNKNOWN_SIZE UINT64_MAX

typedef struct lzma_state {
    lzma_stream s;
} lzma_state;

static void *open_with(bool alone)
{
    lzma_state *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->s = (lzma_stream)LZMA_STREAM_INIT;
    lzma_ret rc = alone ? lzma_alone_decoder(&l->s, LZMA_MEMLIMIT)
                        : lzma_stream_decoder(&l->s, LZMA_MEMLIMIT, 0);
    if (rc != LZMA_OK) {
        lzma_end(&l->s);
        free(l);
        return NULL;
    }
    return l;
}

static void *xz_open(void)
{
    return open_with(false);
}

static void *alone_open(void)
{
    return open_with(true);
}

static fw_codec_result lzma_step(void *state, fw_codec_io *io)
{
    lzma_state *l = state;
    l->s.next_in = io->in;
    l->s.avail_in = (size_t)(io->in_end - io->in);
    l->s.next_out = io->out;
    l->s.avail_out = (size_t)(io->out_end - io->out);
    lzma_ret rc = lzma_code(&l->s, LZMA_RUN);
    io->in = l->s.next_in;
    io->out = l->s.next_out;
    switch (rc) {
    case LZMA_OK:
    case LZMA_BUF_ERROR:
        return FW_CODEC_MORE;
    case LZMA_STREAM_END:
        return FW_CODEC_END;
    case LZMA_MEM_ERROR:
        return FW_CODEC_NOMEM;
    case LZMA_MEMLIMIT_ERROR:
        io->why = "the dictionary is larger than the decoder memory cap";
        return FW_CODEC_ERROR;
    case LZMA_FORMAT_ERROR:
        io->why = "not a valid header";
        return FW_CODEC_ERROR;
    case LZMA_OPTIONS_ERROR:
        io->why = "unsupported options";
        return FW_CODEC_ERROR;
    case LZMA_DATA_ERROR:
        io->why = "corrupt data or integrity check failed";
        return FW_CODEC_ERROR;
    default:
        io->why = "decoder error";
        return FW_CODEC_ERROR;
    }
}

static void lzma_close(void *state)
{
    lzma_state *l = state;
    lzma_end(&l->s);
    free(l);
}

static const fw_codec xz_codec = {"xz", xz_open, lzma_step, lzma_close};
static const fw_codec alone_codec = {"lzma", alone_open, lzma_step, lzma_close};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* --- .xz ---------------------------------------------------------------- */

static bool xz_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    lzma_stream_flags flags;
    if (size < 2 * XZ_HEADER || lzma_stream_header_decode(&flags, data) != LZMA_OK)
        return false;
    return fw_codec_probe(&xz_codec, data, size, length);
}

static const char *check_name(lzma_check check)
{
    switch (check) {
    case LZMA_CHECK_NONE:
        return "no check";
    case LZMA_CHECK_CRC32:
        return "CRC32";
    case LZMA_CHECK_CRC64:
        return "CRC64";
    case LZMA_CHECK_SHA256:
        return "SHA-256";
    default:
        return "unknown check";
    }
}

static iotssf_status xz_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                               iotssf_error *err)
{
    char detail[64] = "";
    lzma_stream_flags flags;
    if (size >= XZ_HEADER && lzma_stream_header_decode(&flags, data) == LZMA_OK)
        snprintf(detail, sizeof detail, "%s", check_name(flags.check));
    return fw_codec_unpack(&xz_codec, data, size, detail[0] ? detail : NULL, sink, err);
}

/* --- LZMA-alone ----------------------------------------------------------- */

/* Encoders only write dictionary sizes 2^n or 2^n + 2^(n-1). */
static bool plausible_dictionary(uint32_t dict)
{
    if (dict < 4096 || dict > ALONE_MAX_DICT)
        return false;
    uint32_t top = dict;
    while (top & (top - 1))
        top &= top - 1; /* highest set bit */
    return dict == top || dict == top + (top >> 1);
}

static bool alone_header_ok(const uint8_t *data, size_t size)
{
    if (size < ALONE_HEADER + 1 || data[0] != ALONE_PROPS)
        return false;
    if (!plausible_dictionary(le32(data + 1)))
        return false;
    uint64_t declared = le64(data + 5);
    if (declared != ALONE_UNKNOWN_SIZE && (declared == 0 || declared > ALONE_MAX_SIZE))
        return false;
    /* The range coder's first byte is always zero. */
    return data[ALONE_HEADER] == 0;
}

static bool alone_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (!alone_header_ok(data, size))
        return false;
    return fw_codec_probe(&alone_codec, data, size, length);
}

static iotssf_status alone_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err)
{
    char detail[96] = "";
    if (size >= ALONE_HEADER) {
        uint64_t declared = le64(data + 5);
        int n = snprintf(detail, sizeof detail, "dictionary %u KiB", le32(data + 1) >> 10);
        if (declared != ALONE_UNKNOWN_SIZE && n > 0)
            snprintf(detail + n, sizeof detail - (size_t)n, ", declared size %llu",
                     (unsigned long long)declared);
    }
    return fw_codec_unpack(&alone_codec, data, size, detail[0] ? detail : NULL, sink, err);
}

static const uint8_t xz_magic[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
static const uint8_t alone_magic[] = {ALONE_PROPS, 0x00, 0x00};

const fw_format fw_format_xz = {
    .name = "xz",
    .magic = xz_magic,
    .magic_len = sizeof xz_magic,
    .magic_offset = 0,
    .probe = xz_probe,
    .unpack = xz_unpack,
};

const fw_format fw_format_lzma_alone = {
    .name = "lzma",
    .magic = alone_magic,
    .magic_len = sizeof alone_magic,
    .magic_offset = 0,
    .probe = alone_probe,
    .unpack = alone_unpack,
};
