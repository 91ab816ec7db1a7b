/*
 * The probe against a real device: Debian daemons in a network namespace
 * that tests/probe/netns_device.sh creates (see its header for what each
 * daemon plants). The test enters that namespace with setns(2) before each
 * probe (every probe thread is created afterwards, so all of them live in
 * it) and returns to its own namespace afterwards; the only target is
 * 127.0.0.1, the namespace's own loopback. Without root or the daemons the
 * tests skip, saying why.
 *
 * Weak device: every planted weakness is found, and nothing else. Hardened
 * device (the same daemons, configured properly): nothing of high severity.
 * Also: the stop flag and the time budget end a probe early with partial
 * results, and a full 65535-port sweep finds exactly the listening ports.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotssf/iotssf.h"
#include "iotssf/probe.h"

typedef struct device {
    char ns[64];
    bool up;
} device;

static const char *skip_reason;
static char data_dir[4096];
static iotssf_catalog *catalog;
static iotssf_rule_set *rules;
static device weak;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int script(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/tests/probe/netns_device.sh %s >/dev/null", IOTSSF_SOURCE_DIR,
             args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

static bool device_start(device *d, const char *mode)
{
    snprintf(d->ns, sizeof d->ns, "iotssf-test-%d-%s", (int)getpid(), mode);
    char args[256];
    snprintf(args, sizeof args, "start %s %s", d->ns, mode);
    d->up = script(args) == 0;
    return d->up;
}

static void device_stop(device *d)
{
    char args[256];
    snprintf(args, sizeof args, "stop %s", d->ns);
    script(args);
    d->up = false;
}

/* Runs a probe of 127.0.0.1 inside the device's namespace. */
static iotssf_probe_result *probe_device(const device *d, iotssf_probe_options *o)
{
    char path[256];
    snprintf(path, sizeof path, "/run/netns/%s", d->ns);
    int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int dev = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(host >= 0 && dev >= 0);
    assert_int_equal(setns(dev, CLONE_NEWNET), 0);
    close(dev);
    iotssf_probe_targets targets;
    iotssf_probe_targets_init(&targets);
    iotssf_error err;
    iotssf_error_clear(&err);
    assert_int_equal(iotssf_probe_targets_add(&targets, "127.0.0.1", o, &err), IOTSSF_OK);
    iotssf_probe_result *r = NULL;
    iotssf_status st = iotssf_probe_run(&targets, o, &r, &err);
    int back = setns(host, CLONE_NEWNET);
    close(host);
    iotssf_probe_targets_free(&targets);
    assert_int_equal(back, 0);
    if (st)
        fail_msg("probe failed: %s", err.message);
    assert_non_null(r);
    return r;
}

static iotssf_probe_options fast_options(void)
{
    iotssf_probe_options o = iotssf_probe_default_options();
    o.data_dir = data_dir;
    o.rules = rules;
    /* Our own device: guess fast. */
    o.rate = 300;
    o.login_parallel = 32;
    o.timeout_ms = 1500;
    o.budget_s = 90;
    return o;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Exactly these "RULE port/transport" findings, as a multiset. */
static void assert_findings(const iotssf_probe_result *r, const char *const *expected, size_t n)
{
    char **got = calloc(r->findings.count + 1, sizeof *got);
    const char **want = calloc(n + 1, sizeof *want);
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *f = &r->findings.items[i];
        got[i] = malloc(128);
        snprintf(got[i], 128, "%s %d/%s", f->rule->id, f->port, f->transport);
    }
    memcpy(want, expected, n * sizeof *want);
    qsort(got, r->findings.count, sizeof *got, compare_strings);
    qsort(want, n, sizeof *want, compare_strings);
    bool same = r->findings.count == n;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(got[i], want[i]) == 0;
    if (!same) {
        for (size_t i = 0; i < r->findings.count; i++)
            print_message("found:    %s\n", got[i]);
        for (size_t i = 0; i < n; i++)
            print_message("expected: %s\n", want[i]);
    }
    for (size_t i = 0; i < r->findings.count; i++)
        free(got[i]);
    free(got);
    free(want);
    assert_true(same);
}

static const iotssf_probe_service *service_at(const iotssf_probe_host *h, int port,
                                              const char *transport)
{
    for (size_t i = 0; i < h->service_count; i++)
        if (h->services[i].port == port && strcmp(h->services[i].transport, transport) == 0)
            return &h->services[i];
    fail_msg("no service on %d/%s", port, transport);
    return NULL;
}

