/*
 * Decoding the data of upcoming files ahead, on several threads, while the
 * SquashFS walk's entries still reach the sink one at a time, in walk order,
 * on the calling thread. Decompressing data blocks is nearly all the time a
 * large image takes (xz above all); the walk, the metadata and the sink stay
 * single-threaded.
 *
 * While the queue is on, the walk hands it everything it finds, in order:
 * entries, warnings and regular files (events). Events collect in a batch.
 * A file's blocks, and the fragment block holding its tail, become jobs of
 * the batch, decoded into a buffer of the file's size. A batch is closed when
 * it holds QUEUE_FILES files, QUEUE_BYTES of decoded bytes or QUEUE_EVENTS
 * events: its jobs go to the pool (squashfs_pool.c), and the batch closed
 * before it is delivered: once its jobs are done, its events reach the sink
 * in order. So the analyses of one batch run while the next is decoded, and
 * at most two batches are alive.
 *
 * Delivering a file repeats what the sequential reader does at that point
 * and in the same order: fw_sink_may_allocate with the same figures, the
 * damaged-block and fragment warnings, the entry, remembering it for hard
 * links. Only the decoding has moved. A file is decoded ahead only when the
 * limits will clearly let it through (per-file size and ratio, and the total
 * counting every byte already decoded ahead); any other file is read at its
 * delivery exactly as before, so the limits bound what is held in memory as
 * they always did. Warnings meet SQFS_MAX_WARNINGS as they are delivered,
 * so the same ones are kept, and squashfs_walk.c settles the queue before
 * any decision that depends on what was delivered (hard links, the entry
 * limit). With IOTSSF_THREADS=1 the queue is off and the reader is the
 * sequential one; tests compare the two.
 */
#include <stdlib.h>
#include <string.h>

#include "squashfs_internal.h"

#define QUEUE_BYTES (16u << 20) /* decoded bytes held per batch */
enum { QUEUE_FILES = 256, QUEUE_EVENTS = 4096 };
#define NONE SIZE_MAX

typedef enum event_type { EVENT_WARNING, EVENT_ENTRY, EVENT_FILE } event_type;

typedef struct event {
    event_type type;
    char *text; /* the warning, or the entry's path */
    char *target;
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    size_t file; /* EVENT_FILE: index in files */
} event;

typedef struct queued_file {
    sqfs_inode inode; /* its link_target is not kept */
    uint64_t ref;
    uint8_t *data; /* decoded ahead; NULL: read at delivery, as without the queue */
    uint64_t count, packed;
    size_t tail;
    size_t first_job, job_count;
    size_t fragment; /* index in fragments, or NONE */
} queued_file;

typedef struct fragment_block {
    uint32_t index;
    size_t job; /* NONE when the fragment table does not locate it */
    uint8_t *data;
} fragment_block;

typedef struct batch {
    event *events;
    size_t event_count, event_cap;
    queued_file *files;
    size_t file_count, file_cap;
    fragment_block *fragments;
    size_t fragment_count, fragment_cap;
    sqfs_job_set set;
    size_t job_cap;
    uint64_t bytes;   /* decoded bytes it holds */
    size_t entries;   /* events that may hand an entry to the sink */
    size_t warnings;  /* warning events not yet delivered */
    bool submitted;
} batch;

struct sqfs_queue {
    batch batches[2];
    batch *filling; /* what the walk adds to */
    batch *waiting; /* closed, being decoded, delivered next; or NULL */
    sqfs_pool *pool;
    unsigned threads;
    bool pool_tried;
};

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory reading squashfs");
}

/* items with room for `need`, or NULL (items untouched) when out of memory. */
static void *grow(void *items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return items;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *grown = realloc(items, n * size);
    if (grown)
        *cap = n;
    return grown;
}

static event *add_event(batch *b, event_type type)
{
    event *grown = grow(b->events, &b->event_cap, b->event_count + 1, sizeof *grown);
    if (!grown)
        return NULL;
    b->events = grown;
    event *ev = &b->events[b->event_count++];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->file = NONE;
    return ev;
}

static sqfs_block_job *add_job(batch *b)
{
    sqfs_block_job *grown = grow(b->set.jobs, &b->job_cap, b->set.count + 1, sizeof *grown);
    if (!grown)
        return NULL;
    b->set.jobs = grown;
    sqfs_block_job *job = &b->set.jobs[b->set.count++];
    memset(job, 0, sizeof *job);
    return job;
}

static uint64_t bytes_ahead(const sqfs_queue *q)
{
    return q->filling->bytes + (q->waiting ? q->waiting->bytes : 0);
}

