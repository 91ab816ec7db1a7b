/*
 * The secrets analysis: credentials written in clear into the configuration
 * files and scripts of an image, which are then the same on every unit.
 * Private keys and certificates are keys.c's; passwd and shadow are
 * accounts.c's. What is and is not detected, and why, is in
 * docs/firmware-secrets.md; the short of it:
 *   - only text files up to SECRETS_MAX_FILE (no NUL byte, few control bytes);
 *   - distinctive tokens anywhere in them, comments included: AWS access key
 *     pairs, Slack, GitHub and Google API tokens (secrets_tokens.c);
 *   - in configuration files and shell scripts only (not web pages, Lua or
 *     other code, not documentation), assignments of a literal to a key named
 *     like a secret (password, passwd, pwd, secret, token, api_key, psk,
 *     wpa_passphrase, SNMP communities, UCI `option password`), outside
 *     comments, skipping values that are variables, format strings,
 *     templates, paths or placeholders;
 *   - mosquitto password files (hashed or not).
 * A value that is a published default (data/creds, SNMP's public/private)
 * is shown whole: it is public already. Any other value is shown masked.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secrets_internal.h"

/* ---- what kind of file ---------------------------------------------------- */

static bool is_text(const uint8_t *d, size_t n)
{
    if (memchr(d, 0, n))
        return false;
    size_t control = 0;
    for (size_t i = 0; i < n; i++)
        control += (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r') || d[i] == 0x7f;
    return control * 100 <= n; /* at most 1% */
}

static bool has_component(const char *path, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = path; (p = strstr(p, name)) != NULL; p += len)
        if ((p == path || p[-1] == '/') && (p[len] == '/' || p[len] == '\0'))
            return true;
    return false;
}

static bool ext_is(const char *ext, const char *const *list)
{
    for (size_t i = 0; ext && list[i]; i++)
        if (strcmp(ext, list[i]) == 0)
            return true;
    return false;
}

/* "#!/bin/sh", "#!/bin/ash -e", "#!/usr/bin/env bash". */
static bool shebang_is_shell(const uint8_t *data, size_t size)
{
    static const char *const shells[] = {"sh", "ash", "bash", "dash", "ksh", "mksh", "zsh",
                                         "hush", NULL};
    const char *p = (const char *)data + 2, *end = (const char *)data + (size < 128 ? size : 128);
    for (int word = 0; word < 2; word++) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *start = p, *base = p;
        while (p < end && !strchr(" \t\r\n", *p))
            if (*p++ == '/')
                base = p;
        size_t n = (size_t)(p - base);
        if (p == start)
            return false;
        if (n == 3 && strncmp(base, "env", 3) == 0)
            continue;
        for (size_t i = 0; shells[i]; i++)
            if (strlen(shells[i]) == n && strncmp(base, shells[i], n) == 0)
                return true;
        return false;
    }
    return false;
}

static file_style style_of(const char *path, const uint8_t *data, size_t size)
{
    static const char *const code_dirs[] = {"www", "htdocs", "webroot", "web", "html", "doc",
                                            "man", "locale", "i18n", "include", "lua", NULL};
    static const char *const spaced[] = {"conf", "cfg", "cnf", NULL};
    static const char *const config[] = {"ini", "json", "xml", "yaml", "yml", "properties",
                                         "env", "config", "default", NULL};
    for (size_t i = 0; code_dirs[i]; i++)
        if (has_component(path, code_dirs[i]))
            return STYLE_TOKENS_ONLY;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    const char *ext = dot && dot != base ? dot + 1 : NULL;
    bool shebang = size > 2 && data[0] == '#' && data[1] == '!';
    if ((ext && strcmp(ext, "sh") == 0) || (shebang && shebang_is_shell(data, size)) ||
        has_component(path, "init.d") || has_component(path, "rc.d"))
        return STYLE_SHELL;
    if (shebang)
        return STYLE_TOKENS_ONLY; /* lua, perl, python scripts */
    if (ext_is(ext, spaced))
        return STYLE_CONF_SPACED;
    if (ext_is(ext, config))
        return STYLE_CONFIG;
    bool in_etc = strncmp(path, "etc", 3) == 0 || strstr(path, "/etc") != NULL;
    return in_etc && !ext ? STYLE_CONF_SPACED : STYLE_TOKENS_ONLY;
}

