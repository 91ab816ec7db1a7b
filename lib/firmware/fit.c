/*
 * U-Boot FIT images: a flattened device tree (magic D0 0D FE ED) whose
 * /images/<name> nodes carry the payloads (kernels, ramdisks, device trees),
 * either inline in a `data` property or after the tree, located by
 * `data-offset` (from the end of the tree, 4-aligned) or `data-position`
 * (from its start) with `data-size`. Each payload is emitted as a blob for
 * the core to scan again.
 *
 * Only what that needs of the FDT format is read: the header, then the
 * structure block as a flat token stream (BEGIN_NODE name, PROP len nameoff
 * value, END_NODE, NOP, END, all 4-aligned), walked in a loop with a depth
 * counter rather than recursively. A device tree without /images is not a
 * FIT and is left alone.
 */
#include <stdio.h>
#include <string.h>

#include "reader.h"

enum {
    FDT_HEADER = 40,
    FDT_BEGIN_NODE = 1,
    FDT_END_NODE = 2,
    FDT_PROP = 3,
    FDT_NOP = 4,
    FDT_END = 9,
    FDT_MAX_DEPTH = 32,
    FIT_MAX_IMAGES = 256,
    /* Depth of /images and of one image node (the root node is depth 1). */
    DEPTH_IMAGES = 2,
    DEPTH_IMAGE = 3,
};

typedef struct fdt {
    const uint8_t *data;
    size_t size; /* what the buffer holds of the tree */
    uint32_t totalsize;
    uint64_t struct_start, struct_end, strings_start, strings_end;
} fdt;

typedef struct fit_image {
    const char *name;
    const char *type, *comp; /* NULL when absent */
    const uint8_t *inline_data;
    uint32_t inline_len;
    bool has_inline, has_offset, has_position, has_size;
    uint32_t offset, position, ext_size;
} fit_image;

typedef struct fit_walk {
    const fdt *f;
    /* Called for each image node once it closes; false stops the walk. */
    bool (*on_image)(struct fit_walk *w, const fit_image *img);
    void *ctx;
    const char *description;
    bool images_seen;
    size_t images;
    const char *damage; /* why the walk stopped early, or NULL */
} fit_walk;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t align4(uint64_t v)
{
    return (v + 3) & ~(uint64_t)3;
}

static bool fdt_open(const uint8_t *data, size_t size, fdt *f)
{
    memset(f, 0, sizeof *f);
    if (size < FDT_HEADER || be32(data) != 0xd00dfeed)
        return false;
    uint32_t total = be32(data + 4), version = be32(data + 20), last_comp = be32(data + 24);
    if (total < FDT_HEADER || version < 16 || last_comp > 17)
        return false;
    f->data = data;
    f->totalsize = total;
    f->size = total < size ? total : size;
    f->struct_start = be32(data + 8);
    f->strings_start = be32(data + 12);
    f->strings_end = f->strings_start + (version >= 3 ? be32(data + 32) : 0);
    f->struct_end = version >= 17 ? f->struct_start + be32(data + 36) : f->size;
    /* Both blocks must lie in the part of the tree the buffer holds. */
    return f->struct_start >= FDT_HEADER && f->struct_start <= f->struct_end &&
           f->struct_end <= f->size && f->strings_start <= f->strings_end &&
           f->strings_end <= f->size;
}

/* A NUL-terminated string starting at `at`, within [at, end); else NULL. */
static const char *string_at(const fdt *f, uint64_t at, uint64_t end)
{
    if (at >= end)
        return NULL;
    const char *s = (const char *)f->data + at;
    return memchr(s, '\0', (size_t)(end - at)) ? s : NULL;
}

/* A property value that is a NUL-terminated string, else NULL. */
static const char *string_value(const uint8_t *v, uint32_t len)
{
    return len > 0 && v[len - 1] == '\0' ? (const char *)v : NULL;
}

