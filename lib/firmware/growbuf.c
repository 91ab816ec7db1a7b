/*
 * The growing output buffer shared by stream and archive readers; see
 * growbuf.h. The sink's accounting (fw_sink_may_allocate) judges one whole
 * file at a time, so each growth re-asks it about the buffer's whole new
 * size after taking the buffer's earlier charge back out of the running
 * total: the per-file and ratio limits then see the stream's real size, and
 * the total is charged exactly once.
 */
#include "growbuf.h"

#include <stdlib.h>
#include <string.h>

/* The first allocation; small streams never need more. */
enum { GROWBUF_FIRST = 64 * 1024 };
/* fw_sink_may_allocate ignores the ratio below this size (see sink.c). */
#define GROWBUF_RATIO_FLOOR (1024u * 1024u)

void fw_growbuf_init(fw_growbuf *b, fw_sink *sink)
{
    memset(b, 0, sizeof *b);
    b->sink = sink;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* The largest capacity the limits could accept now; the sink itself still
 * decides (and words the warning) when even one more byte is too many. */
static uint64_t next_capacity(const fw_growbuf *b, uint64_t packed)
{
    const iotssf_fw_limits *l = b->sink->limits;
    uint64_t want = b->cap ? (uint64_t)b->cap * 2 : GROWBUF_FIRST;
    want = min_u64(want, l->max_file_bytes);
    if (packed && want > GROWBUF_RATIO_FLOOR) {
        uint64_t by_ratio = packed > UINT64_MAX / (l->max_ratio ? l->max_ratio : 1)
                                ? UINT64_MAX
                                : packed * l->max_ratio;
        if (by_ratio < GROWBUF_RATIO_FLOOR)
            by_ratio = GROWBUF_RATIO_FLOOR;
        want = min_u64(want, by_ratio);
    }
    if (b->sink->unpacked_bytes) {
        uint64_t others = *b->sink->unpacked_bytes - b->charged;
        uint64_t room = l->max_total_bytes > others ? l->max_total_bytes - others : 0;
        want = min_u64(want, room);
    }
    if (want > SIZE_MAX)
        want = SIZE_MAX;
    return want > b->cap ? want : (uint64_t)b->cap + 1;
}

iotssf_status fw_growbuf_reserve(fw_growbuf *b, uint64_t packed, iotssf_error *err)
{
    if (b->limited)
        return IOTSSF_OK;
    uint64_t want = next_capacity(b, packed);
    uint64_t *total = b->sink->unpacked_bytes;
    if (total)
        *total -= b->charged;
    if (want > SIZE_MAX || !fw_sink_may_allocate(b->sink, want, packed)) {
        if (total)
            *total += b->charged;
        b->limited = true;
        return IOTSSF_OK;
    }
    uint8_t *grown = realloc(b->data, (size_t)want);
    if (!grown) {
        if (total)
            *total = *total - want + b->charged;
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    b->data = grown;
    b->cap = (size_t)want;
    b->charged = want;
    return IOTSSF_OK;
}

void fw_growbuf_settle(fw_growbuf *b)
{
    if (b->sink && b->sink->unpacked_bytes && b->charged > b->len)
        *b->sink->unpacked_bytes -= b->charged - b->len;
    if (b->charged > b->len)
        b->charged = b->len;
}

void fw_growbuf_free(fw_growbuf *b)
{
    fw_growbuf_settle(b);
    if (b->sink && b->sink->unpacked_bytes)
        *b->sink->unpacked_bytes -= b->charged;
    free(b->data);
    fw_sink *sink = b->sink;
    fw_growbuf_init(b, sink);
}

void fw_growbuf_release(fw_growbuf *b)
{
    fw_growbuf_settle(b);
    free(b->data);
    fw_sink *sink = b->sink;
    fw_growbuf_init(b, sink);
}
