/*
 * The ELF reader behind the binary-hardening analysis; see elf.h.
 *
 * Everything a header says is a claim to check: every offset, count and
 * entry size is compared with the file size before a byte is read, and
 * tables are clamped to the part that is really in the file. Addresses from
 * the dynamic section are virtual, so they are mapped back to file offsets
 * through the PT_LOAD segments, as the loader would.
 */
#include "elf.h"

#include <string.h>

/* Smallest header and entry sizes the specification allows, per class. */
#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56
#define SHDR32_SIZE 40
#define SHDR64_SIZE 64
#define SYM32_SIZE 16
#define SYM64_SIZE 24

static bool fits(const elf_file *f, uint64_t offset, uint64_t length)
{
    return offset <= f->size && length <= f->size - offset;
}

static uint16_t rd16(const elf_file *f, uint64_t at)
{
    const uint8_t *p = f->data + at;
    return f->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const elf_file *f, uint64_t at)
{
    const uint8_t *p = f->data + at;
    if (f->big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const elf_file *f, uint64_t at)
{
    uint64_t hi = rd32(f, at + (f->big_endian ? 0 : 4));
    uint64_t lo = rd32(f, at + (f->big_endian ? 4 : 0));
    return hi << 32 | lo;
}

/* Section headers are optional to the loader, so a bad table only means we
 * do without them. */
static void open_sections(elf_file *f, uint16_t shnum, uint16_t shentsize)
{
    size_t min = f->is64 ? SHDR64_SIZE : SHDR32_SIZE;
    f->shnum = 0;
    if (shnum == 0 || f->shoff == 0)
        return;
    if (shentsize < min)
        f->sections_problem = "section header entry size too small";
    else if (!fits(f, f->shoff, (uint64_t)shnum * shentsize))
        f->sections_problem = "section headers past the end of the file";
    else {
        f->shnum = shnum;
        f->shentsize = shentsize;
    }
}

const char *elf_open(elf_file *f, const uint8_t *data, size_t size)
{
    memset(f, 0, sizeof *f);
    f->data = data;
    f->size = size;
    if (size == 0)
        return "empty file";
    if (size < 4 || memcmp(data, "\x7f" "ELF", 4) != 0)
        return "not an ELF file";
    if (size < 16)
        return "truncated ELF identification";
    if (data[4] != 1 && data[4] != 2)
        return "unknown ELF class";
    if (data[5] != 1 && data[5] != 2)
        return "unknown ELF byte order";
    f->is64 = data[4] == 2;
    f->big_endian = data[5] == 2;
    if (size < (f->is64 ? EHDR64_SIZE : EHDR32_SIZE))
        return "truncated ELF header";
    f->type = rd16(f, 16);
    f->machine = rd16(f, 18);
    uint16_t phentsize, phnum, shentsize, shnum;
    if (f->is64) {
        f->phoff = rd64(f, 32);
        f->shoff = rd64(f, 40);
        f->flags = rd32(f, 48);
        phentsize = rd16(f, 54);
        phnum = rd16(f, 56);
        shentsize = rd16(f, 58);
        shnum = rd16(f, 60);
        f->shstrndx = rd16(f, 62);
    } else {
        f->phoff = rd32(f, 28);
        f->shoff = rd32(f, 32);
        f->flags = rd32(f, 36);
        phentsize = rd16(f, 42);
        phnum = rd16(f, 44);
        shentsize = rd16(f, 46);
        shnum = rd16(f, 48);
        f->shstrndx = rd16(f, 50);
    }
    if (phnum > 0) {
        if (phentsize < (f->is64 ? PHDR64_SIZE : PHDR32_SIZE))
            return "program header entry size too small";
        if (!fits(f, f->phoff, (uint64_t)phnum * phentsize))
            return "program headers past the end of the file";
        f->phnum = phnum;
        f->phentsize = phentsize;
    }
    open_sections(f, shnum, shentsize);
    return NULL;
}

bool elf_segment_at(const elf_file *f, size_t i, elf_segment *out)
{
    if (i >= f->phnum)
        return false;
    uint64_t at = f->phoff + (uint64_t)i * f->phentsize;
    out->type = rd32(f, at);
    if (f->is64) {
        out->flags = rd32(f, at + 4);
        out->offset = rd64(f, at + 8);
        out->vaddr = rd64(f, at + 16);
        out->filesz = rd64(f, at + 32);
        out->memsz = rd64(f, at + 40);
    } else {
        out->offset = rd32(f, at + 4);
        out->vaddr = rd32(f, at + 8);
        out->filesz = rd32(f, at + 16);
        out->memsz = rd32(f, at + 20);
        out->flags = rd32(f, at + 24);
    }
    return true;
}

bool elf_section_at(const elf_file *f, size_t i, elf_section *out)
{
    if (i >= f->shnum)
        return false;
    uint64_t at = f->shoff + (uint64_t)i * f->shentsize;
    out->name = rd32(f, at);
    out->type = rd32(f, at + 4);
    if (f->is64) {
        out->addr = rd64(f, at + 16);
        out->offset = rd64(f, at + 24);
        out->size = rd64(f, at + 32);
        out->link = rd32(f, at + 40);
        out->entsize = rd64(f, at + 56);
    } else {
        out->addr = rd32(f, at + 12);
        out->offset = rd32(f, at + 16);
        out->size = rd32(f, at + 20);
        out->link = rd32(f, at + 24);
        out->entsize = rd32(f, at + 36);
    }
    return true;
}

/* Where `vaddr` lies in the file and how many of the following bytes the
 * same segment holds there (never past the end of the file). */
static bool vaddr_span(const elf_file *f, uint64_t vaddr, uint64_t *offset, uint64_t *avail)
{
    elf_segment s;
    for (size_t i = 0; elf_segment_at(f, i, &s); i++) {
        if (s.type != ELF_PT_LOAD || vaddr < s.vaddr || vaddr - s.vaddr >= s.filesz)
            continue;
        uint64_t delta = vaddr - s.vaddr;
        if (s.offset > f->size || delta > f->size - s.offset)
            continue;
        *offset = s.offset + delta;
        uint64_t in_file = f->size - *offset;
        uint64_t in_segment = s.filesz - delta;
        *avail = in_file < in_segment ? in_file : in_segment;
        return true;
    }
    return false;
}

bool elf_vaddr_to_offset(const elf_file *f, uint64_t vaddr, uint64_t length, uint64_t *offset)
{
    uint64_t avail;
    return vaddr_span(f, vaddr, offset, &avail) && length <= avail;
}

/* The search for the terminating NUL stops after `max_len` bytes, so that a
 * hostile table without NULs costs each lookup a bounded amount of work. */
static const char *string_within(const elf_file *f, uint64_t table_offset, uint64_t table_size,
                                 uint64_t index, uint64_t max_len)
{
    if (!fits(f, table_offset, 0))
        return NULL;
    uint64_t room = f->size - table_offset;
    if (table_size > room)
        table_size = room;
    if (index >= table_size)
        return NULL;
    uint64_t span = table_size - index;
    if (span > max_len + 1)
        span = max_len + 1;
    const char *start = (const char *)f->data + table_offset + index;
    return memchr(start, '\0', (size_t)span) ? start : NULL;
}

const char *elf_string_at(const elf_file *f, uint64_t table_offset, uint64_t table_size,
                          uint64_t index)
{
    return string_within(f, table_offset, table_size, index, ELF_STRING_MAX);
}

/* ---- Dynamic section ---------------------------------------------------- */

static void clamp_table(const elf_file *f, elf_table *t, uint64_t size)
{
    uint64_t room = f->size - t->offset;
    if (size > room)
        size = room;
    t->count = size / t->entsize;
}

bool elf_dynamic_table(const elf_file *f, elf_table *out)
{
    memset(out, 0, sizeof *out);
    out->entsize = f->is64 ? 16 : 8;
    elf_segment s;
    for (size_t i = 0; elf_segment_at(f, i, &s); i++)
        if (s.type == ELF_PT_DYNAMIC && fits(f, s.offset, 0)) {
            out->offset = s.offset;
            clamp_table(f, out, s.filesz);
            return out->count > 0;
        }
    elf_section sec;
    for (size_t i = 0; elf_section_at(f, i, &sec); i++)
        if (sec.type == ELF_SHT_DYNAMIC && fits(f, sec.offset, 0)) {
            out->offset = sec.offset;
            clamp_table(f, out, sec.size);
            return out->count > 0;
        }
    return false;
}

bool elf_dynamic_at(const elf_file *f, const elf_table *dyn, uint64_t i, int64_t *tag,
                    uint64_t *value)
{
    if (i >= dyn->count)
        return false;
    uint64_t at = dyn->offset + i * dyn->entsize;
    if (!fits(f, at, dyn->entsize))
        return false;
    if (f->is64) {
        *tag = (int64_t)rd64(f, at);
        *value = rd64(f, at + 8);
    } else {
        *tag = (int32_t)rd32(f, at);
        *value = rd32(f, at + 4);
    }
    return *tag != ELF_DT_NULL;
}

bool elf_dynamic_find(const elf_file *f, const elf_table *dyn, int64_t tag, uint64_t *value)
{
    int64_t t;
    uint64_t v;
    for (uint64_t i = 0; elf_dynamic_at(f, dyn, i, &t, &v); i++)
        if (t == tag) {
            *value = v;
            return true;
        }
    return false;
}

/* ---- Symbol tables ------------------------------------------------------ */

/* DT_HASH: the chain count is the number of symbols. Its words are 4 bytes,
 * except on 64-bit s390 and Alpha. */
static bool count_from_hash(const elf_file *f, uint64_t vaddr, uint64_t *count)
{
    uint64_t at, avail;
    bool wide = f->is64 && (f->machine == ELF_EM_S390 || f->machine == ELF_EM_ALPHA);
    if (!vaddr_span(f, vaddr, &at, &avail) || avail < (wide ? 16 : 8))
        return false;
    *count = wide ? rd64(f, at + 8) : rd32(f, at + 4);
    return true;
}

/* DT_GNU_HASH has no count: the highest symbol index is found by taking the
 * largest bucket start and walking its chain to the end marker (low bit).
 * Linkers sort unhashed symbols (imports) first, so that is the last one. */
static bool count_from_gnu_hash(const elf_file *f, uint64_t vaddr, uint64_t *count)
{
    uint64_t at, avail;
    if (!vaddr_span(f, vaddr, &at, &avail) || avail < 16)
        return false;
    uint64_t nbuckets = rd32(f, at), symoffset = rd32(f, at + 4);
    uint64_t bloom_words = rd32(f, at + 8);
    uint64_t buckets = 16 + bloom_words * (f->is64 ? 8 : 4);
    if (buckets > avail || nbuckets > (avail - buckets) / 4)
        return false;
    uint64_t last = 0;
    for (uint64_t b = 0; b < nbuckets; b++) {
        uint64_t start = rd32(f, at + buckets + 4 * b);
        if (start > last)
            last = start;
    }
    /* No hashed symbol: symoffset is then whatever the linker left (GNU ld
     * for ARM writes 1), and the imports before it go uncounted. */
    if (last < symoffset)
        return false;
    uint64_t chains = buckets + 4 * nbuckets;
    for (uint64_t i = last - symoffset;; i++, last++) {
        if (i >= (avail - chains) / 4)
            return false;
        if (rd32(f, at + chains + 4 * i) & 1)
            break;
    }
    *count = last + 1;
    return true;
}

static bool section_at_offset(const elf_file *f, uint32_t type, uint64_t offset, elf_section *out)
{
    for (size_t i = 0; elf_section_at(f, i, out); i++)
        if (out->type == type && out->offset == offset)
            return true;
    return false;
}

/* How many entries the loader's view of .dynsym has, by the first source
 * that answers. */
static bool dynsym_count(const elf_file *f, const elf_table *dyn, const elf_table *t,
                         uint64_t symtab_vaddr, uint64_t *count)
{
    uint64_t v;
    elf_section sec;
    if (elf_dynamic_find(f, dyn, ELF_DT_HASH, &v) && count_from_hash(f, v, count))
        return true;
    if (elf_dynamic_find(f, dyn, ELF_DT_GNU_HASH, &v) && count_from_gnu_hash(f, v, count))
        return true;
    if (elf_dynamic_find(f, dyn, ELF_DT_MIPS_SYMTABNO, &v) && f->machine == ELF_EM_MIPS) {
        *count = v;
        return true;
    }
    if (section_at_offset(f, ELF_SHT_DYNSYM, t->offset, &sec)) {
        *count = sec.size / t->entsize;
        return true;
    }
    /* Linkers put .dynstr right after .dynsym. */
    if (elf_dynamic_find(f, dyn, ELF_DT_STRTAB, &v) && v > symtab_vaddr) {
        *count = (v - symtab_vaddr) / t->entsize;
        return true;
    }
    return false;
}

bool elf_dynsym_table(const elf_file *f, const elf_table *dyn, elf_table *out)
{
    memset(out, 0, sizeof *out);
    uint64_t symtab, strtab, strsz = UINT64_MAX, syment, avail, str_avail, count;
    size_t min = f->is64 ? SYM64_SIZE : SYM32_SIZE;
    if (!elf_dynamic_find(f, dyn, ELF_DT_SYMTAB, &symtab) ||
        !elf_dynamic_find(f, dyn, ELF_DT_STRTAB, &strtab) ||
        !vaddr_span(f, symtab, &out->offset, &avail) ||
        !vaddr_span(f, strtab, &out->str_offset, &str_avail))
        return elf_section_symbols(f, ELF_SHT_DYNSYM, out);
    out->entsize = elf_dynamic_find(f, dyn, ELF_DT_SYMENT, &syment) ? syment : min;
    if (out->entsize < min || out->entsize > 1024)
        return elf_section_symbols(f, ELF_SHT_DYNSYM, out);
    elf_dynamic_find(f, dyn, ELF_DT_STRSZ, &strsz);
    out->str_size = strsz < str_avail ? strsz : str_avail;
    if (!dynsym_count(f, dyn, out, symtab, &count))
        count = avail / out->entsize;
    out->count = count < avail / out->entsize ? count : avail / out->entsize;
    return out->count > 0;
}

bool elf_section_symbols(const elf_file *f, uint32_t type, elf_table *out)
{
    memset(out, 0, sizeof *out);
    size_t min = f->is64 ? SYM64_SIZE : SYM32_SIZE;
    elf_section sec, str;
    for (size_t i = 0; elf_section_at(f, i, &sec); i++) {
        if (sec.type != type || !fits(f, sec.offset, 0))
            continue;
        if (!elf_section_at(f, sec.link, &str) || !fits(f, str.offset, 0))
            continue;
        out->offset = sec.offset;
        out->entsize = sec.entsize >= min && sec.entsize <= 1024 ? sec.entsize : min;
        clamp_table(f, out, sec.size);
        out->str_offset = str.offset;
        out->str_size = str.size;
        return true;
    }
    return false;
}

bool elf_symbol_at(const elf_file *f, const elf_table *symtab, uint64_t i, elf_symbol *out)
{
    if (i >= symtab->count)
        return false;
    uint64_t at = symtab->offset + i * symtab->entsize;
    if (!fits(f, at, f->is64 ? SYM64_SIZE : SYM32_SIZE))
        return false;
    uint32_t name = rd32(f, at);
    uint8_t info = f->data[at + (f->is64 ? 4 : 12)];
    out->shndx = rd16(f, at + (f->is64 ? 6 : 14));
    out->bind = info >> 4;
    out->type = info & 0xf;
    out->name = string_within(f, symtab->str_offset, symtab->str_size, name, ELF_SYMBOL_NAME_MAX);
    if (!out->name)
        out->name = "";
    return true;
}
