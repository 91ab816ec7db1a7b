/*
 * UBIFS reader: the filesystem that runs on UBI volumes (see ubi.c, which
 * hands each volume's bytes to the core as a blob; the core finds this
 * format's superblock at its start). A UBIFS volume is a sequence of logical
 * eraseblocks (LEBs) of the size the superblock (LEB 0) gives. The master
 * node (LEB 1, copy in LEB 2) points at the root of the index, a B+-tree of
 * index nodes whose level-0 branches point at the leaves: inode nodes,
 * directory entries (keyed by parent inode and name hash) and data nodes
 * (one 4 KiB block of a file each, compressed with lzo, zlib or zstd).
 * This reader walks the committed index, then replays the journal written
 * since that commit (the log's reference nodes point at "bud" LEBs whose
 * nodes are newer than the index), and rebuilds the tree from the directory
 * entries; the newest node (highest sequence number) of every key wins.
 *
 * Every node is bounds- and CRC-checked; the walk is iterative with a level
 * that must fall by one at each step (so it cannot loop) and a cap on nodes
 * visited (so a hostile index that shares subtrees cannot blow up).
 *
 * Exported: fw_format_ubifs (magic: the node magic 31 18 10 06, accepted
 * only where it starts a superblock node).
 */
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "reader.h"

enum {
    UBIFS_NODE_MAGIC = 0x06101831,
    UBIFS_COMPR_NONE = 0,
    UBIFS_COMPR_LZO = 1,
    UBIFS_COMPR_ZLIB = 2,
    UBIFS_COMPR_ZSTD = 3,
    CH_SIZE = 24,
    INO_HEADER = 160,
    DATA_HEADER = 48,
    DENT_HEADER = 56,
    BLOCK_SIZE = 4096,
    ROOT_INO = 1,
    CRYPT_FL = 0x40,
    MAX_PATH_DEPTH = 128,
    SB_NODE_SIZE = 4096,
    MST_NODE_SIZE = 512,
    IDX_HEADER = 28,
    BRANCH_HEADER = 12,
    KEY_LEN = 8, /* the simple key format */
    MIN_LEB = 1024,
    MAX_LEB = 16 << 20,
    MAX_LEVEL = 64,
    MAX_VISITS = 1 << 21, /* index nodes and leaves read: 2M is an 8 GiB filesystem */
    FLG_AUTHENTICATION = 0x20,
    NODE_INO = 0,
    NODE_DATA = 1,
    NODE_DENT = 2,
    NODE_XENT = 3,
    NODE_PAD = 5,
    NODE_SB = 6,
    NODE_MST = 7,
    NODE_REF = 8,
    NODE_IDX = 9,
    NODE_CS = 10,
    PAD_NODE_SIZE = 28,
    REF_NODE_SIZE = 64,
    CS_NODE_SIZE = 32,
    LOG_LNUM = 3,
    PADDING_BYTE = 0xCE,
};


typedef struct ino_rec {
    uint32_t ino, mode, uid, gid, flags, data_len;
    uint64_t sqnum, size;
    const uint8_t *node;
} ino_rec;

typedef struct dent_rec {
    uint32_t parent, inum;
    uint64_t sqnum;
    const uint8_t *name;
    uint16_t nlen;
} dent_rec;

typedef struct block_rec {
    uint32_t ino, block, size, clen;
    uint64_t sqnum;
    uint16_t compr;
    const uint8_t *data;
} block_rec;

typedef struct ubifs {
    const uint8_t *data;
    size_t size;
    uint32_t leb_size, leb_cnt;
    fw_sink *sink;
    ino_rec *inodes;
    dent_rec *dents;
    block_rec *blocks;
    size_t ino_count, dent_count, block_count, ino_cap, dent_cap, block_cap;
    size_t bad_leaves;
} ubifs;

/* A live name, once the tree is known. */
typedef struct named {
    const dent_rec *d;
    char *path;
} named;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p + 4) << 32 | le32(p);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[1] << 8 | p[0]);
}

/* UBIFS' crc32_le(0xFFFFFFFF, ...) without a final inversion. */
static uint32_t ubifs_crc(const uint8_t *p, size_t n)
{
    return ~(uint32_t)crc32(0, p, (uInt)n);
}

