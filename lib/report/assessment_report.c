/*
 * Loading an assessment document for its reports, and choosing the writer.
 * The document ("iotssf.assessment/1", docs/assessment-format.md) is outside
 * input, so it is checked against a declared shape before any writer sees it:
 * every field a writer reads has its type (and, for words such as verdicts,
 * its allowed values) checked, and every finding or answer a verdict cites
 * must exist. Fields the contract may add later within /1 are let through.
 * Errors name the JSON path of the field, since JSON has no line per value
 * once parsed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/file.h"
#include "assessment_internal.h"
#include "iotssf/assess.h"
#include "iotssf/cert.h"

/* ---- formats ---- */

static const char *const format_names[] = {"html", "md", "json", "sarif", "oscal"};

int iotssf_assessment_format_parse(const char *name, iotssf_assessment_format *out)
{
    for (size_t i = 0; name && i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *out = (iotssf_assessment_format)i;
            return 0;
        }
    return -1;
}

const char *iotssf_assessment_format_name(iotssf_assessment_format f)
{
    return (size_t)f < sizeof format_names / sizeof *format_names ? format_names[f] : "?";
}

/* ---- the document's shape ---- */

typedef enum field_type { T_STR, T_INT, T_NUM, T_BOOL, T_OBJ, T_ARR, T_MAP } field_type;

typedef struct shape shape;

typedef struct field_rule {
    const char *key;
    field_type type;
    bool required;              /* absent or null is an error */
    const char *const *choices; /* T_STR: the allowed words */
    const shape *of;            /* T_OBJ: its fields; T_ARR, T_MAP: each item's (NULL: strings) */
    long long min, max;         /* T_INT, when max > min */
} field_rule;

struct shape {
    const char *what; /* for messages: "a finding" */
    const field_rule *fields;
};

#define END {NULL, T_STR, false, NULL, NULL, 0, 0}
#define STR(k) {k, T_STR, false, NULL, NULL, 0, 0}
#define STR_REQ(k) {k, T_STR, true, NULL, NULL, 0, 0}
#define WORD(k, c) {k, T_STR, true, c, NULL, 0, 0}
#define WORD_OPT(k, c) {k, T_STR, false, c, NULL, 0, 0}
#define INT(k, lo, hi) {k, T_INT, false, NULL, NULL, lo, hi}
#define INT_REQ(k, lo, hi) {k, T_INT, true, NULL, NULL, lo, hi}
#define NUM(k) {k, T_NUM, false, NULL, NULL, 0, 0}
#define BOOL(k) {k, T_BOOL, false, NULL, NULL, 0, 0}
#define OBJ(k, s) {k, T_OBJ, false, NULL, s, 0, 0}
#define OBJ_REQ(k, s) {k, T_OBJ, true, NULL, s, 0, 0}
#define ARR(k, s) {k, T_ARR, false, NULL, s, 0, 0}
#define ARR_REQ(k, s) {k, T_ARR, true, NULL, s, 0, 0}
#define MAP(k, s) {k, T_MAP, false, NULL, s, 0, 0}

static const char *const verdicts[] = {"pass", "fail", "not-applicable", "no-evidence", NULL};
static const char *const severities[] = {"info", "low", "medium", "high", "critical", NULL};
static const char *const grades[] = {"gold", "silver", "bronze", "none", NULL};
static const char *const bases[] = {"verified", "declared", "none", NULL};
static const char *const needs[] = {"required", "recommended", NULL};
static const char *const sources[] = {"firmware", "probe", NULL};
static const char *const replies[] = {"yes", "no", "not-applicable", NULL};

/* Sizes and ports fit in 53 bits; levels and perspectives are small. */
#define BIG 9007199254740991LL

static const shape s_file_ref = {"a file reference",
                               (const field_rule[]){STR("file"), STR("sha256"), END}};
