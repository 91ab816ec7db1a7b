/*
 * The assessment as OSCAL 1.1.2 assessment results (JSON), for GRC tools
 * that track controls. The mapping:
 *  - one result per use mode, since each mode has its own tier and verdicts;
 *    its reviewed controls are the catalog requirements judged in that mode;
 *  - one OSCAL finding per requirement verdict (not-applicable ones are left
 *    out), targeting the requirement as an objective: pass is "satisfied",
 *    fail and no-evidence are "not-satisfied" (no-evidence with reason
 *    "other" and a remark, as OSCAL has no third state);
 *  - one observation per piece of evidence the mode's verdicts cite: a
 *    firmware finding was EXAMINEd, a probe finding was a TEST, a declared
 *    answer was an INTERVIEW;
 *  - import-ap points at a back-matter resource naming what stood for the
 *    assessment plan: the profile, the policy and the catalog.
 * UUIDs are version 5 (name-based, SHA-1) over the document's digest and the
 * item's role, not random: the same assessment always gives the same bytes,
 * so re-rendering a report never looks like a new result to a tool that
 * diffs or deduplicates, while two different assessments never share one.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "assessment_internal.h"

typedef struct oscal_ctx {
    const iotssf_assessment *a;
    const char *collected; /* assessed_at */
} oscal_ctx;

/* RFC 4122 version 5 over the URL namespace and "urn:iotssf:<digest>/<role>". */
static json_t *uuid5(const oscal_ctx *c, const char *role)
{
    static const unsigned char url_ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                             0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
              EVP_DigestUpdate(ctx, url_ns, sizeof url_ns) &&
              EVP_DigestUpdate(ctx, "urn:iotssf:", 11) &&
              EVP_DigestUpdate(ctx, c->a->digest, strlen(c->a->digest)) &&
              EVP_DigestUpdate(ctx, "/", 1) && EVP_DigestUpdate(ctx, role, strlen(role)) &&
              EVP_DigestFinal_ex(ctx, md, &len) && len >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return NULL;
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    return json_sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                        md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
                        md[10], md[11], md[12], md[13], md[14], md[15]);
}

/* Roles are "<kind>/<mode index>/<id>": mode ids need not be unique in a
 * hand-edited document, their positions are. */
static json_t *role_uuid(const oscal_ctx *c, const char *kind, size_t mode, const char *id)
{
    json_t *role = json_sprintf("%s/%zu/%s", kind, mode, id);
    json_t *u = role ? uuid5(c, json_string_value(role)) : NULL;
    json_decref(role);
    return u;
}

/* OSCAL control and objective ids are tokens: a letter or '_' first, then
 * letters, digits, '.', '-' or '_'. Requirement ids already are; anything
 * else in a hand-edited document is replaced. */
