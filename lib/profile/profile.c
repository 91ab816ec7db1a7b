/*
 * Loads device profiles (YAML or JSON) into iotssf_profile. Every value is
 * checked against the profile format (docs/profile-format.md): unknown keys,
 * missing fields, values outside a fact's scale and facts that contradict one
 * another are errors with the file, line and column. Derived facts are
 * computed here so that every consumer sees the same values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/doc.h"
#include "iotssf/profile.h"

struct iotssf_profile_reader {
    doc_stream *stream;
    unsigned documents;
};

typedef struct loader {
    doc_ctx ctx;
    arena *mem;
} loader;

static iotssf_pos pos_of(const doc_node *n)
{
    return (iotssf_pos){n->line, n->column};
}

static void *alloc_array(loader *l, size_t count, size_t size)
{
    return arena_alloc(l->mem, (count ? count : 1) * size);
}

static iotssf_status optional_string(loader *l, const doc_node *map, const char *key,
                                     const char *what, const char **out)
{
    const doc_node *n = doc_get(map, key);
    *out = NULL;
    if (!n)
        return IOTSSF_OK;
    return doc_string(&l->ctx, n, what, out);
}

static iotssf_status required_string(loader *l, const doc_node *map, const char *key,
                                     const char *what, const char **out)
{
    const doc_node *n;
    TRY(doc_require(&l->ctx, map, key, what, &n));
    return doc_string(&l->ctx, n, what, out);
}

static iotssf_status optional_bool(loader *l, const doc_node *map, const char *key,
                                   const char *what, bool fallback, bool *out)
{
    const doc_node *n = doc_get(map, key);
    *out = fallback;
    return n ? doc_bool(&l->ctx, n, what, out) : IOTSSF_OK;
}

static iotssf_status load_device(loader *l, const doc_node *root, iotssf_profile *p)
{
    static const char *const keys[] = {"id", "kind", "vendor", "model", "hardware_version",
                                       "firmware_version", "firmware_image", "description",
                                       NULL};
    static const char *const kinds[] = {"device", "system", NULL};
    const doc_node *dev;
    TRY(doc_require(&l->ctx, root, "device", "profile", &dev));
    TRY(doc_expect(&l->ctx, dev, DOC_MAPPING, "device"));
    TRY(doc_check_keys(&l->ctx, dev, keys, "device"));
    TRY(required_string(l, dev, "id", "device.id", &p->id));
    TRY(required_string(l, dev, "vendor", "device.vendor", &p->vendor));
    TRY(required_string(l, dev, "model", "device.model", &p->model));
    TRY(optional_string(l, dev, "hardware_version", "device.hardware_version",
                        &p->hardware_version));
    TRY(optional_string(l, dev, "firmware_version", "device.firmware_version",
                        &p->firmware_version));
    TRY(optional_string(l, dev, "firmware_image", "device.firmware_image", &p->firmware_image));
    TRY(optional_string(l, dev, "description", "device.description", &p->description));
    p->kind = "device";
    const doc_node *kind = doc_get(dev, "kind");
    if (kind) {
        int k;
        TRY(doc_enum(&l->ctx, kind, kinds, "device.kind", &k));
        p->kind = kinds[k];
    }
    return IOTSSF_OK;
}

/* A list under `key`, or an empty one when the key is absent. */
static iotssf_status optional_list(loader *l, const doc_node *map, const char *key,
                                   const char *what, const doc_node **out)
{
    static const doc_node empty = {.kind = DOC_SEQUENCE};
    const doc_node *n = doc_get(map, key);
    *out = &empty;
    if (!n)
        return IOTSSF_OK;
    TRY(doc_expect(&l->ctx, n, DOC_SEQUENCE, what));
    *out = n;
    return IOTSSF_OK;
}

