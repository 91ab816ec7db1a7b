/*
 * MQTT (3.1.1): a broker that accepts a CONNECT without credentials lets
 * anyone publish commands and read telemetry (a finding); one that then
 * delivers its $SYS topics to that client tells its software and load (a
 * second finding, and the broker's version for the service list). Brokers
 * that refuse anonymous clients get the published default logins. We only
 * connect and subscribe; nothing is ever published.
 */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

static size_t put_string(unsigned char *out, size_t cap, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len > 65535 || n + 2 + len > cap)
        return cap + 1;
    out[n] = (unsigned char)(len >> 8);
    out[n + 1] = (unsigned char)len;
    memcpy(out + n + 2, s, len);
    return n + 2 + len;
}

/* Writes the fixed header in front of a body built at out+5. */
static size_t finish(unsigned char *out, size_t cap, unsigned char first, size_t body_end)
{
    if (body_end > cap)
        return 0;
    size_t body = body_end - 5;
    unsigned char len[4];
    size_t k = 0;
    size_t v = body;
    do {
        len[k] = (unsigned char)(v % 128);
        v /= 128;
        if (v)
            len[k] |= 0x80;
        k++;
    } while (v && k < 4);
    size_t start = 5 - 1 - k;
    out[start] = first;
    memcpy(out + start + 1, len, k);
    memmove(out, out + start, 1 + k + body);
    return 1 + k + body;
}

size_t mqtt_build_connect(unsigned char *out, size_t cap, const char *client_id,
                          const char *user, const char *password)
{
    if (cap < 16)
        return 0;
    size_t n = 5;
    n = put_string(out, cap, n, "MQTT");
    if (n + 4 > cap)
        return 0;
    out[n++] = 4; /* protocol level: 3.1.1 */
    out[n++] = (unsigned char)(0x02 | (user ? 0x80 : 0) | (user && password ? 0x40 : 0));
    out[n++] = 0;
    out[n++] = 30; /* keep alive, seconds */
    n = put_string(out, cap, n, client_id);
    if (user)
        n = put_string(out, cap, n, user);
    if (user && password)
        n = put_string(out, cap, n, password);
    return finish(out, cap, 0x10, n);
}

size_t mqtt_build_subscribe(unsigned char *out, size_t cap, uint16_t packet_id,
                            const char *topic)
{
    if (cap < 16)
        return 0;
    size_t n = 5;
    out[n++] = (unsigned char)(packet_id >> 8);
    out[n++] = (unsigned char)packet_id;
    n = put_string(out, cap, n, topic);
    if (n >= cap)
        return 0;
    out[n++] = 0; /* QoS 0 */
    return finish(out, cap, 0x82, n);
}

int mqtt_packet_next(const unsigned char *buf, size_t len, mqtt_packet *p)
{
    if (len < 2)
        return 0;
    size_t remaining = 0, mult = 1, i = 1;
    for (;; i++) {
        if (i > 4)
            return -1;
        if (i >= len)
            return 0;
        remaining += (buf[i] & 0x7fu) * mult;
        mult *= 128;
        if (!(buf[i] & 0x80))
            break;
    }
    size_t header = i + 1;
    if (len - header < remaining)
        return 0;
    p->type = buf[0] >> 4;
    p->flags = buf[0] & 0x0f;
    if (p->type == 0)
        return -1;
    p->body = buf + header;
    p->body_len = remaining;
    p->total_len = header + remaining;
    return 1;
}

int mqtt_connack_code(const mqtt_packet *p)
{
    if (p->type != 2 || p->body_len != 2)
        return -1;
    return p->body[1];
}

bool mqtt_publish_parse(const mqtt_packet *p, char *topic, size_t tsize,
                        const unsigned char **payload, size_t *payload_len)
{
    if (p->type != 3 || p->body_len < 2 || tsize == 0)
        return false;
    size_t tlen = ((size_t)p->body[0] << 8) | p->body[1];
    size_t at = 2 + tlen;
    if (((p->flags >> 1) & 3) != 0)
        at += 2; /* packet identifier */
    if (at > p->body_len || ((p->flags >> 1) & 3) == 3)
        return false;
    size_t copy = tlen < tsize - 1 ? tlen : tsize - 1;
    probe_printable(p->body + 2, copy, topic, tsize);
    *payload = p->body + at;
    *payload_len = p->body_len - at;
    return true;
}

/* ---- on the wire ---- */

typedef struct mqtt_wait {
    unsigned type;
} mqtt_wait;

