/*
 * Binary hardening (lib/firmware/elf_hardening.c on the reader in elf.c).
 *
 * Real Debian binaries of five architectures, whose properties were read
 * with `readelf -lWd` and `readelf --dyn-syms -W` (written down at each
 * test); programs compiled here with every protection off, every one on, and
 * each one on its own; damaged copies of them (cut short, header fields
 * pointing outside the file, no section headers); and the analysis driven
 * through its fw_analysis interface with the real rules and catalog.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "firmware/elf.h"
#include "fw_analysis_util.h"
#include "fw_sink_util.h"
#include "util.h"

static char work[4096];

/* The program every compiled fixture is built from: with -O2
 * -D_FORTIFY_SOURCE=2 each of its four calls becomes a _chk call (the sizes
 * are not constants, the destinations' are known); without, all four are
 * plain imports. Its arrays make -fstack-protector-strong add a canary. */
static const char program[] =
    "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
    "int main(int argc, char **argv)\n{\n"
    "    char buf[64], line[128];\n"
    "    ssize_t n = read(0, line, (size_t)argc * 16);\n"
    "    if (n < 0)\n        return 1;\n"
    "    memcpy(buf, line, (size_t)argc * 8);\n"
    "    snprintf(line, sizeof line, \"%s-%d\", argv[0], argc);\n"
    "    printf(\"%d %s %s\\n\", argc, buf, line);\n"
    "    return 0;\n}\n";

/* A library: memcpy into a local array is fortified, strcpy into the
 * caller's buffer (size unknown) cannot be. */
static const char library[] = "#include <string.h>\n"
                              "int copy_name(char *dst, const char *src, unsigned n)\n{\n"
                              "    char tmp[32];\n"
                              "    memcpy(tmp, src, n);\n"
                              "    tmp[sizeof tmp - 1] = '\\0';\n"
                              "    strcpy(dst, tmp);\n"
                              "    return tmp[0];\n}\n";

#define ON "-O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong"

static int build_fixtures(void **state)
{
    (void)state;
    snprintf(work, sizeof work, "%s", scratch_dir("elf-hardening"));
    FILE *f;
    char path[4200];
    snprintf(path, sizeof path, "%s/prog.c", work);
    assert_non_null(f = fopen(path, "w"));
    fputs(program, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/lib.c", work);
    assert_non_null(f = fopen(path, "w"));
    fputs(library, f);
    fclose(f);
    run_or_fail("cd '%s' && "
                "gcc -O0 -U_FORTIFY_SOURCE -fno-stack-protector -no-pie -z execstack "
                "-Wl,-z,norelro prog.c -o alloff && "
                "gcc " ON " -fPIE -pie -Wl,-z,relro,-z,now prog.c -o allon && "
                "gcc " ON " -fPIE -pie -Wl,-z,relro,-z,lazy prog.c -o lazy && "
                "gcc " ON " -fPIE -pie -Wl,-z,relro,-z,now "
                "-Wl,--disable-new-dtags,-rpath,/usr/lib/extra:/tmp/lib prog.c -o rpath && "
                "gcc " ON " -fPIE -pie -Wl,-z,relro,-z,now "
                "'-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib' prog.c -o runpath-origin && "
                "gcc " ON " -fPIE -pie -Wl,-z,relro,-z,now "
                "-Wl,--enable-new-dtags,-rpath,lib prog.c -o runpath-relative && "
                "gcc " ON " -fPIC -shared -Wl,-z,relro,-z,now -z execstack lib.c -o libexec.so && "
                "gcc " ON " -fPIE -static-pie prog.c -o static-pie && "
                "strip -o static-pie-stripped static-pie",
                work);
    return 0;
}

static uint8_t *load(const char *path, size_t *size)
{
    uint8_t *data = (uint8_t *)read_file(path, size);
    if (!data)
        fail_msg("cannot read %s", path);
    return data;
}

static const char *fixture(const char *name)
{
    static char path[4300];
    snprintf(path, sizeof path, "%s/%s", work, name);
    return path;
}

static const char *debian_file(const char *package, const char *arch, const char *file)
{
    static char path[4300];
    char cmd[4300], dir[4096];
    snprintf(cmd, sizeof cmd, "%s/tests/tools/debian-binary.sh %s %s", IOTSSF_SOURCE_DIR,
             package, arch);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(dir, sizeof dir, p));
    assert_int_equal(pclose(p), 0);
    dir[strcspn(dir, "\n")] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return path;
}

