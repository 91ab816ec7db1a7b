/*
 * The software bill of materials of a firmware image as CycloneDX 1.5 JSON
 * (https://cyclonedx.org/docs/1.5/json/): the image itself as the subject,
 * one component per identified piece of software with the evidence of how it
 * was identified, and the known vulnerabilities that affect those components.
 *
 * The output is meant to be diffed in CI, so it is deterministic: the serial
 * number is a name-based UUID (RFC 4122 version 5) of the image hash and the
 * iotssf version, and the timestamp honours SOURCE_DATE_EPOCH. Unknown values
 * are omitted, never written as "" (the schema and its readers take a value
 * as a claim).
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/sha256.h"
#include "iotssf/firmware.h"
#include "iotssf/iotssf.h"
#include "json_text.h"
#include "report_internal.h"

#define SBOM_SCHEMA "http://cyclonedx.org/schema/bom-1.5.schema.json"

/* CycloneDX caps a version at 1024 characters; a longer one (only a hostile
 * image has it) is left out rather than making the SBOM invalid. */
static const char *sbom_version(const char *v)
{
    return v && *v && strlen(v) <= 1024 ? v : NULL;
}

/* RFC 4122 version 5 UUID of `name` in the URL namespace: the same image
 * scanned by the same iotssf gives the same serial number. */
static bool name_uuid(const char *name, char out[46])
{
    static const unsigned char url_ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                             0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
              EVP_DigestUpdate(ctx, url_ns, sizeof url_ns) &&
              EVP_DigestUpdate(ctx, name, strlen(name)) && EVP_DigestFinal_ex(ctx, md, &md_len);
    EVP_MD_CTX_free(ctx);
    if (!ok || md_len < 16)
        return false;
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    char *p = out + sprintf(out, "urn:uuid:");
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        p += sprintf(p, "%02x", md[i]);
    }
    return true;
}

/* Reproducible builds' convention: a fixed clock when SOURCE_DATE_EPOCH says
 * so, so two runs over the same image give the same bytes. */
static void bom_timestamp(char out[32])
{
    time_t now = time(NULL);
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end == '\0' && v >= 0 && v < 253402300800LL)
            now = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* CycloneDX's component type for our component ids; the rest are programs. */
static const char *component_type(const char *id)
{
    static const char *const libraries[] = {"openssl", "wolfssl",  "mbedtls", "uclibc",
                                            "uclibc-ng", "musl",   "glibc",   "libupnp",
                                            "treck",   "curl"};
    if (strcmp(id, "linux") == 0)
        return "operating-system";
    if (strcmp(id, "u-boot") == 0)
        return "firmware";
    for (size_t i = 0; i < sizeof libraries / sizeof *libraries; i++)
        if (strcmp(id, libraries[i]) == 0)
            return "library";
    return "application";
}

static const char *evidence_technique(const char *method)
{
    if (!method)
        return "other";
    if (strcmp(method, "version-string") == 0 || strcmp(method, "uimage-header") == 0 ||
        strcmp(method, "module-vermagic") == 0)
        return "binary-analysis";
    if (strcmp(method, "opkg-status") == 0 || strcmp(method, "dpkg-status") == 0)
        return "manifest-analysis";
    if (strcmp(method, "file-name") == 0)
        return "filename";
    if (strcmp(method, "banner") == 0)
        return "dynamic-analysis";
    return "other";
}

/* How much each kind of evidence says on its own, and what our three levels
 * mean on CycloneDX's 0..1 scale. */
static double technique_confidence(const char *technique)
{
    if (strcmp(technique, "binary-analysis") == 0)
        return 0.8;
    if (strcmp(technique, "manifest-analysis") == 0)
        return 0.7;
    if (strcmp(technique, "filename") == 0)
        return 0.3;
    return 0.5;
}

