/*
 * Small encodings the certificate needs: base64 for keys and signatures, hex
 * for digests, RFC 3339 UTC times, and bounded file reading. Decoders are
 * strict (one spelling per value), so that a certificate cannot be altered
 * in ways that still decode to the same bytes.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "../core/sha256.h"
#include "cert_internal.h"

char *cert_base64_encode(const unsigned char *data, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

static int base64_value(char c)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

long cert_base64_decode(const char *text, unsigned char *out, size_t cap)
{
    size_t n = strlen(text);
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > cap + 2)
        return -1;
    size_t written = 0;
    for (size_t i = 0; i < n; i += 4) {
        bool last = i + 4 == n;
        int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (pad == 1 && text[i + 2] == '=')
            return -1;
        unsigned long group = 0;
        for (int j = 0; j < 4; j++) {
            int v = j >= 4 - pad ? 0 : base64_value(text[i + j]);
            if (v < 0)
                return -1;
            group = group << 6 | (unsigned long)v;
        }
        /* The bits a padded group leaves unused must be zero. */
        if ((pad == 1 && (group & 0xffu)) || (pad == 2 && (group & 0xffffu)))
            return -1;
        for (int j = 0; j < 3 - pad; j++) {
            if (written >= cap)
                return -1;
            out[written++] = (unsigned char)(group >> (16 - 8 * j));
        }
    }
    return (long)written;
}

void cert_hex(const unsigned char *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}

iotssf_status iotssf_sha256_file(const char *path, char out[65], iotssf_error *err)
{
    return sha256_file_hex(path, out, err);
}

static bool digits_at(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int iotssf_parse_utc(const char *text, time_t *out)
{
    size_t n = text ? strlen(text) : 0;
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, s = 0;
    if ((n != 10 && n != 20) || text[4] != '-' || text[7] != '-' ||
        !digits_at(text, 4, &y) || !digits_at(text + 5, 2, &mo) || !digits_at(text + 8, 2, &d))
        return -1;
    if (n == 20 && (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' ||
                    !digits_at(text + 11, 2, &h) || !digits_at(text + 14, 2, &mi) ||
                    !digits_at(text + 17, 2, &s)))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    /* timegm normalises 31 February into March: such a date is malformed. */
    if (t == (time_t)-1 || tm.tm_mday != d)
        return -1;
    *out = t;
    return 0;
}

void iotssf_format_utc(time_t t, char out[21])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < 1000 - 1900) {
        strcpy(out, "0000-00-00T00:00:00Z");
        return;
    }
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        strcpy(out, "0000-00-00T00:00:00Z");
}
