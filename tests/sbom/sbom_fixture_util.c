/*
 * The hand-filled firmware result of sbom_fixture_util.h, and the helpers
 * that write it out and validate the SBOM against the official schema.
 */
#include "sbom_fixture_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static iotssf_component_evidence busybox_evidence[] = {
    {"version-string", "squashfs@0x0", "bin/busybox", 0x9a2c0, "BusyBox v1.35.0 (Debian)"},
};
static iotssf_component_file busybox_files[] = {
    {"squashfs@0x0", "bin/busybox",
     "1111111111111111111111111111111111111111111111111111111111111111", 2044160},
};
static iotssf_component_file busybox_copy_files[] = {
    {"cpio@0x200000", "bin/busybox",
     "2222222222222222222222222222222222222222222222222222222222222222", 2044160},
};
static iotssf_component_evidence dnsmasq_evidence[] = {
    {"opkg-status", "squashfs@0x0", "usr/lib/opkg/status", 120, "Version: 2.77-1"},
    {"version-string", "squashfs@0x0", "usr/sbin/dnsmasq", 0x3f10, "dnsmasq-2.77"},
};
static iotssf_component_file dnsmasq_files[] = {
    {"squashfs@0x0", "usr/sbin/dnsmasq",
     "3333333333333333333333333333333333333333333333333333333333333333", 372440},
    {"squashfs@0x0", "usr/lib/opkg/info/dnsmasq.control",
     "4444444444444444444444444444444444444444444444444444444444444444", 310},
};
static iotssf_component_evidence linux_evidence[] = {
    {"file-name", "squashfs@0x0", "lib/modules", 0, NULL},
};
static iotssf_component_evidence openssl_old_evidence[] = {
    {"version-string", "squashfs@0x0", "usr/lib/libcrypto.so.1.0.0", 0x1e2a0,
     "OpenSSL 1.0.2k  26 Jan 2017"},
};
static iotssf_component_file openssl_old_files[] = {
    {"squashfs@0x0", "usr/lib/libcrypto.so.1.0.0",
     "5555555555555555555555555555555555555555555555555555555555555555", 1707996},
};
/* A path with a byte that is not UTF-8, as hostile images have. */
static iotssf_component_evidence openssl_partial_evidence[] = {
    {"version-string", "squashfs@0x0", "opt/lib\xff/libssl.so", 0x400, "OpenSSL 1.1.1"},
};

static iotssf_component components[] = {
    {.id = "busybox", .name = "BusyBox", .version = "1.35.0", .version_scheme = "dotted",
     .confidence = IOTSSF_CONFIDENCE_HIGH, .supplier = "Erik Andersen",
     .cpe = "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*",
     .purl = "pkg:generic/busybox@1.35.0", .license = "GPL-2.0-only",
     .evidence = busybox_evidence, .evidence_count = 1, .files = busybox_files, .file_count = 1},
    {.id = "busybox", .name = "BusyBox", .version = "1.35.0", .version_scheme = "dotted",
     .confidence = IOTSSF_CONFIDENCE_HIGH, .purl = "pkg:generic/busybox@1.35.0",
     .files = busybox_copy_files, .file_count = 1},
    {.id = "dnsmasq", .name = "dnsmasq", .version = "2.77", .version_scheme = "dotted",
     .confidence = IOTSSF_CONFIDENCE_MEDIUM, .supplier = "Simon Kelley",
     .cpe = "cpe:2.3:a:thekelleys:dnsmasq:2.77:*:*:*:*:*:*:*",
     .purl = "pkg:generic/dnsmasq@2.77", .license = "GPL-2.0-only OR GPL-3.0-only",
     .note = "opkg says 2.77-1, the binary says 2.77", .evidence = dnsmasq_evidence,
     .evidence_count = 2, .files = dnsmasq_files, .file_count = 2},
    {.id = "linux", .name = "Linux kernel", .confidence = IOTSSF_CONFIDENCE_LOW,
     .evidence = linux_evidence, .evidence_count = 1},
    {.id = "openssl", .name = "OpenSSL", .version = "1.0.2k", .version_scheme = "openssl",
     .confidence = IOTSSF_CONFIDENCE_HIGH, .cpe = "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*",
     .purl = "pkg:generic/openssl@1.0.2k", .license = "OpenSSL", .evidence = openssl_old_evidence,
     .evidence_count = 1, .files = openssl_old_files, .file_count = 1},
    {.id = "openssl", .name = FIXTURE_OPENSSL_NAME, .version = "1.1.1", .version_partial = true,
     .version_scheme = "openssl", .confidence = IOTSSF_CONFIDENCE_MEDIUM,
     .purl = "pkg:generic/openssl@1.1.1", .evidence = openssl_partial_evidence,
     .evidence_count = 1},
};

