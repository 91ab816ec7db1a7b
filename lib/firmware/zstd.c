/*
 * Zstandard frames, decompressed with libzstd's streaming decoder into one
 * blob that the core scans again. One frame is read; the frame header is
 * checked before any decoding so that a stray magic costs nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "stream_codec.h"

/* Window cap: libzstd's own default (128 MiB), set explicitly so that a
 * header asking for more is refused rather than allocated. */
enum { ZSTD_WINDOW_LOG_MAX = 27 };

static void *zstd_open(void)
{
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (d && ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX))) {
        ZSTD_freeDCtx(d);
        return NULL;
    }
    return d;
}

static fw_codec_result zstd_step(void *state, fw_codec_io *io)
{
    ZSTD_inBuffer in = {io->in, (size_t)(io->in_end - io->in), 0};
    ZSTD_outBuffer out = {io->out, (size_t)(io->out_end - io->out), 0};
    size_t rc = ZSTD_decompressStream(state, &out, &in);
    io->in += in.pos;
    io->out += out.pos;
    if (ZSTD_isError(rc)) {
        if (ZSTD_getErrorCode(rc) == ZSTD_error_memory_allocation)
            return FW_CODEC_NOMEM;
        io->why = ZSTD_getErrorName(rc); /* a string constant */
        return FW_CODEC_ERROR;
    }
    /* 0: the frame is complete and flushed. */
    return rc == 0 ? FW_CODEC_END : FW_CODEC_MORE;
}

static void zstd_close(void *state)
{
    ZSTD_freeDCtx(state);
}

static const fw_codec zstd_codec = {"zstd", zstd_open, zstd_step, zstd_close};

static bool zstd_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    /* Also refuses a header with reserved bits set or cut short. */
    if (ZSTD_getFrameContentSize(data, size) == ZSTD_CONTENTSIZE_ERROR)
        return false;
    return fw_codec_probe(&zstd_codec, data, size, length);
}

static iotssf_status zstd_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                 iotssf_error *err)
{
    char detail[64] = "";
    unsigned long long declared = ZSTD_getFrameContentSize(data, size);
    if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN)
        snprintf(detail, sizeof detail, "declared size %llu", declared);
    return fw_codec_unpack(&zstd_codec, data, size, detail[0] ? detail : NULL, sink, err);
}

static const uint8_t zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};

const fw_format fw_format_zstd = {
    .name = "zstd",
    .magic = zstd_magic,
    .magic_len = sizeof zstd_magic,
    .magic_offset = 0,
    .probe = zstd_probe,
    .unpack = zstd_unpack,
};
