/*
 * YAFFS2 reader: the NAND flash filesystem of many Android-era and embedded
 * Linux devices, as mkyaffs2image writes it and as raw NAND dumps hold it.
 * The image is a sequence of chunks, each a page of data followed by its
 * spare (OOB) area; the spare carries "packed tags 2" (block sequence number,
 * object id, chunk id, byte count), at offset 0 of the spare or after two
 * bad-block bytes. Chunk id 0 is an object header (type, parent, name, mode,
 * owner, size, hard-link target, symlink alias); chunk id k > 0 is the k-th
 * page of a file's data. The newest copy (highest sequence number, then the
 * later chunk) of every header and data chunk wins. Both byte orders exist.
 *
 * There is no magic: fw_format_yaffs2 has magic_len 0, so the scanner tries
 * it only at offset 0 of an image, a blob or a file, and probe is strict: the
 * first chunk must be an object header with sane tags, type, parent and
 * name, for one of the page layouts 2048+64, 4096+128 and 512+16.
 *
 * Exported: fw_format_yaffs2.
 */
#include <stdlib.h>
#include <string.h>

#include "reader.h"

enum {
    SEQ_LOWEST = 0x00001000,
    SEQ_HIGHEST = 0xEFFFFF00,
    EXTRA_HEADER_INFO = 0x80000000u,
    MAX_OBJECT_ID = 0x3FFFF, /* yaffs keeps object ids below 2^18 */
    OBJ_ROOT = 1,
    OBJ_LOST_FOUND = 2,
    OBJ_UNLINKED = 3,
    OBJ_DELETED = 4,
    NAME_OFFSET = 10,
    NAME_MAX_LEN = 256,
    ALIAS_OFFSET = 0x12C,
    ALIAS_MAX_LEN = 160,
    MAX_DAMAGED_RUN = 16, /* this many bad chunks in a row end the image */
    MAX_PATH_DEPTH = 128,
};

enum { TYPE_FILE = 1, TYPE_SYMLINK = 2, TYPE_DIR = 3, TYPE_HARDLINK = 4, TYPE_SPECIAL = 5 };

/* mkyaffs2image's "convert" writes big-endian headers but, in some
 * versions, little-endian tags: the two byte orders are found separately. */
typedef struct layout {
    size_t page, spare, tags_at;
    bool big_endian, tags_big_endian;
} layout;

typedef struct tags {
    uint32_t seq, obj, chunk, bytes;
} tags;

/* One chunk worth keeping: a header (chunk 0) or a data page. */
typedef struct chunk_ref {
    uint32_t obj, chunk, seq, bytes;
    size_t index;
} chunk_ref;

typedef struct object {
    uint32_t id, type, parent, mode, uid, gid, equiv, rdev;
    uint64_t size;
    const uint8_t *header;
    char *path;
} object;

typedef struct yaffs {
    const uint8_t *data;
    size_t size, chunks;
    layout l;
    fw_sink *sink;
    chunk_ref *headers, *pages;
    size_t header_count, page_count, header_cap, page_cap;
    object *objects;
    size_t object_count;
} yaffs;

