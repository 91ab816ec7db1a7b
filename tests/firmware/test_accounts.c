/*
 * The accounts analysis (lib/firmware/accounts.c) and its parsers
 * (lib/firmware/passwd.c), over passwd and shadow files the test writes with
 * real hashes: made here with crypt(3) from fixed salts, so evidence is
 * exact, and made by the system's own tools (openssl passwd, mkpasswd) where
 * they are installed. Every case of the brief is one account of one fixture
 * tree, and the test asserts the exact set of findings (rule, path, line,
 * evidence); the real rules are loaded against the real catalog.
 */
#define _DEFAULT_SOURCE
#include <crypt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "firmware/passwd.h"
#include "fw_analysis_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_analysis fw_analysis_accounts;

/* ---- fixtures ------------------------------------------------------------ */

/* A deterministic hash: crypt_gensalt with fixed "random" bytes. */
static const char *hash_of(const char *prefix, const char *password, char *setting_out)
{
    static char out[CRYPT_OUTPUT_SIZE];
    static const char bytes[16] = "fixed-salt-bytes";
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd = calloc(1, sizeof *cd);
    assert_non_null(cd);
    assert_non_null(crypt_gensalt_rn(prefix, 0, bytes, sizeof bytes, setting, sizeof setting));
    const char *h = crypt_rn(password, setting, cd, sizeof *cd);
    assert_non_null(h);
    snprintf(out, sizeof out, "%s", h);
    free(cd);
    if (setting_out) {
        /* What the analysis shows of a hash: all but the part after the last '$'. */
        const char *last = strrchr(out, '$');
        if (last)
            snprintf(setting_out, 128, "%.*s$…", (int)(last - out), out);
        else
            snprintf(setting_out, 128, "%.2s…", out);
    }
    return out;
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    run_or_fail("mkdir -p '%s'", path);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Appends a printf-formatted line to a growing text. */
static void add_line(char *text, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_line(char *text, size_t size, const char *fmt, ...)
{
    size_t used = strlen(text);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text + used, size - used, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < size - used);
}

/* A strong password nobody lists: 18 random bytes, base64. */
static void random_password(char *out, size_t size)
{
    unsigned char raw[18];
    FILE *f = fopen("/dev/urandom", "rb");
    assert_non_null(f);
    assert_int_equal(fread(raw, 1, sizeof raw, f), sizeof raw);
    fclose(f);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < sizeof raw && k + 1 < size; i++)
        out[k++] = b64[raw[i] % 64];
    out[k] = '\0';
}

/* ---- the parsers ---------------------------------------------------------- */

static void test_passwd_parser_fields_and_malformed_lines(void **state)
{
    (void)state;
    static const char text[] = "# comment\n"
                               "root:x:0:0:root:/root:/bin/sh\r\n"
                               "\n"
                               "+::::::\n"
                               "short:x:1:1\n"
                               "bad\x01:x:2:2:::/bin/sh\n"
                               "big:x:99999999999:5:g:/h:\n"
                               "last:*:7:7::/:/bin/false";
    arena mem;
    arena_init(&mem);
    passwd_file f;
    iotssf_error err;
    assert_int_equal(passwd_parse((const uint8_t *)text, sizeof text - 1, &mem, &f, &err), 0);
    assert_int_equal(f.count, 3);
    assert_int_equal(f.malformed, 2);
    assert_string_equal(f.entries[0].name, "root");
    assert_string_equal(f.entries[0].shell, "/bin/sh"); /* CR dropped */
    assert_int_equal(f.entries[0].line, 2);
    assert_int_equal(f.entries[1].uid, -1); /* too large for a uid */
    assert_string_equal(f.entries[1].shell, "");
    assert_int_equal(f.entries[1].line, 7);
    assert_string_equal(f.entries[2].password, "*");
    assert_int_equal(f.entries[2].line, 8);

    shadow_file s;
    static const char shadow[] = "root:$1$ab$cd:19000:0:99999:7:::\nnoage:!\n:x:\nx\n";
    assert_int_equal(shadow_parse((const uint8_t *)shadow, sizeof shadow - 1, &mem, &s, &err),
                     0);
    assert_int_equal(s.count, 2);
    assert_int_equal(s.malformed, 2);
    assert_string_equal(s.entries[1].hash, "!");
    arena_free(&mem);
}

