/*
 * SquashFS storage that every version shares: metadata blocks (inodes,
 * directories, fragment and id tables live in 8 KiB blocks, each behind a
 * 16-bit length), id tables, symlink targets, and the reader's warnings.
 * Data blocks and files are in squashfs_file.c.
 *
 * Metadata is decoded on demand through a small cache keyed by the block's
 * on-disk offset, rather than whole tables up front: memory stays bounded
 * whatever the tables claim, and a truncated image still yields every inode
 * whose blocks are present. Every offset is checked against the bytes of the
 * image that are present before use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "squashfs_internal.h"

void sqfs_warn_now(sqfs_reader *r, const char *message)
{
    if (r->warnings > SQFS_MAX_WARNINGS)
        return;
    if (r->warnings++ == SQFS_MAX_WARNINGS) {
        fw_sink_warn(r->sink, "further warnings about this squashfs suppressed");
        return;
    }
    fw_sink_warn(r->sink, "%s", message);
}

void sqfs_warn(sqfs_reader *r, const char *fmt, ...)
{
    /* Without a queue, past the cap nothing is said: skip the formatting. */
    if (!r->queue && r->warnings > SQFS_MAX_WARNINGS)
        return;
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* The cap is counted as warnings reach the sink, so a queued warning
     * is judged in the same order as without the queue. */
    if (r->queue && !r->delivering)
        sqfs_queue_warning(r, buf);
    else
        sqfs_warn_now(r, buf);
}

void sqfs_note_codec(sqfs_reader *r, sqfs_codec used)
{
    if (used == SQFS_CODEC_GZIP)
        r->saw_zlib = true;
    else if (used == SQFS_CODEC_LZMA)
        r->saw_lzma = true;
}

/* The decoded metadata block whose header is at pos, or NULL. */
static const sqfs_meta_block *meta_block(sqfs_reader *r, uint64_t pos)
{
    sqfs_meta_block *slot = &r->cache[(pos ^ pos >> 13) % SQFS_META_CACHE];
    if (slot->valid && slot->pos == pos)
        return slot;
    slot->valid = false;
    unsigned header = 2 + (r->sb.meta_check_byte ? 1 : 0);
    if (pos > r->size || r->size - pos < header)
        return NULL;
    unsigned word = (unsigned)sqfs_bits(r->data + pos, 0, 16, r->sb.big_endian);
    size_t stored = word & 0x7fff;
    bool compressed = !(word & 0x8000);
    if (stored == 0 || stored > SQFS_META_SIZE || r->size - pos - header < stored)
        return NULL;
    const uint8_t *src = r->data + pos + header;
    if (compressed) {
        sqfs_codec used;
        if (!sqfs_decompress(r->sb.codec, src, stored, slot->data, SQFS_META_SIZE, &slot->len,
                             &used))
            return NULL;
        sqfs_note_codec(r, used);
    } else {
        memcpy(slot->data, src, stored);
        slot->len = stored;
    }
    slot->pos = pos;
    slot->next = pos + header + stored;
    slot->valid = true;
    return slot;
}

bool sqfs_meta_read(sqfs_reader *r, sqfs_cursor *c, void *out, size_t n)
{
    uint8_t *o = out;
    while (n > 0) {
        const sqfs_meta_block *b = meta_block(r, c->block);
        if (!b || c->offset > b->len)
            return false;
        if (c->offset == b->len) {
            /* Block positions only grow, so this ends at the image's end. */
            c->block = b->next;
            c->offset = 0;
            continue;
        }
        size_t take = b->len - c->offset < n ? b->len - c->offset : n;
        if (o) {
            memcpy(o, b->data + c->offset, take);
            o += take;
        }
        c->offset += (uint32_t)take;
        n -= take;
    }
    return true;
}

bool sqfs_meta_skip(sqfs_reader *r, sqfs_cursor *c, size_t n)
{
    return sqfs_meta_read(r, c, NULL, n);
}

