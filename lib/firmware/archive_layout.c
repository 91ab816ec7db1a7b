/*
 * Byte-level checks of cpio, tar and zip structure for the archive probes;
 * see archive_layout.h. Nothing here allocates; every field is checked
 * against the buffer before it is read.
 */
#define _GNU_SOURCE
#include "archive_layout.h"

#include <string.h>

enum {
    NEWC_HEADER = 110,
    NEWC_NAMESIZE_AT = 94,
    ODC_HEADER = 76,
    ODC_NAMESIZE_AT = 59,
    BIN_HEADER = 26,
    BIN_NAMESIZE_AT = 20,
    CPIO_MAX_NAME = 4096,
    TAR_BLOCK = 512,
    TAR_SIZE_AT = 124,
    TAR_CHECKSUM_AT = 148,
    TAR_TYPE_AT = 156,
    TAR_MAGIC_AT = 257,
    TAR_MAGIC_LEN = 8, /* "ustar\0" "00" or GNU's "ustar  \0" */
    ZIP_LOCAL_HEADER = 30,
    ZIP_EOCD = 22,
    ZIP64_LOCATOR = 20,
};

static bool all_digits(const uint8_t *p, size_t n, bool hex)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        bool ok = hex ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                      : c >= '0' && c <= '7';
        if (!ok)
            return false;
    }
    return true;
}

static uint64_t parse_digits(const uint8_t *p, size_t n, unsigned base)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        unsigned d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        v = v * base + d;
    }
    return v;
}

