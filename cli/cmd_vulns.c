/*
 * `iotssf vulns lookup COMPONENT VERSION`, `iotssf vulns update --osv
 * DIR_OR_ZIP | --nvd FILE.json` and `iotssf vulns list`: the known
 * vulnerability records from the command line. --db FILE names the imported
 * database (default: see iotssf_vulndb_default_path); --osv, --nvd and --db
 * are taken out here, the shared options go through cli_parse. Matching,
 * scoring and importing are the library's (lib/vulns/); this file only
 * prints. lookup exits 1 when something matched, like --fail-on.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct vulns_args {
    const char *db, *osv, *nvd;
} vulns_args;

/* One of our options at argv[*i]; 1 taken, 0 not ours, -1 bad. */
static int take_option(int argc, char **argv, int *i, vulns_args *a)
{
    static const char *const names[] = {"db", "osv", "nvd", NULL};
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(arg + 2, names[k], n) != 0 || (arg[2 + n] != '\0' && arg[2 + n] != '='))
            continue;
        const char *value = arg[2 + n] == '=' ? arg + 3 + n : NULL;
        if (!value) {
            if (*i + 1 >= argc)
                return cli_usage_error("vulns", "--%s needs a value", names[k]), -1;
            value = argv[++*i];
        }
        const char **slot = k == 0 ? &a->db : k == 1 ? &a->osv : &a->nvd;
        *slot = value;
        return 1;
    }
    return 0;
}

static json_t *vuln_json(const iotssf_vuln *v)
{
    json_t *refs = json_array();
    for (size_t i = 0; i < v->reference_count; i++)
        json_array_append_new(refs, json_string(v->references[i]));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v->id));
    json_object_set_new(o, "severity", json_string(iotssf_severity_name(v->severity)));
    json_object_set_new(o, "score", v->cvss_score >= 0 ? json_real(v->cvss_score) : json_null());
    json_object_set_new(o, "vector", v->cvss_vector ? json_string(v->cvss_vector) : json_null());
    json_object_set_new(o, "introduced", v->introduced ? json_string(v->introduced) : json_null());
    json_object_set_new(o, "fixed", v->fixed ? json_string(v->fixed) : json_null());
    json_object_set_new(o, "summary", v->summary ? json_string(v->summary) : json_null());
    json_object_set_new(o, "source", json_string(v->source));
    json_object_set_new(o, "references", refs);
    return o;
}

static void print_lookup_text(FILE *out, const char *component, const char *version,
                              const char *scheme, bool partial, const iotssf_vulns *v)
{
    if (partial) {
        fprintf(out, "%s %s: cannot tell (the version is partial)\n", component, version);
        return;
    }
    if (v->count == 0) {
        fprintf(out, "%s %s: no known vulnerabilities\n", component, version);
        return;
    }
    fprintf(out, "%s %s (%s versions): %zu known vulnerabilit%s\n", component, version, scheme,
            v->count, v->count == 1 ? "y" : "ies");
    for (size_t i = 0; i < v->count; i++) {
        const iotssf_vuln *x = &v->items[i];
        char score[16] = "-";
        if (x->cvss_score >= 0)
            snprintf(score, sizeof score, "%.1f", x->cvss_score);
        fprintf(out, "%-16s %-8s %4s  fixed in %-12s %s\n", x->id,
                iotssf_severity_name(x->severity), score, x->fixed ? x->fixed : "(none known)",
                x->source);
        if (x->summary)
            fprintf(out, "    %s\n", x->summary);
    }
}

static int write_json(const cli_options *o, json_t *doc)
{
    cli_output out;
    int rc = output_open(&out, o->output_path);
    if (rc != EXIT_OK) {
        json_decref(doc);
        return rc;
    }
    size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3);
    if (json_dumpf(doc, out.file, flags) != 0) {
        output_abort(&out);
        json_decref(doc);
        return EXIT_INTERNAL;
    }
    fputc('\n', out.file);
    json_decref(doc);
    return output_commit(&out);
}

static int lookup(const cli_options *o, const vulns_args *a)
{
    if (o->arg_count != 2)
        return cli_usage_error("vulns", "lookup takes a COMPONENT and a VERSION");
    const char *component = o->args[0], *version = o->args[1];
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_vulndb *db;
    if (iotssf_vulndb_open(o->data_dir, a->db, &db, &err))
        return cli_report_error(&err);
    if (!iotssf_vulndb_component_find(db, component)) {
        iotssf_vulndb_close(db);
        return cli_usage_error("vulns", "unknown component '%s'; 'iotssf vulns list' shows the "
                                        "component ids",
                               component);
    }
    const char *scheme = iotssf_vulndb_scheme(db, component);
    bool partial = iotssf_version_is_partial(scheme, version);
    iotssf_vulns v;
    iotssf_vulns_init(&v);
    int rc = EXIT_OK;
    if (iotssf_vulndb_lookup(db, component, version, &v, &err))
        rc = cli_report_error(&err);
    else if (o->format == IOTSSF_FORMAT_JSON) {
        json_t *list = json_array();
        for (size_t i = 0; i < v.count; i++)
            json_array_append_new(list, vuln_json(&v.items[i]));
        rc = write_json(o, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "schema",
                                     "iotssf.vulns-lookup/1", "component", component, "version",
                                     version, "scheme", scheme, "partial", partial,
                                     "vulnerabilities", list));
    } else {
        cli_output out;
        rc = output_open(&out, o->output_path);
        if (rc == EXIT_OK) {
            print_lookup_text(out.file, component, version, scheme, partial, &v);
            rc = output_commit(&out);
        }
    }
    if (rc == EXIT_OK && v.count > 0)
        rc = EXIT_FINDINGS;
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
    return rc;
}

