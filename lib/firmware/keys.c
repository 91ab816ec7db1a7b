/*
 * Firmware analysis: private keys and certificates shipped in the image.
 *
 * A private key in a firmware image is the same on every unit, so whoever
 * extracts it from one unit can impersonate, or decrypt the traffic of, all
 * of them. Every file up to 8 MiB is searched for PEM blocks (PKCS#1, SEC1,
 * DSA, PKCS#8 plain and encrypted, OpenSSH), and whole files are tried as
 * PuTTY .ppk, Dropbear host keys and DER keys or certificates. Each key is
 * reported with its type, size, encryption and fingerprint; the same key
 * seen at several paths, and SSH host keys shipped at all, are findings of
 * their own. Certificates of the device are checked (validity, signature
 * algorithm, key size, self-signed); CA certificates in trust stores are
 * only counted, one info line per bundle, so 150 roots do not bury the one
 * expired device certificate.
 *
 * Parsing lives in keys_ssh.c (SSH formats, fingerprints) and keys_cert.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "analysis.h"
#include "keys_internal.h"

enum {
    KEYS_MAX_FILE = 8 << 20,     /* larger files are not searched */
    KEYS_MAX_DER_FILE = 64 << 10,/* whole-file DER keys and certificates */
    KEYS_MAX_BLOCK = 1 << 20,    /* one PEM block */
    KEYS_MAX_PER_FILE = 64,      /* private keys reported per file */
    KEYS_MAX_BLOCKS = 8192,      /* PEM blocks looked at per file */
    CERTS_MAX_PER_FILE = 4096,   /* certificates parsed per file */
    CERTS_CHECKED_PER_FILE = 64, /* device certificates checked per file */
    KEYS_MAX_SEEN = 65536,       /* keys remembered for the reuse check */
    REUSE_LISTED = 6,            /* places named in a reuse finding */
};

typedef struct seen_key {
    char fingerprint[72];
    char description[64];
    char *path, *origin;
    uint64_t offset;
    unsigned line;
    size_t order;
} seen_key;

typedef struct keys_state {
    time_t now;
    seen_key *keys;
    size_t key_count, key_cap;
    /* Trust-store files holding one CA certificate each: one summary. */
    size_t loose_ca_files;
    char *loose_first_path, *loose_first_origin;
} keys_state;

/* One file being searched. */
typedef struct file_scan {
    keys_state *st;
    fw_analysis_ctx *ctx;
    const iotssf_fw_entry *e;
    bool host_key_path;
    bool text;
    size_t line_offset;
    unsigned line_number;
    size_t keys_reported;
    bool found_pem;
    cert_facts *certs;
    uint64_t *cert_offsets;
    unsigned *cert_lines;
    size_t cert_count;
} file_scan;

bool key_is_weak(const key_facts *k)
{
    if (strcmp(k->type, "RSA") == 0)
        return k->bits > 0 && k->bits < 2048;
    if (strcmp(k->type, "DSA") == 0)
        return true;
    if (strcmp(k->type, "EC") == 0)
        return k->bits > 0 && k->bits < 224;
    return false;
}

void key_describe(const key_facts *k, char *out, size_t size)
{
    if (!k->type[0])
        snprintf(out, size, "%s", k->encrypted ? "type unknown" : "unparsable");
    else if (strcmp(k->type, "EC") == 0)
        snprintf(out, size, "EC %s", k->curve[0] ? k->curve : "unknown curve");
    else if (k->bits)
        snprintf(out, size, "%s %u-bit", k->type, k->bits);
    else
        snprintf(out, size, "%s", k->type);
}

/* ---- where things are ---- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ssh_host_rsa_key, dropbear_rsa_host_key, dropbear_ed25519_host_key, ... */
static bool is_host_key_path(const char *path)
{
    const char *base = base_name(path);
    return (strncmp(base, "ssh_host_", 9) == 0 && ends_with(base, "_key")) ||
           (strncmp(base, "dropbear_", 9) == 0 && ends_with(base, "_host_key"));
}

