/*
 * libFuzzer target for the JFFS2 reader (both byte orders): probe, then
 * unpack whatever the input is, through a sink that reads every byte an
 * entry hands over, so a reader that points outside its buffers is caught
 * by AddressSanitizer. Seeds: fuzz/corpus/jffs2/ (small mkfs.jffs2 images).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_reader.h"

extern const fw_format fw_format_jffs2_le;
extern const fw_format fw_format_jffs2_be;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_sampled(&fw_format_jffs2_le, data, size, NULL);
    fuzz_run_sampled(&fw_format_jffs2_be, data, size, NULL);
    return 0;
}
