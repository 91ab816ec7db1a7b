/*
 * The accounts analysis: who can log in to the device, and with what. It
 * keeps copies of every passwd and shadow file (etc/passwd, etc/shadow, their
 * "-" backups, the etc_ro/ copies of Ralink-style images, OpenWrt's rom/etc/)
 * as the core streams entries past, pairs them by folder in `finish`, and
 * reports per account:
 *   - an empty password on an account that has a shell (anyone logs in), or
 *     on one that has none (a lesser finding: other services may accept it);
 *   - a password found in the shipped default-credential lists, by hashing
 *     each listed password with crypt(3) and the account's own salt;
 *   - otherwise, a hash built into the image for an account with a shell,
 *     i.e. a password the same on every unit;
 *   - a legacy hash scheme (DES, MD5, ...), a uid 0 account other than root
 *     that is not locked, and one hash shared by several accounts.
 * Locked accounts ("*", "!", "!!", "!<hash>", "x" with no shadow entry) are
 * not findings: nothing can log in to them.
 *
 * Hashing is the only costly step, so it is bounded: at most
 * ACCOUNTS_MAX_CANDIDATES passwords per hash, the first match ends the search,
 * and one budget of estimated hashing time covers the whole image; a hash the
 * budget (or its own hostile parameters) left unchecked is reported as such.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "passwd.h"

enum {
    ACCOUNTS_MAX_FILE = 1024 * 1024, /* a passwd or shadow file larger than this is not one */
    ACCOUNTS_MAX_FILES = 64,
    ACCOUNTS_MAX_CANDIDATES = 400,
    ACCOUNTS_MEMO = 256, /* hashes remembered across files (A/B partitions) */
    EVIDENCE_MAX = 256,
};
/* Estimated crypt(3) time for one image (see passwd.c for the units). */
static const uint64_t ACCOUNTS_BUDGET_US = 90ull * 1000 * 1000;

typedef enum kept_kind { KEPT_PASSWD, KEPT_SHADOW } kept_kind;

typedef struct kept_file {
    char *origin, *path;
    size_t dir_len;   /* path[0..dir_len) is the folder, with its '/' */
    bool backup;      /* passwd- or shadow- */
    kept_kind kind;
    uint8_t *data;
    size_t size;
    bool paired;
} kept_file;

typedef struct crack_memo {
    char *hash;
    const char *password; /* in the credential list; NULL when none matched */
    bool complete;
    size_t tried;
} crack_memo;

typedef struct accounts_state {
    cred_list creds;
    const char **candidates; /* distinct passwords of the lists, in list order */
    size_t candidate_count;
    kept_file files[ACCOUNTS_MAX_FILES];
    size_t file_count;
    crack_memo memo[ACCOUNTS_MEMO];
    size_t memo_count;
    uint64_t budget_us;
    struct crypt_data *crypt;
} accounts_state;

/* One account as login(1) would see it: passwd's fields, shadow's hash. */
typedef struct account {
    const char *name;
    const char *hash;      /* the password field that is checked */
    const char *shell;     /* NULL when there is no passwd entry to say */
    int64_t uid;           /* -1 when unknown */
    const passwd_entry *pw;
    const char *hash_path; /* where the hash was read */
    unsigned hash_line;
    crypt_info info;
} account;

typedef struct crack_result {
    const char *password; /* NULL when no listed password matched */
    bool complete;        /* every candidate was tried */
    size_t tried;
} crack_result;

/* ---- keeping files ------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* etc/passwd, etc_ro/shadow-, rom/etc/passwd: basename and parent folder. */
static bool is_account_file(const char *path, kept_kind *kind, bool *backup, size_t *dir_len)
{
    const char *base = base_name(path);
    if (base == path)
        return false;
    const char *parent = base - 1;
    while (parent > path && parent[-1] != '/')
        parent--;
    if (strncmp(parent, "etc", 3) != 0 || !strchr("/_-.", parent[3]))
        return false;
    static const struct {
        const char *name;
        kept_kind kind;
        bool backup;
    } names[] = {{"passwd", KEPT_PASSWD, false}, {"passwd-", KEPT_PASSWD, true},
                 {"shadow", KEPT_SHADOW, false}, {"shadow-", KEPT_SHADOW, true}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(base, names[i].name) == 0) {
            *kind = names[i].kind;
            *backup = names[i].backup;
            *dir_len = (size_t)(base - path);
            return true;
        }
    return false;
}

static void free_files(accounts_state *s)
{
    for (size_t i = 0; i < s->file_count; i++) {
        free(s->files[i].origin);
        free(s->files[i].path);
        free(s->files[i].data);
    }
    s->file_count = 0;
}

