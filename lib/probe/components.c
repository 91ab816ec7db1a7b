/*
 * What a probed device runs, as components (include/iotssf/components.h):
 * the products and versions its services announce before login (SSH
 * identification strings, HTTP and SSDP Server headers, MQTT's
 * $SYS/broker/version) mapped to the shared component ids, so that the
 * vulnerability layer matches a running device exactly as it matches a
 * firmware image. Each component keeps the banner as its evidence (method
 * "banner", path "host:port"); the same product and version seen on several
 * ports is one component with several pieces of evidence.
 *
 * The vocabulary below is the banner spelling of each id, not the signature
 * files' content: a signature describes bytes inside binaries, a banner is
 * what a daemon says on the wire, and the two rarely share a string.
 * Products outside the shared vocabulary (vsftpd, for one) are left out.
 * A banner is the service's own claim, so confidence is medium: a version
 * told on the wire can be configured to lie, a version read from the binary
 * cannot.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iotssf/probe.h"

typedef struct banner_product {
    const char *token; /* as daemons spell it, matched without case */
    const char *id;    /* the shared component id */
    const char *name;
    const char *scheme;
} banner_product;

static const banner_product products[] = {
    {"dropbear", "dropbear", "Dropbear SSH", "dotted"},
    {"OpenSSH", "openssh", "OpenSSH", "openssh"},
    {"lighttpd", "lighttpd", "lighttpd", "dotted"},
    {"mosquitto", "mosquitto", "Eclipse Mosquitto", "dotted"},
    {"MiniUPnPd", "miniupnpd", "MiniUPnP daemon", "dotted"},
    {"dnsmasq", "dnsmasq", "dnsmasq", "dotted"},
    {"Boa", "boa", "Boa", "dotted"},
    {"GoAhead-Webs", "goahead", "GoAhead", "dotted"},
    {"GoAhead-http", "goahead", "GoAhead", "dotted"},
    {"GoAhead", "goahead", "GoAhead", "dotted"},
    {"thttpd", "thttpd", "thttpd", "dotted"},
    {"mini_httpd", "mini_httpd", "mini_httpd", "dotted"},
    {"uhttpd", "uhttpd", "uhttpd", "dotted"},
    {"OpenSSL", "openssl", "OpenSSL", "openssl"},
    {"wolfSSL", "wolfssl", "wolfSSL", "dotted"},
    {"Portable SDK for UPnP devices", "libupnp", "libupnp", "dotted"},
    {"BusyBox", "busybox", "BusyBox", "dotted"},
    {"Samba", "samba", "Samba", "dotted"},
};

enum { BANNER_VERSION_MAX = 48 };

/* One product named in a banner, with the version that follows it. */
typedef struct banner_hit {
    const banner_product *product;
    char version[BANNER_VERSION_MAX];
    char suffix[48]; /* "Debian-2+deb12u3": a distribution's build, for the note */
} banner_hit;

/* After the product name: "/1.4.69", "_2022.83", " 2.0.11",
 * " version 2.0.11", " v1.36.1". Returns where the version starts, or NULL. */
static const char *version_start(const char *p)
{
    if (*p == '/' || *p == '_' || *p == ' ')
        p++;
    else
        return NULL;
    if (strncasecmp(p, "version ", 8) == 0)
        p += 8;
    if ((*p == 'v' || *p == 'V') && isdigit((unsigned char)p[1]))
        p++;
    return isdigit((unsigned char)*p) ? p : NULL;
}

/* Copies "9.2p1" from "9.2p1 Debian-2": digits, letters and dots, without a
 * trailing dot; the next word goes to `suffix` when it looks like a build. */
static void read_version(const char *p, banner_hit *hit)
{
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '.')
        n++;
    while (n && p[n - 1] == '.')
        n--;
    if (n >= sizeof hit->version)
        n = sizeof hit->version - 1;
    memcpy(hit->version, p, n);
    hit->version[n] = '\0';
    hit->suffix[0] = '\0';
    const char *rest = p + n;
    if (*rest == ' ' && isalpha((unsigned char)rest[1]) && strchr(rest + 1, '-')) {
        size_t k = strcspn(rest + 1, " ;,()");
        if (k < sizeof hit->suffix && memchr(rest + 1, '-', k))
            snprintf(hit->suffix, sizeof hit->suffix, "%.*s", (int)k, rest + 1);
    }
}

/* The first product of the table named at `at` (a word start), longest
 * token first so that "GoAhead-Webs" wins over "GoAhead". */
