/*
 * YAFFS2 reader tests. Debian ships no yaffs2 image maker (only unyaffs, an
 * extractor), so the tests rest on the corpus: the fact_extractor images
 * (both byte orders, tags after two bad-block bytes, with ECC) and binwalk's
 * yaffs2.bin (tags at spare offset 0), whose content is the source of
 * Aleph One's mkyaffs2image. That source, as this reader extracts it, is
 * compiled here and run on a tree holding Debian's static busybox, in both
 * byte orders, so symlinks, hard links, FIFOs and multi-chunk files are
 * checked too. Hostile inputs: truncation, flipped bytes, a parent loop, and
 * files of other formats that the strict probe must refuse.
 */
#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_yaffs2;

static char work_dir[4096];
static char tool[4200];
static char root_dir[4200];

static void sha256_hex(const uint8_t *data, size_t size, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(data, size, md, &len, EVP_sha256(), NULL), 1);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void check_standard_set(const char *fixture)
{
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip(fixture), &size);
    uint64_t length = 0;
    assert_true(fw_format_yaffs2.probe(img, size, &length));
    assert_int_equal(length, size); /* 7 chunks of 2048+64, all used */
    recording r;
    record_unpack(&fw_format_yaffs2, img, size, NULL, &r);
    check_standard_content(&r);
    assert_non_null(strstr(r.description, "2048+64 pages, tags at spare offset 2"));
    const recorded_entry *e = recorded_find(&r, "generic folder");
    assert_int_equal(e->mode, 0755);
    assert_int_equal(e->uid, 1000);
    assert_int_equal(e->gid, 1000);
    for (int i = 0; i < STANDARD_FILE_COUNT; i++) {
        e = recorded_find(&r, standard_files[i].path);
        assert_int_equal(e->mode, 0644);
        assert_int_equal(e->uid, 1000);
    }
    recording_free(&r);
    free(img);
}

static void test_corpus_little_endian(void **state)
{
    (void)state;
    check_standard_set("fact_extractor/yaffs__yaffs2_le.img");
}

static void test_corpus_big_endian(void **state)
{
    (void)state;
    check_standard_set("fact_extractor/yaffs__yaffs2_be.img");
}

/* binwalk's yaffs2.bin: 13 files of the mkyaffs2image sources; sizes and
 * digests as unyaffs (Debian's extractor) wrote them. */
static const struct {
    const char *path;
    size_t size;
    const char *sha256;
} mkyaffs2_sources[] = {
    {"mkyaffs2image.c", 15107, "bbb126ff5a49762055a6310186c9c5dd22534198fbd8ed77f6d768983af491a3"},
    {"mkyaffsimage.c", 13967, "458a399ed17e23c2d16364efe8184a05ba7a2cdb0132ffaccc106ccc889be53b"},
    {"yaffs_ecc.c", 7143, "6ccece2209c40c37fa28059f028a6b281cea356ba469d0269f454514231b62a5"},
    {"yaffs_ecc.h", 1440, "b9edc75b3458e8f66d99090c045bfe05ba6a0fe0ff3fb1c81c78e8d6b8aebb66"},
    {"yaffs_guts.h", 27266, "4e2568ade2817ec84dfbfa6ff199093c5f72569d0cad8d66dedcdd59091d08d6"},
    {"yaffs_hweight.c", 1689, "c3f4ad3231fee2c3068a637d570b3bd0047892abafa23e592e9858238e91106c"},
    {"yaffs_hweight.h", 656, "cfdb4a66b0eace2574beb10b45992863d6d85898237054abac3c3ecc8840d138"},
    {"yaffs_list.h", 3086, "1361569577d3d861d032df44d50634041268bb5eb5832ddb8eb7b0f3a48031b0"},
    {"yaffs_packedtags2.c", 5169, "5aa74e1a24241df858704c3baba1bb281f026d42fa64dbb79803071edb5786f6"},
    {"yaffs_packedtags2.h", 1447, "0375517fd4e0eec0254322751138c13472226a5f5c93dfcada6da1bc26c63708"},
    {"yaffs_trace.h", 1769, "6fcbe6ee192dc9516cc39f974af3f3c538dcb8833f87d946253fe72652328e2d"},
    {"yportenv.h", 4903, "cf9b21c9374b765524ac9c3f84f7a29690676cccf4d2138c2bcce66135f6b084"},
    {"yutilsenv.h", 844, "d17b77b186792ba473247dce5f2de9916b70f79667a4b77ded186a4425296b52"},
};
enum { SOURCE_COUNT = sizeof mkyaffs2_sources / sizeof mkyaffs2_sources[0] };

