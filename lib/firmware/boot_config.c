/*
 * The configuration formats that decide what starts, for the boot analysis:
 * inittab (BusyBox's "tty::respawn:/bin/sh" and SysV's "id:2345:respawn:"),
 * systemd units enabled through .wants and .requires links, OpenWrt's uci
 * files (dropbear, upnpd, uhttpd), inetd.conf, and the settings in the
 * daemons' own files that undo their protection: miniupnpd's secure_mode,
 * SNMP's "public" and "private", anonymous vsftpd and mosquitto, sshd's
 * PermitRootLogin. Lines longer than LINE_CAP are read cut short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boot_internal.h"

enum { LINE_CAP = 4096, MAX_WORDS = 24, WORD_CAP = 256, UCI_MAX_OPTIONS = 48,
       UNIT_MAX_EXEC = 16 };

/* ---- lines and words ---- */

typedef struct text_lines {
    const char *p, *end;
    unsigned number;
} text_lines;

static bool next_line(text_lines *t, char *buf, size_t cap, unsigned *number)
{
    if (t->p >= t->end)
        return false;
    const char *nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
    size_t n = (size_t)((nl ? nl : t->end) - t->p);
    if (n > 0 && t->p[n - 1] == '\r')
        n--;
    size_t keep = n < cap - 1 ? n : cap - 1;
    memcpy(buf, t->p, keep);
    buf[keep] = '\0';
    t->p = nl ? nl + 1 : t->end;
    *number = ++t->number;
    return true;
}

static const char *skip_blanks(const char *s)
{
    return s + strspn(s, " \t");
}

/* Words separated by blanks, quotes removed, up to a '#' that starts one. */
static size_t split_words(const char *line, char words[][WORD_CAP], size_t max)
{
    size_t n = 0;
    const char *p = line;
    while (n < max) {
        p = skip_blanks(p);
        if (!*p || *p == '#')
            break;
        size_t len = 0;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '\'' || *p == '"') {
                char quote = *p++;
                for (; *p && *p != quote; p++)
                    if (len < WORD_CAP - 1)
                        words[n][len++] = *p;
                if (*p)
                    p++;
            } else {
                if (len < WORD_CAP - 1)
                    words[n][len++] = *p;
                p++;
            }
        }
        words[n++][len] = '\0';
    }
    return n;
}

static int parse_port(const char *text)
{
    const char *colon = strrchr(text, ':');
    const char *digits = colon ? colon + 1 : text;
    if (!*digits || strlen(digits) > 5 || strspn(digits, "0123456789") != strlen(digits))
        return 0;
    int port = atoi(digits);
    return port <= 65535 ? port : 0;
}

static bool word_in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(w, list[i]) == 0)
            return true;
    return false;
}

static bool is_true(const char *v)
{
    static const char *const yes[] = {"1", "on", "true", "yes", "enabled"};
    return word_in(v, yes, sizeof yes / sizeof *yes);
}

static bool is_false(const char *v)
{
    static const char *const no[] = {"0", "off", "false", "no", "disabled"};
    return word_in(v, no, sizeof no / sizeof *no);
}

/* ---- consoles ---- */

static bool getty_without_login(const boot_cmd *c, const char **why)
{
    for (size_t i = 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        const char *next = i + 1 < c->argc ? c->argv[i + 1] : NULL;
        if (strcmp(a, "-a") == 0 || strcmp(a, "--autologin") == 0 ||
            strncmp(a, "--autologin=", 12) == 0) {
            *why = "getty logging a user in automatically";
            return true;
        }
        const char *program = strcmp(a, "-l") == 0 || strcmp(a, "--login-program") == 0 ? next
                              : strncmp(a, "-l", 2) == 0 && a[2]                      ? a + 2
                                                                                        : NULL;
        if (program && boot_is_shell(program)) {
            *why = "getty running a shell as its login program";
            return true;
        }
    }
    return false;
}

