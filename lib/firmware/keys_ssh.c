/*
 * The SSH family of key files, for the key analysis (keys.c): OpenSSH's
 * "openssh-key-v1" container, Dropbear's binary host keys, PuTTY's .ppk, and
 * the SSH public-key blob from which every key's fingerprint is computed
 * (see keys_internal.h for why). OpenSSL does not read these formats, so they
 * are parsed here: SSH wire strings and mpints, every length checked against
 * what is left of the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "keys_internal.h"

/* Largest public blob written for a key OpenSSL parsed: a 16384-bit RSA or a
 * 10000-bit DSA key fits; anything larger gets the SPKI fingerprint. */
enum { BLOB_CAP = 16384, PPK_MAX_PUBLIC_LINES = 128, OPENSSH_MAX_KEYS = 16 };

/* ---- reading the SSH wire format ---- */

typedef struct wire {
    const uint8_t *p;
    size_t left;
} wire;

static bool wire_u32(wire *w, uint32_t *v)
{
    if (w->left < 4)
        return false;
    *v = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 | (uint32_t)w->p[2] << 8 | w->p[3];
    w->p += 4;
    w->left -= 4;
    return true;
}

static bool wire_string(wire *w, const uint8_t **s, size_t *len)
{
    uint32_t n;
    if (!wire_u32(w, &n) || n > w->left)
        return false;
    *s = w->p;
    *len = n;
    w->p += n;
    w->left -= n;
    return true;
}

static bool wire_skip(wire *w, unsigned count)
{
    const uint8_t *s;
    size_t len;
    for (unsigned i = 0; i < count; i++)
        if (!wire_string(w, &s, &len))
            return false;
    return true;
}

static bool string_is(const uint8_t *s, size_t len, const char *text)
{
    return len == strlen(text) && memcmp(s, text, len) == 0;
}

/* Bits of a big-endian magnitude (an mpint's leading zero bytes skipped). */
static unsigned magnitude_bits(const uint8_t *s, size_t len)
{
    while (len > 0 && s[0] == 0) {
        s++;
        len--;
    }
    if (len == 0 || len > 0x1000000)
        return 0;
    unsigned bits = (unsigned)(len - 1) * 8;
    for (uint8_t top = s[0]; top; top >>= 1)
        bits++;
    return bits;
}

/* ---- writing a blob ---- */

typedef struct blob {
    uint8_t *buf;
    size_t len, cap;
    bool overflow;
} blob;

static void put_bytes(blob *b, const void *data, size_t len)
{
    if (b->overflow || len > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    memcpy(b->buf + b->len, data, len);
    b->len += len;
}

static void put_u32(blob *b, uint32_t v)
{
    uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put_bytes(b, be, 4);
}

static void put_string(blob *b, const void *data, size_t len)
{
    if (len > UINT32_MAX) {
        b->overflow = true;
        return;
    }
    put_u32(b, (uint32_t)len);
    put_bytes(b, data, len);
}

static void put_text(blob *b, const char *text) { put_string(b, text, strlen(text)); }

/* RFC 4251 mpint of a non-negative number: big-endian, a zero byte in front
 * when the top bit is set. */
static void put_mpint(blob *b, const BIGNUM *bn)
{
    int n = bn ? BN_num_bytes(bn) : -1;
    if (n < 0 || (size_t)n + 5 > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    uint8_t *at = b->buf + b->len + 4;
    BN_bn2bin(bn, at + 1);
    bool pad = n > 0 && (at[1] & 0x80);
    if (!pad)
        memmove(at, at + 1, (size_t)n);
    else
        at[0] = 0;
    put_u32(b, (uint32_t)(n + pad));
    b->len += (size_t)(n + pad);
}

/* ---- fingerprints ---- */

static void fingerprint_of(const char *prefix, const uint8_t *data, size_t len, char *out,
                           size_t size)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    unsigned char text[64];
    out[0] = '\0';
    if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return;
    int n = EVP_EncodeBlock(text, md, (int)md_len);
    while (n > 0 && text[n - 1] == '=')
        n--;
    snprintf(out, size, "%s%.*s", prefix, n, (const char *)text);
}

static void spki_fingerprint(EVP_PKEY *pkey, key_facts *k)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(pkey, &der);
    if (n > 0)
        fingerprint_of("SPKI-SHA256:", der, (size_t)n, k->fingerprint, sizeof k->fingerprint);
    OPENSSL_free(der);
}

