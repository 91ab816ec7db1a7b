/*
 * The targets of a probe: only what the user named (addresses, host names,
 * small CIDR ranges), never anything discovered. A range larger than the
 * limit is refused unless the user lifts it on purpose; multicast, broadcast
 * and unspecified addresses are refused always, so no probe (SSDP's M-SEARCH
 * included) ever leaves for more than one host.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probe_internal.h"

enum { MAX_ALLOWED_RANGE = 65536, MAX_TARGETS = 65536 * 4 };

void iotssf_probe_targets_init(iotssf_probe_targets *t)
{
    memset(t, 0, sizeof *t);
}

void iotssf_probe_targets_free(iotssf_probe_targets *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->names[i]);
        free(t->addresses[i]);
    }
    free(t->names);
    free(t->addresses);
    iotssf_probe_targets_init(t);
}

static iotssf_status push(iotssf_probe_targets *t, const char *name, const char *address,
                          iotssf_error *err)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->addresses[i], address) == 0)
            return IOTSSF_OK; /* named twice: probed once */
    if (t->count >= MAX_TARGETS)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "more than %d targets",
                           MAX_TARGETS);
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **n = realloc(t->names, cap * sizeof *n);
        if (n)
            t->names = n;
        char **a = realloc(t->addresses, cap * sizeof *a);
        if (a)
            t->addresses = a;
        if (!n || !a)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        t->cap = cap;
    }
    char *nd = strdup(name), *ad = strdup(address);
    if (!nd || !ad) {
        free(nd);
        free(ad);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    t->names[t->count] = nd;
    t->addresses[t->count++] = ad;
    return IOTSSF_OK;
}

/* Multicast, broadcast and unspecified addresses reach more than one host. */
static const char *refused_why(int family, const unsigned char *a)
{
    if (family == AF_INET) {
        if (a[0] >= 224 && a[0] <= 239)
            return "a multicast address";
        if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
            return "the broadcast address";
        if (!a[0] && !a[1] && !a[2] && !a[3])
            return "the unspecified address";
        return NULL;
    }
    if (a[0] == 0xff)
        return "a multicast address";
    static const unsigned char zero[16];
    return memcmp(a, zero, 16) == 0 ? "the unspecified address" : NULL;
}

static iotssf_status add_address(iotssf_probe_targets *t, const char *name, int family,
                                 const unsigned char *bytes, iotssf_error *err)
{
    const char *why = refused_why(family, bytes);
    if (why)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "target '%s' is %s: the probe only talks to single hosts", name, why);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(family, bytes, text, sizeof text);
    return push(t, name, text, err);
}

static iotssf_status add_range(iotssf_probe_targets *t, const char *spec,
                               const iotssf_probe_options *o, iotssf_error *err)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(spec, '/');
    size_t alen = (size_t)(slash - spec);
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    unsigned char bytes[16];
    int family = AF_INET;
    if (alen >= sizeof addr || *end || end == slash + 1)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "target '%s' is not a CIDR range",
                           spec);
    memcpy(addr, spec, alen);
    addr[alen] = '\0';
    if (inet_pton(AF_INET, addr, bytes) != 1) {
        family = AF_INET6;
        if (inet_pton(AF_INET6, addr, bytes) != 1)
            return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                               "target '%s': '%s' is not an IP address", spec, addr);
    }
    int bits = family == AF_INET ? 32 : 128;
    if (prefix < 0 || prefix > bits)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "target '%s': the prefix must be 0 to %d", spec, bits);
    int host_bits = bits - (int)prefix;
    unsigned limit = o->allow_range ? MAX_ALLOWED_RANGE : (o->max_range ? o->max_range : 4);
    if (host_bits > 30 || (1ul << host_bits) > limit)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "target '%s' covers %s%lu addresses, more than the limit of %u%s",
                           spec, host_bits > 30 ? "over " : "",
                           host_bits > 30 ? (1ul << 30) : (1ul << host_bits), limit,
                           o->allow_range ? "" : " (--allow-range lifts it, up to 65536)");
    /* The host part starts at zero; count through the last 16 bits. */
    int len = family == AF_INET ? 4 : 16;
    for (int i = 0; i < host_bits; i++)
        bytes[len - 1 - i / 8] &= (unsigned char)~(1u << (i % 8));
    unsigned long count = 1ul << host_bits;
    /* IPv4 ranges of 4 and more: not the network and broadcast addresses. */
    bool skip_ends = family == AF_INET && host_bits >= 2;
    for (unsigned long k = 0; k < count; k++) {
        unsigned char cur[16];
        memcpy(cur, bytes, (size_t)len);
        unsigned long carry = k;
        for (int i = len - 1; i >= 0 && carry; i--) {
            unsigned long v = cur[i] + (carry & 0xff);
            cur[i] = (unsigned char)v;
            carry = (carry >> 8) + (v >> 8);
        }
        if (skip_ends && (k == 0 || k == count - 1))
            continue;
        iotssf_status st = add_address(t, spec, family, cur, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_probe_targets_add(iotssf_probe_targets *t, const char *spec,
                                       const iotssf_probe_options *o, iotssf_error *err)
{
    unsigned char bytes[16];
    if (!spec[0] || strlen(spec) > 253)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "empty or overlong target");
    if (strchr(spec, '/'))
        return add_range(t, spec, o, err);
    if (inet_pton(AF_INET, spec, bytes) == 1)
        return add_address(t, spec, AF_INET, bytes, err);
    if (inet_pton(AF_INET6, spec, bytes) == 1)
        return add_address(t, spec, AF_INET6, bytes, err);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(spec, NULL, &hints, &res);
    if (rc != 0 || !res)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "target '%s' does not resolve: %s",
                           spec, gai_strerror(rc));
    /* One name, one host: the first address only, never every record. */
    iotssf_status st;
    if (res->ai_family == AF_INET)
        st = add_address(t, spec, AF_INET,
                         (const unsigned char *)&((struct sockaddr_in *)res->ai_addr)->sin_addr,
                         err);
    else
        st = add_address(t, spec, AF_INET6,
                         (const unsigned char *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr,
                         err);
    freeaddrinfo(res);
    return st;
}

iotssf_status iotssf_probe_targets_load(iotssf_probe_targets *t, const char *path,
                                        const iotssf_probe_options *o, iotssf_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read the targets file");
    char line[1024];
    unsigned lineno = 0;
    iotssf_status st = IOTSSF_OK;
    while (!st && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\r\n,", &save); tok && !st;
             tok = strtok_r(NULL, " \t\r\n,", &save)) {
            st = iotssf_probe_targets_add(t, tok, o, err);
            if (st) {
                char msg[sizeof err->message];
                snprintf(msg, sizeof msg, "%s", err->message);
                iotssf_fail(err, st, path, lineno, 0, "%s", msg);
            }
        }
    }
    fclose(f);
    return st;
}
