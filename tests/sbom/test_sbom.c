/*
 * The CycloneDX 1.5 SBOM (lib/report/sbom_cyclonedx.c): exact content for a
 * hand-filled result that uses every field, determinism, no empty values,
 * references that resolve, and validity against the official schema (fetched
 * once by tests/sbom/validate_cyclonedx.sh) for that result, an empty one and
 * a real image made from Debian's busybox-static, dropbear-bin and
 * dnsmasq-base.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "iotssf/iotssf.h"
#include "sbom_fixture_util.h"
#include "util.h"

static json_t *load_sbom(const iotssf_fw_result *r, char **path_out)
{
    char *path = sbom_write_temp(iotssf_sbom_cyclonedx, r);
    assert_non_null(path);
    json_error_t jerr;
    json_t *bom = json_load_file(path, 0, &jerr);
    if (!bom)
        fail_msg("%s: %s at line %d", path, jerr.text, jerr.line);
    if (path_out)
        *path_out = path;
    else {
        unlink(path);
        free(path);
    }
    return bom;
}

static const char *str_at(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("no string '%s'", key);
    return s;
}

/* Unknown values are omitted: no "" anywhere, and no empty arrays or
 * objects except the top-level lists that say "none". */
static void assert_no_empty(const json_t *j, const char *where, int depth)
{
    assert_true(depth < 32);
    if (json_is_string(j) && json_string_length(j) == 0)
        fail_msg("empty string at %s", where);
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach ((json_t *)j, key, v) {
            if ((json_is_array(v) && !json_array_size(v) && depth > 0) ||
                (json_is_object(v) && !json_object_size(v)))
                fail_msg("empty %s at %s/%s", json_is_array(v) ? "list" : "object", where, key);
            assert_no_empty(v, key, depth + 1);
        }
    }
    if (json_is_array(j))
        json_array_foreach ((json_t *)j, i, v)
            assert_no_empty(v, where, depth + 1);
}

static const json_t *component_by_ref(const json_t *bom, const char *ref)
{
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(bom, "components"), i, c)
        if (strcmp(str_at(c, "bom-ref"), ref) == 0)
            return c;
    return NULL;
}

static const char *property(const json_t *o, const char *name, size_t nth)
{
    size_t i;
    json_t *p;
    json_array_foreach (json_object_get(o, "properties"), i, p)
        if (strcmp(str_at(p, "name"), name) == 0 && nth-- == 0)
            return str_at(p, "value");
    return NULL;
}

static void test_header_and_metadata(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    json_t *bom = load_sbom(&r, NULL);
    assert_string_equal(str_at(bom, "$schema"), "http://cyclonedx.org/schema/bom-1.5.schema.json");
    assert_string_equal(str_at(bom, "bomFormat"), "CycloneDX");
    assert_string_equal(str_at(bom, "specVersion"), "1.5");
    assert_int_equal(json_integer_value(json_object_get(bom, "version")), 1);
    const char *serial = str_at(bom, "serialNumber");
    assert_int_equal(strlen(serial), 45);
    assert_memory_equal(serial, "urn:uuid:", 9);
    assert_int_equal(serial[9 + 14], '5'); /* version 5: name-based, SHA-1 */
    assert_non_null(strchr("89ab", serial[9 + 19]));
    json_t *meta = json_object_get(bom, "metadata");
    assert_string_equal(str_at(meta, "timestamp"), "2023-11-14T22:13:20Z");
    json_t *tool = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"), 0);
    assert_string_equal(str_at(tool, "type"), "application");
    assert_string_equal(str_at(tool, "name"), "iotssf");
    assert_string_equal(str_at(tool, "version"), iotssf_version());
    json_t *image = json_object_get(meta, "component");
    assert_string_equal(str_at(image, "type"), "firmware");
    assert_string_equal(str_at(image, "name"), "router firmware.bin");
    json_t *hash = json_array_get(json_object_get(image, "hashes"), 0);
    assert_string_equal(str_at(hash, "alg"), "SHA-256");
    assert_string_equal(str_at(hash, "content"), FIXTURE_IMAGE_SHA256);
    assert_string_equal(property(image, "iotssf:size", 0), "8388608");
    assert_no_empty(bom, "", 0);

    /* Same image, same bytes; another image, another serial number. */
    json_t *again = load_sbom(&r, NULL);
    assert_true(json_equal(bom, again));
    memcpy(r.sha256, "00000000000000000000000000000000", 32);
    json_t *other = load_sbom(&r, NULL);
    assert_string_not_equal(str_at(other, "serialNumber"), serial);
    json_decref(other);
    json_decref(again);
    json_decref(bom);
    unsetenv("SOURCE_DATE_EPOCH");
}

