/*
 * Reading shell scripts for the boot analysis: just enough of the shell to
 * find the simple commands a boot script runs. Lines are joined at trailing
 * backslashes, split into pipelines at ; & && || ( ) { } and backquotes, and
 * into commands at |; quotes are removed, redirections and here-documents
 * skipped, and $NAME, ${NAME} and ${NAME:-default} expanded from assignments
 * seen earlier in the same script (OpenWrt's PROG=/usr/sbin/dropbear). What
 * cannot be known without running the script ($1, $(...)) marks the command
 * as unresolved, so that a finding that rests on an option being absent is
 * not made from a command whose words are not all known.
 *
 * Nothing here runs or recurses without a bound: words, commands and
 * variables are capped, and scripts started by scripts stop at
 * BOOT_MAX_DEPTH.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "boot_internal.h"

enum { MAX_PIPELINE = 8, MAX_LOGICAL_LINE = 65536, MAX_DELIMITER = 64 };

typedef struct tokenizer {
    boot_scan *scan;
    const boot_site *site;
    boot_vars *vars;
    int depth;
    char word[BOOT_MAX_WORD];
    size_t word_len;
    bool in_word;
    boot_cmd cmds[MAX_PIPELINE];
    size_t cmd_count;
    char heredoc[MAX_DELIMITER]; /* a here-document starts after this line */
    unsigned parens;             /* ( and $( open on this line */
    boot_cmd *capture;           /* boot_first_command: keep, do not analyse */
    bool captured;
} tokenizer;

/* ---- variables ---- */

static bool is_name_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

static const char *var_lookup(const boot_vars *v, const char *name, size_t len)
{
    for (size_t i = v->count; i-- > 0;)
        if (strlen(v->names[i]) == len && memcmp(v->names[i], name, len) == 0)
            return v->values[i];
    return NULL;
}

static void var_set(boot_vars *v, const char *name, size_t len, const char *value)
{
    for (size_t i = 0; i < v->count; i++)
        if (strlen(v->names[i]) == len && memcmp(v->names[i], name, len) == 0) {
            char *copy = arena_strdup(v->mem, value);
            if (copy)
                v->values[i] = copy;
            return;
        }
    if (v->count >= sizeof v->names / sizeof v->names[0])
        return;
    char *n = arena_strndup(v->mem, name, len), *val = arena_strdup(v->mem, value);
    if (n && val) {
        v->names[v->count] = n;
        v->values[v->count++] = val;
    }
}

/* NAME=VALUE: the length of NAME, or 0. */
static size_t assignment_name(const char *word)
{
    size_t i = 0;
    if (!is_name_char(word[0], true))
        return 0;
    while (is_name_char(word[i], false))
        i++;
    return word[i] == '=' ? i : 0;
}

/* ---- words ---- */

static void append(tokenizer *t, const char *s, size_t len)
{
    t->in_word = true;
    if (len > sizeof t->word - 1 - t->word_len)
        len = sizeof t->word - 1 - t->word_len;
    memcpy(t->word + t->word_len, s, len);
    t->word_len += len;
}

static boot_cmd *current(tokenizer *t)
{
    return t->cmd_count < MAX_PIPELINE ? &t->cmds[t->cmd_count] : NULL;
}

static void end_word(tokenizer *t)
{
    boot_cmd *c = current(t);
    if (!t->in_word)
        return;
    t->in_word = false;
    if (c && c->argc < BOOT_MAX_ARGS) {
        char *w = arena_strndup(t->vars->mem, t->word, t->word_len);
        if (w)
            c->argv[c->argc++] = w;
    }
    t->word_len = 0;
}

static void unresolved(tokenizer *t)
{
    boot_cmd *c = current(t);
    t->in_word = true;
    if (c)
        c->unresolved = true;
}

/* An unquoted expansion is split into words at blanks, as the shell does:
 * ARGS="-p 2222"; dropbear $ARGS is dropbear -p 2222. */
