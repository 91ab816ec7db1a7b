/*
 * A bounded pool of threads over n indexed jobs (pool.c).
 */
#ifndef IOTSSF_PROBE_POOL_H
#define IOTSSF_PROBE_POOL_H

#include <stddef.h>

/* Calls job(ctx, i) for every i < count on at most max_threads threads
 * (the caller's included) and returns when all are done. */
void pool_run(size_t count, unsigned max_threads, void (*job)(void *ctx, size_t index), void *ctx);

#endif