static double confidence_value(iotssf_confidence c)
{
    return c == IOTSSF_CONFIDENCE_HIGH ? 0.9 : c == IOTSSF_CONFIDENCE_MEDIUM ? 0.6 : 0.3;
}

static void add_property(json_t *props, const char *name, const char *value)
{
    json_t *p = json_object();
    json_set_text(p, "name", name);
    if (json_set_text(p, "value", value))
        json_array_append_new(props, p);
    else
        json_decref(p);
}

static void location_of(const char *origin, const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", origin ? origin : "", origin && path ? ":" : "",
             path ? path : "");
}

/* Whether o[key] is the string `value` (items are found again by the text
 * they were made from, which json_text keeps when it is valid UTF-8). */
static bool has_text(const json_t *o, const char *key, const char *value)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && value && strcmp(v, value) == 0;
}

static void add_unique_text(json_t *array, const char *key, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach (array, i, item)
        if (has_text(item, key, value))
            return;
    json_t *o = json_object();
    if (json_set_text(o, key, value))
        json_array_append_new(array, o);
    else
        json_decref(o);
}

static json_t *hash_json(const char *hex)
{
    return json_pack("{s:s, s:s}", "alg", "SHA-256", "content", hex);
}

/* Where the component was found: every file, else every piece of evidence. */
static json_t *occurrences_json(const iotssf_component *c)
{
    json_t *occ = json_array();
    char where[8192];
    for (size_t i = 0; i < c->file_count; i++) {
        location_of(c->files[i].origin, c->files[i].path, where, sizeof where);
        if (where[0])
            add_unique_text(occ, "location", where);
    }
    for (size_t i = 0; !c->file_count && i < c->evidence_count; i++) {
        location_of(c->evidence[i].origin, c->evidence[i].path, where, sizeof where);
        if (where[0])
            add_unique_text(occ, "location", where);
    }
    return occ;
}

static json_t *identity_json(const iotssf_component *c)
{
    const char *field = sbom_version(c->version) ? "version"
                        : c->purl && *c->purl    ? "purl"
                                                 : "name";
    json_t *methods = json_array();
    for (size_t i = 0; i < c->evidence_count; i++) {
        const iotssf_component_evidence *e = &c->evidence[i];
        const char *technique = evidence_technique(e->method);
        json_t *m = json_pack("{s:s, s:f}", "technique", technique, "confidence",
                              technique_confidence(technique));
        if (!json_set_text(m, "value", e->text))
            json_set_text(m, "value", e->path);
        json_array_append_new(methods, m);
    }
    json_t *id = json_pack("{s:s, s:f}", "field", field, "confidence",
                           confidence_value(c->confidence));
    if (json_array_size(methods))
        json_object_set(id, "methods", methods);
    json_decref(methods);
    return id;
}

static json_t *evidence_json(const iotssf_component *c)
{
    json_t *ev = json_pack("{s:o}", "identity", identity_json(c));
    json_t *occ = occurrences_json(c);
    if (json_array_size(occ))
        json_object_set(ev, "occurrences", occ);
    json_decref(occ);
    return ev;
}

/* A license that is one SPDX id goes in `id`; an expression ("MIT OR
 * GPL-2.0-only") in `expression`, since `id` only takes the SPDX list. */
