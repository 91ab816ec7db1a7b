/*
 * The questionnaire: what no machine can check about a device. For every
 * requirement that applies in at least one of the profile's use modes and is
 * verified by declaration or document, one question, with the modes and needs
 * it matters for. Written as YAML that the maker fills in and hands back as
 * the answers file (lib/assess/answers.c reads it); the profile's SHA-256 in
 * its header keeps answers from outliving a changed profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sha256.h"
#include "assess_internal.h"

enum { MODES_TEXT_MAX = 4096 };

static bool asks_people(const iotssf_requirement *r)
{
    return (r->verification & (IOTSSF_VERIFY_DECLARATION | IOTSSF_VERIFY_DOCUMENT)) != 0;
}

static void append_mode(char *modes, const iotssf_use_mode *m, iotssf_need need)
{
    size_t used = strlen(modes);
    if (used + 1 < MODES_TEXT_MAX)
        snprintf(modes + used, MODES_TEXT_MAX - used, "%s%s: %s", used ? "; " : "", m->id,
                 iotssf_need_name(need));
}

/* Marks in `need` and `modes` (arrays over the catalog) what one mode asks. */
static iotssf_status collect_mode(const iotssf_catalog *c, const iotssf_policy *policy,
                                  const iotssf_profile *p, const iotssf_use_mode *m,
                                  iotssf_need *need, char **modes, iotssf_error *err)
{
    iotssf_placement pl;
    iotssf_status st = iotssf_categorize(policy, p, m, &pl, err);
    iotssf_applied_requirement *applied = NULL;
    size_t count = 0;
    if (!st)
        st = iotssf_requirements_for(c, p, &pl, &applied, &count, err);
    for (size_t i = 0; !st && i < count; i++) {
        const iotssf_applied_requirement *a = &applied[i];
        if (!a->applicable || !asks_people(a->requirement))
            continue;
        for (size_t k = 0; k < iotssf_catalog_requirement_count(c); k++)
            if (iotssf_catalog_requirement(c, k) == a->requirement) {
                if (a->need > need[k])
                    need[k] = a->need;
                append_mode(modes[k], m, a->need);
            }
    }
    free(applied);
    return st;
}

static iotssf_status make_questions(const iotssf_catalog *c, const iotssf_need *need,
                                    char **modes, iotssf_questionnaire *q, iotssf_error *err)
{
    size_t n = iotssf_catalog_requirement_count(c);
    q->questions = calloc(n ? n : 1, sizeof *q->questions);
    if (!q->questions)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < n; k++) {
        if (need[k] == IOTSSF_NEED_NONE)
            continue;
        const iotssf_requirement *r = iotssf_catalog_requirement(c, k);
        iotssf_question *qq = &q->questions[q->count];
        size_t len = strlen(r->id) + 3;
        qq->id = malloc(len);
        qq->modes = strdup(modes[k]);
        if (!qq->id || !qq->modes) {
            free(qq->id);
            free(qq->modes);
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        }
        snprintf(qq->id, len, "Q-%s", r->id);
        qq->requirement = r;
        qq->need = need[k];
        qq->needs_document = (r->verification & IOTSSF_VERIFY_DOCUMENT) != 0;
        q->count++;
    }
    return IOTSSF_OK;
}

static iotssf_status gather(const iotssf_catalog *c, const iotssf_policy *policy,
                            const iotssf_profile *p, iotssf_questionnaire *q, iotssf_error *err)
{
    size_t n = iotssf_catalog_requirement_count(c);
    iotssf_need *need = calloc(n ? n : 1, sizeof *need);
    char **modes = calloc(n ? n : 1, sizeof *modes);
    iotssf_status st = IOTSSF_OK;
    if (!need || !modes)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < n && !st; k++)
        if (!(modes[k] = calloc(1, MODES_TEXT_MAX)))
            st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < p->use_mode_count && !st; i++)
        st = collect_mode(c, policy, p, &p->use_modes[i], need, modes, err);
    if (!st)
        st = make_questions(c, need, modes, q, err);
    for (size_t k = 0; modes && k < n; k++)
        free(modes[k]);
    free(modes);
    free(need);
    return st;
}

