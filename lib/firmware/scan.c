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

/* Magic hits whose structure would start in [pos, end), for every format
 * that has a magic, in offset order (registry order at one offset). */
typedef struct candidate {
    size_t start;
    size_t format;
} candidate;

static int compare_candidates(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->format > b->format) - (a->format < b->format);
}

enum { WINDOW = 1 << 20 };

static bool push_candidate(candidate **items, size_t *count, size_t *cap, size_t start,
                           size_t format)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        candidate *grown = realloc(*items, n * sizeof *grown);
        if (!grown)
            return false;
        *items = grown;
        *cap = n;
    }
    (*items)[(*count)++] = (candidate){start, format};
    return true;
}

static bool window_candidates(const uint8_t *data, size_t size, size_t pos, size_t end,
                              const size_t *found, candidate **items, size_t *count, size_t *cap)
{
    *count = 0;
    for (size_t i = 0; i < fw_format_count; i++) {
        const fw_format *f = fw_formats[i];
        if (found[i] >= MAX_HITS_PER_FORMAT)
            continue;
        if (f->magic_len == 0) { /* tried at the start only */
            if (pos == 0 && size > f->magic_offset && !push_candidate(items, count, cap, 0, i))
                return false;
            continue;
        }
        size_t lo = pos + f->magic_offset;
        size_t hi = end + f->magic_offset + f->magic_len - 1;
        if (hi > size)
            hi = size;
        while (lo < hi) {
            const uint8_t *m = memmem(data + lo, hi - lo, f->magic, f->magic_len);
            if (!m)
                break;
            if (!push_candidate(items, count, cap, (size_t)(m - data) - f->magic_offset, i))
                return false;
            lo = (size_t)(m - data) + 1;
        }
    }
    if (*count > 1)
        qsort(*items, *count, sizeof **items, compare_candidates);
    return true;
}

/* Probes every candidate at one offset; keeps the first that knows its
 * length, else the first that does not. */
static bool probe_offset(const uint8_t *data, size_t size, const candidate *c, size_t n,
                         size_t *found, fw_hits *out, uint64_t *claimed_end)
{
    size_t start = c[0].start;
    const fw_format *open = NULL;
    for (size_t k = 0; k < n; k++) {
        const fw_format *f = fw_formats[c[k].format];
        uint64_t length = 0;
        if (!f->probe(data + start, size - start, &length))
            continue;
        found[c[k].format]++;
        if (length) {
            if (length > size - start)
                length = size - start;
            *claimed_end = start + length;
            return push_hit(out, f, start, length);
        }
        if (!open)
            open = f;
    }
    if (!open)
        return true;
    *claimed_end = start + 1;
    return push_hit(out, open, start, 0);
}

static bool scan_at_start(const uint8_t *data, size_t size, fw_hits *out)
{
    fw_hits all = {0};
    for (size_t i = 0; i < fw_format_count; i++)
        if (!scan_format(fw_formats[i], data, size, true, &all)) {
            free(all.items);
            return false;
        }
    if (all.count > 1)
        qsort(all.items, all.count, sizeof *all.items, compare_hits);
    bool ok = all.count == 0 || push_hit(out, all.items[0].format, 0, all.items[0].length);
    free(all.items);
    return ok;
}

bool fw_scan(const uint8_t *data, size_t size, bool only_at_start, fw_hits *out)
{
    memset(out, 0, sizeof *out);
    if (only_at_start)
        return scan_at_start(data, size, out);
    /* In offset order, a window at a time, so that nothing inside a
     * structure already claimed is searched or probed (a squashfs holds an
     * xz magic at every block). Formats without a magic are tried at the
     * start only. */
    size_t *found = calloc(fw_format_count, sizeof *found);
    candidate *items = NULL;
    size_t count = 0, cap = 0;
    bool ok = found != NULL;
    uint64_t claimed_end = 0;
    for (size_t pos = 0; ok && pos < size;) {
        size_t end = size - pos > WINDOW ? pos + WINDOW : size;
        ok = window_candidates(data, size, pos, end, found, &items, &count, &cap);
        for (size_t k = 0; ok && k < count;) {
            size_t same = 1;
            while (k + same < count && items[k + same].start == items[k].start)
                same++;
            if (items[k].start >= claimed_end)
                ok = probe_offset(data, size, items + k, same, found, out, &claimed_end);
            k += same;
        }
        pos = claimed_end > end ? (size_t)claimed_end : end;
    }
    free(items);
    free(found);
    if (!ok)
        fw_hits_free(out);
    return ok;
}

void fw_hits_free(fw_hits *h)
{
    free(h->items);
    memset(h, 0, sizeof *h);
}
