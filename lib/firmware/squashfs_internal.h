/*
 * What the SquashFS reader's files share. The reader is split by concern:
 *   squashfs.c             the fw_format values, superblock parsing, probe, unpack
 *   squashfs_meta.c        metadata blocks (with a small cache), id tables,
 *                          symlink targets and warnings, common to every version
 *   squashfs_file.c        data blocks, fragments and the assembly of a
 *                          regular file, one file at a time
 *   squashfs_walk.c        the directory walk: paths, loop and depth checks,
 *                          hard links, emitting entries
 *   squashfs_queue.c       decoding the data of upcoming files ahead, in
 *                          parallel, while entries still reach the sink in
 *                          walk order on the calling thread
 *   squashfs_pool.c        the worker threads that decode those blocks
 *   squashfs_v4.c          inode and directory layouts of v4.0
 *   squashfs_v3.c          inode and directory layouts of v2.x and v3.x
 *   squashfs_decompress.c  the codecs, including vendor LZMA variants
 *
 * Layouts are read with sqfs_bits(): v2/v3 structures are C bitfields, laid
 * out by the compiler of the machine that made the image, so one description
 * (bit position and width, counted as a little-endian compiler counts them)
 * reads both byte orders. v4 has no bitfields; its big-endian variant (some
 * vendors' tools) is every integer byte-swapped, which the same helper reads.
 */
#ifndef IOTSSF_FIRMWARE_SQUASHFS_INTERNAL_H
#define IOTSSF_FIRMWARE_SQUASHFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

/* The formats this reader exports, one per magic (see squashfs.c). */
extern const fw_format fw_format_squashfs_le, fw_format_squashfs_be;
extern const fw_format fw_format_squashfs_lzma_le, fw_format_squashfs_lzma_be;
extern const fw_format fw_format_squashfs_ddwrt_le, fw_format_squashfs_ddwrt_be;

#define SQFS_META_SIZE 8192u
#define SQFS_META_CACHE 16
#define SQFS_NO_FRAGMENT 0xffffffffu
#define SQFS_MAX_DEPTH 128
#define SQFS_MAX_WARNINGS 64
#define SQFS_MAX_LINK 4096u
#define SQFS_MAX_NAME 256u

typedef enum sqfs_codec {
    SQFS_CODEC_GZIP = 1,
    SQFS_CODEC_LZMA = 2,
    SQFS_CODEC_LZO = 3,
    SQFS_CODEC_XZ = 4,
    SQFS_CODEC_LZ4 = 5,
    SQFS_CODEC_ZSTD = 6,
    /* v1-v3: zlib as squashfs-tools wrote it, or a vendor LZMA variant;
     * which one is told apart block by block. */
    SQFS_CODEC_LEGACY = 100,
} sqfs_codec;

/* Decompresses one block into dst (at most cap bytes). *used says which
 * codec really decoded it (for LEGACY: GZIP or LZMA). */
bool sqfs_decompress(sqfs_codec codec, const uint8_t *src, size_t len, uint8_t *dst,
                     size_t cap, size_t *out, sqfs_codec *used);
const char *sqfs_codec_name(sqfs_codec codec);

/* The superblock, whatever the version, in one shape. */
typedef struct sqfs_super {
    unsigned major, minor;
    bool big_endian;
    sqfs_codec codec;
    uint32_t block_size;
    uint32_t flags;
    uint32_t inode_count;
    uint32_t fragment_count;
    uint64_t root_inode;
    uint64_t bytes_used;
    uint64_t inode_table, dir_table, fragment_table;
    uint64_t id_table;  /* v4: id index; v2/v3: uid array */
    uint64_t gid_table; /* v2/v3: gid array */
    uint32_t id_count, gid_count;
    bool meta_check_byte; /* v1-v3 "check" flag: one marker byte per metadata header */
} sqfs_super;

/* Parses and validates a superblock at data. False when it is not one. */
bool sqfs_parse_super(const uint8_t *data, size_t size, sqfs_super *sb, const char **why);

/* Reads `width` bits at bit `pos` of p (see the file comment). */
static inline uint64_t sqfs_bits(const uint8_t *p, unsigned pos, unsigned width, bool be)
{
    unsigned first = pos / 8, shift = pos % 8, nbytes = (shift + width + 7) / 8;
    uint64_t v = 0;
    if (be) {
        for (unsigned i = 0; i < nbytes; i++)
            v = v << 8 | p[first + i];
        v >>= nbytes * 8 - shift - width;
    } else {
        for (unsigned i = 0; i < nbytes; i++)
            v |= (uint64_t)p[first + i] << (8 * i);
        v >>= shift;
    }
    return width < 64 ? v & ((1ull << width) - 1) : v;
}

/* A position in a metadata table: the on-disk offset of a block's header
 * and an offset into that block's decoded bytes. */
typedef struct sqfs_cursor {
    uint64_t block;
    uint32_t offset;
} sqfs_cursor;

