/*
 * libFuzzer target for certificates and the history store. The first byte
 * chooses what the rest is:
 *  - even: a certificate, checked against the fuzzing key (seeds are
 *    certificates signed by it, so mutations reach past the signature);
 *  - odd: an assessment, which is certified (the certificate must then hold,
 *    also after a round trip through its own JSON text) and recorded into an
 *    in-memory history whose timeline is rendered.
 * Seeds: fuzz/corpus/cert/. The key below is for fuzzing only.
 */
#define _DEFAULT_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "iotssf/cert.h"
#include "iotssf/history.h"

static const char fuzz_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIASS47k7vYYJKxnd7ipwT4IrdhSJrB40/SJeNdZeOz3u\n"
    "-----END PRIVATE KEY-----\n";

/* 2026-11-24T12:00:00Z: seeds are issued then, for 20 years. */
#define FUZZ_ISSUED ((time_t)1795521600)

static iotssf_cert_key *fuzz_key(void)
{
    static iotssf_cert_key *key;
    if (key)
        return key;
    char path[] = "/tmp/iotssf-fuzz-key-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, fuzz_key_pem, sizeof fuzz_key_pem - 1) != sizeof fuzz_key_pem - 1)
        fuzz_fail("cannot write the fuzzing key", NULL);
    close(fd);
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_cert_key_load_private(path, &key, &err))
        fuzz_fail("cannot load the fuzzing key", &err);
    unlink(path);
    return key;
}

static void check_certificate(const json_t *cert, time_t at)
{
    iotssf_cert_verify_options o = {
        .at = at,
        .firmware_sha256 = "9f2b6c1e4a7d0b3c5e8f1a2d4b6c8e0f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b"};
    iotssf_cert_check check;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_cert_verify(cert, "fuzz.json", fuzz_key(), &o, &check, &err);
    if (st)
        fuzz_check_error(st, &err);
    else if (check.reason[0] == '\0')
        fuzz_fail("a verdict on a certificate without a reason", NULL);
}

static void must_hold(const json_t *cert)
{
    iotssf_cert_verify_options o = {.at = FUZZ_ISSUED};
    iotssf_cert_check check;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_cert_verify(cert, "issued", fuzz_key(), &o, &check, &err))
        fuzz_fail("a certificate just issued is not well formed", &err);
    if (check.outcome != IOTSSF_CERT_VALID)
        fuzz_fail(check.reason, NULL);
}

static void certify(const json_t *assessment)
{
    iotssf_cert_issue_options o = {.issuer = "Fuzz Lab", .issued = FUZZ_ISSUED};
    json_t *cert = NULL;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_cert_issue(assessment, "fuzz.json", fuzz_key(), &o, &cert, &err);
    if (st) {
        if (cert)
            fuzz_fail("a failed issue left a certificate behind", NULL);
        fuzz_check_error(st, &err);
        return;
    }
    must_hold(cert);
    char *text = json_dumps(cert, JSON_INDENT(1));
    json_t *again = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!again)
        fuzz_fail("a certificate does not read back", NULL);
    must_hold(again);
    json_decref(again);
    free(text);
    json_decref(cert);
}

/* One in-memory store for many inputs, renewed now and then to stay small. */
static void record(const json_t *assessment)
{
    static iotssf_history *h;
    static unsigned uses;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (h && ++uses % 256 == 0) {
        iotssf_history_close(h);
        h = NULL;
    }
    if (!h && iotssf_history_open(":memory:", &h, &err))
        fuzz_fail("cannot open an in-memory history", &err);
    iotssf_history_recorded r;
    iotssf_status st = iotssf_history_record_json(h, assessment, "fuzz.json", NULL, &r, &err);
    if (st) {
        fuzz_check_error(st, &err);
        return;
    }
    const json_t *device_obj = json_object_get(assessment, "device");
    const char *device = json_string_value(json_object_get(device_obj, "id"));
    iotssf_history_timeline *t;
    if (iotssf_history_timeline_load(h, device, &t, &err))
        fuzz_fail("a recorded device has no timeline", &err);
    iotssf_history_write_timeline(fuzz_sink(), IOTSSF_FORMAT_TEXT, t, &err);
    if (iotssf_history_write_timeline(fuzz_sink(), IOTSSF_FORMAT_JSON, t, &err))
        fuzz_fail("a timeline does not render as JSON", &err);
    iotssf_history_timeline_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > IOTSSF_CERT_MAX_BYTES)
        return 0;
    json_t *doc = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return 0;
    }
    if (data[0] % 2 == 0) {
        check_certificate(doc, FUZZ_ISSUED + 1);
        check_certificate(doc, 0);
    } else {
        certify(doc);
        record(doc);
    }
    json_decref(doc);
    return 0;
}
