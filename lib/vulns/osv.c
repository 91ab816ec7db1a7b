/*
 * OSV 1.6 records (https://ossf.github.io/osv-schema/) read from the
 * document tree of core/doc.h, so a malformed shipped record is reported at
 * its file, line and column. Shipped files are read strictly (unknown keys
 * are typos, every package is in the "upstream" ecosystem); exports and the
 * imported database are read leniently, since OSV grows new fields.
 * Matching a version against the ranges of an affected entry is here too:
 * it is the OSV evaluation algorithm over the events sorted by version.
 */
#include <stdlib.h>
#include <string.h>

#include "vulns_internal.h"

typedef struct osv_parser {
    doc_ctx *c;
    arena *a;
    bool strict;
} osv_parser;

static iotssf_status nomem(osv_parser *p)
{
    return iotssf_fail(p->c->err, IOTSSF_E_NOMEM, p->c->file, 0, 0, "out of memory");
}

static iotssf_status check_keys(osv_parser *p, const doc_node *map, const char *const *allowed,
                                const char *what)
{
    TRY(doc_expect(p->c, map, DOC_MAPPING, what));
    return p->strict ? doc_check_keys(p->c, map, allowed, what) : IOTSSF_OK;
}

/* JSON null arrives as the plain scalar "null": the same as absent. */
static bool is_null(const doc_node *n)
{
    return !n || (n->kind == DOC_SCALAR && n->plain &&
                  (strcmp(n->text, "null") == 0 || n->len == 0));
}

static iotssf_status optional_string(osv_parser *p, const doc_node *map, const char *key,
                                     const char **out)
{
    const doc_node *n = doc_get(map, key);
    *out = NULL;
    if (is_null(n))
        return IOTSSF_OK;
    return doc_string(p->c, n, key, out);
}

/* A list of strings; `what` names it in errors. */
static iotssf_status string_list(osv_parser *p, const doc_node *n, const char *what,
                                 const char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (is_null(n))
        return IOTSSF_OK;
    TRY(doc_expect(p->c, n, DOC_SEQUENCE, what));
    if (n->count > OSV_MAX_LIST)
        return doc_error(p->c, n, "%s: more than %d items", what, OSV_MAX_LIST);
    *out = arena_alloc(p->a, (n->count + 1) * sizeof **out);
    if (!*out)
        return nomem(p);
    for (size_t i = 0; i < n->count; i++)
        TRY(doc_string(p->c, n->items[i], what, &(*out)[i]));
    *count = n->count;
    return IOTSSF_OK;
}

static iotssf_status parse_event(osv_parser *p, const doc_node *n, osv_event *e)
{
    static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit",
                                        "introduced_after", NULL};
    TRY(doc_expect(p->c, n, DOC_MAPPING, "range event"));
    if (n->count != 1)
        return doc_error(p->c, n, "range event: expected exactly one of introduced, fixed, "
                                  "last_affected, limit");
    int kind = -1;
    for (int k = 0; kinds[k]; k++)
        if (strcmp(n->pairs[0].key->text, kinds[k]) == 0)
            kind = k;
    if (kind < 0 || (p->strict && kind == OSV_INTRODUCED_AFTER))
        return doc_error(p->c, n->pairs[0].key, "unknown range event '%s'; expected one of: "
                                                "introduced, fixed, last_affected, limit",
                         n->pairs[0].key->text);
    e->kind = (osv_event_kind)kind;
    return doc_string(p->c, n->pairs[0].value, kinds[kind], &e->version);
}

static iotssf_status parse_range(osv_parser *p, const doc_node *n, osv_range *r)
{
    static const char *const keys[] = {"type", "repo", "events", "database_specific", NULL};
    static const char *const types[] = {"ECOSYSTEM", "SEMVER", "GIT", NULL};
    TRY(check_keys(p, n, keys, "range"));
    const doc_node *v;
    int type;
    TRY(doc_require(p->c, n, "type", "range", &v));
    TRY(doc_enum(p->c, v, types, "range type", &type));
    r->git = type == 2;
    TRY(doc_require(p->c, n, "events", "range", &v));
    TRY(doc_expect(p->c, v, DOC_SEQUENCE, "events"));
    if (v->count == 0 || v->count > OSV_MAX_EVENTS)
        return doc_error(p->c, v, "events: expected 1 to %d events", OSV_MAX_EVENTS);
    r->events = arena_alloc(p->a, v->count * sizeof *r->events);
    if (!r->events)
        return nomem(p);
    bool introduced = false;
    for (size_t i = 0; i < v->count; i++) {
        TRY(parse_event(p, v->items[i], &r->events[i]));
        introduced |= r->events[i].kind == OSV_INTRODUCED ||
                      r->events[i].kind == OSV_INTRODUCED_AFTER;
    }
    r->event_count = v->count;
    if (!introduced)
        return doc_error(p->c, v, "events: a range needs an 'introduced' event (\"0\" for all "
                                  "versions before the fix)");
    return IOTSSF_OK;
}

