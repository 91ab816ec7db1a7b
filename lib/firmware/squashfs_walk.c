/*
 * The SquashFS directory walk, the same for every version: from the root
 * inode down, each entry is read, given its path and emitted.
 *
 * A hostile image can make the tree a graph. A directory that refers back
 * to one of its ancestors is a loop: it is reported and not followed. A
 * directory reached a second time by another path is not listed again, so
 * a graph cannot fan out exponentially. A file inode reached a second time
 * is a hard link (squashfs shares one inode between them) and is emitted as
 * IOTSSF_FW_HARDLINK to the first path, so its data is unpacked once.
 * Depth and entry count are capped.
 *
 * With the queue on (squashfs_queue.c), what the walk finds is queued in
 * order rather than emitted; whenever a decision of the walk would depend on
 * what the sink has been given so far (a hard link to a queued file, the
 * entry limit coming near), the queue is settled first, so every decision is
 * the one the sequential walk makes.
 */
#include <stdlib.h>
#include <string.h>

#include "squashfs_internal.h"

/* A set of inode references, each with the path it was first seen at. */
typedef struct sqfs_refset {
    uint64_t *keys;
    char **paths;
    uint8_t *used;
    size_t cap, count;
} sqfs_refset;

static size_t refset_slot(const sqfs_refset *s, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (s->cap - 1);
    while (s->used[i] && s->keys[i] != key)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static const char *refset_find(const sqfs_refset *s, uint64_t key)
{
    if (!s || s->cap == 0)
        return NULL;
    size_t i = refset_slot(s, key);
    return s->used[i] ? s->paths[i] : NULL;
}

static bool refset_grow(sqfs_refset *s)
{
    sqfs_refset bigger = {0};
    bigger.cap = s->cap ? s->cap * 2 : 64;
    bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
    bigger.paths = calloc(bigger.cap, sizeof *bigger.paths);
    bigger.used = calloc(bigger.cap, 1);
    if (!bigger.keys || !bigger.paths || !bigger.used) {
        free(bigger.keys);
        free(bigger.paths);
        free(bigger.used);
        return false;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->used[i])
            continue;
        size_t j = refset_slot(&bigger, s->keys[i]);
        bigger.used[j] = 1;
        bigger.keys[j] = s->keys[i];
        bigger.paths[j] = s->paths[i];
    }
    bigger.count = s->count;
    free(s->keys);
    free(s->paths);
    free(s->used);
    *s = bigger;
    return true;
}

/* Remembers key with a copy of path; false when out of memory. */
static bool refset_add(sqfs_refset **set, uint64_t key, const char *path)
{
    if (!*set && !(*set = calloc(1, sizeof **set)))
        return false;
    sqfs_refset *s = *set;
    if ((s->count + 1) * 2 > s->cap && !refset_grow(s))
        return false;
    char *copy = strdup(path);
    if (!copy)
        return false;
    size_t i = refset_slot(s, key);
    s->used[i] = 1;
    s->keys[i] = key;
    s->paths[i] = copy;
    s->count++;
    return true;
}

static void refset_free(sqfs_refset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        if (s->used[i])
            free(s->paths[i]);
    free(s->keys);
    free(s->paths);
    free(s->used);
    free(s);
}

static const char *where(const sqfs_reader *r)
{
    return r->path_len ? r->path : "/";
}

static bool path_push(sqfs_reader *r, const char *name)
{
    size_t n = strlen(name), need = r->path_len + n + 2;
    if (need > r->path_cap) {
        size_t cap = need * 2;
        char *p = realloc(r->path, cap);
        if (!p)
            return false;
        r->path = p;
        r->path_cap = cap;
    }
    if (r->path_len)
        r->path[r->path_len++] = '/';
    memcpy(r->path + r->path_len, name, n + 1);
    r->path_len += n;
    return true;
}

static void path_pop(sqfs_reader *r, size_t len)
{
    r->path_len = len;
    if (r->path)
        r->path[len] = '\0';
}

