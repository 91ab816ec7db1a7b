/*
 * SquashFS 2.x and 3.x inode and directory layouts (squashfs-tools 2.0-3.4,
 * kernels before 2.6.29; still in the field in older routers and cameras,
 * often with vendor LZMA instead of zlib). Both byte orders: these
 * structures are packed C bitfields, described here by bit position and
 * width and read with sqfs_bits(); positions are those of squashfs-tools'
 * squashfs_compat.h swap macros.
 *
 * What v2 lacks next to v3: inode numbers, link counts, 64-bit files and the
 * "." and ".." bytes counted in a directory's size; its directory headers
 * hold a 24-bit block and its entries no inode number.
 */
#include <string.h>

#include "squashfs_internal.h"

/* Body sizes (bytes after the common header) by inode type, 0 = invalid. */
static const uint8_t v3_body[10] = {0, 16, 20, 6, 6, 6, 4, 4, 19, 28};
static const uint8_t v2_body[10] = {0, 11, 20, 2, 2, 2, 0, 0, 14, 0};

static void v3_fields(const uint8_t *b, bool be, sqfs_inode *in)
{
    switch (in->type) {
    case 1:
        in->size = sqfs_bits(b, 128, 19, be);
        in->dir_offset = (uint32_t)sqfs_bits(b, 147, 13, be);
        in->start_block = sqfs_bits(b, 160, 32, be);
        break;
    case 8:
        in->size = sqfs_bits(b, 128, 27, be);
        in->dir_offset = (uint32_t)sqfs_bits(b, 155, 13, be);
        in->start_block = sqfs_bits(b, 168, 32, be);
        break;
    case 2:
        in->start_block = sqfs_bits(b, 96, 64, be);
        in->fragment = (uint32_t)sqfs_bits(b, 160, 32, be);
        in->frag_offset = (uint32_t)sqfs_bits(b, 192, 32, be);
        in->size = sqfs_bits(b, 224, 32, be);
        break;
    case 9:
        in->start_block = sqfs_bits(b, 128, 64, be);
        in->fragment = (uint32_t)sqfs_bits(b, 192, 32, be);
        in->frag_offset = (uint32_t)sqfs_bits(b, 224, 32, be);
        in->size = sqfs_bits(b, 256, 64, be);
        break;
    case 3:
        in->size = sqfs_bits(b, 128, 16, be);
        break;
    }
}

static void v2_fields(const uint8_t *b, bool be, sqfs_inode *in)
{
    switch (in->type) {
    case 1:
        in->size = sqfs_bits(b, 32, 19, be);
        in->dir_offset = (uint32_t)sqfs_bits(b, 51, 13, be);
        in->start_block = sqfs_bits(b, 96, 24, be);
        break;
    case 8:
        in->size = sqfs_bits(b, 32, 27, be);
        in->dir_offset = (uint32_t)sqfs_bits(b, 59, 13, be);
        in->start_block = sqfs_bits(b, 104, 24, be);
        break;
    case 2:
        in->start_block = sqfs_bits(b, 64, 32, be);
        in->fragment = (uint32_t)sqfs_bits(b, 96, 32, be);
        in->frag_offset = (uint32_t)sqfs_bits(b, 128, 32, be);
        in->size = sqfs_bits(b, 160, 32, be);
        break;
    case 3:
        in->size = sqfs_bits(b, 32, 16, be);
        break;
    }
}