static iotssf_status load_names(loader *l, const doc_node *map, const char *key,
                                const char *what, iotssf_named **out, size_t *count)
{
    const doc_node *list;
    TRY(optional_list(l, map, key, what, &list));
    *out = alloc_array(l, list->count, sizeof **out);
    if (!*out)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, l->ctx.file, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        TRY(doc_string(&l->ctx, list->items[i], what, &(*out)[i].name));
        (*out)[i].pos = pos_of(list->items[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp((*out)[j].name, (*out)[i].name) == 0)
                return doc_error(&l->ctx, list->items[i], "%s: '%s' is listed twice", what,
                                 (*out)[i].name);
    }
    *count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_components(loader *l, const doc_node *root, iotssf_profile *p)
{
    static const char *const keys[] = {"name", "version", "kind", "supplier", NULL};
    const doc_node *list;
    TRY(optional_list(l, root, "components", "components", &list));
    p->components = alloc_array(l, list->count, sizeof *p->components);
    if (!p->components)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, l->ctx.file, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *c = list->items[i];
        iotssf_declared_component *out = &p->components[i];
        TRY(doc_expect(&l->ctx, c, DOC_MAPPING, "component"));
        TRY(doc_check_keys(&l->ctx, c, keys, "component"));
        TRY(required_string(l, c, "name", "component.name", &out->name));
        TRY(optional_string(l, c, "version", "component.version", &out->version));
        TRY(optional_string(l, c, "kind", "component.kind", &out->kind));
        TRY(optional_string(l, c, "supplier", "component.supplier", &out->supplier));
    }
    p->component_count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_services(loader *l, const doc_node *ifs, iotssf_profile *p)
{
    static const char *const keys[] = {"name", "port", "transport", "authenticated",
                                       "encrypted", "enabled_by_default", NULL};
    static const char *const transports[] = {"tcp", "udp", NULL};
    const doc_node *list;
    TRY(optional_list(l, ifs, "services", "interfaces.services", &list));
    p->services = alloc_array(l, list->count, sizeof *p->services);
    if (!p->services)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, l->ctx.file, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *s = list->items[i];
        iotssf_service *out = &p->services[i];
        const doc_node *port;
        long long port_number;
        int transport = 0;
        TRY(doc_expect(&l->ctx, s, DOC_MAPPING, "service"));
        TRY(doc_check_keys(&l->ctx, s, keys, "service"));
        TRY(required_string(l, s, "name", "service.name", &out->name));
        TRY(doc_require(&l->ctx, s, "port", "service", &port));
        TRY(doc_integer(&l->ctx, port, 1, 65535, "service.port", &port_number));
        out->port = (int)port_number;
        const doc_node *t = doc_get(s, "transport");
        if (t)
            TRY(doc_enum(&l->ctx, t, transports, "service.transport", &transport));
        out->transport = transports[transport];
        TRY(optional_bool(l, s, "authenticated", "service.authenticated", true,
                          &out->authenticated));
        TRY(optional_bool(l, s, "encrypted", "service.encrypted", false, &out->encrypted));
        TRY(optional_bool(l, s, "enabled_by_default", "service.enabled_by_default", true,
                          &out->enabled_by_default));
        for (size_t j = 0; j < i; j++)
            if (p->services[j].port == out->port &&
                strcmp(p->services[j].transport, out->transport) == 0)
                return doc_error(&l->ctx, port, "port %d/%s is already used by service '%s'",
                                 out->port, out->transport, p->services[j].name);
    }
    p->service_count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_interfaces(loader *l, const doc_node *root, iotssf_profile *p)
{
    static const char *const keys[] = {"services", "radios", "physical_ports", NULL};
    static const doc_node empty = {.kind = DOC_MAPPING};
    const doc_node *ifs = doc_get(root, "interfaces");
    if (!ifs)
        ifs = &empty;
    TRY(doc_expect(&l->ctx, ifs, DOC_MAPPING, "interfaces"));
    TRY(doc_check_keys(&l->ctx, ifs, keys, "interfaces"));
    TRY(load_services(l, ifs, p));
    TRY(load_names(l, ifs, "radios", "interfaces.radios", &p->radios, &p->radio_count));
    return load_names(l, ifs, "physical_ports", "interfaces.physical_ports", &p->physical_ports,
                      &p->physical_port_count);
}

static iotssf_status load_data(loader *l, const doc_node *root, iotssf_profile *p)
{
    static const char *const keys[] = {"name", "personal", "sensitive", NULL};
    const doc_node *list;
    TRY(optional_list(l, root, "data", "data", &list));
    p->data = alloc_array(l, list->count, sizeof *p->data);
    if (!p->data)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, l->ctx.file, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const doc_node *d = list->items[i];
        iotssf_data_item *out = &p->data[i];
        TRY(doc_expect(&l->ctx, d, DOC_MAPPING, "data item"));
        TRY(doc_check_keys(&l->ctx, d, keys, "data item"));
        TRY(required_string(l, d, "name", "data.name", &out->name));
        TRY(optional_bool(l, d, "personal", "data.personal", false, &out->personal));
        TRY(optional_bool(l, d, "sensitive", "data.sensitive", false, &out->sensitive));
        if (out->sensitive && !out->personal && doc_get(d, "personal"))
            return doc_error(&l->ctx, d, "data item '%s' is sensitive but not personal; "
                                         "sensitive data is a kind of personal data",
                             out->name);
        out->personal = out->personal || out->sensitive;
    }
    p->data_count = list->count;
    return IOTSSF_OK;
}

