/*
 * Key and certificate analysis tests (lib/firmware/keys.c). Every key and
 * certificate is made here by the real tools: openssl (PKCS#1, SEC1, PKCS#8
 * plain, encrypted and DER, self-signed, SHA-1, expired and CA-signed
 * certificates), ssh-keygen (PEM and OpenSSH formats, encrypted), Debian's
 * dropbearkey and dropbearconvert, PuTTY's puttygen when it can be fetched,
 * and the system's CA bundle. The analysis runs through its fw_analysis
 * interface with the real rules and catalog; findings are asserted exactly
 * (rule, path, line, evidence), fingerprints against what ssh-keygen and
 * dropbearkey print. Then hostile inputs: truncations, bit flips, caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "fw_analysis_util.h"
#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_analysis fw_analysis_keys;

static char work[4096];
static char root[4200];
static char dropbearkey[8192];
static char dropbearconvert[8192];
static char puttygen[4200];

/* ---- tools ---- */

/* Debian's dropbear-bin links libtomcrypt and libtommath: fetched too and
 * found through LD_LIBRARY_PATH, so nothing is installed. */
static void find_dropbear(void)
{
    char bin[1024], crypt[1024], math[1024];
    if (!try_debian_dir("dropbear-bin", bin, sizeof bin) ||
        !try_debian_dir("libtomcrypt1", crypt, sizeof crypt) ||
        !try_debian_dir("libtommath1", math, sizeof math))
        fail_msg("cannot fetch dropbear-bin and its libraries with tests/tools/debian-binary.sh");
    const char *libs = "usr/lib/x86_64-linux-gnu";
    snprintf(dropbearkey, sizeof dropbearkey, "LD_LIBRARY_PATH='%s/%s:%s/%s' '%s/usr/bin/dropbearkey'",
             crypt, libs, math, libs, bin);
    snprintf(dropbearconvert, sizeof dropbearconvert,
             "LD_LIBRARY_PATH='%s/%s:%s/%s' '%s/usr/lib/dropbear/dropbearconvert'", crypt, libs,
             math, libs, bin);
}

static void find_puttygen(void)
{
    char dir[4096];
    puttygen[0] = '\0';
    if (try_debian_dir("putty-tools", dir, sizeof dir))
        snprintf(puttygen, sizeof puttygen, "%s/usr/bin/puttygen", dir);
    else
        print_message("note: putty-tools could not be fetched; the .ppk cases are skipped\n");
}

/* ---- fixtures ---- */