/* A decoded metadata block in the cache. */
typedef struct sqfs_meta_block {
    bool valid;
    uint64_t pos, next;
    size_t len;
    uint8_t data[SQFS_META_SIZE];
} sqfs_meta_block;

/* An inode, whatever the version, as the walk needs it. */
typedef struct sqfs_inode {
    unsigned type;
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    uint64_t size;         /* file bytes, or symlink target length */
    uint64_t start_block;  /* file data start, or block in the directory table */
    uint32_t fragment;     /* SQFS_NO_FRAGMENT when none */
    uint32_t frag_offset;
    uint32_t dir_offset;
    uint64_t dir_size;     /* bytes of listing to read (".." and "." excluded) */
    sqfs_cursor block_list; /* files: where the block sizes start */
    char *link_target;     /* symlinks, malloc'd */
} sqfs_inode;

typedef struct sqfs_reader sqfs_reader;
typedef struct sqfs_queue sqfs_queue;

/* Called for each directory entry; a non-OK status stops the listing. */
typedef iotssf_status (*sqfs_dir_visit)(sqfs_reader *r, void *ctx, const char *name,
                                        uint64_t inode_ref, iotssf_error *err);

/* What differs between versions. */
typedef struct sqfs_layout {
    bool (*read_inode)(sqfs_reader *r, uint64_t ref, sqfs_inode *out);
    /* Lists a directory; corruption is warned about and ends the listing. */
    iotssf_status (*read_dir)(sqfs_reader *r, const sqfs_inode *dir, sqfs_dir_visit visit,
                              void *ctx, iotssf_error *err);
    unsigned fragment_entry_size; /* bytes per fragment table entry */
    unsigned fragment_index_size; /* bytes per fragment index pointer */
} sqfs_layout;

extern const sqfs_layout sqfs_layout_v4;
extern const sqfs_layout sqfs_layout_v3;
extern const sqfs_layout sqfs_layout_v2;

struct sqfs_reader {
    const uint8_t *data;
    size_t size; /* what is present of bytes_used */
    sqfs_super sb;
    const sqfs_layout *layout;
    fw_sink *sink;
    sqfs_meta_block *cache; /* SQFS_META_CACHE slots */
    uint8_t *frag_data;     /* the decoded fragment block last used */
    size_t frag_len;
    uint32_t frag_index;
    bool frag_valid;
    uint32_t *ids, *gids;   /* v4: ids; v2/v3: uids and gids */
    size_t id_count, gid_count;
    bool saw_zlib, saw_lzma; /* what LEGACY blocks turned out to be */
    unsigned warnings;
    uint64_t entries; /* emitted */
    uint64_t visits;  /* directory entries looked at, emitted or not */
    bool stop;        /* a limit was reached */
    char *path;
    size_t path_len, path_cap;
    struct sqfs_refset *dirs_seen;
    struct sqfs_refset *files_seen;
    uint64_t ancestors[SQFS_MAX_DEPTH + 2];
    unsigned depth;
    sqfs_queue *queue; /* NULL: every entry goes to the sink as it is found */
    bool delivering;   /* the queue is handing entries to the sink right now */
};

/* A warning, in walk order: while the queue holds entries the walk found
 * earlier, it waits behind them. */
