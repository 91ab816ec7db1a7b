/*
 * libFuzzer target for the SBOM and the components/vulnerabilities parts of
 * the firmware report: the strings they print come from the image (names,
 * versions, paths, matched text), so the input is cut at NUL bytes into
 * those strings and built into components and vulnerabilities. The SBOM must
 * always be JSON that parses back, every `affects` must name an existing
 * bom-ref, and every bom-ref must be unique. Seeds: fuzz/corpus/sbom/.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

enum { MAX_ITEMS = 8, MAX_STRINGS = 64 };

typedef struct strings {
    char *s[MAX_STRINGS];
    size_t n, next;
} strings;

/* The next string, NULL for an empty one, so absent fields are fuzzed too. */
static char *next_string(strings *st)
{
    if (!st->n)
        return NULL;
    char *s = st->s[st->next++ % st->n];
    return *s ? s : NULL;
}

static void fill_component(iotssf_component *c, iotssf_component_evidence *e,
                           iotssf_component_file *f, strings *st, uint8_t flags)
{
    char *id = next_string(st);
    *c = (iotssf_component){.id = id ? id : "x", .name = next_string(st),
                            .version = next_string(st), .version_partial = flags & 1,
                            .version_scheme = next_string(st), .confidence = (flags >> 1) % 3,
                            .supplier = next_string(st), .cpe = next_string(st),
                            .purl = next_string(st), .license = next_string(st),
                            .note = next_string(st)};
    *e = (iotssf_component_evidence){next_string(st), next_string(st), next_string(st), flags,
                                     next_string(st)};
    const char *hash = next_string(st);
    f->origin = next_string(st);
    f->path = next_string(st);
    snprintf(f->sha256, sizeof f->sha256, "%s", hash ? hash : "");
    f->size = flags;
    c->evidence = e;
    c->evidence_count = (flags >> 3) & 1;
    c->files = f;
    c->file_count = (flags >> 4) & 1;
}

static void fill_vuln(iotssf_vuln *v, char **refs, strings *st, uint8_t flags)
{
    *v = (iotssf_vuln){.id = next_string(st), .component = next_string(st),
                       .version = next_string(st), .summary = next_string(st),
                       .cvss_vector = next_string(st),
                       .cvss_score = (flags & 1) ? -1 : (double)(flags % 101) / 10.0,
                       .severity = (flags >> 1) % 5, .introduced = next_string(st),
                       .fixed = next_string(st), .source = next_string(st)};
    refs[0] = next_string(st);
    refs[1] = next_string(st);
    v->references = refs;
    v->reference_count = refs[0] && refs[1] ? 2 : 0;
}

static void check_bom(const char *text, size_t len)
{
    json_error_t jerr;
    json_t *bom = json_loadb(text, len, 0, &jerr);
    if (!bom)
        fuzz_fail("the SBOM is not JSON", NULL);
    json_t *components = json_object_get(bom, "components"), *c, *v, *a;
    size_t i, k, j;
    json_array_foreach (components, i, c)
        for (k = 0; k < i; k++)
            if (json_equal(json_object_get(c, "bom-ref"),
                           json_object_get(json_array_get(components, k), "bom-ref")))
                fuzz_fail("two components share a bom-ref", NULL);
    json_array_foreach (json_object_get(bom, "vulnerabilities"), i, v)
        json_array_foreach (json_object_get(v, "affects"), k, a) {
            bool found = false;
            json_array_foreach (components, j, c)
                found |= json_equal(json_object_get(a, "ref"), json_object_get(c, "bom-ref"));
            if (!found)
                fuzz_fail("a vulnerability affects a bom-ref that does not exist", NULL);
        }
    json_decref(bom);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    strings st = {.n = 0};
    for (size_t i = 2; i <= size && st.n < MAX_STRINGS; i += strlen(copy + i) + 1)
        st.s[st.n++] = copy + i;
    size_t nc = data[0] % (MAX_ITEMS + 1), nv = data[1] % (MAX_ITEMS + 1);
    iotssf_component comps[MAX_ITEMS];
    iotssf_component_evidence ev[MAX_ITEMS];
    iotssf_component_file files[MAX_ITEMS];
    iotssf_vuln vulns[MAX_ITEMS];
    char *refs[MAX_ITEMS][2];
    for (size_t i = 0; i < nc; i++)
        fill_component(&comps[i], &ev[i], &files[i], &st, (uint8_t)(data[0] + i * 7));
    for (size_t i = 0; i < nv; i++)
        fill_vuln(&vulns[i], refs[i], &st, (uint8_t)(data[1] + i * 13));
    iotssf_fw_result r = {.image = next_string(&st)};
    if (!r.image)
        r.image = "image.bin";
    memcpy(r.sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 65);
    r.components = (iotssf_components){comps, nc, nc};
    r.vulns = (iotssf_vulns){vulns, nv, nv};

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        fuzz_fail("open_memstream", NULL);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_status s = iotssf_sbom_cyclonedx(out, &r, &err);
    fclose(out);
    if (s)
        fuzz_check_error(s, &err);
    else
        check_bom(text, len);
    free(text);
    iotssf_firmware_report(fuzz_sink(), IOTSSF_FORMAT_TEXT, &r, &err);
    iotssf_firmware_report(fuzz_sink(), IOTSSF_FORMAT_JSON, &r, &err);
    free(copy);
    return 0;
}
