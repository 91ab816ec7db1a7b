/*
 * The login-throttling check (throttle.c): a watcher fed by the
 * default-credential run of creds.c with every attempt's verdict and answer
 * time, judged when the run ends.
 */
#ifndef IOTSSF_PROBE_THROTTLE_H
#define IOTSSF_PROBE_THROTTLE_H

#include "probe_internal.h"

/* Wrong logins before the service must have slowed down or locked out
 * (SSF-AUTH-05: "after at most 10 consecutive failed attempts"). */
enum { THROTTLE_AFTER = 10 };

typedef struct throttle_watch {
    uint64_t started_ms;
    size_t rejected;
    unsigned first[THROTTLE_AFTER]; /* answer times of the first wrong logins, ms */
    unsigned last[2 * THROTTLE_AFTER]; /* of the latest ones, a ring */
    bool locked_out;
    size_t broken_after, rejected_after; /* verdicts after the first THROTTLE_AFTER wrong logins */
    transcript last_rejection;
} throttle_watch;

void throttle_watch_init(throttle_watch *w);
/* One attempt's verdict and how long the service took to give it. */
void throttle_observe(throttle_watch *w, guess_result r, unsigned latency_ms,
                      const transcript *log);
/* The run stopped because sessions kept breaking or were refused. */
void throttle_gave_up(throttle_watch *w);
/* Is the later median answer time a back-off from the earlier one? (Pure;
 * for tests.) */
bool throttle_growing(unsigned earlier_median_ms, unsigned later_median_ms);
/* The medians of the first, the next-to-last and the last THROTTLE_AFTER
 * wrong logins (the next-to-last window is the first while there are fewer
 * than twice as many). */
void throttle_medians(const throttle_watch *w, unsigned *first, unsigned *previous,
                      unsigned *last);
/* Records PROBE-LOGIN-NO-THROTTLE when the watched run saw enough wrong
 * logins and neither a growing delay nor a lockout. */
void throttle_judge(probe_target *t, const throttle_watch *w, const char *service, int port,
                    unsigned parallel);

#endif
