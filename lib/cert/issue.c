/*
 * Issuing a certificate: the statement is drawn from an assessment document
 * (docs/assessment-format.md), so it says only what the assessment said, and
 * it is tied to that document by the assessment digest. The statement holds
 * strings, booleans and nulls only, so its canonical form is the same in any
 * JSON library (docs/certificate.md). Layout: docs/certificate.md.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cert_internal.h"

/* Longer texts than this in the fields a statement copies are refused: they
 * are names and versions, not essays. */
#define TEXT_MAX 1024

typedef struct statement_builder {
    const char *source;
    iotssf_error *err;
} statement_builder;

/* A string (or null, when nullable) at obj[key]; NULL with err set otherwise. */
static json_t *copy_text(statement_builder *b, const json_t *obj, const char *where,
                         const char *key, bool nullable)
{
    json_t *v = json_object_get(obj, key);
    if (nullable && (!v || json_is_null(v)))
        return json_null();
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > TEXT_MAX ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0,
                    "%s.%s: expected a non-empty string of at most %d bytes", where, key,
                    TEXT_MAX);
        return NULL;
    }
    return json_string(json_string_value(v));
}

/* Sets dst[key] from src[key]; false on error. */
static bool take(statement_builder *b, json_t *dst, const json_t *src, const char *where,
                 const char *key, bool nullable)
{
    json_t *v = copy_text(b, src, where, key, nullable);
    return v && json_object_set_new(dst, key, v) == 0;
}

static json_t *subject_of(statement_builder *b, const json_t *assessment)
{
    const json_t *device = json_object_get(assessment, "device");
    const json_t *firmware = json_object_get(json_object_get(assessment, "evidence"), "firmware");
    if (!json_is_object(device)) {
        iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0, "no \"device\" object");
        return NULL;
    }
    const char *sha = json_string_value(json_object_get(firmware, "sha256"));
    if (!sha256_is_hex(sha)) {
        iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0,
                    "the assessment names no firmware image (evidence.firmware.sha256): a "
                    "certificate must say which firmware it covers; assess with --firmware");
        return NULL;
    }
    json_t *s = json_object();
    bool ok = s && take(b, s, device, "device", "vendor", false) &&
              take(b, s, device, "device", "model", false) &&
              take(b, s, device, "device", "hardware_version", true) &&
              take(b, s, device, "device", "firmware_version", true) &&
              json_object_set_new(s, "firmware_sha256", json_string(sha)) == 0;
    if (!ok)
        json_decref(s);
    return ok ? s : NULL;
}

/* The contract's example names two things "tier" in a mode (the tier id and
 * its conformity, which iotssf writes as "tier_conformity"); either
 * spelling gives the id. */
static const json_t *tier_holder(const json_t *mode)
{
    const json_t *t = json_object_get(mode, "tier");
    if (json_is_object(t))
        return t;
    if (!t && json_is_object(json_object_get(mode, "tier_conformity")))
        return json_object_get(mode, "tier_conformity");
    return mode;
}

static json_t *use_mode_of(statement_builder *b, const json_t *mode)
{
    json_t *m = json_object();
    const json_t *grade = json_object_get(mode, "grade");
    bool ok = m && json_is_object(mode) && take(b, m, mode, "modes[]", "id", false) &&
              take(b, m, mode, "modes[]", "name", true) &&
              take(b, m, mode, "modes[]", "category", false) &&
              take(b, m, tier_holder(mode), "modes[]", "tier", false) &&
              take(b, m, grade, "modes[].grade", "grade", false);
    if (!ok) {
        if (!b->err->status)
            iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0, "modes[]: expected objects");
        json_decref(m);
        return NULL;
    }
    return m;
}

/* A scheme counts as conformant for the device only when it is conformant in
 * every use mode that assessed it: the certificate covers all uses at once. */
static bool merge_schemes(statement_builder *b, json_t *merged, const json_t *mode)
{
    size_t i;
    const json_t *scheme;
    json_array_foreach(json_object_get(mode, "schemes"), i, scheme)
    {
        json_t *name = copy_text(b, scheme, "modes[].schemes[]", "scheme", false);
        if (!name)
            return false;
        json_t *conformant = json_object_get(scheme, "conformant");
        bool yes = json_is_true(conformant);
        if (!json_is_boolean(conformant)) {
            json_decref(name);
            iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0,
                        "modes[].schemes[].conformant: expected true or false");
            return false;
        }
        json_t *seen = json_object_get(merged, json_string_value(name));
        if (!seen || json_is_true(seen))
            json_object_set_new(merged, json_string_value(name), json_boolean(yes));
        json_decref(name);
    }
    return true;
}

static json_t *schemes_list(const json_t *merged)
{
    json_t *list = json_array();
    const char *name;
    json_t *conformant;
    /* json_object_foreach is in insertion order: the order of the first mode. */
    json_object_foreach((json_t *)merged, name, conformant)
    {
        json_array_append_new(list, json_pack("{s:s, s:O}", "scheme", name, "conformant",
                                              conformant));
    }
    return list;
}