/* ---- use modes ---- */

/* The section a dotted fact name lives in ("harm" for "harm.people"), or ""
 * for a top-level fact. */
static void split_fact_name(const char *name, char *section, size_t size, const char **key)
{
    const char *dot = strchr(name, '.');
    if (!dot) {
        section[0] = '\0';
        *key = name;
        return;
    }
    size_t n = (size_t)(dot - name) < size - 1 ? (size_t)(dot - name) : size - 1;
    memcpy(section, name, n);
    section[n] = '\0';
    *key = dot + 1;
}

static iotssf_status read_fact(loader *l, const doc_node *node, iotssf_fact_id id,
                               iotssf_fact *out)
{
    const iotssf_fact_def *def = iotssf_fact_def_of(id);
    out->present = true;
    out->pos = pos_of(node);
    if (def->type == IOTSSF_FACT_NUMBER) {
        double min = id == IOTSSF_FACT_UNITS_DEPLOYED ? 1 : 0;
        return doc_number(&l->ctx, node, min, 1e18, def->name, &out->number);
    }
    return doc_enum(&l->ctx, node, def->values, def->name, &out->index);
}

static void set_default(iotssf_fact_id id, iotssf_fact *f, iotssf_pos where)
{
    const iotssf_fact_def *def = iotssf_fact_def_of(id);
    if (!def->default_value)
        return;
    f->present = true;
    f->defaulted = true;
    f->pos = where;
    if (def->type == IOTSSF_FACT_NUMBER)
        f->number = strtod(def->default_value, NULL);
    else
        f->index = iotssf_fact_value_index(id, def->default_value);
}

/* Allowed keys of one section: the facts that live there plus `extra`. */
static iotssf_status check_section_keys(loader *l, const doc_node *sec, const char *section,
                                        const char *extra)
{
    const char *allowed[IOTSSF_FACT_COUNT + 2];
    size_t n = 0;
    for (int i = 0; i < IOTSSF_FACT_COUNT; i++) {
        const iotssf_fact_def *def = iotssf_fact_def_of((iotssf_fact_id)i);
        char sec_name[32];
        const char *key;
        split_fact_name(def->name, sec_name, sizeof sec_name, &key);
        if (!def->derived && strcmp(sec_name, section) == 0)
            allowed[n++] = key;
    }
    if (extra)
        allowed[n++] = extra;
    allowed[n] = NULL;
    return doc_check_keys(&l->ctx, sec, allowed, section);
}

