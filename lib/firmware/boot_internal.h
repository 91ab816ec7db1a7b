/*
 * What the files of the boot analysis share. boot.c keeps copies of the
 * files that decide what starts (entries arrive one at a time) and, in
 * finish(), walks them per filesystem; boot_shell.c reads shell scripts and
 * other command lines into simple commands; boot_daemons.c decides which
 * commands start network daemons and what that exposes; boot_config.c reads
 * inittab, systemd units, OpenWrt's uci files, inetd.conf and the daemons'
 * own configuration files.
 */
#ifndef IOTSSF_FIRMWARE_BOOT_INTERNAL_H
#define IOTSSF_FIRMWARE_BOOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "boot.h"

enum {
    BOOT_MAX_ARGS = 64,      /* words of one command kept */
    BOOT_MAX_WORD = 512,     /* bytes of one word kept */
    BOOT_MAX_DEPTH = 4,      /* scripts run by scripts, sh -c inside sh -c */
    BOOT_MAX_EVIDENCE = 200, /* bytes of a line quoted as evidence */
};

/* A file kept for finish(): a NUL-terminated copy, or a symlink's target. */
typedef struct boot_file {
    char *path;
    char *origin;
    char *data;
    size_t size;
    char *link_target; /* symlinks only */
    bool visited;      /* scripts: already read in this pass */
} boot_file;

typedef struct boot_state {
    boot_file *files;
    size_t file_count, file_cap;
    size_t kept_bytes;
    fw_boot_service *services;
    size_t service_count, service_cap;
    arena strings; /* the services' strings */
} boot_state;

/* One pass of finish() over the files of one filesystem. Errors are kept in
 * `status`; once set, later work does nothing. */
typedef struct boot_scan {
    boot_state *st;
    fw_analysis_ctx *ctx;
    const char *origin;
    iotssf_error *err;
    iotssf_status status;
} boot_scan;

/* Where a command was read: the file, the line, and what runs that file. */
typedef struct boot_site {
    const boot_file *file;
    unsigned line;
    const char *started_by;
    const char *text; /* the line, for evidence */
} boot_site;

/* A simple command after quote removal and variable expansion. */
typedef struct boot_cmd {
    char *argv[BOOT_MAX_ARGS];
    size_t argc;
    bool unresolved; /* a word held a variable whose value is unknown */
} boot_cmd;

/* Variables assigned earlier in the same script. */
typedef struct boot_vars {
    char *names[64];
    char *values[64];
    size_t count;
    arena *mem;
} boot_vars;

/* ---- boot.c ---- */
boot_file *boot_find_file(const boot_scan *s, const char *path);
/* A finding at the site; its evidence is the site's line. */
void boot_report(boot_scan *s, const boot_site *site, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void boot_add_service(boot_scan *s, const boot_site *site, const char *daemon,
                      const char *transport, int port, bool stated);
bool boot_is_shell(const char *program);
const char *boot_base_name(const char *path);
/* The line without leading blanks, cut to BOOT_MAX_EVIDENCE, in `buf`. */
const char *boot_evidence(const char *text, size_t len, char *buf, size_t size);

/* ---- boot_shell.c ---- */
/* Reads a shell script: every command line in it, and the scripts it runs. */
void boot_shell_script(boot_scan *s, boot_file *f, const char *started_by, int depth);
/* The first simple command of `text` (words allocated in `mem`), without
 * analysing it; false when there is none or memory ran out. */
bool boot_first_command(const char *text, size_t len, arena *mem, boot_cmd *out);
/* One command line found elsewhere (inittab, ExecStart=, inetd.conf). */
void boot_shell_line(boot_scan *s, const boot_site *site, const char *text, size_t len,
                     int depth);

/* ---- boot_daemons.c ---- */
/* Looks at one pipeline: services started, findings, scripts it runs. */
void boot_pipeline(boot_scan *s, const boot_site *site, boot_cmd *cmds, size_t count,
                   int depth);
/* A program started by a super-server (inetd, tcpsvd) on a known port. */
void boot_served(boot_scan *s, const boot_site *site, boot_cmd *cmd, int port,
                 const char *transport, int depth);

/* ---- boot_config.c ---- */
void boot_read_inittab(boot_scan *s, const boot_file *f);
void boot_read_inetd(boot_scan *s, const boot_file *f);
void boot_read_uci(boot_scan *s, const boot_file *f);
void boot_read_daemon_config(boot_scan *s, const boot_file *f);
void boot_read_systemd(boot_scan *s);
/* A console command that gives a shell without login (getty -n -l sh,
 * login -f root, agetty --autologin, a bare shell); `why` says which. */
bool boot_console_without_login(const boot_cmd *cmd, const char **why);

#endif
