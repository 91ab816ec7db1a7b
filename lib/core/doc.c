/*
 * Builds a positioned document tree from libyaml's event stream, and the
 * checked accessors that loaders use to read it. See doc.h.
 */
#include "doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct doc_stream {
    yaml_parser_t parser;
    FILE *file;
    char *name;
    bool started;
    bool finished;
};

/* A collection under construction: its children are gathered in a growable
 * heap vector and copied into the arena once the collection closes. */
typedef struct frame {
    doc_node *node;
    doc_node **children;
    size_t count, cap;
} frame;

static doc_stream *stream_new(const char *name, iotssf_error *err)
{
    doc_stream *s = calloc(1, sizeof *s);
    if (!s || !(s->name = strdup(name))) {
        free(s);
        iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    if (!yaml_parser_initialize(&s->parser)) {
        free(s->name);
        free(s);
        iotssf_fail(err, IOTSSF_E_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    return s;
}

doc_stream *doc_stream_open_file(const char *path, iotssf_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    doc_stream *s = stream_new(path, err);
    if (!s) {
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    s->file = f;
    yaml_parser_set_input_file(&s->parser, f);
    return s;
}

doc_stream *doc_stream_open_memory(const char *name, const void *data, size_t size,
                                   iotssf_error *err)
{
    doc_stream *s = stream_new(name, err);
    if (s)
        yaml_parser_set_input_string(&s->parser, data, size);
    return s;
}

void doc_stream_close(doc_stream *s)
{
    if (!s)
        return;
    yaml_parser_delete(&s->parser);
    if (s->file && s->file != stdin)
        fclose(s->file);
    free(s->name);
    free(s);
}

const char *doc_stream_name(const doc_stream *s)
{
    return s->name;
}

static iotssf_status parser_error(doc_stream *s, iotssf_error *err)
{
    const yaml_parser_t *p = &s->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
    if (p->error == YAML_READER_ERROR)
        return iotssf_fail(err, IOTSSF_E_INPUT, s->name, 0, 0,
                           "not valid text: %s (at byte %zu)",
                           p->problem ? p->problem : "unreadable", p->problem_offset);
    const char *ctx = p->context ? p->context : "";
    return iotssf_fail(err, IOTSSF_E_INPUT, s->name, (unsigned)p->problem_mark.line + 1,
                       (unsigned)p->problem_mark.column + 1, "malformed YAML/JSON: %s%s%s",
                       p->problem ? p->problem : "syntax error", ctx[0] ? " " : "", ctx);
}

static doc_node *new_node(arena *a, doc_kind kind, yaml_mark_t mark)
{
    doc_node *n = arena_alloc(a, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = (unsigned)mark.line + 1;
        n->column = (unsigned)mark.column + 1;
    }
    return n;
}

static bool frame_push_child(frame *f, doc_node *child)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        doc_node **grown = realloc(f->children, cap * sizeof *grown);
        if (!grown)
            return false;
        f->children = grown;
        f->cap = cap;
    }
    f->children[f->count++] = child;
    return true;
}

static const doc_pair *find_pair(const doc_node *map, const char *key, size_t len, size_t upto)
{
    for (size_t i = 0; i < upto; i++)
        if (map->pairs[i].key->len == len && memcmp(map->pairs[i].key->text, key, len) == 0)
            return &map->pairs[i];
    return NULL;
}

/* Moves a finished frame's children into the arena node. */
static iotssf_status close_frame(doc_stream *s, arena *a, frame *f, iotssf_error *err)
{
    doc_node *n = f->node;
    if (n->kind == DOC_SEQUENCE) {
        n->count = f->count;
        n->items = arena_alloc(a, (f->count ? f->count : 1) * sizeof *n->items);
        if (!n->items)
            return iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
        if (f->count)
            memcpy(n->items, f->children, f->count * sizeof *n->items);
        return IOTSSF_OK;
    }
    n->count = f->count / 2;
    n->pairs = arena_alloc(a, (n->count ? n->count : 1) * sizeof *n->pairs);
    if (!n->pairs)
        return iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
    for (size_t i = 0; i < n->count; i++) {
        doc_node *key = f->children[2 * i];
        if (key->kind != DOC_SCALAR)
            return iotssf_fail(err, IOTSSF_E_INPUT, s->name, key->line, key->column,
                               "a mapping key must be a plain name, not a %s",
                               doc_kind_name(key->kind));
        const doc_pair *dup = find_pair(n, key->text, key->len, i);
        if (dup)
            return iotssf_fail(err, IOTSSF_E_INPUT, s->name, key->line, key->column,
                               "duplicate key '%s' (first given at line %u)", key->text,
                               dup->key->line);
        n->pairs[i].key = key;
        n->pairs[i].value = f->children[2 * i + 1];
    }
    return IOTSSF_OK;
}

static doc_node *scalar_node(doc_stream *s, arena *a, const yaml_event_t *ev, iotssf_error *err)
{
    size_t len = ev->data.scalar.length;
    const char *value = (const char *)ev->data.scalar.value;
    if (len > DOC_MAX_SCALAR) {
        iotssf_fail(err, IOTSSF_E_INPUT, s->name, (unsigned)ev->start_mark.line + 1,
                    (unsigned)ev->start_mark.column + 1,
                    "value too long (%zu bytes; at most %d)", len, DOC_MAX_SCALAR);
        return NULL;
    }
    if (memchr(value, '\0', len)) {
        iotssf_fail(err, IOTSSF_E_INPUT, s->name, (unsigned)ev->start_mark.line + 1,
                    (unsigned)ev->start_mark.column + 1, "value contains a NUL character");
        return NULL;
    }
    doc_node *n = new_node(a, DOC_SCALAR, ev->start_mark);
    char *text = n ? arena_strndup(a, value, len) : NULL;
    if (!text) {
        iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
        return NULL;
    }
    /* Block scalars (| and >) keep a final line break that no field wants. */
    bool block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                 ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    while (block && len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    n->text = text;
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return n;
}

/* Reads events up to the end of one document. */
static iotssf_status build_document(doc_stream *s, arena *a, doc_node **root, iotssf_error *err)
{
    frame stack[DOC_MAX_DEPTH + 1];
    size_t depth = 0;
    size_t nodes = 0;
    doc_node *top = NULL;
    iotssf_status st = IOTSSF_OK;
    memset(stack, 0, sizeof stack);

    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&s->parser, &ev)) {
            st = parser_error(s, err);
            break;
        }
        doc_node *made = NULL;
        bool done = false;
        unsigned line = (unsigned)ev.start_mark.line + 1, col = (unsigned)ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_DOCUMENT_END_EVENT:
            done = true;
            break;
        case YAML_ALIAS_EVENT:
            st = iotssf_fail(err, IOTSSF_E_INPUT, s->name, line, col,
                             "aliases (*%s) are not supported; write the value out",
                             (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            made = scalar_node(s, a, &ev, err);
            if (!made)
                st = err->status;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == DOC_MAX_DEPTH) {
                st = iotssf_fail(err, IOTSSF_E_INPUT, s->name, line, col,
                                 "nesting deeper than %d levels", DOC_MAX_DEPTH);
                break;
            }
            made = new_node(a, ev.type == YAML_SEQUENCE_START_EVENT ? DOC_SEQUENCE : DOC_MAPPING,
                            ev.start_mark);
            if (!made) {
                st = iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
                break;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            st = close_frame(s, a, &stack[depth], err);
            made = stack[depth].node;
            free(stack[depth].children);
            memset(&stack[depth], 0, sizeof stack[depth]);
            if (st)
                made = NULL;
            /* The closed collection is attached to its parent below. */
            if (made) {
                if (depth == 0)
                    top = made;
                else if (!frame_push_child(&stack[depth - 1], made))
                    st = iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
            }
            made = NULL;
            break;
        default:
            break;
        }
        bool opens = ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT;
        yaml_event_delete(&ev);
        if (st)
            break;
        if (made) {
            if (++nodes > DOC_MAX_NODES) {
                st = iotssf_fail(err, IOTSSF_E_INPUT, s->name, line, col,
                                 "document has more than %d values", DOC_MAX_NODES);
                break;
            }
            if (opens) {
                stack[depth++].node = made;
            } else if (depth == 0) {
                top = made;
            } else if (!frame_push_child(&stack[depth - 1], made)) {
                st = iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
                break;
            }
        }
        if (done)
            break;
    }
    for (size_t i = 0; i <= DOC_MAX_DEPTH; i++)
        free(stack[i].children);
    if (st)
        return st;
    *root = top;
    return IOTSSF_OK;
}

iotssf_status doc_stream_next(doc_stream *s, arena *a, doc_node **root, iotssf_error *err)
{
    *root = NULL;
    if (s->finished)
        return IOTSSF_OK;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&s->parser, &ev))
            return parser_error(s, err);
        yaml_event_type_t type = ev.type;
        yaml_mark_t mark = ev.start_mark;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) {
            s->finished = true;
            return IOTSSF_OK;
        }
        if (type == YAML_DOCUMENT_START_EVENT) {
            iotssf_status st = build_document(s, a, root, err);
            if (st)
                return st;
            if (!*root) {
                *root = new_node(a, DOC_SCALAR, mark);
                if (!*root)
                    return iotssf_fail(err, IOTSSF_E_NOMEM, s->name, 0, 0, "out of memory");
                (*root)->text = "";
                (*root)->plain = true;
            }
            return IOTSSF_OK;
        }
    }
}

