/*
 * JFFS2 reader (both byte orders): the journalling flash filesystem of NOR
 * and older NAND firmware. A JFFS2 image has no superblock, only a log of
 * nodes: directory entries (dirents) and inode nodes, each carrying a
 * version, with cleanmarkers, padding and erased (0xFF) space between them.
 * The live filesystem is what the newest versions say: the newest dirent per
 * (parent, name) names a file (inode 0 means the name was unlinked), and a
 * file's bytes are its inode nodes' data ranges laid down in version order,
 * holes left zero. Nodes whose header, node or data CRC is wrong are skipped.
 *
 * Exported: fw_format_jffs2_le (magic 85 19) and fw_format_jffs2_be (19 85).
 * The magic is weak, so probe insists on a valid header CRC and a known node
 * type, and reports the extent of the node log so the scanner does not start
 * a second filesystem at every node.
 */
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "reader.h"

enum {
    NODE_MAGIC = 0x1985,
    NODE_ACCURATE = 0x2000,
    NODETYPE_DIRENT = 0xE001,
    NODETYPE_INODE = 0xE002,
    NODETYPE_CLEANMARKER = 0x2003,
    NODETYPE_PADDING = 0x2004,
    NODETYPE_SUMMARY = 0x2006,
    NODETYPE_XATTR = 0xE008,
    NODETYPE_XREF = 0xE009,
    HEADER_SIZE = 12,
    DIRENT_SIZE = 40,
    INODE_SIZE = 68,
    ROOT_INO = 1,
    /* The kernel writes at most a page per node; 1 MiB covers 64 KiB pages
     * with room to spare and keeps a hostile dsize from allocating much. */
    MAX_NODE_DATA = 1 << 20,
    /* Erased space is skipped in steps of the smallest NAND page: after
     * erased bytes, the next node starts on a page (or erase block). */
    ERASE_STEP = 512,
    MAX_ERASE_STRIDE = 4096,
    /* This much data that is neither a node nor erased ends the log. */
    MAX_JUNK = 64 * 1024,
    MAX_PATH_DEPTH = 128,
};

enum {
    COMPR_NONE = 0,
    COMPR_ZERO = 1,
    COMPR_RTIME = 2,
    COMPR_ZLIB = 6,
    COMPR_LZO = 7,
    COMPR_LZMA = 8,
};

typedef struct dirent_node {
    uint32_t pino, version, ino;
    const uint8_t *name;
    uint8_t nsize;
    size_t pos; /* in the image: later wins among equal versions */
} dirent_node;

typedef struct inode_node {
    uint32_t ino, version, mode, uid, gid, isize, offset, csize, dsize;
    uint8_t compr;
    const uint8_t *data;
    size_t pos;
} inode_node;

/* A live name, once the tree is known. */
typedef struct named {
    const dirent_node *d;
    char *path;
} named;

typedef struct jffs2 {
    const uint8_t *data;
    size_t size;
    bool big_endian;
    fw_sink *sink;
    dirent_node *dirents;
    size_t dirent_count, dirent_cap;
    inode_node *inodes;
    size_t inode_count, inode_cap;
    size_t bad_crc, bad_data, unsupported_compr;
    unsigned compr_seen; /* bit per compression type */
} jffs2;

