/*
 * `iotssf assess PROFILE [--firmware IMAGE | --firmware-report JSON]
 * [--probe HOST | --probe-report JSON] [--answers FILE] ...`: gathers the
 * evidence (running the firmware inspection or the probe itself, or reading
 * their JSON reports), has the library judge it (iotssf_assess), writes
 * DIR/assessment.json whole or not at all and prints a short summary. The
 * assess options are taken out here; the shared ones go through cli_parse.
 */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "iotssf/assess.h"

enum { MAX_SCHEMES = 32 };

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct assess_args {
    const char *firmware, *firmware_report, *probe, *probe_report, *answers, *firmware_version;
    const char *grading, *db, *level;
    cli_options o;
    const char *schemes[MAX_SCHEMES];
    size_t scheme_count;
    char *scheme_text; /* the copy `schemes` points into */
    int level_value;
} assess_args;

typedef struct loaded {
    iotssf_policy *policy;
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
    iotssf_grading *grading;
    iotssf_profile *profile;
    iotssf_evidence *evidence;
    iotssf_questionnaire *questionnaire;
    iotssf_answers *answers;
    char policy_path[4096], grading_path[4096];
} loaded;

/* One assess option at argv[*i]: 1 taken, 0 not ours, -1 missing value. */
static int take_option(int argc, char **argv, int *i, assess_args *a)
{
    static const char *const names[] = {
        "firmware", "firmware-report", "probe", "probe-report",     "answers",
        "grading",  "db",              "level", "firmware-version", NULL};
    const char **slots[] = {&a->firmware, &a->firmware_report, &a->probe,
                            &a->probe_report, &a->answers, &a->grading,
                            &a->db,       &a->level,           &a->firmware_version};
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(arg + 2, names[k], n) != 0 || (arg[2 + n] != '\0' && arg[2 + n] != '='))
            continue;
        if (arg[2 + n] == '=') {
            *slots[k] = arg + 3 + n;
        } else if (*i + 1 < argc) {
            *slots[k] = argv[++*i];
        } else {
            cli_usage_error("assess", "--%s needs a value", names[k]);
            return -1;
        }
        return 1;
    }
    return 0;
}

static int check_args(assess_args *a)
{
    if (a->o.arg_count != 1)
        return cli_usage_error("assess", "name exactly one profile");
    if (a->firmware && a->firmware_report)
        return cli_usage_error("assess", "give --firmware or --firmware-report, not both");
    if (a->probe && a->probe_report)
        return cli_usage_error("assess", "give --probe or --probe-report, not both");
    if (a->o.format_name && a->o.format != IOTSSF_FORMAT_TEXT &&
        a->o.format != IOTSSF_FORMAT_JSON)
        return cli_usage_error("assess", "the summary is text or json");
    if (a->level) {
        char *end;
        long v = strtol(a->level, &end, 10);
        if (end == a->level || *end || v < 1 || v > 4)
            return cli_usage_error("assess", "--level is an IEC 62443-4-2 security level, 1 to 4");
        a->level_value = (int)v;
    }
    return EXIT_OK;
}

/* "--scheme a,b" or "all" (every baseline of the catalog). */
static iotssf_status pick_schemes(assess_args *a, const iotssf_catalog *c, iotssf_error *err)
{
    if (!a->o.scheme)
        return IOTSSF_OK;
    if (strcmp(a->o.scheme, "all") == 0) {
        for (size_t i = 0; i < iotssf_catalog_baseline_count(c) && i < MAX_SCHEMES; i++)
            a->schemes[a->scheme_count++] = iotssf_catalog_baseline(c, i)->scheme;
        return IOTSSF_OK;
    }
    a->scheme_text = strdup(a->o.scheme);
    if (!a->scheme_text)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    char *save = NULL;
    for (char *s = strtok_r(a->scheme_text, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        if (a->scheme_count == MAX_SCHEMES)
            return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "more than %d schemes",
                               MAX_SCHEMES);
        a->schemes[a->scheme_count++] = s;
    }
    return IOTSSF_OK;
}

