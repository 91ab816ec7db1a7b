/*
 * TP-Link firmware images with the version 1 header (the one OpenWrt's
 * mktplinkfw writes and many stock images use): a 512-byte big-endian header,
 * then the kernel and the root filesystem at offsets it gives, each emitted
 * as a blob for the core to scan again.
 *
 * Header fields used (offsets in bytes): 0x00 header version (1), 0x04
 * vendor (24 chars), 0x1c firmware version string (36), 0x40 hardware id,
 * 0x44 hardware revision, 0x4c MD5 of the image, 0x7c image length, 0x80
 * kernel offset, 0x84 kernel length, 0x88 rootfs offset, 0x8c rootfs length,
 * 0x90 bootloader offset, 0x94 bootloader length, 0x98/0x9a/0x9c firmware
 * version numbers (16 bits each).
 *
 * Images that carry a bootloader (bootloader length not 0) nest: the
 * bootloader follows the outer header, and a second header at 0x20200
 * describes the kernel and rootfs with offsets relative to itself. The MD5
 * is taken over the image with the MD5 field replaced by a fixed key (one
 * key for images with a bootloader, another without); it is checked and
 * reported, and a mismatch only warns.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

enum {
    TPL_HEADER = 512,
    INNER_HEADER_AT = 0x20200,
    VENDOR_AT = 0x04,
    VENDOR_LEN = 24,
    VERSION_AT = 0x1c,
    VERSION_LEN = 36,
    MD5_AT = 0x4c,
    MD5_LEN = 16,
};

static const uint8_t md5_key_plain[MD5_LEN] = {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb,
                                               0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38};
static const uint8_t md5_key_boot[MD5_LEN] = {0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa,
                                              0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42};

typedef struct tpl_header {
    uint32_t hw_id, hw_rev, length;
    uint32_t kernel_ofs, kernel_len, rootfs_ofs, rootfs_len, boot_ofs, boot_len;
    unsigned ver_hi, ver_mid, ver_lo;
    char vendor[VENDOR_LEN + 1], version[VERSION_LEN + 1];
} tpl_header;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void copy_text(char *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[i] = '\0';
}

/* True for a version 1 header whose image holds at least the header and
 * whose kernel lies inside the image. */
static bool parse_header(const uint8_t *p, size_t size, tpl_header *h)
{
    if (size < TPL_HEADER || be32(p) != 0x01000000)
        return false;
    copy_text(h->vendor, p + VENDOR_AT, VENDOR_LEN);
    copy_text(h->version, p + VERSION_AT, VERSION_LEN);
    h->hw_id = be32(p + 0x40);
    h->hw_rev = be32(p + 0x44);
    h->length = be32(p + 0x7c);
    h->kernel_ofs = be32(p + 0x80);
    h->kernel_len = be32(p + 0x84);
    h->rootfs_ofs = be32(p + 0x88);
    h->rootfs_len = be32(p + 0x8c);
    h->boot_ofs = be32(p + 0x90);
    h->boot_len = be32(p + 0x94);
    h->ver_hi = be16(p + 0x98);
    h->ver_mid = be16(p + 0x9a);
    h->ver_lo = be16(p + 0x9c);
    return h->length >= TPL_HEADER && h->kernel_ofs >= TPL_HEADER && h->kernel_len > 0 &&
           (uint64_t)h->kernel_ofs + h->kernel_len <= h->length;
}

static bool tplink_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    tpl_header h;
    *length = 0;
    if (!parse_header(data, size, &h))
        return false;
    *length = h.length < size ? h.length : size;
    return true;
}

/* "ok", "mismatch", or "not checked" (image cut short, or no MD5 here). */
static const char *check_md5(const uint8_t *p, size_t size, uint32_t length, const uint8_t *key)
{
    if (length > size)
        return "not checked";
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool done = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
                EVP_DigestUpdate(ctx, p, MD5_AT) && EVP_DigestUpdate(ctx, key, MD5_LEN) &&
                EVP_DigestUpdate(ctx, p + MD5_AT + MD5_LEN, length - MD5_AT - MD5_LEN) &&
                EVP_DigestFinal_ex(ctx, md, &md_len);
    EVP_MD_CTX_free(ctx);
    if (!done || md_len != MD5_LEN)
        return "not checked";
    return memcmp(md, p + MD5_AT, MD5_LEN) == 0 ? "ok" : "mismatch";
}

