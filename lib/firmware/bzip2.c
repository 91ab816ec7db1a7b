/*
 * bzip2 streams ("BZh1".."BZh9", then a block whose magic is the BCD of pi),
 * decompressed with libbz2 into one blob that the core scans again. One
 * stream is read; a stream concatenated after it is found by the scanner.
 */
#include <bzlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_codec.h"

enum { BZIP2_HEADER = 4, BLOCK_MAGIC_LEN = 6 };

static const uint8_t block_magic[BLOCK_MAGIC_LEN] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};

static void *bzip2_open(void)
{
    bz_stream *b = calloc(1, sizeof *b);
    /* small=0: the fast decoder, at most ~3.6 MB for a level-9 stream. */
    if (b && BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
        free(b);
        return NULL;
    }
    return b;
}

static fw_codec_result bzip2_step(void *state, fw_codec_io *io)
{
    bz_stream *b = state;
    size_t in_avail = (size_t)(io->in_end - io->in);
    size_t out_avail = (size_t)(io->out_end - io->out);
    /* libbz2 takes char * for input it never writes. */
    b->next_in = (char *)(uintptr_t)io->in;
    b->avail_in = in_avail > UINT_MAX ? UINT_MAX : (unsigned)in_avail;
    b->next_out = (char *)io->out;
    b->avail_out = out_avail > UINT_MAX ? UINT_MAX : (unsigned)out_avail;
    int rc = BZ2_bzDecompress(b);
    io->in = (const uint8_t *)b->next_in;
    io->out = (uint8_t *)b->next_out;
    switch (rc) {
    case BZ_OK:
        return FW_CODEC_MORE;
    case BZ_STREAM_END:
        return FW_CODEC_END;
    case BZ_MEM_ERROR:
        return FW_CODEC_NOMEM;
    case BZ_DATA_ERROR_MAGIC:
        io->why = "bad magic";
        return FW_CODEC_ERROR;
    case BZ_DATA_ERROR:
        io->why = "corrupt data or CRC mismatch";
        return FW_CODEC_ERROR;
    default:
        io->why = "decoder error";
        return FW_CODEC_ERROR;
    }
}

static void bzip2_close(void *state)
{
    BZ2_bzDecompressEnd(state);
    free(state);
}

static const fw_codec bzip2_codec = {"bzip2", bzip2_open, bzip2_step, bzip2_close};

static bool bzip2_header_ok(const uint8_t *data, size_t size)
{
    return size >= BZIP2_HEADER + BLOCK_MAGIC_LEN && memcmp(data, "BZh", 3) == 0 &&
           data[3] >= '1' && data[3] <= '9' &&
           memcmp(data + BZIP2_HEADER, block_magic, BLOCK_MAGIC_LEN) == 0;
}

static bool bzip2_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (!bzip2_header_ok(data, size))
        return false;
    return fw_codec_probe(&bzip2_codec, data, size, length);
}

static iotssf_status bzip2_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err)
{
    char detail[32] = "";
    if (bzip2_header_ok(data, size))
        snprintf(detail, sizeof detail, "%u00k blocks", (unsigned)(data[3] - '0'));
    return fw_codec_unpack(&bzip2_codec, data, size, detail[0] ? detail : NULL, sink, err);
}

static const uint8_t bzip2_magic[] = {'B', 'Z', 'h'};

const fw_format fw_format_bzip2 = {
    .name = "bzip2",
    .magic = bzip2_magic,
    .magic_len = sizeof bzip2_magic,
    .magic_offset = 0,
    .probe = bzip2_probe,
    .unpack = bzip2_unpack,
};
