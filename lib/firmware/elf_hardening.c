/*
 * Binary hardening of every program and library in a firmware image: NX
 * stack, PIE, RELRO, stack canary, FORTIFY_SOURCE and library search paths,
 * read from the ELF headers with the reader in elf.c.
 *
 * fw_elf_inspect() decides the properties of one file; the analysis
 * (fw_analysis_elf_hardening) runs it on every ELF entry and reports one
 * finding per rule and file, with the file's whole hardening line as
 * evidence so a reader sees the other properties too. How each property is
 * decided, and why some answers differ from checksec's, is written up in
 * docs/elf-hardening.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "elf.h"

/* ---- Symbols: canary and FORTIFY_SOURCE --------------------------------- */

/* What the stack protector of glibc, uClibc, musl (i386 PIE) and ICC leaves
 * in a file that uses it. */
static const char *const canary_symbols[] = {
    "__stack_chk_fail",      "__stack_chk_guard",       "__stack_chk_fail_local",
    "__stack_smash_handler", "__intel_security_cookie",
};

/* Functions that glibc (2.36-2.39) offers as __<name>_chk, sorted for
 * bsearch. A file that imports one of these plainly could have had it
 * replaced by FORTIFY_SOURCE. */
static const char *const fortifiable_functions[] = {
    "asprintf",       "confstr",         "dprintf",         "explicit_bzero",
    "fdelt",          "fgets",           "fgets_unlocked",  "fgetws",
    "fgetws_unlocked", "fprintf",        "fread",           "fread_unlocked",
    "fwprintf",       "getcwd",          "getdomainname",   "getgroups",
    "gethostname",    "getlogin_r",      "gets",            "getwd",
    "longjmp",        "mbsnrtowcs",      "mbsrtowcs",       "mbstowcs",
    "memcpy",         "memmove",         "mempcpy",         "memset",
    "obstack_printf", "obstack_vprintf", "poll",            "ppoll",
    "pread",          "pread64",         "printf",          "ptsname_r",
    "read",           "readlink",        "readlinkat",      "realpath",
    "recv",           "recvfrom",        "snprintf",        "sprintf",
    "stpcpy",         "stpncpy",         "strcat",          "strcpy",
    "strlcat",        "strlcpy",         "strncat",         "strncpy",
    "swprintf",       "syslog",          "ttyname_r",       "vasprintf",
    "vdprintf",       "vfprintf",        "vfwprintf",       "vprintf",
    "vsnprintf",      "vsprintf",        "vswprintf",       "vsyslog",
    "vwprintf",       "wcpcpy",          "wcpncpy",         "wcrtomb",
    "wcscat",         "wcscpy",          "wcslcat",         "wcslcpy",
    "wcsncat",        "wcsncpy",         "wcsnrtombs",      "wcsrtombs",
    "wcstombs",       "wctomb",          "wmemcpy",         "wmemmove",
    "wmempcpy",       "wmemset",         "wprintf",
};
#define FORTIFIABLE_COUNT (sizeof fortifiable_functions / sizeof fortifiable_functions[0])

typedef struct symbol_facts {
    bool canary;
    bool imports_chk[FORTIFIABLE_COUNT];   /* __<name>_chk seen */
    bool imports_plain[FORTIFIABLE_COUNT]; /* <name> seen */
    unsigned other_chk;                    /* __*_chk not in the table */
} symbol_facts;

static int compare_name(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

static long fortifiable_index(const char *name, size_t len)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    const char *const *hit = bsearch(buf, fortifiable_functions, FORTIFIABLE_COUNT,
                                     sizeof *fortifiable_functions, compare_name);
    return hit ? (long)(hit - fortifiable_functions) : -1;
}

static bool is_canary_symbol(const char *name)
{
    for (size_t i = 0; i < sizeof canary_symbols / sizeof *canary_symbols; i++)
        if (strcmp(name, canary_symbols[i]) == 0)
            return true;
    return false;
}

/* `__<name>_chk`, never the stack protector's own __stack_chk_*. Other
 * _chk names count as fortified in imports (a libc newer than the table);
 * not in static binaries, whose libc has internal aliases (___printf_chk). */
