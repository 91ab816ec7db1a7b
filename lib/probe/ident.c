/*
 * Service identification: what answers on an open TCP port, with product and
 * version when it tells. Like nmap's -sV but with few, cheap exchanges: the
 * port table's hint picks the first try (wait for a banner; or speak first
 * for HTTP, RTSP, MQTT, Modbus, TLS), and a silent unknown port gets the
 * shell-proof line (which also draws an error page from HTTP and RTSP
 * servers) and then a TLS handshake. The hint is never a conclusion: the
 * name comes from what the service said.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_internal.h"
#include "protocols.h"

/* Clips on purpose: a banner longer than the field is not worth more. */
static void set(char *dst, size_t size, const char *src)
{
    size_t n = src ? strnlen(src, size - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool is_version_token(const char *s, size_t n)
{
    if (n == 0 || !isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            return true;
    return n <= 12 && strspn(s, "0123456789") >= 4; /* "2022.83" has a dot; "20220712" not */
}

bool product_version_split(const char *text, char *product, size_t psize, char *version,
                           size_t vsize)
{
    /* Tokens separated by space, '/', '_' or '(' ')': the version is the
     * first token that looks like one; the product the token before it. */
    const char *p = text;
    const char *prev = NULL;
    size_t prev_len = 0;
    while (*p) {
        while (*p && strchr(" /_()[],;:\t", *p))
            p++;
        const char *start = p;
        while (*p && !strchr(" /_()[],;:\t", *p))
            p++;
        size_t n = (size_t)(p - start);
        if (!n)
            break;
        if (prev && is_version_token(start, n)) {
            snprintf(product, psize, "%.*s", (int)prev_len, prev);
            /* "9.2p1" stays whole; a trailing "-Debian" is not the version. */
            size_t vlen = strcspn(start, " ()[],;\t");
            snprintf(version, vsize, "%.*s", (int)(vlen < n ? vlen : n), start);
            return true;
        }
        /* "mosquitto version 2.0.11": the product is not the word "version". */
        bool filler = (n == 7 && strncasecmp(start, "version", 7) == 0) ||
                      (n == 3 && strncasecmp(start, "ver", 3) == 0);
        if (isalpha((unsigned char)start[0]) && !filler) {
            prev = start;
            prev_len = n;
        }
    }
    return false;
}

static void name_from_header(probe_ident *out, const char *header)
{
    if (!header[0])
        return;
    /* "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1": the server is after the UPnP token. */
    const char *upnp = strstr(header, "UPnP/");
    const char *tail = upnp ? strchr(upnp, ' ') : NULL;
    if (tail && product_version_split(tail + 1, out->product, sizeof out->product, out->version,
                                      sizeof out->version))
        return;
    if (!product_version_split(header, out->product, sizeof out->product, out->version,
                               sizeof out->version))
        set(out->product, sizeof out->product, header);
}

static bool classify_http(const unsigned char *data, size_t len, probe_ident *out)
{
    http_response r;
    if (http_response_parse((const char *)data, len, &r) != 1)
        return false;
    set(out->name, sizeof out->name, strcmp(r.protocol, "RTSP") == 0 ? "rtsp" : "http");
    name_from_header(out, r.server);
    size_t line = strcspn((const char *)data, "\r\n");
    char status[120];
    probe_printable(data, line < 100 ? line : 100, status, sizeof status);
    snprintf(out->banner, sizeof out->banner, "%s%s%.100s", status, r.server[0] ? "; Server: " : "",
             r.server);
    return true;
}

bool ident_classify(const unsigned char *data, size_t len, probe_ident *out)
{
    if (len == 0)
        return false;
    const char *text = (const char *)data;
    /* The first line says what a person needs; SSH's key exchange follows it. */
    size_t first = 0;
    while (first < len && first < 200 && data[first] != '\n')
        first++;
    while (first > 0 && data[first - 1] == '\r')
        first--;
    probe_printable(data, first, out->banner, sizeof out->banner);
    if (data[0] == 0xff && len >= 3 && data[1] >= 251) {
        /* The banner is the text between the option negotiations. */
        char text_only[512];
        unsigned char replies[256];
        size_t tlen = 0, rlen = 0, skip = 0;
        telnet_state ts = {0};
        telnet_filter(&ts, data, len, text_only, sizeof text_only, &tlen, replies, sizeof replies,
                      &rlen);
        while (skip < tlen && (text_only[skip] == '\r' || text_only[skip] == '\n'))
            skip++;
        probe_printable(text_only + skip, tlen - skip > 160 ? 160 : tlen - skip, out->banner,
                        sizeof out->banner);
        set(out->name, sizeof out->name, "telnet");
        return true;
    }
    if (len >= 4 && memcmp(text, "SSH-", 4) == 0) {
        char proto[16];
        set(out->name, sizeof out->name, "ssh");
        ssh_banner_parse(text, len, proto, sizeof proto, out->product, sizeof out->product,
                         out->version, sizeof out->version);
        return true;
    }
    if ((len >= 5 && memcmp(text, "HTTP/", 5) == 0) || (len >= 5 && memcmp(text, "RTSP/", 5) == 0))
        return classify_http(data, len, out);
    int code;
    size_t used;
    if (len >= 4 && ftp_reply_parse(text, len, &code, &used) == 1 && code == 220) {
        char line[200];
        probe_printable(data, strcspn(text, "\r\n") < len ? strcspn(text, "\r\n") : len, line,
                        sizeof line);
        if (strstr(line, "SMTP") || strstr(line, "smtp"))
            set(out->name, sizeof out->name, "smtp");
        else
            set(out->name, sizeof out->name, "ftp");
        product_version_split(line + 4, out->product, sizeof out->product, out->version,
                              sizeof out->version);
        return true;
    }
    mqtt_packet m;
    if (mqtt_packet_next(data, len, &m) == 1 && mqtt_connack_code(&m) >= 0) {
        set(out->name, sizeof out->name, "mqtt");
        snprintf(out->banner, sizeof out->banner, "CONNACK return code %d", mqtt_connack_code(&m));
        return true;
    }
    modbus_reply mb;
    if (modbus_reply_parse(data, len, &mb) == 1) {
        set(out->name, sizeof out->name, "modbus");
        set(out->product, sizeof out->product, mb.product[0] ? mb.product : mb.vendor);
        set(out->version, sizeof out->version, mb.revision);
        return true;
    }
    return false;
}

/* ---- on the wire ---- */

static bool http_headers_done(const netbuf *b, void *ctx)
{
    http_response r;
    (void)ctx;
    return http_response_parse(b->data, b->len, &r) != 0;
}

static bool any_bytes(const netbuf *b, void *ctx)
{
    (void)ctx;
    return b->len > 0;
}

static void http_request(char *req, size_t size, const probe_target *t, const char *method)
{
    bool v6 = strchr(t->address, ':') != NULL;
    snprintf(req, size,
             "%s / HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: iotssf-probe\r\nConnection: close\r\n\r\n",
             method, v6 ? "[" : "", t->address, v6 ? "]" : "");
}

/* Speaks first with the request the hint's protocol answers. */
static bool client_first(probe_conn *c, const char *service, netbuf *b, probe_ident *out)
{
    unsigned char req[512];
    size_t n = 0;
    recv_done_fn done = any_bytes;
    if (strcmp(service, "mqtt") == 0) {
        n = mqtt_build_connect(req, sizeof req, "iotssf-probe", NULL, NULL);
    } else if (strcmp(service, "modbus") == 0) {
        n = modbus_build_device_id(req, sizeof req, 0x1d0f, 0);
    } else if (strcmp(service, "rtsp") == 0) {
        n = (size_t)snprintf((char *)req, sizeof req,
                             "OPTIONS rtsp://%s:%d/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: "
                             "iotssf-probe\r\n\r\n",
                             c->t->address, c->port);
        done = http_headers_done;
    } else {
        http_request((char *)req, sizeof req, c->t, "GET");
        n = strlen((char *)req);
        done = http_headers_done;
    }
    if (!conn_send(c, req, n))
        return false;
    conn_read(c, b, c->t->o->timeout_ms, 0, done, NULL);
    return ident_classify((const unsigned char *)b->data, b->len, out);
}

static bool is_client_first(const char *service)
{
    static const char *const names[] = {"http", "rtsp", "mqtt", "modbus", "upnp", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(service, names[i]) == 0)
            return true;
    return false;
}

static bool try_tls(probe_target *t, int port, const char *service, probe_ident *out)
{
    probe_conn c;
    netbuf *b = malloc(sizeof *b);
    bool ok = false;
    if (b && conn_open(&c, t, port, NULL)) {
        netbuf_clear(b);
        if (conn_start_tls(&c, 0, 0)) {
            out->tls = true;
            ok = client_first(&c, service && is_client_first(service) ? service : "http", b, out);
            if (!ok)
                set(out->name, sizeof out->name, "tls");
            ok = true;
        }
        conn_close(&c);
    }
    free(b);
    return ok;
}

/* Waits for a banner; a silent port gets the shell-proof line. */
static bool banner_first(probe_target *t, int port, probe_ident *out, bool *silent)
{
    probe_conn c;
    netbuf *b = malloc(sizeof *b);
    bool ok = false;
    *silent = false;
    if (!b)
        return false;
    netbuf_clear(b);
    if (conn_open(&c, t, port, NULL)) {
        unsigned wait = t->o->timeout_ms < 2000 ? t->o->timeout_ms : 2000;
        conn_read(&c, b, wait, 300, NULL, NULL);
        ok = ident_classify((const unsigned char *)b->data, b->len, out);
        if (!ok && b->len == 0 && c.fd >= 0) {
            *silent = true;
            if (conn_send_text(&c, TELNET_SHELL_PROBE "\r\n")) {
                conn_read(&c, b, wait, 300, NULL, NULL);
                if (telnet_shell_answered(b->data, b->len)) {
                    set(out->name, sizeof out->name, "shell");
                    probe_printable(b->data, b->len, out->banner, sizeof out->banner);
                    ok = true;
                } else {
                    ok = ident_classify((const unsigned char *)b->data, b->len, out);
                }
                /* Nothing, or a TLS alert for our line: worth a handshake. */
                *silent = b->len == 0 || (b->len >= 2 && (unsigned char)b->data[0] == 0x15 &&
                                          b->data[1] == 0x03);
            }
        }
        conn_close(&c);
    }
    free(b);
    return ok;
}

void ident_tcp(probe_target *t, const port_info *hint, int port, probe_ident *out)
{
    memset(out, 0, sizeof *out);
    set(out->name, sizeof out->name, "unknown");
    const char *service = hint ? hint->service : NULL;
    if (hint && hint->tls && try_tls(t, port, service, out))
        return;
    if (service && is_client_first(service)) {
        probe_conn c;
        netbuf *b = malloc(sizeof *b);
        bool ok = false;
        if (b && conn_open(&c, t, port, NULL)) {
            netbuf_clear(b);
            ok = client_first(&c, service, b, out);
            conn_close(&c);
        }
        free(b);
        if (ok)
            return;
    }
    bool silent = false;
    if (banner_first(t, port, out, &silent))
        return;
    if (silent && !(hint && hint->tls))
        try_tls(t, port, service, out);
}
