/*
 * Telnet: reachable at all (a finding by itself), a shell handed out without
 * a login (a backdoor), and published default logins. Prompts vary (BusyBox
 * "host login:", "Username:", "User Name :", password-only consoles, CLIs
 * ending in '>'), so no decision rests on a prompt character: a shell is
 * proven by sending `echo iotssf$((6*7))` and reading back "iotssf42", which
 * only something that evaluates shell arithmetic writes (our own line, echoed
 * back, reads "iotssf$((6*7))").
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "probe_internal.h"
#include "protocols.h"

enum { IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240 };
enum { OPT_ECHO = 1, OPT_SGA = 3 };
enum { ST_DATA, ST_IAC, ST_OPTION, ST_SUB, ST_SUB_IAC };

static void put_reply(unsigned char *reply, size_t cap, size_t *len, unsigned char verb,
                      unsigned char opt)
{
    if (*len + 3 <= cap) {
        reply[(*len)++] = IAC;
        reply[(*len)++] = verb;
        reply[(*len)++] = opt;
    }
}

void telnet_filter(telnet_state *s, const unsigned char *in, size_t len, char *data,
                   size_t data_cap, size_t *data_len, unsigned char *reply, size_t reply_cap,
                   size_t *reply_len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        switch (s->state) {
        case ST_DATA:
            if (c == IAC)
                s->state = ST_IAC;
            else if (c != 0 && *data_len < data_cap)
                data[(*data_len)++] = (char)c;
            break;
        case ST_IAC:
            if (c == IAC) {
                if (*data_len < data_cap)
                    data[(*data_len)++] = (char)c;
                s->state = ST_DATA;
            } else if (c >= WILL && c <= DONT) {
                s->verb = c;
                s->state = ST_OPTION;
            } else {
                s->state = c == SB ? ST_SUB : ST_DATA;
            }
            break;
        case ST_OPTION:
            /* Let the server echo and suppress go-ahead; refuse the rest. */
            if (s->verb == WILL)
                put_reply(reply, reply_cap, reply_len, c == OPT_ECHO || c == OPT_SGA ? DO : DONT,
                          c);
            else if (s->verb == DO)
                put_reply(reply, reply_cap, reply_len, WONT, c);
            s->state = ST_DATA;
            break;
        case ST_SUB:
            if (c == IAC)
                s->state = ST_SUB_IAC;
            break;
        default: /* ST_SUB_IAC */
            s->state = c == SE ? ST_DATA : ST_SUB;
            break;
        }
    }
}

static bool contains_ci(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

telnet_prompt telnet_classify(const char *text, size_t len)
{
    static const char *const rejections[] = {"incorrect", "denied", "failed", "invalid",
                                             "bad password", "wrong", "not allowed", NULL};
    for (int i = 0; rejections[i]; i++)
        if (contains_ci(text, len, rejections[i]))
            return TELNET_REJECTED;
    size_t end = len;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r' ||
                       text[end - 1] == '\n'))
        end--;
    if (end == 0)
        return TELNET_NOTHING;
    size_t start = end;
    while (start > 0 && text[start - 1] != '\n' && text[start - 1] != '\r')
        start--;
    const char *line = text + start;
    size_t n = end - start;
    char last = text[end - 1];
    if (contains_ci(line, n, "password") || contains_ci(line, n, "passcode") ||
        contains_ci(line, n, "passwd"))
        return TELNET_PASSWORD;
    if ((last == ':' || last == '>') &&
        (contains_ci(line, n, "login") || contains_ci(line, n, "user") ||
         contains_ci(line, n, "account")))
        return TELNET_USER;
    if (last == '#' || last == '$' || last == '>' || last == '%')
        return TELNET_SHELL;
    return TELNET_NOTHING;
}

bool telnet_shell_answered(const char *text, size_t len)
{
    size_t n = strlen(TELNET_SHELL_ANSWER);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(text + i, TELNET_SHELL_ANSWER, n) == 0)
            return true;
    return false;
}

/* ---- a session ---- */

typedef struct telnet_session {
    probe_conn c;
    telnet_state ts;
    netbuf raw;      /* this wait's bytes, as received */
    size_t raw_done; /* how much of raw went through the filter */
    netbuf text;     /* data since our last line */
    telnet_prompt at;
    bool closed;
} telnet_session;