static void note_fortify(symbol_facts *facts, const char *name, bool imported)
{
    size_t len = strlen(name);
    long i;
    if (len > 6 && name[0] == '_' && name[1] == '_' && strcmp(name + len - 4, "_chk") == 0) {
        if (strncmp(name, "__stack_chk", 11) == 0)
            return;
        i = fortifiable_index(name + 2, len - 6);
        if (i >= 0)
            facts->imports_chk[i] = true;
        else if (imported)
            facts->other_chk++;
    } else if ((i = fortifiable_index(name, len)) >= 0)
        facts->imports_plain[i] = true;
    else if (strcmp(name, "_longjmp") == 0 || strcmp(name, "siglongjmp") == 0)
        /* bits/setjmp2.h sends all three to __longjmp_chk. */
        facts->imports_plain[fortifiable_index("longjmp", 7)] = true;
}

/* Canary symbols count whether imported or defined (libc defines them and
 * is itself built with the protector); FORTIFY counts imports only, unless
 * `defined_too` (static binaries, whose libc is inside). */
static void scan_symbols(const elf_file *f, const elf_table *t, bool defined_too,
                         symbol_facts *facts)
{
    elf_symbol sym;
    for (uint64_t i = 0; elf_symbol_at(f, t, i, &sym); i++) {
        if (!sym.name[0])
            continue;
        if (is_canary_symbol(sym.name))
            facts->canary = true;
        if (sym.shndx == 0 || defined_too)
            note_fortify(facts, sym.name, sym.shndx == 0);
    }
}

static void judge_symbols(fw_elf_report *r, const symbol_facts *facts, bool static_counts)
{
    r->canary = facts->canary ? FW_ELF_YES : FW_ELF_NO;
    r->fortified = facts->other_chk;
    r->fortifiable = 0;
    for (size_t i = 0; i < FORTIFIABLE_COUNT; i++) {
        r->fortified += facts->imports_chk[i];
        /* A plain import next to its _chk variant still marks call sites
         * the compiler could not check. In a static binary every libc
         * function is "present"; only the _chk ones say how it was built. */
        if (!static_counts)
            r->fortifiable += facts->imports_plain[i];
    }
    r->fortify = r->fortified ? FW_ELF_YES : FW_ELF_NO;
}

static void inspect_symbols(const elf_file *f, const elf_table *dyn, fw_elf_report *r)
{
    elf_table dynsym, symtab;
    symbol_facts facts;
    memset(&facts, 0, sizeof facts);
    r->has_symtab = elf_section_symbols(f, ELF_SHT_SYMTAB, &symtab);
    r->canary = r->fortify = FW_ELF_UNKNOWN;
    if (r->is_static) {
        if (!r->has_symtab)
            return;
        scan_symbols(f, &symtab, true, &facts);
        judge_symbols(r, &facts, true);
        return;
    }
    r->has_dynsym = r->has_dynamic && elf_dynsym_table(f, dyn, &dynsym);
    if (r->has_dynsym) {
        r->dynsym_count = dynsym.count;
        scan_symbols(f, &dynsym, false, &facts);
    } else if (r->has_symtab)
        scan_symbols(f, &symtab, false, &facts);
    else
        return;
    judge_symbols(r, &facts, false);
}

/* ---- Library search paths ----------------------------------------------- */

/* Directories an embedded Linux system usually mounts writable (tmpfs,
 * jffs2/ubifs data partitions, overlays, removable media). */
static const char *const writable_dirs[] = {
    "/tmp", "/var", "/run", "/dev/shm", "/mnt", "/media", "/data", "/overlay", "/jffs",
    "/home", "/opt", "/userdata", "/config",
};