static void test_components(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    json_t *bom = load_sbom(&r, NULL);
    json_t *list = json_object_get(bom, "components");
    static const char *const refs[] = {"busybox@1.35.0", "busybox@1.35.0#2", "dnsmasq@2.77",
                                       "linux",          "openssl@1.0.2k",   "openssl@1.1.1"};
    static const char *const types[] = {"application", "application",      "application",
                                        "operating-system", "library",     "library"};
    assert_int_equal(json_array_size(list), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *c = json_array_get(list, i);
        assert_string_equal(str_at(c, "bom-ref"), refs[i]);
        assert_string_equal(str_at(c, "type"), types[i]);
        assert_string_equal(property(c, "iotssf:id", 0), r.components.items[i].id);
    }

    /* The image contains them all, and nothing more is claimed. */
    json_t *deps = json_object_get(bom, "dependencies");
    assert_int_equal(json_array_size(deps), 1);
    assert_string_equal(str_at(json_array_get(deps, 0), "ref"), "image");
    json_t *on = json_object_get(json_array_get(deps, 0), "dependsOn");
    assert_int_equal(json_array_size(on), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(json_string_value(json_array_get(on, i)), refs[i]);

    const json_t *bb = component_by_ref(bom, "busybox@1.35.0");
    assert_string_equal(str_at(bb, "name"), "BusyBox");
    assert_string_equal(str_at(bb, "version"), "1.35.0");
    assert_string_equal(str_at(json_object_get(bb, "supplier"), "name"), "Erik Andersen");
    assert_string_equal(str_at(bb, "purl"), "pkg:generic/busybox@1.35.0");
    assert_string_equal(str_at(bb, "cpe"), "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*");
    json_t *lic = json_object_get(json_array_get(json_object_get(bb, "licenses"), 0), "license");
    assert_string_equal(str_at(lic, "id"), "GPL-2.0-only");
    assert_string_equal(str_at(json_array_get(json_object_get(bb, "hashes"), 0), "content"),
                        "1111111111111111111111111111111111111111111111111111111111111111");
    json_t *id = json_object_get(json_object_get(bb, "evidence"), "identity");
    assert_string_equal(str_at(id, "field"), "version");
    assert_true(json_real_value(json_object_get(id, "confidence")) == 0.9);
    json_t *m = json_array_get(json_object_get(id, "methods"), 0);
    assert_string_equal(str_at(m, "technique"), "binary-analysis");
    assert_string_equal(str_at(m, "value"), "BusyBox v1.35.0 (Debian)");
    assert_string_equal(property(bb, "iotssf:confidence", 0), "high");

    /* Several files: no single component hash, each file a property. */
    const json_t *dm = component_by_ref(bom, "dnsmasq@2.77");
    assert_null(json_object_get(dm, "hashes"));
    json_t *occ = json_object_get(json_object_get(dm, "evidence"), "occurrences");
    assert_int_equal(json_array_size(occ), 2);
    assert_string_equal(str_at(json_array_get(occ, 0), "location"),
                        "squashfs@0x0:usr/sbin/dnsmasq");
    assert_string_equal(str_at(json_array_get(occ, 1), "location"),
                        "squashfs@0x0:usr/lib/opkg/info/dnsmasq.control");
    assert_string_equal(property(dm, "iotssf:file", 1),
                        "squashfs@0x0:usr/lib/opkg/info/dnsmasq.control sha256:"
                        "4444444444444444444444444444444444444444444444444444444444444444"
                        " size:310");
    assert_null(property(dm, "iotssf:file", 2));
    assert_string_equal(str_at(json_array_get(json_object_get(dm, "licenses"), 0), "expression"),
                        "GPL-2.0-only OR GPL-3.0-only");
    assert_string_equal(property(dm, "iotssf:note", 0), "opkg says 2.77-1, the binary says 2.77");
    json_t *methods = json_object_get(json_object_get(json_object_get(dm, "evidence"), "identity"),
                                      "methods");
    assert_string_equal(str_at(json_array_get(methods, 0), "technique"), "manifest-analysis");
    assert_string_equal(str_at(json_array_get(methods, 1), "technique"), "binary-analysis");

    /* No version, no purl: the identity is the name, and nothing is "". */
    const json_t *lx = component_by_ref(bom, "linux");
    assert_null(json_object_get(lx, "version"));
    assert_null(json_object_get(lx, "purl"));
    assert_null(json_object_get(lx, "cpe"));
    assert_null(json_object_get(lx, "supplier"));
    id = json_object_get(json_object_get(lx, "evidence"), "identity");
    assert_string_equal(str_at(id, "field"), "name");
    assert_string_equal(str_at(json_array_get(json_object_get(id, "methods"), 0), "technique"),
                        "filename");
    assert_string_equal(str_at(json_array_get(json_object_get(id, "methods"), 0), "value"),
                        "lib/modules");

    /* A partial version is said so; escapes and bad bytes survive. */
    const json_t *os = component_by_ref(bom, "openssl@1.1.1");
    assert_string_equal(str_at(os, "name"), FIXTURE_OPENSSL_NAME);
    assert_string_equal(property(os, "iotssf:version-partial", 0), "true");
    assert_null(property(component_by_ref(bom, "openssl@1.0.2k"), "iotssf:version-partial", 0));
    occ = json_object_get(json_object_get(os, "evidence"), "occurrences");
    assert_string_equal(str_at(json_array_get(occ, 0), "location"),
                        "squashfs@0x0:opt/lib\xef\xbf\xbd/libssl.so");
    json_decref(bom);
}

static const json_t *vuln_by_id(const json_t *bom, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(bom, "vulnerabilities"), i, v)
        if (strcmp(str_at(v, "id"), id) == 0)
            return v;
    return NULL;
}

