/*
 * A document tree (scalars, sequences, mappings) with the line and column of
 * every node, built from YAML or JSON by libyaml (JSON is read as YAML's flow
 * style, so both formats get the same positions in errors). Loaders for
 * profiles, policies and catalogs read this tree through the checked
 * accessors below, which turn every mismatch into an error that names the
 * file, line, column and what was expected.
 *
 * Everything read here is hostile: aliases are refused (no billion laughs),
 * nesting depth, node count and scalar size are capped, and scalars holding a
 * NUL byte are refused.
 */
#ifndef IOTSSF_CORE_DOC_H
#define IOTSSF_CORE_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "iotssf/error.h"

/* Returns early with the status of a failed step; the loaders of every data
 * file chain their checks with it. */
#define TRY(expr)                                                                                 \
    do {                                                                                          \
        iotssf_status try_status_ = (expr);                                                       \
        if (try_status_)                                                                          \
            return try_status_;                                                                   \
    } while (0)

typedef enum doc_kind { DOC_SCALAR, DOC_SEQUENCE, DOC_MAPPING } doc_kind;

typedef struct doc_node doc_node;

typedef struct doc_pair {
    doc_node *key;   /* always a scalar */
    doc_node *value;
} doc_pair;

struct doc_node {
    doc_kind kind;
    unsigned line, column;   /* 1-based */
    bool plain;              /* a scalar written without quotes */
    const char *text;        /* scalar text, NUL-terminated */
    size_t len;
    size_t count;            /* items or pairs */
    doc_node **items;        /* DOC_SEQUENCE */
    doc_pair *pairs;         /* DOC_MAPPING */
};

enum {
    DOC_MAX_DEPTH = 64,
    DOC_MAX_NODES = 1000000,          /* per document */
    DOC_MAX_SCALAR = 1024 * 1024,
};

typedef struct doc_stream doc_stream;

/* A stream of one or more documents ("---" separates them). `name` is the
 * file name used in errors. */
doc_stream *doc_stream_open_file(const char *path, iotssf_error *err);
doc_stream *doc_stream_open_memory(const char *name, const void *data, size_t size,
                                   iotssf_error *err);
void doc_stream_close(doc_stream *s);
const char *doc_stream_name(const doc_stream *s);

/* Reads the next document into `a`. *root is NULL when the stream is over.
 * An empty document ("---" with nothing after it) is returned as NULL-valued
 * plain scalar "". */
iotssf_status doc_stream_next(doc_stream *s, arena *a, doc_node **root, iotssf_error *err);

/* Reads a whole single-document file (a second document is an error). */
iotssf_status doc_load_file(const char *path, arena *a, doc_node **root, iotssf_error *err);

/* ---- checked access ---- */

typedef struct doc_ctx {
    const char *file;
    iotssf_error *err;
} doc_ctx;

const char *doc_kind_name(doc_kind kind);
const doc_node *doc_get(const doc_node *map, const char *key);

/* Error at `node` with a message. */
iotssf_status doc_error(doc_ctx *c, const doc_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

iotssf_status doc_expect(doc_ctx *c, const doc_node *node, doc_kind kind, const char *what);

/* Every key of `map` must be one of `allowed` (NULL-terminated). */
iotssf_status doc_check_keys(doc_ctx *c, const doc_node *map, const char *const *allowed,
                             const char *what);

/* A key that must be present; *out is its value. */
iotssf_status doc_require(doc_ctx *c, const doc_node *map, const char *key, const char *what,
                          const doc_node **out);

/* A non-empty scalar string. */
iotssf_status doc_string(doc_ctx *c, const doc_node *node, const char *what, const char **out);
/* The string at map[key]; *out NULL when the key is absent and not
 * `required` (an absent required key is an error at the map). */
iotssf_status doc_string_at(doc_ctx *c, const doc_node *map, const char *key, bool required,
                            const char *what, const char **out);
/* "out of memory", at the file being read. */
iotssf_status doc_nomem(doc_ctx *c);

/* A scalar that is one of `names` (NULL-terminated); *out is its index. */
iotssf_status doc_enum(doc_ctx *c, const doc_node *node, const char *const *names,
                       const char *what, int *out);

/* A finite number in [min, max]. */
iotssf_status doc_number(doc_ctx *c, const doc_node *node, double min, double max,
                         const char *what, double *out);

/* A whole number in [min, max]. */
iotssf_status doc_integer(doc_ctx *c, const doc_node *node, long long min, long long max,
                          const char *what, long long *out);

iotssf_status doc_bool(doc_ctx *c, const doc_node *node, const char *what, bool *out);

/* "a, b, c" of a NULL-terminated list, for "expected one of" messages. */
const char *doc_join_names(const char *const *names, char *buf, size_t size);

#endif