static json_t *licenses_json(const char *license)
{
    bool simple = strspn(license, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789.-+") == strlen(license);
    json_t *l = json_array();
    if (simple)
        json_array_append_new(l, json_pack("{s:{s:s}}", "license", "id", license));
    else {
        json_t *e = json_object();
        json_set_text(e, "expression", license);
        json_array_append_new(l, e);
    }
    return l;
}

static json_t *files_properties(const iotssf_component *c, json_t *props)
{
    /* One file's hash is the component's hash; with several, which one is
     * "the" component is not ours to say, so each is listed as a property. */
    for (size_t i = 0; c->file_count > 1 && i < c->file_count; i++) {
        const iotssf_component_file *f = &c->files[i];
        char where[8192], value[8400];
        location_of(f->origin, f->path, where, sizeof where);
        if (sha256_is_hex(f->sha256))
            snprintf(value, sizeof value, "%s sha256:%s size:%llu", where, f->sha256,
                     (unsigned long long)f->size);
        else
            snprintf(value, sizeof value, "%s size:%llu", where, (unsigned long long)f->size);
        add_property(props, "iotssf:file", value);
    }
    return props;
}

static json_t *component_json(const iotssf_component *c, const char *ref)
{
    json_t *o = json_pack("{s:s}", "type", component_type(c->id));
    json_object_set_new(o, "bom-ref", json_text(ref));
    json_object_set_new(o, "name", json_text(c->name && *c->name ? c->name : c->id));
    json_set_text(o, "version", sbom_version(c->version));
    if (c->supplier && *c->supplier) {
        json_t *s = json_object();
        json_set_text(s, "name", c->supplier);
        json_object_set_new(o, "supplier", s);
    }
    if (c->file_count == 1 && sha256_is_hex(c->files[0].sha256))
        json_object_set_new(o, "hashes", json_pack("[o]", hash_json(c->files[0].sha256)));
    if (c->license && *c->license)
        json_object_set_new(o, "licenses", licenses_json(c->license));
    json_set_text(o, "cpe", c->cpe);
    json_set_text(o, "purl", c->purl);
    json_object_set_new(o, "evidence", evidence_json(c));
    json_t *props = json_array();
    add_property(props, "iotssf:id", c->id);
    add_property(props, "iotssf:confidence", iotssf_confidence_name(c->confidence));
    add_property(props, "iotssf:version-scheme", c->version_scheme);
    if (c->version && c->version_partial)
        add_property(props, "iotssf:version-partial", "true");
    add_property(props, "iotssf:note", c->note);
    files_properties(c, props);
    json_object_set_new(o, "properties", props);
    return o;
}

/* Made of the text as it will be written: two ids that differ only in bytes
 * that are not UTF-8 would otherwise become one bom-ref. */
static int ref_base(char *buf, size_t size, const iotssf_component *c)
{
    const char *version = sbom_version(c->version);
    int n = snprintf(buf, size, "%s%s%s", *c->id ? c->id : "component", version ? "@" : "",
                     version ? version : "");
    char *fixed = utf8_repaired(buf);
    if (fixed) {
        n = snprintf(buf, size, "%s", fixed);
        free(fixed);
    }
    return n < (int)size ? n : (int)size - 1;
}

/* Stable references "<id>@<version>" (or "<id>" without a version); a
 * repeat gets "#2", "#3" so every bom-ref stays unique. Repeats are counted
 * first, so many copies of one component cost one pass each. */
static char **component_refs(const iotssf_components *cs)
{
    char **refs = calloc(cs->count ? cs->count : 1, sizeof *refs);
    if (!refs)
        return NULL;
    for (size_t i = 0; i < cs->count; i++) {
        size_t len = (strlen(cs->items[i].id) + 1024) * 3 + 48;
        if (!(refs[i] = malloc(len)))
            continue;
        int base = ref_base(refs[i], len, &cs->items[i]);
        size_t same = 0;
        for (size_t j = 0; j < i; j++)
            same += refs[j] && strncmp(refs[j], refs[i], (size_t)base) == 0 &&
                    (refs[j][base] == '\0' || refs[j][base] == '#');
        for (size_t n = same + 1;; n++) {
            if (n > 1)
                snprintf(refs[i] + base, len - (size_t)base, "#%zu", n);
            size_t j = 0;
            while (j < i && !(refs[j] && strcmp(refs[j], refs[i]) == 0))
                j++;
            if (j == i)
                break;
        }
    }
    return refs;
}

static void free_refs(char **refs, size_t count)
{
    for (size_t i = 0; refs && i < count; i++)
        free(refs[i]);
    free(refs);
}

static const char *ref_of(const iotssf_components *cs, char **refs, const iotssf_vuln *v)
{
    const char *loose = NULL;
    for (size_t i = 0; i < cs->count; i++) {
        const iotssf_component *c = &cs->items[i];
        if (!v->component || strcmp(c->id, v->component) != 0 || !refs[i])
            continue;
        if (c->version && v->version && strcmp(c->version, v->version) == 0)
            return refs[i];
        if (!loose)
            loose = refs[i];
    }
    return loose;
}

static const char *score_method(const char *vector)
{
    if (!vector)
        return NULL;
    if (strncmp(vector, "CVSS:3.1/", 9) == 0)
        return "CVSSv31";
    if (strncmp(vector, "CVSS:3.0/", 9) == 0)
        return "CVSSv3";
    if (strncmp(vector, "CVSS:4.0/", 9) == 0)
        return "CVSSv4";
    if (strncmp(vector, "AV:", 3) == 0)
        return "CVSSv2";
    return "other";
}

static json_t *source_json(const char *id)
{
    char url[512];
    const char *name;
    if (strncmp(id, "CVE-", 4) == 0) {
        name = "NVD";
        snprintf(url, sizeof url, "https://nvd.nist.gov/vuln/detail/%s", id);
    } else if (strncmp(id, "GHSA-", 5) == 0) {
        name = "GitHub Advisories";
        snprintf(url, sizeof url, "https://github.com/advisories/%s", id);
    } else {
        name = "OSV";
        snprintf(url, sizeof url, "https://osv.dev/vulnerability/%s", id);
    }
    json_t *s = json_pack("{s:s}", "name", name);
    json_set_text(s, "url", url);
    return s;
}

static json_t *ratings_json(const iotssf_vuln *v)
{
    json_t *ratings = json_array();
    if (v->cvss_score < 0 && !v->cvss_vector)
        return ratings; /* unknown: no rating rather than a guessed one */
    json_t *r = json_object();
    if (v->cvss_score >= 0) {
        json_object_set_new(r, "score", json_real(v->cvss_score));
        json_object_set_new(r, "severity", json_string(iotssf_severity_name(v->severity)));
    }
    if (v->cvss_vector) {
        json_object_set_new(r, "method", json_string(score_method(v->cvss_vector)));
        json_set_text(r, "vector", v->cvss_vector);
    }
    json_array_append_new(ratings, r);
    return ratings;
}

static void add_affect(json_t *affects, const char *ref, const char *version)
{
    if (!ref)
        return;
    size_t i;
    json_t *a;
    json_array_foreach (affects, i, a)
        if (has_text(a, "ref", ref))
            return;
    a = json_object();
    json_object_set_new(a, "ref", json_text(ref));
    if (sbom_version(version)) {
        json_t *ver = json_pack("{s:o, s:s}", "version", json_text(version), "status",
                                "affected");
        json_object_set_new(a, "versions", json_pack("[o]", ver));
    }
    json_array_append_new(affects, a);
}

static json_t *vulnerability_json(const iotssf_vuln *v)
{
    json_t *o = json_object();
    json_set_text(o, "id", v->id);
    json_object_set_new(o, "source", source_json(v->id));
    json_t *ratings = ratings_json(v);
    if (json_array_size(ratings))
        json_object_set(o, "ratings", ratings);
    json_decref(ratings);
    json_set_text(o, "description", v->summary);
    if (v->fixed && *v->fixed) {
        char text[1024];
        snprintf(text, sizeof text, "Upgrade %s to %s or later",
                 v->component ? v->component : "the component", v->fixed);
        json_set_text(o, "recommendation", text);
    }
    json_t *advisories = json_array();
    for (size_t i = 0; i < v->reference_count; i++)
        if (v->references[i] && *v->references[i])
            add_unique_text(advisories, "url", v->references[i]);
    if (json_array_size(advisories))
        json_object_set(o, "advisories", advisories);
    json_decref(advisories);
    json_object_set_new(o, "affects", json_array());
    json_t *props = json_array();
    add_property(props, "iotssf:introduced", v->introduced);
    add_property(props, "iotssf:fixed", v->fixed);
    add_property(props, "iotssf:record-source", v->source);
    json_object_set_new(o, "properties", props);
    return o;
}

/* One entry per vulnerability id; a CVE that hits two components (two
 * OpenSSL copies) affects both refs. */
static json_t *vulnerabilities_json(const iotssf_fw_result *r, char **refs)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->vulns.count; i++) {
        const iotssf_vuln *v = &r->vulns.items[i];
        if (!v->id || !*v->id)
            continue;
        json_t *entry = NULL, *e;
        size_t k;
        json_array_foreach (list, k, e)
            if (has_text(e, "id", v->id))
                entry = e;
        if (!entry) {
            entry = vulnerability_json(v);
            json_array_append_new(list, entry);
        }
        add_affect(json_object_get(entry, "affects"), ref_of(&r->components, refs, v),
                   v->version);
    }
    size_t k;
    json_t *e;
    json_array_foreach (list, k, e)
        if (!json_array_size(json_object_get(e, "affects")))
            json_object_del(e, "affects");
    return list;
}

