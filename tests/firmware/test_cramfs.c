/*
 * cramfs reader tests: images made here by util-linux's mkfs.cramfs (both
 * byte orders, with and without explicit holes) from a tree holding
 * Debian's static busybox, checked entry by entry against the tree; the
 * fact_extractor and binwalk fixtures; and hostile inputs: truncation,
 * flipped bytes, a directory that refers back to its parent, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_cramfs_le, fw_format_cramfs_be;

#define MANY 300

typedef struct expected {
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode;
    bool content;       /* the entry holds the tree file's bytes */
    const char *target; /* symlink target */
} expected;

static const expected tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, false, NULL},
    {"bin/busybox", IOTSSF_FW_FILE, 0755, true, NULL},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, false, "busybox"},
    {"bin/su-helper", IOTSSF_FW_FILE, 04755, true, NULL},
    {"data", IOTSSF_FW_DIR, 0755, false, NULL},
    {"data/big", IOTSSF_FW_FILE, 0644, true, NULL},
    {"data/holes", IOTSSF_FW_FILE, 0644, true, NULL},
    {"etc", IOTSSF_FW_DIR, 0755, false, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, true, NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0600, true, NULL},
    {"many", IOTSSF_FW_DIR, 0755, false, NULL},
    {"tmp", IOTSSF_FW_DIR, 01777, false, NULL},
    {"tmp/fifo", IOTSSF_FW_FIFO, 0644, false, NULL},
};
enum { TREE_SIZE = sizeof tree / sizeof tree[0] };

static char work_dir[4096];
static char root_dir[4200];
static bool have_device; /* only root can make dev/console */

static int build_tree(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("cramfs"));
    snprintf(root_dir, sizeof root_dir, "%s/root", work_dir);
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/data root/etc root/many root/tmp && "
                "chmod 1777 root/tmp && cp '%s/bin/busybox' root/bin/busybox && chmod 755 root/bin/busybox && "
                "ln -s busybox root/bin/sh && printf '#!/bin/sh\\nexec id\\n' > root/bin/su-helper && "
                "chmod 4755 root/bin/su-helper && head -c 307200 root/bin/busybox > root/data/big && "
                "truncate -s 40000 root/data/holes && printf end >> root/data/holes && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && "
                "chmod 600 root/etc/passwd && : > root/etc/empty && mkfifo root/tmp/fifo && "
                "for i in $(seq -w 0 %d); do echo \"entry $i\" > root/many/a-rather-long-name-$i; "
                "done",
                work_dir, fixture_debian_dir("busybox-static"), MANY - 1);
    if (geteuid() == 0) {
        run_or_fail("cd '%s' && mkdir -p root/dev && mknod -m 600 root/dev/console c 5 1",
                    work_dir);
        have_device = true;
    }
    return 0;
}

static uint8_t *make_image(const char *name, const char *options, size_t *size)
{
    run_or_fail("cd '%s' && mkfs.cramfs %s root %s", work_dir, options, name);
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", work_dir, name);
    return load_or_fail(path, size);
}

/* cramfs keeps 16 bits of the uid and 8 of the gid. */
static void check_owner(const recorded_entry *e, const char *relative)
{
    struct stat st;
    char path[4500];
    snprintf(path, sizeof path, "%s/%s", root_dir, relative);
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(e->uid, st.st_uid & 0xffff);
    assert_int_equal(e->gid, st.st_gid & 0xff);
}

static void check_content(const recorded_entry *e, const char *relative)
{
    char path[4500];
    size_t size;
    snprintf(path, sizeof path, "%s/%s", root_dir, relative);
    uint8_t *want = load_or_fail(path, &size);
    assert_int_equal(e->size, size);
    if (size)
        assert_memory_equal(e->data, want, size);
    else
        assert_null(e->data);
    free(want);
}

