/*
 * libFuzzer target for CoAP replies (lib/probe/coap.c): header, token,
 * options with extended deltas and lengths, payload. Seeds:
 * fuzz/corpus/probe_coap/ (a libcoap reply).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    coap_reply r;
    if (coap_reply_parse(data, size, &r) && r.payload &&
        (r.payload < data || r.payload + r.payload_len > data + size))
        abort();
    return 0;
}