static uint16_t rd16(const jffs2 *j, size_t pos)
{
    const uint8_t *p = j->data + pos;
    return j->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const jffs2 *j, size_t pos)
{
    const uint8_t *p = j->data + pos;
    if (j->big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* JFFS2's crc32(0, ...): the reflected CRC-32 without zlib's pre- and
 * post-inversion. */
static uint32_t jffs2_crc(const uint8_t *p, size_t n)
{
    return ~(uint32_t)crc32(0xFFFFFFFFul, p, (uInt)n);
}

static bool known_nodetype(uint16_t type)
{
    switch (type | NODE_ACCURATE) {
    case NODETYPE_DIRENT:
    case NODETYPE_INODE:
    case NODETYPE_CLEANMARKER:
    case NODETYPE_PADDING:
    case NODETYPE_SUMMARY:
    case NODETYPE_XATTR:
    case NODETYPE_XREF:
        return true;
    default:
        return false;
    }
}

/* The total length a valid common header at pos declares, else 0; it may
 * run past the end of the image (a truncated node). Obsolete nodes (the
 * ACCURATE bit cleared in place) keep a CRC computed with the bit set, as
 * the kernel's scan expects. */
static uint32_t header_at(const jffs2 *j, size_t pos)
{
    if (j->size - pos < HEADER_SIZE || rd16(j, pos) != NODE_MAGIC)
        return 0;
    uint16_t type = rd16(j, pos + 2);
    uint32_t totlen = rd32(j, pos + 4);
    if (totlen < HEADER_SIZE)
        return 0;
    uint8_t hdr[8];
    memcpy(hdr, j->data + pos, 8);
    uint16_t accurate = type | NODE_ACCURATE;
    hdr[j->big_endian ? 2 : 3] = (uint8_t)(accurate >> 8);
    hdr[j->big_endian ? 3 : 2] = (uint8_t)accurate;
    return jffs2_crc(hdr, 8) == rd32(j, pos + 8) ? totlen : 0;
}

static bool erased_word(const jffs2 *j, size_t pos)
{
    return j->size - pos >= 4 && rd32(j, pos) == 0xFFFFFFFFu;
}

/* A node header right after a valid node: magic, a known type and a length
 * that fits. Its CRC is left to collect_nodes; the extent walk trusts the
 * chain, which keeps it cheap. */
static uint32_t chained_header_at(const jffs2 *j, size_t pos)
{
    if (j->size - pos < HEADER_SIZE || rd16(j, pos) != NODE_MAGIC ||
        !known_nodetype(rd16(j, pos + 2)))
        return 0;
    uint32_t totlen = rd32(j, pos + 4);
    return totlen >= HEADER_SIZE ? totlen : 0;
}

/* Where the node log ends: past the last valid node, walking from node to
 * node, over erased space and over short stretches of junk. The scanner
 * probes every node's magic, so this runs once per node of an image and
 * must be cheap: erased space is crossed in strides that start at the
 * smallest NAND page and double up to 4 KiB. Every stride lands on a
 * multiple of itself, so a node on a page after a short erased run, or on
 * an erase-block boundary (4 KiB or more) after a long one, is not missed. */
static size_t log_extent(const jffs2 *j)
{
    size_t pos = 0, end = 0, junk = 0, stride = ERASE_STEP;
    bool chained = false;
    while (pos < j->size && junk <= MAX_JUNK) {
        uint32_t len = chained ? chained_header_at(j, pos) : 0;
        if (!len)
            len = header_at(j, pos);
        if (len > j->size - pos)
            return j->size; /* cut short: the log runs to the end */
        chained = len != 0;
        if (len) {
            pos += len;
            end = pos;
            pos = (pos + 3) & ~(size_t)3;
            junk = 0;
            stride = ERASE_STEP;
        } else if (erased_word(j, pos)) {
            pos = (pos / stride + 1) * stride;
            stride = stride < MAX_ERASE_STRIDE ? stride * 2 : stride;
        } else {
            pos += 4;
            junk += 4;
            stride = ERASE_STEP;
        }
    }
    return end;
}

static bool jffs2_probe(const uint8_t *data, size_t size, uint64_t *length, bool big_endian)
{
    jffs2 j = {.data = data, .size = size, .big_endian = big_endian};
    uint32_t len = header_at(&j, 0);
    if (!len || len > size || !known_nodetype(rd16(&j, 2)))
        return false;
    *length = log_extent(&j);
    return true;
}

static bool probe_le(const uint8_t *data, size_t size, uint64_t *length)
{
    return jffs2_probe(data, size, length, false);
}

static bool probe_be(const uint8_t *data, size_t size, uint64_t *length)
{
    return jffs2_probe(data, size, length, true);
}

static bool grow(void **items, size_t *cap, size_t count, size_t item_size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    void *p = realloc(*items, n * item_size);
    if (!p)
        return false;
    *items = p;
    *cap = n;
    return true;
}

static bool add_dirent(jffs2 *j, size_t pos, size_t len)
{
    if (len < DIRENT_SIZE || jffs2_crc(j->data + pos, DIRENT_SIZE - 8) != rd32(j, pos + 32)) {
        j->bad_crc++;
        return true;
    }
    uint8_t nsize = j->data[pos + 28];
    if (nsize == 0 || (size_t)DIRENT_SIZE + nsize > len ||
        jffs2_crc(j->data + pos + DIRENT_SIZE, nsize) != rd32(j, pos + 36) ||
        memchr(j->data + pos + DIRENT_SIZE, '\0', nsize) ||
        memchr(j->data + pos + DIRENT_SIZE, '/', nsize)) {
        j->bad_data++;
        return true;
    }
    if (!grow((void **)&j->dirents, &j->dirent_cap, j->dirent_count, sizeof *j->dirents))
        return false;
    j->dirents[j->dirent_count++] = (dirent_node){
        .pino = rd32(j, pos + 12),
        .version = rd32(j, pos + 16),
        .ino = rd32(j, pos + 20),
        .name = j->data + pos + DIRENT_SIZE,
        .nsize = nsize,
        .pos = pos,
    };
    return true;
}

static bool add_inode(jffs2 *j, size_t pos, size_t len)
{
    if (len < INODE_SIZE || jffs2_crc(j->data + pos, INODE_SIZE - 8) != rd32(j, pos + 64)) {
        j->bad_crc++;
        return true;
    }
    inode_node n = {
        .ino = rd32(j, pos + 12),
        .version = rd32(j, pos + 16),
        .mode = rd32(j, pos + 20),
        .uid = rd16(j, pos + 24),
        .gid = rd16(j, pos + 26),
        .isize = rd32(j, pos + 28),
        .offset = rd32(j, pos + 44),
        .csize = rd32(j, pos + 48),
        .dsize = rd32(j, pos + 52),
        .compr = j->data[pos + 56],
        .data = j->data + pos + INODE_SIZE,
        .pos = pos,
    };
    if (n.csize > len - INODE_SIZE || n.dsize > MAX_NODE_DATA ||
        jffs2_crc(n.data, n.csize) != rd32(j, pos + 60)) {
        j->bad_data++;
        return true;
    }
    if (n.ino == 0)
        return true;
    if (!grow((void **)&j->inodes, &j->inode_cap, j->inode_count, sizeof *j->inodes))
        return false;
    j->inodes[j->inode_count++] = n;
    return true;
}

/* Every node in [0, end), scanned word by word so nothing is missed. */
static bool collect_nodes(jffs2 *j, size_t end, size_t *nodes)
{
    size_t pos = 0;
    *nodes = 0;
    while (pos + HEADER_SIZE <= end) {
        uint32_t len = header_at(j, pos);
        if (len > end - pos) {
            fw_sink_warn(j->sink, "node at 0x%zx runs %u bytes past the end of the image (cut "
                         "short?); the log stops there", pos, (unsigned)(len - (end - pos)));
            break;
        }
        if (!len) {
            pos += 4;
            continue;
        }
        uint16_t type = rd16(j, pos + 2);
        bool ok = true;
        if (type == NODETYPE_DIRENT)
            ok = add_dirent(j, pos, len);
        else if (type == NODETYPE_INODE)
            ok = add_inode(j, pos, len);
        if (!ok)
            return false;
        (*nodes)++;
        pos = (pos + len + 3) & ~(size_t)3;
    }
    return true;
}

static int compare_dirents(const void *pa, const void *pb)
{
    const dirent_node *a = pa, *b = pb;
    if (a->pino != b->pino)
        return a->pino < b->pino ? -1 : 1;
    if (a->nsize != b->nsize)
        return a->nsize < b->nsize ? -1 : 1;
    int c = memcmp(a->name, b->name, a->nsize);
    if (c)
        return c;
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int compare_inodes(const void *pa, const void *pb)
{
    const inode_node *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Keeps the newest dirent per (parent, name) and drops unlinked names. */
static void keep_live_dirents(jffs2 *j)
{
    if (j->dirent_count > 1)
        qsort(j->dirents, j->dirent_count, sizeof *j->dirents, compare_dirents);
    size_t out = 0;
    for (size_t i = 0; i < j->dirent_count; i++) {
        const dirent_node *d = &j->dirents[i];
        const dirent_node *next = i + 1 < j->dirent_count ? &j->dirents[i + 1] : NULL;
        if (next && next->pino == d->pino && next->nsize == d->nsize &&
            memcmp(next->name, d->name, d->nsize) == 0)
            continue; /* a newer version follows */
        if (d->ino != 0)
            j->dirents[out++] = *d;
    }
    j->dirent_count = out;
}

/* The nodes of one inode, [*first, *last), in version order. */
static bool inode_range(const jffs2 *j, uint32_t ino, size_t *first, size_t *last)
{
    size_t lo = 0, hi = j->inode_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->inodes[mid].ino < ino)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < j->inode_count && j->inodes[end].ino == ino)
        end++;
    *first = lo;
    *last = end;
    return end > lo;
}

/* The live dirent naming a directory inode (its one name), or NULL. */
static const dirent_node *dirent_of(const dirent_node *by_ino[], size_t count, uint32_t ino)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_ino[mid]->ino < ino)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && by_ino[lo]->ino == ino ? by_ino[lo] : NULL;
}