static iotssf_status parse_package(osv_parser *p, const doc_node *n, osv_affected *af)
{
    static const char *const keys[] = {"ecosystem", "name", "purl", NULL};
    TRY(check_keys(p, n, keys, "package"));
    const doc_node *v;
    TRY(doc_require(p->c, n, "ecosystem", "package", &v));
    TRY(doc_string(p->c, v, "ecosystem", &af->ecosystem));
    if (p->strict && strcmp(af->ecosystem, "upstream") != 0)
        return doc_error(p->c, v, "ecosystem: shipped records name components in the "
                                  "\"upstream\" ecosystem, found '%s'", af->ecosystem);
    TRY(doc_require(p->c, n, "name", "package", &v));
    TRY(doc_string(p->c, v, "name", &af->name));
    return optional_string(p, n, "purl", &af->purl);
}

static iotssf_status parse_affected(osv_parser *p, const doc_node *n, osv_affected *af)
{
    static const char *const keys[] = {"package", "severity", "ranges", "versions",
                                       "ecosystem_specific", "database_specific", NULL};
    TRY(check_keys(p, n, keys, "affected entry"));
    const doc_node *v;
    TRY(doc_require(p->c, n, "package", "affected entry", &v));
    TRY(parse_package(p, v, af));
    TRY(string_list(p, doc_get(n, "versions"), "versions", &af->versions, &af->version_count));
    v = doc_get(n, "ranges");
    if (is_null(v))
        v = NULL;
    if (v) {
        TRY(doc_expect(p->c, v, DOC_SEQUENCE, "ranges"));
        if (v->count > OSV_MAX_LIST)
            return doc_error(p->c, v, "ranges: more than %d ranges", OSV_MAX_LIST);
        af->ranges = arena_alloc(p->a, (v->count + 1) * sizeof *af->ranges);
        if (!af->ranges)
            return nomem(p);
        for (size_t i = 0; i < v->count; i++)
            TRY(parse_range(p, v->items[i], &af->ranges[i]));
        af->range_count = v->count;
    }
    if (p->strict && af->range_count == 0 && af->version_count == 0)
        return doc_error(p->c, n, "affected entry: give 'ranges' or 'versions'");
    return IOTSSF_OK;
}

/* The first CVSS vector we can score wins; v3 is preferred over v2. */
static iotssf_status parse_severity(osv_parser *p, const doc_node *n, osv_record *r)
{
    static const char *const keys[] = {"type", "score", NULL};
    if (is_null(n))
        return IOTSSF_OK;
    TRY(doc_expect(p->c, n, DOC_SEQUENCE, "severity"));
    if (n->count > OSV_MAX_LIST)
        return doc_error(p->c, n, "severity: too many entries");
    int best = 0;
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *item = n->items[i], *v;
        const char *type, *score;
        TRY(check_keys(p, item, keys, "severity entry"));
        TRY(doc_require(p->c, item, "type", "severity entry", &v));
        TRY(doc_string(p->c, v, "type", &type));
        TRY(doc_require(p->c, item, "score", "severity entry", &v));
        TRY(doc_string(p->c, v, "score", &score));
        bool v3 = strcmp(type, "CVSS_V3") == 0, v2 = strcmp(type, "CVSS_V2") == 0;
        if ((v3 || v2) && cvss_base_score(score) < 0)
            return doc_error(p->c, v, "score: '%s' is not a valid %s base vector", score, type);
        int rank = v3 ? 3 : v2 ? 2 : 1;
        if (rank > best) {
            best = rank;
            r->severity_type = type;
            r->cvss_vector = score;
        }
    }
    return IOTSSF_OK;
}