/* etc/passwd, etc/shadow and their backups belong to the accounts analysis
 * (a mosquitto "passwd" file does not). */
static bool is_account_file(const char *path)
{
    const char *base = strrchr(path, '/');
    if (!base)
        return false;
    const char *parent = base;
    while (parent > path && parent[-1] != '/')
        parent--;
    base++;
    return strncmp(parent, "etc", 3) == 0 &&
           (strcmp(base, "passwd") == 0 || strcmp(base, "passwd-") == 0 ||
            strcmp(base, "shadow") == 0 || strcmp(base, "shadow-") == 0);
}

/* ---- reporting ----------------------------------------------------------- */

/* Evidence is printable ASCII: other bytes (control, part of a UTF-8
 * sequence) are shown as '?'. */
static char printable(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 0x20 && u < 0x7f ? c : '?';
}

/* A key as evidence: at most KEY_MAX_LEN printable characters. */
static void key_text(const char *key, size_t n, char *out)
{
    size_t k = n < KEY_MAX_LEN ? n : KEY_MAX_LEN;
    for (size_t i = 0; i < k; i++)
        out[i] = printable(key[i]);
    out[k] = '\0';
}

/* "ab********yz": long values keep 2 characters at each end, 6 to 9
 * characters keep 1, shorter ones keep none. */
void secrets_mask(const char *v, size_t n, char *out, size_t size)
{
    size_t keep = n >= 10 ? 2 : n >= 6 ? 1 : 0;
    size_t stars = n - 2 * keep > 16 ? 16 : n - 2 * keep;
    char buf[64];
    size_t k = 0;
    for (size_t i = 0; i < keep; i++)
        buf[k++] = printable(v[i]);
    for (size_t i = 0; i < stars; i++)
        buf[k++] = '*';
    for (size_t i = 0; i < keep; i++)
        buf[k++] = printable(v[n - keep + i]);
    buf[k] = '\0';
    snprintf(out, size, "%s", buf);
}

iotssf_status secrets_report(secrets_scan *sc, const char *rule, unsigned line,
                             const char *evidence, const char *message, iotssf_error *err)
{
    if (sc->reported == SECRETS_MAX_PER_FILE) {
        sc->reported++;
        return fw_report(sc->ctx, "FW-SECRET-MORE", sc->e->path, 0, line, NULL,
                         "more candidate secrets in this file were not listed", err);
    }
    if (sc->reported > SECRETS_MAX_PER_FILE)
        return IOTSSF_OK;
    sc->reported++;
    return fw_report(sc->ctx, rule, sc->e->path, 0, line, evidence, message, err);
}

/* ---- key = value ---------------------------------------------------------- */

typedef enum secret_kind { KIND_NONE, KIND_PASSWORD, KIND_WIFI, KIND_SNMP } secret_kind;

static bool is_key_char(char c)
{
    return secrets_is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* Does the key have `part` as one of its words (split at _ - . and at a
 * lower-to-upper case change)? */
static bool has_part(const char *key, size_t n, const char *part)
{
    size_t plen = strlen(part);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && secrets_is_alnum(key[j]) &&
               !(isupper((unsigned char)key[j]) && islower((unsigned char)key[j - 1])))
            j++;
        if (j - i == plen && strncasecmp(key + i, part, plen) == 0)
            return true;
        i = j;
        while (i < n && !secrets_is_alnum(key[i]))
            i++;
    }
    return false;
}

static bool has_substring(const char *key, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(key + i, word, w) == 0)
            return true;
    return false;
}

