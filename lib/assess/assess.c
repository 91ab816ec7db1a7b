/*
 * `iotssf assess` as a library call: one device's profile, placed use mode by
 * use mode, judged against the evidence (lib/assess/verdicts.c), the schemes
 * (conformity.c) and the grading rules (grade.c), becomes the assessment
 * document (docs/assessment-format.md). Before judging, the inputs are tied
 * together: answers must be for this profile's exact bytes, and a firmware
 * image the profile names must be the one inspected.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/sha256.h"
#include "assess_internal.h"
#include "iotssf/iotssf.h"

static const char *const default_schemes[] = {"en303645", "jcstar1"};

static iotssf_status check_answers(const iotssf_assess_options *o, iotssf_error *err)
{
    const iotssf_answers *a = o->answers;
    if (!a)
        return IOTSSF_OK;
    char sha[65];
    iotssf_status st = sha256_file_hex(o->profile->file, sha, err);
    if (st)
        return st;
    if (strcmp(a->device_id, o->profile->id) != 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, a->file, 0, 0,
                           "these answers are for device '%s', the profile is device '%s'",
                           a->device_id, o->profile->id);
    if (strcmp(a->profile_sha256, sha) != 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, a->file, 0, 0,
                           "the profile changed since the questionnaire: re-run questionnaire");
    return IOTSSF_OK;
}

static bool looks_like_sha256(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    return true;
}

/* The image the profile names (a SHA-256, or a file beside the profile or
 * from the working folder) must be the one the firmware evidence is about. */
static iotssf_status check_firmware_identity(const iotssf_assess_options *o, iotssf_error *err)
{
    const char *named = o->profile->firmware_image;
    const char *seen = iotssf_evidence_firmware_sha256(o->evidence);
    if (!named || !seen)
        return IOTSSF_OK;
    char expected[65];
    if (looks_like_sha256(named)) {
        for (int i = 0; i < 65; i++)
            expected[i] = (char)(named[i] >= 'A' && named[i] <= 'F' ? named[i] + 32 : named[i]);
    } else {
        char path[4096];
        const char *slash = strrchr(o->profile->file, '/');
        if (named[0] != '/' && slash)
            snprintf(path, sizeof path, "%.*s/%s", (int)(slash - o->profile->file),
                     o->profile->file, named);
        else
            snprintf(path, sizeof path, "%s", named);
        iotssf_error ignored;
        if (sha256_file_hex(path, expected, &ignored) != IOTSSF_OK)
            return IOTSSF_OK; /* the named image is not here: nothing to compare */
    }
    if (strcmp(expected, seen) != 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, o->profile->file, 0, 0,
                           "evidence from another device: the profile names firmware '%s' "
                           "(sha256 %.16s...), the firmware evidence is for sha256 %.16s...",
                           named, expected, seen);
    return IOTSSF_OK;
}

static iotssf_status resolve_schemes(const iotssf_assess_options *o,
                                     const iotssf_baseline ***out, size_t *count,
                                     iotssf_error *err)
{
    const char *const *names = o->schemes ? o->schemes : default_schemes;
    size_t n = o->schemes ? o->scheme_count : 2;
    *out = calloc(n ? n : 1, sizeof **out);
    *count = 0;
    if (!*out)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const iotssf_baseline *b = iotssf_catalog_baseline_by_scheme(o->catalog, names[i]);
        if (!b)
            return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                               "unknown scheme '%s' (see 'iotssf catalog check' for the list)",
                               names[i]);
        (*out)[(*count)++] = b;
    }
    return IOTSSF_OK;
}

static const char *const grade_order[] = {"none", "bronze", "silver", "gold"};

static int grade_rank(const char *g)
{
    for (int i = 0; g && i < 4; i++)
        if (strcmp(g, grade_order[i]) == 0)
            return i;
    return 0;
}

typedef struct run {
    const iotssf_assess_options *o;
    verdict_inputs in;
    const iotssf_baseline **schemes;
    size_t scheme_count;
    json_t *modes;
    int lowest_grade; /* rank in grade_order */
    long totals[4];
} run;

static const char *likelihood_of(const iotssf_use_mode *m)
{
    const iotssf_fact *f = &m->facts[IOTSSF_FACT_LIKELIHOOD];
    const iotssf_fact_def *def = iotssf_fact_def_of(IOTSSF_FACT_LIKELIHOOD);
    return f->present && def && def->values ? def->values[f->index] : NULL;
}

/* Every baseline is judged, since a grade may ask for any scheme's
 * conformity and must not depend on which schemes the document shows; the
 * document shows the chosen ones. */
