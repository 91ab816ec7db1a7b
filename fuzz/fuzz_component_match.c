/*
 * libFuzzer target for component identification with the shipped
 * signatures: the input is split into a file (its path chosen by the first
 * byte: a binary, an opkg status or control file, a dpkg status file, a
 * kernel module) and a second file read as an opkg status database, so the
 * matcher, the version patterns, both package database parsers and the
 * reconciliation all see hostile bytes. The first 32 bytes are also a uImage
 * name. Seeds: fuzz/corpus/component_match/.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

static const iotssf_component_sigs *shipped(void)
{
    static iotssf_component_sigs *sigs;
    if (!sigs) {
        char dir[4096];
        iotssf_error err;
        iotssf_error_clear(&err);
        snprintf(dir, sizeof dir, "%s/components", fuzz_data_dir());
        if (iotssf_component_sigs_load_dir(dir, &sigs, &err))
            fuzz_fail("cannot load the shipped signatures (set IOTSSF_DATA)", &err);
    }
    return sigs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const char *const paths[] = {"usr/sbin/dnsmasq", "usr/lib/opkg/status",
                                        "usr/lib/opkg/info/dnsmasq.control",
                                        "var/lib/dpkg/status", "lib/modules/5.10/x.ko",
                                        "lib/libuClibc-0.9.33.2.so"};
    const char *path = paths[data[0] % (sizeof paths / sizeof paths[0])];
    size_t split = 2 + (size_t)data[1] * (size - 2) / 256;
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_component_scan *scan = iotssf_component_scan_new(shipped(), &err);
    if (!scan)
        fuzz_fail("cannot start a scan", &err);
    if (iotssf_component_scan_file(scan, "fuzz", path, data + 2, split - 2, &err) ||
        iotssf_component_scan_file(scan, "fuzz", "usr/lib/opkg/status", data + split,
                                   size - split, &err))
        fuzz_fail("scanning failed", &err);
    char name[33];
    size_t n = size - 2 < 32 ? size - 2 : 32;
    memcpy(name, data + 2, n);
    name[n] = '\0';
    if (iotssf_component_scan_uimage_name(scan, "uimage@0x0", name, &err))
        fuzz_fail("the uImage name failed", &err);
    iotssf_components out;
    iotssf_components_init(&out);
    if (iotssf_component_scan_finish(scan, &out, &err))
        fuzz_fail("finishing failed", &err);
    for (size_t i = 0; i < out.count; i++) {
        const iotssf_component *c = &out.items[i];
        if (!c->id || !c->name || !c->purl || !c->cpe || c->evidence_count == 0)
            fuzz_fail("a component lacks its identity or evidence", NULL);
        if (c->version && (c->version[0] < '0' || c->version[0] > '9'))
            fuzz_fail("a version does not start with a digit", NULL);
    }
    json_t *j = NULL;
    if (iotssf_components_to_json(&out, &j) == IOTSSF_OK)
        json_decref(j);
    iotssf_components_write_text(fuzz_sink(), &out);
    iotssf_components_free(&out);
    iotssf_component_scan_free(scan);
    return 0;
}
