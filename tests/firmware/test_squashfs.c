/*
 * SquashFS reader tests: v4 images made here by mksquashfs, in every
 * compressor, from a tree holding Debian's static busybox and dropbear
 * (hard and symbolic links, setuid, an empty file, a file of several blocks
 * plus a fragment, a sparse file, a directory of 300 entries spanning
 * metadata blocks, devices, a fifo and a socket from a pseudo file), checked
 * entry by entry against the tree; the v2/v3/v4 fixtures of fact_extractor
 * and binwalk (zlib and vendor LZMA, both byte orders); and hostile inputs:
 * truncation, flipped bytes, a directory that refers back to its parent,
 * and limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>

#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_squashfs_le, fw_format_squashfs_be;
extern const fw_format fw_format_squashfs_lzma_le;

#define FROM_TREE 0xffffffffu /* uid/gid: whatever the tree's file has */
#define MANY 300

typedef struct expected {
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    bool content;       /* the entry holds the tree file's bytes */
    const char *target; /* symlink or hard link target */
} expected;

static const expected tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"bin/busybox", IOTSSF_FW_FILE, 0755, FROM_TREE, FROM_TREE, true, NULL},
    {"bin/ls", IOTSSF_FW_HARDLINK, 0755, FROM_TREE, FROM_TREE, false, "bin/busybox"},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, FROM_TREE, FROM_TREE, false, "busybox"},
    {"bin/su-helper", IOTSSF_FW_FILE, 04755, 1000, 1001, true, NULL},
    {"data", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"data/big", IOTSSF_FW_FILE, 0644, FROM_TREE, FROM_TREE, true, NULL},
    {"data/sparse", IOTSSF_FW_FILE, 0644, FROM_TREE, FROM_TREE, true, NULL},
    {"dev", IOTSSF_FW_DIR, 0755, 0, 0, false, NULL},
    {"dev/console", IOTSSF_FW_CHARDEV, 0600, 0, 5, false, NULL},
    {"dev/initctl", IOTSSF_FW_FIFO, 0600, 0, 0, false, NULL},
    {"dev/log", IOTSSF_FW_SOCKET, 0666, 0, 0, false, NULL},
    {"dev/mtdblock0", IOTSSF_FW_BLOCKDEV, 0640, 0, 6, false, NULL},
    {"etc", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, FROM_TREE, FROM_TREE, true, NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0600, 0, 42, true, NULL},
    {"many", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"tmp", IOTSSF_FW_DIR, 01777, FROM_TREE, FROM_TREE, false, NULL},
    {"usr", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"usr/sbin", IOTSSF_FW_DIR, 0755, FROM_TREE, FROM_TREE, false, NULL},
    {"usr/sbin/dropbear", IOTSSF_FW_FILE, 0755, FROM_TREE, FROM_TREE, true, NULL},
};
enum { TREE_SIZE = sizeof tree / sizeof tree[0] };

static char work_dir[4096];
static char root_dir[4200];

static const char *debian_dir(const char *package)
{
    static char dir[4096];
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "%s/tests/tools/debian-binary.sh %s", IOTSSF_SOURCE_DIR, package);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(dir, sizeof dir, p));
    assert_int_equal(pclose(p), 0);
    dir[strcspn(dir, "\n")] = '\0';
    return dir;
}

