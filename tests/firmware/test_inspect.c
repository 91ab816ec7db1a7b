/*
 * The inspector end to end: firmware images built in the test from real
 * Debian binaries with the real tools, flaws planted in them, and the whole
 * pipeline (scan, unpack, recurse, analyse) run over the image bytes. Every
 * planted flaw must be found, at its file and line, and nothing else of
 * high severity; the same device built clean must give no high findings.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_sink_util.h"
#include "iotssf/iotssf.h"
#include "util.h"

typedef struct fixture {
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
    char busybox[1024], dropbear[1024];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    iotssf_error err;
    if (iotssf_catalog_load(source_path("data"), &f->catalog, &err) ||
        iotssf_rules_load(source_path("data"), f->catalog, &f->rules, &err))
        return -1;
    FILE *p = popen(IOTSSF_SOURCE_DIR "/tests/tools/debian-binary.sh busybox-static", "r");
    if (!p || !fgets(f->busybox, sizeof f->busybox, p))
        return -1;
    pclose(p);
    p = popen(IOTSSF_SOURCE_DIR "/tests/tools/debian-binary.sh dropbear-bin", "r");
    if (!p || !fgets(f->dropbear, sizeof f->dropbear, p))
        return -1;
    pclose(p);
    f->busybox[strcspn(f->busybox, "\n")] = '\0';
    f->dropbear[strcspn(f->dropbear, "\n")] = '\0';
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    iotssf_rules_free(f->rules);
    iotssf_catalog_free(f->catalog);
    free(f);
    return 0;
}

/* A small router root filesystem from real binaries; `vulnerable` plants the
 * flaws the seeds describe (Mirai's telnet and 9530 backdoor, a default
 * password, a shipped private key, a hard-coded Wi-Fi key). */
static void make_rootfs(const fixture *f, const char *dir, bool vulnerable)
{
    run_or_fail("mkdir -p %s/bin %s/sbin %s/usr/sbin %s/etc/init.d %s/etc/config %s/etc/ssl/private",
                dir, dir, dir, dir, dir, dir);
    run_or_fail("cp %s/bin/busybox %s/bin/ && ln -s busybox %s/bin/sh && ln -s ../bin/busybox "
                "%s/sbin/init", f->busybox, dir, dir, dir);
    run_or_fail("cp %s/usr/sbin/dropbear %s/usr/sbin/", f->dropbear, dir);
    FILE *out;
    char path[2048];
    snprintf(path, sizeof path, "%s/etc/passwd", dir);
    out = fopen(path, "w");
    fputs("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", out);
    fclose(out);
    snprintf(path, sizeof path, "%s/etc/shadow", dir);
    out = fopen(path, "w");
    /* vulnerable: MD5-crypt of "admin", a Mirai default; clean: locked. */
    fputs(vulnerable ? "root:$1$iotssf00$TgTIZvQ.lA8Pg8o2wtFaC.:19000:0:99999:7:::\nnobody:*:19000::::::\n"
                     : "root:*:19000:0:99999:7:::\nnobody:*:19000::::::\n",
          out);
    fclose(out);
    snprintf(path, sizeof path, "%s/etc/init.d/rcS", dir);
    out = fopen(path, "w");
    fputs("#!/bin/sh\nmount -t proc proc /proc\n", out);
    fputs(vulnerable ? "telnetd -l /bin/sh -p 2323\nnc -l -p 9530 -e /bin/sh &\n"
                       "/usr/sbin/dropbear -p 22\n"
                     : "/usr/sbin/dropbear -s -g -p 22\n",
          out);
    fclose(out);
    if (vulnerable) {
        snprintf(path, sizeof path, "%s/etc/config/wireless", dir);
        out = fopen(path, "w");
        fputs("config wifi-iface 'default'\n\toption ssid 'HomeNet'\n\toption encryption 'psk2'\n"
              "\toption key 'Sup3rS3cretWifi!'\n", out);
        fclose(out);
        run_or_fail("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
                    "-out %s/etc/ssl/private/device.key", dir);
    }
}

typedef struct expected {
    const char *rule;
    const char *path;
    unsigned line;
} expected;

