/*
 * Certificates: a laboratory signs, with an Ed25519 key, a short statement of
 * what an assessment (docs/assessment-format.md) found about one firmware
 * image of one device: its use modes, grades and scheme conformity. Anyone
 * holding the laboratory's public key can check the statement, its validity
 * period and the firmware image it names, with iotssf or with plain openssl
 * (docs/certificate.md gives the commands).
 *
 * Layers: lib/cert/key.c (key files), lib/cert/canonical.c (the bytes that
 * are hashed and signed), lib/cert/issue.c (statement from an assessment),
 * lib/cert/verify.c (reading and checking a certificate).
 */
#ifndef IOTSSF_CERT_H
#define IOTSSF_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "iotssf/assess.h"
#include "iotssf/error.h"

#define IOTSSF_SCHEMA_CERTIFICATE "iotssf.certificate/1"

/* Files larger than these are refused before they are parsed. */
#define IOTSSF_CERT_MAX_BYTES (1u << 20)
#define IOTSSF_CERT_MAX_KEY_BYTES (64u << 10)

/* ---- keys (lib/cert/key.c) ---- */

typedef struct iotssf_cert_key iotssf_cert_key;

/* Makes an Ed25519 key pair: the private key as PKCS#8 PEM, mode 0600, and,
 * when public_path is not NULL, the public key as SPKI PEM. Neither file may
 * exist already: a laboratory key is never overwritten by mistake. */
iotssf_status iotssf_cert_keygen(const char *private_path, const char *public_path,
                                 iotssf_error *err);

/* Reads a PEM Ed25519 key: private (PKCS#8, as keygen or `openssl genpkey
 * -algorithm ed25519` write it) or, for load_public, also a public SPKI key. */
iotssf_status iotssf_cert_key_load_private(const char *path, iotssf_cert_key **out,
                                           iotssf_error *err);
iotssf_status iotssf_cert_key_load_public(const char *path, iotssf_cert_key **out,
                                          iotssf_error *err);
void iotssf_cert_key_free(iotssf_cert_key *key);

/* The key's id: lowercase hex SHA-256 of its public key's SPKI DER. */
void iotssf_cert_key_id(const iotssf_cert_key *key, char out[65]);

/* ---- canonical form (lib/cert/canonical.c) ---- */

/* A JSON value as the bytes that are hashed and signed: jansson's
 * JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII. malloc'd, NUL-ended. */
char *iotssf_canonical_json(const json_t *value, size_t *length, iotssf_error *err);

/* The assessment digest of docs/assessment-format.md: lowercase hex SHA-256
 * of the document's canonical form. */
iotssf_status iotssf_assessment_digest(const json_t *assessment, char out[65],
                                       iotssf_error *err);

/* Reads a JSON file of at most max_bytes, rejecting duplicate keys. */
iotssf_status iotssf_json_load_bounded(const char *path, size_t max_bytes, json_t **out,
                                       iotssf_error *err);

/* ---- issuing (lib/cert/issue.c) ---- */

typedef struct iotssf_cert_issue_options {
    const char *issuer;   /* the laboratory's name; NULL: "unnamed issuer" */
    unsigned valid_years; /* 1 to 20; 0: 5 */
    time_t issued;        /* 0: now */
} iotssf_cert_issue_options;

/* Signs a certificate for an assessment document. Refused (IOTSSF_E_INPUT)
 * when the assessment names no firmware image hash: a certificate must say
 * which firmware it is about. `source` names the assessment in errors. */
iotssf_status iotssf_cert_issue(const json_t *assessment, const char *source,
                                const iotssf_cert_key *key,
                                const iotssf_cert_issue_options *options, json_t **out,
                                iotssf_error *err);

/* ---- verifying (lib/cert/verify.c) ---- */

typedef enum iotssf_cert_outcome {
    IOTSSF_CERT_VALID,
    IOTSSF_CERT_KEY_MISMATCH,      /* signed by another key than the one given */
    IOTSSF_CERT_BAD_SIGNATURE,     /* the statement is not what was signed */
    IOTSSF_CERT_NOT_YET_VALID,
    IOTSSF_CERT_EXPIRED,
    IOTSSF_CERT_FIRMWARE_MISMATCH, /* the image is not the one certified */
} iotssf_cert_outcome;

typedef struct iotssf_cert_check {
    iotssf_cert_outcome outcome;
    char reason[256]; /* one line, for people */
} iotssf_cert_check;

typedef struct iotssf_cert_verify_options {
    time_t at;                    /* 0: now */
    const char *firmware_sha256;  /* lowercase hex, or NULL: not checked */
} iotssf_cert_verify_options;

/* Checks a parsed certificate against the laboratory's public key. Returns
 * IOTSSF_E_INPUT when the document is not a well-formed certificate; a
 * well-formed certificate that does not hold is IOTSSF_OK with the reason in
 * `check`. Checks run in the order of iotssf_cert_outcome, so the first
 * reason found is the one reported. */
iotssf_status iotssf_cert_verify(const json_t *cert, const char *source,
                                 const iotssf_cert_key *key,
                                 const iotssf_cert_verify_options *options,
                                 iotssf_cert_check *check, iotssf_error *err);

/* Lowercase hex SHA-256 of a file's bytes. */
iotssf_status iotssf_sha256_file(const char *path, char out[65], iotssf_error *err);

/* "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" (midnight UTC); -1 when malformed. */
int iotssf_parse_utc(const char *text, time_t *out);
void iotssf_format_utc(time_t t, char out[21]);

#endif
