/*
 * HTTP and RTSP (same message syntax): response parsing, and the checks of a
 * web or streaming server. The server header names the product; a 401 that
 * asks for Basic credentials on a cleartext connection is a finding (the
 * password would cross the network in base64); published default logins are
 * tried against the protected resource, Basic or Digest (http_auth.c); an
 * RTSP server that hands out a stream description without credentials is a
 * finding (rtsp.c, over these exchanges). Only GET, OPTIONS and DESCRIBE
 * are sent.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

static const char *find_header_end(const char *buf, size_t len, size_t *end)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] == '\n' && buf[i + 1] == '\n') {
            *end = i + 2;
            return buf + i;
        }
        if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            *end = i + 4;
            return buf + i;
        }
    }
    return NULL;
}

static void copy_value(char *dst, size_t size, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
        n--;
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (unsigned char)v[i] < 0x20 || (unsigned char)v[i] == 0x7f ? '?' : v[i];
    dst[n] = '\0';
}

static void parse_header(http_response *r, const char *name, size_t nlen, const char *v,
                         size_t vlen)
{
    char tmp[32];
#define IS(h) (nlen == strlen(h) && strncasecmp(name, h, nlen) == 0)
    if (IS("Server"))
        copy_value(r->server, sizeof r->server, v, vlen);
    else if (IS("Location"))
        copy_value(r->location, sizeof r->location, v, vlen);
    else if (IS("Content-Type"))
        copy_value(r->content_type, sizeof r->content_type, v, vlen);
    else if (IS("WWW-Authenticate") && r->challenge_count < HTTP_MAX_CHALLENGES)
        copy_value(r->challenges[r->challenge_count++], sizeof r->challenges[0], v, vlen);
    else if (IS("Content-Length")) {
        copy_value(tmp, sizeof tmp, v, vlen);
        char *end;
        long n = strtol(tmp, &end, 10);
        r->content_length = *end || n < 0 || tmp[0] == '\0' ? -1 : n;
    } else if (IS("Transfer-Encoding")) {
        copy_value(tmp, sizeof tmp, v, vlen);
        r->chunked = strcasecmp(tmp, "chunked") == 0;
    } else if (IS("Connection")) {
        copy_value(tmp, sizeof tmp, v, vlen);
        if (strcasecmp(tmp, "close") == 0)
            r->close = true;
        else if (strcasecmp(tmp, "keep-alive") == 0)
            r->close = false;
    }
#undef IS
}

int http_response_parse(const char *buf, size_t len, http_response *r)
{
    memset(r, 0, sizeof *r);
    r->content_length = -1;
    size_t cmp = len < 5 ? len : 5;
    if (memcmp(buf, "HTTP/", cmp) != 0 && memcmp(buf, "RTSP/", cmp) != 0)
        return -1;
    size_t end;
    if (!find_header_end(buf, len, &end))
        return 0;
    memcpy(r->protocol, buf, 4);
    r->protocol[4] = '\0';
    const char *line_end = memchr(buf, '\n', end);
    const char *sp = memchr(buf, ' ', (size_t)(line_end - buf));
    if (!sp || line_end - sp < 4 || !isdigit((unsigned char)sp[1]) ||
        !isdigit((unsigned char)sp[2]) || !isdigit((unsigned char)sp[3]))
        return -1;
    r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
    r->close = len >= 8 && memcmp(buf + 5, "1.0", 3) == 0;
    r->header_len = end;
    const char *p = line_end + 1;
    while (p < buf + end) {
        const char *nl = memchr(p, '\n', (size_t)(buf + end - p));
        if (!nl)
            break;
        const char *colon = memchr(p, ':', (size_t)(nl - p));
        if (colon && colon > p)
            parse_header(r, p, (size_t)(colon - p), colon + 1, (size_t)(nl - colon - 1));
        p = nl + 1;
    }
    return 1;
}

bool http_body_complete(const char *buf, size_t len, const http_response *r)
{
    if (len < r->header_len)
        return false;
    if ((r->status >= 100 && r->status < 200) || r->status == 204 || r->status == 304)
        return true;
    size_t body = len - r->header_len;
    if (r->content_length >= 0)
        return body >= (size_t)r->content_length;
    if (r->chunked) {
        const char *b = buf + r->header_len;
        if (body >= 5 && memcmp(b, "0\r\n\r\n", 5) == 0)
            return true;
        for (size_t i = 0; i + 7 <= body; i++)
            if (memcmp(b + i, "\r\n0\r\n\r\n", 7) == 0)
                return true;
    }
    return false;
}

/* ---- exchanges ---- */

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    if (*n >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    *n += k > 0 ? (size_t)k : 0;
}

