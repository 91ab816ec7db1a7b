/*
 * UPnP: an M-SEARCH sent to the target alone (unicast, never multicast), its
 * answer (a finding: the device advertises itself and tells its software),
 * and, when the description it points to (on the target itself; a LOCATION
 * elsewhere is not followed) offers an Internet Gateway Device's
 * WANIPConnection or WANPPPConnection service, one read-only question to
 * that service: GetExternalIPAddress. An answer without authentication means
 * the same control endpoint takes AddPortMapping from anyone on the LAN (the
 * action is mandatory in both services); we never add a mapping to prove it.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

size_t ssdp_build_msearch(char *out, size_t cap, const char *host_literal, int port)
{
    bool v6 = strchr(host_literal, ':') != NULL;
    int n = snprintf(out, cap,
                     "M-SEARCH * HTTP/1.1\r\nHOST: %s%s%s:%d\r\nMAN: \"ssdp:discover\"\r\nMX: "
                     "1\r\nST: upnp:rootdevice\r\nUSER-AGENT: iotssf-probe\r\n\r\n",
                     v6 ? "[" : "", host_literal, v6 ? "]" : "", port);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void header_value(const char *buf, size_t len, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (size_t i = 0; i + nlen + 1 < len; i++) {
        if ((i == 0 || buf[i - 1] == '\n') && strncasecmp(buf + i, name, nlen) == 0 &&
            buf[i + nlen] == ':') {
            const char *v = buf + i + nlen + 1;
            size_t vlen = 0;
            while (v + vlen < buf + len && v[vlen] != '\r' && v[vlen] != '\n')
                vlen++;
            while (vlen && (*v == ' ' || *v == '\t'))
                v++, vlen--;
            probe_printable(v, vlen < size - 1 ? vlen : size - 1, out, size);
            return;
        }
    }
}

bool ssdp_reply_parse(const char *buf, size_t len, ssdp_reply *r)
{
    memset(r, 0, sizeof *r);
    http_response h;
    if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0)
        return false;
    /* SSDP answers are headers only; some omit the final empty line. */
    if (http_response_parse(buf, len, &h) == 1)
        r->status = h.status;
    else if (buf[8] == ' ' && isdigit((unsigned char)buf[9]) && isdigit((unsigned char)buf[10]) &&
             isdigit((unsigned char)buf[11]))
        r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    header_value(buf, len, "LOCATION", r->location, sizeof r->location);
    header_value(buf, len, "SERVER", r->server, sizeof r->server);
    header_value(buf, len, "ST", r->st, sizeof r->st);
    return r->status == 200;
}

bool upnp_url_parse(const char *url, upnp_url *u)
{
    memset(u, 0, sizeof *u);
    if (strncasecmp(url, "http://", 7) != 0)
        return false;
    const char *p = url + 7;
    size_t n;
    if (*p == '[') {
        n = strcspn(p + 1, "]");
        if (p[1 + n] != ']' || n >= sizeof u->host)
            return false;
        memcpy(u->host, p + 1, n);
        p += n + 2;
    } else {
        n = strcspn(p, ":/");
        if (n == 0 || n >= sizeof u->host)
            return false;
        memcpy(u->host, p, n);
        p += n;
    }
    u->port = 80;
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535)
            return false;
        u->port = (int)port;
        p = end;
    }
    if (*p && *p != '/')
        return false;
    snprintf(u->path, sizeof u->path, "%s", *p ? p : "/");
    return true;
}

/* The next <name> (any namespace prefix) at or after `from`. */
static const char *find_open_tag(const char *end, const char *from,
                                 const char *name, const char **content)
{
    size_t nlen = strlen(name);
    for (const char *p = from; p < end; p++) {
        if (*p != '<' || p + 1 >= end || p[1] == '/')
            continue;
        const char *q = p + 1;
        const char *tag_end = q;
        while (tag_end < end && *tag_end != '>' && *tag_end != ' ')
            tag_end++;
        const char *local = q;
        for (const char *c = q; c < tag_end; c++)
            if (*c == ':')
                local = c + 1;
        if ((size_t)(tag_end - local) == nlen && memcmp(local, name, nlen) == 0) {
            const char *gt = memchr(tag_end, '>', (size_t)(end - tag_end));
            if (!gt)
                return NULL;
            *content = gt + 1;
            return p;
        }
    }
    return NULL;
}