size_t sqfs_queue_pending(const sqfs_reader *r)
{
    const sqfs_queue *q = r->queue;
    return q->filling->entries + (q->waiting ? q->waiting->entries : 0);
}

bool sqfs_queue_holds_file(const sqfs_reader *r, uint64_t ref)
{
    const sqfs_queue *q = r->queue;
    const batch *held[2] = {q->filling, q->waiting};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; held[k] && i < held[k]->file_count; i++)
            if (held[k]->files[i].ref == ref)
                return true;
    return false;
}

/* Empties a batch, keeping its arrays for the next one. */
static void clear_batch(sqfs_queue *q, batch *b)
{
    if (b->submitted)
        sqfs_pool_withdraw(q->pool, &b->set); /* no worker may still write its buffers */
    for (size_t i = 0; i < b->event_count; i++) {
        free(b->events[i].text);
        free(b->events[i].target);
    }
    for (size_t i = 0; i < b->file_count; i++)
        free(b->files[i].data);
    for (size_t i = 0; i < b->fragment_count; i++)
        free(b->fragments[i].data);
    b->event_count = b->file_count = b->fragment_count = 0;
    b->set.count = b->set.next = b->set.done = 0;
    b->bytes = 0;
    b->entries = b->warnings = 0;
    b->submitted = false;
}

bool sqfs_queue_start(sqfs_reader *r)
{
    unsigned threads = sqfs_thread_count();
    if (threads < 2)
        return false;
    sqfs_queue *q = calloc(1, sizeof *q);
    if (!q)
        return false;
    q->threads = threads;
    q->filling = &q->batches[0];
    r->queue = q;
    return true;
}

void sqfs_queue_free(sqfs_reader *r)
{
    sqfs_queue *q = r->queue;
    if (!q)
        return;
    for (int k = 0; k < 2; k++) {
        batch *b = &q->batches[k];
        clear_batch(q, b);
        free(b->events);
        free(b->files);
        free(b->fragments);
        free(b->set.jobs);
    }
    sqfs_pool_stop(q->pool);
    free(q);
    r->queue = NULL;
}

static void submit(sqfs_reader *r, batch *b)
{
    sqfs_queue *q = r->queue;
    /* Threads are started for the first batch worth sharing out, so a tiny
     * image never pays for them. */
    if (!q->pool && !q->pool_tried && b->set.count > 1) {
        q->pool_tried = true;
        q->pool = sqfs_pool_start(r, q->threads - 1);
    }
    sqfs_pool_submit(q->pool, &b->set);
    b->submitted = true;
}

/* The tail of a file decoded ahead, from its fragment block. */
static bool copy_tail(sqfs_reader *r, const batch *b, const queued_file *f, uint8_t *data)
{
    const fragment_block *fb = &b->fragments[f->fragment];
    if (fb->job == NONE || !b->set.jobs[fb->job].ok)
        return false;
    const sqfs_block_job *job = &b->set.jobs[fb->job];
    sqfs_note_codec(r, job->used);
    uint32_t offset = f->inode.frag_offset;
    if (offset > job->got || job->got - offset < f->tail)
        return false;
    memcpy(data + f->count * r->sb.block_size, fb->data + offset, f->tail);
    return true;
}

/* What sqfs_read_file does after reading the block list, with the blocks
 * already decoded. */
static iotssf_status deliver_file(sqfs_reader *r, batch *b, const event *ev, iotssf_error *err)
{
    queued_file *f = &b->files[ev->file];
    const sqfs_inode *in = &f->inode;
    if (!f->data)
        return sqfs_file_now(r, in, f->ref, ev->text, err);
    uint8_t *data = f->data;
    f->data = NULL;
    if (!fw_sink_may_allocate(r->sink, in->size, f->packed + f->tail + f->count * 4 + 1)) {
        free(data);
        return IOTSSF_OK;
    }
    bool intact = true;
    for (size_t i = 0; i < f->job_count; i++) {
        const sqfs_block_job *job = &b->set.jobs[f->first_job + i];
        if (job->ok)
            sqfs_note_codec(r, job->used);
        if (!job->ok || job->got != job->cap)
            intact = false;
    }
    if (!intact)
        sqfs_warn(r, "%s: some data blocks are damaged or missing; they read as zeros", ev->text);
    if (f->tail && !copy_tail(r, b, f, data))
        sqfs_warn(r, "%s: fragment %u unreadable; its %zu tail bytes read as zeros", ev->text,
                  in->fragment, f->tail);
    iotssf_status st = sqfs_emit_file(r, in, f->ref, ev->text, data, err);
    free(data);
    return st;
}

