/*
 * Evidence for the assessment from reports and from the network
 * (lib/assess/evidence*.c), and the refusals that keep an assessment about
 * one device: the example camera's real firmware report read back, hostile
 * reports, a firmware image other than the one the profile names, a real
 * `iotssf probe` of a busybox telnetd on 127.0.0.1, the schemes chosen, and
 * assessment.json written whole or not at all.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "iotssf/assess.h"
#include "iotssf/iotssf.h"
#include "util.h"
#include "assess_util.h"

typedef struct fixture {
    netcam_world w;
    char *report; /* the firmware's JSON report */
} fixture;

static iotssf_assess_options options(const fixture *f, const iotssf_profile *p,
                                     const iotssf_evidence *e)
{
    return (iotssf_assess_options){
        .data_dir = f->w.data_dir, .catalog = f->w.catalog, .policy = f->w.policy,
        .policy_file = f->w.policy_path, .rules = f->w.rules, .grading = f->w.grading,
        .profile = p, .evidence = e,
        .assessed_at = "2026-11-24T10:00:00Z",
    };
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    f->report = strdup(IOTSSF_BUILD_DIR "/assess-evidence-netcam.json");
    if (netcam_world_open(&f->w, "assess-evidence-netcam.bin"))
        return -1;
    iotssf_error err;
    iotssf_error_clear(&err);
    FILE *out = fopen(f->report, "w");
    if (!out || iotssf_firmware_report(out, IOTSSF_FORMAT_JSON, f->w.firmware, &err))
        return assess_setup_failed("setup", &err);
    fclose(out);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    netcam_world_close(&f->w);
    unlink(f->report);
    free(f->report);
    free(f);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("'%s' is not a string", key);
    return s;
}

static const json_t *verdict_of(const json_t *doc, size_t mode, const char *requirement)
{
    const json_t *list = json_object_get(json_array_get(json_object_get(doc, "modes"), mode),
                                         "verdicts");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(str(json_array_get(list, i), "requirement"), requirement) == 0)
            return json_array_get(list, i);
    fail_msg("no verdict for %s", requirement);
    return NULL;
}

static const json_t *finding(const json_t *doc, const char *id)
{
    const json_t *list = json_object_get(doc, "findings");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(str(json_array_get(list, i), "id"), id) == 0)
            return json_array_get(list, i);
    fail_msg("no finding %s", id);
    return NULL;
}

static json_t *assess_firmware_report(const fixture *f, const char *report, iotssf_error *err,
                                      iotssf_status *st)
{
    iotssf_evidence *e = iotssf_evidence_new(f->w.rules, err);
    json_t *doc = NULL;
    *st = iotssf_evidence_load_firmware(e, report, err);
    if (!*st) {
        iotssf_assess_options o = options(f, f->w.netcam, e);
        *st = iotssf_assess(&o, &doc, err);
    }
    iotssf_evidence_free(e);
    return doc;
}

/* ---- firmware reports ---- */

static void test_report_gives_the_same_verdicts(void **state)
{
    fixture *f = *state;
    iotssf_error err;
    iotssf_status st;
    json_t *from_report = assess_firmware_report(f, f->report, &err, &st);
    assert_int_equal(st, IOTSSF_OK);
    iotssf_evidence *e = iotssf_evidence_new(f->w.rules, &err);
    assert_int_equal(iotssf_evidence_use_firmware(e, f->w.firmware, &err), IOTSSF_OK);
    iotssf_assess_options o = options(f, f->w.netcam, e);
    json_t *direct = NULL;
    assert_int_equal(iotssf_assess(&o, &direct, &err), IOTSSF_OK);
    /* The whole judgement is the same; only the image's name differs. */
    assert_true(
        json_equal(json_object_get(direct, "modes"), json_object_get(from_report, "modes")));
    assert_true(json_equal(json_object_get(direct, "findings"),
                           json_object_get(from_report, "findings")));
    const json_t *fw = json_object_get(json_object_get(from_report, "evidence"), "firmware");
    assert_string_equal(str(fw, "sha256"), f->w.firmware->sha256);
    assert_int_equal(json_integer_value(json_object_get(fw, "size")), f->w.firmware->image_size);
    json_decref(direct);
    json_decref(from_report);
    iotssf_evidence_free(e);
}

static char *report_text(const fixture *f)
{
    char *text = read_file(f->report, NULL);
    assert_non_null(text);
    return text;
}

static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("'%s' not in the report", from);
    size_t len = strlen(text) + strlen(to) + 1;
    char *out = malloc(len);
    snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* Stale titles and severities give way to today's rules; unknown rules are
 * left out with a warning. */
