/*
 * What the two files of the secrets analysis share: secrets.c reads files
 * line by line (file kinds, key and value, SNMP, mosquitto) and
 * secrets_tokens.c finds the credentials that have a shape of their own (AWS
 * key pairs, cloud tokens). Both report through secrets_report(), which keeps
 * the per-file cap, and mask values with secrets_mask().
 */
#ifndef IOTSSF_FIRMWARE_SECRETS_INTERNAL_H
#define IOTSSF_FIRMWARE_SECRETS_INTERNAL_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"
#include "passwd.h"

enum {
    SECRETS_MAX_FILE = 4 * 1024 * 1024,
    SECRETS_MAX_PER_FILE = 50,
    SECRET_MIN_LEN = 4,
    SECRET_MAX_LEN = 512,
    KEY_MAX_LEN = 64,
    AWS_SECRET_WINDOW = 5,    /* lines either side of an access key id */
    AWS_WINDOW_BYTES = 2048,  /* and at most this many bytes */
    AWS_MAX_LOOKS = 256,      /* key ids per file whose surroundings are searched */
    AWS_REMEMBERED = 4,
};

typedef struct secrets_state {
    cred_list creds; /* passwords shown whole when found */
} secrets_state;

typedef enum file_style {
    STYLE_TOKENS_ONLY, /* code, web pages, documentation */
    STYLE_SHELL,       /* `key=value` only */
    STYLE_CONFIG,      /* `key=value`, `key: value`, <key>value</key> */
    STYLE_CONF_SPACED, /* the above and `key value` at the start of a line */
} file_style;

typedef struct secrets_scan {
    fw_analysis_ctx *ctx;
    const secrets_state *s;
    const iotssf_fw_entry *e;
    const char *text;
    size_t size;
    file_style style;
    bool uci_wireless, mosquitto_pwfile;
    unsigned line;
    unsigned reported;
    unsigned aws_looks;
    /* AWS secrets already reported with their key id, so that the
     * `aws_secret_access_key = ...` line is not reported again. */
    const char *aws_secrets[AWS_REMEMBERED];
    unsigned aws_secret_count;
} secrets_scan;

static inline bool secrets_is_alnum(char c)
{
    return isalnum((unsigned char)c) != 0;
}

/* How many characters from p are letters, digits or in `extra`. */
size_t secrets_run_of(const char *p, const char *end, const char *extra);

/* Masks a value for evidence (see docs/firmware-secrets.md). */
void secrets_mask(const char *v, size_t n, char *out, size_t size);

/* Reports a finding at `line` of the scanned file, within the per-file cap. */
iotssf_status secrets_report(secrets_scan *sc, const char *rule, unsigned line,
                             const char *evidence, const char *message, iotssf_error *err);

/* Finds and reports the tokens of one line (comments included). */
iotssf_status secrets_scan_tokens(secrets_scan *sc, const char *line, const char *end,
                                  iotssf_error *err);

/* Was this value reported by the token scanner already (a whole cloud token,
 * or an AWS secret reported with its key id)? */
bool secrets_reported_as_token(const secrets_scan *sc, const char *v, size_t n);

#endif
