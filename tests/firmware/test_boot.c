/*
 * Boot analysis tests (lib/firmware/boot.c and its helpers). A root
 * filesystem that starts everything the seeds warn about (a console shell,
 * telnetd -l /bin/sh on 2323, the 9530 netcat backdoor, a shell piped into
 * netcat, socat, tcpsvd and inetd serving a shell, OpenWrt's dropbear and
 * upnpd configuration, SNMP "public" and "private", a systemd debug shell
 * enabled through a .wants link) is built here and every finding asserted
 * exactly (rule, path, line, evidence), with the services list; a hardened
 * tree must give none; then hostile scripts: loops, depth, long lines,
 * binary and broken files. Real-world files come from Debian's packages
 * (snmpd's snmpd.conf, systemd's debug-shell.service) when they can be
 * fetched.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "firmware/boot.h"
#include "fw_analysis_util.h"
#include "fw_fixture_util.h"
#include "fw_sink_util.h"
#include "util.h"

static char work[4096];

/* ---- building trees ---- */

static void put(const char *root, const char *relative, const char *text)
{
    char path[8300];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    run_or_fail("mkdir -p \"$(dirname '%s')\"", path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void link_to(const char *root, const char *relative, const char *target)
{
    char path[8300];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    run_or_fail("mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(symlink(target, path), 0);
}

static const char *tree_dir(const char *name)
{
    static char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", work, name);
    run_or_fail("mkdir -p '%s'", dir);
    return dir;
}

static int make_work(void **state)
{
    (void)state;
    snprintf(work, sizeof work, "%s", scratch_dir("boot"));
    return 0;
}

/* The device that does everything wrong. Line numbers matter: they are
 * asserted below. */
static void build_vulnerable(const char *root)
{
    put(root, "etc/inittab",
        "::sysinit:/etc/init.d/rcS\n"
        "ttyS0::respawn:/bin/sh\n"
        "::askfirst:-/bin/sh\n"
        "::ctrlaltdel:/sbin/reboot\n"
        "# tty1::respawn:/bin/sh\n"
        "::shutdown:/bin/umount -a -r\n");
    put(root, "etc/init.d/rcS",
        "#!/bin/sh\n"
        "# start services\n"
        "mount -a\n"
        "PORT=2323\n"
        "/usr/sbin/telnetd -l /bin/sh -p $PORT &\n"
        "nc -l -p 9530 -e /bin/sh &\n"
        "/etc/init.d/S50app start\n"
        "if [ -x /usr/sbin/dropbear ]; then\n"
        "    dropbear -p 22 -r /etc/dropbear/dropbear_rsa_host_key\n"
        "fi\n"
        "cat <<EOF > /tmp/motd\n"
        "telnetd -l /bin/sh\n"
        "EOF\n"
        "tcpsvd -vE 0.0.0.0 21 ftpd -w /srv &\n"
        "start-stop-daemon -S -b -x /usr/sbin/utelnetd -- -p 9999 -d\n"
        "busybox httpd -p 8080 -h /www\n"
        "start-stop-daemon -K -x /usr/sbin/telnetd\n"
        "killall telnetd; snmpd -c /etc/snmp/snmpd.conf udp:161\n"
        "miniupnpd -f /etc/miniupnpd.conf\n"
        "mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc -l 4444 > /tmp/f &\n"
        "/usr/bin/debug.sh &\n");
    put(root, "etc/init.d/S50app",
        "#!/bin/sh\n"
        "case \"$1\" in\n"
        "start)\n"
        "    sh -c \"in.tftpd -l -a 0.0.0.0:69 -s /srv\" ;;\n"
        "esac\n");
    put(root, "usr/bin/debug.sh", "#!/bin/sh\nsocat TCP-LISTEN:5555,fork EXEC:/bin/sh\n");
    put(root, "usr/bin/unused.sh", "#!/bin/sh\ntelnetd -l /bin/sh\n");
    put(root, "etc/inetd.conf",
        "# service socktype proto wait user server args\n"
        "telnet stream tcp nowait root /usr/sbin/telnetd telnetd -i\n"
        "9999 stream tcp nowait root /bin/sh sh -i\n"
        "tftp dgram udp wait root /usr/sbin/tftpd tftpd /srv\n");
}

static void build_vulnerable_configs(const char *root)
{
    put(root, "etc/config/dropbear",
        "config dropbear\n"
        "\toption PasswordAuth 'on'\n"
        "\toption RootPasswordAuth 'on'\n"
        "\toption Port '22'\n");
    put(root, "etc/config/upnpd",
        "config upnpd 'config'\n"
        "\toption enabled '1'\n"
        "\toption secure_mode '0'\n"
        "\toption port '5000'\n");
    put(root, "etc/config/uhttpd",
        "config uhttpd 'main'\n"
        "\tlist listen_http '0.0.0.0:80'\n"
        "\tlist listen_https '0.0.0.0:443'\n");
    put(root, "etc/init.d/dropbear",
        "#!/bin/sh /etc/rc.common\n"
        "START=19\n"
        "USE_PROCD=1\n"
        "PROG=/usr/sbin/dropbear\n"
        "start_service() {\n"
        "\tprocd_open_instance\n"
        "\tprocd_set_param command \"$PROG\" -F -P /var/run/dropbear.pid\n"
        "\tprocd_close_instance\n"
        "}\n");
    put(root, "etc/snmp/snmpd.conf",
        "# snmpd\n"
        "rocommunity public default -V systemonly\n"
        "rwcommunity private 10.0.0.0/8\n"
        "rocommunity s3cr3t-community\n"
        "com2sec notConfigUser default public\n");
    put(root, "etc/miniupnpd.conf", "ext_ifname=eth0\nsecure_mode=no\n");
    put(root, "etc/vsftpd.conf", "anonymous_enable=YES\nlisten=YES\n");
    put(root, "etc/mosquitto/mosquitto.conf", "listener 1883\nallow_anonymous true\n");
    put(root, "etc/ssh/sshd_config", "Port 22\nPermitRootLogin yes\n");
}

static void build_vulnerable_units(const char *root)
{
    put(root, "lib/systemd/system/debug-shell.service",
        "[Unit]\n"
        "Description=Early root shell on /dev/tty9 FOR DEBUGGING ONLY\n"
        "[Service]\n"
        "Environment=TERM=linux\n"
        "ExecStart=/bin/sh\n"
        "Restart=always\n"
        "StandardInput=tty\n"
        "TTYPath=/dev/tty9\n"
        "[Install]\n"
        "WantedBy=sysinit.target\n");
    link_to(root, "etc/systemd/system/sysinit.target.wants/debug-shell.service",
            "/lib/systemd/system/debug-shell.service");
    put(root, "lib/systemd/system/telnet-debug.service",
        "[Service]\nExecStart=/usr/sbin/telnetd -F -p 2323\n");
    link_to(root, "etc/systemd/system/multi-user.target.wants/telnet-debug.service",
            "/lib/systemd/system/telnet-debug.service");
    put(root, "lib/systemd/system/unused-ftp.service", "[Service]\nExecStart=/usr/sbin/vsftpd\n");
    put(root, "lib/systemd/system/masked.service", "[Service]\nExecStart=/usr/sbin/telnetd\n");
    link_to(root, "etc/systemd/system/masked.service", "/dev/null");
    link_to(root, "etc/systemd/system/multi-user.target.wants/masked.service",
            "/lib/systemd/system/masked.service");
}

/* ---- assertions ---- */

typedef struct expected_finding {
    const char *rule, *path;
    unsigned line;
} expected_finding;

static const iotssf_finding *expect(const analysis_run *r, const char *rule, const char *path,
                                    unsigned line)
{
    const iotssf_finding *f = finding_at(r, rule, path, line);
    if (!f) {
        print_findings(r);
        fail_msg("no %s finding at %s:%u", rule, path, line);
    }
    assert_string_equal(f->origin, "test-fs");
    return f;
}

typedef struct expected_service {
    const char *daemon, *path;
    unsigned line;
    const char *started_by, *transport;
    int port;
    bool stated;
} expected_service;

static void expect_services(const analysis_run *r, const expected_service *want, size_t count)
{
    fw_boot_service got[64];
    size_t n = fw_boot_services(r->state, got, 64);
    for (size_t i = 0; i < n && n != count; i++)
        print_message("  service %s %s:%u %s %s/%d%s\n", got[i].daemon, got[i].path,
                      got[i].line, got[i].started_by, got[i].transport, got[i].port,
                      got[i].port_stated ? " stated" : "");
    assert_int_equal(n, count);
    for (size_t i = 0; i < count; i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(got[j].daemon, want[i].daemon) == 0 &&
                    strcmp(got[j].path, want[i].path) == 0 && got[j].line == want[i].line &&
                    strcmp(got[j].started_by, want[i].started_by) == 0 &&
                    strcmp(got[j].transport, want[i].transport) == 0 &&
                    got[j].port == want[i].port && got[j].port_stated == want[i].stated &&
                    strcmp(got[j].origin, "test-fs") == 0;
        if (!found)
            fail_msg("no service %s at %s:%u (%s, %s/%d)", want[i].daemon, want[i].path,
                     want[i].line, want[i].started_by, want[i].transport, want[i].port);
    }
}

/* ---- the vulnerable device ---- */

static const expected_finding vulnerable_findings[] = {
    {"FW-BOOT-CONSOLE-SHELL", "etc/inittab", 2},
    {"FW-BOOT-CONSOLE-SHELL", "etc/inittab", 3},
    {"FW-BOOT-TELNETD-NO-LOGIN", "etc/init.d/rcS", 5},
    {"FW-BOOT-BACKDOOR-SHELL", "etc/init.d/rcS", 6},
    {"FW-BOOT-SSH-ROOT-PASSWORD", "etc/init.d/rcS", 9},
    {"FW-BOOT-FTP", "etc/init.d/rcS", 14},
    {"FW-BOOT-TELNETD-HIDDEN-PORT", "etc/init.d/rcS", 15},
    {"FW-BOOT-UPNP", "etc/init.d/rcS", 19},
    {"FW-BOOT-BACKDOOR-SHELL", "etc/init.d/rcS", 20},
    {"FW-BOOT-TFTP", "etc/init.d/S50app", 4},
    {"FW-BOOT-BACKDOOR-SHELL", "usr/bin/debug.sh", 2},
    {"FW-BOOT-TELNETD", "etc/inetd.conf", 2},
    {"FW-BOOT-BACKDOOR-SHELL", "etc/inetd.conf", 3},
    {"FW-BOOT-TFTP", "etc/inetd.conf", 4},
    {"FW-BOOT-SSH-ROOT-PASSWORD", "etc/config/dropbear", 3},
    {"FW-BOOT-UPNP-INSECURE", "etc/config/upnpd", 3},
    {"FW-BOOT-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", 2},
    {"FW-BOOT-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", 3},
    {"FW-BOOT-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", 5},
    {"FW-BOOT-UPNP-INSECURE", "etc/miniupnpd.conf", 2},
    {"FW-BOOT-FTP-ANONYMOUS", "etc/vsftpd.conf", 1},
    {"FW-BOOT-MQTT-ANONYMOUS", "etc/mosquitto/mosquitto.conf", 2},
    {"FW-BOOT-SSH-ROOT-PASSWORD", "etc/ssh/sshd_config", 2},
    {"FW-BOOT-CONSOLE-SHELL", "lib/systemd/system/debug-shell.service", 5},
    {"FW-BOOT-TELNETD-HIDDEN-PORT", "lib/systemd/system/telnet-debug.service", 2},
};

static const expected_service vulnerable_services[] = {
    {"telnetd", "etc/init.d/rcS", 5, "init script", "tcp", 2323, true},
    {"nc", "etc/init.d/rcS", 6, "init script", "tcp", 9530, true},
    {"dropbear", "etc/init.d/rcS", 9, "init script", "tcp", 22, true},
    {"ftpd", "etc/init.d/rcS", 14, "init script", "tcp", 21, true},
    {"utelnetd", "etc/init.d/rcS", 15, "init script", "tcp", 9999, true},
    {"httpd", "etc/init.d/rcS", 16, "init script", "tcp", 8080, true},
    {"snmpd", "etc/init.d/rcS", 18, "init script", "udp", 161, true},
    {"miniupnpd", "etc/init.d/rcS", 19, "init script", "udp", 1900, false},
    {"nc", "etc/init.d/rcS", 20, "init script", "tcp", 4444, true},
    {"in.tftpd", "etc/init.d/S50app", 4, "init script", "udp", 69, true},
    {"socat", "usr/bin/debug.sh", 2, "init script", "tcp", 5555, true},
    {"telnetd", "etc/inetd.conf", 2, "inetd", "tcp", 23, true},
    {"sh", "etc/inetd.conf", 3, "inetd", "tcp", 9999, true},
    {"tftpd", "etc/inetd.conf", 4, "inetd", "udp", 69, true},
    {"dropbear", "etc/config/dropbear", 4, "uci", "tcp", 22, true},
    {"uhttpd", "etc/config/uhttpd", 2, "uci", "tcp", 80, true},
    {"uhttpd", "etc/config/uhttpd", 3, "uci", "tcp", 443, true},
    {"telnetd", "lib/systemd/system/telnet-debug.service", 2, "systemd", "tcp", 2323, true},
};

static void vulnerable_device(void **state)
{
    (void)state;
    const char *root = tree_dir("vulnerable");
    build_vulnerable(root);
    build_vulnerable_configs(root);
    build_vulnerable_units(root);
    analysis_run r;
    analysis_run_tree(&fw_analysis_boot, root, &r);
    size_t count = sizeof vulnerable_findings / sizeof *vulnerable_findings;
    for (size_t i = 0; i < count; i++)
        expect(&r, vulnerable_findings[i].rule, vulnerable_findings[i].path,
               vulnerable_findings[i].line);
    if (r.findings.count != count)
        print_findings(&r);
    assert_int_equal(r.findings.count, count);

    /* Evidence is the line as written; messages say what it means. */
    const iotssf_finding *f = expect(&r, "FW-BOOT-TELNETD-NO-LOGIN", "etc/init.d/rcS", 5);
    assert_string_equal(f->evidence, "/usr/sbin/telnetd -l /bin/sh -p $PORT &");
    assert_string_equal(f->message, "telnetd starts at boot on port 2323 and runs /bin/sh "
                                    "directly: a shell for anyone who connects, without a login");
    assert_int_equal(f->severity, IOTSSF_SEV_CRITICAL);
    f = expect(&r, "FW-BOOT-BACKDOOR-SHELL", "etc/init.d/rcS", 6);
    assert_string_equal(f->evidence, "nc -l -p 9530 -e /bin/sh &");
    assert_string_equal(f->message,
                        "nc listens on port 9530 and runs /bin/sh for whoever connects: a backdoor");
    f = expect(&r, "FW-BOOT-CONSOLE-SHELL", "etc/inittab", 2);
    assert_string_equal(f->evidence, "ttyS0::respawn:/bin/sh");
    assert_string_equal(f->message, "inittab gives a shell on ttyS0 without a login (respawn): "
                                    "anyone at the serial port has a root shell");
    f = expect(&r, "FW-BOOT-CONSOLE-SHELL", "etc/inittab", 3);
    assert_non_null(strstr(f->message, "on the console without a login (askfirst)"));
    f = expect(&r, "FW-BOOT-CONSOLE-SHELL", "lib/systemd/system/debug-shell.service", 5);
    assert_string_equal(f->message, "systemd unit debug-shell.service gives a shell on /dev/tty9 "
                                    "without a login");
    f = expect(&r, "FW-BOOT-SSH-ROOT-PASSWORD", "etc/config/dropbear", 3);
    assert_string_equal(f->evidence, "option RootPasswordAuth 'on'");
    f = expect(&r, "FW-BOOT-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", 3);
    assert_string_equal(f->message, "SNMP community \"private\" gives read-write access: it is "
                                    "the first one scanners try");
    f = expect(&r, "FW-BOOT-BACKDOOR-SHELL", "etc/init.d/rcS", 20);
    assert_string_equal(f->message, "nc listens on port 4444 and runs a shell through a pipe for "
                                    "whoever connects: a backdoor");
    expect_services(&r, vulnerable_services,
                    sizeof vulnerable_services / sizeof *vulnerable_services);
    analysis_run_free(&r);
}

/* ---- the hardened device ---- */

static void hardened_device(void **state)
{
    (void)state;
    const char *root = tree_dir("hardened");
    put(root, "etc/inittab",
        "::sysinit:/etc/init.d/rcS\n"
        "ttyS0::respawn:/sbin/getty -L ttyS0 115200 vt100\n"
        "::shutdown:/bin/umount -a -r\n");
    put(root, "etc/init.d/rcS",
        "#!/bin/sh\n"
        "dropbear -s -g -p 22\n"
        "httpd -p 80 -h /www\n"
        "# telnetd -l /bin/sh\n"
        "echo 'nc -l -p 9530 -e /bin/sh' > /dev/null\n"
        "[ -x /usr/sbin/telnetd ] || logger 'no telnet'\n"
        "case \"$1\" in\n"
        "telnetd|utelnetd) echo 'no telnet here' ;;\n"
        "esac\n"
        "dropbear() { :; }\n"
        "pid=$(pidof dropbear) && [ -n \"$pid\" ]\n");
    put(root, "etc/ssh/sshd_config", "PermitRootLogin prohibit-password\n");
    put(root, "etc/mosquitto/mosquitto.conf", "allow_anonymous false\n");
    put(root, "etc/vsftpd.conf", "anonymous_enable=NO\n");
    put(root, "etc/miniupnpd.conf", "secure_mode=yes\n");
    put(root, "etc/config/upnpd", "config upnpd 'config'\n\toption secure_mode '1'\n");
    analysis_run r;
    analysis_run_tree(&fw_analysis_boot, root, &r);
    if (r.findings.count)
        print_findings(&r);
    assert_int_equal(findings_at_least(&r, IOTSSF_SEV_HIGH), 0);
    assert_int_equal(r.findings.count, 0);
    static const expected_service services[] = {
        {"dropbear", "etc/init.d/rcS", 2, "init script", "tcp", 22, true},
        {"httpd", "etc/init.d/rcS", 3, "init script", "tcp", 80, true},
    };
    expect_services(&r, services, 2);
    analysis_run_free(&r);
}

/* ---- how commands are spelled ---- */

static void command_forms(void **state)
{
    (void)state;
    const char *root = tree_dir("forms");
    put(root, "etc/rc.local",
        "#!/bin/sh\n"
        "busybox telnetd -l /bin/sh\n"
        "nc -lp 9530 -e /bin/sh &\n"
        "telnetd -p2323 -l/bin/ash\n"
        "busybox nc -ll -p 9531 -e /bin/sh\n"
        "/usr/sbin/telnetd -b 0.0.0.0:2324\n"
        "dropbear -p 0.0.0.0:2222 -s\n"
        "(telnetd &)\n"
        "nohup env LANG=C /usr/sbin/utelnetd -l /bin/bash -d &\n"
        "DAEMON_ARGS=\"-p 2222\"; dropbear $DAEMON_ARGS $EXTRA\n"
        "udpsvd -E 0 69 tftpd -c /srv\n"
        "ncat --listen 4444 --sh-exec 'cat'\n"
        "ARGS=$DAEMON_ARGS; dropbear $ARGS -g\n");
    static const expected_finding want[] = {
        {"FW-BOOT-TELNETD-NO-LOGIN", "etc/rc.local", 2},
        {"FW-BOOT-BACKDOOR-SHELL", "etc/rc.local", 3},
        {"FW-BOOT-TELNETD-NO-LOGIN", "etc/rc.local", 4},
        {"FW-BOOT-BACKDOOR-SHELL", "etc/rc.local", 5},
        {"FW-BOOT-TELNETD-HIDDEN-PORT", "etc/rc.local", 6},
        {"FW-BOOT-TELNETD", "etc/rc.local", 8},
        {"FW-BOOT-TELNETD-NO-LOGIN", "etc/rc.local", 9},
        {"FW-BOOT-TFTP", "etc/rc.local", 11},
        {"FW-BOOT-BACKDOOR-SHELL", "etc/rc.local", 12},
    };
    analysis_run r;
    analysis_run_tree(&fw_analysis_boot, root, &r);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        expect(&r, want[i].rule, want[i].path, want[i].line);
    /* dropbear -s, and dropbear with an unknown $EXTRA, are not judged. */
    if (r.findings.count != sizeof want / sizeof *want)
        print_findings(&r);
    assert_int_equal(r.findings.count, sizeof want / sizeof *want);
    static const expected_service services[] = {
        {"telnetd", "etc/rc.local", 2, "init script", "tcp", 23, false},
        {"nc", "etc/rc.local", 3, "init script", "tcp", 9530, true},
        {"telnetd", "etc/rc.local", 4, "init script", "tcp", 2323, true},
        {"nc", "etc/rc.local", 5, "init script", "tcp", 9531, true},
        {"telnetd", "etc/rc.local", 6, "init script", "tcp", 2324, true},
        {"dropbear", "etc/rc.local", 7, "init script", "tcp", 2222, true},
        {"telnetd", "etc/rc.local", 8, "init script", "tcp", 23, false},
        {"utelnetd", "etc/rc.local", 9, "init script", "tcp", 23, false},
        {"dropbear", "etc/rc.local", 10, "init script", "tcp", 2222, true},
        {"tftpd", "etc/rc.local", 11, "init script", "udp", 69, true},
        {"ncat", "etc/rc.local", 12, "init script", "tcp", 4444, true},
        {"dropbear", "etc/rc.local", 13, "init script", "tcp", 2222, true},
    };
    expect_services(&r, services, sizeof services / sizeof *services);
    analysis_run_free(&r);
}

/* ---- hostile scripts ---- */

/* sh -c "sh -c \"...telnetd...\"" nested `levels` deep. */
static char *nested_sh(int levels)
{
    char *inner = strdup("telnetd -p 24");
    for (int k = 0; k < levels; k++) {
        size_t len = strlen(inner);
        char *outer = malloc(2 * len + 16);
        assert_non_null(outer);
        size_t n = (size_t)sprintf(outer, "sh -c \"");
        for (size_t i = 0; i < len; i++) {
            if (inner[i] == '"' || inner[i] == '\\')
                outer[n++] = '\\';
            outer[n++] = inner[i];
        }
        strcpy(outer + n, "\"");
        free(inner);
        inner = outer;
    }
    return inner;
}

static void build_hostile(const char *root)
{
    char *deep = nested_sh(8);
    size_t long_len = 100 * 1024;
    char *rcs = malloc(long_len + strlen(deep) + 1024);
    assert_non_null(rcs);
    int n = sprintf(rcs, "#!/bin/sh\n/usr/bin/a.sh\n/usr/bin/d0.sh\n"
                         "sh -c 'sh -c \"telnetd -p 23\"'\n%s\n", deep);
    memset(rcs + n, 'x', long_len);
    sprintf(rcs + n + long_len, " ; telnetd\ntelnetd -l \"/bin/sh\ntelnetd -p ${PORT\n");
    put(root, "etc/init.d/rcS", rcs);
    free(rcs);
    free(deep);
    put(root, "usr/bin/a.sh", "#!/bin/sh\n/usr/bin/b.sh\n");
    put(root, "usr/bin/b.sh", "#!/bin/sh\n/usr/bin/a.sh\ntelnetd\n");
    for (int i = 0; i < 8; i++) {
        char name[64], text[128];
        snprintf(name, sizeof name, "usr/bin/d%d.sh", i);
        snprintf(text, sizeof text, "#!/bin/sh\n/usr/bin/d%d.sh\ntelnetd -p %d\n", i + 1,
                 2000 + i);
        put(root, name, text);
    }
    put(root, "etc/init.d/garbage", "\x7f" "ELF\x01\x01\x01\0\0telnetd -l /bin/sh\n\xff\xfe");
    put(root, "etc/init.d/empty", "");
    put(root, "etc/inittab", "::::::::\na:b\nx:y:respawn:\n:::\n::respawn\n");
    put(root, "etc/config/dropbear", "\toption RootPasswordAuth 'on'\nconfig\nlist\noption a\n");
    put(root, "etc/inetd.conf", "telnet\nbogus stream tcp nowait root /usr/sbin/telnetd\n"
                                "99999 stream tcp nowait root /bin/sh sh\n");
    link_to(root, "etc/systemd/system/multi-user.target.wants/missing.service",
            "/lib/systemd/system/missing.service");
    link_to(root, "etc/systemd/system/multi-user.target.wants/loop.service", "loop.service");
    link_to(root, "etc/systemd/system/loop.service", "loop.service");
}

static void hostile_scripts(void **state)
{
    (void)state;
    const char *root = tree_dir("hostile");
    build_hostile(root);
    analysis_run r;
    analysis_run_tree(&fw_analysis_boot, root, &r);
    /* a.sh and b.sh run each other: b.sh is read once. */
    expect(&r, "FW-BOOT-TELNETD", "usr/bin/b.sh", 3);
    /* Scripts started by scripts: four levels below rcS, no more. */
    for (int i = 0; i < 4; i++) {
        char path[64];
        snprintf(path, sizeof path, "usr/bin/d%d.sh", i);
        expect(&r, "FW-BOOT-TELNETD-HIDDEN-PORT", path, 3);
    }
    assert_null(finding_at(&r, "FW-BOOT-TELNETD-HIDDEN-PORT", "usr/bin/d4.sh", 0));
    /* sh -c two deep is read; eight deep is not. */
    expect(&r, "FW-BOOT-TELNETD", "etc/init.d/rcS", 4);
    assert_null(finding_at(&r, "FW-BOOT-TELNETD", "etc/init.d/rcS", 5));
    /* A 100 KiB line is cut at 64 KiB: its telnetd is not seen. */
    assert_null(finding_at(&r, "FW-BOOT-TELNETD", "etc/init.d/rcS", 6));
    /* An unterminated quote ends with the line; ${PORT without its brace
     * leaves the port unknown. */
    expect(&r, "FW-BOOT-TELNETD-NO-LOGIN", "etc/init.d/rcS", 7);
    expect(&r, "FW-BOOT-TELNETD", "etc/init.d/rcS", 8);
    /* Binary, empty and broken files give nothing. */
    assert_int_equal(r.findings.count, 8);
    fw_boot_service one;
    size_t total = fw_boot_services(r.state, &one, 1);
    assert_int_equal(total, 8);
    assert_int_equal(fw_boot_services(r.state, NULL, 0), 8);
    analysis_run_free(&r);
}

/* ---- real files from Debian's packages ---- */

/* Lines of `file` that start with `prefix`, 1-based, in `lines`. */
static size_t lines_starting(const char *file, const char *prefix, unsigned *lines, size_t max)
{
    char *text = read_file(file, NULL);
    assert_non_null(text);
    size_t n = 0;
    unsigned number = 1;
    for (char *p = text; *p && n < max; number++) {
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            lines[n++] = number;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
    return n;
}

static void debian_snmpd_and_systemd(void **state)
{
    (void)state;
    char snmpd[1024], systemd[1024];
    if (!try_debian_dir("snmpd", snmpd, sizeof snmpd) ||
        !try_debian_dir("systemd", systemd, sizeof systemd)) {
        print_message("skipped: snmpd or systemd could not be fetched from Debian\n");
        skip();
    }
    const char *root = tree_dir("debian");
    run_or_fail("cd '%s' && mkdir -p etc/snmp lib/systemd/system "
                "etc/systemd/system/sysinit.target.wants etc/systemd/system/getty.target.wants && "
                "cp '%s/etc/snmp/snmpd.conf' etc/snmp/ && "
                "cp '%s/lib/systemd/system/debug-shell.service' "
                "   '%s/lib/systemd/system/serial-getty@.service' lib/systemd/system/ && "
                "ln -s /lib/systemd/system/debug-shell.service "
                "   etc/systemd/system/sysinit.target.wants/debug-shell.service && "
                "ln -s /lib/systemd/system/serial-getty@.service "
                "   etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service",
                root, snmpd, systemd, systemd);
    char path[8300];
    unsigned community[4], exec[2];
    snprintf(path, sizeof path, "%s/etc/snmp/snmpd.conf", root);
    size_t communities = lines_starting(path, "rocommunity", community, 4);
    snprintf(path, sizeof path, "%s/lib/systemd/system/debug-shell.service", root);
    assert_int_equal(lines_starting(path, "ExecStart=", exec, 2), 1);
    analysis_run r;
    analysis_run_tree(&fw_analysis_boot, root, &r);
    /* Debian's snmpd.conf: "rocommunity public" and "rocommunity6 public". */
    assert_int_equal(communities, 2);
    for (size_t i = 0; i < communities; i++)
        expect(&r, "FW-BOOT-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", community[i]);
    /* systemd's own debug shell, enabled; the serial getty asks for a login. */
    const iotssf_finding *f =
        expect(&r, "FW-BOOT-CONSOLE-SHELL", "lib/systemd/system/debug-shell.service", exec[0]);
    assert_string_equal(f->evidence, "ExecStart=/bin/bash");
    assert_int_equal(r.findings.count, communities + 1);
    analysis_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vulnerable_device),
        cmocka_unit_test(hardened_device),
        cmocka_unit_test(command_forms),
        cmocka_unit_test(hostile_scripts),
        cmocka_unit_test(debian_snmpd_and_systemd),
    };
    return cmocka_run_group_tests(tests, make_work, NULL);
}
