/*
 * Which commands start network daemons, for the boot analysis, and what each
 * exposes: telnet (and whether it asks for a login at all), SSH servers that
 * let root log in with a password, FTP and TFTP, UPnP, web servers, SNMP,
 * MQTT, DNS, and netcat, socat or tcpsvd listeners that hand a shell to
 * whoever connects. Wrappers are looked through (start-stop-daemon, procd's
 * command parameter, busybox applets, nohup, env, ...), as are scripts the
 * command runs and `sh -c` strings. Options are read per daemon, so that
 * `nc -lp 9530 -e /bin/sh` and `telnetd -p2323 -l/bin/sh` read the same as
 * their spelled-out forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boot_internal.h"

typedef enum daemon_class {
    D_TELNET,
    D_DROPBEAR,
    D_SSHD,
    D_HTTP,
    D_FTP,
    D_TFTP,
    D_UPNP,
    D_SNMP,
    D_MQTT,
    D_DNS,
    D_NETCAT,
    D_SOCAT,
    D_SVD,
} daemon_class;

typedef struct daemon_kind {
    const char *name;        /* program name */
    daemon_class cls;
    const char *transport;
    int default_port;        /* 0: none or unknown */
    const char *with_value;  /* short options that take a value */
    const char *port_options;/* of those, the ones whose value is [address:]port */
} daemon_kind;

static const daemon_kind daemons[] = {
    {"telnetd", D_TELNET, "tcp", 23, "lfpbw", "pb"},
    {"utelnetd", D_TELNET, "tcp", 23, "pli", "p"},
    {"in.telnetd", D_TELNET, "tcp", 23, "LSXaDE", ""},
    {"dropbear", D_DROPBEAR, "tcp", 22, "bcGKIpPrTW", "p"},
    {"sshd", D_SSHD, "tcp", 22, "bcCEfghkoOpu", "p"},
    {"httpd", D_HTTP, "tcp", 80, "cdehmprui", "p"},
    {"lighttpd", D_HTTP, "tcp", 80, "fm", ""},
    {"uhttpd", D_HTTP, "tcp", 80, "pshEIKCxitTnNrclLuUyAPm", "ps"},
    {"boa", D_HTTP, "tcp", 80, "cr", ""},
    {"goahead", D_HTTP, "tcp", 80, "", ""},
    {"webs", D_HTTP, "tcp", 80, "", ""},
    {"thttpd", D_HTTP, "tcp", 80, "pdurchlivTPM", "p"},
    {"mini_httpd", D_HTTP, "tcp", 80, "pdcurhlviTPHMEYzC", "p"},
    {"nginx", D_HTTP, "tcp", 80, "cgpe", ""},
    {"ftpd", D_FTP, "tcp", 21, "tTa", ""},
    {"in.ftpd", D_FTP, "tcp", 21, "tT", ""},
    {"vsftpd", D_FTP, "tcp", 21, "o", ""},
    {"proftpd", D_FTP, "tcp", 21, "cdDS", ""},
    {"pure-ftpd", D_FTP, "tcp", 21, "cCIlLmsSTuUy", "S"},
    {"bftpd", D_FTP, "tcp", 21, "c", ""},
    {"tftpd", D_TFTP, "udp", 69, "urlc", ""},
    {"in.tftpd", D_TFTP, "udp", 69, "auUrmBRTP", "a"},
    {"atftpd", D_TFTP, "udp", 69, "", ""},
    {"miniupnpd", D_UPNP, "udp", 1900, "fiaopPuUnNrHzdD", ""},
    {"upnpd", D_UPNP, "udp", 1900, "", ""},
    {"snmpd", D_SNMP, "udp", 161, "cCpuLgIxAD", ""},
    {"mosquitto", D_MQTT, "tcp", 1883, "cp", "p"},
    {"dnsmasq", D_DNS, "udp", 53, "pCxrHaiIzuglFmMsSTWYQ", "p"},
    {"nc", D_NETCAT, "tcp", 0, "ecpswiqgGoOxTbIXf", "p"},
    {"netcat", D_NETCAT, "tcp", 0, "ecpswiqgGoOxTbIXf", "p"},
    {"ncat", D_NETCAT, "tcp", 0, "ecpswiqgGoOxTbIXf", "p"},
    {"nc.traditional", D_NETCAT, "tcp", 0, "ecpswiqgGoOxTbIXf", "p"},
    {"nc.openbsd", D_NETCAT, "tcp", 0, "ecpswiqgGoOxTbIXf", "p"},
    {"socat", D_SOCAT, "tcp", 0, "", ""},
    {"tcpsvd", D_SVD, "tcp", 0, "cCbul", ""},
    {"udpsvd", D_SVD, "udp", 0, "cCbul", ""},
};