/* Waits for a batch's blocks, then hands its events to the sink in order. */
static iotssf_status deliver(sqfs_reader *r, batch *b, iotssf_error *err)
{
    sqfs_queue *q = r->queue;
    sqfs_pool_wait(q->pool, r, &b->set);
    r->delivering = true;
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < b->event_count && !st; i++) {
        const event *ev = &b->events[i];
        if (ev->type == EVENT_WARNING) {
            b->warnings--;
            sqfs_warn_now(r, ev->text);
        } else if (ev->type == EVENT_ENTRY) {
            iotssf_fw_entry e = {ev->text, ev->kind, ev->mode, ev->uid, ev->gid, 0, NULL,
                                 ev->target};
            st = sqfs_emit_now(r, &e, err);
        } else {
            st = deliver_file(r, b, ev, err);
        }
    }
    r->delivering = false;
    clear_batch(q, b);
    return st;
}

/* Closes the filling batch: its blocks start decoding, and the batch closed
 * before it is delivered meanwhile. */
static iotssf_status close_batch(sqfs_reader *r, iotssf_error *err)
{
    sqfs_queue *q = r->queue;
    batch *closing = q->filling, *older = q->waiting;
    submit(r, closing);
    q->waiting = closing;
    if (!older) {
        q->filling = closing == &q->batches[0] ? &q->batches[1] : &q->batches[0];
        return IOTSSF_OK;
    }
    iotssf_status st = deliver(r, older, err);
    q->filling = older;
    return st;
}

static iotssf_status close_if_full(sqfs_reader *r, iotssf_error *err)
{
    const batch *b = r->queue->filling;
    if (b->file_count < QUEUE_FILES && b->bytes < QUEUE_BYTES && b->event_count < QUEUE_EVENTS)
        return IOTSSF_OK;
    return close_batch(r, err);
}

iotssf_status sqfs_queue_settle(sqfs_reader *r, iotssf_error *err)
{
    sqfs_queue *q = r->queue;
    batch *older = q->waiting, *last = q->filling;
    if (last->event_count)
        submit(r, last); /* decoded while the older batch is delivered */
    q->waiting = NULL;
    iotssf_status st = older ? deliver(r, older, err) : IOTSSF_OK;
    if (last->event_count) {
        if (!st)
            st = deliver(r, last, err);
        else
            clear_batch(q, last);
    }
    return st;
}

bool sqfs_queue_warning(sqfs_reader *r, const char *message)
{
    sqfs_queue *q = r->queue;
    /* Every queued warning is delivered before this one, so when they
     * already reach the cap this one would be suppressed: drop it now. */
    size_t queued = q->filling->warnings + (q->waiting ? q->waiting->warnings : 0);
    if (r->warnings + queued > SQFS_MAX_WARNINGS)
        return true;
    char *copy = strdup(message);
    event *ev = copy ? add_event(q->filling, EVENT_WARNING) : NULL;
    if (!ev) {
        free(copy);
        return false;
    }
    ev->text = copy;
    q->filling->warnings++;
    return true;
}

iotssf_status sqfs_queue_entry(sqfs_reader *r, const iotssf_fw_entry *e, iotssf_error *err)
{
    batch *b = r->queue->filling;
    event *ev = add_event(b, EVENT_ENTRY);
    if (!ev)
        return nomem(err);
    ev->kind = e->kind;
    ev->mode = e->mode;
    ev->uid = e->uid;
    ev->gid = e->gid;
    ev->text = strdup(e->path);
    ev->target = e->link_target ? strdup(e->link_target) : NULL;
    if (!ev->text || (e->link_target && !ev->target))
        return nomem(err);
    b->entries++;
    return close_if_full(r, err);
}

/* Would the sink's limits let `size` bytes from `input` through if they came
 * now, with everything decoded ahead counted as given? The same tests as
 * fw_sink_may_allocate, so what passes here is never held in vain; the real
 * call still decides, at delivery. */
static bool clearly_allowed(const sqfs_reader *r, uint64_t size, uint64_t input)
{
    const iotssf_fw_limits *l = r->sink->limits;
    if (size > l->max_file_bytes || size > SIZE_MAX / 2)
        return false;
    if (size / input > l->max_ratio && size > 1024 * 1024)
        return false;
    if (!r->sink->unpacked_bytes)
        return true;
    uint64_t given = *r->sink->unpacked_bytes, more = bytes_ahead(r->queue) + size;
    return given <= l->max_total_bytes && l->max_total_bytes - given >= more;
}