static void inspect_path(const char *path, fw_elf_report *r)
{
    size_t size;
    uint8_t *data = load(path, &size);
    assert_int_equal(fw_elf_inspect(data, size, r), IOTSSF_OK);
    free(data);
    assert_true(r->analysable);
}

static void assert_described(const fw_elf_report *r, const char *expected)
{
    char line[640];
    fw_elf_describe(r, line, sizeof line);
    assert_string_equal(line, expected);
}

/* Distinct __*_chk imports other than __stack_chk_*, as readelf counts them:
 * the independent check of what fw_elf_inspect found. */
static unsigned readelf_chk_imports(const char *path)
{
    char cmd[4600];
    unsigned n = 0;
    snprintf(cmd, sizeof cmd,
             "readelf --dyn-syms -W '%s' | awk '$7 == \"UND\" {print $8}' | sed 's/@.*//' | "
             "grep -E '^__.*_chk$' | grep -v '^__stack_chk' | sort -u | wc -l",
             path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%u", &n), 1);
    pclose(p);
    return n;
}

/* ---- Real Debian binaries ----------------------------------------------- */

/* busybox-static amd64: ET_EXEC, no INTERP, no DYNAMIC; GNU_STACK RW;
 * GNU_RELRO present; no section .symtab (stripped). */
static void test_busybox_static_amd64(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(debian_file("busybox-static", "amd64", "bin/busybox"), &r);
    assert_int_equal(r.bits, 64);
    assert_false(r.big_endian);
    assert_int_equal(r.machine, ELF_EM_X86_64);
    assert_int_equal(r.kind, FW_ELF_EXECUTABLE);
    assert_true(r.is_static);
    assert_false(r.has_dynamic);
    assert_int_equal(r.stack, FW_ELF_STACK_NX);
    assert_int_equal(r.relro, FW_ELF_RELRO_PARTIAL);
    assert_int_equal(r.canary, FW_ELF_UNKNOWN);
    assert_int_equal(r.fortify, FW_ELF_UNKNOWN);
    assert_false(r.has_symtab);
    assert_false(r.has_rpath || r.has_runpath || r.wx_segment);
    assert_described(&r, "ELF64 x86-64 little-endian static executable, PIE: no, RELRO: partial, "
                         "canary: unknown, fortify: unknown, NX: yes, stripped");
}

/* busybox-static mipsel: ET_EXEC, static; GNU_STACK RWE (Debian's MIPS
 * toolchain marks stacks executable); GNU_RELRO present. */
static void test_busybox_static_mipsel(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(debian_file("busybox-static", "mipsel", "bin/busybox"), &r);
    assert_int_equal(r.bits, 32);
    assert_false(r.big_endian);
    assert_int_equal(r.machine, ELF_EM_MIPS);
    assert_int_equal(r.kind, FW_ELF_EXECUTABLE);
    assert_true(r.is_static);
    assert_int_equal(r.stack, FW_ELF_STACK_EXEC);
    assert_int_not_equal(r.gnu_stack_at, 0);
    assert_int_equal(r.relro, FW_ELF_RELRO_PARTIAL);
    assert_int_equal(r.canary, FW_ELF_UNKNOWN);
    assert_described(&r, "ELF32 MIPS little-endian static executable, PIE: no, RELRO: partial, "
                         "canary: unknown, fortify: unknown, NX: no (executable stack), stripped");
}

/* dropbear-bin 2022.83 (amd64, armhf, mipsel, s390x): ET_DYN with INTERP,
 * FLAGS BIND_NOW, FLAGS_1 NOW PIE, GNU_RELRO; imports __stack_chk_fail
 * (plus __stack_chk_guard on armhf and mipsel), six _chk functions
 * (__explicit_bzero_chk __fdelt_chk __fprintf_chk __snprintf_chk
 * __syslog_chk __vsnprintf_chk) and memcpy memmove memset read strncpy
 * plainly (s390x: no memset). */
static void assert_dropbear(const char *arch, const fw_elf_report *r, const char *path)
{
    assert_int_equal(r->kind, FW_ELF_PIE);
    assert_false(r->is_static);
    assert_true(r->has_dynamic && r->has_dynsym);
    assert_true(r->bind_now);
    assert_int_equal(r->relro, FW_ELF_RELRO_FULL);
    assert_int_equal(r->canary, FW_ELF_YES);
    assert_int_equal(r->fortify, FW_ELF_YES);
    assert_int_equal(r->fortified, 6);
    assert_int_equal(r->fortified, readelf_chk_imports(path));
    assert_int_equal(r->fortifiable, strcmp(arch, "s390x") == 0 ? 4 : 5);
    assert_false(r->has_symtab);
    assert_false(r->has_rpath || r->has_runpath);
}

static void test_dropbear_amd64(void **state)
{
    (void)state;
    fw_elf_report r;
    const char *path = debian_file("dropbear-bin", "amd64", "usr/sbin/dropbear");
    inspect_path(path, &r);
    assert_int_equal(r.machine, ELF_EM_X86_64);
    assert_int_equal(r.dynsym_count, 216); /* readelf: ".dynsym contains 216 entries" */
    assert_int_equal(r.stack, FW_ELF_STACK_NX);
    assert_dropbear("amd64", &r, path);
    assert_described(&r, "ELF64 x86-64 little-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 6/11, NX: yes, stripped");
}

/* armhf: the GNU hash table hashes no symbol (symoffset 1), so the count
 * comes from the section header, or without one from .dynstr's place. */
static void test_dropbear_armhf(void **state)
{
    (void)state;
    fw_elf_report r;
    const char *path = debian_file("dropbear-bin", "armhf", "usr/sbin/dropbear");
    inspect_path(path, &r);
    assert_int_equal(r.bits, 32);
    assert_int_equal(r.machine, ELF_EM_ARM);
    assert_int_equal(r.dynsym_count, 221);
    assert_int_equal(r.stack, FW_ELF_STACK_NX);
    assert_dropbear("armhf", &r, path);
    assert_described(&r, "ELF32 ARM little-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 6/11, NX: yes, stripped");
}

/* mipsel: DT_HASH and DT_MIPS_SYMTABNO 502; GNU_STACK RWE. */
static void test_dropbear_mipsel(void **state)
{
    (void)state;
    fw_elf_report r;
    const char *path = debian_file("dropbear-bin", "mipsel", "usr/sbin/dropbear");
    inspect_path(path, &r);
    assert_int_equal(r.machine, ELF_EM_MIPS);
    assert_int_equal(r.dynsym_count, 502);
    assert_int_equal(r.stack, FW_ELF_STACK_EXEC);
    assert_dropbear("mipsel", &r, path);
    assert_described(&r, "ELF32 MIPS little-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 6/11, NX: no (executable stack), stripped");
}

/* s390x: big-endian ELF64, a machine the report names by number (22). */
static void test_dropbear_s390x_big_endian(void **state)
{
    (void)state;
    fw_elf_report r;
    const char *path = debian_file("dropbear-bin", "s390x", "usr/sbin/dropbear");
    inspect_path(path, &r);
    assert_int_equal(r.bits, 64);
    assert_true(r.big_endian);
    assert_int_equal(r.machine, 22);
    assert_null(fw_elf_machine_name(r.machine));
    assert_int_equal(r.dynsym_count, 244);
    assert_int_equal(r.stack, FW_ELF_STACK_NX);
    assert_dropbear("s390x", &r, path);
    assert_described(&r, "ELF64 machine 22 big-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 6/10, NX: yes, stripped");
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* sstrip'd firmware has no section headers, and hostile files carry bogus
 * ones: the answers come from the program headers all the same. */
static void test_without_section_headers(void **state)
{
    (void)state;
    size_t size;
    fw_elf_report r;
    uint8_t *data = load(debian_file("dropbear-bin", "armhf", "usr/sbin/dropbear"), &size);
    put32(data + 0x20, 0); /* e_shoff */
    put16(data + 0x30, 0); /* e_shnum */
    put16(data + 0x32, 0); /* e_shstrndx */
    assert_int_equal(fw_elf_inspect(data, size, &r), IOTSSF_OK);
    assert_int_equal(r.dynsym_count, 221); /* .dynstr follows .dynsym */
    assert_int_equal(r.canary, FW_ELF_YES);
    assert_int_equal(r.fortified, 6);
    assert_int_equal(r.fortifiable, 5);
    assert_string_equal(r.problem, "");

    put32(data + 0x20, 0xfffff000); /* far past the end */
    put16(data + 0x30, 28);
    assert_int_equal(fw_elf_inspect(data, size, &r), IOTSSF_OK);
    assert_string_equal(r.problem, "section headers past the end of the file");
    assert_int_equal(r.canary, FW_ELF_YES);
    assert_int_equal(r.relro, FW_ELF_RELRO_FULL);
    assert_int_equal(r.fortified, 6);
    free(data);
}

/* ---- Compiled programs ---------------------------------------------------- */

static void test_all_protections_off(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("alloff"), &r);
    assert_int_equal(r.kind, FW_ELF_EXECUTABLE);
    assert_false(r.is_static);
    assert_int_equal(r.stack, FW_ELF_STACK_EXEC);
    assert_int_equal(r.relro, FW_ELF_RELRO_NONE);
    assert_false(r.bind_now);
    assert_int_equal(r.canary, FW_ELF_NO);
    assert_int_equal(r.fortify, FW_ELF_NO);
    assert_int_equal(r.fortified, 0);
    assert_int_equal(r.fortifiable, 4); /* read memcpy snprintf printf */
    assert_true(r.has_symtab);
    assert_described(&r, "ELF64 x86-64 little-endian executable, PIE: no, RELRO: none, "
                         "canary: no, fortified 0/4, NX: no (executable stack), symbols");
}

static void test_all_protections_on(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("allon"), &r);
    assert_int_equal(r.kind, FW_ELF_PIE);
    assert_false(r.is_static);
    assert_int_equal(r.stack, FW_ELF_STACK_NX);
    assert_false(r.wx_segment);
    assert_int_equal(r.relro, FW_ELF_RELRO_FULL);
    assert_int_equal(r.canary, FW_ELF_YES);
    assert_int_equal(r.fortify, FW_ELF_YES);
    assert_int_equal(r.fortified, 4); /* __read_chk __memcpy_chk __snprintf_chk __printf_chk */
    assert_int_equal(r.fortified, readelf_chk_imports(fixture("allon")));
    assert_int_equal(r.fortifiable, 0);
    assert_described(&r, "ELF64 x86-64 little-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 4/4, NX: yes, symbols");
}

