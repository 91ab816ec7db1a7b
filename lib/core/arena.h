/*
 * A bump allocator. A loaded profile, policy or catalog lives in one arena
 * and is freed in one call; that keeps loaders free of cleanup paths and makes
 * loading 100,000 profiles cheap (see bench/categorize.sh).
 */
#ifndef IOTSSF_CORE_ARENA_H
#define IOTSSF_CORE_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;
    size_t used_bytes;   /* what callers asked for, for limits and reports */
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
/* Forgets everything but keeps the first chunk, for reuse in a loop. */
void arena_reset(arena *a);

/* Zeroed memory, aligned for any type; NULL only when memory is exhausted. */
void *arena_alloc(arena *a, size_t size);
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
