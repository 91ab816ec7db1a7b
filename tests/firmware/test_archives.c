/*
 * Archive reader tests (cpio newc/crc/odc/binary, tar gnu/pax, zip): a tree
 * holding Debian's static busybox with a hard link and a symlink to it, a
 * setuid file, a private file, an empty file and an empty directory is
 * archived here by GNU cpio, GNU tar and Python's zipfile, and every entry
 * is checked (kind, mode, owner, content, link target); the probes must
 * measure each archive exactly, also between junk. fact_extractor's cpio and
 * tar fixtures must read as cpio and tar themselves extract them. Hostile
 * cases: truncation, corruption of every header byte, the file, entry and
 * ratio limits (a zip bomb), and stray binary-cpio magics in a binary.
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

extern const fw_format fw_format_cpio_newc, fw_format_cpio_crc, fw_format_cpio_odc;
extern const fw_format fw_format_cpio_bin, fw_format_cpio_bin_be, fw_format_tar, fw_format_zip;

#define OWNER 1000
#define GROUP 1001
#define ANY_ID 0xffffffffu

typedef struct expected {
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode;
    const char *target; /* symlink target */
} expected;

/* bin/busybox and its hard link bin/ls are checked as a pair. */
static const expected tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, NULL},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, "busybox"},
    {"etc", IOTSSF_FW_DIR, 0755, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0600, NULL},
    {"sbin", IOTSSF_FW_DIR, 0755, NULL},
    {"sbin/su-helper", IOTSSF_FW_FILE, 04755, NULL},
    {"var", IOTSSF_FW_DIR, 0755, NULL},
};
enum { TREE_SIZE = sizeof tree / sizeof tree[0] };

typedef struct archive_case {
    const fw_format *format;
    const char *file;
    const char *command; /* run in the work folder; the tree is in root/ */
    bool owners;         /* the archive records OWNER:GROUP */
    bool hard_link;      /* the archive can say that bin/ls is bin/busybox */
} archive_case;

#define CPIO_OUT                                                                                   \
    "cd root && find . -mindepth 1 | sed 's|^[.]/||' | sort | cpio --quiet -o -R 1000:1001 "
#define TAR_OUT "tar -C root --owner=iotssf:1000 --group=iotssf:1001 "
static const archive_case cases[] = {
    {&fw_format_cpio_newc, "tree.newc", CPIO_OUT "-H newc > ../tree.newc", true, true},
    {&fw_format_cpio_crc, "tree.crc", CPIO_OUT "-H crc > ../tree.crc", true, true},
    {&fw_format_cpio_odc, "tree.odc", CPIO_OUT "-H odc > ../tree.odc", true, true},
    {&fw_format_cpio_bin, "tree.bin", CPIO_OUT "-H bin > ../tree.bin", true, true},
    {&fw_format_tar, "tree.tar", TAR_OUT "-cf tree.tar bin etc sbin var", true, true},
    {&fw_format_tar, "tree.pax", TAR_OUT "--format=posix -cf tree.pax bin etc sbin var", true,
     true},
    {&fw_format_zip, "tree.zip", NULL, false, false},
};
enum { CASES = sizeof cases / sizeof cases[0] };

/* Python's zipfile keeps Unix modes (setuid too) and writes the symlink as
 * a link; zip has no hard links, so bin/ls is a second copy there. */
static const char zip_script[] =
    "import os, sys, zipfile\n"
    "z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n"
    "for d, dirs, files in sorted(os.walk('.')):\n"
    "    dirs.sort()\n"
    "    for n in sorted(dirs + files):\n"
    "        p = os.path.join(d, n)[2:]\n"
    "        if os.path.islink(p):\n"
    "            i = zipfile.ZipInfo(p)\n"
    "            i.create_system = 3\n"
    "            i.external_attr = 0o120777 << 16\n"
    "            z.writestr(i, os.readlink(p))\n"
    "        else:\n"
    "            z.write(p)\n"
    "z.close()\n";

static char work_dir[4096];
static uint8_t *busybox;
static size_t busybox_size;
static bool have_python;