static uint32_t rd32(const uint8_t *p, bool big_endian)
{
    if (big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static const uint8_t *chunk_data(const yaffs *y, size_t index)
{
    return y->data + index * (y->l.page + y->l.spare);
}

static tags tags_of(const uint8_t *data, size_t index, const layout *l)
{
    const uint8_t *t = data + index * (l->page + l->spare) + l->page + l->tags_at;
    bool be = l->tags_big_endian;
    return (tags){rd32(t, be), rd32(t + 4, be), rd32(t + 8, be), rd32(t + 12, be)};
}

static bool is_header(const tags *t)
{
    return t->chunk == 0 || (t->chunk & EXTRA_HEADER_INFO);
}

/* The object id without the type nibble extra-header tags put on top. */
static uint32_t object_id(const tags *t)
{
    return is_header(t) ? t->obj & 0x0FFFFFFF : t->obj;
}

static bool tags_valid(const tags *t, size_t page)
{
    if (t->seq < SEQ_LOWEST || t->seq > SEQ_HIGHEST)
        return false;
    uint32_t id = object_id(t);
    if (id == 0 || id > MAX_OBJECT_ID)
        return false;
    return is_header(t) || t->bytes <= page;
}

static bool erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

/* A plausible object name: non-empty, terminated, no '/', no control bytes. */
static bool sane_name(const uint8_t *name)
{
    const uint8_t *nul = memchr(name, '\0', NAME_MAX_LEN);
    if (!nul || nul == name)
        return false;
    for (const uint8_t *p = name; p < nul; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '/')
            return false;
    return true;
}

/* Does chunk 0 hold an object header under this layout? */
static bool first_chunk_fits(const uint8_t *data, size_t size, const layout *l)
{
    if (size < l->page + l->spare)
        return false;
    const uint8_t *spare = data + l->page;
    if (l->tags_at == 2 && (spare[0] != 0xFF || spare[1] != 0xFF))
        return false;
    tags t = tags_of(data, 0, l);
    if (!tags_valid(&t, l->page) || !is_header(&t))
        return false;
    uint32_t type = rd32(data, l->big_endian), parent = rd32(data + 4, l->big_endian);
    return type >= TYPE_FILE && type <= TYPE_SPECIAL && parent >= 1 && parent <= MAX_OBJECT_ID &&
           sane_name(data + NAME_OFFSET);
}

static bool detect_layout(const uint8_t *data, size_t size, layout *out)
{
    static const size_t geometries[][2] = {{2048, 64}, {4096, 128}, {512, 16}};
    for (size_t g = 0; g < 3; g++)
        for (size_t at = 0; at <= 2; at += 2)
            for (int order = 0; order < 4; order++) {
                layout l = {geometries[g][0], geometries[g][1], at, order & 1, order >> 1};
                if (l.tags_at + 16 <= l.spare && first_chunk_fits(data, size, &l)) {
                    *out = l;
                    return true;
                }
            }
    return false;
}

/* Chunks up to the end of the image: past the last chunk with valid tags,
 * through erased chunks, stopping at a run of damaged ones. */
static size_t count_chunks(const uint8_t *data, size_t size, const layout *l, size_t *damaged)
{
    size_t stride = l->page + l->spare, total = size / stride, end = 0, run = 0;
    *damaged = 0;
    for (size_t i = 0; i < total && run < MAX_DAMAGED_RUN; i++) {
        tags t = tags_of(data, i, l);
        if (tags_valid(&t, l->page)) {
            end = i + 1;
            *damaged += run;
            run = 0;
        } else if (!erased(data + i * stride + l->page + l->tags_at, 16)) {
            run++;
        }
    }
    return end;
}

static bool yaffs2_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    layout l;
    if (!detect_layout(data, size, &l))
        return false;
    size_t damaged;
    *length = count_chunks(data, size, &l, &damaged) * (l.page + l.spare);
    return true;
}

static bool push_ref(chunk_ref **items, size_t *count, size_t *cap, chunk_ref ref)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        chunk_ref *p = realloc(*items, n * sizeof *p);
        if (!p)
            return false;
        *items = p;
        *cap = n;
    }
    (*items)[(*count)++] = ref;
    return true;
}

static bool collect_chunks(yaffs *y)
{
    for (size_t i = 0; i < y->chunks; i++) {
        tags t = tags_of(y->data, i, &y->l);
        if (!tags_valid(&t, y->l.page))
            continue;
        chunk_ref ref = {object_id(&t), is_header(&t) ? 0 : t.chunk, t.seq, t.bytes, i};
        bool ok = ref.chunk == 0
                      ? push_ref(&y->headers, &y->header_count, &y->header_cap, ref)
                      : push_ref(&y->pages, &y->page_count, &y->page_cap, ref);
        if (!ok)
            return false;
    }
    return true;
}

