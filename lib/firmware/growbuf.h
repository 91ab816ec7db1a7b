/*
 * A growing output buffer for readers that unpack content of a size they
 * cannot trust in advance (decompressed streams, archive members). Every
 * growth is charged against the sink's limits before memory is taken, so a
 * decompression bomb stops at the per-file, ratio or total limit with the
 * sink's warning, holding at most twice what the limits allow.
 */
#ifndef IOTSSF_FIRMWARE_GROWBUF_H
#define IOTSSF_FIRMWARE_GROWBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

typedef struct fw_growbuf {
    fw_sink *sink;
    uint8_t *data;
    size_t len, cap;
    uint64_t charged; /* bytes of the sink's running total this buffer holds */
    bool limited;     /* a limit refused more room; the sink has warned */
} fw_growbuf;

void fw_growbuf_init(fw_growbuf *b, fw_sink *sink);

/* Makes room for at least one more byte (the buffer roughly doubles),
 * charging the new capacity against the limits with `packed` input bytes
 * read so far. When a limit refuses, sets b->limited and returns IOTSSF_OK
 * with no room; only out-of-memory fails. */
iotssf_status fw_growbuf_reserve(fw_growbuf *b, uint64_t packed, iotssf_error *err);

/* Gives back the charge for capacity that was never filled. */
void fw_growbuf_settle(fw_growbuf *b);

/* Settles the buffer and gives its whole charge back too: for content that
 * was dropped rather than emitted. */
void fw_growbuf_free(fw_growbuf *b);

/* Settles, then frees the memory; the charge for the content stays. */
void fw_growbuf_release(fw_growbuf *b);

#endif
