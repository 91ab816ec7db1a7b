/*
 * cramfs reader (Linux's compressed ROM filesystem, common in older routers,
 * set-top boxes and cameras), in both byte orders: magic 0x28CD3D45 as the
 * creating machine stored it. One fw_format per byte order.
 *
 * Layout: a 64-byte superblock followed by the root inode; each inode is
 * 12 bytes of C bitfields (mode 16, uid 16 | size 24, gid 8 | name length 6
 * in 4-byte units, offset 26 in 4-byte units), followed by its name. A
 * directory's offset points at its children's inodes, `size` bytes of them;
 * a file's offset points at a table of block pointers (each the end of one
 * zlib-compressed 4 KiB block), then the blocks. Newer images may mark
 * pointers as direct (absolute, with a 16-bit length prefix) or
 * uncompressed, and a zero-length block is a hole. Symlink targets are
 * stored as file data; device numbers sit in `size`.
 *
 * Defences: every offset is checked against the image; a directory whose
 * children are an ancestor's is a loop and is not followed; a children
 * block is listed once; depth, entry count and file sizes are capped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "reader.h"

extern const fw_format fw_format_cramfs_le, fw_format_cramfs_be;

#define CRAMFS_SUPER_SIZE 76u
#define CRAMFS_INODE_SIZE 12u
#define CRAMFS_PAGE 4096u
#define CRAMFS_MAX_DEPTH 128
#define CRAMFS_MAX_WARNINGS 64
#define CRAMFS_MAX_LINK 4096u

#define CRAMFS_FLAG_HOLES 0x100u
#define CRAMFS_FLAG_EXT_BLOCK_POINTERS 0x800u
#define CRAMFS_SUPPORTED_FLAGS 0xfffu
#define CRAMFS_BLK_UNCOMPRESSED (1u << 31)
#define CRAMFS_BLK_DIRECT (1u << 30)
#define CRAMFS_BLK_FLAGS (CRAMFS_BLK_UNCOMPRESSED | CRAMFS_BLK_DIRECT)

typedef struct cramfs_inode {
    uint32_t mode, uid, gid, size;
    uint32_t name_len; /* bytes */
    uint64_t offset;   /* bytes */
} cramfs_inode;

typedef struct cramfs_reader {
    const uint8_t *data;
    size_t size;
    bool be;
    uint32_t flags;
    fw_sink *sink;
    unsigned warnings;
    uint64_t entries;
    bool stop;
    char *path;
    size_t path_len, path_cap;
    uint64_t ancestors[CRAMFS_MAX_DEPTH + 2];
    unsigned depth;
    uint8_t *listed; /* one bit per 4-byte unit: children blocks already listed */
} cramfs_reader;

/* Reads `width` bits at bit `pos`: the little-endian compiler's bitfield
 * order, or the big-endian one's (fields from the most significant bit). */
static uint32_t bits(const uint8_t *p, unsigned pos, unsigned width, bool be)
{
    unsigned first = pos / 8, shift = pos % 8, nbytes = (shift + width + 7) / 8;
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes; i++)
        v = be ? v << 8 | p[first + i] : v | (uint64_t)p[first + i] << (8 * i);
    v = be ? v >> (nbytes * 8 - shift - width) : v >> shift;
    return (uint32_t)(v & ((1ull << width) - 1));
}