static int build_tree(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("squashfs"));
    snprintf(root_dir, sizeof root_dir, "%s/root", work_dir);
    char busybox[4096];
    snprintf(busybox, sizeof busybox, "%s/bin/busybox", debian_dir("busybox-static"));
    const char *dropbear = debian_dir("dropbear-bin");
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/data root/etc root/many root/tmp "
                "root/usr/sbin && chmod 1777 root/tmp && cp '%s' root/bin/busybox && "
                "chmod 755 root/bin/busybox && ln root/bin/busybox root/bin/ls && "
                "ln -s busybox root/bin/sh && printf '#!/bin/sh\\nexec id\\n' > root/bin/su-helper && "
                "cp '%s/usr/sbin/dropbear' root/usr/sbin/ && chmod 755 root/usr/sbin/dropbear && "
                "head -c 307200 root/bin/busybox > root/data/big && "
                "truncate -s 1000000 root/data/sparse && printf end >> root/data/sparse && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && : > root/etc/empty && "
                "for i in $(seq -w 0 %d); do echo \"entry $i\" > root/many/a-rather-long-name-$i; "
                "done && printf '%%s\\n' 'bin/su-helper m 4755 1000 1001' 'etc/passwd m 600 0 42' "
                "'dev d 755 0 0' 'dev/console c 600 0 5 5 1' 'dev/mtdblock0 b 640 0 6 31 0' "
                "'dev/initctl i 600 0 0 f' 'dev/log i 666 0 0 s' > pseudo",
                work_dir, busybox, dropbear, MANY - 1);
    return 0;
}

static uint8_t *load(const char *path, size_t *size)
{
    uint8_t *data = (uint8_t *)read_file(path, size);
    if (!data)
        fail_msg("cannot read %s", path);
    return data;
}

static uint8_t *make_image(const char *name, const char *options, size_t *size)
{
    run_or_fail("cd '%s' && mksquashfs root %s -noappend -quiet -no-progress -no-xattrs "
                "-pf pseudo %s",
                work_dir, name, options);
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", work_dir, name);
    return load(path, size);
}

/* A superblock field (bytes_used at 40, inode table at 64, directory
 * table at 72). */
static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void check_owner(const recorded_entry *e, const expected *x)
{
    struct stat st;
    char path[4500];
    snprintf(path, sizeof path, "%s/%s", root_dir, x->path);
    uint32_t uid = x->uid, gid = x->gid;
    if (uid == FROM_TREE || gid == FROM_TREE) {
        assert_int_equal(lstat(path, &st), 0);
        uid = uid == FROM_TREE ? st.st_uid : uid;
        gid = gid == FROM_TREE ? st.st_gid : gid;
    }
    assert_int_equal(e->uid, uid);
    assert_int_equal(e->gid, gid);
}

static void check_content(const recorded_entry *e, const char *relative)
{
    char path[4500];
    size_t size;
    snprintf(path, sizeof path, "%s/%s", root_dir, relative);
    uint8_t *want = load(path, &size);
    assert_int_equal(e->size, size);
    if (size)
        assert_memory_equal(e->data, want, size);
    else
        assert_null(e->data);
    free(want);
}

static void check_many(const recording *r)
{
    for (int i = 0; i < MANY; i++) {
        char path[64], text[32];
        snprintf(path, sizeof path, "many/a-rather-long-name-%03d", i);
        snprintf(text, sizeof text, "entry %03d\n", i);
        const recorded_entry *e = recorded_find(r, path);
        if (!e)
            fail_msg("missing entry %s", path);
        assert_int_equal(e->kind, IOTSSF_FW_FILE);
        assert_int_equal(e->mode, 0644);
        assert_int_equal(e->size, strlen(text));
        assert_memory_equal(e->data, text, strlen(text));
    }
}

static void check_tree(const recording *r)
{
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("warning: %s\n", r->warnings[i]);
    assert_int_equal(r->status, IOTSSF_OK);
    assert_int_equal(r->warning_count, 0);
    assert_int_equal(r->entry_count, TREE_SIZE + MANY);
    for (size_t i = 0; i < TREE_SIZE; i++) {
        const expected *x = &tree[i];
        const recorded_entry *e = recorded_find(r, x->path);
        if (!e)
            fail_msg("missing entry %s", x->path);
        assert_int_equal(e->kind, x->kind);
        assert_int_equal(e->mode, x->mode);
        check_owner(e, x);
        if (x->target)
            assert_string_equal(e->link_target, x->target);
        else
            assert_null(e->link_target);
        if (x->content)
            check_content(e, x->path);
        else
            assert_null(e->data);
    }
    check_many(r);
}