static void append_value(tokenizer *t, const char *value, size_t len, bool quoted)
{
    boot_cmd *c = current(t);
    t->word[t->word_len] = '\0';
    /* NAME=$VALUE is not split. */
    if (quoted || (c && c->argc == 0 && assignment_name(t->word))) {
        append(t, value, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (value[i] == ' ' || value[i] == '\t' || value[i] == '\n')
            end_word(t);
        else
            append(t, value + i, 1);
    }
}

/* $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alternative};
 * returns the index after the expansion. */
static size_t expand(tokenizer *t, const char *s, size_t i, size_t len, bool quoted)
{
    size_t start = i + 1;
    if (start < len && s[start] == '{') {
        const char *close = memchr(s + start, '}', len - start);
        if (!close) {
            unresolved(t);
            return len;
        }
        size_t name = start + 1, n = name;
        while (n < (size_t)(close - s) && is_name_char(s[n], n == name))
            n++;
        const char *value = n > name ? var_lookup(t->vars, s + name, n - name) : NULL;
        const char *op = s + n;
        size_t rest = (size_t)(close - op);
        bool colon = rest > 0 && *op == ':';
        char kind = rest > (size_t)colon ? op[colon] : '\0';
        const char *word = op + colon + 1;
        size_t word_len = rest > (size_t)colon ? rest - colon - 1 : 0;
        bool set = value && (!colon || value[0]);
        if (n == name || (rest > 0 && (!kind || !strchr("-=+?", kind))))
            unresolved(t); /* ${#x}, ${x%y}, ${!x}, $1-style: not followed */
        else if (kind == '+')
            append_value(t, set ? word : "", set ? word_len : 0, quoted);
        else if (set)
            append_value(t, value, strlen(value), quoted);
        else if (kind == '-' || kind == '=')
            append_value(t, word, word_len, quoted);
        else
            unresolved(t);
        if (memchr(word, '$', word_len) && (kind == '-' || kind == '+'))
            unresolved(t);
        return (size_t)(close - s) + 1;
    }
    size_t n = start;
    while (n < len && is_name_char(s[n], n == start))
        n++;
    if (n > start) {
        const char *value = var_lookup(t->vars, s + start, n - start);
        if (value)
            append_value(t, value, strlen(value), quoted);
        else
            unresolved(t);
        return n;
    }
    if (start < len && strchr("0123456789@*#?$!-", s[start])) {
        unresolved(t);
        return start + 1;
    }
    append(t, "$", 1);
    return start;
}

static size_t double_quoted(tokenizer *t, const char *s, size_t i, size_t len)
{
    t->in_word = true;
    while (i < len && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < len && strchr("\"\\$`", s[i + 1])) {
            append(t, s + i + 1, 1);
            i += 2;
        } else if (s[i] == '$' && i + 1 < len && s[i + 1] != '(') {
            i = expand(t, s, i, len, true);
        } else if (s[i] == '$' || s[i] == '`') {
            unresolved(t); /* command substitution inside quotes */
            i++;
        } else {
            append(t, s + i, 1);
            i++;
        }
    }
    return i < len ? i + 1 : len;
}

/* ---- commands and pipelines ---- */

/* Leading NAME=VALUE words set variables (alone) or the command's
 * environment (before a program); export/local/readonly only assign. */
static bool take_assignments(tokenizer *t, boot_cmd *c)
{
    size_t skip = 0;
    static const char *const declarers[] = {"export", "local", "readonly", "declare", "typeset"};
    bool declare = false;
    for (size_t i = 0; c->argc > 0 && i < sizeof declarers / sizeof *declarers; i++)
        declare |= strcmp(c->argv[0], declarers[i]) == 0;
    if (declare) {
        for (size_t i = 1; i < c->argc && !c->unresolved; i++) {
            size_t n = assignment_name(c->argv[i]);
            if (n)
                var_set(t->vars, c->argv[i], n, c->argv[i] + n + 1);
        }
        return false;
    }
    while (skip < c->argc && assignment_name(c->argv[skip]))
        skip++;
    if (skip == c->argc) {
        /* A value that is not known is not stored: a later $NAME stays
         * unresolved instead of expanding to a guess. */
        for (size_t i = 0; i < skip && !c->unresolved; i++) {
            size_t n = assignment_name(c->argv[i]);
            var_set(t->vars, c->argv[i], n, c->argv[i] + n + 1);
        }
        return false;
    }
    memmove(c->argv, c->argv + skip, (c->argc - skip) * sizeof *c->argv);
    c->argc -= skip;
    return true;
}

