/*
 * libFuzzer target for Modbus/TCP and BACnet/IP replies (lib/probe/modbus.c,
 * bacnet.c): MBAP frames with device identification objects; BVLC/NPDU/APDU
 * I-Am. Seeds: fuzz/corpus/probe_modbus/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    modbus_reply r;
    if (modbus_reply_parse(data, size, &r) == 1 &&
        (r.frame_len > size || strlen(r.vendor) >= sizeof r.vendor))
        abort();
    uint32_t instance;
    unsigned vendor;
    if (bacnet_iam_parse(data, size, &instance, &vendor) && instance > 0x3fffff)
        abort();
    return 0;
}
