/*
 * Header container tests: U-Boot legacy images made here by mkimage (a
 * kernel with a gzip'd busybox, and a multi-file image), FIT images made by
 * mkimage from an .its (data inline, after the tree by offset, and by
 * position), TRX images and a TP-Link image written by small writers here
 * (their layouts are documented at the writers), and the fact_extractor
 * fixtures (u-boot image, TRX, TP-Link TL-MR3020 image), whose payloads are
 * checked against what the formats' own tools and headers say. Hostile
 * cases: a wrong header CRC, a wrong payload CRC, sizes past the end, a
 * plain device tree, and every single-byte corruption of small images.
 */
#include <openssl/evp.h>
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

extern const fw_format fw_format_uimage, fw_format_fit, fw_format_trx, fw_format_tplink;
extern const fw_format fw_format_lzma_alone, fw_format_zip;

static char work_dir[4096];
static uint8_t *bb_gz, *note, *board_dtb;
static size_t bb_gz_size, note_size, board_dtb_size;

static const char its[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  description = \"iotssf test FIT\";\n"
    "  #address-cells = <1>;\n"
    "  images {\n"
    "    kernel-1 {\n"
    "      description = \"busybox as a kernel\";\n"
    "      data = /incbin/(\"bb.gz\");\n"
    "      type = \"kernel\"; arch = \"arm\"; os = \"linux\"; compression = \"gzip\";\n"
    "      load = <0x80008000>; entry = <0x80008000>;\n"
    "      hash-1 { algo = \"crc32\"; };\n"
    "    };\n"
    "    fdt-1 {\n"
    "      data = /incbin/(\"board.dtb\");\n"
    "      type = \"flat_dt\"; arch = \"arm\"; compression = \"none\";\n"
    "    };\n"
    "  };\n"
    "  configurations {\n"
    "    default = \"conf-1\";\n"
    "    conf-1 { kernel = \"kernel-1\"; fdt = \"fdt-1\"; };\n"
    "  };\n"
    "};\n";

static int build_fixtures(void **state)
{
    (void)state;
    snprintf(work_dir, sizeof work_dir, "%s", scratch_dir("headers"));
    run_or_fail("cd '%s' && gzip -9 -n -c '%s/bin/busybox' > bb.gz && echo note > note.txt && "
                "printf '/dts-v1/;\\n/ { model = \"iotssf board\"; };\\n' > board.dts && "
                "dtc -q -I dts -O dtb -o board.dtb board.dts",
                work_dir, fixture_debian_dir("busybox-static"));
    run_or_fail("cd '%s' && mkimage -A mips -O linux -T kernel -C gzip -a 0x80060000 "
                "-e 0x80060400 -n 'iotssf kernel' -d bb.gz kernel.uimg && "
                "mkimage -A arm -O linux -T multi -C none -a 0 -e 0 -n 'iotssf multi' "
                "-d bb.gz:note.txt:board.dtb multi.uimg",
                work_dir);
    char its_path[4200];
    snprintf(its_path, sizeof its_path, "%s/test.its", work_dir);
    FILE *f = fopen(its_path, "w");
    assert_non_null(f);
    fputs(its, f);
    fclose(f);
    run_or_fail("cd '%s' && mkimage -f test.its inline.itb && mkimage -E -f test.its "
                "external.itb && mkimage -E -p 0x1000 -f test.its position.itb",
                work_dir);
    bb_gz = load_in(work_dir, "bb.gz", &bb_gz_size);
    note = load_in(work_dir, "note.txt", &note_size);
    board_dtb = load_in(work_dir, "board.dtb", &board_dtb_size);
    return 0;
}

static int free_fixtures(void **state)
{
    (void)state;
    free(bb_gz);
    free(note);
    free(board_dtb);
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

static void expect_no_warning(const recording *r)
{
    if (r->warning_count)
        fail_msg("unexpected warning: %s", r->warnings[0]);
}

static const recorded_blob *blob_named(const recording *r, const char *needle)
{
    for (size_t i = 0; i < r->blob_count; i++)
        if (strstr(r->blobs[i].name, needle))
            return &r->blobs[i];
    fail_msg("no blob named like \"%s\"", needle);
    return NULL;
}

static void expect_blob(const recorded_blob *b, const uint8_t *data, size_t size)
{
    assert_int_equal(b->size, size);
    assert_memory_equal(b->data, data, size);
}

/* A TRX partition: the data, then zero padding up to 4-alignment. */
static void expect_padded(const recorded_blob *b, const uint8_t *data, size_t size)
{
    assert_int_equal(b->size, (size + 3) & ~(size_t)3);
    assert_memory_equal(b->data, data, size);
    for (size_t k = size; k < b->size; k++)
        assert_int_equal(b->data[k], 0);
}

static void expect_description(const recording *r, const char *needle)
{
    assert_non_null(r->description);
    if (!strstr(r->description, needle))
        fail_msg("description \"%s\" lacks \"%s\"", r->description, needle);
}

/* Probe, then unpack; the probe must accept and report `length`. */
static void probe_and_unpack(const fw_format *f, const uint8_t *data, size_t size,
                             uint64_t length, recording *r)
{
    uint64_t measured = 0;
    if (!f->probe(data, size, &measured))
        fail_msg("%s: probe refused", f->name);
    assert_int_equal(measured, length);
    record_unpack(f, data, size, NULL, r);
    assert_int_equal(r->status, IOTSSF_OK);
}

/* Every single-byte corruption of the first `span` bytes: no crash, and
 * anything emitted lies inside the input (the recorder copies it). */
static void corrupt_each_byte(const fw_format *f, const uint8_t *data, size_t size, size_t span)
{
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    for (size_t k = 0; k < span && k < size; k++) {
        memcpy(copy, data, size);
        copy[k] ^= 0xff;
        uint64_t length;
        if (!f->probe(copy, size, &length))
            continue;
        assert_true(length <= size);
        recording r;
        record_unpack(f, copy, size, NULL, &r);
        assert_int_equal(r.status, IOTSSF_OK);
        for (size_t i = 0; i < r.blob_count; i++)
            assert_true(r.blobs[i].size <= size);
        recording_free(&r);
    }
    free(copy);
}

/* --- uImage -------------------------------------------------------------- */

static void test_uimage_kernel(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_in(work_dir, "kernel.uimg", &size);
    recording r;
    probe_and_unpack(&fw_format_uimage, img, size, size, &r);
    expect_no_warning(&r);
    assert_int_equal(r.blob_count, 1);
    expect_blob(&r.blobs[0], bb_gz, bb_gz_size);
    assert_string_equal(r.blobs[0].name, "uimage payload (kernel, gzip)");
    expect_description(&r, "\"iotssf kernel\", kernel, linux, mips, gzip");
    expect_description(&r, "load 0x80060000, entry 0x80060400");
    recording_free(&r);

    /* Sizes past the end: the payload is clamped, with a warning. */
    record_unpack(&fw_format_uimage, img, size - 1000, NULL, &r);
    expect_warning(&r, "clamped");
    assert_int_equal(r.blob_count, 1);
    expect_blob(&r.blobs[0], bb_gz, bb_gz_size - 1000);
    recording_free(&r);
    uint64_t length;
    assert_true(fw_format_uimage.probe(img, size - 1000, &length));
    assert_int_equal(length, size - 1000);

    /* A damaged payload: still emitted, with a CRC warning. */
    img[size / 2] ^= 1;
    record_unpack(&fw_format_uimage, img, size, NULL, &r);
    expect_warning(&r, "payload CRC mismatch");
    assert_int_equal(r.blob_count, 1);
    recording_free(&r);

    /* A damaged header: the CRC no longer holds and the probe refuses. */
    img[size / 2] ^= 1;
    img[40] ^= 0x20; /* in the name */
    assert_false(fw_format_uimage.probe(img, size, &length));
    img[40] ^= 0x20;
    assert_true(fw_format_uimage.probe(img, size, &length));
    corrupt_each_byte(&fw_format_uimage, img, size, 64);
    free(img);
}

static void test_uimage_multi(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = load_in(work_dir, "multi.uimg", &size);
    recording r;
    probe_and_unpack(&fw_format_uimage, img, size, size, &r);
    expect_no_warning(&r);
    expect_description(&r, "multi");
    assert_int_equal(r.blob_count, 3);
    expect_blob(&r.blobs[0], bb_gz, bb_gz_size);
    expect_blob(&r.blobs[1], note, note_size);
    expect_blob(&r.blobs[2], board_dtb, board_dtb_size);
    assert_string_equal(r.blobs[1].name, "uimage part 1");
    recording_free(&r);

    /* The last part cut short: clamped, the others intact. */
    record_unpack(&fw_format_uimage, img, size - 100, NULL, &r);
    expect_warning(&r, "part 2 declares");
    assert_int_equal(r.blob_count, 3);
    expect_blob(&r.blobs[0], bb_gz, bb_gz_size);
    expect_blob(&r.blobs[2], board_dtb, board_dtb_size - 100);
    recording_free(&r);
    free(img);
}

/* fact_extractor's u-boot image: an LZMA payload that xz itself decodes to
 * what the LZMA reader produces. */
static void test_uimage_corpus(void **state)
{
    (void)state;
    const char *path = corpus_path_or_skip("fact_extractor/uboot__uboot.image_with_header");
    size_t size;
    uint8_t *img = load_or_fail(path, &size);
    recording r;
    probe_and_unpack(&fw_format_uimage, img, size, 64 + 32753, &r);
    expect_no_warning(&r);
    expect_description(&r, "\"u-boot image\", firmware, linux, mips, lzma");
    assert_int_equal(r.blob_count, 1);
    const recorded_blob *payload = &r.blobs[0];
    assert_int_equal(payload->size, 32753);
    assert_memory_equal(payload->data, "\x5d\x00\x00", 3);

    char out[4400];
    snprintf(out, sizeof out, "%s/uboot-payload.lzma", work_dir);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(payload->data, 1, payload->size, f), payload->size);
    fclose(f);
    run_or_fail("cd '%s' && xz --format=lzma -dc uboot-payload.lzma > uboot-payload", work_dir);
    size_t plain_size;
    uint8_t *plain = load_in(work_dir, "uboot-payload", &plain_size);
    uint64_t length;
    assert_true(fw_format_lzma_alone.probe(payload->data, payload->size, &length));
    recording inner;
    record_unpack(&fw_format_lzma_alone, payload->data, payload->size, NULL, &inner);
    expect_no_warning(&inner);
    assert_int_equal(inner.blob_count, 1);
    assert_int_equal(plain_size, 93576); /* the size the LZMA header declares */
    expect_blob(&inner.blobs[0], plain, plain_size);
    recording_free(&inner);
    recording_free(&r);
    free(plain);
    free(img);
}

/* --- FIT ------------------------------------------------------------------ */

static void check_fit(const char *file)
{
    size_t size;
    uint8_t *img = load_in(work_dir, file, &size);
    /* The FIT ends with its last payload; mkimage may pad the file after. */
    uint64_t length = 0;
    assert_true(fw_format_fit.probe(img, size, &length));
    assert_true(length <= size && length + 4 > size);
    recording r;
    probe_and_unpack(&fw_format_fit, img, size, length, &r);
    expect_no_warning(&r);
    expect_description(&r, "FIT \"iotssf test FIT\", 2 images");
    assert_int_equal(r.blob_count, 2);
    expect_blob(blob_named(&r, "kernel-1 (kernel, gzip)"), bb_gz, bb_gz_size);
    expect_blob(blob_named(&r, "fdt-1 (flat_dt, none)"), board_dtb, board_dtb_size);
    recording_free(&r);

    /* Cut in half: no crash; nothing emitted reaches past the buffer. */
    if (fw_format_fit.probe(img, size / 2, &length))
        assert_true(length <= size / 2);
    record_unpack(&fw_format_fit, img, size / 2, NULL, &r);
    assert_int_equal(r.status, IOTSSF_OK);
    for (size_t i = 0; i < r.blob_count; i++)
        assert_true(r.blobs[i].size <= size / 2);
    recording_free(&r);
    corrupt_each_byte(&fw_format_fit, img, size < 2048 ? size : 2048, 2048);
    free(img);
}

static void test_fit_inline(void **state)
{
    (void)state;
    check_fit("inline.itb");
}

static void test_fit_external(void **state)
{
    (void)state;
    check_fit("external.itb");
    check_fit("position.itb");

    /* data-size past the end of the buffer: clamped, with a warning. */
    size_t size;
    uint8_t *img = load_in(work_dir, "external.itb", &size);
    recording r;
    record_unpack(&fw_format_fit, img, size - 50, NULL, &r);
    expect_warning(&r, "clamped");
    expect_blob(blob_named(&r, "kernel-1"), bb_gz, bb_gz_size);
    recording_free(&r);
    free(img);
}

/* A device tree without /images is not a FIT. */
static void test_fit_rejects_plain_dtb(void **state)
{
    (void)state;
    uint64_t length;
    assert_false(fw_format_fit.probe(board_dtb, board_dtb_size, &length));
}

/* --- TRX ------------------------------------------------------------------ */

/*
 * TRX layout written here (all little-endian): "HDR0"; u32 total length
 * including the header; u32 CRC; u16 flags, u16 version; u32 partition
 * offsets from the header's start (3 in version 1, 4 in version 2; 0 =
 * unused); then the partitions, each 4-aligned. The CRC covers bytes 12 to
 * the total length: CRC-32 from ~0 with no final complement, which is
 * ~crc32() in zlib's terms.
 */
static uint8_t *write_trx(unsigned version, const uint8_t *const *parts, const size_t *sizes,
                          size_t count, size_t *total)
{
    size_t header = version == 1 ? 28 : 32, at = header;
    uint32_t offsets[4] = {0};
    for (size_t i = 0; i < count; i++) {
        offsets[i] = (uint32_t)at;
        at = (at + sizes[i] + 3) & ~(size_t)3;
    }
    uint8_t *img = calloc(1, at);
    assert_non_null(img);
    for (size_t i = 0; i < count; i++)
        memcpy(img + offsets[i], parts[i], sizes[i]);
    uint32_t words[8] = {0x30524448, (uint32_t)at, 0, 0x0000 | (uint32_t)version << 16,
                         offsets[0], offsets[1], offsets[2], offsets[3]};
    for (size_t w = 0; w < header / 4; w++)
        for (int b = 0; b < 4; b++)
            img[w * 4 + (size_t)b] = (uint8_t)(words[w] >> (8 * b));
    uint32_t crc = ~(uint32_t)crc32(0, img + 12, (uInt)(at - 12));
    for (int b = 0; b < 4; b++)
        img[8 + b] = (uint8_t)(crc >> (8 * b));
    *total = at;
    return img;
}

static void test_trx_written(void **state)
{
    (void)state;
    const uint8_t *parts[] = {note, bb_gz, board_dtb};
    const size_t sizes[] = {note_size, bb_gz_size, board_dtb_size};
    for (unsigned version = 1; version <= 2; version++) {
        size_t size;
        uint8_t *img = write_trx(version, parts, sizes, 3, &size);
        recording r;
        probe_and_unpack(&fw_format_trx, img, size, size, &r);
        expect_no_warning(&r);
        expect_description(&r, version == 1 ? "version 1" : "version 2");
        expect_description(&r, "CRC ok");
        assert_int_equal(r.blob_count, 3);
        /* Partitions run to the next one: the padding comes along. */
        assert_string_equal(r.blobs[1].name, "trx partition 1");
        expect_padded(&r.blobs[0], note, note_size);
        expect_padded(&r.blobs[1], bb_gz, bb_gz_size);
        expect_padded(&r.blobs[2], board_dtb, board_dtb_size);
        recording_free(&r);

        /* A flipped byte in a partition: CRC warning, partitions still out. */
        img[size - 1] ^= 1;
        record_unpack(&fw_format_trx, img, size, NULL, &r);
        expect_warning(&r, "TRX CRC mismatch");
        assert_int_equal(r.blob_count, 3);
        recording_free(&r);
        img[size - 1] ^= 1;

        /* Cut short: the length is clamped, the last partition too. */
        record_unpack(&fw_format_trx, img, size - 64, NULL, &r);
        expect_warning(&r, "clamped");
        assert_int_equal(r.blob_count, 3);
        assert_int_equal(r.blobs[2].size, ((board_dtb_size + 3) & ~(size_t)3) - 64);
        recording_free(&r);
        corrupt_each_byte(&fw_format_trx, img, size, 40);
        free(img);
    }
}

static void test_trx_rejects_bad_headers(void **state)
{
    (void)state;
    const uint8_t *parts[] = {note};
    const size_t sizes[] = {note_size};
    size_t size;
    uint8_t *img = write_trx(1, parts, sizes, 1, &size);
    uint64_t length;
    assert_true(fw_format_trx.probe(img, size, &length));
    img[14] = 3; /* version 3 */
    assert_false(fw_format_trx.probe(img, size, &length));
    img[14] = 1;
    img[16] = 0xff; /* first partition past the total length */
    assert_false(fw_format_trx.probe(img, size, &length));
    free(img);
}

/* fact_extractor's TRX: one partition at 0x1c holding a zip of the
 * standard test files. */
static void test_trx_corpus(void **state)
{
    (void)state;
    const char *path = corpus_path_or_skip("fact_extractor/trx__trx.img");
    size_t size;
    uint8_t *img = load_or_fail(path, &size);
    recording r;
    probe_and_unpack(&fw_format_trx, img, size, 0x1000, &r);
    expect_no_warning(&r);
    expect_description(&r, "version 1");
    expect_description(&r, "CRC ok");
    assert_int_equal(r.blob_count, 1);
    assert_int_equal(r.blobs[0].size, 0x1000 - 0x1c);
    assert_memory_equal(r.blobs[0].data, "PK\3\4", 4);

    recording zip;
    uint64_t length;
    assert_true(fw_format_zip.probe(r.blobs[0].data, r.blobs[0].size, &length));
    record_unpack(&fw_format_zip, r.blobs[0].data, r.blobs[0].size, NULL, &zip);
    const recorded_entry *third =
        recorded_find(&zip, "get_files_test/generic folder/test file 3_.txt");
    assert_non_null(third);
    assert_int_equal(third->size, 20);
    assert_memory_equal(third->data, "The third test file!", 20);
    assert_non_null(recorded_find(&zip, "get_files_test/testfile1"));
    assert_non_null(recorded_find(&zip, "get_files_test/testfile2"));
    recording_free(&zip);
    recording_free(&r);
    free(img);
}

/* --- TP-Link ---------------------------------------------------------------- */

/*
 * TP-Link version 1 layout written here (big-endian; see tplink.c for every
 * field): a 512-byte header (version 1 at 0, vendor at 4, version string at
 * 0x1c, hardware id at 0x40, MD5 at 0x4c, image length at 0x7c, kernel
 * offset/length at 0x80/0x84, rootfs offset/length at 0x88/0x8c, firmware
 * version at 0x98), the kernel at 0x200, the rootfs at the next 64 KiB.
 * The MD5 is taken with the MD5 field holding TP-Link's key for images
 * without a bootloader.
 */
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint8_t *write_tplink(size_t *total)
{
    static const uint8_t key[16] = {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb,
                                    0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38};
    size_t rootfs_at = (0x200 + bb_gz_size + 0xffff) & ~(size_t)0xffff;
    size_t size = rootfs_at + board_dtb_size;
    uint8_t *img = calloc(1, size);
    assert_non_null(img);
    put_be32(img, 0x01000000);
    memcpy(img + 4, "TP-LINK Technologies", 20);
    memcpy(img + 0x1c, "ver. 1.0", 8);
    put_be32(img + 0x40, 0x30200001);
    put_be32(img + 0x44, 1);
    put_be32(img + 0x7c, (uint32_t)size);
    put_be32(img + 0x80, 0x200);
    put_be32(img + 0x84, (uint32_t)bb_gz_size);
    put_be32(img + 0x88, (uint32_t)rootfs_at);
    put_be32(img + 0x8c, (uint32_t)board_dtb_size);
    img[0x99] = 3, img[0x9b] = 17, img[0x9d] = 2;
    memcpy(img + 0x200, bb_gz, bb_gz_size);
    memcpy(img + rootfs_at, board_dtb, board_dtb_size);
    memcpy(img + 0x4c, key, 16);
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    assert_true(EVP_Digest(img, size, md, &md_len, EVP_md5(), NULL));
    assert_int_equal(md_len, 16);
    memcpy(img + 0x4c, md, 16);
    *total = size;
    return img;
}

static void test_tplink_written(void **state)
{
    (void)state;
    size_t size;
    uint8_t *img = write_tplink(&size);
    recording r;
    probe_and_unpack(&fw_format_tplink, img, size, size, &r);
    expect_no_warning(&r);
    expect_description(&r, "\"TP-LINK Technologies\" \"ver. 1.0\", hardware 0x30200001 rev 1, "
                           "firmware 3.17.2, no bootloader, MD5 ok");
    assert_int_equal(r.blob_count, 2);
    expect_blob(blob_named(&r, "tp-link kernel"), bb_gz, bb_gz_size);
    expect_blob(blob_named(&r, "tp-link rootfs"), board_dtb, board_dtb_size);
    recording_free(&r);

    img[0x300] ^= 1;
    record_unpack(&fw_format_tplink, img, size, NULL, &r);
    expect_warning(&r, "MD5 mismatch");
    assert_int_equal(r.blob_count, 2);
    recording_free(&r);
    img[0x300] ^= 1;

    /* The rootfs runs past the end of what is there: clamped. */
    record_unpack(&fw_format_tplink, img, size - 20, NULL, &r);
    expect_warning(&r, "tp-link rootfs declares");
    expect_blob(blob_named(&r, "tp-link rootfs"), board_dtb, board_dtb_size - 20);
    recording_free(&r);
    corrupt_each_byte(&fw_format_tplink, img, size, 0xa0);
    free(img);
}

/* fact_extractor's TL-MR3020 image (firmware 3.17.2) carries a bootloader:
 * the outer header is followed by the bootloader (with a u-boot image at
 * file offset 0x3C80), and an inner header at 0x20200 places the LZMA
 * kernel at 0x20400 and a small squashfs at 0x120200. */
static void test_tplink_corpus(void **state)
{
    (void)state;
    const char *path = corpus_path_or_skip("fact_extractor/tpl__test.tpl");
    size_t size;
    uint8_t *img = load_or_fail(path, &size);
    recording r;
    probe_and_unpack(&fw_format_tplink, img, size, 0x3e0200, &r);
    expect_no_warning(&r);
    expect_description(&r, "\"TP-LINK Technologies\" \"ver. 1.0\", hardware 0x30200001");
    expect_description(&r, "firmware 3.17.2, with bootloader, MD5 ok, inner MD5 ok");
    assert_int_equal(r.blob_count, 3);

    const recorded_blob *boot = blob_named(&r, "tp-link bootloader");
    assert_int_equal(boot->size, 0xbd0c);
    assert_memory_equal(boot->data, img + 0x200, boot->size);
    assert_memory_equal(boot->data + 0x3c80 - 0x200, "\x27\x05\x19\x56", 4);

    const recorded_blob *kernel = blob_named(&r, "tp-link kernel");
    assert_int_equal(kernel->size, 0xd9e1a);
    assert_memory_equal(kernel->data, img + 0x20400, kernel->size);
    uint64_t length;
    assert_true(fw_format_lzma_alone.probe(kernel->data, kernel->size, &length));

    const recorded_blob *rootfs = blob_named(&r, "tp-link rootfs");
    assert_int_equal(rootfs->size, 0x1000);
    assert_memory_equal(rootfs->data, "hsqs", 4);
    assert_memory_equal(rootfs->data, img + 0x120200, rootfs->size);

    /* The u-boot image inside the bootloader is itself valid. */
    recording uboot;
    probe_and_unpack(&fw_format_uimage, boot->data + 0x3a80, boot->size - 0x3a80,
                     64 + 0x824c, &uboot);
    expect_description(&uboot, "u-boot image");
    recording_free(&uboot);
    recording_free(&r);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uimage_kernel),
        cmocka_unit_test(test_uimage_multi),
        cmocka_unit_test(test_uimage_corpus),
        cmocka_unit_test(test_fit_inline),
        cmocka_unit_test(test_fit_external),
        cmocka_unit_test(test_fit_rejects_plain_dtb),
        cmocka_unit_test(test_trx_written),
        cmocka_unit_test(test_trx_rejects_bad_headers),
        cmocka_unit_test(test_trx_corpus),
        cmocka_unit_test(test_tplink_written),
        cmocka_unit_test(test_tplink_corpus),
    };
    return cmocka_run_group_tests(tests, build_fixtures, free_fixtures);
}
