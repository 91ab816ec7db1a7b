/*
 * A small driver for bench/components.sh: identifies components in every
 * regular file under the folders named on the command line, the way the
 * firmware analysis does (each file scanned once by the signature matcher),
 * and prints the components, then the file count, bytes and seconds on
 * stderr. Built by the bench script against the library (not part of the
 * build): cc -Iinclude bench/components_bench.c BUILD/libiotssf.a ...
 *
 *   components_bench DATA_DIR FOLDER...
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iotssf/components.h"

/* nftw has no user pointer. */
static iotssf_component_scan *scan;
static size_t root_len;
static unsigned long long files, bytes;

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(sb->st_mode) || sb->st_size == 0)
        return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t size = (size_t)sb->st_size;
    void *data = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return 0;
    iotssf_error err = {0};
    const char *rel = strlen(path) > root_len ? path + root_len + 1 : path;
    iotssf_status st = iotssf_component_scan_file(scan, "tree", rel, data, size, &err);
    munmap(data, size);
    files++;
    bytes += size;
    return st ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATA_DIR FOLDER...\n", argv[0]);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/components", argv[1]);
    iotssf_component_sigs *sigs = NULL;
    iotssf_error err = {0};
    if (iotssf_component_sigs_load_dir(dir, &sigs, &err) ||
        !(scan = iotssf_component_scan_new(sigs, &err))) {
        fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        root_len = strlen(argv[i]);
        if (nftw(argv[i], visit, 32, FTW_PHYS) != 0) {
            fprintf(stderr, "walking %s failed\n", argv[i]);
            return 1;
        }
    }
    iotssf_components out;
    iotssf_components_init(&out);
    if (iotssf_component_scan_finish(scan, &out, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (size_t i = 0; i < out.count; i++)
        printf("%s\t%s\t%s\t%zu\n", out.items[i].id, out.items[i].version ? out.items[i].version : "-",
               iotssf_confidence_name(out.items[i].confidence), out.items[i].file_count);
    fprintf(stderr, "%llu files, %llu bytes, %.3f s\n", files, bytes,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    iotssf_components_free(&out);
    iotssf_component_scan_free(scan);
    iotssf_component_sigs_free(sigs);
    return 0;
}
