/*
 * Component test helpers; see comp_util.h.
 */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "comp_util.h"
#include "util.h"

void comp_run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
}

static bool read_line_of(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    bool ok = fgets(out, (int)size, p) != NULL;
    int rc = pclose(p);
    out[strcspn(out, "\n")] = '\0';
    return ok && rc == 0 && out[0];
}

/* Debian's version rule: [epoch:]upstream[-revision]; the revision is
 * after the last '-'. Then repack suffixes ("+dfsg", "~") go. */
static void upstream_of(const char *full, char *out, size_t size)
{
    const char *colon = strchr(full, ':');
    const char *v = colon ? colon + 1 : full;
    snprintf(out, size, "%s", v);
    char *dash = strrchr(out, '-');
    if (dash)
        *dash = '\0';
    out[strcspn(out, "+~")] = '\0';
}

bool comp_debian(const char *package, const char *arch, char *dir, size_t dir_size,
                 char *version, size_t version_size)
{
    char cmd[2048], full[256];
    snprintf(cmd, sizeof cmd, "%s/tests/tools/debian-binary.sh %s %s 2>/dev/null",
             IOTSSF_SOURCE_DIR, package, arch ? arch : "");
    if (!read_line_of(cmd, dir, dir_size))
        return false;
    const char *cache = getenv("IOTSSF_DEB_CACHE");
    snprintf(cmd, sizeof cmd,
             "a=%s; [ -n \"$a\" ] || a=$(dpkg --print-architecture); "
             "dpkg-deb -f \"$(ls %s/%s_*_\"$a\".deb | head -n 1)\" Version",
             arch ? arch : "", cache && *cache ? cache : IOTSSF_SOURCE_DIR "/build/debs", package);
    if (!read_line_of(cmd, full, sizeof full))
        return false;
    upstream_of(full, version, version_size);
    return true;
}

iotssf_component_sigs *comp_load_shipped(void)
{
    iotssf_component_sigs *s = NULL;
    iotssf_error err = {0};
    const char *env = getenv("IOTSSF_DATA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/components", env && *env ? env : IOTSSF_SOURCE_DIR "/data");
    if (iotssf_component_sigs_load_dir(dir, &s, &err) != IOTSSF_OK) {
        char msg[1200];
        iotssf_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    return s;
}

/* nftw has no user pointer: the walk's state lives here for its duration. */
static struct {
    iotssf_component_scan *scan;
    size_t root_len;
    iotssf_status st;
    iotssf_error err;
} walk;

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(sb->st_mode) || walk.st)
        return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t size = (size_t)sb->st_size;
    const uint8_t *data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (data == MAP_FAILED)
        return 0;
    walk.st = iotssf_component_scan_file(walk.scan, "tree", path + walk.root_len + 1, data, size,
                                         &walk.err);
    if (data)
        munmap((void *)data, size);
    return 0;
}

void comp_scan_tree(const iotssf_component_sigs *sigs, const char *root, iotssf_components *out)
{
    iotssf_error err = {0};
    walk.scan = iotssf_component_scan_new(sigs, &err);
    assert_non_null(walk.scan);
    walk.root_len = strlen(root);
    walk.st = IOTSSF_OK;
    assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
    assert_int_equal(walk.st, IOTSSF_OK);
    iotssf_components_init(out);
    assert_int_equal(iotssf_component_scan_finish(walk.scan, out, &err), IOTSSF_OK);
    iotssf_component_scan_free(walk.scan);
    walk.scan = NULL;
}

const iotssf_component *comp_find(const iotssf_components *c, const char *id,
                                  const char *version)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->items[i].id, id) == 0 &&
            (!version || (c->items[i].version && strcmp(c->items[i].version, version) == 0)))
            return &c->items[i];
    return NULL;
}

void comp_dump(const iotssf_components *c)
{
    iotssf_components_write_text(stderr, c);
}

const char *comp_scratch(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s/scratch/components-%s", IOTSSF_BUILD_DIR, name);
    comp_run("rm -rf '%s' && mkdir -p '%s'", dir, dir);
    return dir;
}