static int compare_by_ino(const void *pa, const void *pb)
{
    const dirent_node *a = *(const dirent_node *const *)pa, *b = *(const dirent_node *const *)pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The path of a live dirent, walking parent names up to the root. NULL with
 * *why set when the chain loops, is too deep, or ends at an unnamed inode. */
static char *path_of(const jffs2 *j, const dirent_node *by_ino[], const dirent_node *d,
                     const char **why)
{
    const dirent_node *chain[MAX_PATH_DEPTH];
    size_t depth = 0, length = 0;
    for (const dirent_node *at = d; at;) {
        if (depth == MAX_PATH_DEPTH) {
            *why = "a directory loop or a tree deeper than 128 levels";
            return NULL;
        }
        chain[depth++] = at;
        length += at->nsize + 1u;
        if (at->pino == ROOT_INO)
            break;
        const dirent_node *parent = dirent_of(by_ino, j->dirent_count, at->pino);
        if (!parent) {
            *why = "its parent directory has no name (an orphan)";
            return NULL;
        }
        at = parent;
    }
    char *path = malloc(length);
    if (!path) {
        *why = NULL;
        return NULL;
    }
    char *p = path;
    for (size_t i = depth; i-- > 0;) {
        memcpy(p, chain[i]->name, chain[i]->nsize);
        p += chain[i]->nsize;
        *p++ = i ? '/' : '\0';
    }
    return path;
}

static bool rtime_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    uint16_t positions[256] = {0};
    size_t pos = 0, outpos = 0;
    while (outpos < out_len) {
        if (in_len - pos < 2)
            return false;
        uint8_t value = in[pos++];
        size_t repeat = in[pos++];
        out[outpos++] = value;
        size_t back = positions[value];
        positions[value] = (uint16_t)outpos;
        if (repeat > out_len - outpos)
            return false;
        /* Byte by byte: the source may overlap what is being written. */
        while (repeat--)
            out[outpos++] = out[back++];
    }
    return true;
}

