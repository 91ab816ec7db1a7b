/*
 * FTP: the greeting names the server; anonymous login (USER anonymous, any
 * password, answered 230) is a finding; published default logins are tried
 * on kept-open control connections (servers allow a few tries each). No
 * command beyond USER, PASS and QUIT is sent: nothing is listed, read or
 * written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_internal.h"
#include "protocols.h"

static bool three_digits(const char *s)
{
    return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           isdigit((unsigned char)s[2]);
}

int ftp_reply_parse(const char *buf, size_t len, int *code, size_t *consumed)
{
    if (len < 4)
        return len == 0 || isdigit((unsigned char)buf[0]) ? 0 : -1;
    if (!three_digits(buf) || (buf[3] != ' ' && buf[3] != '-' && buf[3] != '\r' && buf[3] != '\n'))
        return -1;
    int c = (buf[0] - '0') * 100 + (buf[1] - '0') * 10 + (buf[2] - '0');
    if (c < 100 || c > 599)
        return -1;
    /* The reply ends with the line "NNN " (or a single line "NNN-" never does). */
    size_t pos = 0;
    bool multi = buf[3] == '-';
    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl)
            return 0;
        size_t line_start = pos;
        pos = (size_t)(nl - buf) + 1;
        if (!multi)
            break;
        if (line_start > 0 && pos - line_start >= 4 && memcmp(buf + line_start, buf, 3) == 0 &&
            buf[line_start + 3] == ' ')
            break;
        if (pos >= len)
            return 0;
    }
    *code = c;
    *consumed = pos;
    return 1;
}

typedef struct ftp_read_ctx {
    int code;
    size_t used;
} ftp_read_ctx;

static bool reply_complete(const netbuf *b, void *ctx)
{
    ftp_read_ctx *r = ctx;
    return ftp_reply_parse(b->data, b->len, &r->code, &r->used) != 0;
}

/* The next reply's code, or -1 when the connection failed or spoke no FTP. */
static int ftp_reply(probe_conn *c, netbuf *b, unsigned wait_ms)
{
    ftp_read_ctx r = {0};
    if (ftp_reply_parse(b->data, b->len, &r.code, &r.used) != 1) {
        conn_read(c, b, wait_ms, 0, reply_complete, &r);
        if (ftp_reply_parse(b->data, b->len, &r.code, &r.used) != 1)
            return -1;
    }
    netbuf_consume(b, r.used);
    return r.code;
}

static int ftp_command(probe_conn *c, netbuf *b, const char *verb, const char *arg,
                       unsigned wait_ms)
{
    char line[600];
    /* A CR or LF in an argument would start a second command. */
    if (strpbrk(arg, "\r\n"))
        return -1;
    snprintf(line, sizeof line, "%s %s\r\n", verb, arg);
    if (!conn_send_text(c, line))
        return -1;
    return ftp_reply(c, b, wait_ms);
}

typedef struct ftp_session {
    probe_conn c;
    netbuf b;
} ftp_session;

static ftp_session *ftp_open(probe_target *t, int port, transcript *log)
{
    ftp_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!conn_open(&s->c, t, port, log)) {
        free(s);
        return NULL;
    }
    if (ftp_reply(&s->c, &s->b, t->o->timeout_ms * 2) != 220) {
        conn_close(&s->c);
        free(s);
        return NULL;
    }
    return s;
}

static void ftp_close(ftp_session *s)
{
    if (!s)
        return;
    s->c.log = NULL;
    conn_send_text(&s->c, "QUIT\r\n");
    conn_close(&s->c);
    free(s);
}

/* 230 after USER (no password needed) or after PASS: logged in. */
static guess_result ftp_login(probe_target *t, ftp_session *s, const char *user,
                              const char *password)
{
    /* Servers delay a failed login (vsftpd: 1 s): allow for it. */
    unsigned wait = t->o->timeout_ms * 3;
    int code = ftp_command(&s->c, &s->b, "USER", user, wait);
    if (code == 230)
        return GUESS_ACCEPTED;
    if (code == 331 || code == 332)
        code = ftp_command(&s->c, &s->b, "PASS", password, wait);
    if (code == 230)
        return GUESS_ACCEPTED;
    if (code == 530 || code == 430 || code == 331)
        return GUESS_REJECTED;
    return GUESS_RETRY; /* 421 closing, or the connection broke */
}

typedef struct ftp_guess {
    int port;
    bool anonymous_ok; /* then "anonymous" and "ftp" are that finding, not a default */
} ftp_guess;

static guess_result ftp_attempt(probe_target *t, void *ctx, void **session, const char *user,
                                const char *password, transcript *log)
{
    ftp_guess *g = ctx;
    ftp_session *s = *session;
    if (g->anonymous_ok && (strcasecmp(user, "anonymous") == 0 || strcasecmp(user, "ftp") == 0))
        return GUESS_SKIPPED;
    if (!s && !(s = ftp_open(t, g->port, log)))
        return GUESS_RETRY;
    s->c.log = log;
    guess_result r = ftp_login(t, s, user, password);
    s->c.log = NULL;
    if (r != GUESS_REJECTED) {
        ftp_close(s);
        s = NULL;
    }
    *session = s;
    return r;
}

static void ftp_end(void *ctx, void *session)
{
    (void)ctx;
    ftp_close(session);
}

void ftp_check(probe_target *t, int port, const probe_ident *id)
{
    (void)id;
    transcript log;
    transcript_init(&log);
    ftp_session *s = ftp_open(t, port, &log);
    if (!s)
        return;
    guess_result r = ftp_login(t, s, "anonymous", "iotssf-probe@example.invalid");
    ftp_close(s);
    if (r == GUESS_ACCEPTED)
        target_finding(t, "PROBE-FTP-ANONYMOUS", port, false, &log,
                       "FTP on port %d accepts anonymous logins", port);
    if (t->o->no_logins)
        return;
    ftp_guess g = {.port = port, .anonymous_ok = r == GUESS_ACCEPTED};
    guess_service gs = {.service = "ftp",
                        .port = port,
                        .ctx = &g,
                        .attempt = ftp_attempt,
                        .end_session = ftp_end};
    guess_run(t, &gs);
}
