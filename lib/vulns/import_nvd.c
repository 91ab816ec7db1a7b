/*
 * Importing an NVD CVE API 2.0 feed file (the "vulnerabilities" list of
 * https://nvd.nist.gov/developers/vulnerabilities, or a yearly
 * nvdcve-2.0-YYYY.json). Each CVE becomes an OSV record: every vulnerable
 * cpeMatch whose vendor:product is the `cpe` or a `cpe_also` of a component
 * signature becomes an affected entry of that component, with
 * versionStartIncluding -> introduced, versionStartExcluding -> our
 * introduced_after, versionEndExcluding -> fixed, versionEndIncluding ->
 * last_affected, or, for a CPE naming one version, that version (OpenSSH's
 * bare "7.7" bounds are widened to its portable releases, see
 * portable_bound). The CVSS
 * vector comes from cvssMetricV31, else V30, else V2 (the "Primary" one
 * first); the score is computed from it, not copied.
 *
 * The feed is hostile like any input: its size is capped before it is
 * read, and no count in it is trusted.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vulns_internal.h"

static const long long MAX_FEED = 1LL << 30;

enum { CPE_FIELDS = 13, MAX_CPE = 1024 };

static const char *text(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* "cpe:2.3:a:openbsd:openssh:7.4:p1:*:..." split on unescaped ':' into
 * fields (escapes kept, which never matter for vendor, product or a
 * version we can compare). */
