/*
 * The port knowledge of the probe, as data (data/probe/ports.yaml): which
 * ports make up the IoT set, what usually answers on each (a hint for
 * identification, never a conclusion), whether TLS is expected, and which
 * rule an open port raises by itself (Mirai's telnet ports, maintenance
 * back doors). Also the --ports syntax: "all", or "21,80-90,u:161".
 */
#include <stdlib.h>
#include <string.h>

#include "../core/doc.h"
#include "probe_internal.h"

static iotssf_status load_entry(doc_ctx *c, const doc_node *n, const iotssf_rule_set *rules,
                                port_info *p)
{
    static const char *const keys[] = {"port", "transport", "service", "tls", "rule", "why",
                                       "iot", NULL};
    static const char *const transports[] = {"tcp", "udp", NULL};
    const doc_node *v;
    long long port;
    TRY(doc_expect(c, n, DOC_MAPPING, "port"));
    TRY(doc_check_keys(c, n, keys, "port"));
    TRY(doc_require(c, n, "port", "port", &v));
    TRY(doc_integer(c, v, 1, 65535, "port number", &port));
    p->port = (int)port;
    p->iot = true;
    if ((v = doc_get(n, "transport")) != NULL) {
        int which;
        TRY(doc_enum(c, v, transports, "transport", &which));
        p->udp = which == 1;
    }
    TRY(doc_require(c, n, "service", "port", &v));
    TRY(doc_string(c, v, "service", &p->service));
    if ((v = doc_get(n, "tls")) != NULL)
        TRY(doc_bool(c, v, "tls", &p->tls));
    if ((v = doc_get(n, "iot")) != NULL)
        TRY(doc_bool(c, v, "iot", &p->iot));
    if ((v = doc_get(n, "rule")) != NULL) {
        TRY(doc_string(c, v, "rule", &p->rule));
        if (rules && !iotssf_rules_find(rules, p->rule))
            return doc_error(c, v, "rule '%s' is not defined in data/rules", p->rule);
        if ((v = doc_get(n, "why")) == NULL)
            return doc_error(c, n, "a port with a rule needs 'why'");
        TRY(doc_string(c, v, "why", &p->why));
    }
    return IOTSSF_OK;
}

iotssf_status port_table_load(port_table *t, const char *data_dir, const iotssf_rule_set *rules,
                              iotssf_error *err)
{
    memset(t, 0, sizeof *t);
    arena_init(&t->mem);
    char *path = arena_printf(&t->mem, "%s/probe/ports.yaml", data_dir);
    if (!path)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    doc_node *root;
    const doc_node *list;
    doc_ctx c = {.file = path, .err = err};
    static const char *const keys[] = {"ports", NULL};
    TRY(doc_load_file(path, &t->mem, &root, err));
    TRY(doc_expect(&c, root, DOC_MAPPING, "ports file"));
    TRY(doc_check_keys(&c, root, keys, "ports file"));
    TRY(doc_require(&c, root, "ports", "ports file", &list));
    TRY(doc_expect(&c, list, DOC_SEQUENCE, "ports"));
    t->items = arena_alloc(&t->mem, (list->count + 1) * sizeof *t->items);
    if (!t->items)
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        port_info *p = &t->items[t->count];
        TRY(load_entry(&c, list->items[i], rules, p));
        if (port_table_find(t, p->port, p->udp))
            return doc_error(&c, list->items[i], "port %d/%s is listed twice", p->port,
                             p->udp ? "udp" : "tcp");
        t->count++;
    }
    return IOTSSF_OK;
}

void port_table_free(port_table *t)
{
    arena_free(&t->mem);
    memset(t, 0, sizeof *t);
}

const port_info *port_table_find(const port_table *t, int port, bool udp)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].port == port && t->items[i].udp == udp)
            return &t->items[i];
    return NULL;
}

/* ---- --ports ---- */