static void write_text(const char *name, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", work_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int build_fixtures(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("archives"));
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/etc root/sbin root/var && "
                "cp '%s/bin/busybox' root/bin/busybox && chmod 755 root/bin/busybox && "
                "ln root/bin/busybox root/bin/ls && ln -s busybox root/bin/sh && "
                "printf '#!/bin/sh\\nexec id\\n' > root/sbin/su-helper && "
                "chmod 4755 root/sbin/su-helper && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && "
                "chmod 600 root/etc/passwd && : > root/etc/empty",
                work_dir, fixture_debian_dir("busybox-static"));
    for (size_t i = 0; i < CASES; i++)
        if (cases[i].command)
            run_or_fail("cd '%s' && %s", work_dir, cases[i].command);
    have_python = system("command -v python3 >/dev/null 2>&1") == 0;
    if (have_python) {
        write_text("mkzip.py", zip_script);
        run_or_fail("cd '%s/root' && python3 ../mkzip.py ../tree.zip", work_dir);
    }
    busybox = load_in(work_dir, "root/bin/busybox", &busybox_size);
    return 0;
}

static int free_fixtures(void **state)
{
    (void)state;
    free(busybox);
    return 0;
}

static void expect_warning(const recording *r, const char *needle)
{
    if (recorded_has_warning(r, needle))
        return;
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("  warning: %s\n", r->warnings[i]);
    fail_msg("no warning containing \"%s\"", needle);
}

/* Readers pass names raw ("./bin/", "bin/"); the core cleans them later. */
static bool same_path(const char *raw, const char *path)
{
    if (strncmp(raw, "./", 2) == 0)
        raw += 2;
    size_t n = strlen(path);
    return strncmp(raw, path, n) == 0 && (raw[n] == '\0' || strcmp(raw + n, "/") == 0);
}

static const recorded_entry *find(const recording *r, const char *path)
{
    for (size_t i = 0; i < r->entry_count; i++)
        if (same_path(r->entries[i].path, path))
            return &r->entries[i];
    return NULL;
}

static const recorded_entry *must_find(const recording *r, const char *path, const char *who)
{
    const recorded_entry *e = find(r, path);
    if (!e)
        fail_msg("%s: no entry %s", who, path);
    return e;
}

/* The tree file's bytes, for comparison. */
static void expect_content(const recorded_entry *e, const char *root_relative)
{
    char name[4200];
    snprintf(name, sizeof name, "root/%s", root_relative);
    size_t size;
    uint8_t *want = load_in(work_dir, name, &size);
    assert_int_equal(e->size, size);
    if (size)
        assert_memory_equal(e->data, want, size);
    free(want);
}

/* One of bin/busybox and bin/ls holds the data; the other is a hard link
 * to it (or, in a zip, a second copy). */
static void expect_busybox_pair(const recording *r, const archive_case *c)
{
    const recorded_entry *a = must_find(r, "bin/busybox", c->file);
    const recorded_entry *b = must_find(r, "bin/ls", c->file);
    if (!c->hard_link) {
        expect_content(a, "bin/busybox");
        expect_content(b, "bin/busybox");
        return;
    }
    const recorded_entry *file = a->kind == IOTSSF_FW_FILE ? a : b;
    const recorded_entry *link = file == a ? b : a;
    assert_int_equal(file->kind, IOTSSF_FW_FILE);
    assert_int_equal(link->kind, IOTSSF_FW_HARDLINK);
    assert_non_null(link->link_target);
    if (!same_path(link->link_target, file == a ? "bin/busybox" : "bin/ls"))
        fail_msg("%s: %s links to %s", c->file, link->path, link->link_target);
    expect_content(file, "bin/busybox");
    assert_int_equal(file->mode, 0755);
    assert_int_equal(link->mode, 0755);
}

static void expect_tree(const recording *r, const archive_case *c)
{
    assert_int_equal(r->status, IOTSSF_OK);
    if (r->warning_count)
        fail_msg("%s: unexpected warning: %s", c->file, r->warnings[0]);
    for (size_t i = 0; i < TREE_SIZE; i++) {
        const expected *x = &tree[i];
        const recorded_entry *e = must_find(r, x->path, c->file);
        if (e->kind != x->kind || e->mode != x->mode)
            fail_msg("%s: %s is kind %d mode %o", c->file, x->path, e->kind, e->mode);
        if (c->owners && (e->uid != OWNER || e->gid != GROUP))
            fail_msg("%s: %s is owned by %u:%u", c->file, x->path, e->uid, e->gid);
        if (x->kind == IOTSSF_FW_FILE)
            expect_content(e, x->path);
        if (x->target) {
            assert_non_null(e->link_target);
            assert_string_equal(e->link_target, x->target);
        }
    }
    expect_busybox_pair(r, c);
    assert_int_equal(r->entry_count, TREE_SIZE + 2);
    assert_non_null(r->description);
}

