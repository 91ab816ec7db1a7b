/*
 * Component identification on bytes made in the test: the shipped
 * signatures load, the loader rejects mistakes with their line, the matcher
 * reads versions where the anchors are and nowhere else (a bare product name
 * or a help text is not a component), a version cut by the end of the data
 * is partial and never completed, package databases are read and reconciled
 * with the binaries, uImage names give the kernel, and hostile inputs (huge
 * files, anchors repeated millions of times) stay quick and bounded.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comp_util.h"
#include "components/sigs.h"
#include "util.h"

typedef struct input_file {
    const char *path;
    const char *data; /* NUL-free unless size says otherwise */
    size_t size;      /* 0: strlen(data) */
} input_file;

static void scan_files(const iotssf_component_sigs *sigs, const input_file *files, size_t n,
                       iotssf_components *out)
{
    iotssf_error err = {0};
    iotssf_component_scan *s = iotssf_component_scan_new(sigs, &err);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        size_t size = files[i].size ? files[i].size : strlen(files[i].data);
        assert_int_equal(iotssf_component_scan_file(s, "squashfs@0x0", files[i].path,
                                                    (const uint8_t *)files[i].data, size, &err),
                         IOTSSF_OK);
    }
    iotssf_components_init(out);
    assert_int_equal(iotssf_component_scan_finish(s, out, &err), IOTSSF_OK);
    iotssf_component_scan_free(s);
}

static void shipped_signatures_load(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    static const char *const ids[] = {
        "busybox", "dropbear", "openssh", "openssl", "wolfssl", "mbedtls", "dnsmasq",
        "lighttpd", "uhttpd", "boa", "goahead", "thttpd", "mini_httpd", "miniupnpd", "hostapd",
        "wpa_supplicant", "curl", "uclibc", "uclibc-ng", "musl", "glibc", "linux", "u-boot",
        "samba", "avahi", "mosquitto", "libupnp", "treck"};
    size_t n = sizeof ids / sizeof ids[0];
    assert_int_equal(iotssf_component_sigs_count(sigs), n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || strcmp(iotssf_component_sigs_id(sigs, k), ids[i]) == 0;
        assert_true(found);
    }
    assert_null(iotssf_component_sigs_id(sigs, n));
    iotssf_component_sigs_free(sigs);
}

static const char good_sig[] =
    "id: demo\nname: Demo\nversion_scheme: dotted\ncpe: {vendor: acme, product: demo}\n"
    "purl: pkg:generic/demo\n";

static void expect_load_error(const char *text, unsigned line, const char *needle)
{
    iotssf_component_sigs *s = NULL;
    iotssf_error err = {0};
    assert_int_not_equal(iotssf_component_sigs_load_memory("t.yaml", text, strlen(text), &s,
                                                           &err),
                         IOTSSF_OK);
    assert_null(s);
    if (!strstr(err.message, needle) || err.line != line)
        fail_msg("line %u '%s', expected line %u with '%s'", err.line, err.message, line, needle);
}

