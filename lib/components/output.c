/*
 * Components as JSON (the "components" array of the firmware report; fields
 * in docs/components.md) and as a plain text table. The report writers in
 * lib/report/ call these, so every report shows components the same way.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "iotssf/components.h"

static int set_string(json_t *o, const char *key, const char *value)
{
    return json_object_set_new(o, key, value ? json_string(value) : json_null());
}

static json_t *evidence_json(const iotssf_component_evidence *e)
{
    json_t *o = json_object();
    if (!o || set_string(o, "method", e->method) || set_string(o, "origin", e->origin) ||
        set_string(o, "path", e->path) ||
        json_object_set_new(o, "offset", json_integer((json_int_t)e->offset)) ||
        set_string(o, "text", e->text)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *file_json(const iotssf_component_file *f)
{
    json_t *o = json_object();
    if (!o || set_string(o, "origin", f->origin) || set_string(o, "path", f->path) ||
        set_string(o, "sha256", f->sha256[0] ? f->sha256 : NULL) ||
        json_object_set_new(o, "size", json_integer((json_int_t)f->size))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *component_json(const iotssf_component *c)
{
    json_t *o = json_object(), *ev = json_array(), *files = json_array();
    bool ok = o && ev && files && !set_string(o, "id", c->id) && !set_string(o, "name", c->name) &&
              !set_string(o, "version", c->version) &&
              !json_object_set_new(o, "version_partial", json_boolean(c->version_partial)) &&
              !set_string(o, "version_scheme", c->version_scheme) &&
              !set_string(o, "confidence", iotssf_confidence_name(c->confidence)) &&
              !set_string(o, "supplier", c->supplier) && !set_string(o, "license", c->license) &&
              !set_string(o, "cpe", c->cpe) && !set_string(o, "purl", c->purl) &&
              !set_string(o, "note", c->note);
    for (size_t i = 0; ok && i < c->evidence_count; i++)
        ok = !json_array_append_new(ev, evidence_json(&c->evidence[i]));
    for (size_t i = 0; ok && i < c->file_count; i++)
        ok = !json_array_append_new(files, file_json(&c->files[i]));
    if (!ok) {
        json_decref(ev);
        json_decref(files);
        json_decref(o);
        return NULL;
    }
    /* set_new takes the reference even when it fails. */
    if (json_object_set_new(o, "evidence", ev)) {
        json_decref(files);
        json_decref(o);
        return NULL;
    }
    if (json_object_set_new(o, "files", files)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

iotssf_status iotssf_components_to_json(const iotssf_components *c, json_t **out)
{
    *out = NULL;
    json_t *a = json_array();
    if (!a)
        return IOTSSF_E_NOMEM;
    for (size_t i = 0; c && i < c->count; i++)
        if (json_array_append_new(a, component_json(&c->items[i]))) {
            json_decref(a);
            return IOTSSF_E_NOMEM;
        }
    *out = a;
    return IOTSSF_OK;
}

void iotssf_components_write_text(FILE *f, const iotssf_components *c)
{
    if (!c || c->count == 0) {
        fprintf(f, "Components: none identified\n");
        return;
    }
    fprintf(f, "Components (%zu):\n", c->count);
    for (size_t i = 0; i < c->count; i++) {
        const iotssf_component *x = &c->items[i];
        fprintf(f, "  %-16s %-20s%s %-6s %zu file%s\n", x->id, x->version ? x->version : "(unknown)",
                x->version_partial ? "+" : " ", iotssf_confidence_name(x->confidence),
                x->file_count, x->file_count == 1 ? "" : "s");
        if (x->note)
            fprintf(f, "      note: %s\n", x->note);
        for (size_t e = 0; e < x->evidence_count && e < 3; e++) {
            const iotssf_component_evidence *ev = &x->evidence[e];
            fprintf(f, "      %s: %s%s%s @0x%llx \"%s\"\n", ev->method, ev->origin ? ev->origin : "",
                    ev->origin && ev->path ? ":" : "", ev->path ? ev->path : "",
                    (unsigned long long)ev->offset, ev->text ? ev->text : "");
        }
        if (x->evidence_count > 3)
            fprintf(f, "      (%zu more pieces of evidence)\n", x->evidence_count - 3);
    }
}