/* One compressor: build, probe, unpack, compare with the tree. */
static void check_compressor(const char *comp)
{
    char name[64], options[64], described[64];
    snprintf(name, sizeof name, "%s.sqfs", comp);
    snprintf(options, sizeof options, "-comp %s", comp);
    size_t size;
    uint8_t *img = make_image(name, options, &size);
    uint64_t length = 0;
    assert_true(fw_format_squashfs_le.probe(img, size, &length));
    assert_true(length > size - 4096 && length <= size);
    recording r;
    record_unpack(&fw_format_squashfs_le, img, size, NULL, &r);
    check_tree(&r);
    /* bin/ls shares busybox's inode; the root has one of its own. */
    snprintf(described, sizeof described, "v4.0 %s, %d inodes, block 128 KiB, little-endian", comp,
             TREE_SIZE + MANY);
    assert_non_null(r.description);
    assert_string_equal(r.description, described);
    recording_free(&r);
    free(img);
}

static void test_gzip(void **state) { (void)state; check_compressor("gzip"); }
static void test_lzma(void **state) { (void)state; check_compressor("lzma"); }
static void test_lzo(void **state) { (void)state; check_compressor("lzo"); }
static void test_xz(void **state) { (void)state; check_compressor("xz"); }
static void test_lz4(void **state) { (void)state; check_compressor("lz4"); }
static void test_zstd(void **state) { (void)state; check_compressor("zstd"); }

/* Uncompressed tables and data, 4 KiB blocks, tail ends of big files packed
 * in fragments: the same tree. */
static void test_uncompressed_small_blocks_always_fragments(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("plain.sqfs", "-noI -noD -noF -b 4096 -always-use-fragments", &size);
    recording r;
    record_unpack(&fw_format_squashfs_le, img, size, NULL, &r);
    check_tree(&r);
    assert_non_null(strstr(r.description, "block 4 KiB"));
    recording_free(&r);
    free(img);
}

/* A squashfs inside a larger buffer: the probe's extent is bytes_used. */
static void test_probe_extent_and_rejects(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("gzip.sqfs", "-comp gzip", &size);
    uint64_t bytes_used = le64(img + 40);
    uint8_t *buf = calloc(1, size + 100000);
    assert_non_null(buf);
    memcpy(buf, img, size);
    uint64_t length = 0;
    assert_true(fw_format_squashfs_le.probe(buf, size + 100000, &length));
    assert_int_equal(length, bytes_used);
    /* Cut short, a bad block size, a table beyond bytes_used: refused. */
    assert_false(fw_format_squashfs_le.probe(buf, (size_t)bytes_used - 1, &length));
    buf[12] = 0x10; /* block size 0x20010 */
    assert_false(fw_format_squashfs_le.probe(buf, size, &length));
    memcpy(buf, img, size);
    buf[55] = 0x7f; /* id table start far past the end */
    assert_false(fw_format_squashfs_le.probe(buf, size, &length));
    free(buf);
    free(img);
}

