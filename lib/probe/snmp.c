/*
 * SNMP v1/v2c: does the agent answer the well-known communities "public"
 * and "private"? One GetRequest for sysDescr.0 per version and community,
 * all four sent at once and matched by request id, so a silent agent costs
 * one timeout, not four. The reply's sysDescr names the device. BER is
 * built and read here by hand, with every length checked against what is
 * left of the datagram.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe_internal.h"
#include "protocols.h"

/* ---- building ---- */

static size_t put_length(unsigned char *out, size_t len)
{
    if (len < 128) {
        out[0] = (unsigned char)len;
        return 1;
    }
    if (len < 256) {
        out[0] = 0x81;
        out[1] = (unsigned char)len;
        return 2;
    }
    out[0] = 0x82;
    out[1] = (unsigned char)(len >> 8);
    out[2] = (unsigned char)len;
    return 3;
}

/* Wraps out[0..len) in tag+length, in place; returns the new length. */
static size_t wrap(unsigned char *out, size_t cap, size_t len, unsigned char tag)
{
    unsigned char head[4];
    head[0] = tag;
    size_t h = 1 + put_length(head + 1, len);
    if (len + h > cap || len > 65535)
        return 0;
    memmove(out + h, out, len);
    memcpy(out, head, h);
    return len + h;
}

static size_t put_integer(unsigned char *out, uint32_t v)
{
    unsigned char bytes[5];
    size_t n = 0;
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes[n++] = (unsigned char)(v >> shift);
    size_t skip = 0;
    while (skip < 3 && bytes[skip] == 0 && !(bytes[skip + 1] & 0x80))
        skip++;
    /* A positive value whose top bit is set needs a leading zero. */
    size_t len = 4 - skip;
    size_t at = 2;
    if (bytes[skip] & 0x80) {
        out[at++] = 0;
        len++;
    }
    memcpy(out + at, bytes + skip, 4 - skip);
    out[0] = 0x02;
    out[1] = (unsigned char)len;
    return 2 + len;
}

size_t snmp_build_get(unsigned char *out, size_t cap, int version, const char *community,
                      uint32_t request_id)
{
    static const unsigned char varbinds[] = {0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
                                             0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
                                             0x05, 0x00};
    size_t clen = strlen(community);
    if (cap < 64 + clen || clen > 255)
        return 0;
    /* The PDU body first, then wrapped, then the message around it. */
    unsigned char pdu[64];
    size_t n = put_integer(pdu, request_id);
    n += put_integer(pdu + n, 0);
    n += put_integer(pdu + n, 0);
    memcpy(pdu + n, varbinds, sizeof varbinds);
    n += sizeof varbinds;
    size_t m = put_integer(out, (uint32_t)version);
    out[m++] = 0x04;
    m += put_length(out + m, clen);
    memcpy(out + m, community, clen);
    m += clen;
    memcpy(out + m, pdu, n);
    size_t pdu_len = wrap(out + m, cap - m, n, 0xa0);
    if (!pdu_len)
        return 0;
    return wrap(out, cap, m + pdu_len, 0x30);
}

/* ---- reading ---- */

typedef struct ber {
    const unsigned char *p;
    size_t len;
} ber;

/* The next TLV of `in`: its tag and contents; `in` moves past it. */
static bool ber_next(ber *in, unsigned *tag, ber *content)
{
    if (in->len < 2)
        return false;
    *tag = in->p[0];
    size_t at = 2, len = in->p[1];
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > 3 || in->len < 2 + k)
            return false; /* indefinite or absurd lengths: not from an agent */
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | in->p[2 + i];
        at = 2 + k;
    }
    if (len > in->len - at)
        return false;
    content->p = in->p + at;
    content->len = len;
    in->p += at + len;
    in->len -= at + len;
    return true;
}

static bool ber_expect(ber *in, unsigned want, ber *content)
{
    unsigned tag;
    return ber_next(in, &tag, content) && tag == want;
}

static bool ber_uint(const ber *b, uint32_t *v)
{
    if (b->len == 0 || b->len > 5 || (b->len == 5 && b->p[0] != 0))
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < b->len; i++)
        x = x << 8 | b->p[i];
    *v = (uint32_t)x;
    return true;
}

