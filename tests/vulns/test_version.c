/*
 * Version ordering: every scheme against the release histories it has to
 * get right (OpenSSL letters, OpenSSH p-releases, release candidates,
 * U-Boot's year.month-rcN, Debian's epoch:upstream-revision with ~), and the
 * order properties the matcher relies on (antisymmetry, transitivity over
 * sorted chains). Also which versions are too partial to match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "iotssf/vulns.h"

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Each list is strictly increasing; every pair is checked both ways. */
static void assert_ascending(const char *scheme, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int want = (i > j) - (i < j);
            int got = sign(iotssf_version_compare(scheme, v[i], v[j]));
            if (got != want)
                fail_msg("%s: compare(%s, %s) = %d, expected %d", scheme, v[i], v[j], got, want);
        }
}

#define ASCENDING(scheme, ...)                                                                    \
    do {                                                                                          \
        static const char *const list_[] = {__VA_ARGS__};                                        \
        assert_ascending(scheme, list_, sizeof list_ / sizeof list_[0]);                          \
    } while (0)

static void test_dotted(void **state)
{
    (void)state;
    ASCENDING("dotted", "0.9", "1.0rc1", "1.0-rc2", "1.0", "1.0a", "1.0.1", "1.2.9", "1.2.10",
              "1.10", "2.0-alpha", "2.0-beta1", "2.0-pre1", "2.0-rc1", "2.0", "2.0.0.1", "10");
    ASCENDING("dotted", "2.77", "2.78", "2.80", "2.83", "2.89", "2.90");
    ASCENDING("dotted", "1.29.3", "1.30.0", "1.30.1", "1.36.1");
    /* Separators do not matter, leading zeros neither. */
    assert_int_equal(iotssf_version_compare("dotted", "1.2.3", "1-2_3"), 0);
    assert_int_equal(iotssf_version_compare("dotted", "1.02", "1.2"), 0);
    assert_int_equal(iotssf_version_compare("dotted", "1.0RC1", "1.0rc1"), 0);
    /* Numbers longer than any integer type still compare. */
    assert_true(iotssf_version_compare("dotted", "1.99999999999999999999999",
                                       "1.100000000000000000000000") < 0);
    /* Unknown schemes are dotted. */
    assert_true(iotssf_version_compare("no-such-scheme", "1.2.10", "1.2.9") > 0);
    assert_true(iotssf_version_compare(NULL, "1.2.10", "1.2.9") > 0);
}

static void test_openssl(void **state)
{
    (void)state;
    ASCENDING("openssl", "0.9.8", "0.9.8y", "0.9.8za", "0.9.8zh", "1.0.0", "1.0.1", "1.0.1f",
              "1.0.1g", "1.0.1t", "1.0.1u", "1.0.2-beta1", "1.0.2-beta2", "1.0.2", "1.0.2a",
              "1.0.2k", "1.0.2u", "1.1.0-pre1", "1.1.0", "1.1.0l", "1.1.1", "1.1.1w",
              "3.0.0-alpha1", "3.0.0", "3.0.13", "3.1.0", "3.2.0");
}

static void test_openssh_and_dropbear(void **state)
{
    (void)state;
    ASCENDING("openssh", "6.6p1", "7.4", "7.4p1", "7.7p1", "7.8p1", "8.9p1", "9.2p1", "9.3p1",
              "9.3p2", "9.4p1", "9.10p1");
    ASCENDING("dropbear", "0.52", "2012.55", "2016.74", "2019.78", "2020.81", "2022.83",
              "2024.85");
}

static void test_uboot(void **state)
{
    (void)state;
    ASCENDING("dotted", "2016.11-rc1", "2016.11", "2022.01", "2022.07-rc1", "2022.07-rc5",
              "2022.07", "2023.01-rc3", "2023.01", "2023.04");
}

static void test_debian(void **state)
{
    (void)state;
    /* Policy 5.6.12: ~ before everything, even the end; letters before other
     * punctuation; the epoch first; the revision last. */
    ASCENDING("debian", "1.0~rc1", "1.0", "1.0-1", "1.0-1+deb9u1", "1.0-2", "1.0a-1",
              "1.0+dfsg-1", "1.0.1-1", "1:0.5-1", "1:1.0-1", "2:0.1");
    ASCENDING("debian", "2.76-5", "2.76-5+deb9u1", "2.76-5+deb9u2", "2.80-1", "2.80-1+deb10u1");
    ASCENDING("debian", "1.30.1", "1.30.1-4", "1.30.1-6+b3", "1:1.30.1-4");
    ASCENDING("debian", "1.0~~", "1.0~~a", "1.0~", "1.0");
    assert_int_equal(iotssf_version_compare("debian", "0:1.0-1", "1.0-1"), 0);
    assert_int_equal(iotssf_version_compare("debian", "1.0-01", "1.0-1"), 0);
    /* Epochs and digit runs beyond any integer type. */
    assert_true(iotssf_version_compare("debian", "99999999999999999999:1", "1:1") > 0);
    assert_true(iotssf_version_compare("debian", "1.99999999999999999999999", "1.2") > 0);
}

static void test_hostile_strings(void **state)
{
    (void)state;
    static const char *const odd[] = {"", ".", "--", "~", ":", "a", "1:", ":1", "-1", "1-",
                                      "\xff\xfe", "1..2", "rc", "0", "00", "1.0-rc", "x.y.z"};
    size_t n = sizeof odd / sizeof odd[0];
    const char *schemes[] = {"dotted", "debian"};
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                int ab = sign(iotssf_version_compare(schemes[s], odd[i], odd[j]));
                int ba = sign(iotssf_version_compare(schemes[s], odd[j], odd[i]));
                if (ab != -ba)
                    fail_msg("%s: '%s' vs '%s' not antisymmetric", schemes[s], odd[i], odd[j]);
                for (size_t k = 0; k < n; k++) {
                    int bc = sign(iotssf_version_compare(schemes[s], odd[j], odd[k]));
                    int ac = sign(iotssf_version_compare(schemes[s], odd[i], odd[k]));
                    if (ab <= 0 && bc <= 0 && ac > 0)
                        fail_msg("%s: not transitive: %s, %s, %s", schemes[s], odd[i], odd[j],
                                 odd[k]);
                }
            }
    assert_int_equal(iotssf_version_compare("dotted", NULL, NULL), 0);
    assert_true(iotssf_version_compare("dotted", NULL, "1.0") < 0);
}

static void test_partial(void **state)
{
    (void)state;
    static const char *const partial[] = {"", "1", "2019", "2.6.x", "1.*", "1.2.", "1.2-", "v",
                                          "?", NULL};
    static const char *const whole[] = {"1.0", "2.78", "1.0.2k", "9.3p1", "2019.78",
                                        "2023.01-rc3", NULL};
    for (int i = 0; partial[i]; i++)
        if (!iotssf_version_is_partial("dotted", partial[i]))
            fail_msg("'%s' should be partial", partial[i]);
    for (int i = 0; whole[i]; i++)
        if (iotssf_version_is_partial("dotted", whole[i]))
            fail_msg("'%s' should not be partial", whole[i]);
    assert_true(iotssf_version_is_partial("dotted", NULL));
    assert_false(iotssf_version_is_partial("debian", "5"));
    assert_true(iotssf_version_is_partial("debian", "abc"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dotted),          cmocka_unit_test(test_openssl),
        cmocka_unit_test(test_openssh_and_dropbear), cmocka_unit_test(test_uboot),
        cmocka_unit_test(test_debian),          cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_partial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