/* ---- base64 ---- */

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool keys_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    uint32_t acc = 0;
    unsigned have = 0, pad = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '\\' && i + 1 < len && strchr("nrt", in[i + 1])) {
            i++;
            continue;
        }
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0)
            break;
        if (pad)
            return false;
        acc = acc << 6 | (uint32_t)v;
        if (++have == 4) {
            if (cap - n < 3)
                return false;
            out[n++] = (uint8_t)(acc >> 16);
            out[n++] = (uint8_t)(acc >> 8);
            out[n++] = (uint8_t)acc;
            acc = 0;
            have = 0;
        }
    }
    if (have == 1)
        return false;
    if (have > 1) {
        if (cap - n < have - 1)
            return false;
        acc <<= 6 * (4 - have);
        out[n++] = (uint8_t)(acc >> 16);
        if (have == 3)
            out[n++] = (uint8_t)(acc >> 8);
    }
    *out_len = n;
    return true;
}

/* ---- keys OpenSSL parsed ---- */

static bool rsa_blob(EVP_PKEY *pkey, blob *b)
{
    BIGNUM *n = NULL, *e = NULL;
    bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) &&
              EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    if (ok) {
        put_text(b, "ssh-rsa");
        put_mpint(b, e);
        put_mpint(b, n);
    }
    BN_free(n);
    BN_free(e);
    return ok && !b->overflow;
}

static bool dsa_blob(EVP_PKEY *pkey, blob *b)
{
    static const char *const names[] = {OSSL_PKEY_PARAM_FFC_P, OSSL_PKEY_PARAM_FFC_Q,
                                        OSSL_PKEY_PARAM_FFC_G, OSSL_PKEY_PARAM_PUB_KEY};
    put_text(b, "ssh-dss");
    for (size_t i = 0; i < 4; i++) {
        BIGNUM *bn = NULL;
        if (!EVP_PKEY_get_bn_param(pkey, names[i], &bn))
            return false;
        put_mpint(b, bn);
        BN_free(bn);
    }
    return !b->overflow;
}

static bool ec_blob(EVP_PKEY *pkey, const char *nist, blob *b)
{
    const char *ssh_curve = strcmp(nist, "P-256") == 0   ? "nistp256"
                            : strcmp(nist, "P-384") == 0 ? "nistp384"
                            : strcmp(nist, "P-521") == 0 ? "nistp521"
                                                         : NULL;
    uint8_t point[160];
    size_t len = 0;
    if (!ssh_curve)
        return false;
    /* SSH carries the point uncompressed, whatever form the file had. */
    EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                   "uncompressed");
    if (!EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                         sizeof point, &len))
        return false;
    char name[40];
    snprintf(name, sizeof name, "ecdsa-sha2-%s", ssh_curve);
    put_text(b, name);
    put_text(b, ssh_curve);
    put_string(b, point, len);
    return !b->overflow;
}

static bool ed25519_blob(EVP_PKEY *pkey, blob *b)
{
    uint8_t pub[32];
    size_t len = sizeof pub;
    if (!EVP_PKEY_get_raw_public_key(pkey, pub, &len) || len != 32)
        return false;
    put_text(b, "ssh-ed25519");
    put_string(b, pub, len);
    return !b->overflow;
}

static void ec_curve_name(EVP_PKEY *pkey, key_facts *k)
{
    char group[64];
    size_t len = 0;
    if (!EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) || len == 0) {
        snprintf(k->curve, sizeof k->curve, "explicit parameters");
        return;
    }
    const char *nist = EC_curve_nid2nist(OBJ_sn2nid(group));
    snprintf(k->curve, sizeof k->curve, "%.23s", nist ? nist : group);
}

bool keys_pkey_facts(EVP_PKEY *pkey, key_facts *k)
{
    uint8_t *buf = malloc(BLOB_CAP);
    if (!buf)
        return false;
    blob b = {buf, 0, BLOB_CAP, false};
    bool have_blob = false;
    int bits = EVP_PKEY_get_bits(pkey);
    k->bits = bits > 0 ? (unsigned)bits : 0;
    switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        snprintf(k->type, sizeof k->type, "RSA");
        have_blob = rsa_blob(pkey, &b);
        break;
    case EVP_PKEY_DSA:
        snprintf(k->type, sizeof k->type, "DSA");
        have_blob = dsa_blob(pkey, &b);
        break;
    case EVP_PKEY_EC:
        snprintf(k->type, sizeof k->type, "EC");
        ec_curve_name(pkey, k);
        have_blob = ec_blob(pkey, k->curve, &b);
        break;
    case EVP_PKEY_ED25519:
        snprintf(k->type, sizeof k->type, "Ed25519");
        have_blob = ed25519_blob(pkey, &b);
        break;
    default: {
        const char *name = EVP_PKEY_get0_type_name(pkey);
        snprintf(k->type, sizeof k->type, "%s", name ? name : "unknown");
    }
    }
    if (have_blob)
        fingerprint_of("SHA256:", b.buf, b.len, k->fingerprint, sizeof k->fingerprint);
    else
        spki_fingerprint(pkey, k);
    free(buf);
    return true;
}

