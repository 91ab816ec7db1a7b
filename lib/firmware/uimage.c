/*
 * Legacy U-Boot images (uImage): a 64-byte big-endian header, magic
 * 27 05 19 56, before one payload or, for multi-file images, a list of
 * sizes and the sub-images. Payloads are emitted as blobs for the core to
 * scan again; they are usually compressed kernels and ramdisks. The newer
 * FIT images are device trees and have a reader of their own (fit.c).
 *
 * The legacy header's CRC is what makes its four-byte magic trustworthy, so
 * the probe refuses a header whose CRC does not match; a payload CRC
 * mismatch only warns, since the payload is still worth reading.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "reader.h"

enum {
    UIMAGE_HEADER = 64,
    UIMAGE_NAME = 32,
    IH_TYPE_MULTI = 4,
    MULTI_MAX_PARTS = 256,
};

typedef struct uimage_header {
    uint32_t hcrc, time, size, load, entry, dcrc;
    uint8_t os, arch, type, comp;
    char name[UIMAGE_NAME + 1];
} uimage_header;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void parse_header(const uint8_t *p, uimage_header *h)
{
    h->hcrc = be32(p + 4);
    h->time = be32(p + 8);
    h->size = be32(p + 12);
    h->load = be32(p + 16);
    h->entry = be32(p + 20);
    h->dcrc = be32(p + 24);
    h->os = p[28];
    h->arch = p[29];
    h->type = p[30];
    h->comp = p[31];
    for (size_t i = 0; i < UIMAGE_NAME; i++) {
        uint8_t c = p[32 + i];
        h->name[i] = c == 0 ? '\0' : c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    h->name[UIMAGE_NAME] = '\0';
}

/* The CRC-32 of the header with its own CRC field zeroed. */
static uint32_t header_crc(const uint8_t *p)
{
    uint8_t copy[UIMAGE_HEADER];
    memcpy(copy, p, UIMAGE_HEADER);
    memset(copy + 4, 0, 4);
    return (uint32_t)crc32(0, copy, UIMAGE_HEADER);
}

/* n comes from the header's 32-bit size, so it fits zlib's uInt. */
static uint32_t data_crc(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(0, p, (uInt)n);
}

static const char *name_in(const char *const *names, size_t count, unsigned value)
{
    return value < count && names[value] ? names[value] : NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const os_names[] = {
    "invalid", "openbsd", "netbsd", "freebsd", "4.4bsd", "linux", "svr4", "esix", "solaris",
    "irix", "sco", "dell", "ncr", "lynxos", "vxworks", "psos", "qnx", "u-boot", "rtems",
    "artos", "unity", "integrity", "ose", "plan9", "openrtos", "arm-trusted-firmware", "tee",
    "opensbi", "efi",
};
static const char *const arch_names[] = {
    "invalid", "alpha", "arm", "x86", "ia64", "mips", "mips64", "powerpc", "s390", "sh",
    "sparc", "sparc64", "m68k", "nios", "microblaze", "nios2", "blackfin", "avr32", "st200",
    "sandbox", "nds32", "openrisc", "arm64", "arc", "x86_64", "xtensa", "riscv",
};
static const char *const type_names[] = {
    "invalid", "standalone", "kernel", "ramdisk", "multi", "firmware", "script",
    "filesystem", "flat_dt", "kwbimage", "imximage", "ublimage", "omapimage", "aisimage",
    "kernel_noload",
};
static const char *const comp_names[] = {"none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"};

/* "linux" or "#42" for a value outside the table. */
static const char *label(const char *const *names, size_t count, unsigned value, char *buf,
                         size_t cap)
{
    const char *n = name_in(names, count, value);
    if (n)
        return n;
    snprintf(buf, cap, "#%u", value);
    return buf;
}

static bool uimage_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (size < UIMAGE_HEADER || be32(data) != 0x27051956 || header_crc(data) != be32(data + 4))
        return false;
    uint64_t whole = (uint64_t)UIMAGE_HEADER + be32(data + 12);
    *length = whole < size ? whole : size;
    return true;
}

