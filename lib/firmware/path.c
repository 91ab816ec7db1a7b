/*
 * Normalising the names readers find in images into safe relative paths.
 * Absolute names and '..' components are how hostile archives escape an
 * extraction folder; they are removed here, once, for every reader.
 */
#include <string.h>

#include "path.h"

bool fw_path_clean(const char *raw, char *out, size_t size, bool *suspicious)
{
    size_t used = 0;
    *suspicious = raw[0] == '/';
    out[0] = '\0';
    const char *p = raw;
    while (*p) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0 || (len == 1 && start[0] == '.'))
            continue;
        if (len == 2 && start[0] == '.' && start[1] == '.') {
            *suspicious = true; /* never climb: the component is dropped */
            continue;
        }
        if (used + len + 2 > size)
            return false;
        if (used)
            out[used++] = '/';
        memcpy(out + used, start, len);
        used += len;
        out[used] = '\0';
    }
    return used > 0;
}
