/*
 * The firmware inspector's driver: maps the image, finds structures, unpacks
 * them recursively (blobs are scanned again; files inside filesystems are
 * checked for nested images at their start), and streams every entry to the
 * analyses, the extractor and the statistics. Damage never stops the run:
 * it becomes a warning in the result.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/sha256.h"
#include "analysis.h"
#include "extract.h"
#include "inspect_internal.h"
#include "path.h"
#include "scan.h"

enum { NESTED_MIN_SIZE = 64 };

typedef struct level {
    fw_sink sink; /* first: readers get &sink, the core gets the level back */
    inspect *in;
    char label[256]; /* "squashfs@0x120200" */
    unsigned depth;
    size_t region;
} level;

static iotssf_status unpack_buffer(inspect *in, const uint8_t *data, size_t size, unsigned depth,
                                   const char *container, bool only_at_start);

void fw_warn(inspect *in, const char *where, const char *fmt, ...)
{
    iotssf_fw_result *r = in->res;
    if (r->warning_count >= FW_MAX_WARNINGS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    iotssf_fw_warning *grown = realloc(r->warnings, (r->warning_count + 1) * sizeof *grown);
    if (!grown)
        return;
    r->warnings = grown;
    grown[r->warning_count].where = strdup(where ? where : "");
    grown[r->warning_count].message = strdup(msg);
    if (grown[r->warning_count].where && grown[r->warning_count].message)
        r->warning_count++;
}

static void count_entry(iotssf_fw_result *r, const iotssf_fw_entry *e)
{
    switch (e->kind) {
    case IOTSSF_FW_FILE:
        r->files++;
        fw_count_arch(r, e->data, e->size);
        break;
    case IOTSSF_FW_DIR:
        r->directories++;
        break;
    case IOTSSF_FW_SYMLINK:
        r->symlinks++;
        break;
    case IOTSSF_FW_CHARDEV:
    case IOTSSF_FW_BLOCKDEV:
        r->devices++;
        break;
    default:
        r->other_entries++;
        break;
    }
}

static iotssf_status run_analyses(inspect *in, const char *origin, const iotssf_fw_entry *e,
                                  iotssf_error *err)
{
    in->actx.origin = origin;
    for (size_t i = 0; i < fw_analysis_count; i++) {
        if (!in->analysis_state[i])
            continue;
        iotssf_status st = fw_analyses[i]->entry(in->analysis_state[i], &in->actx, e, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status on_entry(fw_sink *s, const iotssf_fw_entry *raw, iotssf_error *err)
{
    level *lv = (level *)s;
    inspect *in = lv->in;
    if (in->entries >= in->opts->limits.max_entries) {
        if (in->entries++ == in->opts->limits.max_entries)
            fw_warn(in, lv->label, "stopped after %u entries (the entry limit)",
                    in->opts->limits.max_entries);
        return IOTSSF_OK;
    }
    in->entries++;
    in->res->regions[lv->region].entries++;
    char path[4096];
    bool suspicious = false;
    if (!fw_path_clean(raw->path ? raw->path : "", path, sizeof path, &suspicious))
        return IOTSSF_OK; /* the root itself, or a name too long to keep */
    if (suspicious)
        fw_warn(in, lv->label, "entry name '%.200s' was absolute or climbed with '..'; kept as '%s'",
                raw->path, path);
    iotssf_fw_entry e = *raw;
    e.path = path;
    if (e.kind != IOTSSF_FW_FILE) {
        e.data = NULL;
    } else if (!e.data) {
        e.size = 0;
    }
    count_entry(in->res, &e);
    iotssf_status st = run_analyses(in, lv->label, &e, err);
    if (st)
        return st;
    if (in->extractor) {
        char why[256];
        if (fw_extract_entry(in->extractor, lv->label, &e, why, sizeof why))
            in->res->extracted++;
        else if (e.kind == IOTSSF_FW_FILE || e.kind == IOTSSF_FW_DIR || e.kind == IOTSSF_FW_SYMLINK)
            fw_warn(in, lv->label, "not extracted: %s: %s", path, why);
    }
    if (e.kind == IOTSSF_FW_FILE && e.size >= NESTED_MIN_SIZE && lv->depth < in->opts->limits.max_depth) {
        char container[4600];
        snprintf(container, sizeof container, "%s:%s", lv->label, path);
        return unpack_buffer(in, e.data, e.size, lv->depth + 1, container, true);
    }
    return IOTSSF_OK;
}

static iotssf_status on_blob(fw_sink *s, const char *name, const uint8_t *data, size_t size,
                             iotssf_error *err)
{
    (void)err; /* the nested unpack reports through the inspection's error */
    level *lv = (level *)s;
    if (lv->depth >= lv->in->opts->limits.max_depth) {
        fw_warn(lv->in, lv->label, "%s not unpacked: nesting deeper than %u", name,
                lv->in->opts->limits.max_depth);
        return IOTSSF_OK;
    }
    char container[512];
    snprintf(container, sizeof container, "%s > %s", lv->label, name);
    return unpack_buffer(lv->in, data, size, lv->depth + 1, container, false);
}

static void on_warn(fw_sink *s, const char *message)
{
    level *lv = (level *)s;
    fw_warn(lv->in, lv->label, "%s", message);
}

static void on_describe(fw_sink *s, const char *detail)
{
    level *lv = (level *)s;
    iotssf_fw_region *r = &lv->in->res->regions[lv->region];
    free(r->detail);
    r->detail = strdup(detail);
}

static iotssf_status unpack_hit(inspect *in, const uint8_t *data, size_t size, const fw_hit *hit,
                                unsigned depth, const char *container, iotssf_error *err)
{
    size_t region;
    iotssf_status st = fw_add_region(in->res, hit, depth, container, &region, err);
    if (st)
        return st;
    level lv = {.in = in, .depth = depth, .region = region};
    lv.sink = (fw_sink){on_entry, on_blob, on_warn, on_describe, &in->opts->limits,
                        &in->res->unpacked_bytes, NULL};
    snprintf(lv.label, sizeof lv.label, "%s@0x%llx", hit->format->name,
             (unsigned long long)hit->offset);
    st = hit->format->unpack(data + hit->offset, size - hit->offset, &lv.sink, err);
    if (st == IOTSSF_E_NOMEM || st == IOTSSF_E_INTERNAL || st == IOTSSF_E_IO)
        return st;
    if (st) {
        char msg[1100];
        iotssf_error_format(err, msg, sizeof msg);
        fw_warn(in, lv.label, "unpacking stopped: %s", msg);
        iotssf_error_clear(err);
    }
    return IOTSSF_OK;
}

static iotssf_status unpack_buffer(inspect *in, const uint8_t *data, size_t size, unsigned depth,
                                   const char *container, bool only_at_start)
{
    fw_hits hits;
    if (!fw_scan(data, size, only_at_start, &hits))
        return iotssf_fail(in->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; i < hits.count && !st; i++) {
        st = unpack_hit(in, data, size, &hits.items[i], depth, container, in->err);
        if (depth == 0 && in->opts->progress)
            in->opts->progress(in->opts->progress_ctx, hits.items[i].offset, size);
    }
    fw_hits_free(&hits);
    return st;
}

/* An input with no known structure is looked at as one file (an ELF binary,
 * a shadow file or a script given directly), so every analysis still runs. */
static const fw_format plain_file = {"file", NULL, 0, 0, NULL, NULL};

static iotssf_status inspect_as_file(inspect *in, const char *path, const uint8_t *data,
                                     size_t size, iotssf_error *err)
{
    fw_hit hit = {&plain_file, 0, size};
    size_t region;
    iotssf_status st = fw_add_region(in->res, &hit, 0, "", &region, err);
    if (st)
        return st;
    level lv = {.in = in, .depth = 0, .region = region};
    lv.sink = (fw_sink){on_entry, on_blob, on_warn, on_describe, &in->opts->limits,
                        &in->res->unpacked_bytes, NULL};
    snprintf(lv.label, sizeof lv.label, "file");
    const char *base = strrchr(path, '/');
    iotssf_fw_entry e = {.path = base ? base + 1 : path, .kind = IOTSSF_FW_FILE, .mode = 0644,
                         .size = size, .data = data};
    return on_entry(&lv.sink, &e, err);
}

static iotssf_status start_analyses(inspect *in, iotssf_error *err)
{
    in->actx = (fw_analysis_ctx){&in->res->findings, in->opts->rules, NULL, in->opts->data_dir};
    for (size_t i = 0; i < fw_analysis_count; i++) {
        in->analysis_state[i] = fw_analyses[i]->create(&in->actx, err);
        if (!in->analysis_state[i])
            return err->status ? err->status
                               : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    return IOTSSF_OK;
}

static iotssf_status finish_analyses(inspect *in, iotssf_status st, iotssf_error *err)
{
    for (size_t i = 0; i < fw_analysis_count; i++) {
        if (!in->analysis_state[i])
            continue;
        if (!st)
            st = fw_analyses[i]->finish(in->analysis_state[i], &in->actx, err);
        if (!st && fw_analyses[i]->conclude)
            st = fw_analyses[i]->conclude(in->analysis_state[i], in->res, err);
        fw_analyses[i]->destroy(in->analysis_state[i]);
    }
    return st;
}

iotssf_status iotssf_firmware_inspect(const char *path, const iotssf_fw_options *opts,
                                      iotssf_fw_result **out, iotssf_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st_buf;
    if (fstat(fd, &st_buf) != 0 || !S_ISREG(st_buf.st_mode) || st_buf.st_size == 0) {
        close(fd);
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "not a non-empty regular file");
    }
    size_t size = (size_t)st_buf.st_size;
    const uint8_t *data = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot map: %s", strerror(errno));
    madvise((void *)data, size, MADV_SEQUENTIAL);

    inspect in = {.opts = opts, .err = err};
    in.res = calloc(1, sizeof *in.res);
    iotssf_status st = in.res ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    if (!st) {
        in.res->image = strdup(path);
        in.res->image_size = size;
        iotssf_findings_init(&in.res->findings);
        iotssf_components_init(&in.res->components);
        iotssf_vulns_init(&in.res->vulns);
        sha256_hex(data, size, in.res->sha256);
    }
    if (!st && opts->extract_dir)
        st = fw_extract_open(opts->extract_dir, &in.extractor, err);
    if (!st)
        st = start_analyses(&in, err);
    if (!st)
        st = unpack_buffer(&in, data, size, 0, "", false);
    bool as_file = !st && in.res->region_count == 0;
    if (as_file)
        st = inspect_as_file(&in, path, data, size, err);
    st = finish_analyses(&in, st, err);
    if (!st && opts->vulndb) {
        st = iotssf_vulns_match_components(opts->vulndb, &in.res->components, opts->rules,
                                           "FW-VULN", &in.res->vulns, &in.res->findings, err);
        in.res->vulns_checked = true;
    }
    fw_extract_close(in.extractor);
    munmap((void *)data, size);
    if (!st && as_file)
        fw_warn(&in, "", "no known container, stream or filesystem was found; the input was "
                         "analysed as one file");
    if (st) {
        iotssf_fw_result_free(in.res);
        return st;
    }
    iotssf_findings_sort(&in.res->findings);
    *out = in.res;
    return IOTSSF_OK;
}