static bool has_packet(const netbuf *b, void *ctx)
{
    mqtt_wait *w = ctx;
    mqtt_packet p;
    size_t at = 0;
    while (at < b->len && mqtt_packet_next((const unsigned char *)b->data + at, b->len - at, &p) == 1) {
        if (p.type == w->type)
            return true;
        at += p.total_len;
    }
    return false;
}

/* CONNECT and the CONNACK's code; -1 when no CONNACK came. */
static int mqtt_connect(probe_conn *c, probe_target *t, int port, bool tls, const char *user,
                        const char *password, transcript *log)
{
    unsigned char req[700];
    if (!conn_open(c, t, port, log))
        return -1;
    if (tls && !conn_start_tls(c, 0, 0))
        return -1;
    size_t n = mqtt_build_connect(req, sizeof req, "iotssf-probe", user, password);
    netbuf b;
    netbuf_clear(&b);
    mqtt_wait w = {.type = 2};
    if (!n || !conn_send(c, req, n))
        return -1;
    conn_read(c, &b, t->o->timeout_ms * 2, 0, has_packet, &w);
    mqtt_packet p;
    if (mqtt_packet_next((const unsigned char *)b.data, b.len, &p) != 1)
        return -1;
    return mqtt_connack_code(&p);
}

static void read_sys(probe_target *t, probe_conn *c, int port, transcript *log)
{
    unsigned char req[64];
    size_t n = mqtt_build_subscribe(req, sizeof req, 1, "$SYS/#");
    netbuf b;
    netbuf_clear(&b);
    if (!n || !conn_send(c, req, n))
        return;
    c->log = NULL; /* the flood of $SYS values is summarised below */
    conn_read(c, &b, t->o->timeout_ms, 300, NULL, NULL);
    size_t at = 0, topics = 0;
    mqtt_packet p;
    char topic[128], version[128] = "";
    while (at < b.len &&
           mqtt_packet_next((const unsigned char *)b.data + at, b.len - at, &p) == 1) {
        const unsigned char *payload;
        size_t plen;
        if (mqtt_publish_parse(&p, topic, sizeof topic, &payload, &plen) &&
            strncmp(topic, "$SYS/", 5) == 0) {
            if (topics++ < 3)
                transcript_note(log, "PUBLISH %s", topic);
            if (strcmp(topic, "$SYS/broker/version") == 0)
                probe_printable(payload, plen < 100 ? plen : 100, version, sizeof version);
        }
        at += p.total_len;
    }
    if (!topics)
        return;
    if (version[0])
        transcript_note(log, "$SYS/broker/version: %s", version);
    char product[64] = "", ver[48] = "";
    product_version_split(version, product, sizeof product, ver, sizeof ver);
    target_service(t, port, false, "mqtt", product, ver, version, false);
    target_finding(t, "PROBE-MQTT-SYS-READABLE", port, false, log,
                   "MQTT on port %d delivers %zu $SYS topics to an anonymous client%s%s", port,
                   topics, version[0] ? ": " : "", version);
}

typedef struct mqtt_guess {
    int port;
    bool tls;
} mqtt_guess;

static guess_result mqtt_attempt(probe_target *t, void *ctx, void **session, const char *user,
                                 const char *password, transcript *log)
{
    const mqtt_guess *g = ctx;
    probe_conn c;
    (void)session; /* one CONNECT per connection */
    int code = mqtt_connect(&c, t, g->port, g->tls, user, password, log);
    conn_close(&c);
    if (code == 0)
        return GUESS_ACCEPTED;
    return code < 0 ? GUESS_RETRY : GUESS_REJECTED;
}

static void mqtt_end(void *ctx, void *session)
{
    (void)ctx;
    (void)session;
}

void mqtt_check(probe_target *t, int port, const probe_ident *id)
{
    transcript log;
    transcript_init(&log);
    probe_conn c;
    int code = mqtt_connect(&c, t, port, id->tls, NULL, NULL, &log);
    if (code == 0) {
        target_finding(t, "PROBE-MQTT-ANONYMOUS", port, false, &log,
                       "MQTT broker on port %d accepts clients without credentials", port);
        transcript_init(&log);
        c.log = &log;
        read_sys(t, &c, port, &log);
    }
    conn_close(&c);
    if ((code == 4 || code == 5) && !t->o->no_logins) {
        mqtt_guess g = {.port = port, .tls = id->tls};
        guess_service gs = {.service = "mqtt",
                            .port = port,
                            .ctx = &g,
                            .attempt = mqtt_attempt,
                            .end_session = mqtt_end};
        guess_run(t, &gs);
    }
}
