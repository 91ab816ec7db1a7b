/*
 * What the key and certificate analysis (keys.c) shares with its format
 * helpers: the SSH family of key files (keys_ssh.c: OpenSSH's own container,
 * Dropbear's host keys, PuTTY's .ppk, and the SSH public-key blob that gives
 * every key one fingerprint whatever file it came from) and certificates
 * (keys_cert.c).
 *
 * Every key gets the fingerprint `ssh-keygen -l` would print for it
 * ("SHA256:" and unpadded base64 of the SSH public-key blob), so the same
 * key is recognised as a PEM file, an OpenSSH file and a Dropbear host key,
 * and a person can check the finding with the standard tool. Key types SSH
 * has no blob for fall back to the SHA-256 of the DER SubjectPublicKeyInfo,
 * written "SPKI-SHA256:".
 */
#ifndef IOTSSF_FIRMWARE_KEYS_INTERNAL_H
#define IOTSSF_FIRMWARE_KEYS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

typedef struct key_facts {
    char type[40];       /* "RSA", "DSA", "EC", "Ed25519", or "" when unknown */
    char curve[24];      /* EC: "P-256" or the curve's short name */
    unsigned bits;       /* 0 when unknown (an encrypted PKCS#8 key) */
    bool encrypted;
    const char *format;  /* static text: "PEM PKCS#1", "OpenSSH", "Dropbear", ... */
    char fingerprint[72];/* "" when unknown */
} key_facts;

/* RSA under 2048 bits, any DSA key, EC under 224 bits. */
bool key_is_weak(const key_facts *k);
/* "RSA 2048-bit", "EC P-256", "encrypted key of unknown type". */
void key_describe(const key_facts *k, char *out, size_t size);

/* Standard base64 of `in`, ignoring whitespace and the two-character escapes
 * \n \r \t (keys pasted into JSON or C strings); stops at '-' or any other
 * character outside the alphabet. Writes at most `cap` bytes; false on a
 * malformed quartet or when `cap` is too small. */
bool keys_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* Type, size and fingerprint of a key OpenSSL parsed. */
bool keys_pkey_facts(EVP_PKEY *pkey, key_facts *k);

/* Type, size and fingerprint from an SSH public-key blob. */
bool keys_ssh_blob_facts(const uint8_t *blob, size_t len, key_facts *k);

/* The keys of an "openssh-key-v1" container (the decoded body of an
 * OPENSSH PRIVATE KEY block). Returns how many were written to `out`. */
size_t keys_openssh_container(const uint8_t *data, size_t len, key_facts *out, size_t max);

/* A Dropbear private key file (its own binary format: SSH strings and
 * mpints, public fields first). False when `data` is not one. */
bool keys_dropbear_key(const uint8_t *data, size_t len, key_facts *k);

/* A PuTTY .ppk file (version 2 or 3). False when `data` is not one. */
bool keys_putty_key(const uint8_t *data, size_t len, key_facts *k);

/* Certificates. */
typedef struct cert_facts {
    char subject[200];
    char issuer[200];
    char not_before[24]; /* "2001-01-01" */
    char not_after[24];
    char signature[48];  /* "sha1WithRSAEncryption" */
    bool weak_signature; /* MD2, MD4, MD5 or SHA-1 */
    bool expired;
    bool not_yet_valid;
    bool self_signed;
    bool is_ca;
    key_facts key;       /* the subject's public key (no fingerprint) */
    bool key_known;
} cert_facts;

/* Parses one DER certificate (`trusted` for OpenSSL's "TRUSTED CERTIFICATE"
 * form); `now` decides expiry. False when it does not parse. */
bool keys_cert_facts(const uint8_t *der, size_t len, bool trusted, time_t now, cert_facts *c);

/* Trust stores: where systems keep the CA certificates they trust. */
bool keys_trust_store_path(const char *path);

#endif
