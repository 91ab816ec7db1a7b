/*
 * The port scan (scan.c): which TCP ports accept a connection, which UDP
 * ports answer.
 */
#ifndef IOTSSF_PROBE_SCAN_H
#define IOTSSF_PROBE_SCAN_H

#include "probe_internal.h"

/* How many connects one target may have in flight, from the open-files limit
 * shared by `concurrent_targets`. */
unsigned scan_window(unsigned concurrent_targets);

/* Connect-scans `ports`; writes the open ones, ascending, to `open` (room
 * for n) and returns their count. Sets t->tcp_scanned. */
size_t scan_tcp(probe_target *t, const uint16_t *ports, size_t n, unsigned window,
                uint16_t *open);

/* Probes each UDP port with the request its service answers; the protocol
 * modules record services and findings. Returns how many answered. */
size_t scan_udp(probe_target *t, const uint16_t *ports, size_t n);

#endif
