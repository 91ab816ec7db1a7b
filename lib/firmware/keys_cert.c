/*
 * Certificates, for the key analysis (keys.c): what one DER certificate says
 * about itself (names, validity, signature algorithm, key) and where systems
 * keep the CA certificates they trust, so a CA bundle is summarised instead
 * of flooding the report with its hundreds of roots.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "keys_internal.h"

static void name_text(const X509_NAME *name, char *out, size_t size)
{
    out[0] = '\0';
    BIO *mem = BIO_new(BIO_s_mem());
    if (!mem)
        return;
    /* RFC 2253 with non-ASCII bytes escaped: one printable line. */
    if (X509_NAME_print_ex(mem, name, 0, XN_FLAG_RFC2253) >= 0) {
        char *text;
        long len = BIO_get_mem_data(mem, &text);
        if (len > 0)
            snprintf(out, size, "%.*s", (int)(len < (long)size ? len : (long)size - 1), text);
    }
    BIO_free(mem);
}

static void date_text(const ASN1_TIME *t, char *out, size_t size)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!t || !ASN1_TIME_to_tm(t, &tm)) {
        snprintf(out, size, "invalid");
        return;
    }
    if (strftime(out, size, "%Y-%m-%d", &tm) == 0)
        snprintf(out, size, "invalid");
}

static void signature_facts(const X509 *x, cert_facts *c)
{
    int sig_nid = X509_get_signature_nid(x);
    int md_nid = NID_undef, pk_nid = NID_undef;
    const char *name = OBJ_nid2ln(sig_nid);
    snprintf(c->signature, sizeof c->signature, "%s", name ? name : "unknown");
    if (OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid))
        c->weak_signature = md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_md4 ||
                            md_nid == NID_md2 || md_nid == NID_md5_sha1;
}

static void key_of(X509 *x, cert_facts *c)
{
    EVP_PKEY *pkey = X509_get0_pubkey(x);
    c->key_known = pkey && keys_pkey_facts(pkey, &c->key);
    /* The certificate's key is public: no fingerprint is compared. */
    c->key.fingerprint[0] = '\0';
    c->key.format = "certificate";
}

bool keys_cert_facts(const uint8_t *der, size_t len, bool trusted, time_t now, cert_facts *c)
{
    const unsigned char *p = der;
    memset(c, 0, sizeof *c);
    if (len > 0x7fffffff)
        return false;
    X509 *x = trusted ? d2i_X509_AUX(NULL, &p, (long)len) : d2i_X509(NULL, &p, (long)len);
    if (!x)
        return false;
    name_text(X509_get_subject_name(x), c->subject, sizeof c->subject);
    name_text(X509_get_issuer_name(x), c->issuer, sizeof c->issuer);
    date_text(X509_get0_notBefore(x), c->not_before, sizeof c->not_before);
    date_text(X509_get0_notAfter(x), c->not_after, sizeof c->not_after);
    c->expired = X509_cmp_time(X509_get0_notAfter(x), &now) < 0;
    c->not_yet_valid = X509_cmp_time(X509_get0_notBefore(x), &now) > 0;
    signature_facts(x, c);
    /* Names and key identifiers only: checking the signature of every root
     * of a bundle would cost time and prove nothing here. */
    c->self_signed = X509_self_signed(x, 0) == 1;
    c->is_ca = X509_check_ca(x) != 0;
    key_of(x, c);
    X509_free(x);
    return true;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool keys_trust_store_path(const char *path)
{
    static const char *const folders[] = {
        "etc/ssl/certs/",   "usr/share/ca-certificates/", "usr/local/share/ca-certificates/",
        "etc/pki/",         "usr/lib/ssl/certs/",         "etc/ca-certificates/",
        "usr/share/pki/",   "usr/etc/ssl/certs/",         "system/etc/security/cacerts/",
    };
    static const char *const names[] = {"ca-certificates", "ca-bundle", "cacert", "ca_bundle",
                                        "cabundle",        "ca-root",   "trusted"};
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++)
        if (starts_with(path, folders[i]))
            return true;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(base, names[i]))
            return true;
    return false;
}
