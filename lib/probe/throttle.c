/*
 * Whether a service throttles credential guessing (catalog SSF-AUTH-05, EN
 * 303 645 provision 5.1-5): watched during the default-credential run of
 * creds.c, never by sending logins of its own. The run's wrong logins are
 * timed (from the attempt's start to the service's verdict); the service
 * throttles when, after the first THROTTLE_AFTER of them, its answers come
 * markedly later (a growing delay) or stop coming (a lockout: refused or
 * dropped sessions until the run gives up, or an explicit refusal).
 *
 * A constant delay per attempt is not throttling here: BusyBox login's 3 s
 * after each wrong password binds one connection only, so an attacker with
 * 32 connections still tries ten passwords a second, nearly a million a
 * day, while the requirement asks that no more than a few hundred a day be
 * tried, across connections. The finding says how many wrong logins were
 * answered and how fast, so a reader can weigh it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"

void throttle_watch_init(throttle_watch *w)
{
    memset(w, 0, sizeof *w);
    w->started_ms = probe_now_ms();
}

void throttle_observe(throttle_watch *w, guess_result r, unsigned latency_ms,
                      const transcript *log)
{
    if (w->rejected >= THROTTLE_AFTER) {
        if (r == GUESS_GIVE_UP)
            w->locked_out = true;
        /* Sessions refused or dropped once the failures began to count: a
         * lockout even when it lets a session through now and then. */
        w->broken_after += r == GUESS_RETRY;
        w->rejected_after += r == GUESS_REJECTED;
    }
    if (r != GUESS_REJECTED)
        return;
    if (w->rejected < THROTTLE_AFTER)
        w->first[w->rejected] = latency_ms;
    w->last[w->rejected % (2 * THROTTLE_AFTER)] = latency_ms;
    w->rejected++;
    w->last_rejection = *log;
}

void throttle_gave_up(throttle_watch *w)
{
    /* The service stopped taking sessions after answering wrong logins. */
    if (w->rejected >= THROTTLE_AFTER)
        w->locked_out = true;
}

static int compare_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static unsigned median(const unsigned *values, size_t n)
{
    unsigned sorted[THROTTLE_AFTER];
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_unsigned);
    return sorted[n / 2];
}

bool throttle_growing(unsigned earlier_median_ms, unsigned later_median_ms)
{
    /* Twice as slow and at least a second more: load on a small device
     * wobbles answer times by less than that, and a real back-off
     * (doubling delays, a lockout timer) by far more. */
    return later_median_ms >= 2 * earlier_median_ms &&
           later_median_ms >= earlier_median_ms + 1000;
}

void throttle_medians(const throttle_watch *w, unsigned *first, unsigned *previous,
                      unsigned *last)
{
    enum { RING = 2 * THROTTLE_AFTER };
    unsigned window[THROTTLE_AFTER];
    *first = median(w->first, THROTTLE_AFTER);
    for (size_t i = 0; i < THROTTLE_AFTER; i++)
        window[i] = w->last[(w->rejected - 1 - i) % RING];
    *last = median(window, THROTTLE_AFTER);
    *previous = *first;
    if (w->rejected >= RING) {
        for (size_t i = 0; i < THROTTLE_AFTER; i++)
            window[i] = w->last[(w->rejected - 1 - THROTTLE_AFTER - i) % RING];
        *previous = median(window, THROTTLE_AFTER);
    }
}

void throttle_judge(probe_target *t, const throttle_watch *w, const char *service, int port,
                    unsigned parallel)
{
    if (w->rejected < THROTTLE_AFTER || target_stopping(t))
        return;
    unsigned first, previous, last;
    throttle_medians(w, &first, &previous, &last);
    if (w->locked_out || w->broken_after > w->rejected_after) {
        target_progress(t, "%s port %d locked the probe out after %zu wrong logins", service,
                        port, w->rejected);
        return;
    }
    /* Still growing at the end: a delay that rose once (lighttpd holds every
     * wrong answer up to 1 s, on a timer) and then stayed is not a back-off. */
    if (throttle_growing(first, last) && throttle_growing(previous, last)) {
        target_progress(t, "%s port %d slowed down after %zu wrong logins (%u ms, then %u ms)",
                        service, port, w->rejected, first, last);
        return;
    }
    uint64_t took = probe_now_ms() - w->started_ms;
    double per_s = took ? (double)w->rejected * 1000.0 / (double)took : (double)w->rejected;
    transcript log = w->last_rejection;
    transcript_note(&log,
                    "%zu wrong logins answered in %.1f s on up to %u connections at once; "
                    "median answer %u ms for the first %d, %u ms for the %d before the last, %u ms "
                    "for the last %d",
                    w->rejected, (double)took / 1000.0, parallel, first, THROTTLE_AFTER,
                    previous, THROTTLE_AFTER, last, THROTTLE_AFTER);
    target_finding(t, "PROBE-LOGIN-NO-THROTTLE", port, false, &log,
                   "%s on port %d answered %zu wrong logins without a growing delay or a "
                   "lockout (%.1f per second at the probe's own rate limit, so at least %.0f a "
                   "day; answer time %u ms at first, %u ms at the end)",
                   service, port, w->rejected, per_s, per_s * 86400.0, first, last);
}
