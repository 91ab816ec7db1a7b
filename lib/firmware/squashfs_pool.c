/*
 * The worker threads that decode SquashFS data blocks for squashfs_queue.c.
 *
 * A pool belongs to one reader and lives while it unpacks. Work comes as job
 * sets (one per batch of files), decoded in the order they were submitted,
 * one block per claim: a block is 4 KiB to 1 MiB of output, so the lock is
 * taken rarely compared with the decoding. The thread that waits for a set
 * decodes its unclaimed blocks itself rather than sleep, so the calling
 * thread is one of the decoders: with N threads allowed, N - 1 are started.
 *
 * Workers run sqfs_decode_block() and nothing else: they read the image and
 * the superblock, write only into the job's buffer and result, and never
 * touch the sink, the metadata cache or any count the reader keeps.
 */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "squashfs_internal.h"

enum { MAX_THREADS = 8, MAX_THREADS_ASKED = 64 };

struct sqfs_pool {
    const sqfs_reader *reader;
    pthread_mutex_t lock;
    pthread_cond_t work;     /* a set was submitted, or the pool stops */
    pthread_cond_t finished; /* a set's last job is done */
    sqfs_job_set *first, *last; /* sets with unclaimed jobs, oldest first */
    bool stopping;
    unsigned started;
    pthread_t threads[MAX_THREADS_ASKED];
};

unsigned sqfs_thread_count(void)
{
    const char *asked = getenv("IOTSSF_THREADS");
    if (asked && *asked) {
        char *end;
        unsigned long n = strtoul(asked, &end, 10);
        if (!*end && n >= 1 && n <= MAX_THREADS_ASKED)
            return (unsigned)n;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > MAX_THREADS ? MAX_THREADS : (unsigned)cpus;
}

static void unlink_set(sqfs_pool *p, sqfs_job_set *set)
{
    sqfs_job_set **at = &p->first, *prev = NULL;
    while (*at && *at != set) {
        prev = *at;
        at = &(*at)->later;
    }
    if (!*at)
        return;
    *at = set->later;
    if (p->last == set)
        p->last = prev;
    set->later = NULL;
}

/* Claims the next job of `set`; the lock is held. */
static sqfs_block_job *claim_from(sqfs_pool *p, sqfs_job_set *set)
{
    sqfs_block_job *job = &set->jobs[set->next++];
    if (set->next == set->count)
        unlink_set(p, set);
    return job;
}

static void finish(sqfs_pool *p, sqfs_job_set *set)
{
    if (++set->done == set->count)
        pthread_cond_broadcast(&p->finished);
}

static void *worker(void *arg)
{
    sqfs_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        sqfs_job_set *set = p->first;
        if (!set) {
            pthread_cond_wait(&p->work, &p->lock);
            continue;
        }
        sqfs_block_job *job = claim_from(p, set);
        pthread_mutex_unlock(&p->lock);
        sqfs_decode_block(p->reader, job);
        pthread_mutex_lock(&p->lock);
        finish(p, set);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

sqfs_pool *sqfs_pool_start(const sqfs_reader *r, unsigned workers)
{
    if (workers == 0)
        return NULL;
    if (workers > MAX_THREADS_ASKED)
        workers = MAX_THREADS_ASKED;
    sqfs_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->reader = r;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->finished, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    /* Signals are the application's business: the workers take none. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (p->started < workers &&
           pthread_create(&p->threads[p->started], NULL, worker, p) == 0)
        p->started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p->started == 0) {
        sqfs_pool_stop(p);
        return NULL;
    }
    return p;
}

void sqfs_pool_submit(sqfs_pool *p, sqfs_job_set *set)
{
    set->next = set->done = 0;
    set->later = NULL;
    if (!p || set->count == 0)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->last)
        p->last->later = set;
    else
        p->first = set;
    p->last = set;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
}

void sqfs_pool_wait(sqfs_pool *p, const sqfs_reader *r, sqfs_job_set *set)
{
    if (!p) {
        for (; set->next < set->count; set->next++, set->done++)
            sqfs_decode_block(r, &set->jobs[set->next]);
        return;
    }
    pthread_mutex_lock(&p->lock);
    while (set->done < set->count) {
        if (set->next == set->count) {
            pthread_cond_wait(&p->finished, &p->lock);
            continue;
        }
        sqfs_block_job *job = claim_from(p, set);
        pthread_mutex_unlock(&p->lock);
        sqfs_decode_block(r, job);
        pthread_mutex_lock(&p->lock);
        finish(p, set);
    }
    pthread_mutex_unlock(&p->lock);
}

void sqfs_pool_withdraw(sqfs_pool *p, sqfs_job_set *set)
{
    if (!p) {
        set->done = set->next = set->count;
        return;
    }
    pthread_mutex_lock(&p->lock);
    if (set->next < set->count) {
        unlink_set(p, set);
        set->done += set->count - set->next;
        set->next = set->count;
    }
    while (set->done < set->count)
        pthread_cond_wait(&p->finished, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void sqfs_pool_stop(sqfs_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
