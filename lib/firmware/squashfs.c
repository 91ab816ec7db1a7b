/*
 * SquashFS reader: the fw_format values the scanner knows it by (one per
 * magic: both byte orders, and the vendor magics of LZMA and DD-WRT builds),
 * the superblock of every version (2.x, 3.x, 4.0), probe and unpack.
 * The rest of the reader is described in squashfs_internal.h.
 *
 * Versions differ in their superblock, inode and directory layouts and
 * fragment table entries; the walk, metadata blocks, data blocks and codecs
 * are shared. squashfs 1.x (2002-2003) is recognised and reported, not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "squashfs_internal.h"

static const struct {
    char magic[4];
    bool big_endian;
} known_magics[] = {
    {"hsqs", false}, {"sqsh", true},  /* squashfs-tools */
    {"shsq", false}, {"qshs", true},  /* vendor LZMA builds */
    {"hsqt", false}, {"tqsh", true},  /* DD-WRT */
};

static bool is_pow2_block(uint64_t n)
{
    return n >= 4096 && n <= (1u << 20) && (n & (n - 1)) == 0;
}

static unsigned log2_of(uint64_t n)
{
    unsigned l = 0;
    while (n > 1) {
        n >>= 1;
        l++;
    }
    return l;
}

static bool inside(uint64_t offset, const sqfs_super *sb)
{
    return offset < sb->bytes_used;
}

static bool parse_v4(const uint8_t *d, size_t size, sqfs_super *sb, const char **why)
{
    bool be = sb->big_endian;
    if (size < 96)
        return *why = "superblock cut short", false;
    sb->inode_count = (uint32_t)sqfs_bits(d, 32, 32, be);
    sb->block_size = (uint32_t)sqfs_bits(d, 96, 32, be);
    sb->fragment_count = (uint32_t)sqfs_bits(d, 128, 32, be);
    sb->codec = (sqfs_codec)sqfs_bits(d, 160, 16, be);
    unsigned block_log = (unsigned)sqfs_bits(d, 176, 16, be);
    sb->flags = (uint32_t)sqfs_bits(d, 192, 16, be);
    sb->id_count = (uint32_t)sqfs_bits(d, 208, 16, be);
    sb->root_inode = sqfs_bits(d, 256, 64, be);
    sb->bytes_used = sqfs_bits(d, 320, 64, be);
    sb->id_table = sqfs_bits(d, 384, 64, be);
    sb->inode_table = sqfs_bits(d, 512, 64, be);
    sb->dir_table = sqfs_bits(d, 576, 64, be);
    sb->fragment_table = sqfs_bits(d, 640, 64, be);
    if (sb->minor != 0)
        return *why = "unknown minor version", false;
    if (!is_pow2_block(sb->block_size) || block_log != log2_of(sb->block_size))
        return *why = "block size is not a power of two from 4 KiB to 1 MiB", false;
    if (sb->codec < SQFS_CODEC_GZIP || sb->codec > SQFS_CODEC_ZSTD)
        return *why = "unknown compressor", false;
    if (sb->id_count == 0 || !inside(sb->id_table, sb))
        return *why = "id table outside the filesystem", false;
    if (sb->fragment_count && !inside(sb->fragment_table, sb))
        return *why = "fragment table outside the filesystem", false;
    return true;
}

static bool parse_v23(const uint8_t *d, size_t size, sqfs_super *sb, const char **why)
{
    bool be = sb->big_endian, v3 = sb->major == 3;
    if (size < (v3 ? 119u : 63u))
        return *why = "superblock cut short", false;
    sb->codec = SQFS_CODEC_LEGACY;
    sb->inode_count = (uint32_t)sqfs_bits(d, 32, 32, be);
    unsigned block_log = (unsigned)sqfs_bits(d, 272, 16, be);
    sb->flags = (uint32_t)sqfs_bits(d, 288, 8, be);
    sb->meta_check_byte = sb->flags & 4;
    sb->id_count = (uint32_t)sqfs_bits(d, 296, 8, be);
    sb->gid_count = (uint32_t)sqfs_bits(d, 304, 8, be);
    sb->root_inode = sqfs_bits(d, 344, 64, be);
    sb->block_size = (uint32_t)sqfs_bits(d, 408, 32, be);
    sb->fragment_count = (uint32_t)sqfs_bits(d, 440, 32, be);
    if (v3) {
        sb->bytes_used = sqfs_bits(d, 504, 64, be);
        sb->id_table = sqfs_bits(d, 568, 64, be);
        sb->gid_table = sqfs_bits(d, 632, 64, be);
        sb->inode_table = sqfs_bits(d, 696, 64, be);
        sb->dir_table = sqfs_bits(d, 760, 64, be);
        sb->fragment_table = sqfs_bits(d, 824, 64, be);
    } else {
        sb->bytes_used = sqfs_bits(d, 64, 32, be);
        sb->id_table = sqfs_bits(d, 96, 32, be);
        sb->gid_table = sqfs_bits(d, 128, 32, be);
        sb->inode_table = sqfs_bits(d, 160, 32, be);
        sb->dir_table = sqfs_bits(d, 192, 32, be);
        sb->fragment_table = sqfs_bits(d, 472, 32, be);
    }
    if (!is_pow2_block(sb->block_size) || block_log != log2_of(sb->block_size))
        return *why = "block size is not a power of two from 4 KiB to 1 MiB", false;
    if (sb->id_count == 0 || !inside(sb->id_table, sb) ||
        (sb->gid_count && !inside(sb->gid_table, sb)))
        return *why = "uid/gid tables outside the filesystem", false;
    if (sb->fragment_count && !inside(sb->fragment_table, sb))
        return *why = "fragment table outside the filesystem", false;
    return true;
}