static iotssf_status load_facts(loader *l, const doc_node *um, iotssf_use_mode *m)
{
    static const char *const sections[] = {"harm", "recovery", "economic", NULL};
    for (size_t s = 0; sections[s]; s++) {
        const doc_node *sec = doc_get(um, sections[s]);
        if (!sec)
            continue;
        TRY(doc_expect(&l->ctx, sec, DOC_MAPPING, sections[s]));
        TRY(check_section_keys(l, sec, sections[s],
                               strcmp(sections[s], "recovery") == 0 ? "means" : NULL));
    }
    for (int i = 0; i < IOTSSF_FACT_COUNT; i++) {
        iotssf_fact_id id = (iotssf_fact_id)i;
        const iotssf_fact_def *def = iotssf_fact_def_of(id);
        if (def->derived)
            continue;
        char section[32];
        const char *key;
        split_fact_name(def->name, section, sizeof section, &key);
        const doc_node *holder = section[0] ? doc_get(um, section) : um;
        const doc_node *value = holder ? doc_get(holder, key) : NULL;
        if (value) {
            TRY(read_fact(l, value, id, &m->facts[id]));
        } else if (def->required) {
            return doc_error(&l->ctx, holder ? holder : um,
                             "use mode '%s': missing required fact '%s' (%s)", m->id, def->name,
                             def->description);
        } else {
            set_default(id, &m->facts[id], pos_of(holder ? holder : um));
        }
    }
    /* Every required fact was found, so the recovery section exists. */
    const doc_node *rec = doc_get(um, "recovery");
    const doc_node *means;
    TRY(doc_require(&l->ctx, rec, "means", "recovery", &means));
    return doc_string(&l->ctx, means, "recovery.means", &m->recovery_means);
}

static iotssf_status load_override(loader *l, const doc_node *ovr, const char *axis,
                                   iotssf_override *out)
{
    static const char *const keys[] = {"level", "justification", NULL};
    const doc_node *o = doc_get(ovr, axis);
    if (!o)
        return IOTSSF_OK;
    const doc_node *level;
    long long v;
    TRY(doc_expect(&l->ctx, o, DOC_MAPPING, "override"));
    TRY(doc_check_keys(&l->ctx, o, keys, "override"));
    TRY(doc_require(&l->ctx, o, "level", "override", &level));
    TRY(doc_integer(&l->ctx, level, 1, 9, "override.level", &v));
    const doc_node *why = doc_get(o, "justification");
    if (!why)
        return doc_error(&l->ctx, o,
                         "an override of %s needs a written justification "
                         "(key 'justification'); it is kept in every output",
                         axis);
    TRY(doc_string(&l->ctx, why, "override.justification", &out->justification));
    out->set = true;
    out->level = (int)v;
    out->pos = pos_of(o);
    return IOTSSF_OK;
}

static bool no_harm_stated(const iotssf_use_mode *m)
{
    static const iotssf_fact_id harms[] = {IOTSSF_FACT_HARM_PEOPLE, IOTSSF_FACT_HARM_PROPERTY,
                                           IOTSSF_FACT_HARM_ENVIRONMENT,
                                           IOTSSF_FACT_HARM_PRIVACY, IOTSSF_FACT_HARM_SERVICE};
    for (size_t i = 0; i < sizeof harms / sizeof harms[0]; i++)
        if (m->facts[harms[i]].index > 0)
            return false;
    return true;
}

/* Facts that cannot all be true at once. */
static iotssf_status check_contradictions(loader *l, const iotssf_use_mode *m)
{
    const iotssf_fact *people = &m->facts[IOTSSF_FACT_HARM_PEOPLE];
    const iotssf_fact *rev = &m->facts[IOTSSF_FACT_RECOVERY_REVERSIBILITY];
    const iotssf_fact *prop = &m->facts[IOTSSF_FACT_PROPAGATION];
    const iotssf_fact *units = &m->facts[IOTSSF_FACT_UNITS_DEPLOYED];
    int death = iotssf_fact_value_index(IOTSSF_FACT_HARM_PEOPLE, "death");
    int full = iotssf_fact_value_index(IOTSSF_FACT_RECOVERY_REVERSIBILITY, "full");
    int fleet = iotssf_fact_value_index(IOTSSF_FACT_PROPAGATION, "fleet");
    doc_node at = {.line = rev->pos.line, .column = rev->pos.column};
    if (people->index == death && rev->index == full)
        return doc_error(&l->ctx, &at,
                         "use mode '%s': contradictory facts: harm.people is 'death', which "
                         "cannot be undone, but recovery.reversibility is 'full'",
                         m->id);
    if (no_harm_stated(m) && rev->index != full)
        return doc_error(&l->ctx, &at,
                         "use mode '%s': contradictory facts: no harm is stated, so there is "
                         "nothing that could be '%s' to recover from",
                         m->id, iotssf_fact_def_of(IOTSSF_FACT_RECOVERY_REVERSIBILITY)
                                    ->values[rev->index]);
    if (prop->index >= fleet && units->number < 2) {
        doc_node p = {.line = prop->pos.line, .column = prop->pos.column};
        return doc_error(&l->ctx, &p,
                         "use mode '%s': contradictory facts: propagation '%s' needs more than "
                         "one unit deployed (economic.units_deployed is %.15g)",
                         m->id, iotssf_fact_def_of(IOTSSF_FACT_PROPAGATION)->values[prop->index],
                         units->number);
    }
    return IOTSSF_OK;
}

