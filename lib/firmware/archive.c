/*
 * cpio (newc, crc, odc, binary), tar and zip archives, read entry by entry
 * with libarchive from memory and handed to the sink as filesystem entries.
 * libarchive only ever reads here: nothing is extracted, no link followed.
 * The walks in archive_layout.c decide from the bytes whether a magic hit
 * is an archive and how long it is, and libarchive is only given the part
 * they vouched for, so a header cannot make it allocate a size that is not
 * there.
 *
 * cpio hard links need care. newc and crc archives (what the kernel's
 * initramfs uses) store a file's data once, with the *last* of its links;
 * the earlier links come first with size 0. So links without data are held
 * back until the one with data arrives, which is emitted as the file, and
 * the held ones then follow as hard links to it. odc and binary cpio store
 * the data with every link; libarchive marks the later ones as hard links
 * to the first, and they are emitted as such.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_layout.h"
#include "growbuf.h"
#include "reader.h"

typedef enum archive_family {
    FAMILY_CPIO,
    FAMILY_TAR,
    FAMILY_ZIP,        /* seekable: entries from the central directory */
    FAMILY_ZIP_STREAM, /* no central directory found: local headers only */
} archive_family;

/* cpio links held back at once, at most (see take_cpio_link). */
enum { MAX_HELD_LINKS = 4096 };

static struct archive *open_reader(archive_family family, const uint8_t *data, size_t size)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    int rc = family == FAMILY_CPIO ? archive_read_support_format_cpio(a)
             : family == FAMILY_TAR ? archive_read_support_format_tar(a)
             : family == FAMILY_ZIP ? archive_read_support_format_zip_seekable(a)
                                    : archive_read_support_format_zip_streamable(a);
    if (rc != ARCHIVE_OK || archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* --- probes --------------------------------------------------------------- */

/* An ASCII cpio is real when its first header is; the binary magic is two
 * bytes, common in any binary, so only a walk that reaches the trailer
 * counts there. */
static bool cpio_probe(const uint8_t *data, size_t size, fw_cpio_variant variant,
                       uint64_t *length)
{
    uint64_t trailer_end, safe_end;
    size_t headers = fw_cpio_walk(data, size, variant, false, &trailer_end, &safe_end);
    *length = trailer_end;
    bool binary = variant == FW_CPIO_BIN_LE || variant == FW_CPIO_BIN_BE;
    return binary ? trailer_end > 0 : headers > 0;
}

static bool newc_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    return cpio_probe(data, size, FW_CPIO_NEWC, length);
}

static bool odc_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    return cpio_probe(data, size, FW_CPIO_ODC, length);
}

static bool bin_le_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    return cpio_probe(data, size, FW_CPIO_BIN_LE, length);
}

static bool bin_be_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    return cpio_probe(data, size, FW_CPIO_BIN_BE, length);
}

static bool tar_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    uint64_t safe_end;
    return fw_tar_extent(data, size, false, length, &safe_end);
}

static bool zip_probe(const uint8_t *data, size_t size, uint64_t *length)
{
    *length = 0;
    if (!fw_zip_local_header_ok(data, size))
        return false;
    fw_zip_extent(data, size, length);
    return true;
}

/* --- entries -------------------------------------------------------------- */

/* A cpio link held back until the link that carries the data arrives. */
typedef struct held_link {
    char *path;
    la_int64_t dev, ino;
    uint32_t mode, uid, gid;
} held_link;

typedef struct archive_run {
    struct archive *a;
    archive_family family;
    fw_sink *sink;
    iotssf_error *err;
    held_link *held;
    size_t held_count;
    size_t entries;
} archive_run;

static uint32_t clamp_id(la_int64_t id)
{
    return id < 0 ? 0 : id > UINT32_MAX ? UINT32_MAX : (uint32_t)id;
}

static const char *entry_path(struct archive_entry *e)
{
    const char *p = archive_entry_pathname(e);
    return p ? p : archive_entry_pathname_utf8(e);
}

static const char *entry_hardlink(struct archive_entry *e)
{
    const char *p = archive_entry_hardlink(e);
    return p ? p : archive_entry_hardlink_utf8(e);
}

static const char *entry_symlink(struct archive_entry *e)
{
    const char *p = archive_entry_symlink(e);
    return p ? p : archive_entry_symlink_utf8(e);
}

static iotssf_fw_kind kind_of(struct archive_entry *e)
{
    if (entry_hardlink(e))
        return IOTSSF_FW_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
        return IOTSSF_FW_DIR;
    case AE_IFLNK:
        return IOTSSF_FW_SYMLINK;
    case AE_IFCHR:
        return IOTSSF_FW_CHARDEV;
    case AE_IFBLK:
        return IOTSSF_FW_BLOCKDEV;
    case AE_IFIFO:
        return IOTSSF_FW_FIFO;
    case AE_IFSOCK:
        return IOTSSF_FW_SOCKET;
    default:
        return IOTSSF_FW_FILE;
    }
}