static void test_partial_relro(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("lazy"), &r);
    assert_int_equal(r.relro, FW_ELF_RELRO_PARTIAL);
    assert_false(r.bind_now);
    assert_int_not_equal(r.gnu_relro_at, 0);
    assert_int_equal(r.kind, FW_ELF_PIE);
}

static void test_search_paths(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("rpath"), &r);
    assert_true(r.has_rpath);
    assert_false(r.has_runpath);
    assert_string_equal(r.rpath, "/usr/lib/extra:/tmp/lib");
    assert_true(r.risky_search_path); /* /tmp is writable */

    inspect_path(fixture("runpath-origin"), &r);
    assert_true(r.has_runpath);
    assert_string_equal(r.runpath, "$ORIGIN/../lib");
    assert_false(r.risky_search_path); /* as safe as the binary's own folder */

    inspect_path(fixture("runpath-relative"), &r);
    assert_string_equal(r.runpath, "lib");
    assert_true(r.risky_search_path); /* resolved against the current directory */
    assert_described(&r, "ELF64 x86-64 little-endian PIE executable, PIE: yes, RELRO: full, "
                         "canary: yes, fortified 4/4, NX: yes, RUNPATH: lib, symbols");
}

static void test_shared_library(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("libexec.so"), &r);
    assert_int_equal(r.kind, FW_ELF_SHARED_LIB);
    assert_false(r.is_static); /* no DT_NEEDED but a library all the same */
    assert_int_equal(r.stack, FW_ELF_STACK_EXEC);
    assert_int_equal(r.relro, FW_ELF_RELRO_FULL);
    assert_int_equal(r.canary, FW_ELF_YES);
    assert_int_equal(r.fortified, 1);   /* __memcpy_chk */
    assert_int_equal(r.fortifiable, 1); /* strcpy */
    assert_described(&r, "ELF64 x86-64 little-endian shared library, RELRO: full, canary: yes, "
                         "fortified 1/2, NX: no (executable stack), symbols");
}

