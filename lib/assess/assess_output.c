/*
 * Publishing an assessment: assessment.json appears whole or not at all (a
 * temporary file in the same folder, renamed into place), and a short text
 * summary per use mode for the terminal. Both read only the document, so
 * they describe exactly what later stages will read.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess_internal.h"

enum { SUMMARY_GAPS = 3 };

/* Makes `dir` and its missing parents. */
static iotssf_status make_dirs(const char *dir, iotssf_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return iotssf_fail(err, IOTSSF_E_INPUT, dir, 0, 0, "path too long");
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot create: %s",
                               strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot create: %s", strerror(errno));
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "not a folder");
    return IOTSSF_OK;
}

iotssf_status iotssf_assess_write(const json_t *doc, const char *dir, iotssf_error *err)
{
    iotssf_status st = make_dirs(dir, err);
    if (st)
        return st;
    char final_path[4200], temp_path[4200];
    snprintf(final_path, sizeof final_path, "%s/assessment.json", dir);
    snprintf(temp_path, sizeof temp_path, "%s/.assessment.json.XXXXXX", dir);
    int fd = mkstemp(temp_path);
    if (fd < 0)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot write: %s", strerror(errno));
    fchmod(fd, 0644);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(temp_path);
        return iotssf_fail(err, IOTSSF_E_IO, temp_path, 0, 0, "cannot write");
    }
    int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == 0)
        rc = fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0)
        rc = -1;
    if (rc != 0 || rename(temp_path, final_path) != 0) {
        unlink(temp_path);
        return iotssf_fail(err, IOTSSF_E_IO, final_path, 0, 0, "cannot write: %s",
                           strerror(errno));
    }
    return IOTSSF_OK;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static long num(const json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

static void summary_mode(FILE *out, const json_t *m)
{
    const json_t *s = json_object_get(m, "summary");
    const json_t *g = json_object_get(m, "grade");
    fprintf(out, "\n%s (%s): category %s, tier %s\n", str(m, "id"), str(m, "name"),
            str(m, "category"), str(m, "tier"));
    fprintf(out, "  %ld pass, %ld fail, %ld not applicable, %ld without evidence\n",
            num(s, "pass"), num(s, "fail"), num(s, "not_applicable"), num(s, "no_evidence"));
    const json_t *schemes = json_object_get(m, "schemes");
    for (size_t i = 0; i < json_array_size(schemes); i++) {
        const json_t *c = json_array_get(schemes, i);
        fprintf(out, "  %-12s %s%s\n", str(c, "scheme"),
                json_is_true(json_object_get(c, "conformant")) ? "conformant" : "not conformant",
                json_is_true(json_object_get(c, "complete")) ? "" : " (evidence incomplete)");
    }
    const char *next = json_string_value(json_object_get(g, "next"));
    fprintf(out, "  grade: %s%s%s\n", str(g, "grade"), next ? "; next: " : "", next ? next : "");
    const json_t *gaps = json_object_get(g, "gaps");
    for (size_t i = 0; i < json_array_size(gaps) && i < SUMMARY_GAPS; i++) {
        const json_t *gap = json_array_get(gaps, i);
        fprintf(out, "    gap: %s (%s, %s) - %s\n", str(gap, "requirement"), str(gap, "verdict"),
                str(gap, "basis"), str(gap, "why"));
    }
}

void iotssf_assess_summary(FILE *out, const json_t *doc)
{
    const json_t *dev = json_object_get(doc, "device");
    const json_t *totals = json_object_get(doc, "totals");
    const json_t *sev = json_object_get(totals, "findings");
    fprintf(out, "%s %s %s: grade %s\n", str(dev, "id"), str(dev, "vendor"), str(dev, "model"),
            str(doc, "grade"));
    fprintf(out, "findings: %ld critical, %ld high, %ld medium, %ld low, %ld info\n",
            num(sev, "critical"), num(sev, "high"), num(sev, "medium"), num(sev, "low"),
            num(sev, "info"));
    const json_t *modes = json_object_get(doc, "modes");
    for (size_t i = 0; i < json_array_size(modes); i++)
        summary_mode(out, json_array_get(modes, i));
}