static void test_vulnerabilities(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    json_t *bom = load_sbom(&r, NULL);
    json_t *list = json_object_get(bom, "vulnerabilities");
    assert_int_equal(json_array_size(list), 5);

    const json_t *v = vuln_by_id(bom, "CVE-2017-14491");
    assert_string_equal(str_at(json_object_get(v, "source"), "name"), "NVD");
    assert_string_equal(str_at(json_object_get(v, "source"), "url"),
                        "https://nvd.nist.gov/vuln/detail/CVE-2017-14491");
    json_t *rating = json_array_get(json_object_get(v, "ratings"), 0);
    assert_true(json_real_value(json_object_get(rating, "score")) == 9.8);
    assert_string_equal(str_at(rating, "severity"), "critical");
    assert_string_equal(str_at(rating, "method"), "CVSSv31");
    assert_string_equal(str_at(rating, "vector"), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_string_equal(str_at(v, "recommendation"), "Upgrade dnsmasq to 2.78 or later");
    assert_string_equal(str_at(v, "description"), "Heap overflow via crafted DNS replies");
    assert_int_equal(json_array_size(json_object_get(v, "advisories")), 2);
    json_t *affect = json_array_get(json_object_get(v, "affects"), 0);
    assert_string_equal(str_at(affect, "ref"), "dnsmasq@2.77");
    json_t *version = json_array_get(json_object_get(affect, "versions"), 0);
    assert_string_equal(str_at(version, "version"), "2.77");
    assert_string_equal(str_at(version, "status"), "affected");

    v = vuln_by_id(bom, "CVE-2022-0778");
    assert_string_equal(str_at(json_array_get(json_object_get(v, "affects"), 0), "ref"),
                        "openssl@1.0.2k");
    assert_string_equal(property(v, "iotssf:introduced", 0), "1.0.2");
    v = vuln_by_id(bom, "CVE-2022-28391");
    assert_string_equal(
        str_at(json_array_get(json_object_get(v, "ratings"), 0), "method"), "CVSSv3");
    assert_null(json_object_get(v, "recommendation")); /* no fixed version known */
    assert_string_equal(property(v, "iotssf:record-source", 0), "nvd-2022.json");

    /* Unknown score: no rating is made up. */
    v = vuln_by_id(bom, "CVE-2021-0001");
    assert_null(json_object_get(v, "ratings"));
    assert_null(json_object_get(v, "description"));
    /* A component the BOM does not list: no dangling reference. */
    v = vuln_by_id(bom, "OSV-2099-1");
    assert_null(json_object_get(v, "affects"));
    assert_string_equal(str_at(json_object_get(v, "source"), "name"), "OSV");

    size_t i, k;
    json_t *x, *a;
    json_array_foreach (list, i, x)
        json_array_foreach (json_object_get(x, "affects"), k, a)
            assert_non_null(component_by_ref(bom, str_at(a, "ref")));
    assert_no_empty(bom, "", 0);
    json_decref(bom);
}

/* What only a hostile image has: ids that differ in bytes that are not
 * UTF-8 (one bom-ref once repaired, unless told apart), a version longer
 * than CycloneDX allows, a vulnerability naming it. Still valid, still
 * unique. */
static void test_hostile_strings(void **state)
{
    (void)state;
    char long_version[1100];
    memset(long_version, '9', sizeof long_version - 1);
    long_version[sizeof long_version - 1] = '\0';
    iotssf_component cs[] = {
        {.id = "x\xff", .name = "x\xff"},
        {.id = "x\xfe", .name = "x\xfe"},
        {.id = "busybox", .version = long_version, .confidence = IOTSSF_CONFIDENCE_LOW},
    };
    iotssf_vuln v = {.id = "CVE-2099-0001", .component = "busybox", .version = long_version,
                     .cvss_score = -1, .severity = IOTSSF_SEV_MEDIUM};
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    r.components = (iotssf_components){cs, 3, 3};
    r.vulns = (iotssf_vulns){&v, 1, 1};
    char *path = NULL;
    json_t *bom = load_sbom(&r, &path);
    json_t *list = json_object_get(bom, "components");
    assert_string_equal(str_at(json_array_get(list, 0), "bom-ref"), "x\xef\xbf\xbd");
    assert_string_equal(str_at(json_array_get(list, 1), "bom-ref"), "x\xef\xbf\xbd#2");
    assert_string_equal(str_at(json_array_get(list, 2), "bom-ref"), "busybox");
    assert_null(json_object_get(json_array_get(list, 2), "version"));
    const json_t *hostile = vuln_by_id(bom, "CVE-2099-0001");
    json_t *affect = json_array_get(json_object_get(hostile, "affects"), 0);
    assert_string_equal(str_at(affect, "ref"), "busybox");
    assert_null(json_object_get(affect, "versions"));
    json_decref(bom);
    int rc = sbom_validate(path);
    unlink(path);
    free(path);
    if (rc == 77)
        skip();
    assert_int_equal(rc, 0);
}

static void test_schema_hand_filled(void **state)
{
    (void)state;
    iotssf_fw_result r;
    sbom_fixture_fill(&r);
    char *path = NULL;
    json_decref(load_sbom(&r, &path));
    int rc = sbom_validate(path);
    /* An empty result is a valid SBOM too. */
    memset(&r.components, 0, sizeof r.components);
    memset(&r.vulns, 0, sizeof r.vulns);
    char *empty = NULL;
    json_decref(load_sbom(&r, &empty));
    int rc_empty = sbom_validate(empty);
    unlink(path);
    unlink(empty);
    free(path);
    free(empty);
    if (rc == 77)
        skip();
    assert_int_equal(rc, 0);
    assert_int_equal(rc_empty, 0);
}

/* ---- a real image ---- */

static void run_or_fail(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

static void debian_unpacked(const char *package, char *dir, size_t size)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/tests/tools/debian-binary.sh' %s", IOTSSF_SOURCE_DIR, package);
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(dir, (int)size, p))
        fail_msg("could not fetch %s", package);
    pclose(p);
    dir[strcspn(dir, "\n")] = '\0';
}