static void accounts_destroy(void *state)
{
    accounts_state *s = state;
    if (!s)
        return;
    free_files(s);
    for (size_t i = 0; i < s->memo_count; i++)
        free(s->memo[i].hash);
    free(s->candidates);
    free(s->crypt);
    cred_list_free(&s->creds);
    free(s);
}

static bool already_candidate(const accounts_state *s, const char *password)
{
    for (size_t i = 0; i < s->candidate_count; i++)
        if (strcmp(s->candidates[i], password) == 0)
            return true;
    return false;
}

static void *accounts_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    accounts_state *s = calloc(1, sizeof *s);
    if (!s) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    cred_list_init(&s->creds);
    s->budget_us = ACCOUNTS_BUDGET_US;
    s->crypt = calloc(1, sizeof *s->crypt);
    if (!s->crypt || cred_list_load(&s->creds, ctx->data_dir, err) != IOTSSF_OK) {
        if (!s->crypt)
            iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        accounts_destroy(s);
        return NULL;
    }
    s->candidates = malloc((s->creds.count + 1) * sizeof *s->candidates);
    if (!s->candidates) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        accounts_destroy(s);
        return NULL;
    }
    for (size_t i = 0; i < s->creds.count; i++)
        if (!already_candidate(s, s->creds.pairs[i].password))
            s->candidates[s->candidate_count++] = s->creds.pairs[i].password;
    return s;
}

