/*
 * romfs reader tests: images made here by genromfs from a tree holding
 * Debian's static busybox (hard link, symlinks, genromfs' @name device
 * notation, a FIFO, 512-byte data alignment), checked entry by entry; the
 * fact_extractor and binwalk fixtures; and hostile inputs: truncation,
 * flipped bytes, a header chain that loops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_romfs;

/* romfs keeps no owners or permissions: modes are the Linux driver's. */
static const expected_entry tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"bin/busybox", IOTSSF_FW_FILE, 0755, 0, 0, "bin/busybox", NULL},
    {"bin/ls", IOTSSF_FW_HARDLINK, 0755, 0, 0, NULL, "bin/busybox"},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, 0, 0, NULL, "busybox"},
    {"dev", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"dev/console", IOTSSF_FW_CHARDEV, 0600, 0, 0, NULL, NULL},
    {"dev/mtdblock0", IOTSSF_FW_BLOCKDEV, 0600, 0, 0, NULL, NULL},
    {"etc", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, 0, 0, "etc/empty", NULL},
    {"etc/init.d", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"etc/init.d/rcS", IOTSSF_FW_FILE, 0755, 0, 0, "etc/init.d/rcS", NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0644, 0, 0, "etc/passwd", NULL},
    {"tmp", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"tmp/fifo", IOTSSF_FW_FIFO, 0644, 0, 0, NULL, NULL},
    {"usr", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"usr/lib", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"usr/lib/link", IOTSSF_FW_SYMLINK, 0777, 0, 0, NULL, "../../bin/busybox"},
    {"var", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"var/sparse", IOTSSF_FW_FILE, 0644, 0, 0, "var/sparse", NULL},
};
enum { TREE_SIZE = sizeof tree / sizeof tree[0] };

static char work_dir[4096];
static char root_dir[4200];

static int build_tree(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("romfs"));
    snprintf(root_dir, sizeof root_dir, "%s/root", work_dir);
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/etc/init.d root/var root/usr/lib "
                "root/dev root/tmp && cp '%s/bin/busybox' root/bin/ && chmod 755 root/bin/busybox "
                "&& ln root/bin/busybox root/bin/ls && ln -s busybox root/bin/sh && "
                "ln -s ../../bin/busybox root/usr/lib/link && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && "
                "chmod 600 root/etc/passwd && printf '#!/bin/sh\\necho up\\n' > root/etc/init.d/rcS "
                "&& chmod 755 root/etc/init.d/rcS && : > root/etc/empty && "
                "truncate -s 100000 root/var/sparse && printf end >> root/var/sparse && "
                "touch 'root/dev/@console,c,5,1' 'root/dev/@mtdblock0,b,31,0' 'root/tmp/@fifo,p,0,0'",
                work_dir, fixture_debian_dir("busybox-static"));
    return 0;
}

static uint8_t *make_image(const char *name, const char *options, size_t *size)
{
    run_or_fail("cd '%s' && genromfs -f %s -d root -V 'iotssf test' %s", work_dir, name, options);
    return load_in(work_dir, name, size);
}

/* genromfs may list either name of a hard-linked file first; the first one
 * read holds the bytes and the other links to it. */
static const expected_entry *expectation(const recording *r, const expected_entry *x,
                                          expected_entry *swapped)
{
    if (strcmp(x->path, "bin/busybox") != 0 && strcmp(x->path, "bin/ls") != 0)
        return x;
    const recorded_entry *ls = recorded_find(r, "bin/ls");
    if (!ls || ls->kind != IOTSSF_FW_FILE)
        return x;
    if (strcmp(x->path, "bin/ls") == 0)
        *swapped = (expected_entry){"bin/ls", IOTSSF_FW_FILE, 0755, 0, 0, "bin/busybox", NULL};
    else
        *swapped = (expected_entry){"bin/busybox", IOTSSF_FW_HARDLINK, 0755, 0, 0, NULL, "bin/ls"};
    return swapped;
}

static void check_tree(const recording *r)
{
    check_clean_unpack(r, TREE_SIZE);
    for (size_t i = 0; i < TREE_SIZE; i++) {
        expected_entry swapped;
        check_tree_entry(r, expectation(r, &tree[i], &swapped), root_dir);
    }
}

static void test_genromfs_image(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("plain.img", "", &size);
    uint64_t length = 0;
    assert_true(fw_format_romfs.probe(img, size, &length));
    assert_true(length <= size && length > size - 1024);
    recording r;
    record_unpack(&fw_format_romfs, img, size, NULL, &r);
    check_tree(&r);
    assert_non_null(strstr(r.description, "iotssf test"));
    recording_free(&r);
    free(img);
}

