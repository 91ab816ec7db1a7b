/*
 * Version ordering for the schemes of include/iotssf/vulns.h. Versions come
 * from firmware strings, banners and advisories, so every byte sequence must
 * get a place in one total order (the matcher sorts range events with it and
 * fuzz/fuzz_version.c checks antisymmetry and transitivity): numbers are
 * compared as digit strings, never parsed into integers that could overflow.
 *
 * "dotted" (also "openssl", "openssh", "dropbear", which need nothing more):
 * the version is read as runs of digits and runs of letters; everything else
 * separates. Runs compare in this class order: a pre-release word (dev,
 * alpha, beta, pre, rc) < the end of the version < other letters < a number.
 * So 1.0rc1 < 1.0 < 1.0a < 1.0.1, 1.0.2k < 1.0.2u < 1.0.2za < 1.1.0 and
 * 9.3 < 9.3p1 < 9.3p2 < 9.4.
 *
 * "debian": [epoch:]upstream[-revision] as Debian policy 5.6.12 orders it
 * (the dpkg algorithm: '~' before everything, even the end; letters before
 * other punctuation).
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "vulns_internal.h"

/* Digit strings of any length, leading zeros ignored. */
static int compare_digits(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && *a == '0')
        a++, alen--;
    while (blen > 0 && *b == '0')
        b++, blen--;
    if (alen != blen)
        return alen < blen ? -1 : 1;
    int c = memcmp(a, b, alen);
    return (c > 0) - (c < 0);
}

typedef enum run_class { RUN_PRERELEASE, RUN_END, RUN_LETTERS, RUN_NUMBER } run_class;

typedef struct version_run {
    run_class cls;
    int rank;          /* RUN_PRERELEASE: which word */
    const char *text;
    size_t len;
} version_run;

static int prerelease_rank(const char *s, size_t len)
{
    static const char *const words[] = {"dev", "alpha", "beta", "pre", "rc", NULL};
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == len && strncasecmp(words[i], s, len) == 0)
            return i;
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The next run at *s, moving *s past it. */
static version_run next_run(const char **s)
{
    const char *p = *s;
    while (*p && !is_digit(*p) && !is_letter(*p))
        p++;
    version_run r = {.cls = RUN_END, .text = p};
    if (!*p) {
        *s = p;
        return r;
    }
    bool digits = is_digit(*p);
    while (*p && (digits ? is_digit(*p) : is_letter(*p)))
        p++;
    r.len = (size_t)(p - r.text);
    if (digits) {
        r.cls = RUN_NUMBER;
    } else {
        r.rank = prerelease_rank(r.text, r.len);
        r.cls = r.rank >= 0 ? RUN_PRERELEASE : RUN_LETTERS;
    }
    *s = p;
    return r;
}

static int compare_letters(const version_run *a, const version_run *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a->text[i]), cb = tolower((unsigned char)b->text[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (a->len > b->len) - (a->len < b->len);
}

static int compare_runs(const version_run *a, const version_run *b)
{
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    switch (a->cls) {
    case RUN_NUMBER: return compare_digits(a->text, a->len, b->text, b->len);
    case RUN_LETTERS: return compare_letters(a, b);
    case RUN_PRERELEASE: return (a->rank > b->rank) - (a->rank < b->rank);
    default: return 0;
    }
}

static int compare_dotted(const char *a, const char *b)
{
    for (;;) {
        version_run ra = next_run(&a), rb = next_run(&b);
        int c = compare_runs(&ra, &rb);
        if (c || (ra.cls == RUN_END && rb.cls == RUN_END))
            return c;
    }
}

/* dpkg's weight of a non-digit character: '~' first, the end and digits
 * next, then letters, then everything else. */
static int debian_order(unsigned char c)
{
    if (c == '~')
        return -1;
    if (c == 0 || is_digit((char)c))
        return 0;
    if (is_letter((char)c))
        return c;
    return c + 256;
}

/* One part (upstream or revision), `alen`/`blen` bytes long. */
static int compare_debian_part(const char *a, size_t alen, const char *b, size_t blen)
{
    const char *ae = a + alen, *be = b + blen;
    while (a < ae || b < be) {
        while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
            int wa = debian_order(a < ae ? (unsigned char)*a : 0);
            int wb = debian_order(b < be ? (unsigned char)*b : 0);
            if (wa != wb)
                return wa < wb ? -1 : 1;
            if (a < ae)
                a++;
            if (b < be)
                b++;
        }
        const char *da = a, *db = b;
        while (a < ae && is_digit(*a))
            a++;
        while (b < be && is_digit(*b))
            b++;
        int c = compare_digits(da, (size_t)(a - da), db, (size_t)(b - db));
        if (c)
            return c;
    }
    return 0;
}

typedef struct debian_version {
    const char *epoch, *upstream, *revision;
    size_t epoch_len, upstream_len, revision_len;
} debian_version;

/* An epoch is all digits before the first ':'; anything else is upstream. */
static debian_version split_debian(const char *v)
{
    debian_version d = {.epoch = v, .upstream = v, .revision = ""};
    const char *colon = strchr(v, ':');
    if (colon && colon > v && strspn(v, "0123456789") == (size_t)(colon - v)) {
        d.epoch_len = (size_t)(colon - v);
        d.upstream = colon + 1;
    }
    const char *dash = strrchr(d.upstream, '-');
    d.upstream_len = dash ? (size_t)(dash - d.upstream) : strlen(d.upstream);
    if (dash) {
        d.revision = dash + 1;
        d.revision_len = strlen(d.revision);
    }
    return d;
}

static int compare_debian(const char *a, const char *b)
{
    debian_version da = split_debian(a), db = split_debian(b);
    int c = compare_digits(da.epoch, da.epoch_len, db.epoch, db.epoch_len);
    if (!c)
        c = compare_debian_part(da.upstream, da.upstream_len, db.upstream, db.upstream_len);
    if (!c)
        c = compare_debian_part(da.revision, da.revision_len, db.revision, db.revision_len);
    return c;
}

int iotssf_version_compare(const char *scheme, const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    if (scheme && strcmp(scheme, "debian") == 0)
        return compare_debian(a, b);
    return compare_dotted(a, b);
}

bool iotssf_version_is_partial(const char *scheme, const char *version)
{
    if (!version || !*version || strpbrk(version, "*?"))
        return true;
    size_t len = strlen(version);
    char last = version[len - 1];
    if (last == '.' || last == '-' || ((last == 'x' || last == 'X') && len >= 2 &&
                                       version[len - 2] == '.'))
        return true;
    if (scheme && strcmp(scheme, "debian") == 0)
        return strpbrk(version, "0123456789") == NULL;
    /* "1" or "2019" alone could be any release of that line. */
    const char *p = version;
    int numbers = 0;
    for (version_run r = next_run(&p); r.cls != RUN_END; r = next_run(&p))
        numbers += r.cls == RUN_NUMBER;
    return numbers < 2;
}
