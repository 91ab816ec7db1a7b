/*
 * What the compressed-stream readers (gzip.c, xz.c, zstd.c, lz4.c, lzo.c,
 * bzip2.c) share: each wraps its library in a small step-wise decoder (a
 * codec), and one driver here runs any codec either to validate and measure
 * a stream (probe) or to decompress it into one blob under the sink's limits
 * (unpack), with the same handling of truncation, corruption and bombs for
 * every format.
 */
#ifndef IOTSSF_FIRMWARE_STREAM_CODEC_H
#define IOTSSF_FIRMWARE_STREAM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

typedef enum fw_codec_result {
    FW_CODEC_MORE,      /* wants more output room (or made no progress) */
    FW_CODEC_END,       /* the stream ended cleanly */
    FW_CODEC_TRUNCATED, /* the input ends inside the stream */
    FW_CODEC_ERROR,     /* corrupt data; io->why says what */
    FW_CODEC_NOMEM,
} fw_codec_result;

/* One step's buffers: the codec advances `in` over what it consumed and
 * `out` over what it produced. The driver always offers all of the remaining
 * input, so a block-wise codec may treat a block that does not fit before
 * in_end as truncation. */
typedef struct fw_codec_io {
    const uint8_t *in, *in_end;
    uint8_t *out, *out_end;
    const char *why;
} fw_codec_io;

typedef struct fw_codec {
    const char *name; /* "gzip": names the blob ("gzip payload") and warnings */
    /* Decoder state; NULL on out-of-memory. */
    void *(*open)(void);
    fw_codec_result (*step)(void *state, fw_codec_io *io);
    void (*close)(void *state);
} fw_codec;

/* Decodes the stream at data (discarding the output, at most a fixed amount
 * of it) to decide whether it is real: true when it ends cleanly, is cut off
 * by the end of the buffer after producing output, or is damaged only after
 * a good stretch. *length is the bytes it spans, or 0 when decoding stopped
 * before the end was found. */
bool fw_codec_probe(const fw_codec *codec, const uint8_t *data, size_t size, uint64_t *length);

/* Decompresses the stream at data into one blob for the sink. Truncation,
 * corruption and limits end the stream early with a warning; what was
 * decoded up to there is still emitted. `detail` (may be NULL) starts the
 * description line. */
iotssf_status fw_codec_unpack(const fw_codec *codec, const uint8_t *data, size_t size,
                              const char *detail, fw_sink *sink, iotssf_error *err);

#endif
