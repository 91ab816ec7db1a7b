/*
 * Output that appears whole or not at all. Reports are written to a spool
 * (a temporary file beside the destination, or an anonymous one for stdout)
 * and published only when the command succeeds, so bad input half-way through
 * a fleet never leaves a partial report.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->file = tmpfile();
        if (!o->file) {
            fprintf(stderr, "iotssf: cannot create a temporary file: %s\n", strerror(errno));
            return EXIT_INTERNAL;
        }
        return EXIT_OK;
    }
    size_t len = strlen(path) + 16;
    o->final_path = strdup(path);
    o->temp_path = malloc(len);
    if (!o->final_path || !o->temp_path) {
        output_abort(o);
        return EXIT_INTERNAL;
    }
    snprintf(o->temp_path, len, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->temp_path);
    if (fd < 0) {
        fprintf(stderr, "iotssf: %s: cannot write: %s\n", path, strerror(errno));
        free(o->temp_path);
        o->temp_path = NULL;
        output_abort(o);
        return EXIT_USAGE;
    }
    fchmod(fd, 0644);
    o->file = fdopen(fd, "w");
    if (!o->file) {
        close(fd);
        output_abort(o);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

static int copy_to_stdout(FILE *spool)
{
    char buf[65536];
    size_t n;
    rewind(spool);
    while ((n = fread(buf, 1, sizeof buf, spool)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            return -1;
    return fflush(stdout) == 0 && !ferror(spool) ? 0 : -1;
}

int output_commit(cli_output *o)
{
    int rc = EXIT_OK;
    if (fflush(o->file) != 0 || ferror(o->file)) {
        fprintf(stderr, "iotssf: writing the output failed: %s\n", strerror(errno));
        output_abort(o);
        return EXIT_INTERNAL;
    }
    if (!o->final_path) {
        if (copy_to_stdout(o->file) != 0)
            rc = EXIT_INTERNAL;
        fclose(o->file);
    } else {
        fclose(o->file);
        if (rename(o->temp_path, o->final_path) != 0) {
            fprintf(stderr, "iotssf: %s: cannot write: %s\n", o->final_path, strerror(errno));
            unlink(o->temp_path);
            rc = EXIT_USAGE;
        }
    }
    o->file = NULL;
    free(o->final_path);
    free(o->temp_path);
    memset(o, 0, sizeof *o);
    return rc;
}

void output_abort(cli_output *o)
{
    if (o->file)
        fclose(o->file);
    if (o->temp_path)
        unlink(o->temp_path);
    free(o->final_path);
    free(o->temp_path);
    memset(o, 0, sizeof *o);
}

void cli_progress(const cli_options *o, size_t done, bool final)
{
    if (o->quiet || !isatty(STDERR_FILENO))
        return;
    if (final)
        fprintf(stderr, "\r%zu profiles done\n", done);
    else if (done % 1000 == 0)
        fprintf(stderr, "\r%zu profiles...", done);
}