static iotssf_status run_firmware(const assess_args *a, loaded *l, iotssf_error *err)
{
    /* Known vulnerabilities of the components: the shipped records, plus
     * the user's imported database when there is one ($IOTSSF_VULNS_DB). */
    iotssf_vulndb *vulndb = NULL;
    iotssf_status st = iotssf_vulndb_open(a->o.data_dir, NULL, &vulndb, err);
    if (st)
        return st;
    iotssf_fw_options opts = {
        .limits = iotssf_fw_default_limits(),
        .data_dir = a->o.data_dir,
        .rules = l->rules,
        .vulndb = vulndb,
    };
    iotssf_fw_result *result = NULL;
    if (!a->o.quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "inspecting %s ...\n", a->firmware);
    st = iotssf_firmware_inspect(a->firmware, &opts, &result, err);
    if (!st)
        st = iotssf_evidence_use_firmware(l->evidence, result, err);
    iotssf_fw_result_free(result);
    iotssf_vulndb_close(vulndb);
    return st;
}

static iotssf_status run_probe(const assess_args *a, loaded *l, iotssf_error *err)
{
    iotssf_probe_options opts = iotssf_probe_default_options();
    opts.data_dir = a->o.data_dir;
    opts.rules = l->rules;
    opts.stop = &interrupted;
    iotssf_probe_targets targets;
    iotssf_probe_targets_init(&targets);
    iotssf_probe_result *result = NULL;
    iotssf_vulndb *vulndb = NULL;
    iotssf_status st = iotssf_vulndb_open(a->o.data_dir, NULL, &vulndb, err);
    opts.vulndb = vulndb;
    if (!st)
        st = iotssf_probe_targets_add(&targets, a->probe, &opts, err);
    if (!st) {
        struct sigaction sa = {.sa_handler = on_interrupt, .sa_flags = SA_RESETHAND};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        st = iotssf_probe_run(&targets, &opts, &result, err);
    }
    if (!st && result->interrupted)
        st = iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                         "the probe was interrupted; nothing was assessed");
    if (!st)
        st = iotssf_evidence_use_probe(l->evidence, result, err);
    iotssf_probe_result_free(result);
    iotssf_probe_targets_free(&targets);
    iotssf_vulndb_close(vulndb);
    return st;
}

static iotssf_status load_inputs(assess_args *a, loaded *l, iotssf_error *err)
{
    const cli_options *o = &a->o;
    snprintf(l->policy_path, sizeof l->policy_path, "%s",
             o->policy_path ? o->policy_path : "");
    if (!o->policy_path)
        snprintf(l->policy_path, sizeof l->policy_path, "%s/policy/default.yaml", o->data_dir);
    snprintf(l->grading_path, sizeof l->grading_path, "%s", a->grading ? a->grading : "");
    if (!a->grading)
        snprintf(l->grading_path, sizeof l->grading_path, "%s/grading/default.yaml",
                 o->data_dir);
    iotssf_status st = iotssf_policy_load(l->policy_path, &l->policy, err);
    if (!st)
        st = iotssf_catalog_load(o->data_dir, &l->catalog, err);
    if (!st)
        st = iotssf_catalog_check_policy(l->catalog, l->policy, err);
    if (!st)
        st = iotssf_rules_load(o->data_dir, l->catalog, &l->rules, err);
    if (!st)
        st = iotssf_grading_load(l->grading_path, l->catalog, &l->grading, err);
    if (!st)
        st = pick_schemes(a, l->catalog, err);
    if (!st)
        st = iotssf_assess_read_profile(o->args[0], &l->profile, err);
    if (!st)
        st = iotssf_catalog_check_profile(l->catalog, l->profile, err);
    if (!st && a->answers &&
        !(st = iotssf_questionnaire_build(l->catalog, o->data_dir, l->policy, l->profile,
                                          &l->questionnaire, err)))
        st = iotssf_answers_load(a->answers, l->questionnaire, &l->answers, err);
    if (!st && !(l->evidence = iotssf_evidence_new(l->rules, err)))
        st = err->status;
    if (!st && a->firmware_report)
        st = iotssf_evidence_load_firmware(l->evidence, a->firmware_report, err);
    if (!st && a->probe_report)
        st = iotssf_evidence_load_probe(l->evidence, a->probe_report, err);
    if (!st && a->firmware)
        st = run_firmware(a, l, err);
    if (!st && a->probe)
        st = run_probe(a, l, err);
    return st;
}