static bool component_is_risky(const char *c, size_t len)
{
    if (len == 0 || c[0] != '/') {
        /* $ORIGIN is the binary's own folder, as safe as the binary. */
        bool origin = (len >= 7 && strncmp(c, "$ORIGIN", 7) == 0) ||
                      (len >= 9 && strncmp(c, "${ORIGIN}", 9) == 0);
        return !origin;
    }
    for (size_t i = 0; i < sizeof writable_dirs / sizeof *writable_dirs; i++) {
        size_t n = strlen(writable_dirs[i]);
        if (len >= n && strncmp(c, writable_dirs[i], n) == 0 && (len == n || c[n] == '/'))
            return true;
    }
    return false;
}

static bool search_path_is_risky(const char *list)
{
    for (const char *c = list;;) {
        const char *end = strchr(c, ':');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (component_is_risky(c, len))
            return true;
        if (!end)
            return false;
        c = end + 1;
    }
}

static void keep_search_path(fw_elf_report *r, char *dst, const char *value)
{
    snprintf(dst, FW_ELF_PATH_MAX, "%s", value);
    r->risky_search_path |= search_path_is_risky(value);
}

/* ---- Headers: kind, NX, RELRO ------------------------------------------- */

typedef struct dynamic_facts {
    unsigned needed;
    bool soname, pie_flag;
    uint64_t rpath, runpath; /* string offsets, valid when has_* */
    bool has_rpath, has_runpath;
} dynamic_facts;

/* A segment the loader maps (or reads) that ends past the end of the file
 * means a cut-off file: what is missing could change every answer. */
static bool segment_cut_off(const elf_file *f, const elf_segment *s)
{
    if (s->type != ELF_PT_LOAD && s->type != ELF_PT_DYNAMIC && s->type != ELF_PT_INTERP)
        return false;
    return s->offset > f->size || s->filesz > f->size - s->offset;
}

/* NULL, or why the file cannot be analysed. */
static const char *read_segments(const elf_file *f, fw_elf_report *r, bool *has_interp)
{
    elf_segment s;
    *has_interp = false;
    for (size_t i = 0; elf_segment_at(f, i, &s); i++) {
        uint64_t at = f->phoff + (uint64_t)i * f->phentsize;
        if (segment_cut_off(f, &s))
            return "truncated: a segment ends past the end of the file";
        if (s.type == ELF_PT_INTERP)
            *has_interp = true;
        else if (s.type == ELF_PT_GNU_STACK && !r->gnu_stack_at) {
            r->gnu_stack_at = at;
            r->stack = (s.flags & ELF_PF_X) ? FW_ELF_STACK_EXEC : FW_ELF_STACK_NX;
        } else if (s.type == ELF_PT_GNU_RELRO && !r->gnu_relro_at) {
            r->gnu_relro_at = at;
            r->relro = FW_ELF_RELRO_PARTIAL;
        } else if (s.type == ELF_PT_LOAD && (s.flags & ELF_PF_W) && (s.flags & ELF_PF_X))
            r->wx_segment = true;
    }
    return NULL;
}

static void read_dynamic(const elf_file *f, const elf_table *dyn, fw_elf_report *r,
                         dynamic_facts *d)
{
    int64_t tag;
    uint64_t v;
    memset(d, 0, sizeof *d);
    for (uint64_t i = 0; elf_dynamic_at(f, dyn, i, &tag, &v); i++) {
        if (tag == ELF_DT_NEEDED)
            d->needed++;
        else if (tag == ELF_DT_SONAME)
            d->soname = true;
        else if (tag == ELF_DT_BIND_NOW || (tag == ELF_DT_FLAGS && (v & ELF_DF_BIND_NOW)))
            r->bind_now = true;
        else if (tag == ELF_DT_FLAGS_1) {
            r->bind_now |= (v & ELF_DF_1_NOW) != 0;
            d->pie_flag |= (v & ELF_DF_1_PIE) != 0;
        } else if (tag == ELF_DT_RPATH && !d->has_rpath) {
            d->has_rpath = true;
            d->rpath = v;
        } else if (tag == ELF_DT_RUNPATH && !d->has_runpath) {
            d->has_runpath = true;
            d->runpath = v;
        }
    }
}