static void make_keys(void)
{
    run_or_fail(
        "cd '%s' && mkdir -p fp etc/ssl/private etc/ssh etc/dropbear home/admin/.ssh "
        "usr/share/app usr/bin www usr/share/doc && "
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out etc/ssl/private/rsa1024.pem && "
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ../rsa2048.p8 && "
        "openssl rsa -in ../rsa2048.p8 -traditional -out etc/ssl/private/rsa2048.key && "
        "openssl pkey -in ../rsa2048.p8 -outform DER -out usr/share/app/key.der && "
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ../ec.p8 && "
        "openssl ec -in ../ec.p8 -out etc/ssl/private/ec.pem && "
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -outform DER -out usr/share/app/blob && "
        "openssl pkey -inform DER -in usr/share/app/blob -out ../blob.pem && "
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:secret "
        "  -out etc/ssl/private/encrypted.pem && "
        "openssl pkey -in etc/ssl/private/rsa2048.key -pubout -out etc/ssl/public.pem && "
        "openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 "
        "  -out ../dsa.param 2>/dev/null && "
        "openssl genpkey -paramfile ../dsa.param | openssl dsa -out etc/ssl/private/dsa.pem && "
        "ssh-keygen -q -t rsa -b 1024 -m PEM -N '' -C '' -f home/admin/.ssh/id_rsa && "
        "ssh-keygen -q -t ed25519 -N '' -C admin -f home/admin/.ssh/id_ed25519 && "
        "ssh-keygen -q -t ecdsa -b 256 -N secret -C admin -f home/admin/.ssh/id_ecdsa && "
        "ssh-keygen -q -t rsa -b 2048 -N '' -C '' -f etc/ssh/ssh_host_rsa_key && "
        "%s -t rsa -s 1024 -f etc/dropbear/dropbear_rsa_host_key >/dev/null",
        root, dropbearkey);
    /* A key compiled into a program, and one pasted into JSON. */
    run_or_fail(
        "cd '%s' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 | "
        "openssl rsa -traditional -out ../embedded.pem && "
        "{ printf '\\177ELF\\002\\001\\001'; head -c 57 /dev/zero; cat ../embedded.pem; "
        "  head -c 100 /dev/zero; } > usr/bin/firmware-app && "
        "{ printf '{\\n  \"name\": \"cloud\",\\n  \"key\": \"'; "
        "  awk '{printf \"%%s\\\\n\", $0}' ../ec.p8; printf '\"\\n}\\n'; } > www/config.json && "
        "printf 'Paste your key:\\n-----BEGIN RSA PRIVATE KEY-----\\n...\\n"
        "-----END RSA PRIVATE KEY-----\\n' > usr/share/doc/howto.txt",
        root);
    run_or_fail(
        "cd '%s' && for k in etc/ssl/private/rsa1024.pem etc/ssl/private/rsa2048.key "
        "etc/ssl/private/ec.pem etc/ssl/private/dsa.pem home/admin/.ssh/id_rsa home/admin/.ssh/id_ed25519.pub "
        "home/admin/.ssh/id_ecdsa.pub etc/ssh/ssh_host_rsa_key.pub ../blob.pem ../embedded.pem; do "
        "  ssh-keygen -E sha256 -lf $k | cut -d' ' -f2 > fp/$(basename $k); done && "
        "%s -y -f etc/dropbear/dropbear_rsa_host_key | sed -n 's/^Fingerprint: //p' "
        "  > fp/dropbear && mv fp ..",
        root, dropbearkey);
}

static void make_certs(void)
{
    run_or_fail(
        "cd '%s' && mkdir -p etc/lighttpd etc/certs etc/ssl/certs ../ca && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ../lighttpd.key -subj /CN=camera.local "
        "  -days 36500 -out ../lighttpd.crt 2>/dev/null && "
        "cat ../lighttpd.key ../lighttpd.crt > etc/lighttpd/server.pem && "
        "ssh-keygen -E sha256 -lf ../lighttpd.key | cut -d' ' -f2 > ../fp/lighttpd.key && "
        "openssl req -x509 -sha1 -newkey rsa:1024 -nodes -keyout ../sha1.key -subj /CN=sha1.device "
        "  -days 36500 -outform DER -out etc/certs/sha1.crt 2>/dev/null && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ../ca.key "
        "  -subj '/CN=Vendor Root' -days 36500 -out ../ca.crt 2>/dev/null && "
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ../leaf.key "
        "  -subj /CN=device-0001 -out ../leaf.csr 2>/dev/null && "
        "openssl x509 -req -in ../leaf.csr -CA ../ca.crt -CAkey ../ca.key -CAcreateserial "
        "  -days 36500 -out etc/certs/leaf.pem 2>/dev/null && "
        "cp /etc/ssl/certs/ca-certificates.crt etc/ssl/certs/ && "
        "mkdir -p usr/share/ca-certificates/mozilla && "
        "for c in $(ls /usr/share/ca-certificates/mozilla | head -n 3); do "
        "  cp /usr/share/ca-certificates/mozilla/$c usr/share/ca-certificates/mozilla/; done",
        root);
    /* An expired certificate: `openssl ca` is the 3.0 tool that sets dates. */
    run_or_fail(
        "cd '%s/../ca' && : > index.txt && echo 01 > serial && "
        "printf '[ca]\\ndefault_ca = a\\n[a]\\ndatabase = index.txt\\nnew_certs_dir = .\\n"
        "serial = serial\\ndefault_md = sha256\\npolicy = p\\nunique_subject = no\\n"
        "[p]\\ncommonName = supplied\\n' > ca.cnf && "
        "openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj /CN=old.device "
        "  -out old.csr 2>/dev/null && "
        "openssl ca -batch -notext -config ca.cnf -selfsign -keyfile old.key -in old.csr "
        "  -startdate 20000101000000Z -enddate 20010101000000Z -out '%s/etc/certs/old.pem' 2>/dev/null",
        root, root);
}