/* static-pie: ET_DYN, FLAGS_1 PIE, no INTERP, no NEEDED, no BIND_NOW. The
 * symbol table names libc's internals too, so only the _chk functions of the
 * table are counted (not libc's ___printf_chk aliases). */
static void test_static_pie(void **state)
{
    (void)state;
    fw_elf_report r;
    inspect_path(fixture("static-pie"), &r);
    assert_int_equal(r.kind, FW_ELF_PIE);
    assert_true(r.is_static);
    assert_int_equal(r.relro, FW_ELF_RELRO_PARTIAL);
    assert_int_equal(r.canary, FW_ELF_YES);
    assert_int_equal(r.fortify, FW_ELF_YES);
    assert_int_equal(r.fortified, 4);
    assert_int_equal(r.fortifiable, 0);
    assert_described(&r, "ELF64 x86-64 little-endian static PIE executable, PIE: yes, "
                         "RELRO: partial, canary: yes, fortified 4, NX: yes, symbols");

    inspect_path(fixture("static-pie-stripped"), &r);
    assert_int_equal(r.canary, FW_ELF_UNKNOWN);
    assert_int_equal(r.fortify, FW_ELF_UNKNOWN);
    assert_false(r.has_symtab);
}

/* ---- Other machines and byte orders, built with clang and lld ------------ */