static void loader_rejects_mistakes(void **state)
{
    (void)state;
    char buf[1024];
    snprintf(buf, sizeof buf, "%scolour: red\n", good_sig);
    expect_load_error(buf, 6, "colour");
    expect_load_error("id: demo\nname: Demo\nversion_scheme: roman\n"
                      "cpe: {vendor: a, product: b}\npurl: pkg:generic/x\n", 3, "roman");
    snprintf(buf, sizeof buf, "%sidentify:\n  versions:\n    - anchor: \"demo version \"\n"
             "      pattern: \"{v} {q}\"\n", good_sig);
    expect_load_error(buf, 9, "unknown class");
    snprintf(buf, sizeof buf, "%sidentify:\n  versions:\n    - anchor: \"demo version \"\n"
             "      pattern: \"no version here\"\n", good_sig);
    expect_load_error(buf, 9, "exactly one {v}");
    snprintf(buf, sizeof buf, "%sidentify:\n  versions:\n    - anchor: \"de\"\n", good_sig);
    expect_load_error(buf, 8, "4 to 128");
    snprintf(buf, sizeof buf, "%sidentify:\n  versions:\n    - anchor: \"Demo/\"\n", good_sig);
    expect_load_error(buf, 8, "shorter than 7 bytes needs `files`");
    snprintf(buf, sizeof buf, "%sidentify:\n  versions:\n    - {anchor: \"demo version \", before: true, "
             "pattern: \"{v}\"}\n", good_sig);
    expect_load_error(buf, 8, "takes no pattern");
    snprintf(buf, sizeof buf, "%s---\n%s", good_sig, good_sig);
    expect_load_error(buf, 7, "defined twice");
    expect_load_error("id: demo\nname: Demo\nversion_scheme: dotted\n"
                      "cpe: {vendor: a, product: b}\npurl: http://x\n", 5, "pkg:");
}

static iotssf_component_sigs *demo_sigs(void)
{
    static const char text[] =
        "id: demo\nname: Demo\nversion_scheme: dotted\ncpe: {vendor: acme, product: demo}\n"
        "purl: pkg:generic/demo\npackages: {openwrt: [demo-full], debian: [demo-src, demo-tools]}\n"
        "identify:\n  files: [\"usr/sbin/demod\"]\n  files_alone: false\n"
        "  versions:\n    - {anchor: \"Demo/\", pattern: \"{v}{e}\", files: [\"*\"]}\n"
        "    - {anchor: \"demo library \", pattern: \"{v}\", confidence: medium}\n"
        "  products:\n    - {anchor: \"Demo Server\", alone: false}\n"
        "---\n"
        "id: other\nname: Other\nversion_scheme: dotted\ncpe: {vendor: acme, product: other}\n"
        "purl: pkg:generic/other\npackages: {debian: [demo-src]}\n"
        "identify:\n  products:\n    - {anchor: \"Other Engine\", alone: true}\n";
    iotssf_component_sigs *s = NULL;
    iotssf_error err = {0};
    if (iotssf_component_sigs_load_memory("demo", text, sizeof text - 1, &s, &err))
        fail_msg("%u: %s", err.line, err.message);
    return s;
}

