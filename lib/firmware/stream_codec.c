/*
 * The driver that runs a stream codec for probe and unpack; see
 * stream_codec.h. Both walk the same loop, so a stream the probe accepts is
 * decoded the same way by unpack, and both stop when the decoder stops
 * making progress, whatever the codec reports.
 */
#include "stream_codec.h"

#include <stdio.h>
#include <stdlib.h>

#include "growbuf.h"

/* The probe decodes into a scratch buffer of this size, reused. */
enum { PROBE_SCRATCH = 64 * 1024 };
/* How much the probe decodes at most to find a stream's end. A larger
 * stream is still accepted, with its length unknown; the cap keeps probing
 * a bomb (or a long honest stream) quick. */
#define PROBE_MAX_OUTPUT (64ull << 20)
/* Output decoded before damage that shows a real stream started here
 * (random bytes behind a magic rarely decode this far). */
#define PROBE_GOOD_OUTPUT 4096u

typedef struct codec_run {
    fw_codec_result result;
    const char *why;
    size_t consumed;
} codec_run;

/* One step with stall detection: a step that neither consumed nor produced
 * while it had room is truncation when the input is used up, else damage. */
static fw_codec_result step_once(const fw_codec *codec, void *state, fw_codec_io *io)
{
    const uint8_t *in_before = io->in;
    const uint8_t *out_before = io->out;
    fw_codec_result r = codec->step(state, io);
    if (r != FW_CODEC_MORE || io->in != in_before || io->out != out_before)
        return r;
    if (io->in == io->in_end)
        return FW_CODEC_TRUNCATED;
    io->why = "the decoder made no progress";
    return FW_CODEC_ERROR;
}

bool fw_codec_probe(const fw_codec *codec, const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    uint8_t *scratch = malloc(PROBE_SCRATCH);
    if (!scratch)
        return false;
    void *state = codec->open();
    if (!state) {
        free(scratch);
        return false;
    }
    fw_codec_io io = {.in = data, .in_end = data + size};
    uint64_t produced = 0;
    fw_codec_result r;
    do {
        io.out = scratch;
        io.out_end = scratch + PROBE_SCRATCH;
        r = step_once(codec, state, &io);
        /* What the step wrote: the part of the scratch window it used. */
        produced += PROBE_SCRATCH - (size_t)(io.out_end - io.out);
    } while (r == FW_CODEC_MORE && produced < PROBE_MAX_OUTPUT);
    codec->close(state);
    free(scratch);
    size_t consumed = (size_t)(io.in - data);
    switch (r) {
    case FW_CODEC_MORE: /* too long to follow to its end */
        return true;
    case FW_CODEC_END:
        *length = consumed;
        return true;
    case FW_CODEC_TRUNCATED:
        *length = size;
        return produced > 0;
    case FW_CODEC_ERROR:
        *length = consumed;
        return produced >= PROBE_GOOD_OUTPUT;
    case FW_CODEC_NOMEM:
        break;
    }
    return false;
}

/* Decodes into `out` until the stream ends, fails, or a limit stops it. */
static iotssf_status decode_all(const fw_codec *codec, void *state, const uint8_t *data,
                                size_t size, fw_growbuf *out, codec_run *run, iotssf_error *err)
{
    fw_codec_io io = {.in = data, .in_end = data + size};
    fw_codec_result r = FW_CODEC_MORE;
    while (r == FW_CODEC_MORE) {
        if (out->len == out->cap) {
            iotssf_status st = fw_growbuf_reserve(out, (uint64_t)(io.in - data), err);
            if (st)
                return st;
            if (out->limited)
                break;
        }
        io.out = out->data + out->len;
        io.out_end = out->data + out->cap;
        r = step_once(codec, state, &io);
        out->len = (size_t)(io.out - out->data);
    }
    run->result = r;
    run->why = io.why ? io.why : "corrupt data";
    run->consumed = (size_t)(io.in - data);
    return IOTSSF_OK;
}

static void warn_early_end(fw_sink *sink, const fw_codec *codec, const codec_run *run,
                           const fw_growbuf *out)
{
    if (out->limited)
        fw_sink_warn(sink, "%s stream cut at %zu decoded bytes by a limit", codec->name,
                     out->len);
    else if (run->result == FW_CODEC_TRUNCATED)
        fw_sink_warn(sink, "%s stream truncated after %zu input bytes: kept the %zu bytes "
                     "decoded so far", codec->name, run->consumed, out->len);
    else if (run->result == FW_CODEC_ERROR)
        fw_sink_warn(sink, "%s stream damaged near input byte %zu (%s): kept the %zu bytes "
                     "decoded before it", codec->name, run->consumed, run->why, out->len);
}

iotssf_status fw_codec_unpack(const fw_codec *codec, const uint8_t *data, size_t size,
                              const char *detail, fw_sink *sink, iotssf_error *err)
{
    void *state = codec->open();
    if (!state)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    fw_growbuf out;
    fw_growbuf_init(&out, sink);
    codec_run run = {FW_CODEC_MORE, NULL, 0};
    iotssf_status st = decode_all(codec, state, data, size, &out, &run, err);
    codec->close(state);
    if (!st && run.result == FW_CODEC_NOMEM)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st) {
        fw_growbuf_free(&out);
        return st;
    }
    fw_growbuf_settle(&out);
    warn_early_end(sink, codec, &run, &out);
    fw_sink_describe(sink, "%s%s%zu -> %zu bytes", detail ? detail : "", detail ? ", " : "",
                     run.consumed, out.len);
    if (out.len) {
        char name[64];
        snprintf(name, sizeof name, "%s payload", codec->name);
        st = sink->blob(sink, name, out.data, out.len, err);
    } else if (run.result == FW_CODEC_END) {
        fw_sink_warn(sink, "%s stream is empty", codec->name);
    }
    fw_growbuf_release(&out);
    return st;
}