static const shape s_counts = {"counts", (const field_rule[]){
    INT("pass", 0, BIG), INT("fail", 0, BIG), INT("not_applicable", 0, BIG),
    INT("no_evidence", 0, BIG), INT("justified", 0, BIG), END}};
static const shape s_component = {"a component", (const field_rule[]){
    STR("id"), STR("name"), STR("version"), STR("cpe"), STR("purl"), STR("confidence"), END}};
static const shape s_service = {"a service", (const field_rule[]){
    STR_REQ("host"), INT_REQ("port", 0, 65535), STR("transport"), STR("name"), STR("product"),
    STR("version"), END}};
static const shape s_firmware = {"the firmware evidence", (const field_rule[]){
    STR("image"), STR("sha256"), INT("size", 0, BIG), ARR("components", &s_component), END}};
static const shape s_probe = {"the probe evidence", (const field_rule[]){
    ARR("targets", NULL), BOOL("complete"), ARR("services", &s_service), END}};
static const shape s_answers_ref = {"the answers evidence", (const field_rule[]){
    STR("file"), STR("sha256"), STR("profile_sha256"), END}};
static const shape s_evidence = {"the evidence", (const field_rule[]){
    OBJ("firmware", &s_firmware), OBJ("probe", &s_probe), OBJ("answers", &s_answers_ref), END}};
static const shape s_device = {"the device", (const field_rule[]){
    STR_REQ("id"), STR("vendor"), STR("model"), STR("hardware_version"),
    STR("firmware_version"), OBJ("profile", &s_file_ref), END}};
static const shape s_tool = {"the tool", (const field_rule[]){STR("name"), STR("version"), END}};
static const shape s_finding = {"a finding", (const field_rule[]){
    STR_REQ("id"), WORD("source", sources), STR_REQ("rule"), WORD("severity", severities),
    STR("title"), STR("message"), STR("evidence"), STR("origin"), STR("path"),
    INT("line", 0, BIG), INT("offset", 0, BIG), STR("host"), INT("port", 0, 65535),
    STR("transport"), ARR("requirements", NULL), END}};
static const shape s_answer = {"an answer", (const field_rule[]){
    STR_REQ("question"), STR_REQ("requirement"), WORD("answer", replies), STR("document"),
    STR("justification"), STR("note"), END}};
static const shape s_axis = {"an axis placement", (const field_rule[]){
    INT_REQ("level", 1, 9), STR("name"), STR("axis_name"), END}};
static const shape s_stand_in = {"a stand-in", (const field_rule[]){
    STR_REQ("requirement"), STR("title"), INT("perspective", 1, 4), STR("stakeholder"),
    STR("note"), END}};
static const shape s_verdict = {"a verdict", (const field_rule[]){
    STR_REQ("requirement"), STR("title"), INT_REQ("perspective", 1, 4), STR("stakeholder"),
    STR("phase"), WORD_OPT("need", needs), WORD("verdict", verdicts),
    WORD_OPT("basis", bases), STR("reason"), STR("not_applicable_because"),
    ARR("findings", NULL), ARR("answers", NULL), ARR("stand_ins", &s_stand_in), END}};
static const shape s_summary = {"a summary", (const field_rule[]){
    INT("pass", 0, BIG), INT("fail", 0, BIG), INT("not_applicable", 0, BIG),
    INT("no_evidence", 0, BIG), MAP("by_perspective", &s_counts), MAP("by_stakeholder", &s_counts),
    END}};
static const shape s_tier_conformity = {"the tier conformity", (const field_rule[]){
    STR("tier"), BOOL("conformant"), BOOL("complete"), ARR("failing", NULL),
    ARR("lacking_evidence", NULL), END}};
static const shape s_item = {"a scheme item", (const field_rule[]){
    STR_REQ("id"), STR("status"), BOOL("counts"), WORD_OPT("verdict", verdicts),
    BOOL("justified"), ARR("requirements", NULL), END}};