static void test_report_rebuilt_through_rules(void **state)
{
    fixture *f = *state;
    char *text = report_text(f);
    char *t1 = replaced(text,
                        "\"rule\": \"FW-BOOT-TELNETD-NO-LOGIN\",\n      \"severity\": "
                        "\"critical\",\n      \"title\": \"",
                        "\"rule\": \"FW-BOOT-TELNETD-NO-LOGIN\",\n      \"severity\": "
                        "\"info\",\n      \"title\": \"stale ");
    char *t2 = replaced(t1, "\"findings\": [",
                        "\"findings\": [{\"rule\": \"FW-GONE-RULE\", \"message\": \"x\"},");
    char path[256];
    snprintf(path, sizeof path, "%s", temp_file_with(t2, ".json"));
    iotssf_error err;
    iotssf_status st;
    json_t *doc = assess_firmware_report(f, path, &err, &st);
    assert_int_equal(st, IOTSSF_OK);
    const json_t *v = verdict_of(doc, 0, "SSF-AUTH-06");
    assert_string_equal(str(v, "verdict"), "fail");
    const json_t *ids = json_object_get(v, "findings");
    const json_t *x = finding(doc, json_string_value(json_array_get(ids, 0)));
    assert_string_equal(str(x, "rule"), "FW-BOOT-TELNETD-NO-LOGIN");
    assert_string_equal(str(x, "severity"), "critical");
    assert_null(strstr(str(x, "title"), "stale"));
    const json_t *warnings = json_object_get(doc, "warnings");
    assert_int_equal(json_array_size(warnings), 1);
    assert_non_null(strstr(json_string_value(json_array_get(warnings, 0)), "FW-GONE-RULE"));
    json_decref(doc);
    unlink(path);
    free(t2), free(t1), free(text);
}

static void expect_report_refused(const fixture *f, const char *text, const char *message)
{
    char path[256];
    snprintf(path, sizeof path, "%s", temp_file_with(text, ".json"));
    iotssf_error err;
    iotssf_status st;
    json_t *doc = assess_firmware_report(f, path, &err, &st);
    assert_int_equal(st, IOTSSF_E_INPUT);
    assert_null(doc);
    assert_string_equal(err.file, path);
    if (!strstr(err.message, message))
        fail_msg("expected '%s' in '%s'", message, err.message);
    unlink(path);
}

static void test_hostile_reports(void **state)
{
    fixture *f = *state;
    char *text = report_text(f);
    expect_report_refused(f, "", "not a JSON report");
    expect_report_refused(f, "[1, 2]", "schema 'iotssf.firmware/1'");
    expect_report_refused(f, "{\"schema\": \"iotssf.probe/1\", \"hosts\": [], \"findings\": []}",
                          "schema 'iotssf.firmware/1'");
    char *cut = strndup(text, strlen(text) / 2);
    expect_report_refused(f, cut, "not a JSON report");
    free(cut);
    char sha[80];
    snprintf(sha, sizeof sha, "\"sha256\": \"%s\"", f->w.firmware->sha256);
    char *t = replaced(text, sha, "\"sha256\": \"abc\"");
    expect_report_refused(f, t, "image.sha256");
    free(t);
    t = replaced(text, sha, "\"sha256\": null");
    expect_report_refused(f, t, "does not say which image");
    free(t);
    t = replaced(text, "\"findings\": [", "\"findings\": [{\"rule\": 7},");
    expect_report_refused(f, t, "findings[].rule: expected a string");
    free(t);
    t = replaced(text, "\"findings\": [",
                 "\"findings\": [{\"rule\": \"FW-ELF-NO-NX\", \"line\": -4},");
    expect_report_refused(f, t, "findings[].line");
    free(t);
    t = replaced(text, "\"schema\": ", "\"schema\": \"twice\", \"schema\": ");
    expect_report_refused(f, t, "not a JSON report");
    free(t);
    expect_report_refused(f, "{\"schema\": \"iotssf.firmware/1\", \"image\": 3}",
                          "image: expected");
    free(text);
    /* One source, once. */
    iotssf_error err;
    iotssf_evidence *e = iotssf_evidence_new(f->w.rules, &err);
    assert_int_equal(iotssf_evidence_load_firmware(e, f->report, &err), IOTSSF_OK);
    assert_int_equal(iotssf_evidence_use_firmware(e, f->w.firmware, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "given twice"));
    iotssf_evidence_free(e);
}

/* ---- evidence from another device ---- */

