/*
 * The Aho-Corasick automaton over every content anchor of every signature,
 * turned into a full transition table once at load time: scanning a file is
 * then one table lookup per byte, whatever the number of signatures, and the
 * version parser runs only where an anchor ended.
 */
#include <stdlib.h>
#include <string.h>

#include "sigs.h"

/* Bounds the table (states * 256 * 4 bytes): 1 MiB of anchor text at most. */
enum { MAX_STATES = 1 << 20 };

void sig_automaton_free(sig_automaton *ac)
{
    free(ac->delta);
    free(ac->out_anchor);
    free(ac->next_out);
    free(ac->has_out);
    memset(ac, 0, sizeof *ac);
}

static iotssf_status nomem(iotssf_error *err)
{
    return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* The trie: delta entries of 0 mean "no edge yet" (no edge leads back to the
 * root in a trie, so 0 is free to mean that). */
static iotssf_status build_trie(const iotssf_component_sigs *s, sig_automaton *ac, size_t cap,
                                iotssf_error *err)
{
    ac->states = 1;
    for (size_t a = 0; a < s->anchor_count; a++) {
        uint32_t st = 0;
        for (size_t i = 0; i < s->anchors[a].len; i++) {
            uint8_t c = (uint8_t)s->anchors[a].text[i];
            uint32_t *slot = &ac->delta[(size_t)st * 256 + c];
            if (!*slot) {
                if (ac->states >= cap)
                    return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "automaton overflow");
                *slot = (uint32_t)ac->states++;
            }
            st = *slot;
        }
        ac->out_anchor[st] = (int32_t)a;
    }
    return IOTSSF_OK;
}

/* Breadth-first: each state's failure state is already complete when the
 * state is reached, so missing edges are copied from it. */
static iotssf_status complete(sig_automaton *ac, iotssf_error *err)
{
    uint32_t *queue = malloc(ac->states * sizeof *queue);
    uint32_t *fail = calloc(ac->states, sizeof *fail);
    if (!queue || !fail) {
        free(queue);
        free(fail);
        return nomem(err);
    }
    size_t head = 0, tail = 0;
    for (unsigned c = 0; c < 256; c++)
        if (ac->delta[c])
            queue[tail++] = ac->delta[c];
    while (head < tail) {
        uint32_t st = queue[head++];
        uint32_t f = fail[st];
        if (ac->out_anchor[f] >= 0 || ac->has_out[f]) {
            ac->next_out[st] = ac->out_anchor[f] >= 0 ? (int32_t)f : ac->next_out[f];
            ac->has_out[st] = 1;
        }
        if (ac->out_anchor[st] >= 0)
            ac->has_out[st] = 1;
        for (unsigned c = 0; c < 256; c++) {
            uint32_t *slot = &ac->delta[(size_t)st * 256 + c];
            if (*slot) {
                fail[*slot] = ac->delta[(size_t)f * 256 + c];
                queue[tail++] = *slot;
            } else {
                *slot = ac->delta[(size_t)f * 256 + c];
            }
        }
    }
    free(queue);
    free(fail);
    return IOTSSF_OK;
}

iotssf_status sig_automaton_build(iotssf_component_sigs *s, iotssf_error *err)
{
    sig_automaton *ac = &s->ac;
    size_t cap = 1;
    for (size_t a = 0; a < s->anchor_count; a++)
        cap += s->anchors[a].len;
    if (cap > MAX_STATES)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "the signatures' anchors hold more than %d bytes", MAX_STATES);
    ac->delta = calloc(cap * 256, sizeof *ac->delta);
    ac->out_anchor = malloc(cap * sizeof *ac->out_anchor);
    ac->next_out = malloc(cap * sizeof *ac->next_out);
    ac->has_out = calloc(cap, 1);
    if (!ac->delta || !ac->out_anchor || !ac->next_out || !ac->has_out) {
        sig_automaton_free(ac);
        return nomem(err);
    }
    for (size_t i = 0; i < cap; i++)
        ac->out_anchor[i] = ac->next_out[i] = -1;
    for (size_t a = 0; a < s->anchor_count; a++)
        for (size_t at = 0; at < 4 && s->anchors[a].len >= SIG_LONG_ANCHOR; at++) {
            unsigned h = sig_quad_hash((const uint8_t *)s->anchors[a].text + at);
            ac->root_quads[h / 64] |= (uint64_t)1 << (h % 64);
        }
    iotssf_status st = build_trie(s, ac, cap, err);
    if (!st)
        st = complete(ac, err);
    if (st)
        sig_automaton_free(ac);
    return st;
}