typedef struct wait_for {
    telnet_session *s;
    unsigned want; /* bit per telnet_prompt */
    bool shell_answer;
} wait_for;

/* Moves new raw bytes through the option filter; answers options. */
static void absorb(telnet_session *s)
{
    char data[NETBUF_SIZE];
    unsigned char reply[512];
    size_t dlen = 0, rlen = 0;
    telnet_filter(&s->ts, (const unsigned char *)s->raw.data + s->raw_done,
                  s->raw.len - s->raw_done, data, sizeof data, &dlen, reply, sizeof reply, &rlen);
    s->raw_done = s->raw.len;
    size_t room = NETBUF_SIZE - s->text.len;
    if (dlen > room) /* keep the end: prompts are there */
        netbuf_consume(&s->text, dlen - room);
    memcpy(s->text.data + s->text.len, data, dlen);
    s->text.len += dlen;
    s->text.data[s->text.len] = '\0';
    if (rlen) {
        transcript *log = s->c.log;
        s->c.log = NULL; /* option haggling is not evidence */
        conn_send(&s->c, reply, rlen);
        s->c.log = log;
    }
}

static bool reached(const netbuf *raw, void *ctx)
{
    wait_for *w = ctx;
    (void)raw;
    absorb(w->s);
    if (w->shell_answer && telnet_shell_answered(w->s->text.data, w->s->text.len))
        return true;
    telnet_prompt p = telnet_classify(w->s->text.data, w->s->text.len);
    return (w->want >> p) & 1u;
}

/* Reads until one of `want` shows (or the shell answer), time runs out, or
 * the line goes quiet for idle_ms after some data. */
static telnet_prompt telnet_wait(telnet_session *s, unsigned want, bool shell_answer,
                                 unsigned total_ms, unsigned idle_ms)
{
    wait_for w = {.s = s, .want = want, .shell_answer = shell_answer};
    netbuf_clear(&s->raw);
    s->raw_done = 0;
    if (!conn_read(&s->c, &s->raw, total_ms, idle_ms, reached, &w))
        s->closed = true;
    absorb(s);
    s->at = telnet_classify(s->text.data, s->text.len);
    return s->at;
}

static bool send_line(telnet_session *s, const char *line)
{
    char buf[300];
    snprintf(buf, sizeof buf, "%s\r\n", line);
    netbuf_clear(&s->text);
    if (!conn_send_text(&s->c, buf)) {
        s->closed = true;
        return false;
    }
    return true;
}

#define WANT(p) (1u << (p))

static telnet_session *session_open(probe_target *t, int port, transcript *log)
{
    telnet_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!conn_open(&s->c, t, port, log)) {
        free(s);
        return NULL;
    }
    unsigned wait = t->o->timeout_ms * 2;
    telnet_wait(s, WANT(TELNET_USER) | WANT(TELNET_PASSWORD), false, wait, 800);
    return s;
}

static void session_close(telnet_session *s)
{
    if (!s)
        return;
    conn_close(&s->c);
    free(s);
}

/* Sends the shell-proof line and waits for the answer. */
static bool prove_shell(telnet_session *s, unsigned wait_ms)
{
    if (!send_line(s, TELNET_SHELL_PROBE))
        return false;
    telnet_wait(s, WANT(TELNET_USER) | WANT(TELNET_PASSWORD) | WANT(TELNET_REJECTED), true,
                wait_ms, 0);
    return telnet_shell_answered(s->text.data, s->text.len);
}

/* ---- guessing ---- */

typedef struct telnet_guess {
    int port;
} telnet_guess;

static bool only_whitespace(const netbuf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (!isspace((unsigned char)b->data[i]))
            return false;
    return true;
}

