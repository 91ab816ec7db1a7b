/*
 * Finding structures in a buffer: every reader's magic is searched for, each
 * hit is validated by the reader's probe, and overlapping hits are resolved
 * in favour of the earliest structure whose length is known, so nothing is
 * unpacked twice from inside a structure already claimed.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "scan.h"

enum { MAX_HITS_PER_FORMAT = 4096 };

static int compare_hits(const void *pa, const void *pb)
{
    const fw_hit *a = pa, *b = pb;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    /* At one offset, the structure that knows its length first. */
    return (a->length == 0) - (b->length == 0);
}

static bool push_hit(fw_hits *h, const fw_format *f, uint64_t offset, uint64_t length)
{
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 32;
        fw_hit *grown = realloc(h->items, cap * sizeof *grown);
        if (!grown)
            return false;
        h->items = grown;
        h->cap = cap;
    }
    h->items[h->count++] = (fw_hit){f, offset, length};
    return true;
}

static bool scan_format(const fw_format *f, const uint8_t *data, size_t size, bool only_at_start,
                        fw_hits *h)
{
    size_t found = 0;
    uint64_t length;
    if (f->magic_len == 0 || only_at_start) {
        /* Formats without a magic are tried at the start only. */
        if (size > f->magic_offset + f->magic_len &&
            (f->magic_len == 0 ||
             memcmp(data + f->magic_offset, f->magic, f->magic_len) == 0) &&
            f->probe(data, size, &length))
            return push_hit(h, f, 0, length);
        return true;
    }
    const uint8_t *p = data + f->magic_offset;
    const uint8_t *end = data + size;
    while (p < end && found < MAX_HITS_PER_FORMAT) {
        const uint8_t *m = memmem(p, (size_t)(end - p), f->magic, f->magic_len);
        if (!m)
            break;
        size_t start = (size_t)(m - data) - f->magic_offset;
        if (f->probe(data + start, size - start, &length)) {
            if (length > size - start)
                length = size - start;
            if (!push_hit(h, f, start, length))
                return false;
            found++;
            /* Formats whose magic repeats inside them (every JFFS2 node,
             * every UBI block) would otherwise be probed from each copy. */
            if (length) {
                p = data + start + length + f->magic_offset;
                continue;
            }
        }
        p = m + 1;
    }
    return true;
}

bool fw_scan(const uint8_t *data, size_t size, bool only_at_start, fw_hits *out)
{
    fw_hits all = {0};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < fw_format_count; i++)
        if (!scan_format(fw_formats[i], data, size, only_at_start, &all)) {
            free(all.items);
            return false;
        }
    if (all.count > 1)
        qsort(all.items, all.count, sizeof *all.items, compare_hits);
    /* Keep hits that do not start inside a structure already kept. */
    uint64_t claimed_end = 0;
    for (size_t i = 0; i < all.count; i++) {
        const fw_hit *hit = &all.items[i];
        if (hit->offset < claimed_end)
            continue;
        if (!push_hit(out, hit->format, hit->offset, hit->length)) {
            free(all.items);
            return false;
        }
        /* Unknown length: the structure may run to the end, but other
         * structures after it are still worth trying. */
        claimed_end = hit->length ? hit->offset + hit->length : hit->offset + 1;
    }
    free(all.items);
    return true;
}

void fw_hits_free(fw_hits *h)
{
    free(h->items);
    memset(h, 0, sizeof *h);
}
