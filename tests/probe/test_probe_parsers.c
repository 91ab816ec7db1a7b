/*
 * The probe's wire parsers against recorded replies of real daemons
 * (tests/probe/replies/, see its README), known test vectors (RFC 2617's
 * Digest example, RFC 7617's Basic example), and every truncation of each
 * reply: a cut reply must parse as incomplete or fail, never crash or
 * invent a value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "probe/probe_internal.h"
#include "probe/protocols.h"
#include "probe/throttle.h"
#include "util.h"

static unsigned char *fixture(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/probe/replies/%s", name);
    unsigned char *data = (unsigned char *)read_file(source_path(rel), len);
    assert_non_null(data);
    return data;
}

/* ---- telnet ---- */

static void test_telnet_negotiation(void **state)
{
    (void)state;
    size_t len;
    unsigned char *raw = fixture("telnet_busybox_login.bin", &len);
    char data[512];
    unsigned char reply[64];
    size_t dlen = 0, rlen = 0;
    telnet_state s = {0};
    telnet_filter(&s, raw, len, data, sizeof data, &dlen, reply, sizeof reply, &rlen);
    /* BusyBox: DO ECHO, DO NAWS, WILL ECHO, WILL SGA; we refuse the first two. */
    static const unsigned char expected[] = {255, 252, 1, 255, 252, 31, 255, 253, 1, 255, 253, 3};
    assert_int_equal(rlen, sizeof expected);
    assert_memory_equal(reply, expected, sizeof expected);
    assert_int_equal(telnet_classify(data, dlen), TELNET_USER);
    /* The same bytes one at a time: commands split across reads. */
    char data2[512];
    unsigned char reply2[64];
    size_t dlen2 = 0, rlen2 = 0;
    telnet_state s2 = {0};
    for (size_t i = 0; i < len; i++)
        telnet_filter(&s2, raw + i, 1, data2, sizeof data2, &dlen2, reply2, sizeof reply2, &rlen2);
    assert_int_equal(dlen2, dlen);
    assert_memory_equal(data2, data, dlen);
    assert_memory_equal(reply2, reply, rlen);
    free(raw);
}

static void test_telnet_prompts(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        telnet_prompt want;
    } cases[] = {
        {"vm login: ", TELNET_USER},
        {"\r\nUsername:", TELNET_USER},
        {"User Name :", TELNET_USER},
        {"Password: ", TELNET_PASSWORD},
        {"\r\nLogin incorrect\r\nvm login: ", TELNET_REJECTED},
        {"% Access denied\r\n", TELNET_REJECTED},
        {"~ # ", TELNET_SHELL},
        {"router> ", TELNET_SHELL},
        {"Welcome to the device", TELNET_NOTHING},
        {"", TELNET_NOTHING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(telnet_classify(cases[i].text, strlen(cases[i].text)), cases[i].want);
}

static void test_telnet_shell_answer(void **state)
{
    (void)state;
    const char echoed[] = "echo iotssf$((6*7))\r\n";
    const char answered[] = "echo iotssf$((6*7))\r\niotssf42\r\n~ # ";
    const char cli_echo[] = "echo iotssf$((6*7))\r\n% Unknown command: iotssf$((6*7))\r\n> ";
    assert_false(telnet_shell_answered(echoed, strlen(echoed)));
    assert_true(telnet_shell_answered(answered, strlen(answered)));
    assert_false(telnet_shell_answered(cli_echo, strlen(cli_echo)));
    size_t len;
    unsigned char *raw = fixture("telnet_busybox_shell.bin", &len);
    probe_ident id;
    memset(&id, 0, sizeof id);
    assert_true(ident_classify(raw, len, &id));
    assert_string_equal(id.name, "telnet");
    assert_non_null(strstr(id.banner, "BusyBox v1.35.0"));
    free(raw);
}

/* ---- identification ---- */

static void test_product_version(void **state)
{
    (void)state;
    static const struct {
        const char *text, *product, *version;
    } cases[] = {
        {"lighttpd/1.4.69", "lighttpd", "1.4.69"},
        {"(vsFTPd 3.0.3)", "vsFTPd", "3.0.3"},
        {"OpenSSH_9.2p1", "OpenSSH", "9.2p1"},
        {"dropbear_2022.83", "dropbear", "2022.83"},
        {"mosquitto version 2.0.11", "mosquitto", "2.0.11"},
        {"Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1", "Linux", "5.10"},
    };
    char p[64], v[48];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_true(product_version_split(cases[i].text, p, sizeof p, v, sizeof v));
        assert_string_equal(p, cases[i].product);
        assert_string_equal(v, cases[i].version);
    }
    assert_false(product_version_split("FTP service ready", p, sizeof p, v, sizeof v));
}