/* v4: the ids sit in metadata blocks listed by an index of 64-bit offsets. */
static bool load_v4_ids(sqfs_reader *r)
{
    const size_t per_block = SQFS_META_SIZE / 4;
    bool be = r->sb.big_endian;
    for (size_t first = 0; first < r->id_count; first += per_block) {
        uint64_t at = r->sb.id_table + first / per_block * 8;
        if (at > r->size || r->size - at < 8)
            return false;
        sqfs_cursor c = {sqfs_bits(r->data + at, 0, 64, be), 0};
        size_t n = r->id_count - first < per_block ? r->id_count - first : per_block;
        uint8_t raw[SQFS_META_SIZE];
        if (!sqfs_meta_read(r, &c, raw, n * 4))
            return false;
        for (size_t i = 0; i < n; i++)
            r->ids[first + i] = (uint32_t)sqfs_bits(raw, (unsigned)i * 32, 32, be);
    }
    return true;
}

/* v2/v3: plain arrays of 32-bit ids. */
static bool load_array(sqfs_reader *r, uint64_t at, uint32_t *ids, size_t count)
{
    if (at > r->size || (r->size - at) / 4 < count)
        return false;
    for (size_t i = 0; i < count; i++)
        ids[i] = (uint32_t)sqfs_bits(r->data + at + i * 4, 0, 32, r->sb.big_endian);
    return true;
}

bool sqfs_load_ids(sqfs_reader *r)
{
    r->id_count = r->sb.id_count;
    r->gid_count = r->sb.gid_count;
    r->ids = calloc(r->id_count + 1, sizeof *r->ids);
    r->gids = calloc(r->gid_count + 1, sizeof *r->gids);
    if (!r->ids || !r->gids)
        return false;
    bool ok = r->sb.major == 4 ? load_v4_ids(r)
                               : load_array(r, r->sb.id_table, r->ids, r->id_count) &&
                                     load_array(r, r->sb.gid_table, r->gids, r->gid_count);
    if (!ok) {
        sqfs_warn(r, "uid/gid table unreadable; owners shown as 0");
        memset(r->ids, 0, (r->id_count + 1) * sizeof *r->ids);
        memset(r->gids, 0, (r->gid_count + 1) * sizeof *r->gids);
    }
    return true;
}

uint32_t sqfs_id(sqfs_reader *r, unsigned index)
{
    if (index < r->id_count)
        return r->ids[index];
    sqfs_warn(r, "id index %u outside the id table (%zu ids); shown as 0", index, r->id_count);
    return 0;
}

uint32_t sqfs_gid(sqfs_reader *r, unsigned index, uint32_t uid)
{
    if (index == 255) /* v2/v3: "same as the uid" */
        return uid;
    if (index < r->gid_count)
        return r->gids[index];
    sqfs_warn(r, "gid index %u outside the gid table (%zu gids); shown as 0", index,
              r->gid_count);
    return 0;
}

bool sqfs_read_link(sqfs_reader *r, sqfs_cursor *c, uint64_t len, sqfs_inode *inode)
{
    if (len == 0 || len > SQFS_MAX_LINK)
        return false;
    char *target = malloc(len + 1);
    if (!target)
        return false;
    if (!sqfs_meta_read(r, c, target, len)) {
        free(target);
        return false;
    }
    target[len] = '\0';
    inode->link_target = target;
    inode->size = strlen(target);
    return true;
}

bool sqfs_kind_of(unsigned type, iotssf_fw_kind *kind)
{
    static const iotssf_fw_kind kinds[] = {
        IOTSSF_FW_DIR,      IOTSSF_FW_FILE,     IOTSSF_FW_SYMLINK, IOTSSF_FW_BLOCKDEV,
        IOTSSF_FW_CHARDEV,  IOTSSF_FW_FIFO,     IOTSSF_FW_SOCKET,
    };
    if (type < 1 || type > 14)
        return false;
    *kind = kinds[(type - 1) % 7];
    return true;
}
