/*
 * The probe's I/O: connections and UDP exchanges whose every wait is bounded
 * by the per-reply timeout, the target's time budget and the stop flag
 * (polled in slices of at most 100 ms, so Ctrl-C ends a probe quickly), and
 * the transcript that keeps what was said as evidence.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe_internal.h"

enum { SLICE_MS = 100 };

uint64_t probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void probe_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL); /* an interrupting signal ends it early: callers recheck stop */
}

/* ---- transcript ---- */

void transcript_init(transcript *t)
{
    t->len = 0;
    t->text[0] = '\0';
}

static void put_escaped(char *out, size_t cap, size_t *len, unsigned char c)
{
    char tmp[8];
    const char *s = tmp;
    switch (c) {
    case '\r': s = "\\r"; break;
    case '\n': s = "\\n"; break;
    case '\t': s = "\\t"; break;
    case '\\': s = "\\\\"; break;
    default:
        if (c >= 0x20 && c < 0x7f) {
            tmp[0] = (char)c;
            tmp[1] = '\0';
        } else {
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
        }
    }
    size_t n = strlen(s);
    if (*len + n < cap) {
        memcpy(out + *len, s, n);
        *len += n;
        out[*len] = '\0';
    }
}

static void transcript_append(transcript *t, const char *s)
{
    if (t->len >= TRANSCRIPT_MAX)
        return;
    size_t n = strlen(s);
    if (t->len + n <= TRANSCRIPT_MAX) {
        memcpy(t->text + t->len, s, n + 1);
        t->len += n;
        return;
    }
    n = TRANSCRIPT_MAX - t->len;
    memcpy(t->text + t->len, s, n);
    memcpy(t->text + TRANSCRIPT_MAX, "...", 4);
    t->len = TRANSCRIPT_MAX + 3;
}

void transcript_data(transcript *t, char direction, const void *data, size_t len)
{
    if (!t || len == 0)
        return;
    char chunk[TRANSCRIPT_CHUNK * 4 + 16];
    size_t n = 0;
    chunk[0] = '\0';
    if (t->len)
        chunk[n++] = ' ';
    chunk[n++] = direction;
    chunk[n++] = ' ';
    chunk[n] = '\0';
    const unsigned char *p = data;
    size_t limit = TRANSCRIPT_CHUNK + n;
    for (size_t i = 0; i < len && n < limit; i++)
        put_escaped(chunk, sizeof chunk, &n, p[i]);
    if (n >= limit)
        snprintf(chunk + n, sizeof chunk - n, "...");
    transcript_append(t, chunk);
}

void transcript_note(transcript *t, const char *fmt, ...)
{
    if (!t)
        return;
    char buf[TRANSCRIPT_CHUNK + 8];
    size_t n = 0;
    if (t->len)
        buf[n++] = ' ';
    buf[n++] = '[';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    buf[n++] = ']';
    buf[n] = '\0';
    transcript_append(t, buf);
}

void probe_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void probe_printable(const void *data, size_t len, char *out, size_t size)
{
    size_t n = 0;
    const unsigned char *p = data;
    out[0] = '\0';
    for (size_t i = 0; i < len && n + 5 < size; i++)
        put_escaped(out, size, &n, p[i]);
}

/* ---- buffers ---- */