iotssf_status sqfs_emit_now(sqfs_reader *r, const iotssf_fw_entry *e, iotssf_error *err)
{
    if (r->entries >= r->sink->limits->max_entries) {
        if (!r->stop)
            sqfs_warn(r, "stopped after %llu entries: the entry limit",
                      (unsigned long long)r->entries);
        r->stop = true;
        return IOTSSF_OK;
    }
    r->entries++;
    return r->sink->entry(r->sink, e, err);
}

/* Could the entries queued so far, with one more, reach the entry limit?
 * Until then each queued entry is certain to be emitted when its turn
 * comes; from then on the walk settles the queue and decides exactly. */
static bool near_limit(const sqfs_reader *r)
{
    return r->entries + sqfs_queue_pending(r) >= r->sink->limits->max_entries;
}

static iotssf_status emit(sqfs_reader *r, iotssf_fw_kind kind, const sqfs_inode *in,
                          uint64_t size, const uint8_t *data, const char *target,
                          iotssf_error *err)
{
    iotssf_fw_entry e = {r->path, kind, in->mode & 07777, in->uid, in->gid, size, data, target};
    if (r->queue) {
        if (!near_limit(r))
            return sqfs_queue_entry(r, &e, err);
        iotssf_status st = sqfs_queue_settle(r, err);
        if (st)
            return st;
    }
    return sqfs_emit_now(r, &e, err);
}

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory reading squashfs");
}

static iotssf_status visit_entry(sqfs_reader *r, void *ctx, const char *name, uint64_t ref,
                                 iotssf_error *err);

static iotssf_status visit_dir(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                               iotssf_error *err)
{
    for (unsigned d = 0; d < r->depth; d++)
        if (r->ancestors[d] == ref) {
            sqfs_warn(r, "%s: directory loop (refers back to an ancestor); not followed",
                      where(r));
            return IOTSSF_OK;
        }
    const char *seen = refset_find(r->dirs_seen, ref);
    if (seen) {
        sqfs_warn(r, "%s: same directory as %s; not listed twice", where(r), seen);
        return IOTSSF_OK;
    }
    if (!refset_add(&r->dirs_seen, ref, r->path))
        return nomem(err);
    iotssf_status st = emit(r, IOTSSF_FW_DIR, in, 0, NULL, NULL, err);
    if (st || r->stop)
        return st;
    if (r->depth > SQFS_MAX_DEPTH) {
        sqfs_warn(r, "%s: deeper than %d directories; not listed", where(r), SQFS_MAX_DEPTH);
        return IOTSSF_OK;
    }
    r->ancestors[r->depth++] = ref;
    st = r->layout->read_dir(r, in, visit_entry, NULL, err);
    r->depth--;
    return st;
}

iotssf_status sqfs_emit_file(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                             const char *path, const uint8_t *data, iotssf_error *err)
{
    iotssf_fw_entry e = {path, IOTSSF_FW_FILE, in->mode & 07777, in->uid, in->gid, in->size,
                         data, NULL};
    iotssf_status st = sqfs_emit_now(r, &e, err);
    if (!st && !refset_add(&r->files_seen, ref, path))
        return nomem(err);
    return st;
}

iotssf_status sqfs_file_now(sqfs_reader *r, const sqfs_inode *in, uint64_t ref, const char *path,
                            iotssf_error *err)
{
    uint8_t *data;
    bool skipped;
    iotssf_status st = sqfs_read_file(r, in, path, &data, &skipped, err);
    if (st || skipped)
        return st;
    st = sqfs_emit_file(r, in, ref, path, data, err);
    free(data);
    return st;
}