static void test_crypt_classify(void **state)
{
    (void)state;
    assert_int_equal(crypt_classify("").kind, CRYPT_EMPTY);
    static const char *const locked[] = {"x", "*", "!", "!!", "*LK*", "NP", "!$6$ab$cd",
                                         "$6$short", "$9$abc$def", "abc", NULL};
    for (size_t i = 0; locked[i]; i++)
        assert_int_equal(crypt_classify(locked[i]).kind, CRYPT_LOCKED);
    crypt_info des = crypt_classify("abJnggxhB/yWI");
    assert_int_equal(des.scheme, SCHEME_DES);
    assert_true(des.legacy);
    crypt_info md5 = crypt_classify(hash_of("$1$", "admin", NULL));
    assert_int_equal(md5.scheme, SCHEME_MD5);
    assert_true(md5.legacy);
    crypt_info sha = crypt_classify(hash_of("$6$", "admin", NULL));
    assert_int_equal(sha.scheme, SCHEME_SHA512);
    assert_false(sha.legacy);
    assert_true(sha.cost_us > 1000 && sha.cost_us < 5000);
    crypt_info yes = crypt_classify(hash_of("$y$", "admin", NULL));
    assert_int_equal(yes.scheme, SCHEME_YESCRYPT);
    assert_true(yes.cost_us > 10000 && yes.cost_us < 50000);
    /* Hostile parameters are recognised but never tried. */
    assert_int_equal(crypt_classify("$6$rounds=999999999$salt$"
                                    "0123456789012345678901234567890123456789012345678901234567"
                                    "8901234567890123456789012345")
                         .cost_us,
                     0);
    assert_int_equal(crypt_classify("$y$jzT$saltsaltsalt$0123456789012345678901234567890123456789012")
                         .cost_us,
                     0);
}

static void test_credential_lists(void **state)
{
    (void)state;
    cred_list l;
    cred_list_init(&l);
    iotssf_error err;
    assert_int_equal(cred_list_load(&l, source_path("data"), &err), 0);
    /* Mirai's table: 61 distinct pairs plus the commented Administrator:admin. */
    size_t mirai = 0;
    bool xc3511 = false;
    for (size_t i = 0; i < l.count; i++) {
        mirai += strcmp(l.pairs[i].list, "mirai.txt") == 0;
        xc3511 |= strcmp(l.pairs[i].user, "root") == 0 &&
                  strcmp(l.pairs[i].password, "xc3511") == 0 && l.pairs[i].line > 0;
    }
    assert_int_equal(mirai, 62);
    assert_true(xc3511);
    assert_true(cred_list_has_password(&l, "")); /* root:(none) */
    assert_true(cred_list_has_password(&l, "vizxv"));
    assert_false(cred_list_has_password(&l, "Vizxv"));

    /* The format: user to the first ':', the rest literal. */
    static const char text[] = "# c\ncirros:cubswin:)\r\nroot:\nu:a b#c\n";
    assert_int_equal(cred_list_parse(&l, "t.txt", text, sizeof text - 1, &err), 0);
    assert_string_equal(l.pairs[l.count - 3].password, "cubswin:)");
    assert_string_equal(l.pairs[l.count - 2].password, "");
    assert_string_equal(l.pairs[l.count - 1].password, "a b#c");
    assert_int_not_equal(cred_list_parse(&l, "bad.txt", "ok:1\nnocolon\n", 12, &err), 0);
    assert_string_equal(err.file, "bad.txt");
    assert_int_equal(err.line, 2);
    cred_list_free(&l);
}

/* ---- the analysis: every case in one tree ---------------------------------- */

typedef struct device_tree {
    char root[4096];
    char md5_excerpt[128], legacy_excerpt[128], strong_excerpt[128], md5_old_excerpt[128];
} device_tree;

