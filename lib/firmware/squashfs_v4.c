/*
 * SquashFS 4.0 inode and directory layouts (squashfs-tools 4.x, the Linux
 * kernel since 2.6.29; nearly every router and camera since about 2010).
 * Little-endian as the kernel reads it, or every integer byte-swapped in the
 * big-endian images some vendor tools made; sqfs_bits() reads both.
 *
 * Inode: 16-byte common header (type, mode, uid index, gid index, mtime,
 * number), then a per-type body. Directory listing: runs of up to 256
 * entries, each run behind a header naming the inode table block its
 * entries' inodes live in.
 */
#include <string.h>

#include "squashfs_internal.h"

static bool read_body(sqfs_reader *r, sqfs_inode *in, sqfs_cursor *c)
{
    bool be = r->sb.big_endian;
    uint8_t x[40];
    switch (in->type) {
    case 1: /* directory */
        if (!sqfs_meta_read(r, c, x, 16))
            return false;
        in->start_block = sqfs_bits(x, 0, 32, be);
        in->size = sqfs_bits(x, 64, 16, be);
        in->dir_offset = (uint32_t)sqfs_bits(x, 80, 16, be);
        break;
    case 8: /* directory with an index */
        if (!sqfs_meta_read(r, c, x, 24))
            return false;
        in->size = sqfs_bits(x, 32, 32, be);
        in->start_block = sqfs_bits(x, 64, 32, be);
        in->dir_offset = (uint32_t)sqfs_bits(x, 144, 16, be);
        break;
    case 2: /* file */
        if (!sqfs_meta_read(r, c, x, 16))
            return false;
        in->start_block = sqfs_bits(x, 0, 32, be);
        in->fragment = (uint32_t)sqfs_bits(x, 32, 32, be);
        in->frag_offset = (uint32_t)sqfs_bits(x, 64, 32, be);
        in->size = sqfs_bits(x, 96, 32, be);
        in->block_list = *c;
        break;
    case 9: /* file with 64-bit fields */
        if (!sqfs_meta_read(r, c, x, 40))
            return false;
        in->start_block = sqfs_bits(x, 0, 64, be);
        in->size = sqfs_bits(x, 64, 64, be);
        in->fragment = (uint32_t)sqfs_bits(x, 224, 32, be);
        in->frag_offset = (uint32_t)sqfs_bits(x, 256, 32, be);
        in->block_list = *c;
        break;
    case 3:
    case 10: /* symlink: nlink, target length, target */
        return sqfs_meta_read(r, c, x, 8) &&
               sqfs_read_link(r, c, sqfs_bits(x, 32, 32, be), in);
    case 4:
    case 5:
    case 11:
    case 12: /* device: nlink, rdev */
        return sqfs_meta_read(r, c, x, 8);
    default: /* fifo, socket: nlink */
        return sqfs_meta_read(r, c, x, 4);
    }
    return true;
}

static bool v4_read_inode(sqfs_reader *r, uint64_t ref, sqfs_inode *in)
{
    memset(in, 0, sizeof *in);
    in->fragment = SQFS_NO_FRAGMENT;
    uint64_t block = ref >> 16;
    uint32_t offset = ref & 0xffff;
    if (offset >= SQFS_META_SIZE || block > r->size)
        return false;
    sqfs_cursor c = {r->sb.inode_table + block, offset};
    uint8_t b[16];
    if (!sqfs_meta_read(r, &c, b, sizeof b))
        return false;
    bool be = r->sb.big_endian;
    in->type = (unsigned)sqfs_bits(b, 0, 16, be);
    if (!sqfs_kind_of(in->type, &in->kind))
        return false;
    in->mode = (uint32_t)sqfs_bits(b, 16, 16, be);
    in->uid = sqfs_id(r, (unsigned)sqfs_bits(b, 32, 16, be));
    in->gid = sqfs_id(r, (unsigned)sqfs_bits(b, 48, 16, be));
    if (!read_body(r, in, &c))
        return false;
    if (in->kind == IOTSSF_FW_DIR)
        in->dir_size = in->size > 3 ? in->size - 3 : 0; /* "." and ".." are counted, not stored */
    return true;
}

/* Reads one entry of a run; false (with a warning) when the listing is
 * damaged. */
static bool read_entry(sqfs_reader *r, sqfs_cursor *c, uint64_t *left, uint64_t run_block,
                       char *name, uint64_t *ref)
{
    bool be = r->sb.big_endian;
    uint8_t e[8];
    if (*left < sizeof e || !sqfs_meta_read(r, c, e, sizeof e))
        return false;
    *left -= sizeof e;
    size_t name_len = (size_t)sqfs_bits(e, 48, 16, be) + 1;
    if (name_len > SQFS_MAX_NAME || *left < name_len || !sqfs_meta_read(r, c, name, name_len))
        return false;
    *left -= name_len;
    name[name_len] = '\0';
    *ref = run_block << 16 | sqfs_bits(e, 0, 16, be);
    return true;
}

static iotssf_status v4_read_dir(sqfs_reader *r, const sqfs_inode *dir, sqfs_dir_visit visit,
                                 void *ctx, iotssf_error *err)
{
    bool be = r->sb.big_endian;
    sqfs_cursor c = {r->sb.dir_table + dir->start_block, dir->dir_offset};
    uint64_t left = dir->dir_size;
    while (left > 0 && !r->stop) {
        uint8_t h[12];
        if (left < sizeof h || !sqfs_meta_read(r, &c, h, sizeof h))
            goto damaged;
        left -= sizeof h;
        uint64_t count = sqfs_bits(h, 0, 32, be) + 1;
        uint64_t run_block = sqfs_bits(h, 32, 32, be);
        if (count > 256)
            goto damaged;
        for (uint64_t i = 0; i < count && !r->stop; i++) {
            char name[SQFS_MAX_NAME + 1];
            uint64_t ref;
            if (!read_entry(r, &c, &left, run_block, name, &ref))
                goto damaged;
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

const sqfs_layout sqfs_layout_v4 = {
    .read_inode = v4_read_inode,
    .read_dir = v4_read_dir,
    .fragment_entry_size = 16,
    .fragment_index_size = 8,
};