static const iotssf_finding *finding_of(const iotssf_probe_result *r, const char *rule, int port)
{
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule->id, rule) == 0 && r->findings.items[i].port == port)
            return &r->findings.items[i];
    fail_msg("no %s on port %d", rule, port);
    return NULL;
}

static void assert_service(const iotssf_probe_host *h, int port, const char *transport,
                           const char *name, const char *product, const char *version)
{
    const iotssf_probe_service *s = service_at(h, port, transport);
    assert_string_equal(s->name, name);
    if (product)
        assert_string_equal(s->product ? s->product : "", product);
    if (version)
        assert_string_equal(s->version ? s->version : "", version);
}

/* The announced software as components, "id version port,port...". */
static void assert_components(const iotssf_probe_result *r, const char *const *expected,
                              size_t n)
{
    iotssf_components c;
    iotssf_error err;
    assert_int_equal(iotssf_probe_components(r, &c, &err), IOTSSF_OK);
    for (size_t i = 0; i < c.count; i++) {
        char line[256];
        size_t k = (size_t)snprintf(line, sizeof line, "%s %s ", c.items[i].id,
                                    c.items[i].version);
        for (size_t e = 0; e < c.items[i].evidence_count && k < sizeof line; e++) {
            assert_string_equal(c.items[i].evidence[e].method, "banner");
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s", e ? "," : "",
                                  c.items[i].evidence[e].path);
        }
        print_message("component: %s\n", line);
        assert_true(i < n);
        assert_string_equal(line, expected[i]);
    }
    assert_int_equal(c.count, n);
    iotssf_components_free(&c);
}

#define SKIP_UNLESS_DEVICE()                                                                      \
    do {                                                                                          \
        if (skip_reason) {                                                                        \
            print_message("skipped: %s\n", skip_reason);                                          \
            skip();                                                                               \
        }                                                                                         \
    } while (0)

