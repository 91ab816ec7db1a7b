/*
 * Where cpio, tar and zip archives start and end, judged from their bytes
 * alone, for the archive reader's probes (archive.c): libarchive reads the
 * entries, but these checks decide cheaply whether a magic hit is a real
 * archive and how far it reaches, so the scanner does not rescan its inside.
 */
#ifndef IOTSSF_FIRMWARE_ARCHIVE_LAYOUT_H
#define IOTSSF_FIRMWARE_ARCHIVE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fw_cpio_variant {
    FW_CPIO_NEWC,   /* "070701" and "070702" (with CRC): hex fields */
    FW_CPIO_ODC,    /* "070707": octal fields */
    FW_CPIO_BIN_LE, /* octal 070707 as a little-endian 16-bit word */
    FW_CPIO_BIN_BE,
} fw_cpio_variant;

/* Walks cpio headers, checking each (digits in its fields, a name that fits
 * and ends in NUL). Returns how many were valid. *trailer_end is just past
 * the TRAILER!!! entry (0 when it was not reached). *safe_end is how much
 * of the buffer libarchive may be given: every header and name in it is
 * whole, and so is the data of every entry but a regular file (whose data
 * libarchive reads as it goes; it would try to allocate a link target or a
 * name of whatever size a header claims).
 *
 * `strict` checks every field of every header, as libarchive does; a header
 * libarchive would refuse makes it scan forward for the next one it likes,
 * past what the walk vouched for, so unpacking needs it. Probes need only
 * the length, and without `strict` check later headers' used fields only:
 * the scanner probes at every header of an archive, each probe walks the
 * rest of it, and a full check of every header would make that slow. */
size_t fw_cpio_walk(const uint8_t *data, size_t size, fw_cpio_variant variant, bool strict,
                    uint64_t *trailer_end, uint64_t *safe_end);

/* True when the first tar header's checksum holds. *length is where the
 * archive ends: after its two zero blocks, or where valid headers stop, or
 * the end of the buffer when an entry runs past it. *safe_end is how much
 * libarchive may be given, by the same rule as for cpio, and `strict` means
 * the same: every header's checksum, or (without) only the first's, later
 * ones being recognised by their magic. */
bool fw_tar_extent(const uint8_t *data, size_t size, bool strict, uint64_t *length,
                   uint64_t *safe_end);

/* True when a zip local file header starts at data. */
bool fw_zip_local_header_ok(const uint8_t *data, size_t size);

/* Finds the end-of-central-directory record that belongs to the zip at
 * data (its central directory ends right where the record starts) and sets
 * *length just past it and its comment. False when there is none. */
bool fw_zip_extent(const uint8_t *data, size_t size, uint64_t *length);

#endif
