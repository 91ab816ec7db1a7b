/*
 * libFuzzer target for HTTP/RTSP responses and authentication challenges
 * (lib/probe/http.c, http_auth.c): the response header, body completeness,
 * each WWW-Authenticate value, and a Digest answer built from whatever the
 * challenge held. Seeds: fuzz/corpus/probe_http/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    http_response r;
    const char *text = (const char *)data;
    if (http_response_parse(text, size, &r) != 1)
        return 0;
    if (r.header_len > size || r.challenge_count > HTTP_MAX_CHALLENGES)
        abort();
    http_body_complete(text, size, &r);
    for (size_t i = 0; i < r.challenge_count; i++) {
        http_challenge c;
        char out[1024];
        if (http_challenge_parse(r.challenges[i], &c))
            http_digest_authorization(&c, "admin", "admin", "GET", "/", 1, "0a4f113b", out,
                                      sizeof out);
    }
    return 0;
}