static const shape s_scheme = {"a scheme", (const field_rule[]){
    STR_REQ("scheme"), STR("title"), INT("level", 0, 4), BOOL("conformant"), BOOL("complete"),
    STR("rule"), OBJ("counts", &s_counts), ARR("items", &s_item), END}};
static const shape s_gap = {"a gap", (const field_rule[]){
    STR_REQ("requirement"), WORD_OPT("verdict", verdicts), NUM("impact"), NUM("cost"),
    STR("why"), END}};
static const shape s_mode_grade = {"a grade", (const field_rule[]){
    WORD("grade", grades), STR("rule_file"), WORD_OPT("next", grades), ARR("gaps", &s_gap),
    END}};
static const shape s_mode = {"a use mode", (const field_rule[]){
    STR_REQ("id"), STR_REQ("name"), STR_REQ("category"), STR("category_name"),
    STR("tier_name"), OBJ_REQ("axis1", &s_axis), OBJ_REQ("axis2", &s_axis), BOOL("overridden"),
    STR("likelihood"), ARR_REQ("verdicts", &s_verdict), OBJ("summary", &s_summary),
    OBJ("tier_conformity", &s_tier_conformity), ARR("schemes", &s_scheme),
    OBJ("grade", &s_mode_grade), END}};
static const shape s_severity_counts = {"finding counts", (const field_rule[]){
    INT("critical", 0, BIG), INT("high", 0, BIG), INT("medium", 0, BIG), INT("low", 0, BIG),
    INT("info", 0, BIG), END}};
static const shape s_catalog = {"the catalog", (const field_rule[]){
    INT("requirements", 0, BIG), STR("sha256"), END}};
static const shape s_totals = {"the totals", (const field_rule[]){
    INT("pass", 0, BIG), INT("fail", 0, BIG), INT("not_applicable", 0, BIG),
    INT("no_evidence", 0, BIG), OBJ("findings", &s_severity_counts), END}};
static const shape s_document = {"the document", (const field_rule[]){
    STR_REQ("schema"), OBJ("tool", &s_tool), STR_REQ("assessed_at"), OBJ("policy", &s_file_ref),
    OBJ("catalog", &s_catalog),
    OBJ_REQ("device", &s_device), OBJ("evidence", &s_evidence), ARR_REQ("findings", &s_finding),
    ARR("answers", &s_answer), ARR_REQ("modes", &s_mode), WORD_OPT("grade", grades),
    OBJ("totals", &s_totals), END}};

/* ---- checking ---- */

typedef struct checker {
    const char *name;
    iotssf_error *err;
} checker;