static void test_corpus_binwalk(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip("binwalk3/yaffs2.bin"), &size);
    uint64_t length = 0;
    assert_true(fw_format_yaffs2.probe(img, size, &length));
    recording r;
    record_unpack(&fw_format_yaffs2, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.entry_count, SOURCE_COUNT);
    assert_non_null(strstr(r.description, "tags at spare offset 0, little-endian"));
    for (size_t i = 0; i < SOURCE_COUNT; i++) {
        const recorded_entry *e = recorded_find(&r, mkyaffs2_sources[i].path);
        if (!e)
            fail_msg("missing %s", mkyaffs2_sources[i].path);
        assert_int_equal(e->kind, IOTSSF_FW_FILE);
        assert_int_equal(e->mode, 0664);
        assert_int_equal(e->uid, 1000);
        assert_int_equal(e->size, mkyaffs2_sources[i].size);
        char digest[65];
        sha256_hex(e->data, e->size, digest);
        assert_string_equal(digest, mkyaffs2_sources[i].sha256);
    }
    assert_int_equal(length, 60 * 2112); /* 13 headers + 47 data chunks; the rest erased */
    recording_free(&r);
    free(img);
}

/* Builds mkyaffs2image from the sources binwalk's image holds, as extracted
 * by this reader. Skips when the corpus is absent. */
static void build_tool(void)
{
    if (tool[0])
        return;
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip("binwalk3/yaffs2.bin"), &size);
    recording r;
    record_unpack(&fw_format_yaffs2, img, size, NULL, &r);
    char src[4200];
    snprintf(src, sizeof src, "%s/src", work_dir);
    run_or_fail("mkdir -p '%s'", src);
    for (size_t i = 0; i < r.entry_count; i++) {
        char path[8400];
        snprintf(path, sizeof path, "%s/%s", src, r.entries[i].path);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(r.entries[i].data, 1, r.entries[i].size, f), r.entries[i].size);
        fclose(f);
    }
    recording_free(&r);
    free(img);
    snprintf(tool, sizeof tool, "%s/mkyaffs2image", work_dir);
    run_or_fail("cd '%s' && cc -w -DCONFIG_YAFFS_UTIL -DCONFIG_YAFFS_DEFINES_TYPES -o '%s' -I. mkyaffs2image.c yaffs_ecc.c yaffs_packedtags2.c "
                "yaffs_hweight.c",
                src, tool);
}

static int setup(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("yaffs2"));
    snprintf(root_dir, sizeof root_dir, "%s/root", work_dir);
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/etc/init.d root/var root/usr/lib "
                "root/tmp && chmod 1777 root/tmp && cp '%s/bin/busybox' root/bin/ && "
                "chmod 755 root/bin/busybox && ln root/bin/busybox root/bin/ls && "
                "ln -s busybox root/bin/sh && ln -s ../../bin/busybox root/usr/lib/link && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && "
                "chmod 600 root/etc/passwd && printf '#!/bin/sh\\necho up\\n' > root/etc/init.d/rcS "
                "&& chmod 4755 root/etc/init.d/rcS && : > root/etc/empty && "
                "truncate -s 100000 root/var/sparse && printf end >> root/var/sparse && "
                "mkfifo -m 644 root/tmp/fifo",
                work_dir, fixture_debian_dir("busybox-static"));
    return 0;
}

