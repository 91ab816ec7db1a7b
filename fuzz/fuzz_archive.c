/*
 * libFuzzer target for the archive readers (cpio newc/crc/odc/binary in
 * both byte orders, tar, zip, all through libarchive): each input is
 * offered to every one of them whose magic it carries, probed and unpacked
 * (fuzz_reader.h). Seeds: fuzz/corpus/archive/ (small archives made by
 * cpio, tar and zipfile).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_cpio_newc, fw_format_cpio_crc, fw_format_cpio_odc;
extern const fw_format fw_format_cpio_bin, fw_format_cpio_bin_be, fw_format_tar, fw_format_zip;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fw_format *const formats[] = {
        &fw_format_cpio_newc, &fw_format_cpio_crc, &fw_format_cpio_odc, &fw_format_cpio_bin,
        &fw_format_cpio_bin_be, &fw_format_tar, &fw_format_zip,
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        fuzz_run_format(formats[i], data, size);
    return 0;
}
