/*
 * The assessment core (lib/assess/verdicts.c, assess*.c) on real evidence:
 * the example camera's firmware, built from Debian mipsel binaries by
 * examples/build-netcam-firmware.sh with its planted flaws (telnetd -l
 * /bin/sh, a Mirai default root password) and inspected for real, and
 * answers written into the real questionnaire. Checks the verdicts, the
 * order of trust between machine evidence and answers, and that the document
 * has every key docs/assessment-format.md lists. Reports, probes and refusals
 * are in test_assess_evidence.c.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "iotssf/assess.h"
#include "iotssf/iotssf.h"
#include "util.h"
#include "assess_util.h"

typedef struct fixture {
    netcam_world w;
    iotssf_evidence *evidence;
    json_t *doc; /* firmware evidence only */
} fixture;

static iotssf_status assess(const fixture *f, const iotssf_evidence *e,
                            const iotssf_answers *answers, json_t **doc, iotssf_error *err)
{
    iotssf_assess_options o = {
        .data_dir = f->w.data_dir, .catalog = f->w.catalog, .policy = f->w.policy,
        .policy_file = f->w.policy_path, .rules = f->w.rules, .grading = f->w.grading,
        .profile = f->w.netcam, .evidence = e,
        .answers = answers, .assessed_at = "2026-11-24T10:00:00Z",
    };
    iotssf_error_clear(err);
    return iotssf_assess(&o, doc, err);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    if (netcam_world_open(&f->w, "assess-netcam.bin"))
        return -1;
    iotssf_error err;
    iotssf_error_clear(&err);
    f->evidence = iotssf_evidence_new(f->w.rules, &err);
    if (!f->evidence || iotssf_evidence_use_firmware(f->evidence, f->w.firmware, &err) ||
        assess(f, f->evidence, NULL, &f->doc, &err))
        return assess_setup_failed("setup", &err);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    json_decref(f->doc);
    iotssf_evidence_free(f->evidence);
    netcam_world_close(&f->w);
    free(f);
    return 0;
}

/* ---- reading the document ---- */

static const json_t *mode_of(const json_t *doc, const char *id)
{
    const json_t *modes = json_object_get(doc, "modes");
    for (size_t i = 0; i < json_array_size(modes); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(modes, i), "id")), id) == 0)
            return json_array_get(modes, i);
    fail_msg("no mode '%s'", id);
    return NULL;
}

static const json_t *verdict_of(const json_t *doc, const char *mode, const char *requirement)
{
    const json_t *list = json_object_get(mode_of(doc, mode), "verdicts");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *v = json_array_get(list, i);
        if (strcmp(json_string_value(json_object_get(v, "requirement")), requirement) == 0)
            return v;
    }
    fail_msg("no verdict for %s in %s", requirement, mode);
    return NULL;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        fail_msg("'%s' is not a string", key);
    return s;
}

/* The id ("F2") of the finding of `rule`. */
static const char *finding_of_rule(const json_t *doc, const char *rule)
{
    const json_t *list = json_object_get(doc, "findings");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(str(json_array_get(list, i), "rule"), rule) == 0)
            return str(json_array_get(list, i), "id");
    fail_msg("no finding of %s", rule);
    return NULL;
}

static bool array_has(const json_t *array, const char *text)
{
    for (size_t i = 0; i < json_array_size(array); i++)
        if (json_is_string(json_array_get(array, i)) &&
            strcmp(json_string_value(json_array_get(array, i)), text) == 0)
            return true;
    return false;
}

static void expect_verdict(const json_t *v, const char *verdict, const char *basis)
{
    if (strcmp(str(v, "verdict"), verdict) != 0 || strcmp(str(v, "basis"), basis) != 0)
        fail_msg("%s: %s/%s, expected %s/%s (%s)", str(v, "requirement"), str(v, "verdict"),
                 str(v, "basis"), verdict, basis, str(v, "reason"));
}

static void expect_in_reason(const json_t *v, const char *text)
{
    if (!strstr(str(v, "reason"), text))
        fail_msg("%s: reason '%s' lacks '%s'", str(v, "requirement"), str(v, "reason"), text);
}

/* ---- verdicts from the firmware ---- */

