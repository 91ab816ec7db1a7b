/*
 * Firmware analysis: what starts at boot, and what that exposes.
 *
 * Mirai and its kin walk in through what an IoT device starts on its own:
 * telnet (sometimes without even a login), a shell on the serial console,
 * netcat backdoors on ports such as 9530, UPnP that opens the firewall,
 * SNMP with "public". This analysis reads what decides what starts (inittab,
 * rcS, rc.local and the scripts of init.d and rc.d, OpenWrt's procd scripts
 * and uci files, systemd units enabled through .wants links, inetd.conf)
 * and the configuration files of the daemons started, reports each risky
 * start at its file and line, and lists the network daemons with their ports
 * (boot.h) for the summary and the probe.
 *
 * Entries arrive one at a time and a script may run a file not seen yet, so
 * the files that matter (small ones, capped in number and bytes) are copied
 * and everything is concluded in finish(), one filesystem at a time.
 * Reading shell is in boot_shell.c, judging daemons in boot_daemons.c,
 * configuration formats in boot_config.c.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_internal.h"

enum {
    BOOT_MAX_FILE = 256 << 10,   /* larger files are not boot scripts */
    BOOT_MAX_KEPT = 64 << 20,    /* bytes copied in all */
    BOOT_MAX_FILES = 16384,      /* files and links kept */
    BOOT_MAX_SERVICES = 1024,
    BOOT_RECENT_FINDINGS = 64,   /* looked at to drop a repeated finding */
};

/* ---- helpers shared by the boot files ---- */

const char *boot_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool boot_is_shell(const char *program)
{
    static const char *const shells[] = {"sh",  "ash", "bash", "dash", "hush", "msh",
                                         "ksh", "mksh", "zsh", "lash", "csh",  "tcsh"};
    const char *base = boot_base_name(program);
    if (base[0] == '-')
        base++;
    for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
        if (strcmp(base, shells[i]) == 0)
            return true;
    return false;
}

const char *boot_evidence(const char *text, size_t len, char *buf, size_t size)
{
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && strchr(" \t\r\n", text[len - 1]))
        len--;
    size_t max = size - 1 < BOOT_MAX_EVIDENCE ? size - 1 : BOOT_MAX_EVIDENCE;
    size_t n = len < max ? len : max;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)text[i] < 0x20 ? ' ' : text[i];
    buf[n] = '\0';
    return buf;
}

static int compare_files(const void *pa, const void *pb)
{
    const boot_file *a = pa, *b = pb;
    int c = strcmp(a->origin, b->origin);
    return c ? c : strcmp(a->path, b->path);
}

boot_file *boot_find_file(const boot_scan *s, const char *path)
{
    boot_file key = {.path = (char *)path, .origin = (char *)s->origin};
    return bsearch(&key, s->st->files, s->st->file_count, sizeof key, compare_files);
}

static bool same_finding(const iotssf_finding *f, const char *rule, const char *origin,
                         const char *path, unsigned line)
{
    return strcmp(f->rule->id, rule) == 0 && f->line == line && f->path &&
           strcmp(f->path, path) == 0 && strcmp(f->origin ? f->origin : "", origin) == 0;
}