enum { MAX_POSITIONAL = 16, MAX_PORTS = 4, MAX_LONG = 8 };

/* The options of one command line, read with the daemon's option table. */
typedef struct options {
    const char *value[128];   /* last value of each short option */
    bool flag[128];           /* short options given (with or without a value) */
    const char *ports[MAX_PORTS];
    size_t port_count;
    const char *positional[MAX_POSITIONAL];
    size_t positional_count;
    const char *long_name[MAX_LONG], *long_value[MAX_LONG];
    size_t long_count;
} options;

/* Long options that take the next word as their value. */
static bool long_takes_value(const char *name, size_t len)
{
    static const char *const names[] = {"exec", "sh-exec", "lua-exec", "port", "source-port"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return true;
    return false;
}

static void read_long(options *o, char *const *argv, size_t argc, size_t *i)
{
    const char *name = argv[*i] + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const char *value = eq ? eq + 1 : NULL;
    if (!value && long_takes_value(name, len) && *i + 1 < argc)
        value = argv[++*i];
    if (o->long_count < MAX_LONG) {
        o->long_name[o->long_count] = name;
        o->long_value[o->long_count++] = value;
    }
}

static void read_options(const daemon_kind *d, char *const *argv, size_t argc, options *o)
{
    memset(o, 0, sizeof *o);
    bool only_positional = false;
    for (size_t i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (only_positional || w[0] != '-' || w[1] == '\0') {
            if (o->positional_count < MAX_POSITIONAL)
                o->positional[o->positional_count++] = w;
            continue;
        }
        if (strcmp(w, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (w[1] == '-') {
            read_long(o, argv, argc, &i);
            continue;
        }
        for (size_t j = 1; w[j]; j++) {
            unsigned char letter = (unsigned char)w[j];
            if (letter >= 128)
                break;
            o->flag[letter] = true;
            if (!strchr(d->with_value, letter))
                continue;
            const char *value = w[j + 1] ? w + j + 1 : i + 1 < argc ? argv[++i] : NULL;
            o->value[letter] = value;
            if (value && strchr(d->port_options, letter) && o->port_count < MAX_PORTS) {
                o->ports[o->port_count++] = value;
            }
            break;
        }
    }
}

static const char *long_option(const options *o, const char *name, bool *present)
{
    for (size_t i = 0; i < o->long_count; i++) {
        size_t len = strlen(name);
        if (strncmp(o->long_name[i], name, len) == 0 &&
            (o->long_name[i][len] == '\0' || o->long_name[i][len] == '=')) {
            if (present)
                *present = true;
            return o->long_value[i];
        }
    }
    return NULL;
}

/* "[address:]port" (also "udp:161", "[::]:22"): the port, or 0. */
static int port_of(const char *text)
{
    if (!text)
        return 0;
    const char *colon = strrchr(text, ':');
    const char *digits = colon ? colon + 1 : text;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 5)
        return 0;
    int port = atoi(digits);
    return port > 0 && port <= 65535 ? port : 0;
}

static const daemon_kind *daemon_named(const char *program)
{
    const char *base = boot_base_name(program);
    for (size_t i = 0; i < sizeof daemons / sizeof *daemons; i++)
        if (strcmp(daemons[i].name, base) == 0)
            return &daemons[i];
    return NULL;
}

/* ---- looking through wrappers ---- */

static bool word_is(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

static void drop_front(boot_cmd *c, size_t n)
{
    if (n > c->argc)
        n = c->argc;
    memmove(c->argv, c->argv + n, (c->argc - n) * sizeof *c->argv);
    c->argc -= n;
}

/* start-stop-daemon -S [-b] -x PROGRAM [-- ARGS]: the program and its
 * arguments, or nothing when it stops a daemon (-K). */
static bool start_stop_daemon(boot_cmd *c)
{
    static const char *const with_value[] = {"-x", "--exec", "-a", "--startas", "-p",
                                             "--pidfile", "-n", "--name", "-u", "--user",
                                             "-c", "--chuid", "-r", "--chroot", "-d",
                                             "--chdir", "-N", "--nicelevel", "-s", "--signal"};
    const char *exec = NULL;
    bool start = false;
    size_t args = c->argc;
    for (size_t i = 1; i < c->argc; i++) {
        const char *w = c->argv[i];
        if (strcmp(w, "--") == 0) {
            args = i + 1;
            break;
        }
        if (strcmp(w, "-S") == 0 || strcmp(w, "--start") == 0 || strncmp(w, "-S", 2) == 0)
            start = true;
        if (strncmp(w, "--exec=", 7) == 0 || strncmp(w, "--startas=", 10) == 0)
            exec = strchr(w, '=') + 1;
        else if (word_is(w, with_value, sizeof with_value / sizeof *with_value)) {
            if (i + 1 < c->argc && (strcmp(w, "-x") == 0 || strcmp(w, "--exec") == 0 ||
                                    strcmp(w, "-a") == 0 || strcmp(w, "--startas") == 0))
                exec = c->argv[i + 1];
            i++;
        }
    }
    if (!start || !exec || !exec[0])
        return false;
    char *program = (char *)exec;
    size_t tail = args < c->argc ? c->argc - args : 0;
    memmove(c->argv + 1, c->argv + args, tail * sizeof *c->argv);
    c->argv[0] = program;
    c->argc = 1 + tail;
    return true;
}

/* Strips what runs the real program; false when nothing is started. */
static bool unwrap(boot_cmd *c, bool *procd)
{
    static const char *const prefixes[] = {"then", "do",      "else",   "elif",    "if",
                                           "while", "until",  "!",      "exec",    "nohup",
                                           "time", "command", "setsid", "sudo",    "builtin",
                                           "busybox", "dropbearmulti", "service_start",
                                           "daemonize", "chpst"};
    for (int guard = 0; guard < 16 && c->argc > 0; guard++) {
        const char *w = c->argv[0];
        if (word_is(w, prefixes, sizeof prefixes / sizeof *prefixes) ||
            strcmp(boot_base_name(w), "busybox") == 0) {
            drop_front(c, 1);
        } else if (strcmp(w, "nice") == 0 || strcmp(w, "ionice") == 0 ||
                   strcmp(w, "env") == 0 || strcmp(w, "taskset") == 0) {
            bool taskset = strcmp(w, "taskset") == 0;
            drop_front(c, 1);
            while (c->argc > 0 && (c->argv[0][0] == '-' || strchr(c->argv[0], '='))) {
                bool value = strcmp(c->argv[0], "-n") == 0 || strcmp(c->argv[0], "-c") == 0;
                drop_front(c, value ? 2 : 1);
            }
            if (taskset)
                drop_front(c, 1);
        } else if (strcmp(w, "chroot") == 0) {
            drop_front(c, 2);
        } else if (strcmp(w, "procd_set_param") == 0) {
            if (c->argc < 3 || strcmp(c->argv[1], "command") != 0)
                return false;
            *procd = true;
            drop_front(c, 2);
        } else if (strcmp(boot_base_name(w), "start-stop-daemon") == 0) {
            return start_stop_daemon(c);
        } else {
            return c->argc > 0 && c->argv[0][0] != '\0';
        }
    }
    return false;
}

/* ---- what a daemon exposes ---- */

typedef struct launch {
    boot_scan *s;
    const boot_site *site;
    const daemon_kind *d;
    boot_cmd *cmd;
    options o;
    bool procd;
    int served_port; /* started by inetd or tcpsvd on this port */
    const char *served_transport;
    bool pipeline_has_shell;
} launch;

/* Records the daemon with every port its command line states, or its
 * default; returns the first port (0 when unknown). */
static int record_ports(launch *l, const char *name)
{
    const char *started_by = l->procd ? "procd" : l->site->started_by;
    boot_site site = *l->site;
    site.started_by = started_by;
    if (l->served_port) {
        boot_add_service(l->s, &site, name, l->served_transport, l->served_port, true);
        return l->served_port;
    }
    int first = 0;
    for (size_t i = 0; i < l->o.port_count; i++) {
        int port = port_of(l->o.ports[i]);
        if (port) {
            boot_add_service(l->s, &site, name, l->d->transport, port, true);
            first = first ? first : port;
        }
    }
    if (!first && l->d->cls == D_DNS) {
        bool present = false;
        first = port_of(long_option(&l->o, "port", &present));
        if (first)
            boot_add_service(l->s, &site, name, l->d->transport, first, true);
    }
    /* snmpd names its listening addresses as arguments: udp:161 */
    for (size_t i = 0; l->d->cls == D_SNMP && i < l->o.positional_count; i++) {
        int port = port_of(l->o.positional[i]);
        if (port) {
            bool tcp = strncasecmp(l->o.positional[i], "tcp", 3) == 0;
            boot_add_service(l->s, &site, name, tcp ? "tcp" : "udp", port, true);
            first = first ? first : port;
        }
    }
    if (!first)
        boot_add_service(l->s, &site, name, l->d->transport, l->d->default_port, false);
    return first ? first : l->d->default_port;
}

static void telnet(launch *l)
{
    const char *login = l->o.value[strcmp(l->d->name, "in.telnetd") == 0 ? 'L' : 'l'];
    int port = record_ports(l, l->d->name);
    char where[32] = "";
    if (port)
        snprintf(where, sizeof where, " on port %d", port);
    if (login && boot_is_shell(login))
        boot_report(l->s, l->site, "FW-BOOT-TELNETD-NO-LOGIN",
                    "%s starts at boot%s and runs %s directly: a shell for anyone who "
                    "connects, without a login",
                    l->d->name, where, login);
    else if (port >= 1024)
        boot_report(l->s, l->site, "FW-BOOT-TELNETD-HIDDEN-PORT",
                    "%s starts at boot on port %d, a non-standard high port: a hidden debug "
                    "telnet",
                    l->d->name, port);
    else
        boot_report(l->s, l->site, "FW-BOOT-TELNETD",
                    "%s starts at boot%s: telnet sends passwords in clear and is how Mirai "
                    "gets in",
                    l->d->name, where);
}

static void dropbear(launch *l)
{
    record_ports(l, "dropbear");
    /* OpenWrt's procd script adds -s, -g and -w from /etc/config/dropbear,
     * which is judged instead; an unexpanded $ARGS may hold them too. */
    if (l->procd || l->cmd->unresolved)
        return;
    if (!l->o.flag['s'] && !l->o.flag['g'] && !l->o.flag['w'])
        boot_report(l->s, l->site, "FW-BOOT-SSH-ROOT-PASSWORD",
                    "dropbear starts without -s, -g or -w: root can log in with a password");
}

static void sshd(launch *l)
{
    record_ports(l, "sshd");
    const char *opt = l->o.value['o'];
    if (opt && strncasecmp(opt, "PermitRootLogin", 15) == 0 &&
        strcasecmp(opt + 15 + strspn(opt + 15, "= \t"), "yes") == 0)
        boot_report(l->s, l->site, "FW-BOOT-SSH-ROOT-PASSWORD",
                    "sshd starts with -o %s: root can log in with a password", opt);
}

static void simple_service(launch *l, const char *rule, const char *what)
{
    int port = record_ports(l, l->d->name);
    char where[40] = "";
    if (port)
        snprintf(where, sizeof where, " (port %d/%s)", port,
                 l->served_transport ? l->served_transport : l->d->transport);
    if (rule)
        boot_report(l->s, l->site, rule, "%s starts at boot%s: %s", l->d->name, where, what);
}

static void backdoor(launch *l, const char *tool, int port, const char *program)
{
    char where[32] = "";
    if (port)
        snprintf(where, sizeof where, " on port %d", port);
    boot_report(l->s, l->site, "FW-BOOT-BACKDOOR-SHELL",
                "%s listens%s and runs %s for whoever connects: a backdoor", tool, where,
                program);
}

static void netcat(launch *l)
{
    bool listen = l->o.flag['l'] || l->o.flag['L'];
    long_option(&l->o, "listen", &listen);
    if (!listen)
        return;
    int port = port_of(l->o.value['p']);
    for (size_t i = 0; !port && i < l->o.positional_count; i++)
        port = port_of(l->o.positional[i]);
    const char *exec = l->o.value['e'];
    const char *shell_cmd = l->o.value['c'];
    bool present = false;
    exec = exec ? exec : long_option(&l->o, "exec", &present);
    shell_cmd = shell_cmd ? shell_cmd : long_option(&l->o, "sh-exec", &present);
    boot_add_service(l->s, l->site, boot_base_name(l->cmd->argv[0]), "tcp", port, port != 0);
    if (exec || shell_cmd)
        backdoor(l, boot_base_name(l->cmd->argv[0]), port, exec ? exec : "a shell command");
    else if (l->pipeline_has_shell)
        backdoor(l, boot_base_name(l->cmd->argv[0]), port, "a shell through a pipe");
}

/* socat TCP-LISTEN:4444,fork EXEC:/bin/sh */
static void socat(launch *l)
{
    int port = 0;
    const char *transport = "tcp", *program = NULL;
    for (size_t i = 0; i < l->o.positional_count; i++) {
        const char *a = l->o.positional[i];
        const char *colon = strchr(a, ':');
        size_t type_len = colon ? (size_t)(colon - a) : strlen(a);
        bool listen = (type_len >= 8 && strncasecmp(a + type_len - 6, "LISTEN", 6) == 0) ||
                      (type_len >= 5 && strncasecmp(a + type_len - 2, "-L", 2) == 0);
        if (listen && colon) {
            port = atoi(colon + 1);
            port = port > 0 && port <= 65535 ? port : 0;
            transport = strncasecmp(a, "UDP", 3) == 0 ? "udp" : "tcp";
        } else if (colon && (strncasecmp(a, "EXEC:", 5) == 0 || strncasecmp(a, "SYSTEM:", 7) == 0)) {
            program = colon + 1;
        }
    }
    if (!port)
        return;
    boot_add_service(l->s, l->site, "socat", transport, port, true);
    if (program)
        backdoor(l, "socat", port, program);
}

static void analyse(launch *l)
{
    switch (l->d->cls) {
    case D_TELNET: telnet(l); break;
    case D_DROPBEAR: dropbear(l); break;
    case D_SSHD: sshd(l); break;
    case D_FTP:
        simple_service(l, "FW-BOOT-FTP", "FTP sends passwords and files in clear");
        break;
    case D_TFTP:
        simple_service(l, "FW-BOOT-TFTP", "TFTP serves and accepts files without any login");
        break;
    case D_UPNP:
        simple_service(l, "FW-BOOT-UPNP",
                       "UPnP IGD lets any host on the LAN open ports in the firewall");
        break;
    case D_HTTP:
    case D_SNMP:
    case D_MQTT:
    case D_DNS: simple_service(l, NULL, NULL); break;
    case D_NETCAT: netcat(l); break;
    case D_SOCAT: socat(l); break;
    case D_SVD: break;
    }
}

/* ---- commands ---- */

static bool runs_interactive_shell(const boot_cmd *c)
{
    if (c->argc == 0 || !boot_is_shell(c->argv[0]))
        return false;
    for (size_t i = 1; i < c->argc; i++)
        if (c->argv[i][0] != '-' || strcmp(c->argv[i], "-c") == 0)
            return false;
    return true;
}

static void follow_script(boot_scan *s, const boot_site *site, const char *path, int depth)
{
    if (!path || path[0] != '/')
        return;
    boot_file *f = boot_find_file(s, path + 1);
    /* What inittab runs is an init script; what a unit or a script runs
     * is started the way its parent was. */
    const char *by = strcmp(site->started_by, "inittab") == 0 ? "init script" : site->started_by;
    if (f && f->data)
        boot_shell_script(s, f, by, depth + 1);
}

/* sh -c '...', sh script, . script, /path/to/script: read what they run. */
static bool runs_shell_code(boot_scan *s, const boot_site *site, const boot_cmd *c, int depth)
{
    const char *program = c->argv[0];
    if (strcmp(program, ".") == 0 || strcmp(program, "source") == 0) {
        follow_script(s, site, c->argc > 1 ? c->argv[1] : NULL, depth);
        return true;
    }
    if (!boot_is_shell(program)) {
        follow_script(s, site, program, depth);
        return false;
    }
    for (size_t i = 1; i < c->argc; i++) {
        if (strcmp(c->argv[i], "-c") == 0) {
            if (i + 1 < c->argc && depth < BOOT_MAX_DEPTH)
                boot_shell_line(s, site, c->argv[i + 1], strlen(c->argv[i + 1]), depth + 1);
            return true;
        }
        if (c->argv[i][0] != '-') {
            follow_script(s, site, c->argv[i], depth);
            return true;
        }
    }
    return true;
}

static void svd(boot_scan *s, const boot_site *site, boot_cmd *c, const daemon_kind *d,
                int depth);

static void command(boot_scan *s, const boot_site *site, boot_cmd *c, bool pipeline_has_shell,
                    int served_port, const char *served_transport, int depth)
{
    bool procd = false;
    if (!unwrap(c, &procd) || runs_shell_code(s, site, c, depth))
        return;
    const daemon_kind *d = daemon_named(c->argv[0]);
    if (!d && served_port) {
        /* Anything a super-server starts is a network service. */
        boot_add_service(s, site, boot_base_name(c->argv[0]), served_transport, served_port,
                         true);
        return;
    }
    if (!d)
        return;
    if (d->cls == D_SVD) {
        svd(s, site, c, d, depth);
        return;
    }
    launch l = {.s = s, .site = site, .d = d, .cmd = c, .procd = procd,
                .served_port = served_port, .served_transport = served_transport,
                .pipeline_has_shell = pipeline_has_shell};
    read_options(d, c->argv, c->argc, &l.o);
    analyse(&l);
}

void boot_served(boot_scan *s, const boot_site *site, boot_cmd *cmd, int port,
                 const char *transport, int depth)
{
    if (cmd->argc == 0)
        return;
    if (boot_is_shell(cmd->argv[0]) && runs_interactive_shell(cmd)) {
        launch l = {.s = s, .site = site, .cmd = cmd};
        boot_add_service(s, site, boot_base_name(cmd->argv[0]), transport, port, true);
        backdoor(&l, "a super-server", port, cmd->argv[0]);
        return;
    }
    command(s, site, cmd, false, port, transport, depth);
}

/* tcpsvd [-hEv] [-c N] [-C N[:MSG]] [-b N] [-u USER] [-l NAME] IP PORT PROG ARGS */
static void svd(boot_scan *s, const boot_site *site, boot_cmd *c, const daemon_kind *d,
                int depth)
{
    size_t positional = 0, i = 1;
    int port = 0;
    for (; i < c->argc && positional < 2; i++) {
        const char *w = c->argv[i];
        if (w[0] == '-' && w[1]) {
            if (strchr(d->with_value, w[1]) && !w[2])
                i++;
            continue;
        }
        if (positional++ == 1)
            port = port_of(w);
    }
    if (positional < 2 || i >= c->argc || !port)
        return;
    drop_front(c, i);
    boot_served(s, site, c, port, d->transport, depth);
}

void boot_pipeline(boot_scan *s, const boot_site *site, boot_cmd *cmds, size_t count,
                   int depth)
{
    bool has_shell = false;
    for (size_t i = 0; i < count; i++)
        has_shell |= count > 1 && runs_interactive_shell(&cmds[i]);
    for (size_t i = 0; i < count && s->status == IOTSSF_OK; i++)
        command(s, site, &cmds[i], has_shell, 0, NULL, depth);
}