static void test_planted_flaws_fail_verified(void **state)
{
    fixture *f = *state;
    const char *telnet = finding_of_rule(f->doc, "FW-BOOT-TELNETD-NO-LOGIN");
    const char *mirai = finding_of_rule(f->doc, "FW-ACCOUNT-DEFAULT-PASSWORD");
    static const char *const modes[] = {"home", "hospital-ward"};
    for (int m = 0; m < 2; m++) {
        const json_t *v = verdict_of(f->doc, modes[m], "SSF-AUTH-06");
        expect_verdict(v, "fail", "verified");
        assert_true(array_has(json_object_get(v, "findings"), telnet));
        expect_in_reason(v, "FW-BOOT-TELNETD-NO-LOGIN");
        v = verdict_of(f->doc, modes[m], "SSF-SURF-01");
        expect_verdict(v, "fail", "verified");
        assert_true(array_has(json_object_get(v, "findings"), telnet));
        v = verdict_of(f->doc, modes[m], "SSF-AUTH-01");
        expect_verdict(v, "fail", "verified");
        assert_true(array_has(json_object_get(v, "findings"), mirai));
        expect_in_reason(v, "FW-ACCOUNT-DEFAULT-PASSWORD");
        /* The operator-side stand-in for a default password is listed,
         * with whether it passed. */
        const json_t *stand_ins = json_object_get(v, "stand_ins");
        assert_true(json_array_size(stand_ins) > 0);
        const json_t *s = json_array_get(stand_ins, 0);
        assert_true(json_is_boolean(json_object_get(s, "passed")));
        assert_string_not_equal(str(s, "stakeholder"), "");
    }
    const json_t *finding = NULL;
    const json_t *list = json_object_get(f->doc, "findings");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(str(json_array_get(list, i), "id"), telnet) == 0)
            finding = json_array_get(list, i);
    assert_string_equal(str(finding, "source"), "firmware");
    assert_string_equal(str(finding, "path"), "etc/init.d/rcS");
    assert_int_equal(json_integer_value(json_object_get(finding, "line")), 5);
    assert_string_equal(str(finding, "severity"), "critical");
}

/* Every machine pass is backed by a given source whose rules cover the
 * requirement, and no finding at low or above names it. */
static void test_passes_are_covered(void **state)
{
    fixture *f = *state;
    const json_t *v = verdict_of(f->doc, "home", "SSF-CRYPTO-02");
    expect_verdict(v, "pass", "verified");
    expect_in_reason(v, "firmware checks passed: ");
    expect_in_reason(v, "FW-SECRET-HARDCODED-PASSWORD");
    size_t passes = 0;
    const json_t *list = json_object_get(mode_of(f->doc, "home"), "verdicts");
    for (size_t i = 0; i < json_array_size(list); i++) {
        v = json_array_get(list, i);
        if (strcmp(str(v, "verdict"), "pass") != 0)
            continue;
        passes++;
        const iotssf_requirement *r = iotssf_catalog_find(f->w.catalog, str(v, "requirement"));
        assert_true(r->verification & IOTSSF_VERIFY_FIRMWARE);
        bool covered = false;
        for (size_t k = 0; k < iotssf_rules_count(f->w.rules); k++) {
            const iotssf_rule_def *rule = iotssf_rules_at(f->w.rules, k);
            for (size_t q = 0; q < rule->requirement_count; q++)
                covered |= strncmp(rule->id, "FW-", 3) == 0 &&
                           strcmp(rule->requirements[q], r->id) == 0;
        }
        assert_true(covered);
        assert_int_equal(json_array_size(json_object_get(v, "findings")), 0);
        assert_int_equal(json_array_size(json_object_get(v, "stand_ins")), 0);
    }
    assert_true(passes >= 5);
}

static void test_documents_lack_evidence(void **state)
{
    fixture *f = *state;
    const json_t *v = verdict_of(f->doc, "home", "SSF-VULN-01");
    expect_verdict(v, "no-evidence", "none");
    expect_in_reason(v, "Q-SSF-VULN-01");
    assert_true(json_is_array(json_object_get(v, "stand_ins")));
    const json_t *tier = json_object_get(mode_of(f->doc, "home"), "tier_conformity");
    assert_true(array_has(json_object_get(tier, "lacking_evidence"), "SSF-VULN-01"));
    assert_true(array_has(json_object_get(tier, "failing"), "SSF-AUTH-06"));
    assert_false(json_is_true(json_object_get(tier, "conformant")));
}