bool upnp_element_text(const char *xml, size_t len, const char *element, char *out, size_t size)
{
    const char *end = xml + len, *content;
    out[0] = '\0';
    if (!find_open_tag(end, xml, element, &content))
        return false;
    const char *lt = memchr(content, '<', (size_t)(end - content));
    size_t n = (size_t)((lt ? lt : end) - content);
    while (n && (*content == ' ' || *content == '\n' || *content == '\r' || *content == '\t'))
        content++, n--;
    while (n && (content[n - 1] == ' ' || content[n - 1] == '\n' || content[n - 1] == '\r'))
        n--;
    probe_printable(content, n < size - 1 ? n : size - 1, out, size);
    return true;
}

/* The next </name> (any prefix) at or after `from`, or `end`. */
static const char *find_close_tag(const char *from, const char *end, const char *name)
{
    size_t nlen = strlen(name);
    for (const char *p = from; p + 2 < end; p++) {
        if (p[0] != '<' || p[1] != '/')
            continue;
        const char *q = p + 2;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (!gt)
            return end;
        const char *local = q;
        for (const char *c = q; c < gt; c++)
            if (*c == ':')
                local = c + 1;
        if ((size_t)(gt - local) == nlen && memcmp(local, name, nlen) == 0)
            return p;
    }
    return end;
}

size_t upnp_services_parse(const char *xml, size_t len, upnp_service *out, size_t max)
{
    const char *end = xml + len, *from = xml, *content;
    size_t n = 0;
    while (n < max && from < end && find_open_tag(end, from, "service", &content)) {
        /* No nesting of <service> in UPnP: the block ends at the next close. */
        const char *close = find_close_tag(content, end, "service");
        size_t block = (size_t)(close - content);
        upnp_service *s = &out[n];
        upnp_element_text(content, block, "serviceType", s->type, sizeof s->type);
        upnp_element_text(content, block, "controlURL", s->control, sizeof s->control);
        if (s->type[0])
            n++;
        from = close < end ? close + 2 : end;
    }
    return n;
}

/* ---- the check ---- */

static bool fetch(probe_target *t, int port, const char *method, const char *path,
                  const char *extra_headers, const char *body, netbuf *b, http_response *r,
                  transcript *log)
{
    probe_conn c;
    if (!conn_open(&c, t, port, log))
        return false;
    char req[2048];
    bool v6 = strchr(t->address, ':') != NULL;
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nUser-Agent: iotssf-probe\r\n"
                     "Connection: close\r\n%sContent-Length: %zu\r\n\r\n%s",
                     method, path, v6 ? "[" : "", t->address, v6 ? "]" : "", port, extra_headers,
                     strlen(body), body);
    bool ok = n > 0 && (size_t)n < sizeof req && conn_send(&c, req, (size_t)n);
    if (ok) {
        transcript *keep = c.log;
        c.log = NULL; /* bodies are long: the caller notes what matters */
        conn_read(&c, b, t->o->timeout_ms * 2, 0, NULL, NULL);
        c.log = keep;
        ok = http_response_parse(b->data, b->len, r) == 1;
    }
    conn_close(&c);
    return ok;
}

/* A URL on the target itself, or a path relative to it; else NULL. */
static const char *same_host_path(probe_target *t, const char *url, int *port, upnp_url *u)
{
    if (url[0] == '/')
        return url;
    if (!upnp_url_parse(url, u) || strcmp(u->host, t->address) != 0)
        return NULL;
    *port = u->port;
    return u->path;
}