typedef struct expected {
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode;
    const char *source;
    const char *target;
} expected;

static const expected tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"bin/busybox", IOTSSF_FW_FILE, 0755, "bin/busybox", NULL},
    {"bin/ls", IOTSSF_FW_HARDLINK, 0755, NULL, "bin/busybox"},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, NULL, "busybox"},
    {"etc", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, "etc/empty", NULL},
    {"etc/init.d", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"etc/init.d/rcS", IOTSSF_FW_FILE, 04755, "etc/init.d/rcS", NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0600, "etc/passwd", NULL},
    {"tmp", IOTSSF_FW_DIR, 01777, NULL, NULL},
    {"tmp/fifo", IOTSSF_FW_FIFO, 0644, NULL, NULL},
    {"usr", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"usr/lib", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"usr/lib/link", IOTSSF_FW_SYMLINK, 0777, NULL, "../../bin/busybox"},
    {"var", IOTSSF_FW_DIR, 0755, NULL, NULL},
    {"var/sparse", IOTSSF_FW_FILE, 0644, "var/sparse", NULL},
};
enum { TREE_SIZE = sizeof tree / sizeof tree[0] };

static uint8_t *make_image(const char *name, bool big_endian, size_t *size)
{
    build_tool();
    run_or_fail("cd '%s' && '%s' root %s %s", work_dir, tool, name, big_endian ? "convert" : "");
    return load_in(work_dir, name, size);
}

/* mkyaffs2image meets the two names of a hard-linked file in directory
 * order; the first holds the bytes and the other links to it. Its hard-link
 * detection is unreliable (a miscounted bsearch table), so both names may
 * also come out as separate copies of the file. */
static const expected *expectation(const recording *r, const expected *x, expected *swapped)
{
    if (strcmp(x->path, "bin/ls") != 0 && strcmp(x->path, "bin/busybox") != 0)
        return x;
    const recorded_entry *ls = recorded_find(r, "bin/ls");
    const recorded_entry *bb = recorded_find(r, "bin/busybox");
    if (!ls || !bb || ls->kind != IOTSSF_FW_FILE)
        return x;
    if (strcmp(x->path, "bin/ls") == 0)
        *swapped = (expected){"bin/ls", IOTSSF_FW_FILE, 0755, "bin/busybox", NULL};
    else if (bb->kind == IOTSSF_FW_FILE)
        *swapped = (expected){"bin/busybox", IOTSSF_FW_FILE, 0755, "bin/busybox", NULL};
    else
        *swapped = (expected){"bin/busybox", IOTSSF_FW_HARDLINK, 0755, NULL, "bin/ls"};
    return swapped;
}

static void check_tree(const recording *r)
{
    check_clean_unpack(r, TREE_SIZE);
    for (size_t i = 0; i < TREE_SIZE; i++) {
        expected swapped;
        const expected *x = expectation(r, &tree[i], &swapped);
        const recorded_entry *e = must_find_entry(r, x->path);
        assert_int_equal(e->kind, x->kind);
        assert_int_equal(e->mode, x->mode);
        assert_int_equal(e->uid, getuid());
        check_link_target(e, x->target);
        if (x->source)
            check_bytes_of(e, root_dir, x->source);
    }
}

static void test_mkyaffs2image_both_orders(void **state)
{
    (void)state;
    for (int be = 0; be < 2; be++) {
        size_t size;
        uint8_t *img = make_image(be ? "be.img" : "le.img", be, &size);
        uint64_t length = 0;
        assert_true(fw_format_yaffs2.probe(img, size, &length));
        assert_true(length > size - 64 * 2112 && length <= size);
        recording r;
        record_unpack(&fw_format_yaffs2, img, size, NULL, &r);
        check_tree(&r);
        assert_non_null(strstr(r.description, be ? "big-endian" : "little-endian"));
        recording_free(&r);
        free(img);
    }
}