static void check_tree(const recording *r)
{
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("warning: %s\n", r->warnings[i]);
    assert_int_equal(r->status, IOTSSF_OK);
    assert_int_equal(r->warning_count, 0);
    assert_int_equal(r->entry_count, TREE_SIZE + MANY + (have_device ? 2 : 0));
    for (size_t i = 0; i < TREE_SIZE; i++) {
        const expected *x = &tree[i];
        const recorded_entry *e = recorded_find(r, x->path);
        if (!e)
            fail_msg("missing entry %s", x->path);
        assert_int_equal(e->kind, x->kind);
        assert_int_equal(e->mode, x->mode);
        check_owner(e, x->path);
        if (x->target)
            assert_string_equal(e->link_target, x->target);
        else
            assert_null(e->link_target);
        if (x->content)
            check_content(e, x->path);
        else
            assert_null(e->data);
    }
    for (int i = 0; i < MANY; i++) {
        char path[64], text[32];
        snprintf(path, sizeof path, "many/a-rather-long-name-%03d", i);
        snprintf(text, sizeof text, "entry %03d\n", i);
        const recorded_entry *e = recorded_find(r, path);
        if (!e)
            fail_msg("missing entry %s", path);
        assert_int_equal(e->size, strlen(text));
        assert_memory_equal(e->data, text, strlen(text));
    }
    if (have_device) {
        const recorded_entry *e = recorded_find(r, "dev/console");
        assert_non_null(e);
        assert_int_equal(e->kind, IOTSSF_FW_CHARDEV);
        assert_int_equal(e->mode, 0600);
    }
}

static void check_image(const fw_format *format, const char *name, const char *options,
                        const char *described)
{
    size_t size;
    uint8_t *img = make_image(name, options, &size);
    uint64_t length = 0;
    assert_true(format->probe(img, size, &length));
    assert_int_equal(length, size);
    const fw_format *other = format == &fw_format_cramfs_le ? &fw_format_cramfs_be
                                                            : &fw_format_cramfs_le;
    recording r;
    record_unpack(format, img, size, NULL, &r);
    check_tree(&r);
    assert_non_null(strstr(r.description, described));
    recording_free(&r);
    assert_true(other->probe(img, size, &length)); /* one probe reads both orders */
    free(img);
}

static void test_little_endian(void **state)
{
    (void)state;
    check_image(&fw_format_cramfs_le, "le.cramfs", "-N little", "little-endian");
}

static void test_big_endian(void **state)
{
    (void)state;
    check_image(&fw_format_cramfs_be, "be.cramfs", "-N big", "big-endian");
}

static void test_explicit_holes(void **state)
{
    (void)state;
    check_image(&fw_format_cramfs_le, "holes.cramfs", "-z", "with holes");
}

static void expect_warning(const recording *r, const char *fragment)
{
    for (size_t i = 0; i < r->warning_count; i++)
        if (strstr(r->warnings[i], fragment))
            return;
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("warning: %s\n", r->warnings[i]);
    fail_msg("no warning mentions \"%s\"", fragment);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("le.cramfs", "", &size);
    const size_t cuts[] = {size / 2, size / 10 * 9, size - 1, 100, 76, 10};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        uint64_t length;
        assert_false(fw_format_cramfs_le.probe(img, cuts[i], &length));
        recording r;
        record_unpack(&fw_format_cramfs_le, img, cuts[i], NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        if (cuts[i] >= 76)
            expect_warning(&r, "truncated");
        else
            assert_int_equal(r.warning_count, 1);
        recording_free(&r);
    }
    free(img);
}

static void test_limits(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("le.cramfs", "", &size);
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_entries = 7;
    recording r;
    record_unpack(&fw_format_cramfs_le, img, size, &limits, &r);
    assert_int_equal(r.entry_count, 7);
    expect_warning(&r, "entry limit");
    recording_free(&r);
    limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 100000;
    record_unpack(&fw_format_cramfs_le, img, size, &limits, &r);
    assert_null(recorded_find(&r, "bin/busybox"));
    assert_non_null(recorded_find(&r, "etc/passwd"));
    expect_warning(&r, "per-file limit");
    recording_free(&r);
    free(img);
}

static void flip_and_unpack(const uint8_t *img, size_t size, unsigned seed)
{
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    uint32_t x = seed;
    for (int round = 0; round < 200; round++) {
        memcpy(copy, img, size);
        for (int k = 0; k < 4; k++) {
            x = x * 1664525u + 1013904223u;
            size_t span = size < 4096 ? size : 4096; /* superblock, inodes, block tables */
            copy[(x >> 8) % span] ^= (uint8_t)(1u << (x % 8));
        }
        iotssf_fw_limits limits = iotssf_fw_default_limits();
        limits.max_total_bytes = 64 << 20;
        recording r;
        record_unpack(&fw_format_cramfs_le, copy, size, &limits, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        recording_free(&r);
    }
    free(copy);
}

static void test_flipped_bytes(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && rm -rf small && mkdir -p small/d && echo one > small/a && "
                "echo two > small/d/b && ln -s a small/l && mkfs.cramfs small small.cramfs && "
                "mkfs.cramfs -N big small small-be.cramfs",
                work_dir);
    const char *names[] = {"small.cramfs", "small-be.cramfs"};
    for (int i = 0; i < 2; i++) {
        char path[4300];
        size_t size;
        snprintf(path, sizeof path, "%s/%s", work_dir, names[i]);
        uint8_t *img = load_or_fail(path, &size);
        flip_and_unpack(img, size, 4242u + (unsigned)i);
        free(img);
    }
}

