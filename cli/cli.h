/*
 * What the iotssf subcommands share: parsed options, output that is only
 * published when complete, and error printing. The commands themselves are
 * thin: every decision is the library's.
 */
#ifndef IOTSSF_CLI_H
#define IOTSSF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "iotssf/iotssf.h"

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

typedef struct cli_options {
    const char *format_name; /* NULL: the command's default */
    iotssf_format format;
    const char *policy_path;
    const char *data_dir;
    const char *output_path; /* NULL: stdout */
    const char *scheme;
    const char *extract_dir;
    const char *fail_on; /* a severity name, or NULL */
    const char *sbom;     /* --sbom: "cyclonedx", or NULL for the findings report */
    const char *vulns_db; /* --vulns-db: an imported vulnerability database */
    bool quiet;
    char **args; /* positional arguments */
    int arg_count;
} cli_options;

/* Parses argv after the subcommand name. Returns EXIT_OK, or EXIT_USAGE after
 * printing why; `allowed` names the long options the command takes. */
int cli_parse(int argc, char **argv, const char *command, const char *allowed,
              cli_options *opts);

/* Output that is written to a spool and published whole by output_commit, so
 * a failure never leaves a partial report behind. */
typedef struct cli_output {
    FILE *file;
    char *final_path; /* NULL: stdout */
    char *temp_path;
} cli_output;

int output_open(cli_output *o, const char *path);
int output_commit(cli_output *o);
void output_abort(cli_output *o);

/* Prints "iotssf: <file:line:col: message>" and returns the exit code. */
int cli_report_error(const iotssf_error *err);
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

iotssf_status cli_load_policy(const cli_options *o, iotssf_policy **out, iotssf_error *err);

/* Progress on a terminal only: quiet when stderr is piped. */
void cli_progress(const cli_options *o, size_t done, bool final);

int cmd_categorize(int argc, char **argv);
int cmd_requirements(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_firmware(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_vulns(int argc, char **argv);
int cmd_questionnaire(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_history(int argc, char **argv);

#endif