static void cram_warn(cramfs_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cram_warn(cramfs_reader *r, const char *fmt, ...)
{
    if (r->warnings > CRAMFS_MAX_WARNINGS)
        return;
    if (r->warnings++ == CRAMFS_MAX_WARNINGS) {
        fw_sink_warn(r->sink, "further warnings about this cramfs suppressed");
        return;
    }
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fw_sink_warn(r->sink, "%s", buf);
}

static const char *where(const cramfs_reader *r)
{
    return r->path_len ? r->path : "/";
}

static void read_inode(const uint8_t *p, bool be, cramfs_inode *in)
{
    in->mode = bits(p, 0, 16, be);
    in->uid = bits(p, 16, 16, be);
    in->size = bits(p, 32, 24, be);
    in->gid = bits(p, 56, 8, be);
    in->name_len = bits(p, 64, 6, be) * 4;
    in->offset = (uint64_t)bits(p, 70, 26, be) * 4;
}

static bool kind_of(uint32_t mode, iotssf_fw_kind *kind)
{
    switch (mode & 0170000) {
    case 0100000: *kind = IOTSSF_FW_FILE; return true;
    case 0040000: *kind = IOTSSF_FW_DIR; return true;
    case 0120000: *kind = IOTSSF_FW_SYMLINK; return true;
    case 0020000: *kind = IOTSSF_FW_CHARDEV; return true;
    case 0060000: *kind = IOTSSF_FW_BLOCKDEV; return true;
    case 0010000: *kind = IOTSSF_FW_FIFO; return true;
    case 0140000: *kind = IOTSSF_FW_SOCKET; return true;
    }
    return false;
}

/* Where block i of a file starts and how long it is, per the kernel's
 * rules for plain, direct and uncompressed block pointers. */
static bool locate_block(const cramfs_reader *r, const cramfs_inode *in, uint32_t count,
                         uint32_t i, uint64_t *start, uint64_t *len, bool *stored)
{
    const uint8_t *table = r->data + in->offset;
    uint32_t ptr = bits(table + 4 * i, 0, 32, r->be);
    bool ext = r->flags & CRAMFS_FLAG_EXT_BLOCK_POINTERS;
    *stored = ext && (ptr & CRAMFS_BLK_UNCOMPRESSED);
    if (ext && (ptr & CRAMFS_BLK_DIRECT)) {
        *start = (uint64_t)(ptr & ~CRAMFS_BLK_FLAGS) << 2;
        if (*stored) {
            *len = i + 1 == count && in->size % CRAMFS_PAGE ? in->size % CRAMFS_PAGE : CRAMFS_PAGE;
            return true;
        }
        if (*start > r->size || r->size - *start < 2)
            return false;
        *len = bits(r->data + *start, 0, 16, r->be);
        *start += 2;
        return true;
    }
    uint64_t end = ext ? ptr & ~CRAMFS_BLK_FLAGS : ptr;
    uint64_t begin = in->offset + 4ull * count;
    if (i > 0) {
        uint32_t prev = bits(table + 4 * (i - 1), 0, 32, r->be);
        begin = ext ? prev & ~CRAMFS_BLK_FLAGS : prev;
        if (ext && (prev & CRAMFS_BLK_DIRECT)) {
            /* The previous block was direct: this one starts after it. */
            begin <<= 2;
            if (prev & CRAMFS_BLK_UNCOMPRESSED)
                begin += CRAMFS_PAGE;
            else if (begin <= r->size && r->size - begin >= 2)
                begin += 2 + bits(r->data + begin, 0, 16, r->be);
            else
                return false;
        }
    }
    if (end < begin)
        return false;
    *start = begin;
    *len = end - begin;
    return true;
}

static bool decode_block(const cramfs_reader *r, uint64_t start, uint64_t len, bool stored,
                         uint8_t *dst, size_t expected)
{
    if (start > r->size || r->size - start < len)
        return false;
    if (stored) {
        memcpy(dst, r->data + start, len < expected ? (size_t)len : expected);
        return len >= expected;
    }
    uLongf out = expected;
    uLong in_len = (uLong)len;
    int rc = uncompress2(dst, &out, r->data + start, &in_len);
    return rc == Z_OK && out == expected;
}

/* The file's contents, malloc'd; NULL when skipped (already warned). */
static uint8_t *read_data(cramfs_reader *r, const cramfs_inode *in, bool *nomem)
{
    *nomem = false;
    uint32_t count = (in->size + CRAMFS_PAGE - 1) / CRAMFS_PAGE;
    if (in->offset > r->size || (r->size - in->offset) / 4 < count) {
        cram_warn(r, "%s: block table outside the image; skipped", where(r));
        return NULL;
    }
    uint32_t last = bits(r->data + in->offset + 4ull * (count - 1), 0, 32, r->be);
    uint64_t packed = (last & ~CRAMFS_BLK_FLAGS) > in->offset
                          ? (last & ~CRAMFS_BLK_FLAGS) - in->offset : in->size;
    if (!fw_sink_may_allocate(r->sink, in->size, packed))
        return NULL;
    uint8_t *buf = calloc(1, in->size);
    if (!buf) {
        *nomem = true;
        return NULL;
    }
    bool intact = true;
    for (uint32_t i = 0; i < count; i++) {
        size_t expected = i + 1 == count && in->size % CRAMFS_PAGE ? in->size % CRAMFS_PAGE
                                                                   : CRAMFS_PAGE;
        uint64_t start, len;
        bool stored;
        if (!locate_block(r, in, count, i, &start, &len, &stored))
            intact = false;
        else if (len == 0)
            continue; /* a hole */
        else if (!decode_block(r, start, len, stored, buf + (size_t)i * CRAMFS_PAGE, expected))
            intact = false;
    }
    if (!intact)
        cram_warn(r, "%s: some blocks are damaged or missing; they read as zeros", where(r));
    return buf;
}

static iotssf_status emit(cramfs_reader *r, iotssf_fw_kind kind, const cramfs_inode *in,
                          uint64_t size, const uint8_t *data, const char *target,
                          iotssf_error *err)
{
    if (r->entries >= r->sink->limits->max_entries) {
        if (!r->stop)
            cram_warn(r, "stopped after %llu entries: the entry limit",
                      (unsigned long long)r->entries);
        r->stop = true;
        return IOTSSF_OK;
    }
    iotssf_fw_entry e = {r->path, kind, in->mode & 07777, in->uid, in->gid, size, data, target};
    r->entries++;
    return r->sink->entry(r->sink, &e, err);
}

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory reading cramfs");
}