static int list(const cli_options *o, const vulns_args *a)
{
    if (o->arg_count != 0)
        return cli_usage_error("vulns", "list takes no arguments");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_vulndb *db;
    if (iotssf_vulndb_open(o->data_dir, a->db, &db, &err))
        return cli_report_error(&err);
    const char *imported = iotssf_vulndb_imported_path(db);
    int rc;
    if (o->format == IOTSSF_FORMAT_JSON) {
        json_t *items = json_array();
        for (size_t i = 0; i < iotssf_vulndb_component_count(db); i++) {
            const iotssf_vulndb_component *c = iotssf_vulndb_component_at(db, i);
            json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:I, s:b}", "id", c->id,
                                                   "scheme", c->scheme, "shipped",
                                                   (json_int_t)c->shipped, "imported",
                                                   (json_int_t)c->imported, "signature",
                                                   c->has_signature));
        }
        rc = write_json(o, json_pack("{s:s, s:o, s:o}", "schema", "iotssf.vulns-list/1",
                                     "database", imported ? json_string(imported) : json_null(),
                                     "components", items));
    } else {
        cli_output out;
        rc = output_open(&out, o->output_path);
        if (rc == EXIT_OK) {
            fprintf(out.file, "imported database: %s\n", imported ? imported : "(none)");
            fprintf(out.file, "%-16s %-8s %8s %8s\n", "COMPONENT", "SCHEME", "SHIPPED",
                    "IMPORTED");
            for (size_t i = 0; i < iotssf_vulndb_component_count(db); i++) {
                const iotssf_vulndb_component *c = iotssf_vulndb_component_at(db, i);
                fprintf(out.file, "%-16s %-8s %8zu %8zu%s\n", c->id, c->scheme, c->shipped,
                        c->imported, c->has_signature ? "" : "  (no signature)");
            }
            rc = output_commit(&out);
        }
    }
    iotssf_vulndb_close(db);
    return rc;
}

static int update(const cli_options *o, const vulns_args *a)
{
    if (o->arg_count != 0 || (!a->osv == !a->nvd))
        return cli_usage_error("vulns", "update takes --osv DIR_OR_ZIP or --nvd FILE.json");
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_vuln_import_stats s;
    iotssf_status st = a->osv ? iotssf_vulndb_import_osv(o->data_dir, a->osv, a->db, &s, &err)
                              : iotssf_vulndb_import_nvd(o->data_dir, a->nvd, a->db, &s, &err);
    if (st)
        return cli_report_error(&err);
    char buf[4096];
    const char *path = a->db ? a->db : iotssf_vulndb_default_path(buf, sizeof buf);
    printf("imported %zu records into %s\n", s.records, path);
    printf("skipped %zu: %zu for components we do not identify, %zu of other ecosystems, "
           "%zu malformed or withdrawn\n",
           s.skipped, s.unmapped, s.other_ecosystem, s.malformed);
    if (s.kept)
        printf("kept %zu records of earlier imports from other sources\n", s.kept);
    return EXIT_OK;
}

static void usage(void)
{
    puts("usage: iotssf vulns lookup COMPONENT VERSION [--format text|json] [--data DIR] [--db "
         "FILE]\n"
         "       iotssf vulns update --osv DIR_OR_ZIP | --nvd FILE.json [--db FILE]\n"
         "       iotssf vulns list [--format text|json] [--db FILE]\n"
         "lookup exits 0 when nothing matches, 1 when something does, 2 on bad input.");
}

int cmd_vulns(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "lookup") != 0 && strcmp(sub, "update") != 0 && strcmp(sub, "list") != 0)
        return cli_usage_error("vulns", "unknown subcommand '%s' (lookup, update, list)", sub);
    vulns_args a = {0};
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_INTERNAL;
    int n = 0, rc = EXIT_OK;
    rest[n++] = argv[1];
    for (int i = 2; i < argc && rc == EXIT_OK; i++) {
        int taken = take_option(argc, argv, &i, &a);
        if (taken < 0)
            rc = EXIT_USAGE;
        else if (!taken)
            rest[n++] = argv[i];
    }
    cli_options o;
    if (rc == EXIT_OK)
        rc = cli_parse(n, rest, "vulns", "format data output quiet", &o);
    if (rc == EXIT_OK && o.format_name && o.format != IOTSSF_FORMAT_TEXT &&
        o.format != IOTSSF_FORMAT_JSON)
        rc = cli_usage_error("vulns", "the vulns output is text or json");
    if (rc == EXIT_OK && strcmp(sub, "update") != 0 && (a.osv || a.nvd))
        rc = cli_usage_error("vulns", "--osv and --nvd belong to 'vulns update'");
    if (rc == EXIT_OK)
        rc = strcmp(sub, "lookup") == 0 ? lookup(&o, &a)
             : strcmp(sub, "list") == 0 ? list(&o, &a)
                                        : update(&o, &a);
    free(rest);
    return rc;
}
