/*
 * What the certificate files share inside lib/cert: signing and checking
 * bytes with a key, base64 and hex, and reading files of bounded size. Keys
 * stay opaque outside key.c.
 */
#ifndef IOTSSF_CERT_INTERNAL_H
#define IOTSSF_CERT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/cert.h"
#include "../core/file.h"
#include "../core/sha256.h"

#define CERT_ED25519_PUBLIC_BYTES 32
#define CERT_ED25519_SIGNATURE_BYTES 64

iotssf_status cert_key_sign(const iotssf_cert_key *key, const unsigned char *msg, size_t len,
                            unsigned char sig[CERT_ED25519_SIGNATURE_BYTES], iotssf_error *err);
bool cert_key_verify(const iotssf_cert_key *key, const unsigned char *msg, size_t len,
                     const unsigned char *sig, size_t sig_len);
const unsigned char *cert_key_raw_public(const iotssf_cert_key *key);

/* Standard base64 with padding; malloc'd, NUL-ended. */
char *cert_base64_encode(const unsigned char *data, size_t len);
/* Strict: only the standard alphabet, padded, no whitespace. Returns the
 * decoded length, or -1; writes at most `cap` bytes. */
long cert_base64_decode(const char *text, unsigned char *out, size_t cap);

void cert_hex(const unsigned char *data, size_t len, char *out);

#endif
