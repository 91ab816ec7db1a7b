/*
 * JSON strings from untrusted text (see json_text.h): valid UTF-8 passes
 * through unchanged, anything else is repaired byte by byte.
 */
#include "json_text.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at `p` (at most `left` bytes), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
    size_t n;
    unsigned min;
    unsigned cp;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0)
        n = 2, min = 0x80, cp = p[0] & 0x1f;
    else if ((p[0] & 0xf0) == 0xe0)
        n = 3, min = 0x800, cp = p[0] & 0x0f;
    else if ((p[0] & 0xf8) == 0xf0)
        n = 4, min = 0x10000, cp = p[0] & 0x07;
    else
        return 0;
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are invalid. */
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return n;
}

char *utf8_repaired(const char *s)
{
    size_t len = strlen(s);
    /* Each bad byte becomes three (U+FFFD), so 3x always suffices. */
    char *fixed = malloc(len * 3 + 1);
    if (!fixed)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence((const unsigned char *)s + i, len - i);
        if (n) {
            memcpy(fixed + k, s + i, n);
            k += n;
            i += n;
        } else {
            memcpy(fixed + k, "\xef\xbf\xbd", 3);
            k += 3;
            i++;
        }
    }
    fixed[k] = '\0';
    return fixed;
}

json_t *json_text(const char *s)
{
    if (!s)
        return NULL;
    json_t *j = json_string(s);
    if (j)
        return j;
    char *fixed = utf8_repaired(s);
    j = fixed ? json_string(fixed) : NULL;
    free(fixed);
    return j;
}

bool json_set_text(json_t *o, const char *key, const char *s)
{
    if (!s || !*s)
        return false;
    json_t *j = json_text(s);
    return j && json_object_set_new(o, key, j) == 0;
}
