/*
 * Helpers shared by the tests of tests/vulns (see vulns_util.h).
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "util.h"
#include "vulns_util.h"

const char *fixture_data_dir(void)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/vulns/fixtures/data", IOTSSF_SOURCE_DIR);
    return buf;
}

char *make_temp_dir(void)
{
    char *path = strdup("/tmp/iotssf-vulns-XXXXXX");
    assert_non_null(path);
    assert_non_null(mkdtemp(path));
    return path;
}

void remove_tree(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

void write_text(const char *dir, const char *relative, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, relative);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

void copy_fixture_signatures(const char *dir)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/components' && cp '%s'/components/*.yaml '%s/components/'",
             dir, fixture_data_dir(), dir);
    assert_int_equal(system(cmd), 0);
}

const char *lookup_ids(const iotssf_vulndb *db, const char *component, const char *version)
{
    static char buf[4096];
    iotssf_vulns v;
    iotssf_vulns_init(&v);
    iotssf_error err;
    iotssf_error_clear(&err);
    if (iotssf_vulndb_lookup(db, component, version, &v, &err))
        fail_msg("lookup %s %s: %s", component, version, err.message);
    buf[0] = '\0';
    for (size_t i = 0; i < v.count; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "", v.items[i].id);
    }
    iotssf_vulns_free(&v);
    return buf;
}

const iotssf_vuln *lookup_one(const iotssf_vulndb *db, const char *component,
                              const char *version, const char *id, iotssf_vulns *out)
{
    iotssf_error err;
    iotssf_error_clear(&err);
    iotssf_vulns_init(out);
    if (iotssf_vulndb_lookup(db, component, version, out, &err))
        fail_msg("lookup %s %s: %s", component, version, err.message);
    for (size_t i = 0; i < out->count; i++)
        if (strcmp(out->items[i].id, id) == 0)
            return &out->items[i];
    fail_msg("%s %s: %s not found", component, version, id);
    return NULL;
}
