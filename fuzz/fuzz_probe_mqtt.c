/*
 * libFuzzer target for MQTT packets from a broker (lib/probe/mqtt.c): a
 * stream of packets walked as the client walks it, CONNACK codes and
 * PUBLISH topics and payloads. Seeds: fuzz/corpus/probe_mqtt/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    mqtt_packet p;
    while (at < size && mqtt_packet_next(data + at, size - at, &p) == 1) {
        if (p.total_len == 0 || p.total_len > size - at || p.body + p.body_len > data + size)
            abort();
        mqtt_connack_code(&p);
        char topic[128];
        const unsigned char *payload;
        size_t plen;
        if (mqtt_publish_parse(&p, topic, sizeof topic, &payload, &plen) &&
            payload + plen > p.body + p.body_len)
            abort();
        at += p.total_len;
    }
    return 0;
}