static iotssf_status parse_references(osv_parser *p, const doc_node *n, osv_record *r)
{
    static const char *const keys[] = {"type", "url", NULL};
    if (is_null(n))
        return IOTSSF_OK;
    TRY(doc_expect(p->c, n, DOC_SEQUENCE, "references"));
    if (n->count > OSV_MAX_LIST)
        return doc_error(p->c, n, "references: more than %d", OSV_MAX_LIST);
    r->references = arena_alloc(p->a, (n->count + 1) * sizeof *r->references);
    if (!r->references)
        return nomem(p);
    for (size_t i = 0; i < n->count; i++) {
        const doc_node *v;
        TRY(check_keys(p, n->items[i], keys, "reference"));
        TRY(doc_require(p->c, n->items[i], "url", "reference", &v));
        TRY(doc_string(p->c, v, "url", &r->references[i]));
    }
    r->reference_count = n->count;
    return IOTSSF_OK;
}

/* A summary, or the first line of the details cut to a readable length. */
static iotssf_status parse_summary(osv_parser *p, const doc_node *n, osv_record *r)
{
    TRY(optional_string(p, n, "summary", &r->summary));
    const char *details;
    TRY(optional_string(p, n, "details", &details));
    if (r->summary || !details)
        return IOTSSF_OK;
    size_t len = strcspn(details, "\n");
    if (len > OSV_MAX_SUMMARY)
        len = OSV_MAX_SUMMARY;
    r->summary = arena_strndup(p->a, details, len);
    return r->summary ? IOTSSF_OK : nomem(p);
}

static iotssf_status parse_record(osv_parser *p, const doc_node *n, osv_record *r)
{
    static const char *const keys[] = {
        "schema_version", "id",       "modified", "published",  "withdrawn",
        "aliases",        "related",  "upstream", "summary",    "details",
        "severity",       "affected", "references", "credits",  "database_specific", NULL};
    TRY(check_keys(p, n, keys, "record"));
    r->line = n->line;
    const doc_node *v;
    TRY(doc_require(p->c, n, "id", "record", &v));
    TRY(doc_string(p->c, v, "id", &r->id));
    const char *withdrawn;
    TRY(optional_string(p, n, "withdrawn", &withdrawn));
    r->withdrawn = withdrawn != NULL;
    TRY(string_list(p, doc_get(n, "aliases"), "aliases", &r->aliases, &r->alias_count));
    TRY(string_list(p, doc_get(n, "upstream"), "upstream", &r->upstream, &r->upstream_count));
    TRY(parse_summary(p, n, r));
    TRY(parse_severity(p, doc_get(n, "severity"), r));
    TRY(parse_references(p, doc_get(n, "references"), r));
    const doc_node *db = doc_get(n, "database_specific");
    if (db && db->kind == DOC_MAPPING) {
        const doc_node *sev = doc_get(db, "severity");
        if (sev && sev->kind == DOC_SCALAR && sev->len)
            r->declared_severity = sev->text;
    }
    v = doc_get(n, "affected");
    if (p->strict && !v)
        return doc_error(p->c, n, "record %s: missing required key 'affected'", r->id);
    if (!is_null(v)) {
        TRY(doc_expect(p->c, v, DOC_SEQUENCE, "affected"));
        if (v->count > OSV_MAX_LIST)
            return doc_error(p->c, v, "affected: more than %d entries", OSV_MAX_LIST);
        r->affected = arena_alloc(p->a, (v->count + 1) * sizeof *r->affected);
        if (!r->affected)
            return nomem(p);
        for (size_t i = 0; i < v->count; i++)
            TRY(parse_affected(p, v->items[i], &r->affected[i]));
        r->affected_count = v->count;
    }
    osv_finish_record(r);
    return IOTSSF_OK;
}

iotssf_status osv_parse(doc_ctx *c, const doc_node *root, bool strict, arena *a,
                        osv_record **records, size_t *count)
{
    osv_parser p = {.c = c, .a = a, .strict = strict};
    *records = NULL;
    *count = 0;
    size_t n = root->kind == DOC_SEQUENCE ? root->count : 1;
    if (root->kind == DOC_SCALAR)
        return doc_expect(c, root, DOC_MAPPING, "OSV record");
    osv_record *out = arena_alloc(a, (n + 1) * sizeof *out);
    if (!out)
        return nomem(&p);
    for (size_t i = 0; i < n; i++)
        TRY(parse_record(&p, root->kind == DOC_SEQUENCE ? root->items[i] : root, &out[i]));
    *records = out;
    *count = n;
    return IOTSSF_OK;
}