/* The same image under a vendor magic reads the same. */
static void test_vendor_magic(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("gzip.sqfs", "-comp gzip", &size);
    memcpy(img, "shsq", 4);
    uint64_t length;
    assert_true(fw_format_squashfs_lzma_le.probe(img, size, &length));
    recording r;
    record_unpack(&fw_format_squashfs_lzma_le, img, size, NULL, &r);
    check_tree(&r);
    recording_free(&r);
    free(img);
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

static void test_limits(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("gzip.sqfs", "-comp gzip", &size);
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_entries = 10;
    recording r;
    record_unpack(&fw_format_squashfs_le, img, size, &limits, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.entry_count, 10);
    expect_warning(&r, "entry limit");
    recording_free(&r);

    limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 200000; /* busybox, dropbear, data/big and data/sparse go */
    record_unpack(&fw_format_squashfs_le, img, size, &limits, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_null(recorded_find(&r, "bin/busybox"));
    assert_null(recorded_find(&r, "data/big"));
    assert_non_null(recorded_find(&r, "etc/passwd"));
    expect_warning(&r, "per-file limit");
    recording_free(&r);
    free(img);
}

/* Truncated at half and at nine tenths: no crash, what can be read, and a
 * warning that says so. */
static void test_truncated(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = make_image("xz.sqfs", "-comp xz", &size);
    size_t used = (size_t)le64(img + 40);
    const size_t cuts[] = {used / 2, used / 10 * 9, used - 100, 200, 96, 10};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        uint64_t length;
        assert_false(fw_format_squashfs_le.probe(img, cuts[i], &length));
        recording r;
        record_unpack(&fw_format_squashfs_le, img, cuts[i], NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.warning_count >= 1);
        if (cuts[i] > 96)
            expect_warning(&r, "truncated");
        recording_free(&r);
    }
    free(img);
}

/* Deterministic pseudo-random byte flips over the superblock and the
 * tables (and, on the uncompressed image, inside inodes and listings). */
static void flip_and_unpack(const uint8_t *img, size_t size, size_t from, unsigned seed)
{
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    uint32_t x = seed;
    for (int round = 0; round < 150; round++) {
        memcpy(copy, img, size);
        for (int k = 0; k < 6; k++) {
            x = x * 1664525u + 1013904223u;
            size_t at = k == 0 ? (x >> 8) % 96 : from + (x >> 8) % (size - from);
            copy[at] ^= (uint8_t)(1u << (x % 8));
        }
        iotssf_fw_limits limits = iotssf_fw_default_limits();
        limits.max_total_bytes = 64 << 20;
        recording r;
        record_unpack(&fw_format_squashfs_le, copy, size, &limits, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        recording_free(&r);
    }
    free(copy);
}

static void test_flipped_bytes(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && rm -rf small && mkdir -p small/d && echo one > small/a && "
                "echo two > small/d/b && ln -s a small/l && "
                "mksquashfs small small-gz.sqfs -noappend -quiet -no-progress -comp gzip && "
                "mksquashfs small small-raw.sqfs -noappend -quiet -no-progress -noI -noD -noF",
                work_dir);
    const char *names[] = {"small-gz.sqfs", "small-raw.sqfs"};
    for (int i = 0; i < 2; i++) {
        char path[4300];
        size_t size;
        snprintf(path, sizeof path, "%s/%s", work_dir, names[i]);
        uint8_t *img = load(path, &size);
        flip_and_unpack(img, size, (size_t)le64(img + 64), 12345u + (unsigned)i);
        flip_and_unpack(img, size, 96, 777u + (unsigned)i);
        free(img);
    }
}

/* Little-endian 16-bit helpers for patching an uncompressed directory. */
static uint8_t *find_entry(uint8_t *img, size_t size, size_t from, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = from + 8; i + n <= size; i++)
        if (memcmp(img + i, name, n) == 0 && img[i - 2] == n - 1 && img[i - 1] == 0)
            return img + i - 8;
    fail_msg("entry %s not found", name);
    return NULL;
}

/* parent/child, with child's directory entry rewritten to name parent's
 * inode: the walk must see the loop, say so, and stop there. */
static void test_directory_loop(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && rm -rf loop && mkdir -p loop/parent/child loop/other && "
                "echo x > loop/parent/child/file && "
                "mksquashfs loop loop.sqfs -noappend -quiet -no-progress -noI -noD -noF",
                work_dir);
    char path[4300];
    size_t size;
    snprintf(path, sizeof path, "%s/loop.sqfs", work_dir);
    uint8_t *img = load(path, &size);
    size_t dir_table = (size_t)le64(img + 72);
    uint8_t *parent = find_entry(img, size, dir_table, "parent");
    uint8_t *child = find_entry(img, size, dir_table, "child");
    child[0] = parent[0]; /* inode offset in its block; all inodes share block 0 */
    child[1] = parent[1];
    recording r;
    record_unpack(&fw_format_squashfs_le, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    expect_warning(&r, "parent/child: directory loop");
    assert_non_null(recorded_find(&r, "parent"));
    assert_non_null(recorded_find(&r, "other"));
    assert_null(recorded_find(&r, "parent/child"));
    assert_null(recorded_find(&r, "parent/child/file"));
    recording_free(&r);
    free(img);
}

