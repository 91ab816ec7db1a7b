/*
 * Modbus/TCP: one Read Device Identification request (function 43/14,
 * basic objects: vendor, product code, revision). Modbus has no
 * authentication at all, so any well-formed answer, an exception included,
 * means anyone who reaches the port can read and write the device's
 * registers and coils. Nothing but that one read is ever sent.
 */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

size_t modbus_build_device_id(unsigned char *out, size_t cap, uint16_t transaction, uint8_t unit)
{
    static const unsigned char pdu[] = {0x2b, 0x0e, 0x01, 0x00};
    if (cap < 7 + sizeof pdu)
        return 0;
    out[0] = (unsigned char)(transaction >> 8);
    out[1] = (unsigned char)transaction;
    out[2] = out[3] = 0;  /* protocol: Modbus */
    out[4] = 0;
    out[5] = 1 + sizeof pdu;
    out[6] = unit;
    memcpy(out + 7, pdu, sizeof pdu);
    return 7 + sizeof pdu;
}

static void read_objects(const unsigned char *p, size_t len, modbus_reply *r)
{
    /* MEI 0x0E, code, conformity, more, next id, count, then id/len/value. */
    if (len < 6 || p[0] != 0x0e)
        return;
    size_t count = p[5], at = 6;
    for (size_t i = 0; i < count && at + 2 <= len; i++) {
        unsigned id = p[at];
        size_t n = p[at + 1];
        at += 2;
        if (n > len - at)
            return;
        char *dst = id == 0 ? r->vendor : id == 1 ? r->product : id == 2 ? r->revision : NULL;
        size_t size = id == 2 ? sizeof r->revision : sizeof r->vendor;
        if (dst)
            probe_printable(p + at, n < size - 1 ? n : size - 1, dst, size);
        at += n;
    }
}

int modbus_reply_parse(const unsigned char *buf, size_t len, modbus_reply *r)
{
    memset(r, 0, sizeof *r);
    if (len < 8)
        return len >= 4 && (buf[2] || buf[3]) ? -1 : 0;
    size_t field = (size_t)buf[4] << 8 | buf[5];
    if (buf[2] || buf[3] || field < 2 || field > 254)
        return -1;
    r->frame_len = 6 + field;
    if (len < r->frame_len)
        return 0;
    r->transaction = (uint16_t)(buf[0] << 8 | buf[1]);
    r->unit = buf[6];
    r->function = buf[7];
    const unsigned char *pdu = buf + 8;
    size_t pdu_len = field - 2;
    if (r->function & 0x80) {
        r->exception = true;
        r->exception_code = pdu_len ? pdu[0] : 0;
        return 1;
    }
    if (r->function == 0x2b)
        read_objects(pdu, pdu_len, r);
    return 1;
}

static bool frame_done(const netbuf *b, void *ctx)
{
    modbus_reply r;
    (void)ctx;
    return modbus_reply_parse((const unsigned char *)b->data, b->len, &r) != 0;
}

void modbus_check(probe_target *t, int port, const probe_ident *id)
{
    (void)id;
    transcript log;
    transcript_init(&log);
    probe_conn c;
    unsigned char req[16];
    size_t n = modbus_build_device_id(req, sizeof req, 0x1d10, 0);
    if (!conn_open(&c, t, port, &log))
        return;
    netbuf b;
    netbuf_clear(&b);
    modbus_reply r;
    if (conn_send(&c, req, n))
        conn_read(&c, &b, t->o->timeout_ms * 2, 0, frame_done, NULL);
    conn_close(&c);
    if (modbus_reply_parse((const unsigned char *)b.data, b.len, &r) != 1 || r.transaction != 0x1d10)
        return;
    if (r.vendor[0] || r.product[0])
        target_service(t, port, false, "modbus", r.vendor[0] ? r.vendor : r.product,
                       r.revision, NULL, false);
    target_finding(t, "PROBE-MODBUS-NO-AUTH", port, false, &log,
                   "Modbus/TCP on port %d answers requests from anyone (%s%s%s)", port,
                   r.exception ? "exception reply" : "device identification",
                   r.vendor[0] ? ": " : "", r.vendor);
}