static void image_property(fit_image *img, const char *name, const uint8_t *v, uint32_t len)
{
    if (strcmp(name, "data") == 0) {
        img->has_inline = true;
        img->inline_data = v;
        img->inline_len = len;
    } else if (strcmp(name, "type") == 0) {
        img->type = string_value(v, len);
    } else if (strcmp(name, "compression") == 0) {
        img->comp = string_value(v, len);
    } else if (len == 4 && strcmp(name, "data-offset") == 0) {
        img->has_offset = true;
        img->offset = be32(v);
    } else if (len == 4 && strcmp(name, "data-position") == 0) {
        img->has_position = true;
        img->position = be32(v);
    } else if (len == 4 && strcmp(name, "data-size") == 0) {
        img->has_size = true;
        img->ext_size = be32(v);
    }
}

typedef struct walk_pos {
    uint64_t at;
    unsigned depth;
    bool in_images;
    fit_image img;
} walk_pos;

static bool begin_node(fit_walk *w, walk_pos *p)
{
    const char *name = string_at(w->f, p->at, w->f->struct_end);
    if (!name || ++p->depth > FDT_MAX_DEPTH) {
        w->damage = name ? "nodes nested too deep" : "node name runs off the structure block";
        return false;
    }
    p->at = align4(p->at + strlen(name) + 1);
    if (p->depth == DEPTH_IMAGES && strcmp(name, "images") == 0)
        p->in_images = w->images_seen = true;
    if (p->depth == DEPTH_IMAGE && p->in_images) {
        memset(&p->img, 0, sizeof p->img);
        p->img.name = name;
    }
    return true;
}

static bool end_node(fit_walk *w, walk_pos *p)
{
    if (p->depth == 0) {
        w->damage = "unbalanced END_NODE";
        return false;
    }
    if (p->depth == DEPTH_IMAGE && p->in_images) {
        if (++w->images > FIT_MAX_IMAGES) {
            w->damage = "too many images";
            return false;
        }
        if (!w->on_image(w, &p->img))
            return false;
    }
    if (p->depth == DEPTH_IMAGES)
        p->in_images = false;
    p->depth--;
    return true;
}

static bool property(fit_walk *w, walk_pos *p)
{
    const fdt *f = w->f;
    if (f->struct_end - p->at < 8) {
        w->damage = "property header runs off the structure block";
        return false;
    }
    uint32_t len = be32(f->data + p->at), nameoff = be32(f->data + p->at + 4);
    uint64_t value = p->at + 8;
    const char *name = string_at(f, f->strings_start + nameoff, f->strings_end);
    if (len > f->struct_end - value || !name) {
        w->damage = "property runs off its block";
        return false;
    }
    p->at = align4(value + len);
    if (p->depth == DEPTH_IMAGE && p->in_images)
        image_property(&p->img, name, f->data + value, len);
    else if (p->depth == 1 && strcmp(name, "description") == 0)
        w->description = string_value(f->data + value, len);
    return true;
}

/* Walks the structure block; true when it reached FDT_END intact. */
static bool fit_walk_tree(fit_walk *w)
{
    const fdt *f = w->f;
    walk_pos p = {.at = f->struct_start};
    while (p.at <= f->struct_end && f->struct_end - p.at >= 4) {
        uint32_t token = be32(f->data + p.at);
        p.at += 4;
        bool ok = true;
        switch (token) {
        case FDT_BEGIN_NODE:
            ok = begin_node(w, &p);
            break;
        case FDT_END_NODE:
            ok = end_node(w, &p);
            break;
        case FDT_PROP:
            ok = property(w, &p);
            break;
        case FDT_NOP:
            break;
        case FDT_END:
            return true;
        default:
            w->damage = "unknown token";
            ok = false;
        }
        if (!ok)
            return false;
    }
    if (!w->damage)
        w->damage = "no END token";
    return false;
}

/* Where an image's payload lies in the buffer: [*start, *start + *len).
 * False (with *why) when it has none or it lies outside; a payload running
 * past the end is clamped with *clamped set. */