static void read_search_paths(const elf_file *f, const elf_table *dyn, fw_elf_report *r,
                              const dynamic_facts *d)
{
    uint64_t strtab, strsz = UINT64_MAX, offset;
    if (!d->has_rpath && !d->has_runpath)
        return;
    if (!elf_dynamic_find(f, dyn, ELF_DT_STRTAB, &strtab) ||
        !elf_vaddr_to_offset(f, strtab, 1, &offset))
        return;
    elf_dynamic_find(f, dyn, ELF_DT_STRSZ, &strsz);
    const char *rpath = d->has_rpath ? elf_string_at(f, offset, strsz, d->rpath) : NULL;
    const char *runpath = d->has_runpath ? elf_string_at(f, offset, strsz, d->runpath) : NULL;
    if ((r->has_rpath = rpath != NULL))
        keep_search_path(r, r->rpath, rpath);
    if ((r->has_runpath = runpath != NULL))
        keep_search_path(r, r->runpath, runpath);
}

/* ET_DYN is both programs (PIE) and libraries. DF_1_PIE says so directly;
 * older linkers did not set it, so a file with an interpreter and no SONAME
 * is a program too. glibc's libc.so.6 has an interpreter (it can be run) and
 * a SONAME: a library. */
static fw_elf_kind kind_of(const elf_file *f, bool has_interp, const dynamic_facts *d)
{
    switch (f->type) {
    case ELF_ET_EXEC:
        return FW_ELF_EXECUTABLE;
    case ELF_ET_DYN:
        return d->pie_flag || (has_interp && !d->soname) ? FW_ELF_PIE : FW_ELF_SHARED_LIB;
    case ELF_ET_REL:
        return FW_ELF_RELOCATABLE;
    case ELF_ET_CORE:
        return FW_ELF_CORE;
    default:
        return FW_ELF_OTHER_TYPE;
    }
}

static iotssf_status not_analysable(fw_elf_report *r, const char *why)
{
    r->analysable = false;
    snprintf(r->problem, sizeof r->problem, "%s", why);
    return IOTSSF_E_INPUT;
}

iotssf_status fw_elf_inspect(const uint8_t *data, size_t size, fw_elf_report *out)
{
    elf_file f;
    elf_table dyn;
    dynamic_facts d;
    bool has_interp;
    memset(out, 0, sizeof *out);
    const char *why = elf_open(&f, data, size);
    if (why)
        return not_analysable(out, why);
    out->bits = f.is64 ? 64 : 32;
    out->big_endian = f.big_endian;
    out->machine = f.machine;
    out->elf_type = f.type;
    if (f.phnum == 0 && (f.type == ELF_ET_EXEC || f.type == ELF_ET_DYN))
        return not_analysable(out, "no program headers");
    out->stack = FW_ELF_STACK_UNMARKED;
    if ((why = read_segments(&f, out, &has_interp)) != NULL)
        return not_analysable(out, why);
    out->analysable = true;
    out->has_dynamic = elf_dynamic_table(&f, &dyn);
    memset(&d, 0, sizeof d);
    if (out->has_dynamic) {
        out->dynamic_at = dyn.offset;
        read_dynamic(&f, &dyn, out, &d);
        read_search_paths(&f, &dyn, out, &d);
    }
    out->kind = kind_of(&f, has_interp, &d);
    out->is_static = out->kind != FW_ELF_SHARED_LIB && !has_interp && d.needed == 0;
    if (out->relro == FW_ELF_RELRO_PARTIAL && out->bind_now)
        out->relro = FW_ELF_RELRO_FULL;
    out->has_sections = f.shnum > 0;
    inspect_symbols(&f, &dyn, out);
    if (f.sections_problem)
        snprintf(out->problem, sizeof out->problem, "%s", f.sections_problem);
    return IOTSSF_OK;
}

/* ---- Names and the one-line description ---------------------------------- */

const char *fw_elf_machine_name(uint16_t machine)
{
    switch (machine) {
    case ELF_EM_386: return "x86";
    case ELF_EM_X86_64: return "x86-64";
    case ELF_EM_ARM: return "ARM";
    case ELF_EM_AARCH64: return "AArch64";
    case ELF_EM_MIPS: return "MIPS";
    case ELF_EM_PPC: return "PowerPC";
    case ELF_EM_PPC64: return "PowerPC64";
    default: return NULL;
    }
}

