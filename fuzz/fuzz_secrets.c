/*
 * libFuzzer target for the secrets analysis (lib/firmware/secrets.c). The
 * first byte picks the path the rest is stored at, since the path decides
 * how a file is read (shell script, UCI, snmpd.conf, JSON, mosquitto
 * password file, web page); the rest is the file. The findings must carry
 * their place, stay on an existing line, respect the per-file cap, and show
 * every value masked unless it is a published default.
 *
 * Seeds (fuzz/corpus/secrets/): one small real-looking configuration per
 * style, with a path byte in front.
 */
#include <stddef.h>
#include <stdint.h>

#include "firmware/analysis.h"
#include "fuzz_common.h"

extern const fw_analysis fw_analysis_secrets;

static const char *const paths[] = {
    "etc/app.conf",           "etc/config/wireless", "etc/init.d/S50app",
    "etc/app/settings.json",  "etc/snmp/snmpd.conf", "etc/mosquitto/passwd",
    "www/js/app.js",          "etc/users.xml",       "etc/device.yaml",
    "etc/default/app",        "usr/share/doc/README", "etc/wpa_supplicant.conf",
};

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

static unsigned count_lines(const uint8_t *data, size_t size)
{
    unsigned n = 1;
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

static void check_finding(const iotssf_finding *f, const char *path, unsigned lines)
{
    if (!f->path || strcmp(f->path, path) != 0 || f->line == 0 || f->line > lines ||
        strcmp(f->origin, "fuzz") != 0)
        fuzz_fail("a finding outside the file it was found in", NULL);
    if (strcmp(f->rule->id, "FW-SECRET-MORE") == 0)
        return;
    if (!f->evidence || strlen(f->evidence) > 200)
        fuzz_fail("a finding without short evidence", NULL);
    bool shown_whole = strcmp(f->rule->id, "FW-SECRET-DEFAULT-PASSWORD") == 0 ||
                       strcmp(f->rule->id, "FW-SECRET-SNMP-DEFAULT-COMMUNITY") == 0;
    if (!shown_whole && !strchr(f->evidence, '*'))
        fuzz_fail("a secret shown unmasked", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *path = paths[data[0] % (sizeof paths / sizeof *paths)];
    iotssf_findings findings;
    iotssf_error err;
    iotssf_findings_init(&findings);
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&findings, rules()->rules, "fuzz", fuzz_data_dir()};
    static void *state; /* the credential lists are loaded once */
    if (!state && !(state = fw_analysis_secrets.create(&ctx, &err)))
        fuzz_fail("the analysis could not start", &err);
    iotssf_fw_entry e = {.path = path, .kind = IOTSSF_FW_FILE, .mode = 0644, .size = size - 1,
                         .data = size > 1 ? data + 1 : NULL};
    if (fw_analysis_secrets.entry(state, &ctx, &e, &err) ||
        fw_analysis_secrets.finish(state, &ctx, &err))
        fuzz_fail("the analysis failed on a file", &err);
    if (findings.count > 51)
        fuzz_fail("more findings for one file than the cap", NULL);
    unsigned lines = count_lines(data + 1, size - 1);
    for (size_t i = 0; i < findings.count; i++)
        check_finding(&findings.items[i], path, lines);
    iotssf_findings_free(&findings);
    return 0;
}
