/*
 * The device probe: what a running device shows on the network. Given
 * explicit targets (never discovered ones), it runs a concurrent
 * non-blocking connect scan of an IoT port set (or every TCP port), names
 * the services from their banners and minimal exchanges (telnet, ssh, ftp,
 * http, rtsp, mqtt, snmp, upnp/ssdp, coap, modbus, bacnet, tls), and checks
 * what makes them insecure: telnet at all, a shell without login, Mirai's
 * ports, published default credentials (at a bounded rate, stopping per
 * account on success) and whether wrong logins are throttled, anonymous FTP
 * and MQTT, SNMP "public", HTTP Basic over cleartext, RTSP streams open at
 * common camera paths, UPnP IGD control, old TLS and bad certificates. Every
 * result is a finding of data/rules/probe.yaml with the exchange as its
 * evidence.
 *
 * Safety is part of the contract: no target expansion beyond what the caller
 * named (a CIDR range larger than `max_range` hosts is refused unless
 * `allow_range`), no exploitation, no writes beyond a login attempt, a time
 * budget per target, and a caller-owned stop flag (set it from a SIGINT
 * handler) that ends the probe early with the partial results kept.
 */
#ifndef IOTSSF_PROBE_H
#define IOTSSF_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "iotssf/components.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"
#include "iotssf/report.h"
#include "iotssf/vulns.h"

#define IOTSSF_SCHEMA_PROBE "iotssf.probe/1"

typedef struct iotssf_probe_options {
    const char *data_dir;         /* data/probe/ports.yaml and data/creds */
    const iotssf_rule_set *rules; /* must hold data/rules/probe.yaml */
    const char *ports;            /* NULL: the IoT set; "all"; or "22,80,8000-8100,u:161" */
    const char *creds_path;       /* NULL: every list of data/creds; else this one file */
    double rate;                  /* login attempts per second per target; 0: 5 */
    unsigned timeout_ms;          /* one connect or one reply; 0: 1500 */
    unsigned budget_s;            /* per target, wall clock; 0: 300 */
    unsigned max_range;           /* hosts a range may expand to; 0: 4 */
    bool allow_range;             /* lift max_range (up to 65536 hosts) */
    bool scan_only;               /* ports only: no identification, no checks */
    bool no_logins;               /* identify and check, but try no credentials */
    /* Optional: match the versions services announce against known
     * vulnerabilities (PROBE-VULN-* findings, `components` and `vulns`). */
    const struct iotssf_vulndb *vulndb;
    unsigned login_parallel;      /* connections guessing at once per service; 0: 16 */
    /* Set to non-zero (from a signal handler) to stop early; may be NULL. */
    volatile sig_atomic_t *stop;
    /* Called from worker threads with a short line ("10.0.0.2: scanning");
     * may be NULL. */
    void (*progress)(void *ctx, const char *line);
    void *progress_ctx;
} iotssf_probe_options;

typedef struct iotssf_probe_service {
    int port;
    const char *transport; /* "tcp" or "udp" */
    char *name;            /* "telnet", "ssh", ... "unknown" */
    char *product;         /* NULL when the service does not say */
    char *version;
    char *banner; /* what identified it, printable and abbreviated */
    bool tls;
} iotssf_probe_service;

typedef struct iotssf_probe_host {
    char *target;  /* as given: "192.0.2.10", "cam.lan", "10.0.0.0/30" member */
    char *address; /* numeric */
    iotssf_probe_service *services;
    size_t service_count;
    size_t tcp_ports_scanned, udp_ports_scanned;
    size_t login_attempts;
    double seconds;
    bool complete; /* false: stopped or out of time; `note` says which */
    char *note;
} iotssf_probe_host;

typedef struct iotssf_probe_result {
    iotssf_probe_host *hosts;
    size_t host_count;
    iotssf_findings findings; /* sorted, worst first */
    iotssf_components components; /* what the banners announce (with a vulndb only) */
    iotssf_vulns vulns;           /* their known vulnerabilities */
    bool vulns_checked;           /* a vulnerability database was consulted */
    bool interrupted;         /* the stop flag was raised */
    double seconds;
} iotssf_probe_result;

/* The defaults above, filled in. */
iotssf_probe_options iotssf_probe_default_options(void);

/* A list of targets, each a host name, an IPv4 or IPv6 address, or a CIDR
 * range, expanded and checked against the range limit. */
typedef struct iotssf_probe_targets {
    char **names;   /* as the user wrote them (a range's members: the range) */
    char **addresses;
    size_t count, cap;
} iotssf_probe_targets;

void iotssf_probe_targets_init(iotssf_probe_targets *t);
void iotssf_probe_targets_free(iotssf_probe_targets *t);
/* Adds one target; resolves host names. Refuses multicast and broadcast
 * addresses, and ranges beyond the limit of `o`. */
iotssf_status iotssf_probe_targets_add(iotssf_probe_targets *t, const char *spec,
                                       const iotssf_probe_options *o, iotssf_error *err);
/* Adds every target of a file: one per line, '#' comments, blank lines. */
iotssf_status iotssf_probe_targets_load(iotssf_probe_targets *t, const char *path,
                                        const iotssf_probe_options *o, iotssf_error *err);

/* Probes every target, several at once. Returns IOTSSF_OK with *out set
 * also when stopped early or out of time (see `interrupted`, `complete`);
 * an error only for bad options or data (then *out is NULL). */
iotssf_status iotssf_probe_run(const iotssf_probe_targets *targets,
                               const iotssf_probe_options *o, iotssf_probe_result **out,
                               iotssf_error *err);
void iotssf_probe_result_free(iotssf_probe_result *r);

/* The software the probed services announced before login (SSH
 * identification, HTTP and SSDP Server headers, MQTT $SYS/broker/version),
 * as components of the shared vocabulary (docs/components.md) for the
 * vulnerability layer: evidence method "banner", origin NULL, path
 * "host:port" ("host:port/udp" for UDP), text the banner; confidence medium
 * (a banner is the service's own claim). Products outside the vocabulary
 * are left out. *out is initialised here; free it with
 * iotssf_components_free. */
iotssf_status iotssf_probe_components(const iotssf_probe_result *r, iotssf_components *out,
                                      iotssf_error *err);

/* Text (per host: services, then findings worst first), JSON
 * ("iotssf.probe/1") or SARIF. */
iotssf_status iotssf_probe_report(FILE *out, iotssf_format format,
                                  const iotssf_probe_result *r, iotssf_error *err);

#endif