bool sqfs_parse_super(const uint8_t *data, size_t size, sqfs_super *sb, const char **why)
{
    memset(sb, 0, sizeof *sb);
    *why = "no squashfs magic";
    if (size < 32)
        return false;
    size_t m = 0, n = sizeof known_magics / sizeof known_magics[0];
    while (m < n && memcmp(data, known_magics[m].magic, 4) != 0)
        m++;
    if (m == n)
        return false;
    sb->big_endian = known_magics[m].big_endian;
    sb->major = (unsigned)sqfs_bits(data, 224, 16, sb->big_endian);
    sb->minor = (unsigned)sqfs_bits(data, 240, 16, sb->big_endian);
    bool ok;
    if (sb->major == 4)
        ok = parse_v4(data, size, sb, why);
    else if (sb->major == 2 || sb->major == 3)
        ok = parse_v23(data, size, sb, why);
    else
        return *why = sb->major == 1 ? "squashfs 1.x is not supported" : "unknown version",
               false;
    if (!ok)
        return false;
    if (!(sb->inode_table < sb->dir_table && inside(sb->dir_table, sb)))
        return *why = "inode or directory table outside the filesystem", false;
    if ((sb->root_inode & 0xffff) >= SQFS_META_SIZE ||
        (sb->root_inode >> 16) >= sb->dir_table - sb->inode_table)
        return *why = "root inode outside the inode table", false;
    return true;
}

static bool sqfs_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    sqfs_super sb;
    const char *why;
    if (!sqfs_parse_super(data, size, &sb, &why) || sb.bytes_used > size)
        return false;
    *length = sb.bytes_used;
    return true;
}

static void describe(sqfs_reader *r)
{
    const sqfs_super *sb = &r->sb;
    const char *codec = sqfs_codec_name(sb->codec);
    if (sb->codec == SQFS_CODEC_LEGACY)
        codec = r->saw_lzma && r->saw_zlib ? "zlib+lzma" : r->saw_lzma ? "lzma" : "zlib";
    else if (sb->codec == SQFS_CODEC_GZIP && r->saw_lzma)
        codec = "gzip (blocks in lzma)";
    char version[32];
    if (sb->minor == 'L') /* vendor LZMA builds mark their minor version so */
        snprintf(version, sizeof version, "v%u.x-L", sb->major);
    else
        snprintf(version, sizeof version, "v%u.%u", sb->major, sb->minor);
    uint32_t kib = sb->block_size / 1024;
    fw_sink_describe(r->sink, "%s %s, %u inodes, block %u KiB, %s-endian", version, codec,
                     sb->inode_count, kib, sb->big_endian ? "big" : "little");
}

static void reader_free(sqfs_reader *r)
{
    sqfs_walk_free(r);
    free(r->cache);
    free(r->frag_data);
    free(r->ids);
    free(r->gids);
    free(r);
}

static iotssf_status sqfs_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                 iotssf_error *err)
{
    sqfs_super sb;
    const char *why;
    if (!sqfs_parse_super(data, size, &sb, &why)) {
        fw_sink_warn(sink, "squashfs superblock unusable: %s", why);
        return IOTSSF_OK;
    }
    sqfs_reader *r = calloc(1, sizeof *r);
    if (!r)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory reading squashfs");
    r->sb = sb;
    r->data = data;
    r->size = sb.bytes_used < size ? (size_t)sb.bytes_used : size;
    r->sink = sink;
    r->layout = sb.major == 4 ? &sqfs_layout_v4 : sb.major == 3 ? &sqfs_layout_v3
                                                                : &sqfs_layout_v2;
    if (size < sb.bytes_used)
        sqfs_warn(r, "image truncated: %zu of %llu bytes present; what lies beyond is lost", size,
                  (unsigned long long)sb.bytes_used);
    r->cache = calloc(SQFS_META_CACHE, sizeof *r->cache);
    r->frag_data = malloc(sb.block_size);
    iotssf_status st;
    if (!r->cache || !r->frag_data || !sqfs_load_ids(r))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory reading squashfs");
    else
        st = sqfs_walk(r, err);
    if (!st)
        describe(r);
    reader_free(r);
    return st;
}

#define SQUASHFS_FORMAT(var, m)                                                                \
    static const uint8_t var##_magic[4] = {m[0], m[1], m[2], m[3]};                           \
    const fw_format var = {"squashfs", var##_magic, 4, 0, sqfs_probe, sqfs_unpack}

SQUASHFS_FORMAT(fw_format_squashfs_le, "hsqs");
SQUASHFS_FORMAT(fw_format_squashfs_be, "sqsh");
SQUASHFS_FORMAT(fw_format_squashfs_lzma_le, "shsq");
SQUASHFS_FORMAT(fw_format_squashfs_lzma_be, "qshs");
SQUASHFS_FORMAT(fw_format_squashfs_ddwrt_le, "hsqt");
SQUASHFS_FORMAT(fw_format_squashfs_ddwrt_be, "tqsh");
