/*
 * `iotssf questionnaire PROFILE [-o answers.yaml]`: the questions about one
 * device that no machine can answer, as a YAML file to fill in and give back
 * to `iotssf assess --answers`. The questions and their format are the
 * library's (lib/assess/questionnaire.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iotssf/assess.h"

static iotssf_status write_questionnaire(const cli_options *o, const iotssf_catalog *catalog,
                                         const iotssf_policy *policy, const iotssf_profile *p,
                                         int *rc, iotssf_error *err)
{
    iotssf_questionnaire *q = NULL;
    iotssf_status st = iotssf_catalog_check_profile(catalog, p, err);
    if (!st)
        st = iotssf_questionnaire_build(catalog, o->data_dir, policy, p, &q, err);
    if (st)
        return st;
    cli_output out;
    *rc = output_open(&out, o->output_path);
    if (*rc == EXIT_OK) {
        st = iotssf_questionnaire_write(out.file, q, err);
        if (st)
            output_abort(&out);
        else
            *rc = output_commit(&out);
    }
    if (!st && *rc == EXIT_OK && o->output_path && !o->quiet)
        fprintf(stderr, "%zu questions for %s written to %s\n", q->count, p->id, o->output_path);
    iotssf_questionnaire_free(q);
    return st;
}

int cmd_questionnaire(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse(argc, argv, "questionnaire", "policy data output quiet", &o);
    if (rc)
        return rc;
    if (o.arg_count != 1)
        return cli_usage_error("questionnaire", "name exactly one profile");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_policy *policy = NULL;
    iotssf_catalog *catalog = NULL;
    iotssf_profile *profile = NULL;
    iotssf_status st = cli_load_policy(&o, &policy, &err);
    if (!st)
        st = iotssf_catalog_load(o.data_dir, &catalog, &err);
    if (!st)
        st = iotssf_catalog_check_policy(catalog, policy, &err);
    if (!st)
        st = iotssf_assess_read_profile(o.args[0], &profile, &err);
    if (!st)
        st = write_questionnaire(&o, catalog, policy, profile, &rc, &err);
    if (st)
        rc = cli_report_error(&err);
    iotssf_profile_free(profile);
    iotssf_catalog_free(catalog);
    iotssf_policy_free(policy);
    return rc;
}
