/*
 * Compressed-stream reader tests (gzip, xz, lzma, zstd, lz4 frame and
 * legacy, lzop, bzip2): Debian's static busybox is compressed here with each
 * real tool and must come back byte for byte, alone and embedded between
 * junk (where the probe must measure the stream exactly); binwalk's gzip
 * sample must match what gzip itself decodes; and hostile inputs: truncated
 * and damaged streams (partial output and a warning, no crash), stray
 * LZMA magics inside a binary, a 200 MB gzip bomb against a 16 MiB limit,
 * and the ratio and total limits.
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

extern const fw_format fw_format_gzip, fw_format_xz, fw_format_lzma_alone, fw_format_zstd;
extern const fw_format fw_format_lz4, fw_format_lz4_legacy, fw_format_lzop, fw_format_bzip2;

typedef struct stream_case {
    const fw_format *format;
    const char *file;    /* made from bb by `command` */
    const char *command; /* run in the work folder */
    /* The stream can be checked for damage (CRC or checksum in the format)
     * and decodes progressively, so half of it yields output. */
    bool checked, progressive;
} stream_case;

static const stream_case cases[] = {
    {&fw_format_gzip, "bb.gz", "gzip -9 -n -c bb > bb.gz", true, true},
    {&fw_format_xz, "bb.xz", "xz -6 -c bb > bb.xz", true, true},
    {&fw_format_lzma_alone, "bb.lzma", "xz --format=lzma -c bb > bb.lzma", false, true},
    {&fw_format_zstd, "bb.zst", "zstd -q -19 -c bb > bb.zst", true, true},
    {&fw_format_lz4, "bb.lz4", "lz4 -q -B4 -c bb > bb.lz4", true, true},
    {&fw_format_lz4_legacy, "bb.lz4l", "lz4 -q -l -c bb > bb.lz4l", false, false},
    {&fw_format_lzop, "bb.lzo", "lzop -c bb > bb.lzo", true, true},
    {&fw_format_bzip2, "bb.bz2", "bzip2 -9 -c bb > bb.bz2", true, true},
};
enum { CASES = sizeof cases / sizeof cases[0] };

static char work_dir[4096];
static uint8_t *busybox;
static size_t busybox_size;

static int build_fixtures(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("streams"));
    run_or_fail("cp '%s/bin/busybox' '%s/bb'", fixture_debian_dir("busybox-static"), work_dir);
    for (size_t i = 0; i < CASES; i++)
        run_or_fail("cd '%s' && %s", work_dir, cases[i].command);
    busybox = load_in(work_dir, "bb", &busybox_size);
    return 0;
}

static int free_fixtures(void **state)
{
    (void)state;
    free(busybox);
    return 0;
}

/* Fails the test, listing the warnings, unless one of them contains needle. */
static void expect_warning(const recording *r, const char *needle, const char *who)
{
    if (recorded_has_warning(r, needle))
        return;
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("  warning: %s\n", r->warnings[i]);
    fail_msg("%s: no warning containing \"%s\"", who, needle);
}

/* Each case decodes back to busybox, and the probe measures the stream to
 * its last byte. */
static void test_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const stream_case *c = &cases[i];
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        uint64_t length = 0;
        if (!c->format->probe(data, size, &length))
            fail_msg("%s: probe refused %s", c->format->name, c->file);
        assert_int_equal(length, size);
        recording r;
        record_unpack(c->format, data, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        if (r.warning_count)
            fail_msg("%s: unexpected warning: %s", c->format->name, r.warnings[0]);
        assert_int_equal(r.blob_count, 1);
        assert_int_equal(r.blobs[0].size, busybox_size);
        assert_memory_equal(r.blobs[0].data, busybox, busybox_size);
        assert_non_null(strstr(r.blobs[0].name, "payload"));
        assert_non_null(r.description);
        assert_int_equal(r.unpacked_bytes, busybox_size);
        recording_free(&r);
        free(data);
    }
}

/* Between junk, the probe still ends the stream at its own end, so the
 * scanner does not claim what follows, and unpack ignores the trailer. */
static void test_embedded_between_junk(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const stream_case *c = &cases[i];
        size_t size;
        uint8_t *stream = load_in(work_dir, c->file, &size);
        size_t lead = 1000, trail = 3000;
        uint8_t *image = malloc(lead + size + trail);
        assert_non_null(image);
        for (size_t k = 0; k < lead + size + trail; k++)
            image[k] = (uint8_t)(k * 131 + 7);
        memcpy(image + lead, stream, size);
        uint64_t length = 0;
        if (!c->format->probe(image + lead, size + trail, &length))
            fail_msg("%s: probe refused the embedded stream", c->format->name);
        if (length != size)
            fail_msg("%s: measured %llu bytes, the stream has %zu", c->format->name,
                     (unsigned long long)length, size);
        recording r;
        record_unpack(c->format, image + lead, size + trail, NULL, &r);
        assert_int_equal(r.blob_count, 1);
        assert_int_equal(r.blobs[0].size, busybox_size);
        assert_memory_equal(r.blobs[0].data, busybox, busybox_size);
        recording_free(&r);
        free(image);
        free(stream);
    }
}