/* OSV's CVSS-less databases (GHSA, some distros) still say how bad. */
static bool declared_severity(const char *name, iotssf_severity *out)
{
    static const struct {
        const char *name;
        iotssf_severity sev;
    } names[] = {{"LOW", IOTSSF_SEV_LOW},   {"MODERATE", IOTSSF_SEV_MEDIUM},
                 {"MEDIUM", IOTSSF_SEV_MEDIUM}, {"HIGH", IOTSSF_SEV_HIGH},
                 {"CRITICAL", IOTSSF_SEV_CRITICAL}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return *out = names[i].sev, true;
    return false;
}

void osv_finish_record(osv_record *r)
{
    r->cve = r->id;
    for (size_t i = 0; strncmp(r->cve, "CVE-", 4) != 0 && i < r->alias_count; i++)
        if (strncmp(r->aliases[i], "CVE-", 4) == 0)
            r->cve = r->aliases[i];
    for (size_t i = 0; strncmp(r->cve, "CVE-", 4) != 0 && i < r->upstream_count; i++)
        if (strncmp(r->upstream[i], "CVE-", 4) == 0)
            r->cve = r->upstream[i];
    r->cvss_score = cvss_base_score(r->cvss_vector);
    r->severity = cvss_severity(r->cvss_score);
    iotssf_severity declared;
    if (r->cvss_score < 0 && declared_severity(r->declared_severity, &declared))
        r->severity = declared;
}

/* ---- matching ---- */

/* Event order: introduced "0" before everything, then by version; at equal
 * versions a start sorts before an end, so [x, x) is empty. */
static int event_compare(const char *scheme, const osv_event *a, const osv_event *b)
{
    bool a_zero = a->kind == OSV_INTRODUCED && strcmp(a->version, "0") == 0;
    bool b_zero = b->kind == OSV_INTRODUCED && strcmp(b->version, "0") == 0;
    if (a_zero || b_zero)
        return b_zero - a_zero;
    int c = iotssf_version_compare(scheme, a->version, b->version);
    if (c)
        return c;
    return (a->kind == OSV_INTRODUCED ? 0 : 1) - (b->kind == OSV_INTRODUCED ? 0 : 1);
}

static bool range_matches(const osv_range *r, const char *scheme, const char *version,
                          const char **introduced, const char **fixed)
{
    const osv_event *sorted[OSV_MAX_EVENTS];
    size_t n = r->event_count < OSV_MAX_EVENTS ? r->event_count : OSV_MAX_EVENTS;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && event_compare(scheme, sorted[j - 1], &r->events[i]) > 0) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = &r->events[i];
    }
    bool vulnerable = false;
    size_t i = 0;
    for (; i < n; i++) {
        const osv_event *e = sorted[i];
        bool zero = e->kind == OSV_INTRODUCED && strcmp(e->version, "0") == 0;
        int c = zero ? 1 : iotssf_version_compare(scheme, version, e->version);
        if (e->kind == OSV_INTRODUCED && c >= 0) {
            vulnerable = true;
            *introduced = zero ? NULL : e->version;
        } else if (e->kind == OSV_INTRODUCED_AFTER && c > 0) {
            vulnerable = true;
            *introduced = e->version;
        } else if ((e->kind == OSV_FIXED && c >= 0) || (e->kind == OSV_LAST_AFFECTED && c > 0)) {
            vulnerable = false;
        } else if (c < 0) {
            break;
        }
    }
    *fixed = NULL;
    for (; vulnerable && i < n && !*fixed; i++)
        if (sorted[i]->kind == OSV_FIXED)
            *fixed = sorted[i]->version;
    return vulnerable;
}

bool osv_affected_matches(const osv_affected *af, const char *scheme, const char *version,
                          const char **introduced, const char **fixed)
{
    *introduced = *fixed = NULL;
    for (size_t i = 0; i < af->version_count; i++)
        if (strcmp(af->versions[i], version) == 0 ||
            iotssf_version_compare(scheme, af->versions[i], version) == 0)
            return true;
    for (size_t i = 0; i < af->range_count; i++)
        if (!af->ranges[i].git &&
            range_matches(&af->ranges[i], scheme, version, introduced, fixed))
            return true;
    return false;
}
