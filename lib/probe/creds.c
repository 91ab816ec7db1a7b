/*
 * Default-credential guessing, the same for every protocol: the pairs of the
 * shipped lists (data/creds, format in its README; or one list given with
 * --creds), in list order (most common first), duplicates dropped; several
 * sessions at once so that slow failures (BusyBox waits 3 s after a wrong
 * password) do not serialise the run; every attempt waits for a slot of the
 * target's login rate, shared by all its services; an account is no longer
 * tried once it let us in. A login attempt is the only write the probe makes.
 * The same run is watched for login throttling (throttle.c): every verdict
 * and its answer time go to the watcher, judged when the run ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "probe_internal.h"
#include "throttle.h"

static iotssf_status read_list(cred_list *l, const char *path, iotssf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read the credential list");
    enum { MAX_LIST = 4 * 1024 * 1024 };
    char *buf = malloc(MAX_LIST);
    size_t n = buf ? fread(buf, 1, MAX_LIST, f) : 0;
    fclose(f);
    iotssf_status st;
    if (!buf)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    else if (n == MAX_LIST)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "credential list larger than 4 MiB");
    else
        st = cred_list_parse(l, path, buf, n, err);
    free(buf);
    return st;
}

static bool same_pair(const cred_pair *a, const cred_pair *b)
{
    return strcmp(a->user, b->user) == 0 && strcmp(a->password, b->password) == 0;
}

iotssf_status probe_creds_load(probe_shared *s, iotssf_error *err)
{
    cred_list_init(&s->creds);
    iotssf_status st = s->o.creds_path ? read_list(&s->creds, s->o.creds_path, err)
                                       : cred_list_load(&s->creds, s->o.data_dir, err);
    if (st)
        return st;
    s->pairs = malloc((s->creds.count + 1) * sizeof *s->pairs);
    if (!s->pairs)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    s->pair_count = 0;
    for (size_t i = 0; i < s->creds.count; i++) {
        const cred_pair *p = &s->creds.pairs[i];
        bool seen = false;
        for (size_t k = 0; k < s->pair_count && !seen; k++)
            seen = same_pair(s->pairs[k], p);
        if (!seen)
            s->pairs[s->pair_count++] = p;
    }
    return IOTSSF_OK;
}

/* ---- the guessing run ---- */

enum { MAX_SESSION_RETRIES = 8, MAX_BROKEN_IN_A_ROW = 24 };

typedef struct guess_job {
    probe_target *t;
    const guess_service *s;
    pthread_mutex_t lock;
    size_t next;
    const char **won; /* users that got in */
    size_t won_count;
    bool give_up;
    unsigned broken_in_a_row;
    size_t accepted;
    throttle_watch watch;
} guess_job;

static bool user_won(const guess_job *j, const char *user)
{
    for (size_t i = 0; i < j->won_count; i++)
        if (strcmp(j->won[i], user) == 0)
            return true;
    return false;
}

/* A password-only service: was this password in an earlier pair already? */
static bool password_seen(const probe_shared *sh, size_t index)
{
    for (size_t k = 0; k < index; k++)
        if (strcmp(sh->pairs[k]->password, sh->pairs[index]->password) == 0)
            return true;
    return false;
}

static const cred_pair *take_pair(guess_job *j)
{
    const cred_pair *p = NULL;
    pthread_mutex_lock(&j->lock);
    const probe_shared *sh = j->t->shared;
    while (!j->give_up && j->next < sh->pair_count) {
        size_t index = j->next++;
        const cred_pair *c = sh->pairs[index];
        /* A password-only service has one account: the first win ends it,
         * and a password is worth one try whatever user it came with. */
        if (j->s->password_only && (j->won_count || password_seen(sh, index)))
            continue;
        if (!user_won(j, j->s->password_only ? "" : c->user)) {
            p = c;
            break;
        }
    }
    pthread_mutex_unlock(&j->lock);
    return p;
}

static void record(guess_job *j, const cred_pair *p, guess_result r, unsigned latency_ms,
                   const transcript *log)
{
    probe_target *t = j->t;
    if (r == GUESS_SKIPPED)
        return;
    pthread_mutex_lock(&j->lock);
    bool report = false;
    if (r == GUESS_ACCEPTED && !user_won(j, j->s->password_only ? "" : p->user)) {
        j->won[j->won_count++] = j->s->password_only ? "" : p->user;
        j->accepted++;
        report = true;
    }
    if (r == GUESS_GIVE_UP)
        j->give_up = true;
    j->broken_in_a_row = r == GUESS_RETRY ? j->broken_in_a_row + 1 : 0;
    if (j->broken_in_a_row >= MAX_BROKEN_IN_A_ROW) {
        j->give_up = true; /* the service went away or stopped answering */
        throttle_gave_up(&j->watch);
    }
    throttle_observe(&j->watch, r, latency_ms, log);
    pthread_mutex_unlock(&j->lock);
    if (report)
        target_finding(t, "PROBE-DEFAULT-CREDENTIAL", j->s->port, false, log,
                       "%s on port %d lets in a published default login: user '%s', password "
                       "'%s' (%s:%u)",
                       j->s->service, j->s->port, j->s->password_only ? "(none asked)" : p->user,
                       p->password, p->list, p->line);
}

static void session_worker(void *ctx, size_t index)
{
    guess_job *j = ctx;
    probe_target *t = j->t;
    void *session = NULL;
    const cred_pair *p;
    (void)index;
    while (!target_stopping(t) && (p = take_pair(j)) != NULL) {
        guess_result r = GUESS_RETRY;
        transcript log;
        uint64_t asked = 0;
        for (int tries = 0; r == GUESS_RETRY && tries < MAX_SESSION_RETRIES; tries++) {
            /* A refused session is often the server's limit on unauthenticated
             * connections (dropbear: 5 per address): back off, then retry. */
            if (tries)
                probe_sleep_ms(50u << (tries < 5 ? tries : 5));
            if (!target_login_slot(t))
                goto out;
            transcript_init(&log);
            asked = probe_now_ms();
            r = j->s->attempt(t, j->s->ctx, &session, p->user, p->password, &log);
        }
        uint64_t took = probe_now_ms() - asked;
        record(j, p, r, took > 600000 ? 600000u : (unsigned)took, &log);
    }
out:
    if (session)
        j->s->end_session(j->s->ctx, session);
}

size_t guess_run(probe_target *t, const guess_service *s)
{
    size_t pairs = t->shared->pair_count;
    if (!pairs || target_stopping(t))
        return 0;
    guess_job j = {.t = t, .s = s};
    j.won = calloc(pairs, sizeof *j.won);
    if (!j.won)
        return 0;
    pthread_mutex_init(&j.lock, NULL);
    throttle_watch_init(&j.watch);
    target_progress(t, "trying %zu default logins on %s port %d", pairs, s->service, s->port);
    unsigned parallel = t->o->login_parallel;
    if (s->max_parallel && s->max_parallel < parallel)
        parallel = s->max_parallel;
    pool_run(pairs < parallel ? pairs : parallel, parallel, session_worker, &j);
    throttle_judge(t, &j.watch, s->service, s->port, parallel);
    pthread_mutex_destroy(&j.lock);
    free(j.won);
    return j.accepted;
}
