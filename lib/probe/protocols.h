/*
 * The wire formats the probe speaks, as pure functions over bytes: request
 * builders and reply parsers, one group per protocol file. Every parser takes
 * hostile input (a device's reply) with its length, checks every length
 * before use, never allocates, and fails with false/-1 rather than guess.
 * Unit tests feed them recorded replies; fuzz/fuzz_probe_<proto>.c fuzz them.
 */
#ifndef IOTSSF_PROBE_PROTOCOLS_H
#define IOTSSF_PROBE_PROTOCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- identification (ident.c) ---- */

typedef struct probe_ident probe_ident;

/* Names the service from its first bytes (a banner, or the answer to one of
 * our probes); fills name, product, version, banner. False: not recognised. */
bool ident_classify(const unsigned char *data, size_t len, probe_ident *out);

/* "lighttpd/1.4.69", "vsFTPd 3.0.3", "dropbear_2022.83": the first product
 * and version in free text. False when there is no version-like token. */
bool product_version_split(const char *text, char *product, size_t psize, char *version,
                           size_t vsize);

/* ---- telnet (telnet.c) ---- */

typedef struct telnet_state {
    int state;           /* position inside a command */
    unsigned char verb;  /* WILL, WONT, DO, DONT */
} telnet_state;

/* Splits a received chunk into data bytes and the option replies we owe
 * (refusing every option except the server's ECHO and SUPPRESS-GO-AHEAD).
 * Commands split across chunks continue with the same state. NUL bytes of
 * the data are dropped. */
void telnet_filter(telnet_state *s, const unsigned char *in, size_t len, char *data,
                   size_t data_cap, size_t *data_len, unsigned char *reply, size_t reply_cap,
                   size_t *reply_len);

typedef enum telnet_prompt {
    TELNET_NOTHING,   /* nothing we recognise yet */
    TELNET_USER,      /* "login:", "Username:", "User Name :" */
    TELNET_PASSWORD,  /* "Password:", "passcode:" */
    TELNET_REJECTED,  /* "Login incorrect", "Access denied", ... */
    TELNET_SHELL,     /* ends like a shell prompt: "# ", "$ ", "> " */
} telnet_prompt;

/* What the end of the text since our last line asks for. */
telnet_prompt telnet_classify(const char *text, size_t len);

/* The shell-proof line and the answer only a shell computes. */
#define TELNET_SHELL_PROBE "echo iotssf$((6*7))"
#define TELNET_SHELL_ANSWER "iotssf42"
bool telnet_shell_answered(const char *text, size_t len);

/* ---- ssh (ssh.c) ---- */

/* "SSH-2.0-dropbear_2022.83\r\n" -> protocol "2.0", product, version. */
bool ssh_banner_parse(const char *line, size_t len, char *proto, size_t proto_size,
                      char *product, size_t psize, char *version, size_t vsize);

/* ---- ftp (ftp.c) ---- */

/* One complete reply at the start of buf (multi-line "220-" ... "220 "
 * included). 1: *code and *consumed set; 0: incomplete; -1: not FTP. */
int ftp_reply_parse(const char *buf, size_t len, int *code, size_t *consumed);

/* ---- http and rtsp (http.c) ---- */

enum { HTTP_MAX_CHALLENGES = 4 };

typedef struct http_response {
    char protocol[8]; /* "HTTP" or "RTSP" */
    int status;
    size_t header_len;   /* through the empty line */
    long content_length; /* -1: not given */
    bool chunked;
    bool close;          /* the server will close after this response */
    char server[128];
    char location[256];
    char content_type[64];
    char challenges[HTTP_MAX_CHALLENGES][256]; /* WWW-Authenticate values */
    size_t challenge_count;
} http_response;

/* 1: the header is complete and parsed; 0: incomplete; -1: not HTTP/RTSP. */
int http_response_parse(const char *buf, size_t len, http_response *r);
/* Is the body complete in buf (content length, chunked end)? Without
 * either, only the peer closing ends it. */
bool http_body_complete(const char *buf, size_t len, const http_response *r);

typedef struct http_challenge {
    char scheme[16]; /* "Basic", "Digest" */
    char realm[128];
    char nonce[160];
    char opaque[160];
    char qop[32];       /* "auth" when offered */
    char algorithm[24]; /* "MD5", "SHA-256" */
} http_challenge;

bool http_challenge_parse(const char *value, http_challenge *c);
/* The Authorization header value for a Digest challenge (RFC 7616; MD5 or
 * SHA-256, qop auth or none). False when the challenge cannot be answered. */
bool http_digest_authorization(const http_challenge *c, const char *user, const char *password,
                               const char *method, const char *uri, unsigned nc,
                               const char *cnonce, char *out, size_t size);