const char *fw_elf_kind_name(fw_elf_kind kind)
{
    static const char *const names[] = {"executable", "PIE executable", "shared library",
                                        "relocatable", "core dump", "other type"};
    return names[kind];
}

const char *fw_elf_relro_name(fw_elf_relro relro)
{
    static const char *const names[] = {"none", "partial", "full"};
    return names[relro];
}

static const char *answer_name(fw_elf_answer a)
{
    return a == FW_ELF_YES ? "yes" : a == FW_ELF_NO ? "no" : "unknown";
}

/* Appends to buf[*used..size) without ever overflowing. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used += (size_t)n < size - *used ? (size_t)n : size - *used - 1;
}

static void describe_stack(const fw_elf_report *r, char *buf, size_t size, size_t *used)
{
    if (r->stack == FW_ELF_STACK_NX)
        append(buf, size, used, ", NX: yes");
    else if (r->stack == FW_ELF_STACK_EXEC)
        append(buf, size, used, ", NX: no (executable stack)");
    else
        append(buf, size, used, ", NX: no (no PT_GNU_STACK)");
    if (r->wx_segment)
        append(buf, size, used, ", W+X segment");
}

static void describe_symbols(const fw_elf_report *r, char *buf, size_t size, size_t *used)
{
    append(buf, size, used, ", canary: %s", answer_name(r->canary));
    if (r->fortify == FW_ELF_UNKNOWN)
        append(buf, size, used, ", fortify: unknown");
    else if (r->is_static)
        append(buf, size, used, ", fortified %u", r->fortified);
    else
        append(buf, size, used, ", fortified %u/%u", r->fortified, r->fortified + r->fortifiable);
}

void fw_elf_describe(const fw_elf_report *r, char *buf, size_t size)
{
    size_t used = 0;
    if (!size)
        return;
    buf[0] = '\0';
    if (!r->analysable) {
        append(buf, size, &used, "ELF, not analysable: %s", r->problem);
        return;
    }
    const char *machine = fw_elf_machine_name(r->machine);
    append(buf, size, &used, "ELF%u ", r->bits);
    if (machine)
        append(buf, size, &used, "%s", machine);
    else
        append(buf, size, &used, "machine %u", r->machine);
    append(buf, size, &used, " %s-endian %s%s", r->big_endian ? "big" : "little",
           r->is_static ? "static " : "", fw_elf_kind_name(r->kind));
    if (r->kind == FW_ELF_EXECUTABLE || r->kind == FW_ELF_PIE)
        append(buf, size, &used, ", PIE: %s", r->kind == FW_ELF_PIE ? "yes" : "no");
    append(buf, size, &used, ", RELRO: %s", fw_elf_relro_name(r->relro));
    describe_symbols(r, buf, size, &used);
    describe_stack(r, buf, size, &used);
    if (r->has_rpath)
        append(buf, size, &used, ", RPATH: %s", r->rpath);
    if (r->has_runpath)
        append(buf, size, &used, ", RUNPATH: %s", r->runpath);
    append(buf, size, &used, r->has_symtab ? ", symbols" : ", stripped");
}

/* ---- The analysis ------------------------------------------------------- */

typedef struct elf_hardening_state {
    unsigned long files_checked; /* ELF files seen, analysable or not */
} elf_hardening_state;

static void *hardening_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)ctx;
    elf_hardening_state *s = calloc(1, sizeof *s);
    if (!s)
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    return s;
}

/* Peripheral firmware (Wi-Fi, DSP, GPU blobs under lib/firmware) and kernel
 * images are ELF files the device's Linux never runs as a process; their
 * stack and loader properties mean nothing. */
static bool runs_as_process(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(path, "lib/firmware/", 13) != 0 && !strstr(path, "/lib/firmware/") &&
           strncmp(base, "vmlinux", 7) != 0;
}

typedef struct elf_finding {
    const char *rule;
    uint64_t offset;
    char message[160 + FW_ELF_PATH_MAX];
} elf_finding;

