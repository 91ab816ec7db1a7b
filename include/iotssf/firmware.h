/*
 * Firmware inspection: find the containers, compressed streams and
 * filesystems inside an image, unpack them in memory (recursively, within
 * limits), and hand every entry to the analyses. Readers never write to disk;
 * extraction to a folder is one more consumer of entries, with its own
 * safety rules (lib/firmware/extract.c).
 *
 * Each format is a reader in a file of its own (lib/firmware/<format>.c)
 * behind the small interface in lib/firmware/reader.h; each analysis is a file
 * of its own behind lib/firmware/analysis.h.
 */
#ifndef IOTSSF_FIRMWARE_H
#define IOTSSF_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotssf/components.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"
#include "iotssf/vulns.h"

/* Caps that keep a hostile image from exhausting the machine. */
typedef struct iotssf_fw_limits {
    uint64_t max_total_bytes; /* all content unpacked from one image */
    uint64_t max_file_bytes;  /* one unpacked file or stream */
    uint32_t max_ratio;       /* unpacked bytes per packed byte, per stream */
    uint32_t max_entries;     /* entries across the whole image */
    unsigned max_depth;       /* containers inside containers */
} iotssf_fw_limits;

/* 4 GiB total, 512 MiB per file, ratio 1000, 1,000,000 entries, depth 8. */
iotssf_fw_limits iotssf_fw_default_limits(void);

typedef enum iotssf_fw_kind {
    IOTSSF_FW_FILE,
    IOTSSF_FW_DIR,
    IOTSSF_FW_SYMLINK,
    IOTSSF_FW_HARDLINK,
    IOTSSF_FW_CHARDEV,
    IOTSSF_FW_BLOCKDEV,
    IOTSSF_FW_FIFO,
    IOTSSF_FW_SOCKET,
} iotssf_fw_kind;

/* One entry of an unpacked filesystem or archive, as readers produce it. */
typedef struct iotssf_fw_entry {
    /* Path inside its filesystem, relative, '/'-separated, normalised by the
     * reader core: no leading '/', no '.' or '..' components, no empty
     * components. Readers may pass raw names; the core cleans them. */
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode; /* permission bits incl. setuid/setgid/sticky (07777) */
    uint32_t uid, gid;
    uint64_t size;
    /* File contents (kind FILE), complete and in memory; valid only during
     * the callback. NULL with size 0 for empty files and other kinds. */
    const uint8_t *data;
    const char *link_target; /* SYMLINK and HARDLINK; NULL otherwise */
} iotssf_fw_entry;

/* Where the structures were found, for the layout summary. */
typedef struct iotssf_fw_region {
    char *format;     /* "squashfs", "gzip", "uimage", ... */
    char *container;  /* the chain above it: "" at top level, else "gzip@0x40 > cpio" */
    uint64_t offset;  /* in its container */
    uint64_t length;
    char *detail;     /* "v4 xz, 312 inodes, little-endian" */
    unsigned depth;
    uint64_t entries; /* entries it produced */
} iotssf_fw_region;

typedef struct iotssf_fw_warning {
    char *where;   /* "squashfs@0x120200" or a path */
    char *message; /* what was skipped and why */
} iotssf_fw_warning;

#endif

#ifndef IOTSSF_FIRMWARE_API
#define IOTSSF_FIRMWARE_API

/* Counts per ELF machine, for the summary. */
typedef struct iotssf_fw_arch_count {
    char name[24]; /* "MIPS32 little-endian" */
    uint64_t files;
} iotssf_fw_arch_count;

typedef struct iotssf_fw_result {
    char *image;                  /* the path given */
    uint64_t image_size;
    char sha256[65];              /* hex, of the image file */
    iotssf_fw_region *regions;    /* in the order found */
    size_t region_count;
    iotssf_fw_warning *warnings;
    size_t warning_count;
    uint64_t files, directories, symlinks, devices, other_entries;
    uint64_t unpacked_bytes;
    uint64_t extracted;           /* entries written with --extract */
    iotssf_fw_arch_count arches[16];
    size_t arch_count;
    iotssf_findings findings;
    iotssf_components components; /* what software the image carries (sorted by id) */
    iotssf_vulns vulns;           /* known vulnerabilities of those components */
    bool vulns_checked;           /* a vulnerability database was consulted */
} iotssf_fw_result;

typedef void (*iotssf_fw_progress)(void *ctx, uint64_t done, uint64_t total);

typedef struct iotssf_fw_options {
    iotssf_fw_limits limits;
    const char *extract_dir;        /* NULL: no extraction */
    const char *data_dir;           /* for analyses' data (credential lists ...) */
    const iotssf_rule_set *rules;   /* required */
    const iotssf_vulndb *vulndb;    /* optional: match components to known vulnerabilities */
    iotssf_fw_progress progress;    /* optional: bytes of the image scanned so far */
    void *progress_ctx;
} iotssf_fw_options;

/* Unpacks the image at `path` in memory, runs every analysis, and (with
 * extract_dir) writes the unpacked tree safely. Damaged or hostile content
 * gives warnings in the result, not failure; failure is for an unreadable
 * image, an unusable extract folder, or out-of-memory. */
iotssf_status iotssf_firmware_inspect(const char *path, const iotssf_fw_options *opts,
                                      iotssf_fw_result **out, iotssf_error *err);
void iotssf_fw_result_free(iotssf_fw_result *r);

#endif
