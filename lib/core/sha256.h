/*
 * SHA-256 as the rest of the library writes it: lowercase hex, of a buffer
 * or of a file read in pieces. Every fingerprint iotssf records (images,
 * files inside them, profiles, answers, catalogs, certificates) goes
 * through here, so they all compare as plain strings.
 */
#ifndef IOTSSF_CORE_SHA256_H
#define IOTSSF_CORE_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/error.h"

void sha256_hex(const void *data, size_t size, char out[65]);
/* 32 bytes of digest as 64 lowercase hex digits. */
void sha256_digest_hex(const unsigned char digest[32], char out[65]);
/* Exactly 64 lowercase hex digits. */
bool sha256_is_hex(const char *s);
iotssf_status sha256_file_hex(const char *path, char out[65], iotssf_error *err);

#endif
