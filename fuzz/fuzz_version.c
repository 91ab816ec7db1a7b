/*
 * libFuzzer target for version ordering (lib/vulns/version.c): the input is
 * three versions separated by newlines. In every scheme the comparison must
 * be reflexive, antisymmetric and transitive over the three, since range
 * matching sorts events with it; partial-version detection must not crash.
 * Seeds: fuzz/corpus/version/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void check(const char *scheme, const char *v[3])
{
    int c[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            c[i][j] = sign(iotssf_version_compare(scheme, v[i], v[j]));
    for (int i = 0; i < 3; i++) {
        if (c[i][i] != 0)
            fuzz_fail("a version differs from itself", NULL);
        for (int j = 0; j < 3; j++) {
            if (c[i][j] != -c[j][i])
                fuzz_fail("comparison is not antisymmetric", NULL);
            for (int k = 0; k < 3; k++)
                if (c[i][j] <= 0 && c[j][k] <= 0 && c[i][k] > 0)
                    fuzz_fail("comparison is not transitive", NULL);
        }
        iotssf_version_is_partial(scheme, v[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *v[3] = {"", "", ""};
    char *p = buf;
    for (int i = 0; i < 3 && p; i++) {
        v[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    check("dotted", v);
    check("debian", v);
    free(buf);
    return 0;
}