void sqfs_warn(sqfs_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands a warning to the sink now (at most SQFS_MAX_WARNINGS of them). */
void sqfs_warn_now(sqfs_reader *r, const char *message);
/* Records which codec really decoded a block (for the description). */
void sqfs_note_codec(sqfs_reader *r, sqfs_codec used);

/* Copies n bytes of metadata at *c to out, advancing *c across blocks. */
bool sqfs_meta_read(sqfs_reader *r, sqfs_cursor *c, void *out, size_t n);
/* Skips n bytes of metadata. */
bool sqfs_meta_skip(sqfs_reader *r, sqfs_cursor *c, size_t n);

/* The id at index i of the id (or, v2/v3, gid) table; 0 with a warning when
 * out of range. */
uint32_t sqfs_id(sqfs_reader *r, unsigned index);
uint32_t sqfs_gid(sqfs_reader *r, unsigned index, uint32_t uid);
bool sqfs_load_ids(sqfs_reader *r);

/* Reads symlink target of `len` bytes at *c into inode->link_target. */
bool sqfs_read_link(sqfs_reader *r, sqfs_cursor *c, uint64_t len, sqfs_inode *inode);

/* One data or fragment block to decode into dst (cap bytes). Decoding reads
 * only the image and the superblock, which never change once unpacking has
 * begun, and writes only dst and the result fields: any thread may run it. */
typedef struct sqfs_block_job {
    uint64_t pos;  /* the compressed block in the image */
    uint32_t word; /* its size word: stored size, bit 24 = not compressed */
    uint8_t *dst;
    size_t cap;
    bool ok;         /* the block was read (got may still fall short) */
    size_t got;      /* bytes it gave */
    sqfs_codec used; /* which codec decoded it; 0 when it was stored */
} sqfs_block_job;

void sqfs_decode_block(const sqfs_reader *r, sqfs_block_job *job);

/* Where fragment `index` lies and its size word; false when the fragment
 * table does not say. */
bool sqfs_fragment_entry(sqfs_reader *r, uint32_t index, uint64_t *start, uint32_t *word);
/* The size words of a file's `count` blocks in host order (malloc'd), and
 * their stored sizes added up in *packed; NULL when unreadable. */
uint32_t *sqfs_block_list(sqfs_reader *r, const sqfs_inode *in, uint64_t count,
                          uint64_t *packed);

/* How a file's bytes are split: `count` whole blocks, then a `tail` in a
 * fragment. */
void sqfs_file_shape(const sqfs_reader *r, const sqfs_inode *in, uint64_t *count, size_t *tail);

/* Assembles a regular file: blocks, sparse holes and the fragment tail.
 * *data is malloc'd (NULL for empty files or when skipped; *skipped says
 * which). */
iotssf_status sqfs_read_file(sqfs_reader *r, const sqfs_inode *inode, const char *path,
                             uint8_t **data, bool *skipped, iotssf_error *err);

/* Walks the tree from the root inode and emits every entry. */
iotssf_status sqfs_walk(sqfs_reader *r, iotssf_error *err);
void sqfs_walk_free(sqfs_reader *r);

/* Hands one entry to the sink now, unless the entry limit is reached. */
iotssf_status sqfs_emit_now(sqfs_reader *r, const iotssf_fw_entry *e, iotssf_error *err);
/* Emits a regular file's first sight (data: its bytes, NULL when empty)
 * and remembers it, so later hard links point at `path`. */
iotssf_status sqfs_emit_file(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                             const char *path, const uint8_t *data, iotssf_error *err);
/* Reads and emits a regular file's first sight, the whole of it on the
 * calling thread. */
iotssf_status sqfs_file_now(sqfs_reader *r, const sqfs_inode *in, uint64_t ref, const char *path,
                            iotssf_error *err);

/* The queue (squashfs_queue.c). While it is on, the walk hands it what it
 * finds, in order; files are decoded ahead on worker threads and everything
 * reaches the sink, on the calling thread, exactly as without it. */
/* Turns the queue on when more than one thread may decode (see
 * sqfs_thread_count); false leaves the reader sequential. */
bool sqfs_queue_start(sqfs_reader *r);
iotssf_status sqfs_queue_entry(sqfs_reader *r, const iotssf_fw_entry *e, iotssf_error *err);
/* Queues a regular file's first sight; its bytes may be decoded ahead. */
iotssf_status sqfs_queue_file(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                              const char *path, iotssf_error *err);
/* Queues a warning; false when out of memory (the warning is dropped). */
bool sqfs_queue_warning(sqfs_reader *r, const char *message);
/* Entries queued that may still reach the sink. */
size_t sqfs_queue_pending(const sqfs_reader *r);
/* Whether a file with this inode reference waits in the queue. */
bool sqfs_queue_holds_file(const sqfs_reader *r, uint64_t ref);
/* Hands everything queued to the sink. */
iotssf_status sqfs_queue_settle(sqfs_reader *r, iotssf_error *err);
/* Stops the workers and drops whatever is still queued. */
void sqfs_queue_free(sqfs_reader *r);

/* The worker pool (squashfs_pool.c). A job set is a batch's blocks; sets
 * are decoded in the order they are submitted. */
typedef struct sqfs_job_set {
    sqfs_block_job *jobs;
    size_t count;
    size_t next, done;          /* claimed, finished: under the pool's lock */
    struct sqfs_job_set *later; /* the pool's list of sets with unclaimed jobs */
} sqfs_job_set;

typedef struct sqfs_pool sqfs_pool;

/* Threads that may decode at once, the calling thread included: online
 * CPUs, at most 8, or IOTSSF_THREADS (1 to 64) when set. */
unsigned sqfs_thread_count(void);
/* Starts `workers` threads; NULL when none could be started (the calling
 * thread then decodes everything in sqfs_pool_wait). */
sqfs_pool *sqfs_pool_start(const sqfs_reader *r, unsigned workers);
void sqfs_pool_submit(sqfs_pool *p, sqfs_job_set *set);
/* Returns once every job of the set is done; the calling thread decodes
 * the set's unclaimed jobs meanwhile. p may be NULL. */
void sqfs_pool_wait(sqfs_pool *p, const sqfs_reader *r, sqfs_job_set *set);
/* Drops the set's unclaimed jobs and waits for those being decoded. */
void sqfs_pool_withdraw(sqfs_pool *p, sqfs_job_set *set);
void sqfs_pool_stop(sqfs_pool *p);

/* Maps inode types 1..14 to kinds; false for an unknown type. */
bool sqfs_kind_of(unsigned type, iotssf_fw_kind *kind);

#endif