static void test_hostile(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("hostile.img", false, &size);
    size_t stride = 2112, chunks = size / stride;
    /* Cut mid-chunk at several points: whatever is read is partial and
     * says so. */
    static const double cuts[] = {0.02, 0.3, 0.6, 0.9};
    for (size_t c = 0; c < 4; c++) {
        size_t cut = (size_t)(chunks * cuts[c]) * stride + 1000;
        recording r;
        record_unpack(&fw_format_yaffs2, img, cut, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.entry_count < TREE_SIZE || r.warning_count > 0);
        recording_free(&r);
    }
    /* Flipped bytes in the spare areas (tags) and anywhere. */
    srand(7031);
    for (int round = 0; round < 12; round++) {
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, img, size);
        for (int k = 0; k < 30; k++) {
            size_t chunk = 1 + (size_t)rand() % (chunks - 1);
            size_t at = round % 2 ? chunk * stride + 2048 + (size_t)rand() % 18
                                  : (size_t)rand() % size;
            bad[at] ^= (uint8_t)(1 + rand() % 255);
        }
        recording r;
        record_unpack(&fw_format_yaffs2, bad, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        if (round % 2)
            assert_true(r.warning_count > 0);
        recording_free(&r);
        free(bad);
    }
    free(img);
}

/* The first object (a file in the root) made its own parent: a loop. */
static void test_parent_loop(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip("fact_extractor/yaffs__yaffs2_le.img"), &size);
    /* Object 0x103 is "generic folder"; make it its own parent. */
    size_t stride = 2112;
    size_t folder = 4 * stride;
    assert_memory_equal(img + folder + 10, "generic folder", 14);
    img[folder + 4] = 0x03;
    img[folder + 5] = 0x01;
    recording r;
    record_unpack(&fw_format_yaffs2, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.entry_count, 2);
    assert_non_null(recorded_find(&r, "testfile1"));
    assert_non_null(recorded_find(&r, "testfile2"));
    bool loop = false;
    for (size_t i = 0; i < r.warning_count; i++)
        loop |= strstr(r.warnings[i], "loop") != NULL;
    assert_true(loop);
    recording_free(&r);
    free(img);
}

/* Other formats, and the chunks of a yaffs2 image after the first, are not
 * yaffs2 at offset 0. */
static void test_probe_refuses_others(void **state)
{
    (void)state;
    char path[4300];
    size_t size;
    snprintf(path, sizeof path, "%s/bin/busybox", root_dir);
    uint8_t *bb = load_or_fail(path, &size);
    uint64_t length;
    assert_false(fw_format_yaffs2.probe(bb, size, &length));
    free(bb);
    static const char *const others[] = {"fact_extractor/jffs2__jffs2_le.img",
                                         "fact_extractor/squashFS__xz.sqfs",
                                         "fact_extractor/generic_fs__romfs.img",
                                         "fact_extractor/ubi__test.ubifs"};
    for (int i = 0; i < 4; i++) {
        uint8_t *img = load_or_fail(corpus_path_or_skip(others[i]), &size);
        assert_false(fw_format_yaffs2.probe(img, size, &length));
        free(img);
    }
    uint8_t *img = load_or_fail(corpus_path_or_skip("fact_extractor/yaffs__yaffs2_le.img"), &size);
    assert_false(fw_format_yaffs2.probe(img + 2112, size - 2112, &length)); /* data */
    uint8_t zeros[4224] = {0};
    assert_false(fw_format_yaffs2.probe(zeros, sizeof zeros, &length));
    memset(zeros, 0xFF, sizeof zeros);
    assert_false(fw_format_yaffs2.probe(zeros, sizeof zeros, &length));
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_little_endian),
        cmocka_unit_test(test_corpus_big_endian),
        cmocka_unit_test(test_corpus_binwalk),
        cmocka_unit_test(test_mkyaffs2image_both_orders),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_parent_loop),
        cmocka_unit_test(test_probe_refuses_others),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