/* "Basic dXNlcjpwYXNz". */
bool http_basic_authorization(const char *user, const char *password, char *out, size_t size);

/* ---- mqtt (mqtt.c) ---- */

typedef struct mqtt_packet {
    unsigned type, flags;
    const unsigned char *body;
    size_t body_len;
    size_t total_len;
} mqtt_packet;

size_t mqtt_build_connect(unsigned char *out, size_t cap, const char *client_id,
                          const char *user, const char *password);
size_t mqtt_build_subscribe(unsigned char *out, size_t cap, uint16_t packet_id,
                            const char *topic);
/* 1: a whole packet starts buf; 0: incomplete; -1: malformed. */
int mqtt_packet_next(const unsigned char *buf, size_t len, mqtt_packet *p);
/* The CONNACK return code, or -1 when p is no CONNACK. */
int mqtt_connack_code(const mqtt_packet *p);
/* A PUBLISH's topic (NUL-terminated, cut to tsize) and payload. */
bool mqtt_publish_parse(const mqtt_packet *p, char *topic, size_t tsize,
                        const unsigned char **payload, size_t *payload_len);

/* ---- snmp (snmp.c) ---- */

/* GetRequest for sysDescr.0 (1.3.6.1.2.1.1.1.0); version 0 = v1, 1 = v2c. */
size_t snmp_build_get(unsigned char *out, size_t cap, int version, const char *community,
                      uint32_t request_id);

typedef struct snmp_reply {
    int version;
    char community[64];
    uint32_t request_id;
    int error_status;
    bool has_value;
    char value[256]; /* the first varbind's OCTET STRING, printable */
} snmp_reply;

bool snmp_reply_parse(const unsigned char *buf, size_t len, snmp_reply *r);

/* ---- upnp / ssdp (ssdp.c) ---- */

size_t ssdp_build_msearch(char *out, size_t cap, const char *host_literal, int port);

typedef struct ssdp_reply {
    int status;
    char location[256];
    char server[128];
    char st[128];
} ssdp_reply;

bool ssdp_reply_parse(const char *buf, size_t len, ssdp_reply *r);

typedef struct upnp_url {
    char host[64]; /* as written: an address literal or a name */
    int port;
    char path[256];
} upnp_url;

bool upnp_url_parse(const char *url, upnp_url *u);

typedef struct upnp_service {
    char type[128];
    char control[256];
} upnp_service;

/* The <service> entries of a device description (every embedded device). */
size_t upnp_services_parse(const char *xml, size_t len, upnp_service *out, size_t max);
/* The text of the first <element> (namespace prefixes ignored). */
bool upnp_element_text(const char *xml, size_t len, const char *element, char *out,
                       size_t size);

/* ---- coap (coap.c) ---- */

size_t coap_build_get(unsigned char *out, size_t cap, uint16_t message_id, const char *path);

typedef struct coap_reply {
    unsigned type;         /* 0 CON, 1 NON, 2 ACK, 3 RST */
    unsigned code_class;   /* 2 success, 4 client error, ... */
    unsigned code_detail;
    uint16_t message_id;
    const unsigned char *payload;
    size_t payload_len;
} coap_reply;

bool coap_reply_parse(const unsigned char *buf, size_t len, coap_reply *r);

/* ---- modbus/tcp (modbus.c) ---- */

/* Read Device Identification (function 43, MEI 14), basic objects. */
size_t modbus_build_device_id(unsigned char *out, size_t cap, uint16_t transaction, uint8_t unit);

typedef struct modbus_reply {
    uint16_t transaction;
    uint8_t unit, function;
    bool exception;
    uint8_t exception_code;
    char vendor[64], product[64], revision[32];
    size_t frame_len;
} modbus_reply;

/* 1: one whole frame parsed; 0: incomplete; -1: not Modbus/TCP. */
int modbus_reply_parse(const unsigned char *buf, size_t len, modbus_reply *r);

/* ---- bacnet/ip (bacnet.c) ---- */

size_t bacnet_build_whois(unsigned char *out, size_t cap);
bool bacnet_iam_parse(const unsigned char *buf, size_t len, uint32_t *device_instance,
                      unsigned *vendor_id);

/* ---- tls certificates (tls.c) ---- */

typedef struct tls_cert_facts {
    bool parsed;
    bool expired, not_yet_valid, self_signed;
    bool name_checked, name_matches;
    int key_bits;
    char key_type[16]; /* "RSA", "EC", "Ed25519", ... */
    bool weak_key;
    char subject[160];
    char not_after[40];
} tls_cert_facts;

/* Judges one DER certificate at `now` for `name` (a host name or an IP
 * literal; NULL: not checked). */
bool tls_cert_assess(const unsigned char *der, size_t len, const char *name, time_t now,
                     tls_cert_facts *f);

#endif