static void make_putty_keys(void)
{
    if (!puttygen[0])
        return;
    run_or_fail("cd '%s' && mkdir -p root && : > ../empty && echo secret > ../pass && "
                "'%s' -t rsa -b 2048 -o root/putty.ppk --new-passphrase ../empty 2>/dev/null && "
                "'%s' -t ed25519 -o root/putty-enc.ppk --new-passphrase ../pass 2>/dev/null && "
                "'%s' -L root/putty.ppk | ssh-keygen -E sha256 -lf - | cut -d' ' -f2 "
                "  > ../fp/putty.ppk && "
                "'%s' -L root/putty-enc.ppk --old-passphrase ../pass | ssh-keygen -E sha256 -lf - "
                "  | cut -d' ' -f2 > ../fp/putty-enc.ppk",
                root, puttygen, puttygen, puttygen, puttygen);
}

static int build_fixtures(void **state)
{
    (void)state;
    find_dropbear();
    find_puttygen();
    snprintf(work, sizeof work, "%s", scratch_dir("keys"));
    snprintf(root, sizeof root, "%s/root", work);
    run_or_fail("mkdir -p '%s'", root);
    make_keys();
    make_certs();
    make_putty_keys();
    return 0;
}

/* ---- helpers ---- */

static const char *fingerprint(const char *name)
{
    static char fp[128];
    char path[4400];
    snprintf(path, sizeof path, "%s/fp/%s", work, name);
    char *text = read_file(path, NULL);
    assert_non_null(text);
    snprintf(fp, sizeof fp, "%.*s", (int)strcspn(text, "\n"), text);
    free(text);
    assert_true(strncmp(fp, "SHA256:", 7) == 0);
    return fp;
}

/* Line of the first occurrence of `needle` in a fixture file. */
static unsigned line_in(const char *relative, const char *needle)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    char *text = read_file(path, NULL);
    assert_non_null(text);
    char *at = strstr(text, needle);
    assert_non_null(at);
    unsigned line = 1;
    for (char *p = text; p < at; p++)
        line += *p == '\n';
    free(text);
    return line;
}

static const iotssf_finding *expect(const analysis_run *r, const char *rule, const char *path,
                                    unsigned line)
{
    const iotssf_finding *f = finding_at(r, rule, path, line);
    if (!f) {
        print_findings(r);
        fail_msg("no %s finding at %s:%u", rule, path, line);
    }
    assert_int_equal(f->line, line);
    assert_string_equal(f->origin, "test-fs");
    return f;
}

static void expect_key(const analysis_run *r, const char *rule, const char *path, unsigned line,
                       const char *description, const char *fp_name)
{
    const iotssf_finding *f = expect(r, rule, path, line);
    char want[512];
    snprintf(want, sizeof want, "%s%s%s", description, fp_name ? ", " : "",
             fp_name ? fingerprint(fp_name) : "");
    assert_string_equal(f->evidence, want);
}

/* ---- the fixture tree ---- */