static int split_cpe(const char *cpe, char *buf, const char **fields)
{
    size_t len = strlen(cpe);
    if (len >= MAX_CPE || strncmp(cpe, "cpe:2.3:", 8) != 0)
        return 0;
    memcpy(buf, cpe, len + 1);
    int n = 0;
    fields[n++] = buf;
    for (char *p = buf; *p && n < CPE_FIELDS; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == ':') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

static const char *component_of_cpe(const vuln_signatures *sigs, const char *vendor,
                                    const char *product)
{
    for (size_t i = 0; i < sigs->count; i++)
        for (size_t k = 0; k < sigs->items[i].cpe_count; k++)
            if (strcmp(sigs->items[i].cpes[k].vendor, vendor) == 0 &&
                strcmp(sigs->items[i].cpes[k].product, product) == 0)
                return sigs->items[i].id;
    return NULL;
}

/* NVD names OpenSSH releases without the portable suffix: "through 7.7"
 * covers 7.7p1 too, so an inclusive upper bound (or an exclusive lower one)
 * on a bare OpenSSH version is read as covering all its p-releases. */
static const char *portable_bound(vuln_import *im, const char *component, const char *v)
{
    if (!v || strcmp(vuln_signature_scheme(&im->sigs, component), "openssh") != 0 ||
        strpbrk(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return v;
    const char *bound = arena_printf(&im->scratch, "%sp99", v);
    return bound ? bound : v;
}

static bool is_any(const char *v)
{
    return strcmp(v, "*") == 0 || strcmp(v, "-") == 0 || *v == '\0';
}

/* An affected entry for one cpeMatch; false when it does not apply. */
static bool cpe_match_entry(vuln_import *im, const json_t *m, osv_affected *af)
{
    const char *criteria = text(m, "criteria"), *fields[CPE_FIELDS];
    char buf[MAX_CPE];
    if (!json_is_true(json_object_get(m, "vulnerable")) || !criteria ||
        split_cpe(criteria, buf, fields) < 7)
        return false;
    af->name = component_of_cpe(&im->sigs, fields[3], fields[4]);
    if (!af->name || strcmp(fields[5], "-") == 0)
        return false;
    af->ecosystem = "upstream";
    arena *a = &im->scratch;
    if (!is_any(fields[5])) {
        /* One version: OpenSSH's "7.4" + "p1", the kernel's "5.10" + "rc1". */
        const char *update = fields[6];
        const char *v = is_any(update) ? arena_strdup(a, fields[5])
                        : update[0] == 'p' ? arena_printf(a, "%s%s", fields[5], update)
                                           : arena_printf(a, "%s-%s", fields[5], update);
        af->versions = arena_alloc(a, sizeof *af->versions);
        if (!v || !af->versions)
            return false;
        af->versions[0] = v;
        af->version_count = 1;
        return true;
    }
    osv_range *r = arena_alloc(a, sizeof *r);
    osv_event *ev = arena_alloc(a, 2 * sizeof *ev);
    if (!r || !ev)
        return false;
    const char *start = text(m, "versionStartIncluding");
    const char *after = portable_bound(im, af->name, text(m, "versionStartExcluding"));
    const char *end = text(m, "versionEndExcluding");
    const char *last = portable_bound(im, af->name, text(m, "versionEndIncluding"));
    ev[0] = start   ? (osv_event){OSV_INTRODUCED, start}
            : after ? (osv_event){OSV_INTRODUCED_AFTER, after}
                    : (osv_event){OSV_INTRODUCED, "0"};
    r->event_count = 1;
    if (end || last)
        ev[r->event_count++] = end ? (osv_event){OSV_FIXED, end}
                                   : (osv_event){OSV_LAST_AFFECTED, last};
    r->events = ev;
    af->ranges = r;
    af->range_count = 1;
    return true;
}

/* Every vulnerable, mapped cpeMatch of every configuration node. */
static iotssf_status affected_entries(vuln_import *im, const json_t *cve, osv_record *r)
{
    size_t cap = 0;
    const json_t *conf, *node, *m;
    size_t i, j, k;
    json_array_foreach(json_object_get(cve, "configurations"), i, conf)
        json_array_foreach(json_object_get(conf, "nodes"), j, node)
            cap += json_array_size(json_object_get(node, "cpeMatch"));
    if (cap > OSV_MAX_LIST)
        cap = OSV_MAX_LIST;
    r->affected = arena_alloc(&im->scratch, (cap + 1) * sizeof *r->affected);
    if (!r->affected)
        return IOTSSF_E_NOMEM;
    json_array_foreach(json_object_get(cve, "configurations"), i, conf)
        json_array_foreach(json_object_get(conf, "nodes"), j, node)
            json_array_foreach(json_object_get(node, "cpeMatch"), k, m)
                if (r->affected_count < cap &&
                    cpe_match_entry(im, m, &r->affected[r->affected_count]))
                    r->affected_count++;
    return IOTSSF_OK;
}

static void pick_cvss(const json_t *metrics, osv_record *r)
{
    static const struct {
        const char *key, *type;
    } kinds[] = {{"cvssMetricV31", "CVSS_V3"}, {"cvssMetricV30", "CVSS_V3"},
                 {"cvssMetricV2", "CVSS_V2"}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && !r->cvss_vector; k++) {
        const json_t *list = json_object_get(metrics, kinds[k].key), *m;
        size_t i;
        json_array_foreach(list, i, m) {
            const char *vector = text(json_object_get(m, "cvssData"), "vectorString");
            const char *type = text(m, "type");
            if (!vector || cvss_base_score(vector) < 0)
                continue;
            if (!r->cvss_vector || (type && strcmp(type, "Primary") == 0)) {
                r->cvss_vector = vector;
                r->severity_type = kinds[k].type;
            }
        }
    }
}

static const char *english_summary(vuln_import *im, const json_t *cve)
{
    const json_t *d;
    size_t i;
    json_array_foreach(json_object_get(cve, "descriptions"), i, d) {
        const char *lang = text(d, "lang"), *value = text(d, "value");
        if (lang && value && strcmp(lang, "en") == 0) {
            size_t len = strcspn(value, "\n");
            return arena_strndup(&im->scratch, value,
                                 len < OSV_MAX_SUMMARY ? len : OSV_MAX_SUMMARY);
        }
    }
    return NULL;
}

static bool valid_cve_id(const char *id)
{
    return id && strncmp(id, "CVE-", 4) == 0 && strlen(id) < 32 &&
           strspn(id + 4, "0123456789-") == strlen(id + 4) && strlen(id) >= 13;
}

static iotssf_status import_cve(vuln_import *im, const json_t *cve, iotssf_error *err)
{
    osv_record r = {.id = text(cve, "id")};
    const char *status = text(cve, "vulnStatus");
    if (!json_is_object(cve) || !valid_cve_id(r.id) ||
        (status && strcmp(status, "Rejected") == 0)) {
        im->stats->malformed++;
        return IOTSSF_OK;
    }
    r.summary = english_summary(im, cve);
    pick_cvss(json_object_get(cve, "metrics"), &r);
    size_t nrefs = json_array_size(json_object_get(cve, "references"));
    nrefs = nrefs < OSV_MAX_LIST ? nrefs : OSV_MAX_LIST;
    r.references = arena_alloc(&im->scratch, (nrefs + 1) * sizeof *r.references);
    if (!r.references || affected_entries(im, cve, &r))
        return iotssf_fail(err, IOTSSF_E_NOMEM, "", 0, 0, "out of memory");
    for (size_t i = 0; i < nrefs; i++) {
        const char *url = text(json_array_get(json_object_get(cve, "references"), i), "url");
        if (url)
            r.references[r.reference_count++] = url;
    }
    osv_finish_record(&r);
    iotssf_status st = vuln_import_store(im, &r, err);
    arena_reset(&im->scratch);
    return st;
}

static iotssf_status check_feed(const char *name, json_t *feed, const json_error_t *je,
                                iotssf_error *err)
{
    if (!feed)
        return iotssf_fail(err, IOTSSF_E_INPUT, name, (unsigned)(je->line > 0 ? je->line : 0),
                           (unsigned)(je->column > 0 ? je->column : 0), "not valid JSON: %s",
                           je->text);
    const char *format = text(feed, "format");
    if (json_is_array(json_object_get(feed, "vulnerabilities")) &&
        (!format || strcmp(format, "NVD_CVE") == 0))
        return IOTSSF_OK;
    return iotssf_fail(err, IOTSSF_E_INPUT, name, 1, 1,
                       "not an NVD CVE API 2.0 file: expected an object with format "
                       "\"NVD_CVE\" and a \"vulnerabilities\" list");
}

static iotssf_status import_feed(vuln_import *im, const json_t *feed, iotssf_error *err)
{
    const json_t *item;
    size_t i;
    json_array_foreach(json_object_get(feed, "vulnerabilities"), i, item) {
        iotssf_status st = import_cve(im, json_object_get(item, "cve"), err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

iotssf_status vuln_nvd_import_buffer(vuln_import *im, const char *name, const void *data,
                                     size_t size, iotssf_error *err)
{
    json_error_t je;
    json_t *feed = json_loadb(data, size, JSON_REJECT_DUPLICATES, &je);
    iotssf_status st = check_feed(name, feed, &je, err);
    if (!st)
        st = import_feed(im, feed, err);
    json_decref(feed);
    return st;
}

iotssf_status iotssf_vulndb_import_nvd(const char *data_dir, const char *source,
                                       const char *db_path, iotssf_vuln_import_stats *stats,
                                       iotssf_error *err)
{
    struct stat sb;
    if (stat(source, &sb) != 0 || !S_ISREG(sb.st_mode))
        return iotssf_fail(err, IOTSSF_E_IO, source, 0, 0, "cannot read: not a file");
    if (sb.st_size > MAX_FEED)
        return iotssf_fail(err, IOTSSF_E_INPUT, source, 0, 0,
                           "larger than %lld bytes; split the feed by year", MAX_FEED);
    json_error_t je;
    json_t *feed = json_load_file(source, JSON_REJECT_DUPLICATES, &je);
    iotssf_status st = check_feed(source, feed, &je, err);
    vuln_import im;
    if (!st)
        st = vuln_import_begin(&im, data_dir, source, db_path, stats, err);
    if (!st)
        st = vuln_import_finish(&im, import_feed(&im, feed, err), err);
    json_decref(feed);
    return st;
}
