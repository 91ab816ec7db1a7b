/*
 * romfs reader: the tiny read-only filesystem of uClinux and boot-time
 * images ("-rom1fs-", big-endian, 16-byte aligned). A superblock holds the
 * declared size, a checksum over its first 512 bytes and a volume name; then
 * file headers follow, each with the offset of the next header in its
 * directory (low 4 bits: type and an executable flag), a type-specific word
 * (a directory's first entry, a hard link's target header, a device's
 * major/minor), the size, a header checksum, the padded name and the data.
 * romfs stores no owners or permissions; modes are what the Linux driver
 * gives: 0644 (0755 with the executable flag), 0777 for symlinks, 0600 for
 * devices.
 *
 * Exported: fw_format_romfs.
 */
#include <stdlib.h>
#include <string.h>

#include "reader.h"

enum {
    HEADER_SIZE = 16,
    ALIGN = 16,
    CHECKSUM_SPAN = 512,
    MAX_DEPTH = 64,
    MAX_NAME = 1024,
};

enum {
    TYPE_HARDLINK = 0,
    TYPE_DIR = 1,
    TYPE_FILE = 2,
    TYPE_SYMLINK = 3,
    TYPE_BLOCKDEV = 4,
    TYPE_CHARDEV = 5,
    TYPE_SOCKET = 6,
    TYPE_FIFO = 7,
    FLAG_EXEC = 8,
};

/* One header met while walking the tree. */
typedef struct romfs_node {
    uint32_t offset, spec, size, data;
    uint8_t type;
    bool exec;
    char *path;
} romfs_node;

typedef struct romfs {
    const uint8_t *data;
    size_t size; /* the declared size, cut to what is there */
    fw_sink *sink;
    uint8_t *visited; /* a bit per 16-byte slot: each header is read once */
    romfs_node *nodes;
    size_t count, cap;
    size_t bad_headers;
} romfs;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* romfs checksums: the big-endian 32-bit words of a span add up to 0. */
static bool sums_to_zero(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 4 <= len; i += 4)
        sum += be32(p + i);
    return sum == 0;
}

static size_t align16(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Length of the NUL-terminated name at pos (0 if it does not end in the
 * image or within MAX_NAME). */
static size_t name_length(const romfs *r, size_t pos)
{
    size_t avail = r->size - pos < MAX_NAME ? r->size - pos : MAX_NAME;
    const uint8_t *nul = memchr(r->data + pos, '\0', avail);
    return nul ? (size_t)(nul - (r->data + pos)) : 0;
}

static bool romfs_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    if (size < 32 || memcmp(data, "-rom1fs-", 8) != 0)
        return false;
    uint32_t full = be32(data + 8);
    if (full < 32)
        return false;
    size_t span = full < CHECKSUM_SPAN ? full : CHECKSUM_SPAN;
    if (span > size || !sums_to_zero(data, span))
        return false;
    *length = full < size ? full : size;
    return true;
}

/* First time at this header? Offsets outside the image count as seen
 * (read_header then rejects them). */
static bool first_visit(romfs *r, uint32_t offset)
{
    if (offset >= r->size)
        return true;
    size_t slot = offset / ALIGN;
    if (r->visited[slot / 8] & (1u << (slot % 8)))
        return false;
    r->visited[slot / 8] |= (uint8_t)(1u << (slot % 8));
    return true;
}

static char *join(const char *dir, const uint8_t *name, size_t len)
{
    size_t dlen = strlen(dir);
    char *p = malloc(dlen + len + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dlen);
    size_t at = dlen;
    if (dlen)
        p[at++] = '/';
    memcpy(p + at, name, len);
    p[at + len] = '\0';
    return p;
}

/* Reads the header at offset into a node named under `dir`. False with
 * *oom unset when the header is unusable (out of bounds, bad checksum). */
static bool read_header(romfs *r, uint32_t offset, const char *dir, romfs_node *n, bool *oom)
{
    *oom = false;
    if (offset % ALIGN || offset < 32 || offset > r->size || r->size - offset < HEADER_SIZE + 1)
        return false;
    const uint8_t *h = r->data + offset;
    size_t nlen = name_length(r, offset + HEADER_SIZE);
    size_t meta = HEADER_SIZE + align16(nlen + 1);
    if (nlen == 0 || meta > r->size - offset || !sums_to_zero(h, meta)) {
        r->bad_headers++;
        return false;
    }
    *n = (romfs_node){
        .offset = offset,
        .spec = be32(h + 4),
        .size = be32(h + 8),
        .data = (uint32_t)(offset + meta),
        .type = h[3] & 7,
        .exec = (h[3] & FLAG_EXEC) != 0,
    };
    n->path = join(dir, h + HEADER_SIZE, nlen);
    *oom = n->path == NULL;
    return !*oom;
}

static bool push_node(romfs *r, const romfs_node *n)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        romfs_node *p = realloc(r->nodes, cap * sizeof *p);
        if (!p)
            return false;
        r->nodes = p;
        r->cap = cap;
    }
    r->nodes[r->count++] = *n;
    return true;
}

static bool is_dot(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
}

/* Walks one directory's chain of headers, then each subdirectory, depth
 * first (parents before children). Headers are read once each, so a chain
 * that loops ends. False only on out-of-memory. */
