/*
 * A tiny driver for bench/elf_vs_checksec.sh: runs fw_elf_inspect() on every
 * ELF file named on the command line (folders are walked) and prints one
 * tab-separated line per file in checksec's vocabulary, so the script can
 * put the two side by side:
 *
 *   path relro canary nx pie rpath runpath symbols fortify_source fortified
 *   fortify-able description sections (ok / none / bad: why)
 *
 * Built by the bench script against the library (it is not part of the
 * build): cc -Iinclude -Ilib bench/elf_report.c BUILD/libiotssf.a ...
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/elf.h"

static const char *pie_word(const fw_elf_report *r)
{
    switch (r->kind) {
    case FW_ELF_EXECUTABLE: return "no";
    case FW_ELF_PIE: return "yes";
    case FW_ELF_SHARED_LIB: return "dso";
    case FW_ELF_RELOCATABLE: return "rel";
    default: return "other";
    }
}

static const char *answer_word(fw_elf_answer a)
{
    return a == FW_ELF_YES ? "yes" : a == FW_ELF_NO ? "no" : "unknown";
}

static void report_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    unsigned char magic[4];
    if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "\x7f" "ELF", 4) != 0 ||
        fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return;
    }
    long size = ftell(f);
    unsigned char *data = size > 0 ? malloc((size_t)size) : NULL;
    if (!data || fseek(f, 0, SEEK_SET) != 0 || fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        fclose(f);
        return;
    }
    fclose(f);
    fw_elf_report r;
    char line[1024];
    fw_elf_inspect(data, (size_t)size, &r);
    fw_elf_describe(&r, line, sizeof line);
    if (!r.analysable)
        printf("%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t%s\t-\n", path, line);
    else
        printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%u\t%u\t%s\t%s%s\n", path,
               r.relro == FW_ELF_RELRO_NONE ? "no" : fw_elf_relro_name(r.relro),
               answer_word(r.canary), r.stack == FW_ELF_STACK_NX ? "yes" : "no", pie_word(&r),
               r.has_rpath ? "yes" : "no", r.has_runpath ? "yes" : "no",
               r.has_symtab ? "yes" : "no", answer_word(r.fortify), r.fortified,
               r.fortified + r.fortifiable, line,
               r.has_sections ? "ok" : r.problem[0] ? "bad: " : "none", r.problem);
    free(data);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_F)
        report_file(path);
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        nftw(argv[i], visit, 16, FTW_PHYS);
    return 0;
}
