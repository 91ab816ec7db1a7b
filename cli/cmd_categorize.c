/*
 * `iotssf categorize` and `iotssf requirements`: read profiles (several files,
 * several documents each), place every use mode, and for `requirements` list
 * what its tier calls for, optionally as one baseline scheme's items.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct run {
    cli_options opts;
    iotssf_report report;
    iotssf_policy *policy;
    iotssf_catalog *catalog;
    size_t profiles;
} run;

static void free_modes(iotssf_mode_result *modes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(modes[i].applied);
        free(modes[i].scheme_items);
    }
    free(modes);
}

static iotssf_status place_profile(run *r, const iotssf_profile *p, iotssf_error *err)
{
    iotssf_mode_result *modes = calloc(p->use_mode_count, sizeof *modes);
    if (!modes)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_status st = IOTSSF_OK;
    if (r->catalog)
        st = iotssf_catalog_check_profile(r->catalog, p, err);
    for (size_t i = 0; i < p->use_mode_count && !st; i++) {
        iotssf_mode_result *m = &modes[i];
        st = iotssf_categorize(r->policy, p, &p->use_modes[i], &m->placement, err);
        if (!st && r->catalog)
            st = iotssf_requirements_for(r->catalog, p, &m->placement, &m->applied,
                                         &m->applied_count, err);
        if (!st && r->report.scheme)
            st = iotssf_scheme_view(r->report.scheme, m->applied, m->applied_count,
                                    &m->scheme_items, &m->scheme_item_count, err);
    }
    if (!st) {
        iotssf_profile_result pr = {p, modes, p->use_mode_count};
        st = iotssf_report_profile(&r->report, &pr, err);
    }
    free_modes(modes, p->use_mode_count);
    return st;
}

static iotssf_status run_file(run *r, const char *path, iotssf_error *err)
{
    iotssf_profile_reader *reader = iotssf_profile_reader_open(path, err);
    if (!reader)
        return err->status;
    iotssf_status st;
    for (;;) {
        iotssf_profile *p = NULL;
        st = iotssf_profile_reader_next(reader, &p, err);
        if (st || !p)
            break;
        st = place_profile(r, p, err);
        iotssf_profile_free(p);
        if (st)
            break;
        cli_progress(&r->opts, ++r->profiles, false);
    }
    iotssf_profile_reader_close(reader);
    return st;
}

static void list_schemes(const iotssf_catalog *c, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < iotssf_catalog_baseline_count(c) && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 iotssf_catalog_baseline(c, i)->scheme);
}

static iotssf_status prepare(run *r, bool with_requirements, iotssf_error *err)
{
    iotssf_status st = cli_load_policy(&r->opts, &r->policy, err);
    if (st || !with_requirements)
        return st;
    st = iotssf_catalog_load(r->opts.data_dir, &r->catalog, err);
    if (!st)
        st = iotssf_catalog_check_policy(r->catalog, r->policy, err);
    if (!st && r->opts.scheme) {
        r->report.scheme = iotssf_catalog_baseline_by_scheme(r->catalog, r->opts.scheme);
        if (!r->report.scheme) {
            char known[512];
            list_schemes(r->catalog, known, sizeof known);
            st = iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                             "unknown scheme '%s'; expected one of: %s", r->opts.scheme, known);
        }
    }
    return st;
}

static int run_command(int argc, char **argv, const char *command, iotssf_report_kind kind)
{
    run r;
    memset(&r, 0, sizeof r);
    const char *allowed = kind == IOTSSF_REPORT_CATEGORIZE ? "format policy data output quiet"
                                                           : "format policy data output scheme "
                                                             "quiet";
    int rc = cli_parse(argc, argv, command, allowed, &r.opts);
    if (rc)
        return rc;
    if (r.opts.arg_count == 0)
        return cli_usage_error(command, "name at least one profile (YAML or JSON)");
    if (r.opts.format_name && r.opts.format == IOTSSF_FORMAT_SVG)
        return cli_usage_error(command, "svg is for 'iotssf map'; use text, json or md");

    iotssf_error err;
    iotssf_error_clear(&err);
    cli_output out;
    iotssf_status st = prepare(&r, kind == IOTSSF_REPORT_REQUIREMENTS, &err);
    if (!st && (rc = output_open(&out, r.opts.output_path)) != EXIT_OK) {
        iotssf_policy_free(r.policy);
        iotssf_catalog_free(r.catalog);
        return rc;
    }
    if (!st) {
        r.report.out = out.file;
        r.report.format = r.opts.format;
        r.report.kind = kind;
        r.report.policy = r.policy;
        r.report.catalog = r.catalog;
        st = iotssf_report_begin(&r.report, &err);
        for (int i = 0; i < r.opts.arg_count && !st; i++)
            st = run_file(&r, r.opts.args[i], &err);
        if (!st)
            st = iotssf_report_end(&r.report, &err);
        if (st)
            output_abort(&out);
        else
            rc = output_commit(&out);
        cli_progress(&r.opts, r.profiles, true);
    }
    if (st)
        rc = cli_report_error(&err);
    iotssf_policy_free(r.policy);
    iotssf_catalog_free(r.catalog);
    return rc;
}

int cmd_categorize(int argc, char **argv)
{
    return run_command(argc, argv, "categorize", IOTSSF_REPORT_CATEGORIZE);
}

int cmd_requirements(int argc, char **argv)
{
    return run_command(argc, argv, "requirements", IOTSSF_REPORT_REQUIREMENTS);
}