static void test_weak_device(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    iotssf_probe_options o = fast_options();
    iotssf_probe_result *r = probe_device(&weak, &o);
    static const char *const expected[] = {
        "PROBE-TELNET-OPEN 23/tcp",          "PROBE-MIRAI-PORT-OPEN 23/tcp",
        "PROBE-DEFAULT-CREDENTIAL 23/tcp",   "PROBE-DEFAULT-CREDENTIAL 23/tcp",
        "PROBE-TELNET-OPEN 2323/tcp",        "PROBE-MIRAI-PORT-OPEN 2323/tcp",
        "PROBE-SHELL-WITHOUT-LOGIN 2323/tcp", "PROBE-VERSION-DISCLOSED 22/tcp",
#ifdef IOTSSF_HAVE_LIBSSH
        "PROBE-DEFAULT-CREDENTIAL 22/tcp",   "PROBE-DEFAULT-CREDENTIAL 22/tcp",
#endif
        "PROBE-FTP-ANONYMOUS 21/tcp",        "PROBE-VERSION-DISCLOSED 21/tcp",
        "PROBE-MQTT-ANONYMOUS 1883/tcp",     "PROBE-MQTT-SYS-READABLE 1883/tcp",
        "PROBE-SNMP-DEFAULT-COMMUNITY 161/udp", "PROBE-SNMP-DEFAULT-COMMUNITY 161/udp",
        "PROBE-BASIC-AUTH-CLEARTEXT 80/tcp", "PROBE-DEFAULT-CREDENTIAL 80/tcp",
        "PROBE-VERSION-DISCLOSED 80/tcp",    "PROBE-DEFAULT-CREDENTIAL 8443/tcp",
        "PROBE-VERSION-DISCLOSED 8443/tcp",  "PROBE-TLS-LEGACY-VERSION 8443/tcp",
        "PROBE-TLS-CERT-EXPIRED 8443/tcp",   "PROBE-TLS-CERT-SELF-SIGNED 8443/tcp",
        "PROBE-TLS-WEAK-KEY 8443/tcp",       "PROBE-COAP-NO-AUTH 5683/udp",
        "PROBE-SSDP-ANSWERS 1900/udp",       "PROBE-UPNP-IGD-CONTROL 5000/tcp",
        "PROBE-VERSION-DISCLOSED 5000/tcp",  "PROBE-RTSP-NO-AUTH 554/tcp",
        /* Wrong logins answered at a constant pace: BusyBox's fixed 3 s
         * per connection, dropbear's, vsftpd's and lighttpd's. */
        "PROBE-LOGIN-NO-THROTTLE 23/tcp",    "PROBE-LOGIN-NO-THROTTLE 21/tcp",
#ifdef IOTSSF_HAVE_LIBSSH
        "PROBE-LOGIN-NO-THROTTLE 22/tcp",
#endif
        "PROBE-LOGIN-NO-THROTTLE 80/tcp",    "PROBE-LOGIN-NO-THROTTLE 8443/tcp",
    };
    assert_findings(r, expected, sizeof expected / sizeof *expected);
    assert_int_equal(r->host_count, 1);
    const iotssf_probe_host *h = &r->hosts[0];
    assert_true(h->complete);
    assert_false(r->interrupted);
    assert_int_equal(h->tcp_ports_scanned, 25);
    assert_int_equal(h->udp_ports_scanned, 4);
    assert_service(h, 21, "tcp", "ftp", "vsFTPd", "3.0.3");
    assert_service(h, 22, "tcp", "ssh", "dropbear", "2022.83");
    assert_service(h, 23, "tcp", "telnet", NULL, NULL);
    assert_service(h, 2323, "tcp", "telnet", NULL, NULL);
    assert_service(h, 80, "tcp", "http", "lighttpd", "1.4.69");
    assert_service(h, 8443, "tcp", "http", "lighttpd", "1.4.69");
    assert_true(service_at(h, 8443, "tcp")->tls);
    assert_service(h, 1883, "tcp", "mqtt", "mosquitto", "2.0.11");
    assert_service(h, 161, "udp", "snmp", "iotssf test camera firmware 1.0", NULL);
    assert_service(h, 5683, "udp", "coap", NULL, NULL);
    assert_service(h, 1900, "udp", "ssdp", "MiniUPnPd", "2.3.1");
    assert_service(h, 5000, "tcp", "http", "MiniUPnPd", "2.3.1");
    assert_service(h, 554, "tcp", "rtsp", NULL, NULL);
    assert_int_equal(h->service_count, 12);
    /* Evidence: the exchange that proves each claim. */
    assert_non_null(strstr(finding_of(r, "PROBE-SHELL-WITHOUT-LOGIN", 2323)->evidence,
                           "iotssf42"));
    const iotssf_finding *ftp = finding_of(r, "PROBE-FTP-ANONYMOUS", 21);
    assert_non_null(strstr(ftp->evidence, "230 Login successful"));
    const iotssf_finding *basic = finding_of(r, "PROBE-BASIC-AUTH-CLEARTEXT", 80);
    assert_non_null(strstr(basic->evidence, "WWW-Authenticate: Basic"));
    const iotssf_finding *igd = finding_of(r, "PROBE-UPNP-IGD-CONTROL", 5000);
    assert_non_null(strstr(igd->evidence, "#GetExternalIPAddress"));
    assert_non_null(strstr(igd->evidence, "HTTP 200"));
    /* "/" answers 404; the stream is found at a path of the list. */
    const iotssf_finding *rtsp = finding_of(r, "PROBE-RTSP-NO-AUTH", 554);
    assert_non_null(strstr(rtsp->message, "/Streaming/Channels/101"));
    assert_non_null(strstr(rtsp->evidence, "Content-Type: application/sdp"));
    const iotssf_finding *snmp = finding_of(r, "PROBE-SNMP-DEFAULT-COMMUNITY", 161);
    assert_non_null(strstr(snmp->evidence, "iotssf test camera firmware 1.0"));
    bool root = false, support = false;
    for (size_t i = 0; i < r->findings.count; i++) {
        const iotssf_finding *f = &r->findings.items[i];
        if (strcmp(f->rule->id, "PROBE-DEFAULT-CREDENTIAL") != 0 || f->port != 23)
            continue;
        root |= strstr(f->message, "'root', password 'xc3511'") != NULL;
        support |= strstr(f->message, "'support', password 'support'") != NULL;
        assert_non_null(strstr(f->evidence, "iotssf42"));
    }
    assert_true(root && support);
    const iotssf_finding *pace = finding_of(r, "PROBE-LOGIN-NO-THROTTLE", 23);
    assert_non_null(strstr(pace->evidence, "wrong logins answered in"));
    assert_non_null(strstr(pace->message, "without a growing delay or a lockout"));
    /* Stop-on-success: root is not tried again after xc3511 let it in. */
    assert_true(h->login_attempts > 100);
    /* What the services announced, for the vulnerability layer (vsftpd is
     * outside the shared vocabulary). */
    static const char *const components[] = {
        "dropbear 2022.83 127.0.0.1:22",
        "lighttpd 1.4.69 127.0.0.1:80,127.0.0.1:8443",
        "miniupnpd 2.3.1 127.0.0.1:5000,127.0.0.1:1900/udp",
        "mosquitto 2.0.11 127.0.0.1:1883",
    };
    assert_components(r, components, sizeof components / sizeof *components);
    iotssf_probe_result_free(r);
}