/* A whole, valid node of length `len` at p (which has `avail` bytes). */
static bool node_ok(const uint8_t *p, size_t avail, size_t len)
{
    return len >= CH_SIZE && len <= avail && le32(p) == UBIFS_NODE_MAGIC &&
           le32(p + 16) == len && ubifs_crc(p + 8, len - 8) == le32(p + 4);
}

static bool ubifs_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    if (size < SB_NODE_SIZE || data[20] != NODE_SB || !node_ok(data, size, SB_NODE_SIZE))
        return false;
    uint32_t min_io = le32(data + 32), leb = le32(data + 36);
    uint32_t lebs = le32(data + 40);
    if (leb < MIN_LEB || leb > MAX_LEB || lebs < 4 || min_io == 0 || min_io > leb ||
        (min_io & (min_io - 1)))
        return false;
    uint64_t total = (uint64_t)leb * lebs;
    *length = total < size ? total : size;
    return true;
}

/* The node at (lnum, offs) of length len, of type `type` (-1: any), or
 * NULL when it is out of bounds, damaged or of another type. */
static const uint8_t *node_at(const ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len, int type)
{
    if (lnum >= u->leb_cnt || offs % 8 || offs > u->leb_size || len > u->leb_size - offs)
        return NULL;
    uint64_t at = (uint64_t)lnum * u->leb_size + offs;
    if (at > u->size)
        return NULL;
    const uint8_t *p = u->data + at;
    if (!node_ok(p, u->size - (size_t)at, len) || (type >= 0 && p[20] != type))
        return NULL;
    return p;
}

/* The newest master node in LEB 1 or 2: the root of the index. */
static const uint8_t *master_node(const ubifs *u)
{
    const uint8_t *best = NULL;
    for (uint32_t lnum = 1; lnum <= 2; lnum++)
        for (uint32_t offs = 0; offs + MST_NODE_SIZE <= u->leb_size; offs += 8) {
            const uint8_t *m = node_at(u, lnum, offs, MST_NODE_SIZE, NODE_MST);
            if (m && (!best || le64(m + 8) > le64(best + 8)))
                best = m;
        }
    return best;
}

/* Bytes a branch carries beyond its key: a hash in authenticated images. */
static size_t branch_hash_len(const uint8_t *sb)
{
    if (!(le32(sb + 28) & FLG_AUTHENTICATION))
        return 0;
    /* The kernel's enum hash_algo: md5 1, sha1 2, sha256 4, sha384 5,
     * sha512 6, sha224 7. */
    static const uint8_t lengths[8] = {0, 16, 20, 0, 32, 48, 64, 28};
    uint16_t algo = le16(sb + 256);
    return algo < 8 ? lengths[algo] : 0;
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

/* Records the leaf at (lnum, offs): an inode, a directory entry or a data
 * block. Damaged leaves are counted; false only on out-of-memory. */
static bool add_leaf(ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len)
{
    const uint8_t *n = node_at(u, lnum, offs, len, -1);
    if (!n || len < CH_SIZE + KEY_LEN || le32(n + 28) >> 29 != n[20]) {
        u->bad_leaves++;
        return true;
    }
    uint64_t sqnum = le64(n + 8);
    uint32_t ino = le32(n + 24);
    if (n[20] == NODE_INO && len >= INO_HEADER && le32(n + 112) <= len - INO_HEADER) {
        if (!grow((void **)&u->inodes, &u->ino_cap, u->ino_count, sizeof *u->inodes))
            return false;
        u->inodes[u->ino_count++] = (ino_rec){
            .ino = ino, .sqnum = sqnum, .size = le64(n + 48), .uid = le32(n + 96),
            .gid = le32(n + 100), .mode = le32(n + 104), .flags = le32(n + 108),
            .data_len = le32(n + 112), .node = n,
        };
    } else if (n[20] == NODE_DENT && len > DENT_HEADER) {
        uint16_t nlen = le16(n + 50);
        uint64_t inum = le64(n + 40);
        const uint8_t *name = n + DENT_HEADER;
        if (nlen == 0 || nlen >= len - DENT_HEADER || inum > UINT32_MAX ||
            memchr(name, '\0', nlen) || memchr(name, '/', nlen)) {
            u->bad_leaves++;
            return true;
        }
        if (!grow((void **)&u->dents, &u->dent_cap, u->dent_count, sizeof *u->dents))
            return false;
        u->dents[u->dent_count++] = (dent_rec){ino, (uint32_t)inum, sqnum, name, nlen};
    } else if (n[20] == NODE_DATA && len >= DATA_HEADER && le32(n + 40) <= BLOCK_SIZE) {
        if (!grow((void **)&u->blocks, &u->block_cap, u->block_count, sizeof *u->blocks))
            return false;
        u->blocks[u->block_count++] = (block_rec){
            .ino = ino, .block = le32(n + 28) & 0x1FFFFFFF, .size = le32(n + 40),
            .clen = len - DATA_HEADER, .sqnum = sqnum, .compr = le16(n + 44),
            .data = n + DATA_HEADER,
        };
    } else if (n[20] != NODE_XENT) {
        u->bad_leaves++; /* extended attributes are skipped, the rest is damage */
    }
    return true;
}

typedef struct idx_ref {
    uint32_t lnum, offs, len;
    int level; /* -1 for the root, whose level is what it says */
} idx_ref;

static bool push_ref(idx_ref **stack, size_t *count, size_t *cap, idx_ref ref)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        idx_ref *p = realloc(*stack, n * sizeof *p);
        if (!p)
            return false;
        *stack = p;
        *cap = n;
    }
    (*stack)[(*count)++] = ref;
    return true;
}