bool boot_console_without_login(const boot_cmd *c, const char **why)
{
    if (c->argc == 0)
        return false;
    const char *base = boot_base_name(c->argv[0]);
    if (boot_is_shell(c->argv[0])) {
        for (size_t i = 1; i < c->argc; i++)
            if (c->argv[i][0] != '-' || strcmp(c->argv[i], "-c") == 0)
                return false;
        *why = "a shell";
        return true;
    }
    if (strcmp(base, "login") == 0) {
        for (size_t i = 1; i < c->argc; i++)
            if (strcmp(c->argv[i], "-f") == 0) {
                *why = "login -f, which asks no password";
                return true;
            }
        return false;
    }
    return strstr(base, "getty") && getty_without_login(c, why);
}

/* ---- inittab ---- */

static bool action_runs(const char *action)
{
    static const char *const actions[] = {"sysinit", "respawn", "askfirst", "once",
                                          "wait",    "boot",    "bootwait", "ondemand"};
    return word_in(action, actions, sizeof actions / sizeof *actions);
}

static const char *console_name(const char *id)
{
    return strncmp(id, "tty", 3) == 0 || strncmp(id, "console", 7) == 0 ? id : "the console";
}

static void inittab_line(boot_scan *s, const boot_site *site, char *line)
{
    char *fields[3];
    char *p = (char *)skip_blanks(line);
    if (!*p || *p == '#')
        return;
    for (int i = 0; i < 3; i++) {
        char *colon = strchr(p, ':');
        if (!colon)
            return;
        *colon = '\0';
        fields[i] = p;
        p = colon + 1;
    }
    const char *process = skip_blanks(p);
    if (!action_runs(fields[2]))
        return;
    if (*process == '-')
        process++; /* BusyBox: run as a login shell */
    arena mem;
    arena_init(&mem);
    boot_cmd cmd;
    const char *why;
    if (boot_first_command(process, strlen(process), &mem, &cmd) &&
        boot_console_without_login(&cmd, &why))
        boot_report(s, site, "FW-BOOT-CONSOLE-SHELL",
                    "inittab gives %s on %s without a login (%s): anyone at the serial port "
                    "has a root shell",
                    why, console_name(fields[0]), fields[2]);
    arena_free(&mem);
    boot_shell_line(s, site, process, strlen(process), 0);
}

void boot_read_inittab(boot_scan *s, const boot_file *f)
{
    text_lines t = {f->data, f->data + f->size, 0};
    char line[LINE_CAP], text[LINE_CAP];
    unsigned number;
    while (!s->status && next_line(&t, line, sizeof line, &number)) {
        memcpy(text, line, sizeof text);
        boot_site site = {f, number, "inittab", text};
        inittab_line(s, &site, line);
    }
}

/* ---- inetd.conf ---- */

static int service_port(const char *name)
{
    static const struct {
        const char *name;
        int port;
    } known[] = {{"telnet", 23}, {"ftp", 21},    {"tftp", 69},   {"ssh", 22},    {"http", 80},
                 {"www", 80},    {"https", 443}, {"shell", 514}, {"login", 513}, {"exec", 512},
                 {"finger", 79}, {"echo", 7},    {"discard", 9}, {"daytime", 13},
                 {"chargen", 19}, {"time", 37},  {"smtp", 25},   {"pop3", 110},  {"imap", 143},
                 {"snmp", 161},  {"rsync", 873}, {"auth", 113},  {"sunrpc", 111}};
    const char *colon = strrchr(name, ':');
    name = colon ? colon + 1 : name;
    int port = parse_port(name);
    for (size_t i = 0; !port && i < sizeof known / sizeof *known; i++)
        if (strcmp(name, known[i].name) == 0)
            port = known[i].port;
    return port;
}