static secret_kind key_kind(const secrets_scan *sc, const char *key, size_t n)
{
    static const char *const wifi[] = {"psk", "wpa_passphrase", "wpa_psk", "sae_password",
                                       "wep_key0", "wep_key1", "wep_key2", "wep_key3", NULL};
    static const char *const uci_wifi[] = {"key", "key1", "key2", "key3", "key4", NULL};
    static const char *const words[] = {"password", "passwd", "passphrase", "pwd", "secret",
                                        "token", "apikey", "api_key", "api-key", "access_key",
                                        "auth_key", "private_key", "privatekey",
                                        "preshared_key", "presharedkey", NULL};
    static const char *const not_values[] = {
        "file", "path", "dir", "url", "uri", "len", "length", "min", "max", "size",
        "type", "mode", "policy", "prompt", "hint", "enable", "enabled", "required",
        "label", "format", "timeout", "expire", "expires", "expiry", "regex", "prefix",
        "suffix", "cmd", "command", "script", "field", "id", "name", "header", "endpoint",
        "count", "time", "ttl", "age", "lifetime", "retry", "retries", "salt", "method",
        "algorithm", "check", "error", NULL};
    char lower[KEY_MAX_LEN + 1];
    if (n == 0 || n > KEY_MAX_LEN)
        return KIND_NONE;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)tolower((unsigned char)key[i]);
    lower[n] = '\0';
    for (size_t i = 0; wifi[i]; i++)
        if (strcmp(lower, wifi[i]) == 0)
            return KIND_WIFI;
    for (size_t i = 0; sc->uci_wireless && uci_wifi[i]; i++)
        if (strcmp(lower, uci_wifi[i]) == 0)
            return KIND_WIFI;
    if (strcmp(lower, "community") == 0)
        return KIND_SNMP;
    bool named = has_part(key, n, "pass");
    for (size_t i = 0; words[i] && !named; i++)
        named = has_substring(lower, n, words[i]);
    for (size_t i = 0; not_values[i] && named; i++)
        named = !has_part(key, n, not_values[i]);
    return named ? KIND_PASSWORD : KIND_NONE;
}

/* A crypt(3) hash written as a value ("$1$salt$hash"). */
static bool looks_like_crypt(const char *v, size_t n)
{
    char buf[SECRET_MAX_LEN + 1];
    memcpy(buf, v, n);
    buf[n] = '\0';
    return v[0] == '$' && crypt_classify(buf).kind == CRYPT_HASH;
}

static bool all_same(const char *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[0])
            return false;
    return true;
}

static bool is_reference(const char *v, size_t n)
{
    static const char *const marks[] = {"${", "$(", "`", "%s", "%d", "%(", "{{", "}}", "<%",
                                        "%>", "://", "<", ">", NULL};
    for (size_t i = 0; marks[i]; i++)
        if (has_substring(v, n, marks[i]))
            return true;
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '$' && (isalpha((unsigned char)v[i + 1]) || v[i + 1] == '_'))
            return !looks_like_crypt(v, n);
    /* v is a slice of the file, not a C string: never read past n. */
    if (n == 0)
        return false;
    return (v[0] == '$' && !looks_like_crypt(v, n)) || v[0] == '/' || v[0] == '~' ||
           (n >= 2 && v[0] == '.' && v[1] == '/') || (v[0] == '@' && v[n - 1] == '@');
}

static bool is_placeholder(const char *v, size_t n, bool quoted, const char *key, size_t klen)
{
    static const char *const words[] = {"none", "null", "nil", "undefined", "true", "false",
                                        "yes", "no", "on", "off", "required", "optional",
                                        "unset", "empty", "redacted", "hidden", NULL};
    static const char *const parts[] = {"your", "example", "sample", "placeholder", "dummy",
                                        "xxxx", "****", "....", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(v, words[i], n) == 0)
            return true;
    for (size_t i = 0; parts[i]; i++)
        if (has_substring(v, n, parts[i]))
            return true;
    if (n == klen && strncasecmp(v, key, n) == 0)
        return true; /* "password": "password" names a field */
    if (all_same(v, n))
        return true;
    /* unquoted code: cfg.password, get_pw(), arr[1] */
    bool dotted = false, ident = isalpha((unsigned char)v[0]) || v[0] == '_';
    for (size_t i = 0; i < n; i++) {
        dotted |= v[i] == '.';
        ident &= secrets_is_alnum(v[i]) || v[i] == '_' || v[i] == '.';
        if (strchr("()[]{}", v[i]))
            return true;
    }
    return !quoted && dotted && ident;
}