iotssf_status doc_load_file(const char *path, arena *a, doc_node **root, iotssf_error *err)
{
    doc_stream *s = doc_stream_open_file(path, err);
    if (!s)
        return err->status;
    iotssf_status st = doc_stream_next(s, a, root, err);
    if (!st && !*root)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "the file is empty");
    if (!st) {
        doc_node *second = NULL;
        st = doc_stream_next(s, a, &second, err);
        if (!st && second)
            st = iotssf_fail(err, IOTSSF_E_INPUT, path, second->line, second->column,
                             "expected one document, found a second one");
    }
    doc_stream_close(s);
    return st;
}

/* ---- checked access ---- */

const char *doc_kind_name(doc_kind kind)
{
    switch (kind) {
    case DOC_SCALAR:
        return "single value";
    case DOC_SEQUENCE:
        return "list";
    default:
        return "mapping";
    }
}

const doc_node *doc_get(const doc_node *map, const char *key)
{
    if (!map || map->kind != DOC_MAPPING)
        return NULL;
    const doc_pair *p = find_pair(map, key, strlen(key), map->count);
    return p ? p->value : NULL;
}

iotssf_status doc_error(doc_ctx *c, const doc_node *node, const char *fmt, ...)
{
    char msg[sizeof c->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return iotssf_fail(c->err, IOTSSF_E_INPUT, c->file, node ? node->line : 0,
                       node ? node->column : 0, "%s", msg);
}

iotssf_status doc_expect(doc_ctx *c, const doc_node *node, doc_kind kind, const char *what)
{
    if (node->kind == kind)
        return IOTSSF_OK;
    if (node->kind == DOC_SCALAR && node->plain && node->len == 0)
        return doc_error(c, node, "%s: expected a %s, found nothing", what, doc_kind_name(kind));
    return doc_error(c, node, "%s: expected a %s, found a %s", what, doc_kind_name(kind),
                     doc_kind_name(node->kind));
}

const char *doc_join_names(const char *const *names, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

iotssf_status doc_check_keys(doc_ctx *c, const doc_node *map, const char *const *allowed,
                             const char *what)
{
    for (size_t i = 0; i < map->count; i++) {
        const doc_node *key = map->pairs[i].key;
        bool known = false;
        for (size_t k = 0; allowed[k] && !known; k++)
            known = strcmp(key->text, allowed[k]) == 0;
        if (!known) {
            char names[512];
            return doc_error(c, key, "unknown key '%s' in %s; expected one of: %s", key->text,
                             what, doc_join_names(allowed, names, sizeof names));
        }
    }
    return IOTSSF_OK;
}

iotssf_status doc_require(doc_ctx *c, const doc_node *map, const char *key, const char *what,
                          const doc_node **out)
{
    *out = doc_get(map, key);
    if (!*out)
        return doc_error(c, map, "%s: missing required key '%s'", what, key);
    return IOTSSF_OK;
}

iotssf_status doc_string(doc_ctx *c, const doc_node *node, const char *what, const char **out)
{
    *out = NULL;
    if (node->kind != DOC_SCALAR)
        return doc_expect(c, node, DOC_SCALAR, what);
    if (node->len == 0)
        return doc_error(c, node, "%s: expected a non-empty value", what);
    *out = node->text;
    return IOTSSF_OK;
}

iotssf_status doc_enum(doc_ctx *c, const doc_node *node, const char *const *names,
                       const char *what, int *out)
{
    const char *text = NULL;
    iotssf_status st = doc_string(c, node, what, &text);
    if (st)
        return st;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], text) == 0) {
            *out = i;
            return IOTSSF_OK;
        }
    char buf[512];
    return doc_error(c, node, "%s: '%s' is not one of: %s", what, text,
                     doc_join_names(names, buf, sizeof buf));
}