static void build_device_tree(device_tree *t)
{
    snprintf(t->root, sizeof t->root, "%s", scratch_dir("accounts-device"));
    char strong[32], passwd[4096] = "", shadow[8192] = "", hash[CRYPT_OUTPUT_SIZE];
    random_password(strong, sizeof strong);
    static const char *const users[] = {
        "root:x:0:0:root:/root:/bin/sh",               /* 1: SHA-512 of vizxv */
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin", /* 2: "*" */
        "guest::1000:1000:guest:/home/guest:/bin/sh",  /* 3: inline empty */
        "ftp::1001:1001:ftp:/srv/ftp:/bin/false",      /* 4: inline empty, no shell */
        "sync:x:4:65534:sync:/bin:/bin/sync",          /* 5: shadow empty, sync */
        "legacy:x:1002:1002::/home/legacy:/bin/sh",    /* 6: DES, unknown password */
        "md5user:x:1003:1003::/home/md5user:/bin/sh",  /* 7: MD5 of admin */
        "toor:x:0:0::/root:/bin/sh",                   /* 8: yescrypt of xc3511, uid 0 */
        "operator:x:0:0::/root:/sbin/nologin",         /* 9: "!" uid 0 */
        "strong:x:1004:1004::/home/strong:/bin/sh",    /* 10: SHA-512, random */
        "support:x:1005:1005::/home/support:/bin/sh",  /* 11: strong's very hash */
        "nosh:x:1006:1006::/home/nosh:/bin/sh",        /* 12: no shadow entry */
        "bang:x:1007:1007::/:/bin/sh",                 /* 13: "!!" */
        "lockedhash:x:1008:1008::/:/bin/sh",           /* 14: "!" before a hash of admin */
        "emptyshell:x:1009:1009::/home/e:",            /* 15: shadow empty, shell "" */
        "blank:x:1010:1010::/:/bin/sh",                /* 16: SHA-512 of "" */
    };
    for (size_t i = 0; i < sizeof users / sizeof *users; i++)
        add_line(passwd, sizeof passwd, "%s\n", users[i]);
    add_line(shadow, sizeof shadow, "root:%s:19000:0:99999:7:::\n", hash_of("$6$", "vizxv", NULL));
    add_line(shadow, sizeof shadow, "daemon:*:19000:0:99999:7:::\n");
    add_line(shadow, sizeof shadow, "sync::19000:0:99999:7:::\n");
    add_line(shadow, sizeof shadow, "legacy:%s:19000::::::\n",
             hash_of("", "Qw8!zTr5", t->legacy_excerpt));
    add_line(shadow, sizeof shadow, "md5user:%s:19000::::::\n",
             hash_of("$1$", "admin", t->md5_excerpt));
    add_line(shadow, sizeof shadow, "toor:%s:19000::::::\n", hash_of("$y$", "xc3511", NULL));
    add_line(shadow, sizeof shadow, "operator:!:19000::::::\n");
    snprintf(hash, sizeof hash, "%s", hash_of("$6$", strong, t->strong_excerpt));
    add_line(shadow, sizeof shadow, "strong:%s:19000::::::\n", hash);
    add_line(shadow, sizeof shadow, "support:%s:19000::::::\n", hash);
    add_line(shadow, sizeof shadow, "bang:!!:19000::::::\n");
    add_line(shadow, sizeof shadow, "lockedhash:!%s:19000::::::\n", hash_of("$6$", "admin", NULL));
    add_line(shadow, sizeof shadow, "emptyshell::19000::::::\n");
    add_line(shadow, sizeof shadow, "blank:%s:19000::::::\n", hash_of("$6$", "", NULL));
    write_file(t->root, "etc/passwd", passwd);
    write_file(t->root, "etc/shadow", shadow);
    /* The backups: passwd- the same, shadow- with root's previous password. */
    write_file(t->root, "etc/passwd-", passwd);
    char old_shadow[8192] = "";
    add_line(old_shadow, sizeof old_shadow, "root:%s:18000:0:99999:7:::\n",
             hash_of("$1$", "admin", t->md5_old_excerpt));
    add_line(old_shadow, sizeof old_shadow, "%s", strchr(shadow, '\n') + 1);
    write_file(t->root, "etc/shadow-", old_shadow);
    /* Files that are not account files: a binary named passwd, a README. */
    write_file(t->root, "usr/bin/passwd", "root::0:0::/:/bin/sh\n");
    write_file(t->root, "etc/passwd.README", "guest::1:1::/:/bin/sh\n");
}

