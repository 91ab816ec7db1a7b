/*
 * gzip streams (RFC 1952), decompressed with zlib into one blob that the
 * core scans again (a gzip'd kernel, initramfs or tarball). One member is
 * read; a member concatenated after it is found by the scanner on its own.
 */
#define ZLIB_CONST
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "stream_codec.h"

enum {
    GZIP_HEADER = 10,
    GZIP_MIN_STREAM = 20, /* header, an empty deflate block, CRC and size */
    FLAG_EXTRA = 0x04,
    FLAG_NAME = 0x08,
    FLAG_RESERVED = 0xe0,
    NAME_SHOWN = 64,
};

typedef struct gzip_state {
    z_stream z;
} gzip_state;

static void *gzip_open(void)
{
    gzip_state *g = calloc(1, sizeof *g);
    if (g && inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
        free(g);
        return NULL;
    }
    return g;
}

static fw_codec_result gzip_step(void *state, fw_codec_io *io)
{
    gzip_state *g = state;
    size_t in_avail = (size_t)(io->in_end - io->in);
    size_t out_avail = (size_t)(io->out_end - io->out);
    g->z.next_in = io->in;
    g->z.avail_in = in_avail > UINT_MAX ? UINT_MAX : (uInt)in_avail;
    g->z.next_out = io->out;
    g->z.avail_out = out_avail > UINT_MAX ? UINT_MAX : (uInt)out_avail;
    int rc = inflate(&g->z, Z_NO_FLUSH);
    io->in = g->z.next_in;
    io->out = g->z.next_out;
    switch (rc) {
    case Z_STREAM_END:
        return FW_CODEC_END;
    case Z_OK:
    case Z_BUF_ERROR:
        return FW_CODEC_MORE;
    case Z_MEM_ERROR:
        return FW_CODEC_NOMEM;
    case Z_NEED_DICT:
        io->why = "needs a preset dictionary";
        return FW_CODEC_ERROR;
    default:
        /* zlib's messages are string constants, valid after inflateEnd. */
        io->why = g->z.msg ? g->z.msg : "corrupt data";
        return FW_CODEC_ERROR;
    }
}

static void gzip_close(void *state)
{
    gzip_state *g = state;
    inflateEnd(&g->z);
    free(g);
}

static const fw_codec gzip_codec = {"gzip", gzip_open, gzip_step, gzip_close};

static bool gzip_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (size < GZIP_MIN_STREAM || data[0] != 0x1f || data[1] != 0x8b || data[2] != 8 ||
        (data[3] & FLAG_RESERVED))
        return false;
    return fw_codec_probe(&gzip_codec, data, size, length);
}

/* The original file name from the header, printable characters only. */
static void original_name(const uint8_t *data, size_t size, char *name, size_t cap)
{
    name[0] = '\0';
    size_t pos = GZIP_HEADER;
    if (!(data[3] & FLAG_NAME))
        return;
    if (data[3] & FLAG_EXTRA) {
        if (size < pos + 2)
            return;
        pos += 2 + (size_t)(data[pos] | data[pos + 1] << 8);
    }
    size_t n = 0;
    for (; pos < size && data[pos] && n + 1 < cap; pos++)
        name[n++] = data[pos] >= 0x20 && data[pos] < 0x7f ? (char)data[pos] : '?';
    name[n] = '\0';
}

static iotssf_status gzip_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                 iotssf_error *err)
{
    char name[NAME_SHOWN], detail[NAME_SHOWN + 32] = "deflate";
    if (size >= GZIP_HEADER) {
        original_name(data, size, name, sizeof name);
        if (name[0])
            snprintf(detail, sizeof detail, "deflate, name \"%s\"", name);
    }
    return fw_codec_unpack(&gzip_codec, data, size, detail, sink, err);
}

static const uint8_t gzip_magic[] = {0x1f, 0x8b, 0x08};

const fw_format fw_format_gzip = {
    .name = "gzip",
    .magic = gzip_magic,
    .magic_len = sizeof gzip_magic,
    .magic_offset = 0,
    .probe = gzip_probe,
    .unpack = gzip_unpack,
};