static bool walk(romfs *r, uint32_t first, const char *dir, unsigned depth)
{
    if (depth > MAX_DEPTH) {
        fw_sink_warn(r->sink, "%s: directories nested deeper than %d; not read", dir, MAX_DEPTH);
        return true;
    }
    for (uint32_t at = first; at != 0;) {
        romfs_node n;
        bool oom;
        if (!first_visit(r, at)) {
            fw_sink_warn(r->sink, "%s%sheader chain loops back to 0x%x; stopped there", dir,
                         *dir ? ": " : "", at);
            break;
        }
        if (!read_header(r, at, dir, &n, &oom)) {
            if (oom)
                return false;
            fw_sink_warn(r->sink, "%s%sheader at 0x%x is damaged; the rest of the directory is "
                         "skipped", dir, *dir ? ": " : "", at);
            break;
        }
        uint32_t next = be32(r->data + at) & ~(uint32_t)15;
        if (is_dot(n.path)) {
            free(n.path);
        } else {
            if (!push_node(r, &n)) {
                free(n.path);
                return false;
            }
            if (n.type == TYPE_DIR && !walk(r, n.spec, n.path, depth + 1))
                return false;
        }
        at = next;
    }
    return true;
}

static int compare_offsets(const void *pa, const void *pb)
{
    const romfs_node *a = *(const romfs_node *const *)pa, *b = *(const romfs_node *const *)pb;
    return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* The node read from the header at offset (by_offset is sorted), or NULL. */
static const romfs_node *node_at(const romfs *r, const romfs_node *const *by_offset,
                                 uint32_t offset)
{
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_offset[mid]->offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->count && by_offset[lo]->offset == offset ? by_offset[lo] : NULL;
}

static uint32_t mode_of(uint8_t type, bool exec)
{
    static const uint32_t modes[8] = {0644, 0644, 0644, 0777, 0600, 0600, 0644, 0644};
    return modes[type & 7] | (exec && type != TYPE_SYMLINK ? 0111 : 0);
}

static iotssf_status emit(romfs *r, const romfs_node *const *by_offset, const romfs_node *n,
                          iotssf_error *err)
{
    static const iotssf_fw_kind kinds[8] = {
        IOTSSF_FW_HARDLINK, IOTSSF_FW_DIR,      IOTSSF_FW_FILE,   IOTSSF_FW_SYMLINK,
        IOTSSF_FW_BLOCKDEV, IOTSSF_FW_CHARDEV, IOTSSF_FW_SOCKET, IOTSSF_FW_FIFO,
    };
    iotssf_fw_entry e = {.path = n->path, .kind = kinds[n->type], .mode = mode_of(n->type, n->exec)};
    bool has_data = n->type == TYPE_FILE || n->type == TYPE_SYMLINK;
    if (has_data && (n->data > r->size || n->size > r->size - n->data)) {
        fw_sink_warn(r->sink, "%s: its %u bytes run past the end of the image; skipped", n->path,
                     n->size);
        return IOTSSF_OK;
    }
    char *target = NULL;
    if (n->type == TYPE_HARDLINK) {
        const romfs_node *t = node_at(r, by_offset, n->spec);
        /* Follow a short chain of links to the file they name. */
        for (int hops = 0; t && t->type == TYPE_HARDLINK && hops < 8; hops++)
            t = node_at(r, by_offset, t->spec);
        if (!t || t->type == TYPE_DIR || t->type == TYPE_HARDLINK) {
            fw_sink_warn(r->sink, "%s: hard link to 0x%x, which is not a file here; skipped",
                         n->path, n->spec);
            return IOTSSF_OK;
        }
        e.link_target = t->path;
        e.mode = mode_of(t->type, t->exec);
    } else if (n->type == TYPE_SYMLINK) {
        target = malloc((size_t)n->size + 1);
        if (!target)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(target, r->data + n->data, n->size);
        target[n->size] = '\0';
        e.link_target = target;
        e.size = strlen(target);
    } else if (n->type == TYPE_FILE) {
        if (!fw_sink_may_allocate(r->sink, n->size, n->size))
            return IOTSSF_OK;
        e.size = n->size;
        e.data = n->size ? r->data + n->data : NULL;
    }
    iotssf_status st = r->sink->entry(r->sink, &e, err);
    free(target);
    return st;
}

static iotssf_status romfs_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                  iotssf_error *err)
{
    uint64_t length;
    if (!romfs_probe(data, size, &length))
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "not a romfs image");
    romfs r = {.data = data, .size = (size_t)length, .sink = sink};
    if (be32(data + 8) > size)
        fw_sink_warn(sink, "the image declares %u bytes but only %zu are here", be32(data + 8),
                     size);
    size_t vlen = name_length(&r, HEADER_SIZE);
    iotssf_status st = IOTSSF_OK;
    const romfs_node **by_offset = NULL;
    r.visited = calloc(r.size / ALIGN / 8 + 1, 1);
    if (!r.visited || !walk(&r, (uint32_t)(HEADER_SIZE + align16(vlen + 1)), "", 0)) {
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (r.bad_headers > 1)
        fw_sink_warn(sink, "%zu damaged headers in all", r.bad_headers);
    by_offset = malloc((r.count + 1) * sizeof *by_offset);
    if (!by_offset) {
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r.count; i++)
        by_offset[i] = &r.nodes[i];
    if (r.count > 1)
        qsort(by_offset, r.count, sizeof *by_offset, compare_offsets);
    for (size_t i = 0; i < r.count && !st; i++)
        st = emit(&r, by_offset, &r.nodes[i], err);
    fw_sink_describe(sink, "volume \"%.*s\", %zu entries, %zu bytes", (int)(vlen < 64 ? vlen : 64),
                     (const char *)data + HEADER_SIZE, r.count, r.size);
done:
    for (size_t i = 0; i < r.count; i++)
        free(r.nodes[i].path);
    free(by_offset);
    free(r.nodes);
    free(r.visited);
    return st;
}

static const uint8_t romfs_magic[] = {'-', 'r', 'o', 'm', '1', 'f', 's', '-'};

const fw_format fw_format_romfs = {"romfs", romfs_magic, sizeof romfs_magic, 0, romfs_probe,
                                   romfs_unpack};
