/*
 * BACnet/IP: a unicast Who-Is to the target; an I-Am names the device
 * instance and vendor. BACnet/IP has no authentication, so a device that
 * answers takes ReadProperty and WriteProperty from anyone on the network
 * (a finding). Also the generic UDP probe for ports without a protocol of
 * their own.
 */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

size_t bacnet_build_whois(unsigned char *out, size_t cap)
{
    static const unsigned char whois[] = {0x81, 0x0a, 0x00, 0x08, /* BVLC: unicast NPDU */
                                          0x01, 0x00,             /* NPDU: no routing */
                                          0x10, 0x08};            /* unconfirmed Who-Is */
    if (cap < sizeof whois)
        return 0;
    memcpy(out, whois, sizeof whois);
    return sizeof whois;
}

/* A context-free unsigned (application tag 2) of 1 to 4 bytes at p. */
static bool read_unsigned(const unsigned char *p, size_t len, size_t *at, unsigned *v)
{
    if (*at >= len || (p[*at] >> 4) != 2 || (p[*at] & 0x08))
        return false;
    size_t n = p[*at] & 7;
    if (n < 1 || n > 4 || *at + 1 + n > len)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++)
        *v = *v << 8 | p[*at + 1 + i];
    *at += 1 + n;
    return true;
}

bool bacnet_iam_parse(const unsigned char *buf, size_t len, uint32_t *device_instance,
                      unsigned *vendor_id)
{
    if (len < 6 || buf[0] != 0x81 || ((size_t)buf[2] << 8 | buf[3]) != len)
        return false;
    size_t at = 4;
    if (buf[1] == 0x04) /* Forwarded-NPDU: the original sender's address follows */
        at += 6;
    else if (buf[1] != 0x0a && buf[1] != 0x0b)
        return false;
    if (at + 2 > len || buf[at] != 0x01)
        return false;
    unsigned control = buf[at + 1];
    at += 2;
    if (control & 0x20) { /* destination: net, length, address, then hop count */
        if (at + 3 > len)
            return false;
        at += 3 + buf[at + 2];
    }
    if (control & 0x08) { /* source: net, length, address */
        if (at + 3 > len)
            return false;
        at += 3 + buf[at + 2];
    }
    if (control & 0x20)
        at += 1;
    if (control & 0x80) /* a network-layer message, not an APDU */
        return false;
    if (at + 2 > len || buf[at] != 0x10 || buf[at + 1] != 0x00)
        return false;
    at += 2;
    if (at + 5 > len || buf[at] != 0xc4)
        return false;
    uint32_t oid = (uint32_t)buf[at + 1] << 24 | (uint32_t)buf[at + 2] << 16 |
                   (uint32_t)buf[at + 3] << 8 | buf[at + 4];
    if ((oid >> 22) != 8) /* object type: device */
        return false;
    *device_instance = oid & 0x3fffff;
    at += 5;
    unsigned max_apdu, vendor;
    if (!read_unsigned(buf, len, &at, &max_apdu))
        return false;
    if (at + 2 > len || (buf[at] >> 4) != 9) /* segmentation: enumerated */
        return false;
    at += 1 + (buf[at] & 7);
    if (!read_unsigned(buf, len, &at, &vendor))
        return false;
    *vendor_id = vendor;
    return true;
}

int bacnet_udp(probe_target *t, int port)
{
    unsigned char req[16], reply[1500];
    size_t n = bacnet_build_whois(req, sizeof req), got = 0;
    transcript log;
    transcript_init(&log);
    int rc = udp_exchange(t, port, req, n, reply, sizeof reply, &got, &log);
    uint32_t instance;
    unsigned vendor;
    if (rc <= 0 || !bacnet_iam_parse(reply, got, &instance, &vendor))
        return rc;
    char banner[80];
    snprintf(banner, sizeof banner, "I-Am device %u, vendor %u", (unsigned)instance, vendor);
    target_service(t, port, true, "bacnet", NULL, NULL, banner, false);
    target_finding(t, "PROBE-BACNET-NO-AUTH", port, true, &log,
                   "BACnet/IP on port %d answers Who-Is (%s); BACnet takes reads and writes "
                   "without authentication",
                   port, banner);
    return 1;
}

int generic_udp(probe_target *t, int port)
{
    unsigned char reply[1500];
    size_t got = 0;
    int rc = udp_exchange(t, port, "", 0, reply, sizeof reply, &got, NULL);
    if (rc > 0) {
        char banner[120];
        probe_printable(reply, got < 80 ? got : 80, banner, sizeof banner);
        target_service(t, port, true, "unknown", NULL, NULL, banner, false);
    }
    return rc;
}