static void check_keys(const analysis_run *r)
{
    expect_key(r, "FW-KEY-PRIVATE", "etc/ssl/private/rsa1024.pem", 1,
               "RSA 1024-bit, PEM PKCS#8, not encrypted", "rsa1024.pem");
    expect(r, "FW-KEY-WEAK", "etc/ssl/private/rsa1024.pem", 1);
    expect_key(r, "FW-KEY-PRIVATE", "etc/ssl/private/rsa2048.key", 1,
               "RSA 2048-bit, PEM PKCS#1, not encrypted", "rsa2048.key");
    expect_key(r, "FW-KEY-PRIVATE", "usr/share/app/key.der", 0, "RSA 2048-bit, DER, not encrypted",
               "rsa2048.key");
    expect_key(r, "FW-KEY-PRIVATE", "etc/ssl/private/ec.pem", 1,
               "EC P-256, PEM SEC1, not encrypted", "ec.pem");
    expect_key(r, "FW-KEY-PRIVATE", "www/config.json", 3, "EC P-256, PEM PKCS#8, not encrypted",
               "ec.pem");
    expect_key(r, "FW-KEY-PRIVATE", "etc/ssl/private/dsa.pem", 1,
               "DSA 1024-bit, PEM DSA, not encrypted", "dsa.pem");
    const iotssf_finding *dsa = expect(r, "FW-KEY-WEAK", "etc/ssl/private/dsa.pem", 1);
    assert_string_equal(dsa->message, "weak key: DSA 1024-bit (DSA is obsolete)");
    expect_key(r, "FW-KEY-PRIVATE", "usr/share/app/blob", 0, "EC P-384, DER, not encrypted",
               "blob.pem");
    expect_key(r, "FW-KEY-PRIVATE-ENCRYPTED", "etc/ssl/private/encrypted.pem", 1,
               "type unknown, PEM PKCS#8, encrypted", NULL);
    expect_key(r, "FW-KEY-PRIVATE", "home/admin/.ssh/id_rsa", 1,
               "RSA 1024-bit, PEM PKCS#1, not encrypted", "id_rsa");
    expect(r, "FW-KEY-WEAK", "home/admin/.ssh/id_rsa", 1);
    expect_key(r, "FW-KEY-PRIVATE", "home/admin/.ssh/id_ed25519", 1,
               "Ed25519 256-bit, OpenSSH, not encrypted", "id_ed25519.pub");
    expect_key(r, "FW-KEY-PRIVATE-ENCRYPTED", "home/admin/.ssh/id_ecdsa", 1,
               "EC P-256, OpenSSH, encrypted", "id_ecdsa.pub");
    expect_key(r, "FW-KEY-HOST-KEY", "etc/ssh/ssh_host_rsa_key", 1,
               "RSA 2048-bit, OpenSSH, not encrypted", "ssh_host_rsa_key.pub");
    expect_key(r, "FW-KEY-HOST-KEY", "etc/dropbear/dropbear_rsa_host_key", 0,
               "RSA 1024-bit, Dropbear, not encrypted", "dropbear");
    expect(r, "FW-KEY-WEAK", "etc/dropbear/dropbear_rsa_host_key", 0);
    const iotssf_finding *f = expect(r, "FW-KEY-PRIVATE", "usr/bin/firmware-app", 0);
    assert_int_equal(f->offset, 64);
    expect_key(r, "FW-KEY-PRIVATE", "usr/bin/firmware-app", 0,
               "RSA 2048-bit, PEM PKCS#1, not encrypted", "embedded.pem");
    expect_key(r, "FW-KEY-PRIVATE", "etc/lighttpd/server.pem", 1,
               "RSA 2048-bit, PEM PKCS#8, not encrypted", "lighttpd.key");
}

static void check_reuse(const analysis_run *r)
{
    /* The RSA key as PKCS#1 PEM and PKCS#8 DER; the EC key as SEC1 PEM and
     * as PKCS#8 inside JSON: each reported once, where first seen. */
    const iotssf_finding *f = expect(r, "FW-KEY-REUSED", "etc/ssl/private/rsa2048.key", 1);
    assert_non_null(strstr(f->message, "2 places: etc/ssl/private/rsa2048.key, "
                                       "usr/share/app/key.der"));
    char want[256];
    snprintf(want, sizeof want, "RSA 2048-bit %s", fingerprint("rsa2048.key"));
    assert_string_equal(f->evidence, want);
    f = expect(r, "FW-KEY-REUSED", "etc/ssl/private/ec.pem", 1);
    assert_non_null(strstr(f->message, "2 places: etc/ssl/private/ec.pem, www/config.json"));
    assert_int_equal(findings_of(r, "FW-KEY-REUSED"), 2);
}