static bool has_key_extension(const char *path)
{
    static const char *const exts[] = {".key", ".der", ".pem", ".crt", ".cer",
                                       ".p8",  ".pk8", ".priv", ".prv"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (ends_with(path, exts[i]))
            return true;
    return false;
}

/* Line of `offset` in a text file (0 in binaries), counted forward from the
 * previous call so a bundle of 150 certificates is read once. */
static unsigned line_of(file_scan *fs, size_t offset)
{
    if (!fs->text)
        return 0;
    if (offset < fs->line_offset) {
        fs->line_offset = 0;
        fs->line_number = 1;
    }
    const uint8_t *d = fs->e->data;
    for (size_t i = fs->line_offset; i < offset; i++)
        fs->line_number += d[i] == '\n';
    fs->line_offset = offset;
    return fs->line_number;
}

/* ---- keys ---- */

static iotssf_status remember_key(file_scan *fs, const key_facts *k, const char *description,
                                  uint64_t offset, unsigned line, iotssf_error *err)
{
    keys_state *st = fs->st;
    if (!k->fingerprint[0] || st->key_count >= KEYS_MAX_SEEN)
        return IOTSSF_OK;
    if (st->key_count == st->key_cap) {
        size_t cap = st->key_cap ? st->key_cap * 2 : 16;
        seen_key *grown = realloc(st->keys, cap * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        st->keys = grown;
        st->key_cap = cap;
    }
    seen_key *s = &st->keys[st->key_count];
    memset(s, 0, sizeof *s);
    snprintf(s->fingerprint, sizeof s->fingerprint, "%s", k->fingerprint);
    snprintf(s->description, sizeof s->description, "%s", description);
    s->path = strdup(fs->e->path);
    s->origin = fs->ctx->origin ? strdup(fs->ctx->origin) : NULL;
    if (!s->path || (fs->ctx->origin && !s->origin)) {
        free(s->path);
        free(s->origin);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    s->offset = offset;
    s->line = line;
    s->order = st->key_count++;
    return IOTSSF_OK;
}

static iotssf_status report_key(file_scan *fs, const key_facts *k, uint64_t offset,
                                iotssf_error *err)
{
    char what[64], evidence[160], message[512];
    if (fs->keys_reported >= KEYS_MAX_PER_FILE)
        return IOTSSF_OK;
    fs->keys_reported++;
    unsigned line = line_of(fs, (size_t)offset);
    key_describe(k, what, sizeof what);
    snprintf(evidence, sizeof evidence, "%s, %s, %s%s%s", what, k->format,
             k->encrypted ? "encrypted" : "not encrypted", k->fingerprint[0] ? ", " : "",
             k->fingerprint);
    const char *rule;
    if (fs->host_key_path) {
        rule = "FW-KEY-HOST-KEY";
        snprintf(message, sizeof message,
                 "SSH host key (%s) shipped in the image: every unit has the same host key, so "
                 "one unit's key lets anyone impersonate all of them",
                 what);
    } else if (k->encrypted) {
        rule = "FW-KEY-PRIVATE-ENCRYPTED";
        snprintf(message, sizeof message,
                 "encrypted private key (%s, %s) in the image: every unit carries it, and the "
                 "passphrase is usually in the firmware too",
                 what, k->format);
    } else {
        rule = "FW-KEY-PRIVATE";
        snprintf(message, sizeof message,
                 "private key (%s, %s) in the image: every unit carries the same key", what,
                 k->format);
    }
    iotssf_status st = fw_report(fs->ctx, rule, fs->e->path, offset, line, evidence, message, err);
    if (!st && key_is_weak(k)) {
        snprintf(message, sizeof message, "weak key: %s (%s)", what,
                 strcmp(k->type, "DSA") == 0  ? "DSA is obsolete"
                 : strcmp(k->type, "EC") == 0 ? "EC under 224 bits"
                                              : "RSA under 2048 bits");
        st = fw_report(fs->ctx, "FW-KEY-WEAK", fs->e->path, offset, line, evidence, message, err);
    }
    return st ? st : remember_key(fs, k, what, offset, line, err);
}

/* DER private keys: PKCS#8, or the traditional form the PEM label names. */
static bool der_private_key(const uint8_t *der, size_t len, int type, key_facts *k)
{
    const unsigned char *p = der;
    if (len > 0x7fffffff)
        return false;
    EVP_PKEY *pkey = type == EVP_PKEY_NONE ? d2i_AutoPrivateKey(NULL, &p, (long)len)
                                           : d2i_PrivateKey(type, NULL, &p, (long)len);
    bool ok = pkey && keys_pkey_facts(pkey, k);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return ok;
}

static bool der_encrypted_pkcs8(const uint8_t *der, size_t len, size_t *used)
{
    const unsigned char *p = der;
    if (len > 0x7fffffff)
        return false;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    *used = (size_t)(p - der);
    X509_SIG_free(sig);
    ERR_clear_error();
    return sig != NULL;
}

/* ---- certificates ---- */

static iotssf_status add_cert(file_scan *fs, const uint8_t *der, size_t len, bool trusted,
                              uint64_t offset, iotssf_error *err)
{
    if (fs->cert_count >= CERTS_MAX_PER_FILE)
        return IOTSSF_OK;
    if (!fs->certs) {
        fs->certs = malloc(CERTS_MAX_PER_FILE * sizeof *fs->certs);
        fs->cert_offsets = malloc(CERTS_MAX_PER_FILE * sizeof *fs->cert_offsets);
        fs->cert_lines = malloc(CERTS_MAX_PER_FILE * sizeof *fs->cert_lines);
        if (!fs->certs || !fs->cert_offsets || !fs->cert_lines)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    bool ok = keys_cert_facts(der, len, trusted, fs->st->now, &fs->certs[fs->cert_count]);
    ERR_clear_error();
    if (ok) {
        fs->cert_offsets[fs->cert_count] = offset;
        fs->cert_lines[fs->cert_count] = line_of(fs, (size_t)offset);
        fs->cert_count++;
    }
    return IOTSSF_OK;
}

static iotssf_status report_device_cert(file_scan *fs, const cert_facts *c, uint64_t offset,
                                        unsigned line, iotssf_error *err)
{
    char key[64] = "unknown key", evidence[700], message[600];
    if (c->key_known)
        key_describe(&c->key, key, sizeof key);
    snprintf(evidence, sizeof evidence, "subject=%s; issuer=%s; valid %s to %s; %s; %s",
             c->subject, c->issuer, c->not_before, c->not_after, key, c->signature);
    const char *path = fs->e->path;
    snprintf(message, sizeof message, "device certificate %s (%s, valid until %s)", c->subject,
             key, c->not_after);
    iotssf_status st = fw_report(fs->ctx, "FW-CERT-DEVICE", path, offset, line, evidence, message,
                                 err);
    if (!st && (c->expired || c->not_yet_valid)) {
        snprintf(message, sizeof message, "certificate %s %s %s", c->subject,
                 c->expired ? "expired on" : "is not valid before",
                 c->expired ? c->not_after : c->not_before);
        st = fw_report(fs->ctx, "FW-CERT-EXPIRED", path, offset, line, evidence, message, err);
    }
    if (!st && c->weak_signature) {
        snprintf(message, sizeof message, "certificate %s is signed with %s", c->subject,
                 c->signature);
        st = fw_report(fs->ctx, "FW-CERT-WEAK-SIGNATURE", path, offset, line, evidence, message,
                       err);
    }
    if (!st && c->key_known && key_is_weak(&c->key)) {
        snprintf(message, sizeof message, "certificate %s has a weak key: %s", c->subject, key);
        st = fw_report(fs->ctx, "FW-CERT-WEAK-KEY", path, offset, line, evidence, message, err);
    }
    if (!st && c->self_signed) {
        snprintf(message, sizeof message,
                 "certificate %s is self-signed: clients cannot validate it and learn to accept "
                 "any certificate",
                 c->subject);
        st = fw_report(fs->ctx, "FW-CERT-SELF-SIGNED", path, offset, line, evidence, message,
                       err);
    }
    return st;
}

static iotssf_status remember_loose_ca(file_scan *fs, iotssf_error *err)
{
    keys_state *st = fs->st;
    if (st->loose_ca_files++ > 0)
        return IOTSSF_OK;
    st->loose_first_path = strdup(fs->e->path);
    st->loose_first_origin = fs->ctx->origin ? strdup(fs->ctx->origin) : NULL;
    if (!st->loose_first_path || (fs->ctx->origin && !st->loose_first_origin))
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return IOTSSF_OK;
}

/* A certificate is a trusted root (counted, not checked) when it is a CA and
 * sits in a trust store, or in a file of three or more CA certificates. */
static iotssf_status report_certs(file_scan *fs, iotssf_error *err)
{
    bool store_path = keys_trust_store_path(fs->e->path);
    bool all_ca = fs->cert_count >= 3;
    for (size_t i = 0; i < fs->cert_count && all_ca; i++)
        all_ca = fs->certs[i].is_ca;
    size_t in_store = 0, expired = 0, checked = 0;
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < fs->cert_count && !st; i++) {
        const cert_facts *c = &fs->certs[i];
        if (c->is_ca && (store_path || all_ca)) {
            in_store++;
            expired += c->expired;
        } else if (checked++ < CERTS_CHECKED_PER_FILE) {
            st = report_device_cert(fs, c, fs->cert_offsets[i], fs->cert_lines[i], err);
        }
    }
    if (st || in_store == 0)
        return st;
    if (in_store == 1)
        return remember_loose_ca(fs, err);
    char evidence[96], message[256];
    snprintf(evidence, sizeof evidence, "%zu CA certificates, %zu expired", in_store, expired);
    snprintf(message, sizeof message,
             "CA bundle with %zu trusted root certificates (%zu expired); roots are counted, "
             "not checked one by one",
             in_store, expired);
    return fw_report(fs->ctx, "FW-CERT-CA-BUNDLE", fs->e->path, 0, 0, evidence, message, err);
}

/* ---- PEM ---- */

static const char *const private_labels[] = {"RSA PRIVATE KEY", "DSA PRIVATE KEY",
                                             "EC PRIVATE KEY", "PRIVATE KEY",
                                             "ANY PRIVATE KEY"};
static const int private_types[] = {EVP_PKEY_RSA, EVP_PKEY_DSA, EVP_PKEY_EC, EVP_PKEY_NONE,
                                    EVP_PKEY_NONE};
static const char *const private_formats[] = {"PEM PKCS#1", "PEM DSA", "PEM SEC1",
                                              "PEM PKCS#8", "PEM"};

static bool label_is(const char *label, size_t len, const char *text)
{
    return len == strlen(text) && memcmp(label, text, len) == 0;
}

/* A traditional encrypted PEM key announces itself in a header
 * ("Proc-Type: 4,ENCRYPTED"); the base64 starts after the blank line. */
static void split_headers(const char **body, size_t *len, bool *encrypted)
{
    const char *b = *body, *end = *body + *len;
    while (b < end && (*b == '\r' || *b == '\n' || *b == ' '))
        b++;
    const char *nl = memchr(b, '\n', (size_t)(end - b));
    if (!nl || !memchr(b, ':', (size_t)(nl - b))) {
        *body = b;
        *len = (size_t)(end - b);
        return;
    }
    const char *blank = memmem(b, (size_t)(end - b), "\n\n", 2);
    const char *crlf = memmem(b, (size_t)(end - b), "\n\r\n", 3);
    const char *stop = blank && (!crlf || blank < crlf) ? blank + 2 : crlf ? crlf + 3 : end;
    *encrypted = memmem(b, (size_t)(stop - b), "ENCRYPTED", 9) != NULL;
    *body = stop;
    *len = (size_t)(end - stop);
}

static iotssf_status private_block(file_scan *fs, size_t which, const uint8_t *der, size_t len,
                                   bool encrypted, uint64_t offset, iotssf_error *err)
{
    key_facts k;
    memset(&k, 0, sizeof k);
    k.format = private_formats[which];
    if (encrypted) {
        static const char *const types[] = {"RSA", "DSA", "EC", "", ""};
        snprintf(k.type, sizeof k.type, "%s", types[which]);
        k.encrypted = true;
        return report_key(fs, &k, offset, err);
    }
    if (der_private_key(der, len, private_types[which], &k)) {
        k.format = private_formats[which];
        return report_key(fs, &k, offset, err);
    }
    /* Labelled a private key and long enough to be one, but unreadable
     * (an algorithm OpenSSL lacks, a damaged copy): still a key shipped. */
    if (len < 64)
        return IOTSSF_OK;
    memset(&k, 0, sizeof k);
    k.format = private_formats[which];
    return report_key(fs, &k, offset, err);
}

static iotssf_status pem_block(file_scan *fs, const char *label, size_t label_len,
                               const char *body, size_t body_len, uint64_t offset,
                               iotssf_error *err)
{
    bool encrypted = false;
    split_headers(&body, &body_len, &encrypted);
    uint8_t *der = malloc(body_len ? body_len : 1);
    size_t len = 0;
    if (!der)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_status st = IOTSSF_OK;
    if (!keys_base64_decode(body, body_len, der, body_len, &len)) {
        free(der);
        return IOTSSF_OK;
    }
    bool trusted = label_is(label, label_len, "TRUSTED CERTIFICATE");
    if (trusted || label_is(label, label_len, "CERTIFICATE") ||
        label_is(label, label_len, "X509 CERTIFICATE")) {
        st = add_cert(fs, der, len, trusted, offset, err);
    } else if (label_is(label, label_len, "OPENSSH PRIVATE KEY")) {
        key_facts keys[4];
        size_t n = keys_openssh_container(der, len, keys, 4);
        for (size_t i = 0; i < n && !st; i++)
            st = report_key(fs, &keys[i], offset, err);
    } else if (label_is(label, label_len, "ENCRYPTED PRIVATE KEY")) {
        size_t used;
        if (der_encrypted_pkcs8(der, len, &used)) {
            key_facts k = {.encrypted = true, .format = "PEM PKCS#8"};
            st = report_key(fs, &k, offset, err);
        }
    } else {
        for (size_t i = 0; i < sizeof private_labels / sizeof *private_labels; i++)
            if (label_is(label, label_len, private_labels[i])) {
                st = private_block(fs, i, der, len, encrypted, offset, err);
                break;
            }
    }
    free(der);
    return st;
}

static bool label_chars_ok(const char *label, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((label[i] >= 'A' && label[i] <= 'Z') || (label[i] >= '0' && label[i] <= '9') ||
              label[i] == ' '))
            return false;
    return true;
}

static iotssf_status scan_pem(file_scan *fs, iotssf_error *err)
{
    static const char begin[] = "-----BEGIN ", end_marker[] = "-----END ";
    const char *data = (const char *)fs->e->data, *stop = data + fs->e->size;
    const char *p = data;
    iotssf_status st = IOTSSF_OK;
    for (size_t blocks = 0; !st && blocks < KEYS_MAX_BLOCKS; blocks++) {
        const char *b = memmem(p, (size_t)(stop - p), begin, sizeof begin - 1);
        if (!b)
            break;
        const char *label = b + sizeof begin - 1;
        size_t window = (size_t)(stop - label) < 70 ? (size_t)(stop - label) : 70;
        const char *label_end = memmem(label, window, "-----", 5);
        p = label;
        if (!label_end || !label_chars_ok(label, (size_t)(label_end - label)))
            continue;
        size_t label_len = (size_t)(label_end - label);
        const char *body = label_end + 5;
        size_t body_window = (size_t)(stop - body) < KEYS_MAX_BLOCK ? (size_t)(stop - body)
                                                                     : KEYS_MAX_BLOCK;
        const char *e = memmem(body, body_window, end_marker, sizeof end_marker - 1);
        if (!e)
            continue;
        const char *end_label = e + sizeof end_marker - 1;
        if ((size_t)(stop - end_label) < label_len + 5 ||
            memcmp(end_label, label, label_len) != 0 ||
            memcmp(end_label + label_len, "-----", 5) != 0)
            continue;
        fs->found_pem = true;
        st = pem_block(fs, label, label_len, body, (size_t)(e - body), (uint64_t)(b - data), err);
        p = end_label + label_len + 5;
    }
    return st;
}

/* ---- whole files ---- */

/* The outer DER SEQUENCE's length covers exactly `size` bytes. */
static bool der_covers(const uint8_t *d, size_t size)
{
    if (size < 4 || d[0] != 0x30)
        return false;
    size_t len = 0, head = 2;
    if (d[1] < 0x80) {
        len = d[1];
    } else {
        unsigned n = d[1] & 0x7f;
        if (n == 0 || n > 3 || size < 2 + n)
            return false;
        for (unsigned i = 0; i < n; i++)
            len = len << 8 | d[2 + i];
        head = 2 + n;
    }
    return head + len == size;
}

static iotssf_status scan_der(file_scan *fs, iotssf_error *err)
{
    const uint8_t *d = fs->e->data;
    size_t size = (size_t)fs->e->size;
    if (size > KEYS_MAX_DER_FILE || size < 32 || d[0] != 0x30 ||
        !(der_covers(d, size) || has_key_extension(fs->e->path)))
        return IOTSSF_OK;
    cert_facts probe;
    bool is_cert = keys_cert_facts(d, size, false, fs->st->now, &probe);
    ERR_clear_error();
    if (is_cert)
        return add_cert(fs, d, size, false, 0, err);
    key_facts k;
    memset(&k, 0, sizeof k);
    if (der_private_key(d, size, EVP_PKEY_NONE, &k)) {
        k.format = "DER";
        return report_key(fs, &k, 0, err);
    }
    size_t used;
    if (der_encrypted_pkcs8(d, size, &used) && used + 16 >= size) {
        memset(&k, 0, sizeof k);
        k.encrypted = true;
        k.format = "DER PKCS#8";
        return report_key(fs, &k, 0, err);
    }
    return IOTSSF_OK;
}

static iotssf_status scan_file(file_scan *fs, iotssf_error *err)
{
    const iotssf_fw_entry *e = fs->e;
    key_facts k;
    memset(&k, 0, sizeof k);
    if (keys_putty_key(e->data, (size_t)e->size, &k) ||
        keys_dropbear_key(e->data, (size_t)e->size, &k))
        return report_key(fs, &k, 0, err);
    iotssf_status st = scan_pem(fs, err);
    if (!st && !fs->found_pem)
        st = scan_der(fs, err);
    if (!st && fs->cert_count)
        st = report_certs(fs, err);
    return st;
}

/* ---- the analysis ---- */

static void *keys_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)ctx;
    keys_state *st = calloc(1, sizeof *st);
    if (!st) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    st->now = time(NULL);
    return st;
}

