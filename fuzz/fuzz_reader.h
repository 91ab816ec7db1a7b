/*
 * What the firmware-reader fuzz targets (fuzz_streams.c, fuzz_headers.c,
 * fuzz_archive.c) share: a sink that touches every byte a reader hands it
 * (so the sanitizers see any bad pointer) and checks the reader interface's
 * promises, and a runner that treats one input as an image starting at one
 * reader's magic, probing and unpacking it the way the core does, under
 * small limits so that bombs are cut quickly.
 */
#ifndef IOTSSF_FUZZ_READER_H
#define IOTSSF_FUZZ_READER_H

#include <stdint.h>
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

#endif
