/*
 * libFuzzer target for the component signature loader: one input is one or
 * more signature documents. Accepted signatures build the anchor automaton
 * and are then used to scan the input's own bytes (as a file, a package
 * database and a uImage name), so fuzzed anchors, patterns and globs reach
 * the matcher too. Seeds: fuzz/corpus/component_sigs/ (the shipped files).
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotssf_component_sigs *sigs = (iotssf_component_sigs *)1; /* must be NULL on failure */
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status st = iotssf_component_sigs_load_memory("fuzz.yaml", data, size, &sigs, &err);
    if (st) {
        if (sigs)
            fuzz_fail("a failed load left signatures behind", NULL);
        fuzz_check_error(st, &err);
        return 0;
    }
    iotssf_component_scan *scan = iotssf_component_scan_new(sigs, &err);
    if (!scan)
        fuzz_fail("cannot start a scan", &err);
    static const char *const paths[] = {"usr/sbin/x", "usr/lib/opkg/status", "var/lib/dpkg/status",
                                        "lib/modules/m.ko", "lib/libuClibc-1.0.31.so"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (iotssf_component_scan_file(scan, "fuzz", paths[i], data, size, &err))
            fuzz_fail("scanning failed", &err);
    char name[33];
    size_t n = size < 32 ? size : 32;
    memcpy(name, data, n);
    name[n] = '\0';
    if (iotssf_component_scan_uimage_name(scan, "uimage@0x0", name, &err))
        fuzz_fail("the uImage name failed", &err);
    iotssf_components out;
    iotssf_components_init(&out);
    if (iotssf_component_scan_finish(scan, &out, &err))
        fuzz_fail("finishing failed", &err);
    json_t *j = NULL;
    if (iotssf_components_to_json(&out, &j) == IOTSSF_OK)
        json_decref(j);
    iotssf_components_write_text(fuzz_sink(), &out);
    iotssf_components_free(&out);
    iotssf_component_scan_free(scan);
    iotssf_component_sigs_free(sigs);
    return 0;
}
