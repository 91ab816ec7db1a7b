/*
 * The secrets analysis (lib/firmware/secrets.c) over a device tree the test
 * writes: configuration files and scripts with planted secrets in every form
 * the analysis knows (wpa_supplicant, hostapd, UCI, snmpd, mosquitto with a
 * real PBKDF2 password file, shell, JSON, YAML, XML, AWS credentials, cloud
 * tokens) next to the tricky non-secrets it must leave alone (variables,
 * empty values, format strings, comments, placeholders, web pages,
 * documentation, binaries). The test asserts the exact set of findings
 * (rule, path, line, evidence) with the real rules and catalog, that masked
 * evidence never holds a whole secret, and that hostile files are survived.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "fw_analysis_util.h"
#include "fw_sink_util.h"
#include "util.h"

extern const fw_analysis fw_analysis_secrets;

static void write_file(const char *dir, const char *rel, const char *text, size_t size)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    run_or_fail("mkdir -p '%s'", path);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, size, f), size);
    fclose(f);
}

static void write_text(const char *dir, const char *rel, const char *text)
{
    write_file(dir, rel, text, strlen(text));
}

/* A mosquitto_passwd line: $7$ = PBKDF2-HMAC-SHA512, 101 iterations, a
 * 12-byte salt and a 64-byte key, both base64 (mosquitto 2's format). */
static void mosquitto_line(const char *user, const char *password, char *out, size_t size)
{
    static const unsigned char salt[12] = "0123456789ab";
    unsigned char key[64];
    unsigned char salt64[32], key64[128];
    assert_int_equal(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sizeof salt, 101,
                                       EVP_sha512(), sizeof key, key),
                     1);
    EVP_EncodeBlock(salt64, salt, sizeof salt);
    EVP_EncodeBlock(key64, key, sizeof key);
    snprintf(out, size, "%s:$7$101$%s$%s\n", user, salt64, key64);
}

/* The planted secrets; none may appear whole in any evidence. */
static const char *const planted[] = {
    "Sunset-Harbor-2231",
    "0f3c5a9e7b2d4c6e8a1f3b5d7c9e2a4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c",
    "CorrectHorse42",
    "Tr0ub4dor&3x",
    "N3tw0rkMon",
    "Br1dg3-S3cret!",
    "plainpass99",
    "c0ffee1234deadbeef5678",
    "s3cr3t-MQTT-pw",
    "Mq77-Secret-Pw",
    "Adm1nPa55!",
    "hunter2x",
    "AKIAZ7Q3KXN4PLM2RT5V",
    "h7Kq2Zp9Lx4Vb6Nm1Rt8Ys3Wc5Ed0Fg2Hj4Kl6Mn",
    "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "xoxb-1234567890-0987654321098-AbCdEfGhIjKlMnOpQrStUvWx",
    "ghp_R7sKp2Lq9Xv4Bn6Mz1Tc8Yd3Wf5Gh0Jk2AeQ",
    NULL,
};

