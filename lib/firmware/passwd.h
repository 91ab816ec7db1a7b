/*
 * The colon-separated credential files: passwd and shadow as glibc, BusyBox
 * and OpenWrt write them, the `user:password` lists shipped in data/creds
 * (Mirai's scanner table, vendor defaults), and the crypt(3) hash strings
 * found in them. Parsing only: what the accounts mean is decided in
 * accounts.c, which feeds these parsers files copied out of firmware images,
 * so every byte is treated as hostile (no NUL or control bytes in a kept
 * field, bounded line and entry counts, numbers checked for overflow).
 */
#ifndef IOTSSF_FIRMWARE_PASSWD_H
#define IOTSSF_FIRMWARE_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "iotssf/error.h"

enum {
    /* Entries kept from one passwd or shadow file; a real one has dozens, and
     * the accounts analysis compares entries pairwise. */
    PASSWD_MAX_ENTRIES = 4096,
    /* Longer lines are skipped as malformed: real entries are < 1 KiB. */
    PASSWD_MAX_LINE = 4096,
};

/* One line of a passwd file: name:password:uid:gid:gecos:home:shell. */
typedef struct passwd_entry {
    const char *name;
    const char *password; /* "x" when the hash is in shadow, else inline */
    int64_t uid, gid;     /* -1 when the field is not a decimal number */
    const char *gecos, *home;
    const char *shell;    /* "" means /bin/sh, as login(1) reads it */
    unsigned line;        /* 1-based */
} passwd_entry;

/* One line of a shadow file: name:hash:... (the ageing fields are not kept). */
typedef struct shadow_entry {
    const char *name;
    const char *hash;
    unsigned line;
} shadow_entry;

typedef struct passwd_file {
    passwd_entry *entries;
    size_t count;
    size_t malformed; /* lines skipped: wrong field count, control bytes, too long */
} passwd_file;

typedef struct shadow_file {
    shadow_entry *entries;
    size_t count;
    size_t malformed;
} shadow_file;

/* Parse `data` (not NUL-terminated) into `mem`. Comment lines ('#'), blank
 * lines and NIS markers ('+', '-') are skipped; malformed lines are counted.
 * Fails only when memory runs out. */
iotssf_status passwd_parse(const uint8_t *data, size_t size, arena *mem, passwd_file *out,
                           iotssf_error *err);
iotssf_status shadow_parse(const uint8_t *data, size_t size, arena *mem, shadow_file *out,
                           iotssf_error *err);

const passwd_entry *passwd_find(const passwd_file *f, const char *name);
const shadow_entry *shadow_find(const shadow_file *f, const char *name);

/* What a password field holds. */
typedef enum crypt_kind {
    CRYPT_EMPTY,  /* "": no password at all, login without one */
    CRYPT_LOCKED, /* "*", "!", "!!", "!<hash>", "x" with nothing behind it, any
                     string crypt(3) can never produce: nothing logs in */
    CRYPT_HASH,   /* a crypt(3) hash of a known scheme */
} crypt_kind;

typedef enum crypt_scheme {
    SCHEME_NONE,
    SCHEME_DES,      /* 13 chars, traditional DES crypt: 8-char passwords, 12-bit salt */
    SCHEME_BSDI,     /* "_": BSDi extended DES */
    SCHEME_MD5,      /* "$1$" */
    SCHEME_SUN_MD5,  /* "$md5" */
    SCHEME_NT,       /* "$3$": unsalted MD4 */
    SCHEME_BCRYPT,   /* "$2a$", "$2b$", "$2x$", "$2y$" */
    SCHEME_SHA256,   /* "$5$" */
    SCHEME_SHA512,   /* "$6$" */
    SCHEME_SCRYPT,   /* "$7$" */
    SCHEME_YESCRYPT, /* "$y$" */
    SCHEME_GOST_YESCRYPT, /* "$gy$" */
} crypt_scheme;

typedef struct crypt_info {
    crypt_kind kind;
    crypt_scheme scheme;
    bool legacy; /* a scheme no longer fit for stored passwords */
    /* Estimated microseconds for one crypt(3) call with these parameters, or
     * 0 when the parameters are unknown or too costly to try at all (a
     * hostile "rounds=999999999" or a yescrypt asking for gigabytes). */
    uint64_t cost_us;
} crypt_info;

/* Classify a password field (passwd's inline field or shadow's hash). */
crypt_info crypt_classify(const char *field);
const char *crypt_scheme_name(crypt_scheme s);

/* A shipped default credential: `user:password` on one line of a list in
 * data/creds (format: data/creds/README.md). */
typedef struct cred_pair {
    const char *user;
    const char *password; /* may be "" (the lists' "(none)") */
    const char *list;     /* the list's file name, e.g. "mirai.txt" */
    unsigned line;
} cred_pair;

typedef struct cred_list {
    arena mem;
    cred_pair *pairs;
    size_t count, cap;
} cred_list;

void cred_list_init(cred_list *l);
void cred_list_free(cred_list *l);
/* Adds the pairs of one list. `name` (the list's path) is used in errors; its
 * last component becomes cred_pair.list.
 * A line without ':' or with control bytes is an error (the lists are ours). */
iotssf_status cred_list_parse(cred_list *l, const char *name, const char *text, size_t size,
                              iotssf_error *err);
/* Loads every *.txt of <data_dir>/creds, in name order. */
iotssf_status cred_list_load(cred_list *l, const char *data_dir, iotssf_error *err);
/* Is `password` the password of some pair? (case-sensitive) */
bool cred_list_has_password(const cred_list *l, const char *password);

#endif