void boot_report(boot_scan *s, const boot_site *site, const char *rule, const char *fmt, ...)
{
    if (s->status)
        return;
    const iotssf_findings *all = s->ctx->findings;
    for (size_t i = all->count, n = 0; i-- > 0 && n < BOOT_RECENT_FINDINGS; n++)
        if (same_finding(&all->items[i], rule, s->origin, site->file->path, site->line))
            return;
    char message[768], evidence[BOOT_MAX_EVIDENCE + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    boot_evidence(site->text, strlen(site->text), evidence, sizeof evidence);
    const char *saved = s->ctx->origin;
    s->ctx->origin = s->origin;
    s->status = fw_report(s->ctx, rule, site->file->path, 0, site->line, evidence, message,
                          s->err);
    s->ctx->origin = saved;
}

static bool same_service(const fw_boot_service *x, const boot_scan *s, const boot_site *site,
                         const char *daemon, int port)
{
    return x->line == site->line && x->port == port && strcmp(x->daemon, daemon) == 0 &&
           strcmp(x->path, site->file->path) == 0 && strcmp(x->origin, s->origin) == 0;
}

void boot_add_service(boot_scan *s, const boot_site *site, const char *daemon,
                      const char *transport, int port, bool stated)
{
    boot_state *st = s->st;
    if (s->status || st->service_count >= BOOT_MAX_SERVICES)
        return;
    for (size_t i = 0; i < st->service_count; i++)
        if (same_service(&st->services[i], s, site, daemon, port))
            return;
    if (st->service_count == st->service_cap) {
        size_t cap = st->service_cap ? st->service_cap * 2 : 16;
        fw_boot_service *grown = realloc(st->services, cap * sizeof *grown);
        if (!grown) {
            s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
            return;
        }
        st->services = grown;
        st->service_cap = cap;
    }
    char command[BOOT_MAX_EVIDENCE + 1];
    boot_evidence(site->text, strlen(site->text), command, sizeof command);
    fw_boot_service x = {
        .daemon = arena_strdup(&st->strings, daemon),
        .origin = arena_strdup(&st->strings, s->origin),
        .path = arena_strdup(&st->strings, site->file->path),
        .line = site->line,
        .started_by = arena_strdup(&st->strings, site->started_by),
        .transport = arena_strdup(&st->strings, transport ? transport : "tcp"),
        .port = port,
        .port_stated = stated,
        .command = arena_strdup(&st->strings, command),
    };
    if (!x.daemon || !x.origin || !x.path || !x.started_by || !x.transport || !x.command) {
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    st->services[st->service_count++] = x;
}

/* ---- which files are kept ---- */

typedef enum file_role {
    ROLE_NONE,
    ROLE_INITTAB,
    ROLE_SCRIPT,   /* run at boot: rcS, rc.local, init.d, rc.d */
    ROLE_UCI,
    ROLE_UNIT,
    ROLE_INETD,
    ROLE_CONFIG,   /* a daemon's own configuration */
} file_role;

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* etc/rc3.d/, etc/rcS.d/ */
static bool in_rc_level_folder(const char *path)
{
    return starts_with(path, "etc/rc") && path[6] && strncmp(path + 7, ".d/", 3) == 0;
}

static file_role role_of(const char *path)
{
    static const char *const boot_scripts[] = {"rcS", "rc.local", "rc.sysinit", "rc.sh"};
    static const char *const configs[] = {"miniupnpd.conf", "snmpd.conf", "vsftpd.conf",
                                          "mosquitto.conf", "sshd_config"};
    const char *base = boot_base_name(path);
    if (strcmp(path, "etc/inittab") == 0)
        return ROLE_INITTAB;
    if (starts_with(path, "etc/init.d/") || starts_with(path, "etc/rc.d/") ||
        in_rc_level_folder(path))
        return ROLE_SCRIPT;
    for (size_t i = 0; i < sizeof boot_scripts / sizeof *boot_scripts; i++)
        if (starts_with(path, "etc/") && strcmp(base, boot_scripts[i]) == 0)
            return ROLE_SCRIPT;
    if (starts_with(path, "etc/config/") && !strchr(path + 11, '/'))
        return ROLE_UCI;
    if (strstr(path, "systemd/system/") && ends_with(path, ".service"))
        return ROLE_UNIT;
    if (strcmp(base, "inetd.conf") == 0)
        return ROLE_INETD;
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++)
        if (strcmp(base, configs[i]) == 0)
            return ROLE_CONFIG;
    return ROLE_NONE;
}

/* A shell script anywhere: kept in case a boot script runs it. */
static bool is_shell_script(const iotssf_fw_entry *e)
{
    char line[81];
    if (e->size < 4 || e->data[0] != '#' || e->data[1] != '!')
        return false;
    size_t n = e->size - 2 < 80 ? (size_t)e->size - 2 : 80;
    memcpy(line, e->data + 2, n);
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    char *program = line + strspn(line, " \t");
    char *rest = program + strcspn(program, " \t");
    if (*rest)
        *rest++ = '\0';
    rest += strspn(rest, " \t");
    rest[strcspn(rest, " \t")] = '\0';
    return boot_is_shell(program) ||
           (strcmp(boot_base_name(program), "busybox") == 0 && boot_is_shell(rest));
}

static bool wanted(const iotssf_fw_entry *e)
{
    if (e->kind == IOTSSF_FW_SYMLINK)
        return e->link_target && strstr(e->path, "systemd/system/");
    if (e->kind != IOTSSF_FW_FILE || !e->data || e->size > BOOT_MAX_FILE)
        return false;
    return role_of(e->path) != ROLE_NONE || is_shell_script(e);
}

static iotssf_status keep(boot_state *st, const fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                          iotssf_error *err)
{
    if (st->file_count >= BOOT_MAX_FILES || st->kept_bytes + e->size > BOOT_MAX_KEPT)
        return IOTSSF_OK;
    if (st->file_count == st->file_cap) {
        size_t cap = st->file_cap ? st->file_cap * 2 : 64;
        boot_file *grown = realloc(st->files, cap * sizeof *grown);
        if (!grown)
            return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        st->files = grown;
        st->file_cap = cap;
    }
    boot_file f = {
        .path = strdup(e->path),
        .origin = strdup(ctx->origin ? ctx->origin : ""),
        .size = e->kind == IOTSSF_FW_FILE ? (size_t)e->size : 0,
        .link_target = e->link_target ? strdup(e->link_target) : NULL,
    };
    if (e->kind == IOTSSF_FW_FILE && (f.data = malloc(f.size + 1)) != NULL) {
        memcpy(f.data, e->data, f.size);
        f.data[f.size] = '\0';
    }
    if (!f.path || !f.origin || (e->link_target && !f.link_target) ||
        (e->kind == IOTSSF_FW_FILE && !f.data)) {
        free(f.path);
        free(f.origin);
        free(f.link_target);
        free(f.data);
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    st->kept_bytes += f.size;
    st->files[st->file_count++] = f;
    return IOTSSF_OK;
}

/* ---- the analysis ---- */

static void *boot_create(const fw_analysis_ctx *ctx, iotssf_error *err)
{
    (void)ctx;
    boot_state *st = calloc(1, sizeof *st);
    if (!st) {
        iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    arena_init(&st->strings);
    return st;
}

static iotssf_status boot_entry(void *state, fw_analysis_ctx *ctx, const iotssf_fw_entry *e,
                                iotssf_error *err)
{
    return wanted(e) ? keep(state, ctx, e, err) : IOTSSF_OK;
}

/* OpenWrt's procd scripts build the command line from a uci file; when
 * that file was read, its sections are the services and the procd line goes. */
static void drop_procd_lines_of_uci_daemons(boot_scan *s)
{
    boot_state *st = s->st;
    size_t kept = 0;
    for (size_t i = 0; i < st->service_count; i++) {
        fw_boot_service *x = &st->services[i];
        bool superseded = false;
        if (strcmp(x->started_by, "procd") == 0 && strcmp(x->origin, s->origin) == 0)
            for (size_t j = 0; j < st->service_count && !superseded; j++)
                superseded = strcmp(st->services[j].started_by, "uci") == 0 &&
                             strcmp(st->services[j].origin, s->origin) == 0 &&
                             strcmp(st->services[j].daemon, x->daemon) == 0;
        if (!superseded)
            st->services[kept++] = *x;
    }
    st->service_count = kept;
}

static void read_filesystem(boot_scan *s, size_t first, size_t end)
{
    boot_file *files = s->st->files;
    for (size_t i = first; i < end; i++)
        if (role_of(files[i].path) == ROLE_INITTAB && files[i].data)
            boot_read_inittab(s, &files[i]);
    for (size_t i = first; i < end; i++)
        if (role_of(files[i].path) == ROLE_SCRIPT && files[i].data)
            boot_shell_script(s, &files[i], "init script", 0);
    for (size_t i = first; i < end && !s->status; i++) {
        if (!files[i].data)
            continue;
        switch (role_of(files[i].path)) {
        case ROLE_UCI: boot_read_uci(s, &files[i]); break;
        case ROLE_INETD: boot_read_inetd(s, &files[i]); break;
        case ROLE_CONFIG: boot_read_daemon_config(s, &files[i]); break;
        default: break;
        }
    }
    boot_read_systemd(s);
    drop_procd_lines_of_uci_daemons(s);
}

static iotssf_status boot_finish(void *state, fw_analysis_ctx *ctx, iotssf_error *err)
{
    boot_state *st = state;
    if (st->file_count > 1)
        qsort(st->files, st->file_count, sizeof *st->files, compare_files);
    boot_scan s = {.st = st, .ctx = ctx, .err = err};
    for (size_t i = 0, j; i < st->file_count && !s.status; i = j) {
        for (j = i + 1; j < st->file_count; j++)
            if (strcmp(st->files[i].origin, st->files[j].origin) != 0)
                break;
        s.origin = st->files[i].origin;
        read_filesystem(&s, i, j);
    }
    return s.status;
}

static void boot_destroy(void *state)
{
    boot_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->file_count; i++) {
        free(st->files[i].path);
        free(st->files[i].origin);
        free(st->files[i].data);
        free(st->files[i].link_target);
    }
    free(st->files);
    free(st->services);
    arena_free(&st->strings);
    free(st);
}

size_t fw_boot_services(const void *state, fw_boot_service *out, size_t max)
{
    const boot_state *st = state;
    for (size_t i = 0; i < st->service_count && i < max; i++)
        out[i] = st->services[i];
    return st->service_count;
}

const fw_analysis fw_analysis_boot = {
    .name = "boot",
    .create = boot_create,
    .entry = boot_entry,
    .finish = boot_finish,
    .destroy = boot_destroy,
};