/* A stand-in libc and a program importing one _chk call, two plain ones and
 * the canary: enough for a dynamic PIE on any target clang knows. */
static const char stub_libc[] =
    "__SIZE_TYPE__ __stack_chk_guard = 0x5a5a;\n"
    "void __stack_chk_fail(void) { for (;;) ; }\n"
    "void *memcpy(void *d, const void *s, __SIZE_TYPE__ n)\n"
    "{ char *o = d; const char *i = s; while (n--) *o++ = *i++; return d; }\n"
    "void *__memcpy_chk(void *d, const void *s, __SIZE_TYPE__ n, __SIZE_TYPE__ room)\n"
    "{ if (n > room) __stack_chk_fail(); return memcpy(d, s, n); }\n"
    "__PTRDIFF_TYPE__ read(int fd, void *b, __SIZE_TYPE__ n)\n"
    "{ (void)fd; (void)b; return (__PTRDIFF_TYPE__)n; }\n";
static const char tiny_program[] =
    "void *memcpy(void *d, const void *s, __SIZE_TYPE__ n);\n"
    "void *__memcpy_chk(void *d, const void *s, __SIZE_TYPE__ n, __SIZE_TYPE__ room);\n"
    "__PTRDIFF_TYPE__ read(int fd, void *b, __SIZE_TYPE__ n);\n"
    "int run(int n, const char *src)\n{\n"
    "    char buf[32], tmp[16];\n"
    "    __PTRDIFF_TYPE__ got = read(0, buf, (__SIZE_TYPE__)n);\n"
    "    __memcpy_chk(tmp, src, (__SIZE_TYPE__)got, sizeof tmp);\n"
    "    memcpy(buf, tmp, (__SIZE_TYPE__)n);\n"
    "    return buf[n & 31];\n}\n"
    "void _start(void) { run(4, \"abcd\"); for (;;) ; }\n";

static void build_for(const char *target)
{
    run_or_fail("cd '%s' && clang --target=%s -O2 -fPIC -nostdlib -shared -fuse-ld=lld "
                "-Wl,-soname,libc.so.6 stub.c -o libstub-%s.so && "
                "clang --target=%s -O2 -fPIE -pie -nostdlib -fuse-ld=lld "
                "-fstack-protector-strong tiny.c libstub-%s.so "
                "-Wl,--dynamic-linker=/lib/ld.so.1 -Wl,-z,relro,-z,now,-z,noexecstack "
                "-Wl,--strip-all -o tiny-%s",
                work, target, target, target, target, target);
}

/* MIPS big-endian, PowerPC (32 and 64, big-endian) and 32-bit x86: the
 * machines no Debian test binary covers. lld keeps MIPS's GOT writable
 * (no PT_GNU_RELRO), as `readelf -lW` shows. */
