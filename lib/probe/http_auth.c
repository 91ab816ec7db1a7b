/*
 * HTTP authentication as a client: parsing WWW-Authenticate challenges,
 * answering Basic and Digest (RFC 7617, RFC 7616 with MD5 or SHA-256, qop
 * "auth" or none), and guessing published default logins against a
 * protected resource. Success is the server's own verdict: a 2xx or 3xx
 * answer to a request that drew a 401 without credentials.
 */
#define _DEFAULT_SOURCE
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

/* ---- challenges ---- */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
    return p;
}

/* name=value or name="quoted \"value\""; false at the end or on garbage. */
static bool next_param(const char **pp, char *name, size_t nsize, char *value, size_t vsize)
{
    const char *p = skip_space(*pp);
    size_t n = 0;
    while (*p && *p != '=' && *p != ' ' && *p != ',') {
        if (n + 1 < nsize)
            name[n++] = *p;
        p++;
    }
    name[n] = '\0';
    if (*p != '=' || n == 0)
        return false;
    p++;
    size_t v = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            if (v + 1 < vsize)
                value[v++] = *p;
            p++;
        }
        if (*p != '"')
            return false;
        p++;
    } else {
        while (*p && *p != ',' && *p != ' ') {
            if (v + 1 < vsize)
                value[v++] = *p;
            p++;
        }
    }
    value[v] = '\0';
    *pp = p;
    return true;
}

bool http_challenge_parse(const char *value, http_challenge *c)
{
    memset(c, 0, sizeof *c);
    const char *p = skip_space(value);
    size_t n = 0;
    while (*p && *p != ' ' && n + 1 < sizeof c->scheme)
        c->scheme[n++] = *p++;
    c->scheme[n] = '\0';
    if (n == 0 || (*p && *p != ' '))
        return false;
    char name[32], v[256];
    while (next_param(&p, name, sizeof name, v, sizeof v)) {
        if (strcasecmp(name, "realm") == 0)
            probe_copy(c->realm, sizeof c->realm, v);
        else if (strcasecmp(name, "nonce") == 0)
            probe_copy(c->nonce, sizeof c->nonce, v);
        else if (strcasecmp(name, "opaque") == 0)
            probe_copy(c->opaque, sizeof c->opaque, v);
        else if (strcasecmp(name, "algorithm") == 0)
            probe_copy(c->algorithm, sizeof c->algorithm, v);
        else if (strcasecmp(name, "qop") == 0) {
            /* "auth,auth-int": we answer "auth" when it is among them. */
            for (char *tok = v; *tok;) {
                size_t len = strcspn(tok, ", ");
                if (len == 4 && strncasecmp(tok, "auth", 4) == 0)
                    snprintf(c->qop, sizeof c->qop, "auth");
                tok += len;
                tok += strspn(tok, ", ");
            }
        }
    }
    return true;
}

/* ---- answers ---- */

bool http_basic_authorization(const char *user, const char *password, char *out, size_t size)
{
    char plain[512];
    int n = snprintf(plain, sizeof plain, "%s:%s", user, password);
    if (n < 0 || (size_t)n >= sizeof plain || size < 6 + ((size_t)n + 2) / 3 * 4 + 1)
        return false;
    memcpy(out, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain, n);
    return true;
}

static bool hash_hex(const EVP_MD *md, const char *text, char *hex, size_t size)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(text, strlen(text), digest, &len, md, NULL) || size < len * 2 + 1)
        return false;
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + i * 2, 3, "%02x", digest[i]);
    return true;
}

static bool quotable(const char *s)
{
    return !strpbrk(s, "\"\\\r\n");
}

bool http_digest_authorization(const http_challenge *c, const char *user, const char *password,
                               const char *method, const char *uri, unsigned nc,
                               const char *cnonce, char *out, size_t size)
{
    const EVP_MD *md;
    if (!c->algorithm[0] || strcasecmp(c->algorithm, "MD5") == 0)
        md = EVP_md5();
    else if (strcasecmp(c->algorithm, "SHA-256") == 0)
        md = EVP_sha256();
    else
        return false; /* -sess variants and others: not answered */
    if (!c->nonce[0] || !quotable(user) || !quotable(c->realm) || !quotable(c->nonce) ||
        !quotable(c->opaque))
        return false;
    char a[1024], ha1[129], ha2[129], resp[129], count[9];
    snprintf(count, sizeof count, "%08x", nc);
    snprintf(a, sizeof a, "%s:%s:%s", user, c->realm, password);
    if (!hash_hex(md, a, ha1, sizeof ha1))
        return false;
    snprintf(a, sizeof a, "%s:%s", method, uri);
    if (!hash_hex(md, a, ha2, sizeof ha2))
        return false;
    if (c->qop[0])
        snprintf(a, sizeof a, "%s:%s:%s:%s:auth:%s", ha1, c->nonce, count, cnonce, ha2);
    else
        snprintf(a, sizeof a, "%s:%s:%s", ha1, c->nonce, ha2);
    if (!hash_hex(md, a, resp, sizeof resp))
        return false;
    int n = snprintf(out, size,
                     "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                     "algorithm=%s, response=\"%s\"",
                     user, c->realm, c->nonce, uri, c->algorithm[0] ? c->algorithm : "MD5", resp);
    if (n > 0 && (size_t)n < size && c->qop[0])
        n += snprintf(out + n, size - (size_t)n, ", qop=auth, nc=%s, cnonce=\"%s\"", count, cnonce);
    if (n > 0 && (size_t)n < size && c->opaque[0])
        n += snprintf(out + n, size - (size_t)n, ", opaque=\"%s\"", c->opaque);
    return n > 0 && (size_t)n < size;
}

/* ---- guessing ---- */

static guess_result http_attempt(probe_target *t, void *ctx, void **session, const char *user,
                                 const char *password, transcript *log)
{
    const http_target *h = ctx;
    http_response r;
    http_challenge ch;
    char auth[1024];
    (void)session;
    if (!h->digest) {
        if (!http_basic_authorization(user, password, auth, sizeof auth))
            return GUESS_REJECTED;
    } else {
        /* A fresh challenge each time: Digest nonces expire. */
        if (!http_exchange(t, h, NULL, &r, NULL))
            return GUESS_RETRY;
        if (r.status != 401)
            return GUESS_GIVE_UP;
        if (!http_find_challenge(&r, "Digest", &ch) ||
            !http_digest_authorization(&ch, user, password, h->method, h->path, 1,
                                       "0a4f113b1e5c9d27", auth, sizeof auth))
            return GUESS_GIVE_UP;
    }
    if (!http_exchange(t, h, auth, &r, log))
        return GUESS_RETRY;
    if (r.status >= 200 && r.status < 400)
        return GUESS_ACCEPTED;
    return GUESS_REJECTED;
}

static void http_end(void *ctx, void *session)
{
    (void)ctx;
    (void)session;
}

void http_guess(probe_target *t, const http_target *h)
{
    guess_service gs = {.service = strcmp(h->protocol, "RTSP") == 0 ? "rtsp" : "http",
                        .port = h->port,
                        .ctx = (void *)h,
                        .attempt = http_attempt,
                        .end_session = http_end};
    guess_run(t, &gs);
}
