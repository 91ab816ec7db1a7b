/*
 * Parsers for passwd, shadow, the shipped `user:password` lists, and the
 * crypt(3) strings in password fields (see passwd.h). The accounts analysis
 * decides what the entries mean; this file only says what they are, and how
 * costly a hash would be to test, so that a hostile image cannot ask for
 * hours of hashing or gigabytes of memory.
 */
#include "passwd.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The alphabet of crypt(3) salts and hashes. */
static const char itoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int itoa64_index(char c)
{
    const char *p = c ? strchr(itoa64, c) : NULL;
    return p ? (int)(p - itoa64) : -1;
}

static bool all_itoa64(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (itoa64_index(s[i]) < 0)
            return false;
    return true;
}

/* ---- lines and fields ---------------------------------------------------- */

typedef struct line_cursor {
    const uint8_t *data;
    size_t size, pos;
    unsigned line;
} line_cursor;

/* The next line without its '\n' (and '\r'); false at the end. */
static bool next_line(line_cursor *c, const char **start, size_t *len)
{
    if (c->pos >= c->size)
        return false;
    const uint8_t *s = c->data + c->pos;
    const uint8_t *nl = memchr(s, '\n', c->size - c->pos);
    size_t n = nl ? (size_t)(nl - s) : c->size - c->pos;
    c->pos += n + (nl ? 1 : 0);
    c->line++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    *start = (const char *)s;
    *len = n;
    return true;
}

/* Control bytes (NUL included) never belong in these files; a line holding
 * one is not an entry. Bytes >= 0x80 are allowed (UTF-8 in gecos). */
static bool has_control_bytes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            return true;
    }
    return false;
}

static bool skipped_line(const char *s, size_t len)
{
    return len == 0 || s[0] == '#' || s[0] == '+' || s[0] == '-';
}

/* Splits on ':' into at most `max` fields; returns how many there are
 * (max + 1 when there are more). */
static size_t split_fields(const char *s, size_t len, const char **field, size_t *flen,
                           size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ':')
            continue;
        if (n == max)
            return max + 1;
        field[n] = s + start;
        flen[n] = i - start;
        n++;
        start = i + 1;
    }
    return n;
}

/* A decimal id as passwd writes it, or -1. */
static int64_t parse_id(const char *s, size_t len)
{
    if (len == 0 || len > 10)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= UINT32_MAX ? v : -1;
}

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t n = 1;
    for (const uint8_t *p = data, *end = data + size;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        n++;
    return n < PASSWD_MAX_ENTRIES ? n : PASSWD_MAX_ENTRIES;
}

static iotssf_status out_of_memory(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
}

static iotssf_status keep_passwd_line(const char *s, size_t len, unsigned line, arena *mem,
                                      passwd_file *out, iotssf_error *err)
{
    const char *f[7];
    size_t fl[7];
    if (split_fields(s, len, f, fl, 7) != 7 || fl[0] == 0) {
        out->malformed++;
        return IOTSSF_OK;
    }
    passwd_entry *e = &out->entries[out->count];
    e->name = arena_strndup(mem, f[0], fl[0]);
    e->password = arena_strndup(mem, f[1], fl[1]);
    e->uid = parse_id(f[2], fl[2]);
    e->gid = parse_id(f[3], fl[3]);
    e->gecos = arena_strndup(mem, f[4], fl[4]);
    e->home = arena_strndup(mem, f[5], fl[5]);
    e->shell = arena_strndup(mem, f[6], fl[6]);
    e->line = line;
    if (!e->name || !e->password || !e->gecos || !e->home || !e->shell)
        return out_of_memory(err);
    out->count++;
    return IOTSSF_OK;
}