static iotssf_status assess_with_image(const fixture *f, const char *image_line,
                                       iotssf_error *err)
{
    char *text = read_file(source_path("examples/netcam.yaml"), NULL);
    char line[512];
    snprintf(line, sizeof line, "firmware_version: \"2.4.1\"\n  firmware_image: %s", image_line);
    char *edited = replaced(text, "firmware_version: \"2.4.1\"", line);
    char path[256];
    snprintf(path, sizeof path, "%s", temp_file_with(edited, ".yaml"));
    iotssf_profile *p = NULL;
    assert_int_equal(iotssf_assess_read_profile(path, &p, err), IOTSSF_OK);
    iotssf_evidence *e = iotssf_evidence_new(f->w.rules, err);
    assert_int_equal(iotssf_evidence_load_firmware(e, f->report, err), IOTSSF_OK);
    iotssf_assess_options o = options(f, p, e);
    json_t *doc = NULL;
    iotssf_status st = iotssf_assess(&o, &doc, err);
    assert_true((st == IOTSSF_OK) == (doc != NULL));
    json_decref(doc);
    iotssf_evidence_free(e);
    iotssf_profile_free(p);
    unlink(path);
    free(edited);
    free(text);
    return st;
}

static void test_evidence_from_another_device(void **state)
{
    fixture *f = *state;
    iotssf_error err;
    char zeros[65];
    memset(zeros, '0', 64);
    zeros[64] = '\0';
    assert_int_equal(assess_with_image(f, zeros, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "evidence from another device"));
    assert_int_equal(assess_with_image(f, f->w.firmware->sha256, &err), IOTSSF_OK);
    assert_int_equal(assess_with_image(f, f->w.image, &err), IOTSSF_OK);
    assert_int_equal(assess_with_image(f, f->report, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "evidence from another device"));
}

/* ---- a real probe of a real telnetd ---- */

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0) {
        close(s);
        return -1;
    }
    close(s);
    return ntohs(a.sin_port);
}

static bool port_answers(int port)
{
    for (int tries = 0; tries < 60; tries++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        close(s);
        if (ok)
            return true;
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    return false;
}

/* busybox (host architecture) through the .deb cache; NULL when unavailable. */
static char *busybox_path(void)
{
    char cmd[4096], line[4096] = "";
    snprintf(cmd, sizeof cmd, "%s/tests/tools/debian-binary.sh busybox-static 2>/dev/null",
             IOTSSF_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    while (fgets(line, sizeof line, p))
        ;
    if (pclose(p) != 0)
        return NULL;
    line[strcspn(line, "\n")] = '\0';
    return joined(line, "/bin/busybox");
}

/* Runs `iotssf probe` against a busybox telnetd that gives a shell without a
 * login; returns the report's path or NULL when that cannot run here. */
static char *probe_report(void)
{
    char *busybox = busybox_path();
    int port = free_port();
    if (!busybox || access(busybox, X_OK) != 0 || port < 0 ||
        access(IOTSSF_BUILD_DIR "/iotssf", X_OK) != 0) {
        free(busybox);
        return NULL;
    }
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    pid_t child = fork();
    if (child == 0) {
        execl(busybox, "busybox", "telnetd", "-F", "-b", "127.0.0.1", "-p", port_text, "-l",
              "/bin/sh", (char *)NULL);
        _exit(127);
    }
    free(busybox);
    char *report = strdup(IOTSSF_BUILD_DIR "/assess-probe.json");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s/iotssf probe 127.0.0.1 --ports %d --no-logins --format json -o %s -q >&2",
             IOTSSF_BUILD_DIR, port, report);
    bool ok = child > 0 && port_answers(port) && system(cmd) == 0;
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    if (!ok) {
        free(report);
        return NULL;
    }
    return report;
}

static void test_probe_report_from_a_real_probe(void **state)
{
    fixture *f = *state;
    char *report = probe_report();
    if (!report) {
        fprintf(stderr, "skipped: no busybox telnetd or iotssf binary to probe with\n");
        skip();
    }
    iotssf_error err;
    iotssf_evidence *e = iotssf_evidence_new(f->w.rules, &err);
    assert_int_equal(iotssf_evidence_load_probe(e, report, &err), IOTSSF_OK);
    assert_int_equal(iotssf_evidence_load_firmware(e, f->report, &err), IOTSSF_OK);
    assert_int_equal(iotssf_evidence_load_probe(e, report, &err), IOTSSF_E_INPUT);
    iotssf_assess_options o = options(f, f->w.netcam, e);
    json_t *doc = NULL;
    assert_int_equal(iotssf_assess(&o, &doc, &err), IOTSSF_OK);
    const json_t *probe = json_object_get(json_object_get(doc, "evidence"), "probe");
    assert_string_equal(json_string_value(json_array_get(json_object_get(probe, "targets"), 0)),
                        "127.0.0.1");
    assert_true(json_is_true(json_object_get(probe, "complete")));
    const json_t *service = json_array_get(json_object_get(probe, "services"), 0);
    assert_string_equal(str(service, "name"), "telnet");
    /* The shell without login fails SSF-AUTH-06 from both sources. */
    const json_t *v = verdict_of(doc, 0, "SSF-AUTH-06");
    assert_string_equal(str(v, "verdict"), "fail");
    bool from_probe = false, from_firmware = false;
    const json_t *ids = json_object_get(v, "findings");
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const json_t *x = finding(doc, json_string_value(json_array_get(ids, i)));
        if (strcmp(str(x, "source"), "probe") == 0) {
            from_probe = true;
            assert_string_equal(str(x, "rule"), "PROBE-SHELL-WITHOUT-LOGIN");
            assert_string_equal(str(x, "host"), "127.0.0.1");
            assert_int_equal(json_integer_value(json_object_get(x, "port")),
                             json_integer_value(json_object_get(service, "port")));
        } else {
            from_firmware = true;
        }
    }
    assert_true(from_probe && from_firmware);
    v = verdict_of(doc, 0, "SSF-COMM-01");
    assert_string_equal(str(v, "verdict"), "fail");
    /* Requirements only a probe can check now have evidence. */
    bool probe_pass = false;
    const json_t *list = json_object_get(json_array_get(json_object_get(doc, "modes"), 0),
                                         "verdicts");
    for (size_t i = 0; i < json_array_size(list); i++)
        probe_pass |= strstr(str(json_array_get(list, i), "reason"), "probe checks passed") != NULL;
    assert_true(probe_pass);
    json_decref(doc);
    iotssf_evidence_free(e);
    unlink(report);
    free(report);
}

