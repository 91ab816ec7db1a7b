/*
 * Banners to components (lib/probe/components.c), without a network: probe
 * results built from banners that real daemons send (the identification
 * strings and Server headers of dropbear, OpenSSH, lighttpd, MiniUPnPd,
 * mosquitto, Apache with OpenSSL), checked for the exact component ids,
 * versions, schemes and evidence the vulnerability layer will match on; and
 * hostile banners (cut short, no version, a product name inside a word, a
 * runaway version) that must give nothing rather than a guess. The same
 * mapping against the live daemons is in test_probe.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotssf/catalog.h"
#include "iotssf/probe.h"
#include "iotssf/vulns.h"

#define SVC(port_, transport_, name_, product_, version_, banner_)                                \
    {                                                                                             \
        .port = (port_), .transport = (transport_), .name = (char *)(name_),                      \
        .product = (char *)(product_), .version = (char *)(version_), .banner = (char *)(banner_) \
    }

static void components_of(iotssf_probe_service *services, size_t n, iotssf_components *out)
{
    iotssf_probe_host host = {.target = (char *)"192.0.2.7",
                              .address = (char *)"192.0.2.7",
                              .services = services,
                              .service_count = n};
    iotssf_probe_result r = {.hosts = &host, .host_count = 1};
    iotssf_error err;
    assert_int_equal(iotssf_probe_components(&r, out, &err), IOTSSF_OK);
}

static void assert_component(const iotssf_component *c, const char *id, const char *version,
                             const char *scheme, size_t evidence)
{
    assert_string_equal(c->id, id);
    assert_string_equal(c->version, version);
    assert_string_equal(c->version_scheme, scheme);
    assert_false(c->version_partial);
    assert_int_equal(c->confidence, IOTSSF_CONFIDENCE_MEDIUM);
    assert_int_equal(c->evidence_count, evidence);
    for (size_t i = 0; i < c->evidence_count; i++) {
        assert_string_equal(c->evidence[i].method, "banner");
        assert_null(c->evidence[i].origin);
    }
}

static void test_banners_of_real_daemons(void **state)
{
    (void)state;
    iotssf_probe_service s[] = {
        SVC(21, "tcp", "ftp", "vsFTPd", "3.0.3", "220 (vsFTPd 3.0.3)"),
        SVC(22, "tcp", "ssh", "dropbear", "2022.83", "SSH-2.0-dropbear_2022.83"),
        SVC(2222, "tcp", "ssh", "OpenSSH", "9.2p1", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
        SVC(80, "tcp", "http", "lighttpd", "1.4.69", "HTTP/1.1 401 Unauthorized; Server: lighttpd/1.4.69"),
        SVC(8443, "tcp", "http", "lighttpd", "1.4.69", "HTTP/1.1 401 Unauthorized; Server: lighttpd/1.4.69"),
        SVC(1883, "tcp", "mqtt", "mosquitto", "2.0.11", "mosquitto version 2.0.11"),
        SVC(1900, "udp", "ssdp", "MiniUPnPd", "2.3.1", "Debian/12 UPnP/1.1 MiniUPnPd/2.3.1"),
        SVC(5000, "tcp", "http", "MiniUPnPd", "2.3.1", "HTTP/1.1 200 OK; Server: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1"),
        SVC(8080, "tcp", "http", "Apache", "2.4.57", "HTTP/1.1 200 OK; Server: Apache/2.4.57 (Unix) OpenSSL/1.0.2k"),
    };
    iotssf_components c;
    components_of(s, sizeof s / sizeof *s, &c);
    assert_int_equal(c.count, 6);
    assert_component(&c.items[0], "dropbear", "2022.83", "dotted", 1);
    assert_string_equal(c.items[0].evidence[0].path, "192.0.2.7:22");
    assert_string_equal(c.items[0].evidence[0].text, "SSH-2.0-dropbear_2022.83");
    assert_string_equal(c.items[0].purl, "pkg:generic/dropbear@2022.83");
    assert_null(c.items[0].note);
    assert_component(&c.items[1], "lighttpd", "1.4.69", "dotted", 2);
    assert_string_equal(c.items[1].evidence[0].path, "192.0.2.7:80");
    assert_string_equal(c.items[1].evidence[1].path, "192.0.2.7:8443");
    assert_component(&c.items[2], "miniupnpd", "2.3.1", "dotted", 2);
    assert_string_equal(c.items[2].evidence[0].path, "192.0.2.7:1900/udp");
    assert_string_equal(c.items[2].evidence[1].path, "192.0.2.7:5000");
    assert_component(&c.items[3], "mosquitto", "2.0.11", "dotted", 1);
    assert_component(&c.items[4], "openssh", "9.2p1", "openssh", 1);
    assert_non_null(strstr(c.items[4].note, "Debian-2+deb12u3"));
    assert_component(&c.items[5], "openssl", "1.0.2k", "openssl", 1);
    assert_string_equal(c.items[5].evidence[0].path, "192.0.2.7:8080");
    iotssf_components_free(&c);
}

/* Announced versions meet the shipped vulnerability records: OpenSSL
 * 1.0.2k behind Apache carries CVE-2022-0778 (fixed in 1.0.2zd), found
 * as a PROBE-VULN finding at the host and port that announced it; dropbear
 * 2022.83 carries Terrapin. */
