/*
 * libFuzzer target for the SNMP response parser (lib/probe/snmp.c): BER
 * read by hand, every length against the rest of the datagram. Seeds:
 * fuzz/corpus/probe_snmp/ (a net-snmp reply).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    snmp_reply r;
    if (snmp_reply_parse(data, size, &r) &&
        (strlen(r.value) >= sizeof r.value || strlen(r.community) >= sizeof r.community ||
         r.version < 0 || r.version > 1))
        abort();
    return 0;
}