typedef struct port_bits {
    unsigned char tcp[65536 / 8], udp[65536 / 8];
} port_bits;

static void set_bit(unsigned char *bits, unsigned port)
{
    bits[port / 8] |= (unsigned char)(1u << (port % 8));
}

static size_t collect(const unsigned char *bits, uint16_t *out)
{
    size_t n = 0;
    for (unsigned p = 1; p < 65536; p++)
        if (bits[p / 8] & (1u << (p % 8))) {
            if (out)
                out[n] = (uint16_t)p;
            n++;
        }
    return n;
}

static void add_iot_set(port_bits *b, const port_table *t, bool tcp, bool udp)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].iot && (t->items[i].udp ? udp : tcp))
            set_bit(t->items[i].udp ? b->udp : b->tcp, (unsigned)t->items[i].port);
}

static int parse_port(const char *s, const char **end)
{
    long v = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && v <= 65535)
        v = v * 10 + (*p++ - '0');
    *end = p;
    return p == s || v < 1 || v > 65535 ? -1 : (int)v;
}

static iotssf_status parse_item(port_bits *b, const char *item, size_t len, iotssf_error *err)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "--ports: empty or overlong item");
    memcpy(buf, item, len);
    buf[len] = '\0';
    const char *s = buf;
    bool udp = false;
    if (strncmp(s, "u:", 2) == 0 || strncmp(s, "udp:", 4) == 0) {
        udp = true;
        s = strchr(s, ':') + 1;
    } else if (strncmp(s, "t:", 2) == 0 || strncmp(s, "tcp:", 4) == 0) {
        s = strchr(s, ':') + 1;
    }
    const char *end;
    int lo = parse_port(s, &end), hi = lo;
    if (lo > 0 && *end == '-')
        hi = parse_port(end + 1, &end);
    if (lo < 0 || hi < 0 || *end != '\0' || hi < lo)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "--ports: '%s' is not a port (1-65535), a range like 8000-8100, or "
                           "u:PORT for UDP",
                           buf);
    for (int p = lo; p <= hi; p++)
        set_bit(udp ? b->udp : b->tcp, (unsigned)p);
    return IOTSSF_OK;
}

static iotssf_status parse_spec(port_bits *b, const char *spec, const port_table *t,
                                iotssf_error *err)
{
    if (!spec) {
        add_iot_set(b, t, true, true);
        return IOTSSF_OK;
    }
    if (strcmp(spec, "all") == 0) {
        for (unsigned p = 1; p < 65536; p++)
            set_bit(b->tcp, p);
        add_iot_set(b, t, false, true);
        return IOTSSF_OK;
    }
    const char *s = spec;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 3 && strncmp(s, "iot", 3) == 0)
            add_iot_set(b, t, true, true);
        else
            TRY(parse_item(b, s, len, err));
        if (!comma)
            return IOTSSF_OK;
        s = comma + 1;
    }
}

iotssf_status port_list_parse(port_list *l, const char *spec, const port_table *t,
                              iotssf_error *err)
{
    memset(l, 0, sizeof *l);
    port_bits *b = calloc(1, sizeof *b);
    if (!b)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    iotssf_status st = parse_spec(b, spec, t, err);
    if (!st) {
        l->tcp_count = collect(b->tcp, NULL);
        l->udp_count = collect(b->udp, NULL);
        l->tcp = malloc((l->tcp_count + 1) * sizeof *l->tcp);
        l->udp = malloc((l->udp_count + 1) * sizeof *l->udp);
        if (!l->tcp || !l->udp)
            st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        else {
            collect(b->tcp, l->tcp);
            collect(b->udp, l->udp);
        }
    }
    if (!st && l->tcp_count + l->udp_count == 0)
        st = iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0, "--ports names no port");
    free(b);
    if (st)
        port_list_free(l);
    return st;
}

void port_list_free(port_list *l)
{
    free(l->tcp);
    free(l->udp);
    memset(l, 0, sizeof *l);
}
