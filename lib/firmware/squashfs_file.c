/*
 * SquashFS file data, the same in every version: data blocks (each behind a
 * 32-bit size word whose bit 24 says "stored, not compressed"), fragment
 * blocks holding the tails of several files, and the assembly of a regular
 * file from its blocks, sparse holes and fragment tail.
 *
 * sqfs_decode_block() is the only part the worker threads of
 * squashfs_pool.c run; it touches nothing but the image, the superblock and
 * the job. Everything else here runs on the calling thread: the sequential
 * path (sqfs_read_file) and the lookups squashfs_queue.c makes while it
 * plans a batch.
 */
#include <stdlib.h>
#include <string.h>

#include "squashfs_internal.h"

void sqfs_decode_block(const sqfs_reader *r, sqfs_block_job *job)
{
    size_t stored = job->word & 0xffffff;
    job->ok = false;
    job->got = 0;
    job->used = 0;
    if (job->word >> 25 || stored > r->sb.block_size || job->pos > r->size ||
        r->size - job->pos < stored)
        return;
    const uint8_t *src = r->data + job->pos;
    if (job->word & (1u << 24)) {
        job->got = stored < job->cap ? stored : job->cap;
        memcpy(job->dst, src, job->got);
        job->ok = true;
        return;
    }
    job->ok = sqfs_decompress(r->sb.codec, src, stored, job->dst, job->cap, &job->got,
                              &job->used);
    if (!job->ok)
        job->used = 0;
}

/* Decodes one block on the calling thread; *got is how many bytes it gave. */
static bool data_block(sqfs_reader *r, uint64_t pos, uint32_t word, uint8_t *dst, size_t cap,
                       size_t *got)
{
    sqfs_block_job job = {.pos = pos, .word = word, .dst = dst, .cap = cap};
    sqfs_decode_block(r, &job);
    *got = job.got;
    if (job.ok)
        sqfs_note_codec(r, job.used);
    return job.ok;
}

bool sqfs_fragment_entry(sqfs_reader *r, uint32_t index, uint64_t *start, uint32_t *word)
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
        if (!sqfs_fragment_entry(r, in->fragment, &start, &word) ||
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

uint32_t *sqfs_block_list(sqfs_reader *r, const sqfs_inode *in, uint64_t count,
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

void sqfs_file_shape(const sqfs_reader *r, const sqfs_inode *in, uint64_t *count, size_t *tail)
{
    uint64_t bs = r->sb.block_size;
    bool has_tail = in->fragment != SQFS_NO_FRAGMENT;
    *count = has_tail ? in->size / bs : (in->size + bs - 1) / bs;
    *tail = has_tail ? (size_t)(in->size % bs) : 0;
}

iotssf_status sqfs_read_file(sqfs_reader *r, const sqfs_inode *in, const char *path,
                             uint8_t **data, bool *skipped, iotssf_error *err)
{
    *data = NULL;
    *skipped = false;
    if (in->size == 0)
        return IOTSSF_OK;
    uint64_t bs = r->sb.block_size, count;
    size_t tail;
    sqfs_file_shape(r, in, &count, &tail);
    if (in->size > r->sink->limits->max_file_bytes || in->size > SIZE_MAX / 2) {
        fw_sink_may_allocate(r->sink, in->size, 0); /* refuses, and says why */
        *skipped = true;
        return IOTSSF_OK;
    }
    uint64_t packed;
    uint32_t *words = sqfs_block_list(r, in, count, &packed);
    if (!words) {
        sqfs_warn(r, "%s: block list unreadable; file skipped", path);
        *skipped = true;
        return IOTSSF_OK;
    }
    /* The block list is input too; counting it keeps a sparse file's
     * ratio finite, so a huge hole is judged like any other expansion.
     * squashfs_queue.c counts the same when it decodes a file ahead. */
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