static guess_result judge_after_password(probe_target *t, telnet_session *s)
{
    /* A failed login answers late (BusyBox waits 3 s after its newline):
     * give it time, and do not take that first newline for an answer. */
    unsigned fail_wait = t->o->timeout_ms * 3 > 4000 ? t->o->timeout_ms * 3 : 4000;
    uint64_t end = probe_now_ms() + fail_wait;
    telnet_prompt p = TELNET_NOTHING;
    for (;;) {
        uint64_t now = probe_now_ms();
        if (now >= end || s->closed || target_stopping(t))
            break;
        p = telnet_wait(s,
                        WANT(TELNET_USER) | WANT(TELNET_PASSWORD) | WANT(TELNET_REJECTED) |
                            WANT(TELNET_SHELL),
                        false, (unsigned)(end - now), 700);
        if (p != TELNET_NOTHING || !only_whitespace(&s->text))
            break;
    }
    if (p == TELNET_REJECTED && !s->closed)
        /* BusyBox and most consoles ask again on the same connection right
         * after "Login incorrect": keep it for the next pair rather than
         * pay for a new connection (and a new login process) each time. */
        telnet_wait(s, WANT(TELNET_USER) | WANT(TELNET_PASSWORD), false, 600, 300);
    if (p == TELNET_REJECTED || p == TELNET_USER || p == TELNET_PASSWORD)
        return GUESS_REJECTED;
    if (s->closed && s->text.len == 0)
        return GUESS_RETRY;
    /* Something else: only the shell's answer proves a login. */
    if (prove_shell(s, t->o->timeout_ms * 2))
        return GUESS_ACCEPTED;
    s->closed = true; /* the session's state is unknown now */
    return GUESS_REJECTED;
}

static guess_result telnet_attempt(probe_target *t, void *ctx, void **session, const char *user,
                                   const char *password, transcript *log)
{
    telnet_guess *g = ctx;
    telnet_session *s = *session;
    if (!s) {
        s = session_open(t, g->port, log);
        if (!s)
            return GUESS_RETRY;
        *session = s;
        if (s->at != TELNET_USER && s->at != TELNET_PASSWORD) {
            session_close(s);
            *session = NULL;
            return GUESS_RETRY; /* no prompt in time: a busy device, try anew */
        }
    }
    s->c.log = log;
    guess_result r = GUESS_RETRY;
    if (s->at == TELNET_USER) {
        if (!send_line(s, user))
            goto done;
        telnet_prompt p = telnet_wait(s, WANT(TELNET_PASSWORD) | WANT(TELNET_SHELL) |
                                             WANT(TELNET_REJECTED) | WANT(TELNET_USER),
                                      false, t->o->timeout_ms * 2, 700);
        if (p == TELNET_SHELL || (p == TELNET_NOTHING && s->text.len > 0)) {
            r = prove_shell(s, t->o->timeout_ms * 2) ? GUESS_ACCEPTED : GUESS_REJECTED;
            s->closed = s->closed || r == GUESS_REJECTED;
            goto done;
        }
        if (p != TELNET_PASSWORD) {
            r = s->closed ? GUESS_RETRY : GUESS_REJECTED;
            goto done;
        }
    }
    if (s->at != TELNET_PASSWORD || !send_line(s, password))
        goto done;
    r = judge_after_password(t, s);
done:
    if (s->closed || (s->at != TELNET_USER && s->at != TELNET_PASSWORD) || r == GUESS_ACCEPTED) {
        session_close(s);
        *session = NULL;
    } else {
        s->c.log = NULL;
    }
    return r;
}

static void telnet_end(void *ctx, void *session)
{
    (void)ctx;
    session_close(session);
}

/* ---- the check ---- */

void telnet_check(probe_target *t, int port, const probe_ident *id)
{
    transcript log;
    transcript_init(&log);
    telnet_session *s = session_open(t, port, &log);
    if (!s)
        return;
    target_finding(t, "PROBE-TELNET-OPEN", port, false, &log,
                   "telnet answers on port %d: logins and sessions cross the network in clear "
                   "text",
                   port);
    (void)id;
    bool login = s->at == TELNET_USER || s->at == TELNET_PASSWORD;
    bool password_only = s->at == TELNET_PASSWORD; /* a console that asks no user name */
    if (!login && !s->closed) {
        transcript_init(&log);
        transcript_note(&log, "connected; no login prompt");
        if (prove_shell(s, t->o->timeout_ms * 2)) {
            target_finding(t, "PROBE-SHELL-WITHOUT-LOGIN", port, false, &log,
                           "telnet on port %d runs shell commands without any login", port);
            target_service(t, port, false, "telnet", NULL, NULL, "shell without login", false);
        }
    }
    session_close(s);
    if (!login || t->o->no_logins)
        return;
    telnet_guess g = {.port = port};
    guess_service gs = {.service = "telnet",
                        .port = port,
                        .ctx = &g,
                        .attempt = telnet_attempt,
                        .end_session = telnet_end,
                        .password_only = password_only};
    guess_run(t, &gs);
}