static iotssf_status bad(const checker *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static iotssf_status bad(const checker *c, const char *path, const char *fmt, ...)
{
    char why[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return iotssf_fail(c->err, IOTSSF_E_INPUT, c->name, 0, 0, "%s: %s", path, why);
}

static iotssf_status check_object(const checker *c, const json_t *obj, const shape *s,
                                  const char *path);

static const char *type_word(field_type t)
{
    static const char *const words[] = {"a string", "an integer", "a number", "true or false",
                                        "an object", "an array", "an object"};
    return words[t];
}

static bool has_type(const json_t *v, field_type t)
{
    switch (t) {
    case T_STR: return json_is_string(v);
    case T_INT: return json_is_integer(v);
    case T_NUM: return json_is_number(v);
    case T_BOOL: return json_is_boolean(v);
    case T_ARR: return json_is_array(v);
    default: return json_is_object(v);
    }
}

static iotssf_status check_word(const checker *c, const json_t *v, const field_rule *f,
                                const char *path)
{
    if (!f->choices)
        return IOTSSF_OK;
    char list[256] = "";
    for (size_t i = 0; f->choices[i]; i++) {
        if (strcmp(json_string_value(v), f->choices[i]) == 0)
            return IOTSSF_OK;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", f->choices[i]);
    }
    return bad(c, path, "'%.80s' is not one of %s", json_string_value(v), list);
}

/* An array of strings (of == NULL) or of objects of one shape. */
static iotssf_status check_items(const checker *c, const json_t *arr, const shape *of,
                                 const char *path)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (!of && !json_is_string(v))
            return bad(c, sub, "expected a string");
        if (of && !json_is_object(v))
            return bad(c, sub, "expected %s (an object)", of->what);
        iotssf_status st = of ? check_object(c, v, of, sub) : IOTSSF_OK;
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status check_map(const checker *c, const json_t *obj, const shape *of,
                               const char *path)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s.%.60s", path, key);
        if (!json_is_object(v))
            return bad(c, sub, "expected %s (an object)", of->what);
        iotssf_status st = check_object(c, v, of, sub);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status check_field(const checker *c, const json_t *v, const field_rule *f,
                                 const char *path)
{
    if (!v || json_is_null(v))
        return f->required ? bad(c, path, "missing; expected %s", type_word(f->type))
                           : IOTSSF_OK;
    if (!has_type(v, f->type))
        return bad(c, path, "expected %s%s%s", type_word(f->type), f->choices ? ": " : "",
                   f->choices ? "a word of the contract" : "");
    switch (f->type) {
    case T_STR: return check_word(c, v, f, path);
    case T_INT:
        if (f->max > f->min &&
            (json_integer_value(v) < f->min || json_integer_value(v) > f->max))
            return bad(c, path, "%lld is outside %lld to %lld",
                       (long long)json_integer_value(v), f->min, f->max);
        return IOTSSF_OK;
    case T_OBJ: return f->of ? check_object(c, v, f->of, path) : IOTSSF_OK;
    case T_ARR: return check_items(c, v, f->of, path);
    case T_MAP: return check_map(c, v, f->of, path);
    default: return IOTSSF_OK;
    }
}

static iotssf_status check_object(const checker *c, const json_t *obj, const shape *s,
                                  const char *path)
{
    for (const field_rule *f = s->fields; f->key; f++) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", f->key);
        iotssf_status st = check_field(c, json_object_get(obj, f->key), f, sub);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

/* ---- the parts the shape cannot say ---- */

/* The contract's example names two things "tier" in a mode: the tier id and
 * the tier conformity. A parser keeps the last, so both spellings are read. */
static iotssf_status check_mode_tier(const checker *c, const json_t *m, const char *path)
{
    const json_t *t = json_object_get(m, "tier");
    char sub[512];
    snprintf(sub, sizeof sub, "%s.tier", path);
    if (json_is_object(t)) {
        const field_rule f = OBJ_REQ("tier", &s_tier_conformity);
        iotssf_status st = check_field(c, t, &f, sub);
        if (st)
            return st;
    } else if (!json_is_string(t)) {
        return bad(c, sub, "missing; expected the tier id (a string)");
    }
    return mode_tier_id(m) ? IOTSSF_OK : bad(c, sub, "missing; expected the tier id");
}

static iotssf_status index_findings(const checker *c, iotssf_assessment *a)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(a->doc, "findings"), i, f) {
        const char *id = json_string_value(json_object_get(f, "id"));
        if (json_object_get(a->finding_index, id)) {
            char path[64];
            snprintf(path, sizeof path, "findings[%zu].id", i);
            return bad(c, path, "'%.80s' is used by an earlier finding too", id);
        }
        json_object_set(a->finding_index, id, (json_t *)f);
    }
    json_array_foreach(json_object_get(a->doc, "answers"), i, f)
        json_object_set(a->answer_index, json_string_value(json_object_get(f, "question")),
                        (json_t *)f);
    return IOTSSF_OK;
}

static iotssf_status check_refs(const checker *c, const json_t *refs, const json_t *index,
                                const char *path, const char *what)
{
    size_t i;
    const json_t *r;
    json_array_foreach(refs, i, r) {
        if (!json_object_get(index, json_string_value(r))) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            return bad(c, sub, "'%.80s' names no %s of the document", json_string_value(r),
                       what);
        }
    }
    return IOTSSF_OK;
}

