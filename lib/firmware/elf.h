/*
 * A small ELF reader for hostile input, and the per-file binary-hardening
 * report built on it (lib/firmware/elf_hardening.c).
 *
 * The reader knows just what the hardening checks need: the file header,
 * program headers (what the kernel and the dynamic loader actually use),
 * section headers (optional: stripped or sstrip'd firmware has none, and
 * hostile files carry bogus ones), the dynamic section and the symbol tables.
 * It allocates nothing and keeps no pointers beyond the caller's buffer; every
 * accessor checks its offset and length against the file size and returns
 * false (or NULL) when something does not fit, so a caller never reads past
 * the buffer whatever the header fields claim. 32- and 64-bit files of either
 * byte order are read the same way.
 *
 * fw_elf_inspect() is the part other code uses: one call per file, a report
 * per file, so the firmware summary can print a table per architecture.
 */
#ifndef IOTSSF_FIRMWARE_ELF_H
#define IOTSSF_FIRMWARE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotssf/error.h"

/* Values from the ELF specification that the checks name. */
enum {
    ELF_ET_REL = 1,
    ELF_ET_EXEC = 2,
    ELF_ET_DYN = 3,
    ELF_ET_CORE = 4,

    ELF_EM_386 = 3,
    ELF_EM_MIPS = 8,
    ELF_EM_PPC = 20,
    ELF_EM_PPC64 = 21,
    ELF_EM_S390 = 22,
    ELF_EM_ARM = 40,
    ELF_EM_X86_64 = 62,
    ELF_EM_AARCH64 = 183,
    ELF_EM_ALPHA = 0x9026,

    ELF_PT_LOAD = 1,
    ELF_PT_DYNAMIC = 2,
    ELF_PT_INTERP = 3,
    ELF_PT_GNU_STACK = 0x6474e551,
    ELF_PT_GNU_RELRO = 0x6474e552,
    ELF_PF_X = 1,
    ELF_PF_W = 2,
    ELF_PF_R = 4,

    ELF_SHT_SYMTAB = 2,
    ELF_SHT_DYNAMIC = 6,
    ELF_SHT_DYNSYM = 11,

    ELF_DT_NULL = 0,
    ELF_DT_NEEDED = 1,
    ELF_DT_HASH = 4,
    ELF_DT_STRTAB = 5,
    ELF_DT_SYMTAB = 6,
    ELF_DT_STRSZ = 10,
    ELF_DT_SYMENT = 11,
    ELF_DT_SONAME = 14,
    ELF_DT_RPATH = 15,
    ELF_DT_BIND_NOW = 24,
    ELF_DT_RUNPATH = 29,
    ELF_DT_FLAGS = 30,
    ELF_DT_GNU_HASH = 0x6ffffef5,
    ELF_DT_FLAGS_1 = 0x6ffffffb,
    ELF_DT_MIPS_SYMTABNO = 0x70000011,
    ELF_DF_BIND_NOW = 0x8,
    ELF_DF_1_NOW = 0x1,
    ELF_DF_1_PIE = 0x08000000,
};

/* ---- The reader ------------------------------------------------------- */

typedef struct elf_file {
    const uint8_t *data;
    size_t size;
    bool is64;
    bool big_endian;
    uint16_t type;
    uint16_t machine;
    uint32_t flags; /* e_flags */
    uint64_t phoff;
    size_t phnum, phentsize;
    /* Section headers, only when the whole table lies inside the file and
     * its entries have a sane size; shnum is 0 otherwise. */
    uint64_t shoff;
    size_t shnum, shentsize;
    size_t shstrndx;
    const char *sections_problem; /* why they were ignored, or NULL */
} elf_file;

typedef struct elf_segment {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
} elf_segment;

typedef struct elf_section {
    uint32_t name, type, link;
    uint64_t addr, offset, size, entsize;
} elf_section;

/* A run of fixed-size records in the file: a symbol table (with its string
 * table) or the dynamic section. */
typedef struct elf_table {
    uint64_t offset, count, entsize;
    uint64_t str_offset, str_size; /* symbol tables only */
} elf_table;

typedef struct elf_symbol {
    const char *name; /* inside the file's buffer, NUL-terminated; "" if bad or long */
    uint8_t bind, type;
    uint16_t shndx; /* 0: undefined, i.e. imported */
} elf_symbol;

/* NULL when `data` is an ELF file whose header and program header table are
 * inside it; else a short reason ("truncated header", ...). */
const char *elf_open(elf_file *f, const uint8_t *data, size_t size);

bool elf_segment_at(const elf_file *f, size_t i, elf_segment *out);
bool elf_section_at(const elf_file *f, size_t i, elf_section *out);

/* The file offset of `length` bytes at virtual address `vaddr`, when one
 * PT_LOAD segment holds them all in the file. */
bool elf_vaddr_to_offset(const elf_file *f, uint64_t vaddr, uint64_t length, uint64_t *offset);

/* Longest string the reader returns: an RPATH, or a symbol name (longer
 * names, C++ ones mostly, come back as "": no check looks for them). */
#define ELF_STRING_MAX 4096
#define ELF_SYMBOL_NAME_MAX 256

/* The NUL-terminated string at `index` of a string table, or NULL when it
 * does not end inside both the table and the file within ELF_STRING_MAX
 * bytes. */
const char *elf_string_at(const elf_file *f, uint64_t table_offset, uint64_t table_size,
                          uint64_t index);

