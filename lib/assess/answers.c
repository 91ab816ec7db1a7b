/*
 * The answers file: a questionnaire (lib/assess/questionnaire.c) filled in
 * by the maker. It is outside input like any profile: every key is checked,
 * every value has one allowed form, and every error names file:line:column.
 * Against the questionnaire of the profile being assessed, the file must be
 * for the same device and the same profile bytes (SHA-256), and every
 * question must be one that questionnaire asks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sha256.h"
#include "assess_internal.h"
#include "../core/doc.h"

enum { ANSWERS_MAX_BYTES = 16 * 1024 * 1024, ANSWERS_MAX_QUESTIONS = 5000 };

typedef struct answers_loader {
    doc_ctx ctx;
    const iotssf_questionnaire *q;
    iotssf_answers *out;
    arena *memory;
} answers_loader;

static bool is_null(const doc_node *n)
{
    if (n->kind != DOC_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

/* A string, or NULL for a YAML null. */
static iotssf_status optional_text(answers_loader *l, const doc_node *map, const char *key,
                                   const char *what, const char **out)
{
    *out = NULL;
    const doc_node *n = doc_get(map, key);
    if (!n || is_null(n))
        return IOTSSF_OK;
    return doc_string(&l->ctx, n, what, out);
}

static iotssf_status sha256_field(answers_loader *l, const doc_node *map, const char *what,
                                  const doc_node **node, const char **out)
{
    iotssf_status st = doc_require(&l->ctx, map, "sha256", what, node);
    if (!st)
        st = doc_string(&l->ctx, *node, what, out);
    if (!st && !sha256_is_hex(*out))
        st = doc_error(&l->ctx, *node, "%s: expected 64 lowercase hex digits", what);
    return st;
}

static iotssf_status read_header(answers_loader *l, const doc_node *root)
{
    static const char *const top[] = {"schema", "device", "profile", "catalog", "questions", NULL};
    static const char *const profile_keys[] = {"file", "sha256", NULL};
    static const char *const catalog_keys[] = {"sha256", NULL};
    const doc_node *n, *profile, *catalog, *sha_node;
    const char *schema, *file, *catalog_sha;
    iotssf_status st = doc_expect(&l->ctx, root, DOC_MAPPING, "answers");
    if (!st)
        st = doc_check_keys(&l->ctx, root, top, "answers");
    if (!st && !(st = doc_require(&l->ctx, root, "schema", "schema", &n)) &&
        !(st = doc_string(&l->ctx, n, "schema", &schema)) &&
        strcmp(schema, IOTSSF_SCHEMA_QUESTIONNAIRE) != 0)
        st = doc_error(&l->ctx, n, "schema: expected '%s', found '%s'",
                       IOTSSF_SCHEMA_QUESTIONNAIRE, schema);
    if (!st && !(st = doc_require(&l->ctx, root, "device", "device", &n)))
        st = doc_string(&l->ctx, n, "device", &l->out->device_id);
    if (!st && l->q && strcmp(l->out->device_id, l->q->device_id) != 0)
        st = doc_error(&l->ctx, n, "these answers are for device '%s', the profile is device '%s'",
                       l->out->device_id, l->q->device_id);
    if (!st && !(st = doc_require(&l->ctx, root, "profile", "profile", &profile)) &&
        !(st = doc_expect(&l->ctx, profile, DOC_MAPPING, "profile")) &&
        !(st = doc_check_keys(&l->ctx, profile, profile_keys, "profile")))
        st = optional_text(l, profile, "file", "profile.file", &file);
    if (!st)
        st = sha256_field(l, profile, "profile.sha256", &sha_node, &l->out->profile_sha256);
    if (!st && l->q && strcmp(l->out->profile_sha256, l->q->profile_sha256) != 0)
        st = doc_error(&l->ctx, sha_node,
                       "the profile changed since the questionnaire: re-run questionnaire "
                       "(answers are for profile %.12s..., the profile is now %.12s...)",
                       l->out->profile_sha256, l->q->profile_sha256);
    if (!st && (catalog = doc_get(root, "catalog")) != NULL &&
        !(st = doc_expect(&l->ctx, catalog, DOC_MAPPING, "catalog")) &&
        !(st = doc_check_keys(&l->ctx, catalog, catalog_keys, "catalog")))
        st = sha256_field(l, catalog, "catalog.sha256", &sha_node, &catalog_sha);
    return st;
}

