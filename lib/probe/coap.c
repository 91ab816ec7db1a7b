/*
 * CoAP (RFC 7252) over UDP: a confirmable GET of /.well-known/core, the
 * resource directory every CoAP server keeps. A 2.05 Content answer lists
 * the device's resources to anyone (a finding: CoAP has no authentication
 * of its own; DTLS or OSCORE must provide it).
 */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

enum { OPT_URI_PATH = 11 };

/* One option with delta/length nibbles and their extended forms. */
static size_t put_option(unsigned char *out, size_t cap, size_t n, unsigned delta,
                         const char *value, size_t len)
{
    unsigned char head[5];
    size_t h = 1;
    unsigned dn = delta < 13 ? delta : 13, ln = len < 13 ? (unsigned)len : 13;
    head[0] = (unsigned char)(dn << 4 | ln);
    if (dn == 13)
        head[h++] = (unsigned char)(delta - 13);
    if (ln == 13)
        head[h++] = (unsigned char)(len - 13);
    if (len > 268 || delta > 268 || n + h + len > cap)
        return cap + 1;
    memcpy(out + n, head, h);
    memcpy(out + n + h, value, len);
    return n + h + len;
}

size_t coap_build_get(unsigned char *out, size_t cap, uint16_t message_id, const char *path)
{
    if (cap < 4)
        return 0;
    out[0] = 0x40; /* version 1, confirmable, no token */
    out[1] = 0x01; /* 0.01 GET */
    out[2] = (unsigned char)(message_id >> 8);
    out[3] = (unsigned char)message_id;
    size_t n = 4;
    unsigned last = 0;
    for (const char *p = path; *p && n <= cap;) {
        while (*p == '/')
            p++;
        size_t len = strcspn(p, "/");
        if (!len)
            break;
        n = put_option(out, cap, n, OPT_URI_PATH - last, p, len);
        last = OPT_URI_PATH;
        p += len;
    }
    return n <= cap ? n : 0;
}

/* Reads an extended option nibble; false when it runs past the end. */
static bool option_value(unsigned nibble, const unsigned char *buf, size_t len, size_t *at,
                         size_t *value)
{
    if (nibble < 13) {
        *value = nibble;
        return true;
    }
    if (nibble == 13) {
        if (*at >= len)
            return false;
        *value = 13u + buf[(*at)++];
        return true;
    }
    if (nibble == 14) {
        if (*at + 2 > len)
            return false;
        *value = 269u + ((size_t)buf[*at] << 8 | buf[*at + 1]);
        *at += 2;
        return true;
    }
    return false; /* 15 is reserved for the payload marker */
}

bool coap_reply_parse(const unsigned char *buf, size_t len, coap_reply *r)
{
    memset(r, 0, sizeof *r);
    if (len < 4 || (buf[0] >> 6) != 1)
        return false;
    size_t tkl = buf[0] & 0x0f;
    if (tkl > 8 || 4 + tkl > len)
        return false;
    r->type = (buf[0] >> 4) & 3;
    r->code_class = buf[1] >> 5;
    r->code_detail = buf[1] & 0x1f;
    r->message_id = (uint16_t)(buf[2] << 8 | buf[3]);
    size_t at = 4 + tkl;
    while (at < len) {
        if (buf[at] == 0xff) {
            if (at + 1 >= len)
                return false; /* a marker without payload is a format error */
            r->payload = buf + at + 1;
            r->payload_len = len - at - 1;
            return true;
        }
        unsigned dn = buf[at] >> 4, ln = buf[at] & 0x0f;
        at++;
        size_t delta, olen;
        if (!option_value(dn, buf, len, &at, &delta) || !option_value(ln, buf, len, &at, &olen))
            return false;
        if (olen > len - at)
            return false;
        at += olen;
    }
    return true;
}

int coap_udp(probe_target *t, int port)
{
    unsigned char req[64], reply[1500];
    size_t n = coap_build_get(req, sizeof req, 0x5a17, "/.well-known/core"), got = 0;
    transcript log;
    transcript_init(&log);
    int rc = n ? udp_exchange(t, port, req, n, reply, sizeof reply, &got, &log) : 0;
    coap_reply r;
    if (rc <= 0 || !coap_reply_parse(reply, got, &r))
        return rc;
    char resources[200];
    probe_printable(r.payload, r.payload_len < 150 ? r.payload_len : 150, resources,
                    sizeof resources);
    target_service(t, port, true, "coap", NULL, NULL, resources, false);
    if (r.code_class == 2)
        target_finding(t, "PROBE-COAP-NO-AUTH", port, true, &log,
                       "CoAP on port %d lists its resources to anyone: %s", port, resources);
    return 1;
}