static iotssf_status judge_schemes(run *r, const iotssf_placement *pl, const mode_verdicts *mv,
                                   iotssf_conformity *conf, size_t *judged, iotssf_error *err)
{
    int level = r->o->level ? r->o->level : iotssf_iec62443_level_of_tier(pl->tier);
    size_t n = iotssf_catalog_baseline_count(r->o->catalog);
    iotssf_status st = IOTSSF_OK;
    for (*judged = 0; *judged < n && !st; (*judged)++)
        st = iotssf_conformity_judge(iotssf_catalog_baseline(r->o->catalog, *judged), level,
                                     mv->verdicts, mv->count, &conf[*judged], err);
    return st;
}

static const iotssf_conformity **chosen_schemes(const run *r, const iotssf_conformity *conf,
                                                size_t judged)
{
    const iotssf_conformity **chosen = calloc(r->scheme_count ? r->scheme_count : 1,
                                              sizeof *chosen);
    for (size_t i = 0; chosen && i < r->scheme_count; i++)
        for (size_t k = 0; k < judged; k++)
            if (conf[k].baseline == r->schemes[i])
                chosen[i] = &conf[k];
    return chosen;
}

static iotssf_status judge_mode(run *r, const iotssf_placement *pl, const mode_verdicts *mv,
                                iotssf_error *err)
{
    size_t n = iotssf_catalog_baseline_count(r->o->catalog), judged = 0;
    iotssf_conformity *conf = calloc(n ? n : 1, sizeof *conf);
    if (!conf)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_grade_result grade;
    memset(&grade, 0, sizeof grade);
    iotssf_status st = judge_schemes(r, pl, mv, conf, &judged, err);
    const char *likelihood = likelihood_of(pl->mode);
    if (!st)
        st = iotssf_grade_mode(r->o->grading, pl->tier ? pl->tier->id : NULL, likelihood,
                               mv->verdicts, mv->count, conf, judged, &grade, err);
    const iotssf_conformity **chosen = st ? NULL : chosen_schemes(r, conf, judged);
    if (!st && !chosen)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st) {
        json_t *m = assess_mode_json(r->o->policy, pl, &r->in, mv, chosen, r->scheme_count,
                                     &grade, likelihood);
        if (!m || json_array_append_new(r->modes, m) != 0)
            st = iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build mode '%s'",
                             pl->mode->id);
        if (grade_rank(grade.grade) < r->lowest_grade)
            r->lowest_grade = grade_rank(grade.grade);
    }
    iotssf_grade_result_free(&grade);
    free(chosen);
    for (size_t i = 0; i < judged; i++)
        iotssf_conformity_free(&conf[i]);
    free(conf);
    return st;
}

static iotssf_status assess_mode(run *r, const iotssf_use_mode *mode, iotssf_error *err)
{
    iotssf_placement pl;
    iotssf_applied_requirement *applied = NULL;
    size_t count = 0;
    arena a;
    arena_init(&a);
    mode_verdicts mv;
    memset(&mv, 0, sizeof mv);
    iotssf_status st = iotssf_categorize(r->o->policy, r->o->profile, mode, &pl, err);
    if (!st)
        st = iotssf_requirements_for(r->o->catalog, r->o->profile, &pl, &applied, &count, err);
    if (!st)
        st = verdicts_take(&r->in, applied, count, &a, &mv, err);
    if (!st)
        st = judge_mode(r, &pl, &mv, err);
    for (size_t i = 0; !st && i < mv.count; i++)
        r->totals[mv.verdicts[i].verdict]++;
    free(applied);
    arena_free(&a);
    return st;
}

static json_t *file_ref(const char *file, iotssf_error *err, iotssf_status *st)
{
    char sha[65];
    if (*st || !file)
        return json_null();
    *st = sha256_file_hex(file, sha, err);
    return *st ? json_null() : json_pack("{s:o, s:s}", "file", assess_text(file), "sha256", sha);
}

static json_t *header_json(const iotssf_assess_options *o, iotssf_error *err,
                           iotssf_status *st)
{
    char when[32], catalog_sha[65] = "";
    if (o->assessed_at) {
        snprintf(when, sizeof when, "%s", o->assessed_at);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    if (!*st)
        *st = iotssf_catalog_digest(o->data_dir, catalog_sha, err);
    const iotssf_profile *p = o->profile;
    json_t *device = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o}", "id", p->id, "vendor", assess_text(p->vendor),
        "model", assess_text(p->model), "hardware_version", assess_text(p->hardware_version),
        "firmware_version",
        assess_text(o->firmware_version ? o->firmware_version : p->firmware_version), "profile",
        file_ref(p->file, err, st));
    return json_pack("{s:s, s:{s:s, s:s}, s:s, s:o, s:{s:I, s:s}, s:o}", "schema",
                     IOTSSF_SCHEMA_ASSESSMENT, "tool", "name", "iotssf", "version",
                     iotssf_version(), "assessed_at", when, "policy",
                     file_ref(o->policy_file, err, st), "catalog", "requirements",
                     (json_int_t)iotssf_catalog_requirement_count(o->catalog), "sha256",
                     catalog_sha, "device", device);
}