static iotssf_status check_requirement(answers_loader *l, const doc_node *entry,
                                       iotssf_answer *a, bool *needs_document)
{
    const doc_node *n = doc_get(entry, "id");
    if (strncmp(a->question, "Q-", 2) != 0 || strcmp(a->question + 2, a->requirement) != 0)
        return doc_error(&l->ctx, n, "question '%s' does not match its requirement '%s'",
                         a->question, a->requirement);
    if (!l->q)
        return IOTSSF_OK;
    const iotssf_question *asked = iotssf_questionnaire_find(l->q, a->question);
    if (!asked)
        return doc_error(&l->ctx, n,
                         "question '%s' is not asked for this profile (its requirement does not "
                         "apply, or needs no declaration): re-run questionnaire",
                         a->question);
    *needs_document = asked->needs_document;
    return IOTSSF_OK;
}

static iotssf_status read_values(answers_loader *l, const doc_node *entry, iotssf_answer *a,
                                 bool needs_document)
{
    static const char *const values[] = {"yes", "no", "not-applicable", NULL};
    const doc_node *n = doc_get(entry, "answer");
    iotssf_status st = IOTSSF_OK;
    if (n && !is_null(n)) {
        int index = 0;
        st = doc_enum(&l->ctx, n, values, "answer", &index);
        a->value = (iotssf_answer_value)(index + 1);
    }
    if (!st)
        st = optional_text(l, entry, "document", "document", &a->document);
    if (!st)
        st = optional_text(l, entry, "justification", "justification", &a->justification);
    if (!st)
        st = optional_text(l, entry, "note", "note", &a->note);
    if (!st && a->value == IOTSSF_ANSWER_YES && needs_document && !a->document)
        st = doc_error(&l->ctx, n,
                       "%s: a 'yes' needs the document that shows it (document: a URL or file "
                       "name)",
                       a->question);
    return st;
}

static iotssf_status read_question(answers_loader *l, const doc_node *entry, iotssf_answer *a)
{
    static const char *const keys[] = {"id",     "requirement",   "question", "document_required",
                                       "answer", "document",      "justification",
                                       "note",   NULL};
    const doc_node *n;
    iotssf_status st = doc_expect(&l->ctx, entry, DOC_MAPPING, "question");
    if (!st)
        st = doc_check_keys(&l->ctx, entry, keys, "question");
    if (!st && !(st = doc_require(&l->ctx, entry, "id", "question.id", &n)))
        st = doc_string(&l->ctx, n, "question.id", &a->question);
    if (!st && !(st = doc_require(&l->ctx, entry, "requirement", "question.requirement", &n)))
        st = doc_string(&l->ctx, n, "question.requirement", &a->requirement);
    bool needs_document = false;
    if (!st && (n = doc_get(entry, "document_required")) != NULL && !is_null(n))
        st = doc_bool(&l->ctx, n, "question.document_required", &needs_document);
    if (!st)
        st = check_requirement(l, entry, a, &needs_document);
    if (!st)
        st = read_values(l, entry, a, needs_document);
    a->pos.line = entry->line;
    a->pos.column = entry->column;
    return st;
}

