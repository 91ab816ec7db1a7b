/*
 * libFuzzer target for the telnet client's parsing (lib/probe/telnet.c): the
 * option filter over the input split at a fuzz-chosen point (commands cut
 * between reads), the prompt classifier and the shell-answer test on what
 * the filter lets through. Seeds: fuzz/corpus/probe_telnet/ (busybox
 * telnetd recordings).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/probe_internal.h"
#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t split = data[0] % (size);
    char text[4096];
    unsigned char reply[512];
    size_t tlen = 0, rlen = 0;
    telnet_state s = {0};
    telnet_filter(&s, data + 1, split ? split - 1 : 0, text, sizeof text, &tlen, reply,
                  sizeof reply, &rlen);
    telnet_filter(&s, data + (split ? split : 1), size - (split ? split : 1), text, sizeof text,
                  &tlen, reply, sizeof reply, &rlen);
    if (tlen > sizeof text || rlen > sizeof reply || rlen % 3)
        abort();
    telnet_prompt p = telnet_classify(text, tlen);
    if (p > TELNET_SHELL)
        abort();
    telnet_shell_answered(text, tlen);
    return 0;
}