/* Walks the index from the root, handing every leaf to add_leaf.
 * False only on out-of-memory. */
static bool walk_index(ubifs *u, const uint8_t *mst, size_t hash_len)
{
    idx_ref *stack = NULL;
    size_t count = 0, cap = 0, visits = 0, bad = 0;
    size_t branch_size = BRANCH_HEADER + KEY_LEN + hash_len;
    bool ok = push_ref(&stack, &count, &cap,
                       (idx_ref){le32(mst + 48), le32(mst + 52), le32(mst + 56), -1});
    while (ok && count > 0) {
        idx_ref ref = stack[--count];
        if (++visits > MAX_VISITS) {
            fw_sink_warn(u->sink, "index walk stopped after %d nodes", MAX_VISITS);
            break;
        }
        const uint8_t *n = node_at(u, ref.lnum, ref.offs, ref.len, NODE_IDX);
        if (!n || ref.len < IDX_HEADER) {
            bad++;
            continue;
        }
        uint16_t children = le16(n + 24), level = le16(n + 26);
        if ((ref.level >= 0 && level != ref.level) || level > MAX_LEVEL ||
            (size_t)children * branch_size > ref.len - IDX_HEADER) {
            bad++;
            continue;
        }
        if (level == 0)
            visits += children; /* leaves count too: shared subtrees repeat them */
        for (uint16_t c = 0; c < children && ok; c++) {
            const uint8_t *b = n + IDX_HEADER + (size_t)c * branch_size;
            idx_ref child = {le32(b), le32(b + 4), le32(b + 8), level - 1};
            if (level > 0)
                ok = push_ref(&stack, &count, &cap, child);
            else if (!add_leaf(u, child.lnum, child.offs, child.len))
                ok = false;
        }
    }
    if (bad)
        fw_sink_warn(u->sink, "%zu index node(s) damaged or out of bounds; their subtrees are "
                     "missing", bad);
    free(stack);
    return ok;
}

/* The next node position in a LEB at or after offs, skipping padding
 * nodes and padding bytes; the LEB size when there is none. */
static uint32_t skip_padding(const ubifs *u, uint32_t lnum, uint32_t offs)
{
    if ((uint64_t)lnum * u->leb_size >= u->size)
        return u->leb_size;
    const uint8_t *leb = u->data + (size_t)lnum * u->leb_size;
    size_t avail = u->size - (size_t)lnum * u->leb_size;
    if (avail > u->leb_size)
        avail = u->leb_size;
    while (offs < avail) {
        if (leb[offs] == PADDING_BYTE) {
            offs++;
            continue;
        }
        offs = (offs + 7) & ~7u;
        const uint8_t *pad = node_at(u, lnum, offs, PAD_NODE_SIZE, NODE_PAD);
        if (!pad)
            return offs;
        uint64_t next = (uint64_t)offs + PAD_NODE_SIZE + le32(pad + 24);
        offs = next < avail ? (uint32_t)next : (uint32_t)avail;
    }
    return u->leb_size;
}