/* ---- SSH public-key blobs ---- */

static void printable_name(const uint8_t *s, size_t len, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < size; i++)
        out[n++] = s[i] > 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    out[n] = '\0';
}

static bool ecdsa_curve(const uint8_t *name, size_t len, key_facts *k)
{
    static const struct {
        const char *ssh, *nist;
        unsigned bits;
    } curves[] = {{"nistp256", "P-256", 256}, {"nistp384", "P-384", 384},
                  {"nistp521", "P-521", 521}};
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++)
        if (string_is(name, len, curves[i].ssh)) {
            snprintf(k->curve, sizeof k->curve, "%s", curves[i].nist);
            k->bits = curves[i].bits;
            return true;
        }
    printable_name(name, len, k->curve, sizeof k->curve);
    return true;
}

bool keys_ssh_blob_facts(const uint8_t *data, size_t len, key_facts *k)
{
    wire w = {data, len};
    const uint8_t *type, *s;
    size_t type_len, s_len;
    if (!wire_string(&w, &type, &type_len) || type_len == 0 || type_len > 64)
        return false;
    k->bits = 0;
    k->curve[0] = '\0';
    if (string_is(type, type_len, "ssh-rsa")) {
        snprintf(k->type, sizeof k->type, "RSA");
        if (!wire_skip(&w, 1) || !wire_string(&w, &s, &s_len))
            return false;
        k->bits = magnitude_bits(s, s_len);
    } else if (string_is(type, type_len, "ssh-dss")) {
        snprintf(k->type, sizeof k->type, "DSA");
        if (!wire_string(&w, &s, &s_len))
            return false;
        k->bits = magnitude_bits(s, s_len);
    } else if (type_len > 11 && (memcmp(type, "ecdsa-sha2-", 11) == 0 ||
                                 memcmp(type, "sk-ecdsa-sh", 11) == 0)) {
        snprintf(k->type, sizeof k->type, "EC");
        if (!wire_string(&w, &s, &s_len) || !ecdsa_curve(s, s_len, k))
            return false;
    } else if (string_is(type, type_len, "ssh-ed25519") ||
               string_is(type, type_len, "sk-ssh-ed25519@openssh.com")) {
        snprintf(k->type, sizeof k->type, "Ed25519");
        if (!wire_string(&w, &s, &s_len) || s_len != 32)
            return false;
        k->bits = 256;
    } else {
        printable_name(type, type_len, k->type, sizeof k->type);
    }
    fingerprint_of("SHA256:", data, len, k->fingerprint, sizeof k->fingerprint);
    return true;
}

/* ---- OpenSSH's private key container ---- */

size_t keys_openssh_container(const uint8_t *data, size_t len, key_facts *out, size_t max)
{
    static const char magic[] = "openssh-key-v1"; /* and its NUL */
    const uint8_t *cipher, *s;
    size_t cipher_len, s_len;
    uint32_t count;
    if (len < sizeof magic || memcmp(data, magic, sizeof magic) != 0)
        return 0;
    wire w = {data + sizeof magic, len - sizeof magic};
    if (!wire_string(&w, &cipher, &cipher_len) || !wire_skip(&w, 2) || !wire_u32(&w, &count))
        return 0;
    size_t written = 0;
    for (uint32_t i = 0; i < count && i < OPENSSH_MAX_KEYS && written < max; i++) {
        if (!wire_string(&w, &s, &s_len))
            break;
        key_facts *k = &out[written];
        memset(k, 0, sizeof *k);
        if (!keys_ssh_blob_facts(s, s_len, k))
            continue;
        k->encrypted = !string_is(cipher, cipher_len, "none");
        k->format = "OpenSSH";
        written++;
    }
    return written;
}

/* ---- Dropbear's host keys ---- */