static void expect_description(const recording *r, const char *needle)
{
    assert_non_null(r->description);
    if (!strstr(r->description, needle))
        fail_msg("description \"%s\" lacks \"%s\"", r->description, needle);
}

static bool skip_without_python(const archive_case *c)
{
    if (c->command || have_python)
        return false;
    print_message("skipped %s: python3 is not installed\n", c->file);
    return true;
}

static void test_trees(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const archive_case *c = &cases[i];
        if (skip_without_python(c))
            continue;
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        uint64_t length = 0;
        if (!c->format->probe(data, size, &length))
            fail_msg("%s: probe refused", c->file);
        assert_true(length > 0 && length <= size);
        recording r;
        record_unpack(c->format, data, size, NULL, &r);
        expect_tree(&r, c);
        recording_free(&r);
        free(data);
    }
}

/* Where the probe says the archive ends: at the cpio trailer, after tar's
 * two zero blocks, after zip's end record. Read from only that much, the
 * archive is whole; followed by junk, the probe says the same. */
static void expect_length(const archive_case *c, const uint8_t *data, size_t size,
                          uint64_t length)
{
    if (c->format == &fw_format_zip) {
        assert_int_equal(length, size);
    } else if (c->format == &fw_format_tar) {
        assert_int_equal(length % 512, 0);
        for (size_t k = (size_t)length - 1024; k < length; k++)
            assert_int_equal(data[k], 0);
        bool content_before = false;
        for (size_t k = (size_t)length - 1536; k < length - 1024; k++)
            content_before |= data[k] != 0;
        assert_true(content_before);
    } else {
        const uint8_t *trailer = NULL;
        for (const uint8_t *p = data; p + 10 <= data + size; p++)
            if (memcmp(p, "TRAILER!!!", 10) == 0)
                trailer = p;
        assert_non_null(trailer);
        size_t at = (size_t)(trailer - data);
        assert_true(length >= at + 11 && length <= at + 16);
    }
}

static void test_lengths_between_junk(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const archive_case *c = &cases[i];
        if (skip_without_python(c))
            continue;
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        uint64_t length = 0;
        assert_true(c->format->probe(data, size, &length));
        expect_length(c, data, size, length);

        size_t padded = (size_t)length + 5000;
        uint8_t *image = malloc(padded);
        assert_non_null(image);
        memcpy(image, data, (size_t)length);
        for (size_t k = (size_t)length; k < padded; k++)
            image[k] = (uint8_t)(k * 97 + 1);
        uint64_t again = 0;
        assert_true(c->format->probe(image, padded, &again));
        assert_int_equal(again, length);
        recording r;
        record_unpack(c->format, image, padded, NULL, &r);
        expect_tree(&r, c);
        recording_free(&r);
        free(image);
        free(data);
    }
}

/* Cut in half: entries before the cut are whole, the one cut is a prefix,
 * and a warning says so. */
static void test_truncated(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const archive_case *c = &cases[i];
        if (skip_without_python(c))
            continue;
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        recording r;
        record_unpack(c->format, data, size / 2, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        if (r.warning_count == 0)
            fail_msg("%s: truncation went unnoticed", c->file);
        for (size_t k = 0; k < r.entry_count; k++) {
            const recorded_entry *e = &r.entries[k];
            if (e->kind != IOTSSF_FW_FILE || e->size == 0)
                continue;
            if (same_path(e->path, "bin/busybox") || same_path(e->path, "bin/ls")) {
                assert_true(e->size <= busybox_size);
                assert_memory_equal(e->data, busybox, e->size);
            }
        }
        recording_free(&r);
        free(data);
    }
}

/* Every byte of the first headers flipped in turn, on a small archive of
 * the tree without busybox: no crash, nothing larger than the input. */
