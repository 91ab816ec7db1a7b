/*
 * Running n independent jobs on at most m threads: the probe's one
 * concurrency primitive (targets, open ports, UDP ports and login sessions
 * all go through it). Each worker takes the next index under a lock, so the
 * jobs need no queue of their own; with one thread or one job it runs inline.
 */
#include <pthread.h>
#include <stdlib.h>

#include "pool.h"

typedef struct pool {
    pthread_mutex_t lock;
    size_t next, count;
    void (*job)(void *ctx, size_t index);
    void *ctx;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->count ? p->next++ : p->count;
        pthread_mutex_unlock(&p->lock);
        if (i == p->count)
            return NULL;
        p->job(p->ctx, i);
    }
}

void pool_run(size_t count, unsigned max_threads, void (*job)(void *ctx, size_t index), void *ctx)
{
    pool p = {.next = 0, .count = count, .job = job, .ctx = ctx};
    pthread_mutex_init(&p.lock, NULL);
    size_t n = (count < max_threads ? count : max_threads);
    n = n > 1 ? n - 1 : 0; /* the caller's thread is one of them */
    pthread_t *threads = n ? calloc(n, sizeof *threads) : NULL;
    size_t started = 0;
    if (threads) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        /* Jobs keep their buffers on the stack; 1 MiB leaves OpenSSL and
         * libssh room while hundreds of sessions stay cheap. */
        pthread_attr_setstacksize(&attr, 1024 * 1024);
        for (; started < n; started++)
            if (pthread_create(&threads[started], &attr, worker, &p) != 0)
                break;
        pthread_attr_destroy(&attr);
    }
    /* The caller's thread works too, so the jobs run even when no thread
     * could be created. */
    worker(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&p.lock);
}
