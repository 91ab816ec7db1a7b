/*
 * libFuzzer target for the certificate judgement (lib/probe/tls.c): a DER
 * certificate as a TLS server would present it, assessed for a host name
 * and for an address. Seeds: fuzz/corpus/probe_tls/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tls_cert_facts f;
    if (tls_cert_assess(data, size, "camera.example", 1767225600, &f) && !f.parsed)
        abort();
    tls_cert_assess(data, size, "192.0.2.1", 1767225600, &f);
    return 0;
}