static bool image_extent(const fdt *f, size_t size, const fit_image *img, uint64_t *start,
                         uint64_t *len, bool *clamped, const char **why)
{
    *clamped = false;
    *why = NULL;
    if (img->has_inline) {
        *start = (uint64_t)(img->inline_data - f->data);
        *len = img->inline_len;
        return true;
    }
    if (!img->has_size || !(img->has_offset || img->has_position)) {
        *why = "has no data";
        return false;
    }
    *start = img->has_position ? img->position : align4(f->totalsize) + img->offset;
    *len = img->ext_size;
    if (*start >= size) {
        *why = "has its data past the end of the buffer";
        return false;
    }
    if (*len > size - *start) {
        *len = size - *start;
        *clamped = true;
    }
    return true;
}

/* --- probe -------------------------------------------------------------- */

typedef struct probe_ctx {
    size_t size;
    uint64_t extent;
} probe_ctx;

static bool measure_image(fit_walk *w, const fit_image *img)
{
    probe_ctx *pc = w->ctx;
    uint64_t start, len;
    bool clamped;
    const char *why;
    if (image_extent(w->f, pc->size, img, &start, &len, &clamped, &why) &&
        start + len > pc->extent)
        pc->extent = start + len;
    return true;
}

static bool fit_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    fdt f;
    if (!fdt_open(data, size, &f))
        return false;
    probe_ctx pc = {size, f.totalsize};
    fit_walk w = {.f = &f, .on_image = measure_image, .ctx = &pc};
    if (!fit_walk_tree(&w) || !w.images_seen)
        return false;
    *length = pc.extent < size ? pc.extent : size;
    return true;
}

/* --- unpack --------------------------------------------------------------- */

typedef struct unpack_ctx {
    fw_sink *sink;
    size_t size;
    iotssf_error *err;
    iotssf_status status;
} unpack_ctx;

static bool emit_image(fit_walk *w, const fit_image *img)
{
    unpack_ctx *uc = w->ctx;
    uint64_t start, len;
    bool clamped;
    const char *why;
    if (!image_extent(w->f, uc->size, img, &start, &len, &clamped, &why)) {
        fw_sink_warn(uc->sink, "FIT image \"%s\" %s", img->name, why);
        return true;
    }
    if (clamped)
        fw_sink_warn(uc->sink, "FIT image \"%s\" declares %u bytes, %llu remain: clamped",
                     img->name, img->ext_size, (unsigned long long)len);
    char name[160];
    snprintf(name, sizeof name, "fit image %s (%s, %s)", img->name,
             img->type ? img->type : "no type", img->comp ? img->comp : "no compression");
    uc->status = uc->sink->blob(uc->sink, name, w->f->data + start, (size_t)len, uc->err);
    return uc->status == IOTSSF_OK;
}

static iotssf_status fit_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                iotssf_error *err)
{
    fdt f;
    if (!fdt_open(data, size, &f)) {
        fw_sink_warn(sink, "FIT: not a valid device tree header");
        return IOTSSF_OK;
    }
    if (f.totalsize > size)
        fw_sink_warn(sink, "FIT declares %u bytes, %zu remain", f.totalsize, size);
    unpack_ctx uc = {sink, size, err, IOTSSF_OK};
    fit_walk w = {.f = &f, .on_image = emit_image, .ctx = &uc};
    bool intact = fit_walk_tree(&w);
    if (uc.status)
        return uc.status;
    if (!intact)
        fw_sink_warn(sink, "FIT structure damaged (%s): kept the images before it", w.damage);
    fw_sink_describe(sink, "FIT \"%s\", %zu images", w.description ? w.description : "",
                     w.images);
    return IOTSSF_OK;
}

static const uint8_t fdt_magic[] = {0xd0, 0x0d, 0xfe, 0xed};

const fw_format fw_format_fit = {
    .name = "fit",
    .magic = fdt_magic,
    .magic_len = sizeof fdt_magic,
    .magic_offset = 0,
    .probe = fit_probe,
    .unpack = fit_unpack,
};