static iotssf_status read_questions(answers_loader *l, const doc_node *root)
{
    const doc_node *list;
    iotssf_status st = doc_require(&l->ctx, root, "questions", "questions", &list);
    if (!st)
        st = doc_expect(&l->ctx, list, DOC_SEQUENCE, "questions");
    if (!st && list->count > ANSWERS_MAX_QUESTIONS)
        st = doc_error(&l->ctx, list, "questions: more than %d", ANSWERS_MAX_QUESTIONS);
    if (st)
        return st;
    l->out->items = arena_alloc(l->memory, (list->count ? list->count : 1) * sizeof *l->out->items);
    if (!l->out->items)
        return iotssf_fail(l->ctx.err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count && !st; i++) {
        iotssf_answer *a = &l->out->items[i];
        st = read_question(l, list->items[i], a);
        for (size_t k = 0; k < i && !st; k++)
            if (strcmp(l->out->items[k].question, a->question) == 0)
                st = doc_error(&l->ctx, list->items[i],
                               "question '%s' is given twice (first at line %u)", a->question,
                               l->out->items[k].pos.line);
        l->out->count = i + 1;
    }
    return st;
}

static iotssf_status parse_root(const char *name, const void *data, size_t size, arena *a,
                                doc_node **root, iotssf_error *err)
{
    doc_stream *s = doc_stream_open_memory(name, data, size, err);
    if (!s)
        return err->status;
    iotssf_status st = doc_stream_next(s, a, root, err);
    if (!st && (!*root || (*root)->kind == DOC_SCALAR))
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, 0, 0,
                         "the answers file is empty (expected a filled-in questionnaire)");
    doc_node *second = NULL;
    if (!st && !(st = doc_stream_next(s, a, &second, err)) && second)
        st = iotssf_fail(err, IOTSSF_E_INPUT, name, second->line, second->column,
                         "expected one document, found a second one");
    doc_stream_close(s);
    return st;
}

iotssf_status iotssf_answers_parse(const char *name, const void *data, size_t size,
                                   const iotssf_questionnaire *q, iotssf_answers **out,
                                   iotssf_error *err)
{
    *out = NULL;
    arena *memory = malloc(sizeof *memory);
    if (!memory)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    arena_init(memory);
    iotssf_answers *a = arena_alloc(memory, sizeof *a);
    answers_loader l = {{name, err}, q, a, memory};
    doc_node *root = NULL;
    iotssf_status st =
        a ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st && !(a->file = arena_strdup(memory, name)))
        st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!st)
        st = parse_root(name, data, size, memory, &root, err);
    if (!st)
        st = read_header(&l, root);
    if (!st)
        st = read_questions(&l, root);
    if (st) {
        arena_free(memory);
        free(memory);
        return st;
    }
    sha256_hex(data, size, a->sha256);
    a->memory = memory;
    *out = a;
    return IOTSSF_OK;
}

static iotssf_status read_bounded(const char *path, char **data, size_t *size, iotssf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
    char *buf = malloc(ANSWERS_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, ANSWERS_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    if (bad || n > ANSWERS_MAX_BYTES) {
        free(buf);
        if (bad)
            return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "read error");
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "larger than %d bytes",
                           ANSWERS_MAX_BYTES);
    }
    *data = buf;
    *size = n;
    return IOTSSF_OK;
}

iotssf_status iotssf_answers_load(const char *path, const iotssf_questionnaire *q,
                                  iotssf_answers **out, iotssf_error *err)
{
    *out = NULL;
    char *data = NULL;
    size_t size = 0;
    iotssf_status st = read_bounded(path, &data, &size, err);
    if (!st)
        st = iotssf_answers_parse(path, data, size, q, out, err);
    free(data);
    return st;
}

const iotssf_answer *iotssf_answers_for(const iotssf_answers *a, const char *requirement_id)
{
    for (size_t i = 0; a && i < a->count; i++)
        if (a->items[i].value != IOTSSF_ANSWER_NONE &&
            strcmp(a->items[i].requirement, requirement_id) == 0)
            return &a->items[i];
    return NULL;
}

void iotssf_answers_free(iotssf_answers *a)
{
    if (!a)
        return;
    arena *memory = a->memory;
    arena_free(memory);
    free(memory);
}