static void test_announced_versions_meet_known_vulnerabilities(void **state)
{
    (void)state;
    iotssf_probe_service s[] = {
        SVC(22, "tcp", "ssh", "dropbear", "2022.83", "SSH-2.0-dropbear_2022.83"),
        SVC(1900, "udp", "ssdp", "MiniUPnPd", "2.3.1", "Debian/12 UPnP/1.1 MiniUPnPd/2.3.1"),
        SVC(8080, "tcp", "http", "Apache", "2.4.57", "HTTP/1.1 200 OK; Server: Apache/2.4.57 (Unix) OpenSSL/1.0.2k"),
    };
    iotssf_components c;
    components_of(s, sizeof s / sizeof *s, &c);
    const char *data = getenv("IOTSSF_DATA");
    assert_non_null(data);
    iotssf_error err;
    iotssf_catalog *catalog = NULL;
    iotssf_rule_set *rules = NULL;
    iotssf_vulndb *db = NULL;
    assert_int_equal(iotssf_catalog_load(data, &catalog, &err), IOTSSF_OK);
    assert_int_equal(iotssf_rules_load(data, catalog, &rules, &err), IOTSSF_OK);
    assert_int_equal(iotssf_vulndb_open(data, "/nonexistent/vulns.sqlite", &db, &err), IOTSSF_OK);
    iotssf_vulns v;
    iotssf_vulns_init(&v);
    iotssf_findings f;
    iotssf_findings_init(&f);
    assert_int_equal(iotssf_vulns_match_components(db, &c, rules, "PROBE-VULN", &v, &f, &err),
                     IOTSSF_OK);
    assert_int_equal(v.count, f.count);
    bool bn_loop = false, terrapin = false;
    for (size_t i = 0; i < f.count; i++) {
        const iotssf_finding *x = &f.items[i];
        assert_int_equal(strncmp(x->rule->id, "PROBE-VULN-", 11), 0);
        assert_string_equal(x->host, "192.0.2.7");
        assert_null(x->path);
        if (strstr(x->evidence, "CVE-2022-0778")) {
            bn_loop = true;
            assert_int_equal(x->port, 8080);
            assert_string_equal(x->transport, "tcp");
            assert_non_null(strstr(x->message, "fixed in 1.0.2zd"));
        }
        if (strstr(x->evidence, "CVE-2023-48795")) {
            terrapin = true;
            assert_int_equal(x->port, 22);
        }
        /* MiniUPnPd 2.3.1 has no shipped record that affects it. */
        assert_int_not_equal(x->port, 1900);
    }
    assert_true(bn_loop);
    assert_true(terrapin);
    iotssf_findings_free(&f);
    iotssf_vulns_free(&v);
    iotssf_vulndb_close(db);
    iotssf_rules_free(rules);
    iotssf_catalog_free(catalog);
    iotssf_components_free(&c);
}

static void test_hostile_banners_give_nothing(void **state)
{
    (void)state;
    char runaway[400];
    memset(runaway, '9', sizeof runaway - 1);
    runaway[sizeof runaway - 1] = '\0';
    memcpy(runaway, "lighttpd/", 9);
    iotssf_probe_service s[] = {
        SVC(22, "tcp", "ssh", NULL, NULL, "SSH-2.0-dropbear"),          /* no version */
        SVC(23, "tcp", "ssh", NULL, NULL, "SSH-2.0-OpenSSH_"),          /* cut short */
        SVC(24, "tcp", "http", NULL, NULL, "Server: xdropbear_1.0"),    /* inside a word */
        SVC(25, "tcp", "http", NULL, NULL, "Server: dropbearish/1.0"),  /* another word */
        SVC(26, "tcp", "http", NULL, NULL, "Server: lighttpd/ 1.4"),    /* no digit after */
        SVC(27, "tcp", "http", NULL, NULL, ""),
        SVC(28, "tcp", "unknown", NULL, NULL, NULL),
        SVC(29, "tcp", "http", NULL, NULL, runaway),
    };
    iotssf_components c;
    components_of(s, sizeof s / sizeof *s, &c);
    /* Only the runaway version, cut to the field's size, is a version. */
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].id, "lighttpd");
    assert_int_equal(strlen(c.items[0].version), 47);
    iotssf_components_free(&c);
}

/* A banner abbreviated before its version: the service's product and
 * version fields name it still. */
static void test_fields_when_the_banner_is_cut(void **state)
{
    (void)state;
    iotssf_probe_service s[] = {
        SVC(1883, "tcp", "mqtt", "mosquitto", "2.0.18", "CONNACK return code 0"),
        SVC(53, "udp", "dns", "dnsmasq", "2.89", NULL),
    };
    iotssf_components c;
    components_of(s, sizeof s / sizeof *s, &c);
    assert_int_equal(c.count, 2);
    assert_component(&c.items[0], "dnsmasq", "2.89", "dotted", 1);
    assert_string_equal(c.items[0].evidence[0].text, "dnsmasq 2.89");
    assert_component(&c.items[1], "mosquitto", "2.0.18", "dotted", 1);
    assert_string_equal(c.items[1].evidence[0].path, "192.0.2.7:1883");
    iotssf_components_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banners_of_real_daemons),
        cmocka_unit_test(test_announced_versions_meet_known_vulnerabilities),
        cmocka_unit_test(test_hostile_banners_give_nothing),
        cmocka_unit_test(test_fields_when_the_banner_is_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
