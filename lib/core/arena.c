/*
 * Bump allocator used by every loader; see arena.h for why.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

enum { ARENA_MIN_CHUNK = 8 * 1024 };

void arena_init(arena *a)
{
    a->head = NULL;
    a->used_bytes = 0;
}

void arena_free(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    arena_init(a);
}

void arena_reset(arena *a)
{
    if (!a->head)
        return;
    arena_chunk *keep = a->head;
    while (keep->next) {
        arena_chunk *next = keep->next;
        free(keep);
        keep = next;
    }
    /* The last chunk in the list is the first one allocated. */
    keep->used = 0;
    keep->next = NULL;
    a->head = keep;
    a->used_bytes = 0;
}

void *arena_alloc(arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size_t rounded = (size + align - 1) & ~(align - 1);
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < rounded) {
        size_t chunk_size = rounded > ARENA_MIN_CHUNK ? rounded : ARENA_MIN_CHUNK;
        if (c && c->size * 2 > chunk_size && c->size < 16 * 1024 * 1024)
            chunk_size = c->size * 2 > rounded ? c->size * 2 : rounded;
        arena_chunk *fresh = malloc(sizeof *fresh + chunk_size);
        if (!fresh)
            return NULL;
        fresh->next = c;
        fresh->size = chunk_size;
        fresh->used = 0;
        a->head = fresh;
        c = fresh;
    }
    void *p = c->data + c->used;
    c->used += rounded;
    a->used_bytes += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