/* A real advisory as an OSV record: BusyBox through 1.35.0, netstat prints
 * DNS PTR names with terminal escapes (CVE-2022-28391). */
static const char busybox_record[] =
    "{\"id\": \"CVE-2022-28391\", \"modified\": \"2022-04-03T00:00:00Z\",\n"
    " \"summary\": \"BusyBox through 1.35.0 allows remote attackers to execute arbitrary code "
    "if netstat is used to print a DNS PTR record's value to a VT compatible terminal\",\n"
    " \"severity\": [{\"type\": \"CVSS_V3\", "
    "\"score\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H\"}],\n"
    " \"affected\": [{\"package\": {\"ecosystem\": \"upstream\", \"name\": \"busybox\"},\n"
    "   \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, "
    "{\"last_affected\": \"1.35.0\"}]}]}],\n"
    " \"references\": [{\"type\": \"WEB\", "
    "\"url\": \"https://gitlab.alpinelinux.org/alpine/aports/-/issues/13661\"}]}\n";

static void import_busybox_record(const char *data_dir, const char *osv, const char *db_path)
{
    run_or_fail("mkdir -p '%s'", osv);
    char file[4300];
    snprintf(file, sizeof file, "%s/CVE-2022-28391.json", osv);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(busybox_record, f);
    assert_int_equal(fclose(f), 0);
    iotssf_vuln_import_stats stats;
    iotssf_error err;
    if (iotssf_vulndb_import_osv(data_dir, osv, db_path, &stats, &err) != IOTSSF_OK)
        fail_msg("import: %s", err.message);
    assert_int_equal(stats.records, 1);
}