static json_t *token(const char *s)
{
    char buf[256];
    size_t n = 0;
    if (!(s[0] >= 'A' && s[0] <= 'Z') && !(s[0] >= 'a' && s[0] <= 'z') && s[0] != '_')
        buf[n++] = '_';
    for (; *s && n < sizeof buf - 1; s++) {
        bool ok = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                  (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_';
        buf[n++] = ok ? *s : '_';
    }
    buf[n] = '\0';
    return json_string(buf);
}

static json_t *finding_observation(const oscal_ctx *c, size_t mode, const json_t *f)
{
    char where[1024];
    const char *source = or_blank(as_str(f, "source"), "firmware");
    json_t *desc = json_sprintf("%s (%s) at %s: %s%s%s", or_blank(as_str(f, "rule"), ""),
                                or_blank(as_str(f, "severity"), "info"),
                                finding_location(f, where, sizeof where),
                                or_blank(as_str(f, "message"), or_blank(as_str(f, "title"), "")),
                                as_str(f, "evidence") ? "; evidence: " : "",
                                or_blank(as_str(f, "evidence"), ""));
    return json_pack("{s:o, s:s, s:o, s:[s], s:s}", "uuid",
                     role_uuid(c, "finding-evidence", mode, as_str(f, "id")), "title",
                     or_blank(as_str(f, "title"), as_str(f, "rule")), "description", desc,
                     "methods", strcmp(source, "probe") == 0 ? "TEST" : "EXAMINE", "collected",
                     c->collected);
}

static json_t *answer_observation(const oscal_ctx *c, size_t mode, const json_t *ans)
{
    json_t *desc = json_sprintf("Declared, not verified: %s answered \"%s\"%s%s%s%s",
                                as_str(ans, "question"), or_blank(as_str(ans, "answer"), "?"),
                                as_str(ans, "document") ? "; document: " : "",
                                or_blank(as_str(ans, "document"), ""),
                                as_str(ans, "justification") ? "; justification: " : "",
                                or_blank(as_str(ans, "justification"), ""));
    return json_pack("{s:o, s:s, s:o, s:[s], s:s}", "uuid",
                     role_uuid(c, "answer-evidence", mode, as_str(ans, "question")), "title",
                     as_str(ans, "question"), "description", desc, "methods", "INTERVIEW",
                     "collected", c->collected);
}

/* Adds the observation of one piece of evidence once per result, and links
 * the finding to it. */
static void cite(const oscal_ctx *c, size_t mode, const char *kind, const json_t *evidence,
                 json_t *observations, json_t *seen, json_t *related)
{
    bool finding = strcmp(kind, "finding") == 0;
    json_t *u = role_uuid(c, finding ? "finding-evidence" : "answer-evidence", mode,
                          as_str(evidence, finding ? "id" : "question"));
    if (!u)
        return;
    if (!json_object_get(seen, json_string_value(u))) {
        json_t *obs = finding ? finding_observation(c, mode, evidence)
                              : answer_observation(c, mode, evidence);
        if (obs)
            json_array_append_new(observations, obs);
        json_object_set_new(seen, json_string_value(u), json_true());
    }
    json_array_append_new(related, json_pack("{s:o}", "observation-uuid", u));
}

static json_t *verdict_finding(const oscal_ctx *c, size_t mode, size_t index, const json_t *v,
                               json_t *observations, json_t *seen)
{
    const char *verdict = as_str(v, "verdict"), *req = as_str(v, "requirement");
    json_t *status = json_pack("{s:s}", "state",
                               strcmp(verdict, "pass") == 0 ? "satisfied" : "not-satisfied");
    if (strcmp(verdict, "no-evidence") == 0) {
        json_object_set_new(status, "reason", json_string("other"));
        json_object_set_new(status, "remarks", json_string("No evidence either way."));
    } else {
        json_object_set_new(status, "reason", json_string(strcmp(verdict, "pass") == 0 ? "pass"
                                                                                      : "fail"));
    }
    json_t *title = json_sprintf("%s: %s", req, or_blank(as_str(v, "title"), "(untitled)"));
    json_t *desc = json_sprintf("%s (%s basis). %s", verdict, or_blank(as_str(v, "basis"), "no"),
                                or_blank(as_str(v, "reason"), "No reason recorded."));
    char nth[32];
    snprintf(nth, sizeof nth, "%zu", index);
    json_t *f = json_pack("{s:o, s:o, s:o, s:{s:s, s:o, s:o}}", "uuid",
                          role_uuid(c, "verdict", mode, nth), "title", title, "description", desc,
                          "target", "type", "objective-id", "target-id", token(req), "status",
                          status);
    json_t *related = json_array();
    size_t i;
    const json_t *id;
    json_array_foreach(as_arr(v, "findings"), i, id)
        cite(c, mode, "finding", assessment_finding(c->a, json_string_value(id)), observations,
             seen, related);
    json_array_foreach(as_arr(v, "answers"), i, id)
        cite(c, mode, "answer", assessment_answer(c->a, json_string_value(id)), observations, seen,
             related);
    if (f && json_array_size(related))
        json_object_set(f, "related-observations", related);
    json_decref(related);
    return f;
}

static json_t *mode_result(const oscal_ctx *c, const json_t *m, size_t mode)
{
    json_t *controls = json_array(), *findings = json_array(), *observations = json_array();
    json_t *seen = json_object();
    size_t i;
    const json_t *v;
    json_array_foreach(as_arr(m, "verdicts"), i, v) {
        if (strcmp(as_str(v, "verdict"), "not-applicable") == 0)
            continue;
        json_array_append_new(controls,
                              json_pack("{s:o}", "control-id", token(as_str(v, "requirement"))));
        json_t *f = verdict_finding(c, mode, i, v, observations, seen);
        if (f)
            json_array_append_new(findings, f);
    }
    json_decref(seen);
    json_t *selection = json_array_size(controls)
                            ? json_pack("{s:O}", "include-controls", controls)
                            : json_pack("{s:{}}", "include-all");
    json_decref(controls);
    json_t *desc = json_sprintf(
        "Use mode %s: category %s (%s), tier %s (%s); grade %s.", as_str(m, "name"),
        as_str(m, "category"), or_blank(as_str(m, "category_name"), "unnamed"),
        or_blank(mode_tier_id(m), "?"), or_blank(as_str(m, "tier_name"), "unnamed"),
        grade_title(as_str(as_obj(m, "grade"), "grade")));
    json_t *title = json_sprintf("IoT-SSF assessment of %s in use mode %s",
                                 as_str(as_obj(c->a->doc, "device"), "id"), as_str(m, "id"));
    json_t *r = json_pack("{s:o, s:o, s:o, s:s, s:{s:[o]}}", "uuid",
                          role_uuid(c, "result", mode, ""), "title", title, "description", desc,
                          "start", c->collected, "reviewed-controls", "control-selections",
                          selection);
    if (r && json_array_size(observations))
        json_object_set(r, "observations", observations);
    if (r && json_array_size(findings))
        json_object_set(r, "findings", findings);
    json_decref(observations);
    json_decref(findings);
    return r;
}

static json_t *plan_resource(const oscal_ctx *c, json_t *uuid)
{
    const json_t *d = as_obj(c->a->doc, "device");
    json_t *rlinks = json_array();
    const char *files[] = {as_str(as_obj(d, "profile"), "file"),
                           as_str(as_obj(c->a->doc, "policy"), "file")};
    for (size_t i = 0; i < 2; i++)
        if (files[i])
            json_array_append_new(rlinks, json_pack("{s:s}", "href", files[i]));
    json_t *desc = json_sprintf(
        "iotssf assesses against its requirement catalog (%lld requirements, SHA-256 %s) the "
        "placement of the device profile under the categorization policy; no separate OSCAL "
        "assessment plan exists.",
        as_int(as_obj(c->a->doc, "catalog"), "requirements", 0),
        or_blank(as_str(as_obj(c->a->doc, "catalog"), "sha256"), "unrecorded"));
    json_t *res = json_pack("{s:O, s:s, s:o}", "uuid", uuid, "title",
                            "IoT-SSF assessment plan: profile, policy and catalog", "description",
                            desc);
    if (res && json_array_size(rlinks))
        json_object_set(res, "rlinks", rlinks);
    json_decref(rlinks);
    return res;
}

iotssf_status assessment_oscal(FILE *out, const iotssf_assessment *a, iotssf_error *err)
{
    oscal_ctx c = {a, as_str(a->doc, "assessed_at")};
    const json_t *d = as_obj(a->doc, "device");
    json_t *results = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach(as_arr(a->doc, "modes"), i, m) {
        json_t *r = mode_result(&c, m, i);
        if (r)
            json_array_append_new(results, r);
    }
    json_t *plan = uuid5(&c, "assessment-plan");
    json_t *href = plan ? json_sprintf("#%s", json_string_value(plan)) : NULL;
    json_t *title = json_sprintf("IoT-SSF assessment results: %s%s%s (%s)",
                                 or_blank(as_str(d, "vendor"), ""), as_str(d, "vendor") ? " " : "",
                                 or_blank(as_str(d, "model"), ""), as_str(d, "id"));
    char version[80];
    snprintf(version, sizeof version, "sha256:%.16s", a->digest);
    json_t *doc = json_pack(
        "{s:{s:o, s:{s:o, s:s, s:s, s:s}, s:{s:o}, s:o, s:{s:[o]}}}", "assessment-results",
        "uuid", uuid5(&c, "assessment-results"), "metadata", "title", title, "last-modified",
        c.collected, "version", version, "oscal-version", "1.1.2", "import-ap", "href", href,
        "results", results, "back-matter", "resources", plan_resource(&c, plan));
    json_decref(plan);
    if (!doc)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0,
                           "could not build the OSCAL assessment results");
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    fputc('\n', out);
    return rc ? iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing OSCAL failed") : IOTSSF_OK;
}