static void check_certs(const analysis_run *r)
{
    unsigned line = line_in("etc/lighttpd/server.pem", "-----BEGIN CERTIFICATE");
    const iotssf_finding *f = expect(r, "FW-CERT-DEVICE", "etc/lighttpd/server.pem", line);
    assert_non_null(strstr(f->evidence, "subject=CN=camera.local; issuer=CN=camera.local; valid "));
    assert_non_null(strstr(f->evidence, "; RSA 2048-bit; sha256WithRSAEncryption"));
    expect(r, "FW-CERT-SELF-SIGNED", "etc/lighttpd/server.pem", line);

    f = expect(r, "FW-CERT-DEVICE", "etc/certs/old.pem", 1);
    assert_string_equal(f->evidence, "subject=CN=old.device; issuer=CN=old.device; valid "
                                     "2000-01-01 to 2001-01-01; RSA 2048-bit; "
                                     "sha256WithRSAEncryption");
    f = expect(r, "FW-CERT-EXPIRED", "etc/certs/old.pem", 1);
    assert_string_equal(f->message, "certificate CN=old.device expired on 2001-01-01");
    expect(r, "FW-CERT-SELF-SIGNED", "etc/certs/old.pem", 1);

    f = expect(r, "FW-CERT-WEAK-SIGNATURE", "etc/certs/sha1.crt", 0);
    assert_string_equal(f->message, "certificate CN=sha1.device is signed with "
                                    "sha1WithRSAEncryption");
    f = expect(r, "FW-CERT-WEAK-KEY", "etc/certs/sha1.crt", 0);
    assert_string_equal(f->message, "certificate CN=sha1.device has a weak key: RSA 1024-bit");
    expect(r, "FW-CERT-DEVICE", "etc/certs/sha1.crt", 0);
    expect(r, "FW-CERT-SELF-SIGNED", "etc/certs/sha1.crt", 0);

    f = expect(r, "FW-CERT-DEVICE", "etc/certs/leaf.pem", 1);
    assert_non_null(strstr(f->evidence, "subject=CN=device-0001; issuer=CN=Vendor Root; "));
    assert_non_null(strstr(f->evidence, "; EC P-256; ecdsa-with-SHA256"));

    /* 140-odd roots: one line; three loose root files: one line. */
    f = expect(r, "FW-CERT-CA-BUNDLE", "etc/ssl/certs/ca-certificates.crt", 0);
    assert_non_null(strstr(f->message, "CA bundle with 1"));
    assert_int_equal(findings_of(r, "FW-CERT-CA-BUNDLE"), 2);
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *x = &r->findings.items[i];
        if (strncmp(x->path, "usr/share/ca-certificates/", 26) == 0)
            assert_string_equal(x->evidence, "3 trust-store files with one CA certificate each");
        else if (strcmp(x->path, "etc/ssl/certs/ca-certificates.crt") == 0)
            assert_string_equal(x->rule->id, "FW-CERT-CA-BUNDLE");
    }
}

static void check_putty(const analysis_run *r, size_t *expected)
{
    if (!puttygen[0])
        return;
    expect_key(r, "FW-KEY-PRIVATE", "root/putty.ppk", 1, "RSA 2048-bit, PuTTY PPK v3, not encrypted",
               "putty.ppk");
    expect_key(r, "FW-KEY-PRIVATE-ENCRYPTED", "root/putty-enc.ppk", 1,
               "Ed25519 256-bit, PuTTY PPK v3, encrypted", "putty-enc.ppk");
    *expected += 2;
}

static void fixture_tree_findings(void **state)
{
    (void)state;
    analysis_run r;
    analysis_run_tree(&fw_analysis_keys, root, &r);
    check_keys(&r);
    check_reuse(&r);
    check_certs(&r);
    size_t expected = 33;
    check_putty(&r, &expected);
    /* Nothing else: no public key, no template, no root of a bundle. */
    if (r.findings.count != expected)
        print_findings(&r);
    assert_int_equal(r.findings.count, expected);
    analysis_run_free(&r);
}

