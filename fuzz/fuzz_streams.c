/*
 * libFuzzer target for the compressed-stream readers (gzip, xz, lzma, zstd,
 * lz4 frame and legacy, lzop, bzip2): each input is offered to every one of
 * them whose magic it starts with, probed and unpacked under small limits
 * (fuzz_reader.h). Seeds: fuzz/corpus/streams/ (small real streams made
 * by each tool).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_gzip, fw_format_xz, fw_format_lzma_alone, fw_format_zstd;
extern const fw_format fw_format_lz4, fw_format_lz4_legacy, fw_format_lzop, fw_format_bzip2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fw_format *const formats[] = {
        &fw_format_gzip, &fw_format_xz,         &fw_format_lzma_alone, &fw_format_zstd,
        &fw_format_lz4,  &fw_format_lz4_legacy, &fw_format_lzop,       &fw_format_bzip2,
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        fuzz_run_format(formats[i], data, size);
    return 0;
}
