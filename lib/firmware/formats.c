/*
 * The registry of format readers the scanner tries, one reader per file in
 * this folder. Order matters only for structures found at the same offset.
 */
#include "reader.h"

extern const fw_format fw_format_squashfs_le, fw_format_squashfs_be, fw_format_squashfs_lzma_le,
    fw_format_squashfs_lzma_be, fw_format_squashfs_ddwrt_le, fw_format_squashfs_ddwrt_be;
extern const fw_format fw_format_cramfs_le, fw_format_cramfs_be;
extern const fw_format fw_format_jffs2_le, fw_format_jffs2_be, fw_format_ubi, fw_format_ubifs,
    fw_format_yaffs2, fw_format_romfs;

const fw_format *const fw_formats[] = {
    &fw_format_squashfs_le,
    &fw_format_squashfs_be,
    &fw_format_squashfs_lzma_le,
    &fw_format_squashfs_lzma_be,
    &fw_format_squashfs_ddwrt_le,
    &fw_format_squashfs_ddwrt_be,
    &fw_format_cramfs_le,
    &fw_format_cramfs_be,
    &fw_format_jffs2_le,
    &fw_format_jffs2_be,
    &fw_format_ubi,
    &fw_format_ubifs,
    &fw_format_romfs,
    &fw_format_yaffs2, /* no magic: tried at the start of images and blobs only */
    NULL,
};

const size_t fw_format_count = sizeof fw_formats / sizeof fw_formats[0] - 1;
