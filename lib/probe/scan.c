/*
 * Which ports answer. TCP: a connect scan (no raw sockets, no privileges)
 * with a window of non-blocking connects in flight, polled together, so
 * 65535 ports take seconds: a refused connect on a LAN or loopback comes back
 * at once, an open one completes, and a silent one is given up after the
 * timeout. UDP: one protocol-specific request per port (SNMP, SSDP, CoAP,
 * BACnet; an empty datagram elsewhere), since an empty datagram is ignored
 * by most UDP services; several ports at once.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pool.h"
#include "scan.h"

typedef struct inflight {
    int fd;
    uint16_t port;
    uint64_t started;
} inflight;

unsigned scan_window(unsigned concurrent_targets)
{
    struct rlimit rl;
    rlim_t files = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        files = rl.rlim_cur;
    /* Leave room for the check connections and the process's own files. */
    long room = (long)files - 256;
    if (room < 64)
        room = 64;
    long w = room / (concurrent_targets ? concurrent_targets : 1);
    if (w > 4096)
        w = 4096;
    return (unsigned)(w < 16 ? 16 : w);
}

static void set_port(struct sockaddr_storage *sa, uint16_t port)
{
    if (sa->ss_family == AF_INET)
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/* A connect to a local port that the kernel happened to pick as our own
 * source port connects to itself (TCP simultaneous open): not a service. */
static bool self_connected(int fd, uint16_t port)
{
    struct sockaddr_storage local;
    socklen_t len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) != 0)
        return false;
    uint16_t lport = local.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&local)->sin_port)
                                                 : ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
    return lport == port;
}

/* 1 open, 0 closed or silent, -1 no socket could be made now (retry). */
static int start_connect(probe_target *t, uint16_t port, inflight *slot)
{
    struct sockaddr_storage sa = t->addr;
    set_port(&sa, port);
    int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, t->addr_len) == 0) {
        bool self = self_connected(fd, port);
        close(fd);
        return self ? 0 : 1;
    }
    if (errno == EINPROGRESS) {
        slot->fd = fd;
        slot->port = port;
        slot->started = probe_now_ms();
        return 2;
    }
    int e = errno;
    close(fd);
    return e == EAGAIN || e == EADDRNOTAVAIL || e == ENOBUFS ? -1 : 0;
}

static void add_open(uint16_t *open, size_t *count, uint16_t port)
{
    open[(*count)++] = port;
}

/* Handles the connects that finished or timed out; compacts the window. */
static size_t reap(probe_target *t, inflight *slots, struct pollfd *pfd, size_t active,
                   uint16_t *open, size_t *open_count, size_t *done)
{
    uint64_t now = probe_now_ms();
    size_t kept = 0;
    for (size_t i = 0; i < active; i++) {
        bool finished = pfd[i].revents != 0;
        bool expired = now - slots[i].started >= t->o->timeout_ms;
        if (finished) {
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (getsockopt(slots[i].fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0 &&
                (pfd[i].revents & POLLOUT) && !self_connected(slots[i].fd, slots[i].port))
                add_open(open, open_count, slots[i].port);
        }
        if (finished || expired) {
            close(slots[i].fd);
            (*done)++;
            continue;
        }
        slots[kept] = slots[i];
        pfd[kept] = pfd[i];
        kept++;
    }
    return kept;
}

static int compare_ports(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

size_t scan_tcp(probe_target *t, const uint16_t *ports, size_t n, unsigned window,
                uint16_t *open)
{
    inflight *slots = calloc(window, sizeof *slots);
    struct pollfd *pfd = calloc(window, sizeof *pfd);
    size_t next = 0, active = 0, open_count = 0, done = 0;
    if (!slots || !pfd) {
        free(slots);
        free(pfd);
        return 0;
    }
    while ((next < n || active > 0) && !target_stopping(t)) {
        bool starved = false;
        while (next < n && active < window) {
            int rc = start_connect(t, ports[next], &slots[active]);
            if (rc < 0) {
                starved = true;
                break;
            }
            if (rc == 2) {
                pfd[active] = (struct pollfd){.fd = slots[active].fd, .events = POLLOUT};
                active++;
            } else {
                if (rc == 1)
                    add_open(open, &open_count, ports[next]);
                done++;
            }
            next++;
        }
        if (active == 0) {
            if (starved)
                probe_sleep_ms(10);
            continue;
        }
        int rc = poll(pfd, active, 100);
        if (rc < 0 && errno != EINTR)
            break;
        for (size_t i = 0; rc == 0 && i < active; i++)
            pfd[i].revents = 0;
        active = reap(t, slots, pfd, active, open, &open_count, &done);
    }
    for (size_t i = 0; i < active; i++)
        close(slots[i].fd);
    free(slots);
    free(pfd);
    t->tcp_scanned = done;
    qsort(open, open_count, sizeof *open, compare_ports);
    return open_count;
}

/* ---- UDP ---- */

typedef struct udp_job {
    probe_target *t;
    const uint16_t *ports;
    size_t answered;
    pthread_mutex_t lock;
} udp_job;

static int probe_udp_port(probe_target *t, int port)
{
    const port_info *hint = port_table_find(&t->shared->ports, port, true);
    const char *service = hint ? hint->service : "";
    if (strcmp(service, "snmp") == 0)
        return snmp_udp(t, port);
    if (strcmp(service, "ssdp") == 0 || strcmp(service, "upnp") == 0)
        return ssdp_udp(t, port);
    if (strcmp(service, "coap") == 0)
        return coap_udp(t, port);
    if (strcmp(service, "bacnet") == 0)
        return bacnet_udp(t, port);
    return generic_udp(t, port);
}

static void udp_one(void *ctx, size_t i)
{
    udp_job *j = ctx;
    if (target_stopping(j->t))
        return;
    int rc = probe_udp_port(j->t, j->ports[i]);
    pthread_mutex_lock(&j->lock);
    j->answered += rc > 0;
    j->t->udp_scanned++;
    pthread_mutex_unlock(&j->lock);
}

size_t scan_udp(probe_target *t, const uint16_t *ports, size_t n)
{
    udp_job j = {.t = t, .ports = ports};
    pthread_mutex_init(&j.lock, NULL);
    pool_run(n, 32, udp_one, &j);
    pthread_mutex_destroy(&j.lock);
    return j.answered;
}