static char *dnsmasq_refs[] = {
    "https://www.kb.cert.org/vuls/id/973527",
    "https://security.googleblog.com/2017/10/behind-masq-yet-more-dns-and-dhcp.html",
    "https://www.kb.cert.org/vuls/id/973527",
};
static char *openssl_refs[] = {"https://www.openssl.org/news/secadv/20220315.txt"};

static iotssf_vuln vulns[] = {
    {.id = "CVE-2017-14491", .component = "dnsmasq", .version = "2.77",
     .summary = "Heap overflow via crafted DNS replies",
     .cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .cvss_score = 9.8,
     .severity = IOTSSF_SEV_CRITICAL, .fixed = "2.78", .source = "shipped",
     .references = dnsmasq_refs, .reference_count = 3},
    {.id = "CVE-2022-0778", .component = "openssl", .version = "1.0.2k",
     .summary = "Infinite loop in BN_mod_sqrt()",
     .cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", .cvss_score = 7.5,
     .severity = IOTSSF_SEV_HIGH, .introduced = "1.0.2", .fixed = "1.0.2zd",
     .source = "shipped", .references = openssl_refs, .reference_count = 1},
    {.id = "CVE-2022-28391", .component = "busybox", .version = "1.35.0",
     .summary = "Escape sequences in netstat output", .cvss_score = 8.8,
     .cvss_vector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
     .severity = IOTSSF_SEV_HIGH, .source = "nvd-2022.json"},
    {.id = "CVE-2021-0001", .component = "dnsmasq", .version = "2.77", .cvss_score = -1,
     .severity = IOTSSF_SEV_MEDIUM, .source = "shipped"},
    {.id = "OSV-2099-1", .component = "mosquitto", .version = "2.0.0", .cvss_score = 3.1,
     .severity = IOTSSF_SEV_LOW, .source = "osv.zip"},
};

void sbom_fixture_fill(iotssf_fw_result *r)
{
    memset(r, 0, sizeof *r);
    r->image = "/images/router firmware.bin";
    r->image_size = 8388608;
    memcpy(r->sha256, FIXTURE_IMAGE_SHA256, 65);
    r->components.items = components;
    r->components.count = r->components.cap = sizeof components / sizeof *components;
    r->vulns.items = vulns;
    r->vulns.count = r->vulns.cap = sizeof vulns / sizeof *vulns;
    r->vulns_checked = true;
}

char *sbom_write_temp(sbom_writer write, const iotssf_fw_result *r)
{
    char *path = strdup("/tmp/iotssf-sbom-XXXXXX");
    int fd = path ? mkstemp(path) : -1;
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        free(path);
        return NULL;
    }
    iotssf_error err;
    iotssf_status st = write(out, r, &err);
    if (fclose(out) != 0 || st) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

int sbom_validate(const char *path)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s/tests/sbom/validate_cyclonedx.sh' '%s'", IOTSSF_SOURCE_DIR,
             path);
    int rc = system(cmd);
    return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}
