/*
 * Services the unpacking core offers readers: warnings, descriptions, and
 * the size/ratio accounting that keeps decompression bombs in check.
 */
#include <stdarg.h>
#include <stdio.h>

#include "reader.h"

void fw_sink_warn(fw_sink *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (s->warn)
        s->warn(s, buf);
}

void fw_sink_describe(fw_sink *s, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (s->describe)
        s->describe(s, buf);
}

bool fw_sink_may_allocate(fw_sink *s, uint64_t bytes, uint64_t packed)
{
    const iotssf_fw_limits *l = s->limits;
    if (bytes > l->max_file_bytes) {
        fw_sink_warn(s, "skipped %llu bytes: larger than the per-file limit of %llu",
                     (unsigned long long)bytes, (unsigned long long)l->max_file_bytes);
        return false;
    }
    if (packed && bytes / (packed ? packed : 1) > l->max_ratio && bytes > 1024 * 1024) {
        fw_sink_warn(s, "skipped %llu bytes unpacked from %llu: ratio above %u",
                     (unsigned long long)bytes, (unsigned long long)packed, l->max_ratio);
        return false;
    }
    if (s->unpacked_bytes) {
        if (*s->unpacked_bytes + bytes > l->max_total_bytes) {
            fw_sink_warn(s, "stopped: unpacked content would pass the total limit of %llu bytes",
                         (unsigned long long)l->max_total_bytes);
            return false;
        }
        *s->unpacked_bytes += bytes;
    }
    return true;
}

iotssf_fw_limits iotssf_fw_default_limits(void)
{
    return (iotssf_fw_limits){
        .max_total_bytes = 4ull << 30,
        .max_file_bytes = 512ull << 20,
        .max_ratio = 1000,
        .max_entries = 1000000,
        .max_depth = 8,
    };
}