static void test_not_applicable_names_the_feature(void **state)
{
    fixture *f = *state;
    size_t seen = 0;
    const json_t *list = json_object_get(mode_of(f->doc, "home"), "verdicts");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *v = json_array_get(list, i);
        if (strcmp(str(v, "verdict"), "not-applicable") != 0) {
            assert_true(json_is_null(json_object_get(v, "not_applicable_because")));
            continue;
        }
        seen++;
        assert_string_equal(str(v, "basis"), "none");
        assert_int_equal(strncmp(str(v, "not_applicable_because"), "the device ", 11), 0);
    }
    assert_true(seen > 0);
}

static void test_totals_add_up(void **state)
{
    fixture *f = *state;
    static const char *const keys[] = {"pass", "fail", "not_applicable", "no_evidence"};
    const json_t *totals = json_object_get(f->doc, "totals");
    for (int k = 0; k < 4; k++) {
        json_int_t sum = 0;
        const json_t *modes = json_object_get(f->doc, "modes");
        for (size_t i = 0; i < json_array_size(modes); i++)
            sum += json_integer_value(
                json_object_get(json_object_get(json_array_get(modes, i), "summary"), keys[k]));
        assert_int_equal(json_integer_value(json_object_get(totals, keys[k])), sum);
    }
    const json_t *sev = json_object_get(totals, "findings");
    assert_int_equal(json_integer_value(json_object_get(sev, "critical")), 2);
    assert_int_equal(f->w.firmware->findings.count,
                     json_array_size(json_object_get(f->doc, "findings")));
    /* A critical machine failure keeps every mode below bronze. */
    assert_string_equal(str(f->doc, "grade"), "none");
}

static void test_summary_text(void **state)
{
    fixture *f = *state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    iotssf_assess_summary(out, f->doc);
    fclose(out);
    assert_non_null(strstr(text, "NC-200 Example Optics NetCam 200: grade none\n"));
    assert_non_null(strstr(text, "findings: 2 critical"));
    assert_non_null(strstr(text, "\nhome (Home monitoring (pets, front door)): category II"));
    assert_non_null(strstr(text, "\nhospital-ward (Patient observation on a hospital ward)"));
    assert_non_null(strstr(text, "  en303645     not conformant"));
    assert_non_null(strstr(text, "  grade: none; next: bronze\n    gap: "));
    free(text);
}

/* ---- answers ---- */

static char *set_field(const char *text, const char *qid, const char *key, const char *value)
{
    char anchor[128], field[64];
    snprintf(anchor, sizeof anchor, "id: %s\n", qid);
    snprintf(field, sizeof field, "%s: ~", key);
    const char *at = strstr(text, anchor);
    assert_non_null(at);
    at = strstr(at, field);
    assert_non_null(at);
    size_t len = strlen(text) + strlen(value) + 64;
    char *out = malloc(len);
    snprintf(out, len, "%.*s%s: %s%s", (int)(at - text), text, key, value, at + strlen(field));
    return out;
}