void netbuf_clear(netbuf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

void netbuf_consume(netbuf *b, size_t n)
{
    if (n >= b->len) {
        netbuf_clear(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

/* ---- TCP ---- */

/* Polls one descriptor in slices, so the stop flag and budget are seen. */
static int wait_fd(probe_conn *c, short events, unsigned ms)
{
    uint64_t end = probe_now_ms() + target_wait_ms(c->t, ms);
    for (;;) {
        if (target_stopping(c->t))
            return -1;
        uint64_t now = probe_now_ms();
        if (now >= end)
            return 0;
        unsigned slice = (unsigned)(end - now < SLICE_MS ? end - now : SLICE_MS);
        struct pollfd p = {.fd = c->fd, .events = events};
        int rc = poll(&p, 1, (int)slice);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

bool conn_open(probe_conn *c, probe_target *t, int port, transcript *log)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->port = port;
    c->log = log;
    c->fd = -1;
    if (target_stopping(t))
        return false;
    struct sockaddr_storage sa = t->addr;
    if (sa.ss_family == AF_INET)
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    c->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return false;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&sa, t->addr_len) != 0) {
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (errno != EINPROGRESS || wait_fd(c, POLLOUT, t->o->timeout_ms) <= 0 ||
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
            conn_close(c);
            return false;
        }
    }
    return true;
}

void conn_close(probe_conn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->ssl_ctx) {
        SSL_CTX_free(c->ssl_ctx);
        c->ssl_ctx = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Waits for what an SSL call asked for; false on a real failure. */
static bool ssl_wait(probe_conn *c, int rc, unsigned ms)
{
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ)
        return wait_fd(c, POLLIN, ms) > 0;
    if (e == SSL_ERROR_WANT_WRITE)
        return wait_fd(c, POLLOUT, ms) > 0;
    return false;
}

bool conn_start_tls(probe_conn *c, int min_version, int max_version)
{
    c->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ssl_ctx)
        return false;
    /* We inspect what the device offers, weak or not: accept everything. */
    SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_security_level(c->ssl_ctx, 0);
    SSL_CTX_set_cipher_list(c->ssl_ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_options(c->ssl_ctx, SSL_OP_LEGACY_SERVER_CONNECT);
    if (min_version)
        SSL_CTX_set_min_proto_version(c->ssl_ctx, min_version);
    if (max_version)
        SSL_CTX_set_max_proto_version(c->ssl_ctx, max_version);
    c->ssl = SSL_new(c->ssl_ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
        return false;
    struct in6_addr scratch;
    if (strchr(c->t->name, '.') && inet_pton(AF_INET, c->t->name, &scratch) != 1 &&
        inet_pton(AF_INET6, c->t->name, &scratch) != 1)
        SSL_set_tlsext_host_name(c->ssl, c->t->name);
    uint64_t end = probe_now_ms() + c->t->o->timeout_ms;
    for (;;) {
        ERR_clear_error();
        int rc = SSL_connect(c->ssl);
        if (rc == 1)
            return true;
        uint64_t now = probe_now_ms();
        if (now >= end || !ssl_wait(c, rc, (unsigned)(end - now)))
            return false;
    }
}

bool conn_send(probe_conn *c, const void *data, size_t len)
{
    const char *p = data;
    size_t done = 0;
    transcript_data(c->log, '>', data, len);
    while (done < len) {
        if (c->ssl) {
            ERR_clear_error();
            int rc = SSL_write(c->ssl, p + done, (int)(len - done > 65536 ? 65536 : len - done));
            if (rc > 0)
                done += (size_t)rc;
            else if (!ssl_wait(c, rc, c->t->o->timeout_ms))
                return false;
            continue;
        }
        ssize_t n = send(c->fd, p + done, len - done, MSG_NOSIGNAL);
        if (n > 0)
            done += (size_t)n;
        else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (wait_fd(c, POLLOUT, c->t->o->timeout_ms) <= 0)
                return false;
        } else
            return false;
    }
    return true;
}

bool conn_send_text(probe_conn *c, const char *text)
{
    return conn_send(c, text, strlen(text));
}

/* One read: >0 bytes, 0 would block, -1 closed or failed. */
static long read_some(probe_conn *c, char *into, size_t room)
{
    if (c->ssl) {
        ERR_clear_error();
        int rc = SSL_read(c->ssl, into, (int)(room > 65536 ? 65536 : room));
        if (rc > 0)
            return rc;
        int e = SSL_get_error(c->ssl, rc);
        return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
    }
    ssize_t n = recv(c->fd, into, room, 0);
    if (n > 0)
        return (long)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return -1;
}

bool conn_read(probe_conn *c, netbuf *b, unsigned total_ms, unsigned idle_ms, recv_done_fn done,
               void *done_ctx)
{
    size_t start = b->len;
    uint64_t end = probe_now_ms() + target_wait_ms(c->t, total_ms);
    uint64_t last = 0;
    bool closed = false;
    while (c->fd >= 0 && b->len < NETBUF_SIZE) {
        if (done && b->len > start && done(b, done_ctx))
            break;
        long n = read_some(c, b->data + b->len, NETBUF_SIZE - b->len);
        if (n > 0) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
            last = probe_now_ms();
            continue;
        }
        if (n < 0) {
            closed = true;
            break;
        }
        uint64_t now = probe_now_ms();
        uint64_t until = end;
        if (idle_ms && last && last + idle_ms < until)
            until = last + idle_ms;
        if (now >= until || target_stopping(c->t))
            break;
        unsigned slice = (unsigned)(until - now < SLICE_MS ? until - now : SLICE_MS);
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        if (poll(&p, 1, (int)slice) < 0 && errno != EINTR)
            break;
    }
    transcript_data(c->log, '<', b->data + start, b->len - start);
    return !(closed && b->len == start);
}

/* ---- UDP ---- */

int udp_socket(probe_target *t, int port)
{
    struct sockaddr_storage sa = t->addr;
    if (sa.ss_family == AF_INET)
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    int fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* Connected, so an ICMP port unreachable comes back as ECONNREFUSED. */
    if (connect(fd, (struct sockaddr *)&sa, t->addr_len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

long udp_recv(probe_target *t, int fd, unsigned char *buf, size_t cap, unsigned wait_ms)
{
    probe_conn c = {.t = t, .fd = fd};
    int rc = wait_fd(&c, POLLIN, wait_ms);
    if (rc <= 0)
        return rc;
    ssize_t n = recv(fd, buf, cap, 0);
    if (n >= 0)
        return (long)n;
    return errno == ECONNREFUSED ? -1 : 0;
}

int udp_exchange(probe_target *t, int port, const void *req, size_t req_len, unsigned char *reply,
                 size_t cap, size_t *got, transcript *log)
{
    *got = 0;
    int fd = udp_socket(t, port);
    if (fd < 0)
        return 0;
    int result = 0;
    /* Datagrams get lost: ask twice, the second time halfway through. */
    for (int attempt = 0; attempt < 2 && result == 0 && !target_stopping(t); attempt++) {
        if (send(fd, req, req_len, MSG_NOSIGNAL) < 0) {
            result = errno == ECONNREFUSED ? -1 : 0;
            break;
        }
        if (attempt == 0)
            transcript_data(log, '>', req, req_len);
        long n = udp_recv(t, fd, reply, cap, t->o->timeout_ms / 2 + 1);
        if (n > 0) {
            *got = (size_t)n;
            transcript_data(log, '<', reply, (size_t)n);
            result = 1;
        } else if (n < 0) {
            result = -1;
        }
    }
    close(fd);
    return result;
}
