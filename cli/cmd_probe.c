/*
 * `iotssf probe TARGET... [--targets FILE]`: probe running devices over the
 * network and report what answers and what makes it insecure. The probe's
 * own options (--ports, --creds, --targets, --allow-range, --timeout,
 * --rate, --budget, --parallel, --scan-only, --no-logins) are taken out here;
 * the shared ones go through cli_parse. Ctrl-C stops the probe and the
 * partial results are still written.
 */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "iotssf/probe.h"

/* Written by the SIGINT handler, read by the probe's workers. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct probe_args {
    iotssf_probe_options o;
    const char *targets_file;
} probe_args;

static bool parse_number(const char *s, double min, double max, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= min && v <= max))
        return false;
    *out = v;
    return true;
}

/* One probe option at argv[*i]; 1 taken, 0 not ours, -1 bad value. */
static int take_option(int argc, char **argv, int *i, probe_args *a)
{
    static const char *const valued[] = {"ports", "creds", "targets", "timeout",
                                         "rate",  "budget", "parallel", NULL};
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    const char *name = arg + 2;
    if (strcmp(name, "allow-range") == 0)
        return a->o.allow_range = true, 1;
    if (strcmp(name, "scan-only") == 0)
        return a->o.scan_only = true, 1;
    if (strcmp(name, "no-logins") == 0)
        return a->o.no_logins = true, 1;
    for (int k = 0; valued[k]; k++) {
        size_t n = strlen(valued[k]);
        if (strncmp(name, valued[k], n) != 0 || (name[n] != '\0' && name[n] != '='))
            continue;
        const char *value = name[n] == '=' ? name + n + 1 : NULL;
        if (!value) {
            if (*i + 1 >= argc)
                return cli_usage_error("probe", "--%s needs a value", valued[k]), -1;
            value = argv[++*i];
        }
        double v;
        switch (k) {
        case 0: a->o.ports = value; return 1;
        case 1: a->o.creds_path = value; return 1;
        case 2: a->targets_file = value; return 1;
        case 3:
            if (!parse_number(value, 0.05, 60, &v))
                return cli_usage_error("probe", "--timeout is seconds, 0.05 to 60"), -1;
            a->o.timeout_ms = (unsigned)(v * 1000);
            return 1;
        case 4:
            if (!parse_number(value, 0.01, 10000, &v))
                return cli_usage_error("probe", "--rate is login attempts per second, 0.01 to "
                                                "10000"),
                       -1;
            a->o.rate = v;
            return 1;
        case 5:
            if (!parse_number(value, 1, 86400, &v))
                return cli_usage_error("probe", "--budget is seconds per target, 1 to 86400"),
                       -1;
            a->o.budget_s = (unsigned)v;
            return 1;
        default:
            if (!parse_number(value, 1, 256, &v))
                return cli_usage_error("probe", "--parallel is 1 to 256 login sessions"), -1;
            a->o.login_parallel = (unsigned)v;
            return 1;
        }
    }
    return 0;
}

static void show_progress(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "\r%.100s\033[K", line);
}

/* A full port sweep holds thousands of sockets at once. */
static void raise_open_files(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int run(const cli_options *o, probe_args *a)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_vulndb *vulndb = NULL;
    iotssf_probe_result *result = NULL;
    iotssf_probe_targets targets;
    iotssf_probe_targets_init(&targets);
    int rc = EXIT_OK;
    iotssf_status st = iotssf_catalog_load(o->data_dir, &catalog, &err);
    if (!st)
        st = iotssf_rules_load(o->data_dir, catalog, &rules, &err);
    if (!st && !a->o.scan_only)
        st = iotssf_vulndb_open(o->data_dir, NULL, &vulndb, &err);
    a->o.data_dir = o->data_dir;
    a->o.rules = rules;
    a->o.vulndb = vulndb;
    a->o.stop = &interrupted;
    for (int i = 0; !st && i < o->arg_count; i++)
        st = iotssf_probe_targets_add(&targets, o->args[i], &a->o, &err);
    if (!st && a->targets_file)
        st = iotssf_probe_targets_load(&targets, a->targets_file, &a->o, &err);
    if (!st && targets.count == 0)
        rc = cli_usage_error("probe", "name a target, or a file of them with --targets");
    if (!st && rc == EXIT_OK) {
        bool tty = !o->quiet && isatty(STDERR_FILENO);
        a->o.progress = tty ? show_progress : NULL;
        struct sigaction sa = {.sa_handler = on_interrupt, .sa_flags = SA_RESETHAND};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        st = iotssf_probe_run(&targets, &a->o, &result, &err);
        if (tty)
            fprintf(stderr, "\r\033[K");
    }
    if (!st && result) {
        cli_output out;
        rc = output_open(&out, o->output_path);
        if (rc == EXIT_OK) {
            st = iotssf_probe_report(out.file, o->format, result, &err);
            if (st)
                output_abort(&out);
            else
                rc = output_commit(&out);
        }
        iotssf_severity threshold;
        if (!st && rc == EXIT_OK && o->fail_on && iotssf_severity_parse(o->fail_on, &threshold) == 0 &&
            iotssf_findings_at_least(&result->findings, threshold) > 0)
            rc = EXIT_FINDINGS;
        if (!st && rc != EXIT_USAGE && result->interrupted) {
            fprintf(stderr, "iotssf probe: interrupted; the report holds the partial results\n");
            rc = 130;
        }
    }
    if (st)
        rc = cli_report_error(&err);
    iotssf_probe_result_free(result);
    iotssf_probe_targets_free(&targets);
    iotssf_vulndb_close(vulndb);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
    return rc;
}

int cmd_probe(int argc, char **argv)
{
    probe_args a = {.o = iotssf_probe_default_options()};
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_INTERNAL;
    int n = 0;
    rest[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                rest[n++] = argv[i++];
            break;
        }
        int taken = take_option(argc, argv, &i, &a);
        if (taken < 0) {
            free(rest);
            return EXIT_USAGE;
        }
        if (!taken)
            rest[n++] = argv[i];
    }
    cli_options o;
    int rc = cli_parse(n, rest, "probe", "format data output quiet fail-on", &o);
    if (rc == EXIT_OK && o.format_name && o.format != IOTSSF_FORMAT_TEXT &&
        o.format != IOTSSF_FORMAT_JSON && o.format != IOTSSF_FORMAT_SARIF)
        rc = cli_usage_error("probe", "the probe report is text, json or sarif");
    if (rc == EXIT_OK) {
        /* OpenSSL writes to sockets with write(2): a peer that hangs up must
         * not kill the process. */
        signal(SIGPIPE, SIG_IGN);
        raise_open_files();
        rc = run(&o, &a);
    }
    free(rest);
    return rc;
}