static char *questionnaire_text(const fixture *f, iotssf_questionnaire **q)
{
    iotssf_error err;
    assert_int_equal(iotssf_questionnaire_build(f->w.catalog, f->w.data_dir, f->w.policy, f->w.netcam, q,
                                                &err), IOTSSF_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(iotssf_questionnaire_write(out, *q, &err), IOTSSF_OK);
    fclose(out);
    return buf;
}

static void test_answers_become_declared(void **state)
{
    fixture *f = *state;
    iotssf_questionnaire *q = NULL;
    char *t0 = questionnaire_text(f, &q);
    static const char *const edits[][3] = {
        {"Q-SSF-VULN-01", "answer", "yes"},
        {"Q-SSF-VULN-01", "document", "https://example.com/psirt"},
        {"Q-SSF-SURF-04", "answer", "no"},
        {"Q-SSF-SURF-04", "justification", "\"UART kept for repair\""},
        {"Q-SSF-DATA-01", "answer", "not-applicable"},
        {"Q-SSF-DATA-01", "note", "\"no personal data leaves the device\""},
    };
    char *text = t0;
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char *next = set_field(text, edits[i][0], edits[i][1], edits[i][2]);
        free(text);
        text = next;
    }
    iotssf_answers *answers = NULL;
    iotssf_error err;
    json_t *doc = NULL;
    assert_int_equal(iotssf_answers_parse("answers.yaml", text, strlen(text), q, &answers, &err),
                     IOTSSF_OK);
    assert_int_equal(assess(f, f->evidence, answers, &doc, &err), IOTSSF_OK);
    const json_t *v = verdict_of(doc, "home", "SSF-VULN-01");
    expect_verdict(v, "pass", "declared");
    expect_in_reason(v, "https://example.com/psirt");
    assert_true(array_has(json_object_get(v, "answers"), "Q-SSF-VULN-01"));
    v = verdict_of(doc, "home", "SSF-SURF-04");
    expect_verdict(v, "fail", "declared");
    assert_string_equal(str(v, "justification"), "UART kept for repair");
    v = verdict_of(doc, "hospital-ward", "SSF-DATA-01");
    expect_verdict(v, "not-applicable", "declared");
    expect_in_reason(v, "no personal data leaves the device");
    /* Machine verdicts stay as they were. */
    expect_verdict(verdict_of(doc, "home", "SSF-AUTH-06"), "fail", "verified");
    assert_int_equal(json_array_size(json_object_get(doc, "answers")), 3);
    const json_t *ref = json_object_get(json_object_get(doc, "evidence"), "answers");
    assert_string_equal(str(ref, "profile_sha256"), q->profile_sha256);
    assert_string_equal(str(ref, "sha256"), answers->sha256);
    json_decref(doc);
    iotssf_answers_free(answers);
    iotssf_questionnaire_free(q);
    free(text);
}

/* A declared "yes" never hides what the firmware shows. Q-SSF-AUTH-06 is not
 * in the questionnaire (machines check it), so the file is read without one,
 * as a hand-made file would be; assess still ties it to the profile. */
static void test_machine_failure_beats_declared_yes(void **state)
{
    fixture *f = *state;
    iotssf_questionnaire *q = NULL;
    free(questionnaire_text(f, &q));
    char text[1024];
    snprintf(text, sizeof text,
             "schema: iotssf.questionnaire/1\ndevice: NC-200\n"
             "profile: {file: netcam.yaml, sha256: %s}\n"
             "questions:\n"
             "  - {id: Q-SSF-AUTH-06, requirement: SSF-AUTH-06, answer: yes}\n"
             "  - {id: Q-SSF-CRYPTO-02, requirement: SSF-CRYPTO-02, answer: no,\n"
             "     justification: keys are shared}\n",
             q->profile_sha256);
    iotssf_answers *answers = NULL;
    iotssf_error err;
    json_t *doc = NULL;
    assert_int_equal(iotssf_answers_parse("a.yaml", text, strlen(text), NULL, &answers, &err),
                     IOTSSF_OK);
    assert_int_equal(assess(f, f->evidence, answers, &doc, &err), IOTSSF_OK);
    const json_t *v = verdict_of(doc, "home", "SSF-AUTH-06");
    expect_verdict(v, "fail", "verified");
    expect_in_reason(v, "the declared 'yes' (Q-SSF-AUTH-06) is overruled");
    assert_true(array_has(json_object_get(v, "answers"), "Q-SSF-AUTH-06"));
    /* A machine pass keeps the maker's "no" visible, with its justification. */
    v = verdict_of(doc, "home", "SSF-CRYPTO-02");
    expect_verdict(v, "pass", "verified");
    expect_in_reason(v, "the answer 'no' (Q-SSF-CRYPTO-02) is noted");
    json_decref(doc);
    iotssf_answers_free(answers);

    /* The same file for another profile's bytes is refused by assess. */
    char *other = strdup(text);
    memset(strstr(other, "sha256: ") + 8, 'a', 64);
    assert_int_equal(iotssf_answers_parse("a.yaml", other, strlen(other), NULL, &answers, &err),
                     IOTSSF_OK);
    doc = NULL;
    assert_int_equal(assess(f, f->evidence, answers, &doc, &err), IOTSSF_E_INPUT);
    assert_null(doc);
    assert_non_null(strstr(err.message, "the profile changed since the questionnaire"));
    iotssf_answers_free(answers);
    free(other);
    iotssf_questionnaire_free(q);
}