static iotssf_status emit(archive_run *r, struct archive_entry *e, const char *path,
                          iotssf_fw_kind kind, const fw_growbuf *content, const char *link)
{
    iotssf_fw_entry out = {
        .path = path,
        .kind = kind,
        .mode = (uint32_t)archive_entry_perm(e) & 07777,
        .uid = clamp_id(archive_entry_uid(e)),
        .gid = clamp_id(archive_entry_gid(e)),
        .size = content ? content->len : 0,
        .data = content && content->len ? content->data : NULL,
        .link_target = link,
    };
    return r->sink->entry(r->sink, &out, r->err);
}

/* The packed bytes behind what was read so far, for the ratio limit. cpio
 * and tar store data as is, so the entry's size is its packed size (and
 * libarchive consumes stored data lazily, so its position lags). zip data
 * is inflated as it is consumed, so the position moves with it. */
static uint64_t packed_so_far(const archive_run *r, struct archive_entry *e, la_int64_t start)
{
    if (r->family == FAMILY_CPIO || r->family == FAMILY_TAR)
        return archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 1;
    la_int64_t now = archive_filter_bytes(r->a, -1);
    return now > start ? (uint64_t)(now - start) : 1;
}

/* Reads the entry's data into buf. *refused when a limit refused it (the
 * sink has warned); damage keeps what was read, with a warning. */
static iotssf_status read_content(archive_run *r, struct archive_entry *e, const char *path,
                                  fw_growbuf *buf, bool *refused)
{
    *refused = false;
    la_int64_t start = archive_filter_bytes(r->a, -1);
    for (;;) {
        if (buf->len == buf->cap) {
            uint64_t packed = packed_so_far(r, e, start);
            iotssf_status st = fw_growbuf_reserve(buf, packed, r->err);
            if (st)
                return st;
            if (buf->limited) {
                fw_sink_warn(r->sink, "%s: not unpacked, over a limit", path);
                *refused = true;
                return IOTSSF_OK;
            }
        }
        la_ssize_t n = archive_read_data(r->a, buf->data + buf->len, buf->cap - buf->len);
        if (n == 0)
            return IOTSSF_OK;
        if (n < 0) {
            fw_sink_warn(r->sink, "%s: data damaged (%s); kept %zu bytes", path,
                         archive_error_string(r->a) ? archive_error_string(r->a) : "unknown",
                         buf->len);
            return IOTSSF_OK;
        }
        buf->len += (size_t)n;
    }
}

static iotssf_status emit_file(archive_run *r, struct archive_entry *e, const char *path)
{
    fw_growbuf buf;
    fw_growbuf_init(&buf, r->sink);
    bool refused;
    iotssf_status st = read_content(r, e, path, &buf, &refused);
    if (st || refused) {
        fw_growbuf_free(&buf);
        return st;
    }
    fw_growbuf_settle(&buf);
    st = emit(r, e, path, IOTSSF_FW_FILE, &buf, NULL);
    fw_growbuf_release(&buf);
    return st;
}

/* --- cpio hard links ------------------------------------------------------ */

static bool hold_link(archive_run *r, struct archive_entry *e, const char *path)
{
    if (r->held_count == MAX_HELD_LINKS)
        return false;
    if (!r->held) {
        r->held = calloc(MAX_HELD_LINKS, sizeof *r->held);
        if (!r->held)
            return false;
    }
    char *copy = strdup(path);
    if (!copy)
        return false;
    r->held[r->held_count++] = (held_link){copy, (la_int64_t)archive_entry_dev(e),
                                           archive_entry_ino64(e),
                                           (uint32_t)archive_entry_perm(e) & 07777,
                                           clamp_id(archive_entry_uid(e)),
                                           clamp_id(archive_entry_gid(e))};
    return true;
}

static bool same_file(const held_link *h, la_int64_t dev, la_int64_t ino)
{
    return h->dev == dev && h->ino == ino;
}

static bool is_held(const archive_run *r, struct archive_entry *e)
{
    for (size_t i = 0; i < r->held_count; i++)
        if (same_file(&r->held[i], (la_int64_t)archive_entry_dev(e), archive_entry_ino64(e)))
            return true;
    return false;
}

static iotssf_status emit_held(archive_run *r, const held_link *h, iotssf_fw_kind kind,
                               const char *target)
{
    iotssf_fw_entry out = {h->path, kind, h->mode, h->uid, h->gid, 0, NULL, target};
    return r->sink->entry(r->sink, &out, r->err);
}

