/*
 * libFuzzer target for the cramfs reader (lib/firmware/cramfs.c): one
 * input is one image, in either byte order. It is probed and then
 * unpacked, with small limits, into a sink that checks what every entry
 * promises (a path; file data exactly when a file has bytes; a target for
 * links) and reads every byte it is given, so a bad length shows up under
 * the sanitizers. Seeds: fuzz/corpus/cramfs/ (tiny images from
 * mkfs.cramfs, both byte orders, with and without holes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/reader.h"

extern const fw_format fw_format_cramfs_le;

static void broken(const char *what)
{
    fprintf(stderr, "fuzz: cramfs entry: %s\n", what);
    abort();
}

static iotssf_status check_entry(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
{
    (void)err;
    unsigned *sum = s->ctx;
    if (!e->path || e->mode & ~07777u)
        broken("no path, or mode bits beyond 07777");
    bool has_data = e->kind == IOTSSF_FW_FILE && e->size > 0;
    if (has_data != (e->data != NULL))
        broken("data present without bytes, or bytes without data");
    if ((e->kind == IOTSSF_FW_SYMLINK || e->kind == IOTSSF_FW_HARDLINK) != (e->link_target != NULL))
        broken("link target on the wrong kind");
    for (size_t i = 0; e->path[i]; i++)
        *sum += (unsigned char)e->path[i];
    for (uint64_t i = 0; has_data && i < e->size; i++)
        *sum += e->data[i];
    if (e->link_target)
        *sum += (unsigned)strlen(e->link_target);
    return IOTSSF_OK;
}

static void ignore(fw_sink *s, const char *message)
{
    (void)s;
    if (!message || !*message)
        broken("empty message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t length = 0;
    if (fw_format_cramfs_le.probe(data, size, &length) && (length == 0 || length > size))
        broken("probe extent outside the input");
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_total_bytes = 4u << 20;
    limits.max_file_bytes = 1u << 20;
    limits.max_entries = 5000;
    uint64_t unpacked = 0;
    unsigned sum = 0;
    fw_sink sink = {check_entry, NULL, ignore, ignore, &limits, &unpacked, &sum};
    iotssf_error err;
    memset(&err, 0, sizeof err);
    if (fw_format_cramfs_le.unpack(data, size, &sink, &err) != IOTSSF_OK)
        broken("unpack failed on input alone (only memory or the sink may fail it)");
    if (unpacked > limits.max_total_bytes)
        broken("unpacked past the total limit");
    return 0;
}