static bool headers_done(const netbuf *b, void *ctx)
{
    http_response r;
    (void)ctx;
    return http_response_parse(b->data, b->len, &r) != 0;
}

bool http_connect(probe_conn *c, probe_target *t, int port, bool tls, transcript *log)
{
    if (!conn_open(c, t, port, log))
        return false;
    if (tls && !conn_start_tls(c, 0, 0)) {
        conn_close(c);
        return false;
    }
    return true;
}

bool http_exchange(probe_target *t, const http_target *h, const char *authorization,
                   http_response *r, transcript *log)
{
    probe_conn c;
    if (!http_connect(&c, t, h->port, h->tls, log))
        return false;
    char host[80], req[2048];
    bool v6 = strchr(t->address, ':') != NULL;
    snprintf(host, sizeof host, "%s%s%s", v6 ? "[" : "", t->address, v6 ? "]" : "");
    size_t n = 0;
    if (strcmp(h->protocol, "RTSP") == 0)
        append(req, sizeof req, &n,
               "%s rtsp://%s:%d%s RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n",
               h->method, host, h->port, h->path);
    else
        append(req, sizeof req, &n, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n",
               h->method, h->path, host);
    append(req, sizeof req, &n, "User-Agent: iotssf-probe\r\n");
    if (authorization)
        append(req, sizeof req, &n, "Authorization: %s\r\n", authorization);
    append(req, sizeof req, &n, "\r\n");
    bool ok = n < sizeof req && conn_send(&c, req, n);
    netbuf *b = ok ? malloc(sizeof *b) : NULL;
    ok = false;
    if (b) {
        netbuf_clear(b);
        conn_read(&c, b, t->o->timeout_ms * 2, 0, headers_done, NULL);
        ok = http_response_parse(b->data, b->len, r) == 1;
    }
    free(b);
    conn_close(&c);
    return ok;
}

/* The first challenge of a scheme, parsed. */
bool http_find_challenge(const http_response *r, const char *scheme, http_challenge *out)
{
    for (size_t i = 0; i < r->challenge_count; i++)
        if (http_challenge_parse(r->challenges[i], out) && strcasecmp(out->scheme, scheme) == 0)
            return true;
    return false;
}

void http_check_auth(probe_target *t, const http_target *h, const http_response *r,
                     transcript *log)
{
    http_challenge ch;
    bool basic = http_find_challenge(r, "Basic", &ch);
    if (basic && !h->tls)
        target_finding(t, "PROBE-BASIC-AUTH-CLEARTEXT", h->port, false, log,
                       "%s on port %d asks for Basic credentials over cleartext (realm '%s'): "
                       "every request carries the password readable on the wire",
                       h->protocol, h->port, ch.realm);
    http_target guess = *h;
    guess.digest = !basic && http_find_challenge(r, "Digest", &ch);
    if (!t->o->no_logins && (basic || guess.digest))
        http_guess(t, &guess);
}

void http_check(probe_target *t, int port, const probe_ident *id)
{
    http_target h = {.port = port, .tls = id->tls, .protocol = "HTTP", .method = "GET",
                     .path = "/"};
    http_response r;
    transcript log;
    transcript_init(&log);
    if (!http_exchange(t, &h, NULL, &r, &log))
        return;
    if (r.status == 401)
        http_check_auth(t, &h, &r, &log);
}
