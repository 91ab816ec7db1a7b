/*
 * Laboratory keys: Ed25519 pairs in PEM files (PKCS#8 private, SPKI public),
 * made, read and used through OpenSSL's EVP interface. Key files are outside
 * input like any other: bounded in size, and accepted only when they hold an
 * Ed25519 key. An encrypted private key is refused rather than prompted for,
 * since the library never talks to a terminal.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "cert_internal.h"

struct iotssf_cert_key {
    EVP_PKEY *pkey;
    unsigned char raw_public[CERT_ED25519_PUBLIC_BYTES];
    char id[65];
};

/* OpenSSL would otherwise ask on the terminal for an encrypted key's
 * passphrase. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

static iotssf_status key_wrap(EVP_PKEY *pkey, const char *path, iotssf_cert_key **out,
                              iotssf_error *err)
{
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                           "not an Ed25519 key (make one with 'iotssf cert keygen')");
    }
    iotssf_cert_key *k = calloc(1, sizeof *k);
    size_t raw_len = sizeof k->raw_public;
    unsigned char *der = NULL;
    int der_len = -1;
    if (k && EVP_PKEY_get_raw_public_key(pkey, k->raw_public, &raw_len) == 1 &&
        raw_len == sizeof k->raw_public)
        der_len = i2d_PUBKEY(pkey, &der);
    if (der_len <= 0) {
        free(k);
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        return iotssf_fail(err, IOTSSF_E_INTERNAL, path, 0, 0, "cannot encode the public key");
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, (size_t)der_len, digest);
    OPENSSL_free(der);
    cert_hex(digest, sizeof digest, k->id);
    k->pkey = pkey;
    *out = k;
    return IOTSSF_OK;
}

/* want_private: 1 private only, 0 public or private. */
static iotssf_status key_load(const char *path, int want_private, iotssf_cert_key **out,
                              iotssf_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    iotssf_status st = read_file_bounded(path, IOTSSF_CERT_MAX_KEY_BYTES, &text, &len, err);
    if (st)
        return st;
    EVP_PKEY *pkey = NULL;
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    if (bio && !want_private)
        pkey = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
    if (bio && !pkey && BIO_reset(bio) == 1)
        pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    free(text);
    ERR_clear_error();
    if (!pkey)
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                           want_private ? "not an unencrypted PEM private key"
                                        : "not a PEM public or private key");
    return key_wrap(pkey, path, out, err);
}

iotssf_status iotssf_cert_key_load_private(const char *path, iotssf_cert_key **out,
                                           iotssf_error *err)
{
    return key_load(path, 1, out, err);
}

iotssf_status iotssf_cert_key_load_public(const char *path, iotssf_cert_key **out,
                                          iotssf_error *err)
{
    return key_load(path, 0, out, err);
}

void iotssf_cert_key_free(iotssf_cert_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

void iotssf_cert_key_id(const iotssf_cert_key *key, char out[65])
{
    memcpy(out, key->id, 65);
}

const unsigned char *cert_key_raw_public(const iotssf_cert_key *key)
{
    return key->raw_public;
}

/* O_EXCL: an existing key file is never replaced. */
static FILE *create_new(const char *path, mode_t mode, iotssf_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        iotssf_fail(err, errno == EEXIST ? IOTSSF_E_INPUT : IOTSSF_E_IO, path, 0, 0,
                    errno == EEXIST ? "already exists; a key is never overwritten"
                                    : "cannot create: %s",
                    strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    return f;
}

static bool write_and_close(FILE *f, EVP_PKEY *pkey, bool private_part)
{
    int ok = private_part ? PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL)
                          : PEM_write_PUBKEY(f, pkey);
    ok = ok == 1 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    return fclose(f) == 0 && ok;
}

iotssf_status iotssf_cert_keygen(const char *private_path, const char *public_path,
                                 iotssf_error *err)
{
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!pkey) {
        ERR_clear_error();
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "cannot make an Ed25519 key");
    }
    iotssf_status st = IOTSSF_OK;
    FILE *priv = create_new(private_path, 0600, err);
    FILE *pub = priv && public_path ? create_new(public_path, 0644, err) : NULL;
    if (!priv || (public_path && !pub)) {
        if (priv) {
            fclose(priv);
            unlink(private_path);
        }
        st = err->status ? err->status : IOTSSF_E_IO;
    } else {
        bool ok = write_and_close(priv, pkey, true);
        ok = (pub ? write_and_close(pub, pkey, false) : true) && ok;
        if (!ok) {
            unlink(private_path);
            if (public_path)
                unlink(public_path);
            st = iotssf_fail(err, IOTSSF_E_IO, private_path, 0, 0, "cannot write the key");
        }
    }
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return st;
}

iotssf_status cert_key_sign(const iotssf_cert_key *key, const unsigned char *msg, size_t len,
                            unsigned char sig[CERT_ED25519_SIGNATURE_BYTES], iotssf_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = CERT_ED25519_SIGNATURE_BYTES;
    bool ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
              EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 &&
              sig_len == CERT_ED25519_SIGNATURE_BYTES;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    if (!ok)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "cannot sign: the key given is not a private key");
    return IOTSSF_OK;
}

bool cert_key_verify(const iotssf_cert_key *key, const unsigned char *msg, size_t len,
                     const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && sig_len == CERT_ED25519_SIGNATURE_BYTES &&
              EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}
