/*
 * libFuzzer target for UPnP (lib/probe/ssdp.c): an SSDP answer, the
 * LOCATION URL it carries, and the same bytes read as a device description
 * (services, control URLs) and as a SOAP answer. Seeds:
 * fuzz/corpus/probe_ssdp/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ssdp_reply r;
    upnp_url u;
    if (ssdp_reply_parse(text, size, &r) && upnp_url_parse(r.location, &u) &&
        (u.port < 1 || u.port > 65535))
        abort();
    upnp_service s[16];
    size_t n = upnp_services_parse(text, size, s, 16);
    if (n > 16)
        abort();
    char value[64];
    upnp_element_text(text, size, "NewExternalIPAddress", value, sizeof value);
    return 0;
}
