/*
 * The canonical form of a JSON value, which is what gets hashed (the
 * assessment digest) and signed (a certificate's statement): jansson's
 * compact, key-sorted, ASCII-only serialisation. Reading a document back and
 * serialising it again gives the same bytes whatever whitespace or key order
 * the file had, so a certificate survives being pretty-printed. Reals are
 * allowed in an assessment but never in a statement (lib/cert/issue.c), since
 * their text is the one thing another JSON library might write differently.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "cert_internal.h"

char *iotssf_canonical_json(const json_t *value, size_t *length, iotssf_error *err)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                                       JSON_ENCODE_ANY);
    if (!text) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "cannot serialise the document");
        return NULL;
    }
    if (length)
        *length = strlen(text);
    return text;
}

iotssf_status iotssf_assessment_digest(const json_t *assessment, char out[65],
                                       iotssf_error *err)
{
    size_t len;
    char *text = iotssf_canonical_json(assessment, &len, err);
    if (!text)
        return err->status;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, len, digest);
    free(text);
    cert_hex(digest, sizeof digest, out);
    return IOTSSF_OK;
}

iotssf_status iotssf_json_load_bounded(const char *path, size_t max_bytes, json_t **out,
                                       iotssf_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    iotssf_status st = read_file_bounded(path, max_bytes, &text, &len, err);
    if (st)
        return st;
    json_error_t jerr;
    /* Duplicate keys would let two readers see two different documents. */
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!doc)
        return iotssf_fail(err, IOTSSF_E_INPUT, path, (unsigned)(jerr.line > 0 ? jerr.line : 0),
                           (unsigned)(jerr.column > 0 ? jerr.column : 0), "not JSON: %s",
                           jerr.text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 1, 1, "expected a JSON object");
    }
    *out = doc;
    return IOTSSF_OK;
}