/* Oldest first within an (object, chunk): the last of a run is live. */
static int compare_refs(const void *pa, const void *pb)
{
    const chunk_ref *a = pa, *b = pb;
    if (a->obj != b->obj)
        return a->obj < b->obj ? -1 : 1;
    if (a->chunk != b->chunk)
        return a->chunk < b->chunk ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Keeps the newest of each (object, chunk). */
static size_t keep_newest(chunk_ref *refs, size_t count)
{
    size_t out = 0;
    for (size_t i = 0; i < count; i++) {
        if (i + 1 < count && refs[i + 1].obj == refs[i].obj && refs[i + 1].chunk == refs[i].chunk)
            continue;
        refs[out++] = refs[i];
    }
    return out;
}

static object *find_object(const yaffs *y, uint32_t id)
{
    size_t lo = 0, hi = y->object_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (y->objects[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < y->object_count && y->objects[lo].id == id ? &y->objects[lo] : NULL;
}

static void read_objects(yaffs *y)
{
    bool be = y->l.big_endian;
    for (size_t i = 0; i < y->header_count; i++) {
        const uint8_t *h = chunk_data(y, y->headers[i].index);
        uint32_t high = rd32(h + 0x1F0, be);
        object o = {
            .id = y->headers[i].obj,
            .type = rd32(h, be),
            .parent = rd32(h + 4, be),
            .mode = rd32(h + 0x10C, be),
            .uid = rd32(h + 0x110, be),
            .gid = rd32(h + 0x114, be),
            .size = rd32(h + 0x124, be),
            .equiv = rd32(h + 0x128, be),
            .rdev = rd32(h + 0x1CC, be),
            .header = h,
        };
        /* mkyaffs2image leaves the high word erased (0xFFFFFFFF). */
        if (high != 0xFFFFFFFF)
            o.size |= (uint64_t)high << 32;
        y->objects[y->object_count++] = o;
    }
}

/* The path of an object from its parents' names; NULL with *why set when
 * the chain loops, is deleted, or reaches an object with no header. */
static char *path_of(const yaffs *y, const object *o, const char **why)
{
    const object *chain[MAX_PATH_DEPTH];
    size_t depth = 0, length = 0;
    bool lost = false;
    for (const object *at = o;;) {
        if (!sane_name(at->header + NAME_OFFSET)) {
            *why = "a damaged name";
            return NULL;
        }
        if (depth == MAX_PATH_DEPTH) {
            *why = "a directory loop or a tree deeper than 128 levels";
            return NULL;
        }
        chain[depth++] = at;
        length += strlen((const char *)at->header + NAME_OFFSET) + 1;
        if (at->parent == OBJ_ROOT)
            break;
        if (at->parent == OBJ_UNLINKED || at->parent == OBJ_DELETED) {
            *why = "deleted";
            return NULL;
        }
        if (at->parent == OBJ_LOST_FOUND) {
            lost = true;
            length += sizeof "lost+found";
            break;
        }
        const object *parent = find_object(y, at->parent);
        if (!parent || parent->type != TYPE_DIR) {
            *why = "its parent directory is missing (an orphan)";
            return NULL;
        }
        at = parent;
    }
    char *path = malloc(length + 1);
    if (!path) {
        *why = NULL;
        return NULL;
    }
    char *p = path;
    if (lost)
        p += sprintf(p, "lost+found/");
    for (size_t i = depth; i-- > 0;)
        p += sprintf(p, "%s%s", (const char *)chain[i]->header + NAME_OFFSET, i ? "/" : "");
    return path;
}

static iotssf_fw_kind kind_of(const object *o)
{
    switch (o->type) {
    case TYPE_DIR:
        return IOTSSF_FW_DIR;
    case TYPE_SYMLINK:
        return IOTSSF_FW_SYMLINK;
    case TYPE_HARDLINK:
        return IOTSSF_FW_HARDLINK;
    case TYPE_SPECIAL:
        switch (o->mode & 0170000) {
        case 0020000:
            return IOTSSF_FW_CHARDEV;
        case 0060000:
            return IOTSSF_FW_BLOCKDEV;
        case 0140000:
            return IOTSSF_FW_SOCKET;
        default:
            return IOTSSF_FW_FIFO;
        }
    default:
        return IOTSSF_FW_FILE;
    }
}

/* A file's bytes from its newest data chunks; holes stay zero. *out is NULL
 * when empty or over a limit; false only on out-of-memory. */
static bool file_bytes(yaffs *y, const object *o, uint8_t **out)
{
    *out = NULL;
    if (o->size == 0)
        return true;
    size_t lo = 0, hi = y->page_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (y->pages[mid].obj < o->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t packed = 0;
    for (size_t i = lo; i < y->page_count && y->pages[i].obj == o->id; i++)
        packed += y->pages[i].bytes;
    if (!fw_sink_may_allocate(y->sink, o->size, packed ? packed : 1))
        return true;
    uint8_t *buf = calloc(1, o->size);
    if (!buf)
        return false;
    uint64_t covered = 0;
    for (size_t i = lo; i < y->page_count && y->pages[i].obj == o->id; i++) {
        const chunk_ref *c = &y->pages[i];
        uint64_t at = (uint64_t)(c->chunk - 1) * y->l.page;
        if (at >= o->size)
            continue;
        uint64_t n = c->bytes < o->size - at ? c->bytes : o->size - at;
        memcpy(buf + at, chunk_data(y, c->index), n);
        covered += n;
    }
    if (covered < o->size)
        fw_sink_warn(y->sink, "%s: %llu of %llu bytes have no data chunk; left as zeros", o->path,
                     (unsigned long long)(o->size - covered), (unsigned long long)o->size);
    *out = buf;
    return true;
}

static iotssf_status emit(yaffs *y, const object *o, iotssf_error *err)
{
    iotssf_fw_entry e = {.path = o->path, .kind = kind_of(o), .mode = o->mode & 07777,
                         .uid = o->uid, .gid = o->gid};
    char alias[ALIAS_MAX_LEN + 1];
    uint8_t *bytes = NULL;
    if (e.kind == IOTSSF_FW_HARDLINK) {
        const object *target = find_object(y, o->equiv);
        if (!target || !target->path || target->type == TYPE_DIR) {
            fw_sink_warn(y->sink, "%s: hard link to object %u, which is not a file here; skipped",
                         o->path, o->equiv);
            return IOTSSF_OK;
        }
        e.link_target = target->path;
        e.mode = target->mode & 07777;
        e.uid = target->uid;
        e.gid = target->gid;
    } else if (e.kind == IOTSSF_FW_SYMLINK) {
        memcpy(alias, o->header + ALIAS_OFFSET, ALIAS_MAX_LEN);
        alias[ALIAS_MAX_LEN] = '\0';
        e.link_target = alias;
        e.size = strlen(alias);
    } else if (e.kind == IOTSSF_FW_FILE) {
        if (!file_bytes(y, o, &bytes))
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        e.data = bytes;
        e.size = bytes ? o->size : 0;
    }
    iotssf_status st = y->sink->entry(y->sink, &e, err);
    free(bytes);
    return st;
}

static int compare_paths(const void *pa, const void *pb)
{
    const object *a = *(const object *const *)pa, *b = *(const object *const *)pb;
    return strcmp(a->path, b->path);
}

/* Names every live object, then emits them in path order (parents first);
 * hard links last, once their targets are named. */
static iotssf_status emit_all(yaffs *y, size_t *emitted, iotssf_error *err)
{
    object **order = malloc((y->object_count + 1) * sizeof *order);
    if (!order)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    size_t count = 0, skipped = 0;
    for (size_t i = 0; i < y->object_count; i++) {
        object *o = &y->objects[i];
        const char *why = NULL;
        if (o->id <= OBJ_DELETED)
            continue; /* the fake root, lost+found, unlinked and deleted */
        if (o->type < TYPE_FILE || o->type > TYPE_SPECIAL)
            why = "an unknown object type";
        else
            o->path = path_of(y, o, &why);
        if (!o->path && !why) {
            free(order);
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        }
        if (o->path)
            order[count++] = o;
        else if (strcmp(why, "deleted") != 0 && skipped++ < 8)
            fw_sink_warn(y->sink, "object %u skipped: %s", o->id, why);
    }
    if (skipped > 8)
        fw_sink_warn(y->sink, "%zu objects skipped in all", skipped);
    if (count > 1)
        qsort(order, count, sizeof *order, compare_paths);
    iotssf_status st = IOTSSF_OK;
    for (int links = 0; links < 2 && !st; links++)
        for (size_t i = 0; i < count && !st; i++)
            if ((order[i]->type == TYPE_HARDLINK) == (links == 1) &&
                !(i > 0 && strcmp(order[i]->path, order[i - 1]->path) == 0)) {
                st = emit(y, order[i], err);
                (*emitted)++;
            }
    free(order);
    return st;
}

static iotssf_status yaffs2_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    yaffs y = {.data = data, .size = size, .sink = sink};
    if (!detect_layout(data, size, &y.l))
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "not a yaffs2 image");
    size_t damaged, emitted = 0;
    y.chunks = count_chunks(data, size, &y.l, &damaged);
    if (damaged)
        fw_sink_warn(sink, "%zu chunk(s) with damaged tags skipped", damaged);
    iotssf_status st = IOTSSF_OK;
    if (!collect_chunks(&y))
        goto oom;
    if (y.header_count > 1)
        qsort(y.headers, y.header_count, sizeof *y.headers, compare_refs);
    y.header_count = keep_newest(y.headers, y.header_count);
    if (y.page_count > 1)
        qsort(y.pages, y.page_count, sizeof *y.pages, compare_refs);
    y.page_count = keep_newest(y.pages, y.page_count);
    y.objects = calloc(y.header_count + 1, sizeof *y.objects);
    if (!y.objects)
        goto oom;
    read_objects(&y);
    st = emit_all(&y, &emitted, err);
    fw_sink_describe(sink, "%zu+%zu pages, tags at spare offset %zu, %s-endian%s, %zu objects",
                     y.l.page, y.l.spare, y.l.tags_at, y.l.big_endian ? "big" : "little",
                     y.l.big_endian == y.l.tags_big_endian
                         ? ""
                         : y.l.tags_big_endian ? " (tags big-endian)" : " (tags little-endian)",
                     emitted);
    goto done;
oom:
    st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
done:
    for (size_t i = 0; i < y.object_count; i++)
        free(y.objects[i].path);
    free(y.objects);
    free(y.headers);
    free(y.pages);
    return st;
}

const fw_format fw_format_yaffs2 = {"yaffs2", NULL, 0, 0, yaffs2_probe, yaffs2_unpack};