static void test_aligned_data(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("aligned.img", "-a 512 -A '4096,busybox'", &size);
    recording r;
    record_unpack(&fw_format_romfs, img, size, NULL, &r);
    check_tree(&r);
    recording_free(&r);
    free(img);
}

static void check_standard_set(const char *fixture)
{
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip(fixture), &size);
    uint64_t length = 0;
    assert_true(fw_format_romfs.probe(img, size, &length));
    assert_int_equal(length, 0x1b0);
    recording r;
    record_unpack(&fw_format_romfs, img, size, NULL, &r);
    check_standard_content(&r);
    assert_int_equal(recorded_find(&r, "generic folder")->mode, 0755);
    for (int i = 0; i < STANDARD_FILE_COUNT; i++)
        assert_int_equal(recorded_find(&r, standard_files[i].path)->mode, 0644);
    recording_free(&r);
    free(img);
}

static void test_corpus_fact_extractor(void **state)
{
    (void)state;
    check_standard_set("fact_extractor/generic_fs__romfs.img");
}

static void test_corpus_binwalk(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = (uint8_t *)read_file(corpus_path_or_skip("binwalk3/romfs.bin"), &size);
    assert_non_null(img);
    uint64_t length = 0;
    assert_true(fw_format_romfs.probe(img, size, &length));
    assert_int_equal(length, 0xf0);
    recording r;
    record_unpack(&fw_format_romfs, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.entry_count, 1);
    const recorded_entry *e = recorded_find(&r, "lsb-release");
    assert_non_null(e);
    assert_int_equal(e->kind, IOTSSF_FW_FILE);
    assert_int_equal(e->mode, 0644);
    static const char text[] = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"
                               "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.5 LTS\"\n";
    assert_int_equal(e->size, sizeof text - 1);
    assert_memory_equal(e->data, text, sizeof text - 1);
    recording_free(&r);
    free(img);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Points the last header of the root directory back at the root's first
 * header, keeping every checksum right: a loop. */
static void test_looping_chain(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("loop.img", "", &size);
    uint32_t first = 0x20; /* after "iotssf test\0" padded to 16 */
    uint32_t at = first, last = first;
    for (int hops = 0; at && hops < 64; hops++) {
        last = at;
        at = be32(img + at) & ~15u;
    }
    assert_int_equal(at, 0);
    uint32_t old = be32(img + last), sum_word = be32(img + last + 12);
    uint32_t changed = old | first;
    put_be32(img + last, changed);
    put_be32(img + last + 12, sum_word - (changed - old));
    recording r;
    record_unpack(&fw_format_romfs, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.entry_count, TREE_SIZE);
    assert_int_equal(r.warning_count, 1);
    assert_non_null(strstr(r.warnings[0], "loops back to 0x20"));
    recording_free(&r);
    free(img);
}

static void test_truncated_and_flipped(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("hostile.img", "", &size);
    static const size_t cuts[] = {600, 1500, 5000, 1000000};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        recording r;
        record_unpack(&fw_format_romfs, img, cuts[c], NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.entry_count < TREE_SIZE);
        assert_true(r.warning_count > 0);
        recording_free(&r);
    }
    srand(424242);
    for (int round = 0; round < 16; round++) {
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, img, size);
        /* Even rounds flip bytes among the headers after the superblock's
         * checksummed span (every header has its own checksum); odd rounds
         * anywhere past it. */
        for (int k = 0; k < 6; k++) {
            size_t at = round % 2 ? 512 + (size_t)rand() % (size - 512) : 512 + (size_t)rand() % 512;
            bad[at] ^= (uint8_t)(1 + rand() % 255);
        }
        recording r;
        record_unpack(&fw_format_romfs, bad, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        if (round % 2 == 0)
            assert_true(r.warning_count > 0 && r.entry_count < TREE_SIZE);
        recording_free(&r);
        free(bad);
    }
    /* A superblock whose checksum is wrong is not romfs. */
    img[20] ^= 1;
    uint64_t length;
    assert_false(fw_format_romfs.probe(img, size, &length));
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_genromfs_image),
        cmocka_unit_test(test_aligned_data),
        cmocka_unit_test(test_corpus_fact_extractor),
        cmocka_unit_test(test_corpus_binwalk),
        cmocka_unit_test(test_looping_chain),
        cmocka_unit_test(test_truncated_and_flipped),
    };
    return cmocka_run_group_tests(tests, build_tree, NULL);
}
