/*
 * Checking a certificate. The signature is checked over the canonical form of
 * the statement as read, before any field of the statement is trusted or even
 * interpreted, so a changed statement is always reported as such and never as
 * some other fault. Only then are the signed fields read: the issuer's key
 * id, the validity period and the firmware hash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_internal.h"

typedef struct signature_parts {
    unsigned char public_key[CERT_ED25519_PUBLIC_BYTES];
    unsigned char value[CERT_ED25519_SIGNATURE_BYTES];
} signature_parts;

static iotssf_status bad(iotssf_error *err, const char *source, const char *what)
{
    return iotssf_fail(err, IOTSSF_E_INPUT, source, 0, 0, "not a valid certificate: %s", what);
}

static bool decode_exact(const json_t *v, unsigned char *out, size_t len)
{
    const char *text = json_string_value(v);
    return text && strlen(text) < 256 && cert_base64_decode(text, out, len) == (long)len;
}

static iotssf_status read_envelope(const json_t *cert, const char *source,
                                   signature_parts *parts, iotssf_error *err)
{
    const char *schema = json_string_value(json_object_get(cert, "schema"));
    if (!schema || strcmp(schema, IOTSSF_SCHEMA_CERTIFICATE) != 0)
        return bad(err, source, "schema is not \"" IOTSSF_SCHEMA_CERTIFICATE "\"");
    if (!json_is_object(json_object_get(cert, "statement")))
        return bad(err, source, "no \"statement\" object");
    const json_t *sig = json_object_get(cert, "signature");
    const char *algorithm = json_string_value(json_object_get(sig, "algorithm"));
    if (!algorithm || strcmp(algorithm, "Ed25519") != 0)
        return bad(err, source, "signature.algorithm is not \"Ed25519\"");
    if (!decode_exact(json_object_get(sig, "public_key"), parts->public_key,
                      sizeof parts->public_key))
        return bad(err, source, "signature.public_key is not 32 bytes of base64");
    if (!decode_exact(json_object_get(sig, "value"), parts->value, sizeof parts->value))
        return bad(err, source, "signature.value is not 64 bytes of base64");
    return IOTSSF_OK;
}

static iotssf_status set_outcome(iotssf_cert_check *check, iotssf_cert_outcome outcome,
                                 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static iotssf_status set_outcome(iotssf_cert_check *check, iotssf_cert_outcome outcome,
                                 const char *fmt, ...)
{
    check->outcome = outcome;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(check->reason, sizeof check->reason, fmt, ap);
    va_end(ap);
    return IOTSSF_OK;
}

static bool statement_signed(const json_t *statement, const signature_parts *parts,
                             const iotssf_cert_key *key, iotssf_error *err)
{
    size_t len;
    char *text = iotssf_canonical_json(statement, &len, err);
    bool ok = text && cert_key_verify(key, (const unsigned char *)text, len, parts->value,
                                      sizeof parts->value);
    free(text);
    return ok;
}

/* The signed fields, read once the signature holds. */
typedef struct signed_fields {
    const char *key_id, *firmware_sha256, *issued_text, *not_after_text;
    time_t issued, not_after;
} signed_fields;

static iotssf_status read_signed_fields(const json_t *statement, const char *source,
                                        signed_fields *f, iotssf_error *err)
{
    f->key_id = json_string_value(json_object_get(json_object_get(statement, "issuer"), "key_id"));
    const json_t *subject = json_object_get(statement, "subject");
    f->firmware_sha256 = json_string_value(json_object_get(subject, "firmware_sha256"));
    f->issued_text = json_string_value(json_object_get(statement, "issued"));
    f->not_after_text = json_string_value(json_object_get(statement, "not_after"));
    if (!sha256_is_hex(f->key_id))
        return bad(err, source, "statement.issuer.key_id is not a SHA-256 in hex");
    if (!sha256_is_hex(f->firmware_sha256))
        return bad(err, source, "statement.subject.firmware_sha256 is not a SHA-256 in hex");
    if (iotssf_parse_utc(f->issued_text, &f->issued) != 0 ||
        iotssf_parse_utc(f->not_after_text, &f->not_after) != 0 || f->not_after < f->issued)
        return bad(err, source, "statement.issued and not_after are not an RFC 3339 UTC period");
    return IOTSSF_OK;
}

iotssf_status iotssf_cert_verify(const json_t *cert, const char *source,
                                 const iotssf_cert_key *key,
                                 const iotssf_cert_verify_options *options,
                                 iotssf_cert_check *check, iotssf_error *err)
{
    signature_parts parts;
    iotssf_status st = read_envelope(cert, source, &parts, err);
    if (st)
        return st;
    char key_id[65];
    iotssf_cert_key_id(key, key_id);
    if (memcmp(parts.public_key, cert_key_raw_public(key), sizeof parts.public_key) != 0)
        return set_outcome(check, IOTSSF_CERT_KEY_MISMATCH,
                           "key mismatch: signed by another key than %s", key_id);
    const json_t *statement = json_object_get(cert, "statement");
    if (!statement_signed(statement, &parts, key, err))
        return err->status ? err->status
                           : set_outcome(check, IOTSSF_CERT_BAD_SIGNATURE,
                                         "signature mismatch: the statement is not what "
                                         "was signed");
    signed_fields f;
    if ((st = read_signed_fields(statement, source, &f, err)))
        return st;
    if (strcmp(f.key_id, key_id) != 0)
        return set_outcome(check, IOTSSF_CERT_KEY_MISMATCH,
                           "key mismatch: the statement names issuer key %s, not %s", f.key_id,
                           key_id);
    time_t at = options && options->at ? options->at : time(NULL);
    if (at < f.issued)
        return set_outcome(check, IOTSSF_CERT_NOT_YET_VALID, "not yet valid: issued %s",
                           f.issued_text);
    if (at > f.not_after)
        return set_outcome(check, IOTSSF_CERT_EXPIRED, "expired: valid until %s",
                           f.not_after_text);
    const char *fw = options ? options->firmware_sha256 : NULL;
    if (fw && strcmp(fw, f.firmware_sha256) != 0)
        return set_outcome(check, IOTSSF_CERT_FIRMWARE_MISMATCH,
                           "firmware hash mismatch: the image is %s, the certificate names %s",
                           fw, f.firmware_sha256);
    return set_outcome(check, IOTSSF_CERT_VALID, "valid until %s (issuer key %s)",
                       f.not_after_text, key_id);
}
