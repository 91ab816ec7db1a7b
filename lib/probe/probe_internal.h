/*
 * What the probe's files share: one target being probed (its findings,
 * services, time budget and login rate, guarded by one lock because checks
 * of one target run in parallel threads), connections with deadlines, the
 * transcript that becomes a finding's evidence, the port table of
 * data/probe/ports.yaml, and the driver's view of each protocol module.
 *
 * Protocol modules (telnet.c, ssh.c, ...) keep their wire parsing in pure
 * functions (declared in protocols.h) so that tests and fuzzers reach them
 * without a network, and do their I/O only through probe_conn.
 */
#ifndef IOTSSF_PROBE_INTERNAL_H
#define IOTSSF_PROBE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../core/arena.h"
#include "../firmware/passwd.h"
#include "iotssf/probe.h"

uint64_t probe_now_ms(void);
void probe_sleep_ms(unsigned ms);

/* ---- evidence: the exchange, abbreviated ---- */

enum { TRANSCRIPT_MAX = 900, TRANSCRIPT_CHUNK = 200 };

typedef struct transcript {
    char text[TRANSCRIPT_MAX + 4];
    size_t len;
} transcript;

void transcript_init(transcript *t);
/* "> bytes" or "< bytes", printable with C escapes, each chunk cut at
 * TRANSCRIPT_CHUNK characters. */