/* The fact_extractor fixtures: every version and codec holds the same
 * three files (contents as `unsquashfs -cat` gives them for the images it
 * reads; the vendor LZMA ones it cannot read hold the same bytes). */
static const struct {
    const char *file, *description;
} fact_images[] = {
    {"squashFS__gzip.sqfs", "v4.0 gzip, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__lz4.sqfs", "v4.0 lz4, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__lzma.sqfs", "v4.0 lzma, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__lzo.sqfs", "v4.0 lzo, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__xz.sqfs", "v4.0 xz, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__zstd.sqfs", "v4.0 zstd, 5 inodes, block 128 KiB, little-endian"},
    {"squashFS__zlib_le.sqfs3", "v3.1 zlib, 5 inodes, block 64 KiB, little-endian"},
    {"squashFS__zlib_be.sqfs3", "v3.1 zlib, 5 inodes, block 64 KiB, big-endian"},
    {"squashFS__lzma1_be.sqfs3", "v3.x-L lzma, 5 inodes, block 64 KiB, big-endian"},
    {"squashFS__lzma_le.sqfs2", "v2.x-L lzma, 5 inodes, block 64 KiB, little-endian"},
    {"squashFS__lzma_be.sqfs2", "v2.x-L lzma, 5 inodes, block 64 KiB, big-endian"},
};

static const struct {
    const char *path, *content;
} fact_files[] = {
    {"testfile1", "test file:\ncontent: MyTestRule 1.2.3\nVersion: Program 0.0.0.0\n"},
    {"testfile2", "This is the second test file"},
    {"generic folder/test file 3_.txt", "The third test file!"},
};

static uint8_t *load_corpus(const char *relative, size_t *size)
{
    return load(corpus_path_or_skip(relative), size);
}

static void test_fact_extractor_images(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fact_images / sizeof fact_images[0]; i++) {
        char relative[128];
        snprintf(relative, sizeof relative, "fact_extractor/%s", fact_images[i].file);
        size_t size;
        uint8_t *img = load_corpus(relative, &size);
        const fw_format *f = img[0] == 'h' ? &fw_format_squashfs_le : &fw_format_squashfs_be;
        uint64_t length;
        if (!f->probe(img, size, &length))
            fail_msg("%s: probe refused it", relative);
        recording r;
        record_unpack(f, img, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_int_equal(r.warning_count, 0);
        assert_int_equal(r.entry_count, 4);
        assert_string_equal(r.description, fact_images[i].description);
        const recorded_entry *dir = recorded_find(&r, "generic folder");
        assert_non_null(dir);
        assert_int_equal(dir->kind, IOTSSF_FW_DIR);
        assert_int_equal(dir->mode, 0755);
        for (size_t k = 0; k < 3; k++) {
            const recorded_entry *e = recorded_find(&r, fact_files[k].path);
            if (!e)
                fail_msg("%s: no %s", relative, fact_files[k].path);
            size_t n = strlen(fact_files[k].content);
            assert_int_equal(e->kind, IOTSSF_FW_FILE);
            assert_int_equal(e->mode, 0644);
            assert_int_equal(e->uid, 1000);
            assert_int_equal(e->gid, 1000);
            assert_int_equal(e->size, n);
            assert_memory_equal(e->data, fact_files[k].content, n);
        }
        recording_free(&r);
        free(img);
    }
}

