/*
 * libFuzzer target for the document reader every loader stands on
 * (lib/core/doc.c): a stream of YAML or JSON documents, each read into an
 * arena that is reset between documents, then walked with the checked
 * accessors the loaders use. Seeds: fuzz/corpus/doc/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"

static void broken(const char *what)
{
    fprintf(stderr, "fuzz: document tree: %s\n", what);
    abort();
}

static void walk(doc_ctx *c, const doc_node *n, unsigned depth)
{
    static const char *const names[] = {"none", "tcp", "udp", "true", NULL};
    if (!n || depth > DOC_MAX_DEPTH + 1)
        broken("missing node or nesting beyond the cap");
    if (n->line == 0 || n->column == 0)
        broken("node without a position");
    switch (n->kind) {
    case DOC_SCALAR: {
        if (!n->text || n->text[n->len] != '\0' || strlen(n->text) != n->len)
            broken("scalar text and length disagree");
        double d;
        long long ll;
        bool b;
        int e;
        const char *s;
        doc_number(c, n, -1e18, 1e18, "number", &d);
        doc_integer(c, n, -1000000, 1000000, "integer", &ll);
        doc_bool(c, n, "bool", &b);
        doc_enum(c, n, names, "enum", &e);
        doc_string(c, n, "string", &s);
        doc_expect(c, n, DOC_MAPPING, "mapping");
        break;
    }
    case DOC_SEQUENCE:
        for (size_t i = 0; i < n->count; i++)
            walk(c, n->items[i], depth + 1);
        doc_expect(c, n, DOC_SCALAR, "scalar");
        break;
    case DOC_MAPPING: {
        static const char *const allowed[] = {"device", "use_modes", "id", NULL};
        for (size_t i = 0; i < n->count; i++) {
            const doc_node *key = n->pairs[i].key;
            if (!key || key->kind != DOC_SCALAR)
                broken("mapping key is not a scalar");
            if (doc_get(n, key->text) != n->pairs[i].value)
                broken("doc_get does not find a key's own value");
            walk(c, key, depth + 1);
            walk(c, n->pairs[i].value, depth + 1);
        }
        const doc_node *out;
        doc_check_keys(c, n, allowed, "mapping");
        doc_require(c, n, "device", "mapping", &out);
        break;
    }
    default:
        broken("unknown node kind");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    doc_stream *s = doc_stream_open_memory("fuzz.yaml", data, size, &err);
    if (!s)
        broken("cannot open a memory stream");
    arena a;
    arena_init(&a);
    for (;;) {
        doc_node *root = NULL;
        iotssf_status st = doc_stream_next(s, &a, &root, &err);
        if (st) {
            if (err.status != st || !err.message[0])
                broken("a failed read recorded no error");
            break;
        }
        if (!root)
            break;
        iotssf_error walk_err;
        iotssf_error_clear(&walk_err);
        doc_ctx c = {.file = "fuzz.yaml", .err = &walk_err};
        walk(&c, root, 0);
        arena_reset(&a);
    }
    arena_free(&a);
    doc_stream_close(s);
    return 0;
}