/* A long note in a multi-byte script is cut at a character, never dropped. */
static void test_long_reason_stays_text(void **state)
{
    fixture *f = *state;
    iotssf_questionnaire *q = NULL;
    free(questionnaire_text(f, &q));
    size_t len = 8192;
    char *text = malloc(len);
    int used = snprintf(text, len,
                        "schema: iotssf.questionnaire/1\ndevice: NC-200\n"
                        "profile: {sha256: %s}\nquestions:\n"
                        "  - {id: Q-SSF-VULN-01, requirement: SSF-VULN-01, answer: not-applicable,"
                        " note: \"",
                        q->profile_sha256);
    for (int i = 0; i < 1500; i++)
        used += snprintf(text + used, len - (size_t)used, "\xc3\xa9"); /* é */
    snprintf(text + used, len - (size_t)used, "\"}\n");
    iotssf_answers *answers = NULL;
    iotssf_error err;
    json_t *doc = NULL;
    assert_int_equal(iotssf_answers_parse("a.yaml", text, strlen(text), NULL, &answers, &err),
                     IOTSSF_OK);
    assert_int_equal(assess(f, f->evidence, answers, &doc, &err), IOTSSF_OK);
    const json_t *v = verdict_of(doc, "home", "SSF-VULN-01");
    expect_verdict(v, "not-applicable", "declared");
    const char *reason = str(v, "reason");
    assert_true(strlen(reason) < 1024);
    assert_non_null(strstr(reason, "\xc3\xa9\xc3\xa9"));
    assert_null(strchr(reason, '?'));
    json_decref(doc);
    iotssf_answers_free(answers);
    iotssf_questionnaire_free(q);
    free(text);
}

/* ---- the contract: every key of docs/assessment-format.md ---- */

