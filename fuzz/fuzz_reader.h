/*
 * What the firmware-reader fuzz targets share. Three harnesses, one per way
 * the targets were written to check a reader:
 * - fuzz_run_format (fuzz_streams.c, fuzz_headers.c, fuzz_archive.c): a sink
 *   that touches every byte a reader hands it (so the sanitizers see any bad
 *   pointer) and checks the reader interface's promises, and a runner that
 *   treats one input as an image starting at one reader's magic, probing and
 *   unpacking it the way the core does, under small limits so that bombs are
 *   cut quickly;
 * - fuzz_run_sampled (fuzz_jffs2.c, fuzz_romfs.c, fuzz_yaffs2.c, fuzz_ubi.c):
 *   every input is probed and unpacked whatever its magic, under roomy
 *   limits, through a sink that reads every 61st and the last byte of each
 *   file (enough for AddressSanitizer to catch a pointer outside its buffer);
 * - fuzz_run_strict (fuzz_cramfs.c): every byte is read, the entry's mode,
 *   data and link target must agree with its kind, and unpack may fail only
 *   for memory or the sink, never for the input.
 */
#ifndef IOTSSF_FUZZ_READER_H
#define IOTSSF_FUZZ_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/reader.h"
#include "fuzz_common.h"

typedef struct fuzz_reader_state {
    iotssf_fw_limits limits;
    uint64_t unpacked;
    uint64_t touched; /* a sum of every byte seen, so reads cannot be elided */
    size_t input_size;
} fuzz_reader_state;

static inline void fuzz_touch(fuzz_reader_state *st, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st->touched += p[i];
}

