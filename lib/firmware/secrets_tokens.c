/*
 * Credentials with a shape of their own, found anywhere in a text file,
 * comments included (a token in a comment still works): an AWS access key id
 * with its secret access key nearby, and the documented token formats of
 * Slack, GitHub and Google. A shape must start at a word boundary, hold a
 * digit and not contain "example" (AWS's documented sample pair). The rest of
 * the secrets analysis is in secrets.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "secrets_internal.h"

size_t secrets_run_of(const char *p, const char *end, const char *extra)
{
    size_t n = 0;
    while (p + n < end && (secrets_is_alnum(p[n]) || (p[n] && strchr(extra, p[n]))))
        n++;
    return n;
}

static bool mixed_case_digit(const char *p, size_t n)
{
    bool lower = false, upper = false, digit = false;
    for (size_t i = 0; i < n; i++) {
        lower |= islower((unsigned char)p[i]) != 0;
        upper |= isupper((unsigned char)p[i]) != 0;
        digit |= isdigit((unsigned char)p[i]) != 0;
    }
    return lower && upper && digit;
}

static bool contains_example(const char *p, size_t n)
{
    for (size_t i = 0; i + 7 <= n; i++)
        if (strncasecmp(p + i, "example", 7) == 0)
            return true;
    return false;
}

/* A 40-character AWS secret access key within a few lines of `at`. */
static const char *aws_secret_near(const secrets_scan *sc, const char *at, size_t *len)
{
    const char *begin = at, *end = at, *text_end = sc->text + sc->size;
    const char *low = at - sc->text > AWS_WINDOW_BYTES ? at - AWS_WINDOW_BYTES : sc->text;
    const char *high = text_end - at > AWS_WINDOW_BYTES ? at + AWS_WINDOW_BYTES : text_end;
    for (int n = 0; begin > low && n <= AWS_SECRET_WINDOW; begin--)
        n += begin[-1] == '\n';
    for (int n = 0; end < high && n <= AWS_SECRET_WINDOW; end++)
        n += *end == '\n';
    for (const char *p = begin; p < end; p++) {
        if (p > begin && (secrets_is_alnum(p[-1]) || p[-1] == '/' || p[-1] == '+'))
            continue;
        size_t n = secrets_run_of(p, end, "/+");
        if (n == 40 && (p + n == end || p[n] != '=') && mixed_case_digit(p, n) &&
            !contains_example(p, n)) {
            *len = n;
            return p;
        }
        p += n ? n - 1 : 0;
    }
    return NULL;
}

static iotssf_status check_aws(secrets_scan *sc, const char *p, const char *end, size_t *used,
                               iotssf_error *err)
{
    if (end - p < 20 || (strncmp(p, "AKIA", 4) != 0 && strncmp(p, "ASIA", 4) != 0))
        return IOTSSF_OK;
    size_t n = 4;
    while (n < 20 && (isupper((unsigned char)p[n]) || isdigit((unsigned char)p[n])))
        n++;
    if (n != 20 || (p + n < end && secrets_is_alnum(p[n])) || contains_example(p, n))
        return IOTSSF_OK;
    if (sc->aws_looks == AWS_MAX_LOOKS)
        return IOTSSF_OK;
    sc->aws_looks++;
    size_t slen;
    const char *secret = aws_secret_near(sc, p, &slen);
    if (!secret)
        return IOTSSF_OK;
    *used = n;
    sc->aws_secrets[sc->aws_secret_count++ % AWS_REMEMBERED] = secret;
    char id[40], key[40], evidence[128];
    secrets_mask(p, n, id, sizeof id);
    secrets_mask(secret, slen, key, sizeof key);
    snprintf(evidence, sizeof evidence, "%s with secret key %s", id, key);
    return secrets_report(sc, "FW-SECRET-AWS-KEY", sc->line, evidence,
                  "an AWS access key id and, next to it, its secret access key", err);
}

typedef struct token_shape {
    const char *prefix;
    const char *extra; /* characters allowed besides letters and digits */
    size_t min, max;   /* length of the part after the prefix */
    const char *what;
} token_shape;

static const token_shape token_shapes[] = {
    {"xoxb-", "-", 20, 200, "Slack bot token"},
    {"xoxp-", "-", 20, 200, "Slack user token"},
    {"xoxa-", "-", 20, 200, "Slack app token"},
    {"xoxr-", "-", 20, 200, "Slack refresh token"},
    {"xoxs-", "-", 20, 200, "Slack session token"},
    {"ghp_", "", 36, 36, "GitHub personal access token"},
    {"gho_", "", 36, 36, "GitHub OAuth token"},
    {"ghu_", "", 36, 36, "GitHub user-to-server token"},
    {"ghs_", "", 36, 36, "GitHub server-to-server token"},
    {"ghr_", "", 36, 36, "GitHub refresh token"},
    {"github_pat_", "_", 82, 82, "GitHub fine-grained token"},
    {"AIza", "_-", 35, 35, "Google API key"},
};

/* The token shape `p` starts with, and its length, or NULL. */
static const token_shape *match_token(const char *p, const char *end, size_t *len)
{
    for (size_t i = 0; i < sizeof token_shapes / sizeof *token_shapes; i++) {
        const token_shape *t = &token_shapes[i];
        size_t plen = strlen(t->prefix);
        if ((size_t)(end - p) < plen || strncmp(p, t->prefix, plen) != 0)
            continue;
        size_t n = secrets_run_of(p + plen, end, t->extra);
        bool digit = false;
        for (size_t k = 0; k < n; k++)
            digit |= isdigit((unsigned char)p[plen + k]) != 0;
        if (n < t->min || n > t->max || !digit || contains_example(p, plen + n))
            return NULL;
        *len = plen + n;
        return t;
    }
    return NULL;
}

static iotssf_status check_token(secrets_scan *sc, const char *p, const char *end, size_t *used,
                                 iotssf_error *err)
{
    size_t n;
    const token_shape *t = match_token(p, end, &n);
    if (!t)
        return IOTSSF_OK;
    *used = n;
    size_t plen = strlen(t->prefix);
    char masked[40], evidence[96], message[128];
    secrets_mask(p + plen, n - plen, masked, sizeof masked);
    snprintf(evidence, sizeof evidence, "%s%s", t->prefix, masked);
    snprintf(message, sizeof message, "a %s in clear", t->what);
    return secrets_report(sc, "FW-SECRET-CLOUD-TOKEN", sc->line, evidence, message, err);
}

iotssf_status secrets_scan_tokens(secrets_scan *sc, const char *line, const char *end,
                                  iotssf_error *err)
{
    for (const char *p = line; p < end; p++) {
        if (p > line && (secrets_is_alnum(p[-1]) || p[-1] == '_' || p[-1] == '-'))
            continue;
        size_t used = 0;
        iotssf_status st = *p == 'A' ? check_aws(sc, p, end, &used, err) : IOTSSF_OK;
        if (!st && !used && (*p == 'x' || *p == 'g' || *p == 'A'))
            st = check_token(sc, p, end, &used, err);
        if (st)
            return st;
        p += used ? used - 1 : 0;
    }
    return IOTSSF_OK;
}

bool secrets_reported_as_token(const secrets_scan *sc, const char *v, size_t n)
{
    size_t len;
    if (match_token(v, v + n, &len) && len == n)
        return true;
    for (unsigned i = 0; i < sc->aws_secret_count && i < AWS_REMEMBERED; i++)
        if (sc->aws_secrets[i] == v)
            return true;
    return false;
}