static json_t *metadata_json(const iotssf_fw_result *r)
{
    char stamp[32];
    bom_timestamp(stamp);
    json_t *image = json_pack("{s:s, s:s}", "type", "firmware", "bom-ref", "image");
    json_object_set_new(image, "name", json_text(base_name(r->image)));
    if (sha256_is_hex(r->sha256))
        json_object_set_new(image, "hashes", json_pack("[o]", hash_json(r->sha256)));
    char size[32];
    snprintf(size, sizeof size, "%llu", (unsigned long long)r->image_size);
    json_object_set_new(image, "properties",
                        json_pack("[{s:s, s:s}]", "name", "iotssf:size", "value", size));
    return json_pack("{s:s, s:{s:[{s:s, s:s, s:s}]}, s:o}", "timestamp", stamp, "tools",
                     "components", "type", "application", "name", "iotssf", "version",
                     iotssf_version(), "component", image);
}

static json_t *bom_json(const iotssf_fw_result *r, char **refs)
{
    char serial[46], name[200];
    snprintf(name, sizeof name, "iotssf:%s:sha256:%s", iotssf_version(), r->sha256);
    if (!name_uuid(name, serial))
        return NULL;
    /* The image contains every component; how they depend on each other is
     * not something a scan can tell, so that is the only relationship. */
    json_t *components = json_array(), *contained = json_array();
    for (size_t i = 0; i < r->components.count; i++) {
        if (!refs[i])
            continue;
        json_array_append_new(components, component_json(&r->components.items[i], refs[i]));
        json_array_append_new(contained, json_text(refs[i]));
    }
    json_t *dependencies = json_array();
    if (json_array_size(contained))
        json_array_append_new(dependencies, json_pack("{s:s, s:O}", "ref", "image", "dependsOn",
                                                      contained));
    json_decref(contained);
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "$schema", SBOM_SCHEMA,
                     "bomFormat", "CycloneDX", "specVersion", "1.5", "serialNumber", serial,
                     "version", 1, "metadata", metadata_json(r), "components", components,
                     "dependencies", dependencies, "vulnerabilities",
                     vulnerabilities_json(r, refs));
}

iotssf_status iotssf_sbom_cyclonedx(FILE *out, const iotssf_fw_result *r, iotssf_error *err)
{
    char **refs = component_refs(&r->components);
    json_t *bom = refs ? bom_json(r, refs) : NULL;
    free_refs(refs, r->components.count);
    if (!bom)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the SBOM");
    int rc = json_dumpf(bom, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(bom);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the SBOM failed")
              : report_io_check(out, err);
}
