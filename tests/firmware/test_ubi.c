/*
 * UBI and UBIFS reader tests: UBIFS images made here by mtd-utils'
 * mkfs.ubifs from a tree holding Debian's static busybox (lzo, zlib, zstd,
 * none), put with a static volume into UBI images by ubinize from a
 * ubinize.ini written here; every volume blob and every entry is checked.
 * Also the fact_extractor fixtures (a bare UBIFS, and a UBI image with 1 KiB
 * PEBs holding that same UBIFS as a static volume), and hostile inputs:
 * truncation, flipped bytes, duplicate LEBs with sequence numbers, a
 * UBIFS index pointing outside the volume.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_format fw_format_ubi;
extern const fw_format fw_format_ubifs;


static char work_dir[4096];
static char root_dir[4200];

static int build_tree(void **state)
{
    (void)state;
    build_devtable_tree("ubi", work_dir, sizeof work_dir, root_dir, sizeof root_dir);
    return 0;
}

/* A UBIFS image (LEB 126976 for 128 KiB PEBs with 2 KiB pages) and a UBI
 * image holding it as dynamic volume "rootfs" and busybox as static volume
 * "kernel". */
static void make_images(const char *compr, const char *ubifs_name, const char *ubi_name)
{
    run_or_fail("cd '%s' && mkfs.ubifs -U -D devtable -r root -m 2048 -e 126976 -c 64 -x %s "
                "-o %s && printf '%%s\\n' '[rootfs]' mode=ubi image=%s vol_id=0 vol_type=dynamic "
                "vol_name=rootfs vol_flags=autoresize '[kernel]' mode=ubi image=root/bin/busybox "
                "vol_id=1 vol_type=static vol_name=kernel > ubinize.ini && "
                "ubinize -o %s -m 2048 -p 128KiB ubinize.ini",
                work_dir, compr, ubifs_name, ubifs_name, ubi_name);
}

static const recorded_blob *blob_named(const recording *r, const char *name)
{
    for (size_t i = 0; i < r->blob_count; i++)
        if (strcmp(r->blobs[i].name, name) == 0)
            return &r->blobs[i];
    return NULL;
}

/* UBI -> volumes; the rootfs volume -> UBIFS -> the tree. */
static void check_compression(const char *compr)
{
    char ubifs_name[64], ubi_name[64];
    snprintf(ubifs_name, sizeof ubifs_name, "%s.ubifs", compr);
    snprintf(ubi_name, sizeof ubi_name, "%s.ubi", compr);
    make_images(compr, ubifs_name, ubi_name);
    size_t ubi_size, fs_size, bb_size;
    uint8_t *ubi = load_in(work_dir, ubi_name, &ubi_size);
    uint8_t *fs = load_in(work_dir, ubifs_name, &fs_size);
    uint8_t *bb = load_in(work_dir, "root/bin/busybox", &bb_size);

    uint64_t length = 0;
    assert_true(fw_format_ubi.probe(ubi, ubi_size, &length));
    assert_true(length > 0 && length <= ubi_size);
    recording r;
    record_unpack(&fw_format_ubi, ubi, ubi_size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.blob_count, 2);
    assert_non_null(strstr(r.description, "PEB 131072 bytes"));
    const recorded_blob *kernel = blob_named(&r, "ubi volume kernel");
    assert_non_null(kernel);
    assert_int_equal(kernel->size, bb_size);
    assert_memory_equal(kernel->data, bb, bb_size);
    const recorded_blob *rootfs = blob_named(&r, "ubi volume rootfs");
    assert_non_null(rootfs);
    assert_int_equal(rootfs->size, fs_size);
    assert_memory_equal(rootfs->data, fs, fs_size);

    recording t;
    assert_true(fw_format_ubifs.probe(rootfs->data, rootfs->size, &length));
    assert_int_equal(length, rootfs->size);
    record_unpack(&fw_format_ubifs, rootfs->data, rootfs->size, NULL, &t);
    check_recorded_tree(&t, devtable_tree, devtable_tree_size, root_dir);
    assert_non_null(strstr(t.description, compr));
    recording_free(&t);
    recording_free(&r);
    free(ubi);
    free(fs);
    free(bb);
}

