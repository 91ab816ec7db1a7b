/*
 * `iotssf report ASSESSMENT.json --format html|md|json|sarif|oscal [-o FILE]`:
 * renders an assessment document (written by `iotssf assess`) for people or
 * programs. The formats are the assessment report's own, so --format is
 * taken out here before the shared options go through cli_parse. The output
 * appears whole or not at all; a document that is not a valid
 * "iotssf.assessment/1" is an input error (exit 2) naming the field.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "iotssf/assessment_report.h"

/* Takes --format VALUE / --format=VALUE out of argv; 1 taken, 0 not, -1 bad. */
static int take_format(int argc, char **argv, int *i, const char **format)
{
    const char *arg = argv[*i];
    if (strncmp(arg, "--format", 8) != 0 || (arg[8] != '\0' && arg[8] != '='))
        return 0;
    if (arg[8] == '=') {
        *format = arg + 9;
        return 1;
    }
    if (*i + 1 >= argc)
        return cli_usage_error("report", "--format needs a value"), -1;
    *format = argv[++*i];
    return 1;
}

static int render(const cli_options *o, iotssf_assessment_format format)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_assessment *a = NULL;
    iotssf_status st = iotssf_assessment_load(o->args[0], &a, &err);
    if (st)
        return cli_report_error(&err);
    cli_output out;
    int rc = output_open(&out, o->output_path);
    if (rc == EXIT_OK) {
        iotssf_assessment_render_options ro = {o->data_dir};
        st = iotssf_assessment_render(out.file, format, a, &ro, &err);
        if (st) {
            output_abort(&out);
            rc = cli_report_error(&err);
        } else {
            rc = output_commit(&out);
        }
    }
    iotssf_assessment_free(a);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_INTERNAL;
    const char *format_name = "html";
    int n = 0, rc = EXIT_OK;
    rest[n++] = argv[0];
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                rest[n++] = argv[i++];
            break;
        }
        int taken = take_format(argc, argv, &i, &format_name);
        if (taken < 0)
            rc = EXIT_USAGE;
        else if (!taken)
            rest[n++] = argv[i];
    }
    cli_options o;
    iotssf_assessment_format format;
    if (rc == EXIT_OK)
        rc = cli_parse(n, rest, "report", "data output quiet", &o);
    if (rc == EXIT_OK && iotssf_assessment_format_parse(format_name, &format) != 0)
        rc = cli_usage_error("report", "unknown format '%s' (html, md, json, sarif, oscal)",
                             format_name);
    if (rc == EXIT_OK && o.arg_count != 1)
        rc = cli_usage_error("report", "name one assessment document (assessment.json)");
    if (rc == EXIT_OK)
        rc = render(&o, format);
    free(rest);
    return rc;
}