/* ---- schemes and publishing ---- */

static void test_schemes(void **state)
{
    fixture *f = *state;
    size_t n = iotssf_catalog_baseline_count(f->w.catalog);
    const char **all = calloc(n, sizeof *all);
    for (size_t i = 0; i < n; i++)
        all[i] = iotssf_catalog_baseline(f->w.catalog, i)->scheme;
    iotssf_assess_options o = options(f, f->w.netcam, NULL);
    o.schemes = all;
    o.scheme_count = n;
    o.level = 2;
    json_t *doc = NULL;
    iotssf_error err;
    assert_int_equal(iotssf_assess(&o, &doc, &err), IOTSSF_OK);
    const json_t *schemes = json_object_get(json_array_get(json_object_get(doc, "modes"), 0),
                                            "schemes");
    assert_int_equal(json_array_size(schemes), n);
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(schemes, i);
        assert_string_equal(str(s, "scheme"), all[i]);
        if (strcmp(all[i], "iec62443-4-2") == 0)
            assert_int_equal(json_integer_value(json_object_get(s, "level")), 2);
    }
    /* Nothing but the profile: every verdict is n/a or lacks evidence. */
    const json_t *totals = json_object_get(doc, "totals");
    assert_int_equal(json_integer_value(json_object_get(totals, "pass")), 0);
    assert_int_equal(json_integer_value(json_object_get(totals, "fail")), 0);
    /* The schemes shown never change the grade. */
    iotssf_assess_options shown_default = options(f, f->w.netcam, NULL);
    json_t *fewer = NULL;
    assert_int_equal(iotssf_assess(&shown_default, &fewer, &err), IOTSSF_OK);
    const json_t *modes = json_object_get(doc, "modes");
    for (size_t i = 0; i < json_array_size(modes); i++) {
        const json_t *a = json_object_get(json_array_get(modes, i), "grade");
        const json_t *b =
            json_object_get(json_array_get(json_object_get(fewer, "modes"), i), "grade");
        assert_true(json_equal(a, b));
    }
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(json_object_get(fewer, "modes"), 0), "schemes")),
                     2);
    json_decref(fewer);
    json_decref(doc);
    const char *unknown[] = {"en303645", "nosuch"};
    o.schemes = unknown;
    o.scheme_count = 2;
    doc = NULL;
    assert_int_equal(iotssf_assess(&o, &doc, &err), IOTSSF_E_INPUT);
    assert_null(doc);
    assert_non_null(strstr(err.message, "unknown scheme 'nosuch'"));
    free(all);
}