/* The fragment block `index` as a job of the batch (once per batch). */
static size_t plan_fragment(sqfs_reader *r, batch *b, uint32_t index)
{
    for (size_t i = b->fragment_count; i-- > 0;)
        if (b->fragments[i].index == index)
            return i;
    fragment_block *grown =
        grow(b->fragments, &b->fragment_cap, b->fragment_count + 1, sizeof *grown);
    if (!grown)
        return NONE;
    b->fragments = grown;
    fragment_block fb = {index, NONE, NULL};
    uint64_t start;
    uint32_t word;
    if (sqfs_fragment_entry(r, index, &start, &word)) {
        sqfs_block_job *job = add_job(b);
        fb.data = job ? malloc(r->sb.block_size) : NULL;
        if (!fb.data) {
            b->set.count -= job ? 1 : 0;
            return NONE;
        }
        *job = (sqfs_block_job){.pos = start, .word = word, .dst = fb.data,
                                .cap = r->sb.block_size};
        fb.job = b->set.count - 1;
        b->bytes += r->sb.block_size;
    }
    b->fragments[b->fragment_count] = fb;
    return b->fragment_count++;
}

/* Makes a file's blocks jobs of the batch, into a buffer of its own; false
 * (nothing held) when memory is short: it is then read at delivery. */
static bool plan_blocks(sqfs_reader *r, batch *b, queued_file *f, const uint32_t *words)
{
    uint64_t bs = r->sb.block_size, size = f->inode.size;
    size_t fragment = NONE;
    if (f->tail && (fragment = plan_fragment(r, b, f->inode.fragment)) == NONE)
        return false;
    uint8_t *data = calloc(1, (size_t)size);
    if (!data)
        return false;
    size_t first = b->set.count;
    uint64_t pos = f->inode.start_block;
    for (uint64_t i = 0; i < f->count; i++) {
        if (words[i] == 0)
            continue; /* a hole: the buffer is already zero */
        sqfs_block_job *job = add_job(b);
        if (!job) {
            b->set.count = first;
            free(data);
            return false;
        }
        job->pos = pos;
        job->word = words[i];
        job->dst = data + i * bs;
        job->cap = size - i * bs < bs ? (size_t)(size - i * bs) : (size_t)bs;
        pos += words[i] & 0xffffff;
    }
    f->data = data;
    f->first_job = first;
    f->job_count = b->set.count - first;
    f->fragment = fragment;
    b->bytes += size;
    return true;
}

static iotssf_status add_file(batch *b, const queued_file *f, const char *path,
                              queued_file **added, iotssf_error *err)
{
    queued_file *grown = grow(b->files, &b->file_cap, b->file_count + 1, sizeof *grown);
    if (!grown)
        return nomem(err);
    b->files = grown;
    event *ev = add_event(b, EVENT_FILE);
    if (!ev)
        return nomem(err);
    if (!(ev->text = strdup(path)))
        return nomem(err);
    ev->file = b->file_count;
    b->files[b->file_count] = *f;
    *added = &b->files[b->file_count++];
    b->entries++;
    return IOTSSF_OK;
}

/* Is it worth decoding ahead, and may it be? Makes room first: a file
 * that would overflow the batch starts the next one, and a file the total
 * limit might refuse is judged with nothing ahead. */
static iotssf_status decide_ahead(sqfs_reader *r, const queued_file *f, bool *ahead,
                                  iotssf_error *err)
{
    sqfs_queue *q = r->queue;
    uint64_t input = f->packed + f->tail + f->count * 4 + 1;
    uint64_t need = f->inode.size + (f->tail ? r->sb.block_size : 0);
    iotssf_status st = IOTSSF_OK;
    if (q->filling->bytes && q->filling->bytes + need > QUEUE_BYTES)
        st = close_batch(r, err);
    if (!st && !clearly_allowed(r, f->inode.size, input) && bytes_ahead(q))
        st = sqfs_queue_settle(r, err);
    *ahead = !st && clearly_allowed(r, f->inode.size, input);
    return st;
}

iotssf_status sqfs_queue_file(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                              const char *path, iotssf_error *err)
{
    queued_file f = {.inode = *in, .ref = ref, .fragment = NONE};
    f.inode.link_target = NULL;
    sqfs_file_shape(r, in, &f.count, &f.tail);
    /* Files the per-file limit refuses, or whose block list is unreadable,
     * are left to delivery, which says so as the sequential reader does. */
    uint32_t *words = NULL;
    if (in->size > 0 && in->size <= r->sink->limits->max_file_bytes && in->size <= SIZE_MAX / 2)
        words = sqfs_block_list(r, in, f.count, &f.packed);
    bool ahead = false;
    iotssf_status st = words ? decide_ahead(r, &f, &ahead, err) : IOTSSF_OK;
    queued_file *added = NULL;
    if (!st)
        st = add_file(r->queue->filling, &f, path, &added, err);
    if (!st && ahead)
        plan_blocks(r, r->queue->filling, added, words);
    free(words);
    return st ? st : close_if_full(r, err);
}
