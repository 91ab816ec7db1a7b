/*
 * libFuzzer target for the cramfs reader (lib/firmware/cramfs.c): one
 * input is one image, in either byte order. It is probed and then
 * unpacked, with small limits, into a sink that checks what every entry
 * promises (a path; file data exactly when a file has bytes; a target for
 * links) and reads every byte it is given, so a bad length shows up under
 * the sanitizers. Seeds: fuzz/corpus/cramfs/ (tiny images from
 * mkfs.cramfs, both byte orders, with and without holes).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_cramfs_le;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_strict(&fw_format_cramfs_le, "cramfs", data, size);
    return 0;
}