static void versions_read_where_anchored(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    static const char bin[] = "\x7f" "ELF junk\0Demo/2.4.1\0usage: Demo Server help\0Demo/x\0";
    input_file files[] = {{"usr/sbin/demod", bin, sizeof bin - 1},
                          {"usr/share/doc/readme", "Demo Server is nice. Other Engine inside.", 0}};
    iotssf_components c;
    scan_files(sigs, files, 2, &c);
    assert_int_equal(c.count, 2);
    const iotssf_component *d = comp_find(&c, "demo", NULL);
    assert_non_null(d);
    assert_string_equal(d->version, "2.4.1");
    assert_false(d->version_partial);
    assert_int_equal(d->confidence, IOTSSF_CONFIDENCE_HIGH);
    assert_string_equal(d->cpe, "cpe:2.3:a:acme:demo:2.4.1:*:*:*:*:*:*:*");
    assert_string_equal(d->purl, "pkg:generic/demo@2.4.1");
    assert_int_equal(d->file_count, 1);
    assert_string_equal(d->files[0].path, "usr/sbin/demod");
    assert_int_equal(strlen(d->files[0].sha256), 64);
    assert_string_equal(d->evidence[0].method, "version-string");
    assert_int_equal(d->evidence[0].offset, 10);
    assert_string_equal(d->evidence[0].text, "Demo/2.4.1");
    /* "Other Engine" is enough alone (the signature says so): low, no version. */
    const iotssf_component *o = comp_find(&c, "other", NULL);
    assert_non_null(o);
    assert_null(o->version);
    assert_int_equal(o->confidence, IOTSSF_CONFIDENCE_LOW);
    assert_string_equal(o->cpe, "cpe:2.3:a:acme:other:*:*:*:*:*:*:*:*");
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void bare_names_invent_nothing(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    input_file files[] = {
        {"usr/share/doc/help.txt", "Demo Server: run Demo/ with --version; demo library v2", 0},
        {"usr/sbin/demod", "no strings of interest", 0}, /* the name alone is not enough */
        {"bin/tool", "Demo/1.2.3*,Demo/1.3*", 0},       /* patterns, not a version */
    };
    iotssf_components c;
    scan_files(sigs, files, 3, &c);
    if (c.count)
        comp_dump(&c);
    assert_int_equal(c.count, 0);
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void cut_versions_are_partial(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    input_file files[] = {{"a", "xx Demo/1.2", 0}, {"b", "demo library 3.1", 0}};
    iotssf_components c;
    scan_files(sigs, files, 2, &c);
    assert_int_equal(c.count, 2);
    for (size_t i = 0; i < c.count; i++) {
        assert_true(c.items[i].version_partial);
        assert_string_equal(c.items[i].cpe, "cpe:2.3:a:acme:demo:*:*:*:*:*:*:*:*");
    }
    assert_non_null(comp_find(&c, "demo", "1.2"));
    assert_non_null(comp_find(&c, "demo", "3.1"));
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void medium_in_two_files_is_high(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    input_file one[] = {{"lib/a.so", "demo library 3.1.4\n", 0}};
    input_file two[] = {{"lib/a.so", "demo library 3.1.4\n", 0},
                        {"lib/b.so", "demo library 3.1.4\n", 0}};
    iotssf_components c;
    scan_files(sigs, one, 1, &c);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.items[0].confidence, IOTSSF_CONFIDENCE_MEDIUM);
    iotssf_components_free(&c);
    scan_files(sigs, two, 2, &c);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.items[0].confidence, IOTSSF_CONFIDENCE_HIGH);
    assert_int_equal(c.items[0].file_count, 2);
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void package_databases_reconciled(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    /* opkg says 2.80, the binary says 2.78: the binary wins, with a note. */
    static const char status[] =
        "Package: demo-full\nVersion: 2.80-1\nStatus: install user installed\nArchitecture: mips\n"
        "\nPackage: unrelated\nVersion: 1.0\n";
    input_file files[] = {{"usr/sbin/demod", "Demo/2.78\n", 0},
                          {"usr/lib/opkg/status", status, 0}};
    iotssf_components c;
    scan_files(sigs, files, 2, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].version, "2.78");
    assert_non_null(c.items[0].note);
    assert_non_null(strstr(c.items[0].note, "opkg (demo-full) says 2.80-1, the binary says 2.78"));
    iotssf_components_free(&c);

    /* They agree: one component, high, with both pieces of evidence. */
    input_file agree[] = {{"usr/lib/opkg/info/demo-full.control",
                           "Package: demo-full\nVersion: 2.80-1\nDepends: libc\n", 0},
                          {"usr/sbin/demod", "Demo/2.80\n", 0}};
    scan_files(sigs, agree, 2, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].version, "2.80");
    assert_null(c.items[0].note);
    assert_int_equal(c.items[0].confidence, IOTSSF_CONFIDENCE_HIGH);
    bool opkg = false;
    for (size_t i = 0; i < c.items[0].evidence_count; i++)
        opkg = opkg || strcmp(c.items[0].evidence[i].method, "opkg-status") == 0;
    assert_true(opkg);
    iotssf_components_free(&c);

    /* Only dpkg knows it: medium. A removed package and a source shared by
     * two components (demo-src) name nothing. */
    static const char dpkg[] =
        "Package: demod\nStatus: install ok installed\nSource: demo-src (1:5.1-2)\n"
        "Version: 1:5.1-2+b1\n\n"
        "Package: demo-full\nStatus: deinstall ok config-files\nVersion: 9.9-1\n";
    static const char dpkg_own[] =
        "Package: demo-tools\nStatus: install ok installed\nVersion: 1:5.1-2+b1\n";
    input_file pkg_only[] = {{"var/lib/dpkg/status", dpkg, 0}};
    scan_files(sigs, pkg_only, 1, &c);
    assert_int_equal(c.count, 0);
    iotssf_components_free(&c);
    input_file pkg_own[] = {{"var/lib/dpkg/status", dpkg_own, 0}};
    scan_files(sigs, pkg_own, 1, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].version, "5.1");
    assert_int_equal(c.items[0].confidence, IOTSSF_CONFIDENCE_MEDIUM);
    assert_string_equal(c.items[0].evidence[0].method, "dpkg-status");
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void uimage_name_gives_the_kernel(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    iotssf_error err = {0};
    iotssf_component_scan *s = iotssf_component_scan_new(sigs, &err);
    assert_int_equal(iotssf_component_scan_uimage_name(s, "uimage@0x0", "MIPS OpenWrt Linux-4.14.180",
                                                       &err),
                     IOTSSF_OK);
    assert_int_equal(iotssf_component_scan_uimage_name(s, "uimage@0x9", "ramdisk", &err),
                     IOTSSF_OK);
    iotssf_components c;
    iotssf_components_init(&c);
    assert_int_equal(iotssf_component_scan_finish(s, &c, &err), IOTSSF_OK);
    iotssf_component_scan_free(s);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].id, "linux");
    assert_string_equal(c.items[0].version, "4.14.180");
    assert_string_equal(c.items[0].evidence[0].method, "uimage-header");
    assert_int_equal(c.items[0].file_count, 0);
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void kernel_module_vermagic(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    static const char ko[] = "\x7f" "ELF\0license=GPL\0vermagic=5.10.176 SMP mod_unload MIPS32_R2 32BIT\0";
    input_file files[] = {{"lib/modules/5.10.176/nf_conntrack.ko", ko, sizeof ko - 1},
                          {"usr/lib/notamodule.so", ko, sizeof ko - 1}};
    iotssf_components c;
    scan_files(sigs, files, 2, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].version, "5.10.176");
    assert_string_equal(c.items[0].evidence[0].method, "module-vermagic");
    assert_int_equal(c.items[0].file_count, 1);
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