iotssf_status passwd_parse(const uint8_t *data, size_t size, arena *mem, passwd_file *out,
                           iotssf_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = count_lines(data, size);
    if (!(out->entries = arena_alloc(mem, cap * sizeof *out->entries)))
        return out_of_memory(err);
    line_cursor c = {.data = data, .size = size};
    const char *s;
    size_t len;
    while (out->count < cap && next_line(&c, &s, &len)) {
        if (skipped_line(s, len))
            continue;
        if (len > PASSWD_MAX_LINE || has_control_bytes(s, len)) {
            out->malformed++;
            continue;
        }
        iotssf_status st = keep_passwd_line(s, len, c.line, mem, out, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

iotssf_status shadow_parse(const uint8_t *data, size_t size, arena *mem, shadow_file *out,
                           iotssf_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = count_lines(data, size);
    if (!(out->entries = arena_alloc(mem, cap * sizeof *out->entries)))
        return out_of_memory(err);
    line_cursor c = {.data = data, .size = size};
    const char *s;
    size_t len;
    while (out->count < cap && next_line(&c, &s, &len)) {
        if (skipped_line(s, len))
            continue;
        const char *f[9];
        size_t fl[9];
        size_t n = len > PASSWD_MAX_LINE || has_control_bytes(s, len)
                       ? 0
                       : split_fields(s, len, f, fl, 9);
        /* Embedded systems often drop the ageing fields: two are enough. */
        if (n < 2 || n > 9 || fl[0] == 0) {
            out->malformed++;
            continue;
        }
        shadow_entry *e = &out->entries[out->count];
        e->name = arena_strndup(mem, f[0], fl[0]);
        e->hash = arena_strndup(mem, f[1], fl[1]);
        e->line = c.line;
        if (!e->name || !e->hash)
            return out_of_memory(err);
        out->count++;
    }
    return IOTSSF_OK;
}

const passwd_entry *passwd_find(const passwd_file *f, const char *name)
{
    for (size_t i = 0; f && i < f->count; i++)
        if (strcmp(f->entries[i].name, name) == 0)
            return &f->entries[i];
    return NULL;
}

const shadow_entry *shadow_find(const shadow_file *f, const char *name)
{
    for (size_t i = 0; f && i < f->count; i++)
        if (strcmp(f->entries[i].name, name) == 0)
            return &f->entries[i];
    return NULL;
}

/* ---- crypt(3) strings ---------------------------------------------------- */

/* Measured on one core of the project's machine (libxcrypt 4.4): DES 5 us,
 * MD5-crypt 100 us, SHA-512-crypt 2.2 ms at 5000 rounds, bcrypt 77 ms at cost
 * 10, yescrypt 21 ms at N=4096 r=32. The budget in accounts.c is spent in
 * these units; a parameter set beyond the caps is not tried at all. */
enum {
    COST_MAX_US = 2000000,               /* one call: 2 s */
    YESCRYPT_MAX_MEMORY = 64 * 1024 * 1024,
};

/* The part after the last '$' is the hash proper: non-empty, itoa64. */
static bool hash_tail_ok(const char *s, size_t min_len)
{
    const char *tail = strrchr(s, '$');
    if (!tail)
        return false;
    size_t n = strlen(tail + 1);
    return n >= min_len && all_itoa64(tail + 1, n);
}

static uint64_t capped(uint64_t cost)
{
    return cost > COST_MAX_US ? 0 : cost;
}

static uint64_t sha_crypt_cost(const char *s)
{
    uint64_t rounds = 5000;
    const char *p = s + 3;
    if (strncmp(p, "rounds=", 7) == 0) {
        rounds = 0;
        for (p += 7; *p >= '0' && *p <= '9'; p++)
            if ((rounds = rounds * 10 + (uint64_t)(*p - '0')) > 1000000000)
                return 0;
        if (*p != '$')
            return 0;
        rounds = rounds < 1000 ? 1000 : rounds; /* crypt(3) clamps the same way */
    }
    return capped(10 + rounds * 45 / 100);
}

static uint64_t bcrypt_cost(const char *s)
{
    /* "$2b$10$" + 53 chars of salt and hash */
    if (strlen(s) != 60 || s[6] != '$' || s[4] < '0' || s[4] > '3' || s[5] < '0' || s[5] > '9')
        return UINT64_MAX;
    unsigned log2 = (unsigned)(s[4] - '0') * 10 + (unsigned)(s[5] - '0');
    if (log2 < 4 || log2 > 31 || !all_itoa64(s + 7, 53))
        return UINT64_MAX;
    return log2 > 20 ? 0 : capped(((uint64_t)1 << log2) * 75);
}

/* yescrypt's "$y$" + flavor, log2(N) - 1 and r - 1, one itoa64 char each in
 * the common form (values < 48); longer parameter strings (p, t, g set) are
 * not decoded and so not tried. */
static uint64_t yescrypt_cost(const char *params, size_t len)
{
    if (len != 3)
        return 0;
    int flavor = itoa64_index(params[0]), nlog = itoa64_index(params[1]),
        r = itoa64_index(params[2]);
    if (flavor < 0 || flavor >= 48 || nlog < 0 || nlog >= 48 || r < 0 || r >= 48)
        return 0;
    uint64_t n_log2 = (uint64_t)nlog + 1, rr = (uint64_t)r + 1;
    if (n_log2 > 24 || 128 * rr * ((uint64_t)1 << n_log2) > YESCRYPT_MAX_MEMORY)
        return 0;
    return capped(((uint64_t)1 << n_log2) * rr * 21000 / (4096 * 32) + 1);
}

/* scrypt's "$7$" + log2(N) (1 char) + r and p (5 chars each, 30 bits LE). */
static uint64_t scrypt_cost(const char *s)
{
    if (strlen(s) < 14)
        return 0;
    int nlog = itoa64_index(s[3]);
    uint64_t rp[2] = {0, 0};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 5; i++) {
            int v = itoa64_index(s[4 + 5 * k + i]);
            if (v < 0)
                return 0;
            rp[k] |= (uint64_t)v << (6 * i);
        }
    if (nlog < 1 || nlog > 24 || rp[0] == 0 || rp[1] == 0 || rp[0] > 64 || rp[1] > 16)
        return 0;
    if (128 * rp[0] * ((uint64_t)1 << nlog) > YESCRYPT_MAX_MEMORY)
        return 0;
    return capped(((uint64_t)1 << nlog) * rp[0] * rp[1] * 21000 / (4096 * 32) + 1);
}

static crypt_info dollar_scheme(const char *s)
{
    crypt_info info = {.kind = CRYPT_LOCKED};
    const char *id_end = strchr(s + 1, '$');
    size_t id_len = id_end ? (size_t)(id_end - s - 1) : 0;
    if (!id_end || !hash_tail_ok(s, 2))
        return info;
    if (id_len == 1 && s[1] == '1' && hash_tail_ok(s, 22))
        info = (crypt_info){CRYPT_HASH, SCHEME_MD5, true, 100};
    else if (id_len == 1 && (s[1] == '5' || s[1] == '6') && hash_tail_ok(s, 43))
        info = (crypt_info){CRYPT_HASH, s[1] == '5' ? SCHEME_SHA256 : SCHEME_SHA512, false,
                            sha_crypt_cost(s)};
    else if (id_len == 2 && s[1] == '2' && strchr("abxy", s[2]) && bcrypt_cost(s) != UINT64_MAX)
        info = (crypt_info){CRYPT_HASH, SCHEME_BCRYPT, false, bcrypt_cost(s)};
    else if (id_len == 1 && s[1] == '7')
        info = (crypt_info){CRYPT_HASH, SCHEME_SCRYPT, false, scrypt_cost(s)};
    else if ((id_len == 1 && s[1] == 'y') || (id_len == 2 && s[1] == 'g' && s[2] == 'y')) {
        const char *params = id_end + 1, *params_end = strchr(params, '$');
        if (params_end && params_end != strrchr(s, '$'))
            info = (crypt_info){CRYPT_HASH, id_len == 1 ? SCHEME_YESCRYPT : SCHEME_GOST_YESCRYPT,
                                false, yescrypt_cost(params, (size_t)(params_end - params))};
    } else if (id_len >= 3 && strncmp(s + 1, "md5", 3) == 0)
        info = (crypt_info){CRYPT_HASH, SCHEME_SUN_MD5, true, 0};
    return info;
}

static bool is_nt_hash(const char *s)
{
    if (strncmp(s, "$3$$", 4) != 0 || strlen(s) != 36)
        return false;
    for (const char *p = s + 4; *p; p++)
        if (!strchr("0123456789abcdef", *p))
            return false;
    return true;
}

crypt_info crypt_classify(const char *field)
{
    size_t len = strlen(field);
    if (len == 0)
        return (crypt_info){.kind = CRYPT_EMPTY};
    if (len == 13 && all_itoa64(field, 13))
        return (crypt_info){CRYPT_HASH, SCHEME_DES, true, 5};
    if (len == 20 && field[0] == '_' && all_itoa64(field + 1, 19)) {
        uint64_t rounds = 0;
        for (int i = 0; i < 4; i++)
            rounds |= (uint64_t)itoa64_index(field[1 + i]) << (6 * i);
        return (crypt_info){CRYPT_HASH, SCHEME_BSDI, true, capped(rounds / 5 + 1)};
    }
    if (is_nt_hash(field))
        return (crypt_info){CRYPT_HASH, SCHEME_NT, true, 5};
    if (field[0] == '$')
        return dollar_scheme(field);
    /* "*", "!", "!!", "!" before a hash, "x", "*LK*", "NP": crypt(3) output
     * never looks like these, so no password matches. */
    return (crypt_info){.kind = CRYPT_LOCKED};
}

const char *crypt_scheme_name(crypt_scheme s)
{
    static const char *const names[] = {
        [SCHEME_NONE] = "none",
        [SCHEME_DES] = "DES crypt",
        [SCHEME_BSDI] = "BSDi extended DES",
        [SCHEME_MD5] = "MD5-crypt",
        [SCHEME_SUN_MD5] = "SunMD5",
        [SCHEME_NT] = "NT hash",
        [SCHEME_BCRYPT] = "bcrypt",
        [SCHEME_SHA256] = "SHA-256-crypt",
        [SCHEME_SHA512] = "SHA-512-crypt",
        [SCHEME_SCRYPT] = "scrypt",
        [SCHEME_YESCRYPT] = "yescrypt",
        [SCHEME_GOST_YESCRYPT] = "gost-yescrypt",
    };
    return names[s];
}

/* ---- default-credential lists -------------------------------------------- */

void cred_list_init(cred_list *l)
{
    memset(l, 0, sizeof *l);
    arena_init(&l->mem);
}

void cred_list_free(cred_list *l)
{
    free(l->pairs);
    arena_free(&l->mem);
    memset(l, 0, sizeof *l);
}

static iotssf_status add_pair(cred_list *l, const char *list, unsigned line, const char *s,
                              size_t len, iotssf_error *err)
{
    const char *colon = memchr(s, ':', len);
    if (!colon || colon == s)
        return iotssf_fail(err, IOTSSF_E_INPUT, list, line, 1,
                           "expected `user:password` (a user name, then ':')");
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        cred_pair *grown = realloc(l->pairs, cap * sizeof *grown);
        if (!grown)
            return out_of_memory(err);
        l->pairs = grown;
        l->cap = cap;
    }
    cred_pair *p = &l->pairs[l->count];
    p->user = arena_strndup(&l->mem, s, (size_t)(colon - s));
    p->password = arena_strndup(&l->mem, colon + 1, len - (size_t)(colon - s) - 1);
    const char *slash = strrchr(list, '/');
    p->list = arena_strdup(&l->mem, slash ? slash + 1 : list);
    p->line = line;
    if (!p->user || !p->password || !p->list)
        return out_of_memory(err);
    l->count++;
    return IOTSSF_OK;
}

iotssf_status cred_list_parse(cred_list *l, const char *name, const char *text, size_t size,
                              iotssf_error *err)
{
    line_cursor c = {.data = (const uint8_t *)text, .size = size};
    const char *s;
    size_t len;
    while (next_line(&c, &s, &len)) {
        if (len == 0 || s[0] == '#')
            continue;
        if (has_control_bytes(s, len) || memchr(s, '\t', len))
            return iotssf_fail(err, IOTSSF_E_INPUT, name, c.line, 1,
                               "control character in a credential line");
        iotssf_status st = add_pair(l, name, c.line, s, len, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static iotssf_status load_one(cred_list *l, const char *dir, const char *name, iotssf_error *err)
{
    char path[4096 + 260]; /* the folder, '/', a file name (<= 255) */
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read the credential list");
    /* The shipped lists are a few KiB; 1 MiB is far beyond any real one. */
    enum { MAX_LIST = 1024 * 1024 };
    char *buf = malloc(MAX_LIST);
    size_t n = buf ? fread(buf, 1, MAX_LIST, f) : 0;
    bool too_big = buf && n == MAX_LIST;
    fclose(f);
    iotssf_status st = !buf      ? out_of_memory(err)
                       : too_big ? iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                                               "credential list larger than 1 MiB")
                                 : cred_list_parse(l, path, buf, n, err);
    free(buf);
    return st;
}

iotssf_status cred_list_load(cred_list *l, const char *data_dir, iotssf_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/creds", data_dir);
    DIR *d = opendir(dir);
    if (!d)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot open the credential lists folder");
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    iotssf_status st = IOTSSF_OK;
    while (!st && (e = readdir(d)) != NULL && n < sizeof names / sizeof *names) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        if (!(names[n] = arena_strdup(&l->mem, e->d_name)))
            st = out_of_memory(err);
        else
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n && !st; i++)
        st = load_one(l, dir, names[i], err);
    return st;
}

bool cred_list_has_password(const cred_list *l, const char *password)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->pairs[i].password, password) == 0)
            return true;
    return false;
}