static iotssf_status accounts_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                    iotssf_error *err)
{
    accounts_state *s = state;
    kept_kind kind;
    bool backup;
    size_t dir_len;
    if (e->kind != IOTSSF_FW_FILE || !e->data || e->size == 0 || e->size > ACCOUNTS_MAX_FILE ||
        s->file_count == ACCOUNTS_MAX_FILES || !is_account_file(e->path, &kind, &backup, &dir_len))
        return IOTSSF_OK;
    kept_file *f = &s->files[s->file_count];
    *f = (kept_file){.kind = kind, .backup = backup, .dir_len = dir_len, .size = (size_t)e->size};
    f->origin = strdup(ctx->origin ? ctx->origin : "");
    f->path = strdup(e->path);
    f->data = malloc(f->size);
    if (!f->origin || !f->path || !f->data) {
        free(f->origin);
        free(f->path);
        free(f->data);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(f->data, e->data, f->size);
    s->file_count++;
    return IOTSSF_OK;
}

/* ---- what an account allows ---------------------------------------------- */

/* Shells that end the session at once. An empty shell field means /bin/sh. */
static bool shell_allows_login(const char *shell)
{
    static const char *const no_login[] = {
        "/bin/false",    "/usr/bin/false",  "/sbin/nologin", "/usr/sbin/nologin",
        "/bin/nologin",  "/usr/bin/nologin", "/bin/true",    "/usr/bin/true",
        "/bin/sync",     "/usr/bin/sync",   "/sbin/shutdown", "/usr/sbin/shutdown",
        "/sbin/halt",    "/usr/sbin/halt",  "/dev/null",     NULL};
    if (!shell)
        return true; /* no passwd entry to say otherwise */
    for (size_t i = 0; no_login[i]; i++)
        if (strcmp(shell, no_login[i]) == 0)
            return false;
    return true;
}

static const crack_memo *memo_find(const accounts_state *s, const char *hash)
{
    for (size_t i = 0; i < s->memo_count; i++)
        if (strcmp(s->memo[i].hash, hash) == 0)
            return &s->memo[i];
    return NULL;
}

static bool try_password(accounts_state *s, const char *password, const account *a,
                         crack_result *r)
{
    if (r->tried == ACCOUNTS_MAX_CANDIDATES || s->budget_us < a->info.cost_us) {
        r->complete = false;
        return true; /* stop */
    }
    s->budget_us -= a->info.cost_us;
    r->tried++;
    const char *out = crypt_rn(password, a->hash, s->crypt, (int)sizeof *s->crypt);
    if (out && strcmp(out, a->hash) == 0) {
        r->password = password;
        return true;
    }
    return false;
}

/* The account's own listed pairs first (root:xc3511 before admin:admin),
 * then every other listed password; the first match ends the search. */
static crack_result crack(accounts_state *s, const account *a)
{
    crack_result r = {.complete = a->info.cost_us != 0};
    if (!r.complete)
        return r;
    const crack_memo *known = memo_find(s, a->hash);
    if (known)
        return (crack_result){known->password, known->complete, known->tried};
    bool stop = false;
    for (size_t i = 0; i < s->creds.count && !stop; i++)
        if (strcmp(s->creds.pairs[i].user, a->name) == 0)
            stop = try_password(s, s->creds.pairs[i].password, a, &r);
    for (size_t i = 0; i < s->candidate_count && !stop; i++) {
        bool own = false;
        for (size_t k = 0; k < s->creds.count && !own; k++)
            own = strcmp(s->creds.pairs[k].user, a->name) == 0 &&
                  strcmp(s->creds.pairs[k].password, s->candidates[i]) == 0;
        if (!own)
            stop = try_password(s, s->candidates[i], a, &r);
    }
    if (s->memo_count < ACCOUNTS_MEMO && (s->memo[s->memo_count].hash = strdup(a->hash))) {
        s->memo[s->memo_count].password = r.password;
        s->memo[s->memo_count].complete = r.complete;
        s->memo[s->memo_count].tried = r.tried;
        s->memo_count++;
    }
    return r;
}

/* "root:$1$saltsalt$…": enough to find the hash, too little to copy it. */
static void hash_excerpt(const char *hash, char *buf, size_t size)
{
    const char *last = strrchr(hash, '$');
    if (last && last != hash)
        snprintf(buf, size, "%.*s$…", (int)(last - hash), hash);
    else
        snprintf(buf, size, "%.2s…", hash);
}

/* ---- findings ------------------------------------------------------------ */

typedef struct pair_ctx {
    fw_analysis_ctx *ctx;
    accounts_state *s;
    kept_file *passwd, *shadow;
} pair_ctx;

static iotssf_status report(pair_ctx *p, const char *rule, const char *path, unsigned line,
                            const char *evidence, const char *message, iotssf_error *err)
{
    return fw_report(p->ctx, rule, path, 0, line, evidence, message, err);
}

static const char *shell_text(const account *a)
{
    return !a->shell ? "no passwd entry" : a->shell[0] ? a->shell : "/bin/sh (empty field)";
}

static iotssf_status report_empty(pair_ctx *p, const account *a, iotssf_error *err)
{
    char evidence[EVIDENCE_MAX], message[512];
    bool login = shell_allows_login(a->shell);
    snprintf(evidence, sizeof evidence, "%s: empty password field, shell %s", a->name,
             shell_text(a));
    snprintf(message, sizeof message,
             login ? "account %s has no password: anyone can log in as %s"
                   : "account %s has no password; its shell refuses logins, but services "
                     "that check only the password (FTP, web, su) may accept it",
             a->name, a->name);
    return report(p, login ? "FW-ACCOUNT-EMPTY-PASSWORD" : "FW-ACCOUNT-EMPTY-PASSWORD-NOLOGIN",
                  a->hash_path, a->hash_line, evidence, message, err);
}

static iotssf_status report_cracked(pair_ctx *p, const account *a, const char *password,
                                    iotssf_error *err)
{
    char evidence[EVIDENCE_MAX], message[512], where[128] = "";
    for (size_t i = 0; i < p->s->creds.count; i++)
        if (strcmp(p->s->creds.pairs[i].password, password) == 0) {
            snprintf(where, sizeof where, "%s line %u (%s:%s)", p->s->creds.pairs[i].list,
                     p->s->creds.pairs[i].line, p->s->creds.pairs[i].user, password);
            break;
        }
    snprintf(evidence, sizeof evidence, "%s:%s", a->name, password);
    snprintf(message, sizeof message,
             "the %s hash of %s is the password '%s'%s, from the default-credential list %s; "
             "shell %s",
             crypt_scheme_name(a->info.scheme), a->name, password,
             password[0] ? "" : " (empty, hashed)", where, shell_text(a));
    return report(p, "FW-ACCOUNT-DEFAULT-PASSWORD", a->hash_path, a->hash_line, evidence,
                  message, err);
}

static iotssf_status report_hash_findings(pair_ctx *p, const account *a, iotssf_error *err)
{
    char excerpt[128], evidence[EVIDENCE_MAX], message[512];
    hash_excerpt(a->hash, excerpt, sizeof excerpt);
    snprintf(evidence, sizeof evidence, "%s:%s", a->name, excerpt);
    iotssf_status st = IOTSSF_OK;
    if (a->info.legacy) {
        snprintf(message, sizeof message, "the password of %s is stored as %s, a legacy scheme",
                 a->name, crypt_scheme_name(a->info.scheme));
        st = report(p, "FW-ACCOUNT-LEGACY-HASH", a->hash_path, a->hash_line, evidence, message,
                    err);
        if (st)
            return st;
    }
    crack_result r = crack(p->s, a);
    if (r.password)
        return report_cracked(p, a, r.password, err);
    if (shell_allows_login(a->shell)) {
        snprintf(message, sizeof message,
                 "%s can log in (shell %s) with a password whose %s hash is built into the "
                 "image, so it is the same on every unit",
                 a->name, shell_text(a), crypt_scheme_name(a->info.scheme));
        st = report(p, "FW-ACCOUNT-BUILTIN-PASSWORD", a->hash_path, a->hash_line, evidence,
                    message, err);
    }
    if (!st && !r.complete) {
        snprintf(message, sizeof message,
                 "the %s hash of %s was checked against %zu of the listed default passwords "
                 "(its cost parameters or the image's hashing budget stopped the rest)",
                 crypt_scheme_name(a->info.scheme), a->name, r.tried);
        st = report(p, "FW-ACCOUNT-HASH-UNCHECKED", a->hash_path, a->hash_line, evidence,
                    message, err);
    }
    return st;
}

static iotssf_status report_uid0(pair_ctx *p, const account *a, iotssf_error *err)
{
    char excerpt[128], evidence[EVIDENCE_MAX], message[512];
    const passwd_entry *pw = a->pw;
    if (crypt_classify(pw->password).kind == CRYPT_HASH)
        hash_excerpt(pw->password, excerpt, sizeof excerpt);
    else
        snprintf(excerpt, sizeof excerpt, "%s", pw->password);
    snprintf(evidence, sizeof evidence, "%s:%s:%lld:%lld:%s:%s:%s", pw->name, excerpt,
             (long long)pw->uid, (long long)pw->gid, pw->gecos, pw->home, pw->shell);
    snprintf(message, sizeof message,
             "%s has uid 0: a second name for root, with a password of its own", a->name);
    return report(p, "FW-ACCOUNT-UID0-ALIAS", p->passwd->path, pw->line, evidence, message, err);
}

static iotssf_status assess_account(pair_ctx *p, const account *a, iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    if (a->info.kind == CRYPT_EMPTY)
        st = report_empty(p, a, err);
    else if (a->info.kind == CRYPT_HASH)
        st = report_hash_findings(p, a, err);
    if (!st && a->pw && a->uid == 0 && strcmp(a->name, "root") != 0 &&
        a->info.kind != CRYPT_LOCKED)
        st = report_uid0(p, a, err);
    return st;
}

/* One finding per group of accounts sharing one hash (salt included), at the
 * first of them: the same salt and hash twice is a copied password. */
static iotssf_status report_shared(pair_ctx *p, const account *acc, size_t n, iotssf_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (acc[i].info.kind != CRYPT_HASH)
            continue;
        bool first = true, shared = false;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(acc[k].hash, acc[i].hash) != 0;
        char names[160], excerpt[80], evidence[EVIDENCE_MAX];
        int used = snprintf(names, sizeof names, "%s", acc[i].name);
        for (size_t k = i + 1; k < n && first; k++)
            if (strcmp(acc[k].hash, acc[i].hash) == 0) {
                shared = true;
                if (used >= 0 && (size_t)used < sizeof names)
                    used += snprintf(names + used, sizeof names - (size_t)used, ", %s",
                                     acc[k].name);
            }
        if (!first || !shared)
            continue;
        hash_excerpt(acc[i].hash, excerpt, sizeof excerpt);
        snprintf(evidence, sizeof evidence, "%s share %s", names, excerpt);
        iotssf_status st = report(p, "FW-ACCOUNT-SHARED-HASH", acc[i].hash_path,
                                  acc[i].hash_line, evidence,
                                  "several accounts have the very same password hash", err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

/* ---- pairing passwd with shadow ------------------------------------------ */

static account account_of(const passwd_entry *pw, const shadow_file *sh, const kept_file *pf,
                          const kept_file *sf)
{
    account a = {.name = pw->name, .hash = pw->password, .shell = pw->shell, .uid = pw->uid,
                 .pw = pw, .hash_path = pf->path, .hash_line = pw->line};
    /* "x" sends every libc to shadow; BusyBox also follows "*" there. */
    const shadow_entry *se = NULL;
    if (strcmp(pw->password, "x") == 0 || strcmp(pw->password, "*") == 0)
        se = shadow_find(sh, pw->name);
    if (se) {
        a.hash = se->hash;
        a.hash_path = sf->path;
        a.hash_line = se->line;
    }
    a.info = crypt_classify(a.hash);
    return a;
}

/* Was this account already assessed from the folder's main files? Backups
 * (passwd-, shadow-) usually repeat them. */
static bool same_as(const account *a, const account *seen, size_t seen_count)
{
    for (size_t i = 0; i < seen_count; i++)
        if (strcmp(seen[i].name, a->name) == 0 && strcmp(seen[i].hash, a->hash) == 0 &&
            seen[i].uid == a->uid &&
            (seen[i].shell && a->shell ? strcmp(seen[i].shell, a->shell) == 0
                                       : seen[i].shell == a->shell))
            return true;
    return false;
}

static iotssf_status assess_accounts(pair_ctx *p, account *acc, size_t n, const account *seen,
                                     size_t seen_count, iotssf_error *err)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (same_as(&acc[i], seen, seen_count))
            continue;
        iotssf_status st = assess_account(p, &acc[i], err);
        if (st)
            return st;
        acc[kept++] = acc[i];
    }
    return report_shared(p, acc, kept, err);
}

typedef struct folder_views {
    arena mem;
    account *main;   /* the accounts of the folder's main files, for the backups */
    size_t main_count;
} folder_views;

static iotssf_status assess_pair(pair_ctx *p, folder_views *views, iotssf_error *err)
{
    arena *mem = &views->mem;
    passwd_file pf = {0};
    shadow_file sf = {0};
    iotssf_status st = IOTSSF_OK;
    if (p->passwd)
        st = passwd_parse(p->passwd->data, p->passwd->size, mem, &pf, err);
    if (!st && p->shadow)
        st = shadow_parse(p->shadow->data, p->shadow->size, mem, &sf, err);
    size_t n = p->passwd ? pf.count : sf.count;
    account *acc = st ? NULL : arena_alloc(mem, (n + 1) * sizeof *acc);
    if (!st && !acc)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (p->passwd)
            acc[i] = account_of(&pf.entries[i], p->shadow ? &sf : NULL, p->passwd, p->shadow);
        else {
            const shadow_entry *se = &sf.entries[i];
            acc[i] = (account){.name = se->name, .hash = se->hash, .uid = -1,
                               .hash_path = p->shadow->path, .hash_line = se->line,
                               .info = crypt_classify(se->hash)};
        }
    }
    bool backup = (p->passwd ? p->passwd : p->shadow)->backup;
    account *copy = backup ? NULL : arena_alloc(mem, (n + 1) * sizeof *copy);
    if (copy) {
        memcpy(copy, acc, n * sizeof *acc);
        views->main = copy;
        views->main_count = n;
    }
    return assess_accounts(p, acc, n, backup ? views->main : NULL, backup ? views->main_count : 0,
                           err);
}