iotssf_status iotssf_questionnaire_build(const iotssf_catalog *c, const char *data_dir,
                                         const iotssf_policy *policy,
                                         const iotssf_profile *profile,
                                         iotssf_questionnaire **out, iotssf_error *err)
{
    *out = NULL;
    if (!profile->file || strcmp(profile->file, "-") == 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "a questionnaire needs the profile as a file (its SHA-256 is recorded)");
    iotssf_questionnaire *q = calloc(1, sizeof *q);
    if (!q)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    q->device_id = profile->id;
    q->profile_file = profile->file;
    iotssf_status st = sha256_file_hex(profile->file, q->profile_sha256, err);
    if (!st)
        st = iotssf_catalog_digest(data_dir, q->catalog_sha256, err);
    if (!st)
        st = gather(c, policy, profile, q, err);
    if (st) {
        iotssf_questionnaire_free(q);
        return st;
    }
    *out = q;
    return IOTSSF_OK;
}

const iotssf_question *iotssf_questionnaire_find(const iotssf_questionnaire *q,
                                                 const char *question_id)
{
    for (size_t i = 0; q && i < q->count; i++)
        if (strcmp(q->questions[i].id, question_id) == 0)
            return &q->questions[i];
    return NULL;
}

void iotssf_questionnaire_free(iotssf_questionnaire *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->count; i++) {
        free(q->questions[i].id);
        free(q->questions[i].modes);
    }
    free(q->questions);
    free(q);
}

/* A YAML double-quoted scalar: safe for any text the catalog holds. */
static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A one-line comment: newlines in catalog text must not end it early. */
static void put_comment_text(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void write_question(FILE *out, const iotssf_question *q)
{
    const iotssf_requirement *r = q->requirement;
    fputs("\n  # ", out);
    put_comment_text(out, r->title);
    fprintf(out, " (perspective %d, %s)\n  # matters for: %s\n", r->perspective,
            r->stakeholder, q->modes);
    fprintf(out, "  - id: %s\n    requirement: %s\n    question: ", q->id, r->id);
    put_quoted(out, r->statement);
    fprintf(out, "\n    document_required: %s\n", q->needs_document ? "true" : "false");
    fputs("    answer: ~          # yes | no | not-applicable\n", out);
    fprintf(out, "    document: ~        # %s\n",
            q->needs_document ? "required with 'yes': a URL or file name" : "optional");
    fputs("    justification: ~   # why it is not met (EN 303 645 4-1), with 'no'\n", out);
    fputs("    note: ~\n", out);
}

iotssf_status iotssf_questionnaire_write(FILE *out, const iotssf_questionnaire *q,
                                         iotssf_error *err)
{
    fputs("# What no machine can check about this device. Fill in each 'answer' with\n"
          "# yes, no or not-applicable (leave ~ when unknown) and give this file to\n"
          "# 'iotssf assess PROFILE --answers FILE'. It is tied to the profile below:\n"
          "# when the profile changes, run 'iotssf questionnaire' again.\n",
          out);
    fprintf(out, "schema: %s\ndevice: ", IOTSSF_SCHEMA_QUESTIONNAIRE);
    put_quoted(out, q->device_id);
    fputs("\nprofile:\n  file: ", out);
    put_quoted(out, q->profile_file);
    fprintf(out, "\n  sha256: %s\ncatalog:\n  sha256: %s\n", q->profile_sha256,
            q->catalog_sha256);
    fputs(q->count ? "questions:\n" : "questions: []\n", out);
    for (size_t i = 0; i < q->count; i++)
        write_question(out, &q->questions[i]);
    if (fflush(out) != 0 || ferror(out))
        return iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the questionnaire failed");
    return IOTSSF_OK;
}
