/*
 * Identification of one file: a single pass of the anchor automaton over
 * its bytes; where an anchor ends, the rules using it read the version from
 * the bytes right there. A file's observations are then tidied (a version
 * that is a prefix of a longer one seen in the same file is the same
 * release, said shorter) and recorded as evidence of components, with the
 * file and its SHA-256. Observations without a version wait for the end of
 * the run (reconcile.c), when it is known whether a versioned component of
 * the same id exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sha256.h"
#include "scan_internal.h"

enum { MAX_FOUND_PER_FILE = 64 };

typedef struct file_scan {
    const iotssf_component_sigs *sigs;
    const char *path;
    found items[MAX_FOUND_PER_FILE];
    size_t count;
    uint8_t seen[MAX_ANCHORS]; /* anchors met in this file */
} file_scan;

iotssf_component_scan *iotssf_component_scan_new(const iotssf_component_sigs *sigs,
                                                 iotssf_error *err)
{
    iotssf_component_scan *s = calloc(1, sizeof *s);
    if (!s) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    s->sigs = sigs;
    iotssf_components_init(&s->comps);
    return s;
}

void iotssf_component_scan_free(iotssf_component_scan *s)
{
    if (!s)
        return;
    iotssf_components_free(&s->comps);
    for (size_t i = 0; i < s->pending_count; i++) {
        free(s->pending[i].file.origin);
        free(s->pending[i].file.path);
    }
    free(s->pending);
    for (size_t i = 0; i < s->pkg_count; i++) {
        pkg_record *p = &s->pkgs[i];
        free(p->package);
        free(p->version);
        free(p->upstream);
        free(p->origin);
        free(p->path);
    }
    free(s->pkgs);
    free(s);
}

/* Printable text from `at`, up to a NUL or line end, for the evidence. */
static void evidence_text(const uint8_t *data, size_t size, size_t at, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = at; i < size && n + 1 < cap; i++) {
        uint8_t c = data[i];
        if (c == 0 || c == '\n' || c == '\r')
            break;
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
    }
    out[n] = '\0';
}

static bool rule_applies(const sig_rule *r, const char *path)
{
    if (!r->glob_count && !r->containing_count)
        return true;
    for (size_t i = 0; i < r->glob_count; i++)
        if (sig_glob_match(r->globs[i], path))
            return true;
    return false;
}

static bool version_acceptable(const sig_rule *r, const char *version)
{
    unsigned parts;
    version_span((const uint8_t *)version, strlen(version), &parts);
    return parts >= r->min_parts && (!r->prefix || strncmp(version, r->prefix,
                                                           strlen(r->prefix)) == 0);
}

static void note_found(file_scan *fs, const sig_rule *r, const char *version, bool partial,
                       uint64_t offset, const char *text)
{
    for (size_t i = 0; i < fs->count; i++) {
        const found *f = &fs->items[i];
        if (f->sig == r->sig && strcmp(f->version, version) == 0 && f->partial == partial &&
            f->method == r->method)
            return;
    }
    if (fs->count >= MAX_FOUND_PER_FILE)
        return;
    found *f = &fs->items[fs->count++];
    memset(f, 0, sizeof *f);
    f->sig = r->sig;
    snprintf(f->version, sizeof f->version, "%s", version);
    f->partial = partial || (r->partial && version[0]);
    f->alone = r->product ? r->alone : true;
    f->confidence = r->confidence;
    f->method = r->method;
    f->offset = offset;
    snprintf(f->text, sizeof f->text, "%s", text);
    f->pending_rule = r->containing_count ? r : NULL;
}

/* An anchor ended at data[end - 1]: try each rule that uses it. */
static void on_anchor(file_scan *fs, const sig_anchor *a, const uint8_t *data, size_t size,
                      size_t end)
{
    size_t start = end - a->len;
    char text[EVIDENCE_TEXT_MAX];
    text[0] = '\0'; /* made when a rule first matches: most anchor hits match nothing */
    for (size_t i = 0; i < a->rule_count; i++) {
        const sig_rule *r = &fs->sigs->rules[a->rules[i]];
        /* `containing` strings may come later in the file: decided after. */
        if (!r->containing_count && !rule_applies(r, fs->path))
            continue;
        char version[VERSION_MAX] = "";
        bool partial = false;
        if (r->product) {
            if (!text[0])
                evidence_text(data, size, start, text, sizeof text);
            note_found(fs, r, "", false, start, text);
            continue;
        }
        if (r->before) {
            if (!pattern_match_before(r, data, start, version, sizeof version) ||
                !version_acceptable(r, version))
                continue;
            /* The version sits before the anchor: show both. */
            if (!text[0])
                evidence_text(data, size, start, text, sizeof text);
            char both[VERSION_MAX + EVIDENCE_TEXT_MAX + 8];
            snprintf(both, sizeof both, "%s\\0%s", version, text);
            note_found(fs, r, version, false, start, both);
            continue;
        }
        if (!pattern_match_after(r, data, end, size, version, sizeof version, &partial))
            continue;
        if (!version_acceptable(r, version) && !partial)
            continue;
        if (!text[0])
            evidence_text(data, size, start, text, sizeof text);
        note_found(fs, r, version, partial, start, text);
    }
}