static bool is_default_password(const secrets_scan *sc, const char *v, size_t n, secret_kind kind)
{
    char buf[SECRET_MAX_LEN + 1];
    memcpy(buf, v, n);
    buf[n] = '\0';
    if (kind == KIND_SNMP)
        return strcmp(buf, "public") == 0 || strcmp(buf, "private") == 0;
    return cred_list_has_password(&sc->s->creds, buf);
}

typedef struct assignment {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
    bool quoted;
    secret_kind kind;
} assignment;

static iotssf_status report_assignment(secrets_scan *sc, const assignment *a, iotssf_error *err)
{
    const char *v = a->value;
    size_t n = a->value_len;
    if (secrets_reported_as_token(sc, v, n))
        return IOTSSF_OK;
    size_t min = a->kind == KIND_SNMP ? 1 : a->kind == KIND_WIFI ? 8 : SECRET_MIN_LEN;
    bool spaces = memchr(v, ' ', n) || memchr(v, '\t', n);
    if (n < min || n > SECRET_MAX_LEN || (spaces && a->kind != KIND_WIFI) ||
        is_reference(v, n))
        return IOTSSF_OK;
    char shown[64], evidence[160], message[256];
    const char *rule, *what = a->kind == KIND_WIFI ? "Wi-Fi key"
                              : a->kind == KIND_SNMP ? "SNMP community"
                                                     : "credential";
    bool is_default = is_default_password(sc, v, n, a->kind);
    if (!is_default && is_placeholder(v, n, a->quoted, a->key, a->key_len))
        return IOTSSF_OK;
    if (is_default) {
        snprintf(shown, sizeof shown, "%.*s", (int)n, v);
        rule = a->kind == KIND_SNMP ? "FW-SECRET-SNMP-DEFAULT-COMMUNITY"
                                    : "FW-SECRET-DEFAULT-PASSWORD";
        snprintf(message, sizeof message, "%s '%.*s' is a published default, in clear",
                 what, (int)n, v);
    } else {
        secrets_mask(v, n, shown, sizeof shown);
        rule = a->kind == KIND_WIFI   ? "FW-SECRET-WIFI-PSK"
               : a->kind == KIND_SNMP ? "FW-SECRET-SNMP-COMMUNITY"
                                      : "FW-SECRET-HARDCODED-PASSWORD";
        snprintf(message, sizeof message, "%s%s written into the image (%zu characters)", what,
                 looks_like_crypt(v, n) ? " hash" : "", n);
    }
    char key[KEY_MAX_LEN + 1];
    key_text(a->key, a->key_len, key);
    snprintf(evidence, sizeof evidence, "%s=%s", key, shown);
    return secrets_report(sc, rule, sc->line, evidence, message, err);
}

/* The value after the separator: quoted (to the matching quote) or bare (to
 * whitespace or punctuation that ends a value in these formats). */
static const char *read_value(const char *p, const char *end, char until, assignment *a)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < end && (*p == '"' || *p == '\'')) {
        const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));
        if (!close)
            return NULL;
        a->value = p + 1;
        a->value_len = (size_t)(close - p - 1);
        a->quoted = true;
        return close + 1;
    }
    const char *v = p;
    while (p < end && *p != until && !strchr(" \t;,&|)}]\"'<>", *p))
        p++;
    a->value = v;
    a->value_len = (size_t)(p - v);
    a->quoted = false;
    return p;
}

/* Does the key start a statement: first on its line (after blanks, a quote
 * or a YAML '-'), or after '{', '[' or ',' (JSON, flow YAML)? Needed for the
 * ':' and space separators, which prose also has. */
static bool starts_statement(const char *line, const char *key)
{
    const char *p = key;
    if (p > line && (p[-1] == '"' || p[-1] == '\''))
        p--;
    while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    if (p > line && p[-1] == '-')
        for (p--; p > line && (p[-1] == ' ' || p[-1] == '\t');)
            p--;
    return p == line || strchr("{[,", p[-1]);
}

