/*
 * TLS on a port that speaks it: which protocol versions the server accepts
 * (SSLv3, TLS 1.0 and 1.1 are findings), and its certificate: validity
 * dates, self-signed, key size, and, when the target was named by host name,
 * whether the certificate is for that name. TLS 1.0 to 1.3 are tried with
 * OpenSSL at security level 0 (so nothing old is refused on our side);
 * SSLv3, which OpenSSL 3 no longer speaks, with a raw ClientHello whose
 * answer only needs its first bytes read.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

bool tls_cert_assess(const unsigned char *der, size_t len, const char *name, time_t now,
                     tls_cert_facts *f)
{
    memset(f, 0, sizeof *f);
    const unsigned char *p = der;
    X509 *x = len < 1024 * 1024 ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (!x)
        return false;
    f->parsed = true;
    const ASN1_TIME *nb = X509_get0_notBefore(x), *na = X509_get0_notAfter(x);
    f->not_yet_valid = nb && X509_cmp_time(nb, &now) > 0;
    f->expired = na && X509_cmp_time(na, &now) < 0;
    X509_NAME_oneline(X509_get_subject_name(x), f->subject, sizeof f->subject);
    if (na) {
        BIO *b = BIO_new(BIO_s_mem());
        if (b && ASN1_TIME_print(b, na) == 1) {
            int n = BIO_read(b, f->not_after, (int)sizeof f->not_after - 1);
            f->not_after[n > 0 ? n : 0] = '\0';
        }
        BIO_free(b);
    }
    EVP_PKEY *key = X509_get0_pubkey(x);
    if (key) {
        f->key_bits = EVP_PKEY_get_bits(key);
        int type = EVP_PKEY_get_base_id(key);
        const char *tname = type == EVP_PKEY_RSA   ? "RSA"
                            : type == EVP_PKEY_DSA ? "DSA"
                            : type == EVP_PKEY_EC  ? "EC"
                            : type == EVP_PKEY_ED25519 ? "Ed25519"
                            : type == EVP_PKEY_ED448   ? "Ed448"
                                                       : "other";
        snprintf(f->key_type, sizeof f->key_type, "%s", tname);
        f->weak_key = ((type == EVP_PKEY_RSA || type == EVP_PKEY_DSA) && f->key_bits < 2048) ||
                      (type == EVP_PKEY_EC && f->key_bits < 224);
        /* Self-signed: issuer and subject agree and its own key verifies it. */
        f->self_signed = X509_check_issued(x, x) == X509_V_OK && X509_verify(x, key) == 1;
    }
    if (name) {
        unsigned char ip[16];
        bool literal = inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1;
        f->name_checked = true;
        f->name_matches = literal ? X509_check_ip_asc(x, name, 0) == 1
                                  : X509_check_host(x, name, strlen(name), 0, NULL) == 1;
    }
    X509_free(x);
    return true;
}

/* ---- SSLv3, raw ---- */

static bool sslv3_accepted(probe_target *t, int port, transcript *log)
{
    static const unsigned char hello[] = {
        0x16, 0x03, 0x00, 0x00, 0x35,                   /* record: handshake, SSL 3.0 */
        0x01, 0x00, 0x00, 0x31, 0x03, 0x00,             /* ClientHello, version 3.0 */
        0x5e, 0x1f, 0x0a, 0x11, 0x2c, 0x33, 0x44, 0x55, /* random (32 bytes) */
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03,
        0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
        0x00,                                           /* no session id */
        0x00, 0x0a, 0x00, 0x35, 0x00, 0x2f, 0x00, 0x0a, 0x00, 0x05, 0x00, 0x04, /* suites */
        0x01, 0x00};                                    /* no compression */
    probe_conn c;
    if (!conn_open(&c, t, port, NULL))
        return false;
    netbuf b;
    netbuf_clear(&b);
    if (conn_send(&c, hello, sizeof hello))
        conn_read(&c, &b, t->o->timeout_ms, 200, NULL, NULL);
    conn_close(&c);
    const unsigned char *r = (const unsigned char *)b.data;
    /* ServerHello in an SSL 3.0 record, agreeing on version 3.0. */
    bool yes = b.len >= 11 && r[0] == 0x16 && r[1] == 3 && r[2] == 0 && r[5] == 0x02 &&
               r[9] == 3 && r[10] == 0;
    if (yes)
        transcript_note(log, "SSLv3 ClientHello answered by an SSLv3 ServerHello");
    return yes;
}