/* Reads the nodes of one bud from offs to the end of what was written. */
static bool replay_bud(ubifs *u, uint32_t lnum, uint32_t offs, size_t *nodes)
{
    while ((offs = skip_padding(u, lnum, offs)) + CH_SIZE <= u->leb_size) {
        uint64_t at = (uint64_t)lnum * u->leb_size + offs;
        if (at + CH_SIZE > u->size || le32(u->data + at) != UBIFS_NODE_MAGIC)
            break;
        uint32_t len = le32(u->data + at + 16);
        const uint8_t *n = node_at(u, lnum, offs, len, -1);
        if (!n)
            break; /* the end of an interrupted write, or damage */
        if (n[20] <= NODE_DENT) {
            if (!add_leaf(u, lnum, offs, len))
                return false;
            (*nodes)++;
        }
        offs = (offs + len + 7) & ~7u; /* node_at bounded len by the LEB */
    }
    return true;
}

/* The journal since the last commit: the log (from the master's log LEB)
 * starts with the commit-start node of the master's commit number, then
 * holds a reference node per bud written since. False on out-of-memory. */
static bool replay_journal(ubifs *u, const uint8_t *sb, const uint8_t *mst, size_t *buds,
                           size_t *nodes)
{
    uint32_t log_lebs = le32(sb + 56), lnum = le32(mst + 44);
    if (log_lebs == 0 || log_lebs > u->leb_cnt || lnum < LOG_LNUM || lnum - LOG_LNUM >= log_lebs)
        return true;
    const uint8_t *cs = node_at(u, lnum, 0, CS_NODE_SIZE, NODE_CS);
    if (!cs || le64(cs + 24) != le64(mst + 32))
        return true;
    uint64_t since = le64(cs + 8);
    uint32_t offs = CS_NODE_SIZE;
    for (uint32_t lebs = 0; lebs < log_lebs; lebs++) {
        for (;;) {
            offs = skip_padding(u, lnum, offs);
            const uint8_t *ref = node_at(u, lnum, offs, REF_NODE_SIZE, NODE_REF);
            if (!ref || le64(ref + 8) < since)
                break;
            uint32_t bud = le32(ref + 24), bud_offs = le32(ref + 28);
            if (bud < u->leb_cnt && bud_offs < u->leb_size) {
                if (!replay_bud(u, bud, bud_offs, nodes))
                    return false;
                (*buds)++;
            }
            offs += REF_NODE_SIZE;
        }
        lnum = LOG_LNUM + (lnum - LOG_LNUM + 1) % log_lebs;
        offs = 0;
    }
    return true;
}

/* One data node's block, decompressed into out (size bytes, at most 4096). */
static bool decompress(uint16_t compr, const uint8_t *in, size_t in_len, uint8_t *out,
                      size_t size)
{
    switch (compr) {
    case UBIFS_COMPR_NONE:
        if (in_len < size)
            return false;
        memcpy(out, in, size);
        return true;
    case UBIFS_COMPR_LZO: {
        lzo_uint got = size;
        return lzo1x_decompress_safe(in, in_len, out, &got, NULL) == LZO_E_OK && got == size;
    }
    case UBIFS_COMPR_ZLIB: {
        /* The kernel's "deflate": raw deflate, no zlib header. */
        z_stream z = {0};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
            return false;
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = (uInt)in_len;
        z.next_out = out;
        z.avail_out = (uInt)size;
        int rc = inflate(&z, Z_FINISH);
        size_t got = size - z.avail_out;
        inflateEnd(&z);
        return (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR) && got == size;
    }
    case UBIFS_COMPR_ZSTD: {
        size_t got = ZSTD_decompress(out, size, in, in_len);
        return !ZSTD_isError(got) && got == size;
    }
    default:
        return false;
    }
}

static int compare_inodes(const void *pa, const void *pb)
{
    const ino_rec *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return a->sqnum < b->sqnum ? -1 : a->sqnum > b->sqnum;
}

static int compare_dents(const void *pa, const void *pb)
{
    const dent_rec *a = pa, *b = pb;
    if (a->parent != b->parent)
        return a->parent < b->parent ? -1 : 1;
    if (a->nlen != b->nlen)
        return a->nlen < b->nlen ? -1 : 1;
    int c = memcmp(a->name, b->name, a->nlen);
    if (c)
        return c;
    return a->sqnum < b->sqnum ? -1 : a->sqnum > b->sqnum;
}

