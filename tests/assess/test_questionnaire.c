/*
 * The questionnaire and the answers file (lib/assess/questionnaire.c,
 * answers.c) on the real catalog and the example camera's profile: which
 * questions are asked, that the written questionnaire reads back as an
 * answers file, and that a hostile or stale answers file is refused with
 * file:line:column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotssf/assess.h"
#include "iotssf/iotssf.h"
#include "util.h"

typedef struct fixture {
    iotssf_policy *policy;
    iotssf_catalog *catalog;
    iotssf_profile *netcam;
    iotssf_questionnaire *q;
    char *data_dir;
    char *text; /* the questionnaire as written */
} fixture;

static char *write_to_string(const iotssf_questionnaire *q)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    iotssf_error err;
    assert_non_null(f);
    assert_int_equal(iotssf_questionnaire_write(f, q, &err), IOTSSF_OK);
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    iotssf_error err;
    iotssf_error_clear(&err);
    f->data_dir = strdup(source_path("data"));
    char policy[4096];
    snprintf(policy, sizeof policy, "%s/policy/default.yaml", f->data_dir);
    if (iotssf_policy_load(policy, &f->policy, &err) ||
        iotssf_catalog_load(f->data_dir, &f->catalog, &err) ||
        iotssf_assess_read_profile(source_path("examples/netcam.yaml"), &f->netcam, &err) ||
        iotssf_questionnaire_build(f->catalog, f->data_dir, f->policy, f->netcam, &f->q, &err)) {
        char buf[2048];
        iotssf_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "setup: %s\n", buf);
        return -1;
    }
    f->text = write_to_string(f->q);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->text);
    iotssf_questionnaire_free(f->q);
    iotssf_profile_free(f->netcam);
    iotssf_catalog_free(f->catalog);
    iotssf_policy_free(f->policy);
    free(f->data_dir);
    free(f);
    return 0;
}

/* Replaces `key: ~` in question `qid`'s entry with `key: value`. */
static char *set_field(const char *text, const char *qid, const char *key, const char *value)
{
    char anchor[128], field[64];
    snprintf(anchor, sizeof anchor, "id: %s\n", qid);
    snprintf(field, sizeof field, "%s: ~", key);
    const char *entry = strstr(text, anchor);
    assert_non_null(entry);
    const char *at = strstr(entry, field);
    assert_non_null(at);
    size_t head = (size_t)(at - text), len = strlen(text) + strlen(value) + 64;
    char *out = malloc(len);
    snprintf(out, len, "%.*s%s: %s%s", (int)head, text, key, value, at + strlen(field));
    return out;
}

static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t len = strlen(text) + strlen(to) + 1;
    char *out = malloc(len);
    snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

static iotssf_status parse(const fixture *f, const char *text, iotssf_answers **a,
                           iotssf_error *err)
{
    iotssf_error_clear(err);
    return iotssf_answers_parse("answers.yaml", text, strlen(text), f->q, a, err);
}

static const iotssf_question *question(const fixture *f, const char *id)
{
    return iotssf_questionnaire_find(f->q, id);
}

static void test_questions_are_the_declared_ones(void **state)
{
    fixture *f = *state;
    assert_string_equal(f->q->device_id, "NC-200");
    assert_int_equal(strlen(f->q->profile_sha256), 64);
    assert_int_equal(strlen(f->q->catalog_sha256), 64);
    assert_true(f->q->count > 50);
    for (size_t i = 0; i < f->q->count; i++) {
        const iotssf_question *q = &f->q->questions[i];
        assert_true(q->requirement->verification &
                    (IOTSSF_VERIFY_DECLARATION | IOTSSF_VERIFY_DOCUMENT));
        assert_int_equal(strncmp(q->id, "Q-", 2), 0);
        assert_string_equal(q->id + 2, q->requirement->id);
    }
    /* Vulnerability disclosure is a document; authentication by firmware
     * inspection alone is never asked. */
    const iotssf_question *vuln = question(f, "Q-SSF-VULN-01");
    assert_non_null(vuln);
    assert_true(vuln->needs_document);
    assert_non_null(strstr(vuln->modes, "home: required"));
    assert_non_null(strstr(vuln->modes, "hospital-ward: required"));
    assert_null(question(f, "Q-SSF-AUTH-01"));
}

static void test_written_form(void **state)
{
    fixture *f = *state;
    assert_non_null(strstr(f->text, "schema: iotssf.questionnaire/1\n"));
    assert_non_null(strstr(f->text, "device: \"NC-200\"\n"));
    char sha[100];
    snprintf(sha, sizeof sha, "  sha256: %s\n", f->q->profile_sha256);
    assert_non_null(strstr(f->text, sha));
    assert_non_null(strstr(f->text, "  - id: Q-SSF-VULN-01\n    requirement: SSF-VULN-01\n"));
    assert_non_null(strstr(f->text, "# matters for: home: required; hospital-ward: required"));
}

