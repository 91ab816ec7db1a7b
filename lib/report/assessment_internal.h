/*
 * What the assessment report writers share (assessment_*.c): the validated
 * document, checked accessors over it, and the words every format uses. The
 * loader (assessment_report.c) has already checked every field read here, so
 * the accessors only have to cope with absent or null optional fields.
 */
#ifndef IOTSSF_ASSESSMENT_INTERNAL_H
#define IOTSSF_ASSESSMENT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "iotssf/assessment_report.h"

struct iotssf_assessment {
    char *name;
    json_t *doc;
    json_t *finding_index; /* finding id -> finding */
    json_t *answer_index;  /* question id -> answer */
    char digest[65];       /* SHA-256 of the canonical document, docs/assessment-format.md */
};

/* The field when it has that type, else NULL (absent and null alike). */
const char *as_str(const json_t *obj, const char *key);
const json_t *as_obj(const json_t *obj, const char *key);
const json_t *as_arr(const json_t *obj, const char *key);
/* The integer field, or `fallback` when absent or null. */
long long as_int(const json_t *obj, const char *key, long long fallback);
bool as_bool(const json_t *obj, const char *key);
/* `s`, or `blank` when s is NULL. */
const char *or_blank(const char *s, const char *blank);

/* The mode's tier id and its tier conformity object (which the contract's
 * example spells as a second "tier" key; "tier_conformity" is also read). */
const char *mode_tier_id(const json_t *mode);
const json_t *mode_tier_conformity(const json_t *mode);

const json_t *assessment_finding(const iotssf_assessment *a, const char *id);
const json_t *assessment_answer(const iotssf_assessment *a, const char *question);

/* "etc/inittab:4 in squashfs@0x120200", "127.0.0.1:23/tcp", or "". */
const char *finding_location(const json_t *finding, char *buf, size_t size);
/* The perspective's short name: "1 Before operation (design, manufacture)". */
const char *perspective_name(int perspective);
/* "Bronze", "Silver", "Gold", "None". */
const char *grade_title(const char *grade);

/* HTML pieces shared by assessment_html.c and assessment_html_mode.c. */
void html_text(FILE *out, const char *s); /* escaped; nothing for NULL */
void html_verdict(FILE *out, const char *verdict);
void html_counts_bar(FILE *out, const json_t *counts);
void html_mode(FILE *out, const iotssf_assessment *a, const json_t *mode, size_t index);

/* Markdown pieces shared by assessment_md.c and its per-mode part. */
void md_text(FILE *out, const char *s); /* inline text, table-safe; nothing for NULL */

iotssf_status assessment_html(FILE *out, const iotssf_assessment *a,
                              const iotssf_assessment_render_options *o, iotssf_error *err);
iotssf_status assessment_md(FILE *out, const iotssf_assessment *a, iotssf_error *err);
iotssf_status assessment_sarif(FILE *out, const iotssf_assessment *a, iotssf_error *err);
iotssf_status assessment_oscal(FILE *out, const iotssf_assessment *a, iotssf_error *err);

#endif
