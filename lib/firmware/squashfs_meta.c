/*
 * SquashFS storage that every version shares: metadata blocks (inodes,
 * directories, fragment and id tables live in 8 KiB blocks, each behind a
 * 16-bit length), data blocks, fragments and id tables, and the assembly of
 * a regular file from its blocks, holes and fragment tail.
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

void sqfs_warn(sqfs_reader *r, const char *fmt, ...)
{
    if (r->warnings > SQFS_MAX_WARNINGS)
        return;
    if (r->warnings++ == SQFS_MAX_WARNINGS) {
        fw_sink_warn(r->sink, "further warnings about this squashfs suppressed");
        return;
    }
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fw_sink_warn(r->sink, "%s", buf);
}

static void note_codec(sqfs_reader *r, sqfs_codec used)
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
        note_codec(r, used);
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

/* Decodes the data block described by `word` (size, bit 24 = stored
 * uncompressed) at pos into dst; *got is how many bytes it gave. */
static bool data_block(sqfs_reader *r, uint64_t pos, uint32_t word, uint8_t *dst, size_t cap,
                       size_t *got)
{
    size_t stored = word & 0xffffff;
    *got = 0;
    if (word >> 25 || stored > r->sb.block_size || pos > r->size || r->size - pos < stored)
        return false;
    if (word & (1u << 24)) {
        *got = stored < cap ? stored : cap;
        memcpy(dst, r->data + pos, *got);
        return true;
    }
    sqfs_codec used;
    if (!sqfs_decompress(r->sb.codec, r->data + pos, stored, dst, cap, got, &used))
        return false;
    note_codec(r, used);
    return true;
}

static bool fragment_entry(sqfs_reader *r, uint32_t index, uint64_t *start, uint32_t *word)
{
    if (index >= r->sb.fragment_count)
        return false;
    unsigned es = r->layout->fragment_entry_size, is = r->layout->fragment_index_size;
    bool be = r->sb.big_endian;
    uint64_t byte = (uint64_t)index * es;
    uint64_t at = r->sb.fragment_table + byte / SQFS_META_SIZE * is;
    if (at > r->size || r->size - at < is)
        return false;
    sqfs_cursor c = {sqfs_bits(r->data + at, 0, is * 8, be), (uint32_t)(byte % SQFS_META_SIZE)};
    uint8_t e[16];
    if (!sqfs_meta_read(r, &c, e, es))
        return false;
    *start = es == 8 ? sqfs_bits(e, 0, 32, be) : sqfs_bits(e, 0, 64, be);
    *word = (uint32_t)sqfs_bits(e, es == 8 ? 32 : 64, 32, be);
    return true;
}

static bool read_tail(sqfs_reader *r, const sqfs_inode *in, uint8_t *dst, size_t tail)
{
    if (!r->frag_valid || r->frag_index != in->fragment) {
        r->frag_valid = false;
        uint64_t start;
        uint32_t word;
        if (!fragment_entry(r, in->fragment, &start, &word) ||
            !data_block(r, start, word, r->frag_data, r->sb.block_size, &r->frag_len))
            return false;
        r->frag_index = in->fragment;
        r->frag_valid = true;
    }
    if (in->frag_offset > r->frag_len || r->frag_len - in->frag_offset < tail)
        return false;
    memcpy(dst, r->frag_data + in->frag_offset, tail);
    return true;
}

/* The block sizes of a file, converted to host order. */
static uint32_t *read_block_list(sqfs_reader *r, const sqfs_inode *in, uint64_t count,
                                 uint64_t *packed)
{
    uint32_t *words = malloc((count ? count : 1) * sizeof *words);
    if (!words)
        return NULL;
    sqfs_cursor c = in->block_list;
    *packed = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint8_t raw[4];
        if (!sqfs_meta_read(r, &c, raw, 4)) {
            free(words);
            return NULL;
        }
        words[i] = (uint32_t)sqfs_bits(raw, 0, 32, r->sb.big_endian);
        *packed += words[i] & 0xffffff;
    }
    return words;
}

/* Fills buf from the file's blocks; false when some block was damaged. */
static bool fill_blocks(sqfs_reader *r, const sqfs_inode *in, const uint32_t *words,
                        uint64_t count, uint8_t *buf)
{
    uint64_t bs = r->sb.block_size, pos = in->start_block;
    bool intact = true;
    for (uint64_t i = 0; i < count; i++) {
        if (words[i] == 0)
            continue; /* a hole: the buffer is already zero */
        size_t expected = in->size - i * bs < bs ? (size_t)(in->size - i * bs) : (size_t)bs;
        size_t got;
        if (!data_block(r, pos, words[i], buf + i * bs, expected, &got) || got != expected)
            intact = false;
        pos += words[i] & 0xffffff;
    }
    return intact;
}

iotssf_status sqfs_read_file(sqfs_reader *r, const sqfs_inode *in, const char *path,
                             uint8_t **data, bool *skipped, iotssf_error *err)
{
    *data = NULL;
    *skipped = false;
    if (in->size == 0)
        return IOTSSF_OK;
    uint64_t bs = r->sb.block_size;
    bool has_tail = in->fragment != SQFS_NO_FRAGMENT;
    uint64_t count = has_tail ? in->size / bs : (in->size + bs - 1) / bs;
    size_t tail = has_tail ? (size_t)(in->size % bs) : 0;
    if (in->size > r->sink->limits->max_file_bytes || in->size > SIZE_MAX / 2) {
        fw_sink_may_allocate(r->sink, in->size, 0); /* refuses, and says why */
        *skipped = true;
        return IOTSSF_OK;
    }
    uint64_t packed;
    uint32_t *words = read_block_list(r, in, count, &packed);
    if (!words) {
        sqfs_warn(r, "%s: block list unreadable; file skipped", path);
        *skipped = true;
        return IOTSSF_OK;
    }
    /* The block list is input too; counting it keeps a sparse file's
     * ratio finite, so a huge hole is judged like any other expansion. */
    if (!fw_sink_may_allocate(r->sink, in->size, packed + tail + count * 4 + 1)) {
        free(words);
        *skipped = true;
        return IOTSSF_OK;
    }
    uint8_t *buf = calloc(1, (size_t)in->size);
    if (!buf) {
        free(words);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory for %s", path);
    }
    if (!fill_blocks(r, in, words, count, buf))
        sqfs_warn(r, "%s: some data blocks are damaged or missing; they read as zeros", path);
    if (tail && !read_tail(r, in, buf + count * bs, tail))
        sqfs_warn(r, "%s: fragment %u unreadable; its %zu tail bytes read as zeros", path,
                  in->fragment, tail);
    free(words);
    *data = buf;
    return IOTSSF_OK;
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