static iotssf_status list_dir(cramfs_reader *r, const cramfs_inode *dir, iotssf_error *err);

static iotssf_status visit_dir(cramfs_reader *r, const cramfs_inode *in, iotssf_error *err)
{
    for (unsigned d = 0; d < r->depth; d++)
        if (in->size && r->ancestors[d] == in->offset) {
            cram_warn(r, "%s: directory loop (refers back to an ancestor); not followed",
                      where(r));
            return IOTSSF_OK;
        }
    iotssf_status st = emit(r, IOTSSF_FW_DIR, in, 0, NULL, NULL, err);
    if (st || r->stop || in->size == 0)
        return st;
    if (r->depth > CRAMFS_MAX_DEPTH) {
        cram_warn(r, "%s: deeper than %d directories; not listed", where(r), CRAMFS_MAX_DEPTH);
        return IOTSSF_OK;
    }
    r->ancestors[r->depth++] = in->offset;
    st = list_dir(r, in, err);
    r->depth--;
    return st;
}

static iotssf_status visit_file(cramfs_reader *r, const cramfs_inode *in, iotssf_fw_kind kind,
                                iotssf_error *err)
{
    if (in->size == 0)
        return emit(r, kind, in, 0, NULL, kind == IOTSSF_FW_SYMLINK ? "" : NULL, err);
    if (kind == IOTSSF_FW_SYMLINK && in->size > CRAMFS_MAX_LINK) {
        cram_warn(r, "%s: symlink target of %u bytes; skipped", where(r), in->size);
        return IOTSSF_OK;
    }
    bool oom;
    uint8_t *data = read_data(r, in, &oom);
    if (!data)
        return oom ? nomem(err) : IOTSSF_OK;
    iotssf_status st;
    if (kind == IOTSSF_FW_SYMLINK) {
        char target[CRAMFS_MAX_LINK + 1];
        memcpy(target, data, in->size);
        target[in->size] = '\0';
        st = emit(r, kind, in, 0, NULL, target, err);
    } else {
        st = emit(r, kind, in, in->size, data, NULL, err);
    }
    free(data);
    return st;
}

static bool path_push(cramfs_reader *r, const char *name, size_t n)
{
    size_t need = r->path_len + n + 2;
    if (need > r->path_cap) {
        char *p = realloc(r->path, need * 2);
        if (!p)
            return false;
        r->path = p;
        r->path_cap = need * 2;
    }
    if (r->path_len)
        r->path[r->path_len++] = '/';
    memcpy(r->path + r->path_len, name, n);
    r->path_len += n;
    r->path[r->path_len] = '\0';
    return true;
}

static iotssf_status visit_child(cramfs_reader *r, const uint8_t *p, iotssf_error *err)
{
    cramfs_inode in;
    read_inode(p, r->be, &in);
    const char *name = (const char *)p + CRAMFS_INODE_SIZE;
    size_t n = strnlen(name, in.name_len);
    iotssf_fw_kind kind;
    if (n == 0 || memchr(name, '/', n) || (n == 1 && name[0] == '.') ||
        (n == 2 && name[0] == '.' && name[1] == '.')) {
        cram_warn(r, "%s: entry with an unusable name skipped", where(r));
        return IOTSSF_OK;
    }
    size_t saved = r->path_len;
    if (!path_push(r, name, n))
        return nomem(err);
    iotssf_status st = IOTSSF_OK;
    if (!kind_of(in.mode, &kind))
        cram_warn(r, "%s: unknown file type %06o; skipped", where(r), in.mode);
    else if (kind == IOTSSF_FW_DIR)
        st = visit_dir(r, &in, err);
    else if (kind == IOTSSF_FW_FILE || kind == IOTSSF_FW_SYMLINK)
        st = visit_file(r, &in, kind, err);
    else
        st = emit(r, kind, &in, 0, NULL, NULL, err); /* devices keep rdev in size */
    r->path_len = saved;
    r->path[saved] = '\0';
    return st;
}