/* One line of a shell command's output, without its newline. */
static void shell_line(char *buf, size_t size, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(buf, (int)size, p))
        fail_msg("no output from: %s", cmd);
    pclose(p);
    buf[strcspn(buf, "\n")] = '\0';
}

/* The upstream version of the cached .deb that debian-binary.sh unpacked
 * into `dir` (".../unpacked/<package>_<arch>"): "1:1.35.0-4+b1" -> "1.35.0". */
static void debian_upstream(const char *package, const char *dir, char *buf, size_t size)
{
    shell_line(buf, size,
               "d='%s'; f=$(ls -1 \"$d\"/../../%s_*_\"${d##*_}\".deb | head -n 1); "
               "dpkg-deb -f \"$f\" Version | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//'",
               dir, package);
}

/* The component `id` at `version` is listed with the hash of `file`. */
static void assert_identified(const json_t *bom, const char *id, const char *version,
                              const char *file)
{
    char ref[256], sha[128];
    snprintf(ref, sizeof ref, "%s@%s", id, version);
    const json_t *c = component_by_ref(bom, ref);
    if (!c)
        fail_msg("%s is not in the SBOM", ref);
    assert_string_equal(str_at(c, "version"), version);
    shell_line(sha, sizeof sha, "sha256sum '%s' | cut -d' ' -f1", file);
    assert_string_equal(str_at(json_array_get(json_object_get(c, "hashes"), 0), "content"), sha);
}

