/*
 * libFuzzer target for the boot analysis (lib/firmware/boot*.c): its shell
 * reader, inittab, uci, inetd, systemd and daemon-configuration parsers.
 * One input is a small root filesystem: parts separated by NUL bytes, each
 * part's first byte picking which file it is (inittab, rcS, an init.d or
 * procd script, a uci file, snmpd.conf, sshd_config, inetd.conf, a systemd
 * unit enabled by a fixed .wants link, a script that rcS may run, ...), the
 * rest its content. Every finding must carry its rule, severity, evidence
 * and a path that was given; every service a port in range.
 * Seeds: fuzz/corpus/boot/; dictionary: fuzz/boot.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "firmware/boot.h"
#include "fuzz_common.h"

static const char *const paths[] = {
    "etc/inittab",
    "etc/init.d/rcS",
    "etc/init.d/S50app",
    "etc/init.d/dropbear",
    "etc/config/dropbear",
    "etc/config/upnpd",
    "etc/config/uhttpd",
    "etc/snmp/snmpd.conf",
    "etc/miniupnpd.conf",
    "etc/vsftpd.conf",
    "etc/mosquitto/mosquitto.conf",
    "etc/ssh/sshd_config",
    "etc/inetd.conf",
    "lib/systemd/system/a.service",
    "usr/bin/debug.sh",
    "etc/rc.local",
};
enum { PATH_COUNT = sizeof paths / sizeof paths[0], MAX_PARTS = 16 };

static const iotssf_rule_set *rules(void)
{
    static iotssf_rule_set *loaded;
    iotssf_error err;
    iotssf_error_clear(&err);
    if (!loaded && iotssf_rules_load(fuzz_data_dir(), NULL, &loaded, &err))
        fuzz_fail("cannot load the rules (set IOTSSF_DATA)", &err);
    return loaded;
}

static bool given(const char *path)
{
    for (size_t i = 0; i < PATH_COUNT; i++)
        if (strcmp(path, paths[i]) == 0)
            return true;
    return false;
}

static void check(const iotssf_findings *f, const void *state)
{
    for (size_t i = 0; i < f->count; i++) {
        const iotssf_finding *x = &f->items[i];
        if (!x->rule || x->severity != x->rule->severity || !x->message || !x->evidence ||
            strncmp(x->rule->id, "FW-BOOT-", 8) != 0)
            fuzz_fail("a finding without its rule, severity, message or evidence", NULL);
        if (!x->path || !given(x->path) || x->line == 0)
            fuzz_fail("a finding at a place that was not given", NULL);
    }
    fw_boot_service services[64];
    size_t n = fw_boot_services(state, services, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        const fw_boot_service *s = &services[i];
        if (s->port < 0 || s->port > 65535 || !s->daemon || !s->command || !given(s->path) ||
            (strcmp(s->transport, "tcp") != 0 && strcmp(s->transport, "udp") != 0))
            fuzz_fail("a service with a bad port, transport or place", NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotssf_fw_entry entries[MAX_PARTS + 1];
    size_t count = 0;
    for (size_t start = 0; start < size && count < MAX_PARTS;) {
        const uint8_t *nul = memchr(data + start, 0, size - start);
        size_t end = nul ? (size_t)(nul - data) : size;
        if (end > start) {
            entries[count++] = (iotssf_fw_entry){
                .path = paths[data[start] % PATH_COUNT],
                .kind = IOTSSF_FW_FILE,
                .mode = 0755,
                .size = end - start - 1,
                .data = end - start > 1 ? data + start + 1 : NULL,
            };
        }
        start = end + 1;
    }
    entries[count++] = (iotssf_fw_entry){
        .path = "etc/systemd/system/multi-user.target.wants/a.service",
        .kind = IOTSSF_FW_SYMLINK,
        .mode = 0777,
        .link_target = "/lib/systemd/system/a.service",
    };
    iotssf_findings findings;
    iotssf_findings_init(&findings);
    iotssf_error err;
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&findings, rules(), NULL, fuzz_data_dir()};
    void *state = fw_analysis_boot.create(&ctx, &err);
    if (!state)
        fuzz_fail("create failed", &err);
    ctx.origin = "fuzz";
    for (size_t i = 0; i < count; i++)
        if (fw_analysis_boot.entry(state, &ctx, &entries[i], &err))
            fuzz_fail("entry failed", &err);
    if (fw_analysis_boot.finish(state, &ctx, &err))
        fuzz_fail("finish failed", &err);
    check(&findings, state);
    fw_analysis_boot.destroy(state);
    iotssf_findings_free(&findings);
    return 0;
}