/* The findings one report calls for, at most one per rule. */
static size_t findings_for(const fw_elf_report *r, elf_finding out[8])
{
    size_t n = 0;
    if (r->stack == FW_ELF_STACK_EXEC)
        out[n++] = (elf_finding){"FW-ELF-EXECSTACK", r->gnu_stack_at,
                                 "executable stack: PT_GNU_STACK has the execute flag"};
    else if (r->stack == FW_ELF_STACK_UNMARKED)
        out[n++] = (elf_finding){"FW-ELF-NO-NX", 0,
                                 "stack not marked non-executable: no PT_GNU_STACK"};
    if (r->kind == FW_ELF_EXECUTABLE)
        out[n++] = (elf_finding){"FW-ELF-NO-PIE", 0,
                                 "not position-independent: ET_EXEC, loaded at a fixed address"};
    if (r->relro == FW_ELF_RELRO_NONE)
        out[n++] = (elf_finding){"FW-ELF-NO-RELRO", 0, "no RELRO: no PT_GNU_RELRO"};
    else if (r->relro == FW_ELF_RELRO_PARTIAL)
        out[n++] = (elf_finding){"FW-ELF-PARTIAL-RELRO", r->gnu_relro_at,
                                 "partial RELRO: PT_GNU_RELRO without BIND_NOW"};
    if (r->canary == FW_ELF_NO)
        out[n++] = (elf_finding){"FW-ELF-NO-CANARY", r->dynamic_at,
                                 "no stack protector: no __stack_chk_* symbol"};
    if (r->fortify == FW_ELF_NO && r->fortifiable > 0) {
        out[n] = (elf_finding){"FW-ELF-NO-FORTIFY", r->dynamic_at, ""};
        snprintf(out[n++].message, sizeof out->message,
                 "not fortified: imports %u functions that have a _chk variant, and no _chk "
                 "function", r->fortifiable);
    }
    if (r->risky_search_path) {
        out[n] = (elf_finding){"FW-ELF-RPATH", r->dynamic_at, ""};
        snprintf(out[n++].message, sizeof out->message,
                 "library search path is relative or writable: %s %s",
                 r->has_rpath ? "RPATH" : "RUNPATH", r->has_rpath ? r->rpath : r->runpath);
    }
    return n;
}

static iotssf_status hardening_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                     iotssf_error *err)
{
    elf_hardening_state *s = state;
    fw_elf_report r;
    char evidence[640], message[160];
    if (e->kind != IOTSSF_FW_FILE || !e->data || e->size < 4 ||
        memcmp(e->data, "\x7f" "ELF", 4) != 0 || !runs_as_process(e->path))
        return IOTSSF_OK;
    s->files_checked++;
    if (fw_elf_inspect(e->data, (size_t)e->size, &r) != IOTSSF_OK) {
        snprintf(message, sizeof message, "ELF file not analysable: %s", r.problem);
        return fw_report(ctx, "FW-ELF-NOT-ANALYSABLE", e->path, 0, 0, r.problem, message, err);
    }
    if (r.kind != FW_ELF_EXECUTABLE && r.kind != FW_ELF_PIE && r.kind != FW_ELF_SHARED_LIB)
        return IOTSSF_OK;
    fw_elf_describe(&r, evidence, sizeof evidence);
    elf_finding found[8];
    size_t n = findings_for(&r, found);
    for (size_t i = 0; i < n; i++) {
        iotssf_status st = fw_report(ctx, found[i].rule, e->path, found[i].offset, 0, evidence,
                                     found[i].message, err);
        if (st)
            return st;
    }
    return IOTSSF_OK;
}

static iotssf_status hardening_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)state;
    (void)ctx;
    (void)err;
    return IOTSSF_OK;
}

static void hardening_destroy(void *state)
{
    free(state);
}

const fw_analysis fw_analysis_elf_hardening = {
    .name = "elf-hardening",
    .create = hardening_create,
    .entry = hardening_entry,
    .finish = hardening_finish,
    .destroy = hardening_destroy,
};