static void test_schema_real_image(void **state)
{
    (void)state;
    char busybox[1024], dropbear[1024], dnsmasq[1024], tmp[] = "/tmp/iotssf-sbom-img-XXXXXX";
    debian_unpacked("busybox-static", busybox, sizeof busybox);
    debian_unpacked("dropbear-bin", dropbear, sizeof dropbear);
    debian_unpacked("dnsmasq-base", dnsmasq, sizeof dnsmasq);
    assert_non_null(mkdtemp(tmp));
    run_or_fail("mkdir -p %s/root/bin %s/root/usr/sbin && cp %s/bin/busybox %s/root/bin/ && "
                "cp %s/usr/sbin/dropbear %s/usr/sbin/dnsmasq %s/root/usr/sbin/ && "
                "mksquashfs %s/root %s/image.sqfs -comp xz -noappend -quiet >/dev/null",
                tmp, tmp, busybox, tmp, dropbear, dnsmasq, tmp, tmp, tmp);

    const char *data = source_path("data");
    char data_dir[4096];
    snprintf(data_dir, sizeof data_dir, "%s", data);
    iotssf_error err;
    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_vulndb *db = NULL;
    iotssf_fw_result *result = NULL;
    char image[4200];
    snprintf(image, sizeof image, "%s/image.sqfs", tmp);
    assert_int_equal(iotssf_catalog_load(data_dir, &catalog, &err), IOTSSF_OK);
    assert_int_equal(iotssf_rules_load(data_dir, catalog, &rules, &err), IOTSSF_OK);
    char osv[4200], db_path[4200];
    snprintf(osv, sizeof osv, "%s/osv", tmp);
    snprintf(db_path, sizeof db_path, "%s/vulns.sqlite", tmp);
    import_busybox_record(data_dir, osv, db_path);
    if (iotssf_vulndb_open(data_dir, db_path, &db, &err) != IOTSSF_OK)
        fail_msg("vulndb: %s", err.message);
    iotssf_fw_options opts = {.limits = iotssf_fw_default_limits(), .data_dir = data_dir,
                              .rules = rules, .vulndb = db};
    assert_int_equal(iotssf_firmware_inspect(image, &opts, &result, &err), IOTSSF_OK);

    /* The inspection matched the components against the database and
     * reported each match as a finding too. */
    assert_true(result->vulns_checked);
    bool vuln_finding = false;
    for (size_t i = 0; i < result->findings.count; i++)
        if (strncmp(result->findings.items[i].rule->id, "FW-VULN-", 8) == 0)
            vuln_finding = true;
    assert_true(vuln_finding);

    char *path = NULL;
    json_t *bom = load_sbom(result, &path);
    const json_t *v = vuln_by_id(bom, "CVE-2022-28391");
    assert_non_null(v);
    assert_true(json_real_value(json_object_get(json_array_get(json_object_get(v, "ratings"), 0),
                                                "score")) == 8.8);
    char busybox_ref[300];
    snprintf(busybox_ref, sizeof busybox_ref, "busybox@%s", "1.35.0");
    assert_string_equal(str_at(json_array_get(json_object_get(v, "affects"), 0), "ref"),
                        busybox_ref);
    json_t *subject = json_object_get(json_object_get(bom, "metadata"), "component");
    assert_string_equal(str_at(subject, "name"), "image.sqfs");
    assert_string_equal(str_at(json_array_get(json_object_get(subject, "hashes"), 0), "content"),
                        result->sha256);
    /* What the SBOM lists is what the inspection identified, one for one. */
    json_t *list = json_object_get(bom, "components");
    assert_int_equal(json_array_size(list), result->components.count);
    for (size_t i = 0; i < result->components.count; i++) {
        const iotssf_component *c = &result->components.items[i];
        json_t *j = json_array_get(list, i);
        assert_string_equal(property(j, "iotssf:id", 0), c->id);
        if (c->version)
            assert_string_equal(str_at(j, "version"), c->version);
        if (c->purl)
            assert_string_equal(str_at(j, "purl"), c->purl);
    }
    assert_true(json_array_size(json_object_get(bom, "vulnerabilities")) <= result->vulns.count);
    char version[256], file[4200];
    debian_upstream("busybox-static", busybox, version, sizeof version);
    snprintf(file, sizeof file, "%s/root/bin/busybox", tmp);
    assert_identified(bom, "busybox", version, file);
    debian_upstream("dropbear-bin", dropbear, version, sizeof version);
    snprintf(file, sizeof file, "%s/root/usr/sbin/dropbear", tmp);
    assert_identified(bom, "dropbear", version, file);
    debian_upstream("dnsmasq-base", dnsmasq, version, sizeof version);
    snprintf(file, sizeof file, "%s/root/usr/sbin/dnsmasq", tmp);
    assert_identified(bom, "dnsmasq", version, file);
    assert_no_empty(bom, "", 0);
    json_decref(bom);
    int rc = sbom_validate(path);
    unlink(path);
    free(path);
    run_or_fail("rm -rf %s", tmp);
    iotssf_fw_result_free(result);
    iotssf_vulndb_close(db);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
    if (rc == 77)
        skip();
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_metadata),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_vulnerabilities),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_schema_hand_filled),
        cmocka_unit_test(test_schema_real_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