static iotssf_fw_result *inspect(const fixture *f, const char *image)
{
    iotssf_fw_options opts = {.limits = iotssf_fw_default_limits(), .data_dir = source_path("data"),
                              .rules = f->rules};
    iotssf_fw_result *r = NULL;
    iotssf_error err;
    iotssf_status st = iotssf_firmware_inspect(image, &opts, &r, &err);
    if (st) {
        char msg[2048];
        iotssf_error_format(&err, msg, sizeof msg);
        fail_msg("inspect failed: %s", msg);
    }
    return r;
}

static bool found(const iotssf_fw_result *r, const expected *e)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *x = &r->findings.items[i];
        if (strcmp(x->rule->id, e->rule) == 0 && x->path && strcmp(x->path, e->path) == 0 &&
            (!e->line || x->line == e->line))
            return true;
    }
    return false;
}

static void print_findings(const iotssf_fw_result *r)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *x = &r->findings.items[i];
        print_message("  %s %s %s:%u\n", iotssf_severity_name(x->severity), x->rule->id,
                      x->path ? x->path : "-", x->line);
    }
}

/* What the vulnerable tree plants, with the high-or-worse rules it must
 * trigger. Medium and lower findings may come on top (hardening of the
 * Debian binaries, for example), but no other high one. */
static const expected planted[] = {
    {"FW-ACCOUNT-DEFAULT-PASSWORD", "etc/shadow", 1},
    {"FW-BOOT-TELNETD-NO-LOGIN", "etc/init.d/rcS", 3},
    {"FW-BOOT-BACKDOOR-SHELL", "etc/init.d/rcS", 4},
    {"FW-KEY-PRIVATE", "etc/ssl/private/device.key", 0},
    {"FW-KEY-WEAK", "etc/ssl/private/device.key", 0},
    {"FW-SECRET-WIFI-PSK", "etc/config/wireless", 4},
};

static void assert_exactly_planted(const iotssf_fw_result *r)
{
    for (size_t i = 0; i < sizeof planted / sizeof *planted; i++)
        if (!found(r, &planted[i])) {
            print_findings(r);
            fail_msg("planted flaw not found: %s at %s:%u", planted[i].rule, planted[i].path,
                     planted[i].line);
        }
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *x = &r->findings.items[i];
        if (x->severity < IOTSSF_SEV_HIGH)
            continue;
        bool expected_one = false;
        for (size_t k = 0; k < sizeof planted / sizeof *planted && !expected_one; k++)
            expected_one = strcmp(x->rule->id, planted[k].rule) == 0;
        if (!expected_one) {
            print_findings(r);
            fail_msg("unexpected %s finding %s at %s", iotssf_severity_name(x->severity),
                     x->rule->id, x->path ? x->path : "-");
        }
    }
}

static size_t high_findings(const iotssf_fw_result *r)
{
    return iotssf_findings_at_least(&r->findings, IOTSSF_SEV_HIGH);
}

/* A scratch folder with the fixture tree built in root/ and the path of the
 * image a test will pack it into. */
typedef struct built {
    char dir[2048], tree[2100], image[2100];
} built;

static void prepare(const fixture *f, const char *name, bool vulnerable, const char *image_name,
                    built *b)
{
    snprintf(b->dir, sizeof b->dir, "%s", scratch_dir(name));
    snprintf(b->tree, sizeof b->tree, "%s/root", b->dir);
    snprintf(b->image, sizeof b->image, "%s/%s", b->dir, image_name);
    make_rootfs(f, b->tree, vulnerable);
}

/* Raw flash layout: a header region, then the rootfs at an erase-block
 * offset, as many routers ship it. */
static void test_squashfs_at_an_offset(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-squashfs", true, "flash.bin", &b);
    run_or_fail("mksquashfs %s %s/rootfs.sqfs -comp xz -quiet -noappend -all-root && "
                "head -c 65536 /dev/zero > %s && cat %s/rootfs.sqfs >> %s",
                b.tree, b.dir, b.image, b.dir, b.image);
    iotssf_fw_result *r = inspect(f, b.image);
    assert_int_equal(r->region_count, 1);
    assert_string_equal(r->regions[0].format, "squashfs");
    assert_int_equal(r->regions[0].offset, 65536);
    assert_int_equal(r->files, 7);
    assert_exactly_planted(r);
    iotssf_fw_result_free(r);
}

