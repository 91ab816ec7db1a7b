/*
 * The `catalog check` report: what the catalog holds, how completely it
 * covers each baseline (and which items it leaves out), and the policy it was
 * checked against.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static const char *const stakeholders[] = {"maker", "service_provider", "operator", "user",
                                           "insurer", "regulator"};
enum { STAKEHOLDERS = 6 };

static size_t covered_items(const iotssf_baseline *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->item_count; i++)
        n += b->items[i].referenced_by > 0;
    return n;
}

static void count_catalog(const iotssf_catalog *c, size_t persp[5], size_t stake[STAKEHOLDERS],
                          size_t *with_substitutes)
{
    *with_substitutes = 0;
    for (size_t i = 0; i < iotssf_catalog_requirement_count(c); i++) {
        const iotssf_requirement *r = iotssf_catalog_requirement(c, i);
        persp[r->perspective]++;
        *with_substitutes += r->substitute_count > 0;
        for (int s = 0; s < STAKEHOLDERS; s++)
            stake[s] += strcmp(r->stakeholder, stakeholders[s]) == 0;
    }
}

static iotssf_status catalog_json(FILE *out, const iotssf_catalog *c, const iotssf_policy *p,
                                  iotssf_error *err)
{
    size_t persp[5] = {0}, stake[STAKEHOLDERS] = {0}, subs;
    count_catalog(c, persp, stake, &subs);
    json_t *by_persp = json_object(), *by_stake = json_object(), *baselines = json_array(),
           *warnings = json_array();
    for (int i = 1; i <= 4; i++) {
        char key[2] = {(char)('0' + i), 0};
        json_object_set_new(by_persp, key, json_integer((json_int_t)persp[i]));
    }
    for (int s = 0; s < STAKEHOLDERS; s++)
        json_object_set_new(by_stake, stakeholders[s], json_integer((json_int_t)stake[s]));
    for (size_t i = 0; i < iotssf_catalog_baseline_count(c); i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline(c, i);
        json_t *missing = json_array();
        for (size_t k = 0; k < b->item_count; k++)
            if (!b->items[k].referenced_by)
                json_array_append_new(missing, json_string(b->items[k].id));
        json_array_append_new(baselines,
                              json_pack("{s:s, s:s, s:I, s:I, s:o}", "scheme", b->scheme, "title",
                                        b->title, "items", (json_int_t)b->item_count, "covered",
                                        (json_int_t)covered_items(b), "uncovered", missing));
    }
    for (size_t i = 0; i < iotssf_catalog_warning_count(c); i++)
        json_array_append_new(warnings, json_string(iotssf_catalog_warning(c, i)));
    json_t *o = json_pack("{s:s, s:{s:I, s:I, s:I, s:o, s:o}, s:o, s:{s:s, s:s, s:I, s:I}, s:o}",
                          "schema", IOTSSF_SCHEMA_CATALOG_CHECK, "catalog", "requirements",
                          (json_int_t)iotssf_catalog_requirement_count(c), "features",
                          (json_int_t)iotssf_catalog_feature_count(c), "with_substitutes",
                          (json_int_t)subs, "by_perspective", by_persp, "by_stakeholder",
                          by_stake, "baselines", baselines, "policy", "id", iotssf_policy_id(p),
                          "file", iotssf_policy_file(p), "tiers",
                          (json_int_t)iotssf_policy_tier_count(p), "categories",
                          (json_int_t)iotssf_policy_category_count(p), "warnings", warnings);
    int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    fputc('\n', out);
    if (rc)
        return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the report failed");
    return report_io_check(out, err);
}

static iotssf_status catalog_human(FILE *out, bool md, const iotssf_catalog *c,
                                   const iotssf_policy *p, iotssf_error *err)
{
    size_t persp[5] = {0}, stake[STAKEHOLDERS] = {0}, subs;
    count_catalog(c, persp, stake, &subs);
    fprintf(out, md ? "# Catalog check\n\n" : "catalog check\n");
    fprintf(out, "%s%zu requirements, %zu with stand-ins from another perspective, %zu features\n",
            md ? "" : "  ", iotssf_catalog_requirement_count(c), subs,
            iotssf_catalog_feature_count(c));
    fprintf(out, "%sby perspective: 1: %zu, 2: %zu, 3: %zu, 4: %zu\n", md ? "\n" : "  ", persp[1],
            persp[2], persp[3], persp[4]);
    fprintf(out, "%sby stakeholder:", md ? "\n" : "  ");
    for (int s = 0; s < STAKEHOLDERS; s++)
        fprintf(out, " %s %zu%s", stakeholders[s], stake[s], s + 1 < STAKEHOLDERS ? "," : "\n");
    fprintf(out, "%spolicy %s %s: %zu tiers, %zu categories, valid\n", md ? "\n" : "  ",
            iotssf_policy_id(p), iotssf_policy_version(p), iotssf_policy_tier_count(p),
            iotssf_policy_category_count(p));
    fprintf(out, md ? "\n| scheme | title | covered | items | uncovered |\n|---|---|---|---|---|\n"
                    : "\ncoverage per baseline\n");
    for (size_t i = 0; i < iotssf_catalog_baseline_count(c); i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline(c, i);
        size_t covered = covered_items(b);
        if (md)
            fprintf(out, "| %s | %s | %zu | %zu | ", b->scheme, b->title, covered, b->item_count);
        else
            fprintf(out, "  %-14s %4zu/%-4zu %5.1f%%  %s\n", b->scheme, covered, b->item_count,
                    b->item_count ? 100.0 * (double)covered / (double)b->item_count : 100.0,
                    b->title);
        size_t shown = 0;
        for (size_t k = 0; k < b->item_count; k++)
            if (!b->items[k].referenced_by)
                fprintf(out, md ? "%s%s" : "%s%s", shown++ ? ", " : (md ? "" : "    uncovered: "),
                        b->items[k].id);
        if (md)
            fputs(" |\n", out);
        else if (shown)
            fputc('\n', out);
    }
    for (size_t i = 0; i < iotssf_catalog_warning_count(c); i++)
        fprintf(out, "%swarning: %s\n", i ? "" : "\n", iotssf_catalog_warning(c, i));
    return report_io_check(out, err);
}

iotssf_status iotssf_catalog_report(FILE *out, iotssf_format format, const iotssf_catalog *c,
                                    const iotssf_policy *policy, iotssf_error *err)
{
    switch (format) {
    case IOTSSF_FORMAT_JSON:
        return catalog_json(out, c, policy, err);
    case IOTSSF_FORMAT_TEXT:
    case IOTSSF_FORMAT_MD:
        return catalog_human(out, format == IOTSSF_FORMAT_MD, c, policy, err);
    default:
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "catalog check reports as text, json or md");
    }
}
