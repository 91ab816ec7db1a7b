/*
 * Recording sink for reader tests; see fw_sink_util.h.
 */
#define _DEFAULT_SOURCE
#include "fw_sink_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char *dup_bytes(const void *p, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static iotssf_status on_entry(fw_sink *s, const iotssf_fw_entry *e, iotssf_error *err)
{
    (void)err;
    recording *r = s->ctx;
    r->entries = realloc(r->entries, (r->entry_count + 1) * sizeof *r->entries);
    assert_non_null(r->entries);
    recorded_entry *x = &r->entries[r->entry_count++];
    memset(x, 0, sizeof *x);
    x->path = dup_bytes(e->path, strlen(e->path));
    x->kind = e->kind;
    x->mode = e->mode;
    x->uid = e->uid;
    x->gid = e->gid;
    x->size = e->size;
    if (e->kind == IOTSSF_FW_FILE && e->size)
        x->data = (uint8_t *)dup_bytes(e->data, e->size);
    if (e->link_target)
        x->link_target = dup_bytes(e->link_target, strlen(e->link_target));
    return IOTSSF_OK;
}

static iotssf_status on_blob(fw_sink *s, const char *name, const uint8_t *data, size_t size,
                             iotssf_error *err)
{
    (void)err;
    recording *r = s->ctx;
    r->blobs = realloc(r->blobs, (r->blob_count + 1) * sizeof *r->blobs);
    assert_non_null(r->blobs);
    recorded_blob *b = &r->blobs[r->blob_count++];
    b->name = dup_bytes(name, strlen(name));
    b->data = (uint8_t *)dup_bytes(data, size);
    b->size = size;
    return IOTSSF_OK;
}

static void on_warn(fw_sink *s, const char *message)
{
    recording *r = s->ctx;
    r->warnings = realloc(r->warnings, (r->warning_count + 1) * sizeof *r->warnings);
    assert_non_null(r->warnings);
    r->warnings[r->warning_count++] = dup_bytes(message, strlen(message));
}

static void on_describe(fw_sink *s, const char *detail)
{
    recording *r = s->ctx;
    free(r->description);
    r->description = dup_bytes(detail, strlen(detail));
}

void record_unpack(const fw_format *format, const uint8_t *data, size_t size,
                   const iotssf_fw_limits *limits, recording *r)
{
    memset(r, 0, sizeof *r);
    r->limits = limits ? *limits : iotssf_fw_default_limits();
    fw_sink sink = {on_entry, on_blob, on_warn, on_describe, &r->limits, &r->unpacked_bytes, r};
    r->status = format->unpack(data, size, &sink, &r->err);
}

void recording_free(recording *r)
{
    for (size_t i = 0; i < r->entry_count; i++) {
        free(r->entries[i].path);
        free(r->entries[i].data);
        free(r->entries[i].link_target);
    }
    for (size_t i = 0; i < r->blob_count; i++) {
        free(r->blobs[i].name);
        free(r->blobs[i].data);
    }
    for (size_t i = 0; i < r->warning_count; i++)
        free(r->warnings[i]);
    free(r->entries);
    free(r->blobs);
    free(r->warnings);
    free(r->description);
    memset(r, 0, sizeof *r);
}

const recorded_entry *recorded_find(const recording *r, const char *path)
{
    for (size_t i = 0; i < r->entry_count; i++)
        if (strcmp(r->entries[i].path, path) == 0)
            return &r->entries[i];
    return NULL;
}

void run_or_fail(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[8300];
    snprintf(full, sizeof full, "(%s) >/tmp/iotssf-fixture.log 2>&1", cmd);
    if (system(full) != 0) {
        char *log = NULL;
        FILE *f = fopen("/tmp/iotssf-fixture.log", "r");
        if (f) {
            log = calloc(1, 4097);
            if (log)
                fread(log, 1, 4096, f);
            fclose(f);
        }
        fail_msg("fixture command failed: %s\n%s", cmd, log ? log : "");
    }
}

const char *scratch_dir(const char *name)
{
    static char path[2048];
    snprintf(path, sizeof path, "%s/test-scratch/%s", IOTSSF_BUILD_DIR, name);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", path, path);
    if (system(cmd) != 0)
        fail_msg("cannot create %s", path);
    return path;
}

const char *corpus_path_or_skip(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", IOTSSF_CORPUS_DIR, relative);
    struct stat st;
    if (stat(path, &st) != 0) {
        print_message("skipped: the shared corpus (%s) is not here\n", path);
        skip();
    }
    return path;
}
