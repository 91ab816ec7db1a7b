/*
 * libFuzzer target for the header-container readers (legacy uImage, FIT,
 * TRX, TP-Link): each input is offered to every one of them whose magic it
 * starts with, probed and unpacked (fuzz_reader.h). Seeds:
 * fuzz/corpus/headers/ (small images made by mkimage and by hand).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_uimage, fw_format_fit, fw_format_trx, fw_format_tplink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fw_format *const formats[] = {
        &fw_format_uimage, &fw_format_fit, &fw_format_trx, &fw_format_tplink,
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        fuzz_run_format(formats[i], data, size);
    return 0;
}
