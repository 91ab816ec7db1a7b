/*
 * Component identification over real Debian packages: each package's
 * unpacked tree (binaries, libraries, documentation, everything) is scanned
 * as a firmware filesystem would be, and the result must be exactly the
 * components the package carries, each at the upstream version the .deb's
 * own metadata states: no wrong version, no invented component. Foreign
 * architectures and older releases in the cache (arm64's libssl3 lags the
 * amd64 one) check that nothing depends on one build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comp_util.h"
#include "util.h"

typedef struct deb_case {
    const char *package, *arch;
    const char *ids[4]; /* exactly these components, NULL-terminated */
    /* Mosquitto keeps its version in a string of its own next to
     * "mosquitto version %s": a pattern in one place, so medium. */
    bool medium;
} deb_case;

static const deb_case cases[] = {
    {"busybox-static", NULL, {"busybox"}, false},
    {"busybox-static", "mipsel", {"busybox"}, false},
    {"dropbear-bin", NULL, {"dropbear"}, false},
    {"dropbear-bin", "armhf", {"dropbear"}, false},
    {"dnsmasq-base", NULL, {"dnsmasq"}, false},
    {"dnsmasq-base", "mipsel", {"dnsmasq"}, false},
    {"lighttpd", NULL, {"lighttpd"}, false},
    {"libssl3", NULL, {"openssl"}, false},
    {"libssl3", "arm64", {"openssl"}, false},
    {"openssl", NULL, {"openssl"}, false},
    {"curl", NULL, {"curl"}, false},
    {"libcurl4", NULL, {"curl"}, false},
    {"hostapd", NULL, {"hostapd"}, false},
    {"wpasupplicant", NULL, {"wpa_supplicant"}, false},
    {"libc6", NULL, {"glibc"}, false},
    {"mosquitto", NULL, {"mosquitto"}, true},
    {"miniupnpd-nftables", NULL, {"miniupnpd"}, false},
    {"avahi-daemon", NULL, {"avahi"}, true},
    {"libmbedcrypto7", NULL, {"mbedtls"}, false},
    {"libwolfssl35", NULL, {"wolfssl"}, false},
    {"libupnp13", NULL, {"libupnp"}, false},
    {"openssh-server", NULL, {"openssh"}, false},
    {"openssh-client", NULL, {"openssh"}, false},
    {"mini-httpd", NULL, {"mini_httpd"}, false},
};

/* Debian's OpenSSH version is "9.2p1-2+deb12u3": its upstream is "9.2p1". */
static void check_case(const iotssf_component_sigs *sigs, const deb_case *c)
{
    char dir[4096], version[128];
    if (!comp_debian(c->package, c->arch, dir, sizeof dir, version, sizeof version)) {
        fprintf(stderr, "skipped %s:%s: the package cannot be fetched\n", c->package,
                c->arch ? c->arch : "native");
        return;
    }
    iotssf_components got;
    comp_scan_tree(sigs, dir, &got);
    size_t expected = 0;
    bool ok = true;
    for (; expected < 4 && c->ids[expected]; expected++) {
        const iotssf_component *x = comp_find(&got, c->ids[expected], NULL);
        if (!x || !x->version || strcmp(x->version, version) != 0 || x->version_partial ||
            x->confidence != (c->medium ? IOTSSF_CONFIDENCE_MEDIUM : IOTSSF_CONFIDENCE_HIGH)) {
            fprintf(stderr, "%s:%s: expected %s %s (%s)\n", c->package,
                    c->arch ? c->arch : "native", c->ids[expected], version,
                    c->medium ? "medium" : "high");
            ok = false;
        }
    }
    if (got.count != expected) {
        fprintf(stderr, "%s:%s: %zu components, expected %zu\n", c->package,
                c->arch ? c->arch : "native", got.count, expected);
        ok = false;
    }
    if (!ok)
        comp_dump(&got);
    for (size_t i = 0; ok && i < got.count; i++) {
        const iotssf_component *x = &got.items[i];
        assert_non_null(x->cpe);
        assert_non_null(strstr(x->cpe, version));
        assert_true(x->evidence_count > 0 && x->file_count > 0);
        assert_int_equal(strlen(x->files[0].sha256), 64);
    }
    iotssf_components_free(&got);
    assert_true(ok);
}

static void each_package_identified_exactly(void **state)
{
    (void)state;
    iotssf_component_sigs *sigs = comp_load_shipped();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(sigs, &cases[i]);
    iotssf_component_sigs_free(sigs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_package_identified_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