/* ---- the check ---- */

typedef struct tls_try {
    int version;
    const char *name;
} tls_try;

/* A handshake limited to one version; keeps the certificate of the first. */
static bool handshake(probe_target *t, int port, int version, unsigned char **der, int *der_len,
                      char *cipher, size_t csize)
{
    probe_conn c;
    if (!conn_open(&c, t, port, NULL))
        return false;
    bool ok = conn_start_tls(&c, version, version);
    if (ok) {
        snprintf(cipher, csize, "%s", SSL_get_cipher_name(c.ssl));
        X509 *peer = SSL_get1_peer_certificate(c.ssl);
        if (peer && !*der)
            *der_len = i2d_X509(peer, der);
        X509_free(peer);
    }
    conn_close(&c);
    return ok;
}

static void cert_findings(probe_target *t, int port, const unsigned char *der, int len)
{
    tls_cert_facts f;
    unsigned char ip[16];
    bool literal = inet_pton(AF_INET, t->name, ip) == 1 || inet_pton(AF_INET6, t->name, ip) == 1;
    if (len <= 0 || !tls_cert_assess(der, (size_t)len, literal ? NULL : t->name, time(NULL), &f))
        return;
    transcript log;
    transcript_init(&log);
    transcript_note(&log, "certificate %s, %s %d bits, not after %s", f.subject, f.key_type,
                    f.key_bits, f.not_after);
    if (f.expired)
        target_finding(t, "PROBE-TLS-CERT-EXPIRED", port, false, &log,
                       "the TLS certificate on port %d expired on %s", port, f.not_after);
    if (f.not_yet_valid)
        target_finding(t, "PROBE-TLS-CERT-NOT-YET-VALID", port, false, &log,
                       "the TLS certificate on port %d is not valid yet", port);
    if (f.self_signed)
        target_finding(t, "PROBE-TLS-CERT-SELF-SIGNED", port, false, &log,
                       "the TLS certificate on port %d is self-signed: clients cannot "
                       "authenticate the device",
                       port);
    if (f.weak_key)
        target_finding(t, "PROBE-TLS-WEAK-KEY", port, false, &log,
                       "the TLS certificate on port %d has a %d-bit %s key", port, f.key_bits,
                       f.key_type);
    if (f.name_checked && !f.name_matches)
        target_finding(t, "PROBE-TLS-NAME-MISMATCH", port, false, &log,
                       "the TLS certificate on port %d is not for '%s'", port, t->name);
}

void tls_check(probe_target *t, int port, const probe_ident *id)
{
    static const tls_try tries[] = {{TLS1_3_VERSION, "TLSv1.3"},
                                    {TLS1_2_VERSION, "TLSv1.2"},
                                    {TLS1_1_VERSION, "TLSv1.1"},
                                    {TLS1_VERSION, "TLSv1.0"}};
    (void)id;
    unsigned char *der = NULL;
    int der_len = 0;
    char accepted[64] = "", cipher[64];
    transcript legacy;
    transcript_init(&legacy);
    for (size_t i = 0; i < sizeof tries / sizeof *tries && !target_stopping(t); i++) {
        if (!handshake(t, port, tries[i].version, &der, &der_len, cipher, sizeof cipher))
            continue;
        snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted), "%s%s",
                 accepted[0] ? " " : "", tries[i].name);
        if (tries[i].version <= TLS1_1_VERSION)
            transcript_note(&legacy, "%s handshake completed, cipher %s", tries[i].name, cipher);
    }
    if (accepted[0])
        target_service(t, port, false, NULL, NULL, NULL, NULL, true);
    if (legacy.len)
        target_finding(t, "PROBE-TLS-LEGACY-VERSION", port, false, &legacy,
                       "TLS on port %d still accepts protocol versions retired by RFC 8996 "
                       "(offered: %s)",
                       port, accepted);
    transcript v3;
    transcript_init(&v3);
    if (!target_stopping(t) && sslv3_accepted(t, port, &v3))
        target_finding(t, "PROBE-TLS-SSLV3", port, false, &v3,
                       "TLS on port %d accepts SSL 3.0 (POODLE; prohibited by RFC 7568)", port);
    cert_findings(t, port, der, der_len);
    OPENSSL_free(der);
}