static void test_corrupted_headers(void **state)
{
    (void)state;
    run_or_fail("cd '%s/root' && find etc sbin var | sort | cpio --quiet -o -H newc > "
                "../small.newc && find etc sbin var | sort | cpio --quiet -o -H odc > "
                "../small.odc && find etc sbin var | sort | cpio --quiet -o -H bin > ../small.bin && "
                "tar -cf ../small.tar etc sbin var",
                work_dir);
    static const struct {
        const fw_format *format;
        const char *file;
    } small[] = {{&fw_format_cpio_newc, "small.newc"},
                 {&fw_format_cpio_odc, "small.odc"},
                 {&fw_format_cpio_bin, "small.bin"},
                 {&fw_format_tar, "small.tar"}};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        size_t size;
        uint8_t *data = load_in(work_dir, small[i].file, &size);
        for (size_t k = 0; k < size && k < 1600; k++) {
            data[k] ^= 0xa5;
            uint64_t length;
            if (small[i].format->probe(data, size, &length)) {
                assert_true(length <= size);
                recording r;
                record_unpack(small[i].format, data, size, NULL, &r);
                assert_int_equal(r.status, IOTSSF_OK);
                for (size_t e = 0; e < r.entry_count; e++)
                    assert_true(r.entries[e].size <= size);
                recording_free(&r);
            }
            data[k] ^= 0xa5;
        }
        free(data);
    }
}

/* A 1 MiB file limit skips busybox (with a warning) and keeps the rest; an
 * entry limit of 3 stops the walk. */
static void test_limits(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const archive_case *c = &cases[i];
        if (skip_without_python(c))
            continue;
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        iotssf_fw_limits limits = iotssf_fw_default_limits();
        limits.max_file_bytes = 1u << 20;
        recording r;
        record_unpack(c->format, data, size, &limits, &r);
        expect_warning(&r, "not unpacked, over a limit");
        expect_content(must_find(&r, "etc/passwd", c->file), "etc/passwd");
        for (size_t k = 0; k < r.entry_count; k++)
            assert_true(r.entries[k].size <= limits.max_file_bytes);
        recording_free(&r);

        limits = iotssf_fw_default_limits();
        limits.max_entries = 3;
        record_unpack(c->format, data, size, &limits, &r);
        expect_warning(&r, "limit of 3 entries");
        assert_true(r.entry_count <= 3);
        recording_free(&r);
        free(data);
    }
}

/* 50 MB of zeros deflated into a 50 KB zip entry: the ratio limit refuses
 * it, the small entry beside it is kept, and nothing stays charged. */