static void ask_igd(probe_target *t, int port, const upnp_service *s, const char *model,
                    netbuf *b)
{
    static const char body_fmt[] =
        "<?xml version=\"1.0\"?>\r\n<s:Envelope "
        "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>"
        "<u:GetExternalIPAddress xmlns:u=\"%s\"></u:GetExternalIPAddress></s:Body></s:Envelope>";
    char body[600], headers[300], address[64];
    upnp_url u;
    const char *path = same_host_path(t, s->control, &port, &u);
    if (!path)
        return;
    snprintf(body, sizeof body, body_fmt, s->type);
    snprintf(headers, sizeof headers,
             "Content-Type: text/xml; charset=\"utf-8\"\r\nSOAPAction: \"%s#GetExternalIPAddress\"\r\n",
             s->type);
    transcript log;
    transcript_init(&log);
    transcript_note(&log, "POST %s SOAPAction %s#GetExternalIPAddress", path, s->type);
    http_response r;
    netbuf_clear(b);
    if (!fetch(t, port, "POST", path, headers, body, b, &r, NULL) || r.status != 200 ||
        !upnp_element_text(b->data + r.header_len, b->len - r.header_len, "NewExternalIPAddress",
                           address, sizeof address))
        return;
    transcript_note(&log, "HTTP %d, NewExternalIPAddress %s", r.status, address);
    target_finding(t, "PROBE-UPNP-IGD-CONTROL", port, false, &log,
                   "the UPnP gateway%s%s%s's %s control on port %d answers anyone on the LAN "
                   "without authentication, so it also takes AddPortMapping requests that open "
                   "the network from the internet",
                   model[0] ? " (" : "", model, model[0] ? ")" : "",
                   strstr(s->type, "PPP") ? "WANPPPConnection" : "WANIPConnection", port);
}

static void describe(probe_target *t, const char *location)
{
    int port = 80;
    upnp_url u;
    const char *path = same_host_path(t, location, &port, &u);
    netbuf *b = malloc(sizeof *b);
    http_response r;
    if (!path || !b) {
        free(b);
        return;
    }
    netbuf_clear(b);
    if (fetch(t, port, "GET", path, "", "", b, &r, NULL) && r.status == 200) {
        upnp_service services[16];
        size_t n = upnp_services_parse(b->data + r.header_len, b->len - r.header_len, services,
                                       16);
        char model[128];
        upnp_element_text(b->data + r.header_len, b->len - r.header_len, "modelName", model,
                          sizeof model);
        for (size_t i = 0; i < n && !target_stopping(t); i++)
            if (strstr(services[i].type, ":WANIPConnection:") ||
                strstr(services[i].type, ":WANPPPConnection:"))
                ask_igd(t, port, &services[i], model, b);
    }
    free(b);
}

int ssdp_udp(probe_target *t, int port)
{
    char req[400];
    unsigned char reply[2048];
    size_t n = ssdp_build_msearch(req, sizeof req, t->address, port), got = 0;
    transcript log;
    transcript_init(&log);
    int rc = n ? udp_exchange(t, port, req, n, reply, sizeof reply - 1, &got, &log) : 0;
    ssdp_reply r;
    if (rc <= 0 || !ssdp_reply_parse((const char *)reply, got, &r))
        return rc;
    char product[64] = "", version[48] = "";
    const char *upnp = strstr(r.server, "UPnP/");
    /* "Linux/5.4 UPnP/1.1 MiniUPnPd/2.2": the product follows the UPnP token. */
    const char *tail = upnp ? strchr(upnp, ' ') : NULL;
    product_version_split(tail ? tail + 1 : r.server, product, sizeof product, version,
                          sizeof version);
    target_service(t, port, true, "ssdp", product, version, r.server, false);
    target_finding(t, "PROBE-SSDP-ANSWERS", port, true, &log,
                   "UPnP SSDP on port %d answers a search%s%s", port,
                   r.server[0] ? ", as " : "", r.server);
    if (r.location[0] && !target_stopping(t))
        describe(t, r.location);
    return 1;
}