static void test_cross_compiled_machines(void **state)
{
    (void)state;
    if (system("command -v clang >/dev/null && command -v ld.lld >/dev/null") != 0) {
        print_message("skipped: clang and ld.lld (Debian: clang, lld) are needed\n");
        skip();
    }
    FILE *f;
    char path[4200];
    snprintf(path, sizeof path, "%s/stub.c", work);
    assert_non_null(f = fopen(path, "w"));
    fputs(stub_libc, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/tiny.c", work);
    assert_non_null(f = fopen(path, "w"));
    fputs(tiny_program, f);
    fclose(f);
    static const struct {
        const char *target, *described;
    } cases[] = {
        {"mips-linux-gnu", "ELF32 MIPS big-endian PIE executable, PIE: yes, RELRO: none, "
                           "canary: yes, fortified 1/3, NX: yes, stripped"},
        {"powerpc-linux-gnu", "ELF32 PowerPC big-endian PIE executable, PIE: yes, RELRO: full, "
                              "canary: yes, fortified 1/3, NX: yes, stripped"},
        {"powerpc64-linux-gnu", "ELF64 PowerPC64 big-endian PIE executable, PIE: yes, "
                                "RELRO: full, canary: yes, fortified 1/3, NX: yes, stripped"},
        {"i386-linux-gnu", "ELF32 x86 little-endian PIE executable, PIE: yes, RELRO: full, "
                           "canary: yes, fortified 1/3, NX: yes, stripped"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_elf_report r;
        char name[64];
        build_for(cases[i].target);
        snprintf(name, sizeof name, "tiny-%s", cases[i].target);
        inspect_path(fixture(name), &r);
        assert_described(&r, cases[i].described);
        assert_int_equal(r.fortified, readelf_chk_imports(fixture(name)));
        snprintf(name, sizeof name, "libstub-%s.so", cases[i].target);
        inspect_path(fixture(name), &r);
        assert_int_equal(r.kind, FW_ELF_SHARED_LIB);
        assert_int_equal(r.canary, FW_ELF_YES); /* it defines __stack_chk_fail */
    }
}

/* ---- Damaged files -------------------------------------------------------- */

static void assert_not_analysable(const uint8_t *data, size_t size, const char *why)
{
    fw_elf_report r;
    assert_int_equal(fw_elf_inspect(data, size, &r), IOTSSF_E_INPUT);
    assert_false(r.analysable);
    assert_string_equal(r.problem, why);
}

static void test_truncated_and_corrupted(void **state)
{
    (void)state;
    size_t size;
    uint8_t *data = load(fixture("allon"), &size);
    assert_not_analysable(data, 0, "empty file");
    assert_not_analysable(data, 3, "not an ELF file");
    assert_not_analysable(data, 10, "truncated ELF identification");
    assert_not_analysable(data, 40, "truncated ELF header");
    assert_not_analysable(data, 64, "program headers past the end of the file");
    assert_not_analysable(data, size / 2, "truncated: a segment ends past the end of the file");
    /* The section header table is last: without its final byte the file
     * still runs, and is analysed from its program headers. */
    fw_elf_report last_cut;
    assert_int_equal(fw_elf_inspect(data, size - 1, &last_cut), IOTSSF_OK);
    assert_string_equal(last_cut.problem, "section headers past the end of the file");
    assert_int_equal(last_cut.relro, FW_ELF_RELRO_FULL);
    assert_int_equal(last_cut.canary, FW_ELF_YES);
    assert_false(last_cut.has_symtab);

    uint8_t *bad = malloc(size);
    assert_non_null(bad);
    memcpy(bad, data, size);
    put16(bad + 0x38, 0xffff); /* e_phnum */
    assert_not_analysable(bad, size, "program headers past the end of the file");
    memcpy(bad, data, size);
    put64(bad + 0x20, size + 100); /* e_phoff */
    assert_not_analysable(bad, size, "program headers past the end of the file");
    memcpy(bad, data, size);
    put64(bad + 0x20, UINT64_MAX - 8); /* e_phoff + table wraps around */
    assert_not_analysable(bad, size, "program headers past the end of the file");
    memcpy(bad, data, size);
    put16(bad + 0x36, 8); /* e_phentsize */
    assert_not_analysable(bad, size, "program header entry size too small");
    memcpy(bad, data, size);
    bad[4] = 7; /* EI_CLASS */
    assert_not_analysable(bad, size, "unknown ELF class");
    memcpy(bad, data, size);
    put16(bad + 0x38, 0); /* no program headers at all */
    assert_not_analysable(bad, size, "no program headers");

    /* Every cut of the file: never a crash, never a read past the cut. */
    for (size_t cut = 0; cut < size; cut += 7) {
        uint8_t *copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, data, cut);
        fw_elf_report r;
        iotssf_status st = fw_elf_inspect(copy, cut, &r);
        assert_true(st == IOTSSF_OK || (st == IOTSSF_E_INPUT && !r.analysable && r.problem[0]));
        free(copy);
    }
    free(bad);
    free(data);
}

/* Thousands of deterministic corruptions of real files (header, program
 * headers, dynamic section, symbols): no crash, every answer consistent. */
static void test_corrupted_bytes(void **state)
{
    (void)state;
    const char *paths[] = {fixture("allon"), debian_file("dropbear-bin", "mipsel",
                                                         "usr/sbin/dropbear")};
    uint32_t seed = 20200;
    for (size_t p = 0; p < 2; p++) {
        size_t size;
        uint8_t *data = load(paths[p], &size);
        uint8_t *copy = malloc(size);
        assert_non_null(copy);
        for (int round = 0; round < 1500; round++) {
            memcpy(copy, data, size);
            for (int k = 0; k < 1 + round % 8; k++) {
                seed = seed * 1103515245u + 12345u;
                /* Mostly the first 4 KiB, where headers and tables are. */
                size_t at = (seed >> 8) % (round % 3 ? 4096 : size);
                seed = seed * 1103515245u + 12345u;
                copy[at] = (uint8_t)(seed >> 16);
            }
            fw_elf_report r;
            char line[640];
            iotssf_status st = fw_elf_inspect(copy, size, &r);
            assert_true(st == IOTSSF_OK || st == IOTSSF_E_INPUT);
            assert_true(st != IOTSSF_OK || r.analysable);
            fw_elf_describe(&r, line, sizeof line);
            assert_true(strlen(line) < sizeof line);
        }
        free(copy);
        free(data);
    }
}

/* A made-up ELF64 whose 200,000 dynamic symbols all name the start of a
 * 4 MiB string table without a single NUL: each name lookup must stop early
 * (ELF_SYMBOL_NAME_MAX), or this takes hours instead of milliseconds. */
static uint8_t *hostile_symbols(size_t symbols, size_t strtab_size, size_t *size)
{
    size_t dyn = 176, hash = dyn + 6 * 16, symtab = (hash + 12 + 4 * symbols + 7) & ~(size_t)7;
    size_t strtab = symtab + 24 * symbols;
    *size = strtab + strtab_size;
    uint8_t *b = calloc(1, *size);
    assert_non_null(b);
    memcpy(b, "\x7f" "ELF\2\1\1", 7);
    put16(b + 16, ELF_ET_DYN);
    put16(b + 18, ELF_EM_X86_64);
    put64(b + 32, 64); /* e_phoff */
    put16(b + 54, 56); /* e_phentsize */
    put16(b + 56, 2);  /* e_phnum */
    uint8_t *ph = b + 64;
    put32(ph, ELF_PT_LOAD);
    put64(ph + 32, *size); /* p_filesz; offset and vaddr 0 */
    put32(ph + 56, ELF_PT_DYNAMIC);
    put64(ph + 56 + 8, dyn);
    put64(ph + 56 + 16, dyn);
    put64(ph + 56 + 32, 6 * 16);
    const uint64_t tags[][2] = {{ELF_DT_HASH, hash},  {ELF_DT_SYMTAB, symtab},
                                {ELF_DT_STRTAB, strtab}, {ELF_DT_STRSZ, strtab_size},
                                {ELF_DT_SYMENT, 24}, {ELF_DT_NULL, 0}};
    for (size_t i = 0; i < 6; i++) {
        put64(b + dyn + 16 * i, tags[i][0]);
        put64(b + dyn + 16 * i + 8, tags[i][1]);
    }
    put32(b + hash, 1);
    put32(b + hash + 4, (uint32_t)symbols);
    memset(b + strtab, 'A', strtab_size);
    return b;
}

static void test_hostile_string_table_is_cheap(void **state)
{
    (void)state;
    size_t size;
    uint8_t *data = hostile_symbols(200000, 4 << 20, &size);
    fw_elf_report r;
    clock_t start = clock();
    assert_int_equal(fw_elf_inspect(data, size, &r), IOTSSF_OK);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(r.dynsym_count, 200000);
    assert_int_equal(r.canary, FW_ELF_NO);
    assert_int_equal(r.fortified + r.fortifiable, 0);
    assert_true(seconds < 5.0);
    free(data);
}

static void test_describe_fits_any_buffer(void **state)
{
    (void)state;
    fw_elf_report r;
    char small[24];
    inspect_path(fixture("rpath"), &r);
    fw_elf_describe(&r, small, sizeof small);
    assert_string_equal(small, "ELF64 x86-64 little-end");
    fw_elf_describe(&r, small, 1);
    assert_string_equal(small, "");
}

/* ---- The analysis through its interface ----------------------------------- */

static void copy_to_tree(const char *from, const char *to)
{
    run_or_fail("mkdir -p \"$(dirname '%s/tree/%s')\" && cp '%s' '%s/tree/%s'", work, to, from,
                work, to);
}

static void test_analysis_findings(void **state)
{
    (void)state;
    run_or_fail("rm -rf '%s/tree' && mkdir -p '%s/tree/etc' && "
                "printf 'root:x:0:0::/root:/bin/sh\\n' > '%s/tree/etc/passwd' && "
                "ln -s ../sbin/allon '%s/tree/etc/link'",
                work, work, work, work);
    copy_to_tree(fixture("alloff"), "usr/bin/alloff");
    copy_to_tree(fixture("allon"), "usr/sbin/allon");
    copy_to_tree(fixture("lazy"), "usr/sbin/lazy");
    copy_to_tree(fixture("rpath"), "usr/sbin/rpath");
    copy_to_tree(fixture("libexec.so"), "usr/lib/libexec.so");
    copy_to_tree(fixture("alloff"), "lib/firmware/dsp.elf"); /* not run as a process */
    run_or_fail("head -c 100 '%s' > '%s/tree/usr/bin/broken'", fixture("allon"), work);
    char root[4200];
    snprintf(root, sizeof root, "%s/tree", work);

    analysis_run run;
    analysis_run_tree(&fw_analysis_elf_hardening, root, &run);
    print_findings(&run);

    /* All off: one finding per rule, each with the whole line as evidence. */
    const char *off = "usr/bin/alloff";
    const iotssf_finding *f = finding_at(&run, "FW-ELF-EXECSTACK", off, 0);
    assert_non_null(f);
    assert_int_equal(f->severity, IOTSSF_SEV_HIGH);
    assert_string_equal(f->origin, "test-fs");
    assert_string_equal(f->evidence,
                        "ELF64 x86-64 little-endian executable, PIE: no, RELRO: none, "
                        "canary: no, fortified 0/4, NX: no (executable stack), symbols");
    fw_elf_report r;
    inspect_path(fixture("alloff"), &r);
    assert_int_equal(f->offset, r.gnu_stack_at);
    assert_non_null(finding_at(&run, "FW-ELF-NO-PIE", off, 0));
    assert_non_null(finding_at(&run, "FW-ELF-NO-RELRO", off, 0));
    assert_non_null(finding_at(&run, "FW-ELF-NO-CANARY", off, 0));
    f = finding_at(&run, "FW-ELF-NO-FORTIFY", off, 0);
    assert_non_null(f);
    assert_string_equal(f->message,
                        "not fortified: imports 4 functions that have a _chk variant, and no "
                        "_chk function");
    /* Everything on: nothing to report. Lazy binding: partial RELRO only. */
    const char *files[] = {"usr/sbin/allon", "usr/sbin/lazy", "usr/sbin/rpath",
                           "usr/lib/libexec.so", "usr/bin/broken"};
    size_t per_file[5] = {0};
    for (size_t i = 0; i < run.findings.count; i++)
        for (size_t k = 0; k < 5; k++)
            per_file[k] += strcmp(run.findings.items[i].path, files[k]) == 0;
    assert_int_equal(per_file[0], 0);
    assert_int_equal(per_file[1], 1);
    assert_non_null(finding_at(&run, "FW-ELF-PARTIAL-RELRO", "usr/sbin/lazy", 0));
    assert_int_equal(per_file[2], 1);
    f = finding_at(&run, "FW-ELF-RPATH", "usr/sbin/rpath", 0);
    assert_non_null(f);
    assert_string_equal(f->message, "library search path is relative or writable: "
                                    "RPATH /usr/lib/extra:/tmp/lib");
    assert_int_equal(per_file[3], 1);
    assert_non_null(finding_at(&run, "FW-ELF-EXECSTACK", "usr/lib/libexec.so", 0));
    assert_int_equal(per_file[4], 1);
    f = finding_at(&run, "FW-ELF-NOT-ANALYSABLE", "usr/bin/broken", 0);
    assert_non_null(f);
    assert_int_equal(f->severity, IOTSSF_SEV_INFO);
    assert_string_equal(f->evidence, "program headers past the end of the file");

    /* 5 for alloff, 1 each for lazy, rpath, libexec.so and broken; nothing
     * for etc/passwd, the symlink or lib/firmware/dsp.elf. */
    assert_int_equal(findings_of(&run, NULL), 9);
    analysis_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busybox_static_amd64),
        cmocka_unit_test(test_busybox_static_mipsel),
        cmocka_unit_test(test_dropbear_amd64),
        cmocka_unit_test(test_dropbear_armhf),
        cmocka_unit_test(test_dropbear_mipsel),
        cmocka_unit_test(test_dropbear_s390x_big_endian),
        cmocka_unit_test(test_without_section_headers),
        cmocka_unit_test(test_all_protections_off),
        cmocka_unit_test(test_all_protections_on),
        cmocka_unit_test(test_partial_relro),
        cmocka_unit_test(test_search_paths),
        cmocka_unit_test(test_shared_library),
        cmocka_unit_test(test_static_pie),
        cmocka_unit_test(test_cross_compiled_machines),
        cmocka_unit_test(test_truncated_and_corrupted),
        cmocka_unit_test(test_corrupted_bytes),
        cmocka_unit_test(test_hostile_string_table_is_cheap),
        cmocka_unit_test(test_describe_fits_any_buffer),
        cmocka_unit_test(test_analysis_findings),
    };
    return cmocka_run_group_tests(tests, build_fixtures, NULL);
}