static void expect_keys(const json_t *o, const char *where, const char *const *keys)
{
    if (!json_is_object(o))
        fail_msg("%s is not an object", where);
    for (int i = 0; keys[i]; i++)
        if (!json_object_get(o, keys[i]))
            fail_msg("%s lacks '%s'", where, keys[i]);
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void check_mode(const json_t *m)
{
    expect_keys(m, "mode", KEYS("id", "name", "category", "tier", "category_name", "tier_name",
                                "axis1", "axis2", "overridden", "likelihood", "verdicts",
                                "summary", "tier_conformity", "schemes", "grade"));
    expect_keys(json_object_get(m, "axis1"), "axis1", KEYS("level", "name", "axis_name"));
    expect_keys(json_object_get(m, "axis2"), "axis2", KEYS("level", "name", "axis_name"));
    const json_t *verdicts = json_object_get(m, "verdicts");
    assert_true(json_array_size(verdicts) > 0);
    for (size_t i = 0; i < json_array_size(verdicts); i++)
        expect_keys(json_array_get(verdicts, i), "verdict",
                    KEYS("requirement", "title", "perspective", "stakeholder", "phase", "need",
                         "verdict", "basis", "reason", "not_applicable_because", "findings",
                         "answers", "stand_ins"));
    const json_t *summary = json_object_get(m, "summary");
    expect_keys(summary, "summary",
                KEYS("pass", "fail", "not_applicable", "no_evidence", "by_perspective",
                     "by_stakeholder"));
    expect_keys(json_object_get(json_object_get(summary, "by_perspective"), "1"), "perspective 1",
                KEYS("pass", "fail", "not_applicable", "no_evidence"));
    expect_keys(json_object_get(json_object_get(summary, "by_stakeholder"), "maker"), "maker",
                KEYS("pass", "fail", "not_applicable", "no_evidence"));
    expect_keys(json_object_get(m, "tier_conformity"), "tier conformity",
                KEYS("tier", "conformant", "complete", "failing", "lacking_evidence"));
    const json_t *schemes = json_object_get(m, "schemes");
    assert_int_equal(json_array_size(schemes), 2);
    assert_string_equal(str(json_array_get(schemes, 0), "scheme"), "en303645");
    assert_string_equal(str(json_array_get(schemes, 1), "scheme"), "jcstar1");
    for (size_t i = 0; i < json_array_size(schemes); i++) {
        const json_t *s = json_array_get(schemes, i);
        expect_keys(s, "scheme", KEYS("scheme", "title", "level", "conformant", "complete",
                                      "rule", "counts", "items"));
        expect_keys(json_object_get(s, "counts"), "scheme counts",
                    KEYS("pass", "fail", "not_applicable", "no_evidence", "justified"));
        assert_true(json_array_size(json_object_get(s, "items")) > 0);
        expect_keys(json_array_get(json_object_get(s, "items"), 0), "item",
                    KEYS("id", "status", "counts", "verdict", "justified", "requirements"));
    }
    const json_t *grade = json_object_get(m, "grade");
    expect_keys(grade, "grade", KEYS("grade", "rule_file", "next", "gaps"));
    assert_true(json_array_size(json_object_get(grade, "gaps")) > 0);
    expect_keys(json_array_get(json_object_get(grade, "gaps"), 0), "gap",
                KEYS("requirement", "verdict", "impact", "cost", "why"));
}

static void test_document_has_every_key(void **state)
{
    fixture *f = *state;
    const json_t *d = f->doc;
    expect_keys(d, "document", KEYS("schema", "tool", "assessed_at", "policy", "catalog",
                                    "device", "evidence", "findings", "answers", "modes", "grade",
                                    "totals"));
    assert_string_equal(str(d, "schema"), "iotssf.assessment/1");
    assert_string_equal(str(d, "assessed_at"), "2026-11-24T10:00:00Z");
    expect_keys(json_object_get(d, "tool"), "tool", KEYS("name", "version"));
    expect_keys(json_object_get(d, "policy"), "policy", KEYS("file", "sha256"));
    expect_keys(json_object_get(d, "catalog"), "catalog", KEYS("requirements", "sha256"));
    const json_t *device = json_object_get(d, "device");
    expect_keys(device, "device", KEYS("id", "vendor", "model", "hardware_version",
                                       "firmware_version", "profile"));
    expect_keys(json_object_get(device, "profile"), "device.profile", KEYS("file", "sha256"));
    const json_t *evidence = json_object_get(d, "evidence");
    expect_keys(evidence, "evidence", KEYS("firmware", "probe", "answers"));
    assert_true(json_is_null(json_object_get(evidence, "probe")));
    assert_true(json_is_null(json_object_get(evidence, "answers")));
    const json_t *fw = json_object_get(evidence, "firmware");
    expect_keys(fw, "firmware", KEYS("image", "sha256", "size", "components"));
    assert_string_equal(str(fw, "sha256"), f->w.firmware->sha256);
    const json_t *components = json_object_get(fw, "components");
    for (size_t i = 0; i < json_array_size(components); i++)
        expect_keys(json_array_get(components, i), "component",
                    KEYS("id", "name", "version", "version_partial", "confidence", "cpe",
                         "purl"));
    const json_t *findings = json_object_get(d, "findings");
    assert_true(json_array_size(findings) > 0);
    for (size_t i = 0; i < json_array_size(findings); i++)
        expect_keys(json_array_get(findings, i), "finding",
                    KEYS("id", "source", "rule", "severity", "title", "message", "evidence",
                         "origin", "path", "line", "offset", "host", "port", "transport",
                         "requirements"));
    const json_t *totals = json_object_get(d, "totals");
    expect_keys(totals, "totals", KEYS("pass", "fail", "not_applicable", "no_evidence",
                                       "findings"));
    expect_keys(json_object_get(totals, "findings"), "totals.findings",
                KEYS("critical", "high", "medium", "low", "info"));
    const json_t *modes = json_object_get(d, "modes");
    assert_int_equal(json_array_size(modes), 2);
    for (size_t i = 0; i < json_array_size(modes); i++)
        check_mode(json_array_get(modes, i));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_flaws_fail_verified),
        cmocka_unit_test(test_passes_are_covered),
        cmocka_unit_test(test_documents_lack_evidence),
        cmocka_unit_test(test_not_applicable_names_the_feature),
        cmocka_unit_test(test_totals_add_up),
        cmocka_unit_test(test_summary_text),
        cmocka_unit_test(test_answers_become_declared),
        cmocka_unit_test(test_machine_failure_beats_declared_yes),
        cmocka_unit_test(test_long_reason_stays_text),
        cmocka_unit_test(test_document_has_every_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
