/*
 * Extraction that cannot escape its folder. Every path is walked one
 * component at a time with openat(O_NOFOLLOW | O_DIRECTORY) from a
 * descriptor of the output folder, so a symlink planted by the image (as a
 * file or as a directory component) is never followed; files are created with
 * O_NOFOLLOW and without setuid/setgid bits; device nodes are not created.
 * Names were already cleaned of '/' prefixes and '..' (path.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"

struct fw_extractor {
    int root_fd;
};

static bool dir_is_empty(int fd)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

iotssf_status fw_extract_open(const char *dir, fw_extractor **out, iotssf_error *err)
{
    *out = NULL;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot create the extract folder: %s",
                           strerror(errno));
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot open the extract folder: %s",
                           strerror(errno));
    if (!dir_is_empty(fd)) {
        close(fd);
        return iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0,
                           "the extract folder is not empty; name a new or empty folder");
    }
    fw_extractor *x = malloc(sizeof *x);
    if (!x) {
        close(fd);
        return iotssf_fail(err, IOTSSF_E_NOMEM, dir, 0, 0, "out of memory");
    }
    x->root_fd = fd;
    *out = x;
    return IOTSSF_OK;
}

void fw_extract_close(fw_extractor *x)
{
    if (!x)
        return;
    close(x->root_fd);
    free(x);
}

/* Opens (creating as needed) the directory `name` under `parent`, refusing
 * anything that is not a real directory. */
static int enter_dir(int parent, const char *name)
{
    if (mkdirat(parent, name, 0755) != 0 && errno != EEXIST)
        return -1;
    return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Walks `path` (already clean) below `fd`, leaving *leaf at its last
 * component; returns the descriptor of the directory that holds it. */
static int walk_to_parent(int fd, char *path, const char **leaf, char *why, size_t why_size)
{
    int cur = dup(fd);
    char *p = path;
    for (;;) {
        char *slash = strchr(p, '/');
        if (!slash) {
            *leaf = p;
            return cur;
        }
        *slash = '\0';
        int next = cur >= 0 ? enter_dir(cur, p) : -1;
        if (next < 0)
            snprintf(why, why_size, "'%s' is not a plain directory (%s); not followed", p,
                     strerror(errno));
        close(cur);
        *slash = '/';
        if (next < 0)
            return -1;
        cur = next;
        p = slash + 1;
    }
}

static bool write_file(int dir, const char *name, const iotssf_fw_entry *e, char *why,
                       size_t why_size)
{
    /* A name already taken (two filesystems, or an archive listing a path
     * twice): the later one wins; unlinking a symlink removes only the link. */
    unlinkat(dir, name, 0);
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    (mode_t)(e->mode & 0777) | 0600);
    if (fd < 0) {
        snprintf(why, why_size, "cannot create: %s", strerror(errno));
        return false;
    }
    size_t done = 0;
    while (done < e->size) {
        ssize_t n = write(fd, e->data + done, e->size - done);
        if (n <= 0) {
            snprintf(why, why_size, "write failed: %s", strerror(errno));
            close(fd);
            return false;
        }
        done += (size_t)n;
    }
    close(fd);
    return true;
}

bool fw_extract_entry(fw_extractor *x, const char *root, const iotssf_fw_entry *e, char *why,
                      size_t why_size)
{
    char path[8192];
    int n = snprintf(path, sizeof path, "%s/%s", root, e->path);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(why, why_size, "path too long");
        return false;
    }
    const char *leaf = NULL;
    int dir = walk_to_parent(x->root_fd, path, &leaf, why, why_size);
    if (dir < 0)
        return false;
    bool ok = false;
    switch (e->kind) {
    case IOTSSF_FW_FILE:
        ok = write_file(dir, leaf, e, why, why_size);
        break;
    case IOTSSF_FW_DIR: {
        int sub = enter_dir(dir, leaf);
        ok = sub >= 0;
        if (ok)
            close(sub);
        else
            snprintf(why, why_size, "cannot create directory: %s", strerror(errno));
        break;
    }
    case IOTSSF_FW_SYMLINK:
        /* Written as a link, never followed by us. */
        unlinkat(dir, leaf, 0);
        ok = e->link_target && symlinkat(e->link_target, dir, leaf) == 0;
        if (!ok)
            snprintf(why, why_size, "cannot create symlink: %s", strerror(errno));
        break;
    default:
        snprintf(why, why_size, "%s not created",
                 e->kind == IOTSSF_FW_HARDLINK ? "hard link" : "special file");
        break;
    }
    close(dir);
    return ok;
}