static bool may_hold_anchor_start(const sig_automaton *ac, const uint8_t *p)
{
    unsigned h = sig_quad_hash(p);
    return (ac->root_quads[h / 64] >> (h % 64)) & 1;
}

/* Whether a rule with a short anchor applies to this file, which must then
 * be walked byte by byte. */
static bool needs_every_byte(const file_scan *fs)
{
    for (size_t i = 0; i < fs->sigs->short_rule_count; i++)
        if (rule_applies(&fs->sigs->rules[fs->sigs->short_rules[i]], fs->path))
            return true;
    return false;
}

static void scan_bytes(file_scan *fs, const uint8_t *data, size_t size)
{
    const sig_automaton *ac = &fs->sigs->ac;
    if (!ac->delta)
        return;
    bool skip = !needs_every_byte(fs);
    uint32_t st = 0;
    for (size_t i = 0; i < size; i++) {
        if (st == 0 && skip) {
            /* Nothing is half-matched: skip to where a long anchor could
             * start. One starting at a >= i has one of its bytes a..a+3 at
             * a tested position t (i+3, i+7, ...) with its quad there, so
             * it starts at t-3 or later and needs 7 bytes from t-3. */
            size_t t = i + 3;
            while (t + 4 <= size && !may_hold_anchor_start(ac, data + t))
                t += 4;
            if (t + 4 > size)
                return;
            i = t - 3;
        }
        st = ac->delta[(size_t)st * 256 + data[i]];
        if (!ac->has_out[st])
            continue;
        for (int32_t o = ac->out_anchor[st] >= 0 ? (int32_t)st : ac->next_out[st]; o >= 0;
             o = ac->next_out[o]) {
            fs->seen[ac->out_anchor[o]] = 1;
            on_anchor(fs, &fs->sigs->anchors[ac->out_anchor[o]], data, size, i + 1);
        }
    }
}

/* Drops observations of rules whose file neither matches their globs nor
 * contains one of their `containing` strings. */
static void apply_containing(file_scan *fs)
{
    size_t kept = 0;
    for (size_t i = 0; i < fs->count; i++) {
        const sig_rule *r = fs->items[i].pending_rule;
        bool keep = !r || rule_applies(r, fs->path);
        if (r && !keep)
            for (size_t k = 0; k < r->containing_count && !keep; k++)
                keep = fs->seen[r->containing_anchor[k]] != 0;
        if (keep)
            fs->items[kept++] = fs->items[i];
    }
    fs->count = kept;
}

/* Rules that read a file's base name ("libuClibc-1.0.31.so"). */
static void scan_name(file_scan *fs, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (size_t i = 0; i < fs->sigs->rule_count; i++) {
        const sig_rule *r = &fs->sigs->rules[i];
        if (r->source != SIG_SOURCE_FILE_NAME || !rule_applies(r, path))
            continue;
        const char *hit = strstr(base, r->anchor);
        char version[VERSION_MAX];
        bool partial = false;
        if (!hit || r->product || r->before ||
            !pattern_match_after(r, (const uint8_t *)base, (size_t)(hit - base) + r->anchor_len,
                                 n, version, sizeof version, &partial))
            continue;
        /* A name is whole: running out of it is the pattern's end, not a cut. */
        if (version_acceptable(r, version))
            note_found(fs, r, version, false, 0, base);
    }
    for (size_t i = 0; i < fs->sigs->count; i++) {
        const comp_sig *sig = &fs->sigs->sigs[i];
        for (size_t g = 0; g < sig->file_count; g++)
            if (sig_glob_match(sig->files[g], path)) {
                sig_rule r = {.sig = i, .product = true, .alone = sig->files_alone,
                              .confidence = IOTSSF_CONFIDENCE_LOW, .method = "file-name"};
                note_found(fs, &r, "", false, 0, path);
                break;
            }
    }
}

