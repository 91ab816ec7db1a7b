/*
 * `iotssf firmware IMAGE`: inspect a firmware image and report its layout,
 * contents, components, known vulnerabilities and findings; gate a build
 * with --fail-on. `--sbom cyclonedx` writes the image's bill of materials
 * instead of the report; `--vulns-db FILE` adds an imported vulnerability
 * database to the shipped records.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    if (total)
        fprintf(stderr, "\rinspecting %3d%%", (int)(done * 100 / total));
}

int cmd_firmware(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse(argc, argv, "firmware",
                       "format data output quiet extract fail-on sbom vulns-db", &o);
    if (rc)
        return rc;
    if (o.arg_count != 1)
        return cli_usage_error("firmware", "name exactly one firmware image");
    if (o.format_name && o.format != IOTSSF_FORMAT_TEXT && o.format != IOTSSF_FORMAT_JSON &&
        o.format != IOTSSF_FORMAT_SARIF)
        return cli_usage_error("firmware", "the firmware report is text, json or sarif");
    if (o.sbom && o.format_name)
        return cli_usage_error("firmware", "--sbom writes the SBOM instead of the report: "
                                           "give --sbom or --format, not both");
    /* The library skips a database that is not there (the default path is
     * optional); one named on the command line is a typo when missing. */
    if (o.vulns_db && access(o.vulns_db, R_OK) != 0)
        return cli_usage_error("firmware", "cannot read the vulnerability database '%s'",
                               o.vulns_db);
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_vulndb *vulndb = NULL;
    iotssf_fw_result *result = NULL;
    iotssf_status st = iotssf_catalog_load(o.data_dir, &catalog, &err);
    if (!st)
        st = iotssf_rules_load(o.data_dir, catalog, &rules, &err);
    if (!st)
        st = iotssf_vulndb_open(o.data_dir, o.vulns_db, &vulndb, &err);
    if (!st) {
        bool tty = !o.quiet && isatty(STDERR_FILENO);
        iotssf_fw_options opts = {
            .limits = iotssf_fw_default_limits(),
            .extract_dir = o.extract_dir,
            .data_dir = o.data_dir,
            .rules = rules,
            .vulndb = vulndb,
            .progress = tty ? show_progress : NULL,
        };
        st = iotssf_firmware_inspect(o.args[0], &opts, &result, &err);
        if (tty)
            fprintf(stderr, "\r               \r");
    }
    if (!st) {
        cli_output out;
        rc = output_open(&out, o.output_path);
        if (rc == EXIT_OK) {
            st = o.sbom ? iotssf_sbom_cyclonedx(out.file, result, &err)
                        : iotssf_firmware_report(out.file, o.format, result, &err);
            if (st)
                output_abort(&out);
            else
                rc = output_commit(&out);
        }
        iotssf_severity threshold;
        if (!st && rc == EXIT_OK && o.fail_on && iotssf_severity_parse(o.fail_on, &threshold) == 0 &&
            iotssf_findings_at_least(&result->findings, threshold) > 0)
            rc = EXIT_FINDINGS;
    }
    if (st)
        rc = cli_report_error(&err);
    iotssf_fw_result_free(result);
    iotssf_vulndb_close(vulndb);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
    return rc;
}