static const banner_product *product_at(const char *at)
{
    for (size_t i = 0; i < sizeof products / sizeof *products; i++) {
        size_t n = strlen(products[i].token);
        if (strncasecmp(at, products[i].token, n) == 0 && version_start(at + n))
            return &products[i];
    }
    return NULL;
}

/* Every product with a version a banner names, in order: "Apache/2.4.57
 * (Unix) OpenSSL/1.1.1w" names OpenSSL, "UPnP/1.1 MiniUPnPd/2.3.1" MiniUPnPd. */
static size_t banner_products(const char *banner, banner_hit *hits, size_t cap)
{
    size_t count = 0;
    for (const char *p = banner; *p && count < cap; p++) {
        if (p != banner && isalnum((unsigned char)p[-1]))
            continue;
        const banner_product *bp = product_at(p);
        if (!bp)
            continue;
        hits[count].product = bp;
        read_version(version_start(p + strlen(bp->token)), &hits[count]);
        if (hits[count].version[0])
            count++;
        p += strlen(bp->token) - 1;
    }
    return count;
}

static iotssf_status set_text(char **slot, const char *value, iotssf_error *err)
{
    *slot = strdup(value);
    return *slot ? IOTSSF_OK : iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
}

static iotssf_status new_component(iotssf_component *c, const banner_hit *hit, iotssf_error *err)
{
    char purl[160];
    snprintf(purl, sizeof purl, "pkg:generic/%s@%s", hit->product->id, hit->version);
    c->confidence = IOTSSF_CONFIDENCE_MEDIUM;
    iotssf_status st = set_text(&c->id, hit->product->id, err);
    if (!st)
        st = set_text(&c->name, hit->product->name, err);
    if (!st)
        st = set_text(&c->version, hit->version, err);
    if (!st)
        st = set_text(&c->version_scheme, hit->product->scheme, err);
    if (!st)
        st = set_text(&c->purl, purl, err);
    if (!st && hit->suffix[0]) {
        char note[160];
        snprintf(note, sizeof note,
                 "the banner names a distribution build (%s): fixes may be backported",
                 hit->suffix);
        st = set_text(&c->note, note, err);
    }
    return st;
}

static iotssf_status add_hit(iotssf_components *out, const banner_hit *hit, const char *where,
                             const char *banner, iotssf_error *err)
{
    iotssf_component *c = iotssf_components_find(out, hit->product->id, hit->version, false);
    if (!c) {
        c = iotssf_components_push(out, err);
        if (!c)
            return err->status;
        iotssf_status st = new_component(c, hit, err);
        if (st)
            return st;
    }
    return iotssf_component_add_evidence(c, "banner", NULL, where, 0, banner, err);
}

static iotssf_status add_service(iotssf_components *out, const iotssf_probe_host *h,
                                 const iotssf_probe_service *s, iotssf_error *err)
{
    enum { HITS_PER_BANNER = 8 };
    banner_hit hits[HITS_PER_BANNER];
    char where[300], text[600];
    bool v6 = strchr(h->address, ':') != NULL;
    snprintf(where, sizeof where, "%s%s%s:%d%s", v6 ? "[" : "", h->address, v6 ? "]" : "",
             s->port, strcmp(s->transport, "udp") == 0 ? "/udp" : "");
    size_t n = s->banner ? banner_products(s->banner, hits, HITS_PER_BANNER) : 0;
    const char *evidence = s->banner;
    if (n == 0 && s->product && s->version) {
        /* The banner was abbreviated past the version: the service's own
         * product and version fields still name it. */
        snprintf(text, sizeof text, "%s %s", s->product, s->version);
        n = banner_products(text, hits, HITS_PER_BANNER);
        evidence = text;
    }
    for (size_t i = 0; i < n; i++) {
        iotssf_status st = add_hit(out, &hits[i], where, evidence, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_probe_components(const iotssf_probe_result *r, iotssf_components *out,
                                      iotssf_error *err)
{
    iotssf_components list;
    iotssf_components_init(&list);
    iotssf_error_clear(err);
    iotssf_status st = IOTSSF_OK;
    for (size_t i = 0; !st && i < r->host_count; i++)
        for (size_t k = 0; !st && k < r->hosts[i].service_count; k++)
            st = add_service(&list, &r->hosts[i], &r->hosts[i].services[k], err);
    if (st) {
        iotssf_components_free(&list);
        return st;
    }
    iotssf_components_sort(&list);
    *out = list;
    return IOTSSF_OK;
}
