/*
 * libFuzzer target for service identification from a banner or a first
 * reply (lib/probe/ident.c, with the SSH, FTP, HTTP, MQTT and Modbus parsers
 * it calls) and for the product/version splitter. Every string it fills must
 * stay terminated within its field. Seeds: fuzz/corpus/probe_ident/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_internal.h"
#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    probe_ident id;
    memset(&id, 0, sizeof id);
    ident_classify(data, size, &id);
    if (strlen(id.name) >= sizeof id.name || strlen(id.product) >= sizeof id.product ||
        strlen(id.version) >= sizeof id.version || strlen(id.banner) >= sizeof id.banner)
        abort();
    char text[512], product[64], version[48];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    product_version_split(text, product, sizeof product, version, sizeof version);
    return 0;
}