/* The inode before `name` in an image's directory area. */
static uint8_t *inode_of(uint8_t *img, size_t size, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 76 + 12; i + n <= size; i++)
        if (memcmp(img + i, name, n) == 0 && img[i + n] == 0)
            return img + i - 12;
    fail_msg("no inode named %s", name);
    return NULL;
}

/* parent/child, with child's inode made to list parent's children: the
 * walk must see the loop, say so, and stop there. */
static void test_directory_loop(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && rm -rf loop && mkdir -p loop/parent/child loop/other && "
                "echo x > loop/parent/child/file && mkfs.cramfs loop loop.cramfs",
                work_dir);
    char path[4300];
    size_t size;
    snprintf(path, sizeof path, "%s/loop.cramfs", work_dir);
    uint8_t *img = load_or_fail(path, &size);
    uint8_t *parent = inode_of(img, size, "parent");
    uint8_t *child = inode_of(img, size, "child");
    memcpy(child + 4, parent + 4, 3); /* size of the listing */
    memcpy(child + 8, parent + 8, 4); /* name length (both 2 words) and offset */
    recording r;
    record_unpack(&fw_format_cramfs_le, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    expect_warning(&r, "parent/child: directory loop");
    assert_non_null(recorded_find(&r, "parent"));
    assert_non_null(recorded_find(&r, "other"));
    assert_null(recorded_find(&r, "parent/child"));
    assert_null(recorded_find(&r, "parent/child/file"));
    recording_free(&r);
    free(img);
}

static void test_fact_extractor_image(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip("fact_extractor/sevenz__cramfs.img"), &size);
    static const struct {
        const char *path, *content;
    } files[] = {
        {"testfile1", "test file:\ncontent: MyTestRule 1.2.3\nVersion: Program 0.0.0.0\n"},
        {"testfile2", "This is the second test file"},
        {"generic folder/test file 3_.txt", "The third test file!"},
    };
    uint64_t length;
    assert_true(fw_format_cramfs_le.probe(img, size, &length));
    assert_int_equal(length, 4096);
    recording r;
    record_unpack(&fw_format_cramfs_le, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.entry_count, 4);
    const recorded_entry *dir = recorded_find(&r, "generic folder");
    assert_non_null(dir);
    assert_int_equal(dir->kind, IOTSSF_FW_DIR);
    assert_int_equal(dir->mode, 0775);
    for (size_t i = 0; i < 3; i++) {
        const recorded_entry *e = recorded_find(&r, files[i].path);
        assert_non_null(e);
        assert_int_equal(e->mode, 0664);
        assert_int_equal(e->uid, 1000);
        assert_int_equal(e->gid, 1000 & 0xff);
        assert_int_equal(e->size, strlen(files[i].content));
        assert_memory_equal(e->data, files[i].content, e->size);
    }
    recording_free(&r);
    free(img);
}

static void test_binwalk_image(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_or_fail(corpus_path_or_skip("binwalk3/cramfs.bin"), &size);
    const char *want = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"
                       "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.5 LTS\"\n";
    recording r;
    record_unpack(&fw_format_cramfs_le, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.entry_count, 1);
    const recorded_entry *e = recorded_find(&r, "lsb-release");
    assert_non_null(e);
    assert_int_equal(e->mode, 0644);
    assert_int_equal(e->size, strlen(want));
    assert_memory_equal(e->data, want, strlen(want));
    recording_free(&r);
    flip_and_unpack(img, size, 31337u);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_little_endian),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_explicit_holes),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_directory_loop),
        cmocka_unit_test(test_fact_extractor_image),
        cmocka_unit_test(test_binwalk_image),
    };
    return cmocka_run_group_tests(tests, build_tree, NULL);
}