static void test_lzo(void **state)
{
    (void)state;
    check_compression("lzo");
}

static void test_zlib(void **state)
{
    (void)state;
    check_compression("zlib");
}

static void test_zstd(void **state)
{
    (void)state;
    check_compression("zstd");
}

static void test_uncompressed(void **state)
{
    (void)state;
    check_compression("none");
}

static void test_corpus(void **state)
{
    (void)state;
    size_t fs_size, ubi_size;
    uint8_t *fs = load_or_fail(corpus_path_or_skip("fact_extractor/ubi__test.ubifs"), &fs_size);
    uint8_t *ubi = load_or_fail(corpus_path_or_skip("fact_extractor/ubi__ubi.img"), &ubi_size);
    uint64_t length = 0;
    assert_true(fw_format_ubifs.probe(fs, fs_size, &length));
    assert_int_equal(length, 13 * 131072);
    recording r;
    record_unpack(&fw_format_ubifs, fs, fs_size, NULL, &r);
    check_standard_content(&r);
    recording_free(&r);

    /* 1 KiB PEBs, 128-byte headers: a static volume "rootfs" of 896-byte
     * LEBs that holds the bare UBIFS above, byte for byte. */
    assert_true(fw_format_ubi.probe(ubi, ubi_size, &length));
    assert_int_equal(length, ubi_size);
    record_unpack(&fw_format_ubi, ubi, ubi_size, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.blob_count, 1);
    assert_string_equal(r.blobs[0].name, "ubi volume rootfs");
    assert_non_null(strstr(r.description, "PEB 1024 bytes"));
    assert_true(r.blobs[0].size >= fs_size);
    assert_memory_equal(r.blobs[0].data, fs, fs_size);
    recording t;
    record_unpack(&fw_format_ubifs, r.blobs[0].data, r.blobs[0].size, NULL, &t);
    check_standard_content(&t);
    recording_free(&t);
    recording_free(&r);
    free(fs);
    free(ubi);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* Re-seals a UBI header after an edit. */
static void seal(uint8_t *hdr)
{
    put_be32(hdr + 60, ~(uint32_t)crc32(0, hdr, 60));
}

/* A stale copy of a LEB (lower sqnum) must lose to the live one, whichever
 * comes first; a copy with a higher sqnum must win. */
static void test_duplicate_lebs(void **state)
{
    (void)state;
    make_images("lzo", "dup.ubifs", "dup.ubi");
    size_t size;
    uint8_t *ubi = load_in(work_dir, "dup.ubi", &size);
    const size_t peb = 131072, data_at = 4096, vid_at = 2048;
    size_t kernel0 = 0;
    for (size_t p = 0; p < size / peb; p++) {
        const uint8_t *v = ubi + p * peb + vid_at;
        if (memcmp(v, "UBI!", 4) == 0 && be32(v + 8) == 1 && be32(v + 12) == 0)
            kernel0 = p;
    }
    assert_true(kernel0 > 0);
    /* ubinize writes sequence number 0 everywhere: give the live LEB 500. */
    uint8_t *live = ubi + kernel0 * peb + vid_at;
    put_be32(live + 44, 500);
    seal(live);
    /* Append two PEBs claiming kernel LEB 0: an older one with other bytes
     * (must lose) and, in a second image, a newer one (must win). */
    for (int newer = 0; newer < 2; newer++) {
        uint8_t *img = malloc(size + peb);
        assert_non_null(img);
        memcpy(img, ubi, size);
        uint8_t *copy = img + size;
        memcpy(copy, ubi + kernel0 * peb, peb);
        memset(copy + data_at, 'X', 64);
        uint8_t *v = copy + vid_at;
        put_be32(v + 44, newer ? 1000 : 100);
        put_be32(v + 32, ~(uint32_t)crc32(0, copy + data_at, be32(v + 20))); /* data CRC */
        seal(v);
        recording r;
        record_unpack(&fw_format_ubi, img, size + peb, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        const recorded_blob *k = blob_named(&r, "ubi volume kernel");
        assert_non_null(k);
        if (newer)
            assert_memory_equal(k->data, "XXXXXXXX", 8);
        else
            assert_memory_equal(k->data, "\x7f" "ELF", 4);
        recording_free(&r);
        free(img);
    }
    free(ubi);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes a UBIFS node at `at`: common header, key, then the body already
 * placed by the caller; returns the next 8-aligned offset. */
static size_t put_node(uint8_t *at, uint8_t type, uint32_t len, uint64_t sqnum, uint32_t key0,
                       uint32_t key1)
{
    put_le32(at, 0x06101831);
    put_le64(at + 8, sqnum);
    put_le32(at + 16, len);
    at[20] = type;
    if (type != 8) {
        put_le32(at + 24, key0);
        put_le32(at + 28, key1);
    }
    put_le32(at + 4, ~(uint32_t)crc32(0, at + 8, len - 8));
    return (len + 7) & ~7u;
}

/* A journal written after mkfs.ubifs' commit, as the kernel would write it:
 * a reference node in the log naming a bud LEB, and in the bud a new file
 * (inode, data, directory entry) and the deletion of etc/passwd. */
static void test_journal_replay(void **state)
{
    (void)state;
    make_images("lzo", "journal.ubifs", "journal.ubi");
    size_t size;
    uint8_t *fs = load_in(work_dir, "journal.ubifs", &size);
    const size_t leb = 126976;
    uint32_t main_first = 3 + le32(fs + 56) + le32(fs + 60) + le32(fs + 64);
    size_t bud = 0;
    for (size_t l = main_first; l < size / leb && !bud; l++) {
        size_t ff = 0;
        while (ff < leb && fs[l * leb + ff] == 0xFF)
            ff++;
        if (ff == leb)
            bud = l;
    }
    assert_true(bud > 0);
    uint32_t etc = 0;
    for (size_t at = 0; at + 64 <= size && !etc; at += 8)
        if (le32(fs + at) == 0x06101831 && fs[at + 20] == 2 && memcmp(fs + at + 56, "passwd", 7) == 0)
            etc = le32(fs + at + 24);
    assert_true(etc > 1);

    const uint64_t sq = (uint64_t)1 << 40;
    uint8_t *b = fs + bud * leb;
    size_t off = 0;
    memset(b, 0, 512);
    put_le64(b + off + 48, 5);          /* size */
    put_le32(b + off + 92, 1);          /* nlink */
    put_le32(b + off + 104, 0100640);   /* mode */
    off += put_node(b + off, 0, 160, sq + 1, 5000, 0);
    put_le32(b + off + 40, 5);
    memcpy(b + off + 48, "hello", 5);
    off += put_node(b + off, 1, 53, sq + 2, 5000, 1u << 29);
    put_le64(b + off + 40, 5000);
    b[off + 50] = 11;
    memcpy(b + off + 56, "journal.txt", 12);
    off += put_node(b + off, 2, 68, sq + 3, 1, 2u << 29 | 12345);
    b[off + 50] = 6;
    memcpy(b + off + 56, "passwd", 7);
    off += put_node(b + off, 2, 63, sq + 4, etc, 2u << 29 | 777);
    uint8_t *ref = fs + 3 * leb + 2048; /* the log's next write unit after the commit start */
    assert_true(ref[0] == 0xFF);
    memset(ref, 0, 64);
    put_le32(ref + 24, (uint32_t)bud);
    put_le32(ref + 32, 1);
    put_node(ref, 8, 64, sq, 0, 0);

    recording r;
    record_unpack(&fw_format_ubifs, fs, size, NULL, &r);
    for (size_t i = 0; i < r.warning_count; i++)
        print_message("warning: %s\n", r.warnings[i]);
    assert_int_equal(r.status, IOTSSF_OK);
    assert_int_equal(r.warning_count, 0);
    assert_non_null(strstr(r.description, "journal: 4 node(s) in 1 bud(s)"));
    assert_null(recorded_find(&r, "etc/passwd"));
    const recorded_entry *e = recorded_find(&r, "journal.txt");
    assert_non_null(e);
    assert_int_equal(e->kind, IOTSSF_FW_FILE);
    assert_int_equal(e->mode, 0640);
    assert_int_equal(e->size, 5);
    assert_memory_equal(e->data, "hello", 5);
    assert_int_equal(r.entry_count, devtable_tree_size);
    assert_non_null(recorded_find(&r, "bin/busybox"));
    recording_free(&r);
    free(fs);
}

static void test_hostile_ubi(void **state)
{
    (void)state;
    make_images("lzo", "hostile.ubifs", "hostile.ubi");
    size_t size;
    uint8_t *ubi = load_in(work_dir, "hostile.ubi", &size);
    /* Cut mid-PEB at several points. */
    static const size_t cuts[] = {5000, 131072 * 3 + 77, 131072 * 20 + 5, 131072 * 38 + 9000};
    for (size_t c = 0; c < 4; c++) {
        recording r;
        record_unpack(&fw_format_ubi, ubi, cuts[c] < size ? cuts[c] : size - 1, NULL, &r);
        assert_true(r.status == IOTSSF_OK);
        for (size_t b = 0; b < r.blob_count; b++) {
            recording t;
            record_unpack(&fw_format_ubifs, r.blobs[b].data, r.blobs[b].size, NULL, &t);
            recording_free(&t);
        }
        recording_free(&r);
    }
    /* PEB 1 wiped: the PEB size is still found from the others, only the
     * layout volume's spare copy is lost, and the loss is reported. */
    uint8_t *wiped = malloc(size);
    assert_non_null(wiped);
    memcpy(wiped, ubi, size);
    memset(wiped + 131072, 0, 4096);
    recording w;
    record_unpack(&fw_format_ubi, wiped, size, NULL, &w);
    assert_int_equal(w.status, IOTSSF_OK);
    assert_non_null(strstr(w.description, "PEB 131072 bytes"));
    assert_int_equal(w.blob_count, 2);
    assert_int_equal(w.warning_count, 1);
    size_t fs_size;
    uint8_t *fs = load_in(work_dir, "hostile.ubifs", &fs_size);
    const recorded_blob *rootfs = blob_named(&w, "ubi volume rootfs");
    assert_non_null(rootfs);
    assert_int_equal(rootfs->size, fs_size);
    assert_memory_equal(rootfs->data, fs, fs_size);
    free(fs);
    recording_free(&w);
    free(wiped);
    /* Flipped bytes in headers: damaged PEBs are skipped and reported. */
    srand(1234);
    for (int round = 0; round < 6; round++) {
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, ubi, size);
        for (int k = 0; k < 4; k++) {
            size_t p = (size_t)rand() % (size / 131072);
            bad[p * 131072 + (size_t)(rand() % 2) * 2048 + (size_t)rand() % 60] ^= 0x5A;
        }
        recording r;
        record_unpack(&fw_format_ubi, bad, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.warning_count > 0);
        recording_free(&r);
        free(bad);
    }
    free(ubi);
}

static void test_hostile_ubifs(void **state)
{
    (void)state;
    make_images("zlib", "hostile2.ubifs", "hostile2.ubi");
    size_t size;
    uint8_t *fs = load_in(work_dir, "hostile2.ubifs", &size);
    /* Truncated: the index and files in cut-off LEBs are reported missing. */
    static const size_t cuts[] = {126976 * 3 + 100, 126976 * 8, 126976 * 15 + 4000, 0};
    for (size_t c = 0; c < 4; c++) {
        size_t cut = cuts[c] ? cuts[c] : size - 5000;
        recording r;
        record_unpack(&fw_format_ubifs, fs, cut, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.warning_count > 0);
        recording_free(&r);
    }
    /* Random flips anywhere past the superblock and master nodes. */
    srand(99);
    for (int round = 0; round < 12; round++) {
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, fs, size);
        for (int k = 0; k < 20; k++)
            bad[126976 * 3 + (size_t)rand() % (size - 126976 * 3)] ^= (uint8_t)(1 + rand() % 255);
        recording r;
        record_unpack(&fw_format_ubifs, bad, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        recording_free(&r);
        free(bad);
    }
    /* A superblock that is not one. */
    fs[100] ^= 1;
    uint64_t length;
    assert_false(fw_format_ubifs.probe(fs, size, &length));
    free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lzo),
        cmocka_unit_test(test_zlib),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_uncompressed),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_duplicate_lebs),
        cmocka_unit_test(test_journal_replay),
        cmocka_unit_test(test_hostile_ubi),
        cmocka_unit_test(test_hostile_ubifs),
    };
    return cmocka_run_group_tests(tests, build_tree, NULL);
}