static void test_zip_bomb(void **state)
{
    (void)state;
    if (!have_python) {
        print_message("skipped: python3 is not installed\n");
        skip();
    }
    write_text("bomb.py", "import sys, zipfile\n"
                          "z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n"
                          "z.writestr('zeros', bytes(50 << 20))\n"
                          "z.writestr('small', b'small file')\n"
                          "z.close()\n");
    run_or_fail("cd '%s' && python3 bomb.py bomb.zip", work_dir);
    size_t size;
    uint8_t *data = load_in(work_dir, "bomb.zip", &size);
    iotssf_fw_limits limits = iotssf_fw_default_limits();
    limits.max_file_bytes = 16u << 20;
    recording r;
    record_unpack(&fw_format_zip, data, size, &limits, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    expect_warning(&r, "ratio above");
    expect_warning(&r, "zeros: not unpacked");
    assert_null(recorded_find(&r, "zeros"));
    const recorded_entry *small = recorded_find(&r, "small");
    assert_non_null(small);
    assert_int_equal(small->size, 10);
    assert_int_equal(r.unpacked_bytes, 10);
    recording_free(&r);
    free(data);
}

/* fact_extractor's cpio (binary, little-endian) and tar: the files that
 * cpio and tar themselves extract from them. */
static void check_corpus(const fw_format *format, const char *relative, const char *extract)
{
    const char *path = corpus_path_or_skip(relative);
    size_t size;
    uint8_t *data = load_or_fail(path, &size);
    run_or_fail("cd '%s' && rm -rf x && mkdir x && cd x && %s < '%s'", work_dir, extract, path);
    uint64_t length;
    assert_true(format->probe(data, size, &length));
    assert_true(length > 0 && length <= size);
    recording r;
    record_unpack(format, data, size, NULL, &r);
    assert_int_equal(r.warning_count, 0);
    static const char *const files[] = {"get_files_test/testfile1", "get_files_test/testfile2",
                                        "get_files_test/generic folder/test file 3_.txt"};
    for (size_t i = 0; i < 3; i++) {
        const recorded_entry *e = must_find(&r, files[i], relative);
        assert_int_equal(e->kind, IOTSSF_FW_FILE);
        char name[4400];
        snprintf(name, sizeof name, "%s/x/%s", work_dir, files[i]);
        size_t want_size;
        uint8_t *want = load_or_fail(name, &want_size);
        assert_int_equal(e->size, want_size);
        assert_true(want_size > 0);
        assert_memory_equal(e->data, want, want_size);
        free(want);
    }
    assert_int_equal(must_find(&r, "get_files_test", relative)->kind, IOTSSF_FW_DIR);
    assert_int_equal(must_find(&r, "get_files_test/generic folder", relative)->kind,
                     IOTSSF_FW_DIR);
    recording_free(&r);
    free(data);
}

static void test_corpus_cpio(void **state)
{
    (void)state;
    check_corpus(&fw_format_cpio_bin, "fact_extractor/patool__test.cpio", "cpio --quiet -id");
}

static void test_corpus_tar(void **state)
{
    (void)state;
    check_corpus(&fw_format_tar, "fact_extractor/patool__test.tar", "tar -xf -");
}

/* Binary cpio's magic is two bytes, common in any binary: every place in
 * busybox where it occurs is refused. */
static void test_cpio_bin_probe_rejects_stray_magic(void **state)
{
    (void)state;
    size_t hits = 0;
    for (size_t k = 0; k + 2 <= busybox_size; k++) {
        uint64_t length;
        if (busybox[k] == 0xc7 && busybox[k + 1] == 0x71) {
            hits++;
            if (fw_format_cpio_bin.probe(busybox + k, busybox_size - k, &length))
                fail_msg("binary cpio probe accepted busybox at 0x%zx", k);
        } else if (busybox[k] == 0x71 && busybox[k + 1] == 0xc7) {
            hits++;
            if (fw_format_cpio_bin_be.probe(busybox + k, busybox_size - k, &length))
                fail_msg("big-endian binary cpio probe accepted busybox at 0x%zx", k);
        }
    }
    print_message("%zu stray binary cpio magics refused\n", hits);
    assert_true(hits > 0);
}

/* Big-endian binary cpio (old big-endian Unix machines): GNU cpio writes
 * the host's order, so the little-endian archive is turned around here,
 * header word by header word (names and data are bytes and stay). */
static void test_cpio_bin_big_endian(void **state)
{
    (void)state;
    size_t size;
    uint8_t *data = load_in(work_dir, "tree.bin", &size);
    size_t pos = 0;
    bool trailer = false;
    while (!trailer && pos + 26 <= size && data[pos] == 0xc7 && data[pos + 1] == 0x71) {
        uint8_t *h = data + pos;
        size_t namesize = (size_t)(h[20] | h[21] << 8);
        size_t filesize = (size_t)(h[22] | h[23] << 8) << 16 | (size_t)(h[24] | h[25] << 8);
        trailer = namesize == 11 && memcmp(h + 26, "TRAILER!!!", 11) == 0;
        for (size_t w = 0; w < 26; w += 2) {
            uint8_t low = h[w];
            h[w] = h[w + 1];
            h[w + 1] = low;
        }
        pos += 26 + namesize + (namesize & 1);
        pos += filesize + (filesize & 1);
    }
    assert_true(trailer);
    uint64_t length;
    assert_false(fw_format_cpio_bin.probe(data, size, &length));
    assert_true(fw_format_cpio_bin_be.probe(data, size, &length));
    assert_int_equal(length, pos);
    recording r;
    record_unpack(&fw_format_cpio_bin_be, data, size, NULL, &r);
    static const archive_case be = {&fw_format_cpio_bin_be, "tree.bin (big-endian)", NULL, true,
                                    true};
    expect_tree(&r, &be);
    expect_description(&r, "big-endian");
    recording_free(&r);
    free(data);
}

/* A tar header whose checksum does not hold is not a tar. */
static void test_tar_bad_checksum(void **state)
{
    (void)state;
    size_t size;
    uint8_t *data = load_in(work_dir, "tree.tar", &size);
    uint64_t length;
    assert_true(fw_format_tar.probe(data, size, &length));
    data[0] ^= 1;
    assert_false(fw_format_tar.probe(data, size, &length));
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trees),
        cmocka_unit_test(test_lengths_between_junk),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupted_headers),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_corpus_cpio),
        cmocka_unit_test(test_corpus_tar),
        cmocka_unit_test(test_cpio_bin_probe_rejects_stray_magic),
        cmocka_unit_test(test_cpio_bin_big_endian),
        cmocka_unit_test(test_tar_bad_checksum),
    };
    return cmocka_run_group_tests(tests, build_fixtures, free_fixtures);
}