/* Emits [base + offset, + len) of the buffer, clamped to what remains. */
static iotssf_status emit_part(const uint8_t *data, size_t size, size_t base, uint32_t offset,
                               uint32_t len, const char *name, fw_sink *sink, iotssf_error *err)
{
    if (len == 0)
        return IOTSSF_OK;
    uint64_t start = (uint64_t)base + offset;
    if (start >= size) {
        fw_sink_warn(sink, "%s at 0x%llx starts past the end of the buffer", name,
                     (unsigned long long)start);
        return IOTSSF_OK;
    }
    uint64_t n = len;
    if (n > size - start) {
        fw_sink_warn(sink, "%s declares %u bytes, %llu remain: clamped", name, len,
                     (unsigned long long)(size - start));
        n = size - start;
    }
    return sink->blob(sink, name, data + start, (size_t)n, err);
}

static void describe(fw_sink *sink, const tpl_header *h, const char *md5, const char *inner_md5)
{
    fw_sink_describe(sink, "\"%s\" \"%s\", hardware 0x%08x rev %u, firmware %u.%u.%u, %s, "
                     "MD5 %s%s%s", h->vendor, h->version, h->hw_id, h->hw_rev, h->ver_hi,
                     h->ver_mid, h->ver_lo, h->boot_len ? "with bootloader" : "no bootloader",
                     md5, inner_md5 ? ", inner MD5 " : "", inner_md5 ? inner_md5 : "");
}

static iotssf_status tplink_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    tpl_header outer, inner;
    if (!parse_header(data, size, &outer)) {
        fw_sink_warn(sink, "TP-Link: not a valid header");
        return IOTSSF_OK;
    }
    if (outer.length > size)
        fw_sink_warn(sink, "TP-Link image declares %u bytes, %zu remain", outer.length, size);
    const char *md5 = check_md5(data, size, outer.length,
                                outer.boot_len ? md5_key_boot : md5_key_plain);
    const tpl_header *parts = &outer;
    size_t base = 0;
    const char *inner_md5 = NULL;
    if (outer.boot_len) {
        iotssf_status st = emit_part(data, size, TPL_HEADER, 0, outer.boot_len,
                                     "tp-link bootloader", sink, err);
        if (st)
            return st;
        if (size > INNER_HEADER_AT &&
            parse_header(data + INNER_HEADER_AT, size - INNER_HEADER_AT, &inner)) {
            parts = &inner;
            base = INNER_HEADER_AT;
            inner_md5 = check_md5(data + base, size - base, inner.length, md5_key_plain);
        } else {
            fw_sink_warn(sink, "TP-Link image with a bootloader but no inner header at 0x%x",
                         INNER_HEADER_AT);
        }
    }
    describe(sink, &outer, md5, inner_md5);
    if (strcmp(md5, "mismatch") == 0 || (inner_md5 && strcmp(inner_md5, "mismatch") == 0))
        fw_sink_warn(sink, "TP-Link image MD5 mismatch");
    iotssf_status st = emit_part(data, size, base, parts->kernel_ofs, parts->kernel_len,
                                 "tp-link kernel", sink, err);
    if (!st)
        st = emit_part(data, size, base, parts->rootfs_ofs, parts->rootfs_len, "tp-link rootfs",
                       sink, err);
    return st;
}

static const uint8_t tplink_magic[] = "\x01\x00\x00\x00TP-LINK Technologies";

const fw_format fw_format_tplink = {
    .name = "tplink",
    .magic = tplink_magic,
    .magic_len = sizeof tplink_magic - 1,
    .magic_offset = 0,
    .probe = tplink_probe,
    .unpack = tplink_unpack,
};
