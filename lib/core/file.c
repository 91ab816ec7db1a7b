/*
 * Bounded whole-file reads (see file.h).
 */
#include "file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

iotssf_status read_file_bounded(const char *path, size_t max_bytes, char **out, size_t *len,
                                iotssf_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "not a regular file");
    }
    if ((unsigned long long)sb.st_size > max_bytes) {
        fclose(f);
        return iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0,
                           "too large (%lld bytes; at most %zu)", (long long)sb.st_size,
                           max_bytes);
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    if (!buf) {
        fclose(f);
        return iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    }
    /* Read one byte past the size seen, in case the file grew meanwhile. */
    size_t n = fread(buf, 1, (size_t)sb.st_size + 1, f);
    bool bad = ferror(f) || n > (size_t)sb.st_size;
    fclose(f);
    if (bad) {
        free(buf);
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read, or changed while read");
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return IOTSSF_OK;
}