/* The brief's case: one key as Dropbear's host key and as the TLS key. */
static void host_key_shared_with_tls(void **state)
{
    (void)state;
    char dir[4400];
    snprintf(dir, sizeof dir, "%s/shared", work);
    run_or_fail("mkdir -p '%s/etc/ssl/private' '%s/etc/dropbear' && cd '%s' && "
                "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 | "
                "openssl rsa -traditional -out etc/ssl/private/server.key && "
                "%s openssh dropbear etc/ssl/private/server.key "
                "etc/dropbear/dropbear_rsa_host_key >/dev/null && "
                "ssh-keygen -E sha256 -lf etc/ssl/private/server.key | cut -d' ' -f2 "
                "  > ../fp/shared",
                dir, dir, dir, dropbearconvert);
    analysis_run r;
    analysis_run_tree(&fw_analysis_keys, dir, &r);
    expect_key(&r, "FW-KEY-HOST-KEY", "etc/dropbear/dropbear_rsa_host_key", 0,
               "RSA 2048-bit, Dropbear, not encrypted", "shared");
    expect_key(&r, "FW-KEY-PRIVATE", "etc/ssl/private/server.key", 1,
               "RSA 2048-bit, PEM PKCS#1, not encrypted", "shared");
    const iotssf_finding *f = expect(&r, "FW-KEY-REUSED", "etc/dropbear/dropbear_rsa_host_key", 0);
    assert_non_null(strstr(f->message, "2 places: etc/dropbear/dropbear_rsa_host_key, "
                                       "etc/ssl/private/server.key"));
    assert_int_equal(f->severity, IOTSSF_SEV_HIGH);
    assert_int_equal(r.findings.count, 3);
    analysis_run_free(&r);
}

/* ---- hostile inputs ---- */

static uint8_t *fixture(const char *relative, size_t *size)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    uint8_t *data = (uint8_t *)read_file(path, size);
    assert_non_null(data);
    return data;
}

static iotssf_fw_entry file_entry(const char *path, const void *data, size_t size)
{
    return (iotssf_fw_entry){.path = path, .kind = IOTSSF_FW_FILE, .mode = 0600,
                             .size = size, .data = size ? data : NULL};
}

/* An OpenSSH key re-armoured after its decoded body was cut short. */
static char *openssh_cut(const uint8_t *pem, size_t keep)
{
    const char *begin = strchr((const char *)pem, '\n') + 1;
    const char *end = strstr(begin, "-----END");
    uint8_t body[4096];
    char armour[8192];
    char b64[4096];
    size_t len = 0;
    for (const char *p = begin; p < end; p++)
        if (*p != '\n')
            b64[len++] = *p;
    int n = EVP_DecodeBlock(body, (const unsigned char *)b64, (int)len);
    assert_true(n > 0 && (size_t)n > keep);
    unsigned char out[6000];
    EVP_EncodeBlock(out, body, (int)keep);
    snprintf(armour, sizeof armour,
             "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n", out);
    return strdup(armour);
}

