/*
 * What starts at boot (lib/firmware/boot.c): besides its findings, the boot
 * analysis lists the network daemons the image starts, with the port when
 * the command line or configuration states one, for the inspection summary
 * and for the probe to cross-check against what the running device answers.
 */
#ifndef IOTSSF_FIRMWARE_BOOT_H
#define IOTSSF_FIRMWARE_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"

extern const fw_analysis fw_analysis_boot;

typedef struct fw_boot_service {
    const char *daemon;     /* program name: "telnetd", "dropbear", "nc", "uhttpd" */
    const char *origin;     /* filesystem, as in findings: "squashfs@0x120200" */
    const char *path;       /* file that starts it: "etc/init.d/rcS" */
    unsigned line;          /* 1-based line in that file */
    const char *started_by; /* "inittab", "init script", "procd", "systemd", "inetd", "uci" */
    const char *transport;  /* "tcp" or "udp" */
    int port;               /* stated, else the daemon's usual one; 0 when unknown */
    bool port_stated;       /* the port came from the command line or configuration */
    const char *command;    /* the line that starts it, trimmed to 200 characters */
} fw_boot_service;

/* The services the boot analysis found, once its finish() has run: copies
 * up to `max` into `out` (strings stay owned by `state`, valid until its
 * destroy) and returns how many there are in all. */
size_t fw_boot_services(const void *state, fw_boot_service *out, size_t max);

#endif
