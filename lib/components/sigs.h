/*
 * Component signatures in memory: what data/components/<id>.yaml says (the
 * format is in docs/components.md), checked on load, plus the one
 * Aho-Corasick automaton over every content anchor of every signature, built
 * once per load so each file is scanned once whatever the number of
 * signatures.
 */
#ifndef IOTSSF_COMPONENTS_SIGS_H
#define IOTSSF_COMPONENTS_SIGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../core/arena.h"
#include "iotssf/components.h"

enum { MAX_ANCHORS = 4096, MIN_ANCHOR = 4, SIG_LONG_ANCHOR = 7, MAX_ANCHOR = 128 };

/* The 16-bit hash of four bytes the automaton's skip loop tests. */
static inline unsigned sig_quad_hash(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return (unsigned)((v * 2654435761u) >> 16);
}

/* Where a rule looks. */
typedef enum sig_source {
    SIG_SOURCE_CONTENT,       /* a file's bytes */
    SIG_SOURCE_FILE_NAME,     /* a file's base name ("libuClibc-1.0.31.so") */
    SIG_SOURCE_UIMAGE_HEADER, /* a legacy uImage header's name field */
} sig_source;

/* One compiled pattern token (see pattern.c). */
typedef enum pat_op {
    PAT_LITERAL, /* the bytes of `text` */
    PAT_VERSION, /* the captured version */
    PAT_DIGITS,  /* one or more digits */
    PAT_LETTER,  /* one ASCII letter */
    PAT_SPACES,  /* one or more spaces */
    PAT_SKIP,    /* up to 64 printable bytes, as few as possible */
    PAT_END,     /* a string ends here (NUL or white space; not consumed) */
} pat_op;

typedef struct pat_token {
    pat_op op;
    const char *text; /* PAT_LITERAL */
    size_t len;
} pat_token;

typedef struct sig_rule {
    size_t sig;            /* index of its signature */
    bool product;          /* a bare product string: no version */
    bool alone;            /* a product string alone makes a (low) component */
    bool before;           /* the version precedes the anchor (NUL-separated) */
    bool partial;          /* the string never carries the whole version */
    sig_source source;
    iotssf_confidence confidence;
    const char *method;    /* evidence method name */
    const char *anchor;
    size_t anchor_len;
    pat_token *tokens;     /* after the anchor; NULL for products and `before` */
    size_t token_count;
    const char *prefix;    /* the version must start with this; NULL: any */
    unsigned min_parts;    /* dotted parts the version needs (default 2) */
    const char **globs;    /* only in files whose path matches... */
    size_t glob_count;
    const char **containing; /* ...or that contain one of these strings */
    size_t containing_count;
    size_t *containing_anchor; /* their indices in `anchors` */
} sig_rule;

typedef struct comp_sig {
    const char *id, *name, *supplier, *license, *version_scheme;
    const char *cpe_vendor, *cpe_product;
    const char *purl;
    const char **debian, **openwrt, **alpine; /* package names */
    size_t debian_count, openwrt_count, alpine_count;
    const char **files; /* file-name globs */
    size_t file_count;
    bool files_alone;   /* a file name alone makes a (low) component */
} comp_sig;

/* The automaton: a full transition table, so scanning is one lookup per
 * byte; a state's outputs are the anchors ending there (through `next_out`
 * for anchors that are suffixes of others). While the automaton is at its
 * root (no partial match alive), the scan skips ahead testing only every
 * fourth position: an anchor of at least SIG_LONG_ANCHOR (7) bytes has one
 * of its first four bytes at a tested position, and `root_quads` holds one
 * bit per hash of each such anchor's four bytes at offsets 0 to 3. Few
 * quads of a binary hit, so most bytes cost a quarter of a test and no table
 * walk. Shorter anchors only serve rules limited to some files (`files`),
 * and files those rules apply to are walked byte by byte. */
typedef struct sig_automaton {
    uint64_t root_quads[65536 / 64];
    uint32_t *delta;     /* states * 256 */
    int32_t *out_anchor; /* anchor ending exactly here, or -1 */
    int32_t *next_out;   /* next state along the failure chain with an output, or -1 */
    uint8_t *has_out;    /* state or its failure chain has an output */
    size_t states;
} sig_automaton;

/* A distinct content anchor and the rules that use it (none for a string
 * that only serves a rule's `containing`). */
typedef struct sig_anchor {
    const char *text;
    size_t len;
    size_t *rules;
    size_t rule_count;
} sig_anchor;

struct iotssf_component_sigs {
    arena mem;
    comp_sig *sigs;
    size_t count;
    sig_rule *rules;
    size_t rule_count;
    sig_anchor *anchors; /* content anchors only */
    size_t *anchor_slots; /* the anchors' rule lists, one allocation */
    size_t *short_rules;  /* rules whose anchor is shorter than SIG_LONG_ANCHOR */
    size_t short_rule_count;
    size_t anchor_count;
    sig_automaton ac;
};

/* Builds the automaton over s->anchors. */
iotssf_status sig_automaton_build(iotssf_component_sigs *s, iotssf_error *err);
void sig_automaton_free(sig_automaton *ac);

/* Compiles `text` ("{v} ({*}") into tokens in `mem`; false with a reason in
 * `why` when the pattern is not valid. */
bool pattern_compile(arena *mem, const char *text, pat_token **tokens, size_t *count,
                     char *why, size_t why_size);

/* Reads a version at data[pos..end) following `r`'s tokens. On success the
 * version is in `out` (NUL-terminated), *partial says whether the bytes ran
 * out before the pattern was complete. False when the bytes do not match. */
bool pattern_match_after(const sig_rule *r, const uint8_t *data, size_t pos, size_t end,
                         char *out, size_t out_size, bool *partial);
/* A version ending just before the anchor at `anchor_pos`, separated from it
 * by 1..8 NUL bytes and preceded by a NUL itself. */
bool pattern_match_before(const sig_rule *r, const uint8_t *data, size_t anchor_pos, char *out,
                          size_t out_size);
/* The length of the version at p (digits, then dotted parts of a digit and
 * letters or digits); 0 when p does not start with a digit. Sets *parts. */
size_t version_span(const uint8_t *p, size_t n, unsigned *parts);

/* Whether `path` matches `glob`: '*' is any run without '/', '?' one
 * character; a glob without '/' is matched against the base name, one
 * starting "**" + "/" against any tail of the path. */
bool sig_glob_match(const char *glob, const char *path);

#endif