static void truncated_and_cut_keys(void **state)
{
    (void)state;
    size_t ed_size, db_size, rsa_size;
    uint8_t *ed = fixture("home/admin/.ssh/id_ed25519", &ed_size);
    uint8_t *db = fixture("etc/dropbear/dropbear_rsa_host_key", &db_size);
    uint8_t *rsa = fixture("etc/ssl/private/rsa1024.pem", &rsa_size);
    /* The public key is whole in the first 100 decoded bytes, torn at 60. */
    char *keeps_public = openssh_cut(ed, 100), *torn = openssh_cut(ed, 60);
    char *no_end = strndup((const char *)rsa, rsa_size - 30);
    enum { PREFIXES = 64 };
    iotssf_fw_entry entries[5 + 2 * PREFIXES];
    char names[2 * PREFIXES][32];
    size_t n = 0;
    entries[n++] = file_entry("cut/keeps-public", keeps_public, strlen(keeps_public));
    entries[n++] = file_entry("cut/torn", torn, strlen(torn));
    entries[n++] = file_entry("cut/no-end", no_end, strlen(no_end));
    entries[n++] = file_entry("cut/dropbear-half", db, db_size / 2);
    entries[n++] = file_entry("cut/dropbear-less-one", db, db_size - 1);
    /* Prefixes of both files, evenly spread, the whole file last. */
    for (size_t i = 0; i < PREFIXES; i++) {
        size_t cut_ed = ed_size * (i + 1) / PREFIXES, cut_db = db_size * (i + 1) / PREFIXES;
        snprintf(names[2 * i], sizeof names[0], "prefix/ed/%02zu", i);
        snprintf(names[2 * i + 1], sizeof names[0], "prefix/db/%02zu", i);
        entries[n++] = file_entry(names[2 * i], ed, cut_ed);
        entries[n++] = file_entry(names[2 * i + 1], db, cut_db);
    }
    analysis_run r;
    analysis_run_entries(&fw_analysis_keys, entries, n, &r);
    expect_key(&r, "FW-KEY-PRIVATE", "cut/keeps-public", 1,
               "Ed25519 256-bit, OpenSSH, not encrypted", "id_ed25519.pub");
    assert_null(finding_at(&r, "FW-KEY-PRIVATE", "cut/torn", 0));
    assert_null(finding_at(&r, "FW-KEY-PRIVATE", "cut/no-end", 0));
    assert_null(finding_at(&r, "FW-KEY-PRIVATE", "cut/dropbear-half", 0));
    assert_null(finding_at(&r, "FW-KEY-PRIVATE", "cut/dropbear-less-one", 0));
    /* Only the whole files are keys; every prefix is a key or nothing. */
    expect(&r, "FW-KEY-PRIVATE", "prefix/ed/63", 1);
    expect(&r, "FW-KEY-PRIVATE", "prefix/db/63", 0);
    size_t keys = findings_of(&r, "FW-KEY-PRIVATE");
    assert_int_equal(keys, 3);
    /* The same Ed25519 key at two paths, the Dropbear key once more. */
    assert_int_equal(findings_of(&r, "FW-KEY-REUSED"), 1);
    assert_int_equal(findings_of(&r, "FW-KEY-WEAK"), 1);
    assert_int_equal(r.findings.count, 5);
    analysis_run_free(&r);
    free(keeps_public);
    free(torn);
    free(no_end);
    free(ed);
    free(db);
    free(rsa);
}

static void unreadable_and_oversized(void **state)
{
    (void)state;
    static const char garbage_key[] =
        "-----BEGIN PRIVATE KEY-----\n"
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\n"
        "MjM0NTY3ODlBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWmFiY2RlZmdoaWprbG1ub3BxcnN0\n"
        "-----END PRIVATE KEY-----\n";
    static const char huge_ppk[] = "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n"
                                   "Comment: x\nPublic-Lines: 99999\nAAAA\n";
    static const char bad_label[] = "-----BEGIN PRIVATE KEY\n-----BEGIN \x01\x02-----\n"
                                    "-----BEGIN CERTIFICATE-----\n!!!!\n"
                                    "-----END CERTIFICATE-----\n";
    size_t rsa_size;
    uint8_t *rsa = fixture("etc/ssl/private/rsa1024.pem", &rsa_size);
    /* 9 MiB with a key at its end: larger than the analysis reads. */
    size_t big_size = (9u << 20) + rsa_size;
    uint8_t *big = calloc(1, big_size);
    assert_non_null(big);
    memcpy(big + (9u << 20), rsa, rsa_size);
    /* 100 copies of one key in one file: 64 are reported. */
    uint8_t *many = malloc(100 * rsa_size);
    assert_non_null(many);
    for (size_t i = 0; i < 100; i++)
        memcpy(many + i * rsa_size, rsa, rsa_size);
    iotssf_fw_entry entries[] = {
        file_entry("x/garbage.key", garbage_key, sizeof garbage_key - 1),
        file_entry("x/huge.ppk", huge_ppk, sizeof huge_ppk - 1),
        file_entry("x/bad-label", bad_label, sizeof bad_label - 1),
        file_entry("x/big", big, big_size),
        file_entry("x/many", many, 100 * rsa_size),
        file_entry("x/empty", "", 0),
        {.path = "x/link", .kind = IOTSSF_FW_SYMLINK, .link_target = "../etc/ssl/private/a.key"},
    };
    analysis_run r;
    analysis_run_entries(&fw_analysis_keys, entries, sizeof entries / sizeof *entries, &r);
    expect_key(&r, "FW-KEY-PRIVATE", "x/garbage.key", 1,
               "unparsable, PEM PKCS#8, not encrypted", NULL);
    assert_int_equal(findings_of(&r, "FW-KEY-PRIVATE"), 65);
    assert_int_equal(findings_of(&r, "FW-KEY-WEAK"), 64);
    assert_null(finding_at(&r, "FW-KEY-PRIVATE", "x/big", 0));
    assert_int_equal(findings_of(&r, "FW-KEY-REUSED"), 0);
    assert_int_equal(r.findings.count, 129);
    analysis_run_free(&r);
    free(rsa);
    free(big);
    free(many);
}