static bool read_inode(sqfs_reader *r, uint64_t ref, sqfs_inode *in, bool v3)
{
    memset(in, 0, sizeof *in);
    in->fragment = SQFS_NO_FRAGMENT;
    uint64_t block = ref >> 16;
    uint32_t offset = ref & 0xffff;
    if (offset >= SQFS_META_SIZE || block > r->size)
        return false;
    sqfs_cursor c = {r->sb.inode_table + block, offset};
    bool be = r->sb.big_endian;
    unsigned head = v3 ? 12 : 4;
    uint8_t b[48];
    if (!sqfs_meta_read(r, &c, b, head))
        return false;
    in->type = (unsigned)sqfs_bits(b, 0, 4, be);
    unsigned body = in->type < 10 ? (v3 ? v3_body : v2_body)[in->type] : 0;
    bool bodiless = !v3 && (in->type == 6 || in->type == 7);
    if ((!body && !bodiless) || !sqfs_kind_of(in->type, &in->kind) ||
        !sqfs_meta_read(r, &c, b + head, body))
        return false;
    in->mode = (uint32_t)sqfs_bits(b, 4, 12, be);
    in->uid = sqfs_id(r, (unsigned)sqfs_bits(b, 16, 8, be));
    in->gid = sqfs_gid(r, (unsigned)sqfs_bits(b, 24, 8, be), in->uid);
    (v3 ? v3_fields : v2_fields)(b, be, in);
    if (in->kind == IOTSSF_FW_FILE)
        in->block_list = c;
    if (in->kind == IOTSSF_FW_SYMLINK && !sqfs_read_link(r, &c, in->size, in))
        return false;
    if (in->kind == IOTSSF_FW_DIR)
        in->dir_size = !v3 ? in->size : in->size > 3 ? in->size - 3 : 0;
    return true;
}

static bool v3_read_inode(sqfs_reader *r, uint64_t ref, sqfs_inode *in)
{
    return read_inode(r, ref, in, true);
}

static bool v2_read_inode(sqfs_reader *r, uint64_t ref, sqfs_inode *in)
{
    return read_inode(r, ref, in, false);
}

/* Header: count-1 (8 bits), inode block (v3: 32 bits then an inode
 * number; v2: 24 bits). Entry: offset (13), type (3), name length-1 (8),
 * and in v3 a 16-bit inode number delta. */
static iotssf_status read_dir(sqfs_reader *r, const sqfs_inode *dir, sqfs_dir_visit visit,
                              void *ctx, iotssf_error *err, bool v3)
{
    bool be = r->sb.big_endian;
    size_t header = v3 ? 9 : 4, entry = v3 ? 5 : 3;
    sqfs_cursor c = {r->sb.dir_table + dir->start_block, dir->dir_offset};
    uint64_t left = dir->dir_size;
    while (left > 0 && !r->stop) {
        uint8_t h[9], e[5];
        if (left < header || !sqfs_meta_read(r, &c, h, header))
            goto damaged;
        left -= header;
        unsigned count = (unsigned)sqfs_bits(h, 0, 8, be) + 1;
        uint64_t run_block = sqfs_bits(h, 8, v3 ? 32 : 24, be);
        for (unsigned i = 0; i < count && !r->stop; i++) {
            if (left < entry || !sqfs_meta_read(r, &c, e, entry))
                goto damaged;
            left -= entry;
            size_t name_len = (size_t)sqfs_bits(e, 16, 8, be) + 1;
            char name[SQFS_MAX_NAME + 1];
            if (left < name_len || !sqfs_meta_read(r, &c, name, name_len))
                goto damaged;
            left -= name_len;
            name[name_len] = '\0';
            uint64_t ref = run_block << 16 | sqfs_bits(e, 0, 13, be);
            iotssf_status st = visit(r, ctx, name, ref, err);
            if (st)
                return st;
        }
    }
    return IOTSSF_OK;
damaged:
    sqfs_warn(r, "%s: directory listing damaged; the rest of it skipped",
              r->path_len ? r->path : "/");
    return IOTSSF_OK;
}

static iotssf_status v3_read_dir(sqfs_reader *r, const sqfs_inode *dir, sqfs_dir_visit visit,
                                 void *ctx, iotssf_error *err)
{
    return read_dir(r, dir, visit, ctx, err, true);
}

static iotssf_status v2_read_dir(sqfs_reader *r, const sqfs_inode *dir, sqfs_dir_visit visit,
                                 void *ctx, iotssf_error *err)
{
    return read_dir(r, dir, visit, ctx, err, false);
}

const sqfs_layout sqfs_layout_v3 = {
    .read_inode = v3_read_inode,
    .read_dir = v3_read_dir,
    .fragment_entry_size = 16,
    .fragment_index_size = 8,
};

const sqfs_layout sqfs_layout_v2 = {
    .read_inode = v2_read_inode,
    .read_dir = v2_read_dir,
    .fragment_entry_size = 8,
    .fragment_index_size = 4,
};
