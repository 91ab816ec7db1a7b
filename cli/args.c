/*
 * Option parsing shared by the subcommands, with the same spelling and
 * meaning everywhere (--format, --policy, --data, -o, --scheme, --quiet;
 * firmware's --sbom and --vulns-db).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "iotssf %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'iotssf %s --help'.\n", command);
    return EXIT_USAGE;
}

int cli_report_error(const iotssf_error *err)
{
    char buf[2048];
    iotssf_error_format(err, buf, sizeof buf);
    fprintf(stderr, "iotssf: %s\n", buf);
    return iotssf_error_exit_code(err);
}

int cli_parse(int argc, char **argv, const char *command, const char *allowed,
              cli_options *opts)
{
    static const struct option longs[] = {
        {"format", required_argument, NULL, 'f'}, {"policy", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, 'd'},   {"output", required_argument, NULL, 'o'},
        {"scheme", required_argument, NULL, 's'}, {"quiet", no_argument, NULL, 'q'},
        {"extract", required_argument, NULL, 'x'}, {"fail-on", required_argument, NULL, 'F'},
        {"sbom", required_argument, NULL, 'B'},    {"vulns-db", required_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    memset(opts, 0, sizeof *opts);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:p:d:o:s:qx:F:", longs, NULL)) != -1) {
        const char *name = NULL;
        for (const struct option *o = longs; o->name; o++)
            if (o->val == c)
                name = o->name;
        if (c == '?' || c == ':') {
            if (optopt)
                return cli_usage_error(command, "option -%c needs a value or is unknown", optopt);
            return cli_usage_error(command, "unknown option '%s'", argv[optind - 1]);
        }
        if (name && !strstr(allowed, name))
            return cli_usage_error(command, "this command does not take --%s", name);
        switch (c) {
        case 'f':
            opts->format_name = optarg;
            if (iotssf_format_parse(optarg, &opts->format) != 0)
                return cli_usage_error(command, "unknown format '%s' (text, json, md, svg, sarif)",
                                       optarg);
            break;
        case 'p':
            opts->policy_path = optarg;
            break;
        case 'd':
            opts->data_dir = optarg;
            break;
        case 'o':
            opts->output_path = optarg;
            break;
        case 's':
            opts->scheme = optarg;
            break;
        case 'q':
            opts->quiet = true;
            break;
        case 'x':
            opts->extract_dir = optarg;
            break;
        case 'F': {
            iotssf_severity sev;
            if (iotssf_severity_parse(optarg, &sev) != 0)
                return cli_usage_error(command, "unknown severity '%s' (info, low, medium, high, "
                                                "critical)",
                                       optarg);
            opts->fail_on = optarg;
            break;
        }
        case 'B':
            if (strcmp(optarg, "cyclonedx") != 0)
                return cli_usage_error(command, "unknown SBOM format '%s' (cyclonedx)", optarg);
            opts->sbom = optarg;
            break;
        case 'V':
            opts->vulns_db = optarg;
            break;
        }
    }
    if (!opts->data_dir)
        opts->data_dir = iotssf_default_data_dir();
    opts->args = argv + optind;
    opts->arg_count = argc - optind;
    return EXIT_OK;
}

iotssf_status cli_load_policy(const cli_options *o, iotssf_policy **out, iotssf_error *err)
{
    char path[4096];
    if (o->policy_path)
        snprintf(path, sizeof path, "%s", o->policy_path);
    else
        snprintf(path, sizeof path, "%s/policy/default.yaml", o->data_dir);
    return iotssf_policy_load(path, out, err);
}