static iotssf_status visit_file(sqfs_reader *r, const sqfs_inode *in, uint64_t ref,
                                iotssf_error *err)
{
    iotssf_status st;
    /* Whether a second sight is a hard link depends on whether the first
     * was emitted (a skipped file is not remembered). */
    if (r->queue && sqfs_queue_holds_file(r, ref) && (st = sqfs_queue_settle(r, err)))
        return st;
    const char *first = refset_find(r->files_seen, ref);
    if (first)
        return emit(r, IOTSSF_FW_HARDLINK, in, 0, NULL, first, err);
    if (r->queue && near_limit(r) && (st = sqfs_queue_settle(r, err)))
        return st;
    if (r->entries >= r->sink->limits->max_entries)
        return emit(r, IOTSSF_FW_FILE, in, 0, NULL, NULL, err); /* only stops the walk */
    if (r->queue)
        return sqfs_queue_file(r, in, ref, r->path, err);
    return sqfs_file_now(r, in, ref, r->path, err);
}

static iotssf_status visit_inode(sqfs_reader *r, uint64_t ref, iotssf_error *err)
{
    sqfs_inode in;
    if (!r->layout->read_inode(r, ref, &in)) {
        sqfs_warn(r, "%s: inode unreadable; skipped", where(r));
        return IOTSSF_OK;
    }
    iotssf_status st;
    switch (in.kind) {
    case IOTSSF_FW_DIR:
        st = visit_dir(r, &in, ref, err);
        break;
    case IOTSSF_FW_FILE:
        st = visit_file(r, &in, ref, err);
        break;
    case IOTSSF_FW_SYMLINK:
        st = emit(r, in.kind, &in, 0, NULL, in.link_target, err);
        break;
    default:
        st = emit(r, in.kind, &in, 0, NULL, NULL, err);
        break;
    }
    free(in.link_target);
    return st;
}

static bool usable_name(const char *name)
{
    return name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/');
}

static iotssf_status visit_entry(sqfs_reader *r, void *ctx, const char *name, uint64_t ref,
                                 iotssf_error *err)
{
    (void)ctx;
    if (r->stop)
        return IOTSSF_OK;
    /* Entries that are skipped emit nothing, so they are capped apart. */
    if (++r->visits > 2 * (uint64_t)r->sink->limits->max_entries + 1024) {
        sqfs_warn(r, "stopped after %llu directory entries, most of them unusable",
                  (unsigned long long)r->visits - 1);
        r->stop = true;
        return IOTSSF_OK;
    }
    if (!usable_name(name)) {
        sqfs_warn(r, "%s: entry with an unusable name skipped", where(r));
        return IOTSSF_OK;
    }
    size_t saved = r->path_len;
    if (!path_push(r, name))
        return nomem(err);
    iotssf_status st = visit_inode(r, ref, err);
    path_pop(r, saved);
    return st;
}

static iotssf_status walk_root(sqfs_reader *r, iotssf_error *err)
{
    sqfs_inode root;
    if (!r->layout->read_inode(r, r->sb.root_inode, &root)) {
        sqfs_warn(r, "root inode unreadable; nothing listed");
        return IOTSSF_OK;
    }
    iotssf_status st = IOTSSF_OK;
    if (root.kind != IOTSSF_FW_DIR) {
        sqfs_warn(r, "root inode is not a directory; nothing listed");
    } else if (!refset_add(&r->dirs_seen, r->sb.root_inode, "/")) {
        st = nomem(err);
    } else {
        r->ancestors[0] = r->sb.root_inode;
        r->depth = 1;
        st = r->layout->read_dir(r, &root, visit_entry, NULL, err);
    }
    free(root.link_target);
    return st;
}

iotssf_status sqfs_walk(sqfs_reader *r, iotssf_error *err)
{
    if (!path_push(r, ""))
        return nomem(err);
    sqfs_queue_start(r); /* stays sequential when it cannot */
    iotssf_status st = walk_root(r, err);
    if (!st && r->queue)
        st = sqfs_queue_settle(r, err);
    return st;
}

void sqfs_walk_free(sqfs_reader *r)
{
    sqfs_queue_free(r);
    refset_free(r->dirs_seen);
    refset_free(r->files_seen);
    free(r->path);
}