static json_t *evidence_json(const iotssf_assess_options *o)
{
    const iotssf_evidence *e = o->evidence;
    json_t *answers = json_null();
    if (o->answers)
        answers = json_pack("{s:o, s:s, s:s}", "file", assess_text(o->answers->file), "sha256",
                            o->answers->sha256, "profile_sha256", o->answers->profile_sha256);
    json_t *fw = e && e->section[SOURCE_FIRMWARE] ? json_copy(e->section[SOURCE_FIRMWARE])
                                                   : json_null();
    json_t *probe = e && e->section[SOURCE_PROBE] ? json_copy(e->section[SOURCE_PROBE])
                                                   : json_null();
    return json_pack("{s:o, s:o, s:o}", "firmware", fw, "probe", probe, "answers", answers);
}

static json_t *totals_json(const run *r)
{
    long sev[IOTSSF_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; r->o->evidence && i < r->o->evidence->findings.count; i++)
        sev[r->o->evidence->findings.items[i].severity]++;
    return json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}}", "pass",
                     (json_int_t)r->totals[0], "fail", (json_int_t)r->totals[1],
                     "not_applicable", (json_int_t)r->totals[2], "no_evidence",
                     (json_int_t)r->totals[3], "findings", "critical",
                     (json_int_t)sev[IOTSSF_SEV_CRITICAL], "high", (json_int_t)sev[IOTSSF_SEV_HIGH],
                     "medium", (json_int_t)sev[IOTSSF_SEV_MEDIUM], "low",
                     (json_int_t)sev[IOTSSF_SEV_LOW], "info", (json_int_t)sev[IOTSSF_SEV_INFO]);
}

static iotssf_status check_options(const iotssf_assess_options *o, iotssf_error *err)
{
    if (!o->catalog || !o->policy || !o->rules || !o->grading || !o->profile || !o->data_dir)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                           "assess needs a catalog, policy, rules, grading, profile and data");
    if (!o->profile->file || strcmp(o->profile->file, "-") == 0)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "assess needs the profile as a file (its SHA-256 is recorded)");
    iotssf_status st = iotssf_catalog_check_profile(o->catalog, o->profile, err);
    if (!st)
        st = check_answers(o, err);
    if (!st)
        st = check_firmware_identity(o, err);
    return st;
}

static iotssf_status assemble(run *r, json_t **out, iotssf_error *err)
{
    const iotssf_assess_options *o = r->o;
    iotssf_status st = IOTSSF_OK;
    json_t *doc = header_json(o, err, &st);
    if (!st && !doc)
        st = iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "could not build the document");
    for (size_t i = 0; i < o->profile->use_mode_count && !st; i++)
        st = assess_mode(r, &o->profile->use_modes[i], err);
    if (!st) {
        json_object_set_new(doc, "evidence", evidence_json(o));
        json_object_set_new(doc, "findings", assess_findings_json(o->evidence));
        json_object_set_new(doc, "answers", assess_answers_json(o->answers));
        json_object_set(doc, "modes", r->modes);
        int lowest = o->profile->use_mode_count ? r->lowest_grade : 0;
        json_object_set_new(doc, "grade", json_string(grade_order[lowest]));
        json_object_set_new(doc, "totals", totals_json(r));
        if (o->evidence && json_array_size(o->evidence->warnings))
            json_object_set(doc, "warnings", o->evidence->warnings);
        *out = doc;
        return IOTSSF_OK;
    }
    json_decref(doc);
    return st;
}

iotssf_status iotssf_assess(const iotssf_assess_options *o, json_t **out, iotssf_error *err)
{
    *out = NULL;
    run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.lowest_grade = 3;
    r.in = (verdict_inputs){o->rules, o->evidence, o->answers};
    iotssf_status st = check_options(o, err);
    if (!st)
        st = resolve_schemes(o, &r.schemes, &r.scheme_count, err);
    r.modes = json_array();
    if (!st)
        st = assemble(&r, out, err);
    json_decref(r.modes);
    free(r.schemes);
    return st;
}