static void end_command(tokenizer *t)
{
    end_word(t);
    boot_cmd *c = current(t);
    if (c && c->argc > 0)
        t->cmd_count++;
    else if (c)
        c->unresolved = false;
}

static void end_pipeline(tokenizer *t)
{
    end_command(t);
    size_t kept = 0;
    for (size_t i = 0; i < t->cmd_count; i++)
        if (take_assignments(t, &t->cmds[i]))
            t->cmds[kept++] = t->cmds[i];
    if (kept > 0 && t->capture) {
        if (!t->captured)
            *t->capture = t->cmds[0];
        t->captured = true;
    } else if (kept > 0 && t->scan->status == IOTSSF_OK) {
        boot_pipeline(t->scan, t->site, t->cmds, kept, t->depth);
    }
    memset(t->cmds, 0, sizeof t->cmds);
    t->cmd_count = 0;
}

static void discard_pipeline(tokenizer *t)
{
    t->in_word = false;
    t->word_len = 0;
    memset(t->cmds, 0, sizeof t->cmds);
    t->cmd_count = 0;
}

/* Skips the target of a redirection; a here-document's delimiter is kept so
 * the lines of the document are not read as commands. */
static size_t redirection(tokenizer *t, const char *s, size_t i, size_t len)
{
    bool heredoc = s[i] == '<' && i + 1 < len && s[i + 1] == '<' &&
                   !(i + 2 < len && s[i + 2] == '<');
    if (t->in_word && t->word_len > 0 && strspn(t->word, "0123456789") == t->word_len) {
        t->in_word = false;
        t->word_len = 0;
    }
    end_word(t);
    while (i < len && strchr("<>&|-", s[i]))
        i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t n = 0;
    while (i < len && !strchr(" \t;&|()<>", s[i])) {
        if (s[i] != '\'' && s[i] != '"' && n + 1 < sizeof t->heredoc && heredoc)
            t->heredoc[n++] = s[i];
        i++;
    }
    if (heredoc)
        t->heredoc[n] = '\0';
    return i;
}

static void tokenize(tokenizer *t, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (t->capture || t->scan->status == IOTSSF_OK)) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            end_word(t);
            i++;
        } else if (c == '#' && !t->in_word) {
            break;
        } else if (c == '\\') {
            if (i + 1 < len)
                append(t, s + i + 1, 1);
            i += 2;
        } else if (c == '\'') {
            const char *q = memchr(s + i + 1, '\'', len - i - 1);
            size_t stop = q ? (size_t)(q - s) : len;
            append(t, s + i + 1, stop - i - 1);
            i = stop + 1;
        } else if (c == '"') {
            i = double_quoted(t, s, i + 1, len);
        } else if (c == '$' && i + 1 < len && s[i + 1] == '(') {
            end_pipeline(t); /* $(...) and $((...)): the inner command counts */
            t->parens++;
            i += 2;
        } else if (c == '(' && i + 1 < len && s[i + 1] == ')') {
            discard_pipeline(t); /* name() { ...: a function's name, not a command */
            i += 2;
        } else if (c == '(') {
            end_pipeline(t);
            t->parens++;
            i++;
        } else if (c == ')' && t->parens == 0) {
            discard_pipeline(t); /* telnetd|utelnetd) : a case pattern */
            i++;
        } else if (c == ')') {
            end_pipeline(t);
            t->parens--;
            i++;
        } else if (c == '$') {
            i = expand(t, s, i, len, false);
        } else if (c == '|' && !(i + 1 < len && s[i + 1] == '|')) {
            end_command(t);
            i++;
        } else if (strchr(";&|{}`", c)) {
            end_pipeline(t);
            i += (i + 1 < len && s[i + 1] == c) ? 2 : 1;
        } else if (c == '<' || c == '>') {
            i = redirection(t, s, i, len);
        } else {
            append(t, s + i, 1);
            i++;
        }
    }
    end_pipeline(t);
}