static void derive_facts(iotssf_use_mode *m)
{
    const iotssf_fact *loss = &m->facts[IOTSSF_FACT_LOSS_PER_INCIDENT];
    const iotssf_fact *prop = &m->facts[IOTSSF_FACT_PROPAGATION];
    iotssf_fact *fleet = &m->facts[IOTSSF_FACT_FLEET_LOSS];
    int fleet_index = iotssf_fact_value_index(IOTSSF_FACT_PROPAGATION, "fleet");
    fleet->present = true;
    fleet->pos = loss->pos;
    fleet->number = loss->number;
    if (prop->index >= fleet_index)
        fleet->number = loss->number * m->facts[IOTSSF_FACT_UNITS_DEPLOYED].number;
}

static iotssf_status load_use_mode(loader *l, const doc_node *um, iotssf_use_mode *m)
{
    static const char *const keys[] = {"id", "name", "description", "sector", "harm", "recovery",
                                       "economic", "likelihood", "overrides", NULL};
    static const char *const override_keys[] = {"axis1", "axis2", NULL};
    TRY(doc_expect(&l->ctx, um, DOC_MAPPING, "use mode"));
    TRY(doc_check_keys(&l->ctx, um, keys, "use mode"));
    m->pos = pos_of(um);
    TRY(required_string(l, um, "id", "use_mode.id", &m->id));
    TRY(optional_string(l, um, "name", "use_mode.name", &m->name));
    if (!m->name)
        m->name = m->id;
    TRY(optional_string(l, um, "description", "use_mode.description", &m->description));
    TRY(load_facts(l, um, m));
    const doc_node *ovr = doc_get(um, "overrides");
    if (ovr) {
        TRY(doc_expect(&l->ctx, ovr, DOC_MAPPING, "overrides"));
        TRY(doc_check_keys(&l->ctx, ovr, override_keys, "overrides"));
        TRY(load_override(l, ovr, "axis1", &m->axis1));
        TRY(load_override(l, ovr, "axis2", &m->axis2));
    }
    TRY(check_contradictions(l, m));
    derive_facts(m);
    return IOTSSF_OK;
}

static iotssf_status load_use_modes(loader *l, const doc_node *root, iotssf_profile *p)
{
    const doc_node *list;
    TRY(doc_require(&l->ctx, root, "use_modes", "profile", &list));
    TRY(doc_expect(&l->ctx, list, DOC_SEQUENCE, "use_modes"));
    if (list->count == 0)
        return doc_error(&l->ctx, list, "use_modes: a profile needs at least one use mode");
    p->use_modes = alloc_array(l, list->count, sizeof *p->use_modes);
    if (!p->use_modes)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, l->ctx.file, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        TRY(load_use_mode(l, list->items[i], &p->use_modes[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->use_modes[j].id, p->use_modes[i].id) == 0)
                return doc_error(&l->ctx, list->items[i],
                                 "use mode id '%s' is used twice (first at line %u)",
                                 p->use_modes[i].id, p->use_modes[j].pos.line);
    }
    p->use_mode_count = list->count;
    return IOTSSF_OK;
}