static const char *build_tree(void)
{
    const char *root = scratch_dir("secrets-device");
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", root);
    write_text(dir, "etc/wpa_supplicant.conf",
               "ctrl_interface=/var/run/wpa_supplicant\n"           /* 1 */
               "network={\n"                                        /* 2 */
               "    ssid=\"HomeNet\"\n"                             /* 3 */
               "    psk=\"Sunset-Harbor-2231\"\n"                   /* 4 */
               "    key_mgmt=WPA-PSK\n"                             /* 5 */
               "}\n"                                                /* 6 */
               "network={\n"                                        /* 7 */
               "    ssid=\"Other\"\n"                               /* 8 */
               "    psk=0f3c5a9e7b2d4c6e8a1f3b5d7c9e2a4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c\n"
               "}\n");
    write_text(dir, "etc/hostapd.conf",
               "interface=wlan0\n"                                  /* 1 */
               "#wpa_passphrase=commentedout123\n"                  /* 2 */
               "wpa_passphrase=CorrectHorse42\n"                    /* 3 */
               "wpa_psk_file=/etc/hostapd.wpa_psk\n");              /* 4 */
    write_text(dir, "etc/config/wireless",
               "config wifi-iface 'default_radio0'\n"               /* 1 */
               "\toption device 'radio0'\n"                         /* 2 */
               "\toption ssid 'OpenWrt'\n"                          /* 3 */
               "\toption encryption 'psk2'\n"                       /* 4 */
               "\toption key 'Tr0ub4dor&3x'\n");                    /* 5 */
    write_text(dir, "etc/config/rpcd",
               "config login\n\toption username 'root'\n\toption password '$p$root'\n"
               "\tlist read '*'\n");
    write_text(dir, "etc/config/snmpd",
               "config com2sec public\n"                            /* 1 */
               "\toption secname ro\n"                              /* 2 */
               "\toption community public\n");                      /* 3 */
    write_text(dir, "etc/snmp/snmpd.conf",
               "# rocommunity secret99 (an example)\n"             /* 1 */
               "rocommunity public default -V systemonly\n"         /* 2 */
               "rwcommunity private 127.0.0.1\n"                    /* 3 */
               "com2sec readonly  default  N3tw0rkMon\n");          /* 4 */
    char pw[512], line[256];
    mosquitto_line("sensor", "a-strong-one-2024", pw, sizeof pw);
    mosquitto_line("camera", "another-one-7", line, sizeof line);
    strncat(pw, line, sizeof pw - strlen(pw) - 1);
    strncat(pw, "legacy:plainpass99\n", sizeof pw - strlen(pw) - 1);
    write_text(dir, "etc/mosquitto/passwd", pw);
    write_text(dir, "etc/mosquitto/mosquitto.conf",
               "password_file /etc/mosquitto/passwd\n"              /* 1 */
               "allow_anonymous false\n"                            /* 2 */
               "connection cloud\n"                                 /* 3 */
               "remote_username device01\n"                         /* 4 */
               "remote_password Br1dg3-S3cret!\n");                 /* 5 */
    write_text(dir, "etc/init.d/S90cloud",
               "#!/bin/sh\n"                                        /* 1 */
               "API_TOKEN=\"c0ffee1234deadbeef5678\"\n"             /* 2 */
               "PASSWORD=${DEVICE_PASSWORD}\n"                      /* 3 */
               "ADMIN_PASS=\"$1\"\n"                                /* 4 */
               "DB_PASSWORD=\"\"\n"                                 /* 5 */
               "# password=commented_example1\n"                    /* 6 */
               "curl -u admin:$PASSWORD https://cloud.invalid/\n"   /* 7 */
               "echo \"Wrong password: try again\"\n"               /* 8 */
               "[ \"$password\" = \"x\" ] && exit 1\n"              /* 9 */
               "export MQTT_PWD=changeme\n");                       /* 10 */
    write_text(dir, "etc/app/config.json",
               "{\n"                                                /* 1 */
               "  \"cloud\": {\"endpoint\": \"https://api.invalid\", \"api_key\": "
               "\"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY\"},\n"    /* 2 */
               "  \"user\": \"admin\",\n"                           /* 3 */
               "  \"password\": \"password\",\n"                    /* 4 */
               "  \"token\": \"\",\n"                               /* 5 */
               "  \"secret\": \"%s\",\n"                            /* 6 */
               "  \"client_secret\": \"your_client_secret_here\",\n" /* 7 */
               "  \"slack\": \"xoxb-1234567890-0987654321098-AbCdEfGhIjKlMnOpQrStUvWx\"\n"
               "}\n");
    write_text(dir, "etc/app/min.json",
               "{\"mqtt\":{\"user\":\"dev\",\"password\":\"Mq77-Secret-Pw\",\"port\":1883},"
               "\"note\":\"the password: is set at first boot\"}\n");
    write_text(dir, "etc/device.yaml",
               "mqtt:\n"                                            /* 1 */
               "  host: broker.local\n"                             /* 2 */
               "  password: s3cr3t-MQTT-pw\n"                       /* 3 */
               "  token: ${TOKEN}\n"                                /* 4 */
               "  password_file: /etc/pw\n");                       /* 5 */
    write_text(dir, "etc/users.xml",
               "<?xml version=\"1.0\"?>\n"                          /* 1 */
               "<Users>\n"                                          /* 2 */
               "  <Password>Adm1nPa55!</Password>\n"                /* 3 */
               "  <User name=\"admin\" password=\"hunter2x\"/>\n"   /* 4 */
               "  <Field type=\"password\" name=\"pwd\"/>\n"        /* 5 */
               "</Users>\n");
    write_text(dir, "etc/aws/credentials",
               "[default]\n"                                        /* 1 */
               "aws_access_key_id = AKIAZ7Q3KXN4PLM2RT5V\n"         /* 2 */
               "aws_secret_access_key = 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\n");
    /* Web pages and code: tokens only. */
    write_text(dir, "www/login.html",
               "<input type=\"password\" name=\"password\" value=\"\">\n"
               "<script>var password = \"hunter22\";</script>\n");
    write_text(dir, "www/js/app.js",
               "const cfg = {password: \"webpass123\"};\n"          /* 1 */
               "const gh = \"ghp_R7sKp2Lq9Xv4Bn6Mz1Tc8Yd3Wf5Gh0Jk2AeQ\";\n"); /* 2 */
    /* Documentation, with AWS's own documented example pair. */
    write_text(dir, "usr/share/doc/app/README",
               "Set password=Example123 in the config.\n"
               "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
               "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    /* A binary holding strings that would match as text. */
    static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0password=Secret123\0"
                                 "AKIAZ7Q3KXN4PLM2RT5V h7Kq2Zp9Lx4Vb6Nm1Rt8Ys3Wc5Ed0Fg2Hj4Kl6Mn\0";
    write_file(dir, "usr/bin/cloudd", binary, sizeof binary - 1);
    /* Account files are the accounts analysis's. */
    write_text(dir, "etc/shadow", "root:$1$abc$password=Secret123:::\n");
    return dir;
}

static void test_planted_secrets_exactly(void **state)
{
    (void)state;
    const char *root = build_tree();
    analysis_run r;
    analysis_run_tree(&fw_analysis_secrets, root, &r);
    const fw_expected exp[] = {
        {"FW-SECRET-WIFI-PSK", "etc/wpa_supplicant.conf", 4, "psk=Su**************31"},
        {"FW-SECRET-WIFI-PSK", "etc/wpa_supplicant.conf", 9, "psk=0f****************5c"},
        {"FW-SECRET-WIFI-PSK", "etc/hostapd.conf", 3, "wpa_passphrase=Co**********42"},
        {"FW-SECRET-WIFI-PSK", "etc/config/wireless", 5, "key=Tr********3x"},
        {"FW-SECRET-SNMP-DEFAULT-COMMUNITY", "etc/config/snmpd", 3, "community=public"},
        {"FW-SECRET-SNMP-DEFAULT-COMMUNITY", "etc/snmp/snmpd.conf", 2, "rocommunity=public"},
        {"FW-SECRET-SNMP-DEFAULT-COMMUNITY", "etc/snmp/snmpd.conf", 3, "rwcommunity=private"},
        {"FW-SECRET-SNMP-COMMUNITY", "etc/snmp/snmpd.conf", 4, "com2sec=N3******on"},
        {"FW-SECRET-MQTT-PASSWORD-HASH", "etc/mosquitto/passwd", 1,
         "sensor:$7****************=="},
        {"FW-SECRET-MQTT-PASSWORD-HASH", "etc/mosquitto/passwd", 2,
         "camera:$7****************=="},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/mosquitto/passwd", 3, "legacy=pl*******99"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/mosquitto/mosquitto.conf", 5,
         "remote_password=Br**********t!"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/init.d/S90cloud", 2,
         "API_TOKEN=c0****************78"},
        {"FW-SECRET-DEFAULT-PASSWORD", "etc/init.d/S90cloud", 10, "MQTT_PWD=changeme"},
        {"FW-SECRET-CLOUD-TOKEN", "etc/app/config.json", 2, "AIzaSy****************WY"},
        {"FW-SECRET-DEFAULT-PASSWORD", "etc/app/config.json", 4, "password=password"},
        {"FW-SECRET-CLOUD-TOKEN", "etc/app/config.json", 8, "xoxb-12****************Wx"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/app/min.json", 1, "password=Mq**********Pw"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/device.yaml", 3, "password=s3**********pw"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/users.xml", 3, "Password=Ad******5!"},
        {"FW-SECRET-HARDCODED-PASSWORD", "etc/users.xml", 4, "password=h******x"},
        {"FW-SECRET-AWS-KEY", "etc/aws/credentials", 2,
         "AK****************5V with secret key h7****************Mn"},
        {"FW-SECRET-CLOUD-TOKEN", "www/js/app.js", 2, "ghp_R7****************eQ"},
    };
    assert_exactly(&r, exp, sizeof exp / sizeof *exp);
    for (size_t i = 0; i < r.findings.count; i++)
        for (size_t k = 0; planted[k]; k++)
            assert_null(strstr(r.findings.items[i].evidence, planted[k]));
    const iotssf_finding *f = finding_at(&r, "FW-SECRET-AWS-KEY", "etc/aws/credentials", 2);
    assert_int_equal(f->severity, IOTSSF_SEV_CRITICAL);
    assert_string_equal(f->origin, "test-fs");
    f = finding_at(&r, "FW-SECRET-CLOUD-TOKEN", "etc/app/config.json", 2);
    assert_string_equal(f->message, "a Google API key in clear");
    f = finding_at(&r, "FW-SECRET-WIFI-PSK", "etc/wpa_supplicant.conf", 4);
    assert_string_equal(f->message, "Wi-Fi key written into the image (18 characters)");
    analysis_run_free(&r);
}

/* A file with more candidates than the per-file cap lists the first 50 and
 * says there were more; a huge single line, an unclosed quote, a file of
 * control bytes and one over the size limit are survived. */
static void test_hostile_files(void **state)
{
    (void)state;
    const char *root = scratch_dir("secrets-hostile");
    char many[8192] = "";
    for (int i = 0; i < 80; i++) {
        size_t used = strlen(many);
        snprintf(many + used, sizeof many - used, "password%d=Value-%04d-xyz\n", i, i);
    }
    write_text(root, "etc/many.conf", many);
    size_t big = 5 * 1024 * 1024;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, 'A', big);
    memcpy(huge, "password=\"", 10);
    write_file(root, "etc/huge.conf", huge, 3 * 1024 * 1024); /* one 3 MiB line, no quote end */
    memcpy(huge, "password=TooBig-999\n", 20);
    write_file(root, "etc/over.conf", huge, big);              /* over 4 MiB: not read */
    for (size_t i = 0; i < 4096; i++)
        huge[i] = (char)(i % 32 == 10 ? 'p' : i % 32);
    write_file(root, "etc/control.conf", huge, 4096);
    memcpy(huge, "AKIAZ7Q3KXN4PLM2RT5V ", 21);
    for (size_t i = 21; i + 21 <= 200000; i += 21)
        memcpy(huge + i, "AKIAZ7Q3KXN4PLM2RT5V ", 21); /* key ids, no secret */
    write_file(root, "etc/akia.conf", huge, 200000);
    free(huge);

    analysis_run r;
    analysis_run_tree(&fw_analysis_secrets, root, &r);
    assert_int_equal(findings_of(&r, "FW-SECRET-HARDCODED-PASSWORD"), 50);
    assert_int_equal(findings_of(&r, "FW-SECRET-MORE"), 1);
    assert_int_equal(r.findings.count, 51);
    assert_non_null(finding_at(&r, "FW-SECRET-MORE", "etc/many.conf", 51));
    const iotssf_finding *f = finding_at(&r, "FW-SECRET-HARDCODED-PASSWORD", "etc/many.conf", 1);
    assert_string_equal(f->evidence, "password0=Va**********yz");
    analysis_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_secrets_exactly),
        cmocka_unit_test(test_hostile_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