/* True the first time a children block is seen, so a graph of
 * directories sharing children is listed once. */
static bool first_listing(cramfs_reader *r, uint64_t offset)
{
    uint64_t unit = offset / 4;
    if (!r->listed && !(r->listed = calloc(r->size / 32 + 1, 1)))
        return true;
    if (r->listed[unit / 8] & (1u << (unit % 8)))
        return false;
    r->listed[unit / 8] |= (uint8_t)(1u << (unit % 8));
    return true;
}

static iotssf_status list_dir(cramfs_reader *r, const cramfs_inode *dir, iotssf_error *err)
{
    uint64_t pos = dir->offset, end = dir->offset + dir->size;
    if (pos > r->size || r->size - pos < dir->size) {
        cram_warn(r, "%s: directory outside the image; not listed", where(r));
        return IOTSSF_OK;
    }
    if (!first_listing(r, pos)) {
        cram_warn(r, "%s: same children as another directory; not listed twice", where(r));
        return IOTSSF_OK;
    }
    while (pos < end && !r->stop) {
        if (end - pos < CRAMFS_INODE_SIZE)
            goto damaged;
        uint32_t name_len = bits(r->data + pos, 64, 6, r->be) * 4;
        if (end - pos - CRAMFS_INODE_SIZE < name_len)
            goto damaged;
        iotssf_status st = visit_child(r, r->data + pos, err);
        if (st)
            return st;
        pos += CRAMFS_INODE_SIZE + name_len;
    }
    return IOTSSF_OK;
damaged:
    cram_warn(r, "%s: directory listing damaged; the rest of it skipped", where(r));
    return IOTSSF_OK;
}

static const uint8_t le_magic[4] = {0x45, 0x3d, 0xcd, 0x28};
static const uint8_t be_magic[4] = {0x28, 0xcd, 0x3d, 0x45};

/* The superblock's byte order, or false when data is not a cramfs. */
static bool parse_super(const uint8_t *data, size_t size, bool *be, uint32_t *fs_size,
                        uint32_t *flags)
{
    if (size < CRAMFS_SUPER_SIZE)
        return false;
    if (memcmp(data, le_magic, 4) == 0)
        *be = false;
    else if (memcmp(data, be_magic, 4) == 0)
        *be = true;
    else
        return false;
    *fs_size = bits(data, 32, 32, *be);
    *flags = bits(data, 64, 32, *be);
    cramfs_inode root;
    read_inode(data + 64, *be, &root);
    return memcmp(data + 16, "Compressed ROMFS", 16) == 0 && !(*flags & ~CRAMFS_SUPPORTED_FLAGS) &&
           *fs_size >= CRAMFS_SUPER_SIZE && (root.mode & 0170000) == 0040000;
}

static bool cramfs_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    bool be;
    uint32_t fs_size, flags;
    if (!parse_super(data, size, &be, &fs_size, &flags) || fs_size > size)
        return false;
    *length = fs_size;
    return true;
}

static iotssf_status cramfs_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    cramfs_reader r = {.data = data, .sink = sink};
    uint32_t fs_size;
    if (!parse_super(data, size, &r.be, &fs_size, &r.flags)) {
        fw_sink_warn(sink, "cramfs superblock unusable");
        return IOTSSF_OK;
    }
    r.size = fs_size < size ? fs_size : size;
    if (fs_size > size)
        cram_warn(&r, "image truncated: %zu of %u bytes present; what lies beyond is lost", size,
                  fs_size);
    cramfs_inode root;
    read_inode(data + 64, r.be, &root);
    iotssf_status st = IOTSSF_OK;
    if (!path_push(&r, "", 0)) {
        st = nomem(err);
    } else if (root.size) {
        r.ancestors[0] = root.offset;
        r.depth = 1;
        st = list_dir(&r, &root, err);
    }
    if (!st)
        fw_sink_describe(sink, "%s-endian, %u bytes, %llu entries%s", r.be ? "big" : "little",
                         fs_size, (unsigned long long)r.entries,
                         r.flags & CRAMFS_FLAG_HOLES ? ", with holes" : "");
    free(r.path);
    free(r.listed);
    return st;
}

const fw_format fw_format_cramfs_le = {"cramfs", le_magic, 4, 0, cramfs_probe, cramfs_unpack};
const fw_format fw_format_cramfs_be = {"cramfs", be_magic, 4, 0, cramfs_probe, cramfs_unpack};
