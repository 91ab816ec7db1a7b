/*
 * Components end to end through iotssf_firmware_inspect: a firmware image
 * made with the real tools (mkimage for a kernel uImage named the OpenWrt
 * way, mksquashfs for the root filesystem) from real Debian binaries, with
 * an opkg status file that agrees on one package and disagrees on another.
 * The result must list exactly the components inside, at the versions the
 * packages' own metadata states, the kernel from the uImage header, the
 * agreement as evidence and the disagreement as a note.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comp_util.h"
#include "iotssf/iotssf.h"
#include "util.h"

typedef struct pkg {
    const char *package, *arch, *file; /* the file copied into the image */
    char dir[4096], version[128];
} pkg;

static bool has_evidence(const iotssf_component *c, const char *method)
{
    for (size_t i = 0; i < c->evidence_count; i++)
        if (strcmp(c->evidence[i].method, method) == 0)
            return true;
    return false;
}

static const iotssf_component *must_find(const iotssf_fw_result *r, const char *id,
                                         const char *version)
{
    const iotssf_component *c = comp_find(&r->components, id, version);
    if (!c) {
        comp_dump(&r->components);
        fail_msg("no %s %s", id, version);
    }
    assert_false(c->version_partial);
    return c;
}

static void image_with_opkg_database(void **state)
{
    (void)state;
    pkg pkgs[] = {
        {"busybox-static", "mipsel", "bin/busybox", "", ""},
        {"dnsmasq-base", NULL, "usr/sbin/dnsmasq", "", ""},
        {"dropbear-bin", NULL, "usr/sbin/dropbear", "", ""},
        {"libssl3", NULL, "usr/lib/x86_64-linux-gnu/libcrypto.so.3", "", ""},
        {"lighttpd", NULL, "usr/sbin/lighttpd", "", ""},
    };
    size_t n = sizeof pkgs / sizeof pkgs[0];
    for (size_t i = 0; i < n; i++)
        if (!comp_debian(pkgs[i].package, pkgs[i].arch, pkgs[i].dir, sizeof pkgs[i].dir,
                         pkgs[i].version, sizeof pkgs[i].version))
            skip();
    const char *work = comp_scratch("image");
    comp_run("mkdir -p %s/root/bin %s/root/usr/sbin %s/root/usr/lib/opkg %s/root/lib", work, work,
             work, work);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(pkgs[i].file, '/') + 1;
        const char *into = strncmp(pkgs[i].file, "usr/lib/", 8) == 0 ? "lib" : pkgs[i].file;
        if (into == pkgs[i].file)
            comp_run("cp %s/%s %s/root/%s", pkgs[i].dir, pkgs[i].file, work, pkgs[i].file);
        else
            comp_run("cp %s/%s %s/root/lib/%s", pkgs[i].dir, pkgs[i].file, work, base);
    }
    /* opkg agrees on dropbear and is stale on dnsmasq. */
    char status[4096];
    snprintf(status, sizeof status, "%s/root/usr/lib/opkg/status", work);
    FILE *f = fopen(status, "w");
    assert_non_null(f);
    fprintf(f, "Package: dnsmasq\nVersion: 2.80-1\nStatus: install user installed\n"
               "Architecture: mipsel_24kc\n\n"
               "Package: dropbear\nVersion: %s-2\nStatus: install user installed\n\n"
               "Package: busybox\nVersion: 9.9.9-1\nStatus: deinstall user not-installed\n",
            pkgs[2].version);
    fclose(f);
    comp_run("head -c 4096 /dev/urandom > %s/kernel.bin && "
             "mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 "
             "-n 'MIPS OpenWrt Linux-4.14.180' -d %s/kernel.bin %s/uImage >/dev/null && "
             "mksquashfs %s/root %s/root.sqfs -comp xz -all-root -noappend -quiet >/dev/null && "
             "cat %s/uImage %s/root.sqfs > %s/firmware.bin",
             work, work, work, work, work, work, work, work);

    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_error err = {0};
    assert_int_equal(iotssf_catalog_load(source_path("data"), &catalog, &err), IOTSSF_OK);
    assert_int_equal(iotssf_rules_load(source_path("data"), catalog, &rules, &err), IOTSSF_OK);
    char data_dir[4096], image[4096];
    snprintf(data_dir, sizeof data_dir, "%s", source_path("data"));
    snprintf(image, sizeof image, "%s/firmware.bin", work);
    iotssf_fw_options opts = {.limits = iotssf_fw_default_limits(), .data_dir = data_dir,
                              .rules = rules};
    iotssf_fw_result *r = NULL;
    if (iotssf_firmware_inspect(image, &opts, &r, &err) != IOTSSF_OK)
        fail_msg("%s", err.message);

    must_find(r, "busybox", pkgs[0].version);
    const iotssf_component *dnsmasq = must_find(r, "dnsmasq", pkgs[1].version);
    assert_non_null(dnsmasq->note);
    assert_non_null(strstr(dnsmasq->note, "opkg (dnsmasq) says 2.80-1, the binary says"));
    assert_true(has_evidence(dnsmasq, "version-string"));
    const iotssf_component *dropbear = must_find(r, "dropbear", pkgs[2].version);
    assert_null(dropbear->note);
    assert_int_equal(dropbear->confidence, IOTSSF_CONFIDENCE_HIGH);
    assert_true(has_evidence(dropbear, "opkg-status"));
    assert_string_equal(dropbear->files[0].path, "usr/sbin/dropbear");
    assert_non_null(strstr(dropbear->files[0].origin, "squashfs@0x"));
    const iotssf_component *ssl = must_find(r, "openssl", pkgs[3].version);
    assert_string_equal(ssl->files[0].path, "lib/libcrypto.so.3");
    must_find(r, "lighttpd", pkgs[4].version);
    const iotssf_component *linux_ = must_find(r, "linux", "4.14.180");
    assert_true(has_evidence(linux_, "uimage-header"));
    assert_string_equal(linux_->evidence[0].origin, "uimage@0x0");
    if (r->components.count != 6)
        comp_dump(&r->components);
    assert_int_equal(r->components.count, 6); /* nothing else, nothing invented */
    for (size_t i = 1; i < r->components.count; i++)
        assert_true(strcmp(r->components.items[i - 1].id, r->components.items[i].id) <= 0);

    iotssf_fw_result_free(r);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image_with_opkg_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
