/*
 * libFuzzer target for the readers of evidence reports (lib/assess/
 * evidence_report.c): `iotssf assess --firmware-report J --probe-report J`
 * take the JSON that `iotssf firmware` and `iotssf probe` wrote, but the file
 * may come from anywhere. Each input is read as both kinds of report into a
 * fresh evidence set built on the shipped rules; a refusal must carry its
 * reason, an acceptance must leave a usable evidence set. Seeds:
 * fuzz/corpus/evidence_report/ (real reports of the demo camera's firmware
 * and of a probe, plus cut and damaged ones).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "iotssf/assess.h"

static const iotssf_rule_set *shipped_rules(void)
{
    static iotssf_rule_set *rules;
    static iotssf_catalog *catalog;
    if (rules)
        return rules;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_catalog_load(fuzz_data_dir(), &catalog, &err) ||
        iotssf_rules_load(fuzz_data_dir(), catalog, &rules, &err))
        fuzz_fail("cannot load the shipped catalog and rules (set IOTSSF_DATA)", &err);
    return rules;
}

/* The readers take a path, as the CLI gives them one. */
static const char *input_file(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/iotssf-fuzz-evidence-%ld.json", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write the input file", NULL);
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const iotssf_rule_set *rules = shipped_rules();
    const char *path = input_file(data, size);
    for (int kind = 0; kind < 2; kind++) {
        iotssf_error err;
        iotssf_error_clear(&err);
        iotssf_evidence *e = iotssf_evidence_new(rules, &err);
        if (!e)
            fuzz_fail("cannot make an evidence set", &err);
        iotssf_status st = kind == 0 ? iotssf_evidence_load_firmware(e, path, &err)
                                     : iotssf_evidence_load_probe(e, path, &err);
        if (st)
            fuzz_check_error(st, &err);
        if (!st && kind == 0 && !iotssf_evidence_firmware_sha256(e))
            fuzz_fail("accepted firmware evidence without the image's SHA-256", NULL);
        iotssf_evidence_free(e);
    }
    return 0;
}
