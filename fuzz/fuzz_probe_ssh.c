/*
 * libFuzzer target for the SSH identification-string parser
 * (lib/probe/ssh.c). Seeds: fuzz/corpus/probe_ssh/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char proto[16], product[64], version[48];
    if (ssh_banner_parse((const char *)data, size, proto, sizeof proto, product, sizeof product,
                         version, sizeof version) &&
        (strlen(proto) >= sizeof proto || strlen(product) >= sizeof product))
        abort();
    return 0;
}