/* Public fields, then private ones: the public blob is the file's prefix
 * (Ed25519 excepted: its one string holds the secret and then the public
 * half). */
bool keys_dropbear_key(const uint8_t *data, size_t len, key_facts *k)
{
    wire w = {data, len};
    const uint8_t *type, *s;
    size_t type_len, s_len;
    unsigned public_fields, private_fields;
    if (len > 65536 || !wire_string(&w, &type, &type_len))
        return false;
    if (string_is(type, type_len, "ssh-rsa")) {
        public_fields = 2, private_fields = 3;
    } else if (string_is(type, type_len, "ssh-dss")) {
        public_fields = 4, private_fields = 1;
    } else if (type_len > 11 && memcmp(type, "ecdsa-sha2-", 11) == 0) {
        public_fields = 2, private_fields = 1;
    } else if (string_is(type, type_len, "ssh-ed25519")) {
        if (!wire_string(&w, &s, &s_len) || s_len != 64)
            return false;
        uint8_t pub[4 + 11 + 4 + 32];
        blob b = {pub, 0, sizeof pub, false};
        put_text(&b, "ssh-ed25519");
        put_string(&b, s + 32, 32);
        if (!keys_ssh_blob_facts(b.buf, b.len, k))
            return false;
        k->format = "Dropbear";
        return true;
    } else {
        return false;
    }
    if (!wire_skip(&w, public_fields))
        return false;
    size_t public_len = len - w.left;
    if (!wire_skip(&w, private_fields) || !keys_ssh_blob_facts(data, public_len, k) || !k->bits)
        return false;
    k->format = "Dropbear";
    return true;
}

/* ---- PuTTY ---- */

typedef struct lines {
    const char *p, *end;
} lines;

static bool next_line(lines *l, const char **line, size_t *len)
{
    if (l->p >= l->end)
        return false;
    const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *stop = nl ? nl : l->end;
    *line = l->p;
    *len = (size_t)(stop - l->p);
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    l->p = nl ? nl + 1 : l->end;
    return true;
}

static bool header_value(const char *line, size_t len, const char *name, const char **value,
                         size_t *value_len)
{
    size_t n = strlen(name);
    if (len < n + 2 || memcmp(line, name, n) != 0 || line[n] != ':' || line[n + 1] != ' ')
        return false;
    *value = line + n + 2;
    *value_len = len - n - 2;
    return true;
}

bool keys_putty_key(const uint8_t *data, size_t len, key_facts *k)
{
    static const char magic[] = "PuTTY-User-Key-File-";
    lines l = {(const char *)data, (const char *)data + len};
    const char *line = NULL, *v = NULL;
    size_t line_len = 0, v_len = 0;
    bool encrypted = false, seen_encryption = false;
    if (len < sizeof magic || memcmp(data, magic, sizeof magic - 1) != 0)
        return false;
    next_line(&l, &line, &line_len);
    if (line_len < sizeof magic + 2 || (line[sizeof magic - 1] != '2' &&
                                        line[sizeof magic - 1] != '3'))
        return false;
    const char *format = line[sizeof magic - 1] == '2' ? "PuTTY PPK v2" : "PuTTY PPK v3";
    while (next_line(&l, &line, &line_len)) {
        if (header_value(line, line_len, "Encryption", &v, &v_len)) {
            encrypted = !(v_len == 4 && memcmp(v, "none", 4) == 0);
            seen_encryption = true;
            continue;
        }
        if (!header_value(line, line_len, "Public-Lines", &v, &v_len))
            continue;
        unsigned count = 0;
        for (size_t i = 0; i < v_len && v[i] >= '0' && v[i] <= '9' && count < 100000; i++)
            count = count * 10 + (unsigned)(v[i] - '0');
        if (!seen_encryption || count == 0 || count > PPK_MAX_PUBLIC_LINES)
            return false;
        const char *first = l.p;
        for (unsigned i = 0; i < count; i++)
            if (!next_line(&l, &line, &line_len))
                return false;
        size_t text_len = (size_t)(l.p - first);
        uint8_t *pub = malloc(text_len);
        size_t pub_len = 0;
        bool ok = pub && keys_base64_decode(first, text_len, pub, text_len, &pub_len) &&
                  keys_ssh_blob_facts(pub, pub_len, k);
        free(pub);
        if (!ok)
            return false;
        k->encrypted = encrypted;
        k->format = format;
        return true;
    }
    return false;
}
