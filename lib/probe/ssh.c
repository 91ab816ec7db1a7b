/*
 * SSH: the identification string names the server and version; published
 * default passwords are tried with libssh (a real SSH client: key exchange,
 * then password authentication; the host key is not judged, we only log
 * in). libssh is used when the build defines IOTSSF_HAVE_LIBSSH; without it
 * the probe still names the service and says in its progress that logins
 * over SSH were not tried. A server that offers no password authentication
 * is not guessed at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

#ifdef IOTSSF_HAVE_LIBSSH
#include <libssh/libssh.h>
#endif

bool ssh_banner_parse(const char *line, size_t len, char *proto, size_t proto_size,
                      char *product, size_t psize, char *version, size_t vsize)
{
    proto[0] = product[0] = version[0] = '\0';
    if (len < 8 || memcmp(line, "SSH-", 4) != 0)
        return false;
    size_t end = 4;
    while (end < len && end < 255 && line[end] != '\r' && line[end] != '\n')
        end++;
    const char *p = line + 4;
    const char *dash = memchr(p, '-', end - 4);
    if (!dash)
        return false;
    snprintf(proto, proto_size, "%.*s", (int)(dash - p), p);
    const char *sw = dash + 1;
    size_t swlen = (size_t)(line + end - sw);
    const char *space = memchr(sw, ' ', swlen);
    if (space)
        swlen = (size_t)(space - sw);
    char software[256];
    snprintf(software, sizeof software, "%.*s", (int)swlen, sw);
    for (char *c = software; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '?';
    if (!product_version_split(software, product, psize, version, vsize))
        snprintf(product, psize, "%s", software);
    return true;
}

#ifdef IOTSSF_HAVE_LIBSSH

typedef struct ssh_guess {
    int port;
} ssh_guess;

static ssh_session ssh_open(probe_target *t, int port, const char *user)
{
    ssh_session s = ssh_new();
    if (!s)
        return NULL;
    int no = 0;
    long timeout_us = (long)t->o->timeout_ms * 1000 * 2;
    unsigned int uport = (unsigned int)port;
    ssh_options_set(s, SSH_OPTIONS_HOST, t->address);
    ssh_options_set(s, SSH_OPTIONS_PORT, &uport);
    ssh_options_set(s, SSH_OPTIONS_USER, user);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &timeout_us);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    if (ssh_connect(s) != SSH_OK) {
        ssh_free(s);
        return NULL;
    }
    return s;
}

/* A connection kept for the next attempt: servers refuse a second user
 * name on one connection (dropbear ends it), so it serves one user. */
typedef struct ssh_conn {
    ssh_session s;
    char user[128];
} ssh_conn;

static void ssh_conn_close(ssh_conn *c)
{
    if (!c)
        return;
    ssh_disconnect(c->s);
    ssh_free(c->s);
    free(c);
}

static guess_result ssh_attempt(probe_target *t, void *ctx, void **session, const char *user,
                                const char *password, transcript *log)
{
    ssh_guess *g = ctx;
    ssh_conn *c = *session;
    if (c && strcmp(c->user, user) != 0) {
        ssh_conn_close(c);
        c = *session = NULL;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || !(c->s = ssh_open(t, g->port, user))) {
            free(c);
            return GUESS_RETRY;
        }
        snprintf(c->user, sizeof c->user, "%s", user);
        *session = c;
    }
    int rc = ssh_userauth_password(c->s, NULL, password);
    const char *banner = ssh_get_serverbanner(c->s);
    transcript_note(log, "%s", banner ? banner : "ssh");
    transcript_note(log, "userauth password '%s' / '%s': %s", user, password,
                    rc == SSH_AUTH_SUCCESS   ? "success"
                    : rc == SSH_AUTH_DENIED  ? "denied"
                    : rc == SSH_AUTH_PARTIAL ? "partial (another factor needed)"
                                             : "error");
    /* Done with this connection after a success or an error (the server
     * may have ended it after its own limit of tries). */
    if (rc != SSH_AUTH_DENIED && rc != SSH_AUTH_PARTIAL) {
        ssh_conn_close(c);
        *session = NULL;
    }
    if (rc == SSH_AUTH_SUCCESS)
        return GUESS_ACCEPTED;
    return rc == SSH_AUTH_ERROR ? GUESS_RETRY : GUESS_REJECTED;
}

static void ssh_end(void *ctx, void *session)
{
    (void)ctx;
    ssh_conn_close(session);
}

/* Does the server take passwords at all? (Asked as user "root".) */
static bool offers_passwords(probe_target *t, int port)
{
    ssh_session s = ssh_open(t, port, "root");
    if (!s)
        return false;
    int rc = ssh_userauth_none(s, NULL);
    int methods = rc == SSH_AUTH_ERROR ? 0 : ssh_userauth_list(s, NULL);
    ssh_disconnect(s);
    ssh_free(s);
    return rc == SSH_AUTH_SUCCESS ||
           (methods & (SSH_AUTH_METHOD_PASSWORD)) != 0;
}

void ssh_check(probe_target *t, int port, const probe_ident *id)
{
    (void)id;
    if (t->o->no_logins || !offers_passwords(t, port))
        return;
    ssh_guess g = {.port = port};
    guess_service gs = {.service = "ssh",
                        .port = port,
                        .ctx = &g,
                        .attempt = ssh_attempt,
                        .end_session = ssh_end,
                        /* dropbear drops a 6th unauthenticated connection
                         * from one address; OpenSSH starts dropping at 10 */
                        .max_parallel = 5};
    guess_run(t, &gs);
}

#else

void ssh_check(probe_target *t, int port, const probe_ident *id)
{
    (void)id;
    if (!t->o->no_logins)
        target_progress(t, "ssh on port %d: default logins not tried (built without libssh)",
                        port);
}

#endif