/* service socktype proto wait user server argv0 args... */
void boot_read_inetd(boot_scan *s, const boot_file *f)
{
    text_lines t = {f->data, f->data + f->size, 0};
    char line[LINE_CAP];
    char (*words)[WORD_CAP] = malloc(MAX_WORDS * sizeof *words);
    unsigned number;
    if (!words) {
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    while (!s->status && next_line(&t, line, sizeof line, &number)) {
        size_t n = split_words(line, words, MAX_WORDS);
        int port = n >= 6 ? service_port(words[0]) : 0;
        if (!port || strcmp(words[5], "internal") == 0)
            continue;
        boot_cmd cmd = {.argc = 1};
        cmd.argv[0] = words[5];
        for (size_t i = 7; i < n; i++)
            cmd.argv[cmd.argc++] = words[i];
        boot_site site = {f, number, "inetd", line};
        boot_served(s, &site, &cmd, port, strncmp(words[2], "udp", 3) == 0 ? "udp" : "tcp", 0);
    }
    free(words);
}

/* ---- uci (OpenWrt) ---- */

typedef struct uci_option {
    char name[64];
    char value[WORD_CAP];
    unsigned line;
    char text[WORD_CAP];
} uci_option;

typedef struct uci_section {
    char type[64];
    unsigned line;
    char text[WORD_CAP];
    uci_option options[UCI_MAX_OPTIONS];
    size_t count;
} uci_section;

/* The last value of `name`: 1 or 0, `fallback` when absent or unclear. */
static bool uci_bool(const uci_section *sec, const char *name, bool fallback,
                     const uci_option **where)
{
    bool value = fallback;
    *where = NULL;
    for (size_t i = 0; i < sec->count; i++)
        if (strcmp(sec->options[i].name, name) == 0) {
            *where = &sec->options[i];
            value = is_true(sec->options[i].value) ? true
                    : is_false(sec->options[i].value) ? false
                                                      : fallback;
        }
    return value;
}

static const uci_option *uci_get(const uci_section *sec, const char *name)
{
    const uci_option *found = NULL;
    for (size_t i = 0; i < sec->count; i++)
        if (strcmp(sec->options[i].name, name) == 0)
            found = &sec->options[i];
    return found;
}

static void uci_dropbear(boot_scan *s, const boot_file *f, const uci_section *sec)
{
    const uci_option *enable, *password, *root_password, *root_login;
    if (!uci_bool(sec, "enable", true, &enable))
        return;
    const uci_option *port = uci_get(sec, "Port");
    int number = port ? parse_port(port->value) : 0;
    boot_site site = {f, port ? port->line : sec->line, "uci", port ? port->text : sec->text};
    boot_add_service(s, &site, "dropbear", "tcp", number ? number : 22, number != 0);
    bool passwords = uci_bool(sec, "PasswordAuth", true, &password);
    bool root_passwords = uci_bool(sec, "RootPasswordAuth", true, &root_password);
    bool root = uci_bool(sec, "RootLogin", true, &root_login);
    if (!passwords || !root_passwords || !root)
        return;
    boot_site at = {f, root_password ? root_password->line : sec->line, "uci",
                    root_password ? root_password->text : sec->text};
    boot_report(s, &at, "FW-BOOT-SSH-ROOT-PASSWORD",
                "dropbear lets root log in with a password: RootPasswordAuth is on%s and "
                "PasswordAuth is not off",
                root_password ? "" : " (the default)");
}

static void uci_upnpd(boot_scan *s, const boot_file *f, const uci_section *sec)
{
    const uci_option *enabled, *upnp, *secure;
    if (!uci_bool(sec, "enabled", true, &enabled) || !uci_bool(sec, "enable_upnp", true, &upnp))
        return;
    if (!uci_bool(sec, "secure_mode", true, &secure) && secure) {
        boot_site at = {f, secure->line, "uci", secure->text};
        boot_report(s, &at, "FW-BOOT-UPNP-INSECURE",
                    "UPnP secure mode is off: any host on the LAN can open firewall ports to "
                    "any other host");
    }
}

static void uci_uhttpd(boot_scan *s, const boot_file *f, const uci_section *sec)
{
    for (size_t i = 0; i < sec->count; i++) {
        const uci_option *o = &sec->options[i];
        if (strcmp(o->name, "listen_http") != 0 && strcmp(o->name, "listen_https") != 0)
            continue;
        int port = parse_port(o->value);
        boot_site site = {f, o->line, "uci", o->text};
        if (port)
            boot_add_service(s, &site, "uhttpd", "tcp", port, true);
    }
}

static void uci_section_done(boot_scan *s, const boot_file *f, const uci_section *sec)
{
    const char *base = boot_base_name(f->path);
    if (strcmp(base, "dropbear") == 0 && strcmp(sec->type, "dropbear") == 0)
        uci_dropbear(s, f, sec);
    else if (strcmp(base, "upnpd") == 0 && strcmp(sec->type, "upnpd") == 0)
        uci_upnpd(s, f, sec);
    else if (strcmp(base, "uhttpd") == 0 && strcmp(sec->type, "uhttpd") == 0)
        uci_uhttpd(s, f, sec);
}

/* Clips on purpose: config lines longer than the fields are not worth more. */
static void copy_clipped(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void uci_line(uci_section *sec, bool *open, const char *line, unsigned number,
                     char words[][WORD_CAP], size_t n, boot_scan *s, const boot_file *f)
{
    if (strcmp(words[0], "config") == 0) {
        if (*open)
            uci_section_done(s, f, sec);
        memset(sec, 0, sizeof *sec);
        copy_clipped(sec->type, sizeof sec->type, n > 1 ? words[1] : "");
        copy_clipped(sec->text, sizeof sec->text, line);
        sec->line = number;
        *open = true;
    } else if ((strcmp(words[0], "option") == 0 || strcmp(words[0], "list") == 0) && n >= 3 &&
               *open && sec->count < UCI_MAX_OPTIONS) {
        uci_option *o = &sec->options[sec->count++];
        copy_clipped(o->name, sizeof o->name, words[1]);
        copy_clipped(o->value, sizeof o->value, words[2]);
        copy_clipped(o->text, sizeof o->text, line);
        o->line = number;
    }
}

void boot_read_uci(boot_scan *s, const boot_file *f)
{
    text_lines t = {f->data, f->data + f->size, 0};
    char line[LINE_CAP];
    char (*words)[WORD_CAP] = malloc(MAX_WORDS * sizeof *words);
    uci_section *sec = calloc(1, sizeof *sec);
    bool open = false;
    unsigned number;
    if (!words || !sec)
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    while (!s->status && next_line(&t, line, sizeof line, &number)) {
        size_t n = split_words(line, words, 3);
        if (n > 0)
            uci_line(sec, &open, line, number, words, n, s, f);
    }
    if (!s->status && open)
        uci_section_done(s, f, sec);
    free(words);
    free(sec);
}

/* ---- the daemons' own files ---- */

static void snmp_community(boot_scan *s, const boot_site *site, char words[][WORD_CAP], size_t n)
{
    static const char *const keywords[] = {"rocommunity", "rwcommunity", "rocommunity6",
                                           "rwcommunity6", "com2sec", "com2sec6"};
    if (n < 2 || !word_in(words[0], keywords, sizeof keywords / sizeof *keywords))
        return;
    bool com2sec = strncasecmp(words[0], "com2sec", 7) == 0;
    size_t positional = 0;
    const char *community = NULL;
    for (size_t i = 1; i < n && !community; i++) {
        if (words[i][0] == '-') {
            i++; /* -Cn CONTEXT, -V VIEW */
            continue;
        }
        if (!com2sec || ++positional == 3)
            community = words[i];
    }
    if (!community || (strcmp(community, "public") != 0 && strcmp(community, "private") != 0))
        return;
    const char *access = com2sec              ? "is accepted (com2sec)"
                         : words[0][1] == 'w' ? "gives read-write access"
                                              : "gives read-only access";
    boot_report(s, site, "FW-BOOT-SNMP-COMMUNITY",
                "SNMP community \"%s\" %s: it is the first one scanners try", community, access);
}

/* KEY=VALUE or KEY VALUE */
static bool setting(const char *line, char *key, size_t key_cap, const char **value)
{
    const char *p = skip_blanks(line);
    size_t n = strcspn(p, "= \t");
    if (!n || *p == '#' || n >= key_cap)
        return false;
    memcpy(key, p, n);
    key[n] = '\0';
    *value = skip_blanks(p + n);
    if (**value == '=')
        *value = skip_blanks(*value + 1);
    return true;
}

static bool value_is(const char *value, const char *want)
{
    size_t n = strcspn(value, " \t#");
    return n == strlen(want) && strncasecmp(value, want, n) == 0;
}

void boot_read_daemon_config(boot_scan *s, const boot_file *f)
{
    const char *base = boot_base_name(f->path);
    text_lines t = {f->data, f->data + f->size, 0};
    char line[LINE_CAP], key[64];
    char (*words)[WORD_CAP] = malloc(MAX_WORDS * sizeof *words);
    const char *value;
    unsigned number;
    if (!words)
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    while (!s->status && next_line(&t, line, sizeof line, &number)) {
        boot_site site = {f, number, "config", line};
        if (strcmp(base, "snmpd.conf") == 0)
            snmp_community(s, &site, words, split_words(line, words, MAX_WORDS));
        if (!setting(line, key, sizeof key, &value))
            continue;
        if (strcmp(base, "miniupnpd.conf") == 0 && strcmp(key, "secure_mode") == 0 &&
            is_false(value))
            boot_report(s, &site, "FW-BOOT-UPNP-INSECURE",
                        "miniupnpd secure_mode is off: any host on the LAN can open firewall "
                        "ports to any other host");
        else if (strcmp(base, "vsftpd.conf") == 0 && strcmp(key, "anonymous_enable") == 0 &&
                 value_is(value, "YES"))
            boot_report(s, &site, "FW-BOOT-FTP-ANONYMOUS",
                        "vsftpd lets anyone log in anonymously");
        else if (strcmp(base, "mosquitto.conf") == 0 && strcmp(key, "allow_anonymous") == 0 &&
                 value_is(value, "true"))
            boot_report(s, &site, "FW-BOOT-MQTT-ANONYMOUS",
                        "mosquitto accepts clients without credentials: anyone can read and "
                        "publish every topic the ACL does not close");
        else if (strcmp(base, "sshd_config") == 0 && strcasecmp(key, "PermitRootLogin") == 0 &&
                 value_is(value, "yes"))
            boot_report(s, &site, "FW-BOOT-SSH-ROOT-PASSWORD",
                        "sshd lets root log in with a password (PermitRootLogin yes)");
    }
    free(words);
}

/* ---- systemd ---- */

static const char *const unit_folders[] = {"etc/systemd/system/", "lib/systemd/system/",
                                           "usr/lib/systemd/system/"};

static boot_file *unit_named(boot_scan *s, const char *name)
{
    char path[512];
    for (size_t i = 0; i < sizeof unit_folders / sizeof *unit_folders; i++) {
        snprintf(path, sizeof path, "%s%s", unit_folders[i], name);
        boot_file *f = boot_find_file(s, path);
        if (f && f->link_target && strcmp(f->link_target, "/dev/null") == 0)
            return NULL; /* masked */
        if (f && f->data)
            return f;
    }
    return NULL;
}

/* The unit a .wants link enables: by its name, its template, or where the
 * link points. `instance` gets what follows '@' ("ttyS0"). */
static boot_file *enabled_unit(boot_scan *s, const boot_file *link, char *instance,
                               size_t size)
{
    const char *name = boot_base_name(link->path);
    char path[512];
    instance[0] = '\0';
    snprintf(path, sizeof path, "etc/systemd/system/%s", name);
    const boot_file *mask = boot_find_file(s, path);
    if (mask && mask->link_target && strcmp(mask->link_target, "/dev/null") == 0)
        return NULL;
    boot_file *f = unit_named(s, name);
    const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
    if (!f && at && dot && dot > at + 1) {
        char template_name[256];
        snprintf(instance, size, "%.*s", (int)(dot - at - 1), at + 1);
        snprintf(template_name, sizeof template_name, "%.*s%s", (int)(at - name + 1), name, dot);
        f = unit_named(s, template_name);
    }
    if (!f && link->link_target[0] == '/')
        f = boot_find_file(s, link->link_target + 1);
    if (!f)
        f = unit_named(s, boot_base_name(link->link_target));
    return f && f->data ? f : NULL;
}

/* %i and %I become the instance; other specifiers stay. */
static void expand_specifiers(const char *in, const char *instance, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < cap; p++) {
        if (p[0] == '%' && (p[1] == 'i' || p[1] == 'I')) {
            for (const char *q = instance; *q && n + 1 < cap; q++)
                out[n++] = *q;
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

typedef struct unit_exec {
    unsigned line;
    char text[WORD_CAP];
} unit_exec;

static void unit_command(boot_scan *s, const boot_file *f, const unit_exec *x, bool tty,
                         const char *tty_path, const char *instance)
{
    char command[LINE_CAP];
    const char *value = strchr(x->text, '=') + 1;
    expand_specifiers(skip_blanks(value), instance, command, sizeof command);
    const char *run = command + strspn(command, "-@:+!");
    boot_site site = {f, x->line, "systemd", x->text};
    arena mem;
    arena_init(&mem);
    boot_cmd cmd;
    const char *why;
    if (tty && boot_first_command(run, strlen(run), &mem, &cmd) &&
        boot_console_without_login(&cmd, &why))
        boot_report(s, &site, "FW-BOOT-CONSOLE-SHELL",
                    "systemd unit %s gives %s on %s without a login", boot_base_name(f->path),
                    why, tty_path[0] ? tty_path : "the console");
    arena_free(&mem);
    boot_shell_line(s, &site, run, strlen(run), 0);
}

static void read_unit(boot_scan *s, const boot_file *f, const char *instance)
{
    text_lines t = {f->data, f->data + f->size, 0};
    char line[LINE_CAP], tty_path[WORD_CAP] = "";
    unit_exec *execs = calloc(UNIT_MAX_EXEC, sizeof *execs);
    size_t exec_count = 0;
    bool in_service = false, tty = false;
    unsigned number;
    if (!execs) {
        s->status = iotssf_fail(s->err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    while (next_line(&t, line, sizeof line, &number)) {
        const char *p = skip_blanks(line);
        if (*p == '[') {
            in_service = strncmp(p, "[Service]", 9) == 0;
            continue;
        }
        if (!in_service)
            continue;
        if (strncmp(p, "StandardInput=tty", 17) == 0)
            tty = true;
        else if (strncmp(p, "TTYPath=", 8) == 0)
            snprintf(tty_path, sizeof tty_path, "%s", p + 8);
        else if ((strncmp(p, "ExecStart=", 10) == 0 || strncmp(p, "ExecStartPre=", 13) == 0 ||
                  strncmp(p, "ExecStartPost=", 14) == 0) &&
                 exec_count < UNIT_MAX_EXEC) {
            execs[exec_count].line = number;
            snprintf(execs[exec_count++].text, WORD_CAP, "%s", p);
        }
    }
    for (size_t i = 0; i < exec_count && !s->status; i++)
        unit_command(s, f, &execs[i], tty, tty_path, instance);
    free(execs);
}

static bool is_wants_link(const boot_file *f)
{
    const char *base = boot_base_name(f->path);
    size_t folder = (size_t)(base - f->path);
    return f->link_target && strstr(f->path, "systemd/system/") && folder > 7 &&
           (strncmp(base - 7, ".wants/", 7) == 0 ||
            (folder > 10 && strncmp(base - 10, ".requires/", 10) == 0));
}

void boot_read_systemd(boot_scan *s)
{
    boot_state *st = s->st;
    char instance[WORD_CAP];
    for (size_t i = 0; i < st->file_count && !s->status; i++) {
        boot_file *link = &st->files[i];
        if (strcmp(link->origin, s->origin) != 0 || !is_wants_link(link))
            continue;
        boot_file *unit = enabled_unit(s, link, instance, sizeof instance);
        if (!unit || unit->visited)
            continue;
        unit->visited = true;
        read_unit(s, unit, instance);
    }
}