static bool add_modes(statement_builder *b, json_t *statement, const json_t *assessment)
{
    const json_t *modes = json_object_get(assessment, "modes");
    if (!json_is_array(modes) || json_array_size(modes) == 0) {
        iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0, "no use modes (\"modes\")");
        return false;
    }
    json_t *list = json_array(), *merged = json_object();
    size_t i;
    const json_t *mode;
    bool ok = list && merged;
    json_array_foreach(modes, i, mode)
    {
        json_t *m = ok ? use_mode_of(b, mode) : NULL;
        ok = m && json_array_append_new(list, m) == 0 && merge_schemes(b, merged, mode);
    }
    ok = ok && json_object_set_new(statement, "use_modes", list) == 0;
    if (!ok)
        json_decref(list);
    ok = ok && json_object_set_new(statement, "schemes", schemes_list(merged)) == 0;
    json_decref(merged);
    return ok;
}

static time_t years_later(time_t t, unsigned years)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_year += (int)years;
    return timegm(&tm);
}

static bool add_validity(json_t *statement, const iotssf_cert_issue_options *o)
{
    time_t issued = o && o->issued ? o->issued : time(NULL);
    unsigned years = o && o->valid_years ? o->valid_years : 5;
    char from[21], to[21];
    iotssf_format_utc(issued, from);
    iotssf_format_utc(years_later(issued, years), to);
    return json_object_set_new(statement, "issued", json_string(from)) == 0 &&
           json_object_set_new(statement, "not_after", json_string(to)) == 0;
}

static json_t *statement_of(statement_builder *b, const json_t *assessment,
                            const iotssf_cert_key *key, const iotssf_cert_issue_options *o)
{
    const char *schema = json_string_value(json_object_get(assessment, "schema"));
    if (!schema || strcmp(schema, "iotssf.assessment/1") != 0) {
        iotssf_fail(b->err, IOTSSF_E_INPUT, b->source, 0, 0,
                    "not an assessment document (schema \"iotssf.assessment/1\")");
        return NULL;
    }
    char digest[65], key_id[65];
    if (iotssf_assessment_digest(assessment, digest, b->err))
        return NULL;
    iotssf_cert_key_id(key, key_id);
    const char *issuer = o && o->issuer ? o->issuer : "unnamed issuer";
    json_t *st = json_object();
    json_t *subject = st ? subject_of(b, assessment) : NULL;
    bool ok = subject && json_object_set_new(st, "subject", subject) == 0 &&
              add_modes(b, st, assessment) && take(b, st, assessment, "", "grade", false) &&
              json_object_set_new(st, "issuer",
                                  json_pack("{s:s, s:s}", "name", issuer, "key_id", key_id)) == 0 &&
              add_validity(st, o) &&
              json_object_set_new(st, "assessment_digest", json_string(digest)) == 0;
    if (!ok) {
        if (!b->err->status)
            iotssf_fail(b->err, IOTSSF_E_NOMEM, b->source, 0, 0, "out of memory");
        json_decref(st);
        return NULL;
    }
    return st;
}

static json_t *signature_of(const json_t *statement, const iotssf_cert_key *key,
                            iotssf_error *err)
{
    size_t len;
    char *text = iotssf_canonical_json(statement, &len, err);
    if (!text)
        return NULL;
    unsigned char sig[CERT_ED25519_SIGNATURE_BYTES];
    iotssf_status st = cert_key_sign(key, (const unsigned char *)text, len, sig, err);
    free(text);
    if (st)
        return NULL;
    char *value = cert_base64_encode(sig, sizeof sig);
    char *pub = cert_base64_encode(cert_key_raw_public(key), CERT_ED25519_PUBLIC_BYTES);
    json_t *s = value && pub ? json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "public_key",
                                         pub, "value", value)
                             : NULL;
    free(value);
    free(pub);
    if (!s)
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return s;
}

iotssf_status iotssf_cert_issue(const json_t *assessment, const char *source,
                                const iotssf_cert_key *key,
                                const iotssf_cert_issue_options *options, json_t **out,
                                iotssf_error *err)
{
    *out = NULL;
    if (options && (options->valid_years > 20 ||
                    (options->issuer && (!*options->issuer || strlen(options->issuer) > TEXT_MAX))))
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "the validity is 1 to 20 years and the issuer a name of at most %d "
                           "bytes",
                           TEXT_MAX);
    json_t *issuer = options && options->issuer ? json_string(options->issuer) : NULL;
    if (options && options->issuer && !issuer)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "the issuer's name is not UTF-8");
    json_decref(issuer);
    statement_builder b = {source, err};
    json_t *statement = statement_of(&b, assessment, key, options);
    if (!statement)
        return err->status;
    json_t *signature = signature_of(statement, key, err);
    if (!signature) {
        json_decref(statement);
        return err->status;
    }
    *out = json_pack("{s:s, s:o, s:o}", "schema", IOTSSF_SCHEMA_CERTIFICATE, "statement",
                     statement, "signature", signature);
    if (!*out)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return IOTSSF_OK;
}