static iotssf_status keys_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                iotssf_error *err)
{
    if (e->kind != IOTSSF_FW_FILE || !e->data || e->size == 0 || e->size > KEYS_MAX_FILE)
        return IOTSSF_OK;
    size_t head = e->size < 4096 ? (size_t)e->size : 4096;
    file_scan fs = {
        .st = state,
        .ctx = ctx,
        .e = e,
        .host_key_path = is_host_key_path(e->path),
        .text = memchr(e->data, 0, head) == NULL,
        .line_number = 1,
    };
    iotssf_status st = scan_file(&fs, err);
    free(fs.certs);
    free(fs.cert_offsets);
    free(fs.cert_lines);
    ERR_clear_error();
    return st;
}

static int compare_seen(const void *pa, const void *pb)
{
    const seen_key *a = pa, *b = pb;
    int c = strcmp(a->fingerprint, b->fingerprint);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static bool same_place(const seen_key *a, const seen_key *b)
{
    return strcmp(a->path, b->path) == 0;
}

/* One finding per key found at two or more paths, at its first place. The
 * same path in two filesystems (a rootfs and its recovery copy) is one. */
static iotssf_status report_reuse(fw_analysis_ctx *ctx, seen_key *group, size_t n,
                                  iotssf_error *err)
{
    char places[1024] = "", message[1400], evidence[200];
    size_t distinct = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        bool repeat = false;
        for (size_t j = 0; j < i && !repeat; j++)
            repeat = same_place(&group[i], &group[j]);
        if (repeat)
            continue;
        if (distinct++ < REUSE_LISTED && used < sizeof places) {
            int w = snprintf(places + used, sizeof places - used, "%s%s", used ? ", " : "",
                             group[i].path);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (distinct < 2)
        return IOTSSF_OK;
    snprintf(message, sizeof message,
             "the same private key (%s) is used in %zu places: %s%s; one leaked copy exposes "
             "every use, on every unit",
             group[0].description, distinct, places, distinct > REUSE_LISTED ? ", ..." : "");
    snprintf(evidence, sizeof evidence, "%s %s", group[0].description, group[0].fingerprint);
    const char *saved = ctx->origin;
    ctx->origin = group[0].origin;
    iotssf_status st = fw_report(ctx, "FW-KEY-REUSED", group[0].path, group[0].offset,
                                 group[0].line, evidence, message, err);
    ctx->origin = saved;
    return st;
}

static iotssf_status keys_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    keys_state *st = state;
    iotssf_status status = IOTSSF_OK;
    if (st->key_count > 1)
        qsort(st->keys, st->key_count, sizeof *st->keys, compare_seen);
    for (size_t i = 0, j; i < st->key_count && !status; i = j) {
        for (j = i + 1; j < st->key_count; j++)
            if (strcmp(st->keys[i].fingerprint, st->keys[j].fingerprint) != 0)
                break;
        status = report_reuse(ctx, &st->keys[i], j - i, err);
    }
    if (!status && st->loose_ca_files && st->loose_first_path) {
        char evidence[96], message[256];
        snprintf(evidence, sizeof evidence, "%zu trust-store files with one CA certificate each",
                 st->loose_ca_files);
        snprintf(message, sizeof message,
                 "trust store of %zu CA certificate files (first: %s); roots are counted, not "
                 "checked one by one",
                 st->loose_ca_files, st->loose_first_path);
        const char *saved = ctx->origin;
        ctx->origin = st->loose_first_origin;
        status = fw_report(ctx, "FW-CERT-CA-BUNDLE", st->loose_first_path, 0, 0, evidence,
                           message, err);
        ctx->origin = saved;
    }
    return status;
}

static void keys_destroy(void *state)
{
    keys_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->key_count; i++) {
        free(st->keys[i].path);
        free(st->keys[i].origin);
    }
    free(st->keys);
    free(st->loose_first_path);
    free(st->loose_first_origin);
    free(st);
}

const fw_analysis fw_analysis_keys = {
    .name = "keys",
    .create = keys_create,
    .entry = keys_entry,
    .finish = keys_finish,
    .destroy = keys_destroy,
};