iotssf_status doc_number(doc_ctx *c, const doc_node *node, double min, double max,
                         const char *what, double *out)
{
    const char *text = NULL;
    iotssf_status st = doc_string(c, node, what, &text);
    if (st)
        return st;
    /* Underscores group digits, as in YAML 1.1 and in our examples
     * (1_000_000); they are dropped before conversion. */
    char digits[64];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '_')
            continue;
        if (n + 1 >= sizeof digits || !strchr("0123456789+-.eE", *p))
            return doc_error(c, node, "%s: expected a number, found '%s'", what, text);
        digits[n++] = *p;
    }
    digits[n] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(digits, &end);
    if (n == 0 || *end || errno == ERANGE || !isfinite(v))
        return doc_error(c, node, "%s: expected a number, found '%s'", what, text);
    if (v < min || v > max)
        return doc_error(c, node, "%s: %s is out of range (expected %g to %g)", what, text, min,
                         max);
    *out = v;
    return IOTSSF_OK;
}

iotssf_status doc_integer(doc_ctx *c, const doc_node *node, long long min, long long max,
                          const char *what, long long *out)
{
    double v;
    iotssf_status st = doc_number(c, node, (double)min, (double)max, what, &v);
    if (st)
        return st;
    if (v != floor(v))
        return doc_error(c, node, "%s: expected a whole number, found '%s'", what, node->text);
    *out = (long long)v;
    return IOTSSF_OK;
}

iotssf_status doc_bool(doc_ctx *c, const doc_node *node, const char *what, bool *out)
{
    static const char *const names[] = {"false", "true", "no", "yes", NULL};
    int i;
    iotssf_status st = doc_enum(c, node, names, what, &i);
    if (!st)
        *out = i % 2 == 1;
    return st;
}

iotssf_status doc_string_at(doc_ctx *c, const doc_node *map, const char *key, bool required,
                            const char *what, const char **out)
{
    const doc_node *n = doc_get(map, key);
    *out = NULL;
    if (!n)
        return required ? doc_error(c, map, "%s: missing required key '%s'", what, key)
                        : IOTSSF_OK;
    return doc_string(c, n, what, out);
}

iotssf_status doc_nomem(doc_ctx *c)
{
    return iotssf_fail(c->err, IOTSSF_E_NOMEM, c->file, 0, 0, "out of memory");
}