/* What a SIGINT handler does, 1.5 s into the probe, from another thread. */
static void *raise_after_delay(void *arg)
{
    volatile sig_atomic_t *flag = arg;
    struct timespec delay = {1, 500000000};
    nanosleep(&delay, NULL);
    *flag = 1;
    return NULL;
}

static void test_stop_flag_keeps_partial_results(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    static volatile sig_atomic_t stop;
    stop = 0;
    iotssf_probe_options o = fast_options();
    o.rate = 2; /* slow guessing, so the stop lands in the middle of it */
    o.stop = &stop;
    pthread_t raiser;
    double started = now_s();
    assert_int_equal(pthread_create(&raiser, NULL, raise_after_delay, (void *)&stop), 0);
    iotssf_probe_result *r = probe_device(&weak, &o);
    pthread_join(raiser, NULL);
    double took = now_s() - started;
    print_message("stopped after %.2f s\n", took);
    assert_true(took < 4.0);
    assert_true(r->interrupted);
    assert_false(r->hosts[0].complete);
    assert_non_null(strstr(r->hosts[0].note, "stopped"));
    /* What was learnt before the stop is kept. */
    finding_of(r, "PROBE-TELNET-OPEN", 23);
    finding_of(r, "PROBE-MIRAI-PORT-OPEN", 2323);
    iotssf_probe_result_free(r);
}

static void test_budget_ends_the_probe(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    iotssf_probe_options o = fast_options();
    o.rate = 2;
    o.budget_s = 2;
    double started = now_s();
    iotssf_probe_result *r = probe_device(&weak, &o);
    double took = now_s() - started;
    assert_true(took < 6.0);
    assert_false(r->interrupted);
    assert_false(r->hosts[0].complete);
    assert_non_null(strstr(r->hosts[0].note, "budget"));
    finding_of(r, "PROBE-TELNET-OPEN", 23);
    iotssf_probe_result_free(r);
}

static void test_full_sweep(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    iotssf_probe_options o = fast_options();
    o.ports = "all";
    o.scan_only = true;
    double started = now_s();
    iotssf_probe_result *r = probe_device(&weak, &o);
    double took = now_s() - started;
    const iotssf_probe_host *h = &r->hosts[0];
    assert_int_equal(h->tcp_ports_scanned, 65535);
    /* coap-server also takes CoAP over TCP on 5683; the RTSP server takes
     * its sources on 5545. */
    static const int open[] = {21, 22, 23, 80, 554, 1883, 2323, 5000, 5545, 5683, 8443};
    assert_int_equal(h->service_count, sizeof open / sizeof *open);
    for (size_t i = 0; i < sizeof open / sizeof *open; i++)
        assert_int_equal(h->services[i].port, open[i]);
    print_message("65535-port sweep: %.2f s\n", took);
    assert_true(took < 30.0);
    iotssf_probe_result_free(r);
}