static unsigned word16(const uint8_t *p, bool little_endian)
{
    return little_endian ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

/* One cpio header, as far as the walk needs it. */
typedef struct cpio_header {
    uint64_t mode, namesize, filesize;
    size_t header, align; /* header size; names and data are padded to align */
} cpio_header;

/* A field of `n` digits at p, into *v; false when it holds anything else. */
static bool digits_field(const uint8_t *p, size_t n, bool hex, uint64_t *v)
{
    if (!all_digits(p, n, hex))
        return false;
    *v = parse_digits(p, n, hex ? 16 : 8);
    return true;
}

/* Checks the whole header when `full`, else only the fields the walk uses
 * (see fw_cpio_walk on `strict`). */
static bool parse_cpio_header(const uint8_t *p, size_t left, fw_cpio_variant v, bool full,
                              cpio_header *h)
{
    switch (v) {
    case FW_CPIO_NEWC:
        h->header = NEWC_HEADER;
        h->align = 4;
        return left >= NEWC_HEADER && memcmp(p, "07070", 5) == 0 &&
               (p[5] == '1' || p[5] == '2') &&
               (!full || all_digits(p + 6, NEWC_HEADER - 6, true)) &&
               digits_field(p + 14, 8, true, &h->mode) &&
               digits_field(p + NEWC_NAMESIZE_AT, 8, true, &h->namesize) &&
               digits_field(p + 54, 8, true, &h->filesize);
    case FW_CPIO_ODC:
        h->header = ODC_HEADER;
        h->align = 1;
        return left >= ODC_HEADER && memcmp(p, "070707", 6) == 0 &&
               (!full || all_digits(p + 6, ODC_HEADER - 6, false)) &&
               digits_field(p + 18, 6, false, &h->mode) &&
               digits_field(p + ODC_NAMESIZE_AT, 6, false, &h->namesize) &&
               digits_field(p + 65, 11, false, &h->filesize);
    case FW_CPIO_BIN_LE:
    case FW_CPIO_BIN_BE: {
        bool le = v == FW_CPIO_BIN_LE;
        if (left < BIN_HEADER || word16(p, le) != 070707)
            return false;
        h->mode = word16(p + 6, le);
        h->namesize = word16(p + BIN_NAMESIZE_AT, le);
        h->filesize = (uint64_t)word16(p + 22, le) << 16 | word16(p + 24, le);
        h->header = BIN_HEADER;
        h->align = 2;
        return true;
    }
    }
    return false;
}

static uint64_t align_up(uint64_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

size_t fw_cpio_walk(const uint8_t *data, size_t size, fw_cpio_variant variant, bool strict,
                    uint64_t *trailer_end, uint64_t *safe_end)
{
    *trailer_end = *safe_end = 0;
    size_t pos = 0, count = 0;
    cpio_header h;
    while (pos < size &&
           parse_cpio_header(data + pos, size - pos, variant, strict || pos == 0, &h)) {
        uint64_t name_at = pos + h.header;
        if (h.namesize < 2 || h.namesize > CPIO_MAX_NAME || name_at + h.namesize > size ||
            data[name_at + h.namesize - 1] != '\0')
            break;
        uint64_t data_at = align_up(name_at + h.namesize, h.align);
        uint64_t data_end = data_at + h.filesize;
        if (data_end > size) {
            if ((h.mode & 0170000) == 0100000) /* a regular file, cut short */
                *safe_end = size;
            break;
        }
        count++;
        uint64_t next = align_up(data_end, h.align);
        *safe_end = next < size ? next : size;
        if (h.namesize == 11 && memcmp(data + name_at, "TRAILER!!!", 11) == 0) {
            *trailer_end = *safe_end;
            break;
        }
        pos = (size_t)*safe_end;
    }
    return count;
}

/* --- tar ------------------------------------------------------------------ */

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A numeric field: octal digits (leading spaces allowed, ended by space or
 * NUL), or GNU base-256 when the top bit of the first byte is set. */
static bool tar_number(const uint8_t *p, size_t n, uint64_t *value)
{
    *value = 0;
    if (p[0] & 0x80) {
        if (p[0] & 0x40)
            return false; /* negative */
        for (size_t i = 0; i < n; i++) {
            if (*value >> 55)
                return false;
            *value = *value << 8 | (i == 0 ? p[i] & 0x3f : p[i]);
        }
        return true;
    }
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
        *value = *value << 3 | (uint64_t)(p[i] - '0');
    return i == n || p[i] == ' ' || p[i] == '\0';
}

/* The stored checksum equals the sum of the header bytes with the checksum
 * field read as spaces (unsigned, or signed as some old tars wrote). */
static bool tar_checksum_ok(const uint8_t *h)
{
    uint64_t stored;
    if (!tar_number(h + TAR_CHECKSUM_AT, 8, &stored))
        return false;
    uint64_t sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        bool in_field = i >= TAR_CHECKSUM_AT && i < TAR_CHECKSUM_AT + 8;
        sum += in_field ? ' ' : h[i];
        signed_sum += in_field ? ' ' : (int8_t)h[i];
    }
    return stored == sum || (int64_t)stored == signed_sum;
}

/* The first header must pass its checksum; unless `strict`, a later one
 * that carries the same magic and version is taken as written by the same
 * tar (see fw_tar_extent). */
static bool tar_header_ok(const uint8_t *h, const uint8_t *first, bool strict)
{
    if (!strict && h != first &&
        memcmp(h + TAR_MAGIC_AT, first + TAR_MAGIC_AT, TAR_MAGIC_LEN) == 0)
        return true;
    return tar_checksum_ok(h);
}

/* Entries that tar stores as is and libarchive reads as it goes. */
static bool tar_regular(uint8_t type)
{
    return type == '0' || type == '\0' || type == '7';
}

bool fw_tar_extent(const uint8_t *data, size_t size, bool strict, uint64_t *length,
                   uint64_t *safe_end)
{
    *length = *safe_end = 0;
    size_t pos = 0, entries = 0;
    while (size - pos >= TAR_BLOCK) {
        const uint8_t *h = data + pos;
        if (all_zero(h, TAR_BLOCK)) {
            bool second = size - pos >= 2 * TAR_BLOCK && all_zero(h + TAR_BLOCK, TAR_BLOCK);
            *length = *safe_end = pos + (second ? 2 : 1) * TAR_BLOCK;
            return entries > 0;
        }
        uint64_t body;
        if (!tar_header_ok(h, data, strict) || !tar_number(h + TAR_SIZE_AT, 12, &body))
            break;
        entries++;
        uint8_t type = h[TAR_TYPE_AT];
        /* Links, devices, fifos and directories carry no data. */
        if (type >= '1' && type <= '6')
            body = 0;
        uint64_t blocks = body / TAR_BLOCK + (body % TAR_BLOCK != 0);
        if (blocks >= (size - pos) / TAR_BLOCK) { /* runs to (or past) the end */
            *length = size;
            *safe_end = tar_regular(type) ? size : pos;
            return true;
        }
        pos += TAR_BLOCK + (size_t)blocks * TAR_BLOCK;
        *safe_end = pos;
    }
    *length = pos;
    return entries > 0;
}

/* --- zip ------------------------------------------------------------------ */

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool fw_zip_local_header_ok(const uint8_t *data, size_t size)
{
    if (size < ZIP_LOCAL_HEADER || memcmp(data, "PK\3\4", 4) != 0)
        return false;
    unsigned needed = le16(data + 4), name_len = le16(data + 26), extra_len = le16(data + 28);
    /* Version needed is at most 6.3 in every published APPNOTE. */
    return (needed & 0xff) <= 63 && name_len > 0 &&
           (size_t)ZIP_LOCAL_HEADER + name_len + extra_len <= size;
}

/* Does the record at eocd (offset `at`) describe a zip starting at data? */
static bool eocd_belongs(const uint8_t *data, size_t at, const uint8_t *eocd)
{
    if (le16(eocd + 4) != 0 && le16(eocd + 4) != 0xffff)
        return false; /* multi-disk archives are not firmware */
    uint32_t cd_size = le32(eocd + 12), cd_offset = le32(eocd + 16);
    if (cd_size == 0xffffffff || cd_offset == 0xffffffff || le16(eocd + 10) == 0xffff)
        return at >= ZIP64_LOCATOR && memcmp(data + at - ZIP64_LOCATOR, "PK\6\7", 4) == 0;
    if ((uint64_t)cd_offset + cd_size != at)
        return false;
    return cd_size == 0 || memcmp(data + cd_offset, "PK\1\2", 4) == 0;
}

bool fw_zip_extent(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    const uint8_t *end = data + size;
    const uint8_t *p = data;
    while ((size_t)(end - p) >= ZIP_EOCD) {
        const uint8_t *m = memmem(p, (size_t)(end - p), "PK\5\6", 4);
        if (!m || (size_t)(end - m) < ZIP_EOCD)
            return false;
        size_t at = (size_t)(m - data);
        if (eocd_belongs(data, at, m)) {
            size_t comment = le16(m + 20);
            size_t room = size - at - ZIP_EOCD;
            *length = at + ZIP_EOCD + (comment < room ? comment : room);
            return true;
        }
        p = m + 1;
    }
    return false;
}