static int compare_blocks(const void *pa, const void *pb)
{
    const block_rec *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    if (a->block != b->block)
        return a->block < b->block ? -1 : 1;
    return a->sqnum < b->sqnum ? -1 : a->sqnum > b->sqnum;
}

static int compare_by_inum(const void *pa, const void *pb)
{
    const dent_rec *a = *(const dent_rec *const *)pa, *b = *(const dent_rec *const *)pb;
    if (a->inum != b->inum)
        return a->inum < b->inum ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Sorting and keeping the newest of each key: an index shared between
 * branches (hostile) yields the same leaf twice. */
static void sort_records(ubifs *u)
{
    if (u->ino_count > 1)
        qsort(u->inodes, u->ino_count, sizeof *u->inodes, compare_inodes);
    size_t out = 0;
    for (size_t i = 0; i < u->ino_count; i++)
        if (i + 1 == u->ino_count || u->inodes[i + 1].ino != u->inodes[i].ino)
            u->inodes[out++] = u->inodes[i];
    u->ino_count = out;
    if (u->dent_count > 1)
        qsort(u->dents, u->dent_count, sizeof *u->dents, compare_dents);
    out = 0;
    for (size_t i = 0; i < u->dent_count; i++) {
        const dent_rec *d = &u->dents[i], *next = d + 1;
        if (i + 1 < u->dent_count && next->parent == d->parent && next->nlen == d->nlen &&
            memcmp(next->name, d->name, d->nlen) == 0)
            continue;
        if (d->inum != 0)
            u->dents[out++] = *d;
    }
    u->dent_count = out;
    if (u->block_count > 1)
        qsort(u->blocks, u->block_count, sizeof *u->blocks, compare_blocks);
    out = 0;
    for (size_t i = 0; i < u->block_count; i++)
        if (i + 1 == u->block_count || u->blocks[i + 1].ino != u->blocks[i].ino ||
            u->blocks[i + 1].block != u->blocks[i].block)
            u->blocks[out++] = u->blocks[i];
    u->block_count = out;
}

static const ino_rec *find_inode(const ubifs *u, uint32_t ino)
{
    size_t lo = 0, hi = u->ino_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u->inodes[mid].ino < ino)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < u->ino_count && u->inodes[lo].ino == ino ? &u->inodes[lo] : NULL;
}

static const dent_rec *dent_naming(const dent_rec *const *by_inum, size_t count, uint32_t ino)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_inum[mid]->inum < ino)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && by_inum[lo]->inum == ino ? by_inum[lo] : NULL;
}

/* The path of a name up to the root; NULL with *why set for loops, orphans
 * and over-deep trees, NULL with *why NULL on out-of-memory. */
static char *path_of(const ubifs *u, const dent_rec *const *by_inum, const dent_rec *d,
                     const char **why)
{
    const dent_rec *chain[MAX_PATH_DEPTH];
    size_t depth = 0, length = 0;
    for (const dent_rec *at = d;;) {
        if (depth == MAX_PATH_DEPTH) {
            *why = "a directory loop or a tree deeper than 128 levels";
            return NULL;
        }
        chain[depth++] = at;
        length += at->nlen + 1u;
        if (at->parent == ROOT_INO)
            break;
        at = dent_naming(by_inum, u->dent_count, at->parent);
        if (!at) {
            *why = "its parent directory has no name (an orphan)";
            return NULL;
        }
    }
    char *path = malloc(length);
    if (!path) {
        *why = NULL;
        return NULL;
    }
    char *p = path;
    for (size_t i = depth; i-- > 0;) {
        memcpy(p, chain[i]->name, chain[i]->nlen);
        p += chain[i]->nlen;
        *p++ = i ? '/' : '\0';
    }
    return path;
}

/* A file's bytes from its data blocks; holes stay zero. *out is NULL when
 * the file is empty or over a limit; false only on out-of-memory. */
