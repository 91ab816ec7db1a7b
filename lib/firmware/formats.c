/*
 * The registry of format readers the scanner tries, one reader per file in
 * this folder. Order matters only for structures found at the same offset.
 */
#include "reader.h"

extern const fw_format fw_format_squashfs_le, fw_format_squashfs_be, fw_format_squashfs_lzma_le,
    fw_format_squashfs_lzma_be, fw_format_squashfs_ddwrt_le, fw_format_squashfs_ddwrt_be;
extern const fw_format fw_format_cramfs_le, fw_format_cramfs_be;
extern const fw_format fw_format_gzip, fw_format_xz, fw_format_lzma_alone, fw_format_zstd,
    fw_format_lz4, fw_format_lz4_legacy, fw_format_lzop, fw_format_bzip2, fw_format_uimage,
    fw_format_fit, fw_format_trx, fw_format_tplink, fw_format_cpio_newc, fw_format_cpio_crc,
    fw_format_cpio_odc, fw_format_cpio_bin, fw_format_cpio_bin_be, fw_format_tar, fw_format_zip;
extern const fw_format fw_format_jffs2_le, fw_format_jffs2_be, fw_format_ubi, fw_format_ubifs,
    fw_format_yaffs2, fw_format_romfs;

const fw_format *const fw_formats[] = {
    /* Containers with headers first: at one offset they know their length. */
    &fw_format_tplink,
    &fw_format_trx,
    &fw_format_uimage,
    &fw_format_fit,
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
    &fw_format_cpio_newc,
    &fw_format_cpio_crc,
    &fw_format_cpio_odc,
    &fw_format_cpio_bin,
    &fw_format_cpio_bin_be,
    &fw_format_tar,
    &fw_format_zip,
    &fw_format_gzip,
    &fw_format_xz,
    &fw_format_lzma_alone,
    &fw_format_zstd,
    &fw_format_lz4,
    &fw_format_lz4_legacy,
    &fw_format_lzop,
    &fw_format_bzip2,
    &fw_format_yaffs2, /* no magic: tried at the start of images and blobs only */
    NULL,
};

const size_t fw_format_count = sizeof fw_formats / sizeof fw_formats[0] - 1;