static iotssf_status check_mode_links(const checker *c, const iotssf_assessment *a,
                                      const json_t *m, size_t mi)
{
    char path[64];
    snprintf(path, sizeof path, "modes[%zu]", mi);
    iotssf_status st = check_mode_tier(c, m, path);
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(m, "verdicts"), i, v) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s.verdicts[%zu].findings", path, i);
        if (!st)
            st = check_refs(c, json_object_get(v, "findings"), a->finding_index, sub,
                            "finding");
        snprintf(sub, sizeof sub, "%s.verdicts[%zu].answers", path, i);
        if (!st)
            st = check_refs(c, json_object_get(v, "answers"), a->answer_index, sub,
                            "answer");
    }
    return st;
}

static iotssf_status check_document(const checker *c, iotssf_assessment *a)
{
    if (!json_is_object(a->doc))
        return bad(c, "(top)", "expected an object, the assessment document");
    const char *schema = as_str(a->doc, "schema");
    if (schema && strcmp(schema, IOTSSF_SCHEMA_ASSESSMENT) != 0)
        return bad(c, "schema", "'%.80s' is not \"%s\", the only schema this version reads",
                   schema, IOTSSF_SCHEMA_ASSESSMENT);
    iotssf_status st = check_object(c, a->doc, &s_document, "");
    if (st)
        return st;
    if (json_array_size(json_object_get(a->doc, "modes")) == 0)
        return bad(c, "modes", "empty; an assessment has at least one use mode");
    if (!(a->finding_index = json_object()) || !(a->answer_index = json_object()))
        return iotssf_fail(c->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    st = index_findings(c, a);
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(a->doc, "modes"), i, m) {
        if (!st)
            st = check_mode_links(c, a, m, i);
    }
    return st;
}

static iotssf_status digest(iotssf_assessment *a, iotssf_error *err)
{
    return iotssf_assessment_digest(a->doc, a->digest, err);
}

iotssf_status iotssf_assessment_parse(const char *name, const void *data, size_t size,
                                      iotssf_assessment **out, iotssf_error *err)
{
    *out = NULL;
    name = name ? name : "(assessment)";
    if (size > IOTSSF_ASSESSMENT_MAX_BYTES)
        return iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0,
                           "%zu bytes; an assessment document is at most %u", size,
                           IOTSSF_ASSESSMENT_MAX_BYTES);
    iotssf_assessment *a = calloc(1, sizeof *a);
    if (!a || !(a->name = strdup(name))) {
        free(a);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    json_error_t je;
    /* Duplicate keys are let through (the last wins): the contract's own
     * example repeats "tier" in a mode. */
    a->doc = json_loadb(data, size, 0, &je);
    iotssf_status st;
    if (!a->doc)
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, (unsigned)(je.line > 0 ? je.line : 0),
                         (unsigned)(je.column > 0 ? je.column : 0), "not JSON: %s", je.text);
    else
        st = check_document(&(checker){name, err}, a);
    if (!st)
        st = digest(a, err);
    if (st) {
        iotssf_assessment_free(a);
        return st;
    }
    *out = a;
    return IOTSSF_OK;
}

iotssf_status iotssf_assessment_load(const char *path, iotssf_assessment **out,
                                     iotssf_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    iotssf_status st = read_file_bounded(path, IOTSSF_ASSESSMENT_MAX_BYTES, &text, &len, err);
    if (st)
        return st;
    st = iotssf_assessment_parse(path, text, len, out, err);
    free(text);
    return st;
}

void iotssf_assessment_free(iotssf_assessment *a)
{
    if (!a)
        return;
    json_decref(a->doc);
    json_decref(a->finding_index);
    json_decref(a->answer_index);
    free(a->name);
    free(a);
}