/* Every fixture with bytes flipped: the analysis must neither crash nor
 * fail (memory errors show under the sanitizer build). */
static void flipped_bytes(void **state)
{
    (void)state;
    static const char *const files[] = {
        "etc/ssl/private/rsa2048.key", "usr/share/app/key.der",       "home/admin/.ssh/id_ed25519",
        "home/admin/.ssh/id_ecdsa",    "etc/dropbear/dropbear_rsa_host_key", "etc/certs/sha1.crt",
        "etc/certs/leaf.pem",          "etc/lighttpd/server.pem",     "usr/share/app/blob",
    };
    enum { FILES = sizeof files / sizeof files[0], COPIES = 24 };
    iotssf_fw_entry entries[FILES * COPIES];
    uint8_t *copies[FILES * COPIES];
    char names[FILES * COPIES][64];
    uint32_t seed = 12345;
    size_t n = 0;
    for (size_t f = 0; f < FILES; f++) {
        size_t size;
        uint8_t *data = fixture(files[f], &size);
        for (size_t c = 0; c < COPIES; c++, n++) {
            copies[n] = malloc(size);
            assert_non_null(copies[n]);
            memcpy(copies[n], data, size);
            for (int k = 0; k < 1 + (int)(c % 4); k++) {
                seed = seed * 1103515245u + 12345u;
                copies[n][(seed >> 8) % size] ^= (uint8_t)(1u << (seed % 8));
            }
            snprintf(names[n], sizeof names[0], "flip/%zu/%s", c, files[f]);
            entries[n] = file_entry(names[n], copies[n], size);
        }
        free(data);
    }
    analysis_run r;
    analysis_run_entries(&fw_analysis_keys, entries, n, &r);
    /* A flipped bit in the base64 or DER can still leave a readable key, so
     * only bounds hold: at most the keys, certificates and weaknesses the
     * unflipped files give, times the copies. */
    assert_true(findings_of(&r, "FW-KEY-PRIVATE") + findings_of(&r, "FW-KEY-HOST-KEY") +
                    findings_of(&r, "FW-KEY-PRIVATE-ENCRYPTED") <=
                7 * COPIES);
    assert_true(findings_of(&r, "FW-CERT-DEVICE") <= 3 * COPIES);
    analysis_run_free(&r);
    for (size_t i = 0; i < n; i++)
        free(copies[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_tree_findings),
        cmocka_unit_test(host_key_shared_with_tls),
        cmocka_unit_test(truncated_and_cut_keys),
        cmocka_unit_test(unreadable_and_oversized),
        cmocka_unit_test(flipped_bytes),
    };
    return cmocka_run_group_tests(tests, build_fixtures, NULL);
}
