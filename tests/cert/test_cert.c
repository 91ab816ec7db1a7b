/*
 * Certificates (lib/cert): keys made here and by the openssl tool, a
 * certificate issued for the assessment fixture beside this file, and every
 * way a certificate can fail to hold: a changed statement (every byte of it),
 * another key, outside its validity period, another firmware image, and
 * hostile files.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotssf/cert.h"
#include "util.h"

/* 2026-11-24T12:00:00Z */
#define ISSUED ((time_t)1795521600)

typedef struct fixture {
    char dir[64];
    char key[128], pub[128];
    iotssf_cert_key *private_key, *public_key;
    json_t *assessment;
} fixture;

static const char *in_dir(const fixture *f, const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    return path;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/iotssf-cert-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->key, sizeof f->key, "%s/lab.key", f->dir);
    snprintf(f->pub, sizeof f->pub, "%s/lab.pub", f->dir);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_cert_keygen(f->key, f->pub, &err), IOTSSF_OK);
    assert_int_equal(iotssf_cert_key_load_private(f->key, &f->private_key, &err), IOTSSF_OK);
    assert_int_equal(iotssf_cert_key_load_public(f->pub, &f->public_key, &err), IOTSSF_OK);
    assert_int_equal(iotssf_json_load_bounded(source_path("tests/cert/assessment.json"),
                                              IOTSSF_ASSESSMENT_MAX_BYTES, &f->assessment, &err),
                     IOTSSF_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    iotssf_cert_key_free(f->private_key);
    iotssf_cert_key_free(f->public_key);
    json_decref(f->assessment);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static json_t *issue(const fixture *f, const json_t *assessment)
{
    iotssf_cert_issue_options o = {.issuer = "Example Test Lab", .issued = ISSUED};
    iotssf_error err;
    iotssf_error_clear(&err);
    json_t *cert = NULL;
    if (iotssf_cert_issue(assessment, "assessment.json", f->private_key, &o, &cert, &err))
        fail_msg("cannot issue: %s", err.message);
    return cert;
}

static iotssf_cert_outcome check_at(const json_t *cert, const iotssf_cert_key *key, time_t at,
                                    const char *firmware, iotssf_status *status)
{
    iotssf_cert_verify_options o = {.at = at, .firmware_sha256 = firmware};
    iotssf_cert_check check = {.outcome = IOTSSF_CERT_VALID};
    iotssf_error err;
    iotssf_error_clear(&err);
    *status = iotssf_cert_verify(cert, "cert.json", key, &o, &check, &err);
    return check.outcome;
}

static void assert_outcome(const json_t *cert, const iotssf_cert_key *key, time_t at,
                           const char *firmware, iotssf_cert_outcome want)
{
    iotssf_status st;
    assert_int_equal(check_at(cert, key, at, firmware, &st), want);
    assert_int_equal(st, IOTSSF_OK);
}

static void test_keygen_files(void **state)
{
    fixture *f = *state;
    struct stat sb;
    assert_int_equal(stat(f->key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *pem = read_file(f->key, NULL);
    assert_non_null(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
    free(pem);
    pem = read_file(f->pub, NULL);
    assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
    free(pem);
    char id_private[65], id_public[65];
    iotssf_cert_key_id(f->private_key, id_private);
    iotssf_cert_key_id(f->public_key, id_public);
    assert_string_equal(id_private, id_public);
    /* The key id is the SHA-256 of the SPKI DER, as openssl computes it. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl pkey -pubin -in '%s' -outform DER | openssl dgst -sha256 -r | cut -c1-64",
             f->pub);
    FILE *p = popen(cmd, "r");
    char line[80] = "";
    assert_non_null(fgets(line, sizeof line, p));
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    assert_string_equal(line, id_public);
}

static void test_keygen_refuses_overwrite(void **state)
{
    fixture *f = *state;
    char *before = read_file(f->key, NULL);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_cert_keygen(f->key, NULL, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "never overwritten"));
    /* The private key is new but the public one exists: nothing is left behind. */
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_cert_keygen(in_dir(f, "other.key"), f->pub, &err), IOTSSF_E_INPUT);
    assert_int_equal(access(in_dir(f, "other.key"), F_OK), -1);
    char *after = read_file(f->key, NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_issue_statement(void **state)
{
    fixture *f = *state;
    json_t *cert = issue(f, f->assessment);
    char key_id[65], digest[65];
    iotssf_cert_key_id(f->public_key, key_id);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_assessment_digest(f->assessment, digest, &err), IOTSSF_OK);
    json_t *want = json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:s},"
        " s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}],"
        " s:[{s:s, s:b}, {s:s, s:b}], s:s, s:{s:s, s:s}, s:s, s:s, s:s}",
        "subject", "vendor", "Example Optics", "model", "NetCam 200", "hardware_version", "B",
        "firmware_version", "2.4.1", "firmware_sha256",
        "9f2b6c1e4a7d0b3c5e8f1a2d4b6c8e0f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b", "use_modes", "id",
        "home", "name", "Home use", "category", "II", "tier", "T2", "grade", "bronze", "id",
        "business", "name", "Small office", "category", "III", "tier", "T3", "grade", "none",
        "schemes", "scheme", "en303645", "conformant", 0, "scheme", "jcstar1", "conformant", 0,
        "grade", "none", "issuer", "name", "Example Test Lab", "key_id", key_id, "issued",
        "2026-11-24T12:00:00Z", "not_after", "2031-11-24T12:00:00Z", "assessment_digest",
        digest);
    assert_true(json_equal(json_object_get(cert, "statement"), want));
    json_t *sig = json_object_get(cert, "signature");
    assert_string_equal(json_string_value(json_object_get(sig, "algorithm")), "Ed25519");
    assert_int_equal(strlen(json_string_value(json_object_get(sig, "public_key"))), 44);
    assert_int_equal(strlen(json_string_value(json_object_get(sig, "value"))), 88);
    assert_outcome(cert, f->public_key, ISSUED + 3600, NULL, IOTSSF_CERT_VALID);
    json_decref(want);
    json_decref(cert);
}

static void test_issue_needs_firmware(void **state)
{
    fixture *f = *state;
    json_t *doc = json_deep_copy(f->assessment);
    json_object_set_new(json_object_get(doc, "evidence"), "firmware", json_null());
    iotssf_cert_issue_options o = {.issued = ISSUED};
    iotssf_error err;
    iotssf_error_clear(&err);
    json_t *cert = (json_t *)1;
    assert_int_equal(iotssf_cert_issue(doc, "a.json", f->private_key, &o, &cert, &err),
                     IOTSSF_E_INPUT);
    assert_null(cert);
    assert_non_null(strstr(err.message, "firmware"));
    /* Options out of range. */
    iotssf_cert_issue_options bad_years = {.valid_years = 21};
    iotssf_cert_issue_options bad_name = {.issuer = "Lab \xff"};
    assert_int_equal(iotssf_cert_issue(f->assessment, "a.json", f->private_key, &bad_years, &cert,
                                       &err),
                     IOTSSF_E_INPUT);
    assert_int_equal(iotssf_cert_issue(f->assessment, "a.json", f->private_key, &bad_name, &cert,
                                       &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "UTF-8"));
    /* A public key cannot sign. */
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_cert_issue(f->assessment, "a.json", f->public_key, &o, &cert, &err),
                     IOTSSF_E_INPUT);
    json_decref(doc);
}

static void test_validity_period(void **state)
{
    fixture *f = *state;
    json_t *cert = issue(f, f->assessment);
    time_t not_after;
    assert_int_equal(iotssf_parse_utc("2031-11-24T12:00:00Z", &not_after), 0);
    assert_outcome(cert, f->public_key, ISSUED, NULL, IOTSSF_CERT_VALID);
    assert_outcome(cert, f->public_key, not_after, NULL, IOTSSF_CERT_VALID);
    assert_outcome(cert, f->public_key, ISSUED - 1, NULL, IOTSSF_CERT_NOT_YET_VALID);
    assert_outcome(cert, f->public_key, not_after + 1, NULL, IOTSSF_CERT_EXPIRED);
    json_decref(cert);
}

static void test_firmware_and_key_mismatch(void **state)
{
    fixture *f = *state;
    json_t *cert = issue(f, f->assessment);
    const char *certified = "9f2b6c1e4a7d0b3c5e8f1a2d4b6c8e0f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b";
    const char *other_image = "0f2b6c1e4a7d0b3c5e8f1a2d4b6c8e0f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b";
    assert_outcome(cert, f->public_key, ISSUED, certified, IOTSSF_CERT_VALID);
    assert_outcome(cert, f->public_key, ISSUED, other_image, IOTSSF_CERT_FIRMWARE_MISMATCH);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *other;
    assert_int_equal(iotssf_cert_keygen(in_dir(f, "other.key"), NULL, &err), IOTSSF_OK);
    assert_int_equal(iotssf_cert_key_load_public(in_dir(f, "other.key"), &other, &err), IOTSSF_OK);
    assert_outcome(cert, other, ISSUED, NULL, IOTSSF_CERT_KEY_MISMATCH);
    /* A certificate re-signed by another key but naming ours as issuer. */
    iotssf_cert_key *other_private;
    assert_int_equal(iotssf_cert_key_load_private(in_dir(f, "other.key"), &other_private, &err),
                     IOTSSF_OK);
    fixture forged = *f;
    forged.private_key = other_private;
    json_t *forged_cert = issue(&forged, f->assessment);
    assert_outcome(forged_cert, f->public_key, ISSUED, NULL, IOTSSF_CERT_KEY_MISMATCH);
    json_decref(forged_cert);
    iotssf_cert_key_free(other_private);
    iotssf_cert_key_free(other);
    json_decref(cert);
}

/* Flips one bit in every byte of the statement as written; no change may
 * leave a valid certificate. */
static void test_every_statement_byte(void **state)
{
    fixture *f = *state;
    json_t *cert = issue(f, f->assessment);
    char *text = json_dumps(cert, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t len = strlen(text);
    char *start = strstr(text, "\"statement\"");
    char *end = strstr(text, "\"signature\"");
    assert_non_null(start);
    assert_true(end > start);
    size_t parsed = 0;
    for (char *p = start; p < end; p++) {
        *p ^= 1;
        json_t *changed = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
        *p ^= 1;
        if (!changed)
            continue;
        parsed++;
        iotssf_status st;
        iotssf_cert_outcome o = check_at(changed, f->public_key, ISSUED, NULL, &st);
        if (st == IOTSSF_OK && o == IOTSSF_CERT_VALID)
            fail_msg("flipping byte %td ('%c') left a valid certificate", p - text, *p);
        json_decref(changed);
    }
    /* Most flips still parse, so the signature check is what caught them. */
    assert_true(parsed > (size_t)(end - start) / 2);
    free(text);
    json_decref(cert);
}

/* The signature covers the canonical form, so layout and key order do not
 * matter; the same statement compact, with its keys sorted, still holds. */
static void test_whitespace_and_key_order(void **state)
{
    fixture *f = *state;
    json_t *cert = issue(f, f->assessment);
    char *compact = json_dumps(cert, JSON_COMPACT | JSON_SORT_KEYS);
    char *spread = json_dumps(cert, JSON_INDENT(7));
    json_t *a = json_loads(compact, 0, NULL), *b = json_loads(spread, 0, NULL);
    assert_outcome(a, f->public_key, ISSUED, NULL, IOTSSF_CERT_VALID);
    assert_outcome(b, f->public_key, ISSUED, NULL, IOTSSF_CERT_VALID);
    json_decref(a);
    json_decref(b);
    free(compact);
    free(spread);
    json_decref(cert);
}

static void test_openssl_made_key(void **state)
{
    fixture *f = *state;
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl genpkey -algorithm ed25519 -out '%s/ossl.key' && "
             "openssl pkey -in '%s/ossl.key' -pubout -out '%s/ossl.pub'",
             f->dir, f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *priv, *pub;
    assert_int_equal(iotssf_cert_key_load_private(in_dir(f, "ossl.key"), &priv, &err), IOTSSF_OK);
    assert_int_equal(iotssf_cert_key_load_public(in_dir(f, "ossl.pub"), &pub, &err), IOTSSF_OK);
    fixture g = *f;
    g.private_key = priv;
    json_t *cert = issue(&g, f->assessment);
    assert_outcome(cert, pub, ISSUED, NULL, IOTSSF_CERT_VALID);
    assert_outcome(cert, f->public_key, ISSUED, NULL, IOTSSF_CERT_KEY_MISMATCH);
    json_decref(cert);
    iotssf_cert_key_free(priv);
    iotssf_cert_key_free(pub);
    /* Not Ed25519: refused with a reason. */
    snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                              "-out '%s/ec.key' 2>/dev/null", f->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(iotssf_cert_key_load_private(in_dir(f, "ec.key"), &priv, &err),
                     IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "Ed25519"));
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

static void test_hostile_files(void **state)
{
    fixture *f = *state;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *k = (iotssf_cert_key *)1;
    /* Keys: garbage, truncated PEM, a missing file, a huge file. */
    write_text(in_dir(f, "junk.key"), "not a key\n", 10);
    assert_int_equal(iotssf_cert_key_load_public(in_dir(f, "junk.key"), &k, &err), IOTSSF_E_INPUT);
    assert_null(k);
    char *pem = read_file(f->key, NULL);
    write_text(in_dir(f, "cut.key"), pem, strlen(pem) / 2);
    free(pem);
    assert_int_equal(iotssf_cert_key_load_private(in_dir(f, "cut.key"), &k, &err), IOTSSF_E_INPUT);
    assert_int_equal(iotssf_cert_key_load_public(in_dir(f, "none.key"), &k, &err), IOTSSF_E_IO);
    char *big = calloc(1, IOTSSF_CERT_MAX_KEY_BYTES + 2);
    memset(big, 'A', IOTSSF_CERT_MAX_KEY_BYTES + 1);
    write_text(in_dir(f, "big.key"), big, IOTSSF_CERT_MAX_KEY_BYTES + 1);
    assert_int_equal(iotssf_cert_key_load_public(in_dir(f, "big.key"), &k, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "too large"));
    free(big);
    /* Certificates: duplicate keys, a truncated file, a malformed signature. */
    json_t *doc = NULL;
    const char *dup = "{\"schema\": \"a\", \"schema\": \"b\"}";
    write_text(in_dir(f, "dup.json"), dup, strlen(dup));
    assert_int_equal(iotssf_json_load_bounded(in_dir(f, "dup.json"), IOTSSF_CERT_MAX_BYTES, &doc,
                                              &err),
                     IOTSSF_E_INPUT);
    json_t *cert = issue(f, f->assessment);
    char *text = json_dumps(cert, JSON_INDENT(2));
    write_text(in_dir(f, "cut.json"), text, strlen(text) - 5);
    assert_int_equal(iotssf_json_load_bounded(in_dir(f, "cut.json"), IOTSSF_CERT_MAX_BYTES, &doc,
                                              &err),
                     IOTSSF_E_INPUT);
    free(text);
    const char *bad_values[] = {"", "AAAA", "not base64 at all!", "====", NULL};
    for (int i = 0; bad_values[i]; i++) {
        json_t *c = json_deep_copy(cert);
        json_object_set_new(json_object_get(c, "signature"), "value",
                            json_string(bad_values[i]));
        iotssf_status st;
        check_at(c, f->public_key, ISSUED, NULL, &st);
        assert_int_equal(st, IOTSSF_E_INPUT);
        json_decref(c);
    }
    json_decref(cert);
}

static void test_time_parsing(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(iotssf_parse_utc("2026-11-24T12:00:00Z", &t), 0);
    assert_int_equal(t, ISSUED);
    assert_int_equal(iotssf_parse_utc("2026-11-24", &t), 0);
    assert_int_equal(t, ISSUED - 12 * 3600);
    const char *bad[] = {"2026-02-31", "2026-11-24T12:00:00", "2026-11-24 12:00:00Z",
                         "26-11-24", "2026-13-01", "", "2026-11-24T25:00:00Z", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(iotssf_parse_utc(bad[i], &t), -1);
    char out[21];
    iotssf_format_utc(ISSUED, out);
    assert_string_equal(out, "2026-11-24T12:00:00Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keygen_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keygen_refuses_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issue_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issue_needs_firmware, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validity_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_firmware_and_key_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_statement_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whitespace_and_key_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_openssl_made_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_files, setup, teardown),
        cmocka_unit_test(test_time_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