static inline iotssf_status fuzz_on_entry(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
{
    (void)err;
    fuzz_reader_state *st = s->ctx;
    if (!e->path)
        fuzz_fail("an entry without a path", NULL);
    st->touched += strlen(e->path);
    if ((unsigned)e->kind > IOTSSF_FW_SOCKET)
        fuzz_fail("an entry of no known kind", NULL);
    if (e->size && (e->kind != IOTSSF_FW_FILE || !e->data))
        fuzz_fail("an entry with a size but no data", NULL);
    if (e->size > st->limits.max_file_bytes)
        fuzz_fail("an entry larger than the file limit", NULL);
    if (e->data)
        fuzz_touch(st, e->data, (size_t)e->size);
    if ((e->kind == IOTSSF_FW_SYMLINK || e->kind == IOTSSF_FW_HARDLINK) && !e->link_target)
        fuzz_fail("a link without a target", NULL);
    if (e->link_target)
        st->touched += strlen(e->link_target);
    return IOTSSF_OK;
}

static inline iotssf_status fuzz_on_blob(fw_sink *s, const char *name, const uint8_t *data,
                                         size_t size, iotssf_error *err)
{
    (void)err;
    fuzz_reader_state *st = s->ctx;
    if (!name || (size && !data))
        fuzz_fail("a blob without a name or data", NULL);
    st->touched += strlen(name);
    fuzz_touch(st, data, size);
    return IOTSSF_OK;
}

static inline void fuzz_on_text(fw_sink *s, const char *text)
{
    fuzz_reader_state *st = s->ctx;
    st->touched += strlen(text);
}

/* Probes `data` as format f (when its magic is there) and unpacks it if the
 * probe accepts, as the core would. */
static inline void fuzz_run_format(const fw_format *f, const uint8_t *data, size_t size)
{
    if (size < f->magic_offset + f->magic_len ||
        memcmp(data + f->magic_offset, f->magic, f->magic_len) != 0)
        return;
    uint64_t length = 0;
    if (!f->probe(data, size, &length))
        return;
    if (length > size)
        fuzz_fail("a probe measured past the end of the buffer", NULL);
    fuzz_reader_state st = {.input_size = size};
    st.limits = iotssf_fw_default_limits();
    st.limits.max_file_bytes = 1u << 20;
    st.limits.max_total_bytes = 4u << 20;
    st.limits.max_ratio = 200;
    st.limits.max_entries = 500;
    fw_sink sink = {fuzz_on_entry, fuzz_on_blob, fuzz_on_text, fuzz_on_text,
                    &st.limits, &st.unpacked, &st};
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status status = f->unpack(data, size, &sink, &err);
    if (status == IOTSSF_E_NOMEM)
        fuzz_check_error(status, &err);
    else if (status != IOTSSF_OK)
        fuzz_fail("a reader failed on bad input instead of warning", &err);
    if (st.unpacked > st.limits.max_total_bytes)
        fuzz_fail("unpacked past the total limit", NULL);
}

/* A sink callback for payloads; fuzz_ubi.c reads its volumes again. */
typedef iotssf_status (*fuzz_blob_fn)(fw_sink *s, const char *name, const uint8_t *data,
                                      size_t size, iotssf_error *err);

static inline iotssf_status fuzz_sampled_entry(fw_sink *s, const iotssf_fw_entry *e,
                                               iotssf_error *err)
{
    (void)err;
    unsigned *sum = s->ctx;
    if (!e->path || (e->kind == IOTSSF_FW_FILE && e->size && !e->data))
        fuzz_fail("an entry without a path or without its data", NULL);
    *sum += (unsigned)strlen(e->path);
    for (uint64_t i = 0; e->kind == IOTSSF_FW_FILE && i < e->size; i += 61)
        *sum += e->data[i];
    if (e->kind == IOTSSF_FW_FILE && e->size)
        *sum += e->data[e->size - 1];
    if ((e->kind == IOTSSF_FW_SYMLINK || e->kind == IOTSSF_FW_HARDLINK) && !e->link_target)
        fuzz_fail("a link without a target", NULL);
    if (e->link_target)
        *sum += (unsigned)strlen(e->link_target);
    return IOTSSF_OK;
}

static inline void fuzz_sampled_warn(fw_sink *s, const char *message)
{
    (void)s;
    if (!message[0])
        fuzz_fail("an empty warning", NULL);
}

/* Probes and unpacks `data` as format f whatever it holds; payloads go to
 * on_blob (none when NULL). */
static inline void fuzz_run_sampled(const fw_format *f, const uint8_t *data, size_t size,
                                    fuzz_blob_fn on_blob)
{
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 64u << 20;
    limits.max_total_bytes = 256u << 20;
    uint64_t unpacked = 0, length = 0;
    unsigned sum = 0;
    fw_sink sink = {fuzz_sampled_entry, on_blob, fuzz_sampled_warn, NULL, &limits, &unpacked, &sum};
    if (f->probe(data, size, &length) && length > size)
        fuzz_fail("probe claims more than the input", NULL);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = f->unpack(data, size, &sink, &err);
    if (st)
        fuzz_check_error(st, &err);
}

typedef struct fuzz_strict_state {
    const char *format; /* named in what a broken promise prints */
    unsigned sum;
} fuzz_strict_state;

static inline void fuzz_strict_broken(const fuzz_strict_state *st, const char *what)
{
    fprintf(stderr, "fuzz: %s entry: %s\n", st->format, what);
    abort();
}

static inline iotssf_status fuzz_strict_entry(fw_sink *s, const iotssf_fw_entry *e,
                                              iotssf_error *err)
{
    (void)err;
    fuzz_strict_state *st = s->ctx;
    if (!e->path || e->mode & ~07777u)
        fuzz_strict_broken(st, "no path, or mode bits beyond 07777");
    bool has_data = e->kind == IOTSSF_FW_FILE && e->size > 0;
    if (has_data != (e->data != NULL))
        fuzz_strict_broken(st, "data present without bytes, or bytes without data");
    if ((e->kind == IOTSSF_FW_SYMLINK || e->kind == IOTSSF_FW_HARDLINK) != (e->link_target != NULL))
        fuzz_strict_broken(st, "link target on the wrong kind");
    for (size_t i = 0; e->path[i]; i++)
        st->sum += (unsigned char)e->path[i];
    for (uint64_t i = 0; has_data && i < e->size; i++)
        st->sum += e->data[i];
    if (e->link_target)
        st->sum += (unsigned)strlen(e->link_target);
    return IOTSSF_OK;
}

static inline void fuzz_strict_message(fw_sink *s, const char *message)
{
    if (!message || !*message)
        fuzz_strict_broken(s->ctx, "empty message");
}

/* Probes `data` as format f (the probe's extent must lie inside it) and
 * unpacks it, which must succeed: only memory or the sink may fail it. */
static inline void fuzz_run_strict(const fw_format *f, const char *format, const uint8_t *data,
                                   size_t size)
{
    fuzz_strict_state st = {format, 0};
    uint64_t length = 0;
    if (f->probe(data, size, &length) && (length == 0 || length > size))
        fuzz_strict_broken(&st, "probe extent outside the input");
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_total_bytes = 4u << 20;
    limits.max_file_bytes = 1u << 20;
    limits.max_entries = 5000;
    uint64_t unpacked = 0;
    fw_sink sink = {fuzz_strict_entry, NULL, fuzz_strict_message, fuzz_strict_message,
                    &limits, &unpacked, &st};
    iotssf_error err;
    memset(&err, 0, sizeof err);
    if (f->unpack(data, size, &sink, &err) != IOTSSF_OK)
        fuzz_strict_broken(&st, "unpack failed on input alone (only memory or the sink may fail it)");
    if (unpacked > limits.max_total_bytes)
        fuzz_strict_broken(&st, "unpacked past the total limit");
}

#endif