static bool file_bytes(ubifs *u, const ino_rec *ino, const char *path, uint8_t **out)
{
    *out = NULL;
    if (ino->size == 0)
        return true;
    size_t lo = 0, hi = u->block_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u->blocks[mid].ino < ino->ino)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t packed = 0;
    for (size_t i = lo; i < u->block_count && u->blocks[i].ino == ino->ino; i++)
        packed += u->blocks[i].clen;
    if (!fw_sink_may_allocate(u->sink, ino->size, packed ? packed : 1))
        return true;
    uint8_t *buf = calloc(1, ino->size);
    if (!buf)
        return false;
    uint8_t block[BLOCK_SIZE];
    size_t failed = 0;
    for (size_t i = lo; i < u->block_count && u->blocks[i].ino == ino->ino; i++) {
        const block_rec *b = &u->blocks[i];
        uint64_t at = (uint64_t)b->block * BLOCK_SIZE;
        if (at >= ino->size)
            continue;
        if (!decompress(b->compr, b->data, b->clen, block, b->size)) {
            failed++;
            continue;
        }
        uint64_t n = b->size < ino->size - at ? b->size : ino->size - at;
        memcpy(buf + at, block, n);
    }
    if (failed)
        fw_sink_warn(u->sink, "%s: %zu data block(s) could not be decompressed; left as zeros",
                     path, failed);
    *out = buf;
    return true;
}

static iotssf_fw_kind kind_of_mode(uint32_t mode)
{
    switch (mode & 0170000) {
    case 0040000:
        return IOTSSF_FW_DIR;
    case 0120000:
        return IOTSSF_FW_SYMLINK;
    case 0020000:
        return IOTSSF_FW_CHARDEV;
    case 0060000:
        return IOTSSF_FW_BLOCKDEV;
    case 0010000:
        return IOTSSF_FW_FIFO;
    case 0140000:
        return IOTSSF_FW_SOCKET;
    default:
        return IOTSSF_FW_FILE;
    }
}

static iotssf_status emit_one(ubifs *u, const named *names, size_t index, size_t first_name,
                              iotssf_error *err)
{
    const named *nm = &names[index];
    const ino_rec *ino = find_inode(u, nm->d->inum);
    if (!ino) {
        fw_sink_warn(u->sink, "%s: no inode node for inode %u; skipped", nm->path, nm->d->inum);
        return IOTSSF_OK;
    }
    iotssf_fw_entry e = {.path = nm->path, .kind = kind_of_mode(ino->mode),
                         .mode = ino->mode & 07777, .uid = ino->uid, .gid = ino->gid};
    if (e.kind != IOTSSF_FW_DIR && first_name != index) {
        e.kind = IOTSSF_FW_HARDLINK;
        e.link_target = names[first_name].path;
        return u->sink->entry(u->sink, &e, err);
    }
    char *target = NULL;
    uint8_t *bytes = NULL;
    if (e.kind == IOTSSF_FW_SYMLINK) {
        target = malloc((size_t)ino->data_len + 1);
        if (!target)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(target, ino->node + INO_HEADER, ino->data_len);
        target[ino->data_len] = '\0';
        e.link_target = target;
        e.size = strlen(target);
    } else if (e.kind == IOTSSF_FW_FILE && (ino->flags & CRYPT_FL)) {
        fw_sink_warn(u->sink, "%s: encrypted (fscrypt); contents not read", nm->path);
    } else if (e.kind == IOTSSF_FW_FILE) {
        if (!file_bytes(u, ino, nm->path, &bytes))
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        e.data = bytes;
        e.size = bytes ? ino->size : 0;
    }
    iotssf_status st = u->sink->entry(u->sink, &e, err);
    free(target);
    free(bytes);
    return st;
}

static int compare_named(const void *pa, const void *pb)
{
    return strcmp(((const named *)pa)->path, ((const named *)pb)->path);
}

/* Equal inodes in path order: names[] is path-sorted, so the lower
 * address is the earlier path. */
