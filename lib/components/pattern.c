/*
 * The small pattern language of component signatures (docs/components.md):
 * after a literal anchor, a pattern of literal text and a few classes reads
 * the version straight from the bytes at hand. It replaces a general regular
 * expression engine: each pattern runs only where the automaton found its
 * anchor, and the only backtracking is the bounded `{*}` skip.
 *
 *   {v}  the version: digits, then '.'-separated parts that start with a
 *        digit and go on with letters or digits ("1.1.1w", "9.2p1")
 *   {n}  one or more digits     {a}  one ASCII letter
 *   {s}  one or more spaces     {*}  up to 64 printable bytes, fewest first
 *   {e}  the end of a string: a NUL, space, tab, CR or LF byte (not consumed)
 *   {{   a literal '{'
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sigs.h"

/* Each {*} multiplies the work of a failed match by up to 65: two at most. */
enum { SKIP_MAX = 64, MAX_TOKENS = 16, MAX_SKIPS = 2 };

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(uint8_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t version_span(const uint8_t *p, size_t n, unsigned *parts)
{
    *parts = 0;
    size_t i = 0;
    while (i < n && is_digit(p[i])) {
        (*parts)++;
        while (i < n && is_alnum(p[i]))
            i++;
        if (i + 1 < n && p[i] == '.' && is_digit(p[i + 1]))
            i++;
        else
            break;
    }
    return i;
}

static bool add_token(arena *mem, pat_token *out, size_t *count, pat_op op, const char *text,
                      size_t len)
{
    if (*count >= MAX_TOKENS)
        return false;
    out[*count] = (pat_token){op, NULL, len};
    if (op == PAT_LITERAL && !(out[*count].text = arena_strndup(mem, text, len)))
        return false;
    (*count)++;
    return true;
}

bool pattern_compile(arena *mem, const char *text, pat_token **tokens, size_t *count, char *why,
                     size_t why_size)
{
    pat_token buf[MAX_TOKENS];
    size_t n = 0, versions = 0, skips = 0;
    char lit[256];
    size_t lit_len = 0;
    for (const char *p = text; *p;) {
        pat_op op = PAT_LITERAL;
        if (p[0] == '{' && p[1] == '{') {
            p += 2;
        } else if (p[0] == '{') {
            const char *close = strchr(p, '}');
            size_t len = close ? (size_t)(close - p - 1) : 0;
            if (!close || len != 1 || !strchr("vnas*e", p[1])) {
                snprintf(why, why_size, "unknown class at '%.16s' (expected {v}, {n}, {a}, {s}, "
                         "{*}, {e} or {{)", p);
                return false;
            }
            op = p[1] == 'v' ? PAT_VERSION : p[1] == 'n' ? PAT_DIGITS : p[1] == 'a' ? PAT_LETTER
                 : p[1] == 's' ? PAT_SPACES : p[1] == 'e' ? PAT_END : PAT_SKIP;
            versions += op == PAT_VERSION;
            skips += op == PAT_SKIP;
            p = close + 1;
        } else {
            p++;
        }
        if (op == PAT_LITERAL) {
            if (lit_len >= sizeof lit) {
                snprintf(why, why_size, "literal text longer than %zu bytes", sizeof lit);
                return false;
            }
            lit[lit_len++] = p[-1];
            continue;
        }
        if ((lit_len && !add_token(mem, buf, &n, PAT_LITERAL, lit, lit_len)) ||
            !add_token(mem, buf, &n, op, NULL, 0)) {
            snprintf(why, why_size, "more than %d parts", MAX_TOKENS);
            return false;
        }
        lit_len = 0;
    }
    if (lit_len && !add_token(mem, buf, &n, PAT_LITERAL, lit, lit_len)) {
        snprintf(why, why_size, "more than %d parts", MAX_TOKENS);
        return false;
    }
    if (skips > MAX_SKIPS) {
        snprintf(why, why_size, "at most %d {*} in a pattern", MAX_SKIPS);
        return false;
    }
    if (versions != 1) {
        snprintf(why, why_size, "a version pattern needs exactly one {v}, it has %zu", versions);
        return false;
    }
    if (!(*tokens = arena_alloc(mem, n * sizeof **tokens))) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    memcpy(*tokens, buf, n * sizeof *buf);
    *count = n;
    return true;
}

typedef struct match_state {
    const sig_rule *rule;
    const uint8_t *data;
    size_t end;
    size_t version_at, version_len;
    bool captured;
    bool ran_out; /* the bytes ended inside the pattern */
} match_state;

static bool match_from(match_state *m, size_t t, size_t pos)
{
    const sig_rule *r = m->rule;
    for (; t < r->token_count; t++) {
        const pat_token *k = &r->tokens[t];
        if (pos >= m->end) {
            m->ran_out = true;
            return m->captured;
        }
        size_t avail = m->end - pos;
        const uint8_t *p = m->data + pos;
        size_t used = 0;
        switch (k->op) {
        case PAT_LITERAL:
            used = k->len <= avail ? k->len : avail;
            if (memcmp(p, k->text, used) != 0)
                return false;
            if (used < k->len) {
                m->ran_out = true;
                return m->captured;
            }
            break;
        case PAT_VERSION: {
            unsigned parts;
            used = version_span(p, avail, &parts);
            if (used == 0)
                return false;
            m->version_at = pos;
            m->version_len = used;
            m->captured = true;
            if (used == avail)
                m->ran_out = true;
            break;
        }
        case PAT_DIGITS:
            while (used < avail && is_digit(p[used]))
                used++;
            if (!used)
                return false;
            break;
        case PAT_LETTER:
            if (!is_alnum(p[0]) || is_digit(p[0]))
                return false;
            used = 1;
            break;
        case PAT_END:
            if (p[0] != 0 && p[0] != ' ' && p[0] != '\t' && p[0] != '\r' && p[0] != '\n')
                return false;
            break;
        case PAT_SPACES:
            while (used < avail && p[used] == ' ')
                used++;
            if (!used)
                return false;
            break;
        case PAT_SKIP:
            for (size_t k2 = 0; k2 <= SKIP_MAX && k2 <= avail; k2++) {
                if (k2 > 0 && (p[k2 - 1] < 0x20 || p[k2 - 1] >= 0x7f))
                    return false;
                bool ran_out = m->ran_out;
                if (match_from(m, t + 1, pos + k2))
                    return true;
                m->ran_out = ran_out;
            }
            return false;
        }
        pos += used;
    }
    return m->captured;
}

bool pattern_match_after(const sig_rule *r, const uint8_t *data, size_t pos, size_t end,
                         char *out, size_t out_size, bool *partial)
{
    match_state m = {.rule = r, .data = data, .end = end};
    if (!match_from(&m, 0, pos) || !m.captured || m.version_len >= out_size)
        return false;
    memcpy(out, data + m.version_at, m.version_len);
    out[m.version_len] = '\0';
    *partial = m.ran_out;
    return true;
}

bool pattern_match_before(const sig_rule *r, const uint8_t *data, size_t anchor_pos, char *out,
                          size_t out_size)
{
    (void)r;
    size_t i = anchor_pos, nuls = 0;
    while (i > 0 && data[i - 1] == 0 && nuls < 8) {
        i--;
        nuls++;
    }
    if (nuls == 0)
        return false;
    size_t stop = i;
    while (i > 0 && stop - i < out_size - 1 && (is_alnum(data[i - 1]) || data[i - 1] == '.'))
        i--;
    if (i == stop || (i > 0 && data[i - 1] != 0))
        return false;
    unsigned parts;
    if (version_span(data + i, stop - i, &parts) != stop - i)
        return false;
    memcpy(out, data + i, stop - i);
    out[stop - i] = '\0';
    return true;
}

/* One path component against one glob component: the classic wildcard walk
 * that only ever backtracks to the last '*', so it costs at most
 * glob length * name length, whatever the name (names are hostile). */
static bool component_match(const char *g, size_t gn, const char *s, size_t sn)
{
    size_t gi = 0, si = 0, star = SIZE_MAX, mark = 0;
    while (si < sn) {
        if (gi < gn && (g[gi] == '?' || g[gi] == s[si])) {
            gi++;
            si++;
        } else if (gi < gn && g[gi] == '*') {
            star = gi++;
            mark = si;
        } else if (star != SIZE_MAX) {
            gi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (gi < gn && g[gi] == '*')
        gi++;
    return gi == gn;
}

/* '*' never crosses '/': the glob and the path match component by component. */
static bool glob_here(const char *g, const char *s)
{
    for (;;) {
        const char *ge = strchr(g, '/'), *se = strchr(s, '/');
        size_t gn = ge ? (size_t)(ge - g) : strlen(g), sn = se ? (size_t)(se - s) : strlen(s);
        if (!component_match(g, gn, s, sn))
            return false;
        if (!ge || !se)
            return !ge && !se;
        g = ge + 1;
        s = se + 1;
    }
}

bool sig_glob_match(const char *glob, const char *path)
{
    if (strncmp(glob, "**/", 3) == 0) {
        for (const char *p = path; p; p = strchr(p, '/'), p = p ? p + 1 : NULL)
            if (glob_here(glob + 3, p))
                return true;
        return false;
    }
    if (!strchr(glob, '/')) {
        const char *base = strrchr(path, '/');
        return glob_here(glob, base ? base + 1 : path);
    }
    return glob_here(glob, path);
}