bool snmp_reply_parse(const unsigned char *buf, size_t len, snmp_reply *r)
{
    memset(r, 0, sizeof *r);
    ber all = {buf, len}, msg, v, pdu, list, bind;
    uint32_t u;
    if (!ber_expect(&all, 0x30, &msg) || !ber_expect(&msg, 0x02, &v) || !ber_uint(&v, &u) ||
        u > 1)
        return false;
    r->version = (int)u;
    if (!ber_expect(&msg, 0x04, &v))
        return false;
    probe_printable(v.p, v.len < 60 ? v.len : 60, r->community, sizeof r->community);
    if (!ber_expect(&msg, 0xa2, &pdu) || !ber_expect(&pdu, 0x02, &v) ||
        !ber_uint(&v, &r->request_id) || !ber_expect(&pdu, 0x02, &v) || !ber_uint(&v, &u))
        return false;
    r->error_status = (int)(u > 255 ? 255 : u);
    if (!ber_expect(&pdu, 0x02, &v) || !ber_expect(&pdu, 0x30, &list))
        return false;
    unsigned tag;
    if (ber_expect(&list, 0x30, &bind) && ber_expect(&bind, 0x06, &v) &&
        ber_next(&bind, &tag, &v) && tag == 0x04) {
        r->has_value = true;
        probe_printable(v.p, v.len < 200 ? v.len : 200, r->value, sizeof r->value);
    }
    return true;
}

/* ---- the check ---- */

typedef struct snmp_query {
    int version;
    const char *community;
    uint32_t id;
    bool answered;
    char value[256];
} snmp_query;

int snmp_udp(probe_target *t, int port)
{
    snmp_query q[] = {{1, "public", 0x1a2b0001, false, ""},
                      {0, "public", 0x1a2b0002, false, ""},
                      {1, "private", 0x1a2b0003, false, ""},
                      {0, "private", 0x1a2b0004, false, ""}};
    enum { QUERIES = sizeof q / sizeof *q };
    int fd = udp_socket(t, port);
    if (fd < 0)
        return 0;
    unsigned char buf[1500];
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < QUERIES; i++) {
            size_t n = snmp_build_get(buf, sizeof buf, q[i].version, q[i].community, q[i].id);
            if (!q[i].answered && n)
                send(fd, buf, n, MSG_NOSIGNAL);
        }
        uint64_t end = probe_now_ms() + t->o->timeout_ms / 2 + 1;
        size_t answered = 0;
        for (size_t i = 0; i < QUERIES; i++)
            answered += q[i].answered;
        while (answered < QUERIES && probe_now_ms() < end) {
            long got = udp_recv(t, fd, buf, sizeof buf, (unsigned)(end - probe_now_ms()) + 1);
            if (got < 0) {
                close(fd);
                return -1;
            }
            snmp_reply r;
            if (got == 0 || !snmp_reply_parse(buf, (size_t)got, &r))
                continue;
            for (size_t i = 0; i < QUERIES; i++)
                if (r.request_id == q[i].id && !q[i].answered && r.error_status == 0) {
                    q[i].answered = true;
                    snprintf(q[i].value, sizeof q[i].value, "%s", r.value);
                    answered++;
                }
        }
    }
    close(fd);
    int result = 0;
    for (size_t c = 0; c < QUERIES; c += 2) {
        const snmp_query *v2 = &q[c], *v1 = &q[c + 1];
        if (!v2->answered && !v1->answered)
            continue;
        const char *descr = v2->answered ? v2->value : v1->value;
        transcript log;
        transcript_init(&log);
        transcript_note(&log, "GetRequest sysDescr.0, community '%s'", v2->community);
        transcript_note(&log, "GetResponse (%s%s%s): %s", v2->answered ? "v2c" : "",
                        v2->answered && v1->answered ? ", " : "", v1->answered ? "v1" : "",
                        descr);
        target_service(t, port, true, "snmp", descr, NULL, descr, false);
        target_finding(t, "PROBE-SNMP-DEFAULT-COMMUNITY", port, true, &log,
                       "SNMP on port %d answers the default community '%s'", port,
                       v2->community);
        result = 1;
    }
    return result;
}