static const char *parse_assignment(const secrets_scan *sc, const char *line, const char *key,
                                    const char *end, assignment *a)
{
    const char *p = a->key + a->key_len;
    char open = key > line ? key[-1] : '\0';
    if ((open == '"' || open == '\'') && p < end && *p == open)
        p++;
    if (open == '<' && p < end && *p == '>')
        return read_value(p + 1, end, '<', a); /* <password>value</password> */
    const char *sep = p;
    while (sep < end && (*sep == ' ' || *sep == '\t'))
        sep++;
    if (sep < end && *sep == '=' && (sep + 1 == end || sep[1] != '='))
        return read_value(sep + 1, end, '\0', a);
    if (sc->style == STYLE_SHELL || !starts_statement(line, key))
        return NULL;
    if (sep < end && *sep == ':')
        return read_value(sep + 1, end, '\0', a);
    if (sc->style == STYLE_CONF_SPACED && sep > p && sep < end)
        return read_value(sep, end, '\0', a);
    return NULL;
}

static bool is_comment(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && (*p == '#' || *p == ';' || *p == '*' ||
                       (end - p >= 2 && (strncmp(p, "//", 2) == 0 || strncmp(p, "--", 2) == 0)) ||
                       (end - p >= 4 && strncmp(p, "<!--", 4) == 0));
}

/* UCI: `option password 'x'`; the keyword is not the key. */
static const char *skip_uci_keyword(const char *line, const char *end)
{
    const char *p = line;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p > 7 && strncmp(p, "option", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
        for (p += 6; p < end && (*p == ' ' || *p == '\t');)
            p++;
    else
        p = line;
    return p;
}

static iotssf_status scan_assignments(secrets_scan *sc, const char *line, const char *end,
                                      iotssf_error *err)
{
    const char *stmt = skip_uci_keyword(line, end);
    for (const char *p = stmt; p < end; p++) {
        if (!is_key_char(*p) || (p > stmt && (is_key_char(p[-1]) || p[-1] == '$')))
            continue;
        assignment a = {.key = p};
        while (p + a.key_len < end && is_key_char(p[a.key_len]))
            a.key_len++;
        a.kind = key_kind(sc, a.key, a.key_len);
        const char *next = a.kind ? parse_assignment(sc, stmt, p, end, &a) : NULL;
        if (!next) {
            p += a.key_len - 1;
            continue;
        }
        iotssf_status st = report_assignment(sc, &a, err);
        if (st)
            return st;
        p = next > p ? next - 1 : p;
    }
    return IOTSSF_OK;
}

/* ---- line forms of their own ---------------------------------------------- */

static size_t next_word(const char **p, const char *end, const char **word)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *word = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    return (size_t)(*p - *word);
}

/* net-snmp: rocommunity/rwcommunity[6] COMMUNITY ..., com2sec NAME SOURCE COMMUNITY */
static iotssf_status scan_snmp(secrets_scan *sc, const char *line, const char *end, iotssf_error *err)
{
    const char *p = line, *w;
    size_t n = next_word(&p, end, &w);
    static const char *const directives[] = {"rocommunity", "rwcommunity", "rocommunity6",
                                             "rwcommunity6", NULL};
    bool direct = false;
    for (size_t i = 0; directives[i] && !direct; i++)
        direct = n == strlen(directives[i]) && strncasecmp(w, directives[i], n) == 0;
    bool com2sec = (n == 7 && strncasecmp(w, "com2sec", 7) == 0) ||
                   (n == 8 && strncasecmp(w, "com2sec6", 8) == 0);
    if (!direct && !com2sec)
        return IOTSSF_OK;
    assignment a = {.key = w, .key_len = n, .kind = KIND_SNMP};
    size_t words = direct ? 1 : 3;
    for (size_t i = 0; i < words && (n = next_word(&p, end, &w)) > 0; i++)
        if (i == 0 && com2sec && n > 1 && w[0] == '-') /* com2sec -Cn CONTEXT ... */
            words += 2;
    if (n == 0)
        return IOTSSF_OK;
    a.value = w;
    a.value_len = n;
    return report_assignment(sc, &a, err);
}