/* Half a stream: what was decoded is kept (a true prefix), with a warning. */
static void test_truncated(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const stream_case *c = &cases[i];
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        size_t half = size / 2;
        uint64_t length = 0;
        bool accepted = c->format->probe(data, half, &length);
        if (c->progressive && !accepted)
            fail_msg("%s: probe refused a truncated stream", c->format->name);
        if (accepted)
            assert_true(length == 0 || length == half);
        recording r;
        record_unpack(c->format, data, half, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        expect_warning(&r, "truncated", c->format->name);
        assert_true(r.blob_count <= 1);
        if (c->progressive) {
            assert_int_equal(r.blob_count, 1);
            assert_true(r.blobs[0].size > 0 && r.blobs[0].size < busybox_size);
        }
        if (r.blob_count)
            assert_memory_equal(r.blobs[0].data, busybox, r.blobs[0].size);
        recording_free(&r);
        free(data);
    }
}

/* Damage in the middle: no crash, never more than the original size, and a
 * warning wherever the format carries a checksum. */
static void test_damaged(void **state)
{
    (void)state;
    for (size_t i = 0; i < CASES; i++) {
        const stream_case *c = &cases[i];
        size_t size;
        uint8_t *data = load_in(work_dir, c->file, &size);
        for (size_t k = size / 2; k < size / 2 + 64 && k < size; k++)
            data[k] ^= 0x5a;
        uint64_t length;
        (void)c->format->probe(data, size, &length);
        recording r;
        record_unpack(c->format, data, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        assert_true(r.blob_count <= 1);
        if (r.blob_count)
            assert_true(r.blobs[0].size <= busybox_size + (1u << 20));
        if (c->checked && r.warning_count == 0)
            fail_msg("%s: damage went unnoticed", c->format->name);
        /* Never the whole original as if nothing had happened. */
        if (c->checked && r.blob_count && r.blobs[0].size == busybox_size)
            assert_memory_not_equal(r.blobs[0].data, busybox, busybox_size);
        recording_free(&r);
        free(data);
    }
}

/* The three-byte LZMA magic occurs all over an x86 binary; none of those
 * places is a stream, and the probe must say so. The real stream is found. */
static void test_lzma_probe_rejects_stray_magic(void **state)
{
    (void)state;
    size_t hits = 0;
    for (size_t k = 0; k + 3 <= busybox_size; k++) {
        if (busybox[k] != 0x5d || busybox[k + 1] || busybox[k + 2])
            continue;
        hits++;
        uint64_t length;
        if (fw_format_lzma_alone.probe(busybox + k, busybox_size - k, &length))
            fail_msg("lzma probe accepted the bytes at 0x%zx of busybox", k);
    }
    print_message("%zu stray LZMA magics refused\n", hits);
    assert_true(hits > 0);
}

/* binwalk's sample: whatever gzip itself decodes from it. */
static void test_binwalk_gzip(void **state)
{
    (void)state;
    const char *path = corpus_path_or_skip("binwalk3/gzip.bin");
    size_t size, expected_size;
    uint8_t *data = load_or_fail(path, &size);
    run_or_fail("gzip -dc '%s' > '%s/binwalk.out'", path, work_dir);
    uint8_t *expected = load_in(work_dir, "binwalk.out", &expected_size);
    uint64_t length;
    assert_true(fw_format_gzip.probe(data, size, &length));
    assert_int_equal(length, size);
    recording r;
    record_unpack(&fw_format_gzip, data, size, NULL, &r);
    assert_int_equal(r.warning_count, 0);
    assert_int_equal(r.blob_count, 1);
    assert_int_equal(r.blobs[0].size, expected_size);
    assert_true(expected_size > 0);
    assert_memory_equal(r.blobs[0].data, expected, expected_size);
    recording_free(&r);
    free(expected);
    free(data);
}

/* 200 MB of zeros gzip'd to ~200 KB, against a 16 MiB file limit: stopped
 * early, with a warning, holding no more than the limit. Zeros compress
 * past the default ratio of 1000, so that limit fires first; with the ratio
 * lifted, the per-file limit does. */
static void test_gzip_bomb(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && head -c 200M /dev/zero | gzip -c > bomb.gz", work_dir);
    size_t size;
    uint8_t *data = load_in(work_dir, "bomb.gz", &size);
    uint64_t length;
    assert_true(fw_format_gzip.probe(data, size, &length));
    for (int lifted = 0; lifted < 2; lifted++) {
        iotssf_fw_limits limits = iotssf_fw_default_limits();
        limits.max_file_bytes = 16u << 20;
        if (lifted)
            limits.max_ratio = UINT32_MAX;
        recording r;
        record_unpack(&fw_format_gzip, data, size, &limits, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        expect_warning(&r, lifted ? "per-file limit" : "ratio above", "gzip bomb");
        expect_warning(&r, "cut at", "gzip bomb");
        assert_int_equal(r.blob_count, 1);
        assert_true(r.blobs[0].size <= limits.max_file_bytes);
        if (lifted)
            assert_true(r.blobs[0].size >= limits.max_file_bytes / 2);
        assert_int_equal(r.unpacked_bytes, r.blobs[0].size);
        for (size_t k = 0; k < r.blobs[0].size; k++)
            if (r.blobs[0].data[k])
                fail_msg("bomb output is not zeros at %zu", k);
        recording_free(&r);
    }
    free(data);
}

/* The ratio limit stops every codec on highly compressible input, and the
 * total limit counts what earlier streams unpacked. */
static void test_ratio_and_total_limits(void **state)
{
    (void)state;
    run_or_fail("cd '%s' && head -c 20M /dev/zero > zeros && gzip -c zeros > z.gz && "
                "xz -c zeros > z.xz && zstd -q -c zeros > z.zst && lz4 -q -c zeros > z.lz4 && "
                "lzop -c zeros > z.lzo && bzip2 -c zeros > z.bz2",
                work_dir);
    static const struct {
        const fw_format *format;
        const char *file;
    } zeros[] = {{&fw_format_gzip, "z.gz"}, {&fw_format_xz, "z.xz"},
                 {&fw_format_zstd, "z.zst"}, {&fw_format_lz4, "z.lz4"},
                 {&fw_format_lzop, "z.lzo"}, {&fw_format_bzip2, "z.bz2"}};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        size_t size;
        uint8_t *data = load_in(work_dir, zeros[i].file, &size);
        iotssf_fw_limits limits = iotssf_fw_default_limits();
        limits.max_ratio = 20;
        recording r;
        record_unpack(zeros[i].format, data, size, &limits, &r);
        expect_warning(&r, "ratio above", zeros[i].format->name);
        assert_true(r.blob_count <= 1);
        if (r.blob_count)
            assert_true(r.blobs[0].size < (20u << 20));
        recording_free(&r);

        /* 20 MiB of output against a 16 MiB total for the image. */
        limits = iotssf_fw_default_limits();
        limits.max_total_bytes = 16u << 20;
        limits.max_ratio = UINT32_MAX;
        record_unpack(zeros[i].format, data, size, &limits, &r);
        expect_warning(&r, "total limit", zeros[i].format->name);
        assert_true(r.unpacked_bytes <= limits.max_total_bytes);
        assert_int_equal(r.blob_count, 1);
        assert_int_equal(r.unpacked_bytes, r.blobs[0].size);
        recording_free(&r);
        free(data);
    }
}

/* Headers that look right but are not: the probes refuse them. */
static void test_bad_headers(void **state)
{
    (void)state;
    uint8_t junk[4096];
    for (size_t k = 0; k < sizeof junk; k++)
        junk[k] = (uint8_t)(k * 37 + 11);
    uint64_t length;
    /* gzip with reserved flag bits, xz with a bad header CRC, lzma with a
     * dictionary no encoder writes, bzip2 without its block magic. */
    memcpy(junk, "\x1f\x8b\x08\xe0", 4);
    assert_false(fw_format_gzip.probe(junk, sizeof junk, &length));
    memcpy(junk, "\xfd" "7zXZ\0\0\x01\0\0\0\0", 12);
    assert_false(fw_format_xz.probe(junk, sizeof junk, &length));
    memcpy(junk, "\x5d\x00\x00\x70\x01\xff\xff\xff\xff\xff\xff\xff\xff\x00", 14);
    assert_false(fw_format_lzma_alone.probe(junk, sizeof junk, &length));
    memcpy(junk, "BZh9\x17\x72", 6);
    assert_false(fw_format_bzip2.probe(junk, sizeof junk, &length));
    memcpy(junk, "\x02\x21\x4c\x18\x00\x00\x00\x00", 8);
    assert_false(fw_format_lz4_legacy.probe(junk, sizeof junk, &length));
    /* Too short for any header. */
    assert_false(fw_format_lzop.probe((const uint8_t *)"\x89LZO", 4, &length));
    assert_false(fw_format_zstd.probe((const uint8_t *)"\x28\xb5\x2f\xfd", 4, &length));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_embedded_between_junk),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_lzma_probe_rejects_stray_magic),
        cmocka_unit_test(test_binwalk_gzip),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_ratio_and_total_limits),
        cmocka_unit_test(test_bad_headers),
    };
    return cmocka_run_group_tests(tests, build_fixtures, free_fixtures);
}
