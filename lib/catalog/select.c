/*
 * From a placed use mode to what it must do: the requirements its tier calls
 * for (with the ones whose feature the device lacks marked not applicable),
 * and the same seen as one baseline scheme's items.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

static bool profile_has_feature(const iotssf_profile *p, const char *id)
{
    for (size_t i = 0; i < p->feature_count; i++)
        if (strcmp(p->features[i].name, id) == 0)
            return true;
    return false;
}

iotssf_status iotssf_requirements_for(const iotssf_catalog *c, const iotssf_profile *profile,
                                      const iotssf_placement *placement,
                                      iotssf_applied_requirement **out, size_t *count,
                                      iotssf_error *err)
{
    *out = NULL;
    *count = 0;
    iotssf_applied_requirement *list = calloc(c->requirement_count + 1, sizeof *list);
    if (!list)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < c->requirement_count; i++) {
        const iotssf_requirement *r = &c->requirements[i];
        iotssf_need need = iotssf_requirement_need(r, placement->tier->id);
        if (need == IOTSSF_NEED_NONE)
            continue;
        iotssf_applied_requirement *a = &list[n++];
        a->requirement = r;
        a->need = need;
        a->applicable = true;
        for (size_t k = 0; k < r->applies_if_count && a->applicable; k++)
            if (!profile_has_feature(profile, r->applies_if[k]->id)) {
                a->applicable = false;
                a->missing_feature = r->applies_if[k];
            }
        for (size_t k = 0; k < r->applies_unless_count && a->applicable; k++)
            if (profile_has_feature(profile, r->applies_unless[k]->id)) {
                a->applicable = false;
                a->excluding_feature = r->applies_unless[k];
            }
    }
    *out = list;
    *count = n;
    return IOTSSF_OK;
}

iotssf_status iotssf_scheme_view(const iotssf_baseline *b, const iotssf_applied_requirement *applied,
                                 size_t applied_count, iotssf_scheme_item **out, size_t *count,
                                 iotssf_error *err)
{
    *out = NULL;
    *count = 0;
    /* One block: the items, then every item's list of citing requirements. */
    size_t links = 0;
    for (size_t i = 0; i < applied_count; i++)
        for (size_t k = 0; k < applied[i].requirement->ref_count; k++)
            links += applied[i].requirement->refs[k].baseline == b;
    size_t head = (b->item_count + 1) * sizeof(iotssf_scheme_item);
    unsigned char *block = calloc(1, head + (links + 1) * sizeof(void *));
    if (!block)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_scheme_item *items = (iotssf_scheme_item *)block;
    const iotssf_applied_requirement **slots = (const iotssf_applied_requirement **)(block + head);
    for (size_t j = 0; j < b->item_count; j++) {
        iotssf_scheme_item *it = &items[j];
        it->item = &b->items[j];
        it->by = slots;
        for (size_t i = 0; i < applied_count; i++) {
            const iotssf_requirement *r = applied[i].requirement;
            for (size_t k = 0; k < r->ref_count; k++) {
                if (r->refs[k].item != it->item)
                    continue;
                it->by[it->by_count++] = &applied[i];
                if (applied[i].applicable) {
                    it->applicable = true;
                    if (applied[i].need > it->need)
                        it->need = applied[i].need;
                }
            }
        }
        slots += it->by_count;
    }
    *out = items;
    *count = b->item_count;
    return IOTSSF_OK;
}

const char *iotssf_not_applicable_reason(const iotssf_applied_requirement *a, char *buf,
                                         size_t size)
{
    if (a->missing_feature)
        snprintf(buf, size, "the device does not have '%s'", a->missing_feature->id);
    else if (a->excluding_feature)
        snprintf(buf, size, "the device has '%s'", a->excluding_feature->id);
    else
        snprintf(buf, size, "applicable");
    return buf;
}