static void test_ident_fixtures(void **state)
{
    (void)state;
    static const struct {
        const char *file, *name, *product, *version;
    } cases[] = {
        {"ssh_dropbear.bin", "ssh", "dropbear", "2022.83"},
        {"ftp_vsftpd_banner.bin", "ftp", "vsFTPd", "3.0.3"},
        {"http_lighttpd_401.bin", "http", "lighttpd", "1.4.69"},
        {"mqtt_mosquitto_connack.bin", "mqtt", "", ""},
        {"modbus_device_id.bin", "modbus", "EX-1200", "V2.4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *raw = fixture(cases[i].file, &len);
        probe_ident id;
        memset(&id, 0, sizeof id);
        assert_true(ident_classify(raw, len, &id));
        assert_string_equal(id.name, cases[i].name);
        assert_string_equal(id.product, cases[i].product);
        assert_string_equal(id.version, cases[i].version);
        free(raw);
    }
    probe_ident id;
    memset(&id, 0, sizeof id);
    assert_false(ident_classify((const unsigned char *)"\x01\x02garbage", 9, &id));
}

/* ---- ssh, ftp ---- */

static void test_ssh_banner(void **state)
{
    (void)state;
    char proto[16], product[64], version[48];
    const char *openssh = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    assert_true(ssh_banner_parse(openssh, strlen(openssh), proto, sizeof proto, product,
                                 sizeof product, version, sizeof version));
    assert_string_equal(proto, "2.0");
    assert_string_equal(product, "OpenSSH");
    assert_string_equal(version, "9.2p1");
    const char *bare = "SSH-1.99-Cisco\r\n";
    assert_true(ssh_banner_parse(bare, strlen(bare), proto, sizeof proto, product,
                                 sizeof product, version, sizeof version));
    assert_string_equal(product, "Cisco");
    assert_false(ssh_banner_parse("SSH-2.0", 7, proto, sizeof proto, product, sizeof product,
                                  version, sizeof version));
    assert_false(ssh_banner_parse("HTTP/1.1", 8, proto, sizeof proto, product, sizeof product,
                                  version, sizeof version));
}

static void test_ftp_replies(void **state)
{
    (void)state;
    size_t len;
    int code;
    size_t used;
    unsigned char *banner = fixture("ftp_vsftpd_banner.bin", &len);
    assert_int_equal(ftp_reply_parse((char *)banner, len, &code, &used), 1);
    assert_int_equal(code, 220);
    assert_int_equal(used, len);
    free(banner);
    unsigned char *feat = fixture("ftp_vsftpd_feat.bin", &len);
    assert_int_equal(ftp_reply_parse((char *)feat, len, &code, &used), 1);
    assert_int_equal(code, 211);
    assert_int_equal(used, len);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(ftp_reply_parse((char *)feat, cut, &code, &used), 0);
    free(feat);
    assert_int_equal(ftp_reply_parse("hello\r\n", 7, &code, &used), -1);
    assert_int_equal(ftp_reply_parse("999 x\r\n", 7, &code, &used), -1);
}

/* ---- http ---- */

static void test_http_response(void **state)
{
    (void)state;
    size_t len;
    unsigned char *raw = fixture("http_lighttpd_401.bin", &len);
    http_response r;
    assert_int_equal(http_response_parse((char *)raw, len, &r), 1);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.protocol, "HTTP");
    assert_string_equal(r.server, "lighttpd/1.4.69");
    assert_int_equal(r.challenge_count, 1);
    assert_true(http_body_complete((char *)raw, len, &r));
    http_challenge c;
    assert_true(http_challenge_parse(r.challenges[0], &c));
    assert_string_equal(c.scheme, "Basic");
    assert_string_equal(c.realm, "device");
    for (size_t cut = 0; cut < r.header_len; cut++)
        assert_int_equal(http_response_parse((char *)raw, cut, &r), 0);
    free(raw);
    assert_int_equal(http_response_parse("SSH-2.0-x\r\n\r\n", 13, &r), -1);
    assert_int_equal(http_response_parse("HTTP/1.1 OK\r\n\r\n", 15, &r), -1);
}

