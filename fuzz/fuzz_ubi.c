/*
 * libFuzzer target for the UBI and UBIFS readers: the input is tried as a
 * UBI image (each volume blob it yields is then read as UBIFS, as the core
 * would) and as a bare UBIFS volume. The sink reads every byte an entry or
 * blob hands over, so out-of-bounds pointers are caught by AddressSanitizer.
 * Seeds: fuzz/corpus/ubi/ (a small ubinize image with 1 KiB PEBs holding a
 * UBIFS volume and a static volume; a UBIFS made by mkfs.ubifs with its LEBs
 * cut to 4 KiB and the superblock re-sealed, to fit the 64 KiB seed limit).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_ubi;
extern const fw_format fw_format_ubifs;

/* A UBI volume is read again as UBIFS, as the core would. */
static iotssf_status on_blob(fw_sink *s, const char *name, const uint8_t *data, size_t size,
                             iotssf_error *err)
{
    (void)s;
    (void)err;
    if (!name || strncmp(name, "ubi volume ", 11) != 0)
        fuzz_fail("a UBI blob not named \"ubi volume ...\"", NULL);
    unsigned sum = 0;
    for (size_t i = 0; i < size; i += 61)
        sum += data[i];
    if (size)
        sum += data[size - 1];
    (void)sum;
    fuzz_run_sampled(&fw_format_ubifs, data, size, on_blob);
    return IOTSSF_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_sampled(&fw_format_ubi, data, size, on_blob);
    fuzz_run_sampled(&fw_format_ubifs, data, size, on_blob);
    return 0;
}