static int compare_named_by_inum(const void *pa, const void *pb)
{
    const named *a = *(const named *const *)pa, *b = *(const named *const *)pb;
    if (a->d->inum != b->d->inum)
        return a->d->inum < b->d->inum ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* For hard links: the index of the first name (in path order) of each
 * inode. names[] holds `count` entries sorted by path. */
static bool first_names(const named *names, size_t count, size_t *first)
{
    const named **by_inum = malloc((count + 1) * sizeof *by_inum);
    if (!by_inum)
        return false;
    for (size_t i = 0; i < count; i++)
        by_inum[i] = &names[i];
    if (count > 1)
        qsort(by_inum, count, sizeof *by_inum, compare_named_by_inum);
    for (size_t i = 0; i < count; i++) {
        size_t self = (size_t)(by_inum[i] - names);
        first[self] = i > 0 && by_inum[i - 1]->d->inum == by_inum[i]->d->inum
                          ? first[by_inum[i - 1] - names]
                          : self;
    }
    free(by_inum);
    return true;
}

/* Names every live directory entry, then emits them parents first. */
static iotssf_status emit_tree(ubifs *u, size_t *emitted, iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    const dent_rec **by_inum = malloc((u->dent_count + 1) * sizeof *by_inum);
    named *names = malloc((u->dent_count + 1) * sizeof *names);
    size_t *first = malloc((u->dent_count + 1) * sizeof *first);
    size_t count = 0, skipped = 0;
    if (!by_inum || !names || !first)
        goto oom;
    for (size_t i = 0; i < u->dent_count; i++)
        by_inum[i] = &u->dents[i];
    if (u->dent_count > 1)
        qsort(by_inum, u->dent_count, sizeof *by_inum, compare_by_inum);
    for (size_t i = 0; i < u->dent_count; i++) {
        const char *why = NULL;
        char *path = path_of(u, by_inum, &u->dents[i], &why);
        if (!path && !why)
            goto oom;
        if (path)
            names[count++] = (named){&u->dents[i], path};
        else if (skipped++ < 8)
            fw_sink_warn(u->sink, "name '%.*s' (inode %u) skipped: %s", (int)u->dents[i].nlen,
                         (const char *)u->dents[i].name, u->dents[i].inum, why);
    }
    if (skipped > 8)
        fw_sink_warn(u->sink, "%zu names skipped in all", skipped);
    if (count > 1)
        qsort(names, count, sizeof *names, compare_named);
    if (!first_names(names, count, first))
        goto oom;
    for (size_t i = 0; i < count && !st; i++) {
        if (i > 0 && strcmp(names[i].path, names[i - 1].path) == 0)
            continue;
        st = emit_one(u, names, i, first[i], err);
        (*emitted)++;
    }
    goto done;
oom:
    st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
done:
    for (size_t i = 0; names && i < count; i++)
        free(names[i].path);
    free(names);
    free(first);
    free(by_inum);
    return st;
}

static iotssf_status ubifs_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err)
{
    uint64_t length;
    if (!ubifs_probe(data, size, &length))
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "not a UBIFS superblock");
    ubifs u = {.data = data, .size = (size_t)length, .sink = sink};
    u.leb_size = le32(data + 36);
    u.leb_cnt = le32(data + 40);
    if ((uint64_t)u.leb_size * u.leb_cnt > size)
        fw_sink_warn(sink, "the superblock declares %u LEBs of %u bytes; only %zu bytes are here",
                     u.leb_cnt, u.leb_size, size);
    const uint8_t *mst = master_node(&u);
    if (!mst) {
        fw_sink_warn(sink, "no valid master node in LEB 1 or 2: the index cannot be found");
        fw_sink_describe(sink, "LEB %u bytes, %u LEBs, no master node", u.leb_size, u.leb_cnt);
        return IOTSSF_OK;
    }
    iotssf_status st = IOTSSF_OK;
    size_t emitted = 0;
    size_t buds = 0, journal_nodes = 0;
    if (!walk_index(&u, mst, branch_hash_len(data)) ||
        !replay_journal(&u, data, mst, &buds, &journal_nodes))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    else {
        if (u.bad_leaves)
            fw_sink_warn(sink, "%zu leaf node(s) damaged or out of bounds; skipped", u.bad_leaves);
        sort_records(&u);
        st = emit_tree(&u, &emitted, err);
    }
    static const char *const compr_names[] = {"none", "lzo", "zlib", "zstd"};
    uint16_t compr = le16(data + 84);
    fw_sink_describe(sink, "LEB %u bytes, %u LEBs, default compression %s, %zu entries, "
                     "journal: %zu node(s) in %zu bud(s)", u.leb_size, u.leb_cnt,
                     compr < 4 ? compr_names[compr] : "unknown", emitted, journal_nodes, buds);
    free(u.inodes);
    free(u.dents);
    free(u.blocks);
    return st;
}

static const uint8_t ubifs_magic[] = {0x31, 0x18, 0x10, 0x06};

const fw_format fw_format_ubifs = {"ubifs", ubifs_magic, sizeof ubifs_magic, 0, ubifs_probe,
                                   ubifs_unpack};
