/*
 * The SquashFS reader decodes file data on worker threads
 * (lib/firmware/squashfs_queue.c, squashfs_pool.c) yet must hand the sink
 * exactly what the sequential reader hands it. Each test here unpacks the
 * same image with IOTSSF_THREADS=1 (the sequential reader) and =4 and
 * asserts that the sink is told the same things in the same order: entries
 * (metadata and bytes) and warnings in one sequence, then the description
 * and the unpacked total.
 *
 * The image is made here by mksquashfs from Debian's static busybox: over
 * 256 small files sharing fragments (several batches by count), a dozen
 * multi-block binaries and an 18 MB file (batches closed by size), hard
 * links to a file in the same batch and to one long delivered, a sparse
 * file, a highly compressible file, symlinks. It is then damaged (flipped
 * data and fragment bytes, every data block overwritten, flipped table
 * bytes, truncation) and unpacked under tight limits (total, per-file,
 * ratio, entries), where refusals fall mid-batch. The shared corpus's v2/v3/v4 images, whole
 * and damaged, are compared too.
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

extern const fw_format fw_format_squashfs_le, fw_format_squashfs_be;

enum { SMALL_FILES = 300, BINARIES = 12 };

static char work_dir[4096];
static uint8_t *image;
static size_t image_size;

static const char *busybox_path(void)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/bin/busybox", fixture_debian_dir("busybox-static"));
    return path;
}

/* Names sort so that a/ comes first (small files, and a hard link to one
 * of them a few entries on, in the same batch) and z/ last (a hard link to
 * a file delivered long before). */
static int build_image(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("squashfs-threads"));
    run_or_fail(
        "cd '%s' && umask 022 && mkdir -p root/a root/bin root/big root/z && "
        "for i in $(seq -w 1 %d); do printf 'small file %%s\\n' $i > root/a/f-$i; done && "
        "ln root/a/f-010 root/a/f-012-link && "
        "for i in $(seq -w 1 %d); do cp '%s' root/bin/b-$i && printf 'copy %%s' $i >> root/bin/b-$i; "
        "done && ln -s b-01 root/bin/sh && "
        "for i in 1 2 3 4 5 6 7 8 9; do cat root/bin/b-0$i; done > root/big/joined && "
        "truncate -s 1000000 root/big/sparse && printf tail >> root/big/sparse && "
        "yes 'the same line' | head -c 2000000 > root/big/text && "
        "ln root/bin/b-03 root/z/b-03-link && "
        "mksquashfs root image.sqfs -noappend -quiet -no-progress -no-xattrs -comp gzip",
        work_dir, SMALL_FILES, BINARIES, busybox_path());
    char path[4200];
    snprintf(path, sizeof path, "%s/image.sqfs", work_dir);
    image = load_or_fail(path, &image_size);
    return 0;
}

static int free_image(void **state)
{
    (void)state;
    free(image);
    return 0;
}

/* Everything a reader tells its sink, in the order it tells it: entries
 * and warnings in one sequence, so that a warning moved before or after an
 * entry shows. File bytes are kept as their size and CRC-32. */
typedef struct told {
    bool warning;
    char *text; /* the path, or the warning */
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    uint64_t size;
    uint32_t crc;
    char *target;
} told;

typedef struct journal {
    told *items;
    size_t count;
    char *description;
    iotssf_fw_limits limits;
    uint64_t unpacked;
    iotssf_status status;
} journal;

static char *copy_text(const char *text)
{
    char *copy = strdup(text);
    assert_non_null(copy);
    return copy;
}

static told *journal_add(journal *j)
{
    j->items = realloc(j->items, (j->count + 1) * sizeof *j->items);
    assert_non_null(j->items);
    told *t = &j->items[j->count++];
    memset(t, 0, sizeof *t);
    return t;
}