/* Several targets at once, each reported on its own. */
static void test_two_targets(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    char path[256];
    snprintf(path, sizeof path, "/run/netns/%s", weak.ns);
    int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int dev = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(host >= 0 && dev >= 0);
    assert_int_equal(setns(dev, CLONE_NEWNET), 0);
    close(dev);
    iotssf_probe_options o = fast_options();
    o.scan_only = true;
    iotssf_probe_targets targets;
    iotssf_probe_targets_init(&targets);
    iotssf_error err;
    iotssf_error_clear(&err);
    /* The daemons listen on 127.0.0.1 only, but for miniupnpd, which takes
     * all of lo; 127.0.0.2 is the same loopback. */
    assert_int_equal(iotssf_probe_targets_add(&targets, "127.0.0.2", &o, &err), IOTSSF_OK);
    assert_int_equal(iotssf_probe_targets_add(&targets, "127.0.0.1", &o, &err), IOTSSF_OK);
    iotssf_probe_result *r = NULL;
    iotssf_status st = iotssf_probe_run(&targets, &o, &r, &err);
    assert_int_equal(setns(host, CLONE_NEWNET), 0);
    close(host);
    iotssf_probe_targets_free(&targets);
    assert_int_equal(st, IOTSSF_OK);
    assert_int_equal(r->host_count, 2);
    assert_string_equal(r->hosts[0].address, "127.0.0.2");
    assert_int_equal(r->hosts[0].service_count, 1);
    assert_int_equal(r->hosts[0].services[0].port, 5000);
    assert_string_equal(r->hosts[1].address, "127.0.0.1");
    assert_int_equal(r->hosts[1].service_count, 9); /* the IoT set's open ports */
    for (size_t i = 0; i < r->findings.count; i++)
        assert_string_equal(r->findings.items[i].host, "127.0.0.1");
    iotssf_probe_result_free(r);
}

static device hardened;

static int hardened_up(void **state)
{
    (void)state;
    if (!skip_reason && !device_start(&hardened, "hardened"))
        skip_reason = "the hardened device did not start";
    return 0;
}

static int hardened_down(void **state)
{
    (void)state;
    if (hardened.up)
        device_stop(&hardened);
    return 0;
}

static void test_hardened_device(void **state)
{
    (void)state;
    SKIP_UNLESS_DEVICE();
    iotssf_probe_options o = fast_options();
    iotssf_probe_result *r = probe_device(&hardened, &o);
    for (size_t i = 0; i < r->findings.count; i++)
        if (r->findings.items[i].severity >= IOTSSF_SEV_HIGH)
            print_message("unexpected: %s %d\n", r->findings.items[i].rule->id,
                          r->findings.items[i].port);
    assert_int_equal(iotssf_findings_at_least(&r->findings, IOTSSF_SEV_HIGH), 0);
    const iotssf_probe_host *h = &r->hosts[0];
    assert_true(h->complete);
    /* The probe did reach every daemon and tried logins where offered. */
    assert_service(h, 21, "tcp", "ftp", NULL, NULL);
    assert_service(h, 22, "tcp", "ssh", "dropbear", "2022.83");
    assert_service(h, 443, "tcp", "http", NULL, NULL);
    assert_true(service_at(h, 443, "tcp")->tls);
    assert_service(h, 1883, "tcp", "mqtt", NULL, NULL);
    assert_true(h->login_attempts > 100);
    /* The firewall locks FTP guessing out; the broker and the web server
     * answer wrong passwords at full speed. */
    bool throttle[65536] = {false};
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule->id, "PROBE-LOGIN-NO-THROTTLE") == 0)
        {
            throttle[r->findings.items[i].port & 0xffff] = true;
            print_message("%s\n", r->findings.items[i].message);
        }
    assert_false(throttle[21]);
    assert_true(throttle[1883]);
    assert_true(throttle[443]);
    iotssf_probe_result_free(r);
}

static int group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    const char *env = getenv("IOTSSF_DATA");
    snprintf(data_dir, sizeof data_dir, "%s", env && *env ? env : IOTSSF_SOURCE_DIR "/data");
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_catalog_load(data_dir, &catalog, &err) ||
        iotssf_rules_load(data_dir, catalog, &rules, &err)) {
        fprintf(stderr, "cannot load the data: %s\n", err.message);
        return -1;
    }
    int rc = script("check");
    if (rc == 77)
        skip_reason = "no network namespaces or daemons here (root and the Debian packages "
                      "listed in tests/probe/netns_device.sh are needed)";
    else if (rc != 0)
        skip_reason = "netns_device.sh check failed";
    else if (!device_start(&weak, "weak"))
        return -1;
    if (skip_reason)
        fprintf(stderr, "test_probe: skipping: %s\n", skip_reason);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (weak.up)
        device_stop(&weak);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weak_device),
        cmocka_unit_test(test_stop_flag_keeps_partial_results),
        cmocka_unit_test(test_budget_ends_the_probe),
        cmocka_unit_test(test_full_sweep),
        cmocka_unit_test(test_two_targets),
        cmocka_unit_test_setup_teardown(test_hardened_device, hardened_up, hardened_down),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