/* 16 MiB of repeated anchors with no version after them, then one real
 * version at the very end, cut: bounded, quick, partial. */
static void hostile_bytes(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    size_t size = 16u << 20;
    char *big = malloc(size);
    assert_non_null(big);
    static const char unit[] = "dnsmasq-BusyBox vOpenSSL lighttpd/";
    for (size_t i = 0; i < size; i++)
        big[i] = unit[i % (sizeof unit - 1)];
    memcpy(big + size - 12, "dnsmasq-2.8", 11);
    big[size - 1] = '9';
    input_file files[] = {{"usr/sbin/dnsmasq", big, size},
                          {"x", "lighttpd/1.4.6", 0},
                          {"y", "lighttpd/99999999999999999999999999999999999999999999999999"
                                "99999999999999999.1\n", 0}};
    iotssf_components c;
    scan_files(sigs, files, 3, &c);
    free(big);
    const iotssf_component *d = comp_find(&c, "dnsmasq", NULL);
    assert_non_null(d);
    assert_string_equal(d->version, "2.89");
    assert_true(d->version_partial); /* the data ended right after it */
    const iotssf_component *l = comp_find(&c, "lighttpd", NULL);
    assert_non_null(l);
    assert_string_equal(l->version, "1.4.6");
    assert_true(l->version_partial);
    assert_int_equal(c.count, 2); /* the 70-digit "version" was refused */
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

static void globs(void **state)
{
    (void)state;
    assert_true(sig_glob_match("usr/sbin/dnsmasq", "usr/sbin/dnsmasq"));
    assert_false(sig_glob_match("usr/sbin/dnsmasq", "opt/usr/sbin/dnsmasq"));
    assert_true(sig_glob_match("**/libcrypto.so*", "usr/lib/x86_64-linux-gnu/libcrypto.so.3"));
    assert_true(sig_glob_match("**/libcrypto.so*", "libcrypto.so"));
    assert_true(sig_glob_match("*.ko", "lib/modules/5.10/kernel/nf.ko")); /* base name */
    assert_false(sig_glob_match("lib/*.so", "lib/x/y.so"));              /* '*' stops at '/' */
    assert_true(sig_glob_match("lib/?ibc-2.*.so", "lib/libc-2.31.so"));
    assert_false(sig_glob_match("**/ld-musl-*.so.1", "lib/ld-musl-mips.so.2"));
    /* A hostile 4000-byte name against a many-star glob stays quick. */
    static char name[4001];
    memset(name, 'a', 4000);
    assert_false(sig_glob_match("*a*a*a*a*b", name));
}

/* The scan tests only some positions while nothing is half-matched: an
 * anchor must still be found at every offset and right at the end. */
static void anchors_found_at_every_offset(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    for (size_t off = 0; off < 12; off++)
        for (size_t tail = 0; tail < 3; tail++) {
            char buf[64];
            memset(buf, 'x', sizeof buf);
            memcpy(buf + off, "dnsmasq-2.90", 12);
            memset(buf + off + 12, 0, tail);
            input_file files[] = {{"usr/bin/anything", buf, off + 12 + tail}};
            iotssf_components c;
            scan_files(sigs, files, 1, &c);
            if (c.count != 1)
                fail_msg("offset %zu tail %zu: %zu components", off, tail, c.count);
            assert_string_equal(c.items[0].version, "2.90");
            assert_int_equal(c.items[0].version_partial, tail == 0);
            iotssf_components_free(&c);
        }
    iotssf_component_sigs_free(sigs);
}

static void json_and_text(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = demo_sigs();
    input_file files[] = {{"usr/sbin/demod", "Demo/2.4.1\n", 0}};
    iotssf_components c;
    scan_files(sigs, files, 1, &c);
    json_t *j = NULL;
    assert_int_equal(iotssf_components_to_json(&c, &j), IOTSSF_OK);
    assert_int_equal(json_array_size(j), 1);
    json_t *o = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "demo");
    assert_string_equal(json_string_value(json_object_get(o, "version")), "2.4.1");
    assert_string_equal(json_string_value(json_object_get(o, "confidence")), "high");
    assert_true(json_is_false(json_object_get(o, "version_partial")));
    assert_true(json_is_null(json_object_get(o, "note")));
    json_t *f = json_array_get(json_object_get(o, "files"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "path")), "usr/sbin/demod");
    json_t *e = json_array_get(json_object_get(o, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "origin")), "squashfs@0x0");
    json_decref(j);
    char buf[4096] = "";
    FILE *mem = fmemopen(buf, sizeof buf, "w");
    iotssf_components_write_text(mem, &c);
    fclose(mem);
    assert_non_null(strstr(buf, "demo"));
    assert_non_null(strstr(buf, "2.4.1"));
    iotssf_components_free(&c);
    iotssf_component_sigs_free(sigs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_signatures_load),
        cmocka_unit_test(loader_rejects_mistakes),
        cmocka_unit_test(versions_read_where_anchored),
        cmocka_unit_test(bare_names_invent_nothing),
        cmocka_unit_test(cut_versions_are_partial),
        cmocka_unit_test(medium_in_two_files_is_high),
        cmocka_unit_test(package_databases_reconciled),
        cmocka_unit_test(uimage_name_gives_the_kernel),
        cmocka_unit_test(kernel_module_vermagic),
        cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(globs),
        cmocka_unit_test(anchors_found_at_every_offset),
        cmocka_unit_test(json_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