static void test_jffs2_big_endian(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-jffs2", true, "rootfs.jffs2", &b);
    run_or_fail("mkfs.jffs2 -b -r %s -o %s -e 0x10000 --pad=0x800000", b.tree, b.image);
    iotssf_fw_result *r = inspect(f, b.image);
    assert_string_equal(r->regions[0].format, "jffs2");
    assert_exactly_planted(r);
    iotssf_fw_result_free(r);
}

static void test_ubi_volume_with_ubifs(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-ubi", true, "flash.ubi", &b);
    run_or_fail("cd %s && mkfs.ubifs -r root -m 2048 -e 126976 -c 200 -x lzo -o rootfs.ubifs && "
                "printf '[rootfs]\\nmode=ubi\\nimage=rootfs.ubifs\\nvol_id=0\\nvol_type=dynamic\\n"
                "vol_name=rootfs\\nvol_flags=autoresize\\n' > ubi.ini && "
                "ubinize -o flash.ubi -m 2048 -p 128KiB -s 2048 ubi.ini",
                b.dir);
    iotssf_fw_result *r = inspect(f, b.image);
    bool saw_ubifs = false;
    for (size_t i = 0; i < r->region_count; i++)
        saw_ubifs |= strcmp(r->regions[i].format, "ubifs") == 0 && r->regions[i].depth == 1;
    assert_true(saw_ubifs);
    assert_exactly_planted(r);
    iotssf_fw_result_free(r);
}

/* A U-Boot ramdisk image holding a gzip'd initramfs cpio: three layers
 * (uImage > gzip > cpio) before the first file. */
static void test_uimage_initramfs_cpio(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-uimage", true, "initramfs.uimg", &b);
    run_or_fail("cd %s && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9 > ../initramfs.cpio.gz && "
                "mkimage -A mips -O linux -T ramdisk -C gzip -n initramfs -d ../initramfs.cpio.gz %s "
                ">/dev/null",
                b.tree, b.image);
    iotssf_fw_result *r = inspect(f, b.image);
    const char *chain[] = {"uimage", "gzip", "cpio"};
    for (size_t k = 0; k < 3; k++) {
        bool seen = false;
        for (size_t i = 0; i < r->region_count; i++)
            seen |= strcmp(r->regions[i].format, chain[k]) == 0 && r->regions[i].depth == k;
        if (!seen)
            fail_msg("%s not found at depth %zu", chain[k], k);
    }
    assert_exactly_planted(r);
    iotssf_fw_result_free(r);
}

/* A vendor update bundle: a tar.xz of the root filesystem. */
static void test_tar_xz_bundle(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-tar", true, "update.tar.xz", &b);
    run_or_fail("tar -C %s -cJf %s .", b.tree, b.image);
    iotssf_fw_result *r = inspect(f, b.image);
    assert_exactly_planted(r);
    iotssf_fw_result_free(r);
}

static void test_clean_image_has_no_high_findings(void **state)
{
    fixture *f = *state;
    built b;
    prepare(f, "inspect-clean", false, "clean.sqfs", &b);
    run_or_fail("mksquashfs %s %s -comp gzip -quiet -noappend -all-root", b.tree, b.image);
    iotssf_fw_result *r = inspect(f, b.image);
    if (high_findings(r))
        print_findings(r);
    assert_int_equal(high_findings(r), 0);
    iotssf_fw_result_free(r);
}

static void test_nothing_recognised_is_a_warning(void **state)
{
    fixture *f = *state;
    const char *dir = scratch_dir("inspect-noise");
    char image[2100];
    snprintf(image, sizeof image, "%s/noise.bin", dir);
    run_or_fail("head -c 100000 /dev/urandom > %s", image);
    iotssf_fw_result *r = inspect(f, image);
    assert_int_equal(r->findings.count, 0);
    assert_true(r->warning_count >= 1);
    iotssf_fw_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_squashfs_at_an_offset),
        cmocka_unit_test(test_jffs2_big_endian),
        cmocka_unit_test(test_ubi_volume_with_ubifs),
        cmocka_unit_test(test_uimage_initramfs_cpio),
        cmocka_unit_test(test_tar_xz_bundle),
        cmocka_unit_test(test_clean_image_has_no_high_findings),
        cmocka_unit_test(test_nothing_recognised_is_a_warning),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