iotssf_status iotssf_assessment_render(FILE *out, iotssf_assessment_format format,
                                       const iotssf_assessment *a,
                                       const iotssf_assessment_render_options *options,
                                       iotssf_error *err)
{
    iotssf_assessment_render_options none = {NULL};
    iotssf_status st;
    switch (format) {
    case IOTSSF_ASSESSMENT_HTML:
        st = assessment_html(out, a, options ? options : &none, err);
        break;
    case IOTSSF_ASSESSMENT_MD: st = assessment_md(out, a, err); break;
    case IOTSSF_ASSESSMENT_SARIF: st = assessment_sarif(out, a, err); break;
    case IOTSSF_ASSESSMENT_OSCAL: st = assessment_oscal(out, a, err); break;
    case IOTSSF_ASSESSMENT_JSON:
        st = json_dumpf(a->doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0
                 ? IOTSSF_OK
                 : iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the assessment failed");
        if (!st)
            fputc('\n', out);
        break;
    default:
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "unknown assessment report format %d",
                           (int)format);
    }
    if (!st && (fflush(out) != 0 || ferror(out)))
        st = iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the %s report failed",
                         iotssf_assessment_format_name(format));
    return st;
}

/* ---- accessors the writers share ---- */

const char *as_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

const json_t *as_obj(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_object(v) ? v : NULL;
}

const json_t *as_arr(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_array(v) ? v : NULL;
}

long long as_int(const json_t *obj, const char *key, long long fallback)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : fallback;
}

bool as_bool(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

const char *or_blank(const char *s, const char *blank)
{
    return s ? s : blank;
}

const char *mode_tier_id(const json_t *mode)
{
    const json_t *t = json_object_get(mode, "tier");
    if (json_is_string(t))
        return json_string_value(t);
    const char *id = as_str(t, "tier");
    return id ? id : as_str(as_obj(mode, "tier_conformity"), "tier");
}

const json_t *mode_tier_conformity(const json_t *mode)
{
    const json_t *t = as_obj(mode, "tier");
    return t ? t : as_obj(mode, "tier_conformity");
}

const json_t *assessment_finding(const iotssf_assessment *a, const char *id)
{
    return id ? json_object_get(a->finding_index, id) : NULL;
}

const json_t *assessment_answer(const iotssf_assessment *a, const char *question)
{
    return question ? json_object_get(a->answer_index, question) : NULL;
}

const char *finding_location(const json_t *f, char *buf, size_t size)
{
    const char *path = as_str(f, "path"), *origin = as_str(f, "origin");
    const char *host = as_str(f, "host");
    long long line = as_int(f, "line", 0), port = as_int(f, "port", -1);
    if (path && line > 0)
        snprintf(buf, size, "%s:%lld%s%s", path, line, origin ? " in " : "", or_blank(origin, ""));
    else if (path)
        snprintf(buf, size, "%s%s%s", path, origin ? " in " : "", or_blank(origin, ""));
    else if (host && port >= 0)
        snprintf(buf, size, "%s:%lld/%s", host, port, or_blank(as_str(f, "transport"), "tcp"));
    else if (host)
        snprintf(buf, size, "%s", host);
    else
        snprintf(buf, size, "%s", or_blank(origin, ""));
    return buf;
}

const char *perspective_name(int perspective)
{
    static const char *const names[] = {
        "Before operation (design, manufacture)", "In operation",
        "Operators, service providers and users",
        "Society's institutions (insurance, law, certification)"};
    return perspective >= 1 && perspective <= 4 ? names[perspective - 1] : "Unknown perspective";
}

const char *grade_title(const char *grade)
{
    if (!grade)
        return "None";
    if (strcmp(grade, "gold") == 0)
        return "Gold";
    if (strcmp(grade, "silver") == 0)
        return "Silver";
    if (strcmp(grade, "bronze") == 0)
        return "Bronze";
    return "None";
}
