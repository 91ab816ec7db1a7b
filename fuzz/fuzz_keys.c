/*
 * libFuzzer target for the key and certificate analysis (lib/firmware/
 * keys.c): one input is one file. Its first byte picks the path it is found
 * at (a TLS key, a Dropbear or OpenSSH host key, a CA bundle, a program, a
 * .ppk, a DER certificate, JSON), which decides how it is read; the rest is
 * its content. The same content is also given at a second path, so the
 * check for a key shared between places runs too. Every finding must name a
 * rule, its rule's severity, one of the two paths and its evidence.
 * Seeds: fuzz/corpus/keys/ (real keys and certificates made by openssl,
 * ssh-keygen, dropbearkey and puttygen); dictionary: fuzz/keys.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "firmware/analysis.h"
#include "fuzz_common.h"

extern const fw_analysis fw_analysis_keys;

static const char *const paths[] = {
    "etc/ssl/private/server.key",       "etc/dropbear/dropbear_rsa_host_key",
    "etc/ssh/ssh_host_ed25519_key",     "etc/ssl/certs/ca-certificates.crt",
    "usr/bin/app",                      "root/key.ppk",
    "etc/certs/device.der",             "www/config.json",
};
enum { PATH_COUNT = sizeof paths / sizeof paths[0] };

static const iotssf_rule_set *rules(void)
{
    static iotssf_rule_set *loaded;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (!loaded && iotssf_rules_load(fuzz_data_dir(), NULL, &loaded, &err))
        fuzz_fail("cannot load the rules (set IOTSSF_DATA)", &err);
    return loaded;
}

static void check_findings(const iotssf_findings *f, const char *a, const char *b)
{
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_finding *x = &f->items[i];
        if (!x->rule || x->severity != x->rule->severity || !x->message || !x->evidence)
            fuzz_fail("a finding without its rule, severity, message or evidence", NULL);
        if (!x->path || (strcmp(x->path, a) != 0 && strcmp(x->path, b) != 0))
            fuzz_fail("a finding at a path that was not given", NULL);
        if (strncmp(x->rule->id, "FW-KEY-", 7) != 0 && strncmp(x->rule->id, "FW-CERT-", 8) != 0)
            fuzz_fail("a finding of another analysis' rule", NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *path = paths[data[0] % PATH_COUNT];
    char copy_path[128];
    snprintf(copy_path, sizeof copy_path, "copy/%s", path);
    iotssf_findings findings;
    iotssf_findings_init(&findings);
    iotssf_error err;
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&findings, rules(), NULL, fuzz_data_dir()};
    void *state = fw_analysis_keys.create(&ctx, &err);
    if (!state)
        fuzz_fail("create failed", &err);
    ctx.origin = "fuzz";
    iotssf_fw_entry e = {.path = path, .kind = IOTSSF_FW_FILE, .mode = 0600, .size = size - 1,
                         .data = size > 1 ? data + 1 : NULL};
    if (fw_analysis_keys.entry(state, &ctx, &e, &err))
        fuzz_fail("entry failed", &err);
    e.path = copy_path;
    if (fw_analysis_keys.entry(state, &ctx, &e, &err))
        fuzz_fail("entry failed", &err);
    if (fw_analysis_keys.finish(state, &ctx, &err))
        fuzz_fail("finish failed", &err);
    fw_analysis_keys.destroy(state);
    check_findings(&findings, path, copy_path);
    iotssf_findings_free(&findings);
    return 0;
}