static size_t entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.' || strncmp(e->d_name, ".assessment", 11) == 0;
    if (d)
        closedir(d);
    return n;
}

static void test_write_whole(void **state)
{
    fixture *f = *state;
    iotssf_assess_options o = options(f, f->w.netcam, NULL);
    json_t *doc = NULL;
    iotssf_error err;
    assert_int_equal(iotssf_assess(&o, &doc, &err), IOTSSF_OK);
    char base[] = "/tmp/iotssf-assess-XXXXXX";
    assert_non_null(mkdtemp(base));
    char dir[512], file[600];
    snprintf(dir, sizeof dir, "%s/a/b", base);
    assert_int_equal(iotssf_assess_write(doc, dir, &err), IOTSSF_OK);
    assert_int_equal(iotssf_assess_write(doc, dir, &err), IOTSSF_OK); /* replaces */
    snprintf(file, sizeof file, "%s/assessment.json", dir);
    json_error_t jerr;
    json_t *back = json_load_file(file, 0, &jerr);
    assert_non_null(back);
    assert_true(json_equal(back, doc));
    assert_int_equal(entries_in(dir), 1);
    /* A folder that is a file: an error, and nothing left behind. */
    assert_int_equal(iotssf_assess_write(doc, file, &err), IOTSSF_E_IO);
    assert_int_equal(entries_in(dir), 1);
    json_decref(back);
    json_decref(doc);
    unlink(file);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/a", base);
    rmdir(dir);
    rmdir(base);
}

/* ---- the command, end to end ---- */

static int run_cli(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/iotssf %s >/dev/null 2>&1", IOTSSF_BUILD_DIR, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* questionnaire, fill in, assess with the firmware; then edit the profile:
 * the same answers are refused with exit 2 and nothing is written. */
static void test_command_end_to_end(void **state)
{
    fixture *f = *state;
    if (access(IOTSSF_BUILD_DIR "/iotssf", X_OK) != 0)
        skip();
    char base[] = "/tmp/iotssf-assess-cli-XXXXXX";
    assert_non_null(mkdtemp(base));
    char profile[600], answers[600], args[4096], result[700];
    snprintf(profile, sizeof profile, "%s/netcam.yaml", base);
    snprintf(answers, sizeof answers, "%s/answers.yaml", base);
    char *text = read_file(source_path("examples/netcam.yaml"), NULL);
    FILE *w = fopen(profile, "w");
    fputs(text, w);
    fclose(w);
    snprintf(args, sizeof args, "questionnaire %s -o %s", profile, answers);
    assert_int_equal(run_cli(args), 0);
    char *q = read_file(answers, NULL);
    /* Q-SSF-SURF-04 needs no document: a bare "yes" is a complete answer. */
    char *entry = strstr(q, "id: Q-SSF-SURF-04\n");
    assert_non_null(entry);
    char *filled = replaced(entry, "answer: ~", "answer: yes");
    w = fopen(answers, "w");
    fprintf(w, "%.*s%s", (int)(entry - q), q, filled);
    fclose(w);
    snprintf(args, sizeof args, "assess %s --firmware %s --answers %s -o %s/first -q", profile,
             f->w.image, answers, base);
    assert_int_equal(run_cli(args), 0);
    snprintf(result, sizeof result, "%s/first/assessment.json", base);
    char *doc = read_file(result, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"basis\": \"declared\""));
    assert_non_null(strstr(doc, "\"rule\": \"FW-BOOT-TELNETD-NO-LOGIN\""));
    w = fopen(profile, "a");
    fputs("# edited after the questionnaire\n", w);
    fclose(w);
    snprintf(args, sizeof args, "assess %s --firmware %s --answers %s -o %s/second -q", profile,
             f->w.image, answers, base);
    assert_int_equal(run_cli(args), 2);
    snprintf(result, sizeof result, "%s/second/assessment.json", base);
    assert_int_not_equal(access(result, F_OK), 0);
    snprintf(args, sizeof args, "rm -rf %s", base);
    assert_int_equal(system(args), 0);
    free(doc);
    free(filled);
    free(q);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_gives_the_same_verdicts),
        cmocka_unit_test(test_report_rebuilt_through_rules),
        cmocka_unit_test(test_hostile_reports),
        cmocka_unit_test(test_evidence_from_another_device),
        cmocka_unit_test(test_probe_report_from_a_real_probe),
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_write_whole),
        cmocka_unit_test(test_command_end_to_end),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