static void describe_header(fw_sink *sink, const uimage_header *h)
{
    char os[16], arch[16], type[16], comp[16];
    fw_sink_describe(sink, "\"%s\", %s, %s, %s, %s, %u bytes, load 0x%08x, entry 0x%08x",
                     h->name, label(type_names, COUNT(type_names), h->type, type, sizeof type),
                     label(os_names, COUNT(os_names), h->os, os, sizeof os),
                     label(arch_names, COUNT(arch_names), h->arch, arch, sizeof arch),
                     label(comp_names, COUNT(comp_names), h->comp, comp, sizeof comp), h->size,
                     h->load, h->entry);
}

/* Multi-file payload: 32-bit sizes ended by 0, then each part padded to 4. */
static iotssf_status unpack_multi(const uint8_t *p, size_t len, fw_sink *sink, iotssf_error *err)
{
    size_t parts = 0;
    while ((parts + 1) * 4 <= len && be32(p + parts * 4) != 0 && parts < MULTI_MAX_PARTS)
        parts++;
    if ((parts + 1) * 4 > len || be32(p + parts * 4) != 0) {
        fw_sink_warn(sink, "multi-file image: the size list is not terminated; reading %zu "
                     "parts", parts);
        if ((parts + 1) * 4 > len)
            return IOTSSF_OK;
    }
    size_t offset = (parts + 1) * 4;
    for (size_t i = 0; i < parts; i++) {
        size_t part = be32(p + i * 4);
        if (offset >= len) {
            fw_sink_warn(sink, "multi-file image: part %zu starts past the payload", i);
            break;
        }
        if (part > len - offset) {
            fw_sink_warn(sink, "multi-file image: part %zu declares %zu bytes, %zu remain: "
                         "clamped", i, part, len - offset);
            part = len - offset;
        }
        char name[48];
        snprintf(name, sizeof name, "uimage part %zu", i);
        iotssf_status st = sink->blob(sink, name, p + offset, part, err);
        if (st)
            return st;
        offset += (part + 3) & ~(size_t)3;
    }
    return IOTSSF_OK;
}

static iotssf_status uimage_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    if (size < UIMAGE_HEADER) {
        fw_sink_warn(sink, "uImage header cut short");
        return IOTSSF_OK;
    }
    uimage_header h;
    parse_header(data, &h);
    describe_header(sink, &h);
    const uint8_t *payload = data + UIMAGE_HEADER;
    size_t len = h.size;
    if (len > size - UIMAGE_HEADER) {
        fw_sink_warn(sink, "uImage declares %u payload bytes but %zu remain: clamped", h.size,
                     size - UIMAGE_HEADER);
        len = size - UIMAGE_HEADER;
    } else if (data_crc(payload, len) != h.dcrc) {
        fw_sink_warn(sink, "uImage payload CRC mismatch (header 0x%08x, data 0x%08x)", h.dcrc,
                     data_crc(payload, len));
    }
    if (h.type == IH_TYPE_MULTI)
        return unpack_multi(payload, len, sink, err);
    if (len == 0)
        return IOTSSF_OK;
    char type[16], comp[16], name[64];
    snprintf(name, sizeof name, "uimage payload (%s, %s)",
             label(type_names, COUNT(type_names), h.type, type, sizeof type),
             label(comp_names, COUNT(comp_names), h.comp, comp, sizeof comp));
    return sink->blob(sink, name, payload, len, err);
}

static const uint8_t uimage_magic[] = {0x27, 0x05, 0x19, 0x56};

const fw_format fw_format_uimage = {
    .name = "uimage",
    .magic = uimage_magic,
    .magic_len = sizeof uimage_magic,
    .magic_offset = 0,
    .probe = uimage_probe,
    .unpack = uimage_unpack,
};