/* OpenWrt's JFFS2 LZMA: raw LZMA1, lc=0 lp=0 pb=0, 8 KiB dictionary, no
 * header; the uncompressed size is the node's dsize (an end marker after
 * it is tolerated, as encoders that do not know the size write one). */
static bool lzma_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    lzma_options_lzma opt = {.dict_size = 0x2000, .lc = 0, .lp = 0, .pb = 0};
    opt.ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
    opt.ext_size_low = (uint32_t)out_len;
    opt.ext_size_high = 0;
    lzma_filter filters[] = {{LZMA_FILTER_LZMA1EXT, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
    size_t in_pos = 0, out_pos = 0;
    lzma_ret rc = lzma_raw_buffer_decode(filters, NULL, in, &in_pos, in_len, out, &out_pos,
                                         out_len);
    return (rc == LZMA_OK || rc == LZMA_STREAM_END) && out_pos == out_len;
}

/* One node's data, decompressed into out (dsize bytes). */
static bool node_data(jffs2 *j, const inode_node *n, uint8_t *out)
{
    j->compr_seen |= 1u << (n->compr & 15);
    switch (n->compr) {
    case COMPR_NONE:
        if (n->csize < n->dsize)
            return false;
        memcpy(out, n->data, n->dsize);
        return true;
    case COMPR_ZERO:
        memset(out, 0, n->dsize);
        return true;
    case COMPR_RTIME:
        return rtime_decompress(n->data, n->csize, out, n->dsize);
    case COMPR_ZLIB: {
        uLongf got = n->dsize;
        int rc = uncompress(out, &got, n->data, n->csize);
        return (rc == Z_OK || rc == Z_BUF_ERROR) && got == n->dsize;
    }
    case COMPR_LZO: {
        lzo_uint got = n->dsize;
        return lzo1x_decompress_safe(n->data, n->csize, out, &got, NULL) == LZO_E_OK &&
               got == n->dsize;
    }
    case COMPR_LZMA:
        return lzma_decompress(n->data, n->csize, out, n->dsize);
    default:
        j->unsupported_compr++;
        return false;
    }
}

/* A file's bytes: its nodes in version order, each laying down its range
 * and cutting the file at its isize (a truncation), clipped to the final
 * size. *out is NULL for an empty file; false only on out-of-memory. */
static bool assemble(jffs2 *j, size_t first, size_t last, const char *path, uint8_t **out,
                     uint64_t *out_size)
{
    const inode_node *latest = &j->inodes[last - 1];
    uint64_t size = latest->isize, packed = 0;
    *out = NULL;
    *out_size = 0;
    for (size_t i = first; i < last; i++)
        packed += j->inodes[i].csize;
    if (size == 0)
        return true;
    if (!fw_sink_may_allocate(j->sink, size, packed ? packed : 1))
        return true;
    uint8_t *buf = calloc(1, size);
    uint8_t *scratch = malloc(MAX_NODE_DATA);
    if (!buf || !scratch) {
        free(buf);
        free(scratch);
        return false;
    }
    uint64_t current = 0;
    size_t failed = 0;
    for (size_t i = first; i < last; i++) {
        const inode_node *n = &j->inodes[i];
        if (n->dsize && n->offset < size) {
            if (node_data(j, n, scratch)) {
                uint64_t take = n->dsize < size - n->offset ? n->dsize : size - n->offset;
                memcpy(buf + n->offset, scratch, take);
            } else {
                failed++;
            }
        }
        if (n->isize < current && n->isize < size)
            memset(buf + n->isize, 0, (current < size ? current : size) - n->isize);
        current = n->isize;
    }
    free(scratch);
    if (failed)
        fw_sink_warn(j->sink, "%s: %zu data node(s) could not be decompressed; left as zeros",
                     path, failed);
    *out = buf;
    *out_size = size;
    return true;
}

/* JFFS2 stores Linux's st_mode: its file type field picks the kind. */
static iotssf_fw_kind kind_of_mode(uint32_t mode)
{
    static const iotssf_fw_kind kinds[16] = {
        [001] = IOTSSF_FW_FIFO,     [002] = IOTSSF_FW_CHARDEV, [004] = IOTSSF_FW_DIR,
        [006] = IOTSSF_FW_BLOCKDEV, [012] = IOTSSF_FW_SYMLINK, [014] = IOTSSF_FW_SOCKET,
    };
    return kinds[(mode >> 12) & 15]; /* the rest, regular files included: FILE (0) */
}

static int compare_named(const void *pa, const void *pb)
{
    return strcmp(((const named *)pa)->path, ((const named *)pb)->path);
}

/* For hard links: which name of the same inode comes first in emission
 * order; later names of a non-directory point at it. */
typedef struct ino_index {
    uint32_t ino;
    size_t index;
} ino_index;

static int compare_ino_index(const void *pa, const void *pb)
{
    const ino_index *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool first_names(const named *names, size_t count, size_t *first)
{
    ino_index *order = malloc((count + 1) * sizeof *order);
    if (!order)
        return false;
    for (size_t i = 0; i < count; i++)
        order[i] = (ino_index){names[i].d->ino, i};
    if (count > 1)
        qsort(order, count, sizeof *order, compare_ino_index);
    for (size_t i = 0; i < count; i++)
        first[order[i].index] =
            i > 0 && order[i - 1].ino == order[i].ino ? first[order[i - 1].index] : order[i].index;
    free(order);
    return true;
}

static iotssf_status emit_one(jffs2 *j, const named *names, size_t index, size_t first_name,
                              iotssf_error *err)
{
    const named *nm = &names[index];
    size_t first, last;
    if (!inode_range(j, nm->d->ino, &first, &last)) {
        fw_sink_warn(j->sink, "%s: no inode node for inode %u; skipped", nm->path, nm->d->ino);
        return IOTSSF_OK;
    }
    const inode_node *latest = &j->inodes[last - 1];
    iotssf_fw_entry e = {
        .path = nm->path,
        .kind = kind_of_mode(latest->mode),
        .mode = latest->mode & 07777,
        .uid = latest->uid,
        .gid = latest->gid,
    };
    if (e.kind != IOTSSF_FW_DIR && first_name != index) {
        e.kind = IOTSSF_FW_HARDLINK;
        e.link_target = names[first_name].path;
        return j->sink->entry(j->sink, &e, err);
    }
    uint8_t *bytes = NULL;
    uint64_t size = 0;
    if ((e.kind == IOTSSF_FW_FILE || e.kind == IOTSSF_FW_SYMLINK) &&
        !assemble(j, first, last, nm->path, &bytes, &size))
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    char *link = NULL;
    if (e.kind == IOTSSF_FW_SYMLINK) {
        link = malloc(size + 1);
        if (!link) {
            free(bytes);
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        }
        if (size)
            memcpy(link, bytes, size);
        link[size] = '\0';
        e.link_target = link;
        e.size = strlen(link);
    } else if (e.kind == IOTSSF_FW_FILE) {
        e.data = bytes;
        e.size = bytes ? size : 0;
    }
    iotssf_status st = j->sink->entry(j->sink, &e, err);
    free(bytes);
    free(link);
    return st;
}

/* Inodes with nodes but no live name: deleted files whose nodes were not yet
 * erased, or names lost to damage or truncation. */
static void warn_nameless(jffs2 *j, const dirent_node *by_ino[])
{
    size_t nameless = 0;
    for (size_t i = 0; i < j->inode_count; i++) {
        uint32_t ino = j->inodes[i].ino;
        if ((i > 0 && j->inodes[i - 1].ino == ino) || ino == ROOT_INO)
            continue;
        if (!dirent_of(by_ino, j->dirent_count, ino))
            nameless++;
    }
    if (nameless)
        fw_sink_warn(j->sink, "%zu inode(s) have data but no name (deleted, or the name was lost)",
                     nameless);
}

/* Names every live dirent, then emits them parents first. */
static iotssf_status emit_tree(jffs2 *j, size_t *emitted, iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    const dirent_node **by_ino = malloc((j->dirent_count + 1) * sizeof *by_ino);
    named *names = malloc((j->dirent_count + 1) * sizeof *names);
    size_t count = 0, orphans = 0, loops = 0, *first = NULL;
    if (!by_ino || !names) {
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < j->dirent_count; i++)
        by_ino[i] = &j->dirents[i];
    if (j->dirent_count > 1)
        qsort(by_ino, j->dirent_count, sizeof *by_ino, compare_by_ino);
    warn_nameless(j, by_ino);
    for (size_t i = 0; i < j->dirent_count; i++) {
        const char *why = NULL;
        char *path = path_of(j, by_ino, &j->dirents[i], &why);
        if (!path && !why) {
            st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        if (!path) {
            if (strstr(why, "orphan"))
                orphans++;
            else
                loops++;
            if (orphans + loops <= 8)
                fw_sink_warn(j->sink, "name '%.*s' (inode %u) skipped: %s", (int)j->dirents[i].nsize,
                             (const char *)j->dirents[i].name, j->dirents[i].ino, why);
            continue;
        }
        names[count++] = (named){&j->dirents[i], path};
    }
    if (orphans + loops > 8)
        fw_sink_warn(j->sink, "%zu names skipped in all (%zu orphans, %zu in loops)",
                     orphans + loops, orphans, loops);
    if (count > 1)
        qsort(names, count, sizeof *names, compare_named);
    first = malloc((count + 1) * sizeof *first);
    if (!first || !first_names(names, count, first)) {
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < count && !st; i++) {
        if (i > 0 && strcmp(names[i].path, names[i - 1].path) == 0)
            continue; /* only through corrupt parents: one entry per path */
        st = emit_one(j, names, i, first[i], err);
        (*emitted)++;
    }
done:
    free(first);
    for (size_t i = 0; names && i < count; i++)
        free(names[i].path);
    free(names);
    free(by_ino);
    return st;
}

static void describe(jffs2 *j, size_t nodes, size_t emitted)
{
    static const char *const compr_names[16] = {
        [COMPR_NONE] = "none", [COMPR_ZERO] = "zero", [COMPR_RTIME] = "rtime",
        [COMPR_ZLIB] = "zlib", [COMPR_LZO] = "lzo",   [COMPR_LZMA] = "lzma",
    };
    char compr[96] = "";
    size_t used = 0;
    for (unsigned c = 0; c < 16; c++)
        if ((j->compr_seen & (1u << c)) && used < sizeof compr) {
            int n = snprintf(compr + used, sizeof compr - used, "%s%s", used ? "," : "",
                             compr_names[c] ? compr_names[c] : "other");
            used += n > 0 ? (size_t)n : 0;
        }
    fw_sink_describe(j->sink, "%s-endian, %zu nodes, %zu entries%s%s",
                     j->big_endian ? "big" : "little", nodes, emitted, used ? ", compression " : "",
                     compr);
}

static iotssf_status jffs2_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err, bool big_endian)
{
    jffs2 j = {.data = data, .size = size, .big_endian = big_endian, .sink = sink};
    size_t end = log_extent(&j), nodes = 0, emitted = 0;
    iotssf_status st = IOTSSF_OK;
    if (!collect_nodes(&j, end, &nodes)) {
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (j.bad_crc || j.bad_data)
        fw_sink_warn(sink, "%zu node(s) with a bad node CRC and %zu with bad data skipped",
                     j.bad_crc, j.bad_data);
    keep_live_dirents(&j);
    if (j.inode_count > 1)
        qsort(j.inodes, j.inode_count, sizeof *j.inodes, compare_inodes);
    st = emit_tree(&j, &emitted, err);
    if (j.unsupported_compr)
        fw_sink_warn(sink, "%zu data node(s) use an unsupported compressor (rubin)",
                     j.unsupported_compr);
    describe(&j, nodes, emitted);
done:
    free(j.dirents);
    free(j.inodes);
    return st;
}

static iotssf_status unpack_le(const uint8_t *data, size_t size, fw_sink *sink, iotssf_error *err)
{
    return jffs2_unpack(data, size, sink, err, false);
}

static iotssf_status unpack_be(const uint8_t *data, size_t size, fw_sink *sink, iotssf_error *err)
{
    return jffs2_unpack(data, size, sink, err, true);
}

static const uint8_t magic_le[] = {0x85, 0x19};
static const uint8_t magic_be[] = {0x19, 0x85};

const fw_format fw_format_jffs2_le = {"jffs2", magic_le, sizeof magic_le, 0, probe_le, unpack_le};
const fw_format fw_format_jffs2_be = {"jffs2", magic_be, sizeof magic_be, 0, probe_be, unpack_be};
