/*
 * libFuzzer target for the FTP reply parser (lib/probe/ftp.c): replies are
 * consumed one after another as the client does; a consumed length must
 * never exceed what is there. Seeds: fuzz/corpus/probe_ftp/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    int code;
    size_t used;
    while (at < size && ftp_reply_parse((const char *)data + at, size - at, &code, &used) == 1) {
        if (used == 0 || used > size - at || code < 100 || code > 599)
            abort();
        at += used;
    }
    return 0;
}
