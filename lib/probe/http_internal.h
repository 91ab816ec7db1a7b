/*
 * What http.c (messages, checks) and http_auth.c (Basic and Digest, login
 * guessing) share.
 */
#ifndef IOTSSF_PROBE_HTTP_INTERNAL_H
#define IOTSSF_PROBE_HTTP_INTERNAL_H

#include "probe_internal.h"
#include "protocols.h"

/* One resource on one server: what a request is sent to. */
typedef struct http_target {
    int port;
    bool tls;
    const char *protocol; /* "HTTP" or "RTSP" */
    const char *method;   /* "GET", "DESCRIBE" */
    const char *path;     /* "/" */
    bool digest;          /* answer Digest challenges (else Basic) */
} http_target;

bool http_connect(probe_conn *c, probe_target *t, int port, bool tls, transcript *log);
/* One request (with an Authorization value, or NULL) on its own connection;
 * false when no response header came. */
bool http_exchange(probe_target *t, const http_target *h, const char *authorization,
                   http_response *r, transcript *log);
bool http_find_challenge(const http_response *r, const char *scheme, http_challenge *out);

/* A resource answered 401: Basic over cleartext is a finding; the default
 * logins are tried against it (Basic or Digest). */
void http_check_auth(probe_target *t, const http_target *h, const http_response *r,
                     transcript *log);

/* Tries the default logins against a resource that answered 401. */
void http_guess(probe_target *t, const http_target *h);

#endif
