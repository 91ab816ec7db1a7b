/*
 * Records written back as OSV JSON for the imported database. Only what
 * matching and reporting use is kept (id, aliases, summary, severity,
 * references, and the affected entries already mapped to component ids);
 * commit (GIT) ranges are dropped since releases are what firmware shows.
 */
#include <jansson.h>
#include <stdlib.h>

#include "vulns_internal.h"

static const char *const event_names[] = {"introduced", "fixed", "last_affected", "limit",
                                          "introduced_after"};

static json_t *string_array(const char *const *items, size_t count)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < count; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *range_json(const osv_range *r)
{
    json_t *events = json_array();
    for (size_t i = 0; events && i < r->event_count; i++)
        json_array_append_new(events, json_pack("{s:s}", event_names[r->events[i].kind],
                                                r->events[i].version));
    return json_pack("{s:s, s:o}", "type", "ECOSYSTEM", "events", events);
}

static json_t *affected_json(const osv_affected *af)
{
    json_t *package = json_pack("{s:s, s:s}", "ecosystem", af->ecosystem, "name", af->name);
    if (package && af->purl)
        json_object_set_new(package, "purl", json_string(af->purl));
    json_t *ranges = json_array();
    for (size_t i = 0; ranges && i < af->range_count; i++)
        if (!af->ranges[i].git)
            json_array_append_new(ranges, range_json(&af->ranges[i]));
    return json_pack("{s:o, s:o, s:o}", "package", package, "ranges", ranges, "versions",
                     string_array(af->versions, af->version_count));
}

char *osv_to_json(const osv_record *r)
{
    json_t *o = json_pack("{s:s, s:s}", "schema_version", "1.6.0", "id", r->id);
    if (!o)
        return NULL;
    json_object_set_new(o, "aliases", string_array(r->aliases, r->alias_count));
    json_object_set_new(o, "upstream", string_array(r->upstream, r->upstream_count));
    if (r->summary)
        json_object_set_new(o, "summary", json_string(r->summary));
    if (r->cvss_vector && r->severity_type)
        json_object_set_new(o, "severity", json_pack("[{s:s, s:s}]", "type", r->severity_type,
                                                     "score", r->cvss_vector));
    if (r->declared_severity)
        json_object_set_new(o, "database_specific",
                            json_pack("{s:s}", "severity", r->declared_severity));
    json_t *refs = json_array();
    for (size_t i = 0; refs && i < r->reference_count; i++)
        json_array_append_new(refs, json_pack("{s:s, s:s}", "type", "WEB", "url",
                                              r->references[i]));
    json_object_set_new(o, "references", refs);
    json_t *affected = json_array();
    for (size_t i = 0; affected && i < r->affected_count; i++)
        json_array_append_new(affected, affected_json(&r->affected[i]));
    json_object_set_new(o, "affected", affected);
    /* Not JSON_COMPACT: the reader is libyaml, which wants a space after ':'. */
    char *text = json_dumps(o, JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}