static iotssf_status load_profile(loader *l, const doc_node *root, iotssf_profile *p)
{
    static const char *const keys[] = {"schema_version", "device", "components", "interfaces",
                                       "data", "features", "use_modes", NULL};
    TRY(doc_expect(&l->ctx, root, DOC_MAPPING, "profile"));
    TRY(doc_check_keys(&l->ctx, root, keys, "profile"));
    const doc_node *version = doc_get(root, "schema_version");
    if (version) {
        long long v;
        TRY(doc_integer(&l->ctx, version, 1, 1, "schema_version (this iotssf reads version 1)",
                        &v));
    }
    p->pos = pos_of(root);
    TRY(load_device(l, root, p));
    TRY(load_components(l, root, p));
    TRY(load_interfaces(l, root, p));
    TRY(load_data(l, root, p));
    TRY(load_names(l, root, "features", "features", &p->features, &p->feature_count));
    return load_use_modes(l, root, p);
}

/* Builds a profile from one document; the profile owns `mem` afterwards. */
static iotssf_status profile_from_doc(const char *file, unsigned document, const doc_node *root,
                                      arena *mem, iotssf_profile **out, iotssf_error *err)
{
    iotssf_profile *p = arena_alloc(mem, sizeof *p);
    if (!p)
        return iotssf_fail(err, IOTSSF_E_NOMEM, file, 0, 0, "out of memory");
    p->file = arena_strdup(mem, file);
    p->document = document;
    loader l = {.ctx = {.file = file, .err = err}, .mem = mem};
    iotssf_status st = load_profile(&l, root, p);
    if (st)
        return st;
    arena *owned = malloc(sizeof *owned);
    if (!owned)
        return iotssf_fail(err, IOTSSF_E_NOMEM, file, 0, 0, "out of memory");
    *owned = *mem;
    p->memory = owned;
    *out = p;
    return IOTSSF_OK;
}

iotssf_profile_reader *iotssf_profile_reader_open(const char *path, iotssf_error *err)
{
    iotssf_profile_reader *r = calloc(1, sizeof *r);
    if (!r) {
        iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
        return NULL;
    }
    r->stream = doc_stream_open_file(path, err);
    if (!r->stream) {
        free(r);
        return NULL;
    }
    return r;
}

iotssf_status iotssf_profile_reader_next(iotssf_profile_reader *r, iotssf_profile **out,
                                         iotssf_error *err)
{
    *out = NULL;
    arena mem;
    arena_init(&mem);
    doc_node *root = NULL;
    const char *name = doc_stream_name(r->stream);
    iotssf_status st = doc_stream_next(r->stream, &mem, &root, err);
    if (!st && root) {
        r->documents++;
        st = profile_from_doc(name, r->documents, root, &mem, out, err);
    } else if (!st && r->documents == 0) {
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0, "the file holds no profile");
    }
    if (!*out)
        arena_free(&mem);
    return st;
}

void iotssf_profile_reader_close(iotssf_profile_reader *r)
{
    if (!r)
        return;
    doc_stream_close(r->stream);
    free(r);
}

iotssf_status iotssf_profile_parse(const char *name, const void *data, size_t size,
                                   iotssf_profile **out, iotssf_error *err)
{
    *out = NULL;
    doc_stream *s = doc_stream_open_memory(name, data, size, err);
    if (!s)
        return err->status;
    arena mem;
    arena_init(&mem);
    doc_node *root = NULL;
    iotssf_status st = doc_stream_next(s, &mem, &root, err);
    if (!st && !root)
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0, "the input holds no profile");
    if (!st) {
        st = profile_from_doc(name, 1, root, &mem, out, err);
        if (!st)
            arena_init(&mem); /* the profile owns that memory now */
    }
    if (!st) {
        doc_node *second = NULL;
        arena scratch;
        arena_init(&scratch);
        st = doc_stream_next(s, &scratch, &second, err);
        if (!st && second)
            st = iotssf_fail(err, IOTSSF_E_INPUT, name, second->line, second->column,
                             "expected one profile, found a second document");
        arena_free(&scratch);
        if (st) {
            iotssf_profile_free(*out);
            *out = NULL;
        }
    }
    arena_free(&mem);
    doc_stream_close(s);
    return st;
}

void iotssf_profile_free(iotssf_profile *p)
{
    if (!p)
        return;
    arena *mem = p->memory;
    arena_free(mem); /* p itself lives in the arena */
    free(mem);
}
