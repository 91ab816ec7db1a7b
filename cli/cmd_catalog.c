/*
 * `iotssf catalog check`: load and validate the catalog, the baselines and
 * the policy together, and print coverage per baseline. Exit status 1 when a
 * baseline item is left uncovered.
 */
#include <string.h>

#include "cli.h"

static bool fully_covered(const iotssf_catalog *c)
{
    for (size_t i = 0; i < iotssf_catalog_baseline_count(c); i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline(c, i);
        for (size_t k = 0; k < b->item_count; k++)
            if (!b->items[k].referenced_by)
                return false;
    }
    return true;
}

int cmd_catalog(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "check") != 0)
        return cli_usage_error("catalog", "the only catalog action is 'check'");
    cli_options o;
    int rc = cli_parse(argc - 1, argv + 1, "catalog check", "format policy data output quiet", &o);
    if (rc)
        return rc;
    if (o.arg_count)
        return cli_usage_error("catalog check", "unexpected argument '%s'", o.args[0]);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_policy *policy = NULL;
    iotssf_catalog *catalog = NULL;
    iotssf_status st = cli_load_policy(&o, &policy, &err);
    if (!st)
        st = iotssf_catalog_load(o.data_dir, &catalog, &err);
    if (!st)
        st = iotssf_catalog_check_policy(catalog, policy, &err);
    if (!st) {
        cli_output out;
        rc = output_open(&out, o.output_path);
        if (rc == EXIT_OK) {
            st = iotssf_catalog_report(out.file, o.format, catalog, policy, &err);
            if (st)
                output_abort(&out);
            else
                rc = output_commit(&out);
        }
        if (!st && rc == EXIT_OK && !fully_covered(catalog))
            rc = EXIT_FINDINGS;
    }
    if (st)
        rc = cli_report_error(&err);
    iotssf_catalog_free(catalog);
    iotssf_policy_free(policy);
    return rc;
}