/* Emits, as links to `target`, the held links of (dev, ino); when target
 * is NULL the first of them becomes the (empty) file the others link to. */
static iotssf_status release_links(archive_run *r, la_int64_t dev, la_int64_t ino,
                                   const char *target)
{
    iotssf_status st = IOTSSF_OK;
    char *first = NULL;
    size_t kept = 0;
    for (size_t i = 0; i < r->held_count; i++) {
        held_link *h = &r->held[i];
        if (!same_file(h, dev, ino)) {
            r->held[kept++] = *h;
            continue;
        }
        const char *to = target ? target : first;
        if (!st)
            st = emit_held(r, h, to ? IOTSSF_FW_HARDLINK : IOTSSF_FW_FILE, to);
        if (!target && !first)
            first = h->path;
        else
            free(h->path);
    }
    free(first);
    r->held_count = kept;
    return st;
}

static iotssf_status release_all_links(archive_run *r)
{
    iotssf_status st = IOTSSF_OK;
    while (r->held_count && !st)
        st = release_links(r, r->held[0].dev, r->held[0].ino, NULL);
    for (size_t i = 0; i < r->held_count; i++)
        free(r->held[i].path);
    free(r->held);
    r->held = NULL;
    r->held_count = 0;
    return st;
}

/* A cpio entry of a multiply-linked file: held back, or emitted as the
 * file with the held links after it. *handled is false when the usual path
 * should take the entry. */
static iotssf_status take_cpio_link(archive_run *r, struct archive_entry *e, const char *path,
                                    bool *handled)
{
    *handled = false;
    if (archive_entry_size(e) == 0) {
        *handled = hold_link(r, e, path);
        return IOTSSF_OK;
    }
    if (!is_held(r, e))
        return IOTSSF_OK;
    *handled = true;
    iotssf_status st = emit_file(r, e, path);
    if (!st)
        st = release_links(r, (la_int64_t)archive_entry_dev(e), archive_entry_ino64(e), path);
    return st;
}

/* --- the entry loop --------------------------------------------------------- */

static iotssf_status take_entry(archive_run *r, struct archive_entry *e)
{
    const char *path = entry_path(e);
    if (!path) {
        fw_sink_warn(r->sink, "skipped an entry whose name cannot be read");
        return IOTSSF_OK;
    }
    iotssf_fw_kind kind = kind_of(e);
    if (r->family == FAMILY_CPIO && archive_entry_nlink(e) > 1 &&
        (kind == IOTSSF_FW_FILE || kind == IOTSSF_FW_HARDLINK)) {
        bool handled;
        iotssf_status st = take_cpio_link(r, e, path, &handled);
        if (st || handled)
            return st;
    }
    switch (kind) {
    case IOTSSF_FW_FILE:
        return emit_file(r, e, path);
    case IOTSSF_FW_HARDLINK:
        return emit(r, e, path, kind, NULL, entry_hardlink(e));
    case IOTSSF_FW_SYMLINK: {
        const char *target = entry_symlink(e);
        return emit(r, e, path, kind, NULL, target ? target : "");
    }
    default:
        return emit(r, e, path, kind, NULL, NULL);
    }
}

/* Reads entries until the end, damage, or the entry limit. */
static iotssf_status read_entries(archive_run *r)
{
    uint32_t max_entries = r->sink->limits->max_entries;
    for (;;) {
        struct archive_entry *e;
        la_int64_t before = archive_filter_bytes(r->a, -1);
        int rc = archive_read_next_header(r->a, &e);
        if (rc == ARCHIVE_EOF)
            return IOTSSF_OK;
        const char *why = archive_error_string(r->a) ? archive_error_string(r->a) : "damaged";
        if (rc == ARCHIVE_FATAL || ((rc == ARCHIVE_FAILED || rc == ARCHIVE_RETRY) &&
                                    archive_filter_bytes(r->a, -1) == before)) {
            fw_sink_warn(r->sink, "archive damaged after %zu entries (%s): stopped", r->entries,
                         why);
            return IOTSSF_OK;
        }
        if (rc != ARCHIVE_OK)
            fw_sink_warn(r->sink, "entry %zu: %s", r->entries, why);
        if (rc == ARCHIVE_FAILED || rc == ARCHIVE_RETRY)
            continue;
        if (++r->entries > max_entries) {
            fw_sink_warn(r->sink, "stopped at the limit of %u entries", max_entries);
            return IOTSSF_OK;
        }
        iotssf_status st = take_entry(r, e);
        if (st)
            return st;
    }
}