/* The dynamic section: from PT_DYNAMIC, else from a SHT_DYNAMIC section. */
bool elf_dynamic_table(const elf_file *f, elf_table *out);
/* Entry i; false past the table or at DT_NULL. */
bool elf_dynamic_at(const elf_file *f, const elf_table *dyn, uint64_t i, int64_t *tag,
                    uint64_t *value);
/* The value of the first entry with `tag`. */
bool elf_dynamic_find(const elf_file *f, const elf_table *dyn, int64_t tag, uint64_t *value);

/* The dynamic symbol table as the loader finds it (DT_SYMTAB, DT_STRTAB and a
 * count from DT_HASH, DT_GNU_HASH or DT_MIPS_SYMTABNO), falling back on the
 * SHT_DYNSYM section header. */
bool elf_dynsym_table(const elf_file *f, const elf_table *dyn, elf_table *out);
/* The first section table of `type` (SHT_SYMTAB, SHT_DYNSYM) with its strings. */
bool elf_section_symbols(const elf_file *f, uint32_t type, elf_table *out);
bool elf_symbol_at(const elf_file *f, const elf_table *symtab, uint64_t i, elf_symbol *out);

/* ---- The hardening report -------------------------------------------- */

typedef enum fw_elf_kind {
    FW_ELF_EXECUTABLE,  /* ET_EXEC: loaded at a fixed address */
    FW_ELF_PIE,         /* ET_DYN that is a program (DF_1_PIE, or PT_INTERP without SONAME) */
    FW_ELF_SHARED_LIB,  /* ET_DYN that is a library */
    FW_ELF_RELOCATABLE, /* ET_REL: object file or kernel module */
    FW_ELF_CORE,
    FW_ELF_OTHER_TYPE,
} fw_elf_kind;

typedef enum fw_elf_answer { FW_ELF_NO, FW_ELF_YES, FW_ELF_UNKNOWN } fw_elf_answer;

typedef enum fw_elf_stack {
    FW_ELF_STACK_NX,       /* PT_GNU_STACK without PF_X */
    FW_ELF_STACK_UNMARKED, /* no PT_GNU_STACK: the kernel's default, executable on most */
    FW_ELF_STACK_EXEC,     /* PT_GNU_STACK with PF_X */
} fw_elf_stack;

typedef enum fw_elf_relro {
    FW_ELF_RELRO_NONE,
    FW_ELF_RELRO_PARTIAL, /* PT_GNU_RELRO, lazy binding: the PLT GOT stays writable */
    FW_ELF_RELRO_FULL,    /* PT_GNU_RELRO and BIND_NOW */
} fw_elf_relro;

#define FW_ELF_PATH_MAX 256

typedef struct fw_elf_report {
    bool analysable;
    char problem[96]; /* why not, when !analysable; else a note or "" */

    unsigned bits; /* 32 or 64 */
    bool big_endian;
    uint16_t machine;
    uint16_t elf_type;
    fw_elf_kind kind;
    /* No interpreter and no DT_NEEDED: nothing is loaded at run time. */
    bool is_static;

    fw_elf_stack stack;
    bool wx_segment; /* a PT_LOAD both writable and executable */
    fw_elf_relro relro;
    bool bind_now;
    fw_elf_answer canary;
    /* FORTIFY_SOURCE: distinct __*_chk imports (never __stack_chk_*), and
     * plain imports of functions that have a _chk variant (call sites the
     * compiler could not check, or a build without FORTIFY_SOURCE).
     * Unknown for static binaries without a symbol table. */
    fw_elf_answer fortify;
    unsigned fortified, fortifiable;

    bool has_sections; /* a usable section header table (sstrip removes it) */
    bool has_symtab;   /* .symtab present: not stripped */
    bool has_dynamic;  /* PT_DYNAMIC (or SHT_DYNAMIC) readable */
    bool has_dynsym;   /* dynamic symbols were read */
    uint64_t dynsym_count;

    /* DT_RPATH / DT_RUNPATH strings (cut at FW_ELF_PATH_MAX - 1 bytes), and
     * whether a component is relative (current directory, no leading '/')
     * or under a directory the device can write (/tmp, /var, ...). */
    char rpath[FW_ELF_PATH_MAX];
    char runpath[FW_ELF_PATH_MAX];
    bool has_rpath, has_runpath;
    bool risky_search_path;

    /* File offsets of the evidence, for findings: the PT_GNU_STACK and
     * PT_GNU_RELRO program headers and the dynamic section (0: absent). */
    uint64_t gnu_stack_at, gnu_relro_at, dynamic_at;
} fw_elf_report;

/* Fills *out for one file. IOTSSF_OK when the file was analysed;
 * IOTSSF_E_INPUT when it is not an ELF file or is too damaged to analyse
 * (out->analysable false, out->problem says why). Never reads outside
 * data[0..size). Allocates nothing. */
iotssf_status fw_elf_inspect(const uint8_t *data, size_t size, fw_elf_report *out);

/* "x86-64", "MIPS", ..., or NULL for a machine it does not name. */
const char *fw_elf_machine_name(uint16_t machine);
const char *fw_elf_kind_name(fw_elf_kind kind);
const char *fw_elf_relro_name(fw_elf_relro relro);

/* The analysis (lib/firmware/analysis.h) that reports these per file. */
extern const struct fw_analysis fw_analysis_elf_hardening;

/* One line for evidence and summaries, always NUL-terminated (cut to fit):
 * "ELF32 MIPS little-endian PIE executable, PIE: yes, RELRO: full,
 *  canary: yes, fortified 6/11, NX: no (executable stack), stripped". */
void fw_elf_describe(const fw_elf_report *r, char *buf, size_t size);

#endif
