/*
 * `iotssf history [DEVICE_ID]` and `iotssf history record ASSESSMENT.json`:
 * the assessment history store (include/iotssf/history.h). Without a device
 * it lists the devices; with one, their assessments in time order and what
 * changed between each pair. The store is --db FILE, else $IOTSSF_DB, else
 * $XDG_DATA_HOME/iotssf/history.sqlite. docs/history.md.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iotssf/history.h"

static const char usage[] =
    "usage: iotssf history [DEVICE_ID] [--db FILE] [--format text|json] [-o FILE]\n"
    "       iotssf history record ASSESSMENT.json [--cert cert.json] [--db FILE]\n";

typedef struct history_args {
    const char *db, *format, *output, *cert;
    const char *positional[2];
    int positional_count;
} history_args;

/* "--name value" or "--name=value"; `record` takes --cert, the rest do not. */
static int parse(int argc, char **argv, bool record, history_args *a)
{
    struct { const char *name; const char **dest; bool for_record, for_show; } table[] = {
        {"db", &a->db, true, true},
        {"format", &a->format, false, true},
        {"output", &a->output, false, true},
        {"cert", &a->cert, true, false}};
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = strcmp(argv[i], "-o") == 0 ? "--output" : argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->positional_count == 1)
                return cli_usage_error("history", "unexpected argument '%s'", argv[i]);
            a->positional[a->positional_count++] = argv[i];
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        size_t k = 0, n = sizeof table / sizeof *table;
        while (k < n && (strlen(table[k].name) != len || strncmp(table[k].name, arg + 2, len)))
            k++;
        if (k == n || !(record ? table[k].for_record : table[k].for_show))
            return cli_usage_error("history", "unknown option '%s'", argv[i]);
        if (!eq && i + 1 >= argc)
            return cli_usage_error("history", "--%s needs a value", table[k].name);
        *table[k].dest = eq ? eq + 1 : argv[++i];
    }
    return EXIT_OK;
}

static iotssf_status open_store(const history_args *a, iotssf_history **h, iotssf_error *err)
{
    char path[4096];
    if (a->db)
        return iotssf_history_open(a->db, h, err);
    iotssf_status st = iotssf_history_default_path(path, sizeof path, err);
    return st ? st : iotssf_history_open(path, h, err);
}

static int record(int argc, char **argv)
{
    history_args a;
    int rc = parse(argc, argv, true, &a);
    if (rc)
        return rc;
    if (a.positional_count != 1)
        return cli_usage_error("history record", "give one ASSESSMENT.json");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history *h = NULL;
    iotssf_history_recorded r;
    iotssf_status st = open_store(&a, &h, &err);
    if (!st)
        st = iotssf_history_record_file(h, a.positional[0], a.cert, &r, &err);
    iotssf_history_close(h);
    if (st)
        return cli_report_error(&err);
    printf("%s assessment %.12s%s\n", r.added ? "recorded" : "already recorded", r.digest,
           r.certificate_added ? ", with its certificate" : "");
    return EXIT_OK;
}

static iotssf_status show(iotssf_history *h, const history_args *a, iotssf_format format,
                          FILE *out, iotssf_error *err)
{
    if (a->positional_count == 0) {
        iotssf_history_device_list list;
        iotssf_status st = iotssf_history_devices(h, &list, err);
        if (!st)
            st = iotssf_history_write_devices(out, format, &list, err);
        iotssf_history_device_list_free(&list);
        return st;
    }
    iotssf_history_timeline *t;
    iotssf_status st = iotssf_history_timeline_load(h, a->positional[0], &t, err);
    if (!st)
        st = iotssf_history_write_timeline(out, format, t, err);
    iotssf_history_timeline_free(t);
    return st;
}

int cmd_history(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "record") == 0)
        return record(argc - 1, argv + 1);
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    history_args a;
    int rc = parse(argc, argv, false, &a);
    if (rc)
        return rc;
    iotssf_format format = IOTSSF_FORMAT_TEXT;
    if (a.format && (iotssf_format_parse(a.format, &format) != 0 ||
                     (format != IOTSSF_FORMAT_TEXT && format != IOTSSF_FORMAT_JSON)))
        return cli_usage_error("history", "--format is text or json");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_history *h = NULL;
    cli_output out;
    iotssf_status st = open_store(&a, &h, &err);
    if (st)
        return cli_report_error(&err);
    if ((rc = output_open(&out, a.output))) {
        iotssf_history_close(h);
        return rc;
    }
    st = show(h, &a, format, out.file, &err);
    iotssf_history_close(h);
    if (st) {
        output_abort(&out);
        return cli_report_error(&err);
    }
    return output_commit(&out);
}