static iotssf_status unpack_with(archive_family family, const uint8_t *data, size_t size,
                                 fw_sink *sink, iotssf_error *err)
{
    archive_run r = {.family = family, .sink = sink, .err = err};
    r.a = open_reader(family, data, size);
    if (!r.a) {
        fw_sink_warn(sink, "libarchive could not open the archive");
        return IOTSSF_OK;
    }
    iotssf_status st = read_entries(&r);
    iotssf_status links = release_all_links(&r);
    if (!st)
        st = links;
    const char *format = archive_format_name(r.a);
    fw_sink_describe(sink, "%s, %zu entries", format ? format : "archive", r.entries);
    archive_read_free(r.a);
    return st;
}

/* libarchive only gets the part of the buffer the walk vouched for (see
 * fw_cpio_walk), so no header can make it allocate what is not there. */
static iotssf_status unpack_checked(archive_family family, const uint8_t *data, size_t size,
                                    uint64_t safe_end, fw_sink *sink, iotssf_error *err)
{
    if (safe_end == 0 || safe_end > size) {
        fw_sink_warn(sink, "the first header is damaged");
        return IOTSSF_OK;
    }
    return unpack_with(family, data, (size_t)safe_end, sink, err);
}

static iotssf_status cpio_unpack_variant(const uint8_t *data, size_t size,
                                         fw_cpio_variant variant, fw_sink *sink,
                                         iotssf_error *err)
{
    uint64_t trailer_end, safe_end;
    fw_cpio_walk(data, size, variant, true, &trailer_end, &safe_end);
    if (!trailer_end)
        fw_sink_warn(sink, "cpio without a trailer: truncated or damaged after 0x%llx bytes",
                     (unsigned long long)safe_end);
    return unpack_checked(FAMILY_CPIO, data, size, safe_end, sink, err);
}

static iotssf_status newc_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                 iotssf_error *err)
{
    return cpio_unpack_variant(data, size, FW_CPIO_NEWC, sink, err);
}

static iotssf_status odc_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                iotssf_error *err)
{
    return cpio_unpack_variant(data, size, FW_CPIO_ODC, sink, err);
}

static iotssf_status bin_le_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    return cpio_unpack_variant(data, size, FW_CPIO_BIN_LE, sink, err);
}

static iotssf_status bin_be_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                   iotssf_error *err)
{
    return cpio_unpack_variant(data, size, FW_CPIO_BIN_BE, sink, err);
}

static iotssf_status tar_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                iotssf_error *err)
{
    /* Only the archive itself: libarchive would take what follows its end
     * blocks for damage. */
    uint64_t length, safe_end;
    fw_tar_extent(data, size, true, &length, &safe_end);
    if (safe_end < length)
        fw_sink_warn(sink, "tar truncated inside a header's data after 0x%llx bytes",
                     (unsigned long long)safe_end);
    return unpack_checked(FAMILY_TAR, data, size, safe_end, sink, err);
}

static iotssf_status zip_unpack(const uint8_t *data, size_t size, fw_sink *sink,
                                iotssf_error *err)
{
    uint64_t length;
    if (fw_zip_extent(data, size, &length))
        return unpack_with(FAMILY_ZIP, data, (size_t)length, sink, err);
    fw_sink_warn(sink, "zip has no central directory: reading its local headers");
    return unpack_with(FAMILY_ZIP_STREAM, data, size, sink, err);
}

/* --- the formats ------------------------------------------------------------ */

#define FORMAT(sym, label, magic_bytes, offset, probe_fn, unpack_fn)                              \
    const fw_format sym = {                                                                       \
        .name = label,                                                                            \
        .magic = (const uint8_t *)(magic_bytes),                                                  \
        .magic_len = sizeof(magic_bytes) - 1,                                                     \
        .magic_offset = offset,                                                                   \
        .probe = probe_fn,                                                                        \
        .unpack = unpack_fn,                                                                      \
    }

FORMAT(fw_format_cpio_newc, "cpio", "070701", 0, newc_probe, newc_unpack);
FORMAT(fw_format_cpio_crc, "cpio", "070702", 0, newc_probe, newc_unpack);
FORMAT(fw_format_cpio_odc, "cpio", "070707", 0, odc_probe, odc_unpack);
FORMAT(fw_format_cpio_bin, "cpio", "\xc7\x71", 0, bin_le_probe, bin_le_unpack);
FORMAT(fw_format_cpio_bin_be, "cpio", "\x71\xc7", 0, bin_be_probe, bin_be_unpack);
FORMAT(fw_format_tar, "tar", "ustar", 257, tar_probe, tar_unpack);
FORMAT(fw_format_zip, "zip", "PK\3\4", 0, zip_probe, zip_unpack);