static void free_loaded(loaded *l)
{
    iotssf_evidence_free(l->evidence);
    iotssf_answers_free(l->answers);
    iotssf_questionnaire_free(l->questionnaire);
    iotssf_profile_free(l->profile);
    iotssf_grading_free(l->grading);
    iotssf_rules_free(l->rules);
    iotssf_catalog_free(l->catalog);
    iotssf_policy_free(l->policy);
}

/* Every assessment also goes into the history store (--db), so `iotssf
 * history` can show what changed between firmware versions. */
static iotssf_status record_history(const char *db, const json_t *doc, iotssf_error *err)
{
    iotssf_history *h = NULL;
    iotssf_history_recorded rec;
    iotssf_status st = iotssf_history_open(db, &h, err);
    if (!st)
        st = iotssf_history_record_json(h, doc, "assessment.json", NULL, &rec, err);
    iotssf_history_close(h);
    if (!st)
        fprintf(stderr, "iotssf assess: %s in %s (digest %.12s)\n",
                rec.added ? "recorded" : "already recorded", db, rec.digest);
    return st;
}

static int publish(const assess_args *a, const json_t *doc, iotssf_error *err)
{
    const char *dir = a->o.output_path ? a->o.output_path : ".";
    iotssf_status st = iotssf_assess_write(doc, dir, err);
    if (!st && a->db)
        st = record_history(a->db, doc, err);
    if (st)
        return cli_report_error(err);
    if (a->o.format_name && a->o.format == IOTSSF_FORMAT_JSON) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
    } else {
        iotssf_assess_summary(stdout, doc);
        printf("\nwritten: %s/assessment.json\n", dir);
    }
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_INTERNAL;
}

static int assess(assess_args *a)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    loaded l;
    memset(&l, 0, sizeof l);
    json_t *doc = NULL;
    iotssf_status st = load_inputs(a, &l, &err);
    if (!st) {
        iotssf_assess_options opts = {
            .data_dir = a->o.data_dir, .catalog = l.catalog, .policy = l.policy,
            .policy_file = l.policy_path, .rules = l.rules, .grading = l.grading,
            .profile = l.profile, .evidence = l.evidence,
            .answers = l.answers, .schemes = a->scheme_count ? a->schemes : NULL,
            .scheme_count = a->scheme_count, .level = a->level_value,
            .firmware_version = a->firmware_version,
        };
        st = iotssf_assess(&opts, &doc, &err);
    }
    int rc = st ? cli_report_error(&err) : publish(a, doc, &err);
    json_decref(doc);
    free_loaded(&l);
    return rc;
}

int cmd_assess(int argc, char **argv)
{
    assess_args a;
    memset(&a, 0, sizeof a);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_INTERNAL;
    int n = 0, rc = EXIT_OK;
    rest[n++] = argv[0];
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        int taken = take_option(argc, argv, &i, &a);
        if (taken < 0)
            rc = EXIT_USAGE;
        else if (!taken)
            rest[n++] = argv[i];
    }
    if (rc == EXIT_OK)
        rc = cli_parse(n, rest, "assess", "format policy data output scheme quiet", &a.o);
    if (rc == EXIT_OK)
        rc = check_args(&a);
    if (rc == EXIT_OK)
        rc = assess(&a);
    free(a.scheme_text);
    free(rest);
    return rc;
}