static bool same_folder(const kept_file *a, const kept_file *b)
{
    return strcmp(a->origin, b->origin) == 0 && a->dir_len == b->dir_len &&
           strncmp(a->path, b->path, a->dir_len) == 0;
}

static kept_file *partner_shadow(accounts_state *s, const kept_file *pw)
{
    for (size_t i = 0; i < s->file_count; i++) {
        kept_file *f = &s->files[i];
        if (f->kind == KEPT_SHADOW && f->backup == pw->backup && same_folder(f, pw))
            return f;
    }
    return NULL;
}

static int compare_kept(const void *a, const void *b)
{
    const kept_file *x = a, *y = b;
    int c = strcmp(x->origin, y->origin);
    return c ? c : strcmp(x->path, y->path);
}

static iotssf_status assess_file(pair_ctx *p, kept_file *f, folder_views *views,
                                 iotssf_error *err)
{
    if (f->kind == KEPT_PASSWD) {
        p->passwd = f;
        p->shadow = partner_shadow(p->s, f);
    } else if (!f->paired) {
        p->passwd = NULL;
        p->shadow = f;
    } else
        return IOTSSF_OK;
    if (p->shadow)
        p->shadow->paired = true;
    p->ctx->origin = f->origin;
    return assess_pair(p, views, err);
}

static iotssf_status accounts_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    accounts_state *s = state;
    /* Sorted, each folder's passwd comes before its passwd- and shadow-. */
    qsort(s->files, s->file_count, sizeof *s->files, compare_kept);
    const char *origin = ctx->origin;
    pair_ctx p = {.ctx = ctx, .s = s};
    folder_views views = {0};
    arena_init(&views.mem);
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < s->file_count && !st; i++) {
        if (i > 0 && !same_folder(&s->files[i - 1], &s->files[i])) {
            arena_reset(&views.mem);
            views.main = NULL;
            views.main_count = 0;
        }
        st = assess_file(&p, &s->files[i], &views, err);
    }
    arena_free(&views.mem);
    ctx->origin = origin;
    free_files(s);
    return st;
}

const fw_analysis fw_analysis_accounts = {
    .name = "accounts",
    .create = accounts_create,
    .entry = accounts_entry,
    .finish = accounts_finish,
    .destroy = accounts_destroy,
};
