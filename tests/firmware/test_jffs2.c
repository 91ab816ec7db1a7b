/*
 * JFFS2 reader tests: images made here by mtd-utils' mkfs.jffs2 from a tree
 * holding Debian's static busybox (both byte orders; zlib, lzo, rtime and no
 * compression), checked entry by entry against the tree; the fact_extractor
 * fixtures; and hostile inputs: truncation, flipped bytes, a dirent loop,
 * unlinks and rewrites appended as real nodes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#include <zlib.h>
#include <cmocka.h>

#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_jffs2_le;
extern const fw_format fw_format_jffs2_be;


static char root_dir[4200];
static char work_dir[4096];

static int build_tree(void **state)
{
    (void)state;
    build_devtable_tree("jffs2", work_dir, sizeof work_dir, root_dir, sizeof root_dir);
    return 0;
}

static uint8_t *make_image(const char *name, const char *options, size_t *size)
{
    run_or_fail("cd '%s' && mkfs.jffs2 -U -D devtable -r root -o %s %s", work_dir, name, options);
    return load_in(work_dir, name, size);
}

static void check_image(const fw_format *format, const char *name, const char *options,
                        const char *compression)
{
    size_t size;
    uint8_t *img = make_image(name, options, &size);
    uint64_t length = 0;
    assert_true(format->probe(img, size, &length));
    assert_true(length > size - 65536 && length <= size);
    recording r;
    record_unpack(format, img, size, NULL, &r);
    check_recorded_tree(&r, devtable_tree, devtable_tree_size, root_dir);
    assert_non_null(r.description);
    assert_non_null(strstr(r.description, compression));
    recording_free(&r);
    /* The other byte order must not take it. */
    const fw_format *other = format == &fw_format_jffs2_le ? &fw_format_jffs2_be : &fw_format_jffs2_le;
    assert_false(other->probe(img, size, &length));
    free(img);
}

static void test_little_endian_zlib_padded(void **state)
{
    (void)state;
    check_image(&fw_format_jffs2_le, "le-zlib.img", "-l -e 64KiB --pad", "zlib");
}

static void test_big_endian_lzo(void **state)
{
    (void)state;
    check_image(&fw_format_jffs2_be, "be-lzo.img", "-b -X lzo -x zlib -x rtime -e 128KiB", "lzo");
}

static void test_rtime_and_uncompressed(void **state)
{
    (void)state;
    check_image(&fw_format_jffs2_le, "le-rtime.img", "-l -x zlib -n", "rtime");
    check_image(&fw_format_jffs2_be, "be-none.img", "-b -m none", "none");
}

/* A JFFS2 image inside a larger buffer: the probe's extent ends at the last
 * node, not at what follows. */
