/*
 * libFuzzer target for the JFFS2 reader (both byte orders): probe, then
 * unpack whatever the input is, through a sink that reads every byte an
 * entry hands over, so a reader that points outside its buffers is caught
 * by AddressSanitizer. Seeds: fuzz/corpus/jffs2/ (small mkfs.jffs2 images).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/reader.h"
#include "fuzz_common.h"

extern const fw_format fw_format_jffs2_le;
extern const fw_format fw_format_jffs2_be;

static iotssf_status on_entry(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
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

static void on_warn(fw_sink *s, const char *message)
{
    (void)s;
    if (!message[0])
        fuzz_fail("an empty warning", NULL);
}

static void run(const fw_format *f, const uint8_t *data, size_t size)
{
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 64u << 20;
    limits.max_total_bytes = 256u << 20;
    uint64_t unpacked = 0, length = 0;
    unsigned sum = 0;
    fw_sink sink = {on_entry, NULL, on_warn, NULL, &limits, &unpacked, &sum};
    if (f->probe(data, size, &length) && length > size)
        fuzz_fail("probe claims more than the input", NULL);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = f->unpack(data, size, &sink, &err);
    if (st)
        fuzz_check_error(st, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(&fw_format_jffs2_le, data, size);
    run(&fw_format_jffs2_be, data, size);
    return 0;
}