static void test_http_auth_vectors(void **state)
{
    (void)state;
    char out[1024];
    /* RFC 7617 section 2. */
    assert_true(http_basic_authorization("Aladdin", "open sesame", out, sizeof out));
    assert_string_equal(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    /* RFC 2617 section 3.5. */
    http_challenge c;
    assert_true(http_challenge_parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                                     "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                                     "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
                                     &c));
    assert_string_equal(c.scheme, "Digest");
    assert_string_equal(c.qop, "auth");
    assert_true(http_digest_authorization(&c, "Mufasa", "Circle Of Life", "GET",
                                          "/dir/index.html", 1, "0a4f113b", out, sizeof out));
    assert_non_null(strstr(out, "response=\"6629fae49393a05397450978507c4ef1\""));
    assert_non_null(strstr(out, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    /* A quote in the user name cannot be sent inside a quoted string. */
    assert_false(http_digest_authorization(&c, "a\"b", "x", "GET", "/", 1, "0a4f113b", out,
                                           sizeof out));
    assert_true(http_challenge_parse("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess", &c));
    assert_false(http_digest_authorization(&c, "u", "p", "GET", "/", 1, "c", out, sizeof out));
    assert_false(http_challenge_parse("", &c));
}

/* ---- mqtt ---- */

static void test_mqtt(void **state)
{
    (void)state;
    unsigned char buf[256];
    size_t n = mqtt_build_connect(buf, sizeof buf, "iotssf-probe", NULL, NULL);
    static const unsigned char anon[] = {0x10, 0x18, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02,
                                         0x00, 0x1e, 0x00, 0x0c, 'i', 'o', 't', 's', 's', 'f',
                                         '-',  'p',  'r',  'o',  'b', 'e'};
    assert_int_equal(n, sizeof anon);
    assert_memory_equal(buf, anon, sizeof anon);
    n = mqtt_build_connect(buf, sizeof buf, "c", "admin", "admin");
    assert_int_equal(buf[9], 0xc2);
    size_t len;
    unsigned char *raw = fixture("mqtt_mosquitto_connack.bin", &len);
    mqtt_packet p;
    assert_int_equal(mqtt_packet_next(raw, len, &p), 1);
    assert_int_equal(mqtt_connack_code(&p), 0);
    free(raw);
    raw = fixture("mqtt_mosquitto_sys.bin", &len);
    size_t at = 0, publishes = 0;
    bool version = false;
    while (mqtt_packet_next(raw + at, len - at, &p) == 1) {
        char topic[128];
        const unsigned char *payload;
        size_t plen;
        if (mqtt_publish_parse(&p, topic, sizeof topic, &payload, &plen)) {
            publishes++;
            if (strcmp(topic, "$SYS/broker/version") == 0)
                version = plen == 24 && memcmp(payload, "mosquitto version 2.0.11", 24) == 0;
        }
        at += p.total_len;
    }
    assert_true(publishes > 10);
    assert_true(version);
    free(raw);
    static const unsigned char long_length[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(mqtt_packet_next(long_length, sizeof long_length, &p), -1);
    static const unsigned char cut[] = {0x30, 0x0a, 0x00};
    assert_int_equal(mqtt_packet_next(cut, sizeof cut, &p), 0);
}

/* ---- snmp ---- */

static void test_snmp(void **state)
{
    (void)state;
    unsigned char buf[256];
    size_t n = snmp_build_get(buf, sizeof buf, 1, "public", 0x1a2b0001);
    /* The request snmpd answered when the fixture was recorded. */
    static const unsigned char request[] = {
        0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',  'l',  'i',  'c',  0xa0, 0x1c,
        0x02, 0x04, 0x1a, 0x2b, 0x00, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30,
        0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00};
    assert_int_equal(n, sizeof request);
    assert_memory_equal(buf, request, sizeof request);
    size_t len;
    unsigned char *raw = fixture("snmp_snmpd_public_v2c.bin", &len);
    snmp_reply r;
    assert_true(snmp_reply_parse(raw, len, &r));
    assert_int_equal(r.version, 1);
    assert_string_equal(r.community, "public");
    assert_int_equal(r.request_id, 0x1a2b0001);
    assert_int_equal(r.error_status, 0);
    assert_true(r.has_value);
    assert_string_equal(r.value, "iotssf test camera firmware 1.0");
    for (size_t cut = 0; cut < len; cut++)
        assert_false(snmp_reply_parse(raw, cut, &r));
    free(raw);
    /* A request id with its top bit set takes a leading zero byte. */
    n = snmp_build_get(buf, sizeof buf, 0, "private", 0x80000001u);
    assert_int_equal(buf[16], 0x02); /* INTEGER */
    assert_int_equal(buf[17], 0x05);
    assert_int_equal(buf[18], 0x00);
    assert_int_equal(buf[19], 0x80);
}

/* ---- coap, modbus, bacnet ---- */

static void test_coap(void **state)
{
    (void)state;
    unsigned char buf[64];
    size_t n = coap_build_get(buf, sizeof buf, 0x5a17, "/.well-known/core");
    static const unsigned char req[] = {0x40, 0x01, 0x5a, 0x17, 0xbb, '.', 'w', 'e', 'l', 'l', '-',
                                        'k',  'n',  'o',  'w',  'n',  0x04, 'c', 'o', 'r', 'e'};
    assert_int_equal(n, sizeof req);
    assert_memory_equal(buf, req, sizeof req);
    size_t len;
    unsigned char *raw = fixture("coap_libcoap_core.bin", &len);
    coap_reply r;
    assert_true(coap_reply_parse(raw, len, &r));
    assert_int_equal(r.type, 2);
    assert_int_equal(r.code_class, 2);
    assert_int_equal(r.code_detail, 5);
    assert_int_equal(r.message_id, 0x5a17);
    assert_true(r.payload_len > 10);
    assert_memory_equal(r.payload, "</>", 3);
    free(raw);
    static const unsigned char reserved[] = {0x60, 0x45, 0x00, 0x01, 0xf0};
    assert_false(coap_reply_parse(reserved, sizeof reserved, &r));
    static const unsigned char bad_version[] = {0x00, 0x45, 0x00, 0x01};
    assert_false(coap_reply_parse(bad_version, sizeof bad_version, &r));
}

static void test_modbus(void **state)
{
    (void)state;
    unsigned char buf[16];
    size_t n = modbus_build_device_id(buf, sizeof buf, 0x1d10, 0);
    static const unsigned char req[] = {0x1d, 0x10, 0, 0, 0, 5, 0, 0x2b, 0x0e, 0x01, 0x00};
    assert_int_equal(n, sizeof req);
    assert_memory_equal(buf, req, sizeof req);
    size_t len;
    unsigned char *raw = fixture("modbus_device_id.bin", &len);
    modbus_reply r;
    assert_int_equal(modbus_reply_parse(raw, len, &r), 1);
    assert_string_equal(r.vendor, "Example PLC Co");
    assert_string_equal(r.product, "EX-1200");
    assert_string_equal(r.revision, "V2.4");
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(modbus_reply_parse(raw, cut, &r), 0);
    free(raw);
    raw = fixture("modbus_exception.bin", &len);
    assert_int_equal(modbus_reply_parse(raw, len, &r), 1);
    assert_true(r.exception);
    assert_int_equal(r.exception_code, 1);
    free(raw);
    static const unsigned char http[] = "HTTP/1.1 400";
    assert_int_equal(modbus_reply_parse(http, sizeof http - 1, &r), -1);
}

static void test_bacnet(void **state)
{
    (void)state;
    size_t len;
    unsigned char *raw = fixture("bacnet_iam.bin", &len);
    uint32_t instance = 0;
    unsigned vendor = 0;
    assert_true(bacnet_iam_parse(raw, len, &instance, &vendor));
    assert_int_equal(instance, 1234);
    assert_int_equal(vendor, 15);
    for (size_t cut = 0; cut < len; cut++)
        assert_false(bacnet_iam_parse(raw, cut, &instance, &vendor));
    free(raw);
    unsigned char whois[16];
    assert_int_equal(bacnet_build_whois(whois, sizeof whois), 8);
}

/* ---- upnp ---- */

static void test_ssdp_and_igd(void **state)
{
    (void)state;
    size_t len;
    unsigned char *raw = fixture("ssdp_reply.txt", &len);
    ssdp_reply r;
    assert_true(ssdp_reply_parse((char *)raw, len, &r));
    assert_string_equal(r.location, "http://127.0.0.1:5000/rootDesc.xml");
    assert_string_equal(r.server, "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1");
    free(raw);
    upnp_url u;
    assert_true(upnp_url_parse("http://127.0.0.1:5000/rootDesc.xml", &u));
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 5000);
    assert_string_equal(u.path, "/rootDesc.xml");
    assert_true(upnp_url_parse("http://[::1]/d.xml", &u));
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 80);
    assert_false(upnp_url_parse("https://127.0.0.1/", &u));
    assert_false(upnp_url_parse("http://127.0.0.1:99999/", &u));
    raw = fixture("upnp_igd_desc.xml", &len);
    upnp_service s[8];
    size_t n = upnp_services_parse((char *)raw, len, s, 8);
    assert_int_equal(n, 2);
    assert_string_equal(s[1].type, "urn:schemas-upnp-org:service:WANIPConnection:1");
    assert_string_equal(s[1].control, "/ctl/IPConn");
    char model[64];
    assert_true(upnp_element_text((char *)raw, len, "modelName", model, sizeof model));
    assert_string_equal(model, "Example Router 300");
    free(raw);
    raw = fixture("upnp_soap_external_ip.xml", &len);
    char ip[64];
    assert_true(upnp_element_text((char *)raw, len, "NewExternalIPAddress", ip, sizeof ip));
    assert_string_equal(ip, "203.0.113.7");
    free(raw);
    char msearch[256];
    assert_true(ssdp_build_msearch(msearch, sizeof msearch, "::1", 1900) > 0);
    assert_non_null(strstr(msearch, "HOST: [::1]:1900\r\n"));
}

/* ---- tls ---- */

static void test_tls_certificates(void **state)
{
    (void)state;
    time_t now = 1767225600; /* 2026-01-01 */
    size_t len;
    tls_cert_facts f;
    unsigned char *der = fixture("cert_expired_rsa1024.der", &len);
    assert_true(tls_cert_assess(der, len, NULL, now, &f));
    assert_true(f.expired);
    assert_false(f.not_yet_valid);
    assert_true(f.self_signed);
    assert_true(f.weak_key);
    assert_int_equal(f.key_bits, 1024);
    assert_string_equal(f.key_type, "RSA");
    assert_false(f.name_checked);
    for (size_t cut = 0; cut < len; cut += 7)
        assert_false(tls_cert_assess(der, cut, NULL, now, &f));
    free(der);
    der = fixture("cert_valid_rsa2048.der", &len);
    assert_true(tls_cert_assess(der, len, "camera.example", now, &f));
    assert_false(f.expired);
    assert_false(f.weak_key);
    assert_true(f.name_checked && f.name_matches);
    assert_true(tls_cert_assess(der, len, "other.example", now, &f));
    assert_false(f.name_matches);
    assert_true(tls_cert_assess(der, len, "192.0.2.1", now, &f));
    assert_false(f.name_matches);
    free(der);
    der = fixture("cert_future_rsa2048.der", &len);
    assert_true(tls_cert_assess(der, len, NULL, now, &f));
    assert_true(f.not_yet_valid);
    free(der);
}

/* ---- evidence ---- */

static void test_transcript(void **state)
{
    (void)state;
    transcript t;
    transcript_init(&t);
    transcript_data(&t, '>', "root\r\n", 6);
    transcript_data(&t, '<', "\xff\xfd\x01Password: ", 13);
    assert_string_equal(t.text, "> root\\r\\n < \\xff\\xfd\\x01Password: ");
    char big[5000];
    memset(big, 'A', sizeof big);
    for (int i = 0; i < 20; i++)
        transcript_data(&t, '<', big, sizeof big);
    assert_true(strlen(t.text) <= TRANSCRIPT_MAX + 3);
    assert_non_null(strstr(t.text, "..."));
}

/* ---- login throttling ---- */

static void test_throttle_verdict(void **state)
{
    (void)state;
    /* Constant pace (BusyBox's 3 s, an instant 401) is no back-off; load
     * wobble is not one either; doubling delays and a lockout timer are. */
    assert_false(throttle_growing(3000, 3100));
    assert_false(throttle_growing(0, 5));
    assert_false(throttle_growing(300, 900));
    assert_false(throttle_growing(3000, 5500));
    assert_true(throttle_growing(300, 2400));
    assert_true(throttle_growing(3000, 30000));
    assert_true(throttle_growing(0, 1000));

    transcript log;
    transcript_init(&log);
    transcript_note(&log, "530 Login incorrect.");
    throttle_watch w;
    throttle_watch_init(&w);
    for (unsigned i = 0; i < THROTTLE_AFTER; i++)
        throttle_observe(&w, GUESS_REJECTED, 100 + i, &log);
    assert_int_equal(w.rejected, THROTTLE_AFTER);
    assert_int_equal(w.first[0], 100);
    assert_int_equal(w.first[THROTTLE_AFTER - 1], 100 + THROTTLE_AFTER - 1);
    /* Refused sessions, with one let through now and then: a lockout. */
    for (unsigned i = 0; i < 12; i++)
        throttle_observe(&w, i % 6 ? GUESS_RETRY : GUESS_REJECTED, 50, &log);
    assert_int_equal(w.rejected_after, 2);
    assert_int_equal(w.broken_after, 10);
    assert_false(w.locked_out);
    throttle_gave_up(&w);
    assert_true(w.locked_out);
    assert_non_null(strstr(w.last_rejection.text, "530 Login incorrect."));

    /* A delay that rose once and stayed (lighttpd's 1 s on a timer, reached
     * after a few fast answers) against one that keeps growing. */
    unsigned first, previous, last;
    throttle_watch_init(&w);
    for (unsigned i = 0; i < 40; i++)
        throttle_observe(&w, GUESS_REJECTED, i < 12 ? 100 : 1100, &log);
    throttle_medians(&w, &first, &previous, &last);
    assert_int_equal(first, 100);
    assert_int_equal(previous, 1100);
    assert_int_equal(last, 1100);
    assert_true(throttle_growing(first, last));
    assert_false(throttle_growing(previous, last));
    throttle_watch_init(&w);
    for (unsigned i = 0; i < 30; i++)
        throttle_observe(&w, GUESS_REJECTED, 100u << (i / 5), &log);
    throttle_medians(&w, &first, &previous, &last);
    assert_int_equal(first, 200);
    assert_int_equal(previous, 800);
    assert_int_equal(last, 3200);
    assert_true(throttle_growing(first, last) && throttle_growing(previous, last));
    /* Fewer than twice the window: the next-to-last window is the first. */
    throttle_watch_init(&w);
    for (unsigned i = 0; i < 15; i++)
        throttle_observe(&w, GUESS_REJECTED, i, &log);
    throttle_medians(&w, &first, &previous, &last);
    assert_int_equal(first, 5);
    assert_int_equal(previous, 5);
    assert_int_equal(last, 10);

    /* Breaks before the failures count say nothing about throttling. */
    throttle_watch_init(&w);
    throttle_observe(&w, GUESS_RETRY, 10, &log);
    throttle_observe(&w, GUESS_GIVE_UP, 10, &log);
    throttle_gave_up(&w);
    assert_false(w.locked_out);
    assert_int_equal(w.broken_after, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_telnet_negotiation), cmocka_unit_test(test_telnet_prompts),
        cmocka_unit_test(test_telnet_shell_answer), cmocka_unit_test(test_product_version),
        cmocka_unit_test(test_ident_fixtures),     cmocka_unit_test(test_ssh_banner),
        cmocka_unit_test(test_ftp_replies),        cmocka_unit_test(test_http_response),
        cmocka_unit_test(test_http_auth_vectors),  cmocka_unit_test(test_mqtt),
        cmocka_unit_test(test_snmp),               cmocka_unit_test(test_coap),
        cmocka_unit_test(test_modbus),             cmocka_unit_test(test_bacnet),
        cmocka_unit_test(test_ssdp_and_igd),       cmocka_unit_test(test_tls_certificates),
        cmocka_unit_test(test_transcript),         cmocka_unit_test(test_throttle_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