static void test_every_account_case(void **state)
{
    (void)state;
    device_tree t;
    build_device_tree(&t);
    analysis_run r;
    analysis_run_tree(&fw_analysis_accounts, t.root, &r);
    char legacy[160], md5[160], md5_default[160], strong[160], shared[200], old_md5[160];
    snprintf(legacy, sizeof legacy, "legacy:%s", t.legacy_excerpt);
    snprintf(md5, sizeof md5, "md5user:%s", t.md5_excerpt);
    snprintf(md5_default, sizeof md5_default, "md5user:admin");
    snprintf(strong, sizeof strong, "strong:%s", t.strong_excerpt);
    snprintf(shared, sizeof shared, "strong, support share %s", t.strong_excerpt);
    snprintf(old_md5, sizeof old_md5, "root:%s", t.md5_old_excerpt);
    char support[160];
    snprintf(support, sizeof support, "support:%s", t.strong_excerpt);
    const fw_expected exp[] = {
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 1, "root:vizxv"},
        {"FW-ACCOUNT-EMPTY-PASSWORD", "etc/passwd", 3, "guest: empty password field, shell /bin/sh"},
        {"FW-ACCOUNT-EMPTY-PASSWORD-NOLOGIN", "etc/passwd", 4,
         "ftp: empty password field, shell /bin/false"},
        {"FW-ACCOUNT-EMPTY-PASSWORD-NOLOGIN", "etc/shadow", 3,
         "sync: empty password field, shell /bin/sync"},
        {"FW-ACCOUNT-LEGACY-HASH", "etc/shadow", 4, legacy},
        {"FW-ACCOUNT-BUILTIN-PASSWORD", "etc/shadow", 4, legacy},
        {"FW-ACCOUNT-LEGACY-HASH", "etc/shadow", 5, md5},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 5, md5_default},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 6, "toor:xc3511"},
        {"FW-ACCOUNT-UID0-ALIAS", "etc/passwd", 8, "toor:x:0:0::/root:/bin/sh"},
        {"FW-ACCOUNT-BUILTIN-PASSWORD", "etc/shadow", 8, strong},
        {"FW-ACCOUNT-BUILTIN-PASSWORD", "etc/shadow", 9, support},
        {"FW-ACCOUNT-SHARED-HASH", "etc/shadow", 8, shared},
        {"FW-ACCOUNT-EMPTY-PASSWORD", "etc/shadow", 12,
         "emptyshell: empty password field, shell /bin/sh (empty field)"},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 13, "blank:"},
        /* shadow-: only root differs from shadow, so only root is reported again */
        {"FW-ACCOUNT-LEGACY-HASH", "etc/shadow-", 1, old_md5},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow-", 1, "root:admin"},
    };
    assert_exactly(&r, exp, sizeof exp / sizeof *exp);
    const iotssf_finding *f = finding_at(&r, "FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 1);
    assert_string_equal(f->origin, "test-fs");
    assert_non_null(strstr(f->message, "from the default-credential list mirai.txt line "));
    assert_non_null(strstr(f->message, " (root:vizxv)"));
    assert_non_null(strstr(f->message, "SHA-512-crypt"));
    f = finding_at(&r, "FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 13);
    assert_non_null(strstr(f->message, "(empty, hashed)"));
    assert_int_equal(f->severity, IOTSSF_SEV_CRITICAL);
    analysis_run_free(&r);
}

/* BusyBox images often keep the hashes in passwd itself, and Ralink-style
 * ones keep the files in etc_ro/; OpenWrt ships root with no password. */
static void test_inline_hashes_openwrt_and_shadow_only(void **state)
{
    (void)state;
    const char *root = scratch_dir("accounts-inline");
    char passwd[2048] = "", md5_excerpt[128], des_excerpt[128];
    add_line(passwd, sizeof passwd, "root:%s:0:0:root:/root:/bin/sh\n",
             hash_of("$1$", "root", md5_excerpt));
    add_line(passwd, sizeof passwd, "admin:%s:0:0:admin:/:/bin/sh\n",
             hash_of("", "1234", des_excerpt));
    write_file(root, "etc_ro/passwd", passwd);
    write_file(root, "rom/etc/passwd", "root:x:0:0:root:/root:/bin/ash\n"
                                       "daemon:*:1:1:daemon:/var:/bin/false\n");
    write_file(root, "rom/etc/shadow", "root:::0:99999:7:::\ndaemon:*:0:0:99999:7:::\n");
    char shadow[1024] = "";
    add_line(shadow, sizeof shadow, "support:%s:0:0:99999:7:::\n",
             hash_of("$1$", "support", NULL));
    write_file(root, "etc/shadow", shadow);

    analysis_run r;
    analysis_run_tree(&fw_analysis_accounts, root, &r);
    char md5[160], des[160], des_uid0[200], support[160];
    snprintf(md5, sizeof md5, "root:%s", md5_excerpt);
    snprintf(des, sizeof des, "admin:%s", des_excerpt);
    snprintf(des_uid0, sizeof des_uid0, "admin:%s:0:0:admin:/:/bin/sh", des_excerpt);
    char setting[128];
    hash_of("$1$", "support", setting);
    snprintf(support, sizeof support, "support:%s", setting);
    const fw_expected exp[] = {
        {"FW-ACCOUNT-LEGACY-HASH", "etc_ro/passwd", 1, md5},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc_ro/passwd", 1, "root:root"},
        {"FW-ACCOUNT-LEGACY-HASH", "etc_ro/passwd", 2, des},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc_ro/passwd", 2, "admin:1234"},
        {"FW-ACCOUNT-UID0-ALIAS", "etc_ro/passwd", 2, des_uid0},
        {"FW-ACCOUNT-EMPTY-PASSWORD", "rom/etc/shadow", 1,
         "root: empty password field, shell /bin/ash"},
        /* shadow without passwd: the shell is unknown, so it may log in */
        {"FW-ACCOUNT-LEGACY-HASH", "etc/shadow", 1, support},
        {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 1, "support:support"},
    };
    assert_exactly(&r, exp, sizeof exp / sizeof *exp);
    analysis_run_free(&r);
}

/* The clean case: root locked, one account with a strong random password. */
static void test_clean_device_has_nothing_high(void **state)
{
    (void)state;
    const char *root = scratch_dir("accounts-clean");
    char strong[32], shadow[1024] = "", excerpt[128];
    random_password(strong, sizeof strong);
    write_file(root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                   "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                                   "owner:x:1000:1000:Owner:/home/owner:/bin/sh\n");
    add_line(shadow, sizeof shadow, "root:*:19000:0:99999:7:::\n");
    add_line(shadow, sizeof shadow, "daemon:*:19000:0:99999:7:::\n");
    add_line(shadow, sizeof shadow, "owner:%s:19000:0:99999:7:::\n",
             hash_of("$6$", strong, excerpt));
    write_file(root, "etc/shadow", shadow);
    analysis_run r;
    analysis_run_tree(&fw_analysis_accounts, root, &r);
    char evidence[160];
    snprintf(evidence, sizeof evidence, "owner:%s", excerpt);
    /* The hash is still the same on every unit: a medium finding, no more. */
    const fw_expected exp[] = {{"FW-ACCOUNT-BUILTIN-PASSWORD", "etc/shadow", 3, evidence}};
    assert_exactly(&r, exp, 1);
    assert_int_equal(findings_at_least(&r, IOTSSF_SEV_HIGH), 0);
    analysis_run_free(&r);
}

/* Debian's own passwd (base-passwd's passwd.master) as a BusyBox-style
 * image's etc/passwd, with no shadow: every account is "*", i.e. locked. */
static void test_debian_passwd_master_is_clean(void **state)
{
    (void)state;
    FILE *p = popen("'" IOTSSF_SOURCE_DIR "/tests/tools/debian-binary.sh' base-passwd 2>/dev/null",
                    "r");
    char dir[4096] = "";
    if (!p || !fgets(dir, sizeof dir, p) || pclose(p) != 0) {
        print_message("base-passwd not available\n");
        skip();
    }
    dir[strcspn(dir, "\n")] = '\0';
    char path[4200];
    snprintf(path, sizeof path, "%s/usr/share/base-passwd/passwd.master", dir);
    size_t size;
    char *text = read_file(path, &size);
    assert_non_null(text);
    assert_non_null(strstr(text, "root:*:0:0:root:/root:/bin/bash\n"));
    const char *root = scratch_dir("accounts-debian");
    write_file(root, "etc/passwd", text);
    free(text);
    analysis_run r;
    analysis_run_tree(&fw_analysis_accounts, root, &r);
    assert_int_equal(r.findings.count, 0);
    analysis_run_free(&r);
}

/* Hashes made by the tools people use: openssl passwd, mkpasswd (whois). */
static const char *tool_output(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    bool got = fgets(out, (int)size, p) != NULL;
    if (pclose(p) != 0 || !got)
        return NULL;
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static void test_hashes_made_by_system_tools(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *user, *password;
    } tools[] = {
        {"openssl passwd -1 admin 2>/dev/null", "admin", "admin"},
        {"openssl passwd -6 xmhdipc 2>/dev/null", "root", "xmhdipc"},
        {"mkpasswd -m sha-512 vizxv 2>/dev/null", "root", "vizxv"},
        {"mkpasswd -m yescrypt xc3511 2>/dev/null", "root", "xc3511"},
        {"mkpasswd -m descrypt 888888 2>/dev/null", "root", "888888"},
        {"mkpasswd -m bcrypt -R 5 ubnt 2>/dev/null", "ubnt", "ubnt"},
    };
    size_t made = 0;
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        char hash[256], passwd[512], shadow[512], want[64];
        if (!tool_output(tools[i].cmd, hash, sizeof hash)) {
            print_message("skipped (tool missing): %s\n", tools[i].cmd);
            continue;
        }
        made++;
        const char *root = scratch_dir("accounts-tools");
        snprintf(passwd, sizeof passwd, "%s:x:0:0::/root:/bin/sh\n", tools[i].user);
        snprintf(shadow, sizeof shadow, "%s:%s:19000:0:99999:7:::\n", tools[i].user, hash);
        write_file(root, "etc/passwd", passwd);
        write_file(root, "etc/shadow", shadow);
        analysis_run r;
        analysis_run_tree(&fw_analysis_accounts, root, &r);
        snprintf(want, sizeof want, "%s:%s", tools[i].user, tools[i].password);
        const iotssf_finding *f = finding_at(&r, "FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 1);
        if (!f)
            print_findings(&r);
        assert_non_null(f);
        assert_string_equal(f->evidence, want);
        analysis_run_free(&r);
    }
    if (made == 0)
        skip();
}

/* Two filesystems of one image (A/B partitions): the same folder in each is
 * assessed on its own and each finding names its filesystem; files are paired
 * only within one filesystem. "*" in passwd sends BusyBox to shadow too. */
static void test_two_filesystems(void **state)
{
    (void)state;
    char shadow[512] = "";
    add_line(shadow, sizeof shadow, "svc:%s:::\n", hash_of("$1$", "service", NULL));
    static const char passwd[] = "svc:*:100:100::/:/bin/sh\n";
    iotssf_fw_entry a_passwd = {.path = "etc/passwd", .kind = IOTSSF_FW_FILE,
                                .size = sizeof passwd - 1, .data = (const uint8_t *)passwd};
    iotssf_fw_entry b_shadow = {.path = "etc/shadow", .kind = IOTSSF_FW_FILE,
                                .size = strlen(shadow), .data = (const uint8_t *)shadow};

    analysis_run r;
    analysis_run_entries(&fw_analysis_accounts, NULL, 0, &r); /* rules and catalog */
    fw_analysis_accounts.destroy(r.state);
    iotssf_error err;
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&r.findings, r.rules, NULL, source_path("data")};
    r.state = fw_analysis_accounts.create(&ctx, &err);
    assert_non_null(r.state);
    ctx.origin = "squashfs@0x100000";
    assert_int_equal(fw_analysis_accounts.entry(r.state, &ctx, &a_passwd, &err), 0);
    assert_int_equal(fw_analysis_accounts.entry(r.state, &ctx, &b_shadow, &err), 0);
    ctx.origin = "squashfs@0x900000"; /* the second bank: shadow only */
    assert_int_equal(fw_analysis_accounts.entry(r.state, &ctx, &b_shadow, &err), 0);
    ctx.origin = NULL;
    assert_int_equal(fw_analysis_accounts.finish(r.state, &ctx, &err), 0);
    assert_null(ctx.origin); /* given back as it was */
    assert_int_equal(findings_of(&r, "FW-ACCOUNT-DEFAULT-PASSWORD"), 2);
    assert_int_equal(findings_of(&r, "FW-ACCOUNT-LEGACY-HASH"), 2);
    assert_int_equal(r.findings.count, 4);
    bool first = false, second = false;
    for (size_t i = 0; i < r.findings.count; i++) {
        const iotssf_finding *f = &r.findings.items[i];
        assert_string_equal(f->path, "etc/shadow");
        if (strcmp(f->rule->id, "FW-ACCOUNT-DEFAULT-PASSWORD") == 0) {
            assert_string_equal(f->evidence, "svc:service");
            first |= strcmp(f->origin, "squashfs@0x100000") == 0 &&
                     strstr(f->message, "shell /bin/sh") != NULL;
            second |= strcmp(f->origin, "squashfs@0x900000") == 0 &&
                      strstr(f->message, "shell no passwd entry") != NULL;
        }
    }
    assert_true(first && second);
    analysis_run_free(&r);

    /* A data folder without credential lists is an error, not silence. */
    iotssf_error_clear(&err);
    fw_analysis_ctx bare = {NULL, NULL, NULL, "/nonexistent"};
    assert_null(fw_analysis_accounts.create(&bare, &err));
    assert_int_equal(err.status, IOTSSF_E_IO);
    assert_string_equal(err.file, "/nonexistent/creds");
}

/* ---- hostile input --------------------------------------------------------- */

/* Costly parameters are not hashed; the account is reported unchecked. A
 * file of garbage, NUL bytes and huge lines yields nothing and no crash. */
static void test_hostile_files(void **state)
{
    (void)state;
    const char *root = scratch_dir("accounts-hostile");
    write_file(root, "etc/passwd", "slow:x:1:1::/:/bin/sh\nhuge:x:2:2::/:/bin/sh\n"
                                   "bf:x:3:3::/:/bin/sh\n");
    write_file(root, "etc/shadow",
               "slow:$6$rounds=999999999$saltsaltsaltsalt$"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
               "AAAAAAA:::\n"
               "huge:$y$jzz$saltsaltsaltsaltsaltsa$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:::\n"
               "bf:$2b$31$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:::\n");
    analysis_run r;
    analysis_run_tree(&fw_analysis_accounts, root, &r);
    assert_int_equal(findings_of(&r, "FW-ACCOUNT-HASH-UNCHECKED"), 3);
    assert_int_equal(findings_of(&r, "FW-ACCOUNT-BUILTIN-PASSWORD"), 3);
    assert_int_equal(r.findings.count, 6);
    const iotssf_finding *f = finding_at(&r, "FW-ACCOUNT-HASH-UNCHECKED", "etc/shadow", 2);
    assert_non_null(f);
    assert_string_equal(f->evidence, "huge:$y$jzz$saltsaltsaltsaltsaltsa$…");
    analysis_run_free(&r);

    /* Binary noise under account file names. */
    uint8_t noise[70000];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (uint8_t)(i * 131 + (i >> 7));
    memcpy(noise + 100, "\nroot::0:0::/:/bin/sh\n", 22);
    noise[500] = ':';
    iotssf_fw_entry entries[] = {
        {.path = "etc/passwd", .kind = IOTSSF_FW_FILE, .size = sizeof noise, .data = noise},
        {.path = "etc/shadow", .kind = IOTSSF_FW_FILE, .size = 1, .data = (const uint8_t *)":"},
        {.path = "etc/shadow-", .kind = IOTSSF_FW_SYMLINK, .link_target = "/var/shadow"},
    };
    analysis_run_entries(&fw_analysis_accounts, entries, 3, &r);
    /* The one well-formed line inside the noise is still an account. */
    assert_int_equal(r.findings.count, 1);
    assert_non_null(finding_at(&r, "FW-ACCOUNT-EMPTY-PASSWORD", "etc/passwd", 0));
    analysis_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwd_parser_fields_and_malformed_lines),
        cmocka_unit_test(test_crypt_classify),
        cmocka_unit_test(test_credential_lists),
        cmocka_unit_test(test_every_account_case),
        cmocka_unit_test(test_inline_hashes_openwrt_and_shadow_only),
        cmocka_unit_test(test_clean_device_has_nothing_high),
        cmocka_unit_test(test_debian_passwd_master_is_clean),
        cmocka_unit_test(test_hashes_made_by_system_tools),
        cmocka_unit_test(test_two_filesystems),
        cmocka_unit_test(test_hostile_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
