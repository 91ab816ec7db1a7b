/*
 * libFuzzer target for the RTSP path list (lib/probe/rtsp.c,
 * data/probe/rtsp-paths.txt): a list that parses holds at most
 * RTSP_PATHS_MAX paths, each starting with '/', printable, terminated
 * within its field. Seeds: fuzz/corpus/probe_rtsp_paths/ (the shipped list).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rtsp_paths p; /* 12 KiB: off the fuzzer's stack; rewritten each run */
    iotssf_error err;
    if (rtsp_paths_parse(&p, "fuzz", (const char *)data, size, &err) != IOTSSF_OK)
        return 0;
    if (p.count > RTSP_PATHS_MAX)
        abort();
    for (size_t i = 0; i < p.count; i++) {
        size_t len = strnlen(p.items[i], RTSP_PATH_MAX);
        if (len == 0 || len == RTSP_PATH_MAX || p.items[i][0] != '/')
            abort();
        for (size_t k = 0; k < len; k++)
            if (!isgraph((unsigned char)p.items[i][k]))
                abort();
    }
    return 0;
}