/* "9.2" next to "9.2p1" (or "1.1.1" next to "1.1.1w") in one file is the
 * same release said shorter: drop the shorter one. */
static bool shadowed(const file_scan *fs, const found *f)
{
    size_t n = strlen(f->version);
    for (size_t i = 0; i < fs->count; i++) {
        const found *g = &fs->items[i];
        if (g == f || g->sig != f->sig || strlen(g->version) <= n ||
            strncmp(g->version, f->version, n) != 0)
            continue;
        return true;
    }
    return false;
}

static iotssf_status record_file(iotssf_component_scan *s, file_scan *fs, const file_ref *file,
                                 iotssf_error *err)
{
    for (size_t i = 0; i < fs->count; i++) {
        found *f = &fs->items[i];
        if (!f->version[0] || shadowed(fs, f))
            continue;
        iotssf_status st = scan_add(s, f, file, err);
        if (st)
            return st;
    }
    for (size_t i = 0; i < fs->count; i++) {
        found *f = &fs->items[i];
        if (f->version[0])
            continue;
        /* Beside a version of the same component in this file: more
         * evidence of it. Otherwise it waits for the end of the run. */
        bool placed = false;
        for (size_t j = 0; j < fs->count; j++) {
            found *g = &fs->items[j];
            if (g->sig != f->sig || !g->version[0] || shadowed(fs, g))
                continue;
            found merged = *f;
            snprintf(merged.version, sizeof merged.version, "%s", g->version);
            merged.partial = g->partial;
            merged.confidence = IOTSSF_CONFIDENCE_LOW;
            iotssf_status st = scan_add(s, &merged, file, err);
            if (st)
                return st;
            placed = true;
        }
        if (!placed) {
            iotssf_status st = scan_add_pending(s, f, file, err);
            if (st)
                return st;
        }
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_component_scan_file(iotssf_component_scan *s, const char *origin,
                                         const char *path, const uint8_t *data, size_t size,
                                         iotssf_error *err)
{
    if (pkgdb_is_database(path)) {
        iotssf_status st = pkgdb_read(s, origin, path, data, size, err);
        if (st)
            return st;
    }
    file_scan *fs = malloc(sizeof *fs);
    if (!fs)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    fs->sigs = s->sigs;
    fs->path = path;
    fs->count = 0;
    memset(fs->seen, 0, sizeof fs->seen);
    scan_name(fs, path);
    scan_bytes(fs, data, size);
    apply_containing(fs);
    iotssf_status st = IOTSSF_OK;
    if (fs->count) {
        file_ref file = {origin, path, "", size};
        sha256_hex(data, size, file.sha256);
        st = record_file(s, fs, &file, err);
    }
    free(fs);
    return st;
}

iotssf_status iotssf_component_scan_uimage_name(iotssf_component_scan *s, const char *origin,
                                                const char *name, iotssf_error *err)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < s->sigs->rule_count; i++) {
        const sig_rule *r = &s->sigs->rules[i];
        if (r->source != SIG_SOURCE_UIMAGE_HEADER || r->product || r->before)
            continue;
        const char *hit = strstr(name, r->anchor);
        char version[VERSION_MAX];
        bool partial = false;
        if (!hit || !pattern_match_after(r, (const uint8_t *)name,
                                         (size_t)(hit - name) + r->anchor_len, n, version,
                                         sizeof version, &partial) ||
            !version_acceptable(r, version))
            continue;
        found f = {.sig = r->sig, .alone = true, .confidence = r->confidence,
                   .method = r->method};
        snprintf(f.version, sizeof f.version, "%s", version);
        /* The header's name field is 32 bytes: a version that fills it to
         * the end may have been cut. */
        f.partial = r->partial || (partial && n >= 32);
        snprintf(f.text, sizeof f.text, "%s", name);
        file_ref file = {origin, NULL, "", 0};
        iotssf_status st = scan_add(s, &f, &file, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_component_scan_finish(iotssf_component_scan *s, iotssf_components *out,
                                           iotssf_error *err)
{
    iotssf_status st = scan_conclude(s, err);
    if (st)
        return st;
    for (size_t i = 0; i < s->comps.count; i++) {
        iotssf_component *c = iotssf_components_push(out, err);
        if (!c)
            return err->status;
        *c = s->comps.items[i];
        memset(&s->comps.items[i], 0, sizeof s->comps.items[i]);
    }
    s->comps.count = 0;
    iotssf_components_sort(out);
    return IOTSSF_OK;
}
