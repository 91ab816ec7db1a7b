/*
 * The document reader under hostile input: positions, limits, refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/doc.h"

typedef struct parsed {
    arena mem;
    doc_node *root;
    iotssf_error err;
    iotssf_status status;
} parsed;

static void parse(parsed *p, const char *text)
{
    arena_init(&p->mem);
    iotssf_error_clear(&p->err);
    doc_stream *s = doc_stream_open_memory("t.yaml", text, strlen(text), &p->err);
    assert_non_null(s);
    p->status = doc_stream_next(s, &p->mem, &p->root, &p->err);
    doc_stream_close(s);
}

static void test_positions_are_one_based(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "a: 1\nb:\n  c: [x, 'y']\n");
    assert_int_equal(p.status, IOTSSF_OK);
    const doc_node *b = doc_get(p.root, "b");
    const doc_node *c = doc_get(b, "c");
    assert_int_equal(c->kind, DOC_SEQUENCE);
    assert_int_equal(c->line, 3);
    assert_int_equal(c->column, 6);
    assert_true(c->items[0]->plain);
    assert_false(c->items[1]->plain);
    assert_string_equal(c->items[1]->text, "y");
    assert_int_equal(c->items[1]->column, 10);
    arena_free(&p.mem);
}

static void test_aliases_are_refused(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "a: &x [1, 2]\nb: *x\n");
    assert_int_equal(p.status, IOTSSF_E_INPUT);
    assert_int_equal(p.err.line, 2);
    assert_non_null(strstr(p.err.message, "aliases"));
    arena_free(&p.mem);
}

static void test_depth_is_capped(void **state)
{
    (void)state;
    char deep[DOC_MAX_DEPTH * 2 + 8];
    size_t n = 0;
    for (int i = 0; i < DOC_MAX_DEPTH + 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < DOC_MAX_DEPTH + 1; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    parsed p;
    parse(&p, deep);
    assert_int_equal(p.status, IOTSSF_E_INPUT);
    assert_non_null(strstr(p.err.message, "nesting deeper"));
    arena_free(&p.mem);

    deep[0] = ' '; /* one level less is fine */
    deep[n - 1] = ' ';
    parse(&p, deep);
    assert_int_equal(p.status, IOTSSF_OK);
    arena_free(&p.mem);
}

static void test_duplicate_keys_are_refused(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "a: 1\nb: 2\na: 3\n");
    assert_int_equal(p.status, IOTSSF_E_INPUT);
    assert_int_equal(p.err.line, 3);
    assert_string_equal(p.err.message, "duplicate key 'a' (first given at line 1)");
    arena_free(&p.mem);
}

static void test_nul_in_scalar_is_refused(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "a: \"x\\0y\"\n");
    assert_int_equal(p.status, IOTSSF_E_INPUT);
    assert_non_null(strstr(p.err.message, "NUL"));
    arena_free(&p.mem);
}

static void test_invalid_utf8_is_refused(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "a: \xff\xfe\n");
    assert_int_equal(p.status, IOTSSF_E_INPUT);
    assert_non_null(strstr(p.err.message, "not valid text"));
    arena_free(&p.mem);
}

static void test_multi_document_stream(void **state)
{
    (void)state;
    const char *text = "a: 1\n---\na: 2\n---\n";
    iotssf_error err;
    arena mem;
    arena_init(&mem);
    doc_stream *s = doc_stream_open_memory("t", text, strlen(text), &err);
    doc_node *root;
    int seen = 0;
    while (doc_stream_next(s, &mem, &root, &err) == IOTSSF_OK && root)
        seen++;
    assert_int_equal(seen, 3); /* the last is the empty document */
    doc_stream_close(s);
    arena_free(&mem);
}

static void test_checked_accessors(void **state)
{
    (void)state;
    parsed p;
    parse(&p, "n: 1_000_000\nf: 2.5\nw: 3.5\nb: yes\ne: blue\nhex: 0x10\n");
    assert_int_equal(p.status, IOTSSF_OK);
    doc_ctx c = {.file = "t.yaml", .err = &p.err};
    double d;
    long long i;
    bool b;
    int e;
    static const char *const colours[] = {"red", "blue", NULL};
    assert_int_equal(doc_number(&c, doc_get(p.root, "n"), 0, 1e9, "n", &d), IOTSSF_OK);
    assert_true(d == 1e6);
    assert_int_equal(doc_integer(&c, doc_get(p.root, "w"), 0, 9, "w", &i), IOTSSF_E_INPUT);
    assert_string_equal(p.err.message, "w: expected a whole number, found '3.5'");
    assert_int_equal(doc_number(&c, doc_get(p.root, "f"), 0, 2, "f", &d), IOTSSF_E_INPUT);
    assert_string_equal(p.err.message, "f: 2.5 is out of range (expected 0 to 2)");
    assert_int_equal(doc_number(&c, doc_get(p.root, "hex"), 0, 99, "hex", &d), IOTSSF_E_INPUT);
    assert_int_equal(doc_bool(&c, doc_get(p.root, "b"), "b", &b), IOTSSF_OK);
    assert_true(b);
    assert_int_equal(doc_enum(&c, doc_get(p.root, "e"), colours, "e", &e), IOTSSF_OK);
    assert_int_equal(e, 1);
    static const char *const allowed[] = {"n", "f", NULL};
    assert_int_equal(doc_check_keys(&c, p.root, allowed, "thing"), IOTSSF_E_INPUT);
    assert_int_equal(p.err.line, 3);
    assert_string_equal(p.err.message, "unknown key 'w' in thing; expected one of: n, f");
    arena_free(&p.mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_are_one_based),
        cmocka_unit_test(test_aliases_are_refused),
        cmocka_unit_test(test_depth_is_capped),
        cmocka_unit_test(test_duplicate_keys_are_refused),
        cmocka_unit_test(test_nul_in_scalar_is_refused),
        cmocka_unit_test(test_invalid_utf8_is_refused),
        cmocka_unit_test(test_multi_document_stream),
        cmocka_unit_test(test_checked_accessors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