void boot_shell_line(boot_scan *s, const boot_site *site, const char *text, size_t len,
                     int depth)
{
    arena mem;
    arena_init(&mem);
    boot_vars vars = {.mem = &mem};
    tokenizer *t = calloc(1, sizeof *t);
    if (!t) {
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        arena_free(&mem);
        return;
    }
    *t = (tokenizer){.scan = s, .site = site, .vars = &vars, .depth = depth};
    tokenize(t, text, len);
    free(t);
    arena_free(&mem);
}

bool boot_first_command(const char *text, size_t len, arena *mem, boot_cmd *out)
{
    boot_vars vars = {.mem = mem};
    tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return false;
    memset(out, 0, sizeof *out);
    *t = (tokenizer){.vars = &vars, .capture = out};
    tokenize(t, text, len);
    bool found = t->captured;
    free(t);
    return found;
}

/* ---- scripts ---- */

typedef struct line_reader {
    const char *p, *end;
    unsigned next_line;
} line_reader;

/* The next logical line (backslash-newline joined) into `buf`; *first is
 * the line number where it starts. */
static bool logical_line(line_reader *r, char *buf, size_t cap, size_t *len, unsigned *first)
{
    if (r->p >= r->end)
        return false;
    *first = r->next_line;
    *len = 0;
    bool more = true;
    while (more && r->p < r->end) {
        const char *start = r->p;
        const char *nl = memchr(start, '\n', (size_t)(r->end - start));
        size_t n = (size_t)((nl ? nl : r->end) - start);
        r->p = nl ? nl + 1 : r->end;
        r->next_line++;
        if (n > 0 && start[n - 1] == '\r')
            n--;
        more = nl && n > 0 && start[n - 1] == '\\';
        if (more)
            n--;
        if (n > cap - 2 - *len)
            n = cap - 2 - *len;
        memcpy(buf + *len, start, n);
        *len += n;
        if (more)
            buf[(*len)++] = ' ';
    }
    buf[*len] = '\0';
    return true;
}

static void skip_heredoc(line_reader *r, const char *delimiter)
{
    size_t want = strlen(delimiter);
    while (r->p < r->end) {
        const char *start = r->p;
        const char *nl = memchr(start, '\n', (size_t)(r->end - start));
        size_t n = (size_t)((nl ? nl : r->end) - start);
        r->p = nl ? nl + 1 : r->end;
        r->next_line++;
        while (n > 0 && *start == '\t')
            start++, n--;
        if (n > 0 && start[n - 1] == '\r')
            n--;
        if (n == want && memcmp(start, delimiter, n) == 0)
            return;
    }
}

void boot_shell_script(boot_scan *s, boot_file *f, const char *started_by, int depth)
{
    size_t head = f->size < 1024 ? f->size : 1024;
    if (depth > BOOT_MAX_DEPTH || f->visited || !f->data || memchr(f->data, 0, head))
        return;
    f->visited = true;
    arena mem;
    arena_init(&mem);
    boot_vars vars = {.mem = &mem};
    tokenizer *t = calloc(1, sizeof *t);
    char *buf = malloc(MAX_LOGICAL_LINE);
    if (!t || !buf) {
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    } else {
        *t = (tokenizer){.scan = s, .vars = &vars, .depth = depth};
        line_reader r = {f->data, f->data + f->size, 1};
        size_t len;
        unsigned line;
        while (s->status == IOTSSF_OK &&
               logical_line(&r, buf, MAX_LOGICAL_LINE, &len, &line)) {
            boot_site site = {f, line, started_by, buf};
            t->site = &site;
            t->heredoc[0] = '\0';
            t->parens = 0;
            tokenize(t, buf, len);
            if (t->heredoc[0])
                skip_heredoc(&r, t->heredoc);
        }
    }
    free(buf);
    free(t);
    arena_free(&mem);
}
