/*
 * libFuzzer target for the romfs reader: probe, then unpack whatever the input
 * is, through a sink that reads every byte an entry hands over, so a reader
 * that points outside its buffers is caught by AddressSanitizer. Seeds:
 * fuzz/corpus/romfs/ (small genromfs images).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_romfs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_sampled(&fw_format_romfs, data, size, NULL);
    return 0;
}