/* mosquitto_passwd output: user:$6$<base64 salt>$<base64 hash>== or $7$. */
static iotssf_status scan_mosquitto(secrets_scan *sc, const char *line, const char *end,
                                    iotssf_error *err)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (!colon || colon == line || memchr(line, ' ', (size_t)(colon - line)))
        return IOTSSF_OK;
    const char *v = colon + 1;
    size_t n = (size_t)(end - v);
    bool hashed = n > 20 && v[0] == '$' && (v[1] == '6' || v[1] == '7') && v[2] == '$' &&
                  end[-1] == '=' && secrets_run_of(v + 3, end, "$+/=") == n - 3;
    if (!hashed && !sc->mosquitto_pwfile)
        return IOTSSF_OK;
    if (!hashed) {
        assignment a = {.key = line, .key_len = (size_t)(colon - line), .value = v,
                        .value_len = n, .kind = KIND_PASSWORD};
        return report_assignment(sc, &a, err);
    }
    char masked[64], evidence[160];
    secrets_mask(v, n, masked, sizeof masked);
    char user[KEY_MAX_LEN + 1];
    key_text(line, (size_t)(colon - line), user);
    snprintf(evidence, sizeof evidence, "%s:%s", user, masked);
    return secrets_report(sc, "FW-SECRET-MQTT-PASSWORD-HASH", sc->line, evidence,
                  "a mosquitto password file entry: the MQTT login is the same on every unit",
                  err);
}

/* ---- the analysis --------------------------------------------------------- */

static iotssf_status scan_file(secrets_scan *sc, iotssf_error *err)
{
    const char *p = sc->text, *end = sc->text + sc->size;
    iotssf_status st = IOTSSF_OK;
    while (!st && p < end && sc->reported <= SECRETS_MAX_PER_FILE) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        sc->line++;
        st = secrets_scan_tokens(sc, p, line_end, err);
        if (!st && sc->style != STYLE_TOKENS_ONLY && !is_comment(p, line_end)) {
            size_t before = sc->reported;
            st = scan_mosquitto(sc, p, line_end, err);
            if (!st && before == sc->reported)
                st = scan_snmp(sc, p, line_end, err);
            if (!st && before == sc->reported)
                st = scan_assignments(sc, p, line_end, err);
        }
        p = nl ? nl + 1 : end;
    }
    return st;
}

static iotssf_status secrets_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                   iotssf_error *err)
{
    if (e->kind != IOTSSF_FW_FILE || !e->data || e->size == 0 || e->size > SECRETS_MAX_FILE ||
        is_account_file(e->path) || !is_text(e->data, (size_t)e->size))
        return IOTSSF_OK;
    secrets_scan sc = {.ctx = ctx, .s = state, .e = e, .text = (const char *)e->data,
               .size = (size_t)e->size};
    sc.style = style_of(e->path, e->data, sc.size);
    sc.uci_wireless = strstr(e->path, "etc/config/wireless") != NULL;
    sc.mosquitto_pwfile = strstr(e->path, "mosquitto") &&
                          (strstr(e->path, "passw") || strstr(e->path, "pwfile"));
    if (sc.style == STYLE_TOKENS_ONLY && sc.mosquitto_pwfile)
        sc.style = STYLE_CONFIG;
    return scan_file(&sc, err);
}

static void *secrets_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    secrets_state *s = calloc(1, sizeof *s);
    if (!s) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    cred_list_init(&s->creds);
    if (cred_list_load(&s->creds, ctx->data_dir, err)) {
        cred_list_free(&s->creds);
        free(s);
        return NULL;
    }
    return s;
}

static iotssf_status secrets_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)state, (void)ctx, (void)err;
    return IOTSSF_OK;
}

static void secrets_destroy(void *state)
{
    secrets_state *s = state;
    if (s) {
        cred_list_free(&s->creds);
        free(s);
    }
}

const fw_analysis fw_analysis_secrets = {
    .name = "secrets",
    .create = secrets_create,
    .entry = secrets_entry,
    .finish = secrets_finish,
    .destroy = secrets_destroy,
};