static iotssf_status journal_entry(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
{
    (void)err;
    told *t = journal_add(s->ctx);
    t->text = copy_text(e->path);
    t->kind = e->kind;
    t->mode = e->mode;
    t->uid = e->uid;
    t->gid = e->gid;
    t->size = e->size;
    if (e->data)
        t->crc = (uint32_t)crc32(0, e->data, (uInt)e->size);
    if (e->link_target)
        t->target = copy_text(e->link_target);
    return IOTSSF_OK;
}

static void journal_warn(fw_sink *s, const char *message)
{
    told *t = journal_add(s->ctx);
    t->warning = true;
    t->text = copy_text(message);
}

static void journal_describe(fw_sink *s, const char *detail)
{
    journal *j = s->ctx;
    free(j->description);
    j->description = copy_text(detail);
}

static void journal_free(journal *j)
{
    for (size_t i = 0; i < j->count; i++) {
        free(j->items[i].text);
        free(j->items[i].target);
    }
    free(j->items);
    free(j->description);
    memset(j, 0, sizeof *j);
}

static void unpack_with(const char *threads, const fw_format *f, const uint8_t *data,
                        size_t size, const iotssf_fw_limits *limits, journal *j)
{
    memset(j, 0, sizeof *j);
    j->limits = limits ? *limits : iotssf_fw_default_limits();
    fw_sink sink = {journal_entry, NULL, journal_warn, journal_describe,
                    &j->limits,    &j->unpacked, j};
    iotssf_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(setenv("IOTSSF_THREADS", threads, 1), 0);
    j->status = f->unpack(data, size, &sink, &err);
    unsetenv("IOTSSF_THREADS");
}

static void describe_told(const told *t, char *out, size_t size)
{
    if (t->warning)
        snprintf(out, size, "warning: %s", t->text);
    else
        snprintf(out, size, "entry %s kind %d mode %o uid %u gid %u size %llu crc %08x -> %s",
                 t->text, (int)t->kind, t->mode, t->uid, t->gid, (unsigned long long)t->size,
                 t->crc, t->target ? t->target : "");
}

/* Unpacks with 1 and 4 threads and asserts the two journals are one; the
 * sequential one is returned in *out for further checks. */
static void compare_threads(const fw_format *f, const uint8_t *data, size_t size,
                            const iotssf_fw_limits *limits, journal *out)
{
    journal one, four;
    unpack_with("1", f, data, size, limits, &one);
    unpack_with("4", f, data, size, limits, &four);
    assert_int_equal(one.status, IOTSSF_OK);
    assert_int_equal(four.status, IOTSSF_OK);
    for (size_t i = 0; i < one.count || i < four.count; i++) {
        char a[1200] = "(nothing)", b[1200] = "(nothing)";
        if (i < one.count)
            describe_told(&one.items[i], a, sizeof a);
        if (i < four.count)
            describe_told(&four.items[i], b, sizeof b);
        if (strcmp(a, b) != 0)
            fail_msg("told #%zu differs:\n  1 thread:  %s\n  4 threads: %s", i, a, b);
    }
    assert_true((one.description == NULL) == (four.description == NULL));
    if (one.description)
        assert_string_equal(one.description, four.description);
    assert_int_equal(one.unpacked, four.unpacked);
    journal_free(&four);
    if (out)
        *out = one;
    else
        journal_free(&one);
}

static bool warned(const journal *j, const char *fragment)
{
    for (size_t i = 0; i < j->count; i++)
        if (j->items[i].warning && strstr(j->items[i].text, fragment))
            return true;
    return false;
}

static size_t warning_count(const journal *j)
{
    size_t n = 0;
    for (size_t i = 0; i < j->count; i++)
        n += j->items[i].warning;
    return n;
}

static size_t entry_count(const journal *j)
{
    return j->count - warning_count(j);
}

static const told *find(const journal *j, const char *path)
{
    for (size_t i = 0; i < j->count; i++)
        if (!j->items[i].warning && strcmp(j->items[i].text, path) == 0)
            return &j->items[i];
    return NULL;
}

static void test_intact_image(void **state)
{
    (void)state;
    journal j;
    compare_threads(&fw_format_squashfs_le, image, image_size, NULL, &j);
    assert_int_equal(warning_count(&j), 0);
    /* 4 directories, the files, 2 hard links, the symlink, joined, sparse,
     * text. */
    assert_int_equal(entry_count(&j), 4 + SMALL_FILES + 1 + BINARIES + 1 + 3 + 1);
    const told *link = find(&j, "a/f-012-link");
    assert_non_null(link);
    assert_int_equal(link->kind, IOTSSF_FW_HARDLINK);
    assert_string_equal(link->target, "a/f-010");
    const told *far = find(&j, "z/b-03-link");
    assert_non_null(far);
    assert_int_equal(far->kind, IOTSSF_FW_HARDLINK);
    char path[4200];
    size_t size;
    snprintf(path, sizeof path, "%s/root/big/joined", work_dir);
    uint8_t *joined = load_or_fail(path, &size);
    const told *e = find(&j, "big/joined");
    assert_non_null(e);
    assert_int_equal(e->size, size);
    assert_int_equal(e->crc, (uint32_t)crc32(0, joined, (uInt)size));
    free(joined);
    journal_free(&j);
}

/* The parallel reader really runs threads when asked, and none when told 1. */
typedef struct thread_probe {
    unsigned most;
} thread_probe;

static unsigned threads_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned n = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %u", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

static iotssf_status count_threads(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
{
    (void)e;
    (void)err;
    thread_probe *p = s->ctx;
    unsigned n = threads_now();
    if (n > p->most)
        p->most = n;
    return IOTSSF_OK;
}

static unsigned most_threads(const char *threads)
{
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    uint64_t unpacked = 0;
    thread_probe p = {0};
    fw_sink sink = {count_threads, NULL, NULL, NULL, &limits, &unpacked, &p};
    iotssf_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(setenv("IOTSSF_THREADS", threads, 1), 0);
    assert_int_equal(fw_format_squashfs_le.unpack(image, image_size, &sink, &err), IOTSSF_OK);
    unsetenv("IOTSSF_THREADS");
    return p.most;
}

static void test_threads_are_used(void **state)
{
    (void)state;
    if (threads_now() == 0)
        skip(); /* no /proc */
    unsigned before = threads_now();
    assert_int_equal(most_threads("1"), before);
    assert_int_equal(most_threads("4"), before + 3); /* the caller decodes too */
    assert_int_equal(threads_now(), before);        /* all joined */
}

/* A 64-bit superblock field: bytes_used at 40, the inode table at 64. */
static size_t super_field(size_t offset)
{
    size_t at = 0;
    for (int i = 7; i >= 0; i--)
        at = at << 8 | image[offset + i];
    assert_true(at > 96 && at <= image_size);
    return at;
}

/* Where data and fragment blocks end: the inode table's start. */
static size_t data_end(void)
{
    return super_field(64);
}

/* Flipped bytes in data and fragment blocks: damaged files, the same
 * partial result. */
static void test_damaged_data(void **state)
{
    (void)state;
    uint8_t *copy = malloc(image_size);
    assert_non_null(copy);
    uint32_t x = 2024;
    bool saw_damage = false;
    for (int round = 0; round < 6; round++) {
        memcpy(copy, image, image_size);
        for (int k = 0; k < 40; k++) {
            x = x * 1664525u + 1013904223u;
            copy[96 + (x >> 4) % (data_end() - 96)] ^= (uint8_t)(1u << (x % 8));
        }
        journal j;
        compare_threads(&fw_format_squashfs_le, copy, image_size, NULL, &j);
        saw_damage |= warned(&j, "damaged");
        journal_free(&j);
    }
    assert_true(saw_damage);
    free(copy);
}

/* Every data and fragment block overwritten: each file warns, far past
 * SQFS_MAX_WARNINGS, so the same warnings must be kept and the rest
 * suppressed at the same point. */
static void test_all_data_gone(void **state)
{
    (void)state;
    uint8_t *copy = malloc(image_size);
    assert_non_null(copy);
    memcpy(copy, image, image_size);
    /* 0xff rather than zeros, which a raw LZMA stream would accept (the
     * reader tries LZMA when a gzip block fails, as some vendors use it). */
    memset(copy + 96, 0xff, data_end() - 96);
    journal j;
    compare_threads(&fw_format_squashfs_le, copy, image_size, NULL, &j);
    assert_true(warned(&j, "fragment"));
    assert_true(warned(&j, "suppressed"));
    assert_int_equal(warning_count(&j), 65);
    assert_int_equal(entry_count(&j), 322); /* every entry, with zeros for bytes */
    journal_free(&j);
    free(copy);
}

/* Flipped bytes in the inode and directory tables: warnings of the walk
 * itself (unreadable inodes, damaged listings) between queued entries. */
static void test_damaged_tables(void **state)
{
    (void)state;
    uint8_t *copy = malloc(image_size);
    assert_non_null(copy);
    size_t from = data_end(), used = super_field(40);
    uint32_t x = 99;
    bool saw_walk_warning = false;
    for (int round = 0; round < 40; round++) {
        memcpy(copy, image, image_size);
        for (int k = 0; k < 2; k++) {
            x = x * 1664525u + 1013904223u;
            copy[from + (x >> 4) % (used - from)] ^= (uint8_t)(1u << (x % 8));
        }
        journal j;
        compare_threads(&fw_format_squashfs_le, copy, image_size, NULL, &j);
        /* A warning of the walk with entries before and after it. */
        size_t first_entry = j.count, last_entry = 0;
        for (size_t i = 0; i < j.count; i++)
            if (!j.items[i].warning) {
                first_entry = first_entry < i ? first_entry : i;
                last_entry = i;
            }
        for (size_t i = first_entry + 1; i < last_entry; i++)
            saw_walk_warning |= j.items[i].warning &&
                                (strstr(j.items[i].text, "inode unreadable") ||
                                 strstr(j.items[i].text, "listing damaged"));
        journal_free(&j);
    }
    assert_true(saw_walk_warning);
    free(copy);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t used = super_field(40);
    const size_t cuts[] = {used / 5, used / 2, used / 10 * 9, used - 100};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        journal j;
        compare_threads(&fw_format_squashfs_le, image, cuts[i], NULL, &j);
        assert_true(warned(&j, "truncated"));
        journal_free(&j);
    }
}

/* Limits that refuse files in the middle of a batch. */
static void test_limits(void **state)
{
    (void)state;
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    journal j;
    /* Walk order: big/joined, big/sparse, big/text, then bin/b-01... The
     * total runs out at b-03, so its hard link z/b-03-link is a file read
     * (and refused) again. */
    journal whole;
    unpack_with("1", &fw_format_squashfs_le, image, image_size, NULL, &whole);
    const told *joined = find(&whole, "big/joined"), *sparse = find(&whole, "big/sparse");
    const told *text = find(&whole, "big/text"), *b01 = find(&whole, "bin/b-01");
    assert_true(joined && sparse && text && b01);
    limits.max_total_bytes = 4096 + joined->size + sparse->size + text->size + b01->size * 5 / 2;
    journal_free(&whole);
    compare_threads(&fw_format_squashfs_le, image, image_size, &limits, &j);
    assert_true(warned(&j, "total limit"));
    assert_non_null(find(&j, "bin/b-02"));
    assert_null(find(&j, "bin/b-03"));
    assert_null(find(&j, "z/b-03-link"));
    journal_free(&j);

    limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 2u << 20; /* the binaries pass, joined does not */
    compare_threads(&fw_format_squashfs_le, image, image_size, &limits, &j);
    assert_true(warned(&j, "per-file limit"));
    assert_null(find(&j, "big/joined"));
    assert_non_null(find(&j, "bin/b-12"));
    journal_free(&j);

    limits = iotssf_fw_default_limits();
    limits.max_ratio = 100; /* big/text packs about 800:1 */
    compare_threads(&fw_format_squashfs_le, image, image_size, &limits, &j);
    assert_true(warned(&j, "ratio"));
    assert_null(find(&j, "big/text"));
    assert_non_null(find(&j, "big/joined"));
    journal_free(&j);

    const unsigned entry_limits[] = {1, 7, 200, 300, 310, 319};
    for (size_t i = 0; i < sizeof entry_limits / sizeof entry_limits[0]; i++) {
        limits = iotssf_fw_default_limits();
        limits.max_entries = entry_limits[i];
        compare_threads(&fw_format_squashfs_le, image, image_size, &limits, &j);
        assert_int_equal(entry_count(&j), entry_limits[i]);
        assert_true(warned(&j, "entry limit"));
        journal_free(&j);
    }
}

/* The shared corpus (v2, v3 and v4, zlib and vendor LZMA, both byte
 * orders), whole and with bytes flipped. */
static void test_corpus_images(void **state)
{
    (void)state;
    static const char *names[] = {
        "squashFS__gzip.sqfs",     "squashFS__xz.sqfs",       "squashFS__lzo.sqfs",
        "squashFS__zlib_le.sqfs3", "squashFS__zlib_be.sqfs3", "squashFS__lzma1_be.sqfs3",
        "squashFS__lzma_le.sqfs2", "squashFS__lzma_be.sqfs2",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char relative[128];
        snprintf(relative, sizeof relative, "fact_extractor/%s", names[i]);
        size_t size;
        uint8_t *img = load_or_fail(corpus_path_or_skip(relative), &size);
        const fw_format *f = img[0] == 'h' ? &fw_format_squashfs_le : &fw_format_squashfs_be;
        compare_threads(f, img, size, NULL, NULL);
        uint32_t x = 7u + (uint32_t)i;
        for (int round = 0; round < 40; round++) {
            uint8_t *copy = malloc(size);
            assert_non_null(copy);
            memcpy(copy, img, size);
            for (int k = 0; k < 4; k++) {
                x = x * 1664525u + 1013904223u;
                copy[96 + (x >> 4) % (size - 96)] ^= (uint8_t)(1u << (x % 8));
            }
            compare_threads(f, copy, size, NULL, NULL);
            free(copy);
        }
        free(img);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact_image),
        cmocka_unit_test(test_threads_are_used),
        cmocka_unit_test(test_damaged_data),
        cmocka_unit_test(test_all_data_gone),
        cmocka_unit_test(test_damaged_tables),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_corpus_images),
    };
    return cmocka_run_group_tests(tests, build_image, free_image);
}