static void test_binwalk_v4(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_corpus("binwalk3/squashfs.bin", &size);
    const char *want = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"
                       "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.5 LTS\"\n";
    recording r;
    record_unpack(&fw_format_squashfs_le, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.entry_count, 1);
    const recorded_entry *e = recorded_find(&r, "lsb-release");
    assert_non_null(e);
    assert_int_equal(e->size, strlen(want));
    assert_memory_equal(e->data, want, strlen(want));
    assert_int_equal(e->uid, 1000);
    recording_free(&r);
    free(img);
}

/* binwalk's v2.0 big-endian image: its superblock says 431 inodes (the
 * root and 430 entries); LZMA data blocks behind a 5-byte header with
 * uncompressed metadata. webs/scdmz.html's bytes were decoded apart from
 * this reader (raw LZMA1, lc=3 lp=0 pb=2, at offset 0x44, 818 bytes) and
 * their CRC-32 written here; the symlinks are readable in the raw image. */
static void test_binwalk_v2(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_corpus("binwalk3/squashfs_v2.bin", &size);
    assert_int_equal(img[4] << 24 | img[5] << 16 | img[6] << 8 | img[7], 431);
    recording r;
    record_unpack(&fw_format_squashfs_be, img, size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.entry_count, 430);
    assert_string_equal(r.description, "v2.0 lzma, 431 inodes, block 64 KiB, big-endian");
    const recorded_entry *page = recorded_find(&r, "webs/scdmz.html");
    assert_non_null(page);
    assert_int_equal(page->size, 1846);
    assert_memory_equal(page->data, "<html>\n   <head>", 16);
    assert_int_equal(crc32(0, page->data, 1846), 0xef74c5da);
    const recorded_entry *init = recorded_find(&r, "sbin/init");
    assert_non_null(init);
    assert_int_equal(init->kind, IOTSSF_FW_SYMLINK);
    assert_string_equal(init->link_target, "../bin/busybox");
    const recorded_entry *linuxrc = recorded_find(&r, "linuxrc");
    assert_non_null(linuxrc);
    assert_string_equal(linuxrc->link_target, "bin/busybox");
    size_t kinds[8] = {0};
    for (size_t i = 0; i < r.entry_count; i++)
        kinds[r.entries[i].kind]++;
    assert_int_equal(kinds[IOTSSF_FW_DIR], 28);
    assert_int_equal(kinds[IOTSSF_FW_SYMLINK], 68);
    recording_free(&r);
    free(img);
}

/* Every fixture cut short or with flipped bytes: no crash. */
static void test_corpus_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fact_images / sizeof fact_images[0]; i++) {
        char relative[128];
        snprintf(relative, sizeof relative, "fact_extractor/%s", fact_images[i].file);
        size_t size;
        uint8_t *img = load_corpus(relative, &size);
        for (size_t cut = 64; cut < 290; cut += 37) { /* all are longer */
            recording r;
            record_unpack(img[0] == 'h' ? &fw_format_squashfs_le : &fw_format_squashfs_be, img,
                          cut, NULL, &r);
            assert_int_equal(r.status, IOTSSF_OK);
            assert_true(r.warning_count >= 1);
            recording_free(&r);
        }
        flip_and_unpack(img, 600, 96, 99u + (unsigned)i);
        free(img);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_lzma),
        cmocka_unit_test(test_lzo),
        cmocka_unit_test(test_xz),
        cmocka_unit_test(test_lz4),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_uncompressed_small_blocks_always_fragments),
        cmocka_unit_test(test_probe_extent_and_rejects),
        cmocka_unit_test(test_vendor_magic),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_directory_loop),
        cmocka_unit_test(test_fact_extractor_images),
        cmocka_unit_test(test_binwalk_v4),
        cmocka_unit_test(test_binwalk_v2),
        cmocka_unit_test(test_corpus_hostile),
    };
    return cmocka_run_group_tests(tests, build_tree, NULL);
}