static void test_extent_inside_larger_buffer(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("le-plain.img", "-l", &size);
    size_t total = size + 200000;
    uint8_t *buf = malloc(total);
    assert_non_null(buf);
    memcpy(buf, img, size);
    for (size_t i = size; i < total; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    uint64_t length = 0;
    assert_true(fw_format_jffs2_le.probe(buf, total, &length));
    assert_int_equal(length, size);
    recording r;
    record_unpack(&fw_format_jffs2_le, buf, total, NULL, &r);
    check_recorded_tree(&r, devtable_tree, devtable_tree_size, root_dir);
    recording_free(&r);
    free(buf);
    free(img);
}

static void test_corpus_fixtures(void **state)
{
    (void)state;
    static const char *const files[] = {"fact_extractor/jffs2__jffs2_le.img",
                                        "fact_extractor/jffs2__jffs2_be.img"};
    for (int f = 0; f < 2; f++) {
        size_t size;
        uint8_t *img = (uint8_t *)read_file(corpus_path_or_skip(files[f]), &size);
        assert_non_null(img);
        const fw_format *format = f == 0 ? &fw_format_jffs2_le : &fw_format_jffs2_be;
        uint64_t length = 0;
        assert_true(format->probe(img, size, &length));
        assert_int_equal(length, 0x264); /* the four inodes end there; the rest is erased */
        recording r;
        record_unpack(format, img, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_int_equal(r.warning_count, 0);
        assert_int_equal(r.entry_count, 4);
        const recorded_entry *e = recorded_find(&r, "generic folder");
        assert_non_null(e);
        assert_int_equal(e->kind, IOTSSF_FW_DIR);
        assert_int_equal(e->mode, 0775);
        assert_int_equal(e->uid, 1000);
        assert_int_equal(e->gid, 1000);
        static const struct {
            const char *path, *text;
        } files_in[] = {
            {"testfile1", "test file:\ncontent: MyTestRule 1.2.3\nVersion: Program 0.0.0.0\n"},
            {"testfile2", "This is the second test file"},
            {"generic folder/test file 3_.txt", "The third test file!"},
        };
        for (int i = 0; i < 3; i++) {
            e = recorded_find(&r, files_in[i].path);
            assert_non_null(e);
            assert_int_equal(e->kind, IOTSSF_FW_FILE);
            assert_int_equal(e->mode, 0664);
            assert_int_equal(e->uid, 1000);
            assert_int_equal(e->size, strlen(files_in[i].text));
            assert_memory_equal(e->data, files_in[i].text, e->size);
        }
        recording_free(&r);
        free(img);
    }
}

/* --- Hostile and edited images: real nodes appended with their CRCs. --- */

static uint32_t jcrc(const uint8_t *p, size_t n)
{
    return ~(uint32_t)crc32(0xFFFFFFFFul, p, (uInt)n);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct image {
    uint8_t *data;
    size_t size;
} image;

static void append(image *img, const uint8_t *node, size_t len)
{
    size_t padded = (len + 3) & ~(size_t)3;
    img->data = realloc(img->data, img->size + padded);
    assert_non_null(img->data);
    memset(img->data + img->size, 0xFF, padded);
    memcpy(img->data + img->size, node, len);
    img->size += padded;
}

static void append_dirent(image *img, uint32_t pino, uint32_t version, uint32_t ino,
                          const char *name, uint8_t type)
{
    uint8_t n[40 + 255] = {0};
    size_t nsize = strlen(name);
    put16(n, 0x1985);
    put16(n + 2, 0xE001);
    put32(n + 4, (uint32_t)(40 + nsize));
    put32(n + 8, jcrc(n, 8));
    put32(n + 12, pino);
    put32(n + 16, version);
    put32(n + 20, ino);
    n[28] = (uint8_t)nsize;
    n[29] = type;
    put32(n + 32, jcrc(n, 32));
    put32(n + 36, jcrc((const uint8_t *)name, nsize));
    memcpy(n + 40, name, nsize);
    append(img, n, 40 + nsize);
}

static void append_raw_inode(image *img, uint32_t ino, uint32_t version, uint32_t mode,
                             uint32_t isize, uint32_t offset, const uint8_t *bytes, size_t len,
                             uint8_t compr, uint32_t dsize)
{
    uint8_t *n = calloc(1, 68 + len);
    assert_non_null(n);
    put16(n, 0x1985);
    put16(n + 2, 0xE002);
    put32(n + 4, (uint32_t)(68 + len));
    put32(n + 8, jcrc(n, 8));
    put32(n + 12, ino);
    put32(n + 16, version);
    put32(n + 20, mode);
    put32(n + 28, isize);
    put32(n + 44, offset);
    put32(n + 48, (uint32_t)len);
    put32(n + 52, dsize);
    n[56] = compr;
    if (len)
        memcpy(n + 68, bytes, len);
    put32(n + 60, jcrc(n + 68, len));
    put32(n + 64, jcrc(n, 60));
    append(img, n, 68 + len);
    free(n);
}

static void append_inode(image *img, uint32_t ino, uint32_t version, uint32_t mode, uint32_t isize,
                         uint32_t offset, const char *bytes)
{
    uint8_t n[68 + 256] = {0};
    size_t len = bytes ? strlen(bytes) : 0;
    put16(n, 0x1985);
    put16(n + 2, 0xE002);
    put32(n + 4, (uint32_t)(68 + len));
    put32(n + 8, jcrc(n, 8));
    put32(n + 12, ino);
    put32(n + 16, version);
    put32(n + 20, mode);
    put32(n + 28, isize);
    put32(n + 44, offset);
    put32(n + 48, (uint32_t)len);
    put32(n + 52, (uint32_t)len);
    memcpy(n + 68, bytes ? bytes : "", len);
    put32(n + 60, jcrc(n + 68, len));
    put32(n + 64, jcrc(n, 60));
    append(img, n, 68 + len);
}

/* The dirent naming `name` in a little-endian image: its ino and pino. */
static void find_dirent(const image *img, const char *name, uint32_t *pino, uint32_t *ino)
{
    size_t nsize = strlen(name);
    for (size_t pos = 0; pos + 40 + nsize <= img->size; pos += 4) {
        const uint8_t *p = img->data + pos;
        if (p[0] == 0x85 && p[1] == 0x19 && p[2] == 0x01 && p[3] == 0xE0 && p[28] == nsize &&
            memcmp(p + 40, name, nsize) == 0) {
            *pino = get32(p + 12);
            *ino = get32(p + 20);
            return;
        }
    }
    fail_msg("no dirent for %s", name);
}

static void test_versions_unlink_rename_and_loops(void **state)
{
    (void)state;
    image img;
    img.data = make_image("le-edit.img", "-l", &img.size);
    uint32_t etc, passwd, empty, var, sparse, root;
    find_dirent(&img, "passwd", &etc, &passwd);
    find_dirent(&img, "empty", &etc, &empty);
    find_dirent(&img, "sparse", &var, &sparse);
    find_dirent(&img, "etc", &root, &etc);
    assert_int_equal(root, 1);
    /* Unlink etc/passwd; rename var/sparse to var/moved; rewrite etc/empty;
     * add a file with a hole and a cut-back (truncated) tail. */
    append_dirent(&img, etc, 1000, 0, "passwd", 8);
    append_dirent(&img, var, 1001, 0, "sparse", 8);
    append_dirent(&img, var, 1002, sparse, "moved", 8);
    append_inode(&img, empty, 50, 0100640, 3, 0, "new");
    append_dirent(&img, etc, 1003, 500, "holes", 8);
    append_inode(&img, 500, 1, 0100600, 12, 8, "abcd");
    append_inode(&img, 500, 2, 0100600, 10, 10, NULL);
    append_inode(&img, 500, 3, 0100600, 12, 11, "Z");
    /* Two directories that name each other as parent: a loop. */
    append_dirent(&img, 601, 1004, 600, "loop-a", 4);
    append_dirent(&img, 600, 1005, 601, "loop-b", 4);
    append_inode(&img, 600, 1, 040755, 0, 0, NULL);
    append_inode(&img, 601, 1, 040755, 0, 0, NULL);
    append_dirent(&img, 600, 1006, 602, "inside", 8);
    append_inode(&img, 602, 1, 0100644, 2, 0, "hi");
    /* A name whose parent does not exist: an orphan. */
    append_dirent(&img, 700, 1007, 602, "orphan", 8);

    recording r;
    record_unpack(&fw_format_jffs2_le, img.data, img.size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_null(recorded_find(&r, "etc/passwd"));
    assert_null(recorded_find(&r, "var/sparse"));
    const recorded_entry *e = recorded_find(&r, "var/moved");
    assert_non_null(e);
    assert_int_equal(e->size, 100003);
    assert_memory_equal(e->data + 100000, "end", 3);
    e = recorded_find(&r, "etc/empty");
    assert_non_null(e);
    assert_int_equal(e->mode, 0640);
    assert_int_equal(e->size, 3);
    assert_memory_equal(e->data, "new", 3);
    e = recorded_find(&r, "etc/holes");
    assert_non_null(e);
    assert_int_equal(e->size, 12);
    /* "abcd" at 8, cut back to 10 bytes, then "Z" at 11: byte 10 is zero. */
    assert_memory_equal(e->data, "\0\0\0\0\0\0\0\0ab\0Z", 12);
    for (size_t i = 0; i < r.entry_count; i++)
        assert_null(strstr(r.entries[i].path, "loop"));
    assert_null(recorded_find(&r, "orphan"));
    bool loop_warned = false, orphan_warned = false;
    for (size_t i = 0; i < r.warning_count; i++) {
        loop_warned |= strstr(r.warnings[i], "loop") != NULL;
        orphan_warned |= strstr(r.warnings[i], "orphan") != NULL;
    }
    assert_true(loop_warned);
    assert_true(orphan_warned);
    assert_int_equal(r.entry_count, devtable_tree_size - 1 + 1);
    assert_non_null(recorded_find(&r, "bin/busybox"));
    recording_free(&r);
    free(img.data);
}

/* JFFS2's LZMA compressor (OpenWrt kernels; Debian's mkfs.jffs2 lacks it):
 * raw LZMA1 with lc=0 lp=0 pb=0 and an 8 KiB dictionary, here from
 * liblzma's encoder, in 4 KiB nodes of a new file. */
static void test_lzma_nodes(void **state)
{
    (void)state;
    image img;
    img.data = make_image("le-lzma.img", "-l", &img.size);
    char path[4300];
    size_t bb_size;
    snprintf(path, sizeof path, "%s/bin/busybox", root_dir);
    uint8_t *bb = (uint8_t *)read_file(path, &bb_size);
    assert_non_null(bb);
    const size_t want = 3 * 4096 + 100;
    lzma_options_lzma opt;
    assert_false(lzma_lzma_preset(&opt, 6));
    opt.dict_size = 0x2000;
    opt.lc = 0;
    opt.lp = 0;
    opt.pb = 0;
    lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
    for (uint32_t block = 0; block * 4096 < want; block++) {
        size_t chunk = want - block * 4096 < 4096 ? want - block * 4096 : 4096;
        uint8_t packed[8192];
        size_t packed_len = 0;
        assert_int_equal(lzma_raw_buffer_encode(filters, NULL, bb + block * 4096, chunk, packed,
                                                &packed_len, sizeof packed),
                         LZMA_OK);
        append_raw_inode(&img, 900, block + 1, 0100755, (uint32_t)(block * 4096 + chunk),
                         block * 4096, packed, packed_len, 8, (uint32_t)chunk);
    }
    append_dirent(&img, 1, 5000, 900, "lzma.bin", 8);
    recording r;
    record_unpack(&fw_format_jffs2_le, img.data, img.size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    const recorded_entry *e = recorded_find(&r, "lzma.bin");
    assert_non_null(e);
    assert_int_equal(e->size, want);
    assert_memory_equal(e->data, bb, want);
    assert_non_null(strstr(r.description, "lzma"));
    recording_free(&r);
    free(bb);
    free(img.data);
}

static void test_truncated_and_flipped(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("le-hostile.img", "-l -e 64KiB", &size);
    static const double cuts[] = {0.0001, 0.1, 0.5, 0.97};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        size_t cut = (size_t)(size * cuts[c]) | 1; /* mid-node, unaligned */
        uint8_t *part = malloc(cut);
        assert_non_null(part);
        memcpy(part, img, cut);
        recording r;
        record_unpack(&fw_format_jffs2_le, part, cut, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.entry_count < devtable_tree_size || r.warning_count > 0);
        assert_true(r.warning_count > 0);
        recording_free(&r);
        free(part);
    }
    srand(20240601);
    for (int round = 0; round < 8; round++) {
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, img, size);
        for (int k = 0; k < 40; k++)
            bad[(size_t)rand() % size] ^= (uint8_t)(1 + rand() % 255);
        recording r;
        record_unpack(&fw_format_jffs2_le, bad, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.warning_count > 0);
        recording_free(&r);
        free(bad);
    }
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_little_endian_zlib_padded),
        cmocka_unit_test(test_big_endian_lzo),
        cmocka_unit_test(test_rtime_and_uncompressed),
        cmocka_unit_test(test_extent_inside_larger_buffer),
        cmocka_unit_test(test_corpus_fixtures),
        cmocka_unit_test(test_versions_unlink_rename_and_loops),
        cmocka_unit_test(test_lzma_nodes),
        cmocka_unit_test(test_truncated_and_flipped),
    };
    return cmocka_run_group_tests(tests, build_tree, NULL);
}