void transcript_data(transcript *t, char direction, const void *data, size_t len);
void transcript_note(transcript *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strlcpy: copies what fits, always terminated. */
void probe_copy(char *dst, size_t size, const char *src);

/* Printable, one line, at most size-1 characters: what a banner shows. */
void probe_printable(const void *data, size_t len, char *out, size_t size);

/* ---- the port table (data/probe/ports.yaml) ---- */

typedef struct port_info {
    int port;
    bool udp;
    bool iot;            /* in the default set */
    bool tls;            /* TLS is expected on it */
    const char *service; /* what usually answers there */
    const char *rule;    /* raised when the port is open; NULL: none */
    const char *why;     /* for the finding's message */
} port_info;

typedef struct port_table {
    arena mem;
    port_info *items;
    size_t count;
} port_table;

iotssf_status port_table_load(port_table *t, const char *data_dir, const iotssf_rule_set *rules,
                              iotssf_error *err);
void port_table_free(port_table *t);
const port_info *port_table_find(const port_table *t, int port, bool udp);

/* What to scan: "all", or a list "21,80-90,u:161,udp:1900" (NULL: the IoT set). */
typedef struct port_list {
    uint16_t *tcp;
    size_t tcp_count;
    uint16_t *udp;
    size_t udp_count;
} port_list;

iotssf_status port_list_parse(port_list *l, const char *spec, const port_table *t,
                              iotssf_error *err);
void port_list_free(port_list *l);

/* ---- RTSP stream paths (data/probe/rtsp-paths.txt; rtsp.c) ---- */

enum { RTSP_PATHS_MAX = 64, RTSP_PATH_MAX = 200 };

typedef struct rtsp_paths {
    char items[RTSP_PATHS_MAX][RTSP_PATH_MAX];
    size_t count;
} rtsp_paths;

/* One path per line, '/' first, printable without spaces; '#' comments and
 * blank lines. `name` is used in errors (with the line). */
iotssf_status rtsp_paths_parse(rtsp_paths *p, const char *name, const char *text, size_t len,
                               iotssf_error *err);
iotssf_status rtsp_paths_load(rtsp_paths *p, const char *data_dir, iotssf_error *err);

/* ---- one target ---- */

typedef struct probe_shared {
    iotssf_probe_options o; /* defaults applied */
    port_table ports;
    port_list list;
    cred_list creds;
    /* The pairs in the order they are tried, duplicates removed. */
    const cred_pair **pairs;
    size_t pair_count;
    rtsp_paths rtsp;
} probe_shared;

typedef struct probe_target {
    const probe_shared *shared;
    const iotssf_probe_options *o;
    const char *name, *address;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    uint64_t started_ms, deadline_ms;
    pthread_mutex_t lock; /* everything below */
    iotssf_findings findings;
    iotssf_probe_service *services;
    size_t service_count, service_cap;
    iotssf_status status; /* the first failure of our own (memory) */
    iotssf_error err;
    uint64_t next_login_us; /* monotonic microseconds of the next login slot */
    size_t login_attempts;
    size_t tcp_scanned, udp_scanned;
} probe_target;

/* The stop flag is raised or the target's budget is spent. */
bool target_stopping(const probe_target *t);
/* `want` milliseconds, or less when the budget ends sooner. */
unsigned target_wait_ms(const probe_target *t, unsigned want);

/* Records a finding of `rule_id` at port/transport with the transcript as
 * evidence (may be NULL). */
void target_finding(probe_target *t, const char *rule_id, int port, bool udp,
                    const transcript *evidence, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Adds or refines the service seen on a port; NULL strings keep what is known. */
void target_service(probe_target *t, int port, bool udp, const char *name, const char *product,
                    const char *version, const char *banner, bool tls);
/* The name of the service known on a port ("" when none yet); copied to buf. */
const char *target_service_name(probe_target *t, int port, bool udp, char *buf, size_t size);

void target_progress(probe_target *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Waits for the target's next login slot (the rate of the options); false
 * when the probe must stop instead. */
bool target_login_slot(probe_target *t);

/* ---- connections ---- */

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

typedef struct probe_conn {
    probe_target *t;
    int fd;
    int port;
    SSL_CTX *ssl_ctx;
    SSL *ssl;
    transcript *log; /* NULL: not recorded */
} probe_conn;

enum { NETBUF_SIZE = 16384 };

/* Received bytes, always NUL-terminated so text protocols can search it. */
typedef struct netbuf {
    char data[NETBUF_SIZE + 1];
    size_t len;
} netbuf;

void netbuf_clear(netbuf *b);
/* Drops the first n bytes. */
void netbuf_consume(netbuf *b, size_t n);

/* Connects within the timeout; false when refused, silent or stopping. */
bool conn_open(probe_conn *c, probe_target *t, int port, transcript *log);
/* TLS client handshake on an open connection, accepting any certificate
 * (tls.c judges it), limited to [min_version, max_version] (0: any). */
bool conn_start_tls(probe_conn *c, int min_version, int max_version);
bool conn_send(probe_conn *c, const void *data, size_t len);
bool conn_send_text(probe_conn *c, const char *text);

typedef bool (*recv_done_fn)(const netbuf *b, void *ctx);

/* Appends to `b` what arrives until `done` (may be NULL) says enough, the
 * peer closes, `b` is full, `total_ms` pass, or (when idle_ms > 0) no byte
 * came for idle_ms after the first one. Returns false when the peer closed
 * or failed and nothing new arrived. */
bool conn_read(probe_conn *c, netbuf *b, unsigned total_ms, unsigned idle_ms, recv_done_fn done,
               void *done_ctx);
void conn_close(probe_conn *c);

/* A UDP socket connected to the target's port, or -1. */
int udp_socket(probe_target *t, int port);
/* One datagram within wait_ms: its length, 0 for none, -1 when the port is
 * closed (ICMP unreachable). */
long udp_recv(probe_target *t, int fd, unsigned char *buf, size_t cap, unsigned wait_ms);

/* One UDP request and its first reply. Returns 1 with a reply, 0 for none
 * within the timeout, -1 when the port is closed (ICMP unreachable). */
int udp_exchange(probe_target *t, int port, const void *req, size_t req_len, unsigned char *reply,
                 size_t cap, size_t *got, transcript *log);

/* ---- the protocol modules, as the driver runs them ---- */

/* What identification learnt about an open TCP port. */
typedef struct probe_ident {
    char name[24];
    char product[64];
    char version[48];
    char banner[240];
    bool tls;
} probe_ident;

/* Names the service on an open TCP port (ident.c). */
void ident_tcp(probe_target *t, const port_info *hint, int port, probe_ident *out);

/* Checks of one identified TCP service; each records its own findings. */
void telnet_check(probe_target *t, int port, const probe_ident *id);
void ssh_check(probe_target *t, int port, const probe_ident *id);
void ftp_check(probe_target *t, int port, const probe_ident *id);
void http_check(probe_target *t, int port, const probe_ident *id);
void rtsp_check(probe_target *t, int port, const probe_ident *id);
void mqtt_check(probe_target *t, int port, const probe_ident *id);
void modbus_check(probe_target *t, int port, const probe_ident *id);
void tls_check(probe_target *t, int port, const probe_ident *id);

/* UDP services: probe, identify and check in one go (1: answered). */
int snmp_udp(probe_target *t, int port);
int ssdp_udp(probe_target *t, int port);
int coap_udp(probe_target *t, int port);
int bacnet_udp(probe_target *t, int port);
int generic_udp(probe_target *t, int port);

/* ---- credential guessing (creds.c) ---- */

typedef enum guess_result {
    GUESS_REJECTED,  /* wrong user or password */
    GUESS_ACCEPTED,  /* the service let us in, judged by its answer */
    GUESS_RETRY,     /* the session broke: try the pair again on a new one */
    GUESS_GIVE_UP,   /* the service refuses further tries */
    GUESS_SKIPPED,   /* the pair does not apply here; nothing was sent */
} guess_result;

typedef struct guess_service {
    const char *service; /* "telnet" */
    int port;
    void *ctx;
    /* One login attempt. *session is the protocol's state kept by one worker
     * between attempts (a connection); the attempt sets it NULL after
     * closing it. `log` collects the exchange of this attempt. */
    guess_result (*attempt)(probe_target *t, void *ctx, void **session, const char *user,
                            const char *password, transcript *log);
    void (*end_session)(void *ctx, void *session);
    bool password_only;    /* the service asks no user name */
    unsigned max_parallel; /* sessions the server takes at once (0: login_parallel) */
} guess_service;

/* Tries the target's credential pairs against a service, with up to
 * login_parallel sessions, each attempt waiting for a login slot; stops per
 * account on success and records PROBE-DEFAULT-CREDENTIAL. Returns how many
 * accounts were let in. */
size_t guess_run(probe_target *t, const guess_service *s);

/* Loads the pairs to try: creds_path alone, or every list of data/creds. */
iotssf_status probe_creds_load(probe_shared *s, iotssf_error *err);

#endif
