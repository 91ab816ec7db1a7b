/*
 * The firmware analysis that identifies software components: every file of
 * every unpacked filesystem goes through the signature matcher of
 * lib/components/ once (package databases included), and at the end the
 * names of legacy uImage headers found in the layout are read too (they
 * usually say the kernel version: "Linux-4.14.180"). The components land in
 * the inspection result, sorted by id, through the `conclude` hook.
 *
 * Signatures are data/components/<id>.yaml under the data folder; without a
 * data folder the analysis identifies nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

typedef struct components_state {
    iotssf_component_sigs *sigs;
    iotssf_component_scan *scan;
} components_state;

static void components_destroy(void *state)
{
    components_state *s = state;
    if (!s)
        return;
    iotssf_component_scan_free(s->scan);
    iotssf_component_sigs_free(s->sigs);
    free(s);
}

static void *components_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    components_state *s = calloc(1, sizeof *s);
    if (!s) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (!ctx->data_dir)
        return s;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/components", ctx->data_dir);
    if (iotssf_component_sigs_load_dir(dir, &s->sigs, err) ||
        !(s->scan = iotssf_component_scan_new(s->sigs, err))) {
        components_destroy(s);
        return NULL;
    }
    return s;
}

static iotssf_status components_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                      iotssf_error *err)
{
    components_state *s = state;
    if (!s->scan || e->kind != IOTSSF_FW_FILE)
        return IOTSSF_OK;
    return iotssf_component_scan_file(s->scan, ctx->origin, e->path, e->data, (size_t)e->size,
                                      err);
}

/* The uImage reader describes a region as "\"<name>\", kernel, linux, ...". */
static iotssf_status read_uimage_names(components_state *s, const iotssf_fw_result *r,
                                       iotssf_error *err)
{
    for (size_t i = 0; r && i < r->region_count; i++) {
        const iotssf_fw_region *g = &r->regions[i];
        if (strcmp(g->format, "uimage") != 0 || !g->detail || g->detail[0] != '"')
            continue;
        const char *end = strstr(g->detail + 1, "\", ");
        if (!end || end - g->detail - 1 > 32)
            continue;
        char name[40], origin[600];
        snprintf(name, sizeof name, "%.*s", (int)(end - g->detail - 1), g->detail + 1);
        snprintf(origin, sizeof origin, "%.500s%suimage@0x%llx", g->container,
                 g->container[0] ? " > " : "", (unsigned long long)g->offset);
        iotssf_status st = iotssf_component_scan_uimage_name(s->scan, origin, name, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status components_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)state;
    (void)ctx;
    (void)err;
    return IOTSSF_OK; /* the components go into the result in `conclude` */
}

static iotssf_status components_conclude(void *state, iotssf_fw_result *result,
                                         iotssf_error *err)
{
    components_state *s = state;
    if (!s->scan)
        return IOTSSF_OK;
    iotssf_status st = read_uimage_names(s, result, err);
    return st ? st : iotssf_component_scan_finish(s->scan, &result->components, err);
}

const fw_analysis fw_analysis_components = {
    .name = "components",
    .create = components_create,
    .entry = components_entry,
    .finish = components_finish,
    .conclude = components_conclude,
    .destroy = components_destroy,
};
