/*
 * `iotssf map`: every device x use mode of the given profiles as a point on
 * the IoT-SSF plane. SVG by default when writing to a .svg file.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct point_list {
    iotssf_map_point *points;
    size_t count, cap;
} point_list;

static char *dup_or_die(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort(); /* out of memory in the CLI: nothing sensible is left to do */
    return d;
}

static iotssf_status add_points(point_list *l, const iotssf_policy *policy,
                                const iotssf_profile *p, iotssf_error *err)
{
    for (size_t i = 0; i < p->use_mode_count; i++) {
        iotssf_placement pl;
        iotssf_status st = iotssf_categorize(policy, p, &p->use_modes[i], &pl, err);
        if (st)
            return st;
        if (l->count == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 64;
            iotssf_map_point *grown = realloc(l->points, cap * sizeof *grown);
            if (!grown)
                return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
            l->points = grown;
            l->cap = cap;
        }
        char label[512];
        snprintf(label, sizeof label, "%s %s", p->vendor, p->model);
        l->points[l->count++] = (iotssf_map_point){
            .device_id = dup_or_die(p->id),
            .device_label = dup_or_die(label),
            .mode_id = dup_or_die(p->use_modes[i].id),
            .mode_name = dup_or_die(p->use_modes[i].name),
            .axis1 = pl.axis[0].level,
            .axis2 = pl.axis[1].level,
            .tier = pl.tier->id,
            .category = pl.category->id,
            .overridden = pl.axis[0].override || pl.axis[1].override,
        };
    }
    return IOTSSF_OK;
}

static void free_points(point_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free((char *)l->points[i].device_id);
        free((char *)l->points[i].device_label);
        free((char *)l->points[i].mode_id);
        free((char *)l->points[i].mode_name);
    }
    free(l->points);
}

static iotssf_status collect(const cli_options *o, const iotssf_policy *policy, point_list *l,
                             iotssf_error *err)
{
    iotssf_status st = IOTSSF_OK;
    for (int i = 0; i < o->arg_count && !st; i++) {
        iotssf_profile_reader *r = iotssf_profile_reader_open(o->args[i], err);
        if (!r)
            return err->status;
        for (;;) {
            iotssf_profile *p = NULL;
            st = iotssf_profile_reader_next(r, &p, err);
            if (st || !p)
                break;
            st = add_points(l, policy, p, err);
            iotssf_profile_free(p);
            if (st)
                break;
        }
        iotssf_profile_reader_close(r);
    }
    return st;
}

int cmd_map(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse(argc, argv, "map", "format policy data output quiet", &o);
    if (rc)
        return rc;
    if (o.arg_count == 0)
        return cli_usage_error("map", "name at least one profile (YAML or JSON)");
    if (!o.format_name) {
        const char *dot = o.output_path ? strrchr(o.output_path, '.') : NULL;
        o.format = dot && strcmp(dot, ".svg") == 0 ? IOTSSF_FORMAT_SVG : IOTSSF_FORMAT_TEXT;
    }
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_policy *policy = NULL;
    point_list points = {0};
    iotssf_status st = cli_load_policy(&o, &policy, &err);
    if (!st)
        st = collect(&o, policy, &points, &err);
    if (!st) {
        cli_output out;
        rc = output_open(&out, o.output_path);
        if (rc == EXIT_OK) {
            st = iotssf_map_render(out.file, o.format, policy, points.points, points.count, &err);
            if (st)
                output_abort(&out);
            else
                rc = output_commit(&out);
        }
    }
    if (st)
        rc = cli_report_error(&err);
    free_points(&points);
    iotssf_policy_free(policy);
    return rc;
}
