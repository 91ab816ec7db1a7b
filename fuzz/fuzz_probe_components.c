/*
 * libFuzzer target for banners to components (lib/probe/components.c): the
 * input, cut at newlines, is the banner of up to four services of one
 * probed host (the last also as its product and version fields). Every
 * component must have an id, a version that starts with a digit and fits
 * its field, and one piece of "banner" evidence per port at most. Seeds:
 * fuzz/corpus/probe_components/ (banners of the test device's daemons).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iotssf/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SERVICES = 4 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    iotssf_probe_service s[SERVICES];
    memset(s, 0, sizeof s);
    size_t n = 0;
    for (char *line = text; line && n < SERVICES; n++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        s[n] = (iotssf_probe_service){.port = (int)n + 1, .transport = n % 2 ? "udp" : "tcp",
                                      .name = "x", .banner = line};
        line = nl ? nl + 1 : NULL;
    }
    s[n - 1].product = s[n - 1].banner;
    s[n - 1].version = s[n - 1].banner;
    iotssf_probe_host h = {.target = "192.0.2.1", .address = "192.0.2.1", .services = s,
                           .service_count = n};
    iotssf_probe_result r = {.hosts = &h, .host_count = 1};
    iotssf_components c;
    iotssf_error err;
    if (iotssf_probe_components(&r, &c, &err) == IOTSSF_OK) {
        for (size_t i = 0; i < c.count; i++) {
            const iotssf_component *x = &c.items[i];
            if (!x->id || !x->version || !isdigit((unsigned char)x->version[0]) ||
                strlen(x->version) >= 48 || x->evidence_count == 0 ||
                x->evidence_count > 2 * SERVICES)
                abort();
        }
        iotssf_components_free(&c);
    }
    free(text);
    return 0;
}
