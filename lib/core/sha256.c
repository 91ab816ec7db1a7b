/*
 * SHA-256 in lowercase hex (see sha256.h), on OpenSSL's EVP interface.
 */
#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

void sha256_digest_hex(const unsigned char digest[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

void sha256_hex(const void *data, size_t size, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, size, digest, &len, EVP_sha256(), NULL) || len != 32)
        memset(digest, 0, 32);
    sha256_digest_hex(digest, out);
}

bool sha256_is_hex(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

iotssf_status sha256_file_hex(const char *path, char out[65], iotssf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, n) == 1;
    bool read_error = ferror(f) != 0;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok = ok && !read_error && EVP_DigestFinal_ex(ctx, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok)
        return iotssf_fail(err, read_error ? IOTSSF_E_IO : IOTSSF_E_INTERNAL, path, 0, 0,
                           read_error ? "read error" : "SHA-256 failed");
    sha256_digest_hex(digest, out);
    return IOTSSF_OK;
}
