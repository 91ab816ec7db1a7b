/*
 * Bookkeeping of an inspection result: the layout of structures found, the
 * architecture counts, and freeing it all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect_internal.h"

iotssf_status fw_add_region(iotssf_fw_result *r, const fw_hit *hit, unsigned depth,
                            const char *container, size_t *index, iotssf_error *err)
{
    if (r->region_count >= FW_MAX_REGIONS)
        return iotssf_fail(err, IOTSSF_E_INPUT, r->image, 0, 0,
                           "more than %d structures: the image is not plausible",
                           FW_MAX_REGIONS);
    iotssf_fw_region *grown = realloc(r->regions, (r->region_count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    r->regions = grown;
    iotssf_fw_region *g = &grown[r->region_count];
    memset(g, 0, sizeof *g);
    g->format = strdup(hit->format->name);
    g->container = strdup(container);
    g->offset = hit->offset;
    g->length = hit->length;
    g->depth = depth;
    if (!g->format || !g->container) {
        free(g->format);
        free(g->container);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    *index = r->region_count++;
    return IOTSSF_OK;
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case 3: return "x86";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 40: return "ARM";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    default: return "other";
    }
}

void fw_count_arch(iotssf_fw_result *r, const uint8_t *d, uint64_t size)
{
    if (size < 20 || memcmp(d, "\x7f" "ELF", 4) != 0 || (d[4] != 1 && d[4] != 2) ||
        (d[5] != 1 && d[5] != 2))
        return;
    unsigned machine = d[5] == 1 ? (unsigned)(d[18] | d[19] << 8) : (unsigned)(d[18] << 8 | d[19]);
    char name[24];
    const char *base = machine_name(machine);
    /* "x86-64", "AArch64" and "PowerPC64" already say their width. */
    bool says_width = strstr(base, "64") != NULL;
    snprintf(name, sizeof name, "%s%s %s", base, says_width ? "" : d[4] == 1 ? "32" : "64",
             d[5] == 1 ? "LE" : "BE");
    for (size_t i = 0; i < r->arch_count; i++)
        if (strcmp(r->arches[i].name, name) == 0) {
            r->arches[i].files++;
            return;
        }
    if (r->arch_count < sizeof r->arches / sizeof r->arches[0]) {
        snprintf(r->arches[r->arch_count].name, sizeof r->arches[0].name, "%s", name);
        r->arches[r->arch_count++].files = 1;
    }
}

void iotssf_fw_result_free(iotssf_fw_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->region_count; i++) {
        free(r->regions[i].format);
        free(r->regions[i].container);
        free(r->regions[i].detail);
    }
    for (size_t i = 0; i < r->warning_count; i++) {
        free(r->warnings[i].where);
        free(r->warnings[i].message);
    }
    free(r->regions);
    free(r->warnings);
    iotssf_findings_free(&r->findings);
    iotssf_components_free(&r->components);
    iotssf_vulns_free(&r->vulns);
    free(r->image);
    free(r);
}
