/*
 * `iotssf cert keygen | issue | verify`: a laboratory's Ed25519 key pair,
 * certificates signed with it for an assessment, and their checking. All the
 * work is in lib/cert (include/iotssf/cert.h); this file reads options and
 * maps outcomes to exit codes: 0 valid, 1 not valid (with a one-line
 * reason), 2 unreadable input or bad usage. docs/certificate.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "iotssf/cert.h"

static const char usage[] =
    "usage: iotssf cert keygen -o lab.key [--pub lab.pub]\n"
    "       iotssf cert issue ASSESSMENT.json --key lab.key [--issuer NAME]\n"
    "                         [--valid-years N] [-o cert.json]\n"
    "       iotssf cert verify cert.json --pubkey lab.pub [--firmware fw.bin] [--at DATE]\n";

typedef struct cert_args {
    const char *output, *pub, *key, *issuer, *valid_years, *pubkey, *firmware, *at;
    const char *positional[2];
    int positional_count;
} cert_args;

/* Whether `name` (len bytes) is one of the space-separated words. */
static bool allowed_word(const char *words, const char *name, size_t len)
{
    for (const char *w = words; *w;) {
        size_t n = strcspn(w, " ");
        if (n == len && strncmp(w, name, len) == 0)
            return true;
        w += n + (w[n] == ' ');
    }
    return false;
}

/* Options are "--name value" or "--name=value"; `allowed` lists the names
 * the subcommand takes, space-separated. */
static int parse(int argc, char **argv, const char *command, const char *allowed,
                 cert_args *a)
{
    struct { const char *name; const char **dest; } table[] = {
        {"output", &a->output}, {"pub", &a->pub},       {"key", &a->key},
        {"issuer", &a->issuer}, {"valid-years", &a->valid_years},
        {"pubkey", &a->pubkey}, {"firmware", &a->firmware}, {"at", &a->at}};
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = strcmp(argv[i], "-o") == 0 ? "--output" : argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->positional_count == 1)
                return cli_usage_error(command, "unexpected argument '%s'", argv[i]);
            a->positional[a->positional_count++] = argv[i];
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        size_t k = 0;
        while (k < sizeof table / sizeof *table &&
               (strlen(table[k].name) != len || strncmp(table[k].name, arg + 2, len) != 0))
            k++;
        if (k == sizeof table / sizeof *table || !allowed_word(allowed, arg + 2, len))
            return cli_usage_error(command, "unknown option '%s'", argv[i]);
        if (!eq && i + 1 >= argc)
            return cli_usage_error(command, "--%s needs a value", table[k].name);
        *table[k].dest = eq ? eq + 1 : argv[++i];
    }
    return EXIT_OK;
}

static int keygen(int argc, char **argv)
{
    cert_args a;
    int rc = parse(argc, argv, "cert keygen", "output pub", &a);
    if (rc)
        return rc;
    if (!a.output || a.positional_count)
        return cli_usage_error("cert keygen", "name the private key file with -o FILE");
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_cert_keygen(a.output, a.pub, &err))
        return cli_report_error(&err);
    return EXIT_OK;
}

static int write_cert(const json_t *cert, const char *path)
{
    cli_output out;
    int rc = output_open(&out, path);
    if (rc)
        return rc;
    if (json_dumpf(cert, out.file, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', out.file) == EOF) {
        output_abort(&out);
        fputs("iotssf cert issue: cannot write the certificate\n", stderr);
        return EXIT_USAGE;
    }
    return output_commit(&out);
}

static int issue(int argc, char **argv)
{
    cert_args a;
    int rc = parse(argc, argv, "cert issue", "output key issuer valid-years", &a);
    if (rc)
        return rc;
    if (a.positional_count != 1 || !a.key)
        return cli_usage_error("cert issue", "give ASSESSMENT.json and --key FILE");
    iotssf_cert_issue_options o = {.issuer = a.issuer};
    if (a.valid_years) {
        char *end;
        long years = strtol(a.valid_years, &end, 10);
        if (*end || years < 1 || years > 20)
            return cli_usage_error("cert issue", "--valid-years is 1 to 20");
        o.valid_years = (unsigned)years;
    }
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *key = NULL;
    json_t *assessment = NULL, *cert = NULL;
    iotssf_status st = iotssf_cert_key_load_private(a.key, &key, &err);
    if (!st)
        st = iotssf_json_load_bounded(a.positional[0], IOTSSF_ASSESSMENT_MAX_BYTES, &assessment,
                                      &err);
    if (!st)
        st = iotssf_cert_issue(assessment, a.positional[0], key, &o, &cert, &err);
    rc = st ? cli_report_error(&err) : write_cert(cert, a.output);
    json_decref(cert);
    json_decref(assessment);
    iotssf_cert_key_free(key);
    return rc;
}

static int verify(int argc, char **argv)
{
    cert_args a;
    int rc = parse(argc, argv, "cert verify", "pubkey firmware at", &a);
    if (rc)
        return rc;
    if (a.positional_count != 1 || !a.pubkey)
        return cli_usage_error("cert verify", "give cert.json and --pubkey FILE");
    char firmware_sha256[65];
    iotssf_cert_verify_options o = {0};
    if (a.at && iotssf_parse_utc(a.at, &o.at) != 0)
        return cli_usage_error("cert verify", "--at is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_cert_key *key = NULL;
    json_t *cert = NULL;
    iotssf_cert_check check;
    iotssf_status st = iotssf_cert_key_load_public(a.pubkey, &key, &err);
    if (!st)
        st = iotssf_json_load_bounded(a.positional[0], IOTSSF_CERT_MAX_BYTES, &cert, &err);
    if (!st && a.firmware && !(st = iotssf_sha256_file(a.firmware, firmware_sha256, &err)))
        o.firmware_sha256 = firmware_sha256;
    if (!st)
        st = iotssf_cert_verify(cert, a.positional[0], key, &o, &check, &err);
    if (st)
        rc = cli_report_error(&err);
    else if (check.outcome == IOTSSF_CERT_VALID)
        printf("valid: %s\n", check.reason);
    else
        printf("not valid: %s\n", check.reason), rc = EXIT_FINDINGS;
    json_decref(cert);
    iotssf_cert_key_free(key);
    return rc;
}

int cmd_cert(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "keygen") == 0)
        return keygen(argc - 1, argv + 1);
    if (strcmp(sub, "issue") == 0)
        return issue(argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0)
        return verify(argc - 1, argv + 1);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    fputs(usage, stderr);
    return EXIT_USAGE;
}