static void test_unfilled_reads_back_empty(void **state)
{
    fixture *f = *state;
    iotssf_answers *a = NULL;
    iotssf_error err;
    assert_int_equal(parse(f, f->text, &a, &err), IOTSSF_OK);
    assert_int_equal(a->count, f->q->count);
    for (size_t i = 0; i < a->count; i++)
        assert_int_equal(a->items[i].value, IOTSSF_ANSWER_NONE);
    assert_null(iotssf_answers_for(a, "SSF-VULN-01"));
    assert_string_equal(a->profile_sha256, f->q->profile_sha256);
    iotssf_answers_free(a);
}

static void test_filled_answers(void **state)
{
    fixture *f = *state;
    char *t1 = set_field(f->text, "Q-SSF-VULN-01", "answer", "yes");
    char *t2 = set_field(t1, "Q-SSF-VULN-01", "document", "https://example.com/psirt");
    char *t3 = set_field(t2, "Q-SSF-SURF-04", "answer", "no");
    char *t4 = set_field(t3, "Q-SSF-SURF-04", "justification", "\"UART kept for repair\"");
    char *t5 = set_field(t4, "Q-SSF-DATA-01", "answer", "not-applicable");
    iotssf_answers *a = NULL;
    iotssf_error err;
    assert_int_equal(parse(f, t5, &a, &err), IOTSSF_OK);
    const iotssf_answer *x = iotssf_answers_for(a, "SSF-VULN-01");
    assert_non_null(x);
    assert_int_equal(x->value, IOTSSF_ANSWER_YES);
    assert_string_equal(x->document, "https://example.com/psirt");
    x = iotssf_answers_for(a, "SSF-SURF-04");
    assert_int_equal(x->value, IOTSSF_ANSWER_NO);
    assert_string_equal(x->justification, "UART kept for repair");
    assert_int_equal(iotssf_answers_for(a, "SSF-DATA-01")->value, IOTSSF_ANSWER_NOT_APPLICABLE);
    assert_string_equal(iotssf_answer_name(IOTSSF_ANSWER_NOT_APPLICABLE), "not-applicable");
    iotssf_answers_free(a);
    free(t1), free(t2), free(t3), free(t4), free(t5);
}

/* The error's position and message for one bad answers text. */
static void expect_error(const fixture *f, const char *text, unsigned line, const char *message)
{
    iotssf_answers *a = (iotssf_answers *)1;
    iotssf_error err;
    assert_int_equal(parse(f, text, &a, &err), IOTSSF_E_INPUT);
    assert_null(a);
    if (!strstr(err.message, message))
        fail_msg("expected '%s' in '%s'", message, err.message);
    assert_string_equal(err.file, "answers.yaml");
    if (line)
        assert_int_equal(err.line, line);
}

static unsigned line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    assert_non_null(at);
    unsigned line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static void test_bad_values(void **state)
{
    fixture *f = *state;
    char *t = set_field(f->text, "Q-SSF-SURF-04", "answer", "maybe");
    expect_error(f, t, line_of(t, "answer: maybe"),
                 "'maybe' is not one of: yes, no, not-applicable");
    free(t);
    t = set_field(f->text, "Q-SSF-VULN-01", "answer", "yes");
    expect_error(f, t, line_of(t, "answer: yes"), "a 'yes' needs the document");
    free(t);
    t = set_field(f->text, "Q-SSF-SURF-04", "note", "[a, b]");
    expect_error(f, t, line_of(t, "note: [a, b]"), "note");
    free(t);
    t = replace_once(f->text, "    note: ~\n", "    note: ~\n    colour: blue\n");
    expect_error(f, t, line_of(t, "colour: blue"), "unknown key 'colour'");
    free(t);
}

static void test_questions_must_belong(void **state)
{
    fixture *f = *state;
    char *t = replace_once(f->text, "id: Q-SSF-SURF-04\n    requirement: SSF-SURF-04",
                           "id: Q-SSF-AUTH-01\n    requirement: SSF-AUTH-01");
    expect_error(f, t, line_of(t, "id: Q-SSF-AUTH-01"), "is not asked for this profile");
    free(t);
    t = replace_once(f->text, "requirement: SSF-SURF-04", "requirement: SSF-SURF-05");
    expect_error(f, t, 0, "does not match its requirement");
    free(t);
    /* The same question twice. */
    const char *entry = strstr(f->text, "  - id: Q-SSF-SURF-04\n");
    const char *next = strstr(entry + 4, "\n  - id:");
    char dup[4096];
    snprintf(dup, sizeof dup, "%.*s\n", (int)(next - entry), entry);
    size_t len = strlen(f->text) + strlen(dup) + 1;
    char *twice = malloc(len);
    snprintf(twice, len, "%s%s", f->text, dup);
    expect_error(f, twice, 0, "question 'Q-SSF-SURF-04' is given twice");
    free(twice);
}

