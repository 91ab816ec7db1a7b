/*
 * libFuzzer target for the passwd and shadow parsers and the crypt(3) string
 * classifier (lib/firmware/passwd.c), and through them the accounts analysis
 * (lib/firmware/accounts.c). The first byte says where the input splits: the
 * bytes before the split are etc/passwd, the rest etc/shadow. Both are
 * parsed and checked against what the parser promises; when every hash in
 * them is cheap to test (so that one input stays fast) the pair also goes
 * through the whole analysis, default-password cracking included, with the
 * real credential lists and rules. The credential-list parser gets the
 * input as well.
 *
 * Seeds (fuzz/corpus/passwd/): a split byte followed by real passwd and
 * shadow text (Debian's base-passwd, OpenWrt's, BusyBox inline hashes, the
 * shadow forms of every scheme, locked and empty fields).
 */
#include <stddef.h>
#include <stdint.h>

#include "firmware/analysis.h"
#include "firmware/passwd.h"
#include "fuzz_common.h"

extern const fw_analysis fw_analysis_accounts;

/* Estimated hashing time above which an input is only parsed. */
static const uint64_t FUZZ_MAX_HASHING_US = 50000;

typedef struct fuzz_rules {
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
} fuzz_rules;

static const fuzz_rules *rules(void)
{
    static fuzz_rules loaded;
    if (!loaded.rules) {
        iotssf_error err;
        iotssf_error_clear(&err);
        if (iotssf_catalog_load(fuzz_data_dir(), &loaded.catalog, &err) ||
            iotssf_rules_load(fuzz_data_dir(), loaded.catalog, &loaded.rules, &err))
            fuzz_fail("cannot load the catalog and rules (set IOTSSF_DATA)", &err);
    }
    return &loaded;
}

static bool clean_field(const char *s, bool allow_colon)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 ? *s != '\t' : *s == 0x7f || (!allow_colon && *s == ':'))
            return false;
    return true;
}

/* What crypt_classify promises, and the hashing one field would cost. */
static uint64_t check_field(const char *field)
{
    crypt_info info = crypt_classify(field);
    if ((info.kind == CRYPT_EMPTY) != (field[0] == '\0'))
        fuzz_fail("only the empty field is CRYPT_EMPTY", NULL);
    if (info.kind != CRYPT_HASH && (info.scheme != SCHEME_NONE || info.cost_us != 0))
        fuzz_fail("a field that is no hash has a scheme or a cost", NULL);
    if (info.kind == CRYPT_HASH && info.scheme == SCHEME_NONE)
        fuzz_fail("a hash without a scheme", NULL);
    if (info.kind == CRYPT_HASH && (field[0] == '!' || field[0] == '*'))
        fuzz_fail("a locked field classified as a hash", NULL);
    if (info.cost_us > 2000000)
        fuzz_fail("a hash estimated beyond the per-call cap", NULL);
    (void)crypt_scheme_name(info.scheme);
    return info.kind == CRYPT_HASH ? (info.cost_us ? info.cost_us : 0) : 0;
}

static uint64_t check_passwd(const uint8_t *data, size_t size, arena *mem)
{
    passwd_file f;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (passwd_parse(data, size, mem, &f, &err))
        fuzz_fail("passwd_parse failed", &err);
    if (f.count > PASSWD_MAX_ENTRIES)
        fuzz_fail("more passwd entries than the cap", NULL);
    uint64_t cost = 0;
    for (size_t i = 0; i < f.count; i++) {
        const passwd_entry *e = &f.entries[i];
        if (!e->name[0] || !clean_field(e->name, false) || !clean_field(e->password, false) ||
            !clean_field(e->shell, false))
            fuzz_fail("a passwd field with ':' or a control byte", NULL);
        if (e->uid < -1 || e->uid > UINT32_MAX || (i > 0 && e->line <= f.entries[i - 1].line))
            fuzz_fail("a passwd uid or line out of range", NULL);
        cost += check_field(e->password);
    }
    return cost;
}

static uint64_t check_shadow(const uint8_t *data, size_t size, arena *mem)
{
    shadow_file f;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (shadow_parse(data, size, mem, &f, &err))
        fuzz_fail("shadow_parse failed", &err);
    uint64_t cost = 0;
    for (size_t i = 0; i < f.count; i++) {
        if (!f.entries[i].name[0] || !clean_field(f.entries[i].hash, false))
            fuzz_fail("a shadow field with ':' or a control byte", NULL);
        cost += check_field(f.entries[i].hash);
    }
    return cost;
}

static void check_cred_list(const uint8_t *data, size_t size)
{
    cred_list l;
    cred_list_init(&l);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = cred_list_parse(&l, "fuzz.txt", (const char *)data, size, &err);
    if (st)
        fuzz_check_error(st, &err);
    for (size_t i = 0; !st && i < l.count; i++)
        if (!l.pairs[i].user[0] || strchr(l.pairs[i].user, ':') ||
            !clean_field(l.pairs[i].password, true))
            fuzz_fail("a credential pair that the format forbids", NULL);
    cred_list_free(&l);
}

static void run_analysis(const uint8_t *pw, size_t pw_size, const uint8_t *sh, size_t sh_size)
{
    iotssf_findings findings;
    iotssf_error err;
    iotssf_findings_init(&findings);
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&findings, rules()->rules, "fuzz", fuzz_data_dir()};
    void *state = fw_analysis_accounts.create(&ctx, &err);
    if (!state)
        fuzz_fail("the analysis could not start", &err);
    iotssf_fw_entry entries[] = {
        {.path = "etc/passwd", .kind = IOTSSF_FW_FILE, .size = pw_size,
         .data = pw_size ? pw : NULL},
        {.path = "etc/shadow", .kind = IOTSSF_FW_FILE, .size = sh_size,
         .data = sh_size ? sh : NULL},
    };
    for (size_t i = 0; i < 2; i++)
        if (fw_analysis_accounts.entry(state, &ctx, &entries[i], &err))
            fuzz_fail("the analysis failed on an entry", &err);
    if (fw_analysis_accounts.finish(state, &ctx, &err))
        fuzz_fail("the analysis failed to finish", &err);
    for (size_t i = 0; i < findings.count; i++) {
        const iotssf_finding *f = &findings.items[i];
        if (!f->path || (strcmp(f->path, "etc/passwd") && strcmp(f->path, "etc/shadow")) ||
            f->line == 0 || !f->evidence || strcmp(f->origin, "fuzz") != 0)
            fuzz_fail("a finding without its place or evidence", NULL);
    }
    fw_analysis_accounts.destroy(state);
    iotssf_findings_free(&findings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t split = 1 + (size - 1) * data[0] / 255;
    const uint8_t *pw = data + 1, *sh = data + split;
    size_t pw_size = split - 1, sh_size = size - split;
    arena mem;
    arena_init(&mem);
    uint64_t cost = check_passwd(pw, pw_size, &mem) + check_shadow(sh, sh_size, &mem);
    arena_free(&mem);
    check_cred_list(data + 1, size - 1);
    /* Every listed password may be tried against every hash. */
    if (cost * 200 <= FUZZ_MAX_HASHING_US)
        run_analysis(pw, pw_size, sh, sh_size);
    return 0;
}
