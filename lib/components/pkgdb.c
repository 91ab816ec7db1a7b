/*
 * Package databases inside an image: opkg (OpenWrt: usr/lib/opkg/status and
 * the per-package usr/lib/opkg/info/<name>.control) and dpkg
 * (var/lib/dpkg/status). Both are RFC 822-like stanzas of "Field: value"
 * separated by blank lines. A record is kept when its package (or, for
 * dpkg, its source package) is named in a signature's `packages`; the
 * reconciliation with what the binaries say happens in reconcile.c.
 *
 * RPM databases (var/lib/rpm, a Berkeley DB or SQLite file) are not read:
 * RPM-based firmware is rare in this field and the binary evidence still
 * applies. Alpine's lib/apk/db/installed is not read either.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"

enum { FIELD_MAX = 256, DB_MAX_BYTES = 64 * 1024 * 1024 };

typedef enum db_kind { DB_NONE, DB_OPKG, DB_DPKG } db_kind;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static db_kind kind_of(const char *path)
{
    if (strcmp(path, "usr/lib/opkg/status") == 0 || strcmp(path, "var/lib/opkg/status") == 0 ||
        ((strncmp(path, "usr/lib/opkg/info/", 18) == 0 ||
          strncmp(path, "var/lib/opkg/info/", 18) == 0) &&
         ends_with(path, ".control") && !strchr(path + 18, '/')))
        return DB_OPKG;
    if (strcmp(path, "var/lib/dpkg/status") == 0)
        return DB_DPKG;
    return DB_NONE;
}

bool pkgdb_is_database(const char *path)
{
    return kind_of(path) != DB_NONE;
}

void pkgdb_upstream(const char *version, char *out, size_t size)
{
    const char *v = version;
    const char *colon = strchr(v, ':');
    if (colon && colon - v < 8) {
        bool digits = colon > v;
        for (const char *p = v; p < colon; p++)
            digits = digits && *p >= '0' && *p <= '9';
        if (digits)
            v = colon + 1;
    }
    unsigned parts;
    size_t n = version_span((const uint8_t *)v, strlen(v), &parts);
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), v);
}

/* One stanza's fields of interest. */
typedef struct stanza {
    char package[FIELD_MAX], version[FIELD_MAX], source[FIELD_MAX], status[FIELD_MAX];
    uint64_t offset;
} stanza;

static bool installed(const stanza *st)
{
    /* Control files have no Status; a status file lists removed packages too. */
    return !st->status[0] ||
           (strstr(st->status, " installed") && !strstr(st->status, "not-installed"));
}

static bool listed(const char *name, const char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* The one signature the record names: by package name, then (dpkg) by
 * source package. A source shared by two components (Debian's "wpa" builds
 * both hostapd and wpa_supplicant) names neither: guessing would invent one. */
static bool sig_of_record(const iotssf_component_sigs *sigs, db_kind kind, const stanza *st,
                          size_t *out)
{
    size_t hits = 0;
    for (int by_source = 0; by_source < 2 && hits == 0; by_source++) {
        const char *name = by_source ? st->source : st->package;
        if (!name[0] || (by_source && kind != DB_DPKG))
            continue;
        for (size_t i = 0; i < sigs->count; i++) {
            const comp_sig *g = &sigs->sigs[i];
            bool named = kind == DB_OPKG ? listed(name, g->openwrt, g->openwrt_count)
                                         : listed(name, g->debian, g->debian_count);
            if (named) {
                *out = i;
                hits++;
            }
        }
    }
    return hits == 1;
}

static iotssf_status keep_record(iotssf_component_scan *s, db_kind kind, const stanza *st,
                                 const char *origin, const char *path, iotssf_error *err)
{
    size_t sig;
    if (!st->package[0] || !st->version[0] || !installed(st) ||
        !sig_of_record(s->sigs, kind, st, &sig))
        return IOTSSF_OK;
    if (s->pkg_count >= MAX_PACKAGES)
        return IOTSSF_OK;
    pkg_record *grown = realloc(s->pkgs, (s->pkg_count + 1) * sizeof *grown);
    if (!grown)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    s->pkgs = grown;
    char upstream[FIELD_MAX];
    pkgdb_upstream(st->version, upstream, sizeof upstream);
    pkg_record *p = &grown[s->pkg_count++];
    *p = (pkg_record){sig, kind == DB_OPKG ? "opkg-status" : "dpkg-status", strdup(st->package),
                      strdup(st->version), strdup(upstream), strdup(origin ? origin : ""),
                      strdup(path), st->offset};
    if (!p->package || !p->version || !p->upstream || !p->origin || !p->path)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return IOTSSF_OK;
}

/* Copies a field's value (trimmed, printable, first line only). */
static void take_value(const uint8_t *p, size_t n, char *out)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < FIELD_MAX; i++)
        out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    out[k] = '\0';
}

static void take_field(stanza *st, const uint8_t *line, size_t n)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"Package:", offsetof(stanza, package)},
        {"Version:", offsetof(stanza, version)},
        {"Source:", offsetof(stanza, source)},
        {"Status:", offsetof(stanza, status)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t k = strlen(fields[i].name);
        if (n >= k && memcmp(line, fields[i].name, k) == 0) {
            char *out = (char *)st + fields[i].offset;
            take_value(line + k, n - k, out);
            if (fields[i].offset == offsetof(stanza, source)) /* "openssl (3.0.11-1)" */
                out[strcspn(out, " ")] = '\0';
            return;
        }
    }
}

iotssf_status pkgdb_read(iotssf_component_scan *s, const char *origin, const char *path,
                         const uint8_t *data, size_t size, iotssf_error *err)
{
    db_kind kind = kind_of(path);
    if (kind == DB_NONE || size > DB_MAX_BYTES)
        return IOTSSF_OK;
    stanza st;
    memset(&st, 0, sizeof st);
    size_t at = 0;
    while (at <= size) {
        const uint8_t *nl = at < size ? memchr(data + at, '\n', size - at) : NULL;
        size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
        bool blank = n == 0 || (n == 1 && data[at] == '\r');
        if (blank || at == size) {
            iotssf_status rs = keep_record(s, kind, &st, origin, path, err);
            if (rs)
                return rs;
            memset(&st, 0, sizeof st);
        } else if (data[at] != ' ' && data[at] != '\t') {
            if (!st.package[0] && !st.version[0])
                st.offset = at;
            take_field(&st, data + at, n);
        }
        if (!nl)
            break;
        at += n + 1;
    }
    if (st.package[0])
        return keep_record(s, kind, &st, origin, path, err);
    return IOTSSF_OK;
}