static void test_stale_or_foreign(void **state)
{
    fixture *f = *state;
    char wrong[100];
    snprintf(wrong, sizeof wrong, "sha256: %064d", 0);
    char from[100];
    snprintf(from, sizeof from, "sha256: %s", f->q->profile_sha256);
    char *t = replace_once(f->text, from, wrong);
    expect_error(f, t, line_of(t, wrong), "the profile changed since the questionnaire");
    free(t);
    t = replace_once(f->text, "device: \"NC-200\"", "device: \"AC-1\"");
    expect_error(f, t, 0, "these answers are for device 'AC-1'");
    free(t);
    t = replace_once(f->text, "iotssf.questionnaire/1", "iotssf.questionnaire/9");
    expect_error(f, t, line_of(t, "schema:"), "schema: expected 'iotssf.questionnaire/1'");
    free(t);
}

static void test_malformed(void **state)
{
    fixture *f = *state;
    expect_error(f, "", 0, "empty");
    expect_error(f, "just text\n", 0, "empty");
    expect_error(f, "- 1\n- 2\n", 1, "answers");
    expect_error(f, "schema: iotssf.questionnaire/1\n---\nx: 1\n", 0, "");
    expect_error(f, "a: &x 1\nb: *x\n", 0, "");
    expect_error(f, "schema: [unclosed\n", 0, "");
    size_t n = strlen(f->text);
    for (size_t cut = 1; cut < n; cut += n / 7) {
        char *part = strndup(f->text, cut);
        iotssf_answers *a = NULL;
        iotssf_error err;
        iotssf_status st = parse(f, part, &a, &err);
        if (st == IOTSSF_OK)
            iotssf_answers_free(a);
        else
            assert_null(a);
        free(part);
    }
}

/* A copy of the profile edited after its questionnaire was made. */
static void test_edited_profile_file(void **state)
{
    fixture *f = *state;
    size_t size = 0;
    char *profile = read_file(source_path("examples/netcam.yaml"), &size);
    assert_non_null(profile);
    char path[256];
    snprintf(path, sizeof path, "%s", temp_file_with(profile, ".yaml"));
    iotssf_profile *copy = NULL;
    iotssf_questionnaire *before = NULL, *after = NULL;
    iotssf_error err;
    assert_int_equal(iotssf_assess_read_profile(path, &copy, &err), IOTSSF_OK);
    assert_int_equal(iotssf_questionnaire_build(f->catalog, f->data_dir, f->policy, copy,
                                                &before, &err), IOTSSF_OK);
    assert_string_equal(before->profile_sha256, f->q->profile_sha256);
    char *answers = write_to_string(before);
    FILE *w = fopen(path, "a");
    fputs("# edited\n", w);
    fclose(w);
    assert_int_equal(iotssf_questionnaire_build(f->catalog, f->data_dir, f->policy, copy,
                                                &after, &err), IOTSSF_OK);
    assert_string_not_equal(after->profile_sha256, before->profile_sha256);
    iotssf_answers *a = NULL;
    assert_int_equal(iotssf_answers_parse("answers.yaml", answers, strlen(answers), after, &a,
                                          &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "re-run questionnaire"));
    free(answers);
    iotssf_questionnaire_free(before);
    iotssf_questionnaire_free(after);
    iotssf_profile_free(copy);
    free(profile);
    unlink(path);
}

static void test_fleet_file_refused(void **state)
{
    (void)state;
    char *one = read_file(source_path("examples/netcam.yaml"), NULL);
    assert_non_null(one);
    char *other = replace_once(one, "id: NC-200", "id: NC-300");
    size_t len = strlen(one) + strlen(other) + 8;
    char *fleet = malloc(len);
    snprintf(fleet, len, "%s---\n%s", one, other);
    char path[256];
    snprintf(path, sizeof path, "%s", temp_file_with(fleet, ".yaml"));
    iotssf_profile *p = (iotssf_profile *)1;
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_assess_read_profile(path, &p, &err), IOTSSF_E_INPUT);
    assert_null(p);
    if (!strstr(err.message, "several devices ('NC-200', 'NC-300'"))
        fail_msg("%s", err.message);
    assert_true(err.line > line_of(fleet, "---\n"));
    unlink(path);
    free(fleet);
    free(other);
    free(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_questions_are_the_declared_ones),
        cmocka_unit_test(test_written_form),
        cmocka_unit_test(test_unfilled_reads_back_empty),
        cmocka_unit_test(test_filled_answers),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_questions_must_belong),
        cmocka_unit_test(test_stale_or_foreign),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_edited_profile_file),
        cmocka_unit_test(test_fleet_file_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
